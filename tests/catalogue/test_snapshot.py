"""The computed figures of a product: regional share, regional checks, transport legs."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from vonhier.catalogue.models import OriginKind, SiteKind, Species, StageKind
from vonhier.catalogue.snapshot import _decimal_text, allergens, build, changes, figures

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


# --- scenarios that pin the figures the criteria judge (each once broke unnoticed under mutation) ---

SCHWEDT = {
    **DAIRY,
    "site_id": 4,
    "name": "Mühle Schwedt",
    "town": "Schwedt/Oder",
    "lat": 53.0621,
    "lon": 14.2820,
    "kind": "mill",
}
FRANKFURT = {
    **SHOP,
    "site_id": 5,
    "name": "Packstelle Frankfurt",
    "town": "Frankfurt (Oder)",
    "lat": 52.3471,
    "lon": 14.5506,
    "kind": "packing",
}
HAMBURG = {**SHOP, "site_id": 6, "name": "Abfüller Hamburg", "town": "Hamburg", "lat": 53.5511, "lon": 9.9937}
HAMBURG["in_region"] = False
EBERSWALDE = {**MAGDEBURG, "name": "Imkerei Eberswalde", "town": "Eberswalde", "lat": 52.8333, "lon": 13.8167}
EBERSWALDE["in_region"] = True


def test_packing_outside_the_region_fails_processing_in_region():
    """VH-R3: baked in Berlin but packed in Hamburg is not processed and packed in the region."""
    stages = [stage("processing", SHOP), stage("packing", HAMBURG), stage("point_of_sale", SHOP)]
    result = figures([ingredient("Mehl", 100, FARM, main=True)], stages)
    assert result["processing_in_region"] is False
    # Storage and sale outside the region are no processing.
    stages = [stage("processing", SHOP), stage("storage", HAMBURG), stage("point_of_sale", HAMBURG)]
    assert figures([ingredient("Mehl", 100, FARM, main=True)], stages)["processing_in_region"] is True


def test_each_unregistered_origin_travels_its_own_leg():
    """VH-L1: honey from Eberswalde (44 km) and sugar from Magdeburg (129 km), both unregistered,
    are two legs; the longest is Magdeburg's, not the first one found."""
    rows = [ingredient("Honig", 30, EBERSWALDE, main=True), ingredient("Zucker", 70, MAGDEBURG)]
    result = figures(rows, [stage("processing", SHOP), stage("point_of_sale", SHOP)])
    legs = [(leg["from"]["name"], leg["to"]["name"], leg["km"], leg["ingredient"]) for leg in result["legs"]]
    assert legs == [
        ("Imkerei Eberswalde", "Bioladen", 44.0, "Honig"),
        ("Magdeburg", "Bioladen", 129.3, "Zucker"),
        ("Bioladen", "Bioladen", 0.0, None),
    ]
    assert result["longest_leg_km"] == 129.3
    assert result["chain_km"] == 129.3
    assert result["distance_unknown"] == []


def test_the_chain_adds_up_every_stage_leg():
    """VH-L1 chain: Prenzlau → mill in Schwedt 39.6 → packing in Frankfurt (Oder) 81.5 → Berlin 79.5
    is 200.6 km (over 200), though no single leg reaches 100 km."""
    stages = [stage("processing", SCHWEDT), stage("packing", FRANKFURT), stage("point_of_sale", SHOP)]
    result = figures([ingredient("Roggen", 100, FARM, main=True)], stages)
    assert [leg["km"] for leg in result["legs"]] == [39.6, 81.5, 79.5]
    assert [leg["ingredient"] for leg in result["legs"]] == ["Roggen", None, None]
    assert result["chain_km"] == 200.6
    assert result["longest_leg_km"] == 81.5


@pytest.mark.parametrize("far_first", [True, False])
def test_the_chain_follows_the_longest_route_of_any_raw_material(far_first):
    """Sugar from Magdeburg (129.3 km) and flour from Prenzlau (93.5 km) to a Berlin bakery: the chain
    is the sugar's way, whichever raw material is listed last."""
    rows = [ingredient("Zucker", 20, MAGDEBURG), ingredient("Mehl", 80, FARM, main=True)]
    if not far_first:
        rows.reverse()
    result = figures(rows, [stage("processing", SHOP), stage("point_of_sale", DAIRY)])
    assert result["chain_km"] == 129.3 + 67.7
    assert result["longest_leg_km"] == 129.3


def test_water_and_salt_travel_no_leg_and_do_not_lengthen_the_chain():
    rows = [ingredient("Milch", 98, FARM, main=True), ingredient("Salz", 2, MAGDEBURG, water=True)]
    result = figures(rows, [stage("processing", SHOP)])
    assert [leg["from"]["name"] for leg in result["legs"]] == ["Hof"]
    assert result["chain_km"] == 93.5


def test_an_origin_without_coordinates_travels_no_known_leg():
    rows = [ingredient("Olivenöl", 10, ABROAD), ingredient("Mehl", 90, FARM, main=True)]
    result = figures(rows, [stage("processing", SHOP)])
    assert [leg["from"]["name"] for leg in result["legs"]] == ["Hof"]
    assert result["distance_unknown"] == ["Olivenöl"]
    assert result["chain_km"] == 93.5


# --- the snapshot of a product as stored with each version -------------------------------------------


def _site(site_id, name, town, kind, org, lat, lon, in_region=True):
    return SimpleNamespace(
        id=site_id,
        name=name,
        town=town,
        kind=SiteKind(kind),
        organisation_id=org.id,
        organisation=org,
        latitude=lat,
        longitude=lon,
        in_region=in_region,
    )


def _row(
    name, share, *, origin_kind, site=None, place=None, main=False, value=False, water=False, allergens=()
):
    place_name, lat, lon, in_region = place or (None, None, None, None)
    return SimpleNamespace(
        name=name,
        share=Decimal(share),
        is_main=main,
        is_value_determining=value,
        is_water_or_salt=water,
        origin_kind=OriginKind(origin_kind),
        origin_site=site,
        origin_site_id=site.id if site else None,
        place_name=place_name,
        place_latitude=lat,
        place_longitude=lon,
        place_in_region=in_region,
        allergens=list(allergens),
    )


def test_build_freezes_the_whole_product_and_a_declined_supplier_loses_the_regional_claim():
    """A soft cheese of Käserei Angermünde: milk from its own farm, cream from a supplier who declined to
    be named (so not counted as regional), salt from a declared place; made and sold in Angermünde."""
    dairy_org = SimpleNamespace(id=2, display_name="Käserei Angermünde")
    supplier_org = SimpleNamespace(id=8, display_name="Milchhof Schwedt")
    dairy = _site(20, "Käserei", "Angermünde", "dairy", dairy_org, 53.0167, 13.9994)
    farm = _site(21, "Weide", "Angermünde", "farm", dairy_org, 53.02, 14.01)
    supplier = _site(30, "Milchhof", "Schwedt/Oder", "farm", supplier_org, 53.0621, 14.2820)
    product = SimpleNamespace(
        id=7,
        reference="K-7",
        name_de="Weichkäse",
        name_en="Soft cheese",
        category=SimpleNamespace(slug="dairy-cheese", is_animal=True),
        description_de="Mild",
        description_en="Mild",
        package_size=Decimal("0.250"),
        package_unit=SimpleNamespace(value="kg"),
        gtin="4012345000030",
        organic_control_body="DE-ÖKO-006",
        gmo_free=True,
        species=Species.CATTLE,
        husbandry_level=4,
        allergen_traces=["nuts"],
        allergens_recorded=True,
        organisation_id=dairy_org.id,
        organisation=dairy_org,
        ingredients=[
            _row(
                "Milch", "90.00", origin_kind="own_site", site=farm, main=True, value=True, allergens=["milk"]
            ),
            _row("Sahne", "8.00", origin_kind="supplier_site", site=supplier, allergens=["milk"]),
            _row(
                "Salz", "2.00", origin_kind="place", place=("Lüneburg", 53.2464, 10.4115, False), water=True
            ),
        ],
        stages=[
            SimpleNamespace(kind=StageKind.PROCESSING, site=dairy),
            SimpleNamespace(kind=StageKind.POINT_OF_SALE, site=dairy),
        ],
    )
    data = build(product, {30: "declined", 21: "confirmed"})
    farm_place = {
        "site_id": 21,
        "name": "Weide",
        "town": "Angermünde",
        "kind": "farm",
        "organisation_id": 2,
        "organisation": "Käserei Angermünde",
        "lat": 53.02,
        "lon": 14.01,
        "in_region": True,
    }
    dairy_place = {**farm_place, "site_id": 20, "name": "Käserei", "kind": "dairy"}
    dairy_place.update(lat=53.0167, lon=13.9994)
    supplier_place = {
        "site_id": 30,
        "name": "Milchhof",
        "town": "Schwedt/Oder",
        "kind": "farm",
        "organisation_id": 8,
        "organisation": "Milchhof Schwedt",
        "lat": 53.0621,
        "lon": 14.2820,
        "in_region": False,  # declined
    }
    salt_place = {
        "site_id": None,
        "name": "Lüneburg",
        "town": "Lüneburg",
        "kind": None,
        "organisation_id": None,
        "organisation": None,
        "lat": 53.2464,
        "lon": 10.4115,
        "in_region": False,
    }
    assert data == {
        "format": 1,
        "product": {
            "id": 7,
            "reference": "K-7",
            "name_de": "Weichkäse",
            "name_en": "Soft cheese",
            "category": "dairy-cheese",
            "is_animal": True,
            "description_de": "Mild",
            "description_en": "Mild",
            "package_size": "0.25",
            "package_unit": "kg",
            "gtin": "4012345000030",
            "organic_control_body": "DE-ÖKO-006",
            "gmo_free": True,
            "species": "cattle",
            "husbandry_level": 4,
            "allergen_traces": ["nuts"],
            "allergens_recorded": True,
        },
        "organisation": {"id": 2, "name": "Käserei Angermünde"},
        "ingredients": [
            {
                "name": "Milch",
                "share": 90.0,
                "is_main": True,
                "is_value_determining": True,
                "is_water_or_salt": False,
                "origin_kind": "own_site",
                "origin": farm_place,
                "allergens": ["milk"],
                "supplier_confirmation": None,
            },
            {
                "name": "Sahne",
                "share": 8.0,
                "is_main": False,
                "is_value_determining": False,
                "is_water_or_salt": False,
                "origin_kind": "supplier_site",
                "origin": supplier_place,
                "allergens": ["milk"],
                "supplier_confirmation": "declined",
            },
            {
                "name": "Salz",
                "share": 2.0,
                "is_main": False,
                "is_value_determining": False,
                "is_water_or_salt": True,
                "origin_kind": "place",
                "origin": salt_place,
                "allergens": [],
                "supplier_confirmation": None,
            },
        ],
        "stages": [
            {"kind": "processing", "site": dairy_place},
            {"kind": "point_of_sale", "site": dairy_place},
        ],
        "figures": figures(data["ingredients"], data["stages"]),
    }
    assert data["figures"]["regional_share"] == round(100 * 90 / 98, 2)
    assert allergens(data) == {"recorded": True, "contains": ["milk"], "traces": ["nuts"]}
    # A version frozen before allergens were recorded has none recorded.
    assert allergens({"product": {}, "ingredients": [{"name": "Milch"}]})["recorded"] is False
    # Without an answer the supplier's site keeps its own region.
    assert build(product, {})["ingredients"][1]["origin"]["in_region"] is True
    # A declared place keeps the region it was found in.
    product.ingredients[2].place_in_region = True
    assert build(product, {})["ingredients"][2]["origin"]["in_region"] is True
    bare = SimpleNamespace(**{**vars(product), "package_size": None, "package_unit": None, "species": None})
    assert [build(bare, {})["product"][k] for k in ("package_size", "package_unit", "species")] == [None] * 3


def test_decimal_text_reads_the_same_from_a_form_and_from_the_database():
    values = (200, Decimal("200.000"), Decimal("0.250"), None)
    assert [_decimal_text(v) for v in values] == ["200", "200", "0.25", None]


def test_changes_name_what_differs_between_two_versions():
    old = {"product": {"name_de": "Brot", "gtin": None}, "ingredients": [1], "stages": [2]}
    assert changes(None, old) == ["created"]
    assert changes(old, old) == []
    new = {"product": {"name_de": "Roggenbrot", "gtin": None}, "ingredients": [1], "stages": [3]}
    assert changes(old, new) == ["product.name_de", "stages"]
    new = {"product": {"name_de": "Brot", "gtin": "4012345000030"}, "ingredients": [], "stages": [2]}
    assert changes(old, new) == ["product.gtin", "ingredients"]
    # A field added by a later format counts as changed.
    newer = {**old, "product": {**old["product"], "husbandry_level": 3}}
    assert changes(old, newer) == ["product.husbandry_level"]


def test_regional_share_is_rounded_to_two_decimals():
    rows = [ingredient("Mehl", 1, FARM, main=True), ingredient("Eier", 1, DAIRY)]
    rows.append(ingredient("Zucker", 1, MAGDEBURG))
    assert figures(rows, [])["regional_share"] == 66.67
