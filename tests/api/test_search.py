"""/api/v1/search: the consumer finder (`outlets.finder`) as JSON, with the finder page's parameters."""

import pytest
from werkzeug.datastructures import MultiDict

from vonhier.outlets import finder


def test_search_near_a_place_nearest_first(api, demo_app):
    body = api.get("/api/v1/search?where=Potsdam&radius=50").get_json()
    assert body["centre"]["name"] == "Potsdam" and body["radius_km"] == 50
    assert body["per_page"] == finder.PAGE_SIZE and 0 < len(body["items"]) <= finder.PAGE_SIZE
    distances = [item["km"] for item in body["items"]]
    assert distances == sorted(distances) and all(km <= 50 for km in distances)
    with demo_app.test_request_context():
        expected = finder.search_outlets(finder.parse(MultiDict({"where": "Potsdam", "radius": "50"})))
    assert body["total"] == expected.total
    assert [item["id"] for item in body["items"]] == [hit.outlet.id for hit in expected.hits]
    first = body["items"][0]
    assert set(first) >= {"id", "name", "kind", "coordinates", "opening_hours", "open_now", "payment", "km"}


def test_search_filters_and_pages(api):
    farm_shops = api.get("/api/v1/search?lat=52.52&lon=13.40&radius=100&kind=farm_shop").get_json()
    assert farm_shops["items"] and {i["kind"] for i in farm_shops["items"]} == {"farm_shop"}
    everything = api.get("/api/v1/search").get_json()
    assert everything["centre"] is None and everything["radius_km"] is None
    assert {i["km"] for i in everything["items"]} == {None}
    assert everything["total"] > finder.PAGE_SIZE
    assert everything["links"]["next"] == "http://localhost/api/v1/search?page=2"
    second = api.get("/api/v1/search?page=2").get_json()
    assert second["links"]["prev"] == "http://localhost/api/v1/search?page=1"
    assert not {i["id"] for i in everything["items"]} & {i["id"] for i in second["items"]}
    eggs = api.get("/api/v1/search?category=eggs&criteria=organic").get_json()
    assert eggs["total"] < everything["total"]
    honey = api.get("/api/v1/search?q=Honig").get_json()
    assert 0 < honey["total"] < everything["total"]
    open_now = api.get("/api/v1/search?open=1").get_json()
    assert all(item["open_now"] for item in open_now["items"])


@pytest.mark.parametrize(
    "query",
    [
        "radius=3",
        "radius=101",
        "radius=abc",
        "lat=52.5",
        "lat=north&lon=13",
        "lat=95&lon=13",
        "where=Atlantis-am-Meer",
        "kind=castle",
        "category=unicorns",
        "category=%00",
        "category=" + "a" * 41,
        "where=%00",
        "criteria=cheap",
        "open=yes",
        "page=0",
        "page=501",
        "per_page=10",
        "colour=green",
        "q=" + "x" * 201,
        "lang=null",  # an unknown language, as every other endpoint refuses it (schemathesis found it)
        "lang=de&lang=en",
    ],
)
def test_bad_search_parameters_are_400_as_json(api, query):
    response = api.get(f"/api/v1/search?{query}&lang=en")
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["message"] and not error["message"].startswith("<")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_finder_page_refuses_a_nul_in_the_category_too(api):
    """PostgreSQL cannot compare text containing NUL: the finder's `parse` checks the slug first."""
    assert api.get("/outlets/?category=%00").status_code == 400


def test_a_typed_place_means_the_region_s_place(api):
    body = api.get("/api/v1/search?where=Frankfurt&radius=25").get_json()
    assert body["centre"]["name"] == "Frankfurt (Oder)"
    assert abs(body["centre"]["lat"] - 52.347) < 0.01


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("Golzow", "“Golzow” may mean several places: Golzow, "),  # the texts that mean one, to send again
        ("M%C3%BCnchen", "München lies about 380 km outside the region."),
    ],
)
def test_an_ambiguous_or_far_place_is_a_400_saying_so(api, where, message):
    response = api.get(f"/api/v1/search?where={where}&lang=en")
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]
