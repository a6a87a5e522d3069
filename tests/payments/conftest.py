"""A Stripe stand-in on 127.0.0.1 and an application whose real `stripe` client talks to it."""

from datetime import datetime

import pytest

from tests import factories
from vonhier import clock

from .stripe_fake import FakeStripe

WEBHOOK_SECRET = "whsec_vonhier_test_secret"
CONNECT_SECRET = "whsec_vonhier_connect_secret"  # the Connect endpoint's own, as Stripe gives each endpoint


# Mid-year, before the next year's licence is offered: a licence costs the full fee (from 1 October the
# current year costs the rest of the year only; tests/payments/test_years.py moves the clock there).
SUMMER = datetime(2026, 6, 15, 10, 0)


def ticking_from(moment: datetime):
    """A clock that starts at `moment` and runs (two steps never share a timestamp)."""
    started = datetime.now()
    return lambda: moment + (datetime.now() - started)


@pytest.fixture(autouse=True)
def summer(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", ticking_from(SUMMER))
    return SUMMER


def today():
    """The platform's date (Berlin) under the test's clock."""
    return clock.local_now().date()


@pytest.fixture(scope="session")
def fake_stripe():
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def stripe_app(make_app, fake_stripe):
    fake_stripe.reset()
    return make_app(
        STRIPE_SECRET_KEY=fake_stripe.api_key,
        STRIPE_API_BASE=fake_stripe.url,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_MAX_RETRIES=0,
    )


def stripe_config(fake) -> dict:
    """The settings of an application whose real `stripe` client talks to `fake` (licence and Connect)."""
    return {
        "STRIPE_SECRET_KEY": fake.api_key,
        "STRIPE_API_BASE": fake.url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_CONNECT_WEBHOOK_SECRET": CONNECT_SECRET,
        "STRIPE_MAX_RETRIES": 0,
        # The stand-in's Checkout and onboarding pages (CHECKOUT_BASE, CONNECT_BASE), for the CSP.
        "STRIPE_REDIRECT_ORIGINS": "https://checkout.stripe.test https://connect.stripe.test",
    }


@pytest.fixture
def connect_app(make_app, fake_stripe):
    fake_stripe.reset()
    return make_app(**stripe_config(fake_stripe))


@pytest.fixture
def owner(app):
    """An owner whose organisation (micro size: 120 EUR + VAT) has no licence yet."""
    return factories.user_with_role(app, "owner")


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": user.password}).status_code == 302
    return client
