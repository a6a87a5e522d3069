"""An ingredient's origin typed as text: the resolution (own site, supplier's site, place, postcode,
country, ambiguous, unknown, hostile), the suggestions endpoint, and the product form without JS."""

import re

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.catalogue.models import OriginKind, Product
from vonhier.catalogue.origins import OriginError, Origins
from vonhier.catalogue.services import origin_choices
from vonhier.extensions import db


@pytest.fixture
def network(app, login_as):
    """A signed-in bakery with two sites, a mill, and a second supplier whose site shares a town's name."""
    owner = login_as("owner")
    org = owner.organisation.id
    sites = {
        "bakery": factories.site(app, org, name="Backstube", town="Angermünde"),
        "field": factories.site(app, org, name="Sonnenfeld", town="Schwedt"),
    }
    mill_org = factories.organisation(app, display_name="Mühle Musterdorf")
    sites["mill"] = factories.site(app, mill_org.id, name="Mühle", town="Prenzlau")
    other_org = factories.organisation(app, display_name="Gut Gramzow")
    sites["gramzow"] = factories.site(app, other_org.id, name="Gramzow", town="Gramzow")
    sites["other_mill"] = factories.site(app, other_org.id, name="Mühle", town="Gramzow")
    return {"org": org, "owner": owner, **{name: site.id for name, site in sites.items()}}


def resolver(org):
    return Origins(*origin_choices(org))


def resolve(org, text):
    return resolver(org).resolve(text)


def refusal(org, text) -> str:
    with pytest.raises(OriginError) as error:
        resolve(org, text)
    return error.value.messages[0]


def test_own_site_by_name_any_case(app, network):
    with app.test_request_context():
        origin = resolve(network["org"], "  backstube ")
        assert origin.kind == OriginKind.OWN_SITE and origin.site.id == network["bakery"]
        assert resolve(network["org"], "site:Sonnenfeld").site.id == network["field"]


def test_supplier_site_as_organisation_slash_site(app, network):
    with app.test_request_context():
        origin = resolve(network["org"], "Mühle Musterdorf/Mühle")
        assert origin.kind == OriginKind.SUPPLIER_SITE and origin.site.id == network["mill"]
        assert resolve(network["org"], "supplier: Gut Gramzow / Mühle").site.id == network["other_mill"]


def test_place_postcode_and_country(app, network):
    with app.test_request_context():
        assert resolve(network["org"], "eberswalde").place_name == "Eberswalde"
        berlin = resolve(network["org"], "10115")
        assert berlin.kind == OriginKind.PLACE and berlin.place_name == "Berlin"
        # A postcode of several towns: each is named, plainly unless a site shares its name.
        message = refusal(network["org"], "17291")
        assert "„Prenzlau“" in message and "„Schenkenberg“" in message and "„Ort: Gramzow“" in message
        assert resolve(network["org"], "daenemark").place_name == "Dänemark"
        assert resolve(network["org"], "Ort: Uckermark").place_name == "Uckermark"
        assert resolve(network["org"], "place:Uckermark").row() == {
            "origin_kind": OriginKind.PLACE,
            "origin_site_id": None,
            "place_name": "Uckermark",
        }


def test_a_site_name_two_suppliers_share_is_refused_naming_both(app, network):
    with app.test_request_context():
        message = refusal(network["org"], "Mühle")
    assert "„Mühle Musterdorf / Mühle“" in message and "„Gut Gramzow / Mühle“" in message


def test_a_supplier_site_named_like_a_town_is_ambiguous(app, network):
    with app.test_request_context():
        message = refusal(network["org"], "Gramzow")
        assert "„Gut Gramzow / Gramzow“" in message and "„Ort: Gramzow“" in message
        # Both ways of writing it that the sentence offers resolve.
        assert resolve(network["org"], "Ort: Gramzow").kind == OriginKind.PLACE
        assert resolve(network["org"], "Gut Gramzow / Gramzow").site.id == network["gramzow"]


def test_unknown_text_names_what_comes_close(app, network):
    with app.test_request_context():
        message = refusal(network["org"], "Sonnenf")
        assert message.startswith(
            "Wir kennen keine Betriebsstätte, keinen Lieferanten und keinen Ort namens „Sonnenf“"
        )
        assert "„Sonnenfeld“" in message and "„Ort: Sonnenf“" in message
        assert "Bitte geben Sie" in refusal(network["org"], "Qqqxyz")
        assert refusal(network["org"], " ") == "Bitte wählen Sie, woher die Zutat kommt."
        assert "Keine aktive Betriebsstätte" in refusal(network["org"], "supplier:Mühle")


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "%", "_ / _", "x" * 250, "../../etc/passwd", "1e400", "99999", "Ort:"],
)
def test_hostile_text_is_refused_with_a_sentence(app, network, text):
    with app.test_request_context():
        message = refusal(network["org"], text)
    assert message.startswith("Wir kennen keine")


def test_stored_origins_are_written_back_as_text_that_resolves(app, network):
    with app.test_request_context():
        origins = resolver(network["org"])
        for text, shown in [
            ("Backstube", "Backstube"),
            ("Mühle Musterdorf / Mühle", "Mühle Musterdorf / Mühle"),
            ("Prenzlau", "Prenzlau"),
            ("Ort: Gramzow", "Ort: Gramzow"),  # plain "Gramzow" would be ambiguous
            ("Ort: Uckermark", "Ort: Uckermark"),
        ]:
            origin = origins.resolve(text)
            assert origins.text_of(origin) == shown
            assert origins.resolve(shown) == origin


# --- the suggestions endpoint ------------------------------------------------------------------------


def test_suggestions_for_a_member_own_sites_first(app, client, network):
    response = client.get("/catalogue/origins?q=m%C3%BChle")
    assert response.status_code == 200 and response.mimetype == "application/json"
    texts = [o["text"] for o in response.json["origins"]]
    assert texts[:2] == ["Gut Gramzow / Mühle", "Mühle Musterdorf / Mühle"]
    assert all(o["kind"] == "supplier_site" for o in response.json["origins"][:2])
    assert response.json["origins"][0]["detail"] == "Registrierter Lieferant, Gramzow"
    own = client.get("/catalogue/origins?q=sonnen").json["origins"][0]
    assert own == {"text": "Sonnenfeld", "kind": "own_site", "detail": "Unsere Betriebsstätte, Schwedt"}


def test_suggested_texts_resolve_to_what_they_say(app, client, network):
    for query in ("Gram", "Mühle", "Prenz", "17291", "Dän", "Back"):
        found = client.get("/catalogue/origins", query_string={"q": query}).json["origins"]
        assert found, query
        with app.test_request_context():
            origins = resolver(network["org"])
            for item in found:
                assert origins.resolve(item["text"]).kind == item["kind"], item
    assert {"text": "Ort: Gramzow", "kind": "place", "detail": "Ort, BB"} in client.get(
        "/catalogue/origins?q=Gramzow"
    ).json["origins"]


def test_suggestions_are_limited_and_wildcards_are_letters(app, client, network):
    for n in range(15):
        factories.site(app, network["org"], name=f"Feld {n}", town="Schwedt")
    assert len(client.get("/catalogue/origins?q=Feld").json["origins"]) == 10
    assert client.get("/catalogue/origins?q=%25%25").json["origins"] == []
    assert client.get("/catalogue/origins?q=__").json["origins"] == []


def test_suggestions_come_back_as_text_never_markup(app, client, network):
    """A site's name is data: the JSON carries it as a string, which the script puts in as text."""
    factories.site(app, network["org"], name="<img src=x onerror=alert(1)>", town="Schwedt")
    response = client.get("/catalogue/origins?q=onerror")
    assert response.json["origins"][0]["text"] == "<img src=x onerror=alert(1)>"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("query", ["", "a", "x" * 81])
def test_suggestions_refuse_bad_queries_with_a_sentence(app, client, network, query):
    response = client.get("/catalogue/origins", query_string={"q": query})
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Bitte geben Sie 2 bis 80 Zeichen ein."


@pytest.mark.parametrize("query", ["a\x00b", "Hof\r\nX", "a\x1b[31m"])
def test_suggestions_refuse_control_characters(app, client, network, query):
    assert client.get("/catalogue/origins", query_string={"q": query}).status_code == 400


def test_suggestions_are_for_members_only(app, client, login_as):
    assert client.get("/catalogue/origins?q=Hof").status_code in (302, 401)
    login_as("user")
    assert client.get("/catalogue/origins?q=Hof").status_code in (302, 403)


def test_suggestions_are_rate_limited_per_member(app, client, network):
    app.config["RATELIMIT_ORIGINS"] = "3 per minute"
    try:
        codes = [client.get(f"/catalogue/origins?q=Hof{n}").status_code for n in range(4)]
    finally:
        app.config["RATELIMIT_ORIGINS"] = "120 per minute;1200 per hour"
    assert codes == [200, 200, 200, 429]


# --- the product form without JavaScript -------------------------------------------------------------


def product_form(**origins):
    data = {
        "name_de": "Roggenbrot",
        "category": "bakery",
        "package_unit": "g",
        "package_size": "500",
        "species": "",
        "husbandry_level": "",
        "ingredients-0-ingredient": "Roggenmehl",
        "ingredients-0-share": "60",
        "ingredients-0-is_main": "y",
        "ingredients-1-ingredient": "Weizenmehl",
        "ingredients-1-share": "20",
        "ingredients-2-ingredient": "Sauerteig",
        "ingredients-2-share": "18",
        "ingredients-3-ingredient": "Salz",
        "ingredients-3-share": "2",
        "ingredients-3-is_water_or_salt": "y",
    }
    for row, text in origins.items():
        data[f"ingredients-{row[-1]}-origin"] = text
    return data


def test_product_saved_with_typed_origins_and_shown_as_text_again(app, client, network):
    data = product_form(o0="Mühle Musterdorf / Mühle", o1="10115", o2="backstube", o3="Ort: Bad Dürrenberg")
    response = client.post("/catalogue/products/new", data=data)
    assert response.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)<', response.get_data(as_text=True)
    )
    with app.app_context():
        product = db.session.scalar(select(Product))
        kinds = [(i.origin_kind, i.origin_site_id, i.place_name) for i in product.ingredients]
        assert kinds == [
            (OriginKind.SUPPLIER_SITE, network["mill"], ""),
            (OriginKind.PLACE, None, "Berlin"),
            (OriginKind.OWN_SITE, network["bakery"], ""),
            (OriginKind.PLACE, None, "Bad Dürrenberg"),
        ]
        assert product.ingredients[1].place_latitude == pytest.approx(52.5, abs=0.1)
        product_id = product.id
    page = client.get(f"/catalogue/products/{product_id}/edit").get_data(as_text=True)
    shown = {k: v for k, v in re.findall(r'name="(ingredients-\d-origin)"[^>]*value="([^"]*)"', page) if v}
    assert shown == {
        "ingredients-0-origin": "Mühle Musterdorf / Mühle",
        "ingredients-1-origin": "Berlin",
        "ingredients-2-origin": "Backstube",
        "ingredients-3-origin": "Bad Dürrenberg",
    }
    assert "<select" not in page.split('name="ingredients-0-origin"')[0].rsplit("<li", 1)[-1]


def test_ambiguous_origin_refused_on_its_field_keeping_the_text(app, client, network):
    data = product_form(o0="Mühle", o1="Prenzlau", o2="Backstube", o3="Bad Dürrenberg")
    response = client.post("/catalogue/products/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(r'id="ingredients-0-origin-error">([^<]*)<', html).group(1)
    assert "„Mühle Musterdorf / Mühle“" in error.replace("&#34;", '"')
    assert re.search(r'name="ingredients-0-origin"[^>]*value="Mühle"', html)
    with app.app_context():
        assert db.session.scalar(select(Product)) is None


def test_a_name_typed_in_full_is_suggested_before_longer_names_that_start_the_same(app, client, network):
    texts = [o["text"] for o in client.get("/catalogue/origins?q=Polen").json["origins"]]
    assert texts[:2] == ["Polen", "Polenfeld"], texts  # not the village first
