"""Stripe Connect with direct charges: each producer's own Stripe account (created once, onboarded at
Stripe), the calls the orders feature makes on it (Checkout sessions, their retrieval, refunds), and the
Connect webhook, verified and recorded once like the licence webhook (`checkout.py`)."""

import math
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import flush_or_conflict, unique_constraint
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import require_member
from ..web import external_url
from . import signals
from .checkout import stripe_client, stripe_enabled
from .models import ConnectedAccount, WebhookEvent
from .services import PaymentError, require_owner

CHECKOUT_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
# Stripe refuses a session that expires sooner than 30 minutes after it is made; a minute more, so that
# the time a request takes to travel never makes it too short.
MIN_SESSION_LIFETIME = timedelta(minutes=31)
MAX_SESSION_LIFETIME = timedelta(hours=24)


class ConnectError(PaymentError):
    """A Stripe Connect step that cannot be done now; str() is a translated message."""


def _unreachable(error: stripe.StripeError) -> ConnectError:
    """A failed call as a refusal: Stripe's own reason when it refused the request (a refund of more than
    is left), else that it could not be reached."""
    current_app.logger.warning("Stripe Connect call failed: %s", error)
    if isinstance(error, stripe.InvalidRequestError):
        return ConnectError(
            str(_l("Stripe refused this: %(reason)s", reason=error.user_message or str(error)))
        )
    return ConnectError(
        str(
            _l(
                "The payment service cannot be reached right now. Nothing was changed; "
                "please try again later."
            )
        )
    )


def _not_available() -> ConnectError:
    return ConnectError(
        str(_l("Online payment is not available on this platform yet; pay at pick-up still works."))
    )


def _on(account: ConnectedAccount) -> dict:
    """Request options of a call made on the producer's account (the `Stripe-Account` header)."""
    return {"stripe_account": account.stripe_account_id}


# --- the producer's account ------------------------------------------------------------------------


def account_for(organisation_id: int) -> ConnectedAccount | None:
    return db.session.scalar(
        select(ConnectedAccount).where(ConnectedAccount.organisation_id == organisation_id)
    )


def state(account: ConnectedAccount | None) -> str:
    """ "none" (not connected), "incomplete" (onboarding not finished at Stripe), "pending" (finished,
    Stripe still checking) or "ready" (buyers can pay online)."""
    if account is None:
        return "none"
    if account.charges_enabled:
        return "ready"
    return "pending" if account.details_submitted else "incomplete"


def online_payment_state(organisation_id: int) -> str:
    """The state of an organisation's online payment, "unavailable" when the platform has no Stripe keys."""
    return state(account_for(organisation_id)) if stripe_enabled() else "unavailable"


def accepts_online_payment(organisation_id: int) -> bool:
    """May buyers pay this organisation online now? (The orders feature asks before offering it.)"""
    return online_payment_state(organisation_id) == "ready"


def _copy_flags(account: ConnectedAccount, stripe_account) -> None:
    account.charges_enabled = bool(stripe_account.charges_enabled)
    account.details_submitted = bool(stripe_account.details_submitted)


def start_onboarding(user, organisation_id: int) -> str:
    """The address of Stripe's onboarding for the organisation's account, creating that account first if
    there is none. Owners only: the account receives the business's money.

    Two clicks at once make one account. On PostgreSQL the organisation's row is locked, so the second
    waits and finds the first's account. Elsewhere both may ask Stripe, with the same idempotency key
    (one per organisation), so Stripe answers both with the one account it made; the unique
    organisation_id then keeps one row and the later click lands on this page (303)."""
    require_owner(user, organisation_id)
    if not stripe_enabled():
        raise _not_available()
    db.session.scalar(select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())
    account = account_for(organisation_id)
    try:
        if account is None:
            account = _create_account(user, organisation_id)
        if account.charges_enabled:
            return external_url("payments.connect")
        return _onboarding_link(account)
    except stripe.StripeError as error:
        raise _unreachable(error) from error


def _create_account(user, organisation_id: int) -> ConnectedAccount:
    kind = current_app.config["STRIPE_CONNECT_ACCOUNT_TYPE"]
    params = {"type": kind, "country": "DE", "metadata": {"organisation_id": str(organisation_id)}}
    if kind == "express":
        params["capabilities"] = {"card_payments": {"requested": True}, "transfers": {"requested": True}}
    created = stripe_client().v1.accounts.create(
        params=params, options={"idempotency_key": f"vonhier-connect-account-{organisation_id}"}
    )
    account = ConnectedAccount(
        organisation_id=organisation_id,
        stripe_account_id=created.id,
        created_by_id=getattr(user, "id", None),
    )
    _copy_flags(account, created)
    db.session.add(account)
    # Either constraint may be the one named: the other click was given the same account by Stripe.
    already = str(_l("Your Stripe account is already being connected."))
    flush_or_conflict(
        db.session,
        {
            unique_constraint(ConnectedAccount, "organisation_id"): already,
            unique_constraint(ConnectedAccount, "stripe_account_id"): already,
        },
        existing=lambda: external_url("payments.connect"),
    )
    return account


def _onboarding_link(account: ConnectedAccount) -> str:
    link = stripe_client().v1.account_links.create(
        params={
            "account": account.stripe_account_id,
            "type": "account_onboarding",
            "refresh_url": external_url("payments.connect_refresh"),
            "return_url": external_url("payments.connect_return"),
        }
    )
    return link.url


def continue_onboarding(user, organisation_id: int) -> str | None:
    """A fresh onboarding link for an account whose link expired or was used (Stripe's refresh_url);
    None when there is nothing to continue. Creates no account: this runs on a GET."""
    require_owner(user, organisation_id)
    account = account_for(organisation_id)
    if not stripe_enabled() or account is None or account.charges_enabled:
        return None
    try:
        return _onboarding_link(account)
    except stripe.StripeError as error:
        raise _unreachable(error) from error


def refresh(user, organisation_id: int) -> ConnectedAccount | None:
    """The producer is back from Stripe: ask Stripe how the account stands (the return URL says nothing
    about it) and keep its flags. Any member may look: the flags are only Stripe's answer."""
    require_member(user, organisation_id)
    account = account_for(organisation_id)
    if account is None or not stripe_enabled():
        return account
    try:
        _copy_flags(account, stripe_client().v1.accounts.retrieve(account.stripe_account_id))
    except stripe.StripeError as error:
        raise _unreachable(error) from error
    db.session.flush()
    return account


# --- what the orders feature calls -------------------------------------------------------------------


@dataclass(frozen=True)
class LineItem:
    """One line of a Checkout session: a product's name, its price incl. VAT in cents and how many."""

    name: str
    unit_amount_cents: int
    quantity: int


def application_fee_cents(total_cents: int) -> int:
    """The platform's fee of a payment: STRIPE_APPLICATION_FEE_PERCENT of it, rounded up to the cent
    (0 by default). Computed in Decimal from the setting's text, never in floats."""
    try:
        percent = Decimal(str(current_app.config["STRIPE_APPLICATION_FEE_PERCENT"]).replace(",", "."))
    except InvalidOperation:
        percent = Decimal(0)
    if not percent.is_finite() or percent <= 0:
        return 0
    return min(total_cents, math.ceil(Decimal(total_cents) * min(percent, Decimal(100)) / 100))


def ready_account(organisation_id: int) -> ConnectedAccount:
    """The organisation's account if buyers can pay it online; else a refusal the buyer can read."""
    if not stripe_enabled():
        raise _not_available()
    account = account_for(organisation_id)
    if account is None or not account.charges_enabled:
        raise ConnectError(str(_l("This producer does not take online payment yet; please pay at pick-up.")))
    return account


def create_checkout(
    account: ConnectedAccount,
    items: list[LineItem],
    *,
    reference: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str] | None = None,
    customer_email: str | None = None,
    lifetime: timedelta = MIN_SESSION_LIFETIME,
    idempotency_key: str | None = None,
):
    """A Checkout session on the producer's account (a direct charge: the producer is the merchant) with
    the platform's fee; returns Stripe's session (`.id`, `.url`, `.expires_at`). `reference` is the
    order's (client_reference_id); `lifetime` is clamped to what Stripe accepts (31 min to 24 h). The
    caller keeps the session id and reserves stock in the same transaction; the session expires on its
    own, and `checkout.session.expired` comes through `signals.connected_checkout`."""
    total = sum(item.unit_amount_cents * item.quantity for item in items)
    fee = application_fee_cents(total)
    lifetime = min(max(lifetime, MIN_SESSION_LIFETIME), MAX_SESSION_LIFETIME)
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": item.quantity,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": item.unit_amount_cents,
                    "product_data": {"name": item.name},
                },
            }
            for item in items
        ],
        "client_reference_id": reference,
        "metadata": {**(metadata or {}), "reference": reference},
        # Stripe counts from its own clock, not the platform's business clock.
        "expires_at": int(time.time() + lifetime.total_seconds()),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer_email:
        params["customer_email"] = customer_email
    if fee:
        params["payment_intent_data"] = {"application_fee_amount": fee}
    try:
        return stripe_client().v1.checkout.sessions.create(
            params=params, options={**_on(account), "idempotency_key": idempotency_key or str(uuid.uuid4())}
        )
    except stripe.StripeError as error:
        raise _unreachable(error) from error


def retrieve_checkout(account: ConnectedAccount, session_id: str):
    """The session as Stripe says it is now, read on the producer's account (raises stripe.StripeError)."""
    return stripe_client().v1.checkout.sessions.retrieve(session_id, options=_on(account))


def expire_checkout(account: ConnectedAccount, session_id: str):
    """Expire an open session on the producer's account (the buyer left without paying), so that it can
    no longer be paid; returns the session as Stripe says it is then, also when it was no longer open
    (paid or expired meanwhile). Raises ConnectError when Stripe cannot be reached."""
    try:
        return stripe_client().v1.checkout.sessions.expire(session_id, options=_on(account))
    except stripe.InvalidRequestError:
        pass  # not open any more: what it became is what counts
    except stripe.StripeError as error:
        raise _unreachable(error) from error
    try:
        return retrieve_checkout(account, session_id)
    except stripe.StripeError as error:
        raise _unreachable(error) from error


def refund(
    account: ConnectedAccount,
    payment_intent_id: str,
    amount_cents: int | None = None,
    *,
    reason: str = "requested_by_customer",
    idempotency_key: str | None = None,
):
    """Give money back on the producer's account (all of it unless `amount_cents`); returns Stripe's refund.
    The caller passes an idempotency key of its own (the order's cancellation), so that a retry after a
    lost answer never refunds twice."""
    params = {"payment_intent": payment_intent_id, "reason": reason}
    if amount_cents is not None:
        params["amount"] = amount_cents
    try:
        return stripe_client().v1.refunds.create(
            params=params, options={**_on(account), "idempotency_key": idempotency_key or str(uuid.uuid4())}
        )
    except stripe.StripeError as error:
        raise _unreachable(error) from error


# --- the Connect webhook ------------------------------------------------------------------------------


def webhook_enabled() -> bool:
    return stripe_enabled() and bool(current_app.config["STRIPE_CONNECT_WEBHOOK_SECRET"])


def _dispatch(signal, sender, account: ConnectedAccount, event_type: str) -> str:
    outcomes = [result for _receiver, result in signal.send(sender, account=account, event_type=event_type)]
    return next((str(result)[:40] for result in outcomes if result), "unclaimed")


def _act(event, account: ConnectedAccount) -> str:
    """Act on the object as Stripe says it is now, read on its account (events come twice, late and out
    of order: what they carry may be stale)."""
    obj_id = getattr(event.data.object, "id", "")
    if event.type == "account.updated":
        _copy_flags(account, stripe_client().v1.accounts.retrieve(account.stripe_account_id))
        return state(account)
    if event.type in CHECKOUT_EVENTS:
        session = retrieve_checkout(account, obj_id)
        return _dispatch(signals.connected_checkout, session, account, event.type)
    if event.type == "charge.refunded":
        charge = stripe_client().v1.charges.retrieve(obj_id, options=_on(account))
        return _dispatch(signals.connected_refund, charge, account, event.type)
    return "ignored"


def handle_webhook(payload: bytes, signature: str) -> str:
    """Verify, record and act on one event of a connected account; raises ValueError or
    stripe.SignatureVerificationError on a forged or broken delivery, stripe.StripeError when Stripe
    cannot be asked (the route answers 503 and Stripe delivers again)."""
    secret = current_app.config["STRIPE_CONNECT_WEBHOOK_SECRET"]
    event = stripe.Webhook.construct_event(payload, signature, secret)
    if db.session.scalar(select(WebhookEvent.id).where(WebhookEvent.stripe_event_id == event.id)):
        return "duplicate"
    account_id = getattr(event, "account", None) or ""
    # Locked: two different events of one account (account.updated twice) are handled one after the other.
    account = db.session.scalar(
        select(ConnectedAccount).where(ConnectedAccount.stripe_account_id == account_id).with_for_update()
    )
    outcome = "unknown account" if account is None else _act(event, account)
    obj_id = getattr(event.data.object, "id", "") if event.type.startswith("checkout.session.") else ""
    # Same transaction as the effect, under a unique constraint: a replay of this event changes nothing.
    db.session.add(
        WebhookEvent(
            stripe_event_id=event.id,
            type=event.type[:80],
            session_id=obj_id[:255],
            account=account_id[:255],
            outcome=outcome,
            payload=event.to_dict(),
        )
    )
    db.session.flush()
    return outcome
