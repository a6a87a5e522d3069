"""Roles and the one view decorator that checks them; object checks live in each feature's services."""

import enum
from functools import wraps

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from . import region
from .display_names import add
from .errors import abort_with
from .extensions import login_manager


class Role(enum.StrEnum):
    """Platform-wide roles granted by admins. Organisation roles are memberships (see MemberRole)."""

    ADMIN = "admin"
    CERTIFIER = "certifier"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    STAFF = "staff"


add("role", {Role.ADMIN: _l("Admin"), Role.CERTIFIER: _l("Certifier")})
add("member_role", {MemberRole.OWNER: _l("Owner"), MemberRole.STAFF: _l("Staff")})


def signed_in_user():
    """The signed-in user itself, not Flask-Login's proxy: what the services take as the actor."""
    return current_user._get_current_object()


class _System:
    """The platform itself as the actor of CLI commands and demo data: no membership needed, no mails."""

    id = None
    is_authenticated = True

    @property
    def name(self) -> str:
        return region.label_name()

    def has_role(self, role) -> bool:
        return True


SYSTEM = _System()


def has_capability(user, capability: str) -> bool:
    """`capability` is a Role, "member" (of any organisation) or "retailer" (member of a retailer)."""
    if not user.is_authenticated:
        return False
    if capability == "member":
        return bool(user.memberships)
    if capability == "retailer":
        return any(m.organisation.has_kind("retailer") for m in user.memberships)
    return user.has_role(Role(capability))


def requires(*capabilities: str):
    """Only signed-in users holding one of `capabilities` reach the view; others get 401/redirect or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if capabilities and not any(has_capability(current_user, c) for c in capabilities):
                if capabilities == ("member",):
                    # The one refusal a newcomer meets on the way: say what to do about it.
                    abort_with(
                        403,
                        str(_l("Please register your business first, or ask its owner for an invitation.")),
                    )
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view):
    return requires()(view)
