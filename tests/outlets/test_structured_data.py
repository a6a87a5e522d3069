"""An outlet's page as structured data: a local business of its kind's type with address, position, operator
and opening hours (regular, seasonal, past midnight, and the public holidays of its state), extracted as a
search engine reads it."""

from datetime import date

import pytest

from tests.outlets.test_outlets import at_berlin_time, create  # noqa: F401 (a fixture used here)
from tests.structured_data import (
    LOCAL_BUSINESS_RECOMMENDED,
    LOCAL_BUSINESS_REQUIRED,
    absolute,
    address,
    item,
    missing,
)
from vonhier.extensions import db
from vonhier.outlets.models import Outlet, OutletKind
from vonhier.outlets.structured import TYPES, opening_hours

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def spec(days, opens, closes, **more) -> dict:
    return {"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": opens, "closes": closes, **more}


def closed(day: str, name: str) -> dict:
    return {
        "@type": "OpeningHoursSpecification",
        "validFrom": day,
        "validThrough": day,
        "name": name,
        "opens": "00:00",
        "closes": "00:00",
    }


def test_a_farm_shop_is_a_grocery_store_with_address_position_operator_and_hours(
    app,
    login_as,
    at_berlin_time,  # noqa: F811 (the fixture imported above)
):
    owner = login_as("owner")
    outlet_id = create(
        app,
        owner.id,
        owner.organisation.id,
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; Sa 08:00-13:00; PH off",
    )
    at_berlin_time(2026, 12, 4, 10, 0)
    client = app.test_client()
    data = item(client.get(f"/outlets/{outlet_id}").get_data(as_text=True), "GroceryStore")
    assert missing(data, LOCAL_BUSINESS_REQUIRED + LOCAL_BUSINESS_RECOMMENDED) == []
    assert data["@id"] == data["url"] == f"http://localhost/outlets/{outlet_id}"
    assert data["name"] == "Hofladen Prenzlau" and data["description"] == "Käse und Milch vom Hof."
    assert data["address"] == address("Prenzlau", "Dorfstraße 3", "17291")
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 53.3167, "longitude": 13.8667}
    # The operator, under the @id its own profile gives it: a search engine joins the two.
    operator = data["parentOrganization"]
    assert operator["@type"] == "Organization" and operator["name"] == owner.organisation.display_name
    profile = item(
        client.get(f"/organisations/{owner.organisation.id}").get_data(as_text=True), "Organization"
    )
    assert operator["@id"] == profile["@id"] and absolute(operator["url"])
    # Weekday ranges and a split day: one specification per span, the weekdays of each together.
    assert data["openingHoursSpecification"] == [
        spec(WEEKDAYS, "09:00", "12:00"),
        spec(WEEKDAYS, "14:00", "18:00"),
        spec(["Saturday"], "08:00", "13:00"),
    ]
    # PH off: Brandenburg's holidays of the coming three months, closed (Google's 00:00 to 00:00).
    assert data["specialOpeningHoursSpecification"] == [
        closed("2026-12-25", "Erster Weihnachtstag"),
        closed("2026-12-26", "Zweiter Weihnachtstag"),
        closed("2027-01-01", "Neujahr"),
    ]
    english = item(client.get(f"/outlets/{outlet_id}?lang=en").get_data(as_text=True), "GroceryStore")
    assert english["specialOpeningHoursSpecification"][0]["name"] == "Christmas Day"


def test_public_holiday_hours_and_the_states_own_holidays():
    # Women's Day (8 March) is a holiday in Berlin, Easter Sunday in Brandenburg.
    expression = "Mo-Sa 08:00-18:00; PH 10:00-12:00"
    regular, special = opening_hours(expression, "BE", date(2027, 3, 1), "de")
    assert regular == (spec([*WEEKDAYS, "Saturday"], "08:00", "18:00"),)
    holidays = {entry["validFrom"]: (entry["name"], entry["opens"], entry["closes"]) for entry in special}
    assert holidays["2027-03-08"] == ("Frauentag", "10:00", "12:00")
    assert holidays["2027-05-01"] == ("Erster Mai", "10:00", "12:00")  # a Saturday: shorter hours
    assert "2027-03-28" not in holidays  # Easter Sunday is no holiday in Berlin
    _, brandenburg = opening_hours(expression, "BB", date(2027, 3, 1), "de")
    holidays = {entry["validFrom"]: (entry["name"], entry["opens"], entry["closes"]) for entry in brandenburg}
    assert "2027-03-08" not in holidays
    assert holidays["2027-03-28"] == ("Ostersonntag", "10:00", "12:00")  # a Sunday: open on the holiday
    # Hours that do not name PH are the same on a holiday: nothing special to say.
    assert opening_hours("Mo-Sa 08:00-18:00", "BE", date(2027, 3, 1), "de")[1] == ()


def test_all_day_past_midnight_and_changing_seasons():
    assert opening_hours("24/7", "BB", date(2026, 12, 4), "de") == (
        (spec([*WEEKDAYS, "Saturday", "Sunday"], "00:00", "23:59"),),
        (),
    )
    # Past midnight: one specification whose closing time is before its opening time, also when today is
    # the Saturday those hours end on.
    for today in (date(2026, 12, 4), date(2026, 12, 5)):
        assert opening_hours("Fr 22:00-02:00", "BB", today, "de") == (
            (spec(["Friday"], "22:00", "02:00"),),
            (),
        )
    # The Friday before a Saturday holiday (1 May) that is PH off closes at midnight.
    _, special = opening_hours("Fr 22:00-02:00; PH off", "BB", date(2027, 4, 24), "de")
    assert {"validFrom": "2027-04-30", "opens": "22:00", "closes": "23:59"}.items() <= special[0].items()
    # A market stand on Saturdays from April to October: each stretch of the coming three months with
    # the dates it holds; the Saturday hours begin on the first Saturday of April.
    regular, _ = opening_hours("Mo-Fr 09:00-18:00; Apr-Oct Sa 08:00-13:00", "BB", date(2027, 3, 1), "de")
    assert regular == (
        spec(WEEKDAYS, "09:00", "18:00", validFrom="2027-03-01", validThrough="2027-04-02"),
        spec(WEEKDAYS, "09:00", "18:00", validFrom="2027-04-03", validThrough="2027-11-05"),
        spec(["Saturday"], "08:00", "13:00", validFrom="2027-04-03", validThrough="2027-11-05"),
    )
    # A one-off day is an exception, not the end of the regular hours; hours every other week are not.
    regular, special = opening_hours("Mo-Fr 09:00-17:00; PH off; Dec 24 off", "BB", date(2026, 12, 4), "de")
    assert regular == (spec(WEEKDAYS, "09:00", "17:00"),)
    assert [entry["validFrom"] for entry in special] == ["2026-12-24", "2026-12-25", "2027-01-01"]
    assert "name" not in special[0] and special[0]["closes"] == "00:00"
    regular, _ = opening_hours("week 1-53/2 Sa 08:00-12:00", "BB", date(2026, 12, 4), "de")
    assert [(entry["validFrom"], entry["validThrough"]) for entry in regular[:2]] == [
        ("2026-12-04", "2026-12-11"),
        ("2026-12-19", "2026-12-25"),
    ]
    # Closed all year (or only "unknown"): no specification rather than a wrong one.
    assert opening_hours("off", "BB", date(2026, 12, 4), "de") == ((), ())


@pytest.mark.parametrize("kind", list(OutletKind))
def test_every_kind_has_its_type(app, login_as, kind):
    owner = login_as("owner")
    changes = {"kind": kind.value, "name": f"Verkauf {kind.value}"}
    if kind == OutletKind.DELIVERY:
        changes["delivery_radius_km"] = 40
    if kind == OutletKind.ONLINE_SHOP:
        changes["website"] = "https://shop.example.org"
    outlet_id = create(app, owner.id, owner.organisation.id, **changes)
    data = item(app.test_client().get(f"/outlets/{outlet_id}").get_data(as_text=True), TYPES[kind])
    if kind == OutletKind.ONLINE_SHOP:
        # An OnlineStore is an organisation without premises: no position, no hours to be there.
        assert "geo" not in data and "openingHoursSpecification" not in data
        assert data["sameAs"] == ["https://shop.example.org"] and data["address"]["addressLocality"]
        return
    assert missing(data, LOCAL_BUSINESS_REQUIRED + LOCAL_BUSINESS_RECOMMENDED) == []
    if kind == OutletKind.DELIVERY:
        assert data["areaServed"] == {
            "@type": "GeoCircle",
            "geoMidpoint": data["geo"],
            "geoRadius": 40000,
        }


def test_text_cannot_leave_the_script_element(app, login_as):
    owner = login_as("owner")
    hostile = "</script><script>alert(1)</script><!--"
    outlet_id = create(app, owner.id, owner.organisation.id)
    with app.app_context():
        db.session.get(Outlet, outlet_id).description = hostile  # past the form, as an import might
        db.session.commit()
    page = app.test_client().get(f"/outlets/{outlet_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert item(page, "GroceryStore")["description"] == hostile


def test_photos_are_absolute_addresses(app, login_as):
    from vonhier.outlets.models import OutletImage

    owner = login_as("owner")
    outlet_id = create(app, owner.id, owner.organisation.id)
    with app.app_context():
        db.session.add(OutletImage(outlet_id=outlet_id, filename="hofladen.webp", position=0))
        db.session.commit()
    data = item(app.test_client().get(f"/outlets/{outlet_id}").get_data(as_text=True), "GroceryStore")
    assert data["image"] == ["http://localhost/media/hofladen.webp"]
