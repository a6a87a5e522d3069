"""Distances, the default region and the offline gazetteer."""

import pytest

from vonhier.geo import gazetteer
from vonhier.geo.services import contains, default_region, haversine_km

INSIDE = {
    "Potsdam": (52.3989, 13.0657),
    "Cottbus": (51.7563, 14.3329),
    "Frankfurt (Oder)": (52.3471, 14.5506),
    "Schwedt/Oder": (53.0615, 14.2822),
    "Wittenberge": (53.0, 11.75),
    "Berlin Alexanderplatz": (52.5219, 13.4132),
}
OUTSIDE = {
    "Magdeburg": (52.1205, 11.6276),
    "Dresden": (51.0504, 13.7373),
    "Słubice": (52.3504, 14.5606),
    "Pasewalk": (53.5063, 13.9899),
}


def test_alexanderplatz_to_potsdam_is_about_27_km():
    # Alexanderplatz → Potsdam's centre as GeoNames places it: 27.2 km in a straight line.
    km = haversine_km(52.5219, 13.4132, 52.39886, 13.06566)
    assert 26 <= km <= 27.5


def test_haversine_known_values():
    assert haversine_km(52.52, 13.40, 52.52, 13.40) == 0
    # One degree of latitude is about 111.2 km everywhere.
    assert haversine_km(52.0, 13.0, 53.0, 13.0) == pytest.approx(111.2, abs=0.1)
    # Berlin → Munich, a well-known ~504 km straight line.
    assert haversine_km(52.5200, 13.4050, 48.1351, 11.5820) == pytest.approx(504, abs=3)


@pytest.mark.parametrize(("place", "point"), INSIDE.items())
def test_places_inside_the_region(app, place, point):
    with app.app_context():
        assert contains(default_region(), *point), place


@pytest.mark.parametrize(("place", "point"), OUTSIDE.items())
def test_places_outside_the_region(app, place, point):
    with app.app_context():
        assert not contains(default_region(), *point), place


def test_region_is_stored_as_geojson_with_source_and_licence(app):
    with app.app_context():
        region = default_region()
        assert region.code == "BB-BE"
        assert "GeoNames" in region.source and "CC BY 4.0" in region.licence


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["52.3989", "13.0657"], "inside"), (["52.1205", "11.6276"], "outside"), (["-33.9", "18.4"], "outside")],
)
def test_cli_region_contains(app, args, expected):
    result = app.test_cli_runner().invoke(args=["region", "contains", *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected


@pytest.mark.parametrize("args", [["abc", "13"], ["95", "13"], ["52", "181"], ["52"], ["52,5", "13,4"]])
def test_cli_region_contains_rejects_bad_numbers(app, args):
    result = app.test_cli_runner().invoke(args=["region", "contains", *args])
    assert result.exit_code == 2
    assert "Error" in result.output


@pytest.mark.parametrize("spelling", ["Müncheberg", "muencheberg", "MUNCHEBERG", " Müncheberg "])
def test_gazetteer_finds_towns_in_any_spelling(spelling):
    found = gazetteer.lookup(spelling)
    assert found and found[0].state == "BB"
    assert found[0].latitude == pytest.approx(52.507, abs=0.01)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Lübben (Spreewald)", "Lübben (Spreewald)"),
        ("Lübben", "Lübben"),
        ("münchen", "München"),
        ("Frankfurt (Oder)", "Frankfurt (Oder)"),
    ],
)
def test_gazetteer_knows_official_names_and_shows_the_spelling_searched_for(name, shown):
    found = gazetteer.lookup(name, country=None)
    assert found[0].name == shown


def test_gazetteer_largest_place_first_and_unknown_names():
    assert gazetteer.lookup("Frankfurt (Oder)")[0].state == "BB"
    assert gazetteer.lookup("Xyzzyville") == []
    assert gazetteer.lookup("") == []


def test_points_at_sea_are_not_on_served_land():
    assert gazetteer.is_on_served_land(52.83, 13.82)  # Eberswalde
    assert not gazetteer.is_on_served_land(55.3, 15.9)  # the Baltic Sea between Rügen and Bornholm
    assert not gazetteer.is_on_served_land(0, 0)
