"""Display names of the actions in the admin log (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add

ADMIN_ACTION = add(
    "admin_action",
    {
        "activate": _l("Account activated"),
        "deactivate": _l("Account deactivated"),
        "grant_role": _l("Role granted"),
        "revoke_role": _l("Role revoked"),
        "mark_paid": _l("Invoice marked paid"),
        "grant_tier": _l("Licence tier changed"),
        "cancel_licence": _l("Licence cancelled"),
        "edit_tier": _l("Fee tier edited"),
    },
)

ADMIN_TARGET = add(
    "admin_target",
    {"user": _l("Account"), "tier": _l("Fee tier"), "licence": _l("Licence"), "invoice": _l("Invoice")},
)
