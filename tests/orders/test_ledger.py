"""Stock and order state: reserving stops at the offer's quantity, unlimited offers are counted too, a
release mirrors its reservation exactly once (a second move from the same state changes nothing), and
the buyer's signed link opens only its own order."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from vonhier import clock
from vonhier.extensions import db
from vonhier.orders import ledger, services
from vonhier.orders.models import (
    Offer,
    OfferStock,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
)
from vonhier.permissions import SYSTEM

from .test_services import data

DAY = date(2026, 12, 12)


@pytest.fixture
def offer_id(app, producer):
    with app.app_context():
        offer = services.save_offer(
            SYSTEM, producer.organisation_id, None, data(producer, quantity_per_date=10)
        )
        db.session.commit()
        return offer.id


def sold(offer_id, day=DAY):
    return db.session.scalar(
        select(OfferStock.sold).where(OfferStock.offer_id == offer_id, OfferStock.day == day)
    )


def order_of(
    offer, quantity, status=OrderStatus.PLACED, product_name="Speisequark", unit_text="Stück", **values
):
    """An order of `quantity` units of `offer` (its stock not reserved), flushed; `values` set on it."""
    order = Order(
        reference=ledger.new_reference(),
        submission_key=ledger.new_reference() * 2,
        organisation_id=offer.organisation_id,
        outlet_id=offer.outlet_id,
        pickup_date=DAY,
        pickup_start=time(8),
        pickup_end=time(13),
        cancel_until=clock.utcnow() + timedelta(days=1),
        buyer_name="Ada",
        buyer_email="ada@example.org",
        locale="de",
        payment_method=PaymentMethod.AT_PICKUP,
        total_cents=quantity * offer.price_cents,
        status=status,
    )
    for key, value in values.items():  # before the flush: an order's details never change after it
        setattr(order, key, value)
    order.lines.append(
        OrderLine(
            offer_id=offer.id,
            product_id=offer.product_id,
            product_name=product_name,
            unit_text=unit_text,
            quantity=quantity,
            unit_price_cents=offer.price_cents,
            vat_percent=offer.vat_percent,
            line_total_cents=quantity * offer.price_cents,
        )
    )
    db.session.add(order)
    db.session.flush()
    return order


def test_reserving_stops_at_the_offers_quantity(app, offer_id):
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert ledger.reserve(offer, DAY, 7)
        assert not ledger.reserve(offer, DAY, 4)
        assert ledger.reserve(offer, DAY, 3)
        assert not ledger.reserve(offer, DAY, 1)
        assert sold(offer_id) == 10
        assert ledger.remaining([offer], [DAY, DAY + timedelta(days=1)]) == {
            DAY: {offer_id: 0},
            DAY + timedelta(days=1): {offer_id: 10},
        }


def test_unlimited_offers_are_counted_without_a_bound(app, offer_id):
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        offer.quantity_per_date = None
        assert ledger.reserve(offer, DAY, 999)
        assert sold(offer_id) == 999
        assert ledger.remaining([offer], [DAY]) == {DAY: {offer_id: None}}


def test_leaving_the_states_that_hold_stock_releases_it_exactly_once(app, offer_id):
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert ledger.reserve(offer, DAY, 4)
        order = order_of(offer, 4, OrderStatus.PENDING)
        assert ledger.move(order, OrderStatus.PLACED, (OrderStatus.PENDING,), "stripe:evt_1")
        assert sold(offer_id) == 4  # paid: still held
        assert ledger.move(order, OrderStatus.CANCELLED, (OrderStatus.PLACED,), "buyer")
        assert sold(offer_id) == 0
        # The producer's cancel of the same order, a moment later: nothing moves, nothing is released.
        assert not ledger.move(order, OrderStatus.CANCELLED, (OrderStatus.PLACED,), "producer:1")
        assert sold(offer_id) == 0
        kinds = db.session.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order.id)).all()
        assert kinds == ["placed", "cancelled"]


def test_an_order_once_placed_never_changes_what_was_ordered(app, offer_id):
    with app.app_context():
        order = order_of(db.session.get(Offer, offer_id), 2)
        order.lines[0].quantity = 5
        with pytest.raises(PermissionError):
            db.session.flush()


def test_a_signed_link_opens_its_order_and_nothing_else(app, offer_id):
    with app.app_context():
        order = order_of(db.session.get(Offer, offer_id), 1)
        token = ledger.order_token(order)
        assert ledger.order_for_token(token) == order
        assert ledger.order_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
        assert ledger.order_for_token("not-a-token") is None
