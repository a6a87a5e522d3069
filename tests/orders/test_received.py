"""The producer's received orders: who may see and change them, collected and not collected (and the
corrections between them), cancelling with a reason and refunding a paid order once on the producer's
Stripe account (also when Stripe cannot be reached: nothing changes, a retry works), and the refunds
Stripe reports (`charge.refunded`: duplicate, late, forged)."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden, NotFound

from tests import factories
from tests.orders.test_ledger import order_of
from tests.payments.conftest import WEBHOOK_SECRET, ticking_from
from tests.payments.stripe_fake import event
from tests.payments.test_connect_payments import deliver, onboarded
from vonhier import clock
from vonhier.accounts.models import User
from vonhier.extensions import db
from vonhier.orders import ledger, received, services
from vonhier.orders.models import (
    Offer,
    OfferStock,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
)
from vonhier.payments import connect
from vonhier.permissions import SYSTEM

from .test_services import data

MONDAY = datetime(2026, 6, 15, 10, 0)  # UTC: noon in Berlin
SATURDAY = date(2026, 6, 20)


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", ticking_from(MONDAY))


def offer_of(app, producer, **changes) -> int:
    with app.app_context():
        offer = services.save_offer(SYSTEM, producer.organisation_id, None, data(producer, **changes))
        db.session.commit()
        return offer.id


def place(
    app,
    offer_id,
    quantity=2,
    day=SATURDAY,
    status=OrderStatus.PLACED,
    payment_intent=None,
    **values,
) -> int:
    """An order of `quantity` units, its stock reserved, as placing one leaves it (paid online when a
    payment intent is given)."""
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert ledger.reserve(offer, day, quantity)
        order = order_of(
            offer,
            quantity,
            status,
            product_name=offer.product.name_de,
            unit_text="Becher 500 g" if offer.vat_percent == 7 else "Stück",
            pickup_date=day,
            buyer_name=values.pop("buyer_name", "Ada Lovelace"),
            payment_method=PaymentMethod.ONLINE if payment_intent else PaymentMethod.AT_PICKUP,
            payment_intent_id=payment_intent,
            paid_at=clock.utcnow() if payment_intent else None,
            **values,
        )
        db.session.commit()
        return order.id


def paid_order(app, fake, producer, offer_id, quantity=2) -> tuple[int, str]:
    """An order paid online through a Checkout session on the producer's connected account."""
    account_id = onboarded(app, fake, producer.user)
    with app.test_request_context():
        account = connect.ready_account(producer.organisation_id)
        session = connect.create_checkout(
            account,
            [connect.LineItem("Speisequark", 249, quantity)],
            reference="R1",
            success_url="https://vonhier.test/ok",
            cancel_url="https://vonhier.test/back",
        )
    intent = fake.complete(session.id)["payment_intent"]
    order_id = place(app, offer_id, quantity, payment_intent=intent, checkout_session_id=session.id)
    return order_id, account_id


def act(app, action, order_id, *args, user=None):
    """Run a service step as the producer (or `user`) and commit, as a view does."""
    with app.test_request_context():
        acting = db.session.get(User, user.id) if user else SYSTEM
        order = db.session.get(Order, order_id)
        result = action(acting, order, *args)
        db.session.commit()
        return result


def state(app, order_id):
    with app.app_context():
        order = db.session.get(Order, order_id)
        return order.status, order.refunded_cents


def sold(app, offer_id, day=SATURDAY):
    with app.app_context():
        return db.session.scalar(
            select(OfferStock.sold).where(OfferStock.offer_id == offer_id, OfferStock.day == day)
        )


def kinds(app, order_id):
    with app.app_context():
        return db.session.scalars(
            select(OrderEvent.kind).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        ).all()


def refunds(fake):
    return [r for r in fake.requests if r.path == "/v1/refunds"]


# --- who may --------------------------------------------------------------------------------------------


def test_another_organisation_and_a_non_member_reach_no_order(app, producer, other):
    order_id = place(app, offer_of(app, other))
    outsider = factories.user(app)
    with app.test_request_context():
        for user in (producer.user, outsider):
            acting = db.session.get(User, user.id)
            with pytest.raises(Forbidden):
                received.get_order_for_member(acting, order_id)
            with pytest.raises(Forbidden):
                received.day_orders(acting, other.organisation_id, SATURDAY)
            with pytest.raises(Forbidden):
                received.pickup_groups(acting, other.organisation_id)
            with pytest.raises(Forbidden):
                received.mark(acting, db.session.get(Order, order_id), "collected")
            with pytest.raises(Forbidden):
                received.cancel(acting, db.session.get(Order, order_id), "Hagel")
        with pytest.raises(NotFound):
            received.get_order_for_member(db.session.get(User, producer.user.id), order_id + 1000)
    assert state(app, order_id) == (OrderStatus.PLACED, 0)


def test_dates_and_outlets_are_counted_from_today_on_and_back(app, producer):
    offer_id = offer_of(app, producer)
    place(app, offer_id)
    place(app, offer_id, status=OrderStatus.PENDING)
    cancelled = place(app, offer_id)
    act(app, received.cancel, cancelled, "Krank", user=producer.user)
    place(app, offer_id, day=date(2026, 6, 22))
    place(app, offer_id, day=date(2026, 6, 12))  # last Friday
    place(app, offer_id, day=date(2026, 6, 13), status=OrderStatus.EXPIRED)
    with app.test_request_context():
        user = db.session.get(User, producer.user.id)
        upcoming = received.pickup_groups(user, producer.organisation_id)
        assert [(g.day, g.orders, g.count("placed"), g.count("cancelled")) for g in upcoming] == [
            (SATURDAY, 2, 1, 1),
            (date(2026, 6, 22), 1, 1, 0),
        ]
        assert [g.day for g in received.pickup_groups(user, producer.organisation_id, limit=1)] == [SATURDAY]
        past = received.pickup_groups(user, producer.organisation_id, past=True)
        assert [(g.day, g.orders) for g in past] == [(date(2026, 6, 12), 1)]  # expired ones are not shown
        assert len(received.day_orders(user, producer.organisation_id, SATURDAY)) == 3


# --- after the pick-up ----------------------------------------------------------------------------------


def test_collected_not_collected_and_a_wrong_click_corrected(app, producer):
    offer_id = offer_of(app, producer)
    order_id = place(app, offer_id, day=date(2026, 6, 15))  # today
    assert act(app, received.mark, order_id, "collected", user=producer.user)
    assert state(app, order_id)[0] == OrderStatus.COLLECTED
    assert not act(app, received.mark, order_id, "collected", user=producer.user)  # a double click
    assert act(app, received.mark, order_id, "not_collected", user=producer.user)
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order.status == OrderStatus.NOT_COLLECTED and order.collected_at is None
    assert act(app, received.mark, order_id, "collected", user=producer.user)
    assert sold(app, offer_id, date(2026, 6, 15)) == 2  # the units stay sold throughout
    assert kinds(app, order_id) == ["collected", "not_collected", "collected"]


def test_steps_the_state_does_not_allow_are_refused(app, producer):
    offer_id = offer_of(app, producer)
    ahead = place(app, offer_id)
    with pytest.raises(received.ReceivedError, match="noch nicht gekommen|has not come"):
        act(app, received.mark, ahead, "not_collected", user=producer.user)
    pending = place(app, offer_id, status=OrderStatus.PENDING)
    with pytest.raises(received.ReceivedError) as refused:
        act(app, received.mark, pending, "collected", user=producer.user)
    assert refused.value.field == "outcome"
    act(app, received.cancel, ahead, "Hagel", user=producer.user)
    with pytest.raises(received.ReceivedError):
        act(app, received.mark, ahead, "collected", user=producer.user)
    with pytest.raises(received.ReceivedError):  # a second cancel
        act(app, received.cancel, ahead, "Hagel", user=producer.user)
    with pytest.raises(received.ReceivedError):
        act(app, received.mark, ahead, "eaten", user=producer.user)
    expired = place(app, offer_id, status=OrderStatus.EXPIRED)
    for step, args in ((received.mark, ("collected",)), (received.cancel, ("x",))):
        with pytest.raises(received.ReceivedError):
            act(app, step, expired, *args, user=producer.user)
    today = place(app, offer_id, day=date(2026, 6, 15))
    act(app, received.mark, today, "collected", user=producer.user)
    with pytest.raises(received.ReceivedError, match="schon ausgegeben"):
        act(app, received.cancel, today, "zu spät", user=producer.user)
    with pytest.raises(received.ReceivedError) as empty:
        act(app, received.cancel, place(app, offer_id), "   ", user=producer.user)
    assert empty.value.field == "reason"
    assert state(app, ahead)[0] == OrderStatus.CANCELLED and state(app, today)[0] == OrderStatus.COLLECTED


def test_cancelling_an_order_paid_at_pickup_releases_its_units(app, producer):
    offer_id = offer_of(app, producer)
    order_id = place(app, offer_id, 3)
    act(app, received.cancel, order_id, "  Die Ziegen geben keine Milch.  ", user=producer.user)
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.status, order.cancelled_by, order.cancel_reason) == (
            OrderStatus.CANCELLED,
            "producer",
            "Die Ziegen geben keine Milch.",
        )
        assert order.cancelled_at is not None and order.refunded_cents == 0
    assert sold(app, offer_id) == 0
    assert kinds(app, order_id) == ["cancelled"]


# --- refunds --------------------------------------------------------------------------------------------


def test_cancelling_a_paid_order_refunds_it_once(connect_app, fake_stripe, producer):
    offer_id = offer_of(connect_app, producer)
    order_id, account_id = paid_order(connect_app, fake_stripe, producer, offer_id)
    act(connect_app, received.cancel, order_id, "Hagel", user=producer.user)
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)
    [sent] = refunds(fake_stripe)
    assert sent.headers["stripe-account"] == account_id
    assert sent.headers["idempotency-key"] == f"order-{order_id}-cancel"
    assert "amount" not in sent.params  # the rest, whatever it is: the same request on every retry
    assert kinds(connect_app, order_id) == ["cancelled", "refunded"]
    with pytest.raises(received.ReceivedError):  # again: refused before Stripe is asked
        act(connect_app, received.cancel, order_id, "Hagel", user=producer.user)
    assert len(refunds(fake_stripe)) == 1 and sold(connect_app, offer_id) == 0


def test_stripe_unreachable_leaves_the_order_as_it_was_and_a_retry_refunds(
    connect_app, fake_stripe, producer
):
    offer_id = offer_of(connect_app, producer)
    order_id, _account = paid_order(connect_app, fake_stripe, producer, offer_id)
    fake_stripe.fail_next(1)
    with pytest.raises(received.ReceivedError) as refused, connect_app.test_request_context():
        try:
            received.cancel(db.session.get(User, producer.user.id), db.session.get(Order, order_id), "Hagel")
        finally:
            db.session.rollback()  # as the page does with a refusal
    assert refused.value.field == "reason" and "nicht storniert" in " ".join(refused.value.messages)
    assert state(connect_app, order_id) == (OrderStatus.PLACED, 0)
    assert sold(connect_app, offer_id) == 2 and kinds(connect_app, order_id) == []
    act(connect_app, received.cancel, order_id, "Hagel", user=producer.user)
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)


def test_a_refund_made_but_not_committed_is_not_made_again(connect_app, fake_stripe, producer):
    """The request died after Stripe refunded: the retry's same idempotency key gets the same refund."""
    offer_id = offer_of(connect_app, producer)
    order_id, account_id = paid_order(connect_app, fake_stripe, producer, offer_id)
    with connect_app.test_request_context():
        received.cancel(db.session.get(User, producer.user.id), db.session.get(Order, order_id), "Hagel")
        db.session.rollback()  # the commit never happened
    assert state(connect_app, order_id) == (OrderStatus.PLACED, 0)
    act(connect_app, received.cancel, order_id, "Hagel", user=producer.user)
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)
    assert len(refunds(fake_stripe)) == 2 and len(fake_stripe.refunds) == 1


def test_a_refund_in_stripes_dashboard_is_recorded_never_down(connect_app, fake_stripe, producer):
    offer_id = offer_of(connect_app, producer)
    order_id, account_id = paid_order(connect_app, fake_stripe, producer, offer_id)
    with connect_app.app_context():
        intent = db.session.get(Order, order_id).payment_intent_id
        part = connect.refund(connect.account_for(producer.organisation_id), intent, 100)
    charge = fake_stripe.refund_charge(intent)
    first = event("charge.refunded", charge, account=account_id)
    assert deliver(connect_app, first).json["outcome"] == "refunded"
    assert deliver(connect_app, first).json["outcome"] == "duplicate"
    assert state(connect_app, order_id) == (OrderStatus.PLACED, 100)
    # A forged one (the licence endpoint's secret, a bad signature) changes nothing.
    more = {**charge, "amount_refunded": 498}
    assert (
        deliver(connect_app, event("charge.refunded", more, account=account_id), WEBHOOK_SECRET).status_code
        == 400
    )
    bad = event("charge.refunded", more, account=account_id)
    assert deliver(connect_app, bad, signature="t=1,v1=00").status_code == 400
    assert state(connect_app, order_id) == (OrderStatus.PLACED, 100)
    # The producer cancels: the rest is refunded; then the first refund's event comes again, late.
    act(connect_app, received.cancel, order_id, "Hagel", user=producer.user)
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)
    late = event("charge.refunded", {**charge, "amount_refunded": 100}, account=account_id)
    assert deliver(connect_app, late).json["outcome"] == "refund known"  # re-fetched: 498, no change
    assert state(connect_app, order_id) == (OrderStatus.CANCELLED, 498)
    assert kinds(connect_app, order_id) == ["refunded", "cancelled", "refunded"]
    assert part.amount == 100


def test_a_refund_of_a_payment_that_is_no_order_is_not_claimed(connect_app, fake_stripe, producer):
    account_id = onboarded(connect_app, fake_stripe, producer.user)
    with connect_app.test_request_context():
        session = connect.create_checkout(
            connect.ready_account(producer.organisation_id),
            [connect.LineItem("Spende", 500, 1)],
            reference="X",
            success_url="https://vonhier.test/ok",
            cancel_url="https://vonhier.test/back",
        )
    intent = fake_stripe.complete(session.id)["payment_intent"]
    with connect_app.app_context():
        connect.refund(connect.account_for(producer.organisation_id), intent)
    charge = fake_stripe.refund_charge(intent)
    assert (
        deliver(connect_app, event("charge.refunded", charge, account=account_id)).json["outcome"]
        == "unclaimed"
    )
    with connect_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrderEvent)) == 0
