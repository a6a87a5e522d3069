"""Open-data downloads: outlets as RFC 7946 GeoJSON, the register as CSV; both name their licence."""

import csv
import io

from vonhier.api.routes import REGISTER_COLUMNS


def test_page_links_the_downloads_and_names_the_licences(api):
    page = api.get("/open-data/").get_data(as_text=True)
    for link in ("/open-data/outlets.geojson", "/open-data/register.csv", "/api/v1/openapi.json"):
        assert f'href="{link}"' in page
    assert "CC BY 4.0" in page and "GeoNames" in page and "OpenStreetMap" in page and "ODbL" in page
    assert 'href="/open-data/"' in api.get("/").get_data(as_text=True)  # the footer


def test_outlets_geojson(api):
    response = api.get("/open-data/outlets.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json(force=True)
    assert body["type"] == "FeatureCollection"
    assert body["license"] == "CC BY 4.0" and "GeoNames" in body["attribution"]
    features = body["features"]
    assert len(features) == api.get("/api/v1/outlets").get_json()["total"]
    outlets = {o["id"]: o for o in api.get("/api/v1/outlets?per_page=100").get_json()["items"]}
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) for v in (lon, lat))
        # Berlin and Brandenburg: longitude 11–15 °E, latitude 51–54 °N, so the order is unmistakable.
        assert 11 < lon < 15.5 and 51 < lat < 54
        assert isinstance(feature["properties"]["name"], str)
        if feature["id"] in outlets:
            assert outlets[feature["id"]]["coordinates"] == {"lat": lat, "lon": lon}


def test_register_csv(api):
    response = api.get("/open-data/register.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == REGISTER_COLUMNS
    assert len(rows) - 1 == api.get("/api/v1/products").get_json()["total"]
    products = {p["id"]: p for p in api.get("/api/v1/products?per_page=100").get_json()["items"]}
    for row in rows[1:]:
        record = dict(zip(REGISTER_COLUMNS, row, strict=True))
        if int(record["product_id"]) in products:
            product = products[int(record["product_id"])]
            assert record["url"] == product["url"]
            assert record["certificate"] == product["certificate"]["number"]
            assert record["valid_until"] == product["certificate"]["valid_until"]
    assert any("ü" in cell or "ö" in cell or "ä" in cell for row in rows for cell in row)
