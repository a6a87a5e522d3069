"""The producer's pre-order pages: the list by outlet, adding and changing an offer, pausing it, closed
dates and the payment setting; refusals on the page with what was typed; another organisation's offer,
outlet or closed date is not reachable; the start page and the menu link here."""

import re
from datetime import time, timedelta

from sqlalchemy import func, select

from tests.orders.conftest import OFFER
from vonhier import clock
from vonhier.catalogue.models import Product, ProductStatus
from vonhier.extensions import db
from vonhier.orders import services
from vonhier.orders.models import Offer, PickupClosure, ShopSettings
from vonhier.permissions import SYSTEM

from .test_services import data as offer_data


def count(app, model=Offer):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post_offer(client, producer, **changes):
    values = {**OFFER, "product_id": str(producer.quark), "outlet_id": str(producer.shop), **changes}
    return client.post("/orders/offers/new", data=values)


def only_offer(app):
    with app.app_context():
        offer = db.session.scalar(select(Offer))
        db.session.expunge(offer)
        return offer


def test_add_an_offer_and_see_it_in_the_list(app, client, producer):
    page = client.get("/orders/offers").get_data(as_text=True)
    assert "Vorbestellung – Angebote" in page and "Hofladen Templin" in page
    assert "Gemüsekiste" not in page  # a delivery scheme has no pick-up
    chosen = client.get(f"/orders/offers/new?outlet={producer.shop}").get_data(as_text=True)
    assert f'<option selected value="{producer.shop}">Hofladen Templin' in chosen
    response = post_offer(client, producer)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith(f"/orders/offers#outlet-{producer.shop}")
    page = client.get("/orders/offers").get_data(as_text=True)
    assert "Speisequark" in page and "2,49\xa0€ / Stück" in page and "(4,98\xa0€ / kg)" in page
    assert "7 %" in page and "20 je Abholtag" in page and "bis 2 Tage vorher, 18:00 Uhr" in page
    assert "aktiv" in page
    english = client.get("/orders/offers?lang=en").get_data(as_text=True)
    assert "€2.49 / piece" in english and "until 2 days before, 6:00\u202fPM" in english


def test_a_price_by_weight_and_unlimited_quantity(app, client, producer):
    response = post_offer(
        client,
        producer,
        unit="weight",
        price="29,90",
        measure="kg",
        estimated_amount="300",
        quantity_per_date="",
    )
    assert response.status_code == 302
    page = client.get("/orders/offers").get_data(as_text=True)
    assert "29,90\xa0€ / kg" in page and "ca. 300 g je Stück, etwa 8,97\xa0€" in page and "unbegrenzt" in page


def test_refusals_keep_what_was_typed_and_save_nothing(app, client, producer, other):
    for changes, message in (
        ({"price": "2,499"}, "ist kein Betrag in Euro"),
        ({"price": "0"}, "Bitte geben Sie einen Preis zwischen 0,01 €"),
        ({"price": "-1"}, "nicht negativ"),
        ({"vat_percent": "16"}, "Mehrwertsteuersatz ist 7 %"),
        ({"unit": "pack", "pack_size": "1"}, "Eine Packung enthält 2 bis 100 Stück."),
        ({"unit": "weight", "estimated_amount": ""}, "ungefähre Gewicht"),
        ({"quantity_per_date": "0"}, "Geben Sie 1 bis 10000 ein"),
        ({"deadline_days_before": "15"}, "0 bis 14 Tage"),
        ({"deadline_time": "25:00"}, "zwischen 00:00 und 23:59"),
        ({"product_id": str(other.quark)}, "Ihrer eigenen aktiven Produkte"),
        ({"outlet_id": str(other.shop)}, "Ihrer eigenen Verkaufsstellen"),
        ({"outlet_id": "abc"}, "Ihrer eigenen Verkaufsstellen"),
    ):
        typed = {"price": "2,49", **changes}
        response = post_offer(client, producer, **typed)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, changes
        assert message in page, (changes, page[page.find('class="error"') :][:400])
        if "price" in changes:
            assert f'value="{changes["price"]}"' in page  # what was typed stays
    assert count(app) == 0


def test_edit_pause_and_resume(app, client, producer):
    post_offer(client, producer)
    offer = only_offer(app)
    page = client.get(f"/orders/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="2,49"' in page and 'value="18:00"' in page
    response = client.post(
        f"/orders/offers/{offer.id}/edit",
        data={
            **OFFER,
            "product_id": producer.quark,
            "outlet_id": producer.shop,
            "price": "2,79",
            "unit": "pack",
            "pack_size": "2",
        },
    )
    assert response.status_code == 302
    changed = only_offer(app)
    assert (changed.price_cents, changed.unit, changed.pack_size) == (279, "pack", 2)
    assert client.post(f"/orders/offers/{offer.id}/active", data={"active": "0"}).status_code == 302
    assert only_offer(app).is_active is False
    assert "pausiert" in client.get("/orders/offers").get_data(as_text=True)
    assert client.post(f"/orders/offers/{offer.id}/active", data={"active": "1"}).status_code == 302
    assert only_offer(app).is_active is True
    assert client.post(f"/orders/offers/{offer.id}/active", data={"active": "7"}).status_code == 400


def test_a_second_offer_of_the_same_product_and_outlet_is_refused_on_the_form(app, client, producer):
    post_offer(client, producer)
    response = post_offer(client, producer, price="3,00")
    assert response.status_code == 400
    assert "wird in dieser Verkaufsstelle schon angeboten" in response.get_data(as_text=True)
    assert count(app) == 1


def test_another_organisations_offer_outlet_and_closed_date_are_forbidden(
    app, client, login_as, producer, other
):
    with app.app_context():
        theirs = Offer(
            organisation_id=other.organisation_id,
            product_id=other.quark,
            outlet_id=other.shop,
            price_cents=100,
            vat_percent=7,
            unit="piece",
            deadline_days_before=1,
            deadline_time=time(18, 0),
        )
        closure = PickupClosure(outlet_id=other.shop, day=clock.local_now().date() + timedelta(days=3))
        db.session.add_all([theirs, closure])
        db.session.commit()
        offer_id, closure_id = theirs.id, closure.id
    assert client.get(f"/orders/offers/{offer_id}/edit").status_code == 403
    assert (
        client.post(
            f"/orders/offers/{offer_id}/edit",
            data={**OFFER, "product_id": other.quark, "outlet_id": other.shop},
        ).status_code
        == 403
    )
    assert client.post(f"/orders/offers/{offer_id}/active", data={"active": "0"}).status_code == 403
    assert client.get(f"/orders/outlets/{other.shop}/closed-dates").status_code == 403
    assert client.post(f"/orders/closed-dates/{closure_id}/reopen").status_code == 403
    assert client.get("/orders/offers/999999/edit").status_code == 404
    assert "Speisequark" not in client.get("/orders/offers").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Offer, offer_id).is_active is True
        assert db.session.get(PickupClosure, closure_id) is not None


def test_close_a_date_and_open_it_again(app, client, producer):
    url = f"/orders/outlets/{producer.shop}/closed-dates"
    tomorrow = clock.local_now().date() + timedelta(days=1)
    response = client.post(url, data={"day": "2020-01-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bitte wählen Sie heute oder einen späteren Tag." in page and 'value="2020-01-01"' in page
    assert client.post(url, data={"day": "morgen"}).status_code == 400
    assert client.post(url, data={"day": ""}).status_code == 400
    assert client.post(url, data={"day": tomorrow.isoformat()}).status_code == 302
    again = client.post(url, data={"day": tomorrow.isoformat()})
    assert again.status_code == 400 and "schon geschlossen" in again.get_data(as_text=True)
    assert count(app, PickupClosure) == 1
    assert "(1)" in client.get("/orders/offers").get_data(as_text=True)
    with app.app_context():
        closure_id = db.session.scalar(select(PickupClosure.id))
    assert client.post(f"/orders/closed-dates/{closure_id}/reopen").status_code == 302
    assert count(app, PickupClosure) == 0


def test_the_payment_setting(app, client, producer):
    page = client.get("/orders/offers").get_data(as_text=True)
    assert re.search(r'<input checked id="pay_at_pickup"[^>]*type="checkbox"', page)  # the default
    assert client.post("/orders/settings", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ShopSettings.pay_at_pickup)) is False
    assert client.post("/orders/settings", data={"pay_at_pickup": "y"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ShopSettings.pay_at_pickup)) is True


def test_the_start_page_and_the_menu_link_here(app, client, producer):
    assert "/orders/offers" in client.get("/business").get_data(as_text=True)
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    assert 'href="/orders/offers"' in header


def test_signed_out_visitors_and_people_without_an_organisation(app, client, login_as):
    assert client.get("/orders/offers").status_code in (302, 401)
    login_as("user")
    assert client.get("/orders/offers").status_code == 403
    assert client.get("/orders/offers/new").status_code == 403


def test_an_offer_whose_product_was_archived_keeps_it_on_the_form(app, client, producer):
    """The browser must not quietly switch the offer to another product: the form names the archived one,
    and saving says why it cannot stay."""
    post_offer(client, producer)
    offer = only_offer(app)
    with app.app_context():
        db.session.get(Product, producer.quark).status = ProductStatus.ARCHIVED
        db.session.commit()
    page = client.get(f"/orders/offers/{offer.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{producer.quark}">Speisequark' in page
    response = client.post(
        f"/orders/offers/{offer.id}/edit",
        data={**OFFER, "product_id": producer.quark, "outlet_id": producer.shop, "price": "3,00"},
    )
    assert response.status_code == 400 and "Ihrer eigenen aktiven Produkte" in response.get_data(as_text=True)
    assert only_offer(app).price_cents == 249
    assert "Produkt archiviert" in client.get("/orders/offers").get_data(as_text=True)


def test_the_shop_page_lists_the_outlets_active_offers_with_their_next_pick_up(app, client, producer):
    with app.app_context():
        services.save_offer(SYSTEM, producer.organisation_id, None, offer_data(producer))
        db.session.commit()
    page = client.get(f"/orders/shop/{producer.shop}?product={producer.quark}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Speisequark" in text and "2,49" in text
    assert client.get(f"/orders/shop/{producer.delivery}").status_code == 404  # nothing offered there
