"""The Mitteldeutschland pack's own data: what its README and demo promise (run with
REGION=mitteldeutschland; skipped for every other pack)."""

import csv
import json
from datetime import datetime

import pytest
from shapely.geometry import shape

from vonhier import region
from vonhier.geo.build_region import area_km2
from vonhier.outlets import hours

pytestmark = pytest.mark.skipif(
    region.pack().key != "mitteldeutschland", reason="data of the Mitteldeutschland pack"
)

OFFICIAL_KM2 = 18_450 + 20_459 + 16_202  # Sachsen, Sachsen-Anhalt, Thüringen
BUSS_UND_BETTAG = datetime(2026, 11, 18, 12, 0)  # a Wednesday; a public holiday in Sachsen only


def demo_table(name: str) -> list[dict]:
    with (region.pack().path / "demo" / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def test_the_pack_covers_the_three_states_with_its_own_label():
    pack = region.pack()
    assert [(s.code, s.geonames) for s in pack.states] == [("SN", "13"), ("ST", "14"), ("TH", "15")]
    assert pack.label["name"] == "MITTENDRIN"
    assert (
        pack.label["colours"]["main"] != region.load(region.folder(region.DEFAULT)).label["colours"]["main"]
    )


def test_the_polygon_is_within_two_percent_of_the_official_area():
    geometry = shape(json.loads(region.pack().geojson())["features"][0]["geometry"])
    assert geometry.is_valid
    assert abs(area_km2(geometry) / OFFICIAL_KM2 - 1) < 0.02


def test_the_catalogue_allows_longer_routes_in_the_bigger_region():
    criteria = {c["rule_type"]: c["params"] for c in region.pack().catalogue()["criteria"]}
    assert criteria["regional_share"] == {"min_percent": 75}
    assert criteria["transport"] == {"max_leg_km": 120, "max_chain_km": 250}


def test_a_leipzig_outlet_takes_pre_orders_and_closes_on_buss_und_bettag():
    outlets = {(row["organisation"], row["name"]): row for row in demo_table("outlets")}
    offered = [outlets[row["organisation"], row["outlet"]] for row in demo_table("offers")]
    leipzig = [outlet for outlet in offered if outlet["town"] == "Leipzig"]
    assert leipzig
    shops = {row["organisation"]: row for row in demo_table("shops")}
    for outlet in leipzig:
        assert shops[outlet["organisation"]]["representative"]  # without one, the shop takes no orders
        # Closed in Sachsen on Buß- und Bettag; the same hours in Sachsen-Anhalt are open that day.
        assert not hours.is_open(outlet["opening_hours"], "SN", BUSS_UND_BETTAG)
        assert hours.is_open(outlet["opening_hours"], "ST", BUSS_UND_BETTAG)
