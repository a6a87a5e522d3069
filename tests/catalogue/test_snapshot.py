"""The computed figures of a product: regional share, regional checks, transport legs."""

import pytest

from vonhier.catalogue.snapshot import figures

FARM = {
    "site_id": 1,
    "name": "Hof",
    "town": "Prenzlau",
    "lat": 53.3167,
    "lon": 13.8667,
    "in_region": True,
    "organisation": "Hof",
    "organisation_id": 1,
    "kind": "farm",
}
DAIRY = {
    "site_id": 2,
    "name": "Käserei",
    "town": "Angermünde",
    "lat": 53.0167,
    "lon": 13.9994,
    "in_region": True,
    "organisation": "Käserei",
    "organisation_id": 2,
    "kind": "dairy",
}
SHOP = {
    "site_id": 3,
    "name": "Bioladen",
    "town": "Berlin",
    "lat": 52.5219,
    "lon": 13.4132,
    "in_region": True,
    "organisation": "Laden",
    "organisation_id": 3,
    "kind": "shop",
}
ABROAD = {
    "site_id": None,
    "name": "Italien",
    "town": "Italien",
    "lat": None,
    "lon": None,
    "in_region": False,
    "organisation": None,
    "organisation_id": None,
    "kind": None,
}
MAGDEBURG = {
    "site_id": None,
    "name": "Magdeburg",
    "town": "Magdeburg",
    "lat": 52.1205,
    "lon": 11.6276,
    "in_region": False,
    "organisation": None,
    "organisation_id": None,
    "kind": None,
}


def ingredient(name, share, origin, main=False, value=False, water=False):
    return {
        "name": name,
        "share": share,
        "origin": origin,
        "is_main": main,
        "is_value_determining": value,
        "is_water_or_salt": water,
    }


def stage(kind, site):
    return {"kind": kind, "site": site}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([ingredient("Milch", 100, FARM, main=True)], 100.0),
        ([ingredient("Mehl", 70, FARM, main=True), ingredient("Zucker", 30, MAGDEBURG)], 70.0),
        ([ingredient("Mehl", 69.5, FARM, main=True), ingredient("Zucker", 30.5, MAGDEBURG)], 69.5),
        # Water and salt count neither as regional nor as non-regional.
        (
            [
                ingredient("Mehl", 56, FARM, main=True),
                ingredient("Zucker", 24, MAGDEBURG),
                ingredient("Wasser", 18, DAIRY, water=True),
                ingredient("Salz", 2, ABROAD, water=True),
            ],
            70.0,
        ),
        ([ingredient("Salz", 100, ABROAD, water=True)], None),
    ],
)
def test_regional_share(rows, expected):
    assert figures(rows, [])["regional_share"] == expected


def test_main_and_value_determining_ingredients():
    rows = [
        ingredient("Basilikum", 40, FARM, main=True, value=True),
        ingredient("Olivenöl", 35, ABROAD, value=True),
        ingredient("Käse", 25, DAIRY),
    ]
    result = figures(rows, [])
    assert result["main_ingredient_regional"] is True
    assert result["value_determining_regional"] is False
    assert result["distance_unknown"] == ["Olivenöl"]


def test_legs_and_chain_length():
    rows = [ingredient("Milch", 98, FARM, main=True), ingredient("Salz", 2, MAGDEBURG, water=True)]
    stages = [stage("processing", DAIRY), stage("packing", DAIRY), stage("point_of_sale", SHOP)]
    result = figures(rows, stages)
    farm_to_dairy = result["legs"][0]
    assert (farm_to_dairy["from"]["name"], farm_to_dairy["to"]["name"]) == ("Hof", "Käserei")
    assert farm_to_dairy["km"] == pytest.approx(34.2, abs=0.5)
    assert [leg["km"] for leg in result["legs"][1:]] == [0.0, pytest.approx(67.7, abs=0.2)]
    # Water and salt travel no leg of their own; the chain is the longest way a raw material travels.
    assert len(result["legs"]) == 3
    assert result["chain_km"] == pytest.approx(34.2 + 67.7, abs=0.3)
    assert result["longest_leg_km"] == pytest.approx(67.7, abs=0.2)
    assert result["processing_in_region"] is True


def test_two_ingredients_from_one_site_make_one_leg():
    rows = [ingredient("Milch", 90, FARM, main=True), ingredient("Sahne", 10, FARM)]
    result = figures(rows, [stage("processing", DAIRY)])
    assert len(result["legs"]) == 1


def test_no_stages_means_no_chain():
    result = figures([ingredient("Eier", 100, FARM, main=True)], [])
    assert result["legs"] == [] and result["chain_km"] is None and result["processing_in_region"] is None


def test_processing_outside_the_region():
    outside_dairy = {**DAIRY, "in_region": False}
    result = figures([ingredient("Milch", 100, FARM, main=True)], [stage("processing", outside_dairy)])
    assert result["processing_in_region"] is False
