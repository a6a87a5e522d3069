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
    },
)
