"""Certificates once issued: their effective status, suspension, reinstatement and revocation, the review
after a certified product's change, expiry and reminders, products' derived `certified_until`,
renewal, and the public register."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from .. import region
from ..accounts.models import User
from ..catalogue.models import Product, ProductVersion
from ..catalogue.signals import version_recorded
from ..clock import utcnow
from ..database import german
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import row_for_member
from ..outbox import mail
from ..payments import services as payments
from ..permissions import SYSTEM, Role
from ..web import external_url
from . import notices
from .access import WorkflowError, require_certifier
from .audit import record
from .criteria import precheck
from .models import (
    Application,
    AuditRecord,
    Certificate,
    CertificateProduct,
    CertificateStatus,
)
from .names import CERTIFICATE_STATUS
from .workflow import create_application, require_reason


def effective_status(certificate: Certificate, today: date | None = None) -> CertificateStatus:
    """The status right now: a certificate past its end date is expired whatever was last decided."""
    today = today or utcnow().date()
    if certificate.status != CertificateStatus.REVOKED and certificate.valid_until < today:
        return CertificateStatus.EXPIRED
    return certificate.status


def certified_today(day: date | None = None):
    """SQL for "the product is certified today": a test on its derived `certified_until` (the end of
    its latest active certificate, kept by `refresh_certified_until`), so that searches over many
    products need no join to the certificates. Listings add the licence
    (`payments.licensed_organisations`)."""
    return Product.certified_until >= (day or utcnow().date())


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


def get_certificate_for_member(user, certificate_id: int) -> Certificate:
    """The certificate if `user` is a member of its holder (who may renew it); else 404/403."""
    return row_for_member(user, Certificate, certificate_id, str(_l("Unknown certificate.")))


def certificates_of(organisation_id: int) -> list[Certificate]:
    """The certificates an organisation holds or held, newest first."""
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.organisation_id == organisation_id)
        .order_by(Certificate.id.desc())
    ).all()


def certificates_handled_by(body_id: int) -> list[Certificate]:
    """The certificates a certification body issued, the soonest to end first."""
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.certification_body_id == body_id)
        .order_by(Certificate.valid_until)
    ).all()


def certificate_of(application: Application) -> Certificate | None:
    """The certificate an approved application led to (None before the approval)."""
    return db.session.scalar(select(Certificate).where(Certificate.application_id == application.id))


def _require_on_certificate(user, certificate: Certificate) -> None:
    require_certifier(user, certificate.organisation, certificate.certification_body_id)


def _change_certificate(
    actor,
    certificate: Certificate,
    action: str,
    target: CertificateStatus,
    reason: str,
    remedy_until: date | None = None,
) -> None:
    current = require_step(certificate, action)
    certificate.status = target
    certificate.status_reason = reason
    certificate.remedy_until = remedy_until
    record(actor, "certificate", certificate.id, action, current.value, target.value, reason)
    for member in certificate.organisation.memberships:
        mail.send(
            member.user.email,
            _l("Your %(label)s certificate %(number)s", label=region.label_name(), number=certificate.number),
            "certificate_status",
            locale=member.user.locale,
            certificate=certificate,
            status=target,
            reason=reason,
            link=external_url("certification.certificate", number=certificate.number),
        )


def certificate_label(status) -> str:
    return str(CERTIFICATE_STATUS[CertificateStatus(status)])


ACTIVE_LIKE = {CertificateStatus.ACTIVE, CertificateStatus.REVIEW_NEEDED}
# The states each decision on a certificate starts from.
STEPS = {
    "suspend": ACTIVE_LIKE,
    "reinstate": {CertificateStatus.SUSPENDED, CertificateStatus.REVIEW_NEEDED},
    "revoke": ACTIVE_LIKE | {CertificateStatus.SUSPENDED},
}


def require_step(certificate: Certificate, action: str) -> CertificateStatus:
    """The certificate's status now, if `action` may start from it; else refused, naming the status."""
    current = effective_status(certificate)
    if current not in STEPS[action]:
        raise WorkflowError(
            str(
                _l(
                    "This step is not possible for a certificate that is “%(status)s”.",
                    status=certificate_label(current),
                )
            ),
            field="action",
        )
    return current


def steps_for(status: CertificateStatus) -> list[str]:
    """The decisions possible on a certificate that is `status` now (none once revoked or expired)."""
    return [step for step, states in STEPS.items() if status in states]


def suspend(certifier, certificate: Certificate, reason: str, remedy_until: date) -> None:
    _require_on_certificate(certifier, certificate)
    require_reason(reason)
    if remedy_until <= utcnow().date():
        raise WorkflowError(
            str(_l("The deadline for the remedy must lie in the future.")), field="remedy_until"
        )
    if remedy_until > certificate.valid_until:
        raise WorkflowError(
            str(_l("The deadline for the remedy must lie within the certificate's validity.")),
            field="remedy_until",
        )
    _change_certificate(certifier, certificate, "suspend", CertificateStatus.SUSPENDED, reason, remedy_until)


def reinstate(certifier, certificate: Certificate, reason: str) -> None:
    _require_on_certificate(certifier, certificate)
    require_reason(reason)
    _change_certificate(
        certifier,
        certificate,
        "reinstate",
        CertificateStatus.ACTIVE,
        reason,
    )


def revoke(certifier, certificate: Certificate, reason: str) -> None:
    _require_on_certificate(certifier, certificate)
    require_reason(reason)
    _change_certificate(
        certifier,
        certificate,
        "revoke",
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


REMINDER_DAYS = (30, 60)  # nearest first


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
        # The nearest threshold reached, once: a certificate first seen 25 days before its end gets
        # the 30-day reminder only, not a 60-day one today and a 30-day one tomorrow.
        threshold = next((t for t in REMINDER_DAYS if days_left <= t), None)
        if threshold is not None and not _has_record(certificate, f"reminder_{threshold}"):
            record(SYSTEM, "certificate", certificate.id, f"reminder_{threshold}")
            notices.certificate_ends(certificate, days_left)
            counts["reminded"] += 1
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
