"""The certifier's review before a decision: documents marked checked, the evidence gate of an approval
(a criterion needing evidence passes only with a checked document or an audit that covered it), the
summary shown before a certificate is issued, and assigning an application to a colleague."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..accounts.models import User
from ..clock import utcnow
from ..extensions import db
from ..permissions import Role
from . import notices, rules
from .access import WorkflowError, certification_body_of, certifier_refusal, require_certifier_for
from .audit import record
from .criteria import precheck
from .models import Application, ApplicationStatus, Audit, Evidence

S = ApplicationStatus
# A certifier checks documents (and takes a check back) while the application is with the body.
REVIEW_STATES = (S.IN_REVIEW, S.CHANGES_REQUESTED)


def _hold(application: Application, states, refusal) -> None:
    """Compare-and-set on the application's state, writing nothing: it holds the row until commit, so
    that a check taken back and an approval at the same moment run one after the other (the approval
    re-reads the checks after its own compare-and-set, `workflow.approve`)."""
    held = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(states))
        .values(status=Application.status)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        raise WorkflowError(str(refusal))


def check_document(certifier, document: Evidence, checked: bool) -> None:
    """Mark an evidence document as checked by `certifier` (or take the check back)."""
    application = document.application
    require_certifier_for(certifier, application)
    _hold(application, REVIEW_STATES, _l("Documents are checked while the application is in review."))
    if checked == (document.checked_at is not None):
        return  # a double click: already as asked
    document.checked_by_id = certifier.id if checked else None
    document.checked_at = utcnow() if checked else None
    record(
        certifier,
        "application",
        application.id,
        "check_evidence" if checked else "uncheck_evidence",
        data={"evidence": document.id, "sha256": document.sha256},
    )


@dataclass(frozen=True)
class Line:
    """One criterion of one product as the certifier sees it: the pre-check's result with the checked
    documents only, and how its evidence stands (`None`: nothing open; "audited": seen in an audit;
    "unchecked": uploaded but not checked; "missing")."""

    result: rules.Result
    evidence: str | None


def review_lines(application: Application) -> dict[int, list[Line]]:
    """Each product's criteria with the state of their evidence, by product id (the data frozen at
    submission, before it the current data). Read from the database, not from the session's copies, so
    that an approval sees the checks as they are after it holds the application."""
    checked = set(
        db.session.scalars(
            select(Evidence.kind).where(
                Evidence.application_id == application.id, Evidence.checked_at.is_not(None)
            )
        )
    )
    uploaded = set(db.session.scalars(select(Evidence.kind).where(Evidence.application_id == application.id)))
    audited = {
        code
        for codes in db.session.scalars(select(Audit.criteria).where(Audit.application_id == application.id))
        for code in codes or ()
    }
    lines = {}
    for item in application.items:
        data = (item.product_version or item.product.current_version).data
        lines[item.product_id] = [
            _line(result, checked, uploaded, audited)
            for result in precheck(data, application.catalogue, checked)
        ]
    return lines


def _line(result: rules.Result, checked: set, uploaded: set, audited: set) -> Line:
    needed = result.figures.get("missing_evidence") or []
    if result.outcome != rules.Outcome.EVIDENCE_MISSING:
        return Line(result, None)
    if result.code in audited:
        message = str(_l("Evidence seen in an audit."))
        return Line(replace(result, outcome=rules.Outcome.PASSED, message=message), "audited")
    if all(kind in uploaded for kind in needed):
        kinds = ", ".join(rules.evidence_label(k) for k in needed)
        message = str(_l("Uploaded, not checked yet: %(kinds)s", kinds=kinds))
        return Line(replace(result, message=message), "unchecked")
    return Line(result, "missing")


def evidence_gaps(application: Application) -> list[str]:
    """The criteria an approval would pass without evidence, as "product: code"; empty when none."""
    names = {item.product_id: item.product.name_de for item in application.items}
    return [
        f"{names[product_id]}: {line.result.code}"
        for product_id, lines in review_lines(application).items()
        for line in lines
        if line.evidence in ("missing", "unchecked")
    ]


def require_evidence(application: Application) -> None:
    """The evidence gate of an approval: refused while a criterion's evidence is neither checked nor
    seen in an audit."""
    if gaps := evidence_gaps(application):
        raise WorkflowError(
            str(
                _l(
                    "Evidence is missing or not checked for %(criteria)s. Mark a document for it as "
                    "checked or record an audit that covers it, then approve.",
                    criteria="; ".join(gaps),
                )
            ),
            field="decision",
        )


def validity(application: Application, today: date) -> tuple[date, date]:
    """The dates a certificate issued today would carry. Months as days keeps the arithmetic simple and
    never ends a certificate early."""
    return today, today + timedelta(days=round(application.catalogue.validity_months * 365 / 12))


@dataclass(frozen=True)
class Summary:
    """What an approval would certify, shown for confirmation before the certificate is issued."""

    lines: dict[int, list[Line]]
    gaps: list[str]
    valid_from: date
    valid_until: date


def approval_summary(certifier, application: Application, today: date | None = None) -> Summary:
    require_certifier_for(certifier, application)
    if application.status != S.IN_REVIEW:
        raise WorkflowError(str(_l("Only an application in review can be approved.")), field="decision")
    valid_from, valid_until = validity(application, today or utcnow().date())
    return Summary(review_lines(application), evidence_gaps(application), valid_from, valid_until)


# --- assignment -----------------------------------------------------------------------------------

ASSIGNABLE = (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED)


def colleagues(user, application: Application) -> list[User]:
    """The certifiers of `user`'s body to whom the application may be assigned: without a conflict of
    interest, and not the one who has it now (the choices of the form; `assign` decides)."""
    body = certification_body_of(user)
    if body is None:
        return []
    people = sorted((m.user for m in body.memberships), key=lambda u: (u.name, u.id))
    return [
        person
        for person in people
        if person.is_active
        and person.has_role(Role.CERTIFIER)
        and person.id != application.certifier_id
        and certifier_refusal(person, application.organisation, application.certification_body_id) is None
    ]


def assign(certifier, application: Application, colleague_id: int) -> User:
    """Hand the application to a colleague of the same certification body (one still waiting in the
    queue is taken for them)."""
    body = require_certifier_for(certifier, application)
    colleague = next((c for c in colleagues(certifier, application) if c.id == colleague_id), None)
    if colleague is None:
        raise WorkflowError(
            str(_l("Please choose a certifier of your body who has no conflict of interest.")),
            field="colleague",
        )
    before = application.status
    if before not in ASSIGNABLE:
        raise WorkflowError(str(_l("This application can no longer be assigned.")), field="colleague")
    target = S.IN_REVIEW if before == S.SUBMITTED else before
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == before)
        .values(status=target, certifier_id=colleague.id, certification_body_id=body.id)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise WorkflowError(
            str(_l("Someone else has just changed this application. Please reload the page."))
        )
    application.status, application.certifier_id = target, colleague.id
    application.certification_body_id = body.id
    db.session.flush()
    record(
        certifier,
        "application",
        application.id,
        "assign",
        before.value,
        target.value,
        data={"certifier": colleague.id},
    )
    db.session.expire(application, ["certifier"])
    notices.assigned(application, colleague, certifier)
    if before == S.SUBMITTED:
        notices.application_changed(application, "take")
    return colleague
