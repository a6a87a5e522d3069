"""A new database of the configured pack starts with the pack's criteria catalogue and licence tiers."""

from sqlalchemy import select

from vonhier import region
from vonhier.certification.models import CatalogueStatus, CriteriaCatalogue
from vonhier.extensions import db
from vonhier.payments.models import LicenceTier

COMPARED = ("code", "title_de", "title_en", "explanation_de", "explanation_en", "applies_to", "rule_type")


def test_the_published_catalogue_v1_is_the_packs(app):
    expected = region.pack().catalogue()
    with app.app_context():
        catalogue = db.session.scalar(
            select(CriteriaCatalogue).where(
                CriteriaCatalogue.code == expected["code"], CriteriaCatalogue.version == 1
            )
        )
        assert catalogue is not None and catalogue.status == CatalogueStatus.PUBLISHED
        assert (catalogue.name_de, catalogue.name_en, catalogue.validity_months) == (
            expected["name_de"],
            expected["name_en"],
            expected["validity_months"],
        )
        assert catalogue.region.code == region.pack().code
        stored = [
            {**{k: str(getattr(c, k)) for k in COMPARED}, "params": c.params, "evidence": c.evidence}
            for c in catalogue.criteria
        ]
    assert stored == [
        {**{k: c[k] for k in COMPARED}, "params": c["params"], "evidence": c["evidence"]}
        for c in expected["criteria"]
    ]


def test_the_licence_tiers_are_the_packs(app):
    with app.app_context():
        tiers = {
            t.code: (t.name_de, t.name_en, t.size_class, t.fee_cents, float(t.vat_percent))
            for t in db.session.scalars(select(LicenceTier))
        }
    assert tiers == {
        t["code"]: (t["name_de"], t["name_en"], t.get("size_class"), t["fee_cents"], float(t["vat_percent"]))
        for t in region.pack().licence_tiers
    }
