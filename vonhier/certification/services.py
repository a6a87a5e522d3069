"""Certification rules: catalogues, the application workflow, certificates and the audit chain."""

import copy
import hashlib
import json
from datetime import date, timedelta
from functools import partial

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, inspect, select, text, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, NotFound

from .. import mail
from ..accounts.models import User, UserRole
from ..accounts.services import external_url
from ..catalogue.models import Product, ProductVersion
from ..catalogue.services import version_recorded
from ..clock import utcnow
from ..database import Conflict, flush_or_conflict, german, unique_constraint
from ..errors import abort_with
from ..extensions import db
from ..organisations.models import Organisation, OrgKind
from ..organisations.services import membership
from ..payments import services as payments
from ..permissions import SYSTEM, Role
from . import rules
from .models import (
    ONE_FIRST_CERTIFICATE,
    ONE_OPEN_APPLICATION,
    ONE_SUCCESSOR,
    Application,
    ApplicationItem,
    ApplicationStatus,
    Audit,
    AuditRecord,
    CatalogueCriterion,
    CatalogueStatus,
    Certificate,
    CertificateProduct,
    CertificateStatus,
    CriteriaCatalogue,
    CriterionComment,
)

S = ApplicationStatus
GENESIS = "0" * 64
DEFAULT_CODE = "VH"


class WorkflowError(Exception):
    """A step the rules do not allow now (HTTP 409); str() is a translated message."""


# --- criteria catalogues --------------------------------------------------------------------------


def current_catalogue(code: str = DEFAULT_CODE) -> CriteriaCatalogue:
    """The newest published version: new applications are checked against it."""
    catalogue = db.session.scalar(
        select(CriteriaCatalogue)
        .where(CriteriaCatalogue.code == code, CriteriaCatalogue.status == CatalogueStatus.PUBLISHED)
        .order_by(CriteriaCatalogue.version.desc())
    )
    if catalogue is None:
        raise LookupError("no published criteria catalogue: run `flask db upgrade`")
    return catalogue


CRITERION_FIELDS = (
    "code",
    "title_de",
    "title_en",
    "explanation_de",
    "explanation_en",
    "applies_to",
    "categories",
    "rule_type",
    "params",
    "evidence",
)


def _criterion_values(criterion: CatalogueCriterion) -> dict:
    """A criterion's content as fresh values (lists and dicts copied, so that a copy shares nothing)."""
    return {name: copy.deepcopy(getattr(criterion, name)) for name in CRITERION_FIELDS}


def criteria_of(catalogue: CriteriaCatalogue) -> list[rules.Criterion]:
    return [rules.Criterion(**_criterion_values(c)) for c in catalogue.criteria]


def precheck(snapshot: dict, catalogue: CriteriaCatalogue, evidence: set[str] | None = None):
    return rules.evaluate(snapshot, criteria_of(catalogue), evidence)


def product_precheck(version: ProductVersion) -> tuple[CriteriaCatalogue, list]:
    """The pre-check shown on a product's page: its current data against the current catalogue."""
    catalogue = current_catalogue()
    return catalogue, precheck(version.data, catalogue)


def _require_admin(user) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden()


def new_draft(user, source: CriteriaCatalogue) -> CriteriaCatalogue:
    """A draft copy of a catalogue with the next version number, for admins to change and publish."""
    _require_admin(user)
    if db.session.scalar(
        select(CriteriaCatalogue.id).where(
            CriteriaCatalogue.code == source.code, CriteriaCatalogue.status == CatalogueStatus.DRAFT
        )
    ):
        raise WorkflowError(str(_l("There is already a draft of this catalogue. Publish or edit that one.")))
    latest = db.session.scalar(
        select(func.max(CriteriaCatalogue.version)).where(CriteriaCatalogue.code == source.code)
    )
    draft = CriteriaCatalogue(
        region_id=source.region_id,
        code=source.code,
        version=latest + 1,
        name_de=source.name_de,
        name_en=source.name_en,
        validity_months=source.validity_months,
    )
    draft.criteria = [
        CatalogueCriterion(position=c.position, **_criterion_values(c)) for c in source.criteria
    ]
    db.session.add(draft)
    db.session.flush()
    return draft


def _require_draft(catalogue: CriteriaCatalogue) -> None:
    if catalogue.status != CatalogueStatus.DRAFT:
        raise WorkflowError(str(_l("A published catalogue cannot be changed. Create a new draft instead.")))


def update_criterion(
    user, criterion: CatalogueCriterion, params: dict, evidence: list[str], texts: dict | None = None
) -> None:
    _require_admin(user)
    _require_draft(criterion.catalogue)
    if problems := rules.validate_params(criterion.rule_type, params):
        raise WorkflowError(" ".join(problems))
    if texts is not None:
        if not (texts.get("title_de") and texts.get("title_en")):
            raise WorkflowError(str(_l("Every criterion needs a German and an English title.")))
        for key, value in texts.items():
            setattr(criterion, key, value)
    criterion.params = params
    criterion.evidence = [e for e in evidence if e in rules.EVIDENCE_KINDS]


def set_validity(user, catalogue: CriteriaCatalogue, months: int) -> None:
    _require_admin(user)
    _require_draft(catalogue)
    catalogue.validity_months = months


def publish(user, catalogue: CriteriaCatalogue) -> None:
    _require_admin(user)
    _require_draft(catalogue)
    for criterion in catalogue.criteria:
        if problems := rules.validate_params(criterion.rule_type, criterion.params):
            raise WorkflowError(f"{criterion.code}: {' '.join(problems)}")
    catalogue.status = CatalogueStatus.PUBLISHED
    catalogue.published_at = utcnow()
    catalogue.published_by_id = user.id
    record(
        user,
        "catalogue",
        catalogue.id,
        "publish",
        "draft",
        "published",
        data={"criteria": [[c.code, c.rule_type, c.params, c.evidence] for c in catalogue.criteria]},
    )


# --- the audit chain ------------------------------------------------------------------------------


def _digest(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _link_hash(entry: AuditRecord) -> str:
    return _digest(
        [
            entry.prev_hash,
            entry.created_at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.subject_type,
            entry.subject_id,
            entry.action,
            entry.from_state,
            entry.to_state,
            entry.reason,
            entry.data_hash,
        ]
    )


def record(
    actor,
    subject_type: str,
    subject_id: int,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data=None,
) -> AuditRecord:
    """Append one link to the hash chain; `data` (the frozen data a decision saw) is stored as its hash."""
    if db.session.get_bind().dialect.name == "postgresql":
        # One writer at a time, or two links could claim the same predecessor.
        db.session.execute(text("SELECT pg_advisory_xact_lock(72457)"))
    last = db.session.scalar(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1))
    entry = AuditRecord(
        created_at=utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data_hash=_digest(data) if data is not None else "",
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _link_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain() -> AuditRecord | None:
    """The first record whose link is broken (changed, removed or re-ordered), or None if all hold."""
    previous = GENESIS
    for entry in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        if entry.prev_hash != previous or _link_hash(entry) != entry.hash:
            return entry
        previous = entry.hash
    return None


def history(subject_type: str, subject_id: int) -> list[AuditRecord]:
    return db.session.scalars(
        select(AuditRecord)
        .where(AuditRecord.subject_type == subject_type, AuditRecord.subject_id == subject_id)
        .order_by(AuditRecord.id)
    ).all()


# --- who may act ----------------------------------------------------------------------------------


def certification_body_of(user) -> Organisation | None:
    """The certification body a certifier works for (None for anyone who is not a certifier)."""
    if user is SYSTEM or not user.has_role(Role.CERTIFIER):
        return None
    return next(
        (m.organisation for m in user.memberships if m.organisation.has_kind(OrgKind.CERTIFICATION_BODY)),
        None,
    )


def certifier_body(user) -> Organisation:
    """The body of a certifier, for their lists; 403 for anyone else."""
    body = certification_body_of(user)
    if body is None:
        raise Forbidden()
    return body


def certifier_refusal(user, organisation: Organisation, handled_by: int | None = None) -> str | None:
    """Why `user` may not act as a certifier on `organisation`'s application or certificate (handled
    by the body `handled_by`, if one has it yet), or None if they may. The one rule on conflicts of
    interest: every certifier action asks it (via `require_certifier`), and the pages ask it to decide
    which buttons to offer."""
    if user is SYSTEM:
        return None
    body = certification_body_of(user)
    if body is None:
        return str(_l("Only certifiers of a certification body can do this."))
    # Any membership role counts; the certifier's own body is one of their memberships too.
    if membership(user, organisation) is not None:
        return str(
            _l(
                "You are a member of %(name)s, so you cannot act on its applications or certificates "
                "as a certifier.",
                name=organisation.display_name,
            )
        )
    if handled_by not in (None, body.id):
        return str(_l("Another certification body handles this."))
    return None


def require_certifier(user, organisation: Organisation, handled_by: int | None = None) -> Organisation | None:
    """The certifier's body if `certifier_refusal` finds nothing; else 403 with its reason."""
    if refusal := certifier_refusal(user, organisation, handled_by):
        abort_with(403, refusal)
    return certification_body_of(user)


def _require_for(certifier, application: Application) -> Organisation | None:
    return require_certifier(certifier, application.organisation, application.certification_body_id)


def _require_applicant(user, application: Application) -> None:
    if user is not SYSTEM and membership(user, application.organisation) is None:
        raise Forbidden()


def get_application(user, application_id: int) -> Application:
    """The application if `user` is a member of the applicant or a certifier; else 403/404.
    Certifiers see it from submission on: a draft (or one withdrawn as a draft) is 404 to them,
    as if it did not exist yet."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound()
    if membership(user, application.organisation) is None:
        certifier_body(user)
        if application.submitted_at is None:
            raise NotFound()
    return application


def get_application_for_certifier(user, application_id: int) -> Application:
    """The application for a certifier's step: refused (403) before any input is read."""
    application = get_application(user, application_id)
    _require_for(user, application)
    return application


# --- the workflow ---------------------------------------------------------------------------------

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


def _move(actor, application: Application, action: str, reason: str = "", data=None) -> None:
    allowed, target = TRANSITIONS[action]
    if application.status not in allowed:
        raise WorkflowError(
            str(
                _l(
                    "This step is not possible while the application is “%(status)s”.",
                    status=status_label(application.status),
                )
            )
        )
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
    _notify(application, reason)


def status_label(status) -> str:
    from ..labels import APPLICATION_STATUS

    return str(APPLICATION_STATUS[ApplicationStatus(status)])


def _notify(application: Application, reason: str) -> None:
    people = {m.user for m in application.organisation.memberships}
    if application.certifier:
        people.add(application.certifier)
    elif application.status == S.SUBMITTED:
        # Nobody has taken it yet: every certifier hears of a new application in the queue.
        people |= set(
            db.session.scalars(select(User).join(User.roles).where(UserRole.role == Role.CERTIFIER))
        )
    for person in people:
        mail.send(
            person.email,
            _l(
                "Your VON HIER application %(number)d: %(status)s",
                number=application.id,
                status=_StatusInLocale(application.status),
            ),
            "application_status",
            locale=person.locale,
            application=application,
            reason=reason,
            link=external_url("certification.application", application_id=application.id),
        )


class _StatusInLocale:
    """Renders a status label lazily, in whatever language the mail is being written in."""

    def __init__(self, status):
        self.status = status

    def __str__(self):
        return status_label(self.status)


def create_application(user, organisation_id: int, product_ids: list[int]) -> Application:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or (user is not SYSTEM and membership(user, organisation) is None):
        raise Forbidden()
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


def submit(user, application: Application) -> None:
    """Freeze the current data version of every product together with the evidence, and submit."""
    _require_applicant(user, application)
    if not payments.is_current(application.organisation_id):
        raise WorkflowError(
            str(
                _l(
                    "An application needs a current label licence. Please accept the licence "
                    "terms and pay the fee (or ask for the zero-fee tier) first."
                )
            )
        )
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
    _require_applicant(user, application)
    _move(user, application, "withdraw")


def take(certifier, application: Application) -> None:
    body = _require_for(certifier, application)
    application.certifier_id = certifier.id
    application.certification_body_id = body.id if body else application.certification_body_id
    _move(certifier, application, "take")


def request_changes(certifier, application: Application, reason: str) -> None:
    _require_for(certifier, application)
    _require_reason(reason)
    _move(certifier, application, "request_changes", reason)


def reject(certifier, application: Application, reason: str) -> None:
    _require_for(certifier, application)
    _require_reason(reason)
    application.decided_at = utcnow()
    _move(certifier, application, "reject", reason, data=_frozen(application))


def approve(certifier, application: Application, reason: str = "", today: date | None = None) -> Certificate:
    """Approve and issue the certificate for the frozen product versions."""
    _require_for(certifier, application)
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
    _move(certifier, application, "approve", reason, data=_frozen(application))
    return issue_certificate(certifier, application, today or utcnow().date())


def _frozen(application: Application) -> list:
    return [[i.product_id, i.product_version_id] for i in application.items]


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(str(_l("Please give a reason.")))


def comment(
    certifier, application: Application, criterion_code: str, text_: str, product_id: int | None
) -> None:
    _require_for(certifier, application)
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
    _require_for(certifier, application)
    if application.status not in (S.IN_REVIEW, S.CHANGES_REQUESTED):
        raise WorkflowError(str(_l("Audits are recorded while the application is in review.")))
    audit = Audit(application_id=application.id, recorded_by_id=certifier.id, **data)
    db.session.add(audit)
    db.session.flush()
    record(certifier, "application", application.id, "audit", reason=data.get("findings", ""), data=data)
    return audit


# --- certificates ---------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"{DEFAULT_CODE}-{year}-"
    last = db.session.scalar(
        select(func.max(Certificate.number)).where(Certificate.number.like(f"{prefix}%"))
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:06d}"


def issue_certificate(actor, application: Application, today: date) -> Certificate:
    catalogue = application.catalogue
    # Months as days keeps the arithmetic simple and never ends a certificate early.
    valid_until = today + timedelta(days=round(catalogue.validity_months * 365 / 12))
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


def effective_status(certificate: Certificate, today: date | None = None) -> CertificateStatus:
    """The status right now: a certificate past its end date is expired whatever was last decided."""
    today = today or utcnow().date()
    if certificate.status != CertificateStatus.REVOKED and certificate.valid_until < today:
        return CertificateStatus.EXPIRED
    return certificate.status


def refresh_certified_until(connection, certificate_ids: set[int] | None = None) -> None:
    """Recompute `Product.certified_until` for the products named on these certificates (on all
    products without ids). The product's own change time stays: a decision is not a product edit."""
    latest = (
        select(func.max(Certificate.valid_until))
        .join(CertificateProduct, CertificateProduct.certificate_id == Certificate.id)
        .where(CertificateProduct.product_id == Product.id, Certificate.status == CertificateStatus.ACTIVE)
        .scalar_subquery()
    )
    statement = update(Product).values(certified_until=latest, updated_at=Product.updated_at)
    if certificate_ids is not None:
        statement = statement.where(
            Product.id.in_(
                select(CertificateProduct.product_id).where(
                    CertificateProduct.certificate_id.in_(certificate_ids)
                )
            )
        )
    connection.execute(statement)


@event.listens_for(Session, "after_flush")
def _keep_certified_until(session: Session, flush_context) -> None:
    """Whatever issued a certificate or changed its status, the products' derived date follows."""
    changed = {obj.certificate_id for obj in session.new if isinstance(obj, CertificateProduct)}
    changed |= {
        obj.id
        for obj in session.dirty
        if isinstance(obj, Certificate)
        and (
            inspect(obj).attrs.status.history.has_changes()
            or inspect(obj).attrs.valid_until.history.has_changes()
        )
    }
    if not changed:
        return
    refresh_certified_until(session.connection(), changed)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Product):
            session.expire(obj, ["certified_until"])


def get_certificate_for_certifier(user, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound()
    _require_on_certificate(user, certificate)
    return certificate


def _require_on_certificate(user, certificate: Certificate) -> None:
    require_certifier(user, certificate.organisation, certificate.certification_body_id)


def _change_certificate(
    actor,
    certificate: Certificate,
    action: str,
    allowed: set,
    target: CertificateStatus,
    reason: str,
    remedy_until: date | None = None,
) -> None:
    current = effective_status(certificate)
    if current not in allowed:
        raise WorkflowError(
            str(
                _l(
                    "This step is not possible for a certificate that is “%(status)s”.",
                    status=certificate_label(current),
                )
            )
        )
    certificate.status = target
    certificate.status_reason = reason
    certificate.remedy_until = remedy_until
    record(actor, "certificate", certificate.id, action, current.value, target.value, reason)
    for member in certificate.organisation.memberships:
        mail.send(
            member.user.email,
            _l("Your VON HIER certificate %(number)s", number=certificate.number),
            "certificate_status",
            locale=member.user.locale,
            certificate=certificate,
            status=target,
            reason=reason,
            link=external_url("certification.certificate", number=certificate.number),
        )


def certificate_label(status) -> str:
    from ..labels import CERTIFICATE_STATUS

    return str(CERTIFICATE_STATUS[CertificateStatus(status)])


ACTIVE_LIKE = {CertificateStatus.ACTIVE, CertificateStatus.REVIEW_NEEDED}


def suspend(certifier, certificate: Certificate, reason: str, remedy_until: date) -> None:
    _require_on_certificate(certifier, certificate)
    _require_reason(reason)
    if remedy_until <= utcnow().date():
        raise WorkflowError(str(_l("The deadline for the remedy must lie in the future.")))
    if remedy_until > certificate.valid_until:
        raise WorkflowError(
            str(_l("The deadline for the remedy must lie within the certificate's validity."))
        )
    _change_certificate(
        certifier, certificate, "suspend", ACTIVE_LIKE, CertificateStatus.SUSPENDED, reason, remedy_until
    )


def reinstate(certifier, certificate: Certificate, reason: str) -> None:
    _require_on_certificate(certifier, certificate)
    _require_reason(reason)
    _change_certificate(
        certifier,
        certificate,
        "reinstate",
        {CertificateStatus.SUSPENDED, CertificateStatus.REVIEW_NEEDED},
        CertificateStatus.ACTIVE,
        reason,
    )


def revoke(certifier, certificate: Certificate, reason: str) -> None:
    _require_on_certificate(certifier, certificate)
    _require_reason(reason)
    _change_certificate(
        certifier,
        certificate,
        "revoke",
        ACTIVE_LIKE | {CertificateStatus.SUSPENDED},
        CertificateStatus.REVOKED,
        reason,
    )


@version_recorded.connect
def _review_certificates_after_change(
    product: Product, previous: ProductVersion | None, version: ProductVersion
) -> None:
    """A change to a certified product that alters any criterion's outcome needs a certifier's look."""
    links = db.session.scalars(
        select(CertificateProduct).where(CertificateProduct.product_id == product.id)
    ).all()
    for link in links:
        certificate = link.certificate
        if effective_status(certificate) != CertificateStatus.ACTIVE:
            continue
        before = precheck(link.product_version.data, certificate.catalogue)
        after = precheck(version.data, certificate.catalogue)
        if [(r.code, r.outcome) for r in before] == [(r.code, r.outcome) for r in after]:
            continue
        certificate.status = CertificateStatus.REVIEW_NEEDED
        certificate.status_reason = ""
        record(
            SYSTEM,
            "certificate",
            certificate.id,
            "review_needed",
            CertificateStatus.ACTIVE.value,
            CertificateStatus.REVIEW_NEEDED.value,
            reason=f"product {product.id} version {version.number}",
            data=version.data,
        )
        for certifier in _certifiers_of(certificate.certification_body_id):
            mail.send(
                certifier.email,
                _l("Certificate %(number)s needs a review", number=certificate.number),
                "certificate_review",
                locale=certifier.locale,
                certificate=certificate,
                product=product,
                link=external_url("certification.certificate", number=certificate.number),
            )


def _certifiers_of(body_id: int) -> list[User]:
    body = db.session.get(Organisation, body_id)
    return [m.user for m in body.memberships if m.user.has_role(Role.CERTIFIER)] if body else []


def remind(today: date | None = None) -> dict:
    """Daily job: reminders 60 and 30 days before expiry (once each), marking expired certificates,
    and recomputing products' certified_until."""
    today = today or utcnow().date()
    counts = {"reminded": 0, "expired": 0}
    # The flush listener keeps products' certified_until; SQL run past the session (a bulk UPDATE,
    # a repair by hand) does not, so the daily job recomputes it for every product.
    refresh_certified_until(db.session.connection())
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.status.in_(ACTIVE_LIKE | {CertificateStatus.SUSPENDED}))
    )
    for certificate in certificates:
        if certificate.valid_until < today:
            before = certificate.status
            certificate.status = CertificateStatus.EXPIRED
            record(
                SYSTEM, "certificate", certificate.id, "expire", before.value, CertificateStatus.EXPIRED.value
            )
            counts["expired"] += 1
            continue
        days_left = (certificate.valid_until - today).days
        for threshold in (60, 30):
            action = f"reminder_{threshold}"
            if days_left <= threshold and not _has_record(certificate, action):
                record(SYSTEM, "certificate", certificate.id, action)
                for member in certificate.organisation.memberships:
                    mail.send(
                        member.user.email,
                        _l(
                            "Your VON HIER certificate ends on %(date)s",
                            date=certificate.valid_until.isoformat(),
                        ),
                        "certificate_reminder",
                        locale=member.user.locale,
                        certificate=certificate,
                        days=days_left,
                        link=external_url("certification.index"),
                    )
                counts["reminded"] += 1
                break
    return counts


def _has_record(certificate: Certificate, action: str) -> bool:
    return (
        db.session.scalar(
            select(AuditRecord.id).where(
                AuditRecord.subject_type == "certificate",
                AuditRecord.subject_id == certificate.id,
                AuditRecord.action == action,
            )
        )
        is not None
    )


def start_renewal(user, certificate: Certificate) -> Application:
    application = create_application(
        user, certificate.organisation_id, [p.product_id for p in certificate.products]
    )
    application.renews_certificate_id = certificate.id
    return application


# --- the public register --------------------------------------------------------------------------


def register(
    query: str = "", category_id: int | None = None, district: str = "", limit: int = 50, offset: int = 0
):
    """Certified products of organisations with a current licence, with their certificates."""
    statement = register_statement(query, category_id, district)
    return db.session.scalars(statement.limit(limit).offset(offset)).all()


def register_statement(query: str = "", category_id: int | None = None, district: str = ""):
    """The register's query (`CertificateProduct` rows, newest certificate per product, licensed
    organisations only), for the register page, the public API and the open-data download."""
    statement = (
        select(CertificateProduct)
        .join(CertificateProduct.certificate)
        .join(CertificateProduct.product)
        .join(Certificate.organisation)
        .order_by(german(Organisation.display_name), german(Product.name_de), Product.id)
    )
    statement = statement.where(Certificate.organisation_id.in_(payments.licensed_organisations()))
    # A product certified again (renewal) appears once, with its newest certificate.
    newest = select(func.max(CertificateProduct.certificate_id)).group_by(CertificateProduct.product_id)
    statement = statement.where(CertificateProduct.certificate_id.in_(newest))
    if query := query.strip().lower():
        statement = statement.where(
            func.lower(Product.name_de).contains(query, autoescape=True)
            | func.lower(Organisation.display_name).contains(query, autoescape=True)
            | func.lower(Certificate.number).contains(query, autoescape=True)
        )
    if category_id:
        statement = statement.where(Product.category_id == category_id)
    if district:
        statement = statement.where(Organisation.district == district)
    return statement


def get_certificate(number: str) -> Certificate:
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None:
        raise NotFound()
    return certificate
