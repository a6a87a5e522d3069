"""The retailer supplier search: each filter, their combination, radius against brute force, bad input."""

import random
import re

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.catalogue.models import Category
from vonhier.extensions import db
from vonhier.geo.services import bounding_box, haversine_km
from vonhier.suppliers.models import SupplierProfile

from .conftest import BERLIN_MITTE, certify, product, signed_in, supplier

CARD = re.compile(
    r'<li class="supplier-hit" id="supplier-\d+">.*?<h3><a href="[^"]*">(.*?)</a></h3>(.*?)</div>\s*</li>',
    re.S,
)
PRODUCT = re.compile(r'<li>(?:<a href="([^"]*)">)?([^<]+?)(?:</a>)?\s*<span class="muted">')


def cards(client, query=""):
    """[(supplier, [(product, link)], card HTML)] of a results page, in order."""
    response = client.get(f"/suppliers/?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return [
        (supplier, [(name, link) for link, name in PRODUCT.findall(body)], body)
        for supplier, body in CARD.findall(response.get_data(as_text=True))
    ]


def names(client, query=""):
    """The products of a results page, supplier by supplier."""
    return [name for _, products, _ in cards(client, query) for name, _ in products]


def test_only_currently_certified_products_of_licensed_suppliers(network):
    # Nearest first from the retailer's first site (Laden, Berlin Mitte): Bernau, Zossen, Frankfurt (Oder).
    assert names(network.client) == ["Bergkäse", "Quark", "Möhren", "Salami"]


FILTERS = [
    ("category=dairy-cheese", {"Bergkäse", "Quark"}),
    ("category=meat-sausage", {"Salami"}),
    ("category=honey", set()),
    ("criteria=organic", {"Bergkäse", "Möhren"}),
    ("criteria=gmo_free", {"Bergkäse", "Quark", "Salami"}),
    ("criteria=organic&criteria=gmo_free", {"Bergkäse"}),
    ("husbandry=3", {"Bergkäse", "Salami"}),
    ("husbandry=4", {"Bergkäse"}),
    ("husbandry=5", set()),
    ("delivery=own", {"Bergkäse", "Quark"}),
    ("delivery=partner", {"Möhren"}),
    ("delivery=pickup&delivery=partner", {"Bergkäse", "Quark", "Möhren"}),
    ("q=bergk%C3%A4se", {"Bergkäse"}),
    ("q=K%C3%A4SE", {"Bergkäse", "Quark"}),  # the dairy's capacity notes name cheese
    ("q=milchhof", {"Bergkäse", "Quark"}),
    ("q=200+kg", {"Möhren"}),  # the capacity notes
    ("radius=25", {"Bergkäse", "Quark"}),
    ("radius=40", {"Bergkäse", "Quark", "Möhren"}),
    ("radius=300", {"Bergkäse", "Quark", "Möhren", "Salami"}),
]


def test_each_filter(network):
    # One network for all cases: building it is the slow part.
    for query, expected in FILTERS:
        assert set(names(network.client, query)) == expected, query


def test_filters_combine(network):
    query = "category=dairy-cheese&criteria=organic&husbandry=4&delivery=own&radius=30&q=berg"
    assert names(network.client, query) == ["Bergkäse"]
    assert names(network.client, query.replace("radius=30", "radius=10")) == []
    assert names(network.client, query.replace("delivery=own", "delivery=partner")) == []


def test_the_chosen_site_measures_the_distance(network):
    # From the warehouse in Potsdam, Zossen (~32 km) is within 40 km but Bernau (~48 km) is not.
    assert names(network.client, f"site={network.potsdam.id}&radius=40") == ["Möhren"]
    assert set(names(network.client, f"site={network.mitte.id}&radius=40")) == {"Bergkäse", "Quark", "Möhren"}
    page = network.client.get(f"/suppliers/?site={network.potsdam.id}").get_data(as_text=True)
    assert f'<option value="{network.potsdam.id}" selected>' in page


def test_a_retailer_without_sites_measures_from_its_address(app, network):
    user = factories.user(app)
    factories.organisation(app, owner_id=user.id, kinds=("retailer",), latitude=52.2167, longitude=13.45)
    client = signed_in(app, user)
    assert names(client, "radius=5") == ["Möhren"]
    nowhere = factories.user(app)
    factories.organisation(app, owner_id=nowhere.id, kinds=("retailer",), latitude=None, longitude=None)
    client = signed_in(app, nowhere)
    assert set(names(client)) == {"Bergkäse", "Quark", "Möhren", "Salami"}  # sorted by name instead
    response = client.get("/suppliers/?radius=10")
    assert response.status_code == 400
    assert "weder einen Standort noch Koordinaten" in response.get_data(as_text=True)


def test_pages_are_pages_of_suppliers(app, network):
    from vonhier.extensions import db
    from vonhier.permissions import SYSTEM
    from vonhier.suppliers import search
    from vonhier.suppliers.search import Origin, SupplierQuery

    with app.app_context():
        seen = []
        for page in (1, 2, 3):
            query = SupplierQuery(origin=Origin(*BERLIN_MITTE), page=page, page_size=2)
            results = search.search(SYSTEM, query)
            found = [
                (s.organisation.display_name, [h.product.name_de for h in s.products])
                for s in results.suppliers
            ]
            seen.append((found, results.has_next))
        db.session.rollback()
    assert seen == [
        ([("Milchhof Nord", ["Bergkäse", "Quark"]), ("Gemüse Süd", ["Möhren"])], True),
        ([("Fleisch Ost", ["Salami"])], False),
        ([], False),
    ]
    page = network.client.get("/suppliers/?criteria=gmo_free&page=1").get_data(as_text=True)
    assert "page=2" not in page


def test_one_card_per_supplier_with_its_products_linked(app, network):
    """Each supplier once, its matching products listed by name, each linked to its public page."""
    from vonhier.catalogue.services import public_paths

    found = cards(network.client)
    assert [(supplier, [name for name, _ in products]) for supplier, products, _ in found] == [
        ("Milchhof Nord", ["Bergkäse", "Quark"]),
        ("Gemüse Süd", ["Möhren"]),
        ("Fleisch Ost", ["Salami"]),
    ]
    with app.app_context():
        paths = public_paths(list(network.products.values()))
    for _, products, _ in found:
        for name, link in products:
            assert link == paths[network.products[name]] and link.startswith(("/01/", "/p/")), name
    # Only the matching products of a supplier: Quark is not Bergkäse.
    assert [(s, [n for n, _ in p]) for s, p, _ in cards(network.client, "q=bergk%C3%A4se")] == [
        ("Milchhof Nord", ["Bergkäse"])
    ]


def test_a_supplier_with_many_matches_lists_the_first_and_links_the_rest(app, network, monkeypatch):
    from vonhier.suppliers import search

    monkeypatch.setattr(search, "SHOWN_PRODUCTS", 1)
    (supplier, products, body), *_ = cards(network.client)
    assert supplier == "Milchhof Nord" and [n for n, _ in products] == ["Bergkäse"]
    assert "und 1 weiteres passendes Produkt" in body
    assert f'href="/suppliers/{network.dairy.id}"' in body


def test_only_retailers_search(app, client, network, login_as):
    assert client.get("/suppliers/").status_code == 302  # anonymous: to the sign-in page
    producer = signed_in(app, network.dairy.owner)
    assert producer.get("/suppliers/").status_code == 403
    assert producer.get("/suppliers/export.csv").status_code == 403
    assert producer.get(f"/suppliers/{network.veg.id}").status_code == 403
    admin = signed_in(app, factories.user(app, roles=("admin",)))
    assert admin.get("/suppliers/").status_code == 403


BAD_INPUT = [
    ("radius=0", "Der Umkreis"),
    ("radius=-5", "Der Umkreis"),
    ("radius=100000", "Der Umkreis"),
    ("radius=1e3", "Der Umkreis"),
    ("radius=zehn", "Der Umkreis"),
    ("category=kaese", "Unbekannte Kategorie"),
    ("category=%27%20OR%201%3D1--", "Unbekannte Kategorie"),
    ("criteria=vegan", "Unbekanntes Kriterium"),
    ("delivery=drone", "Unbekannte Lieferart"),
    ("husbandry=0", "Haltungsform"),
    ("husbandry=6", "Haltungsform"),
    ("page=-1", "Diese Seite gibt es nicht"),
    ("page=0", "Diese Seite gibt es nicht"),
    ("page=99999999999999999999", "Diese Seite gibt es nicht"),
    ("page=abc", "Diese Seite gibt es nicht"),
    ("q=" + "x" * 10_000, "höchstens 100 Zeichen"),
    ("site=abc", "Standorte"),
    ("site=999999", "Standorte"),
]


def test_bad_input_is_a_clear_400(network):
    for query, message in BAD_INPUT:
        for url in (f"/suppliers/?{query}", f"/suppliers/export.csv?{query}"):
            response = network.client.get(url)
            assert response.status_code == 400, url
            assert message in response.get_data(as_text=True), url


@pytest.mark.parametrize(
    "lang, radius, message",
    [
        ("de", "abc", "Der Umkreis muss eine ganze Zahl von 1 bis 300 Kilometern sein."),
        ("en", "99999999999", "The radius must be a whole number of kilometres from 1 to 300."),
    ],
)
def test_a_refused_argument_shows_the_search_form_with_what_was_typed(network, lang, radius, message):
    typed = f"q=K%C3%A4se&category=dairy-cheese&criteria=organic&delivery=own&husbandry=3&radius={radius}"
    for url in (f"/suppliers/?{typed}&lang={lang}", f"/suppliers/export.csv?{typed}&lang={lang}"):
        response = network.client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and response.mimetype == "text/html", url
        assert f'<p class="flash flash-error" role="alert">{message}</p>' in page
        assert 'role="search"' in page and 'class="supplier-hit"' not in page
        assert 'id="radius" name="radius" type="number"' in page and f'value="{radius}"' in page
        assert 'value="Käse"' in page and '<option value="dairy-cheese" selected>' in page
        assert 'value="organic" checked' in page and 'value="own" checked' in page
        assert '<option value="3" selected>' in page


def test_a_site_of_another_organisation_is_refused(network):
    response = network.client.get(f"/suppliers/?site={network.other_site.id}&radius=50")
    assert response.status_code == 400
    assert "Standorte" in response.get_data(as_text=True)


def test_sql_looking_text_is_just_text(network):
    assert names(network.client, "q=%27%3B+DROP+TABLE+products%3B--") == []
    assert names(network.client, "q=%25") == []  # a LIKE wildcard matches only a literal %
    assert len(names(network.client)) == 4


def test_radius_equals_brute_force_haversine(app, certification_body):
    body = certification_body
    """Random suppliers around Berlin (some with a second, far-away site): the search finds exactly the
    ones a brute-force haversine over the same points finds, at the same distance."""
    rng = random.Random(20261203)
    retailer = factories.user(app)
    retailer_org = factories.organisation(app, owner_id=retailer.id, kinds=("retailer",))
    origins = [
        factories.site(app, retailer_org.id, name="Mitte", latitude=52.52, longitude=13.405, kind="shop"),
        factories.site(
            app, retailer_org.id, name="Cottbus", latitude=51.7563, longitude=14.3329, kind="shop"
        ),
    ]
    points = {}
    for n in range(30):
        lat, lon = rng.uniform(51.6, 53.4), rng.uniform(12.2, 14.7)
        org = supplier(app, f"Zufallshof {n}", lat, lon)
        points[org.id] = [(lat, lon)]
        if n % 3 == 0:  # a second site elsewhere; the nearest place counts
            lat2, lon2 = rng.uniform(51.6, 53.4), rng.uniform(12.2, 14.7)
            factories.site(app, org.id, name="Feld", latitude=lat2, longitude=lon2, kind="field")
            points[org.id].append((lat2, lon2))
        certify(app, org.id, [product(app, org.id, org.site.id, f"Produkt {n}", gmo_free=True)], body.id)
    client = signed_in(app, retailer)
    for origin in origins:
        lat0, lon0 = (52.52, 13.405) if origin.name == "Mitte" else (51.7563, 14.3329)
        for radius in (10, 35, 60, 100, 250):
            expected = {}
            for org_id, places in points.items():
                km = min(haversine_km(lat0, lon0, lat, lon) for lat, lon in places)
                if km <= radius:
                    expected[f"Produkt {org_id}"] = km
            csv_text = client.get(f"/suppliers/export.csv?site={origin.id}&radius={radius}").get_data(
                as_text=True
            )
            rows = [line.split(";") for line in csv_text.strip().splitlines()[1:]]
            found = {}
            for row in rows:
                number = int(row[0].split()[1])
                found[number] = float(row[9].replace(",", "."))
            expected_by_number = {}
            for n, org_id in enumerate(points):
                km = min(haversine_km(lat0, lon0, lat, lon) for lat, lon in points[org_id])
                if km <= radius:
                    expected_by_number[n] = km
            assert set(found) == set(expected_by_number), (origin.name, radius)
            for n, km in found.items():
                assert km == pytest.approx(expected_by_number[n], abs=0.06)
            distances = [float(row[9].replace(",", ".")) for row in rows]
            assert distances == sorted(distances)


def test_bounding_box_holds_the_circle():
    for lat in (0, 30, 52.5, 70):
        south, north, west, east = bounding_box(lat, 13.4, 50)
        for bearing in range(0, 360, 5):
            # A point 50 km away in each direction lies inside the box.
            import math

            d = 50 / 6371.0088
            b = math.radians(bearing)
            phi1, lam1 = math.radians(lat), math.radians(13.4)
            phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(b))
            lam2 = lam1 + math.atan2(
                math.sin(b) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
            )
            assert south <= math.degrees(phi2) <= north
            assert west <= math.degrees(lam2) <= east


def test_paging_through_rings_and_groups_keeps_the_exact_order(app, network, certification_body, monkeypatch):
    """Small rings, groups and the product-first path give the same order of suppliers as one big
    sort, names in German order: "Ährenhof" (as far as the dairy) before "Milchhof Nord", where code
    points would put it after; products in German order within their supplier ("Ährenkäse" first)."""
    from vonhier.permissions import SYSTEM
    from vonhier.suppliers import search
    from vonhier.suppliers.search import Origin, SupplierQuery

    def pages(origin, **filters):
        with app.app_context():
            seen, page = [], 1
            while True:
                query = SupplierQuery(origin=origin, page=page, page_size=1, **filters)
                results = search.search(SYSTEM, query)
                # SQL and Python compute the same haversine, equal up to the last bits of a float.
                seen += [
                    (
                        s.organisation.display_name,
                        tuple(h.product.name_de for h in s.products),
                        s.distance_km and round(s.distance_km, 6),
                    )
                    for s in results.suppliers
                ]
                if not results.has_next:
                    return seen
                page += 1

    def suppliers(found):
        return [(name, list(products)) for name, products, _ in found]

    ears = product(app, network.dairy.id, network.dairy.site.id, "Ährenkäse", gmo_free=True)
    certify(app, network.dairy.id, [ears], certification_body.id)
    twin = supplier(app, "Ährenhof", 52.6833, 13.5833)  # the dairy's place: the same distance
    certify(
        app, twin.id, [product(app, twin.id, twin.site.id, "Hofkäse", gmo_free=True)], certification_body.id
    )
    origin = Origin(*BERLIN_MITTE)
    expected_near = pages(origin)
    expected_by_name = pages(None)
    assert suppliers(expected_near) == [
        ("Ährenhof", ["Hofkäse"]),
        ("Milchhof Nord", ["Ährenkäse", "Bergkäse", "Quark"]),
        ("Gemüse Süd", ["Möhren"]),
        ("Fleisch Ost", ["Salami"]),
    ]
    assert [name for name, _ in suppliers(expected_by_name)] == [
        "Ährenhof",
        "Fleisch Ost",
        "Gemüse Süd",
        "Milchhof Nord",
    ]
    monkeypatch.setattr(search, "FIRST_RING_KM", 1)
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    monkeypatch.setattr(search, "MANY_SUPPLIERS", 1)
    assert pages(origin) == expected_near
    assert pages(None) == expected_by_name
    assert pages(Origin(*BERLIN_MITTE), radius_km=300) == expected_near
    assert [n for n, _ in suppliers(pages(origin, organic=True))] == ["Milchhof Nord", "Gemüse Süd"]
    # With a category and a wide radius, only the matching suppliers' distances are computed; the
    # rings give the same order.
    with app.app_context():
        dairy = db.session.scalar(select(Category).where(Category.slug == "dairy-cheese"))
    sorted_at_once = pages(origin, category=dairy, radius_km=300)
    assert suppliers(sorted_at_once) == [
        ("Ährenhof", ["Hofkäse"]),
        ("Milchhof Nord", ["Ährenkäse", "Bergkäse", "Quark"]),
    ]
    with_text = pages(origin, category=dairy, radius_km=300, text="bergkäse")
    assert suppliers(with_text) == [("Milchhof Nord", ["Bergkäse"])]
    monkeypatch.setattr(search, "FEW_FROM_KM", 10_000)
    assert pages(origin, category=dairy, radius_km=300) == sorted_at_once
    assert pages(origin, category=dairy, radius_km=300, text="bergkäse") == with_text


def test_deliveries_count_only_within_the_suppliers_delivery_radius(app, network):
    """The dairy delivers within 50 km; a retailer in Cottbus (~115 km) may only pick up."""
    user = factories.user(app)
    factories.organisation(app, owner_id=user.id, kinds=("retailer",), latitude=51.756, longitude=14.333)
    client = signed_in(app, user)
    # Every way the search runs: rings without a category, the category's candidates, wide or not.
    for query in (
        "delivery=own",
        "delivery=own&category=dairy-cheese",
        "delivery=own&category=dairy-cheese&radius=150",
    ):
        assert names(client, query) == [], query
    assert set(names(client, "delivery=own&delivery=pickup")) == {"Bergkäse", "Quark"}  # pick-up has no limit
    (_, _, card), *_ = cards(client, "category=dairy-cheese")
    assert "Liefert nicht bis zu Ihnen — Abholung möglich" in card
    assert re.search(r"Eigene Lieferung nur im Umkreis von 50 km; .* liegt 1[01]\d,\d km entfernt\.", card)
    rows = client.get("/suppliers/export.csv?category=dairy-cheese").get_data(as_text=True).splitlines()
    assert all(";Abholung;50;" in row for row in rows[1:]) and len(rows) == 3
    # Within the radius (Berlin Mitte, ~20 km) own delivery is offered and shown.
    assert set(names(network.client, "delivery=own&category=dairy-cheese&radius=150")) == {
        "Bergkäse",
        "Quark",
    }
    (_, _, card), *_ = cards(network.client)
    assert "<strong>Liefert bis zu Ihnen:</strong> Eigene Lieferung · Abholung möglich</p>" in card
    # Without a radius given, own delivery has no stated limit.
    with app.app_context():
        db.session.get(SupplierProfile, network.dairy.id).delivery_radius_km = None
        db.session.commit()
    assert set(names(client, "delivery=own")) == {"Bergkäse", "Quark"}
    # Without an origin there is no distance to hold against the radius.
    nowhere = factories.user(app)
    factories.organisation(app, owner_id=nowhere.id, kinds=("retailer",), latitude=None, longitude=None)
    with app.app_context():
        db.session.get(SupplierProfile, network.dairy.id).delivery_radius_km = 50
        db.session.commit()
    assert set(names(signed_in(app, nowhere), "delivery=own")) == {"Bergkäse", "Quark"}
    # A logistics partner's delivery has the same limit: Zossen's vegetables, ~34 km from Mitte.
    assert names(network.client, "delivery=partner") == ["Möhren"]
    with app.app_context():
        db.session.get(SupplierProfile, network.veg.id).delivery_radius_km = 30
        db.session.commit()
    assert names(network.client, "delivery=partner") == []


def test_a_delivery_reaches_exactly_as_far_as_the_radius():
    profile = SupplierProfile(
        delivers_pickup=True, delivers_own=True, delivers_partner=True, delivery_radius_km=50
    )
    assert profile.options_for(50.0) == ["pickup", "own", "partner"]
    assert profile.options_for(50.01) == ["pickup"]
    assert profile.options_for(None) == ["pickup", "own", "partner"]
    assert SupplierProfile(delivers_own=True).options_for(900.0) == ["own"]  # no radius given
