"""Certification records: criteria catalogues, applications, audits, certificates and the audit chain."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly, enum_type
from ..extensions import db


class CatalogueStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATES = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.CHANGES_REQUESTED,
    }
)


class CertificateStatus(enum.StrEnum):
    ACTIVE = "active"
    REVIEW_NEEDED = "review_needed"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class AuditMode(enum.StrEnum):
    ON_SITE = "on_site"
    DOCUMENTS = "documents"


class CriteriaCatalogue(db.Model):
    """A versioned set of criteria for one region's label; published versions never change."""

    __tablename__ = "criteria_catalogues"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("validity_months BETWEEN 1 AND 60", name="validity_months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    code: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    status: Mapped[CatalogueStatus] = mapped_column(
        enum_type(CatalogueStatus, "catalogue_status"), default=CatalogueStatus.DRAFT
    )
    validity_months: Mapped[int] = mapped_column(default=12)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    region: Mapped["Region"] = relationship()  # noqa: F821
    criteria: Mapped[list["CatalogueCriterion"]] = relationship(
        back_populates="catalogue", cascade="all, delete-orphan", order_by="CatalogueCriterion.position"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"


class CatalogueCriterion(db.Model):
    __tablename__ = "catalogue_criteria"
    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_catalogues.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20))
    title_de: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    explanation_de: Mapped[str] = mapped_column(String(1000), default="")
    explanation_en: Mapped[str] = mapped_column(String(1000), default="")
    applies_to: Mapped[str] = mapped_column(String(20))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    rule_type: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    evidence: Mapped[list] = mapped_column(JSON, default=list)

    catalogue: Mapped[CriteriaCatalogue] = relationship(back_populates="criteria")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_de


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("criteria_catalogues.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    certifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    certification_body_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # No foreign key: certificates already point at their application, and a cycle of keys would
    # make the tables impossible to create one after the other.
    renews_certificate_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    organisation: Mapped["Organisation"] = relationship(foreign_keys=[organisation_id])  # noqa: F821
    certification_body: Mapped["Organisation | None"] = relationship(  # noqa: F821
        foreign_keys=[certification_body_id]
    )
    catalogue: Mapped[CriteriaCatalogue] = relationship()
    certifier: Mapped["User | None"] = relationship(foreign_keys=[certifier_id])  # noqa: F821
    items: Mapped[list["ApplicationItem"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationItem.id"
    )
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="application", order_by="Evidence.id")
    comments: Mapped[list["CriterionComment"]] = relationship(order_by="CriterionComment.id")
    audits: Mapped[list["Audit"]] = relationship(order_by="Audit.audit_date")


class ApplicationItem(db.Model):
    """A product in an application; its data version is frozen when the application is submitted."""

    __tablename__ = "application_items"
    __table_args__ = (UniqueConstraint("application_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    product_version_id: Mapped[int | None] = mapped_column(ForeignKey("product_versions.id"))
    # The application's status is open (a copy, kept by `_keep_items_open` in the flush that changes the
    # status): a partial index cannot look into another table. A row lock on the products instead would
    # serialise PostgreSQL only; SQLite ignores FOR UPDATE and lets two readers pass the check.
    is_open: Mapped[bool] = mapped_column(default=True)

    application: Mapped[Application] = relationship(back_populates="items")
    product: Mapped["Product"] = relationship()  # noqa: F821
    product_version: Mapped["ProductVersion | None"] = relationship()  # noqa: F821


# At most one open application per product, decided by the database (not by the check in
# `create_application`, which two requests can pass at once).
ONE_OPEN_APPLICATION = Index(
    "ux_application_items_open_product_id",
    ApplicationItem.product_id,
    unique=True,
    postgresql_where=text("is_open"),
    sqlite_where=text("is_open"),
)


class Evidence(AppendOnly, db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The certifier's check of the document (the evidence gate of an approval, workflow.py); a check
    # can be taken back while the application is in review, so these two may change.
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None]

    mutable = frozenset({"checked_by_id", "checked_at"})

    application: Mapped[Application] = relationship(back_populates="evidence")
    checked_by: Mapped["User | None"] = relationship(foreign_keys=[checked_by_id])  # noqa: F821


class CriterionComment(AppendOnly, db.Model):
    __tablename__ = "criterion_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    criterion_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(2000))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped["User | None"] = relationship()  # noqa: F821


class Audit(AppendOnly, db.Model):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    audit_date: Mapped[date]
    mode: Mapped[AuditMode] = mapped_column(enum_type(AuditMode, "audit_mode"))
    auditor: Mapped[str] = mapped_column(String(120))
    findings: Mapped[str] = mapped_column(String(4000), default="")
    follow_up_until: Mapped[date | None]
    # The codes of the criteria whose evidence the audit saw (the evidence gate of an approval).
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (CheckConstraint("valid_until > valid_from", name="validity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # One certificate per application, enforced by the database too (against decisions at the same moment).
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    certification_body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("criteria_catalogues.id"))
    valid_from: Mapped[date]
    valid_until: Mapped[date] = mapped_column(index=True)
    # The last decision; expiry by date is computed (see services.effective_status), never stale.
    status: Mapped[CertificateStatus] = mapped_column(
        enum_type(CertificateStatus, "certificate_status"), default=CertificateStatus.ACTIVE, index=True
    )
    status_reason: Mapped[str] = mapped_column(String(2000), default="")
    remedy_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tells caches of public pages (provenance, register) when the status last changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation"] = relationship(foreign_keys=[organisation_id])  # noqa: F821
    certification_body: Mapped["Organisation"] = relationship(foreign_keys=[certification_body_id])  # noqa: F821
    catalogue: Mapped[CriteriaCatalogue] = relationship()
    products: Mapped[list["CertificateProduct"]] = relationship(
        back_populates="certificate", order_by="CertificateProduct.id"
    )


class CertificateProduct(AppendOnly, db.Model):
    """A product named on a certificate. A product's certificates form one chain: each names the one
    it follows (`previous_id`), and the database lets a link be followed once and only the first have
    none, so the chain's end — the product's current certificate — is one. Two approvals at the same
    moment both claim the same predecessor; one of them fails."""

    __tablename__ = "certificate_products"
    __table_args__ = (UniqueConstraint("certificate_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    product_version_id: Mapped[int] = mapped_column(ForeignKey("product_versions.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_products.id"))

    certificate: Mapped[Certificate] = relationship(back_populates="products")
    product: Mapped["Product"] = relationship()  # noqa: F821
    product_version: Mapped["ProductVersion"] = relationship()  # noqa: F821


# The chain of a product's certificates: each link followed at most once, only the first without one.
ONE_SUCCESSOR = Index("ux_certificate_products_previous_id", CertificateProduct.previous_id, unique=True)
ONE_FIRST_CERTIFICATE = Index(
    "ux_certificate_products_first_product_id",
    CertificateProduct.product_id,
    unique=True,
    postgresql_where=CertificateProduct.previous_id.is_(None),
    sqlite_where=CertificateProduct.previous_id.is_(None),
)


class AuditRecord(AppendOnly, db.Model):
    """One link of the hash chain over every certification decision and state change."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30), default="")
    to_state: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    data_hash: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


@event.listens_for(Session, "before_flush")
def _keep_items_open(session: Session, flush_context, instances) -> None:
    """Whatever changes an application's status, its items' `is_open` follows in the same flush."""
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Application):
            continue
        if obj in session.new or inspect(obj).attrs.status.history.has_changes():
            for item in obj.items:
                item.is_open = obj.status is None or obj.status in OPEN_STATES  # None: the default, a draft
