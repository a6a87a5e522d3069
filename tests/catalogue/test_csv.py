"""CSV import and export: round trip, encodings, row-by-row report, all-or-nothing, limits."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.catalogue import csv_io
from vonhier.catalogue.models import Product, ProductVersion
from vonhier.extensions import db

HEADER = ";".join(csv_io.COLUMNS)


@pytest.fixture
def bakery(app, login_as):
    owner = login_as("owner")
    org = owner.organisation.id
    factories.site(app, org, name="Backstube", town="Eberswalde", kind="bakery")
    factories.site(app, org, name="Hofladen", town="Eberswalde", kind="shop")
    mill_org = factories.organisation(app, owner_id=factories.user(app).id, display_name="Mühle Musterdorf")
    factories.site(
        app, mill_org.id, name="Mühle", town="Müncheberg", latitude=52.5, longitude=14.14, kind="mill"
    )
    return owner


def csv_file(*rows, header=HEADER, encoding="utf-8"):
    return io.BytesIO("\n".join([header, *rows]).encode(encoding))


BREAD = [
    "B-1;Landbrot;Country bread;bakery;Sauerteig;;1000;g;;;ja;;;processing=Backstube|point_of_sale=Hofladen;"
    "Roggenmehl;60;ja;ja;nein;supplier:Mühle Musterdorf / Mühle",
    "B-1;;;;;;;;;;;;;;Weizenmehl;15;nein;nein;nein;place:Prenzlau",
    "B-1;;;;;;;;;;;;;;Wasser;23;nein;nein;ja;site:Backstube",
    "B-1;;;;;;;;;;;;;;Salz;2;nein;nein;ja;place:Bad Dürrenberg",
]
HONEY = [
    "H-1;Blütenhonig;;honey;;;500;g;4006381333931;;ja;bees;;point_of_sale=Hofladen;Honig;100;ja;nein;nein;"
    "site:Backstube"
]


def product_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Product))


def upload(client, data, name="katalog.csv"):
    return client.post("/catalogue/import", data={"file": (data, name)}, content_type="multipart/form-data")


def run(client, response):
    """Confirm the preview; reading the streamed page is what drives the import, as in a browser."""
    token = re.search(r'action="/catalogue/import/([^"]+)"', response.get_data(as_text=True)).group(1)
    result = client.post(f"/catalogue/import/{token}")
    result.get_data()
    return result


def test_preview_then_import(app, client, bakery):
    response = upload(client, csv_file(*BREAD, *HONEY))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "wird angelegt" in html and product_count(app) == 0  # nothing saved by the preview
    result = run(client, response)
    body = result.get_data(as_text=True)
    assert result.status_code == 200 and 'id="import-finished"' in body and "<progress" in body
    with app.app_context():
        bread = db.session.scalar(select(Product).where(Product.reference == "B-1"))
        assert [i.name for i in bread.ingredients] == ["Roggenmehl", "Weizenmehl", "Wasser", "Salz"]
        assert bread.current_version.data["figures"]["regional_share"] == 100.0
        assert bread.ingredients[0].origin_kind == "supplier_site"
        assert [s.site.name for s in bread.stages] == ["Backstube", "Hofladen"]
        assert db.session.scalar(select(Product.gtin).where(Product.reference == "H-1")) == "04006381333931"


def test_export_import_round_trip_gives_the_same_catalogue(app, client, bakery):
    run(client, upload(client, csv_file(*BREAD, *HONEY)))
    exported = client.get("/catalogue/export.csv")
    assert exported.mimetype == "text/csv"
    with app.app_context():
        before = {p.reference: p.current_version.data for p in db.session.scalars(select(Product))}
        versions = db.session.scalar(select(func.count()).select_from(ProductVersion))
    response = upload(client, io.BytesIO(exported.data))
    assert "wird aktualisiert" in response.get_data(as_text=True)
    run(client, response)
    with app.app_context():
        after = {p.reference: p.current_version.data for p in db.session.scalars(select(Product))}
        assert (
            db.session.scalar(select(func.count()).select_from(ProductVersion)) == versions
        )  # nothing changed
    assert after == before
    assert client.get("/catalogue/export.csv").data == exported.data


def test_formula_like_names_are_quoted_in_the_export_and_read_back_as_they_were(app, client, bakery):
    hostile = [row.replace("B-1;Landbrot;Country bread;", "-B1;=1+1;'@SUM(A1);") for row in BREAD[:1]]
    hostile += [row.replace("B-1;", "-B1;") for row in BREAD[1:]]
    run(client, upload(client, csv_file(*hostile)))
    exported = client.get("/catalogue/export.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig")), delimiter=";"))
    # The quote a spreadsheet user typed before "@" is not part of the name; ours is added again.
    assert rows[1][:3] == ["'-B1", "'=1+1", "'@SUM(A1)"] and {row[0] for row in rows[1:]} == {"'-B1"}
    run(client, upload(client, io.BytesIO(exported.data)))
    with app.app_context():
        product = db.session.scalar(select(Product))
        assert (product.reference, product.name_de, product.name_en) == ("-B1", "=1+1", "@SUM(A1)")
        assert db.session.scalar(select(func.count()).select_from(ProductVersion)) == 1  # nothing changed
    assert client.get("/catalogue/export.csv").data == exported.data


def test_windows_1252_with_commas(app, client, bakery):
    rows = [",".join(next(csv.reader([row], delimiter=";"))) for row in HONEY]
    response = upload(client, csv_file(*rows, header=HEADER.replace(";", ","), encoding="cp1252"))
    assert response.status_code == 200
    run(client, response)
    with app.app_context():
        assert db.session.scalar(select(Product.name_de)) == "Blütenhonig"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"reference;name_de\nB-1;Brot", "Es fehlen Spalten"),
        (HEADER.encode() + b"\n\x81\x8d\x8f\x90\x9d;", "weder UTF-8"),
        (b"\x00\x01\x02PK\x03\x04", "keine CSV-Textdatei"),
        (HEADER.encode(), "keine Produkte"),
    ],
)
def test_unreadable_files(app, client, bakery, content, message):
    response = upload(client, io.BytesIO(content))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_fifty_thousand_rows_are_refused(app):
    rows = [HONEY[0].replace("H-1", f"H-{n}") for n in range(50_000)]
    with app.test_request_context(), pytest.raises(csv_io.ImportRejected, match="10000"):
        csv_io.read_rows("\n".join([HEADER, *rows]).encode())


def test_too_many_rows_get_a_clear_message(app, client, bakery, monkeypatch):
    # The same limit over HTTP, lowered so the upload stays small.
    monkeypatch.setattr(csv_io, "MAX_ROWS", 10)
    rows = [HONEY[0].replace("H-1", f"H-{n}").replace("4006381333931", "") for n in range(11)]
    response = upload(client, csv_file(*rows))
    assert response.status_code == 400
    assert "mehr als 10 Zeilen" in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_row_by_row_report_and_nothing_saved(app, client, bakery):
    bad_bread = [BREAD[0].replace(";60;", ";50;"), *BREAD[1:]]  # shares add up to 90
    bad_honey = [HONEY[0].replace("honey", "rocks").replace("4006381333931", "4006381333932")]
    response = upload(
        client,
        csv_file(
            *bad_bread,
            *bad_honey,
            BREAD[0]
            .replace("B-1", "C-1")
            .replace("supplier:Mühle Musterdorf / Mühle", "supplier:Niemand / Nichts"),
        ),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "90 %" in html  # the shares of B-1
    assert "Unbekannte Kategorie" in html and "falsche Prüfziffer" in html
    assert "Niemand / Nichts" in html and "Zeile 7" in html
    assert "Jetzt importieren" not in html
    assert product_count(app) == 0


def test_texts_longer_than_their_columns_are_refused_in_the_preview_by_line_and_column(app, client, bakery):
    run(client, upload(client, csv_file(*BREAD, *HONEY)))
    rows = list(
        csv.reader(
            io.StringIO(client.get("/catalogue/export.csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    header = rows[0]
    honey = next(n for n, row in enumerate(rows) if row[0] == "H-1")
    # The export is in German as the interface is; the report names the columns as the file does.
    rows[honey][header.index("Name deutsch")] = "H" * 121  # the column holds 120
    rows[2][header.index("Herkunft")] = "place:" + "P" * 121  # the bread's second ingredient
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    response = upload(client, io.BytesIO(text.getvalue().encode()))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"Zeile {honey + 1}, Name deutsch: Höchstens 120 Zeichen, nicht 121." in html
    assert "Zeile 3, Herkunft: Höchstens 120 Zeichen, nicht 121." in html
    assert "Jetzt importieren" not in html


def test_import_is_all_or_nothing(app, client, bakery):
    response = upload(client, csv_file(*BREAD, *HONEY))
    # Between preview and import, someone else takes the honey's GTIN.
    factories.product(
        app,
        bakery.id,
        bakery.organisation.id,
        [("Honig", 100, "Prenzlau", False)],
        name_de="Anderer Honig",
        category="honey",
        gtin="4006381333931",
        reference="X-1",
    )
    body = run(client, response).get_data(as_text=True)
    assert "nichts gespeichert" in body
    with app.app_context():
        assert db.session.scalars(select(Product.reference)).all() == ["X-1"]


def test_import_token_of_another_organisation_is_refused(app, client, bakery):
    response = upload(client, csv_file(*HONEY))
    token = re.search(r'action="/catalogue/import/([^"]+)"', response.get_data(as_text=True)).group(1)
    other = app.test_client()
    outsider = factories.user_with_role(app, "owner")
    other.post("/login", data={"email": outsider.email, "password": outsider.password})
    assert other.post(f"/catalogue/import/{token}").status_code == 400
    assert client.post("/catalogue/import/../../secret").status_code in (400, 404)
    assert product_count(app) == 0


def test_sample_file_has_every_column(client, bakery):
    sample = client.get("/catalogue/sample.csv")
    header = sample.data.decode("utf-8-sig").splitlines()[0].split(";")
    assert header == csv_io.headers("de") and len(header) == len(csv_io.COLUMNS)


def test_missing_file(client, bakery):
    response = client.post("/catalogue/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Datei" in response.get_data(as_text=True)


def test_utf16_and_empty_files(app, client, bakery):
    response = upload(client, io.BytesIO("\n".join([HEADER, *HONEY]).encode("utf-16")))
    assert response.status_code == 200 and "Jetzt importieren" in response.get_data(as_text=True)
    response = upload(client, io.BytesIO(b"  \n"))
    assert response.status_code == 400 and "Die Datei ist leer" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("share", "message"),
    [("NaN", "keine Zahl"), ("inf", "keine Zahl"), ("1e400", "zu groß"), ("1e999999999", "zu groß")],
)
def test_numbers_are_refused_as_in_the_forms(app, client, bakery, share, message):
    """The import reads numbers with the forms' parser (hygiene.number): no 500, a located problem."""
    row = HONEY[0].replace(";Honig;100;", f";Honig;{share};")
    response = upload(client, csv_file(row))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_control_characters_in_cells_are_refused(app, client, bakery):
    row = HONEY[0].replace("Blütenhonig", "Blüten\x1bhonig")
    response = upload(client, csv_file(row))
    assert response.status_code == 400 and "Steuerzeichen" in response.get_data(as_text=True)
    assert product_count(app) == 0
