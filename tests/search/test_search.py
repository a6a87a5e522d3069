"""Free-text search: German examples, hostile input, keeping the index current (SQLite and PostgreSQL)."""

from types import SimpleNamespace

import pytest
from flask import request
from sqlalchemy import func, select

from tests import factories
from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Product
from vonhier.catalogue.product_input import ProductInput
from vonhier.extensions import db
from vonhier.organisations import services as organisations
from vonhier.organisations.models import Organisation
from vonhier.permissions import SYSTEM
from vonhier.search import services as search
from vonhier.search.models import SearchDocument


@pytest.fixture
def world(app):
    """Three producers (two in the Uckermark) and their products, saved through the catalogue."""
    owner = factories.user(app)
    mueller = factories.organisation(
        app, owner_id=owner.id, display_name="Käserei Müller", town="Angermünde", district="Uckermark"
    )
    imker = factories.organisation(
        app, owner_id=owner.id, display_name="Imkerei Sonnenschein", town="Prenzlau", district="Uckermark"
    )
    mosterei = factories.organisation(
        app, owner_id=owner.id, display_name="Mosterei am See", town="Werder", district="Potsdam-Mittelmark"
    )
    with app.app_context():  # organisations saved directly by the factory: index them as a save would
        search.reindex(["organisation"])
        db.session.commit()

    def product(org, name, category, ingredient, place, **fields):
        return factories.product(
            app,
            owner.id,
            org.id,
            [(ingredient, 100, place, False)],
            name_de=name,
            category=category,
            **fields,
        )

    return SimpleNamespace(
        owner=owner,
        mueller=mueller,
        imker=imker,
        mosterei=mosterei,
        cheese=product(mueller, "Ziegenkäse Natur", "dairy-cheese", "Ziegenmilch", "Angermünde"),
        honey=product(imker, "Blütenhonig", "honey", "Honig", "Prenzlau"),
        forest_honey=product(mosterei, "Waldhonig", "honey", "Honig", "Werder"),
        juice=product(mosterei, "Apfelsaft naturtrüb", "beverages-juices", "Äpfel", "Werder"),
        eggs=product(imker, "Eier vom Hof", "eggs", "Eier", "Prenzlau"),
    )


def found(app, kind, query):
    with app.app_context():
        return set(db.session.scalars(search.matching_ids(kind, query)))


@pytest.mark.parametrize("query", ["Käse", "käse", "KÄSE", "kase", "Kaese ", "käse*", '"Käse"'])
def test_kaese_finds_the_compound_and_the_kaeserei(app, world, query):
    expected = {world.cheese} if query != "Kaese " else set()  # "ae" is not folded into "ä"
    assert found(app, "product", query) == expected
    assert found(app, "organisation", query) == ({world.mueller.id} if expected else set())


@pytest.mark.parametrize("query", ["apfel", "Apfel", "Äpfel", "äpfel", "apfelsaft", "Saft"])
def test_apples_find_apple_juice(app, world, query):
    assert found(app, "product", query) == {world.juice}


def test_only_postgresql_matches_inflected_forms(app, world):
    with app.app_context():
        stems = db.engine.dialect.name == "postgresql"  # Snowball German; FTS5 has no stemmer
    assert found(app, "product", "Honige") == ({world.honey, world.forest_honey} if stems else set())


def test_terms_in_different_fields_must_all_match(app, world):
    assert found(app, "product", "Honig Uckermark") == {world.honey}
    assert found(app, "product", "honig") == {world.honey, world.forest_honey}
    assert found(app, "product", "Uckermark") == {world.cheese, world.honey, world.eggs}
    assert found(app, "product", "Honig Uckermark Käse") == set()
    assert found(app, "organisation", "Uckermark") == {world.mueller.id, world.imker.id}


def test_short_terms_match_the_start_of_a_word(app, world):
    assert found(app, "product", "Ei") == {world.eggs}  # "Eier", but not "Sonnenschein"'s "ei"
    assert found(app, "product", "Ei Hof") == {world.eggs}


def test_empty_query_matches_nothing(app, world):
    for query in ("", "   ", None, "*", "-", "()"):
        assert found(app, "product", query) == set()
    assert search.terms("*") == []


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE products; --",
        '" OR 1=1',
        "' OR '1'='1",
        "*",
        "NEAR(",
        "NEAR(käse honig, 2)",
        '"käse',
        'käse"',
        '"""',
        "käse OR honig",
        "käse NOT honig",
        "body:käse",
        "{body}: käse",
        "^käse",
        "käse%",
        "%",
        "_",
        "käse & | ! <-> :*",
        "\\",
        "\x00",
        "😀 käse",
    ],
)
def test_hostile_input_never_raises_and_finds_nothing_unexpected(app, world, query):
    for kind in ("product", "organisation"):
        result = found(app, kind, query)
        expected = {world.cheese} if kind == "product" else {world.mueller.id}
        assert result <= expected, (kind, query, result)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 5


def test_too_long_text_raises_a_clear_error(app, world):
    with app.app_context():
        with pytest.raises(search.QueryTooLong) as raised:
            search.matching_ids("product", "käse " * 2000)
        assert "200" in str(raised.value)
        assert search.terms("k" * search.MAX_QUERY_LENGTH) == ["k" * search.MAX_QUERY_LENGTH]
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert "Zeichen" in str(search.QueryTooLong())


def test_a_view_that_lets_the_error_pass_answers_400_with_the_message(make_app):
    other = make_app()

    @other.get("/api/test-search")
    def api_search():
        return {"ids": list(db.session.scalars(search.matching_ids("product", request.args["q"])))}

    client = other.test_client()
    assert client.get("/api/test-search?q=käse").get_json() == {"ids": []}
    response = client.get("/api/test-search?q=" + "k" * 10_000, headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "Bitte kürzen Sie Ihre Suche auf höchstens 200 Zeichen."
    )


def test_archived_products_are_not_found(app, world):
    with app.app_context():
        catalogue.set_product_archived(SYSTEM, db.session.get(Product, world.cheese), True)
        db.session.commit()
    assert found(app, "product", "käse") == set()
    with app.app_context():
        catalogue.set_product_archived(SYSTEM, db.session.get(Product, world.cheese), False)
        db.session.commit()
    assert found(app, "product", "käse") == {world.cheese}


def test_renaming_a_product_updates_the_index(app, world):
    with app.app_context():
        product = db.session.get(Product, world.honey)
        product.name_de = "Rapshonig cremig"
        assert catalogue.record_version(SYSTEM, product) is not None
        db.session.commit()
    assert found(app, "product", "Blütenhonig") == set()
    assert found(app, "product", "raps cremig") == {world.honey}


def test_saving_a_profile_updates_the_organisation_and_its_products(app, world):
    with app.app_context():
        organisation = db.session.get(Organisation, world.mosterei.id)
        owner = organisation.memberships[0].user
        organisations.update(
            owner, organisation, {"display_name": "Obsthof Schulze", "district": "Barnim"}, organisation.kinds
        )
        db.session.commit()
    assert found(app, "organisation", "Schulze") == {world.mosterei.id}
    assert found(app, "organisation", "Mosterei") == set()
    assert found(app, "product", "Schulze") == {world.forest_honey, world.juice}
    assert found(app, "product", "Honig Barnim") == {world.forest_honey}


def test_a_new_organisation_is_indexed(app, world):
    with app.app_context():
        owner = db.session.get(Organisation, world.imker.id).memberships[0].user
        data = {
            "legal_name": "Fischerei Zander GbR",
            "display_name": "Fischerei Zander",
            "street": "Am See 1",
            "postcode": "17268",
            "town": "Templin",
            "district": "Uckermark",
        }
        created = organisations.create(owner, data, ["producer"])
        db.session.commit()
        assert found(app, "organisation", "zander templin") == {created.id}


def test_reindex_rebuilds_everything_but_archived_products(app, world):
    with app.app_context():
        catalogue.set_product_archived(SYSTEM, db.session.get(Product, world.eggs), True)
        db.session.execute(SearchDocument.__table__.delete())
        db.session.commit()
    assert found(app, "product", "honig") == set()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "4 product documents, 3 organisation documents" in result.output
    assert found(app, "product", "honig") == {world.honey, world.forest_honey}
    assert found(app, "product", "Eier") == set()
    assert found(app, "organisation", "Käse") == {world.mueller.id}


def test_matching_ids_combine_with_the_callers_query(app, world):
    with app.app_context():
        statement = (
            select(Product.name_de)
            .where(
                Product.id.in_(search.matching_ids("product", "honig")),
                Product.organisation_id.in_(search.matching_ids("organisation", "Uckermark")),
            )
            .order_by(Product.name_de)
            .limit(10)
        )
        assert db.session.scalars(statement).all() == ["Blütenhonig"]


def test_ranked_puts_name_matches_first(app, world):
    bread = factories.product(
        app,
        world.owner.id,
        world.mueller.id,
        [("Roggenmehl", 100, "Angermünde", False)],
        name_de="Roggenbrot",
        category="bakery",
        description_de="Passt gut zu Käse.",
    )
    with app.app_context():
        rows = db.session.execute(search.ranked("product", "Käse")).all()
    assert [row.ref_id for row in rows] == [world.cheese, bread]
    assert rows[0].score > rows[1].score


def test_folding():
    assert search.fold("Käserei Müller, Straße") == "kaserei muller, strasse"
    assert search.terms("Bio-Eier; 'Freiland' 10 Stück!") == ["bio", "eier", "freiland", "10", "stuck"]
    assert len(search.terms(" ".join(f"wort{n}" for n in range(20)))) == search.MAX_TERMS


def test_changing_the_category_updates_the_index(app, world):
    with app.app_context():
        product = db.session.get(Product, world.juice)
        fields = {
            "name_de": product.name_de,
            "category": "preserves",
            "gmo_free": True,
        }
        ingredients = [
            {
                "name": "Äpfel",
                "share": 100,
                "is_main": True,
                "is_value_determining": False,
                "is_water_or_salt": False,
                "origin_kind": "place",
                "origin_site_id": None,
                "place_name": "Werder",
            }
        ]
        owner = product.organisation.memberships[0].user
        catalogue.save_product(owner, product.organisation_id, product, ProductInput(fields, ingredients, []))
        db.session.commit()
        # The version, too, names the new category (record_version used to read a stale relationship).
        assert db.session.get(Product, world.juice).current_version.data["product"]["category"] == "preserves"
    assert found(app, "product", "Aufstriche") == {world.juice}
    assert found(app, "product", "Getränke") == set()
