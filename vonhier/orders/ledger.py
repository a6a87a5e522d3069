"""What is sold and what state an order is in, decided by the database.

- Stock: every offer counts the units sold (or held by an open online payment) per pick-up date in one
  `OfferStock` row. `reserve` is one conditional UPDATE: the row lock puts buyers of the last units in a
  queue, and the condition lets only those through for whom units remain (a compare-and-set, never a
  read and then a write). Unlimited offers are counted too, without a bound, so that a release is always
  the exact mirror of its reservation, whatever the producer changes in between.
- State: `move` changes an order's status only from the states it names, in one UPDATE; of two requests
  (the buyer's cancel and Stripe's expiry, a double click) exactly one moves it. Leaving the states that
  hold stock releases the order's units, in the same transaction, exactly once.
- Links: the buyer has no account; a signed token naming the order opens its page (`order_token`).

Everything here flushes or executes in the caller's transaction and never commits.
"""

import secrets
from datetime import date

from sqlalchemy import select, update

from ..accounts.services import TokenError, make_token, read_token
from ..clock import utcnow
from ..database import upsert
from ..extensions import db
from .models import HOLDS_STOCK, Offer, OfferStock, Order, OrderEvent, OrderStatus

# A buyer's link to their order works as long as anyone could care about the order (a year and a bit).
ORDER_LINK_DAYS = 400
_LINK = "order"  # the signed token's purpose
# Order numbers: 8 characters of an alphabet without look-alikes (0/O, 1/I/L), read out on the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A fresh order number: 31⁸ ≈ 850 billion, so the unique constraint settles the rare clash."""
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


# --- stock ---------------------------------------------------------------------------------------------


def reserve(offer: Offer, day: date, quantity: int) -> bool:
    """Count `quantity` units of `offer` as sold for pick-up on `day`, if that many remain: True if they
    were reserved. Callers reserving several offers do so in the order of their ids, so that two orders
    never wait for each other's rows."""
    connection = db.session.connection()
    db.session.execute(
        upsert(connection, OfferStock)
        .values(offer_id=offer.id, day=day, sold=0)
        .on_conflict_do_nothing(index_elements=["offer_id", "day"])
    )
    condition = [OfferStock.offer_id == offer.id, OfferStock.day == day]
    if offer.quantity_per_date is not None:
        condition.append(OfferStock.sold + quantity <= offer.quantity_per_date)
    result = db.session.execute(
        update(OfferStock).where(*condition).values(sold=OfferStock.sold + quantity),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def release(order: Order) -> None:
    """Give back the units of every line of `order` (only through `move`: exactly once)."""
    for line in sorted(order.lines, key=lambda line: line.offer_id):
        db.session.execute(
            update(OfferStock)
            .where(OfferStock.offer_id == line.offer_id, OfferStock.day == order.pickup_date)
            .values(sold=OfferStock.sold - line.quantity),
            execution_options={"synchronize_session": False},
        )


def remaining(offers: list[Offer], days: list[date]) -> dict[date, dict[int, int | None]]:
    """Units still to be had per day and offer id (None: unlimited), for these days; one query."""
    if not offers or not days:
        return {day: {} for day in days}
    sold = {
        (offer_id, day): count
        for offer_id, day, count in db.session.execute(
            select(OfferStock.offer_id, OfferStock.day, OfferStock.sold).where(
                OfferStock.offer_id.in_([offer.id for offer in offers]), OfferStock.day.in_(days)
            )
        )
    }
    return {
        day: {
            offer.id: None
            if offer.quantity_per_date is None
            else max(offer.quantity_per_date - sold.get((offer.id, day), 0), 0)
            for offer in offers
        }
        for day in days
    }


# --- state ---------------------------------------------------------------------------------------------


def record(order: Order, kind: str, actor: str, detail: str = "") -> OrderEvent:
    event = OrderEvent(order_id=order.id, kind=kind, actor=actor[:80], detail=detail)
    db.session.add(event)
    return event


def move(
    order: Order,
    to: OrderStatus,
    allowed_from: tuple[OrderStatus, ...],
    actor: str,
    detail: str = "",
    **values,
) -> bool:
    """Move `order` to `to` if it is in one of `allowed_from` now (in the database, not as loaded), set
    `values` with it and record the event; False if another request moved it first. Leaving the states
    that hold stock releases its units."""
    releases = to not in HOLDS_STOCK
    # A move out of holding states and non-holding ones at once could not know whether to release.
    assert not releases or all(status in HOLDS_STOCK for status in allowed_from)
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(allowed_from))
        .values(status=to, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.refresh(order)
        return False
    db.session.refresh(order)
    if releases:
        release(order)
    record(order, to.value, actor, detail)
    db.session.flush()
    return True


# --- the buyer's link ----------------------------------------------------------------------------------


def order_token(order: Order) -> str:
    return make_token(_LINK, {"order": order.reference})


def order_for_token(token: str) -> Order | None:
    """The order a signed link names; None for a link that was tampered with, expired or names none
    (raises nothing: the page answers 404 alike, so a guessed link learns nothing)."""
    try:
        payload = read_token(_LINK, token, max_age=ORDER_LINK_DAYS * 86400)
    except TokenError:
        return None
    reference = payload.get("order") if isinstance(payload, dict) else None
    if not isinstance(reference, str):
        return None
    return db.session.scalar(select(Order).where(Order.reference == reference))
