"""A producer with a product that meets the criteria, and a certification body with its certifier."""

from types import SimpleNamespace

import pytest

from tests import factories

PASSWORD = factories.PASSWORD


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def scene(app):
    owner = factories.user(app, email="bauer@example.org", name="Hanna Bauer")
    org = factories.organisation(app, owner_id=owner.id, display_name="Hof Sonnenwiese", district="Uckermark")
    factories.licence(app, org.id)
    farm = factories.site(app, org.id, name="Hof", town="Prenzlau", latitude=53.3167, longitude=13.8667)
    shop = factories.site(
        app, org.id, name="Hofladen", town="Prenzlau", latitude=53.3167, longitude=13.8667, kind="shop"
    )
    product_id = factories.product(
        app,
        owner.id,
        org.id,
        [("Eier", 100, farm.id, False)],
        stages=[("packing", farm.id), ("point_of_sale", shop.id)],
        name_de="Landeier",
        category="eggs",
        species="chicken",
        husbandry_level=4,
        gmo_free=True,
    )
    certifier = factories.user(app, email="pruefer@example.org", name="Paul Prüfer", roles=("certifier",))
    body = factories.organisation(
        app, kinds=("certification_body",), staff_ids=[certifier.id], display_name="Prüfstelle Mark"
    )
    return SimpleNamespace(
        app=app,
        owner=owner,
        org=org,
        farm=farm,
        shop=shop,
        product_id=product_id,
        certifier=certifier,
        body=body,
        producer_client=signed_in(app, owner),
        certifier_client=signed_in(app, certifier),
    )
