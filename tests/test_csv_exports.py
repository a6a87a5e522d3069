"""Does any CSV the platform hands out hold a cell that a spreadsheet would run as a formula?

The exports are found from the URL map (every GET route answered with text/csv to some role), so an
export added later is covered without anyone remembering to add it here."""

import csv
import io
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from tests import factories
from tests.orders.conftest import FARM_SHOP
from tests.orders.test_ledger import order_of
from tests.orders.test_services import data as offer_data
from tests.suppliers.conftest import certify, product, profile, signed_in, supplier
from vonhier.catalogue.models import Ingredient, Product
from vonhier.clock import local_now
from vonhier.extensions import db
from vonhier.orders import services as orders
from vonhier.organisations.models import Organisation
from vonhier.outlets import services as outlets
from vonhier.permissions import SYSTEM
from vonhier.provenance import scans
from vonhier.spreadsheet import FORMULA_STARTS, cell, text_of

HOSTILE = ('=HYPERLINK("e.vil")', "+1", "-1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1")
KNOWN_EXPORTS = {
    "/open-data/register.csv",
    "/catalogue/export.csv",
    "/catalogue/sample.csv",
    "/catalogue/scans.csv",
    "/suppliers/export.csv",
    "/suppliers/shortlist.csv",
    "/orders/received/picklist.csv",
}


@pytest.fixture
def hostile(app):
    """A licensed producer whose every text is hostile, with certified, scanned products; a retailer."""
    body = factories.organisation(app, kinds=("certification_body",), display_name=HOSTILE[3])
    producer = supplier(app, "Hof", 52.8333, 13.8167, with_owner=True)
    product_ids = [product(app, producer.id, producer.site.id, f"Käse {n}") for n in range(len(HOSTILE))]
    certify(app, producer.id, product_ids, body.id)
    profile(app, producer.id, delivers_pickup=True, capacity_notes=HOSTILE[4], min_order_note=HOSTILE[5])
    with app.app_context():
        # Written past the forms, which may refuse some of these: the writer must hold on its own.
        organisation = db.session.get(Organisation, producer.id)
        organisation.display_name, organisation.town, organisation.district = HOSTILE[:3]
        for product_id, text in zip(product_ids, HOSTILE, strict=True):
            record = db.session.get(Product, product_id)
            record.name_de = record.name_en = record.reference = record.organic_control_body = text
            record.description_de = record.description_en = text
            for ingredient in db.session.scalars(db.select(Ingredient).filter_by(product_id=product_id)):
                ingredient.name = text
        db.session.commit()
        today = local_now().date()  # scan days are days in Berlin
        lots = zip(product_ids, HOSTILE, strict=True)
        with db.engine.begin() as connection:
            scans.write(Counter({(product_id, lot, today, "de"): 1 for product_id, lot in lots}), connection)
    _hostile_order(app, producer.id, product_ids[0])
    retailer = factories.user_with_role(app, "retailer")
    with app.test_request_context():
        from vonhier.accounts.models import User
        from vonhier.suppliers import services as suppliers

        account = db.session.get(User, retailer.id)
        suppliers.add_to_shortlist(account, producer.id)
        suppliers.save_note(account, producer.id, HOSTILE[0])  # past the form, as the texts above
        db.session.commit()
    return SimpleNamespace(
        ids={"product_id": product_ids[0], "organisation_id": producer.id, "site_id": producer.site.id},
        clients={
            "anonymous": app.test_client(),
            "member": signed_in(app, producer.owner),
            "retailer": signed_in(app, retailer),
        },
    )


def _hostile_order(app, organisation_id, product_id):
    """An order for pick-up today by a buyer whose every text is hostile: the pick list (CSV) prints them,
    the sales export its product's hostile name."""
    with app.app_context():
        shop = outlets.save_outlet(SYSTEM, organisation_id, None, FARM_SHOP)
        offer = orders.save_offer(
            SYSTEM, organisation_id, None, offer_data(SimpleNamespace(quark=product_id, shop=shop.id))
        )
        today = local_now().date()
        order_of(
            offer,
            1,
            product_name=HOSTILE[3],
            pickup_date=today,
            buyer_name=HOSTILE[0],
            buyer_phone=HOSTILE[1],
            note=HOSTILE[2],
        )
        db.session.commit()


def _csv_responses(app, hostile):
    """Every GET route (its int arguments filled with the producer's ids) that answers text/csv."""
    found = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or set(rule.arguments) - set(hostile.ids):
            continue
        with app.test_request_context():
            path = app.url_for(rule.endpoint, **{name: hostile.ids[name] for name in rule.arguments})
        for role, client in hostile.clients.items():
            response = client.get(path)
            if response.mimetype == "text/csv":
                assert response.status_code == 200, (path, role)
                found[(path, role)] = response.get_data().decode("utf-8-sig")
    return found


def test_no_csv_export_holds_a_formula_cell(app, hostile):
    exports = _csv_responses(app, hostile)
    assert {path for path, _ in exports} >= KNOWN_EXPORTS  # the search of the URL map finds them
    quoted = {"'" + text for text in HOSTILE}
    reached = set()
    for (path, role), text in exports.items():
        cells = [value for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for value in row]
        assert [value for value in cells if value.startswith(FORMULA_STARTS)] == [], (path, role)
        if quoted & set(cells):
            reached.add(path)
    assert set(path for path, _ in exports) - reached == {"/catalogue/sample.csv"}  # not a vacuous pass


def test_the_sales_export_holds_no_formula_cell(app, hostile):
    """The sales export needs its period, so the walk of the URL map above does not reach it."""
    month = local_now().strftime("%Y-%m")
    response = hostile.clients["member"].get(f"/orders/received/sales.csv?period={month}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    cells = [value for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for value in row]
    assert [value for value in cells if value.startswith(FORMULA_STARTS)] == []
    assert "'" + HOSTILE[3] in cells  # the product's name as it was sold


def test_numbers_stay_numbers_and_text_is_quoted_once():
    assert [cell(v) for v in (-1, -1.5, 0, None, date(2026, 1, 2))] == [-1, -1.5, 0, "", date(2026, 1, 2)]
    assert [cell(v) for v in ("-1", "-1+1", "@x", "Käse", "'Käse", "'=x", "a=b")] == [
        "'-1",
        "'-1+1",
        "'@x",
        "Käse",
        "'Käse",
        "''=x",
        "a=b",
    ]
    assert cell(True) == "True"  # a bool is not a number we wrote
    for text in (*HOSTILE, "'=x", "''-1", "'Käse", "Käse", "", "'"):
        assert text_of(cell(text)) == text
