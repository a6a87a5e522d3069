"""A region pack's default catalogue checked against the rules (`flask region check`, asked through
`geo.signals.pack_catalogue`): the same rule types, targets, parameters and evidence kinds the admin
form accepts."""

from ..geo.signals import pack_catalogue
from . import rules
from .criteria import CRITERION_FIELDS

LISTS = ("categories", "params", "evidence")  # may be empty; every other field is a text a criterion needs


def criterion_problems(criterion: dict) -> list[str]:
    """What is wrong with one `[[criteria]]` entry of a catalogue.toml, each naming what it concerns."""
    problems = [
        f"{name} is missing" for name in CRITERION_FIELDS if name not in LISTS and not criterion.get(name)
    ]
    if criterion.get("applies_to") not in set(rules.AppliesTo):
        known = ", ".join(rules.AppliesTo)
        problems.append(f"applies_to {criterion.get('applies_to')!r} is not one of {known}")
    elif criterion["applies_to"] == rules.AppliesTo.CATEGORIES and not criterion.get("categories"):
        problems.append("applies_to = 'categories' needs the categories it applies to")
    if criterion.get("rule_type") not in set(rules.RuleType):
        known = ", ".join(rules.RuleType)
        problems.append(f"rule_type {criterion.get('rule_type')!r} is not one of {known}")
    else:
        problems += rules.validate_params(criterion["rule_type"], criterion.get("params") or {})
    problems += [
        f"evidence {name!r} is not one of {', '.join(rules.EVIDENCE_KINDS)}"
        for name in criterion.get("evidence") or ()
        if name not in rules.EVIDENCE_KINDS
    ]
    return problems


@pack_catalogue.connect
def catalogue_problems(_sender, catalogue: dict, **_) -> list[str]:
    return [
        f"criterion {criterion.get('code') or number}: {problem}"
        for number, criterion in enumerate(catalogue.get("criteria") or (), start=1)
        for problem in criterion_problems(criterion)
    ]
