"""Allergens not recorded: the pre-check warns (live and on the product's page) but fails no criterion."""

from sqlalchemy import select

from tests.catalogue.test_products import dairy, form  # noqa: F401 (fixture)
from vonhier.catalogue.models import Product
from vonhier.certification import criteria, law
from vonhier.extensions import db

WARNING = "Keine Allergene erfasst"


def test_live_pre_check_warns_until_allergens_are_recorded(client, dairy):  # noqa: F811
    unrecorded = client.post("/certification/precheck", data=form(dairy)).get_data(as_text=True)
    assert WARNING in unrecorded and 'class="flash flash-warning"' in unrecorded
    for recorded in (
        {"allergen_free": "y"},
        {"ingredients-0-allergens": "milk"},
        {"allergen_traces": "nuts"},
    ):
        html = client.post("/certification/precheck", data=form(dairy, **recorded)).get_data(as_text=True)
        assert WARNING not in html and "VH-R1" in html


def test_product_page_warns_and_the_results_stay_the_same(app, client, dairy):  # noqa: F811
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product = db.session.scalars(select(Product)).one()
        data = product.current_version.data
        product_id = product.id
    assert WARNING in client.get(f"/catalogue/products/{product_id}").get_data(as_text=True)
    with app.test_request_context():
        recorded = {**data, "product": {**data["product"], "allergens_recorded": True}}
        assert law.warnings(data) and not law.warnings(recorded)
        # A warning, not a criterion: the outcome of every criterion is the same either way.
        catalogue = criteria.current_catalogue()
        before = [(r.code, r.outcome) for r in criteria.precheck(data, catalogue)]
        assert before == [(r.code, r.outcome) for r in criteria.precheck(recorded, catalogue)]
