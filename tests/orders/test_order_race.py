"""THE RACE: 50 buyers at once for the last 10 units, against a real server (gunicorn, 2 workers) on the
test database — paying at pick-up, and paying online through the Stripe stand-in. Exactly 10 orders,
40 clear refusals (400 with the reason), 10 units sold, never more; online, a Checkout session only
for each reserved order, and every payment lands on an order."""

import json
import secrets
import threading
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.conftest import _reset_database
from tests.live import gunicorn
from tests.payments.conftest import CONNECT_SECRET, stripe_config
from tests.payments.stripe_fake import FakeStripe, event, sign_webhook
from tests.payments.test_connect_payments import onboarded
from vonhier import create_app
from vonhier.extensions import db
from vonhier.orders import buying, shop
from vonhier.orders.models import OfferStock, Order, OrderStatus

from .buyers import open_shop
from .conftest import setup_producer

BUYERS, UNITS = 50, 10


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture(scope="module")
def server(_migrated_app, base_config, fake):
    try:
        with gunicorn({**base_config, **stripe_config(fake)}) as url:
            yield url
    finally:
        _reset_database(_migrated_app)


def first_pickup(app, outlet_id) -> tuple[str, str]:
    """The soonest date the shop takes orders for (the real clock: the server has no other) and its
    pick-up interval."""
    with app.test_request_context():
        the_shop = shop.shop_for(outlet_id)
        day = the_shop.dates[0]
        return day.isoformat(), buying.interval_value(buying.day_window(the_shop, day).intervals[0])


def race(url, outlet_id, offer_id, day, interval, payment):
    """BUYERS buyers, each ordering one unit, released together by a barrier."""
    barrier = threading.Barrier(BUYERS)
    results = [None] * BUYERS

    def buyer(n):
        form = {
            "day": day,
            "interval": interval,
            f"quantity-{offer_id}": "1",
            "name": f"Käufer {n}",
            "email": f"kaeufer{n}@example.org",
            "payment": payment,
            "submission_key": secrets.token_urlsafe(24),
            "step": "place",  # the order button of the review, which showed one unit at 2,49 €
            "reviewed": buying.review_mark([(offer_id, 1, 249)]),
        }
        barrier.wait()
        response = requests.post(
            f"{url}/orders/shop/{outlet_id}", data=form, allow_redirects=False, timeout=120
        )
        results[n] = (response.status_code, response.headers.get("Location", ""), response.text)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def check(app, results, offer_id, day, status):
    codes = Counter(code for code, _, _ in results)
    assert codes == {303: UNITS, 400: BUYERS - UNITS}, codes
    refusals = [text for code, _, text in results if code == 400]
    assert all("ausverkauft" in text or "Nur noch" in text for text in refusals)
    with app.app_context():
        sold = db.session.scalar(select(OfferStock.sold).where(OfferStock.offer_id == offer_id))
        assert sold == UNITS
        mine = Order.lines.any(offer_id=offer_id)
        placed = db.session.scalars(select(Order).where(mine, Order.status == status)).all()
        assert len(placed) == UNITS == db.session.scalar(select(func.count()).select_from(Order).where(mine))
        return placed


def test_fifty_buyers_for_ten_units_paying_at_pickup(server, _migrated_app):
    app = _migrated_app
    producer = setup_producer(app, factories.user_with_role(app, "owner"))
    offer_id = open_shop(app, producer, quantity=UNITS)
    day, interval = first_pickup(app, producer.shop)
    results = race(server, producer.shop, offer_id, day, interval, "at_pickup")
    check(app, results, offer_id, day, OrderStatus.PLACED)
    assert all("/orders/order/" in location for code, location, _ in results if code == 303)


def test_fifty_buyers_for_ten_units_paying_online(server, _migrated_app, base_config, fake):
    app = _migrated_app
    fake.reset()
    owner = factories.user_with_role(app, "owner")
    producer = setup_producer(app, owner)
    onboarding = create_app({**base_config, **stripe_config(fake)})
    account = onboarded(onboarding, fake, owner)
    with onboarding.app_context():
        db.engine.dispose()  # its pooled connection closed now, not by the garbage collector mid-suite
    offer_id = open_shop(app, producer, quantity=UNITS)
    day, interval = first_pickup(app, producer.shop)
    results = race(server, producer.shop, offer_id, day, interval, "online")
    pending = check(app, results, offer_id, day, OrderStatus.PENDING)
    # One Checkout session per reserved order, none for a refused buyer.
    assert {order.checkout_session_id for order in pending} == set(fake.sessions)
    assert all(
        location.startswith("https://checkout.stripe.test/pay/") for c, location, _ in results if c == 303
    )
    # Every payment lands on its order: all ten pay, Stripe tells the server.
    for session_id in list(fake.sessions):
        payload = json.dumps(event("checkout.session.completed", fake.complete(session_id), account=account))
        response = requests.post(
            f"{server}/payments/stripe/connect/webhook",
            data=payload,
            headers={
                "Stripe-Signature": sign_webhook(payload, CONNECT_SECRET),
                "Content-Type": "application/json",
            },
            timeout=30,
        )
        assert response.json()["outcome"] == "paid"
    with app.app_context():
        statuses = Counter(db.session.scalars(select(Order.status).where(Order.lines.any(offer_id=offer_id))))
        assert statuses == {OrderStatus.PLACED: UNITS}
        assert db.session.scalar(select(OfferStock.sold).where(OfferStock.offer_id == offer_id)) == UNITS
