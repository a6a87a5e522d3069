"""Twenty clicks on "cancel" of one paid order at once, against a real server (gunicorn, 2 workers) on
the test database and the Stripe stand-in: the compare-and-set lets one through, which refunds once;
the others are refused on the page (400), and the order's units are given back once."""

from collections import Counter

import pytest

from tests.conftest import _reset_database
from tests.live import gunicorn
from tests.payments.conftest import stripe_config
from tests.payments.stripe_fake import FakeStripe
from tests.races.test_parallel import at_once, session_of
from vonhier.orders.models import OrderStatus

from .test_received import kinds, offer_of, paid_order, sold, state


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture(scope="module")
def server(_migrated_app, base_config, fake):
    try:
        with gunicorn({**base_config, **stripe_config(fake), "RATELIMIT_LOGIN": "1000 per minute"}) as url:
            yield url
    finally:
        _reset_database(_migrated_app)


def test_cancels_at_once_refund_once(server, fake, make_app, producer):
    app = make_app(**stripe_config(fake))
    offer_id = offer_of(app, producer)
    order_id, _account = paid_order(app, fake, producer, offer_id)
    results = at_once(
        session_of(server, producer.user), f"{server}/orders/received/{order_id}/cancel", {"reason": "Hagel"}
    )
    codes = Counter(code for code, _, _ in results)
    assert not [text[-800:] for code, _, text in results if code >= 500]
    assert codes[302] == 1 and codes[400] == len(results) - 1, codes
    assert all("bereits storniert" in text for code, _, text in results if code == 400)
    assert len([r for r in fake.requests if r.path == "/v1/refunds"]) == 1 and len(fake.refunds) == 1
    assert state(app, order_id) == (OrderStatus.CANCELLED, 498)
    assert sold(app, offer_id) == 0
    assert kinds(app, order_id) == ["cancelled", "refunded"]
