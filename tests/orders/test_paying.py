"""Paying a pre-order online through Checkout on the producer's connected account (the Stripe stand-in):
the session made only for a reserved order; the Connect webhook and the buyer's return page acting
alike and once — duplicates, expiry after payment and payment after expiry (refunded at once), forged
signatures —; expiry and the buyer leaving release the units."""

import json

import pytest
from sqlalchemy import select

from tests.payments.conftest import CONNECT_SECRET, stripe_config
from tests.payments.stripe_fake import FakeStripe, event, sign_webhook
from tests.payments.test_connect_payments import onboarded
from vonhier.extensions import db
from vonhier.orders.models import Order, OrderEvent, OrderStatus

from .buyers import SATURDAY, open_shop, order_form, set_clock, sold

PAY_PAGE = "https://checkout.stripe.test/pay/"  # the stand-in's Checkout pages


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    set_clock(monkeypatch)


@pytest.fixture
def shop(make_app, fake, producer):
    """An application talking to the stand-in, the producer onboarded, the quark offered (10 a date)."""
    fake.reset()
    app = make_app(**stripe_config(fake))
    account = onboarded(app, fake, producer.user)
    offer_id = open_shop(app, producer)
    return app, account, offer_id


def buy(app, producer, offer_id, quantity="2", payment="online"):
    client = app.test_client()
    form = order_form(client, producer.shop, offer_id, quantity=quantity, payment=payment)
    return client, form, client.post(f"/orders/shop/{producer.shop}", data=form)


def the_order(app) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order))
        db.session.expunge(order)
        return order


def deliver(app, evt, secret=CONNECT_SECRET):
    payload = json.dumps(evt)
    return app.test_client().post(
        "/payments/stripe/connect/webhook",
        data=payload,
        headers={"Stripe-Signature": sign_webhook(payload, secret), "Content-Type": "application/json"},
    )


def events(app) -> list[str]:
    with app.app_context():
        return [e.kind for e in db.session.scalars(select(OrderEvent).order_by(OrderEvent.id))]


def test_paying_online_opens_a_session_for_the_reserved_order(shop, fake, producer):
    app, account, offer_id = shop
    client, form, response = buy(app, producer, offer_id)
    assert response.status_code == 303 and response.location.startswith(PAY_PAGE), response.location
    order = the_order(app)
    assert order.status == OrderStatus.PENDING and sold(app, offer_id) == 2
    session = fake.session(order.checkout_session_id)
    sent = [r for r in fake.requests if r.path == "/v1/checkout/sessions"][-1]
    assert sent.headers["stripe-account"] == account
    assert sent.headers["idempotency-key"] == f"vonhier-order-{form['submission_key']}"
    assert session["client_reference_id"] == order.reference and session["amount_total"] == 498
    assert session["expires_at"] >= session["created"] + 30 * 60
    # The form sent again: the first order, no second session.
    again = client.post(f"/orders/shop/{producer.shop}", data=form)
    assert again.status_code == 303 and "/orders/order/" in again.location
    assert len(fake.sessions) == 1 and sold(app, offer_id) == 2


def test_the_webhook_places_a_paid_order_once(shop, fake, producer):
    app, account, offer_id = shop
    buy(app, producer, offer_id)
    order = the_order(app)
    completed = event("checkout.session.completed", fake.complete(order.checkout_session_id), account=account)
    first = deliver(app, completed)
    assert first.status_code == 200 and first.json["outcome"] == "paid"
    assert deliver(app, completed).json["outcome"] == "duplicate"
    # The same news as another event (async succeeded), and the buyer's return page: nothing more.
    other = event(
        "checkout.session.async_payment_succeeded", fake.session(order.checkout_session_id), account=account
    )
    assert deliver(app, other).json["outcome"] == "already paid"
    paid = the_order(app)
    assert paid.status == OrderStatus.PLACED and paid.paid_at and paid.payment_intent_id
    assert events(app) == ["pending", "placed"] and sold(app, offer_id) == 2
    # Expired after it was completed (out of order): the paid order stays placed.
    late = event(
        "checkout.session.expired",
        {**fake.session(order.checkout_session_id), "status": "expired"},
        account=account,
    )
    assert deliver(app, late).json["outcome"] == "already paid"
    assert the_order(app).status == OrderStatus.PLACED and sold(app, offer_id) == 2


def test_expiry_releases_the_units_and_a_payment_after_it_is_refunded(shop, fake, producer):
    app, account, offer_id = shop
    buy(app, producer, offer_id)
    order = the_order(app)
    expired = event("checkout.session.expired", fake.expire(order.checkout_session_id), account=account)
    assert deliver(app, expired).json["outcome"] == "released"
    assert the_order(app).status == OrderStatus.EXPIRED and sold(app, offer_id) == 0
    # Completed after expired (out of order: the buyer paid in the last second, Stripe told it late).
    fake.sessions[order.checkout_session_id]["status"] = "open"
    completed = event("checkout.session.completed", fake.complete(order.checkout_session_id), account=account)
    assert deliver(app, completed).json["outcome"] == "refunded"
    again = event("checkout.session.completed", fake.session(order.checkout_session_id), account=account)
    assert deliver(app, again).json["outcome"] == "refunded"  # asked again: the same refund, once
    refunds = [r for r in fake.requests if r.path == "/v1/refunds"]
    assert {r.headers["idempotency-key"] for r in refunds} == {
        f"vonhier-order-{order.reference}-late-payment"
    }
    assert len(fake.refunds) == 1
    kept = the_order(app)
    assert kept.status == OrderStatus.EXPIRED and kept.refunded_cents == 498 and sold(app, offer_id) == 0
    assert events(app) == ["pending", "expired", "refunded"]


def test_a_forged_webhook_changes_nothing(shop, fake, producer):
    app, account, offer_id = shop
    buy(app, producer, offer_id)
    order = the_order(app)
    completed = event("checkout.session.completed", fake.complete(order.checkout_session_id), account=account)
    assert deliver(app, completed, secret="whsec_forged").status_code == 400
    assert the_order(app).status == OrderStatus.PENDING


def test_the_return_page_does_not_wait_for_the_webhook(shop, fake, producer):
    app, account, offer_id = shop
    buy(app, producer, offer_id)
    order = the_order(app)
    fake.complete(order.checkout_session_id)
    client = app.test_client()
    with app.test_request_context():
        from vonhier.orders import ledger

        token = ledger.order_token(order)
    response = client.get(f"/orders/paid/{token}")
    assert response.status_code == 303 and f"/orders/order/{token}" in response.location
    assert the_order(app).status == OrderStatus.PLACED
    # The webhook comes later: harmless.
    late = event("checkout.session.completed", fake.session(order.checkout_session_id), account=account)
    assert deliver(app, late).json["outcome"] == "already paid"
    assert events(app) == ["pending", "placed"]


def test_a_buyer_who_leaves_chooses_and_cancelling_releases_at_once(shop, fake, producer):
    app, account, offer_id = shop
    buy(app, producer, offer_id)
    order = the_order(app)
    with app.test_request_context():
        from vonhier.orders import ledger

        token = ledger.order_token(order)
    client = app.test_client()
    page = client.get(f"/orders/paid/{token}/left")
    assert page.status_code == 200 and PAY_PAGE in page.get_data(as_text=True)  # pay after all
    assert the_order(app).status == OrderStatus.PENDING  # a GET changes nothing
    response = client.post(f"/orders/paid/{token}/left")
    assert response.status_code == 303
    assert the_order(app).status == OrderStatus.EXPIRED and sold(app, offer_id) == 0
    assert fake.session(order.checkout_session_id)["status"] == "expired"  # can no longer be paid
    expired = event("checkout.session.expired", fake.session(order.checkout_session_id), account=account)
    assert deliver(app, expired).json["outcome"] == "already expired"


def test_stripe_unreachable_keeps_nothing(shop, fake, producer):
    app, account, offer_id = shop
    fake.fail_next(1, status=500)
    client, form, response = buy(app, producer, offer_id)
    assert response.status_code == 400
    assert "nicht erreichbar" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Order)) is None
    assert sold(app, offer_id) == 0
    assert SATURDAY
