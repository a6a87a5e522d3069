"""The producer's side of pre-orders: the orders an organisation received, by pick-up date and outlet;
marking one collected or not collected; cancelling one with a reason (refunded on the producer's Stripe
account when it was paid online); and the refunds Stripe reports (also those made in its dashboard).

Every function taking a user checks that they work for the order's organisation (403, or 404 for no
such order). States change only through `ledger.move`, a compare-and-set: of two clicks, a click and the
buyer's cancel, or two producers in two tabs, exactly one moves the order.

Cancelling a paid order: the state is moved first, then Stripe refunds, in the same transaction, and
the request commits only when Stripe said yes. The compare-and-set decides who refunds (a second cancel
waits for the first's row lock, then finds the order cancelled and calls Stripe not at all); Stripe
unreachable rolls the move back (the order stays as it was, its units held, and the producer can try
again); a refund made but its commit lost is met on the retry by the same idempotency key, so Stripe
answers with that refund instead of making another. The price is the order's row (and its date's
stock rows) locked for one Stripe call."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from .. import clock
from ..database import german, german_key
from ..errors import RuleError
from ..extensions import db
from ..organisations.services import require_member, row_for_member
from ..outlets.models import Outlet
from ..payments import connect, signals
from . import ledger, notify
from .models import HOLDS_STOCK, Order, OrderEvent, OrderStatus

PAST_DAYS = 92  # the past dates the list shows: a quarter, what a producer looks back on
MAX_REASON = 500  # a short text: the buyer reads it in a mail
# The outcomes a producer records after the pick-up date, and the states each may correct.
OUTCOMES = {
    "collected": (OrderStatus.COLLECTED, (OrderStatus.PLACED, OrderStatus.NOT_COLLECTED)),
    "not_collected": (OrderStatus.NOT_COLLECTED, (OrderStatus.PLACED, OrderStatus.COLLECTED)),
}
CANCELLABLE = (OrderStatus.PENDING, OrderStatus.PLACED)


class ReceivedError(RuleError):
    """A step the order's state does not allow, or a refund Stripe did not make; `field` names the form
    field the message belongs to."""


def today() -> date:
    return clock.local_now().date()


def actor_of(user) -> str:
    return f"producer:{getattr(user, 'id', 'system')}"


# --- reading -------------------------------------------------------------------------------------------


@dataclass
class PickupGroup:
    """The orders of one pick-up date at one outlet, counted by state."""

    day: date
    outlet: Outlet
    counts: dict[OrderStatus, int] = field(default_factory=dict)

    @property
    def orders(self) -> int:
        """Orders that hold units: to hand over, handed over, or not fetched (cancelled ones not)."""
        return sum(self.counts.get(status, 0) for status in HOLDS_STOCK)

    @property
    def is_today(self) -> bool:
        return self.day == today()

    def count(self, status: str) -> int:
        return self.counts.get(OrderStatus(status), 0)


def pickup_groups(
    user, organisation_id: int, *, past: bool = False, limit: int | None = None
) -> list[PickupGroup]:
    """The organisation's pick-up dates and outlets with their orders counted: from today on (soonest
    first), or the past `PAST_DAYS` (latest first); `limit` groups at most. Two queries. Expired orders
    (a payment never made) are not counted: nothing was sold."""
    require_member(user, organisation_id)
    start = today()
    when = (
        Order.pickup_date.between(start - timedelta(days=PAST_DAYS), start - timedelta(days=1))
        if past
        else Order.pickup_date >= start
    )
    rows = db.session.execute(
        select(Order.pickup_date, Order.outlet_id, Order.status, func.count())
        .where(Order.organisation_id == organisation_id, when, Order.status != OrderStatus.EXPIRED)
        .group_by(Order.pickup_date, Order.outlet_id, Order.status)
    ).all()
    outlets = {o.id: o for o in db.session.scalars(select(Outlet).where(Outlet.id.in_({r[1] for r in rows})))}
    groups: dict[tuple[date, int], PickupGroup] = {}
    for day, outlet_id, status, count in rows:
        group = groups.setdefault((day, outlet_id), PickupGroup(day, outlets[outlet_id]))
        group.counts[OrderStatus(status)] = count
    # Upcoming dates soonest first, past ones latest first; the outlets of a date by name.
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            -g.day.toordinal() if past else g.day.toordinal(),
            german_key(g.outlet.name),
            g.outlet.id,
        ),
    )
    return ordered[:limit] if limit else ordered


def day_orders(
    user, organisation_id: int, day: date, outlet_id: int | None = None, states=None
) -> list[Order]:
    """The orders of a pick-up date (at one outlet, or all), with their lines and outlet, by outlet, pick-up
    time and buyer: three queries. `states` limits them (default: all but expired)."""
    require_member(user, organisation_id)
    query = (
        select(Order)
        .join(Outlet, Outlet.id == Order.outlet_id)
        .options(selectinload(Order.lines), selectinload(Order.outlet))
        .where(Order.organisation_id == organisation_id, Order.pickup_date == day)
        .order_by(german(Outlet.name), Outlet.id, Order.pickup_start, german(Order.buyer_name), Order.id)
    )
    if outlet_id is not None:
        query = query.where(Order.outlet_id == outlet_id)
    if states is None:
        query = query.where(Order.status != OrderStatus.EXPIRED)
    else:
        query = query.where(Order.status.in_(states))
    return list(db.session.scalars(query))


def get_order_for_member(user, order_id: int) -> Order:
    """The order if `user` works for its organisation: 404 if there is none, 403 if it is not theirs."""
    return row_for_member(user, Order, order_id)


def events_of(order: Order) -> list[OrderEvent]:
    return list(
        db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id))
    )


# --- after the pick-up ---------------------------------------------------------------------------------

_NOT_NOW = {
    OrderStatus.PENDING: _l("The buyer has not paid this order yet: it cannot be handed over."),
    OrderStatus.CANCELLED: _l("This order is cancelled: it can no longer be collected or missed."),
    OrderStatus.EXPIRED: _l("This order was never paid: it can no longer be collected or missed."),
}


def mark(user, order: Order, outcome: str) -> bool:
    """Record that the buyer fetched the order ("collected") or did not ("not_collected", from the pick-up
    date on); a wrong click can be corrected between the two. False if it already was so."""
    require_member(user, order.organisation_id)
    if outcome not in OUTCOMES:
        raise ReceivedError(str(_l("Unknown action.")), "outcome")
    to, allowed_from = OUTCOMES[outcome]
    if order.status == to:
        return False
    if to == OrderStatus.NOT_COLLECTED and order.pickup_date > today():
        raise ReceivedError(
            str(_l("The pick-up date has not come yet: the buyer cannot have missed it.")), "outcome"
        )
    values = {"collected_at": clock.utcnow() if to == OrderStatus.COLLECTED else None}
    if ledger.move(order, to, allowed_from, actor_of(user), **values):
        return True
    if order.status == to:  # a second click, or a colleague, was first: the same outcome
        return False
    raise ReceivedError(str(_NOT_NOW.get(order.status, _l("Unknown action."))), "outcome")


# --- cancelling ----------------------------------------------------------------------------------------


def cancel(user, order: Order, reason: str) -> None:
    """Cancel an order not yet handed over, telling the buyer `reason`; refund it if it was paid online
    (see the module's docstring for the order of the steps). Refusals leave everything as it was."""
    require_member(user, order.organisation_id)
    reason = reason.strip()
    if not reason:
        raise ReceivedError(str(_l("Please tell the buyer why the order is cancelled.")), "reason")
    if len(reason) > MAX_REASON:
        raise ReceivedError(
            str(_l("Please keep the reason under %(max)d characters.", max=MAX_REASON)), "reason"
        )
    moved = ledger.move(
        order,
        OrderStatus.CANCELLED,
        CANCELLABLE,
        actor_of(user),
        reason,
        cancelled_at=clock.utcnow(),
        cancelled_by="producer",
        cancel_reason=reason,
    )
    if not moved:
        raise ReceivedError(_cannot_cancel(order.status), "reason")
    if order.paid_at is not None and order.payment_intent_id and order.refunded_cents < order.total_cents:
        _refund(user, order)
    notify.cancelled(order)


def _cannot_cancel(status: OrderStatus) -> str:
    if status == OrderStatus.CANCELLED:
        return str(_l("This order is already cancelled."))
    if status == OrderStatus.EXPIRED:
        return str(_l("This order was never paid; there is nothing to cancel."))
    return str(_l("This order was already handed over or missed; it can no longer be cancelled."))


def _refund(user, order: Order) -> None:
    """Refund what is left of the order's payment on the organisation's Stripe account. Always the rest
    (no amount), so that a retry sends the same request under the same idempotency key."""
    account = connect.account_for(order.organisation_id)
    if account is None:
        raise ReceivedError(
            str(_l("This order was paid online, but no Stripe account is connected.")), "reason"
        )
    try:
        refund = connect.refund(account, order.payment_intent_id, idempotency_key=f"order-{order.id}-cancel")
    except connect.ConnectError as error:
        raise ReceivedError([*error.messages, str(_l("The order was not cancelled."))], "reason") from error
    # A refund of the rest leaves nothing paid: the whole total is refunded, whatever was before.
    raise_refunded(order, order.total_cents)
    ledger.record(order, "refunded", actor_of(user), _refund_detail(refund.id, refund.amount))
    db.session.flush()


def _refund_detail(stripe_id: str, cents: int) -> str:
    """What the history shows of a refund: Stripe's id (to find it in the dashboard) and the amount."""
    return f"{stripe_id}, {cents // 100},{cents % 100:02d} EUR"


def raise_refunded(order: Order, cents: int) -> bool:
    """Set the order's refunded amount to `cents` if that is more (never down, never beyond its total):
    a conditional UPDATE, so that a late or repeated report of Stripe's changes nothing."""
    cents = min(max(cents, 0), order.total_cents)
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.refunded_cents < cents)
        .values(refunded_cents=cents, updated_at=clock.utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(order)
    return result.rowcount == 1


@signals.connected_refund.connect
def _refunded_at_stripe(charge, account, event_type, **_) -> str | None:
    """`charge.refunded` of a connected account (our own refunds and those made in Stripe's dashboard):
    the order of that payment takes the charge's refunded total as Stripe says it now (re-fetched, so an
    event arriving late carries no stale amount); None for a payment that is no order of ours. Looked up
    within the account's organisation, which the orders' index leads."""
    intent = getattr(charge, "payment_intent", None)
    if not isinstance(intent, str) or not intent:
        return None
    order = db.session.scalar(
        select(Order).where(
            Order.organisation_id == account.organisation_id, Order.payment_intent_id == intent
        )
    )
    if order is None:
        return None
    amount = int(getattr(charge, "amount_refunded", 0) or 0)
    if not raise_refunded(order, amount):
        return "refund known"
    ledger.record(order, "refunded", "stripe", _refund_detail(charge.id, order.refunded_cents))
    db.session.flush()
    return "refunded"
