"""The review before the order button (§ 312j Abs. 2 BGB): the order as it would be placed — lines,
total, VAT per rate, pick-up, payment, the buyer's details, the legal notes — with nothing saved and
nothing reserved; "Change" brings the form back as typed; the order button places only what was
reviewed: a price or the stock changed in between is refused (400) and said, never placed otherwise."""

from sqlalchemy import select

from vonhier.extensions import db
from vonhier.orders.models import Offer, Order

from . import test_buying
from .buyers import open_shop, order_form, orders, reviewed, same_order, sold

# The buying tests' fixed clock (autouse) and shop.
monday, offer_id = test_buying.monday, test_buying.offer_id


def review(client, producer, form):
    response = client.post(f"/orders/shop/{producer.shop}", data={**form, "step": "review"})
    return response, response.get_data(as_text=True)


def set_price(app, offer_id, cents):
    with app.app_context():
        db.session.get(Offer, offer_id).price_cents = cents
        db.session.commit()


def test_the_review_shows_the_total_and_the_vat_and_saves_nothing(app, client, producer, offer_id):
    cheese = open_shop(app, producer, product_id=producer.cheese, price_cents=390, vat_percent=19)
    form = order_form(client, producer.shop, offer_id, note="Bitte mit Tüte", phone="0170 1234567")
    form[f"quantity-{cheese}"] = "1"
    response, page = review(client, producer, form)
    assert response.status_code == 200, page[-2000:]
    assert "Übersicht Ihrer Bestellung" in page and "Noch ist nichts bestellt" in page
    assert "2 × Speisequark" in page and "Stück (500 g) · zu je 2,49\xa0€" in page and "4,98\xa0€" in page
    assert "3,90\xa0€" in page and "8,88\xa0€" in page  # the total: 4,98 € + 3,90 €
    # The VAT per rate, computed on each rate's sum: 7 % of 4,98 € gross, 19 % of 3,90 € gross.
    assert '7 %</td><td class="num">4,65\xa0€</td>' in page and "0,33\xa0€" in page
    assert '19 %</td><td class="num">3,28\xa0€</td>' in page and "0,62\xa0€" in page
    assert "Samstag, 20. Juni 2026, 08:00–13:00" in page and "Hofladen Templin" in page
    assert "Bezahlung bei Abholung" in page  # the payment chosen
    assert "Ada Lovelace" in page and "ada@example.org" in page and "0170 1234567" in page
    assert "Bitte mit Tüte" in page
    assert "Kein Widerrufsrecht" in page and "Lebensmittel: Speisequark, Ziegenkäse" in page
    assert 'href="#legal"' in page and 'id="legal"' in page and "Anna Brandt, Jonas Brandt" in page
    assert "zahlungspflichtig bestellen" in page and ">Ändern</button>" in page
    assert f'name="submission_key" type="hidden" value="{form["submission_key"]}"' in page
    assert orders(app) == 0 and sold(app, offer_id) == 0  # nothing saved, nothing reserved
    placed = client.post(f"/orders/shop/{producer.shop}", data={**form, "reviewed": reviewed(page)})
    assert placed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Order.total_cents)) == 888


def test_a_review_refused_keeps_what_was_typed(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id, quantity="11")
    response, page = review(client, producer, {**form, "step": ""})  # Enter in a field: no button named
    assert response.status_code == 400 and "Nur noch 10" in page
    assert 'value="11"' in page and "Ada Lovelace" in page and "Bitte mit Tüte" in page
    assert "Übersicht Ihrer Bestellung" not in page


def test_change_brings_the_form_back_with_everything_typed(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id, quantity="3", phone="0170 1234567")
    response = client.post(f"/orders/shop/{producer.shop}", data={**form, "step": "change"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Weiter zur Übersicht" in page
    assert f'name="quantity-{offer_id}" min="0" step="1"' in page and 'value="3"' in page
    typed = ("Ada Lovelace", "ada@example.org", "0170 1234567", "Bitte mit Tüte", form["submission_key"])
    assert all(value in page for value in typed)
    assert 'checked id="payment-0" name="payment" type="radio" value="at_pickup"' in page
    assert orders(app) == 0


def test_a_price_changed_after_the_review_is_refused_and_reviewed_again(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    set_price(app, offer_id, 259)  # the producer changes the price while the buyer reads the review
    response = client.post(f"/orders/shop/{producer.shop}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[-2000:]
    assert "Die Preise haben sich geändert" in page and "jetzt 5,18\xa0€ statt 4,98\xa0€" in page
    assert "Übersicht Ihrer Bestellung" in page and "zahlungspflichtig bestellen" in page
    assert orders(app) == 0 and sold(app, offer_id) == 0
    # Ordered from the new review: at the price it showed.
    again = client.post(f"/orders/shop/{producer.shop}", data={**form, "reviewed": reviewed(page)})
    assert again.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Order.total_cents)) == 518


def test_stock_gone_after_the_review_is_refused_with_the_message(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    someone = app.test_client()
    other = order_form(someone, producer.shop, offer_id, quantity="9", email="bob@example.org")
    assert someone.post(f"/orders/shop/{producer.shop}", data=other).status_code == 303
    response = client.post(f"/orders/shop/{producer.shop}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nur noch 1 für diesen Tag" in page
    assert "Ada Lovelace" in page and 'value="2"' in page  # the form again, as typed
    assert orders(app) == 1 and sold(app, offer_id) == 9


def test_the_order_button_without_a_review_shows_the_review(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    for tampered in ("", f"{offer_id}x2@1", "x" * 5000):
        response = client.post(f"/orders/shop/{producer.shop}", data={**form, "reviewed": tampered})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Übersicht Ihrer Bestellung" in page
    assert "Bitte prüfen Sie Ihre Bestellung, bevor Sie sie aufgeben." in page
    assert orders(app) == 0 and sold(app, offer_id) == 0


def test_a_double_click_on_the_order_button_places_one_order(app, client, producer, offer_id):
    form = order_form(client, producer.shop, offer_id)
    first = client.post(f"/orders/shop/{producer.shop}", data=form)
    second = client.post(f"/orders/shop/{producer.shop}", data=form)
    assert first.status_code == second.status_code == 303 and same_order(first.location, second.location)
    back = client.post(f"/orders/shop/{producer.shop}", data={**form, "step": "review"})
    assert back.status_code == 303 and same_order(back.location, first.location)  # reviewed after placing
    assert orders(app) == 1 and sold(app, offer_id) == 2
