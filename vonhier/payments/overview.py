"""What the admins' payments page lists: open invoices, licences, payments received, Stripe Checkout
sessions and webhook events, each a page at a time and newest first (the tables grow every year; the
page must stay quick with thousands of rows), and the fee tiers."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import CheckoutSession, Invoice, InvoiceStatus, Licence, LicenceTier, Payment, WebhookEvent


def _rows(statement, limit: int, offset: int) -> list:
    return db.session.scalars(statement.limit(limit).offset(offset)).all()


def open_invoices(limit: int, offset: int = 0) -> list[Invoice]:
    """Invoices awaiting a bank transfer, newest first: the ones an admin marks paid."""
    statement = select(Invoice).where(Invoice.status == InvoiceStatus.OPEN).order_by(Invoice.id.desc())
    return _rows(statement, limit, offset)


def licences(limit: int, offset: int = 0) -> list[Licence]:
    """Licences of every year, this year's first, with their organisation and tier."""
    statement = (
        select(Licence)
        .options(selectinload(Licence.organisation), selectinload(Licence.tier))
        .order_by(Licence.year.desc(), Licence.id.desc())
    )
    return _rows(statement, limit, offset)


def payments(limit: int, offset: int = 0) -> list[Payment]:
    """Payments received, newest first, with the organisation that paid."""
    return _newest_with_organisation(Payment, limit, offset)


def checkouts(limit: int, offset: int = 0) -> list[CheckoutSession]:
    """Stripe Checkout sessions, newest first, with the organisation that opened them."""
    return _newest_with_organisation(CheckoutSession, limit, offset)


def _newest_with_organisation(model, limit: int, offset: int) -> list:
    """Rows of a licence's `model`, newest first, their organisations loaded at once (the page names them)."""
    statement = (
        select(model)
        .options(selectinload(model.licence).selectinload(Licence.organisation))
        .order_by(model.id.desc())
    )
    return _rows(statement, limit, offset)


def webhook_events(limit: int, offset: int = 0) -> list[WebhookEvent]:
    """Stripe's webhook deliveries, newest first, with what became of each."""
    return _rows(select(WebhookEvent).order_by(WebhookEvent.id.desc()), limit, offset)


def tiers() -> list[LicenceTier]:
    """The fee tiers, cheapest first: a handful the admins edit, never a long list."""
    return db.session.scalars(select(LicenceTier).order_by(LicenceTier.fee_cents)).all()
