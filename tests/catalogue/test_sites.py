"""Sites: by map pin or town name, region membership, bad coordinates, permissions."""

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.catalogue.models import Site
from vonhier.extensions import db

SITE = {
    "name": "Hauptbetrieb",
    "kind": "farm",
    "street": "Dorfstraße 3",
    "postcode": "17291",
    "town": "Prenzlau",
    "country": "DE",
    "latitude": "53.3167",
    "longitude": "13.8667",
    "eu_approval_number": "",
    "organic_operator_id": "",
    "husbandry_id": "",
}


def site_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Site))


def test_create_site_by_map_pin(app, client, login_as):
    owner = login_as("owner")
    response = client.post("/catalogue/sites/new", data=SITE)
    assert response.status_code == 302
    with app.app_context():
        site = db.session.scalar(select(Site))
        assert site.organisation_id == owner.organisation.id
        assert (site.latitude, site.longitude, site.in_region) == (53.3167, 13.8667, True)
    assert "in der Region" in client.get("/catalogue/sites").get_data(as_text=True)


def test_a_pin_far_from_its_town_is_saved_with_a_warning(app, client, login_as):
    login_as("owner")
    # Prenzlau's address with a pin in Cottbus (~176 km): saved, since villages missing from the
    # gazetteer must stay possible, but the owner is asked to check.
    far = {**SITE, "latitude": "51.756", "longitude": "14.333"}
    page = client.post("/catalogue/sites/new", data=far, follow_redirects=True).get_data(as_text=True)
    assert (
        "flash-warning" in page
        and "Bitte prüfen Sie den Ort: Die Stecknadel liegt 176 km von Prenzlau entfernt." in page
    )
    # A pin in the town, or a town the gazetteer does not know: no warning.
    for town, lat, lon in (("Prenzlau", "53.30", "13.90"), ("Kleinkleckersdorf", "51.756", "14.333")):
        data = {**SITE, "name": town, "town": town, "latitude": lat, "longitude": lon}
        page = client.post("/catalogue/sites/new", data=data, follow_redirects=True).get_data(as_text=True)
        assert "gespeichert" in page and "flash-warning" not in page, town
    assert site_count(app) == 3
    # Abroad, the town is looked up in its own country: Słubice (PL) lies across the Oder from
    # Frankfurt; there is another Słubice in central Poland, so either is near enough.
    abroad = {**SITE, "name": "Lager PL", "town": "Słubice", "country": "PL", "postcode": "69-100"}
    for lat, lon, warned in (("52.35", "14.56", False), ("53.3167", "13.8667", True)):
        page = client.post(
            "/catalogue/sites/new", data={**abroad, "latitude": lat, "longitude": lon}, follow_redirects=True
        ).get_data(as_text=True)
        assert "gespeichert" in page and ("flash-warning" in page) is warned, (lat, lon)


def test_create_site_by_town_name(app, client, login_as):
    login_as("owner")
    response = client.post(
        "/catalogue/sites/new", data={**SITE, "town": "Müncheberg", "latitude": "", "longitude": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        site = db.session.scalar(select(Site))
        assert site.latitude == pytest.approx(52.50, abs=0.05) and site.longitude == pytest.approx(
            14.14, abs=0.05
        )
        assert site.in_region


def test_site_outside_the_region(app, client, login_as):
    login_as("owner")
    client.post("/catalogue/sites/new", data={**SITE, "town": "Magdeburg", "latitude": "", "longitude": ""})
    with app.app_context():
        assert db.session.scalar(select(Site.in_region)) is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "95"}, "-90"),
        ({"longitude": "-181"}, "-180"),
        ({"latitude": "abc"}, "keine Zahl"),
        ({"latitude": "NaN"}, "keine Zahl"),
        ({"latitude": "1e400"}, "zu groß"),
        ({"longitude": ""}, "beide"),
        ({"latitude": "55.3", "longitude": "15.9"}, "auf See"),
        ({"latitude": "", "longitude": "", "town": "Xyzzyville"}, "kennen den Ort"),
        ({"kind": "castle"}, "Keine gültige Auswahl"),
        ({"name": ""}, "Dieses Feld wird benötigt"),
        ({"eu_approval_number": "12345"}, "DE BB 12345 EG"),
        ({"husbandry_id": "abc"}, "12 bis 15 Ziffern"),
        ({"name": "x" * 121}, "120 Zeichen"),
    ],
)
def test_site_bad_input(app, client, login_as, changes, message):
    login_as("owner")
    response = client.post("/catalogue/sites/new", data={**SITE, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert site_count(app) == 0


def test_other_organisation_cannot_edit_site(app, client, login_as):
    login_as("owner")
    stranger = factories.user_with_role(app, "owner")
    foreign = factories.site(app, stranger.organisation.id)
    assert client.get(f"/catalogue/sites/{foreign.id}/edit").status_code == 403
    assert client.post(f"/catalogue/sites/{foreign.id}/edit", data=SITE).status_code == 403
    assert client.post(f"/catalogue/sites/{foreign.id}/archive", data={"archived": "1"}).status_code == 403
    assert client.get("/catalogue/sites/999999/edit").status_code == 404


def test_archive_and_reactivate_site(app, client, login_as):
    owner = login_as("owner")
    own = factories.site(app, owner.organisation.id)
    assert client.post(f"/catalogue/sites/{own.id}/archive", data={"archived": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Site, own.id).archived_at is not None
    client.post(f"/catalogue/sites/{own.id}/archive", data={"archived": "0"})
    with app.app_context():
        assert db.session.get(Site, own.id).archived_at is None


def test_catalogue_needs_an_organisation(client, login_as):
    login_as("user")
    assert client.get("/catalogue/").status_code == 403
    assert client.get("/catalogue/sites/new").status_code == 403


def test_place_lookup_json(client, login_as):
    login_as("owner")
    data = client.get("/catalogue/places?q=Eberswalde").json
    assert data["places"][0]["label"] == "Eberswalde (BB)"
    response = client.get("/catalogue/places?q=" + "x" * 200)
    assert response.status_code == 400 and response.json["error"]["message"]
    assert client.get("/catalogue/places?q=zzzzqqq").json == {"places": []}


def test_newcomer_without_organisation_is_told_what_to_do(client, login_as):
    login_as("user")
    response = client.get("/catalogue/")
    assert response.status_code == 403
    assert "Bitte registrieren Sie zuerst Ihren Betrieb" in response.get_data(as_text=True)
