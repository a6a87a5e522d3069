"""The provenance page's whole ingredient list: every ingredient, largest share first, with its origin,
whether it is regional, and the allergens in bold; a page of a product without recorded allergens
says so."""

import re

from tests import factories
from tests.certification.conftest import scene  # noqa: F401 (the fixture is used here)
from vonhier.catalogue.models import Product
from vonhier.extensions import db
from vonhier.provenance.services import ensure_code


def _page(app, product_id, language="de"):
    with app.app_context():
        code = ensure_code(db.session.get(Product, product_id))
        db.session.commit()
    return app.test_client().get(f"/p/{code}", headers={"Accept-Language": language}).get_data(as_text=True)


def _yoghurt(app, scene, **fields):  # noqa: F811
    supplier = factories.organisation(app, owner_id=factories.user(app).id, display_name="Obstgut Havelblick")
    plantation = factories.site(
        app, supplier.id, name="Sanddornplantage", town="Groß Kreutz", latitude=52.40, longitude=12.78
    )
    return factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        # Entered in another order than the label's: the page sorts by share.
        [
            ("Rohrohrzucker", 8, "Paraguay", False),
            ("Joghurt", 82, scene.farm.id, False),
            ("Sanddornmark", 10, plantation.id, False),
        ],
        contains={"Joghurt": ["milk"]},
        name_de="Sanddorn-Joghurt",
        **fields,
    )


def test_every_ingredient_in_descending_share_with_origin_and_allergens_in_bold(app, scene):  # noqa: F811
    product_id = _yoghurt(app, scene, allergen_traces=["nuts"])
    page = _page(app, product_id)
    listed = re.search(r'<ol class="ingredient-list">(.*?)</ol>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", listed, re.S)
    assert len(items) == 3
    assert [re.search(r"(Joghurt|Sanddornmark|Rohrohrzucker)", i).group(1) for i in items] == [
        "Joghurt",
        "Sanddornmark",
        "Rohrohrzucker",
    ]
    assert "<strong>Joghurt (Milch)</strong>" in items[0] and "82 %" in items[0]
    assert "Prenzlau" in items[0] and "Hof Sonnenwiese" in items[0] and "regional" in items[0]
    assert "Groß Kreutz" in items[1] and "Obstgut Havelblick" in items[1]
    assert "Paraguay" in items[2] and "nicht regional" in items[2] and "<strong>" not in items[2]
    assert "Enthält: <strong>Milch (einschließlich Laktose)</strong>" in page
    assert "Kann Spuren enthalten von: <strong>Schalenfrüchte" in page
    # The Regionalfenster block stays on top.
    assert page.index("Regionalanteil") < page.index('class="ingredient-list"')
    english = _page(app, product_id, "en")
    assert "<strong>Joghurt (Milk)</strong>" in english and "May contain traces of:" in english


def test_none_recorded_and_none_of_the_14(app, scene):  # noqa: F811
    honey = factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Honig", 100, scene.farm.id, False)],
        name_de="Honig",
        category="honey",
        allergen_free=True,
    )
    assert "Enthält keines der 14 Hauptallergene" in _page(app, honey)
    plain = factories.product(
        app, scene.owner.id, scene.org.id, [("Gurken", 100, scene.farm.id, False)], name_de="Gurken"
    )
    assert "Der Betrieb hat die Allergene noch nicht erfasst" in _page(app, plain)
