"""Organisation rules: who may see and change an organisation, memberships, invitations, ownership."""

from flask import current_app, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.exceptions import Forbidden, NotFound

from .. import region
from ..accounts import services as accounts
from ..accounts.models import User
from ..clock import utcnow
from ..database import german
from ..errors import RuleError, abort_with
from ..extensions import db
from ..geo.places import resolve_location
from ..outbox import mail
from ..permissions import SYSTEM, MemberRole, Role, signed_in_user
from ..web import external_url
from .models import Invitation, Membership, Organisation, OrgKind
from .signals import profile_saved

CURRENT_ORG_KEY = "org_id"

PROFILE_FIELDS = (
    "legal_name",
    "display_name",
    "street",
    "postcode",
    "town",
    "district",
    "state",
    "country",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "description_de",
    "description_en",
    "founding_year",
    "size_class",
    "control_body_code",
)


class MembershipError(RuleError):
    """A membership change that the rules refuse; str() is a translated message."""


def membership(user: User, organisation: Organisation) -> Membership | None:
    return next((m for m in user.memberships if m.organisation_id == organisation.id), None)


def require_member(user, organisation_id: int) -> None:
    """Forbidden unless `user` works for the organisation (CLI work and demo data act as SYSTEM)."""
    if user is SYSTEM:
        return
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or membership(user, organisation) is None:
        raise Forbidden()


def row_for_member(user, model, row_id: int, missing: str | None = None):
    """The `model` row (a site, product, outlet, certificate: anything with an `organisation_id`) if
    `user` works for its organisation: 404 (saying `missing`) if there is none, 403 if it is not theirs."""
    row = db.session.get(model, row_id)
    if row is None:
        if missing:
            abort_with(404, missing)
        raise NotFound()
    require_member(user, row.organisation_id)
    return row


def get(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


def get_for_member(user: User, organisation_id: int, owner_only: bool = False) -> Organisation:
    """The organisation if `user` belongs to it (as owner when `owner_only`), else 403/404."""
    organisation = get(organisation_id)
    if owner_only:
        require_owner(user, organisation)
    elif membership(user, organisation) is None:
        raise Forbidden()
    return organisation


def _check_kinds(user: User, organisation: Organisation | None, kinds) -> None:
    """Only admins make an organisation a certification body: certifiers may be appointed there."""
    wanted = OrgKind.CERTIFICATION_BODY in {OrgKind(k) for k in kinds}
    already = organisation is not None and organisation.has_kind(OrgKind.CERTIFICATION_BODY)
    if wanted and not already and not user.has_role(Role.ADMIN):
        raise MembershipError(
            str(_l("Only the %(label)s office can register a certification body.", label=region.label_name()))
        )


def _check_pin(data: dict) -> None:
    """An organisation's pin follows the sites' rules: on land we serve (LocationError otherwise).
    Without a pin the organisation has no coordinates, as before: the address alone is enough."""
    if data.get("latitude") is not None and data.get("longitude") is not None:
        resolve_location({**data, "latitude": float(data["latitude"]), "longitude": float(data["longitude"])})


def create(user: User, data: dict, kinds) -> Organisation:
    _check_kinds(user, None, kinds)
    _check_pin(data)
    organisation = Organisation(**{k: data[k] for k in PROFILE_FIELDS if k in data})
    organisation.kinds = kinds
    organisation.memberships.append(Membership(user=user, role=MemberRole.OWNER))
    db.session.add(organisation)
    db.session.flush()
    profile_saved.send(organisation)
    return organisation


def update(user: User, organisation: Organisation, data: dict, kinds) -> None:
    if membership(user, organisation) is None:
        raise Forbidden()
    _check_kinds(user, organisation, kinds)
    _check_pin(data)
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(organisation, key, data[key])
    organisation.kinds = kinds
    db.session.flush()
    profile_saved.send(organisation)


def search(query: str = "", kind=None, limit: int = 50, offset: int = 0):
    statement = select(Organisation).order_by(german(Organisation.display_name), Organisation.id)
    if query := query.strip().lower():
        statement = statement.where(
            or_(
                *(
                    func.lower(column).contains(query, autoescape=True)
                    for column in (Organisation.display_name, Organisation.town, Organisation.legal_name)
                )
            )
        )
    if kind:
        statement = statement.where(Organisation.kind_rows.any(kind=kind))
    return db.session.scalars(statement.limit(limit).offset(offset)).all()


# --- the organisation a user currently acts for ------------------------------------------------------


def districts() -> list[str]:
    """The districts organisations are in, for the filters of public lists."""
    return db.session.scalars(
        select(Organisation.district)
        .where(Organisation.district != "")
        .distinct()
        .order_by(Organisation.district)
    ).all()


def current(user: User) -> Organisation | None:
    if not user or not user.is_authenticated or not user.memberships:  # no user at all outside requests
        return None
    wanted = session.get(CURRENT_ORG_KEY)
    chosen = next((m for m in user.memberships if m.organisation_id == wanted), user.memberships[0])
    return chosen.organisation


def current_organisation():
    """The organisation the signed-in user works for now; 403 saying what to do if there is none."""
    organisation = current(signed_in_user())
    if organisation is None:
        abort_with(403, _("Please register your business first, or ask its owner for an invitation."))
    return organisation


def switch(user: User, organisation_id: int) -> Organisation:
    organisation = get_for_member(user, organisation_id)
    session[CURRENT_ORG_KEY] = organisation.id
    return organisation


# --- staff ------------------------------------------------------------------------------------------


def require_owner(user: User, organisation: Organisation) -> None:
    member = membership(user, organisation)
    if member is None or member.role != MemberRole.OWNER:
        raise Forbidden()


def invite(owner: User, organisation: Organisation, email: str) -> Invitation:
    require_owner(owner, organisation)
    email = accounts.normalise_email(email)
    if any(m.user.email == email for m in organisation.memberships):
        raise MembershipError(str(_l("This person is already a member.")))
    # Inviting the same address again re-sends the open invitation instead of adding a second one.
    invitation = next((i for i in open_invitations(organisation) if i.email == email), None)
    if invitation is None:
        invitation = Invitation(organisation=organisation, email=email, invited_by=owner)
        db.session.add(invitation)
        db.session.flush()
    invitee = accounts.find_by_email(email)
    mail.send(
        email,
        _l(
            "Invitation to join %(name)s on %(label)s",
            label=region.label_name(),
            name=organisation.display_name,
        ),
        "invitation",
        locale=invitee.locale if invitee else owner.locale,
        organisation=organisation,
        owner=owner,
        link=external_url(
            "organisations.accept_invitation",
            token=accounts.make_token("invite", {"invitation": invitation.id}),
        ),
    )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    payload = accounts.read_token("invite", token, current_app.config["INVITE_TOKEN_MAX_AGE"])
    invitation_id = payload.get("invitation")
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or not invitation.is_open:
        raise accounts.TokenError(str(_l("This invitation is no longer valid.")))
    return invitation


def accept(user: User, invitation: Invitation) -> Membership:
    if user.email != invitation.email:
        raise MembershipError(
            str(
                _l(
                    "This invitation was sent to %(email)s. Please sign in with that address.",
                    email=invitation.email,
                )
            )
        )
    invitation.accepted_at = utcnow()
    existing = membership(user, invitation.organisation)
    if existing:
        return existing
    member = Membership(user=user, organisation=invitation.organisation, role=MemberRole.STAFF)
    db.session.add(member)
    db.session.flush()
    return member


def open_invitations(organisation: Organisation) -> list[Invitation]:
    return db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc())
    ).all()


def revoke_invitation(owner: User, organisation: Organisation, invitation_id: int) -> None:
    require_owner(owner, organisation)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound()
    invitation.revoked_at = utcnow()


def _member_of(organisation: Organisation, membership_id: int) -> Membership:
    member = next((m for m in organisation.memberships if m.id == membership_id), None)
    if member is None:
        raise NotFound()
    return member


def remove_member(owner: User, organisation: Organisation, membership_id: int) -> None:
    require_owner(owner, organisation)
    member = _member_of(organisation, membership_id)
    if member.role == MemberRole.OWNER:
        raise MembershipError(str(_l("The owner cannot be removed. Transfer the ownership first.")))
    # An invitation still open for the removed person must not let them back in.
    for invitation in open_invitations(organisation):
        if invitation.email == member.user.email:
            invitation.revoked_at = utcnow()
    db.session.delete(member)


def transfer_ownership(owner: User, organisation: Organisation, membership_id: int) -> None:
    require_owner(owner, organisation)
    member = _member_of(organisation, membership_id)
    if member.role == MemberRole.OWNER:
        raise MembershipError(str(_l("This person is already the owner.")))
    membership(owner, organisation).role = MemberRole.STAFF
    member.role = MemberRole.OWNER
