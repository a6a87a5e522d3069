"""The GS1 Digital Link resolver and the short-code URLs: parsing, link types, linksets, QR images, CLI."""

import csv
import io
import json

import pytest
import resvg_py
import zxingcpp
from PIL import Image
from sqlalchemy import select

from tests import factories
from vonhier.catalogue.models import Product
from vonhier.extensions import db
from vonhier.provenance import services
from vonhier.provenance.models import ProductCode

from .test_scans import stored

BASE = "http://localhost"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# --- resolver answers ---------------------------------------------------------------------------------


def test_gtin_and_code_paths_reach_the_product(app, certified):
    client = app.test_client()
    for path in (certified.path, f"/p/{certified.code}"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Landeier" in response.get_data(as_text=True)


def test_short_gtin_redirects_to_the_canonical_path(app, certified):
    response = app.test_client().get("/01/4012345678901/10/L-2611%2F07?linkType=gs1:pip")
    assert response.status_code == 301
    assert response.headers["Location"] == BASE + "/01/04012345678901/10/L-2611%2F07?linkType=gs1:pip"


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/01/04012345678902", 400, "Prüfziffer"),
        ("/01/04012345678901/21/S1/10/L7", 400, "Reihenfolge"),
        ("/01/04000000000006", 404, "Keine Ware mit der GTIN"),
        ("/p/zzzzzzzzzz", 404, "Kein Produkt mit dem Code"),
        ("/p/%FF%FE", 404, "Kein Produkt mit dem Code"),
        ("/p/%FF%FE%00", 400, "Steuerzeichen"),
        ("/01/%FF%FE", 400, "GTIN"),
        ("/01/" + "9" * 5000, 400, "zu lang"),
    ],
)
def test_bad_and_unknown_addresses_answer_clearly(app, certified, path, status, text):
    response = app.test_client().get(path)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_lots_with_slashes_and_unicode_on_short_codes(app, certified):
    client = app.test_client()
    page = client.get(f"/p/{certified.code}/L-2611%2F07").get_data(as_text=True)
    assert "L-2611/07" in page and "07.11.2026" in page
    # A lot nobody entered: the product page with a note, not an error.
    unknown = client.get(f"/p/{certified.code}/Ernte%20S%C3%BCd")
    assert unknown.status_code == 200 and "nicht erfasst" in unknown.get_data(as_text=True)
    assert client.get(f"/p/{certified.code}/a/b").status_code == 400
    assert client.get(f"/p/{certified.code}/%3Cscript%3E").status_code == 400
    assert client.get(f"/p/{certified.code}/%FF").status_code == 400
    assert client.get(f"/p/{certified.code}/" + "x" * 41).status_code == 400


@pytest.mark.parametrize(
    "link_type",
    [
        "gs1:certificationInfo",
        "https://gs1.org/voc/certificationInfo",
        "https://ref.gs1.org/voc/certificationInfo",
        "https://www.gs1.org/voc/certificationInfo",
        "http://gs1.org/voc/certificationInfo",
    ],
)
def test_certification_info_redirects_to_the_certificate(app, certified, link_type):
    response = app.test_client().get(certified.path + "?linkType=" + link_type)
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/certificates/{certified.number}"


def test_a_link_type_redirect_passes_the_rest_of_the_query_on(app, certified):
    response = app.test_client().get(certified.lot_path + "?linkType=gs1:certificationInfo&foo=bar&17=261201")
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/certificates/{certified.number}?foo=bar&17=261201"


@pytest.mark.parametrize(
    "link_type",
    ["gs1:pip", "gs1:defaultLink", "https://ref.gs1.org/voc/pip", "https://www.gs1.org/voc/defaultLink"],
)
def test_the_page_is_served_in_place_for_its_link_types(app, certified, link_type):
    response = app.test_client().get(certified.path + "?linkType=" + link_type)
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_the_page_points_at_its_linkset(app, certified):
    link = app.test_client().get(certified.lot_path).headers["Link"]
    assert (
        link
        == f'<{BASE}{certified.lot_path}?linkType=linkset>; rel="linkset"; type="application/linkset+json"'
    )


@pytest.mark.parametrize("link_type", ["gs1:traceability", "test", "%27%3Bdrop", "https://gs1.org/voc/x", ""])
def test_unknown_link_types_are_not_found_and_the_available_ones_listed(app, certified, link_type):
    missing = app.test_client().get(certified.path + "?linkType=" + link_type)
    assert missing.status_code == 404
    assert "gs1:pip, gs1:certificationInfo, gs1:defaultLink" in missing.get_data(as_text=True)


@pytest.mark.parametrize("how", ["query", "accept"])
def test_linkset_lists_the_links(app, certified, how):
    client = app.test_client()
    if how == "query":
        response = client.get(certified.lot_path + "?linkType=linkset")
    else:
        response = client.get(certified.lot_path, headers={"Accept": "application/linkset+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/linkset+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    (entry,) = json.loads(response.get_data())["linkset"]
    assert entry["anchor"] == BASE + certified.lot_path
    assert entry["https://gs1.org/voc/pip"][0]["href"] == BASE + certified.lot_path
    assert (
        entry["https://gs1.org/voc/certificationInfo"][0]["href"] == f"{BASE}/certificates/{certified.number}"
    )
    assert entry["https://gs1.org/voc/defaultLink"][0]["type"] == "text/html"
    # GS1 linksets name their JSON-LD context; the answer depends on Accept.
    assert response.headers["Link"] == (
        "<https://ref.gs1.org/standards/resolver/linkset-context>; "
        'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )
    assert "Accept" in response.headers["Vary"]


def test_resolver_description(app):
    response = app.test_client().get("/.well-known/gs1resolver")
    data = response.get_json()
    assert data["resolverRoot"] == BASE
    assert data["supportedPrimaryKeys"] == ["01"]
    assert data["linkTypeDefaultCanBeLinkset"] is True
    assert data["jsonLdContextLocation"] == "https://ref.gs1.org/standards/resolver/linkset-context"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# --- GS1 conformance: content negotiation, CORS, redirects, data attributes ---------------------------


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",  # curl, python-requests, scanner apps, link previews
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser
        "application/json, */*",
        "application/linkset+json;q=0.5, text/html",
    ],
)
def test_any_client_that_does_not_ask_for_the_linkset_gets_the_page_and_is_counted(app, certified, accept):
    headers = {"Accept": accept} if accept else {}
    response = app.test_client().get(certified.path, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    assert sum(count for *_, count in stored(app)) == 1


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        ("application/linkset+json", ""),
        ("application/linkset+json, */*;q=0.1", ""),
        ("*/*", "?linkType=linkset"),
        ("*/*", "?linkType=all"),
        ("application/linkset+json", "?linkType=all"),
    ],
)
def test_the_linkset_when_asked_for(app, certified, accept, query):
    response = app.test_client().get(certified.path + query, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == "application/linkset+json"
    assert stored(app) == set()


@pytest.mark.parametrize("path", ["/01/04012345678901", "/01/04012345678901/10/L-2611%2F07", "/p/abc"])
def test_cors_preflight_is_answered(app, certified, path):
    response = app.test_client().options(
        path, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        # A trailing slash: the address without it, for good.
        ("/01/04012345678901/", 301, "/01/04012345678901"),
        ("/01/04012345678901/10/L-2611%2F07/", 301, "/01/04012345678901/10/L-2611%2F07"),
        ("/01/4012345678901/", 301, "/01/04012345678901"),
        # Percent-encoded digits are digits: the same address, spelled out.
        ("/01/%304012345678901", 301, "/01/04012345678901"),
        # Qualifiers without a page of their own walk up, temporarily, the query kept.
        ("/01/04012345678901/21/S1?17=261201&lang=en", 307, "/01/04012345678901?17=261201&lang=en"),
        ("/01/04012345678901/22/V1/10/L-2611%2F07/21/S1", 307, "/01/04012345678901/10/L-2611%2F07"),
        ("/01/04012345678901/235/T1", 307, "/01/04012345678901"),
    ],
)
def test_other_spellings_redirect_and_unknown_qualifiers_walk_up(app, certified, path, status, location):
    response = app.test_client().get(path)
    assert response.status_code == status
    assert response.headers["Location"] == BASE + location  # absolute, as GS1 asks


@pytest.mark.parametrize(
    "path", ["/01/04012345678901/10/", "/01/04012345678901/foo", "/01/04012345678901/10/L7/21"]
)
def test_a_trailing_slash_does_not_make_a_bad_address_good(app, certified, path):
    assert app.test_client().get(path).status_code == 400


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("17=271331", "Der Wert des GS1-Datenattributs 17 ist ungültig."),
        ("99=", "Der Wert des GS1-Datenattributs 99 ist ungültig."),
        ("99=A&99=A", "Das GS1-Datenattribut 99 steht zweimal in der Adresse."),
        ("999=faux", "999 ist kein GS1-Datenbezeichner (Application Identifier)."),
        ("10=L7", "Das GS1-Datenattribut 10 gehört in den Pfad der Adresse, nicht in die Abfrage."),
        (
            "01=04012345678901",
            "Das GS1-Datenattribut 01 gehört in den Pfad der Adresse, nicht in die Abfrage.",
        ),
    ],
)
def test_bad_data_attributes_are_refused_with_a_sentence(app, certified, query, text):
    for path in (certified.path, certified.lot_path, "/01/4012345678901"):  # before any redirect
        response = app.test_client().get(f"{path}?{query}")
        assert response.status_code == 400
        assert text in response.get_data(as_text=True)
    assert stored(app) == set()


def test_good_data_attributes_and_other_parameters_are_accepted(app, certified):
    query = "17=261201&3103=000195&singleton&utm_source=label&&lang=de"
    response = app.test_client().get(f"{certified.lot_path}?{query}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    # Short codes are no GS1 Digital Link: their query is not GS1's either.
    assert app.test_client().get(f"/p/{certified.code}?999=x").status_code == 200


# --- QR images ------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["product", "batch", "code"])
def test_qr_images_decode_to_the_public_url(app, certified, which):
    path = {"product": certified.path, "batch": certified.lot_path, "code": f"/p/{certified.code}"}[which]
    # A product with a GTIN has one public URL, its Digital Link, whichever address the image is asked at.
    url = BASE + (certified.path if which == "code" else path)
    client = app.test_client()
    svg = client.get(path + "/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    rendered = Image.open(
        io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg.get_data(as_text=True), dpi=96.0)))
    )
    assert decode(rendered) == [url]
    png = client.get(path + "/qr.png?size=300")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.get_data()))
    assert 300 <= image.width < 360  # at least as asked: whole pixels per module
    assert decode(image) == [url]


def test_qr_image_is_cached_with_an_etag(app, certified):
    client = app.test_client()
    first = client.get(certified.path + "/qr.png")
    again = client.get(certified.path + "/qr.png", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "max-age" in first.headers["Cache-Control"]


@pytest.mark.parametrize("size", ["0", "-5", "63", "2049", "99999999999999999999", "abc", "1e3", "", "٣٠٠"])
def test_absurd_png_sizes_are_refused(app, certified, size):
    response = app.test_client().get(f"{certified.path}/qr.png?size={size}")
    assert response.status_code == 400
    assert "Pixel" in response.get_data(as_text=True)


def test_svg_takes_no_size(app, certified):
    assert app.test_client().get(f"{certified.path}/qr.svg?size=20").status_code == 400


# --- codes --------------------------------------------------------------------------------------------


def test_every_new_product_gets_a_code_that_survives_a_rename(app, certified):
    scene = certified.scene
    other = factories.product(
        app, scene.owner.id, scene.org.id, [("Milch", 100, scene.farm.id, False)], name_de="Milch"
    )
    with app.app_context():
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == other))
        assert services.is_code(code)
        db.session.get(Product, other).name_de = "Frische Weidemilch"
        db.session.commit()
    page = app.test_client().get(f"/p/{code}").get_data(as_text=True)
    assert "Frische Weidemilch" in page


def test_codes_are_never_changed_or_deleted(app, certified):
    with app.app_context():
        record = db.session.get(ProductCode, certified.code)
        db.session.delete(record)
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()


def test_cli_prints_every_active_code(app, certified):
    result = app.test_cli_runner().invoke(args=["qr", "urls"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {
        "product_id": str(certified.product_id),
        "lot": "",
        "url": BASE + certified.path,
        "qr_svg": BASE + certified.path + "/qr.svg",
    } in rows
    assert {
        "product_id": str(certified.product_id),
        "lot": certified.lot,
        "url": BASE + certified.lot_path,
        "qr_svg": BASE + certified.lot_path + "/qr.svg",
    } in rows
