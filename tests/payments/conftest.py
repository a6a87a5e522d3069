"""A Stripe stand-in on 127.0.0.1 and an application whose real `stripe` client talks to it."""

import pytest

from tests import factories

from .stripe_fake import FakeStripe

WEBHOOK_SECRET = "whsec_vonhier_test_secret"


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


@pytest.fixture
def owner(app):
    """An owner whose organisation (micro size: 120 EUR + VAT) has no licence yet."""
    return factories.user_with_role(app, "owner")


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": user.password}).status_code == 302
    return client
