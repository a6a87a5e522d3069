"""Licence rules and payments: terms, invoices with gapless numbers, Stripe Checkout, one fulfilment."""

import uuid
from datetime import date
from functools import partial

import stripe
from flask import current_app, url_for
from flask_babel import format_currency
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden, NotFound

from ..clock import utcnow
from ..database import Conflict, flush_or_conflict, unique_constraint
from ..errors import RuleError, abort_with
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import membership
from ..permissions import SYSTEM, MemberRole, Role
from ..web import external_url
from .models import (
    ONE_OPEN_INVOICE,
    CheckoutSession,
    CheckoutStatus,
    Invoice,
    InvoiceCounter,
    InvoiceStatus,
    Licence,
    LicenceStatus,
    LicenceTier,
    Payment,
    WebhookEvent,
)

HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


class PaymentError(RuleError):
    """A licence or payment step that cannot be done now; str() is a translated message."""


# --- licences -------------------------------------------------------------------------------------


def this_year() -> int:
    return utcnow().year


def licence_for(organisation_id: int, year: int | None = None) -> Licence | None:
    return db.session.scalar(
        select(Licence).where(
            Licence.organisation_id == organisation_id, Licence.year == (year or this_year())
        )
    )


def state(licence: Licence | None, today: date | None = None) -> str:
    """none, pending_payment, active, expired (after its year) or cancelled."""
    if licence is None:
        return "none"
    if licence.year < (today or utcnow().date()).year:
        return "expired"
    return licence.status.value


def is_current(organisation_id: int) -> bool:
    """May the organisation use the label now: an active licence for this year (paid or zero-fee)."""
    return state(licence_for(organisation_id)) == "active"


def licensed_organisations():
    """A subquery of the ids of organisations whose licence is current (for listings)."""
    return select(Licence.organisation_id).where(
        Licence.year == this_year(), Licence.status == LicenceStatus.ACTIVE
    )


def get_licence(licence_id: int) -> Licence:
    return db.session.get(Licence, licence_id) or abort_with(404, str(_l("This licence does not exist.")))


def get_tier(tier_id: int) -> LicenceTier:
    return db.session.get(LicenceTier, tier_id) or abort_with(404, str(_l("Unknown tier.")))


def tier_for(organisation: Organisation) -> LicenceTier:
    tier = db.session.scalar(
        select(LicenceTier).where(LicenceTier.size_class == str(organisation.size_class))
    )
    if tier is None:
        raise PaymentError(
            str(_l("There is no fee tier for this size of business. Please contact the office."))
        )
    return tier


def _require_owner(user, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    if user is not SYSTEM:
        member = membership(user, organisation)
        if member is None or member.role != MemberRole.OWNER:
            raise Forbidden()
    return organisation


def accept_terms(user, organisation_id: int) -> Licence:
    """The owner accepts the licence terms for this year; a zero-fee tier makes the licence active at once."""
    organisation = _require_owner(user, organisation_id)
    licence = licence_for(organisation_id)
    if licence is not None and licence.status != LicenceStatus.CANCELLED:
        raise PaymentError(str(_l("The terms for %(year)d have already been accepted.", year=licence.year)))
    tier = tier_for(organisation)
    accepted = _l("The terms for %(year)d have already been accepted.", year=this_year())
    if licence is None:
        licence = Licence(organisation_id=organisation_id, year=this_year())
        db.session.add(licence)
    elif not _compare_and_set(Licence, licence.id, LicenceStatus.CANCELLED, LicenceStatus.PENDING_PAYMENT):
        raise Conflict(str(accepted))
    licence.tier = tier
    licence.status = LicenceStatus.PENDING_PAYMENT
    licence.terms_version = current_app.config["LICENCE_TERMS_VERSION"]
    licence.terms_accepted_at = utcnow()
    licence.terms_accepted_by_id = user.id
    # Two first acceptances at once: the licence's (organisation, year) key lets one of them in.
    flush_or_conflict(db.session, {unique_constraint(Licence, "organisation_id", "year"): accepted})
    if tier.fee_cents == 0:
        fulfil(licence, "zero_fee", _acceptance_key(licence), 0, user)
    return licence


def grant_tier(admin, licence: Licence, tier: LicenceTier) -> None:
    """Admins may move a licence to another tier, e.g. the zero-fee tier for very small producers."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("Only a licence awaiting payment can change its tier.")))
    licence.tier = tier
    _cancel_open_invoices(licence)  # they name the old fee
    if tier.fee_cents == 0:
        fulfil(licence, "zero_fee", _acceptance_key(licence), 0, admin)


def cancel(admin, licence: Licence) -> None:
    """Ends the licence; the organisation's certificates drop out of the public listings at once."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if licence.status == LicenceStatus.CANCELLED:
        raise PaymentError(str(_l("This licence is already cancelled.")))
    licence.status = LicenceStatus.CANCELLED
    _cancel_open_invoices(licence)


def edit_tier(admin, tier: LicenceTier, name_de: str, name_en: str, fee_cents: int) -> None:
    """Admins name the tiers and set their fees; invoices already written keep the fee they name."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    tier.name_de, tier.name_en, tier.fee_cents = name_de, name_en, fee_cents


def _cancel_open_invoices(licence: Licence) -> None:
    for invoice in licence.invoices:
        if invoice.status == InvoiceStatus.OPEN:
            invoice.status = InvoiceStatus.CANCELLED


def _acceptance_key(licence: Licence) -> str:
    """Zero-fee activation happens once per acceptance of the terms (a cancelled licence may return)."""
    return f"licence-{licence.id}-{licence.terms_accepted_at.isoformat()}"


# --- the one fulfilment ------------------------------------------------------------------------------


def fulfil(
    licence: Licence, method: str, reference: str, amount_cents: int, actor=None, paid_on: date | None = None
) -> bool:
    """Record the payment and activate the licence — at most once per (method, reference).

    Every path ends here: the webhook, a replayed event, the success page, reconciliation, an admin
    marking an invoice paid. Returns False when this payment was already recorded."""
    if db.session.scalar(select(Payment.id).where(Payment.method == method, Payment.reference == reference)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                Payment(
                    licence_id=licence.id,
                    method=method,
                    reference=reference,
                    amount_cents=amount_cents,
                    paid_on=paid_on or utcnow().date(),
                    recorded_by_id=getattr(actor, "id", None),
                )
            )
    except IntegrityError:
        return False  # a concurrent request recorded it first
    _activate(licence)
    return True


def _compare_and_set(model, id_: int, before, after, **values) -> bool:
    """Change a row's status only if it still is `before`: of concurrent requests, one finds it so
    (PostgreSQL: the others wait for its row lock, then see its change; SQLite: one writer at a time)."""
    changed = db.session.execute(
        update(model).where(model.id == id_, model.status == before).values(status=after, **values)
    )
    return changed.rowcount == 1


def _activate(licence: Licence) -> bool:
    """Pending payment → active, once per acceptance of the terms."""
    return _compare_and_set(
        Licence, licence.id, LicenceStatus.PENDING_PAYMENT, LicenceStatus.ACTIVE, activated_at=utcnow()
    )


# --- invoices (bank transfer, the default without Stripe) ---------------------------------------------


def _next_invoice_number(year: int) -> str:
    """Raise the year's counter in the current transaction: a rolled-back invoice gives its number back."""
    if db.session.get(InvoiceCounter, year) is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(year=year, last=0))
        except IntegrityError:
            pass  # created by a concurrent request
    # The UPDATE locks the counter row until this transaction ends: concurrent invoices queue up here.
    number = db.session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.year == year)
        .values(last=InvoiceCounter.last + 1)
        .returning(InvoiceCounter.last)
    ).scalar_one()
    return f"VH-R-{year}-{number:05d}"


def _reference(number: str) -> str:
    """A payment reference people can type: the invoice number and a check digit against typos."""
    digits = "".join(ch for ch in number if ch.isdigit())
    check = sum(int(d) * (i % 3 + 1) for i, d in enumerate(digits)) % 10
    return f"{number}-{check}"


def create_invoice(user, licence: Licence) -> Invoice:
    _require_owner(user, licence.organisation_id)
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("This licence is not awaiting payment.")))
    existing = next((i for i in licence.invoices if i.status == InvoiceStatus.OPEN), None)
    if existing:
        return existing
    organisation = licence.organisation
    tier = licence.tier
    vat = round(tier.fee_cents * float(tier.vat_percent) / 100)
    invoice = Invoice(
        number=(number := _next_invoice_number(licence.year)),
        licence=licence,
        issued_on=utcnow().date(),
        recipient={
            "name": organisation.legal_name,
            "street": organisation.street,
            "postcode": organisation.postcode,
            "town": organisation.town,
            "country": organisation.country,
        },
        description=f"VON HIER Siegel-Lizenz {licence.year}, {tier.name_de}",
        net_cents=tier.fee_cents,
        vat_percent=tier.vat_percent,
        vat_cents=vat,
        gross_cents=tier.fee_cents + vat,
        payment_reference=_reference(number),
    )
    db.session.add(invoice)
    flush_or_conflict(
        db.session,
        {ONE_OPEN_INVOICE: _l("An invoice for this licence has just been created.")},
        existing=partial(_open_invoice_url, licence.id),
    )
    return invoice


def get_invoice(invoice_id: int) -> Invoice:
    return db.session.get(Invoice, invoice_id) or abort_with(404, str(_l("This invoice does not exist.")))


def get_invoice_for_member(user, invoice_id: int) -> Invoice:
    """The invoice for a member of the organisation it is addressed to, or an admin; else 404/403."""
    invoice = get_invoice(invoice_id)
    if not (user.has_role(Role.ADMIN) or membership(user, invoice.licence.organisation)):
        abort_with(403, str(_l("This invoice belongs to another organisation.")))
    return invoice


def _open_invoice_url(licence_id: int) -> str | None:
    invoice_id = db.session.scalar(
        select(Invoice.id).where(Invoice.licence_id == licence_id, Invoice.status == InvoiceStatus.OPEN)
    )
    return url_for("payments.invoice", invoice_id=invoice_id) if invoice_id else None


def mark_invoice_paid(admin, invoice: Invoice, paid_on: date, amount_cents: int) -> None:
    if not admin.has_role(Role.ADMIN):
        raise Forbidden()
    if invoice.status != InvoiceStatus.OPEN:
        raise PaymentError(str(_l("This invoice is not open.")))
    if not invoice.issued_on <= paid_on <= utcnow().date():
        raise PaymentError(str(_l("The payment date must lie between the invoice date and today.")))
    if amount_cents != invoice.gross_cents:
        raise PaymentError(
            str(
                _l(
                    "The amount does not match the invoice (%(amount)s).",
                    amount=format_currency(invoice.gross_cents / 100, "EUR"),
                )
            )
        )
    if invoice.licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("The licence is not awaiting payment; cancel this invoice instead.")))
    # The friendly checks above can pass for two requests at once; these two compare-and-sets cannot.
    if not _compare_and_set(Invoice, invoice.id, InvoiceStatus.OPEN, InvoiceStatus.PAID):
        raise Conflict(str(_l("This invoice has just been marked paid.")))
    if not _activate(invoice.licence):
        raise Conflict(str(_l("The licence has just been paid in another way.")))
    fulfil(invoice.licence, "invoice", invoice.number, amount_cents, admin, paid_on)


# --- Stripe Checkout -----------------------------------------------------------------------------------


def stripe_enabled() -> bool:
    return bool(current_app.config["STRIPE_SECRET_KEY"])


def _stripe() -> stripe.StripeClient:
    """The real Stripe client, one per application (its API base is a local server in tests)."""
    config = current_app.config
    client = current_app.extensions.get("stripe")
    if client is None:
        client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            base_addresses={"api": config["STRIPE_API_BASE"]},
            max_network_retries=config["STRIPE_MAX_RETRIES"],
        )
        current_app.extensions["stripe"] = client
    return client


def start_checkout(user, licence: Licence) -> tuple[CheckoutSession, str]:
    """Create a Checkout Session and return it with Stripe's payment page; nothing is stored unless
    Stripe answered."""
    organisation = _require_owner(user, licence.organisation_id)
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("This licence is not awaiting payment.")))
    tier = licence.tier
    gross = tier.fee_cents + round(tier.fee_cents * float(tier.vat_percent) / 100)
    key = str(uuid.uuid4())
    try:
        session = _stripe().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "payment_method_types": ["card", "sepa_debit"],
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "eur",
                            "unit_amount": gross,
                            "product_data": {
                                "name": f"VON HIER Siegel-Lizenz {licence.year}, {tier.name_de}"
                            },
                        },
                    }
                ],
                "client_reference_id": str(licence.id),
                "customer_email": user.email if user is not SYSTEM else organisation.email or None,
                "metadata": {"licence_id": str(licence.id), "organisation_id": str(organisation.id)},
                "success_url": external_url("payments.checkout_success")
                + "?session_id={CHECKOUT_SESSION_ID}",
                "cancel_url": external_url("payments.licence"),
            },
            options={"idempotency_key": key},
        )
    except stripe.StripeError as error:
        current_app.logger.warning("Stripe Checkout could not be started: %s", error)
        raise PaymentError(
            str(
                _l(
                    "The payment service cannot be reached right now. Nothing was charged; "
                    "please try again later or pay by invoice."
                )
            )
        ) from error
    checkout = CheckoutSession(
        licence=licence,
        stripe_session_id=session.id,
        idempotency_key=key,
        amount_cents=gross,
        created_by_id=user.id,
    )
    db.session.add(checkout)
    db.session.flush()
    return checkout, session.url


def checkout_for_member(user, session_id: str) -> CheckoutSession:
    """The Checkout session `session_id` for a member of the organisation that opened it; 404 for anyone
    else (the id comes back in the success link; it must not tell others' payments apart)."""
    checkout = db.session.scalar(
        select(CheckoutSession).where(CheckoutSession.stripe_session_id == session_id)
    )
    if checkout is None or membership(user, checkout.licence.organisation) is None:
        abort_with(404, str(_l("This payment is unknown.")))
    return checkout


def fulfil_checkout(session_id: str) -> CheckoutSession | None:
    """Act on the session's current state at Stripe (never on what an event said)."""
    checkout = db.session.scalar(
        select(CheckoutSession).where(CheckoutSession.stripe_session_id == session_id).with_for_update()
    )
    if checkout is None:
        return None
    session = _stripe().v1.checkout.sessions.retrieve(session_id)
    if session.payment_status == "paid":
        fulfil(checkout.licence, "stripe", session_id, session.amount_total or checkout.amount_cents)
        checkout.status = CheckoutStatus.PAID
    elif session.status == "expired" and checkout.status == CheckoutStatus.OPEN:
        checkout.status = CheckoutStatus.EXPIRED
    return checkout


def handle_webhook(payload: bytes, signature: str) -> str:
    """Verify, record and act on one event; raises ValueError/SignatureVerificationError on bad input."""
    event = stripe.Webhook.construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    if db.session.scalar(select(WebhookEvent.id).where(WebhookEvent.stripe_event_id == event.id)):
        return "duplicate"
    session_id = getattr(event.data.object, "id", "") if event.type.startswith("checkout.session.") else ""
    outcome = "ignored"
    if event.type in HANDLED_EVENTS:
        checkout = fulfil_checkout(session_id)
        if checkout is None:
            outcome = "unknown session"
        elif event.type == "checkout.session.async_payment_failed" and checkout.status == CheckoutStatus.OPEN:
            checkout.status = CheckoutStatus.FAILED
            outcome = "failed"
        else:
            outcome = checkout.status.value
    # Same transaction as the effect, under a unique constraint: a replay of this event changes nothing.
    db.session.add(
        WebhookEvent(
            stripe_event_id=event.id,
            type=event.type,
            session_id=session_id,
            outcome=outcome,
            payload=event.to_dict(),
        )
    )
    db.session.flush()
    return outcome


def reconcile() -> dict:
    """Re-fetch sessions still open and fulfil those that were paid (for missed webhooks)."""
    counts = {"checked": 0, "paid": 0}
    for checkout in db.session.scalars(
        select(CheckoutSession).where(CheckoutSession.status == CheckoutStatus.OPEN)
    ):
        counts["checked"] += 1
        if fulfil_checkout(checkout.stripe_session_id).status == CheckoutStatus.PAID:
            counts["paid"] += 1
    return counts
