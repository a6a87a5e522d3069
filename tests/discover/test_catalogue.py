"""The public product catalogue (/produkte) and its API (/api/v1/products?q=…): only products certified
today of licensed organisations; text, place, filters, sorting, pages; bad input; links; queries."""

import re

from tests.statements import statements
from vonhier.discover import search
from vonhier.extensions import db


def names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_only_products_certified_today_of_licensed_organisations(client, shelf):
    response = client.get("/produkte")
    assert response.status_code == 200
    assert names(response.get_data(as_text=True)) == ["Bergkäse", "Ziegenkäse", "Ziegenmilch"]


def test_german_text_finds_compounds_and_a_place_measures_to_the_producer(client, shelf):
    # "Käse" is inside "Ziegenkäse", and in the category of the milk ("Milch & Käse").
    html = client.get("/produkte?q=Käse").get_data(as_text=True)
    assert names(html) == ["Bergkäse", "Ziegenkäse", "Ziegenmilch"]
    html = client.get("/produkte?q=Ziegenkäse&near=Eberswalde&radius=30").get_data(as_text=True)
    assert names(html) == ["Ziegenkäse"]
    assert "1 Produkt im Umkreis von 30 km um Eberswalde" in html
    assert re.search(r"<strong>[0-9],[0-9] km</strong>", html)  # the distance to the producer
    assert 'href="/produkte?q=Ziegenk%C3%A4se"' in html  # the place removed as a filter: a link


def test_filters(client, shelf):
    def found(query):
        return names(client.get(f"/produkte?{query}").get_data(as_text=True))

    assert found("criteria=gmo_free") == ["Bergkäse", "Ziegenkäse"]
    assert found("criteria=organic") == ["Bergkäse"]
    assert found("criteria=organic&criteria=gmo_free&near=Eberswalde") == []
    assert found("husbandry=4") == ["Ziegenkäse"]
    assert found("category=dairy-cheese&regional=100") == ["Bergkäse", "Ziegenkäse", "Ziegenmilch"]
    assert found("district=Barnim") == ["Ziegenkäse", "Ziegenmilch"]
    assert found(f"organisation={shelf.far.id}") == ["Bergkäse"]
    # The form's empty choices mean "all".
    assert found("category=&district=&husbandry=&regional=&sort=") == [
        "Bergkäse",
        "Ziegenkäse",
        "Ziegenmilch",
    ]


def test_sorted_by_distance_with_a_place_else_by_name(client, shelf):
    near = "near=Eberswalde&radius=100"
    assert names(client.get(f"/produkte?{near}&radius=100").get_data(as_text=True)) == [
        "Ziegenkäse",
        "Ziegenmilch",
    ]
    lausitz = "near=Cottbus&radius=100"
    assert names(client.get(f"/produkte?{lausitz}").get_data(as_text=True)) == ["Bergkäse"]
    both = "near=Berlin&radius=100"
    by_distance = names(client.get(f"/produkte?{both}").get_data(as_text=True))
    assert by_distance == ["Ziegenkäse", "Ziegenmilch"]  # Cottbus is beyond 100 km of Berlin
    assert names(client.get("/produkte?sort=distance").get_data(as_text=True))[0] == "Bergkäse"  # no place


def test_pages_work_without_javascript(client, shelf, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    html = client.get("/produkte").get_data(as_text=True)
    assert names(html) == ["Bergkäse", "Ziegenkäse"]
    assert 'href="/produkte?page=2"' in html
    assert names(client.get("/produkte?page=2").get_data(as_text=True)) == ["Ziegenmilch"]
    # A page beyond the last (fewer products now): the last one.
    assert client.get("/produkte?page=9").headers["Location"].endswith("/produkte?page=2")
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_card_links_its_page_producer_certificate_and_outlets(app, client, shelf):
    from vonhier.outlets import services as outlets
    from vonhier.permissions import SYSTEM

    with app.app_context():
        outlet = outlets.save_outlet(
            SYSTEM,
            shelf.goats.id,
            None,
            {
                "name": "Hofladen Finow",
                "kind": "farm_shop",
                "town": "Eberswalde",
                "country": "DE",
                "latitude": 52.8671,
                "longitude": 13.7722,
                "opening_hours": "Sa 09:00-12:00",
                "product_ids": [shelf.goat_cheese],
                "category_ids": [],
            },
        )
        db.session.commit()
        outlet_id = outlet.id
    html = client.get("/produkte?q=Ziegenkäse").get_data(as_text=True)
    card = html.split('class="product-card"', 1)[1]
    assert re.search(r'<h3><a href="/p/[a-z0-9]+">Ziegenkäse</a>', card)
    assert f'href="/organisations/{shelf.goats.id}"' in card
    assert 'href="/certificates/VH-' in card or "/certification/certificates/VH-" in card
    assert f'href="/outlets/{outlet_id}"' in card and "Hofladen Finow" in card


def test_bad_input_is_a_translated_400_with_what_was_typed(client, shelf):
    response = client.get("/produkte?q=Ziegenkäse&radius=7000")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Der Umkreis muss eine ganze Zahl" in html and 'value="Ziegenkäse"' in html
    response = client.get("/produkte?near=Nirgendwohausen&lang=en")
    assert response.status_code == 400
    assert "We do not know the place “Nirgendwohausen”" in response.get_data(as_text=True)
    for query in ("category=nope", "criteria=vegan", "husbandry=9", "regional=0", "sort=price", "page=0"):
        assert client.get(f"/produkte?{query}").status_code == 400, query
    assert client.get("/produkte?utm_source=app").status_code == 200  # shared links carry some


def test_api_has_the_same_search(client, shelf):
    found = client.get("/api/v1/products?q=Ziegenkäse&near=Eberswalde&radius=30").get_json()
    assert [item["name_de"] for item in found["items"]] == ["Ziegenkäse"]
    assert found["items"][0]["km"] < 10 and found["centre"]["name"] == "Eberswalde"
    assert found["total"] == 1 and found["sort"] == "distance"
    paged = client.get("/api/v1/products?sort=name&per_page=1&page=2").get_json()
    assert [item["name_de"] for item in paged["items"]] == ["Ziegenkäse"] and paged["total"] == 3
    assert "page=3" in paged["links"]["next"]
    assert client.get("/api/v1/products?q=Käse&status=active").status_code == 400
    assert client.get("/api/v1/products?q=Käse&colour=red").status_code == 400
    # Without the search's parameters, the register's list as before: every status (the expired one).
    assert client.get("/api/v1/products").get_json()["total"] == 4


def test_register_certificate_and_profile_pages_link_the_products(client, shelf):
    html = client.get("/certified").get_data(as_text=True)
    assert re.search(r'<a href="/p/[a-z0-9]+">Ziegenkäse</a>', html)
    profile = client.get(f"/organisations/{shelf.goats.id}").get_data(as_text=True)
    assert re.search(r'<a href="/p/[a-z0-9]+">Ziegenkäse</a>', profile)
    assert "Rohmilchkäse" not in profile  # never certified
    assert f'href="/produkte?organisation={shelf.goats.id}"' in profile


def test_queries_stay_flat_with_the_page_size(app, client, shelf):
    counts = []
    for size in (1, 1, 3):  # the first pays for what a process reads once
        with app.test_request_context(), statements(db.engine) as seen:
            assert len(search.search_products(search.ProductQuery(), size).cards) == size
        counts.append([sql.split("FROM")[0][:60] for sql in seen if not sql.startswith("SET LOCAL")])
    assert counts[1] == counts[2] and len(counts[2]) == 4  # the page, the cards (3)


def test_header_links_the_catalogue_and_home_searches_it(client, shelf):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/produkte"' in html.split("</header>")[0]
    assert 'action="/produkte"' in html


def test_without_allergens_keeps_only_products_recorded_free_of_them(app, client, shelf):
    from tests.suppliers.conftest import certify, product

    goats = shelf.goats
    honey = product(app, goats.id, goats.site.id, "Heidehonig", category="honey", allergen_free=True)
    biscuit = product(app, goats.id, goats.site.id, "Honigkeks", category="honey", allergen_traces=["nuts"])
    certify(app, goats.id, [honey, biscuit], shelf.body.id)

    def found(query):
        return names(client.get(f"/produkte?{query}").get_data(as_text=True))

    # Ziegenkäse & co. never recorded their allergens: never "without" anything.
    assert found("free_of=milk") == ["Heidehonig", "Honigkeks"]
    assert found("free_of=milk&free_of=nuts") == ["Heidehonig"]
    html = client.get("/produkte?free_of=nuts").get_data(as_text=True)
    assert "ohne Nüsse" in html and 'name="free_of" value="nuts" checked' in html
    assert client.get("/produkte?free_of=plutonium").status_code == 400
    api = client.get("/api/v1/products?free_of=nuts").get_json()
    assert [item["name_de"] for item in api["items"]] == ["Heidehonig"]


def test_places_mean_the_region_and_ambiguous_names_ask(client, shelf):
    html = client.get("/produkte?near=Frankfurt&radius=100").get_data(as_text=True)
    assert "um Frankfurt (Oder)" in html
    response = client.get("/produkte?near=Golzow&q=Käse")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Welches „Golzow“ meinen Sie?" in html
    assert "q=K%C3%A4se" in html and "near=Golzow" in html  # each choice: the same search, one place
    response = client.get("/produkte?near=München")
    assert response.status_code == 400 and "außerhalb der Region" in response.get_data(as_text=True)


def test_zero_results_say_which_filter_removed_the_last_products(client, shelf):
    # The organic cheese is in Cottbus, 130 km away: without "Bio" the goats' two products are found.
    html = client.get("/produkte?criteria=organic&near=Eberswalde&radius=25").get_data(as_text=True)
    assert "0 Produkte" in html
    assert "Ohne den Filter „Bio“ gäbe es 2 Treffer" in html
    assert 'href="/produkte?near=Eberswalde&amp;radius=25"' in html
    assert "Umkreis erweitern" not in html  # not even 100 km reach Cottbus
    # Goats near Berlin (Eberswalde is 45 km away): only a wider radius helps.
    html = client.get("/produkte?q=Ziegen&near=Berlin&radius=25").get_data(as_text=True)
    assert "Im Umkreis von 100 km gäbe es" in html and "Umkreis erweitern" in html
