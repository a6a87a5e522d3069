"""Admin actions on users and roles; each one writes an entry to the append-only admin log."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.exceptions import Forbidden, NotFound

from ..accounts.models import User, UserRole
from ..errors import RuleError
from ..extensions import db
from ..outbox import services as outbox
from ..payments import signals as payment_signals
from ..payments.models import Invoice, Licence, LicenceTier
from ..permissions import SYSTEM, Role
from .models import AdminAction


class AdminRuleError(RuleError):
    """An admin action the rules refuse; str() is a translated message."""


def _require_admin(actor: User) -> None:
    if not actor.is_authenticated or not actor.has_role(Role.ADMIN):
        raise Forbidden()


# What the log calls the rows admins act on (`AdminAction.target_type`).
TARGET_TYPES = {User: "user", LicenceTier: "tier", Licence: "licence", Invoice: "invoice"}


def log(actor: User, action: str, target, **detail) -> AdminAction:
    """One entry, in the transaction of the change it records (append-only: never changed later)."""
    entry = AdminAction(
        actor_id=actor.id,
        action=action,
        target_type=TARGET_TYPES[type(target)],
        target_id=target.id,
        detail=detail,
    )
    db.session.add(entry)
    return entry


@payment_signals.admin_acted.connect
def _log_payment_action(actor, action: str, target, **detail) -> None:
    """Admins' changes to payments and tiers (payments sends them; it cannot import the admin log).
    The platform itself (CLI, demo data) is no admin and is not logged."""
    if actor is not SYSTEM:
        log(actor, action, target, **detail)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def search_users(actor: User, query: str = "", limit: int = 50):
    _require_admin(actor)
    statement = select(User).order_by(User.email).limit(limit)
    if query := query.strip().lower():
        statement = statement.where(
            or_(
                func.lower(User.email).contains(query, autoescape=True),
                func.lower(User.name).contains(query, autoescape=True),
            )
        )
    return db.session.scalars(statement).all()


def set_active(actor: User, user: User, active: bool) -> None:
    _require_admin(actor)
    if user.id == actor.id and not active:
        raise AdminRuleError(str(_l("You cannot deactivate your own account.")))
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        user.session_version += 1  # ends the user's sessions at once
    log(actor, "activate" if active else "deactivate", user)


def grant_role(actor: User, user: User, role: Role) -> None:
    _require_admin(actor)
    if user.has_role(role):
        return
    if role == Role.CERTIFIER and not any(
        m.organisation.has_kind("certification_body") for m in user.memberships
    ):
        raise AdminRuleError(str(_l("Only staff of a certification body can become certifiers.")))
    user.roles.append(UserRole(role=role, granted_by_id=actor.id))
    log(actor, "grant_role", user, role=role.value)


def revoke_role(actor: User, user: User, role: Role) -> None:
    _require_admin(actor)
    if user.id == actor.id and role == Role.ADMIN:
        raise AdminRuleError(str(_l("You cannot remove your own admin role.")))
    if not user.has_role(role):
        return
    user.roles = [r for r in user.roles if r.role != role]
    log(actor, "revoke_role", user, role=role.value)


def recent_actions(actor: User, limit: int = 200):
    _require_admin(actor)
    return db.session.scalars(select(AdminAction).order_by(AdminAction.id.desc()).limit(limit)).all()


def recent_mails(actor: User, limit: int, offset: int = 0):
    """The outbox, newest first: who was mailed what and when, never the bodies (links in them sign in)."""
    _require_admin(actor)
    return outbox.recent(limit, offset)
