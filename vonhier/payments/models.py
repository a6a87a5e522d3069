"""Label-use licences (Zeichennutzungsverträge), their fee tiers, invoices, payments and Stripe records;
the producers' own Stripe accounts (Stripe Connect)."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly, enum_type
from ..extensions import db


class LicenceStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    ACTIVE = "active"
    CANCELLED = "cancelled"


class InvoiceStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


class CheckoutStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


class LicenceTier(db.Model):
    """A fee class; admins edit the table. A tier without size class is granted by hand (e.g. zero fee)."""

    __tablename__ = "licence_tiers"
    __table_args__ = (
        CheckConstraint("fee_cents >= 0", name="fee_not_negative"),
        CheckConstraint("vat_percent >= 0 AND vat_percent <= 100", name="vat_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    size_class: Mapped[str | None] = mapped_column(String(10), unique=True)
    fee_cents: Mapped[int]
    vat_percent: Mapped[float] = mapped_column(Numeric(5, 2), default=19)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de


class Licence(db.Model):
    __tablename__ = "licences"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    tier_id: Mapped[int] = mapped_column(ForeignKey("licence_tiers.id"))
    status: Mapped[LicenceStatus] = mapped_column(
        enum_type(LicenceStatus, "licence_status"), default=LicenceStatus.PENDING_PAYMENT
    )
    terms_version: Mapped[str] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime]
    terms_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    # Tells caches of public pages when the licence last changed (activation, cancellation).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    tier: Mapped[LicenceTier] = relationship()
    invoices: Mapped[list["Invoice"]] = relationship(back_populates="licence", order_by="Invoice.id")


class InvoiceCounter(db.Model):
    """The last invoice number per year: taken and raised in the invoice's own transaction, so no gaps."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id"), index=True)
    issued_on: Mapped[date]
    recipient: Mapped[dict] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(200))
    net_cents: Mapped[int]
    vat_percent: Mapped[float] = mapped_column(Numeric(5, 2))
    vat_cents: Mapped[int]
    gross_cents: Mapped[int]
    payment_reference: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_type(InvoiceStatus, "invoice_status"), default=InvoiceStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship(back_populates="invoices")


# At most one open invoice per licence (and so per organisation and year): two open invoices could both
# be paid. The database decides, whatever `create_invoice`'s look for an open one saw.
ONE_OPEN_INVOICE = Index(
    "ux_invoices_open_licence_id",
    Invoice.licence_id,
    unique=True,
    postgresql_where=Invoice.status == InvoiceStatus.OPEN,
    sqlite_where=Invoice.status == InvoiceStatus.OPEN,
)


class CheckoutSession(db.Model):
    __tablename__ = "checkout_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id"), index=True)
    stripe_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    amount_cents: Mapped[int]
    status: Mapped[CheckoutStatus] = mapped_column(
        enum_type(CheckoutStatus, "checkout_status"), default=CheckoutStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship()


class Payment(AppendOnly, db.Model):
    """Money received. (method, reference) is unique: a session or invoice is fulfilled at most once."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("method", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(255))
    amount_cents: Mapped[int]
    paid_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship()


class WebhookEvent(AppendOnly, db.Model):
    """Every Stripe event received, recorded in the same transaction as its effect."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    session_id: Mapped[str] = mapped_column(String(255), default="")
    # The connected account an event of Stripe Connect came from ("" for the platform's own events).
    account: Mapped[str] = mapped_column(String(255), default="", server_default="")
    outcome: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict] = mapped_column(JSON)


class ConnectedAccount(db.Model):
    """An organisation's own Stripe account (Stripe Connect, direct charges): buyers' payments for its
    pre-orders go to it, the producer being the merchant. One per organisation and per Stripe account:
    the unique constraints decide a race of two "connect" clicks. The flags are copies of what Stripe
    said when last asked (the return page, `account.updated`), never typed."""

    __tablename__ = "connected_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    stripe_account_id: Mapped[str] = mapped_column(String(255), unique=True)
    charges_enabled: Mapped[bool] = mapped_column(default=False)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
