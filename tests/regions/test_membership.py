"""Region membership by the configured pack's polygon (`region.pack()`): these tests hold for any pack
(`make test` runs them for the second pack too)."""

import csv

import pytest

from vonhier import region
from vonhier.geo import packs
from vonhier.geo.places import NEAR_REGION_KM

FAR_AWAY = (48.0, 2.0)  # south of Paris: outside every German region


def demo_points(name: str) -> list[tuple[str, float, float]]:
    with (region.pack().path / "demo" / name).open(encoding="utf-8-sig", newline="") as file:
        rows = csv.DictReader(file, delimiter=";")
        return [(r["name"], float(r["latitude"]), float(r["longitude"])) for r in rows if r["latitude"]]


def organisation_points() -> list[tuple[str, float, float]]:
    organisations = region.read_toml(region.pack().path / "demo" / "organisations.toml")["organisation"]
    return [(o["key"], o["lat"], o["lon"]) for o in organisations]


def test_every_demo_organisation_and_outlet_lies_inside_the_region():
    path = region.pack().path
    points = organisation_points() + demo_points("outlets.csv")
    assert [name for name, lat, lon in points if not packs.contains(path, lat, lon)] == []


def test_demo_sites_lie_inside_or_just_across_the_border():
    polygon = packs.read_polygon(region.pack().path)
    far = {
        name: km
        for name, lat, lon in demo_points("sites.csv")
        if (km := packs.km_outside_polygon(polygon, lat, lon)) > NEAR_REGION_KM
    }
    assert far == {}


def test_the_maps_centre_lies_inside_and_a_point_far_away_outside():
    pack = region.pack()
    assert packs.contains(pack.path, *pack.map_centre)
    assert not packs.contains(pack.path, *FAR_AWAY)


@pytest.fixture
def first_organisation():
    return organisation_points()[0]


def test_cli_region_contains_answers_for_the_configured_pack(app, first_organisation):
    runner = app.test_cli_runner()
    _name, lat, lon = first_organisation
    inside = runner.invoke(args=["region", "contains", str(lat), str(lon)])
    outside = runner.invoke(args=["region", "contains", *map(str, FAR_AWAY)])
    assert (inside.exit_code, inside.output.strip()) == (0, "inside")
    assert (outside.exit_code, outside.output.strip()) == (0, "outside")
