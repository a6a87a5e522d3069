"""The catalogue's cards carry "Vorbestellen" (added by the orders feature through
`discover.signals.cards_shown`) for a product with an offer on sale, linking the outlet's shop page with
the product chosen; the first outlets with their prices, the rest on the product's page."""

import re
from datetime import time

from tests.orders.buyers import takes_orders
from vonhier.extensions import db
from vonhier.orders.models import Offer
from vonhier.outlets import services as outlets
from vonhier.permissions import SYSTEM


def _farm_shop(app, organisation_id, name, product_id) -> int:
    with app.app_context():
        saved = outlets.save_outlet(
            SYSTEM,
            organisation_id,
            None,
            {
                "name": name,
                "kind": "farm_shop",
                "town": "Eberswalde",
                "postcode": "16225",
                "country": "DE",
                "latitude": 52.8671,
                "longitude": 13.7722,
                "opening_hours": "Mo-Sa 09:00-18:00",
                "product_ids": [product_id],
            },
        )
        db.session.commit()
        return saved.id


def _offer(app, organisation_id, product_id, outlet_id, price_cents=390, active=True) -> None:
    with app.app_context():
        db.session.add(
            Offer(
                organisation_id=organisation_id,
                product_id=product_id,
                outlet_id=outlet_id,
                price_cents=price_cents,
                vat_percent=7,
                unit="piece",
                deadline_days_before=1,
                deadline_time=time(18),
                is_active=active,
            )
        )
        db.session.commit()
    takes_orders(app, organisation_id)


def _card(html: str, name: str) -> str:
    for card in re.findall(
        r'<li class="product-card">.*?</li>\s*(?=<li class="product-card">|</ol>)', html, re.S
    ):
        if f">{name}</a></h3>" in card:
            return card
    raise AssertionError(f"no card of {name}")


def test_a_card_links_the_shop_pages_of_its_offers(app, shelf):
    shops = [_farm_shop(app, shelf.goats.id, f"Hofladen {n}", shelf.goat_cheese) for n in (1, 2, 3)]
    for number, shop in enumerate(shops):
        _offer(app, shelf.goats.id, shelf.goat_cheese, shop, price_cents=390 + number)
    _offer(app, shelf.goats.id, shelf.goat_milk, shops[0], active=False)
    html = app.test_client().get("/produkte").get_data(as_text=True)
    cheese = _card(html, "Ziegenkäse")
    assert cheese.count("Vorbestellen") == 2  # the first two outlets; the third on the product's page
    assert f'href="/orders/shop/{shops[0]}?product={shelf.goat_cheese}"' in cheese
    assert "3,90\xa0€ / Stück" in cheese and "3,91\xa0€ / Stück" in cheese
    assert "und 1 weiterer Abholort" in cheese and "#pre-order" in cheese
    assert "Vorbestellen" not in _card(html, "Ziegenmilch")  # paused
    assert "Vorbestellen" not in _card(html, "Bergkäse")  # no offer
