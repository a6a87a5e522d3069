"""The buyer's order form on the shop page: placing an order to pay at pick-up, and every bad input of
the issue refused on the page (400, a translated sentence, what was typed kept, nothing saved)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.extensions import db
from vonhier.orders.models import Order, OrderEvent, OrderStatus, PaymentMethod
from vonhier.organisations.models import Organisation

from .buyers import LEGAL, MONDAY, SATURDAY, open_shop, order_form, orders, same_order, set_clock, sold


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    set_clock(monkeypatch)


@pytest.fixture
def offer_id(app, producer):
    return open_shop(app, producer)


def test_the_shop_page_shows_the_form_prices_allergens_and_the_seller(app, client, producer, offer_id):
    honey = factories.product(
        app,
        producer.user.id,
        producer.organisation_id,
        [("Honig", 100, "Templin", False)],
        name_de="Rapshonig",
        category="honey",
        allergen_free=True,
    )
    yoghurt = factories.product(
        app,
        producer.user.id,
        producer.organisation_id,
        [("Milch", 100, "Templin", False)],
        name_de="Joghurt",
        contains={"Milch": ["milk"]},
    )
    for product in (honey, yoghurt):
        open_shop(app, producer, product_id=product)
    page = client.get(f"/orders/shop/{producer.shop}?day={SATURDAY}").get_data(as_text=True)
    assert "Samstag, 20. Juni 2026" in page
    assert "2,49\xa0€ / Stück" in page and "(4,98\xa0€ / kg)" in page and "inkl. 7 % MwSt." in page
    assert "Enthält: <strong>Milch" in page  # allergens before ordering, as the provenance page says
    assert "Keines der 14 Hauptallergene." in page and "Allergene nicht erfasst" in page
    assert "10 übrig" in page
    assert "Weiter zur Übersicht" in page and "zahlungspflichtig bestellen" not in page  # the review has it
    assert "Anna Brandt, Jonas Brandt" in page and "DE123456789" in page  # the Impressum
    assert "hof@example.org" in page
    # Quark and yoghurt spoil quickly (dairy), honey does not: the right of withdrawal applies to it.
    assert page.count("leicht verderblich") == 3 and "§ 312g Abs. 2 Nr. 2 BGB" in page
    assert 'type="hidden" name="interval" value="08:00-13:00"' in page  # one interval: given, not asked


def test_an_order_paid_at_pickup_is_placed_and_reserves_its_units(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    response = client.post(f"/orders/shop/{producer.shop}", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    assert "/orders/order/" in response.location
    assert sold(app, offer_id) == 2
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status == OrderStatus.PLACED and order.payment_method == PaymentMethod.AT_PICKUP
        assert (order.pickup_date, order.total_cents, order.buyer_name) == (SATURDAY, 498, "Ada Lovelace")
        assert [(line.quantity, line.unit_price_cents, line.unit_text) for line in order.lines] == [
            (2, 249, "Stück (500 g)")
        ]
        assert order.cancel_until == datetime(2026, 6, 18, 16, 0)  # Thursday 18:00 in Berlin
        assert [e.kind for e in db.session.scalars(select(OrderEvent))] == ["placed"]
    # Sent twice (a double click, the back button): the first order, no second one.
    again = client.post(f"/orders/shop/{producer.shop}", data=form)
    assert again.status_code == 303 and same_order(again.location, response.location)
    assert orders(app) == 1 and sold(app, offer_id) == 2
    assert "bereits aufgegeben" in client.get(again.location).get_data(as_text=True)  # and says so


BAD = [
    ({"quantity": "-1"}, "quantity", "1 or more"),
    ({"quantity": "0"}, "", "at least one product"),
    ({"quantity": ""}, "", "at least one product"),
    ({"quantity": "1,5"}, "quantity", "is not a whole number"),
    ({"quantity": "1e3"}, "quantity", "is not a whole number"),
    ({"quantity": "11"}, "quantity", "Only 10 left"),
    ({"quantity": "1000"}, "quantity", "At most 999"),
    ({"quantity": str(2**40)}, "quantity", "is not a whole number"),
    ({"quantity": "2147483648"}, "quantity", "too large"),
    ({"day": "2026-06-21"}, "pickup", "is not possible"),  # a Sunday: closed
    ({"day": "2026-06-16"}, "pickup", "is not possible"),  # Tuesday: its deadline passed on Sunday
    ({"day": "2026-13-01"}, "pickup", "choose a pick-up date"),
    ({"interval": "14:00-18:00"}, "pickup", "only at these times"),
    ({"interval": "x"}, "pickup", "only at these times"),
    ({"interval": "08:00-13:00-20:00"}, "pickup", "only at these times"),  # an "offset" for fromisoformat
    ({"interval": "08:00Z-13:00"}, "pickup", "only at these times"),
    ({"interval": "25:00-26:00"}, "pickup", "only at these times"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"name": ""}, "name", "fill in"),
    ({"name": "Ada\r\nBcc: victim@example.org"}, "name", "one line"),
    ({"phone": "1\x002"}, "phone", "one line"),
    ({"note": "a" * 2001}, "note", "At most 2000"),
    ({"payment": "online"}, "payment", "ways to pay"),  # no Stripe account: not offered
    ({"payment": "cash"}, "payment", "ways to pay"),
    ({"submission_key": ""}, "", "load the page again"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[repr(c) for c, _, _ in BAD])
def test_bad_input_is_refused_on_the_page_and_nothing_is_saved(
    app, client, producer, offer_id, changes, field, message
):
    changes = dict(changes)
    quantity = changes.pop("quantity", "2")
    form = {**order_form(client, producer.shop, offer_id, quantity=quantity), **changes}
    response = client.post(f"/orders/shop/{producer.shop}?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[-1500:]
    assert message in page
    assert "Ada Lovelace" in page or changes.get("name") is not None  # what was typed is kept
    assert orders(app) == 0 and sold(app, offer_id) == 0


def test_tampered_offers_and_outlets_are_refused(app, client, producer, other, offer_id):
    foreign = open_shop(app, other)
    form = order_form(client, producer.shop, offer_id)
    form[f"quantity-{foreign}"] = "1"  # another producer's offer slipped into the form
    response = client.post(f"/orders/shop/{producer.shop}?lang=en", data=form)
    assert response.status_code == 400 and "cannot be ordered here" in response.get_data(as_text=True)
    form = order_form(client, producer.shop, offer_id)
    response = client.post(f"/orders/shop/{other.shop}?lang=en", data=form)  # the form sent to another shop
    assert response.status_code == 400 and "cannot be ordered here" in response.get_data(as_text=True)
    assert client.post("/orders/shop/999999", data=form).status_code == 404
    form["quantity-abc"] = "1"  # a field that names no offer is not an offer
    form["price"] = "0,01"  # prices come from the offers
    assert client.post(f"/orders/shop/{producer.shop}", data=form).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Order.total_cents)) == 498
    assert orders(app) == 1 and sold(app, foreign) == 0


def test_a_deadline_passing_between_showing_and_ordering_refuses_the_date(
    app, client, producer, offer_id, monkeypatch
):
    form = order_form(client, producer.shop, offer_id, day=SATURDAY - timedelta(days=3))  # Wednesday
    set_clock(monkeypatch, MONDAY + timedelta(hours=6))  # Monday 18:00 in Berlin: Wednesday's deadline
    form["interval"] = "09:00-18:00"
    response = client.post(f"/orders/shop/{producer.shop}?lang=en", data=form)
    assert response.status_code == 400 and "is not possible" in response.get_data(as_text=True)
    assert orders(app) == 0


def test_a_paused_offer_cannot_be_ordered(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    with app.app_context():
        from vonhier.orders.models import Offer

        db.session.get(Offer, offer_id).is_active = False
        db.session.commit()
    response = client.post(f"/orders/shop/{producer.shop}?lang=en", data=form)
    assert response.status_code in (400, 404)
    assert orders(app) == 0


def test_a_forged_order_link_finds_nothing(app, client, producer, offer_id):
    response = client.post(f"/orders/shop/{producer.shop}", data=order_form(client, producer.shop, offer_id))
    token = response.location.rsplit("/", 1)[1]
    assert client.get(f"/orders/order/{token[:-2]}xx").status_code == 404
    assert client.get("/orders/paid/abc").status_code == 404
    assert client.get("/orders/paid/abc/left").status_code == 404


def test_without_legal_details_the_shop_takes_no_orders(app, client, producer):
    offer_id = open_shop(app, producer, legal={"representative": "", "register_entry": "", "vat_id": ""})
    page = client.get(f"/orders/shop/{producer.shop}").get_data(as_text=True)
    assert "noch nicht vollständig angegeben" in page and "zahlungspflichtig bestellen" not in page
    response = client.post(
        f"/orders/shop/{producer.shop}?lang=en",
        data={
            "day": SATURDAY.isoformat(),
            "submission_key": "k" * 32,
            f"quantity-{offer_id}": "1",
            "name": "A",
            "email": "a@example.org",
            "payment": "at_pickup",
            "interval": "08:00-13:00",
        },
    )
    assert response.status_code == 400 and "does not take pre-orders" in response.get_data(as_text=True)
    assert orders(app) == 0
    offers_page = client.get("/orders/offers").get_data(as_text=True)
    assert "Vertreten durch" in offers_page and "Es fehlt:" in offers_page


def test_the_legal_details_are_saved_on_the_settings_form(app, client, producer):
    with app.app_context():
        db.session.get(Organisation, producer.organisation_id).email = "hof@example.org"
        db.session.commit()
    response = client.post(
        "/orders/settings", data={"pay_at_pickup": "y", **LEGAL, "register_entry": "AG Neuruppin, HRA 1"}
    )
    assert response.status_code == 302
    page = client.get("/orders/offers").get_data(as_text=True)
    assert "Es fehlt:" not in page and "AG Neuruppin, HRA 1" in page
    for vat_id, message in (("DE12345", "neun Ziffern"), ("123", "Ländercode")):
        refused = client.post("/orders/settings", data={"pay_at_pickup": "y", **LEGAL, "vat_id": vat_id})
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    refused = client.post("/orders/settings", data={**LEGAL, "representative": "A\r\nB"})
    assert refused.status_code == 400


def test_prices_with_more_than_two_decimals_are_refused(app, client, producer):
    from .conftest import OFFER

    values = {**OFFER, "product_id": str(producer.quark), "outlet_id": str(producer.shop), "price": "2,499"}
    response = client.post("/orders/offers/new", data=values)
    assert response.status_code == 400 and "2,499" in response.get_data(as_text=True)


def test_orders_from_one_address_are_limited_but_the_shop_stays_open(producer, offer_id, make_app):
    limited = make_app(RATELIMIT_ORDERS="4 per minute")  # each order is two POSTs: review, then place
    client = limited.test_client()
    statuses = []
    for _ in range(3):
        form = order_form(client, producer.shop, offer_id, quantity="1")
        statuses.append(client.post(f"/orders/shop/{producer.shop}", data=form).status_code)
    assert statuses == [303, 303, 429]
    assert client.get(f"/orders/shop/{producer.shop}").status_code == 200  # looking costs nothing
