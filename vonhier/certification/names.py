"""Display names of application and certificate states, audit modes, criterion outcomes and the
actions in an application's record (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add
from .models import ApplicationStatus, AuditMode, CertificateStatus

APPLICATION_STATUS = add(
    "application_status",
    {
        ApplicationStatus.DRAFT: _l("draft"),
        ApplicationStatus.SUBMITTED: _l("submitted"),
        ApplicationStatus.IN_REVIEW: _l("in review"),
        ApplicationStatus.CHANGES_REQUESTED: _l("changes requested"),
        ApplicationStatus.APPROVED: _l("approved"),
        ApplicationStatus.REJECTED: _l("rejected"),
        ApplicationStatus.WITHDRAWN: _l("withdrawn"),
    },
)

CERTIFICATE_STATUS = add(
    "certificate_status",
    {
        CertificateStatus.ACTIVE: _l("valid"),
        CertificateStatus.REVIEW_NEEDED: _l("under review"),
        CertificateStatus.SUSPENDED: _l("suspended"),
        CertificateStatus.REVOKED: _l("revoked"),
        CertificateStatus.EXPIRED: _l("expired"),
    },
)

AUDIT_MODE = add("audit_mode", {AuditMode.ON_SITE: _l("on site"), AuditMode.DOCUMENTS: _l("documents only")})

OUTCOME = add(
    "outcome",
    {
        "passed": _l("met"),
        "failed": _l("not met"),
        "not_applicable": _l("not applicable"),
        "evidence_missing": _l("evidence missing"),
    },
)

RECORD_ACTION = add(
    "record_action",
    {
        "create": _l("created"),
        "submit": _l("submitted"),
        "resubmit": _l("resubmitted"),
        "withdraw": _l("withdrawn"),
        "take": _l("taken on by a certifier"),
        "request_changes": _l("changes requested"),
        "approve": _l("approved"),
        "reject": _l("rejected"),
        "audit": _l("audit recorded"),
        "check_evidence": _l("document marked as checked"),
        "uncheck_evidence": _l("check of a document taken back"),
        "assign": _l("assigned to a colleague"),
        "issue": _l("certificate issued"),
        "suspend": _l("suspended"),
        "reinstate": _l("reinstated"),
        "revoke": _l("revoked"),
        "review_needed": _l("product data changed: review needed"),
        "expire": _l("expired"),
        "reminder_60": _l("reminder 60 days before expiry"),
        "reminder_30": _l("reminder 30 days before expiry"),
        "publish": _l("published"),
    },
)
