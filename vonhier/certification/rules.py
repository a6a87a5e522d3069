"""The automatic pre-check: criteria of a label catalogue evaluated against a product snapshot.

Pure functions of plain data (see `catalogue.snapshot`): no database, no request. The certifier reviews
the outcome; the pre-check only says which criteria are met on paper and which documents are missing.
Messages are one sentence in the current locale, so call `evaluate` inside an app (or request) context.

Missing data fails a criterion with a sentence naming what is missing, because a label must not be
granted on data nobody entered. Decisions kept simple on purpose:

* `value_determining_regional` with no ingredient marked as value-determining fails.
* `processing_in_region` with no processing or packing stage fails (apply it to processed products).
* `husbandry_min` concerns livestock only: other species (bees, fish, game) are not applicable; an animal
  product without a species fails, since nobody can tell whether a husbandry level is due.
* `transport` judges the legs whose distance is known. A raw material without coordinates travels no
  known leg and does not fail the rule; only when no leg at all has a known distance does the rule fail
  and name the raw materials without coordinates.
"""

import enum
import math
from dataclasses import dataclass
from numbers import Real

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from .. import region
from ..catalogue.models import LIVESTOCK
from ..catalogue.names import SPECIES
from ..catalogue.snapshot import figures as compute_figures
from ..display_names import add


class RuleType(enum.StrEnum):
    REGIONAL_SHARE = "regional_share"
    MAIN_INGREDIENT_REGIONAL = "main_ingredient_regional"
    VALUE_DETERMINING_REGIONAL = "value_determining_regional"
    PROCESSING_IN_REGION = "processing_in_region"
    GMO_FREE = "gmo_free"
    HUSBANDRY_MIN = "husbandry_min"
    TRANSPORT = "transport"
    ORGANIC_REQUIRED = "organic_required"


class AppliesTo(enum.StrEnum):
    ALL = "all"
    ANIMAL = "animal"
    PROCESSED = "processed"
    CATEGORIES = "categories"


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    EVIDENCE_MISSING = "evidence_missing"


# Document kinds a producer uploads as evidence; criteria name the kinds they require.
EVIDENCE_KINDS = add(
    "evidence_kind",
    {
        "feed_gmo_free": _l("Proof of GMO-free feed"),
        "husbandry_certificate": _l("Husbandry certificate"),
        "organic_certificate": _l("Organic certificate"),
        "supplier_declaration": _l("Supplier declaration"),
        "transport_records": _l("Transport records"),
        "recipe": _l("Recipe or formulation sheet"),
    },
)
# Without it the "Ohne Gentechnik" declaration of an animal product says nothing about the feed.
FEED_EVIDENCE = "feed_gmo_free"

# The parameters each rule type takes; any other key is an error.
PARAMS = {
    RuleType.REGIONAL_SHARE: ("min_percent",),
    RuleType.HUSBANDRY_MIN: ("min_level",),
    RuleType.TRANSPORT: ("max_leg_km", "max_chain_km"),
}


@dataclass
class Criterion:
    """One criterion of a catalogue version, as the evaluator reads it (the database model converts)."""

    code: str
    title_de: str
    title_en: str
    applies_to: AppliesTo
    categories: list[str]
    rule_type: RuleType
    params: dict
    evidence: list[str]
    explanation_de: str = ""
    explanation_en: str = ""

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_de

    def explanation(self, locale: str) -> str:
        return self.explanation_en if locale == "en" else self.explanation_de


@dataclass
class Result:
    """The outcome of one criterion; `figures` holds the numbers used (and `missing_evidence` codes)."""

    code: str
    outcome: Outcome
    figures: dict
    message: str


# --- formatting -------------------------------------------------------------------------------------


def _number(value) -> str:
    return format_decimal(value)


def _km(value) -> str:
    return format_decimal(value, format="#,##0.0")


def _names(names) -> str:
    return ", ".join(names)


# --- applicability ----------------------------------------------------------------------------------


def is_processed(snapshot: dict) -> bool:
    """More than one raw material (water and salt aside), or a processing stage in the chain."""
    counted = [i for i in snapshot["ingredients"] if not i["is_water_or_salt"]]
    return len(counted) > 1 or any(s["kind"] == "processing" for s in snapshot["stages"])


def _not_applicable_because(criterion: Criterion, snapshot: dict) -> str | None:
    """Why `criterion` does not apply to the product, or None if it does."""
    product = snapshot["product"]
    applies_to = AppliesTo(criterion.applies_to)
    if applies_to == AppliesTo.ANIMAL and not product["is_animal"]:
        return str(_l("Applies only to animal products"))
    if applies_to == AppliesTo.PROCESSED and not is_processed(snapshot):
        return str(_l("Applies only to processed products"))
    if applies_to == AppliesTo.CATEGORIES and product["category"] not in criterion.categories:
        return str(_l("Does not apply to this product category"))
    return None


# --- rules: each returns (outcome, figures, message) ------------------------------------------------


def _regional_share(criterion, snapshot, figures):
    share, minimum = figures["regional_share"], criterion.params["min_percent"]
    numbers = {"regional_share": share, "min_percent": minimum}
    if share is None:
        return Outcome.FAILED, numbers, str(_l("No ingredients are entered (water and salt do not count)"))
    values = {"share": _number(share), "min": _number(minimum)}
    if share >= minimum:
        return Outcome.PASSED, numbers, str(_l("Regional share %(share)s %% ≥ %(min)s %%", **values))
    return Outcome.FAILED, numbers, str(_l("Regional share %(share)s %% < %(min)s %%", **values))


def _main_ingredient(criterion, snapshot, figures):
    counted = [i for i in snapshot["ingredients"] if not i["is_water_or_salt"]]
    main = next((i for i in counted if i["is_main"]), None)
    regional = figures["main_ingredient_regional"]
    numbers = {"main_ingredient_regional": regional, "main_ingredient": main["name"] if main else None}
    if not counted:
        return Outcome.FAILED, numbers, str(_l("No ingredients are entered (water and salt do not count)"))
    if main is None or regional is None:
        return Outcome.FAILED, numbers, str(_l("No ingredient is marked as the main ingredient"))
    if regional:
        return (
            Outcome.PASSED,
            numbers,
            str(_l("Main ingredient “%(name)s” comes from the region", name=main["name"])),
        )
    message = _l("Main ingredient “%(name)s” does not come from the region", name=main["name"])
    return Outcome.FAILED, numbers, str(message)


def _value_determining(criterion, snapshot, figures):
    marked = [i for i in snapshot["ingredients"] if i["is_value_determining"] and not i["is_water_or_salt"]]
    outside = [i["name"] for i in marked if not i["origin"]["in_region"]]
    regional = figures["value_determining_regional"]
    numbers = {"value_determining_regional": regional, "not_regional": outside}
    if regional is None:
        return Outcome.FAILED, numbers, str(_l("No ingredient is marked as value-determining"))
    if regional:
        return Outcome.PASSED, numbers, str(_l("All value-determining ingredients come from the region"))
    message = _l("Value-determining ingredients not from the region: %(names)s", names=_names(outside))
    return Outcome.FAILED, numbers, str(message)


def _processing_in_region(criterion, snapshot, figures):
    processing = [s["site"] for s in snapshot["stages"] if s["kind"] in ("processing", "packing")]
    outside = list(dict.fromkeys(site["name"] for site in processing if not site["in_region"]))
    in_region = figures["processing_in_region"]
    numbers = {"processing_in_region": in_region, "outside": outside}
    if in_region is None:
        return Outcome.FAILED, numbers, str(_l("No processing or packing stage is entered"))
    if in_region:
        return Outcome.PASSED, numbers, str(_l("Processing and packing take place in the region"))
    return (
        Outcome.FAILED,
        numbers,
        str(_l("Processed or packed outside the region: %(sites)s", sites=_names(outside))),
    )


def _gmo_free(criterion, snapshot, figures):
    product = snapshot["product"]
    numbers = {"gmo_free": bool(product["gmo_free"]), "is_animal": product["is_animal"]}
    if product["gmo_free"]:
        return Outcome.PASSED, numbers, str(_l("Declared “Ohne Gentechnik” (GMO-free)"))
    return Outcome.FAILED, numbers, str(_l("No “Ohne Gentechnik” (GMO-free) declaration"))


def _husbandry_min(criterion, snapshot, figures):
    product = snapshot["product"]
    level, minimum, species = product["husbandry_level"], criterion.params["min_level"], product["species"]
    numbers = {"husbandry_level": level, "min_level": minimum, "species": species}
    if species is None:
        if not product["is_animal"]:
            return Outcome.NOT_APPLICABLE, numbers, str(_l("Applies only to animal products"))
        return Outcome.FAILED, numbers, str(_l("Animal species missing"))
    if species not in LIVESTOCK:
        label = SPECIES.get(species, species)  # StrEnum keys match the stored string
        message = _l("Husbandry levels do not apply to this species (%(species)s)", species=str(label))
        return Outcome.NOT_APPLICABLE, numbers, str(message)
    if level is None:
        return Outcome.FAILED, numbers, str(_l("Husbandry level missing"))
    values = {"level": _number(level), "min": _number(minimum)}
    if level >= minimum:
        return Outcome.PASSED, numbers, str(_l("Husbandry level %(level)s ≥ %(min)s", **values))
    return Outcome.FAILED, numbers, str(_l("Husbandry level %(level)s < %(min)s", **values))


def _transport(criterion, snapshot, figures):
    max_leg, max_chain = criterion.params["max_leg_km"], criterion.params["max_chain_km"]
    known = [leg for leg in figures["legs"] if leg["km"] is not None]
    longest = max(known, key=lambda leg: leg["km"]) if known else None
    chain = figures["chain_km"]
    numbers = {
        "longest_leg_km": longest["km"] if longest else None,
        "longest_leg_from": longest["from"]["name"] if longest else None,
        "longest_leg_to": longest["to"]["name"] if longest else None,
        "chain_km": chain,
        "max_leg_km": max_leg,
        "max_chain_km": max_chain,
        "distance_unknown": list(figures.get("distance_unknown", [])),
    }
    if not snapshot["stages"]:
        return Outcome.FAILED, numbers, str(_l("No supply chain stages are entered"))
    if longest is None:
        if numbers["distance_unknown"]:
            message = _l(
                "No transport distance is known (no coordinates for %(names)s)",
                names=_names(numbers["distance_unknown"]),
            )
            return Outcome.FAILED, numbers, str(message)
        return Outcome.FAILED, numbers, str(_l("No transport distance is known"))
    leg = {
        "start": longest["from"]["name"],
        "end": longest["to"]["name"],
        "km": _km(longest["km"]),
        "max": _number(max_leg),
    }
    whole = {"km": _km(chain or 0), "max": _number(max_chain)}
    problems = []
    if longest["km"] > max_leg:
        problems.append(str(_l("Transport %(start)s → %(end)s: %(km)s km > %(max)s km", **leg)))
    if chain is not None and chain > max_chain:
        problems.append(str(_l("Whole chain %(km)s km > %(max)s km", **whole)))
    if problems:
        return Outcome.FAILED, numbers, "; ".join(problems)
    message = _l(
        "Longest leg %(start)s → %(end)s: %(km)s km ≤ %(max)s km; "
        "whole chain %(chain)s km ≤ %(max_chain)s km",
        **leg,
        chain=whole["km"],
        max_chain=whole["max"],
    )
    return Outcome.PASSED, numbers, str(message)


def _organic(criterion, snapshot, figures):
    body = snapshot["product"].get("organic_control_body") or None
    numbers = {"organic_control_body": body}
    if body:
        return Outcome.PASSED, numbers, str(_l("Organic control body %(code)s", code=body))
    return Outcome.FAILED, numbers, str(_l("No organic control body is entered"))


RULES = {
    RuleType.REGIONAL_SHARE: _regional_share,
    RuleType.MAIN_INGREDIENT_REGIONAL: _main_ingredient,
    RuleType.VALUE_DETERMINING_REGIONAL: _value_determining,
    RuleType.PROCESSING_IN_REGION: _processing_in_region,
    RuleType.GMO_FREE: _gmo_free,
    RuleType.HUSBANDRY_MIN: _husbandry_min,
    RuleType.TRANSPORT: _transport,
    RuleType.ORGANIC_REQUIRED: _organic,
}


# --- evaluation -------------------------------------------------------------------------------------


def required_evidence(criterion: Criterion, snapshot: dict) -> list[str]:
    """The document kinds `criterion` needs for this product, in the criterion's order."""
    kinds = list(criterion.evidence)
    if RuleType(criterion.rule_type) == RuleType.GMO_FREE and snapshot["product"]["is_animal"]:
        kinds.append(FEED_EVIDENCE)
    return list(dict.fromkeys(kinds))


def evidence_label(kind: str) -> str:
    return str(EVIDENCE_KINDS.get(kind, kind))


def evaluate_one(snapshot: dict, criterion: Criterion, evidence: set[str] | None = None) -> Result:
    """Applicability first, then the rule, then the documents a passed rule still needs."""
    if problems := validate_params(criterion.rule_type, criterion.params):
        # Criteria are validated when saved; a broken one must not quietly pass or fail products.
        raise ValueError(f"criterion {criterion.code}: {'; '.join(problems)}")
    if (reason := _not_applicable_because(criterion, snapshot)) is not None:
        return Result(criterion.code, Outcome.NOT_APPLICABLE, {}, reason)
    # Stored figures are used as they were frozen; recompute only for snapshots that lack them.
    figures = snapshot.get("figures") or compute_figures(snapshot["ingredients"], snapshot["stages"])
    outcome, numbers, message = RULES[RuleType(criterion.rule_type)](criterion, snapshot, figures)
    if outcome != Outcome.PASSED:
        return Result(criterion.code, outcome, numbers, message)
    missing = [kind for kind in required_evidence(criterion, snapshot) if kind not in (evidence or set())]
    if missing:
        message = _l("Evidence missing: %(kinds)s", kinds=_names(evidence_label(k) for k in missing))
        return Result(
            criterion.code, Outcome.EVIDENCE_MISSING, {**numbers, "missing_evidence": missing}, str(message)
        )
    return Result(criterion.code, Outcome.PASSED, numbers, message)


def evaluate(snapshot: dict, criteria: list[Criterion], evidence: set[str] | None = None) -> list[Result]:
    """One result per criterion; `evidence` holds the uploaded document kinds (None: nothing uploaded)."""
    return [evaluate_one(snapshot, criterion, evidence) for criterion in criteria]


def summary(results: list[Result]) -> Outcome:
    """Failed if anything failed, else evidence missing if any document is, else passed."""
    outcomes = {r.outcome for r in results}
    if Outcome.FAILED in outcomes:
        return Outcome.FAILED
    if Outcome.EVIDENCE_MISSING in outcomes:
        return Outcome.EVIDENCE_MISSING
    return Outcome.PASSED


# --- parameters -------------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def validate_params(rule_type, params: dict) -> list[str]:
    """Translated problems with the parameters of a rule: unknown, missing, out of range, contradictory."""
    try:
        rule_type = RuleType(rule_type)
    except ValueError:
        return [str(_l("Unknown rule type “%(type)s”.", type=rule_type))]
    params = params or {}
    expected = PARAMS.get(rule_type, ())
    problems = [_l("Unknown parameter “%(name)s”.", name=name) for name in params if name not in expected]
    for name in expected:
        if name not in params:
            problems.append(_l("Missing parameter “%(name)s”.", name=name))
        elif not _is_number(params[name]):
            problems.append(_l("The parameter “%(name)s” must be a number.", name=name))
    given = {name: params[name] for name in expected if _is_number(params.get(name))}
    problems += _range_problems(given)
    return [str(p) for p in problems]


def _range_problems(given: dict) -> list:
    problems = []
    if "min_percent" in given and not 0 <= given["min_percent"] <= 100:
        problems.append(
            _l("The minimum regional share must be between %(low)s and %(high)s %%.", low=0, high=100)
        )
    level = given.get("min_level")
    if level is not None and not (level == int(level) and 1 <= level <= 5):
        problems.append(
            _l("The minimum husbandry level must be a whole number from %(low)s to %(high)s.", low=1, high=5)
        )
    leg, chain = given.get("max_leg_km"), given.get("max_chain_km")
    if leg is not None and leg <= 0:
        problems.append(_l("The maximum distance per leg must be greater than 0 km."))
    if chain is not None and chain <= 0:
        problems.append(_l("The maximum distance of the whole chain must be greater than 0 km."))
    if leg is not None and chain is not None and 0 < chain < leg:
        problems.append(_l("The maximum distance per leg cannot be longer than that of the whole chain."))
    return problems


# --- the seeded catalogue ---------------------------------------------------------------------------


def default_criteria() -> list[Criterion]:
    """The region pack's default catalogue (`catalogue.toml`, version 1 of a new database), as read here."""
    return [
        Criterion(
            **{**row, "applies_to": AppliesTo(row["applies_to"]), "rule_type": RuleType(row["rule_type"])}
        )
        for row in region.pack().catalogue()["criteria"]
    ]
