"""Clicks on "Connect a Stripe account" at once, against a real server (gunicorn, 2 workers) on the
test database and the Stripe stand-in: one Stripe account, one row, every click led to Stripe or back to
the page, none fails. Who wins is decided by the database (and Stripe's idempotency key per business)."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import _reset_database
from tests.live import gunicorn
from tests.races.test_parallel import at_once, session_of
from vonhier.extensions import db
from vonhier.payments.models import ConnectedAccount

from .conftest import stripe_config
from .stripe_fake import CONNECT_BASE, FakeStripe


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


def test_clicks_at_once_make_one_stripe_account(server, fake, _migrated_app):
    app = _migrated_app
    owner = factories.user_with_role(app, "owner")
    session = session_of(server, owner)
    fake.reset()
    results = at_once(session, f"{server}/payments/online/connect")
    codes = Counter(code for code, _, _ in results)
    assert not [text for code, _, text in results if code >= 500]
    assert set(codes) == {303}, codes
    # Each click went on to Stripe's onboarding, or (having lost the race) back to the page.
    assert all(
        location.startswith(CONNECT_BASE) or location.endswith("/payments/online")
        for _, location, _ in results
    )
    assert len(fake.accounts) == 1
    with app.app_context():
        rows = db.session.scalars(select(ConnectedAccount)).all()
        assert [row.stripe_account_id for row in rows] == list(fake.accounts)
        assert db.session.scalar(select(func.count()).select_from(ConnectedAccount)) == 1
        if db.engine.dialect.name == "postgresql":
            # The organisation's row was locked: the later clicks found the account and asked for no other.
            assert sum(1 for r in fake.requests if r.path == "/v1/accounts") == 1
