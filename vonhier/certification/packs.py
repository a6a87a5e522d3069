"""A region pack's default catalogue checked against the rules (`flask region check`, asked through
`geo.signals.pack_catalogue`): the same rule types, targets, parameters and evidence kinds the admin
form accepts, and the lengths the database stores. Category slugs are not checked: the categories are
seeded by a migration, and no module of the app names them."""

from ..geo.signals import pack_catalogue
from . import rules
from .criteria import CRITERION_FIELDS
from .models import CatalogueCriterion, CriteriaCatalogue

LISTS = ("categories", "evidence")  # may be empty lists
TABLES = ("params",)  # may be an empty table; every other field is a text a criterion needs


def _text_problems(criterion: dict) -> list[str]:
    problems = []
    for name in CRITERION_FIELDS:
        value = criterion.get(name)
        if name in LISTS + TABLES:
            kind = list if name in LISTS else dict
            if value is not None and not isinstance(value, kind):
                problems.append(f"{name} must be a {'list' if kind is list else 'table'}, not {value!r}")
        elif not value:
            problems.append(f"{name} is missing")
        elif not isinstance(value, str):
            problems.append(f"{name} must be a text, not {value!r}")
        elif len(value) > (length := getattr(CatalogueCriterion, name).type.length):
            problems.append(f"{name} is longer than {length} characters")
    return problems


def criterion_problems(criterion: dict) -> list[str]:
    """What is wrong with one `[[criteria]]` entry of a catalogue.toml, each naming what it concerns."""
    problems = _text_problems(criterion)
    categories, params, evidence = (criterion.get(name) for name in ("categories", "params", "evidence"))
    if criterion.get("applies_to") not in set(rules.AppliesTo):
        known = ", ".join(rules.AppliesTo)
        problems.append(f"applies_to {criterion.get('applies_to')!r} is not one of {known}")
    elif criterion["applies_to"] == rules.AppliesTo.CATEGORIES and not categories:
        problems.append("applies_to = 'categories' needs the categories it applies to")
    if criterion.get("rule_type") not in set(rules.RuleType):
        known = ", ".join(rules.RuleType)
        problems.append(f"rule_type {criterion.get('rule_type')!r} is not one of {known}")
    elif params is None or isinstance(params, dict):
        problems += rules.validate_params(criterion["rule_type"], params or {})
    problems += [
        f"evidence {name!r} is not one of {', '.join(rules.EVIDENCE_KINDS)}"
        for name in (evidence if isinstance(evidence, list) else ())
        if not isinstance(name, str) or name not in rules.EVIDENCE_KINDS
    ]
    return problems


@pack_catalogue.connect
def catalogue_problems(_sender, catalogue: dict, **_) -> list[str]:
    code, length = catalogue.get("code"), CriteriaCatalogue.code.type.length
    problems = (
        [f"code is longer than {length} characters"] if isinstance(code, str) and len(code) > length else []
    )
    for number, criterion in enumerate(catalogue.get("criteria") or (), start=1):
        if not isinstance(criterion, dict):
            problems.append(f"criterion {number}: must be a table [[criteria]]")
            continue
        name = criterion.get("code") if isinstance(criterion.get("code"), str) else None
        problems += [f"criterion {name or number}: {problem}" for problem in criterion_problems(criterion)]
    return problems
