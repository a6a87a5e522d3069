"""States, time zone, places and map start come from the configured region pack: each test reads what
it expects from `region.pack()`, so it holds for any pack."""

import html

import icalendar
import pytest
from sqlalchemy import select

from vonhier import clock, region
from vonhier.arguments import Refused
from vonhier.catalogue.forms import SiteForm
from vonhier.certification.rules import default_criteria
from vonhier.extensions import db
from vonhier.geo import gazetteer
from vonhier.geo.places import STATES, resolve_place, state_name
from vonhier.geo.services import haversine_km
from vonhier.organisations.forms import OrganisationForm, state_choices
from vonhier.outlets.forms import OutletForm
from vonhier.outlets.models import Outlet

from ..outlets.test_outlets import create

PACK = region.pack()


@pytest.fixture
def german(app):
    with app.test_request_context("/?lang=de"):
        yield


def test_the_time_zone_is_the_packs(app):
    assert clock.zone() is PACK.timezone
    assert clock.local_now().tzinfo is PACK.timezone
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == PACK.timezone.key


def test_the_calendar_entry_names_the_packs_zone(app):
    from vonhier.orders import calendar

    zone = icalendar.Calendar.from_ical(calendar._zone().to_ical())
    assert zone["TZID"] == PACK.timezone.key


@pytest.mark.usefixtures("german")
def test_the_state_choices_start_with_the_packs_states():
    codes = [choice.value for choice in state_choices()]
    own = [state.code for state in PACK.states]
    assert codes[: len(own)] == own
    assert sorted(codes[:-1]) == sorted(STATES) and codes[-1] == ""  # every German state, then abroad
    assert OrganisationForm(meta={"csrf": False}).state.data == PACK.states[0].code


def test_states_are_named_by_the_pack_then_by_the_country():
    for state in PACK.states:
        assert (state_name(state.code, "de"), state_name(state.code, "en")) == (state.name_de, state.name_en)
    for code in (code for code in STATES if not PACK.state(code)):
        assert (state_name(code, "de"), state_name(code, "en")) == STATES[code]


@pytest.mark.usefixtures("german")
def test_the_district_hint_gives_the_packs_examples():
    hint = str(OrganisationForm(meta={"csrf": False}).district.description)
    assert all(f"„{name}“" in hint for name in PACK.examples["districts"])


@pytest.mark.usefixtures("german")
def test_the_approval_mark_example_names_the_first_state():
    form = SiteForm(meta={"csrf": False})
    assert f"DE {PACK.states[0].code} 12345 EG" in str(form.eu_approval_number.description)


@pytest.mark.usefixtures("german")
def test_the_holidays_hint_names_the_outlets_state_or_the_packs():
    for state in PACK.states:
        form = OutletForm(meta={"csrf": False})
        form.name_holidays(state.code)
        assert f"Feiertage in {state.name_de}," in str(form.opening_hours.description)
    form = OutletForm(meta={"csrf": False})
    form.name_holidays("")
    assert all(state.name_de in str(form.opening_hours.description) for state in PACK.states)


def test_the_outlet_page_names_its_states_holidays(app, client, login_as):
    owner = login_as("owner")
    place = PACK.examples["place"]
    found = gazetteer.postcode(PACK.examples["postcode"])  # the pin at the example place, in the pack
    outlet_id = create(
        app,
        owner.id,
        owner.organisation.id,
        town=place,
        postcode=PACK.examples["postcode"],
        street="",
        latitude=found.latitude,
        longitude=found.longitude,
    )
    with app.app_context():
        state = PACK.state(db.session.scalar(select(Outlet.state).where(Outlet.id == outlet_id)))
    assert state is not None  # the example place lies in one of the pack's states
    page = app.test_client().get(f"/outlets/{outlet_id}?lang=de").get_data(as_text=True)
    assert f"Feiertage: {state.name_de}." in page
    edit = html.unescape(client.get(f"/outlets/{outlet_id}/edit").get_data(as_text=True))
    assert f"Feiertage in {state.name_de}, wo die Verkaufsstelle liegt" in edit


def test_the_site_map_opens_on_the_packs_start(app, client, login_as):
    login_as("owner")
    page = client.get("/outlets/new").get_data(as_text=True)
    latitude, longitude = PACK.map_centre
    assert f'data-start-lat="{latitude}"' in page and f'data-start-lon="{longitude}"' in page
    assert f'data-start-zoom="{PACK.map_zoom}"' in page
    placeholder = f"z. B. {PACK.examples['place']} oder {PACK.examples['postcode']}"
    assert placeholder in client.get("/outlets/?lang=de").get_data(as_text=True)


def test_a_place_far_away_is_refused_naming_the_packs_region(app):
    centre = PACK.map_centre
    far = max(
        (gazetteer.lookup(town, limit=1)[0] for town in ("München", "Flensburg", "Aachen", "Görlitz")),
        key=lambda place: haversine_km(*centre, place.latitude, place.longitude),
    )
    with app.test_request_context("/?lang=de"), pytest.raises(Refused) as refused:
        resolve_place(far.name, reach_km=30)
    assert f"Wir suchen in {PACK.name('de')} und" in refused.value.description


def test_the_api_filters_outlets_by_the_packs_states(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["parameters"]["state"]["schema"]["enum"] == [s.code for s in PACK.states]
    assert client.get(f"/api/v1/outlets?state={PACK.states[0].code}").status_code == 200
    outside = next(code for code in STATES if not PACK.state(code))
    assert client.get(f"/api/v1/outlets?state={outside}").status_code == 400


def test_the_default_criteria_are_the_packs_catalogue():
    assert [c.code for c in default_criteria()] == [row["code"] for row in PACK.catalogue()["criteria"]]
