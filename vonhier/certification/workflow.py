"""The application workflow: creating, submitting and withdrawing applications, the certifier's review
(taking, comments, audits) and decisions, and issuing the certificate an approval decides."""

from datetime import date
from functools import partial

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from werkzeug.exceptions import Forbidden

from ..catalogue.models import Product
from ..clock import utcnow
from ..database import Conflict, flush_or_conflict, unique_constraint
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import membership
from ..permissions import SYSTEM
from . import notices, readiness, review, rules
from .access import WorkflowError, require_applicant, require_certifier_for
from .audit import record
from .criteria import current_catalogue, default_code, precheck
from .models import (
    ONE_FIRST_CERTIFICATE,
    ONE_OPEN_APPLICATION,
    ONE_SUCCESSOR,
    Application,
    ApplicationItem,
    ApplicationStatus,
    Audit,
    Certificate,
    CertificateProduct,
    CertificateStatus,
    CriterionComment,
)

S = ApplicationStatus


TRANSITIONS = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    # A resubmission goes straight back to the certifier who asked for the changes.
    "resubmit": ({S.CHANGES_REQUESTED}, S.IN_REVIEW),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED}, S.WITHDRAWN),
    "take": ({S.SUBMITTED}, S.IN_REVIEW),
    "request_changes": ({S.IN_REVIEW}, S.CHANGES_REQUESTED),
    "approve": ({S.IN_REVIEW}, S.APPROVED),
    "reject": ({S.IN_REVIEW}, S.REJECTED),
}


def _require_state(application: Application, action: str) -> None:
    if application.status not in TRANSITIONS[action][0]:
        raise WorkflowError(
            str(
                _l(
                    "This step is not possible while the application is “%(status)s”.",
                    status=status_label(application.status),
                )
            ),
            field="decision",
        )


def _move(
    actor, application: Application, action: str, reason: str = "", data=None, notify: bool = True
) -> None:
    _require_state(application, action)
    target = TRANSITIONS[action][1]
    before = application.status
    # Compare-and-set in the database: of two requests deciding at once, only one finds the old state.
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == before)
        .values(status=target)
        # The session keeps the old state, so that setting it below is a change that `_keep_items_open`
        # (models.py) sees.
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise WorkflowError(
            str(_l("Someone else has just changed this application. Please reload the page."))
        )
    application.status = target
    # An application the migration found sharing a product with another open one cannot reopen it.
    flush_or_conflict(
        db.session,
        {ONE_OPEN_APPLICATION: _l("A product of this application is in another open application.")},
    )
    record(actor, "application", application.id, action, before.value, target.value, reason, data)
    if notify:
        notices.application_changed(application, action, reason)


status_label = notices.status_label


def create_application(user, organisation_id: int, product_ids: list[int]) -> Application:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or (user is not SYSTEM and membership(user, organisation) is None):
        raise Forbidden()
    readiness.require(readiness.confirmation_missing(user))
    products = db.session.scalars(
        select(Product).where(Product.id.in_(product_ids), Product.organisation_id == organisation_id)
    ).all()
    if not products or len(products) != len(set(product_ids)):
        raise WorkflowError(str(_l("Please choose at least one of your active products.")))
    if any(p.is_archived for p in products):
        raise WorkflowError(str(_l("Archived products cannot be certified.")))
    # Both the check (for the message) and the index (for two requests at once) lead a double click
    # to the application that the first click created.
    product_ids = [p.id for p in products]
    existing = partial(_open_application_url, product_ids)
    busy = db.session.scalars(
        select(Product.name_de)
        .join(ApplicationItem, ApplicationItem.product_id == Product.id)
        .where(Product.id.in_(product_ids), ApplicationItem.is_open)
    ).all()
    if busy:
        raise Conflict(str(_l("Already in an open application: %(names)s.", names=", ".join(busy))), existing)
    application = Application(
        organisation_id=organisation_id,
        catalogue=current_catalogue(),
        created_by_id=user.id,
        items=[ApplicationItem(product=p) for p in products],
    )
    db.session.add(application)
    just_opened = _l("These products have just been put into an open application.")
    flush_or_conflict(db.session, {ONE_OPEN_APPLICATION: just_opened}, existing)
    record(user, "application", application.id, "create", "", S.DRAFT.value)
    return application


def _open_application_url(product_ids: list[int]) -> str | None:
    """The page of an open application holding one of these products, if there is one."""
    application_id = db.session.scalar(
        select(ApplicationItem.application_id)
        .where(ApplicationItem.product_id.in_(product_ids), ApplicationItem.is_open)
        .limit(1)
    )
    return url_for("certification.application", application_id=application_id) if application_id else None


def evidence_kinds(application: Application) -> set[str]:
    return {e.kind for e in application.evidence}


def item_results(application: Application) -> dict[int, list[rules.Result]]:
    """Each product's pre-check against the application's catalogue and evidence, by product id: the
    data frozen at submission, before it the product's current data."""
    provided = evidence_kinds(application)
    return {
        item.product_id: precheck(
            (item.product_version or item.product.current_version).data, application.catalogue, provided
        )
        for item in application.items
    }


# --- the lists on the producer's and the certifier's pages ----------------------------------------


def applications_of(organisation_id: int) -> list[Application]:
    """The organisation's applications, newest first."""
    return db.session.scalars(
        select(Application)
        .where(Application.organisation_id == organisation_id)
        .order_by(Application.id.desc())
    ).all()


def waiting_applications() -> list[Application]:
    """Submitted applications no certifier has taken yet, the longest waiting first."""
    return db.session.scalars(
        select(Application)
        .where(Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.submitted_at)
    ).all()


def applications_in_review(body_id: int) -> list[Application]:
    """The applications a certification body has taken and not decided yet, the longest waiting first."""
    return db.session.scalars(
        select(Application)
        .where(
            Application.certification_body_id == body_id,
            Application.status.in_([ApplicationStatus.IN_REVIEW, ApplicationStatus.CHANGES_REQUESTED]),
        )
        .order_by(Application.submitted_at)
    ).all()


def submit(user, application: Application) -> None:
    """Freeze the current data version of every product together with the evidence, and submit."""
    require_applicant(user, application)
    readiness.require(readiness.confirmation_missing(user))
    _require_state(application, "resubmit" if application.status == S.CHANGES_REQUESTED else "submit")
    readiness.require(readiness.licence_missing(application.organisation_id))
    # The demo's history (SYSTEM) holds rejected applications of products that fail: a rejection on
    # record needs a submission. Members cannot submit a product the certifier could only reject.
    if user is not SYSTEM:
        readiness.require(readiness.criteria_failing(application, evidence_kinds(application)))
    for item in application.items:
        item.product_version = item.product.current_version
    frozen = {
        "versions": [[i.product_id, i.product_version_id, i.product_version.data] for i in application.items],
        "evidence": [[e.kind, e.sha256] for e in application.evidence],
    }
    application.submitted_at = utcnow()
    _move(
        user, application, "resubmit" if application.status == S.CHANGES_REQUESTED else "submit", data=frozen
    )


def withdraw(user, application: Application) -> None:
    require_applicant(user, application)
    _move(user, application, "withdraw")


def take(certifier, application: Application) -> None:
    body = require_certifier_for(certifier, application)
    application.certifier_id = certifier.id
    application.certification_body_id = body.id if body else application.certification_body_id
    _move(certifier, application, "take")


def request_changes(certifier, application: Application, reason: str) -> None:
    require_certifier_for(certifier, application)
    require_reason(reason)
    _move(certifier, application, "request_changes", reason)


def reject(certifier, application: Application, reason: str) -> None:
    require_certifier_for(certifier, application)
    require_reason(reason)
    application.decided_at = utcnow()
    _move(certifier, application, "reject", reason, data=_frozen(application))


def approve(certifier, application: Application, reason: str = "", today: date | None = None) -> Certificate:
    """Approve and issue the certificate for the frozen product versions."""
    require_certifier_for(certifier, application)
    if application.status == S.IN_REVIEW and any(i.product_version_id is None for i in application.items):
        raise WorkflowError(str(_l("The application has no frozen product data.")))
    failing = [
        i.product.name_de
        for i in application.items
        if application.status == S.IN_REVIEW
        and any(
            r.outcome == rules.Outcome.FAILED
            for r in precheck(i.product_version.data, application.catalogue, evidence_kinds(application))
        )
    ]
    if failing:
        raise WorkflowError(
            str(
                _l(
                    "Products that do not meet every criterion cannot be approved: %(names)s. "
                    "Request changes or reject.",
                    names=", ".join(failing),
                )
            )
        )
    application.decided_at = utcnow()
    _move(certifier, application, "approve", reason, data=_frozen(application), notify=False)
    # After the compare-and-set, which holds the application's row until commit: a document's check
    # taken back at the same moment (review.check_document holds the row too) either committed before
    # and is read here, or waits and then finds the application approved.
    review.require_evidence(application)
    certificate = issue_certificate(certifier, application, today or utcnow().date())
    notices.application_changed(application, "approve", reason, certificate)
    return certificate


def _frozen(application: Application) -> list:
    return [[i.product_id, i.product_version_id] for i in application.items]


def require_reason(reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(str(_l("Please give a reason.")), field="reason")


def comment(
    certifier, application: Application, criterion_code: str, text_: str, product_id: int | None
) -> None:
    require_certifier_for(certifier, application)
    if application.status != S.IN_REVIEW:
        raise WorkflowError(str(_l("Comments are possible while the application is in review.")))
    if criterion_code not in {c.code for c in application.catalogue.criteria}:
        raise WorkflowError(str(_l("Unknown criterion.")))
    db.session.add(
        CriterionComment(
            application_id=application.id,
            product_id=product_id,
            criterion_code=criterion_code,
            text=text_.strip(),
            author_id=certifier.id,
        )
    )


def record_audit(certifier, application: Application, data: dict) -> Audit:
    require_certifier_for(certifier, application)
    if application.status not in (S.IN_REVIEW, S.CHANGES_REQUESTED):
        raise WorkflowError(str(_l("Audits are recorded while the application is in review.")))
    codes = {c.code for c in application.catalogue.criteria}
    if not set(data.get("criteria") or ()) <= codes:
        raise WorkflowError(str(_l("Unknown criterion.")), field="criteria")
    audit = Audit(application_id=application.id, recorded_by_id=certifier.id, **data)
    db.session.add(audit)
    db.session.flush()
    record(certifier, "application", application.id, "audit", reason=data.get("findings", ""), data=data)
    return audit


# --- issuing the certificate ----------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"{default_code()}-{year}-"
    last = db.session.scalar(
        select(func.max(Certificate.number)).where(Certificate.number.like(f"{prefix}%"))
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:06d}"


def issue_certificate(actor, application: Application, today: date) -> Certificate:
    catalogue = application.catalogue
    today, valid_until = review.validity(application, today)
    certificate = Certificate(
        number=_next_number(today.year),
        application_id=application.id,
        organisation_id=application.organisation_id,
        certification_body_id=application.certification_body_id,
        catalogue_id=catalogue.id,
        valid_from=today,
        valid_until=valid_until,
    )
    # Read before anything is added: a query's autoflush would insert outside `flush_or_conflict`.
    previous = {item.product_id: _current_link(item.product_id) for item in application.items}
    db.session.add(certificate)
    for item in application.items:
        db.session.add(
            CertificateProduct(
                certificate=certificate,
                product_id=item.product_id,
                product_version_id=item.product_version_id,
                previous_id=previous[item.product_id],
            )
        )
    flush_or_conflict(
        db.session,
        {
            ONE_SUCCESSOR: _l("These products have just been certified. Please reload the page."),
            ONE_FIRST_CERTIFICATE: _l("These products have just been certified. Please reload the page."),
            unique_constraint(Certificate, "number"): _l(
                "Another certificate was issued at the same moment. Please try again."
            ),
        },
    )
    record(
        actor,
        "certificate",
        certificate.id,
        "issue",
        "",
        CertificateStatus.ACTIVE.value,
        data={
            "number": certificate.number,
            "versions": _frozen(application),
            "valid": [str(today), str(valid_until)],
        },
    )
    return certificate


def _current_link(product_id: int) -> int | None:
    """The end of the product's chain of certificates, which a new certificate continues."""
    return db.session.scalar(
        select(CertificateProduct.id)
        .where(CertificateProduct.product_id == product_id)
        .order_by(CertificateProduct.id.desc())
        .limit(1)
    )
