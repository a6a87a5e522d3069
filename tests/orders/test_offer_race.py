"""The same new offer sent 20 times at once to a real server (gunicorn, 2 workers): one offer, the
product listed once at the outlet, every other request a 409 or led to the offers; none fails. The
database decides, both for the offer and for the outlet's list of products it adds to."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import _reset_database
from tests.live import gunicorn
from tests.races.test_parallel import at_once, session_of
from vonhier.extensions import db
from vonhier.orders.models import Offer
from vonhier.outlets.models import outlet_products

from .conftest import OFFER, setup_producer


@pytest.fixture(scope="module")
def server(_migrated_app, base_config):
    try:
        with gunicorn({**base_config, "RATELIMIT_LOGIN": "1000 per minute"}) as url:
            yield url
    finally:
        _reset_database(_migrated_app)


def test_the_same_offer_sent_at_once_is_saved_once(server, _migrated_app):
    app = _migrated_app
    owner = factories.user_with_role(app, "owner")
    producer = setup_producer(app, owner)
    session = session_of(server, owner)
    data = {**OFFER, "product_id": str(producer.quark), "outlet_id": str(producer.shop)}
    results = at_once(session, f"{server}/orders/offers/new", data)
    codes = Counter(code for code, _, _ in results)
    assert not [text[-500:] for code, _, text in results if code >= 500], codes
    assert set(codes) <= {302, 303, 400, 409}, codes
    assert codes[302] >= 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 1
        listed = (
            select(func.count())
            .select_from(outlet_products)
            .where(
                outlet_products.c.outlet_id == producer.shop, outlet_products.c.product_id == producer.quark
            )
        )
        assert db.session.scalar(listed) == 1
