"""Products: ingredients and origins, computed figures, versions, supplier confirmation, permissions."""

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests import factories
from vonhier.catalogue.models import Product, ProductVersion, SupplierLink
from vonhier.extensions import db


@pytest.fixture
def dairy(app, login_as):
    """A signed-in cheese dairy in Angermünde with its own site and two farms that supply it."""
    owner = login_as("owner")
    org = owner.organisation.id
    own = factories.site(
        app, org, name="Käserei", town="Angermünde", latitude=53.0167, longitude=13.9994, kind="dairy"
    )
    goat_farm_owner = factories.user(app, email="ziegen@example.org")
    goat_org = factories.organisation(app, owner_id=goat_farm_owner.id, display_name="Ziegenhof Wukensee")
    goat_farm = factories.site(
        app, goat_org.id, name="Ziegenhof", town="Biesenthal", latitude=52.7667, longitude=13.6333
    )
    own_farm = factories.site(app, org, name="Weide", town="Schwedt", latitude=53.0615, longitude=14.2822)
    return {
        "owner": owner,
        "org": org,
        "dairy": own,
        "goat_farm": goat_farm,
        "own_farm": own_farm,
        "supplier": goat_farm_owner,
        "supplier_org": goat_org,
    }


def form(dairy, **changes):
    data = {
        "name_de": "Ziegenkäse mit Kräutern",
        "name_en": "",
        "reference": "",
        "category": "dairy-cheese",
        "description_de": "",
        "description_en": "",
        "package_size": "200",
        "package_unit": "g",
        "gtin": "",
        "organic_control_body": "",
        "gmo_free": "y",
        "species": "goat",
        "husbandry_level": "4",
        "ingredients-0-ingredient": "Ziegenmilch",
        "ingredients-0-share": "80",
        "ingredients-0-is_main": "y",
        "ingredients-0-is_value_determining": "y",
        "ingredients-0-origin": "Ziegenhof Wukensee / Ziegenhof",
        "ingredients-1-ingredient": "Kuhmilch",
        "ingredients-1-share": "15",
        "ingredients-1-origin": "Weide",
        "ingredients-2-ingredient": "Kräuter",
        "ingredients-2-share": "5",
        "ingredients-2-origin": "Italien",
        "ingredients-3-ingredient": "",
        "ingredients-3-share": "",
        "ingredients-3-origin": "",
        "stages-0-kind": "processing",
        "stages-0-site": str(dairy["dairy"].id),
        "stages-1-kind": "point_of_sale",
        "stages-1-site": str(dairy["dairy"].id),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def product_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Product))


def test_processed_product_with_three_ingredients_from_two_farms(app, client, dairy, mailbox):
    """Can a processor enter a cheese and see its regional share and transport kilometres?"""
    response = client.post("/catalogue/products/new", data=form(dairy))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "95 %" in page  # goat milk 80 + cow milk 15 from the region; herbs from Italy are not
    assert "Ziegenhof" in page and "Weide" in page and "km" in page
    with app.app_context():
        product = db.session.scalar(select(Product))
        figures = product.current_version.data["figures"]
        assert figures["regional_share"] == 95.0
        assert figures["main_ingredient_regional"] is True
        assert figures["distance_unknown"] == ["Kräuter"]
        legs = {(leg["from"]["name"], leg["to"]["name"]): leg["km"] for leg in figures["legs"]}
        assert legs[("Ziegenhof", "Käserei")] == pytest.approx(36.8, abs=1)
        assert product.reference == "A-0001"
        link = db.session.scalar(select(SupplierLink))
        assert link.site_id == dairy["goat_farm"].id and link.status == "pending"
    mail = mailbox.last("ziegen@example.org")
    assert "Lieferant" in mail["Subject"]


def test_mono_product_single_row_is_main(app, client, dairy):
    data = form(
        dairy,
        **{
            "ingredients-0-share": "100",
            "ingredients-0-is_main": None,
            "ingredients-1-ingredient": "",
            "ingredients-1-share": "",
            "ingredients-2-ingredient": "",
            "ingredients-2-share": "",
        },
    )
    assert client.post("/catalogue/products/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Product)).ingredients[0].is_main


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ingredients-1-share": "10"}, "95 %"),
        ({"ingredients-1-share": "-5"}, "0.01"),
        ({"ingredients-0-share": "140"}, "100"),
        ({"ingredients-1-is_main": "y"}, "genau eine Hauptzutat"),
        ({"ingredients-0-is_main": None}, "genau eine Hauptzutat"),
        ({"category": "spaceships"}, "Keine gültige Auswahl"),
        ({"gtin": "4006381333932"}, "falsche Prüfziffer"),
        ({"gtin": "12345"}, "8, 12, 13 oder 14 Ziffern"),
        ({"ingredients-0-origin": ""}, "woher die Zutat kommt"),
        ({"ingredients-0-origin": "Nirgendwohof"}, "keinen Ort namens „Nirgendwohof“"),
        ({"ingredients-2-origin": "Ort:"}, "keinen Ort namens „Ort:“"),
        ({"ingredients-0-ingredient": ""}, "benennen Sie die Zutat"),
        (
            {
                "ingredients-2-is_water_or_salt": "y",
                "ingredients-2-is_main": "y",
                "ingredients-0-is_main": None,
            },
            "Wasser oder Salz",
        ),
        ({"husbandry_level": "9"}, "Keine gültige Auswahl"),
        ({"stages-0-site": "999999"}, "Betriebsstätte"),
        ({"name_de": ""}, "Dieses Feld wird benötigt"),
    ],
)
def test_product_bad_input(app, client, dairy, changes, message):
    """Does every bad entry give a clear German message, a 400, and save nothing?"""
    response = client.post("/catalogue/products/new", data=form(dairy, **changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html, re.findall(r'class="error"[^>]*>([^<]*)<|<li>([^<]*)</li>', html)
    assert product_count(app) == 0


def test_gtin_is_padded_and_must_be_unique(app, client, dairy):
    assert client.post("/catalogue/products/new", data=form(dairy, gtin="4006381333931")).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Product.gtin)) == "04006381333931"
    response = client.post(
        "/catalogue/products/new", data=form(dairy, gtin="04006381333931", reference="B-1")
    )
    assert response.status_code == 400
    assert "bereits von einem anderen Produkt" in response.get_data(as_text=True)
    assert product_count(app) == 1


@pytest.mark.parametrize("gtin", ["96385074", "012345678905", "4006381333931", "04006381333931"])
def test_valid_gtins_of_every_length(app, client, dairy, gtin):
    assert client.post("/catalogue/products/new", data=form(dairy, gtin=gtin)).status_code == 302


def test_non_image_photo_is_refused(app, client, dairy):
    data = form(dairy)
    data["image"] = (io.BytesIO(b"MZ not an image"), "photo.jpg")
    response = client.post("/catalogue/products/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "kein lesbares Bild" in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_a_refused_product_comes_back_as_typed_without_its_photo(app, client, dairy):
    """Does a product the rules refuse come back on the form as typed, and leave no photo behind?"""
    assert client.post("/catalogue/products/new", data=form(dairy, gtin="4006381333931")).status_code == 302
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(photo, "JPEG")
    photo.seek(0)
    before = set(os.listdir(app.config["UPLOAD_DIR"]))
    data = {**form(dairy, gtin="4006381333931", reference="B-7"), "image": (photo, "kaese.jpg")}
    response = client.post("/catalogue/products/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "bereits von einem anderen Produkt" in html and 'value="B-7"' in html
    assert product_count(app) == 1
    assert set(os.listdir(app.config["UPLOAD_DIR"])) == before


def test_every_change_creates_a_version(app, client, dairy):
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    edit = f"/catalogue/products/{product_id}/edit"
    assert client.post(edit, data=form(dairy, reference="A-0001")).status_code == 302  # nothing changed
    assert (
        client.post(
            edit,
            data=form(
                dairy,
                reference="A-0001",
                name_de="Ziegenfrischkäse",
                **{"ingredients-1-share": "10", "ingredients-2-share": "10"},
            ),
        ).status_code
        == 302
    )
    with app.app_context():
        versions = db.session.scalars(select(ProductVersion).order_by(ProductVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].changes == ["created"]
        assert set(versions[1].changes) == {"product.name_de", "ingredients"}
        assert versions[1].created_by_id == dairy["owner"].id
        assert versions[0].data["product"]["name_de"] == "Ziegenkäse mit Kräutern"  # the old data is kept
        assert versions[1].data["figures"]["regional_share"] == 90.0
    page = client.get(f"/catalogue/products/{product_id}/versions/1").get_data(as_text=True)
    assert "Ziegenkäse mit Kräutern" in page
    assert client.get(f"/catalogue/products/{product_id}/versions/99").status_code == 404


def test_versions_cannot_be_changed_or_deleted(app, client, dairy):
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        version = db.session.scalar(select(ProductVersion))
        version.data = {"forged": True}
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()


def test_archiving_keeps_the_history(app, client, dairy):
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    assert client.post(f"/catalogue/products/{product_id}/archive", data={"archived": "1"}).status_code == 302
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert product.is_archived and len(product.versions) == 1
    assert "Ziegenkäse" not in client.get("/catalogue/products").get_data(as_text=True)
    assert "Ziegenkäse" in client.get("/catalogue/products?archived=1").get_data(as_text=True)


def test_supplier_confirms_and_provenance_records_it(app, client, dairy):
    client.post("/catalogue/products/new", data=form(dairy))
    supplier = app.test_client()
    supplier.post("/login", data={"email": "ziegen@example.org", "password": factories.PASSWORD})
    page = supplier.get("/catalogue/supplier-requests").get_data(as_text=True)
    assert "Ziegenkäse mit Kräutern" in page
    with app.app_context():
        link_id = db.session.scalar(select(SupplierLink.id))
    # The processor itself cannot answer for its supplier.
    assert (
        client.post(f"/catalogue/supplier-requests/{link_id}", data={"decision": "confirm"}).status_code
        == 403
    )
    assert (
        supplier.post(f"/catalogue/supplier-requests/{link_id}", data={"decision": "maybe"}).status_code
        == 400
    )
    assert (
        supplier.post(f"/catalogue/supplier-requests/{link_id}", data={"decision": "confirm"}).status_code
        == 302
    )
    with app.app_context():
        product = db.session.scalar(select(Product))
        assert len(product.versions) == 2
        goat_milk = product.current_version.data["ingredients"][0]
        assert goat_milk["supplier_confirmation"] == "confirmed"
    assert "vom Lieferanten bestätigt" in client.get(f"/catalogue/products/{product.id}").get_data(
        as_text=True
    )


def test_other_organisation_cannot_see_or_edit_product(app, client, dairy):
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    stranger = app.test_client()
    outsider = factories.user_with_role(app, "owner")
    stranger.post("/login", data={"email": outsider.email, "password": outsider.password})
    for path in (
        f"/catalogue/products/{product_id}",
        f"/catalogue/products/{product_id}/edit",
        f"/catalogue/products/{product_id}/versions/1",
        f"/catalogue/products/{product_id}/batches/new",
    ):
        assert stranger.get(path).status_code == 403, path
    assert stranger.post(f"/catalogue/products/{product_id}/edit", data=form(dairy)).status_code == 403
    assert (
        stranger.post(f"/catalogue/products/{product_id}/archive", data={"archived": "1"}).status_code == 403
    )


def test_own_site_of_another_org_cannot_be_claimed_as_own(app, client, dairy):
    """Naming a supplier's site makes it a supplier origin, never an own one."""
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product = db.session.scalar(select(Product))
        assert product.ingredients[0].origin_kind == "supplier_site"
        assert product.ingredients[1].origin_kind == "own_site"


def test_more_rows_button_adds_rows_without_saving(app, client, dairy):
    response = client.post("/catalogue/products/new", data=form(dairy, more="1"))
    assert response.status_code == 200
    assert 'name="ingredients-6-ingredient"' in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_edit_form_shows_the_saved_rows_once_and_saves_unchanged(app, client, dairy):
    """Opening the edit form and saving it untouched must work and create no new version."""
    client.post("/catalogue/products/new", data=form(dairy))
    with app.app_context():
        product_id = db.session.scalar(select(Product.id))
    page = client.get(f"/catalogue/products/{product_id}/edit").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page))
    data = {
        k: v
        for k, v in data.items()
        if not k.endswith(
            (
                "is_main",
                "is_value_determining",
                "is_water_or_salt",
                "gmo_free",
                "allergens",
                "allergen_traces",
                "allergen_free",
            )
        )
    }
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        data[name] = chosen.group(1) if chosen else ""
    for name in re.findall(r'<input checked[^>]*name="([^"]+)"', page):
        data[name] = "y"
    assert sum(1 for k, v in data.items() if k.endswith("-kind") and v) == 2  # two stages, each once
    assert client.post(f"/catalogue/products/{product_id}/edit", data=data).status_code == 302
    with app.app_context():
        assert len(db.session.get(Product, product_id).versions) == 1


def test_declined_supplier_no_longer_counts_as_regional(app, client, dairy, mailbox):
    client.post("/catalogue/products/new", data=form(dairy))
    supplier = app.test_client()
    supplier.post("/login", data={"email": "ziegen@example.org", "password": factories.PASSWORD})
    with app.app_context():
        link_id = db.session.scalar(select(SupplierLink.id))
    supplier.post(f"/catalogue/supplier-requests/{link_id}", data={"decision": "decline"})
    with app.app_context():
        figures = db.session.scalar(select(Product)).current_version.data["figures"]
    assert figures["regional_share"] == 15.0 and figures["main_ingredient_regional"] is False
    assert "abgelehnt" in mailbox.last(dairy["owner"].email).get_content()
