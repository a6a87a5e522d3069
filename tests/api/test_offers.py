"""Offers in the public API on the demo network (Hof Sonnenwiese's farm shop in Templin sells quark
ahead): an outlet's offers as a paginated list, a product's offers in its detail, never a paused one,
prices as decimal strings with the unit price; bad ids and arguments refused."""

from sqlalchemy import select

from vonhier.catalogue.models import Product
from vonhier.extensions import db
from vonhier.orders.models import Offer
from vonhier.outlets.models import Outlet

FARM_SHOP = "Hof Sonnenwiese – Hofladen"
MARKET = "Hof Sonnenwiese am Kollwitzplatz"


def _outlet(name: str) -> int:
    return db.session.scalar(select(Outlet.id).where(Outlet.name == name))


def _product(number: str) -> Product:
    return db.session.scalar(select(Product).where(Product.reference == number))


def test_an_outlets_offers_with_prices_unit_prices_and_shop_links(api, demo_app):
    with demo_app.app_context():
        shop = _outlet(FARM_SHOP)
        expected = len(
            db.session.scalars(select(Offer.id).where(Offer.outlet_id == shop, Offer.is_active)).all()
        )
        quark = _product("HS-102")
    body = api.get(f"/api/v1/outlets/{shop}/offers").get_json()
    assert body["total"] == expected == len(body["items"])
    by_product = {item["product"]["id"]: item for item in body["items"]}
    found = by_product[quark.id]
    assert (found["price"], found["currency"], found["vat_percent"], found["unit"]) == (
        "2.49",
        "EUR",
        7,
        "piece",
    )
    assert found["outlet"] == {
        "id": shop,
        "name": FARM_SHOP,
        "town": found["outlet"]["town"],
        "url": f"http://localhost/api/v1/outlets/{shop}",
    }
    assert found["shop_url"] == f"http://localhost/orders/shop/{shop}?product={quark.id}"
    assert found["order_deadline"] == {"days_before": 2, "time": "18:00"}
    assert found["quantity_per_date"] == 20
    by_weight = [item for item in body["items"] if item["unit"] == "weight"]
    assert by_weight and by_weight[0]["unit_price"] == {"price": by_weight[0]["price"], "per": "kg"}
    first = api.get(f"/api/v1/outlets/{shop}/offers?per_page=1").get_json()
    assert len(first["items"]) == 1 and first["links"]["next"].endswith("page=2&per_page=1")
    assert f"/api/v1/outlets/{shop}/offers?" in first["links"]["self"]


def test_a_paused_offer_is_not_published(api, demo_app):
    with demo_app.app_context():
        market = _outlet(MARKET)
        paused = _product("HS-103")
    items = api.get(f"/api/v1/outlets/{market}/offers").get_json()["items"]
    assert items and paused.id not in [item["product"]["id"] for item in items]


def test_a_product_names_every_outlet_it_can_be_pre_ordered_at(api, demo_app):
    with demo_app.app_context():
        quark = _product("HS-102")
    detail = api.get(f"/api/v1/products/{quark.id}").get_json()
    assert sorted((o["outlet"]["name"], o["price"]) for o in detail["offers"]) == [
        (MARKET, "2.69"),
        (FARM_SHOP, "2.49"),
    ]


def test_bad_outlet_ids_and_arguments_are_refused(api):
    assert api.get("/api/v1/outlets/999999/offers").status_code == 404
    assert api.get("/api/v1/outlets/99999999999/offers").status_code == 404
    for path in ("/api/v1/outlets/abc/offers", "/api/v1/outlets/0/offers"):
        assert api.get(path).status_code == 400
    for query in ("per_page=0", "per_page=101", "page=0", "status=active", "per_page=NaN"):
        response = api.get(f"/api/v1/outlets/1/offers?{query}")
        assert response.status_code == 400 and "error" in response.get_json()  # checked before the id
