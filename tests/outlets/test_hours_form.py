"""The outlet form's opening hours without JavaScript: the weekday grid posted as plain fields and
written as the expression by the server, the grid filled again from what was stored, expressions the
grid cannot show opening in text mode, and each refusal shown at its day with everything typed kept."""

import re

import pytest
from sqlalchemy import select

from vonhier.extensions import db
from vonhier.outlets.models import Outlet

from .test_outlets import OUTLET, outlet_count

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
EMPTY_GRID = {f"{day}-{part}{slot}": "" for day in DAYS for part in ("start", "end") for slot in (1, 2)}
SHOP_GRID = {
    **EMPTY_GRID,
    **{f"{day}-start1": "09:00" for day in DAYS[:5]},
    **{f"{day}-end1": "18:00" for day in DAYS[:5]},
    "sa-start1": "08:00",
    "sa-end1": "12:00",
    "holidays_closed": "y",
}
SHOP = "Mo-Fr 09:00-18:00; Sa 08:00-12:00; PH off"


def by_grid(**changes) -> dict:
    """The outlet form as a browser sends it in grid mode (the text field holds the old expression)."""
    data = {**OUTLET, **SHOP_GRID, "hours_mode": "grid", "opening_hours": "stale text", "hours_note": ""}
    for key, value in changes.items():
        if value is None:
            data.pop(key.replace("_", "-", 1) if key[:2] in DAYS else key, None)
        else:
            data[key.replace("_", "-", 1) if key[:2] in DAYS else key] = value
    return data


def stored(app) -> tuple[str, str]:
    with app.app_context():
        outlet = db.session.scalar(select(Outlet))
        return outlet.opening_hours, outlet.hours_note


def value_of(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def text_of(page: str, name: str = "opening_hours") -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.S)
    assert found, name
    return found.group(1).replace("&#34;", '"')


def checked(page: str, name: str, value: str | None = None) -> bool:
    pattern = rf'<input[^>]*name="{name}"[^>]*' + (rf'value="{value}"[^>]*' if value else "")
    found = re.search(pattern + ">", page)
    return bool(found) and "checked" in found.group(0)


def test_the_grid_is_saved_as_the_expression(app, client, login_as):
    login_as("owner")
    response = client.post("/outlets/new", data=by_grid(hours_note="Im Winter samstags geschlossen."))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(app) == (SHOP, "Im Winter samstags geschlossen.")
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id))
    public = client.get(f"/outlets/{outlet_id}").get_data(as_text=True)
    assert "Im Winter samstags geschlossen." in public
    assert "09:00–18:00" in public  # the week table still reads the expression


def test_the_form_round_trips_without_javascript(app, client, login_as):
    """Opened again, the grid shows what was saved; sent back unchanged, nothing changes."""
    login_as("owner")
    lunch = by_grid(we_start2="14:00", we_end2="18:00", we_end1="12:00", su_start1="10:00", su_end1="11:30")
    assert client.post("/outlets/new", data=lunch).status_code == 302
    expression = "Mo,Tu,Th,Fr 09:00-18:00; We 09:00-12:00,14:00-18:00; Sa 08:00-12:00; Su 10:00-11:30; PH off"
    assert stored(app)[0] == expression
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id))
    page = client.get(f"/outlets/{outlet_id}/edit").get_data(as_text=True)
    assert checked(page, "hours_mode", "grid") and not checked(page, "hours_mode", "text")
    assert checked(page, "holidays_closed")
    sent = {name: value_of(page, name) for name in EMPTY_GRID}
    assert sent == {name: lunch[name] for name in EMPTY_GRID}
    assert 'type="time"' in page
    assert client.post(f"/outlets/{outlet_id}/edit", data={**lunch, **sent}).status_code == 302
    assert stored(app)[0] == expression


@pytest.mark.parametrize(
    "expression",
    ["Jan-Mar Sa 09:00-12:00; Apr-Dec Mo-Sa 09:00-18:00", "Mo-Fr sunrise-sunset", "Fr 22:00-02:00", "24/7"],
)
def test_an_expression_beyond_the_grid_opens_in_text_mode_and_is_kept(app, client, login_as, expression):
    login_as("owner")
    assert client.post("/outlets/new", data={**OUTLET, "opening_hours": expression}).status_code == 302
    with app.app_context():
        outlet_id = db.session.scalar(select(Outlet.id))
    page = client.get(f"/outlets/{outlet_id}/edit").get_data(as_text=True)
    assert checked(page, "hours_mode", "text") and not checked(page, "hours_mode", "grid")
    assert text_of(page) == expression
    # The grid (shown when the grid mode is chosen) says why it is empty.
    assert "Die Wochentabelle kann die jetzigen Öffnungszeiten" in page
    # Sent back in text mode (as the browser does), the expression stays as it was.
    data = {**OUTLET, **EMPTY_GRID, "hours_mode": "text", "opening_hours": expression}
    assert client.post(f"/outlets/{outlet_id}/edit", data=data).status_code == 302
    assert stored(app)[0] == expression


def test_text_mode_saves_what_the_expert_typed(app, client, login_as):
    login_as("owner")
    data = by_grid(hours_mode="text", opening_hours="We,Sa 08:00-13:00")
    assert client.post("/outlets/new", data=data).status_code == 302
    assert stored(app)[0] == "We,Sa 08:00-13:00"  # the grid's fields are not read in text mode


def test_text_mode_still_refuses_what_is_not_osm(app, client, login_as):
    login_as("owner")
    response = client.post(
        "/outlets/new", data=by_grid(hours_mode="text", opening_hours="Mo-Fr 9-18 Uhr, Sa 8-12")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert text_of(page) == "Mo-Fr 9-18 Uhr, Sa 8-12"
    assert checked(page, "hours_mode", "text")
    assert outlet_count(app) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mo_end1": "08:00"}, "mo-end1", "Die Schließzeit 08:00 liegt nicht nach der Öffnungszeit 09:00."),
        ({"tu_end1": ""}, "tu-end1", "Bitte geben Sie Öffnungs- und Schließzeit ein, oder keine von beiden."),
        ({"we_start1": ""}, "we-start1", "oder keine von beiden"),
        ({"th_start2": "17:00", "th_end2": "19:00"}, "th-start2", "(09:00–18:00 und 17:00–19:00)"),
        ({"fr_start2": "12:00", "fr_end2": ""}, "fr-end2", "oder keine von beiden"),
        ({"sa_start1": "25:00"}, "sa-start1", "zwischen 00:00 und 23:59"),
        ({"su_start1": "9 Uhr", "su_end1": "12:00"}, "su-start1", "zwischen 00:00 und 23:59"),
    ],
)
def test_a_refused_range_is_shown_at_its_day_keeping_everything_typed(
    app, client, login_as, changes, field, message
):
    login_as("owner")
    data = by_grid(name="Neuer Hofladen", hours_note="Nur im Sommer", **changes)
    response = client.post("/outlets/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    day = field[:2]
    assert f'id="{day}-error">' in page and message in page.split(f'id="{day}-error">')[1].split("</p>")[0]
    assert re.search(
        rf'<input[^>]*aria-invalid="true"[^>]*id="{field}"|<input[^>]*id="{field}"[^>]*aria-invalid', page
    )
    for name in EMPTY_GRID:  # every time as typed, the wrong one included
        assert value_of(page, name) == data[name], name
    assert value_of(page, "name") == "Neuer Hofladen" and value_of(page, "hours_note") == "Nur im Sommer"
    assert checked(page, "holidays_closed") and checked(page, "hours_mode", "grid")
    assert outlet_count(app) == 0


def test_an_empty_grid_for_a_farm_shop_says_so_above_the_grid(app, client, login_as):
    login_as("owner")
    response = client.post("/outlets/new", data={**by_grid(), **EMPTY_GRID})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="hours-grid-error">Bitte die Öffnungszeiten angeben' in page
    assert outlet_count(app) == 0


def test_an_empty_grid_is_fine_for_a_delivery_scheme(app, client, login_as):
    login_as("owner")
    data = {**by_grid(kind="delivery", delivery_radius_km="30"), **EMPTY_GRID, "holidays_closed": "y"}
    assert client.post("/outlets/new", data=data).status_code == 302
    assert stored(app)[0] == ""


def test_a_new_outlet_opens_with_an_empty_grid(client, login_as):
    login_as("owner")
    page = client.get("/outlets/new").get_data(as_text=True)
    assert checked(page, "hours_mode", "grid")
    assert all(value_of(page, name) == "" for name in EMPTY_GRID)


def test_the_form_in_english(client, login_as):
    login_as("owner")
    response = client.post(
        "/outlets/new?lang=en", data=by_grid(mo_end1="08:00"), headers={"Accept-Language": "en"}
    )
    page = response.get_data(as_text=True)
    assert "The closing time 08:00 is not after the opening time 09:00." in page
    assert "Closed on public holidays" in page and "Monday" in page
