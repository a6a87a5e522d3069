"""A producer with two products (a 500 g quark, a cheese without a weight) and two outlets (a farm shop
with opening hours, a delivery scheme without), signed in; and another organisation with its own."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import factories
from tests.payments.conftest import stripe_config
from tests.payments.stripe_fake import FakeStripe
from vonhier.extensions import db
from vonhier.outlets import services as outlets
from vonhier.permissions import SYSTEM

FARM_SHOP = {
    "name": "Hofladen Templin",
    "kind": "farm_shop",
    "town": "Templin",
    "postcode": "17268",
    "country": "DE",
    "latitude": 53.1178,
    "longitude": 13.5024,
    "opening_hours": "Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off",
}
DELIVERY = {
    **FARM_SHOP,
    "name": "Gemüsekiste",
    "kind": "delivery",
    "opening_hours": "",
    "delivery_radius_km": 30,
}


def outlet(app, organisation_id, **values):
    with app.app_context():
        saved = outlets.save_outlet(SYSTEM, organisation_id, None, {**FARM_SHOP, **values})
        db.session.commit()
        return saved.id


def setup_producer(app, owner):
    organisation_id = owner.organisation.id
    quark = factories.product(
        app,
        owner.id,
        organisation_id,
        [("Milch", 100, "Templin", False)],
        name_de="Speisequark",
        package_size=Decimal(500),
        package_unit="g",
    )
    cheese = factories.product(app, owner.id, organisation_id, [("Milch", 100, "Templin", False)])
    return SimpleNamespace(
        user=owner,
        organisation_id=organisation_id,
        quark=quark,
        cheese=cheese,
        shop=outlet(app, organisation_id),
        delivery=outlet(app, organisation_id, **DELIVERY),
    )


@pytest.fixture
def producer(app, login_as):
    return setup_producer(app, login_as("owner"))


@pytest.fixture
def other(app):
    """Another producer's products and outlet (not signed in)."""
    return setup_producer(app, factories.user_with_role(app, "owner"))


OFFER = {
    "unit": "piece",
    "price": "2,49",
    "vat_percent": "7",
    "pack_size": "",
    "measure": "kg",
    "estimated_amount": "",
    "quantity_per_date": "20",
    "deadline_days_before": "2",
    "deadline_time": "18:00",
    "is_active": "y",
}


@pytest.fixture(scope="module")
def fake_stripe():
    """The Stripe stand-in (tests/payments/stripe_fake.py), for refunds of orders paid online."""
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def connect_app(make_app, fake_stripe):
    """An application whose real `stripe` client talks to the stand-in, Connect webhook included."""
    fake_stripe.reset()
    return make_app(**stripe_config(fake_stripe))
