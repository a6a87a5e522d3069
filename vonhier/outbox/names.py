"""Display names of mail states (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add
from .models import MailStatus

MAIL_STATUS = add(
    "mail_status",
    {
        MailStatus.QUEUED: _l("Queued"),
        MailStatus.SENT: _l("Sent"),
        MailStatus.FAILED: _l("Failed"),
    },
)
