"""What stands between a member and applying for the label: a confirmed email address (to apply), a
current licence and products that meet every criterion (to submit). Each refusal is a `WorkflowError`
with the page that removes its reason (the account, "Licence", the product's form), and the pages ask
`obstacles` to say the same before anyone presses a button."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..payments import services as payments
from ..permissions import SYSTEM
from . import rules
from .access import Help, WorkflowError
from .criteria import precheck
from .models import Application, CriteriaCatalogue


def confirmation_missing(user) -> WorkflowError | None:
    """The refusal for a member whose email address is not confirmed yet (mails about the application
    go there), or None. Editing products does not need it; applying does."""
    if user is SYSTEM or user.is_confirmed:
        return None
    return WorkflowError(
        str(
            _l(
                "Please confirm your email address first: we send everything about your application "
                "there. Open the link in the mail we sent to %(email)s, or have it sent again.",
                email=user.email,
            )
        ),
        links=(Help(str(_l("Send the confirmation email again")), "accounts.account"),),
    )


def licence_missing(organisation_id: int) -> WorkflowError | None:
    """The refusal for an organisation without a current licence, or None."""
    if payments.is_current(organisation_id):
        return None
    return WorkflowError(
        str(
            _l(
                "An application needs a current label licence. Please accept the licence "
                "terms and pay the fee (or ask for the zero-fee tier) first."
            )
        ),
        links=(Help(str(_l("Licence")), "payments.licence"),),
    )


def failed_criteria(results: list[rules.Result], catalogue: CriteriaCatalogue) -> list[str]:
    """Each failed criterion of a pre-check as "code title – reason", in the catalogue's order."""
    locale = str(get_locale())
    titles = {c.code: c.title(locale) for c in catalogue.criteria}
    return [
        str(
            _l("%(code)s %(title)s – %(reason)s", code=r.code, title=titles.get(r.code, ""), reason=r.message)
        )
        for r in results
        if r.outcome == rules.Outcome.FAILED
    ]


def open_results(results: list[rules.Result]) -> list[rules.Result]:
    """The results a member still has to act on: failed criteria and missing documents."""
    return [r for r in results if r.outcome in (rules.Outcome.FAILED, rules.Outcome.EVIDENCE_MISSING)]


def criteria_failing(application: Application, evidence: set[str]) -> WorkflowError | None:
    """The refusal for an application with a product that fails a criterion on its current data, naming
    each product and criterion, with a link to each product's form; or None."""
    messages, links, locale = [], [], str(get_locale())
    for item in application.items:
        results = precheck(item.product.current_version.data, application.catalogue, evidence)
        if failed := failed_criteria(results, application.catalogue):
            name = item.product.name(locale)
            messages.append(
                str(
                    _l(
                        "“%(product)s” does not meet every criterion: %(criteria)s.",
                        product=name,
                        criteria="; ".join(failed),
                    )
                )
            )
            label = str(_l("Edit %(name)s", name=name))
            links.append(Help(label, "catalogue.edit_product", (("product_id", item.product_id),)))
    if not messages:
        return None
    messages.append(str(_l("Change the product's data, then submit the application.")))
    return WorkflowError(messages, links=tuple(links))


def obstacles(user, organisation_id: int) -> list[WorkflowError]:
    """What keeps `user` from applying for their organisation now, for the pages to say beforehand."""
    return [e for e in (confirmation_missing(user), licence_missing(organisation_id)) if e is not None]


def submission_obstacles(user, application: Application, evidence: set[str]) -> list[WorkflowError]:
    """What would keep `user` from submitting `application` now (the same refusals `submit` raises)."""
    failing = criteria_failing(application, evidence)
    return [*obstacles(user, application.organisation_id), *([failing] if failing else [])]


def require(refusal: WorkflowError | None) -> None:
    if refusal is not None:
        raise refusal
