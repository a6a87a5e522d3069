"""Allergens (Regulation (EU) No 1169/2011, Annex II): the form, the CSV file, the product_allergens rows
and `free_of`, the catalogue's "without milk"."""

import io
import re

from sqlalchemy import select

from tests import factories
from vonhier.catalogue import csv_export, csv_io, services
from vonhier.catalogue.models import Presence, Product, ProductAllergen
from vonhier.extensions import db

from .test_products import dairy, form, product_count  # noqa: F401 (the fixture is used here)


def _saved(app):
    with app.app_context():
        product = db.session.scalars(select(Product)).one()
        rows = db.session.execute(select(ProductAllergen.allergen, ProductAllergen.presence)).all()
        return (
            [i.allergens for i in product.ingredients],
            product.allergen_traces,
            product.allergens_recorded,
            {str(a): str(p) for a, p in rows},
            product.current_version.data,
        )


def test_the_form_records_what_each_ingredient_contains_and_the_traces(app, client, dairy):  # noqa: F811
    page = client.get("/catalogue/products/new").get_data(as_text=True)
    assert page.count('class="allergen-choice"') == 4 + 1  # a box per ingredient row, one for traces
    assert 'name="ingredients-0-allergens" type="checkbox" value="milk"' in page
    data = form(dairy, **{"ingredients-0-allergens": "milk", "ingredients-1-allergens": ["milk"]})
    data["allergen_traces"] = ["nuts", "milk"]  # milk is contained: not a trace
    assert client.post("/catalogue/products/new", data=data).status_code == 302
    contains, traces, recorded, rows, snapshot = _saved(app)
    assert contains == [["milk"], ["milk"], []] and traces == ["nuts"] and recorded
    assert rows == {"milk": "contains", "nuts": "traces"}
    assert snapshot["product"]["allergen_traces"] == ["nuts"]
    assert snapshot["ingredients"][0]["allergens"] == ["milk"]
    # The edit form shows them ticked, and the closed box names them.
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    page = client.get(f"/catalogue/products/{product_id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="ingredients-0-allergens" type="checkbox" value="milk"', page)
    assert re.search(r'<input checked[^>]*name="allergen_traces" type="checkbox" value="nuts"', page)
    assert "<strong>Milch</strong>" in page and "<strong>Nüsse</strong>" in page


def test_none_of_the_14_is_recorded_and_refused_beside_an_allergen(app, client, dairy):  # noqa: F811
    refused = client.post(
        "/catalogue/products/new", data=form(dairy, allergen_free="y", allergen_traces="nuts")
    )
    assert refused.status_code == 400 and product_count(app) == 0
    assert "Entweder keines der 14 Allergene oder die angekreuzten" in refused.get_data(as_text=True)
    assert client.post("/catalogue/products/new", data=form(dairy, allergen_free="y")).status_code == 302
    contains, traces, recorded, rows, _ = _saved(app)
    assert recorded and rows == {} and traces == [] and not any(contains)
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    page = client.get(f"/catalogue/products/{product_id}/edit").get_data(as_text=True)
    assert 'checked id="allergen_free"' in page


def test_without_any_allergen_data_nothing_is_recorded(app, client, dairy):  # noqa: F811
    assert client.post("/catalogue/products/new", data=form(dairy)).status_code == 302
    assert _saved(app)[2] is False


def test_an_unknown_allergen_is_refused_on_its_field(app, client, dairy):  # noqa: F811
    for hostile in ("peanut butter", "<b>milk</b>", "Milch"):
        response = client.post(
            "/catalogue/products/new", data=form(dairy, **{"ingredients-0-allergens": hostile})
        )
        assert response.status_code == 400
        assert "Bitte wählen Sie nur aus den angezeigten" in response.get_data(as_text=True)
    nul = form(dairy, **{"ingredients-0-allergens": "milk\x00"})
    assert client.post("/catalogue/products/new", data=nul).status_code == 400
    assert product_count(app) == 0


def test_csv_round_trip_and_a_file_without_allergen_columns(app, client, dairy):  # noqa: F811
    data = form(dairy, **{"ingredients-0-allergens": "milk", "allergen_traces": "nuts"})
    client.post("/catalogue/products/new", data=data)
    client.post("/catalogue/products/new", data=form(dairy, name_de="Ziegenbutter", allergen_free="y"))
    with app.test_request_context():
        exported = csv_export.export(dairy["org"])
        rows = list(csv_io.read_rows(exported.encode()))
    assert exported.splitlines()[0].endswith("Allergene;Spuren;Ohne Allergene")
    firsts = {}
    for _, r in rows:  # the product columns repeat on every row; the first row holds its allergens
        firsts.setdefault(r["name_de"], r)
    assert firsts["Ziegenkäse mit Kräutern"]["allergens"] == "milk"
    assert firsts["Ziegenkäse mit Kräutern"]["allergen_traces"] == "nuts"
    assert firsts["Ziegenbutter"]["allergen_free"] == "ja"
    # Re-importing the export changes nothing: no new version of either product.
    with app.app_context():
        user = db.session.get(factories.User, dairy["owner"].id)
        versions = [len(p.versions) for p in services.products_of(dairy["org"])]
        csv_io.import_file(user, dairy["org"], exported.encode())
        assert [len(p.versions) for p in services.products_of(dairy["org"])] == versions
        # Older files, without the three columns, still import: nothing recorded.
        names = csv_io.headers("de")
        old = exported.replace(";Allergene;Spuren;Ohne Allergene", "", 1)
        old = "\n".join(
            [
                old.splitlines()[0],
                *(";".join(line.split(";")[: len(names) - 3]) for line in old.splitlines()[1:]),
            ]
        )
        report, _ = csv_io.check(user, dairy["org"], old.encode())
        assert report.ok
        db.session.rollback()


def test_csv_problems_name_line_and_column(app, client, dairy):  # noqa: F811
    header = ";".join(csv_io.COLUMNS)
    row = (
        "K-1;Käse;;dairy-cheese;;;;;;;ja;goat;4;processing=Käserei;Ziegenmilch;100;ja;ja;nein;site:Weide;"
        "milk|gluten;shellfish;ja"
    )
    with app.app_context():
        user = db.session.get(factories.User, dairy["owner"].id)
        report, _ = csv_io.check(user, dairy["org"], io.BytesIO(f"{header}\n{row}".encode()).read())
        problems = report.products[0].problems
    assert any("allergen_traces" in p and "shellfish" in p for p in problems)
    assert any("keines der 14 Allergene enthält" in p for p in problems)


def test_free_of_keeps_recorded_products_without_those_allergens(app, dairy):  # noqa: F811
    owner, org, farm = dairy["owner"].id, dairy["org"], dairy["own_farm"].id

    def make(name, contains=None, **fields):
        return factories.product(app, owner, org, [(name, 100, farm, False)], contains=contains, **fields)

    cheese = make("Käse", contains={"Käse": ["milk"]})
    cake = make("Kuchen", contains={"Kuchen": ["gluten", "eggs"]}, allergen_traces=["milk"])
    honey = make("Honig", allergen_free=True)
    unknown = make("Gurken")
    bread = make("Brot", contains={"Brot": ["gluten"]})
    with app.app_context():

        def kept(*codes):
            return set(db.session.scalars(select(Product.id).where(services.free_of(codes))))

        assert kept("milk") == {honey, bread}
        assert kept("milk", "gluten") == {honey}
        assert kept("sesame") == {cheese, cake, honey, bread}
        assert kept() == {cheese, cake, honey, unknown, bread}
        presence = db.session.scalar(
            select(ProductAllergen.presence).where(
                ProductAllergen.product_id == cake, ProductAllergen.allergen == "milk"
            )
        )
        assert presence == Presence.TRACES
