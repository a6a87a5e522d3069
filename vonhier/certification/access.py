"""Who may act in certification: certifiers and their bodies, the one rule on conflicts of interest, the
applicant's and the certifier's access to an application; `WorkflowError`, how every step says no."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Forbidden, NotFound

from ..errors import RuleError, abort_with
from ..extensions import db
from ..organisations.models import Organisation, OrgKind
from ..organisations.services import membership
from ..permissions import SYSTEM, Role
from .models import Application


@dataclass(frozen=True)
class Help:
    """Where to go to remove the reason of a refusal: a page (endpoint and its values, made a link when
    shown, so that a refusal outside a request can name it too) and its translated text."""

    label: str
    endpoint: str
    values: tuple[tuple[str, int], ...] = ()

    @property
    def href(self) -> str:
        return url_for(self.endpoint, **dict(self.values))


class WorkflowError(RuleError):
    """A step the rules do not allow now (HTTP 409); str() is a translated message. `links` are the
    pages that let the member remove the reason (the licence, the product, the account), shown beside
    the reason on the page the member came from."""

    def __init__(self, message: str | list[str], field: str = "", links: tuple[Help, ...] = ()):
        super().__init__(message, field)
        self.links = links


def certification_body_of(user) -> Organisation | None:
    """The certification body a certifier works for (None for anyone who is not a certifier)."""
    if user is SYSTEM or not user.has_role(Role.CERTIFIER):
        return None
    return next(
        (m.organisation for m in user.memberships if m.organisation.has_kind(OrgKind.CERTIFICATION_BODY)),
        None,
    )


def certifier_body(user) -> Organisation:
    """The body of a certifier, for their lists; 403 for anyone else."""
    body = certification_body_of(user)
    if body is None:
        raise Forbidden()
    return body


def certifier_refusal(user, organisation: Organisation, handled_by: int | None = None) -> str | None:
    """Why `user` may not act as a certifier on `organisation`'s application or certificate (handled
    by the body `handled_by`, if one has it yet), or None if they may. The one rule on conflicts of
    interest: every certifier action asks it (via `require_certifier`), and the pages ask it to decide
    which buttons to offer."""
    if user is SYSTEM:
        return None
    body = certification_body_of(user)
    if body is None:
        return str(_l("Only certifiers of a certification body can do this."))
    # Any membership role counts; the certifier's own body is one of their memberships too.
    if membership(user, organisation) is not None:
        return str(
            _l(
                "You are a member of %(name)s, so you cannot act on its applications or certificates "
                "as a certifier.",
                name=organisation.display_name,
            )
        )
    if handled_by not in (None, body.id):
        return str(_l("Another certification body handles this."))
    return None


def require_certifier(user, organisation: Organisation, handled_by: int | None = None) -> Organisation | None:
    """The certifier's body if `certifier_refusal` finds nothing; else 403 with its reason."""
    if refusal := certifier_refusal(user, organisation, handled_by):
        abort_with(403, refusal)
    return certification_body_of(user)


def require_certifier_for(user, application: Application) -> Organisation | None:
    return require_certifier(user, application.organisation, application.certification_body_id)


def require_applicant(user, application: Application) -> None:
    if user is not SYSTEM and membership(user, application.organisation) is None:
        raise Forbidden()


def get_application(user, application_id: int) -> Application:
    """The application if `user` is a member of the applicant or a certifier; else 403/404.
    Certifiers see it from submission on: a draft (or one withdrawn as a draft) is 404 to them,
    as if it did not exist yet."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound()
    if membership(user, application.organisation) is None:
        certifier_body(user)
        if application.submitted_at is None:
            raise NotFound()
    return application


def get_application_for_certifier(user, application_id: int) -> Application:
    """The application for a certifier's step: refused (403) before any input is read."""
    application = get_application(user, application_id)
    require_certifier_for(user, application)
    return application
