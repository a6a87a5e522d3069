"""What a buyer does with an order after placing it, through the signed link (no account): cancel it
until its deadline, with the money given back if it was paid online.

The database decides a double click: `ledger.move` cancels in one conditional UPDATE, which on
PostgreSQL holds the order's row until the commit, so a second request waits and then finds the order
cancelled (and does nothing). Stripe is called after that move and before the commit: if Stripe
refuses or cannot be reached, the request fails and the move is rolled back (the order stays placed,
the buyer can try again); if the answer is lost after Stripe refunded, the retry carries the same
idempotency key and Stripe answers with the first refund rather than a second."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..errors import RuleError
from ..payments import connect
from . import ledger, notify
from .models import Order, OrderStatus, PaymentMethod

# Cancellable by the buyer: an open online payment (it is then dropped) or a placed order.
CANCELLABLE = (OrderStatus.PENDING, OrderStatus.PLACED)


class OrderError(RuleError):
    """A buyer's step on an order that cannot be done; str() is a translated message."""


def can_cancel(order: Order, now: datetime) -> bool:
    """Whether the page offers the cancel button: a cancellable state, and the deadline not passed."""
    return order.status in CANCELLABLE and now <= order.cancel_until


def cancel_by_buyer(order: Order, now: datetime) -> bool:
    """Cancel `order` for its buyer at `now` (naive UTC): True if this request cancelled it, False if it
    was already cancelled (a second click). Refuses after the deadline and in any other state."""
    if order.status == OrderStatus.CANCELLED and order.cancelled_by == "buyer":
        return False
    if now > order.cancel_until:
        raise OrderError(
            str(
                _l(
                    "The order can no longer be cancelled here: the deadline has passed. "
                    "Please contact the producer."
                )
            )
        )
    if order.status not in CANCELLABLE:
        raise OrderError(str(_l("This order cannot be cancelled any more.")))
    paid_online = order.payment_method == PaymentMethod.ONLINE and order.payment_intent_id is not None
    moved = ledger.move(
        order,
        OrderStatus.CANCELLED,
        CANCELLABLE,
        "buyer",
        cancelled_at=now,
        cancelled_by="buyer",
        # The whole order is given back; set with the move, so that no state shows a cancel without it.
        refunded_cents=order.total_cents if paid_online and order.paid_at else 0,
    )
    if not moved:
        if order.status == OrderStatus.CANCELLED and order.cancelled_by == "buyer":
            return False  # the other click won; it refunds and mails
        raise OrderError(str(_l("This order cannot be cancelled any more.")))
    if order.refunded_cents:
        _refund(order)
    notify.cancelled(order)
    return True


def _refund(order: Order) -> None:
    """Refund the whole order on the producer's connected account (raises `connect.ConnectError`)."""
    account = connect.account_for(order.organisation_id)
    if account is None:  # paid online, so the account existed; a deleted one is a case for the producer
        raise OrderError(str(_l("The payment cannot be refunded here. Please contact the producer.")))
    # No amount: all that is left of the payment (a part the producer refunded at Stripe already stays).
    refund = connect.refund(
        account,
        order.payment_intent_id,
        reason="requested_by_customer",
        idempotency_key=f"order-{order.id}-cancel",
    )
    ledger.record(order, "refunded", "buyer", f"{refund.id} {refund.amount}")
