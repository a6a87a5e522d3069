"""Certified products around Eberswalde and far from it, and those the catalogue must never show: of
an organisation without a licence, with an expired certificate, never certified."""

from types import SimpleNamespace

import pytest

from tests import factories
from tests.suppliers.conftest import certify, product, supplier

EBERSWALDE = (52.8349, 13.8195)


@pytest.fixture
def shelf(app):
    body = factories.organisation(app, kinds=("certification_body",), display_name="Prüfstelle Mark")
    goats = supplier(app, "Ziegenhof Finow", 52.8671, 13.7722)  # Eberswalde, ~5 km from the centre
    with app.app_context():
        from vonhier.extensions import db
        from vonhier.organisations.models import Organisation

        db.session.get(Organisation, goats.id).district = "Barnim"
        db.session.commit()
    goat_cheese = product(
        app, goats.id, goats.site.id, "Ziegenkäse", gmo_free=True, species="goat", husbandry_level=4
    )
    goat_milk = product(app, goats.id, goats.site.id, "Ziegenmilch", species="goat", husbandry_level=3)
    raw = product(app, goats.id, goats.site.id, "Rohmilchkäse", gmo_free=True)  # never certified
    certify(app, goats.id, [goat_cheese, goat_milk], body.id)
    far = supplier(app, "Käserei Lausitz", 51.7563, 14.3329)  # Cottbus, ~130 km
    alpine = product(app, far.id, far.site.id, "Bergkäse", organic_control_body="DE-ÖKO-006", gmo_free=True)
    certify(app, far.id, [alpine], body.id)
    unlicensed = supplier(app, "Ohne Lizenz", 52.84, 13.80, licensed=False)
    certify(
        app, unlicensed.id, [product(app, unlicensed.id, unlicensed.site.id, "Lizenzloser Käse")], body.id
    )
    expired = supplier(app, "Abgelaufen", 52.83, 13.81)
    certify(app, expired.id, [product(app, expired.id, expired.site.id, "Alter Käse")], body.id, expired=True)
    return SimpleNamespace(
        body=body, goats=goats, far=far, goat_cheese=goat_cheese, goat_milk=goat_milk, raw=raw, alpine=alpine
    )
