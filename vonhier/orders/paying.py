"""Paying an order online: a Stripe Checkout session on the producer's connected account, and what
follows from it. The stock is reserved before the session exists (`buying.place_order`), so no session
is ever made without a reserved order.

What Stripe says is acted on from two sides, both idempotent: the Connect webhook (`payments.signals.
connected_checkout`, the session re-fetched) and the buyer's return page (the session re-fetched there
too, so the page does not wait for the webhook). Every state change is `ledger.move`'s compare-and-set:
of a duplicate, a late or an out-of-order event exactly one acts, the others find the order moved.
- paid (completed, or an async payment succeeded) while pending → placed, confirmed to the buyer;
- expired, or an async payment failed → expired, the units released;
- paid while no longer pending (it expired or was cancelled first): the money is not kept — refunded at
  once with an idempotency key of the order, recorded once (`refunded_cents` set by a conditional UPDATE).
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..payments import connect, signals
from ..web import external_url
from . import ledger, notify
from .models import Order, OrderStatus

# How long a buyer has to pay: the units are held meanwhile. Stripe's minimum (31 min with the margin
# `connect.create_checkout` adds) is enough for a card or a wallet, and holds the last units shortest.
SESSION_LIFETIME = timedelta(minutes=30)
_PAID_STATES = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.NOT_COLLECTED)


def start_checkout(order: Order) -> str:
    """Open the Checkout session of a pending order on its producer's account; its id is kept with the
    order in the caller's transaction. Returns Stripe's page to send the buyer to. A refusal (no ready
    account, Stripe unreachable) is a ConnectError: the caller rolls back, the units are not held."""
    account = connect.ready_account(order.organisation_id)
    token = ledger.order_token(order)
    session = connect.create_checkout(
        account,
        [
            connect.LineItem(f"{line.product_name} ({line.unit_text})", line.unit_price_cents, line.quantity)
            for line in order.lines
        ],
        reference=order.reference,
        success_url=external_url("orders.paid", token=token),
        cancel_url=external_url("orders.payment_left", token=token),
        customer_email=order.buyer_email,
        metadata={"order": order.reference},
        lifetime=SESSION_LIFETIME,
        # The form's one-time key: a retry of the same order never opens a second session.
        idempotency_key=f"vonhier-order-{order.submission_key}",
    )
    order.checkout_session_id = session.id
    db.session.flush()
    return session.url


def settle(order: Order, session, account, actor: str, failed: bool = False) -> str:
    """Act on `session` as Stripe says it is now (never on an event's copy); a short outcome. `failed`:
    Stripe said the async payment of a completed session failed (the session alone does not say it)."""
    status, payment = session.status, session.payment_status
    if status == "complete" and payment in ("paid", "no_payment_required"):
        return _paid(order, session, account, actor)
    if status == "expired" or (status == "complete" and payment == "unpaid" and failed):
        if ledger.move(order, OrderStatus.EXPIRED, (OrderStatus.PENDING,), actor, "checkout " + status):
            return "released"
        return f"already {order.status.value}"
    return "open"


def _paid(order: Order, session, account, actor: str) -> str:
    intent = session.payment_intent if isinstance(session.payment_intent, str) else session.payment_intent.id
    if ledger.move(
        order,
        OrderStatus.PLACED,
        (OrderStatus.PENDING,),
        actor,
        "paid online",
        paid_at=utcnow(),
        payment_intent_id=intent,
    ):
        notify.confirmed(order)
        return "paid"
    if order.status in _PAID_STATES:
        return "already paid"
    return _refund_late_payment(order, session, account, intent, actor)


def _refund_late_payment(order: Order, session, account, intent: str, actor: str) -> str:
    """Money came in for an order that expired or was cancelled meanwhile: give it back at once."""
    amount = int(session.amount_total or 0)
    try:
        connect.refund(
            account,
            intent,
            reason="requested_by_customer",
            idempotency_key=f"vonhier-order-{order.reference}-late-payment",
        )
    except connect.ConnectError as error:
        raise (error.__cause__ or error) from None  # the webhook answers 503: Stripe delivers again
    recorded = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.refunded_cents == 0)
        .values(refunded_cents=min(amount, order.total_cents), payment_intent_id=intent, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(order)
    if recorded.rowcount == 1:
        ledger.record(order, "refunded", actor, f"paid after it was {order.status.value}: refunded {amount}")
        db.session.flush()
    return "refunded"


@signals.connected_checkout.connect
def on_connected_checkout(session, account, event_type):
    """The Connect webhook's Checkout events: only sessions of our orders on that very account."""
    order = db.session.scalar(select(Order).where(Order.checkout_session_id == session.id))
    if order is None or order.organisation_id != account.organisation_id:
        return None
    failed = event_type == "checkout.session.async_payment_failed"
    return settle(order, session, account, f"stripe:{event_type}", failed)


def settle_on_return(order: Order) -> str:
    """The buyer is back from Stripe: ask Stripe how the session stands and act as the webhook would."""
    if order.status != OrderStatus.PENDING or not order.checkout_session_id:
        return order.status.value
    account = connect.account_for(order.organisation_id)
    if account is None:
        return order.status.value
    try:
        session = connect.retrieve_checkout(account, order.checkout_session_id)
    except connect.stripe.StripeError:
        return "unknown"  # the webhook will tell; the page says the payment is being confirmed
    return settle(order, session, account, "buyer:return")


def open_session_url(order: Order) -> str | None:
    """Stripe's page of a pending order's session while it can still be paid (the buyer came back and
    wants to pay after all); None otherwise or when Stripe cannot be asked."""
    account = connect.account_for(order.organisation_id)
    if order.status != OrderStatus.PENDING or account is None or not order.checkout_session_id:
        return None
    try:
        session = connect.retrieve_checkout(account, order.checkout_session_id)
    except connect.stripe.StripeError:
        return None
    return session.url if session.status == "open" else None


def give_up(order: Order) -> str:
    """The buyer chose not to pay: expire the session at Stripe, so that it can no longer be paid, and
    release the units now rather than when the session runs out. Paid meanwhile: it stays paid."""
    if order.status != OrderStatus.PENDING:
        return order.status.value
    account = connect.account_for(order.organisation_id)
    if account is None or not order.checkout_session_id:
        ledger.move(order, OrderStatus.EXPIRED, (OrderStatus.PENDING,), "buyer", "left the payment")
        return order.status.value
    return settle(order, connect.expire_checkout(account, order.checkout_session_id), account, "buyer:left")


NOT_PAID = _l("The order was not paid and has been cancelled; nothing was charged.")
