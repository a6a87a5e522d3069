"""Outlets: creating and editing by members, permissions, bad input on every field and URL, archiving,
photos, and the public page with its opening hours under a controlled clock."""

import io
import os
import re
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests import factories
from vonhier import clock
from vonhier.catalogue.models import Category
from vonhier.extensions import db
from vonhier.outlets.models import Outlet, OutletImage
from vonhier.provenance.models import ProductCode

OUTLET = {
    "name": "Hofladen Prenzlau",
    "kind": "farm_shop",
    "description": "Käse und Milch vom Hof.",
    "street": "Dorfstraße 3",
    "postcode": "17291",
    "town": "Prenzlau",
    "country": "DE",
    "latitude": "53.3167",
    "longitude": "13.8667",
    "opening_hours": "Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off",
    "website": "",
    "delivery_radius_km": "",
    "accepts_cash": "y",
    "accepts_card": "y",
    "accessibility": "Stufenloser Eingang.",
}


def outlet_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Outlet))


def category_id(app, slug="dairy-cheese"):
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.slug == slug))


def cheese(app, owner, name="Ziegenkäse"):
    return factories.product(
        app,
        owner.id,
        owner.organisation.id,
        [("Ziegenmilch", 99, "Prenzlau", False), ("Salz", 1, "Prenzlau", True)],
        name_de=name,
    )


@pytest.fixture
def at_berlin_time(monkeypatch):
    """Fix the platform's clock at a Berlin wall-clock time."""

    def fix(*args):
        local = datetime(*args, tzinfo=clock.zone())
        monkeypatch.setattr(clock, "utcnow", lambda: local.astimezone(clock.UTC).replace(tzinfo=None))

    return fix


def test_create_outlet_with_products_and_categories(app, client, login_as):
    owner = login_as("owner")
    product_id = cheese(app, owner)
    response = client.post(
        "/outlets/new",
        data={**OUTLET, "product_ids": [str(product_id)], "category_ids": [category_id(app, "eggs")]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        outlet = db.session.scalar(select(Outlet))
        assert outlet.organisation_id == owner.organisation.id
        assert (outlet.state, outlet.in_region, outlet.kind) == ("BB", True, "farm_shop")
        assert [p.id for p in outlet.products] == [product_id]
        assert [c.slug for c in outlet.categories] == ["eggs"]
        assert (outlet.accepts_cash, outlet.accepts_card, outlet.accepts_mobile) == (True, True, False)
    assert "Hofladen Prenzlau" in client.get("/outlets/manage").get_data(as_text=True)


def test_outlet_by_town_name_in_berlin_gets_berlin_holidays(app, client, login_as):
    login_as("owner")
    response = client.post(
        "/outlets/new",
        data={**OUTLET, "town": "Berlin", "postcode": "10435", "latitude": "", "longitude": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Outlet.state)) == "BE"


def test_an_outlet_pinned_far_from_its_town_is_saved_with_a_warning(app, client, login_as):
    login_as("owner")
    far = {**OUTLET, "town": "Eberswalde", "postcode": "16225"}  # the pin is Prenzlau's, ~54 km away
    page = client.post("/outlets/new", data=far, follow_redirects=True).get_data(as_text=True)
    assert "gespeichert" in page and "Die Stecknadel liegt 54 km von Eberswalde entfernt." in page
    page = client.post("/outlets/new", data=OUTLET, follow_redirects=True).get_data(as_text=True)
    assert "gespeichert" in page and "flash-warning" not in page
    assert outlet_count(app) == 2


def test_malformed_opening_hours_are_refused_with_the_place_of_the_error(app, client, login_as):
    login_as("owner")
    response = client.post(
        "/outlets/new", data={**OUTLET, "opening_hours": "Mo-Fr 09:00-18:00; Sa 08:00-1300"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "(Zeichen 29)" in page and "„08:00-1300“" in page
    assert outlet_count(app) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, None),
        ({"name": "x" * 121}, None),
        ({"kind": "castle"}, None),
        ({"town": ""}, None),
        ({"postcode": "1" * 11}, None),
        ({"country": "XX"}, None),
        ({"latitude": "north"}, None),
        ({"latitude": "91"}, None),
        ({"longitude": ""}, "beide Koordinaten"),
        ({"latitude": "55.5", "longitude": "18.0"}, "bekannten Ort"),  # the Baltic Sea
        ({"town": "Xyzzyhausen", "latitude": "", "longitude": ""}, "Xyzzyhausen"),
        ({"opening_hours": ""}, "Öffnungszeiten"),  # a farm shop needs them
        ({"opening_hours": "x" * 256}, None),
        ({"opening_hours": "Mo-Fr 09:00-18:00;"}, "zu früh"),
        ({"website": "javascript:alert(1)"}, "https://"),
        ({"website": "ftp://example.org"}, "https://"),
        ({"kind": "online_shop", "opening_hours": ""}, "Website"),
        ({"kind": "delivery", "opening_hours": ""}, "km"),
        ({"kind": "delivery", "delivery_radius_km": "0"}, None),
        ({"kind": "delivery", "delivery_radius_km": "500"}, None),
        ({"delivery_radius_km": "far"}, None),
        ({"accessibility": "x" * 501}, None),
        ({"description": "x" * 2001}, None),
        ({"product_ids": "abc"}, None),
        ({"product_ids": "999999"}, None),
        ({"category_ids": "999999"}, None),
    ],
)
def test_bad_input_on_every_field_saves_nothing(app, client, login_as, changes, message):
    login_as("owner")
    response = client.post("/outlets/new", data={**OUTLET, **changes})
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert outlet_count(app) == 0


def test_products_of_another_organisation_are_refused(app, client, login_as):
    other = factories.user_with_role(app, "owner")
    foreign = cheese(app, other)
    login_as("owner")
    response = client.post("/outlets/new", data={**OUTLET, "product_ids": [str(foreign)]})
    assert response.status_code == 400
    assert outlet_count(app) == 0


def test_online_shop_and_delivery_without_hours(app, client, login_as):
    login_as("owner")
    shop = {**OUTLET, "kind": "online_shop", "opening_hours": "", "website": "https://shop.example.org"}
    assert client.post("/outlets/new", data=shop).status_code == 302
    box = {**OUTLET, "kind": "delivery", "opening_hours": "", "delivery_radius_km": "40", "name": "Kiste"}
    assert client.post("/outlets/new", data=box).status_code == 302
    with app.app_context():
        radius = dict(db.session.execute(select(Outlet.name, Outlet.delivery_radius_km)).all())
    assert radius == {"Hofladen Prenzlau": None, "Kiste": 40}


def create(app, owner_id, organisation_id, **changes):
    from vonhier.outlets import services
    from vonhier.permissions import SYSTEM

    data = {**OUTLET, "latitude": 53.3167, "longitude": 13.8667, "delivery_radius_km": None, **changes}
    with app.app_context():
        outlet = services.save_outlet(SYSTEM, organisation_id, None, data)
        db.session.commit()
        return outlet.id


def test_edit_own_outlet(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    assert client.get(f"/outlets/{outlet_id}/edit").status_code == 200
    response = client.post(
        f"/outlets/{outlet_id}/edit", data={**OUTLET, "opening_hours": "24/7", "name": "Automat"}
    )
    assert response.status_code == 302
    with app.app_context():
        outlet = db.session.get(Outlet, outlet_id)
        assert (outlet.name, outlet.opening_hours) == ("Automat", "24/7")


def test_staff_may_edit_their_organisations_outlets(app, client, login_as):
    staff = login_as("staff")
    outlet_id = create(app, None, staff.organisation.id)
    assert client.post(f"/outlets/{outlet_id}/edit", data=OUTLET).status_code == 302


def test_a_failed_edit_changes_nothing(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    response = client.post(
        f"/outlets/{outlet_id}/edit", data={**OUTLET, "name": "Neu", "opening_hours": "Mo-Fr 9-18"}
    )
    assert response.status_code == 400
    with app.app_context():
        outlet = db.session.get(Outlet, outlet_id)
        assert (outlet.name, outlet.opening_hours) == ("Hofladen Prenzlau", OUTLET["opening_hours"])


def test_producer_cannot_touch_another_organisations_outlet(app, client, login_as):
    other = factories.user_with_role(app, "owner")
    outlet_id = create(app, other.id, other.organisation.id)
    login_as("owner")
    assert client.get(f"/outlets/{outlet_id}/edit").status_code == 403
    assert client.post(f"/outlets/{outlet_id}/edit", data={**OUTLET, "name": "Gekapert"}).status_code == 403
    assert client.post(f"/outlets/{outlet_id}/archive", data={"archived": "1"}).status_code == 403
    assert client.post(f"/outlets/{outlet_id}/images/1/delete").status_code == 403
    with app.app_context():
        outlet = db.session.get(Outlet, outlet_id)
        assert outlet.name == "Hofladen Prenzlau" and outlet.archived_at is None
    assert "Hofladen Prenzlau" not in client.get("/outlets/manage").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/outlets/999999/edit", "/outlets/999999", "/outlets/99999999999", "/outlets/abc", "/outlets/-1/edit"],
)
def test_unknown_outlets_are_not_found(client, login_as, path):
    login_as("owner")
    assert client.get(path).status_code == 404


def test_pages_need_the_right_role(app, client, login_as):
    assert client.get("/outlets/manage").status_code == 302  # to the sign-in page
    assert client.get("/outlets/new").status_code == 302
    login_as("user")  # signed in, but no organisation
    assert client.get("/outlets/manage").status_code == 403
    assert client.post("/outlets/new", data=OUTLET).status_code == 403
    assert outlet_count(app) == 0


def test_bad_archive_actions(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    for data in ({}, {"archived": "2"}, {"archived": "yes"}):
        assert client.post(f"/outlets/{outlet_id}/archive", data=data).status_code == 400
    assert client.get(f"/outlets/{outlet_id}/archive").status_code == 405
    assert client.post(f"/outlets/{outlet_id}/images/999/delete").status_code == 404


def test_archived_outlet_leaves_the_public_and_comes_back(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    assert client.post(f"/outlets/{outlet_id}/archive", data={"archived": "1"}).status_code == 302
    assert app.test_client().get(f"/outlets/{outlet_id}").status_code == 404
    assert "archiviert" in client.get("/outlets/manage").get_data(as_text=True)
    assert client.post(f"/outlets/{outlet_id}/archive", data={"archived": "0"}).status_code == 302
    assert app.test_client().get(f"/outlets/{outlet_id}").status_code == 200


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_photo_upload_and_removal(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    response = client.post(
        f"/outlets/{outlet_id}/edit",
        data={**OUTLET, "image": (_jpeg(), "laden.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        image = db.session.scalar(select(OutletImage))
        assert image.outlet_id == outlet_id
    assert image.filename in app.test_client().get(f"/outlets/{outlet_id}").get_data(as_text=True)
    bad = client.post(
        f"/outlets/{outlet_id}/edit",
        data={**OUTLET, "name": "Anders", "image": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    with app.app_context():
        assert db.session.get(Outlet, outlet_id).name == "Hofladen Prenzlau"
    assert client.post(f"/outlets/{outlet_id}/images/{image.id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutletImage)) == 0


def test_a_refused_outlet_comes_back_as_typed_without_its_photo(app, client, login_as):
    """Does an outlet the rules refuse come back on the form as typed, and leave no photo behind?"""
    foreign = cheese(app, factories.user_with_role(app, "owner"))
    login_as("owner")
    before = set(os.listdir(app.config["UPLOAD_DIR"]))
    data = {**OUTLET, "name": "Am Teich", "product_ids": [str(foreign)], "image": (_jpeg(), "laden.jpg")}
    response = client.post("/outlets/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'value="Am Teich"' in response.get_data(as_text=True)
    assert outlet_count(app) == 0
    assert set(os.listdir(app.config["UPLOAD_DIR"])) == before


def test_a_photo_over_the_limit_is_refused_and_not_kept(app, client, login_as):
    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    edit = f"/outlets/{outlet_id}/edit"
    for _ in range(6):
        data = {**OUTLET, "image": (_jpeg(), "laden.jpg")}
        assert client.post(edit, data=data, content_type="multipart/form-data").status_code == 302
    before = set(os.listdir(app.config["UPLOAD_DIR"]))
    data = {**OUTLET, "name": "Anders", "image": (_jpeg(), "laden.jpg")}
    response = client.post(edit, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Höchstens 6 Fotos je Verkaufsstelle." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Outlet, outlet_id).name == "Hofladen Prenzlau"
        assert db.session.scalar(select(func.count()).select_from(OutletImage)) == 6
    assert set(os.listdir(app.config["UPLOAD_DIR"])) == before


def test_public_page_open_now_and_products(app, client, login_as, at_berlin_time):
    owner = login_as("owner")
    listed = cheese(app, owner, "Ziegenkäse")
    with app.app_context():
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == listed))
        eggs = category_id(app, "eggs")
    outlet_id = create(
        app, owner.id, owner.organisation.id, product_ids=[listed], category_ids=[eggs], accepts_mobile=True
    )
    public = app.test_client()
    at_berlin_time(2026, 12, 4, 17, 30)  # a Friday
    page = public.get(f"/outlets/{outlet_id}").get_data(as_text=True)
    assert "Jetzt geöffnet" in page and "schließt um 18:00" in page
    assert f"http://localhost/p/{code}" in page and "Ziegenkäse" in page and "Eier" in page
    assert "bar, Karte, mobil" in page.replace("mobiles Bezahlen", "mobil")
    assert "Stufenloser Eingang." in page and "Dorfstraße 3" in page
    assert "Feiertage: Brandenburg" in page
    at_berlin_time(2026, 12, 4, 18, 0)
    assert "öffnet Samstag" in public.get(f"/outlets/{outlet_id}").get_data(as_text=True)
    at_berlin_time(2026, 10, 31, 10, 0)  # Reformation Day
    page = public.get(f"/outlets/{outlet_id}").get_data(as_text=True)
    assert "Jetzt geschlossen" in page and "Reformationstag" in page
    english = public.get(f"/outlets/{outlet_id}?lang=en").get_data(as_text=True)
    assert "Closed now" in english and "Reformation Day" in english


def test_public_page_does_not_list_archived_products(app, client, login_as):
    owner = login_as("owner")
    product_id = cheese(app, owner, "Alter Käse")
    outlet_id = create(app, owner.id, owner.organisation.id, product_ids=[product_id])
    client.post(f"/catalogue/products/{product_id}/archive", data={"archived": "1"})
    assert "Alter Käse" not in app.test_client().get(f"/outlets/{outlet_id}").get_data(as_text=True)


def test_organisation_profile_lists_its_public_outlets(app, client, login_as):
    owner = login_as("owner")
    create(app, owner.id, owner.organisation.id)
    archived = create(app, owner.id, owner.organisation.id, name="Alter Stand", kind="market_stand")
    client.post(f"/outlets/{archived}/archive", data={"archived": "1"})
    page = app.test_client().get(f"/organisations/{owner.organisation.id}").get_data(as_text=True)
    assert "Hofladen Prenzlau" in page and "Alter Stand" not in page


def test_unreadable_product_choice_is_a_form_error(client, login_as):
    login_as("owner")
    response = client.post("/outlets/new", data={**OUTLET, "product_ids": "abc"})
    assert response.status_code == 400
    assert "Invalid choice" not in response.get_data(as_text=True)  # a German message, not WTForms' English


def test_outlet_forms_need_the_csrf_token(app, make_app):
    """With CSRF switched on, a forged create or archive is refused and changes nothing."""
    owner = factories.user_with_role(app, "owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    protected = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = protected.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    signed_in = protected.post(
        "/login", data={"email": owner.email, "password": owner.password, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    assert protected.post("/outlets/new", data={**OUTLET, "name": "Ohne Token"}).status_code == 400
    assert protected.post(f"/outlets/{outlet_id}/archive", data={"archived": "1"}).status_code == 400
    assert (
        protected.post(f"/outlets/{outlet_id}/edit", data={**OUTLET, "csrf_token": "forged"}).status_code
        == 400
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Outlet)) == 1
        assert db.session.get(Outlet, outlet_id).archived_at is None
