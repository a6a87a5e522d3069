"""Versioned criteria catalogues: drafts, publishing, immutability, parameter checks; the CLI check."""

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.certification.models import CatalogueCriterion, CriteriaCatalogue
from vonhier.extensions import db

from .conftest import signed_in


@pytest.fixture
def admin(app):
    return signed_in(app, factories.user(app, roles=("admin",)))


def draft_form(draft, **changes):
    data = {"v-validity_months": str(draft.validity_months)}
    for criterion in draft.criteria:
        prefix = f"c{criterion.id}-"
        for key in ("title_de", "title_en", "explanation_de", "explanation_en"):
            data[prefix + key] = getattr(criterion, key)
        for key, value in criterion.params.items():
            data[prefix + key] = str(value)
        data[prefix + "evidence"] = list(criterion.evidence)
    data.update(changes)
    return data


def make_draft(app, admin):
    with app.app_context():
        v1 = db.session.scalar(select(CriteriaCatalogue).where(CriteriaCatalogue.version == 1))
        v1_id = v1.id
    response = admin.post(f"/certification/catalogues/{v1_id}/draft")
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(select(CriteriaCatalogue).where(CriteriaCatalogue.version == 2))
        return draft, {c.code: c.id for c in draft.criteria}


def test_seeded_catalogue_has_the_label_rules(app):
    with app.app_context():
        v1 = db.session.scalar(select(CriteriaCatalogue))
        params = {c.code: (c.rule_type, c.params) for c in v1.criteria}
    assert v1.status == "published" and v1.validity_months == 12
    assert params["VH-R1"] == ("regional_share", {"min_percent": 70})
    assert params["VH-T1"] == ("husbandry_min", {"min_level": 3})
    assert params["VH-L1"] == ("transport", {"max_leg_km": 100, "max_chain_km": 200})


def test_admin_publishes_version_2_with_other_numbers(app, admin):
    draft, ids = make_draft(app, admin)
    with app.app_context():
        draft = db.session.get(CriteriaCatalogue, draft.id)
        data = draft_form(
            draft,
            **{
                f"c{ids['VH-R1']}-min_percent": "80",
                "v-validity_months": "24",
                f"c{ids['VH-R1']}-title_de": "Mindestens 80 % regionale Rohstoffe",
            },
        )
    assert (
        admin.post(f"/certification/catalogues/{draft.id}", data={**data, "publish": "1"}).status_code == 302
    )
    with app.app_context():
        from vonhier.certification.criteria import current_catalogue

        current = current_catalogue()
        assert current.version == 2 and current.validity_months == 24
        changed = db.session.get(CatalogueCriterion, ids["VH-R1"])
        assert (
            changed.params == {"min_percent": 80}
            and changed.title_de == "Mindestens 80 % regionale Rohstoffe"
        )
        v1 = db.session.scalar(select(CriteriaCatalogue).where(CriteriaCatalogue.version == 1))
        assert next(c for c in v1.criteria if c.code == "VH-R1").params == {"min_percent": 70}


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("VH-R1", {"min_percent": "140"}),
        ("VH-R1", {"min_percent": "-5"}),
        ("VH-R1", {"min_percent": ""}),
        ("VH-L1", {"max_leg_km": "-10"}),
        ("VH-L1", {"max_leg_km": "300", "max_chain_km": "200"}),
        ("VH-T1", {"min_level": "6"}),
    ],
)
def test_contradictory_or_out_of_range_parameters_are_refused(app, admin, code, changes):
    draft, ids = make_draft(app, admin)
    with app.app_context():
        draft = db.session.get(CriteriaCatalogue, draft.id)
        data = draft_form(draft, **{f"c{ids[code]}-{k}": v for k, v in changes.items()})
        before = db.session.get(CatalogueCriterion, ids[code]).params
    response = admin.post(f"/certification/catalogues/{draft.id}", data=data)
    assert response.status_code == 400
    assert code in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CatalogueCriterion, ids[code]).params == before


def test_published_catalogues_cannot_change(app, admin):
    with app.app_context():
        v1 = db.session.scalar(select(CriteriaCatalogue))
        data = draft_form(v1)
        v1_id = v1.id
    assert admin.post(f"/certification/catalogues/{v1_id}", data=data).status_code == 400
    assert admin.post(f"/certification/catalogues/{v1_id}/publish").status_code == 409


def test_only_one_draft_at_a_time_and_only_admins(app, admin, scene):
    draft, _ = make_draft(app, admin)
    with app.app_context():
        v1_id = db.session.scalar(select(CriteriaCatalogue.id).where(CriteriaCatalogue.version == 1))
    assert admin.post(f"/certification/catalogues/{v1_id}/draft").status_code == 409
    assert scene.certifier_client.get("/certification/catalogues").status_code == 403
    assert scene.producer_client.post(f"/certification/catalogues/{draft.id}/publish").status_code == 403


def test_cli_check_prints_every_criterion(app, scene):
    result = app.test_cli_runner().invoke(args=["certification", "check", str(scene.product_id)])
    assert result.exit_code == 0, result.output
    assert "VH-R1" in result.output and "Regionaler Anteil 100 %" in result.output
    assert "=> evidence_missing" in result.output  # the husbandry certificate is not uploaded yet
    missing = app.test_cli_runner().invoke(args=["certification", "check", "999999"])
    assert missing.exit_code != 0
