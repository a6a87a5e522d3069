"""Where offers show (issue 18, point 6): "Pre-order" on a product's provenance page with its JSON-LD
`offers`, on the outlet's public page and on the product catalogue's cards, each linking the outlet's
shop page with the product chosen; the stored provenance page follows an offer saved, paused, resumed
or added; only offers on sale show (active, product active, outlet public with opening hours)."""

import re
from datetime import time

from sqlalchemy import select

from tests.orders.buyers import takes_orders
from tests.orders.conftest import outlet
from tests.structured_data import item
from vonhier.catalogue.models import Product, ProductStatus
from vonhier.extensions import db
from vonhier.orders import services
from vonhier.orders.models import Offer
from vonhier.outlets.models import Outlet
from vonhier.permissions import SYSTEM
from vonhier.provenance.models import PageState, ProductCode

PRICE = {
    "price_cents": 249,
    "vat_percent": 7,
    "unit": "piece",
    "quantity_per_date": 20,
    "deadline_days_before": 2,
    "deadline_time": time(18),
    "is_active": True,
}


def offer(app, producer, product_id=None, outlet_id=None, **changes) -> int:
    """An offer saved through the service, as the producer's form saves it."""
    with app.test_request_context():
        data = {"product_id": product_id or producer.quark, "outlet_id": outlet_id or producer.shop}
        saved = services.save_offer(SYSTEM, producer.organisation_id, None, {**PRICE, **data, **changes})
        db.session.commit()
        offer_id = saved.id
    takes_orders(app, producer.organisation_id)
    return offer_id


def change(app, producer, offer_id, **changes) -> None:
    with app.test_request_context():
        found = db.session.get(Offer, offer_id)
        data = {"product_id": found.product_id, "outlet_id": found.outlet_id}
        services.save_offer(SYSTEM, producer.organisation_id, found, {**PRICE, **data, **changes})
        db.session.commit()


def pause(app, offer_id, active=False) -> None:
    with app.app_context():
        services.set_active(SYSTEM, db.session.get(Offer, offer_id), active)
        db.session.commit()


def page_path(app, product_id) -> str:
    with app.app_context():
        return "/p/" + db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == product_id))


def revision(app, product_id) -> int:
    with app.app_context():
        return db.session.scalar(select(PageState.revision).where(PageState.product_id == product_id))


def pre_order_section(html: str) -> str:
    found = re.search(r'<section class="panel pre-order".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_provenance_page_links_the_shop_page_with_price_and_unit_price(app, producer):
    offer(app, producer)
    anonymous = app.test_client()
    html = anonymous.get(page_path(app, producer.quark)).get_data(as_text=True)
    section = pre_order_section(html)
    assert "Vorbestellen zur Abholung" in section and "Hofladen Templin" in section
    assert "2,49\xa0€ / Stück" in section and "(4,98\xa0€ / kg)" in section
    assert f'href="http://localhost/orders/shop/{producer.shop}?product={producer.quark}"' in section
    assert "Gemüsekiste" not in section  # no pick-up without opening hours
    assert pre_order_section(anonymous.get(page_path(app, producer.cheese)).get_data(as_text=True)) == ""
    english = anonymous.get(page_path(app, producer.quark) + "?lang=en").get_data(as_text=True)
    assert "Pre-order for pick-up" in english and "€2.49 / piece" in english


def test_the_json_ld_carries_each_offer_as_schema_org_offer(app, producer):
    offer(app, producer)
    second = outlet(app, producer.organisation_id, name="Marktstand Prenzlau", town="Prenzlau")
    offer(app, producer, outlet_id=second, unit="pack", pack_size=6, price_cents=1290, vat_percent=19)
    data = item(app.test_client().get(page_path(app, producer.quark)).get_data(as_text=True), "Product")
    farm, market = sorted(data["offers"], key=lambda o: o["availableAtOrFrom"]["name"])
    assert farm["@type"] == "Offer" and farm["price"] == "2.49" and farm["priceCurrency"] == "EUR"
    assert farm["availability"] == "https://schema.org/InStock"
    assert farm["url"] == f"http://localhost/orders/shop/{producer.shop}?product={producer.quark}"
    assert farm["seller"]["@type"] == "Organization" and farm["seller"]["@id"].endswith("#organisation")
    place = farm["availableAtOrFrom"]
    assert place["@type"] == "Place" and place["name"] == "Hofladen Templin"
    assert place["@id"] == f"http://localhost/outlets/{producer.shop}"
    assert place["address"]["addressLocality"] == "Templin"
    unit = farm["priceSpecification"]
    assert unit["@type"] == "UnitPriceSpecification" and (unit["price"], unit["priceCurrency"]) == (
        "4.98",
        "EUR",
    )
    assert unit["referenceQuantity"] == {"@type": "QuantitativeValue", "value": 1, "unitCode": "KGM"}
    # A pack of six 500 g tubs at 12,90 €: 4,30 € a kilogram.
    assert market["price"] == "12.90" and market["priceSpecification"]["price"] == "4.30"


def test_a_product_without_a_weight_has_no_unit_price_by_the_piece(app, producer):
    offer(app, producer, product_id=producer.cheese)
    data = item(app.test_client().get(page_path(app, producer.cheese)).get_data(as_text=True), "Product")
    assert [o["price"] for o in data["offers"]] == ["2.49"] and "priceSpecification" not in data["offers"][0]


def test_a_price_by_weight_is_its_own_unit_price(app, producer):
    offer(app, producer, unit="weight", measure="kg", estimated_amount=300, price_cents=2990)
    data = item(app.test_client().get(page_path(app, producer.quark)).get_data(as_text=True), "Product")
    (found,) = data["offers"]
    assert found["price"] == "29.90" and found["priceSpecification"]["price"] == "29.90"


def test_the_stored_page_follows_the_offer_saved_paused_resumed_and_added(app, producer):
    anonymous = app.test_client()
    path = page_path(app, producer.quark)
    assert pre_order_section(anonymous.get(path).get_data(as_text=True)) == ""  # stored without offers
    offer_id = offer(app, producer)
    assert "2,49" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    before = revision(app, producer.quark)
    change(app, producer, offer_id, price_cents=259)
    assert revision(app, producer.quark) > before
    assert "2,59" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    pause(app, offer_id)
    html = anonymous.get(path).get_data(as_text=True)
    assert pre_order_section(html) == "" and '"offers"' not in html
    pause(app, offer_id, active=True)
    assert "2,59" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    second = outlet(app, producer.organisation_id, name="Marktstand Prenzlau", town="Prenzlau")
    offer(app, producer, outlet_id=second)
    section = pre_order_section(anonymous.get(path).get_data(as_text=True))
    assert "Hofladen Templin" in section and "Marktstand Prenzlau" in section


def test_an_outlet_losing_its_hours_or_archived_takes_its_offers_off_the_page(app, producer):
    anonymous = app.test_client()
    path = page_path(app, producer.quark)
    offer(app, producer)
    assert "Hofladen Templin" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    with app.app_context():
        # Past the services, as a migration or a console would: the flush listener still follows.
        db.session.get(Outlet, producer.shop).products = []  # not listed as sold there any more
        db.session.commit()
    with app.app_context():
        db.session.get(Outlet, producer.shop).opening_hours = ""
        db.session.commit()
    assert pre_order_section(anonymous.get(path).get_data(as_text=True)) == ""


def test_an_archived_product_shows_no_offer(app, producer):
    offer(app, producer)
    with app.app_context():
        db.session.get(Product, producer.quark).status = ProductStatus.ARCHIVED
        db.session.commit()
    anonymous = app.test_client()
    assert pre_order_section(anonymous.get(page_path(app, producer.quark)).get_data(as_text=True)) == ""
    assert "Vorbestellen" not in anonymous.get(f"/outlets/{producer.shop}").get_data(as_text=True)


def test_the_outlet_page_lists_what_can_be_pre_ordered_there(app, producer):
    offer_id = offer(app, producer)
    offer(app, producer, product_id=producer.cheese, price_cents=450)
    anonymous = app.test_client()
    html = anonymous.get(f"/outlets/{producer.shop}").get_data(as_text=True)
    assert "Hier vorbestellen und abholen" in html
    assert f'href="/orders/shop/{producer.shop}?product={producer.quark}"' in html
    assert f'href="/orders/shop/{producer.shop}?product={producer.cheese}"' in html
    assert "2,49\xa0€ / Stück" in html and "(4,98\xa0€ / kg)" in html and "4,50\xa0€ / Stück" in html
    pause(app, offer_id)
    html = anonymous.get(f"/outlets/{producer.shop}").get_data(as_text=True)
    assert f"product={producer.quark}" not in html and f"product={producer.cheese}" in html
    assert "Vorbestellen" not in anonymous.get(f"/outlets/{producer.delivery}").get_data(as_text=True)


def test_another_organisations_outlet_shows_only_its_own_offers(app, producer, other):
    offer(app, producer)
    html = app.test_client().get(f"/outlets/{other.shop}").get_data(as_text=True)
    assert "Vorbestellen" not in html


def results(html: str) -> str:
    """The finder page's results, after its form (whose kinds name "Gemüsekiste oder Lieferdienst")."""
    return html.split('id="results-h"', 1)[1]


def test_the_finder_filters_outlets_that_take_pre_orders(app, producer):
    offer_id = offer(app, producer)
    client = app.test_client()
    everything = client.get("/outlets/?where=Templin").get_data(as_text=True)
    assert "Hofladen Templin" in results(everything) and "Gemüsekiste" in results(everything)
    assert 'name="preorder" value="1"' in everything and "Vorbestellung möglich" in everything
    only = client.get("/outlets/?where=Templin&preorder=1").get_data(as_text=True)
    assert "Hofladen Templin" in results(only) and "Gemüsekiste" not in results(only)
    assert 'name="preorder" value="1" checked' in only
    pause(app, offer_id)
    nothing = client.get("/outlets/?where=Templin&preorder=1").get_data(as_text=True)
    assert "Hofladen Templin" not in results(nothing)
    # The zero result names the filter that removed the last outlets, with the search without it.
    assert "Vorbestellung möglich" in nothing and "where=Templin" in nothing
    hint = re.search(r'href="([^"]+)"[^>]*>[^<]*Vorbestellung möglich', nothing) or re.search(
        r"Vorbestellung möglich.*?href=\"([^\"]+)\"", nothing, re.S
    )
    assert hint and "preorder" not in hint.group(1)


def test_the_finder_refuses_a_bad_preorder_value(app):
    client = app.test_client()
    for value in ("2", "yes", "\x00", "1e400"):
        response = client.get("/outlets/", query_string={"preorder": value})
        assert response.status_code == 400
        assert "„preorder“" in response.get_data(as_text=True) or "preorder" in response.get_data(
            as_text=True
        )


def test_the_api_search_takes_preorder(app, producer):
    offer(app, producer)
    client = app.test_client()
    found = client.get("/api/v1/search?where=Templin&preorder=1").get_json()
    assert [hit["name"] for hit in found["items"]] == ["Hofladen Templin"]
    assert client.get("/api/v1/search?preorder=0").status_code == 400


def test_the_delivery_scheme_never_takes_pre_orders_even_with_an_offer_row(app, producer):
    """An offer row at an outlet without hours (made past the services) is not on sale anywhere."""
    with app.app_context():
        db.session.add(
            Offer(
                organisation_id=producer.organisation_id,
                product_id=producer.quark,
                outlet_id=producer.delivery,
                **PRICE,
            )
        )
        db.session.commit()
    client = app.test_client()
    assert "Gemüsekiste" not in results(client.get("/outlets/?preorder=1").get_data(as_text=True))
    assert pre_order_section(client.get(page_path(app, producer.quark)).get_data(as_text=True)) == ""


def test_a_shop_that_takes_no_orders_is_not_advertised(app, producer):
    """Without a way to pay (no pay at pick-up, no Stripe) or without its legal details, the shop takes no
    orders: its offers leave the stored provenance page, the outlet page and the finder's filter."""
    anonymous = app.test_client()
    path = page_path(app, producer.quark)
    offer(app, producer)
    assert "2,49" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    before = revision(app, producer.quark)
    takes_orders(app, producer.organisation_id, pay_at_pickup=False)
    assert revision(app, producer.quark) > before
    assert pre_order_section(anonymous.get(path).get_data(as_text=True)) == ""
    assert "Hofladen Templin" not in results(
        anonymous.get("/outlets/?where=Templin&preorder=1").get_data(True)
    )
    takes_orders(app, producer.organisation_id)
    assert "2,49" in pre_order_section(anonymous.get(path).get_data(as_text=True))
    takes_orders(app, producer.organisation_id, legal={"representative": " "})
    assert pre_order_section(anonymous.get(path).get_data(as_text=True)) == ""
