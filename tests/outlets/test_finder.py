"""The consumer finder: radius, filters, German free text, open now, bad input, permalinks."""

import random
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from tests import factories
from vonhier import clock
from vonhier.extensions import db
from vonhier.geo.services import haversine_km
from vonhier.outlets import finder
from vonhier.outlets import services as outlets
from vonhier.outlets.models import Outlet
from vonhier.permissions import SYSTEM

EBERSWALDE = (52.8349, 13.8195)
HOURS = "Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off"


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=clock.zone())


def outlet(app, org_id, name, kind, lat, lon, hours=HOURS, products=(), categories=()):
    data = {
        "name": name,
        "kind": kind,
        "town": "Eberswalde",
        "country": "DE",
        "latitude": lat,
        "longitude": lon,
        "opening_hours": hours,
        "product_ids": list(products),
        "category_ids": list(categories),
        "website": "https://example.org" if kind == "online_shop" else "",
        "delivery_radius_km": 20 if kind == "delivery" else None,
    }
    with app.app_context():
        saved = outlets.save_outlet(SYSTEM, org_id, None, data)
        db.session.commit()
        return saved.id


@pytest.fixture
def network(app):
    """Around Eberswalde: a farm shop with eggs (0 km), a market stand with goat's cheese (8 km), a
    vending machine with eggs, open around the clock (15 km), a farm shop far away (60 km)."""
    owner = factories.user(app, email="hof@example.org")
    org = factories.organisation(app, owner_id=owner.id, display_name="Hof Finowtal", district="Barnim")
    site = factories.site(
        app, org.id, name="Hof", town="Eberswalde", latitude=EBERSWALDE[0], longitude=EBERSWALDE[1]
    )
    eggs = factories.product(
        app,
        owner.id,
        org.id,
        [("Eier", 100, site.id, False)],
        name_de="Freilandeier",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    cheese = factories.product(
        app,
        owner.id,
        org.id,
        [("Ziegenmilch", 99, site.id, False), ("Salz", 1, site.id, True)],
        name_de="Ziegenkäse",
        organic_control_body="DE-ÖKO-006",
    )
    return SimpleNamespace(
        org=org,
        shop=outlet(app, org.id, "Hofladen Finowtal", "farm_shop", *EBERSWALDE, products=[eggs]),
        stand=outlet(
            app, org.id, "Marktstand Finow", "market_stand", 52.8349, 13.9380, "We,Sa 08:00-13:00", [cheese]
        ),
        machine=outlet(app, org.id, "Eierautomat Britz", "vending_machine", 52.8349, 14.0420, "24/7", [eggs]),
        far=outlet(app, org.id, "Hofladen Oderbruch", "farm_shop", 52.8349, 14.7100, products=[eggs, cheese]),
    )


def search(app, now=None, **args) -> finder.Result:
    with app.test_request_context():
        query = finder.parse(MultiDict(args))
        return finder.search_outlets(query, now=now or berlin(2026, 12, 2, 10, 0))


def ids(result) -> list[int]:
    return [point["id"] for point in result.points]


def test_radius_results_equal_a_brute_force_haversine(app):
    """Several hundred outlets across the region; every radius agrees with the exact distance."""
    owner = factories.user(app, email="viele@example.org")
    org = factories.organisation(app, owner_id=owner.id)
    rng = random.Random(20261203)
    rows = [
        {
            "organisation_id": org.id,
            "kind": "farm_shop",
            "name": f"Laden {n}",
            "town": "Irgendwo",
            "latitude": rng.uniform(51.4, 53.6),
            "longitude": rng.uniform(11.3, 14.8),
            "opening_hours": "24/7",
        }
        for n in range(400)
    ]
    with app.app_context():
        db.session.execute(insert(Outlet), rows)
        db.session.commit()
        stored = [(o.id, o.latitude, o.longitude) for o in db.session.scalars(db.select(Outlet))]
    for (lat, lon), radius in [
        ((52.52, 13.40), 25),
        ((52.52, 13.40), 100),
        ((53.3, 13.9), 50),
        ((51.8, 14.3), 5),
    ]:
        expected = sorted(
            (haversine_km(lat, lon, o_lat, o_lon), o_id)
            for o_id, o_lat, o_lon in stored
            if haversine_km(lat, lon, o_lat, o_lon) <= radius
        )
        result = search(app, lat=str(lat), lon=str(lon), radius=str(radius))
        assert result.total == len(expected)
        assert ids(result) == [o_id for _, o_id in expected]
        assert all(
            abs(hit.km - round(km, 1)) < 0.05 for hit, (km, _) in zip(result.hits, expected, strict=False)
        )


def test_each_filter_and_their_combination(app, network):
    near = {"where": "Eberswalde", "radius": "20"}
    assert ids(search(app, **near)) == [network.shop, network.stand, network.machine]
    assert ids(search(app, **near, kind="farm_shop")) == [network.shop]
    assert ids(search(app, **near, category="eggs")) == [network.shop, network.machine]
    assert ids(search(app, **near, criteria="organic")) == [network.stand]
    assert ids(search(app, **near, criteria="husbandry4")) == [network.shop, network.machine]
    assert ids(search(app, where="Eberswalde", radius="100", category="dairy-cheese")) == [
        network.stand,
        network.far,
    ]
    # Farm shops open now within 20 km of Eberswalde selling eggs: on a Wednesday morning, the shop.
    combined = {**near, "kind": "farm_shop", "category": "eggs", "open": "1"}
    assert ids(search(app, **combined)) == [network.shop]
    # On Sunday the shop is closed; the vending machine (open around the clock) is the answer.
    sunday = berlin(2026, 12, 6, 10, 0)
    assert ids(search(app, now=sunday, **near, category="eggs", open="1")) == [network.machine]


def test_open_now_follows_the_clock_and_the_states_holidays(app, network):
    near = {"where": "Eberswalde", "radius": "20", "open": "1"}
    assert ids(search(app, now=berlin(2026, 12, 2, 17, 59), **near)) == [network.shop, network.machine]
    assert ids(search(app, now=berlin(2026, 12, 2, 18, 0), **near)) == [network.machine]
    # Reformation Day is a public holiday in Brandenburg: "PH off" closes the shop that Saturday.
    assert ids(search(app, now=berlin(2026, 10, 31, 10, 0), **near)) == [network.stand, network.machine]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Käse", ["stand", "far"]),  # finds the outlets selling "Ziegenkäse"
        ("kase", ["stand", "far"]),  # without the umlaut too
        ("eier automat", ["machine"]),  # every word, in the outlet's name
        ("Finowtal", ["shop", "stand", "machine", "far"]),  # the organisation's name: all its outlets
        ("'; DROP TABLE outlets; --", []),
        ("*", ["shop", "stand", "machine", "far"]),  # no words: no text filter
    ],
)
def test_german_free_text(app, network, text, expected):
    result = search(app, where="Eberswalde", radius="100", q=text)
    assert ids(result) == [getattr(network, name) for name in expected]


def test_postcode_centre_and_place_names(app, network):
    by_postcode = search(app, where="16225", radius="5")
    assert by_postcode.centre.name == "16225 Eberswalde"
    assert ids(by_postcode) == [network.shop]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("radius=0", "Umkreis"),
        ("radius=-5", "Umkreis"),
        ("radius=100000", "Umkreis"),
        ("lat=200&lon=13", "Koordinaten"),
        ("lat=abc&lon=13", "Zahl"),
        ("lat=nan&lon=13", "Zahl"),
        ("kind=ufo", "Art von Verkaufsstelle"),
        ("category=spaceships", "Produktkategorie"),
        ("criteria=cheap", "Kriterium"),
        ("open=yes", "open"),
        ("page=-1", "Seite"),
        ("page=0", "Seite"),
        ("q=" + "x" * 10000, "200 Zeichen"),
        ("where=Atlantis", "kennen wir nicht"),
        ("where=" + "y" * 200, "höchstens 80 Zeichen"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(client, query, message):
    response = client.get(f"/outlets/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "lang, message",
    [
        (
            "de",
            "Ihr Standort ließ sich nicht lesen (lat und lon müssen Zahlen sein). "
            "Suchen Sie nach Ort oder Postleitzahl.",
        ),
        ("en", "Your position could not be read (lat and lon must be numbers). Search by place or postcode."),
    ],
)
def test_a_refused_argument_shows_the_form_with_what_was_typed(client, lang, message):
    response = client.get(f"/outlets/?where=Eberswalde&q=Honig&lat=abc&lon=13&kind=farm_shop&lang={lang}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="flash flash-error" role="alert">{message}</p>' in page
    assert 'id="where" name="where" value="Eberswalde"' in page and 'value="Honig"' in page
    assert 'value="farm_shop" checked' in page
    # The unreadable position is not sent again, so the next search by place goes through.
    assert 'id="lat" value=""' in page and 'id="lon" value=""' in page and "Forget it" not in page


def test_the_page_keeps_the_whole_query_in_its_links(app, client, network):
    owner = factories.user(app, email="markt@example.org")
    org = factories.organisation(app, owner_id=owner.id, display_name="Markt GbR")
    for n in range(25):
        outlet(app, org.id, f"Stand {n:02d}", "market_stand", 52.80 + n / 1000, 13.80, "24/7")
    page = client.get("/outlets/?where=Eberswalde&radius=20&kind=market_stand").get_data(as_text=True)
    assert "26 Verkaufsstellen im Umkreis von 20 km um Eberswalde" in page
    next_link = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "where=Eberswalde" in next_link and "radius=20" in next_link and "kind=market_stand" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert "Seite 2 von 2" in second and second.count('class="card result"') == 6
    # A stale link beyond the last page leads to the last page, with the same query.
    stale = client.get(next_link.replace("page=2", "page=7"))
    assert stale.status_code == 302 and stale.headers["Location"] == next_link
    nothing = client.get("/outlets/?where=Eberswalde&radius=5&kind=market_stand&q=xyzzy&page=3")
    assert nothing.status_code == 200 and "Seite 3" not in nothing.get_data(as_text=True)


def test_the_page_works_without_javascript_and_sets_no_cookie(client, network):
    response = client.get("/outlets/?where=Eberswalde&radius=20&kind=farm_shop&category=eggs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert f'href="/outlets/{network.shop}"' in page and "0,0 km" in page


def test_a_place_name_means_the_region_s_place(app, client, network):
    assert search(app, where="Frankfurt").centre.name == "Frankfurt (Oder)"
    assert search(app, where="Brandenburg").centre.name == "Brandenburg an der Havel"
    page = client.get("/outlets/?where=Frankfurt&radius=100").get_data(as_text=True)
    assert "im Umkreis von 100 km um Frankfurt (Oder)" in page and "Hofladen Oderbruch" in page


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_ambiguous_place_offers_the_choices_as_links(client, network, lang):
    response = client.get(f"/outlets/?where=Golzow&radius=50&kind=farm_shop&lang={lang}")
    page = response.get_data(as_text=True)
    # A question back, not an error: 200, with what was typed kept in the form.
    assert response.status_code == 200
    assert 'id="where" name="where" value="Golzow"' in page and 'value="farm_shop" checked' in page
    links = re.findall(r'<li><a href="([^"]+)">Golzow</a>', page)
    assert len(links) == 3
    assert all("radius=50" in link and "kind=farm_shop" in link for link in links)
    near = "bei Seelow" if lang == "de" else "near Seelow"
    assert near in page
    chosen = client.get(links[0].replace("&amp;", "&"))
    assert chosen.status_code == 200 and "Golzow" in chosen.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "message"),
    [("de", "München liegt rund 380 km außerhalb der Region."), ("en", "lies about 380 km outside")],
)
def test_a_place_far_outside_the_region_says_so(client, lang, message):
    response = client.get(f"/outlets/?where=M%C3%BCnchen&lang={lang}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def why(app, now=None, **args) -> list[str]:
    """The zero-result hints of a search, as "sentence → link"."""
    with app.test_request_context("/?lang=de"):
        result = search(app, now=now, **args)
        assert result.total == 0
        hints = finder.why_nothing(result, lambda query: str(query.args()), now=now)
        return [f"{hint.sentence} → {hint.action} {hint.url}" for hint in hints]


def test_zero_results_say_which_filter_removed_the_last_outlets(app, network):
    near = {"where": "Eberswalde", "radius": "20"}
    # The market stand sells no eggs: either the kind or the category is to blame.
    assert why(app, **near, kind="market_stand", category="eggs") == [
        "Ohne den Filter „Marktstand“ gäbe es 2 Treffer → Filter entfernen "
        "{'where': 'Eberswalde', 'radius': 20, 'category': 'eggs'}",
        "Ohne den Filter „Eier“ gäbe es 1 Treffer → Filter entfernen "
        "{'where': 'Eberswalde', 'radius': 20, 'kind': ['market_stand']}",
    ]
    hints = why(app, **near, criteria="organic", q="Eier")
    assert [hint.split(" → ")[0] for hint in hints] == [
        "Ohne den Filter „Eier“ gäbe es 1 Treffer",
        "Ohne den Filter „Bio“ gäbe es 2 Treffer",
        "Im Umkreis von 100 km gäbe es 1 Treffer",  # the farm shop 60 km away sells both
    ]


def test_zero_results_offer_a_wider_radius(app, network):
    # The market stand is 8 km away: 10 km, the next choice, finds it.
    assert why(app, where="Eberswalde", radius="5", kind="market_stand") == [
        "Ohne den Filter „Marktstand“ gäbe es 1 Treffer → Filter entfernen "
        "{'where': 'Eberswalde', 'radius': 5}",
        "Im Umkreis von 10 km gäbe es 1 Treffer → Umkreis erweitern "
        "{'where': 'Eberswalde', 'radius': 10, 'kind': ['market_stand']}",
    ]


def test_zero_results_when_no_single_filter_is_to_blame(app, network):
    # Sunday morning: only the vending machine is open, only the stand sells organic, and the shop
    # is the one farm shop within 20 km — any two of the three filters exclude every outlet.
    sunday = berlin(2026, 12, 6, 10, 0)
    hints = why(app, sunday, where="Eberswalde", radius="20", open="1", criteria="organic", kind="farm_shop")
    assert [hint.split(" → ")[0] for hint in hints] == ["Ohne alle Filter gäbe es 3 Treffer"]
    # Nothing within the widest radius and no filter to drop: nothing to offer.
    assert why(app, where="Cottbus", radius="100") == []


def test_the_finder_page_shows_the_zero_result_hints(client, network):
    page = client.get("/outlets/?where=Eberswalde&radius=5&kind=market_stand").get_data(as_text=True)
    assert "Im Umkreis von 10 km gäbe es 1 Treffer — <a href=" in page
    assert (
        'href="/outlets/?where=Eberswalde&amp;radius=10&amp;kind=market_stand">Umkreis erweitern</a>' in page
    )
