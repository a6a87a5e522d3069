"""The automatic pre-check: every rule type at and around its threshold, missing data, applicability,
evidence, the overall summary and the validation of rule parameters."""

import pytest

from vonhier.catalogue.snapshot import SNAPSHOT_FORMAT, figures
from vonhier.certification.rules import (
    EVIDENCE_KINDS,
    AppliesTo,
    Criterion,
    Outcome,
    Result,
    RuleType,
    default_criteria,
    evaluate,
    summary,
    validate_params,
)


@pytest.fixture
def en(pure_app):
    """English messages: lazy_gettext and format_decimal need a request with a locale."""
    with pure_app.test_request_context(headers={"Accept-Language": "en"}):
        yield


# --- building snapshots in the shape of catalogue.snapshot.build() ----------------------------------


def site(site_id, name, town, lat, lon, kind="farm", in_region=True):
    return {
        "site_id": site_id,
        "name": name,
        "town": town,
        "kind": kind,
        "organisation_id": site_id,
        "organisation": name,
        "lat": lat,
        "lon": lon,
        "in_region": in_region,
    }


def declared(name, lat=None, lon=None, in_region=False):
    """A declared place of an unregistered supplier (no site)."""
    return {
        "site_id": None,
        "name": name,
        "town": name,
        "kind": None,
        "organisation_id": None,
        "organisation": None,
        "lat": lat,
        "lon": lon,
        "in_region": in_region,
    }


FARM = site(1, "Hof Sonnenwiese", "Prenzlau", 53.3167, 13.8667)
DAIRY = site(2, "Käserei", "Angermünde", 53.0167, 13.9994, kind="dairy")
SHOP = site(3, "Bioladen", "Berlin", 52.5219, 13.4132, kind="shop")
MILL_OUTSIDE = site(4, "Mühle Lüneburg", "Lüneburg", 53.2464, 10.4115, kind="mill", in_region=False)
MAGDEBURG = declared("Magdeburg", 52.1205, 11.6276)
ITALY = declared("Italien")


def ingredient(name, share, origin, main=False, value=False, water=False):
    return {
        "name": name,
        "share": float(share),
        "is_main": main,
        "is_value_determining": value,
        "is_water_or_salt": water,
        "origin_kind": "own_site" if origin["site_id"] else "place",
        "origin": origin,
        "supplier_confirmation": None,
    }


def stage(kind, where):
    return {"kind": kind, "site": where}


def snapshot(ingredients=(), stages=(), category="bakery", is_animal=False, **product):
    """A product snapshot as build() makes it; figures are computed by the real figures()."""
    ingredients, stages = list(ingredients), list(stages)
    return {
        "format": SNAPSHOT_FORMAT,
        "product": {
            "id": 1,
            "reference": "A-1",
            "name_de": "Testprodukt",
            "name_en": "Test product",
            "category": category,
            "is_animal": is_animal,
            "description_de": "",
            "description_en": "",
            "package_size": None,
            "package_unit": None,
            "gtin": None,
            "organic_control_body": None,
            "gmo_free": True,
            "species": None,
            "husbandry_level": None,
            **product,
        },
        "organisation": {"id": 1, "name": "Hof Sonnenwiese"},
        "ingredients": ingredients,
        "stages": stages,
        "figures": figures(ingredients, stages),
    }


def milk(**product):
    """Whole milk: one animal raw material from the farm, processed at the dairy, sold in Berlin."""
    values = {"species": "cattle", "husbandry_level": 3, **product}
    return snapshot(
        [ingredient("Milch", 100, FARM, main=True)],
        [stage("processing", DAIRY), stage("point_of_sale", SHOP)],
        category="dairy-cheese",
        is_animal=True,
        **values,
    )


def bread():
    """Rye bread: flour from the farm, sugar from Magdeburg, salt and water; baked in Berlin."""
    return snapshot(
        [
            ingredient("Roggenmehl", 80, FARM, main=True, value=True),
            ingredient("Zucker", 20, MAGDEBURG),
            ingredient("Wasser", 30, SHOP, water=True),
        ],
        [stage("processing", SHOP), stage("point_of_sale", SHOP)],
    )


def with_legs(data, legs, chain_km):
    """Replace the computed legs by exact distances, to test thresholds to the tenth of a km."""
    places = {p["name"]: p for p in (FARM, DAIRY, SHOP, MILL_OUTSIDE, MAGDEBURG, ITALY)}
    data["figures"]["legs"] = [
        {"from": places[start], "to": places[end], "km": km, "ingredient": None} for start, end, km in legs
    ]
    known = [km for _, _, km in legs if km is not None]
    data["figures"]["longest_leg_km"] = max(known) if known else None
    data["figures"]["chain_km"] = chain_km
    return data


def criterion(rule_type, params=None, applies_to=AppliesTo.ALL, categories=(), evidence=(), code="X-1"):
    return Criterion(
        code=code,
        title_de="Testkriterium",
        title_en="Test criterion",
        applies_to=applies_to,
        categories=list(categories),
        rule_type=rule_type,
        params=dict(params or {}),
        evidence=list(evidence),
    )


def check(data, rule, evidence=None) -> Result:
    [result] = evaluate(data, [rule], evidence)
    return result


SHARE_70 = criterion(RuleType.REGIONAL_SHARE, {"min_percent": 70})
HUSBANDRY_3 = criterion(RuleType.HUSBANDRY_MIN, {"min_level": 3}, applies_to=AppliesTo.ANIMAL)
TRANSPORT = criterion(RuleType.TRANSPORT, {"max_leg_km": 100, "max_chain_km": 200})


# --- regional share ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regional", "outside", "outcome", "fragment"),
    [
        (70, 30, Outcome.PASSED, "70 % ≥ 70 %"),
        (69.99, 30.01, Outcome.FAILED, "69.99 % < 70 %"),
        (70.01, 29.99, Outcome.PASSED, "70.01 % ≥ 70 %"),
        (82.5, 17.5, Outcome.PASSED, "82.5 % ≥ 70 %"),
        (100, 0, Outcome.PASSED, "100 % ≥ 70 %"),
        (0, 100, Outcome.FAILED, "0 % < 70 %"),
    ],
)
def test_regional_share_threshold(en, regional, outside, outcome, fragment):
    rows = [ingredient("Mehl", regional, FARM, main=True)]
    if outside:
        rows.append(ingredient("Zucker", outside, MAGDEBURG))
    result = check(snapshot(rows), SHARE_70)
    assert result.outcome == outcome
    assert result.figures == {"regional_share": pytest.approx(regional), "min_percent": 70}
    assert fragment in result.message


@pytest.mark.parametrize(
    "rows",
    [
        [],
        # Water and salt do not count: a product of salt alone has no regional share.
        [ingredient("Salz", 100, ITALY, main=True, water=True)],
    ],
)
def test_regional_share_without_ingredients_fails(en, rows):
    result = check(snapshot(rows), SHARE_70)
    assert result.outcome == Outcome.FAILED
    assert result.figures["regional_share"] is None
    assert "No ingredients" in result.message


def test_numbers_follow_the_locale(pure_app):
    rows = [ingredient("Mehl", 82.5, FARM, main=True), ingredient("Zucker", 17.5, MAGDEBURG)]
    with pure_app.test_request_context(headers={"Accept-Language": "de"}):
        result = check(snapshot(rows), SHARE_70)
    assert "82,5" in result.message


# --- main and value-determining ingredients ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "outcome", "fragment"),
    [
        ([ingredient("Milch", 100, FARM, main=True)], Outcome.PASSED, "“Milch” comes from the region"),
        (
            [ingredient("Mehl", 60, MAGDEBURG, main=True), ingredient("Eier", 40, FARM)],
            Outcome.FAILED,
            "“Mehl” does not come from the region",
        ),
        (
            [ingredient("Mehl", 60, FARM), ingredient("Eier", 40, FARM)],
            Outcome.FAILED,
            "No ingredient is marked as the main ingredient",
        ),
        # Salt marked as main does not count: there is no main raw material.
        (
            [ingredient("Salz", 10, ITALY, main=True, water=True), ingredient("Mehl", 90, FARM)],
            Outcome.FAILED,
            "No ingredient is marked as the main ingredient",
        ),
        ([], Outcome.FAILED, "No ingredients"),
    ],
)
def test_main_ingredient(en, rows, outcome, fragment):
    result = check(snapshot(rows), criterion(RuleType.MAIN_INGREDIENT_REGIONAL))
    assert result.outcome == outcome
    assert fragment in result.message


@pytest.mark.parametrize(
    ("rows", "outcome", "not_regional"),
    [
        (
            [
                ingredient("Basilikum", 60, FARM, main=True, value=True),
                ingredient("Käse", 40, DAIRY, value=True),
            ],
            Outcome.PASSED,
            [],
        ),
        (
            [
                ingredient("Basilikum", 40, FARM, main=True, value=True),
                ingredient("Olivenöl", 35, ITALY, value=True),
                ingredient("Käse", 25, DAIRY),
            ],
            Outcome.FAILED,
            ["Olivenöl"],
        ),
        ([ingredient("Basilikum", 100, FARM, main=True)], Outcome.FAILED, []),
    ],
)
def test_value_determining_ingredients(en, rows, outcome, not_regional):
    result = check(snapshot(rows), criterion(RuleType.VALUE_DETERMINING_REGIONAL))
    assert result.outcome == outcome
    assert result.figures["not_regional"] == not_regional
    for name in not_regional:
        assert name in result.message
    if result.figures["value_determining_regional"] is None:
        assert "No ingredient is marked as value-determining" in result.message


# --- processing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stages", "outcome", "fragment"),
    [
        ([stage("processing", DAIRY), stage("packing", DAIRY)], Outcome.PASSED, "in the region"),
        (
            [stage("processing", MILL_OUTSIDE), stage("packing", DAIRY), stage("point_of_sale", SHOP)],
            Outcome.FAILED,
            "outside the region: Mühle Lüneburg",
        ),
        ([stage("storage", DAIRY), stage("point_of_sale", SHOP)], Outcome.FAILED, "No processing or packing"),
        ([], Outcome.FAILED, "No processing or packing"),
    ],
)
def test_processing_in_region(en, stages, outcome, fragment):
    rows = [ingredient("Mehl", 90, FARM, main=True), ingredient("Eier", 10, FARM)]
    result = check(snapshot(rows, stages), criterion(RuleType.PROCESSING_IN_REGION))
    assert result.outcome == outcome
    assert fragment in result.message


# --- GMO-free ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared_free", "animal", "required", "uploaded", "outcome", "missing"),
    [
        (True, False, [], None, Outcome.PASSED, None),
        (False, False, [], None, Outcome.FAILED, None),
        (None, False, [], None, Outcome.FAILED, None),
        # Animal products also need proof of GMO-free feed, even if the criterion lists no evidence.
        (True, True, [], None, Outcome.EVIDENCE_MISSING, ["feed_gmo_free"]),
        (True, True, [], set(), Outcome.EVIDENCE_MISSING, ["feed_gmo_free"]),
        (True, True, [], {"husbandry_certificate"}, Outcome.EVIDENCE_MISSING, ["feed_gmo_free"]),
        (True, True, [], {"feed_gmo_free"}, Outcome.PASSED, None),
        (False, True, [], {"feed_gmo_free"}, Outcome.FAILED, None),
        # The feed proof listed by the criterion as well is asked for once.
        (True, True, ["feed_gmo_free"], None, Outcome.EVIDENCE_MISSING, ["feed_gmo_free"]),
        (
            True,
            True,
            ["supplier_declaration"],
            None,
            Outcome.EVIDENCE_MISSING,
            ["supplier_declaration", "feed_gmo_free"],
        ),
        (True, False, ["supplier_declaration"], None, Outcome.EVIDENCE_MISSING, ["supplier_declaration"]),
        (True, False, ["supplier_declaration"], {"supplier_declaration"}, Outcome.PASSED, None),
    ],
)
def test_gmo_free(en, declared_free, animal, required, uploaded, outcome, missing):
    data = (
        milk(gmo_free=declared_free)
        if animal
        else snapshot([ingredient("Mehl", 100, FARM)], gmo_free=declared_free)
    )
    result = check(data, criterion(RuleType.GMO_FREE, evidence=required), uploaded)
    assert result.outcome == outcome
    assert result.figures.get("missing_evidence") == missing
    if outcome == Outcome.FAILED:
        assert "No “Ohne Gentechnik”" in result.message
    if missing:
        assert result.message.startswith("Evidence missing: ")
        for kind in missing:
            assert str(EVIDENCE_KINDS[kind]) in result.message


# --- husbandry --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "outcome", "fragment"),
    [
        (1, Outcome.FAILED, "Husbandry level 1 < 3"),
        (2, Outcome.FAILED, "Husbandry level 2 < 3"),
        (3, Outcome.PASSED, "Husbandry level 3 ≥ 3"),
        (4, Outcome.PASSED, "Husbandry level 4 ≥ 3"),
        (5, Outcome.PASSED, "Husbandry level 5 ≥ 3"),
        (None, Outcome.FAILED, "Husbandry level missing"),
    ],
)
def test_husbandry_level(en, level, outcome, fragment):
    result = check(milk(husbandry_level=level), HUSBANDRY_3)
    assert result.outcome == outcome
    assert result.figures == {"husbandry_level": level, "min_level": 3, "species": "cattle"}
    assert fragment in result.message


@pytest.mark.parametrize(
    ("data", "outcome", "fragment"),
    [
        # Bees and fish are not kept in the husbandry systems the levels describe.
        (
            snapshot([ingredient("Honig", 100, FARM)], category="honey", is_animal=True, species="bees"),
            Outcome.NOT_APPLICABLE,
            "(Bees)",
        ),
        (
            snapshot([ingredient("Karpfen", 100, FARM)], category="fish", is_animal=True, species="fish"),
            Outcome.NOT_APPLICABLE,
            "(Fish)",
        ),
        # An animal product without a species cannot be judged.
        (milk(species=None), Outcome.FAILED, "Animal species missing"),
        (snapshot([ingredient("Mehl", 100, FARM)]), Outcome.NOT_APPLICABLE, "animal products"),
    ],
)
def test_husbandry_applies_to_livestock_only(en, data, outcome, fragment):
    # applies_to "all": the rule itself tells livestock from other products.
    result = check(data, criterion(RuleType.HUSBANDRY_MIN, {"min_level": 3}))
    assert result.outcome == outcome
    assert fragment in result.message


@pytest.mark.parametrize(
    ("uploaded", "outcome"),
    [
        (None, Outcome.EVIDENCE_MISSING),
        (set(), Outcome.EVIDENCE_MISSING),
        ({"organic_certificate"}, Outcome.EVIDENCE_MISSING),
        ({"husbandry_certificate"}, Outcome.PASSED),
    ],
)
def test_husbandry_certificate(en, uploaded, outcome):
    rule = criterion(
        RuleType.HUSBANDRY_MIN, {"min_level": 3}, AppliesTo.ANIMAL, evidence=["husbandry_certificate"]
    )
    result = check(milk(husbandry_level=4), rule, uploaded)
    assert result.outcome == outcome
    if outcome == Outcome.EVIDENCE_MISSING:
        assert result.message == "Evidence missing: Husbandry certificate"
        assert result.figures["missing_evidence"] == ["husbandry_certificate"]


def test_failed_rule_does_not_ask_for_evidence(en):
    rule = criterion(
        RuleType.HUSBANDRY_MIN, {"min_level": 3}, AppliesTo.ANIMAL, evidence=["husbandry_certificate"]
    )
    result = check(milk(husbandry_level=2), rule, None)
    assert result.outcome == Outcome.FAILED
    assert "missing_evidence" not in result.figures


# --- transport --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leg_km", "chain_km", "outcome", "fragments"),
    [
        (100.0, 200.0, Outcome.PASSED, ["Hof Sonnenwiese → Käserei: 100.0 km ≤ 100 km", "200.0 km ≤ 200 km"]),
        (100.1, 150.0, Outcome.FAILED, ["Transport Hof Sonnenwiese → Käserei: 100.1 km > 100 km"]),
        (99.9, 200.1, Outcome.FAILED, ["Whole chain 200.1 km > 200 km"]),
        (
            134.0,
            234.5,
            Outcome.FAILED,
            ["Transport Hof Sonnenwiese → Käserei: 134.0 km > 100 km", "Whole chain 234.5 km > 200 km"],
        ),
    ],
)
def test_transport_thresholds(en, leg_km, chain_km, outcome, fragments):
    legs = [("Hof Sonnenwiese", "Käserei", leg_km), ("Käserei", "Bioladen", 20.0)]
    result = check(with_legs(milk(), legs, chain_km), TRANSPORT)
    assert result.outcome == outcome
    for fragment in fragments:
        assert fragment in result.message
    assert result.figures["longest_leg_km"] == leg_km
    assert result.figures["chain_km"] == chain_km
    assert (result.figures["longest_leg_from"], result.figures["longest_leg_to"]) == (
        "Hof Sonnenwiese",
        "Käserei",
    )


def test_transport_names_the_worst_leg(en):
    legs = [
        ("Magdeburg", "Käserei", 180.0),
        ("Hof Sonnenwiese", "Käserei", 120.0),
        ("Käserei", "Bioladen", 67.7),
    ]
    result = check(with_legs(milk(), legs, 247.7), TRANSPORT)
    assert result.outcome == Outcome.FAILED
    assert "Magdeburg → Käserei: 180.0 km" in result.message
    assert "Hof Sonnenwiese → Käserei" not in result.message


def test_transport_with_real_distances(en):
    result = check(milk(), TRANSPORT)
    # Hof → Käserei about 34 km, Käserei → Bioladen about 68 km.
    assert result.outcome == Outcome.PASSED
    assert result.figures["longest_leg_km"] == pytest.approx(67.7, abs=0.2)
    assert result.figures["chain_km"] == pytest.approx(101.9, abs=0.3)
    assert "Käserei → Bioladen" in result.message


@pytest.mark.parametrize(
    ("rows", "stages", "fragment"),
    [
        ([ingredient("Milch", 100, FARM, main=True)], [], "No supply chain stages"),
        # One stage and a raw material without coordinates: no distance is known at all.
        (
            [ingredient("Olivenöl", 100, ITALY, main=True)],
            [stage("point_of_sale", SHOP)],
            "coordinates for Olivenöl",
        ),
        ([], [stage("point_of_sale", SHOP)], "No transport distance is known"),
    ],
)
def test_transport_without_data_fails(en, rows, stages, fragment):
    result = check(snapshot(rows, stages), TRANSPORT)
    assert result.outcome == Outcome.FAILED
    assert fragment in result.message


def test_unknown_distances_do_not_fail_known_legs(en):
    rows = [ingredient("Mehl", 90, FARM, main=True), ingredient("Olivenöl", 10, ITALY)]
    result = check(snapshot(rows, [stage("processing", DAIRY), stage("point_of_sale", SHOP)]), TRANSPORT)
    assert result.outcome == Outcome.PASSED
    assert result.figures["distance_unknown"] == ["Olivenöl"]
    assert "Olivenöl" not in result.message


# --- organic ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "uploaded", "outcome", "fragment"),
    [
        ("DE-ÖKO-006", {"organic_certificate"}, Outcome.PASSED, "DE-ÖKO-006"),
        ("DE-ÖKO-006", None, Outcome.EVIDENCE_MISSING, "Organic certificate"),
        (None, {"organic_certificate"}, Outcome.FAILED, "No organic control body"),
        ("", None, Outcome.FAILED, "No organic control body"),
    ],
)
def test_organic_required(en, body, uploaded, outcome, fragment):
    rule = criterion(RuleType.ORGANIC_REQUIRED, evidence=["organic_certificate"])
    result = check(snapshot([ingredient("Mehl", 100, FARM)], organic_control_body=body), rule, uploaded)
    assert result.outcome == outcome
    assert fragment in result.message


# --- applicability ----------------------------------------------------------------------------------

MONO = snapshot([ingredient("Kartoffeln", 100, FARM, main=True)], [stage("point_of_sale", SHOP)], "potatoes")
MONO_WITH_SALT = snapshot(
    [ingredient("Milch", 99, FARM, main=True), ingredient("Salz", 1, ITALY, water=True)],
    [stage("packing", DAIRY)],
    "dairy-cheese",
    is_animal=True,
)
MIXED = snapshot([ingredient("Mehl", 80, FARM, main=True), ingredient("Zucker", 20, MAGDEBURG)])
ONE_PROCESSED = snapshot(
    [ingredient("Milch", 100, FARM, main=True)], [stage("processing", DAIRY)], "dairy-cheese", is_animal=True
)


@pytest.mark.parametrize(
    ("applies_to", "categories", "data", "applies", "reason"),
    [
        (AppliesTo.ALL, [], MONO, True, None),
        (AppliesTo.ANIMAL, [], MONO, False, "Applies only to animal products"),
        (AppliesTo.ANIMAL, [], MONO_WITH_SALT, True, None),
        (AppliesTo.PROCESSED, [], MONO, False, "Applies only to processed products"),
        # Salt is no second raw material, and packing is no processing.
        (AppliesTo.PROCESSED, [], MONO_WITH_SALT, False, "Applies only to processed products"),
        (AppliesTo.PROCESSED, [], MIXED, True, None),
        (AppliesTo.PROCESSED, [], ONE_PROCESSED, True, None),
        (AppliesTo.CATEGORIES, ["potatoes", "fruit-vegetables"], MONO, True, None),
        (AppliesTo.CATEGORIES, ["dairy-cheese"], MONO, False, "Does not apply to this product category"),
        (AppliesTo.CATEGORIES, [], MONO, False, "Does not apply to this product category"),
    ],
)
def test_applicability(en, applies_to, categories, data, applies, reason):
    rule = criterion(RuleType.ORGANIC_REQUIRED, applies_to=applies_to, categories=categories)
    result = check(data, rule)
    if applies:
        # The rule was evaluated: no organic control body is declared in these products.
        assert result.outcome == Outcome.FAILED
    else:
        assert (result.outcome, result.message, result.figures) == (Outcome.NOT_APPLICABLE, reason, {})


def test_not_applicable_needs_no_evidence(en):
    rule = criterion(
        RuleType.HUSBANDRY_MIN, {"min_level": 3}, AppliesTo.ANIMAL, evidence=["husbandry_certificate"]
    )
    assert check(MIXED, rule, None).outcome == Outcome.NOT_APPLICABLE


# --- evidence ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "outcome", "missing"),
    [
        (None, Outcome.EVIDENCE_MISSING, ["recipe", "supplier_declaration"]),
        (set(), Outcome.EVIDENCE_MISSING, ["recipe", "supplier_declaration"]),
        ({"recipe"}, Outcome.EVIDENCE_MISSING, ["supplier_declaration"]),
        ({"recipe", "supplier_declaration", "transport_records"}, Outcome.PASSED, None),
    ],
)
def test_evidence(en, uploaded, outcome, missing):
    rule = criterion(
        RuleType.REGIONAL_SHARE, {"min_percent": 70}, evidence=["recipe", "supplier_declaration"]
    )
    result = check(bread(), rule, uploaded)
    assert result.outcome == outcome
    assert result.figures.get("missing_evidence") == missing
    assert result.figures["regional_share"] == 80.0
    if missing:
        assert result.message == "Evidence missing: " + ", ".join(str(EVIDENCE_KINDS[k]) for k in missing)
    else:
        assert "80 % ≥ 70 %" in result.message


def test_failed_rule_wins_over_missing_evidence(en):
    rule = criterion(RuleType.REGIONAL_SHARE, {"min_percent": 90}, evidence=["recipe"])
    result = check(bread(), rule, None)
    assert result.outcome == Outcome.FAILED
    assert "80 % < 90 %" in result.message


# --- evaluate and summary ---------------------------------------------------------------------------


def test_results_follow_the_criteria(en):
    criteria = default_criteria()
    results = evaluate(bread(), criteria, set())
    assert [r.code for r in results] == [c.code for c in criteria]
    assert all(isinstance(r.message, str) and r.message for r in results)


def test_stored_figures_are_used_as_frozen(en):
    data = bread()
    data["figures"]["regional_share"] = 65.0  # as computed when the version was frozen
    assert check(data, SHARE_70).outcome == Outcome.FAILED
    del data["figures"]
    assert check(data, SHARE_70).outcome == Outcome.PASSED


def test_invalid_parameters_are_refused(en):
    with pytest.raises(ValueError, match="X-1"):
        evaluate(bread(), [criterion(RuleType.REGIONAL_SHARE, {"min_percent": 140})])


def result(outcome):
    return Result("X", outcome, {}, "")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], Outcome.PASSED),
        ([Outcome.PASSED, Outcome.NOT_APPLICABLE], Outcome.PASSED),
        ([Outcome.NOT_APPLICABLE], Outcome.PASSED),
        ([Outcome.PASSED, Outcome.EVIDENCE_MISSING], Outcome.EVIDENCE_MISSING),
        ([Outcome.EVIDENCE_MISSING, Outcome.FAILED, Outcome.PASSED], Outcome.FAILED),
        ([Outcome.FAILED], Outcome.FAILED),
    ],
)
def test_summary(outcomes, expected):
    assert summary([result(o) for o in outcomes]) == expected


# --- the seeded catalogue ---------------------------------------------------------------------------


def test_default_criteria_are_valid():
    for rule in default_criteria():
        assert validate_params(rule.rule_type, rule.params) == [], rule.code
        assert rule.title_de and rule.title_en and rule.explanation_de and rule.explanation_en
        assert set(rule.evidence) <= set(EVIDENCE_KINDS)


@pytest.mark.parametrize(
    ("data", "uploaded", "expected", "outcomes"),
    [
        (
            milk(),
            {"husbandry_certificate", "feed_gmo_free"},
            Outcome.PASSED,
            {"VH-R3": Outcome.PASSED, "VH-T1": Outcome.PASSED, "VH-G1": Outcome.PASSED},
        ),
        (
            milk(),
            None,
            Outcome.EVIDENCE_MISSING,
            {"VH-T1": Outcome.EVIDENCE_MISSING, "VH-G1": Outcome.EVIDENCE_MISSING},
        ),
        (milk(husbandry_level=2), None, Outcome.FAILED, {"VH-T1": Outcome.FAILED}),
        (
            bread(),
            None,
            # The sugar travels about 128 km from Magdeburg.
            Outcome.FAILED,
            {
                "VH-R1": Outcome.PASSED,
                "VH-R3": Outcome.PASSED,
                "VH-G1": Outcome.PASSED,
                "VH-T1": Outcome.NOT_APPLICABLE,
                "VH-L1": Outcome.FAILED,
            },
        ),
        (MONO, None, Outcome.PASSED, {"VH-R3": Outcome.NOT_APPLICABLE, "VH-L1": Outcome.PASSED}),
    ],
)
def test_default_catalogue(en, data, uploaded, expected, outcomes):
    results = evaluate(data, default_criteria(), uploaded)
    by_code = {r.code: r.outcome for r in results}
    assert {code: by_code[code] for code in outcomes} == outcomes
    assert summary(results) == expected


# --- parameters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_type", "params", "fragments"),
    [
        (RuleType.REGIONAL_SHARE, {"min_percent": 70}, []),
        (RuleType.REGIONAL_SHARE, {"min_percent": 0}, []),
        (RuleType.REGIONAL_SHARE, {"min_percent": 100}, []),
        (RuleType.REGIONAL_SHARE, {"min_percent": 72.5}, []),
        (RuleType.REGIONAL_SHARE, {"min_percent": 140}, ["between 0 and 100 %"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": -1}, ["between 0 and 100 %"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": "70"}, ["“min_percent” must be a number"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": True}, ["“min_percent” must be a number"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": float("nan")}, ["“min_percent” must be a number"]),
        (RuleType.REGIONAL_SHARE, {}, ["Missing parameter “min_percent”"]),
        (RuleType.REGIONAL_SHARE, None, ["Missing parameter “min_percent”"]),
        (
            RuleType.REGIONAL_SHARE,
            {"min_percent": 70, "max_percent": 90},
            ["Unknown parameter “max_percent”"],
        ),
        (RuleType.HUSBANDRY_MIN, {"min_level": 1}, []),
        (RuleType.HUSBANDRY_MIN, {"min_level": 3}, []),
        (RuleType.HUSBANDRY_MIN, {"min_level": 5}, []),
        (RuleType.HUSBANDRY_MIN, {"min_level": 0}, ["whole number from 1 to 5"]),
        (RuleType.HUSBANDRY_MIN, {"min_level": 6}, ["whole number from 1 to 5"]),
        (RuleType.HUSBANDRY_MIN, {"min_level": 2.5}, ["whole number from 1 to 5"]),
        (RuleType.HUSBANDRY_MIN, {}, ["Missing parameter “min_level”"]),
        (RuleType.TRANSPORT, {"max_leg_km": 100, "max_chain_km": 200}, []),
        (RuleType.TRANSPORT, {"max_leg_km": 100, "max_chain_km": 100}, []),
        (RuleType.TRANSPORT, {"max_leg_km": -5, "max_chain_km": 200}, ["per leg must be greater than 0 km"]),
        (RuleType.TRANSPORT, {"max_leg_km": 0, "max_chain_km": 200}, ["per leg must be greater than 0 km"]),
        # A chain of 0 km would refuse every product that travels at all: not a limit, a mistake.
        (
            RuleType.TRANSPORT,
            {"max_leg_km": 100, "max_chain_km": 0},
            ["whole chain must be greater than 0 km"],
        ),
        (
            RuleType.TRANSPORT,
            {"max_leg_km": 0, "max_chain_km": 0},
            ["per leg must be greater than 0 km", "whole chain must be greater than 0 km"],
        ),
        (RuleType.TRANSPORT, {"max_leg_km": 0.1, "max_chain_km": 0.1}, []),
        (RuleType.REGIONAL_SHARE, {"min_percent": 100.01}, ["between 0 and 100 %"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": -0.01}, ["between 0 and 100 %"]),
        (RuleType.REGIONAL_SHARE, {"min_percent": float("inf")}, ["“min_percent” must be a number"]),
        (
            RuleType.TRANSPORT,
            {"max_leg_km": 100, "max_chain_km": -1},
            ["whole chain must be greater than 0 km"],
        ),
        (RuleType.TRANSPORT, {"max_leg_km": 150, "max_chain_km": 100}, ["cannot be longer than"]),
        (RuleType.TRANSPORT, {"max_leg_km": 100.1, "max_chain_km": 100}, ["cannot be longer than"]),
        (RuleType.TRANSPORT, {"max_leg_km": 100}, ["Missing parameter “max_chain_km”"]),
        (
            RuleType.TRANSPORT,
            {},
            ["Missing parameter “max_leg_km”", "Missing parameter “max_chain_km”"],
        ),
        (RuleType.GMO_FREE, {}, []),
        (RuleType.MAIN_INGREDIENT_REGIONAL, {}, []),
        (RuleType.ORGANIC_REQUIRED, {"min_percent": 70}, ["Unknown parameter “min_percent”"]),
        ("regional_share", {"min_percent": 70}, []),
        ("carbon_footprint", {}, ["Unknown rule type “carbon_footprint”"]),
    ],
)
def test_validate_params(en, rule_type, params, fragments):
    problems = validate_params(rule_type, params)
    assert len(problems) == len(fragments), problems
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem


# --- scenarios through the seeded catalogue: each pins a figure that once broke unnoticed ------------

SCHWEDT = site(5, "Mühle Schwedt", "Schwedt/Oder", 53.0621, 14.2820, kind="mill")
FRANKFURT = site(6, "Packstelle Frankfurt", "Frankfurt (Oder)", 52.3471, 14.5506, kind="packing")
HAMBURG = site(7, "Abfüller Hamburg", "Hamburg", 53.5511, 9.9937, kind="packing", in_region=False)
EBERSWALDE = declared("Imkerei Eberswalde", 52.8333, 13.8167, in_region=True)


def by_code(data, uploaded=None):
    return {r.code: r for r in evaluate(data, default_criteria(), uploaded)}


def test_vh_r3_packing_in_hamburg_fails(en):
    """Baked in Berlin, packed in Hamburg: not processed and packed in the region."""
    data = snapshot(
        [ingredient("Roggenmehl", 80, FARM, main=True), ingredient("Honig", 20, FARM)],
        [stage("processing", SHOP), stage("packing", HAMBURG), stage("point_of_sale", SHOP)],
    )
    result = by_code(data)["VH-R3"]
    assert result.outcome == Outcome.FAILED
    assert result.message == "Processed or packed outside the region: Abfüller Hamburg"
    assert result.figures == {"processing_in_region": False, "outside": ["Abfüller Hamburg"]}


def test_vh_l1_unregistered_origins_are_separate_legs(en):
    """Honey from Eberswalde (44.0 km) and sugar from Magdeburg (129.3 km), neither registered: the
    sugar's leg is judged, not only the first unregistered place."""
    data = snapshot(
        [ingredient("Honig", 30, EBERSWALDE, main=True), ingredient("Zucker", 70, MAGDEBURG)],
        [stage("processing", SHOP), stage("point_of_sale", SHOP)],
    )
    result = by_code(data)["VH-L1"]
    assert result.outcome == Outcome.FAILED
    assert result.message == "Transport Magdeburg → Bioladen: 129.3 km > 100 km"
    assert (result.figures["longest_leg_km"], result.figures["longest_leg_from"]) == (129.3, "Magdeburg")


def test_vh_l1_the_chain_adds_up_its_stage_legs(en):
    """Prenzlau → Schwedt 39.6 → Frankfurt (Oder) 81.5 → Berlin 79.5: every leg under 100 km, the
    chain 200.6 km over 200."""
    data = snapshot(
        [ingredient("Roggen", 100, FARM, main=True)],
        [stage("processing", SCHWEDT), stage("packing", FRANKFURT), stage("point_of_sale", SHOP)],
    )
    result = by_code(data)["VH-L1"]
    assert result.outcome == Outcome.FAILED
    assert result.message == "Whole chain 200.6 km > 200 km"
    assert result.figures["chain_km"] == 200.6 and result.figures["longest_leg_km"] == 81.5


@pytest.mark.parametrize("far_first", [True, False])
def test_vh_l1_the_chain_follows_the_longest_route(en, far_first):
    """Sugar from Magdeburg (188.7 km) and flour from Prenzlau (34.5 km) to a bakery in Angermünde, sold
    in Berlin (67.7 km): the chain is the sugar's 256.4 km, wherever it is listed."""
    rows = [ingredient("Zucker", 20, MAGDEBURG), ingredient("Mehl", 80, FARM, main=True)]
    if not far_first:
        rows.reverse()
    data = snapshot(rows, [stage("processing", DAIRY), stage("point_of_sale", SHOP)])
    result = by_code(data)["VH-L1"]
    assert result.figures["chain_km"] == 256.4
    assert result.outcome == Outcome.FAILED
    assert "Whole chain 256.4 km > 200 km" in result.message


def test_vh_l1_passing_names_the_longest_leg_and_the_chain(en):
    result = by_code(milk())["VH-L1"]
    assert result.outcome == Outcome.PASSED
    assert result.message == (
        "Longest leg Käserei → Bioladen: 67.7 km ≤ 100 km; whole chain 102.2 km ≤ 200 km"
    )
    assert result.figures == {
        "longest_leg_km": 67.7,
        "longest_leg_from": "Käserei",
        "longest_leg_to": "Bioladen",
        "chain_km": 102.2,
        "max_leg_km": 100,
        "max_chain_km": 200,
        "distance_unknown": [],
    }


# --- every branch of every rule, with its exact sentence and figures (what the certifier reads) -------

R = RuleType


@pytest.mark.parametrize(
    ("case", "outcome", "message", "numbers"),
    [
        pytest.param(
            lambda: (bread(), SHARE_70),
            Outcome.PASSED,
            "Regional share 80 % ≥ 70 %",
            {"regional_share": 80.0, "min_percent": 70},
            id="share_passed",
        ),
        pytest.param(
            lambda: (
                snapshot(
                    [ingredient("Mehl", 69.99, FARM, main=True), ingredient("Zucker", 30.01, MAGDEBURG)]
                ),
                SHARE_70,
            ),
            Outcome.FAILED,
            "Regional share 69.99 % < 70 %",
            {"regional_share": 69.99, "min_percent": 70},
            id="share_failed",
        ),
        pytest.param(
            lambda: (snapshot([ingredient("Salz", 100, ITALY, water=True)]), SHARE_70),
            Outcome.FAILED,
            "No ingredients are entered (water and salt do not count)",
            {"regional_share": None, "min_percent": 70},
            id="share_none",
        ),
        pytest.param(
            lambda: (milk(), criterion(R.MAIN_INGREDIENT_REGIONAL)),
            Outcome.PASSED,
            "Main ingredient “Milch” comes from the region",
            {"main_ingredient_regional": True, "main_ingredient": "Milch"},
            id="main_passed",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Mehl", 60, MAGDEBURG, main=True), ingredient("Eier", 40, FARM)]),
                criterion(R.MAIN_INGREDIENT_REGIONAL),
            ),
            Outcome.FAILED,
            "Main ingredient “Mehl” does not come from the region",
            {"main_ingredient_regional": False, "main_ingredient": "Mehl"},
            id="main_failed",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Mehl", 60, FARM), ingredient("Eier", 40, FARM)]),
                criterion(R.MAIN_INGREDIENT_REGIONAL),
            ),
            Outcome.FAILED,
            "No ingredient is marked as the main ingredient",
            {"main_ingredient_regional": None, "main_ingredient": None},
            id="main_unmarked",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Salz", 100, ITALY, main=True, water=True)]),
                criterion(R.MAIN_INGREDIENT_REGIONAL),
            ),
            Outcome.FAILED,
            "No ingredients are entered (water and salt do not count)",
            {"main_ingredient_regional": None, "main_ingredient": None},
            id="main_none",
        ),
        pytest.param(
            lambda: (bread(), criterion(R.VALUE_DETERMINING_REGIONAL)),
            Outcome.PASSED,
            "All value-determining ingredients come from the region",
            {"value_determining_regional": True, "not_regional": []},
            id="value_passed",
        ),
        pytest.param(
            lambda: (
                snapshot(
                    [
                        ingredient("Basilikum", 40, FARM, main=True, value=True),
                        ingredient("Olivenöl", 35, ITALY, value=True),
                        ingredient("Salz", 25, ITALY, value=True, water=True),
                    ]
                ),
                criterion(R.VALUE_DETERMINING_REGIONAL),
            ),
            Outcome.FAILED,
            "Value-determining ingredients not from the region: Olivenöl",
            {"value_determining_regional": False, "not_regional": ["Olivenöl"]},
            id="value_failed",
        ),
        pytest.param(
            lambda: (
                snapshot(
                    [
                        ingredient("Basilikum", 100, FARM, main=True),
                        ingredient("Salz", 1, ITALY, value=True, water=True),
                    ]
                ),
                criterion(R.VALUE_DETERMINING_REGIONAL),
            ),
            Outcome.FAILED,
            "No ingredient is marked as value-determining",
            {"value_determining_regional": None, "not_regional": []},
            id="value_unmarked",
        ),
        pytest.param(
            lambda: (bread(), criterion(R.PROCESSING_IN_REGION)),
            Outcome.PASSED,
            "Processing and packing take place in the region",
            {"processing_in_region": True, "outside": []},
            id="processing_passed",
        ),
        pytest.param(
            lambda: (
                snapshot(
                    [ingredient("Mehl", 100, FARM, main=True)],
                    [
                        stage("processing", MILL_OUTSIDE),
                        stage("packing", MILL_OUTSIDE),
                        stage("packing", DAIRY),
                    ],
                ),
                criterion(R.PROCESSING_IN_REGION),
            ),
            Outcome.FAILED,
            "Processed or packed outside the region: Mühle Lüneburg",
            {"processing_in_region": False, "outside": ["Mühle Lüneburg"]},
            id="processing_failed",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Mehl", 100, FARM, main=True)], [stage("point_of_sale", MILL_OUTSIDE)]),
                criterion(R.PROCESSING_IN_REGION),
            ),
            Outcome.FAILED,
            "No processing or packing stage is entered",
            {"processing_in_region": None, "outside": []},
            id="processing_none",
        ),
        pytest.param(
            lambda: (bread(), criterion(R.GMO_FREE)),
            Outcome.PASSED,
            "Declared “Ohne Gentechnik” (GMO-free)",
            {"gmo_free": True, "is_animal": False},
            id="gmo_passed",
        ),
        pytest.param(
            lambda: (snapshot([ingredient("Mehl", 100, FARM)], gmo_free=False), criterion(R.GMO_FREE)),
            Outcome.FAILED,
            "No “Ohne Gentechnik” (GMO-free) declaration",
            {"gmo_free": False, "is_animal": False},
            id="gmo_failed",
        ),
        pytest.param(
            lambda: (milk(husbandry_level=4), HUSBANDRY_3),
            Outcome.PASSED,
            "Husbandry level 4 ≥ 3",
            {"husbandry_level": 4, "min_level": 3, "species": "cattle"},
            id="husbandry_passed",
        ),
        pytest.param(
            lambda: (milk(husbandry_level=2), HUSBANDRY_3),
            Outcome.FAILED,
            "Husbandry level 2 < 3",
            {"husbandry_level": 2, "min_level": 3, "species": "cattle"},
            id="husbandry_failed",
        ),
        pytest.param(
            lambda: (milk(husbandry_level=None), HUSBANDRY_3),
            Outcome.FAILED,
            "Husbandry level missing",
            {"husbandry_level": None, "min_level": 3, "species": "cattle"},
            id="husbandry_missing",
        ),
        pytest.param(
            lambda: (milk(species=None), HUSBANDRY_3),
            Outcome.FAILED,
            "Animal species missing",
            {"husbandry_level": 3, "min_level": 3, "species": None},
            id="husbandry_species_missing",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Honig", 100, FARM)], category="honey", is_animal=True, species="bees"),
                HUSBANDRY_3,
            ),
            Outcome.NOT_APPLICABLE,
            "Husbandry levels do not apply to this species (Bees)",
            {"husbandry_level": None, "min_level": 3, "species": "bees"},
            id="husbandry_bees",
        ),
        pytest.param(
            lambda: (bread(), criterion(R.HUSBANDRY_MIN, {"min_level": 3})),
            Outcome.NOT_APPLICABLE,
            "Applies only to animal products",
            {"husbandry_level": None, "min_level": 3, "species": None},
            id="husbandry_plant",
        ),
        pytest.param(
            lambda: (milk(), TRANSPORT),
            Outcome.PASSED,
            "Longest leg Käserei → Bioladen: 67.7 km ≤ 100 km; whole chain 102.2 km ≤ 200 km",
            {
                "longest_leg_km": 67.7,
                "longest_leg_from": "Käserei",
                "longest_leg_to": "Bioladen",
                "chain_km": 102.2,
                "max_leg_km": 100,
                "max_chain_km": 200,
                "distance_unknown": [],
            },
            id="transport_passed",
        ),
        pytest.param(
            lambda: (snapshot([ingredient("Milch", 100, FARM, main=True)]), TRANSPORT),
            Outcome.FAILED,
            "No supply chain stages are entered",
            {
                "longest_leg_km": None,
                "longest_leg_from": None,
                "longest_leg_to": None,
                "chain_km": None,
                "max_leg_km": 100,
                "max_chain_km": 200,
                "distance_unknown": [],
            },
            id="transport_no_stages",
        ),
        pytest.param(
            lambda: (
                snapshot(
                    [ingredient("Olivenöl", 60, ITALY, main=True), ingredient("Salz", 40, ITALY, water=True)],
                    [stage("point_of_sale", SHOP)],
                ),
                TRANSPORT,
            ),
            Outcome.FAILED,
            "No transport distance is known (no coordinates for Olivenöl)",
            {
                "longest_leg_km": None,
                "longest_leg_from": None,
                "longest_leg_to": None,
                "chain_km": 0,
                "max_leg_km": 100,
                "max_chain_km": 200,
                "distance_unknown": ["Olivenöl"],
            },
            id="transport_unknown",
        ),
        pytest.param(
            lambda: (snapshot([], [stage("point_of_sale", SHOP)]), TRANSPORT),
            Outcome.FAILED,
            "No transport distance is known",
            {
                "longest_leg_km": None,
                "longest_leg_from": None,
                "longest_leg_to": None,
                "chain_km": 0,
                "max_leg_km": 100,
                "max_chain_km": 200,
                "distance_unknown": [],
            },
            id="transport_nothing",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Mehl", 100, FARM)], organic_control_body="DE-ÖKO-006"),
                criterion(R.ORGANIC_REQUIRED),
            ),
            Outcome.PASSED,
            "Organic control body DE-ÖKO-006",
            {"organic_control_body": "DE-ÖKO-006"},
            id="organic_passed",
        ),
        pytest.param(
            lambda: (
                snapshot([ingredient("Mehl", 100, FARM)], organic_control_body=""),
                criterion(R.ORGANIC_REQUIRED),
            ),
            Outcome.FAILED,
            "No organic control body is entered",
            {"organic_control_body": None},
            id="organic_failed",
        ),
    ],
)
def test_every_outcome_says_exactly_why(en, case, outcome, message, numbers):
    data, rule = case()
    result = check(data, rule)
    assert (result.outcome, result.message, result.figures) == (outcome, message, numbers)


@pytest.mark.parametrize(
    ("rule_type", "params", "problems"),
    [
        (
            RuleType.REGIONAL_SHARE,
            {"min_percent": 140, "x": 1},
            ["Unknown parameter “x”.", "The minimum regional share must be between 0 and 100 %."],
        ),
        (RuleType.HUSBANDRY_MIN, {"min_level": "3"}, ["The parameter “min_level” must be a number."]),
        (
            RuleType.HUSBANDRY_MIN,
            {"min_level": 6},
            ["The minimum husbandry level must be a whole number from 1 to 5."],
        ),
        (
            RuleType.TRANSPORT,
            {"max_leg_km": 0, "max_chain_km": 0},
            [
                "The maximum distance per leg must be greater than 0 km.",
                "The maximum distance of the whole chain must be greater than 0 km.",
            ],
        ),
        (
            RuleType.TRANSPORT,
            {"max_leg_km": 150, "max_chain_km": 100},
            ["The maximum distance per leg cannot be longer than that of the whole chain."],
        ),
        (RuleType.TRANSPORT, {}, ["Missing parameter “max_leg_km”.", "Missing parameter “max_chain_km”."]),
        ("co2", {}, ["Unknown rule type “co2”."]),
    ],
)
def test_parameter_problems_are_whole_sentences(en, rule_type, params, problems):
    assert validate_params(rule_type, params) == problems


def test_edge_cases_of_the_sentences(en):
    # Potatoes sold where they grow: a chain of 0 km is said as 0.0 km.
    farm_shop = snapshot([ingredient("Kartoffeln", 100, FARM, main=True)], [stage("point_of_sale", FARM)])
    assert check(farm_shop, TRANSPORT).message == (
        "Longest leg Hof Sonnenwiese → Hof Sonnenwiese: 0.0 km ≤ 100 km; whole chain 0.0 km ≤ 200 km"
    )
    # A species the labels do not know is named as stored.
    alpaca = snapshot([ingredient("Wolle", 100, FARM)], category="wool", is_animal=True, species="alpaca")
    assert check(alpaca, HUSBANDRY_3).message == "Husbandry levels do not apply to this species (alpaca)"
    # A document kind without a label is named by its code.
    rule = criterion(RuleType.GMO_FREE, evidence=["lab_report"])
    assert check(bread(), rule).message == "Evidence missing: lab_report"
    # Figures frozen before the list of raw materials without coordinates existed.
    frozen = milk()
    del frozen["figures"]["distance_unknown"]
    assert check(frozen, TRANSPORT).figures["distance_unknown"] == []


def test_several_problems_are_joined_in_one_sentence(en):
    legs = [("Hof Sonnenwiese", "Käserei", 134.0), ("Käserei", "Bioladen", 100.5)]
    assert check(with_legs(milk(), legs, 234.5), TRANSPORT).message == (
        "Transport Hof Sonnenwiese → Käserei: 134.0 km > 100 km; Whole chain 234.5 km > 200 km"
    )
    broken = criterion(RuleType.REGIONAL_SHARE, {"min_percent": 140, "x": 1})
    expected = (
        "criterion X-1: Unknown parameter “x”.; The minimum regional share must be between 0 and 100 %."
    )
    with pytest.raises(ValueError) as caught:
        evaluate(bread(), [broken])
    assert str(caught.value) == expected
    # Limits below 1 km are odd, but a leg still cannot exceed the chain.
    assert validate_params(RuleType.TRANSPORT, {"max_leg_km": 0.8, "max_chain_km": 0.5}) == [
        "The maximum distance per leg cannot be longer than that of the whole chain."
    ]


def test_criteria_speak_the_readers_language():
    [share] = [c for c in default_criteria() if c.rule_type == RuleType.REGIONAL_SHARE]
    assert (share.title("en"), share.title("de")) == (share.title_en, share.title_de)
    assert (share.explanation("en"), share.explanation("de")) == (share.explanation_en, share.explanation_de)
    assert share.title_en != share.title_de and share.explanation_en != share.explanation_de
