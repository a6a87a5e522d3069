"""Translated display names for the platform's enumerations, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from .organisations.models import OrgKind, SizeClass
from .permissions import MemberRole, Role

KIND = {
    OrgKind.PRODUCER: _l("Producer"),
    OrgKind.PROCESSOR: _l("Processor"),
    OrgKind.RETAILER: _l("Retailer"),
    OrgKind.OUTLET_OPERATOR: _l("Direct sales"),
    OrgKind.CERTIFICATION_BODY: _l("Certification body"),
}
SIZE = {
    SizeClass.MICRO: _l("Micro (fewer than 10 people)"),
    SizeClass.SMALL: _l("Small (10–49 people)"),
    SizeClass.MEDIUM: _l("Medium (50–249 people)"),
}
ROLE = {Role.ADMIN: _l("Admin"), Role.CERTIFIER: _l("Certifier")}
MEMBER = {MemberRole.OWNER: _l("Owner"), MemberRole.STAFF: _l("Staff")}
ADMIN_ACTION = {
    "activate": _l("Account activated"),
    "deactivate": _l("Account deactivated"),
    "grant_role": _l("Role granted"),
    "revoke_role": _l("Role revoked"),
}


def template_context() -> dict:
    return {
        "kind_labels": KIND,
        "size_labels": SIZE,
        "role_labels": ROLE,
        "member_labels": MEMBER,
        "action_labels": ADMIN_ACTION,
    }
