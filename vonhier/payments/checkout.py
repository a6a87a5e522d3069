"""Stripe Checkout: a session per payment attempt, fulfilled through `services.fulfil` once Stripe says
it is paid (webhook, success page or reconciliation), each event recorded once."""

import uuid

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import abort_with
from ..extensions import db
from ..organisations.services import membership
from ..permissions import SYSTEM
from ..web import external_url
from .models import CheckoutSession, CheckoutStatus, Licence, LicenceStatus, WebhookEvent
from .services import PaymentError, description, fulfil, gross_cents, require_confirmed, require_owner

HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def stripe_enabled() -> bool:
    return bool(current_app.config["STRIPE_SECRET_KEY"])


def stripe_client() -> stripe.StripeClient:
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
    organisation = require_owner(user, licence.organisation_id)
    if licence.status != LicenceStatus.PENDING_PAYMENT:
        raise PaymentError(str(_l("This licence is not awaiting payment.")))
    require_confirmed(user)
    gross = gross_cents(licence)
    key = str(uuid.uuid4())
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "payment_method_types": ["card", "sepa_debit"],
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "eur",
                            "unit_amount": gross,
                            "product_data": {"name": description(licence)},
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
    session = stripe_client().v1.checkout.sessions.retrieve(session_id)
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
