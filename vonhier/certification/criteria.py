"""Criteria catalogues: the current published version, the pre-check against one, and the admins' drafts
and publishing (a published version never changes)."""

import copy

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from ..clock import utcnow
from ..errors import abort_with
from ..extensions import db
from ..permissions import Role
from ..region import pack
from . import rules
from .access import WorkflowError
from .audit import record
from .models import (
    CatalogueCriterion,
    CatalogueStatus,
    CriteriaCatalogue,
)


def default_code() -> str:
    """The code of the region pack's catalogue ("VH"): its versions, and the certificates' numbers."""
    return pack().catalogue()["code"]


def current_catalogue(code: str | None = None) -> CriteriaCatalogue:
    """The newest published version: new applications are checked against it."""
    code = code or default_code()
    catalogue = db.session.scalar(
        select(CriteriaCatalogue)
        .where(CriteriaCatalogue.code == code, CriteriaCatalogue.status == CatalogueStatus.PUBLISHED)
        .order_by(CriteriaCatalogue.version.desc())
    )
    if catalogue is None:
        raise LookupError("no published criteria catalogue: run `flask db upgrade`")
    return catalogue


# What the home page promises, read from the criteria in force: a region's pack may set other thresholds.
HEADLINE = {"regional_share": "min_percent", "transport": "max_leg_km", "husbandry_min": "min_level"}


def headline() -> dict[str, int]:
    """The current catalogue's regional share, longest leg and husbandry level, by parameter name
    (`min_percent`, `max_leg_km`, `min_level`); a figure the catalogue does not set is left out."""
    found = {}
    for criterion in current_catalogue().criteria:
        name = HEADLINE.get(criterion.rule_type)
        if name and criterion.params.get(name) is not None and name not in found:
            found[name] = criterion.params[name]
    return found


CRITERION_FIELDS = (
    "code",
    "title_de",
    "title_en",
    "explanation_de",
    "explanation_en",
    "applies_to",
    "categories",
    "rule_type",
    "params",
    "evidence",
)


def _criterion_values(criterion: CatalogueCriterion) -> dict:
    """A criterion's content as fresh values (lists and dicts copied, so that a copy shares nothing)."""
    return {name: copy.deepcopy(getattr(criterion, name)) for name in CRITERION_FIELDS}


def criteria_of(catalogue: CriteriaCatalogue) -> list[rules.Criterion]:
    return [rules.Criterion(**_criterion_values(c)) for c in catalogue.criteria]


def precheck(snapshot: dict, catalogue: CriteriaCatalogue, evidence: set[str] | None = None):
    return rules.evaluate(snapshot, criteria_of(catalogue), evidence)


def catalogues() -> list[CriteriaCatalogue]:
    """Every catalogue version, each code's newest first (the admins' list)."""
    return db.session.scalars(
        select(CriteriaCatalogue).order_by(CriteriaCatalogue.code, CriteriaCatalogue.version.desc())
    ).all()


def get_catalogue(catalogue_id: int) -> CriteriaCatalogue:
    """A catalogue version by id; 404 if there is none."""
    return db.session.get(CriteriaCatalogue, catalogue_id) or abort_with(404, str(_l("Unknown catalogue.")))


def _require_admin(user) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden()


def new_draft(user, source: CriteriaCatalogue) -> CriteriaCatalogue:
    """A draft copy of a catalogue with the next version number, for admins to change and publish."""
    _require_admin(user)
    if db.session.scalar(
        select(CriteriaCatalogue.id).where(
            CriteriaCatalogue.code == source.code, CriteriaCatalogue.status == CatalogueStatus.DRAFT
        )
    ):
        raise WorkflowError(str(_l("There is already a draft of this catalogue. Publish or edit that one.")))
    latest = db.session.scalar(
        select(func.max(CriteriaCatalogue.version)).where(CriteriaCatalogue.code == source.code)
    )
    draft = CriteriaCatalogue(
        region_id=source.region_id,
        code=source.code,
        version=latest + 1,
        name_de=source.name_de,
        name_en=source.name_en,
        validity_months=source.validity_months,
    )
    draft.criteria = [
        CatalogueCriterion(position=c.position, **_criterion_values(c)) for c in source.criteria
    ]
    db.session.add(draft)
    db.session.flush()
    return draft


def _require_draft(catalogue: CriteriaCatalogue) -> None:
    if catalogue.status != CatalogueStatus.DRAFT:
        raise WorkflowError(str(_l("A published catalogue cannot be changed. Create a new draft instead.")))


def update_criterion(
    user, criterion: CatalogueCriterion, params: dict, evidence: list[str], texts: dict | None = None
) -> None:
    _require_admin(user)
    _require_draft(criterion.catalogue)
    if problems := rules.validate_params(criterion.rule_type, params):
        raise WorkflowError(" ".join(problems))
    if texts is not None:
        if not (texts.get("title_de") and texts.get("title_en")):
            raise WorkflowError(str(_l("Every criterion needs a German and an English title.")))
        for key, value in texts.items():
            setattr(criterion, key, value)
    criterion.params = params
    criterion.evidence = [e for e in evidence if e in rules.EVIDENCE_KINDS]


def set_validity(user, catalogue: CriteriaCatalogue, months: int) -> None:
    _require_admin(user)
    _require_draft(catalogue)
    catalogue.validity_months = months


def publish(user, catalogue: CriteriaCatalogue) -> None:
    _require_admin(user)
    _require_draft(catalogue)
    for criterion in catalogue.criteria:
        if problems := rules.validate_params(criterion.rule_type, criterion.params):
            raise WorkflowError(f"{criterion.code}: {' '.join(problems)}")
    catalogue.status = CatalogueStatus.PUBLISHED
    catalogue.published_at = utcnow()
    catalogue.published_by_id = user.id
    record(
        user,
        "catalogue",
        catalogue.id,
        "publish",
        "draft",
        "published",
        data={"criteria": [[c.code, c.rule_type, c.params, c.evidence] for c in catalogue.criteria]},
    )
