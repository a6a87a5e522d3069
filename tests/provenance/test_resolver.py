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
from vonhier.provenance import gs1, services
from vonhier.provenance.models import ProductCode

BASE = "http://localhost"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# --- GS1 parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "gtin", "lot"),
    [
        ("/01/04012345678901", "04012345678901", None),
        ("/01/4012345678901", "04012345678901", None),  # GTIN-13 padded
        ("/01/96385074", "00000096385074", None),  # GTIN-8 padded
        ("/01/04012345678901/10/AB%2F12", "04012345678901", "AB/12"),
        ("/01/04012345678901/22/X1/10/L7", "04012345678901", "L7"),
    ],
)
def test_digital_link_paths_are_parsed(app, path, gtin, lot):
    with app.test_request_context():
        link = gs1.parse_path(path)
    assert (link.gtin, link.lot) == (gtin, lot)


@pytest.mark.parametrize(
    "path",
    [
        "/01/04012345678902",  # wrong check digit
        "/01/401234567890",  # 12 digits, wrong check digit
        "/01/abc",
        "/01/04012345678901/21/S1/10/L7",  # qualifiers out of order
        "/01/04012345678901/99/x",
        "/01/04012345678901/10/%C3%A4pfel",  # GS1 lots carry no umlauts
        "/01/04012345678901/10/" + "x" * 21,
        "/01/" + "1" * 300,
    ],
)
def test_bad_digital_links_are_refused(app, path):
    with app.test_request_context(), pytest.raises(gs1.GS1Error):
        gs1.parse_path(path)


def test_check_digit_follows_gs1():
    assert gs1.check_digit("0401234567890") == 1
    assert gs1.check_digit("9638507") == 4


@pytest.mark.parametrize(
    ("digits", "padded"),
    [
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A), as on imported goods
        ("4012345000030", "04012345000030"),  # check digit 0
        ("4012345678901", "04012345678901"),  # GTIN-13
        ("14012345678908", "14012345678908"),  # GTIN-14 of a case
    ],
)
def test_every_gtin_length_with_a_right_check_digit_is_accepted(app, digits, padded):
    with app.test_request_context():
        assert gs1.gtin14(digits) == padded
        assert gs1.parse_path(f"/01/{digits}").gtin == padded


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ("4012345000031", "Die Prüfziffer der GTIN 4012345000031 stimmt nicht."),
        ("036000291453", "Die Prüfziffer der GTIN 036000291453 stimmt nicht."),
        ("9638507", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("963850745", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("40123456789", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("401234567890128", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        # Digits of other scripts are digits to Python, not to a scanner.
        ("４０１２３４５６７８９０１", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
    ],
)
def test_wrong_gtins_are_refused_with_the_reason(app, digits, message):
    with app.test_request_context(), pytest.raises(gs1.GS1Error) as caught:
        gs1.gtin14(digits)
    assert str(caught.value) == message


def test_the_serial_and_the_lot_are_kept(app):
    """AI 21 (serial) follows the lot; both reach the resolver decoded, the GTIN padded."""
    with app.test_request_context():
        link = gs1.parse_path("/01/4012345678901/22/X1/10/L-2611%2F07/21/S%2F42")
    assert link == gs1.DigitalLink(gtin="04012345678901", lot="L-2611/07", serial="S/42")
    with app.test_request_context():
        assert gs1.parse_path("/01/04012345678901/21/S42") == gs1.DigitalLink("04012345678901", None, "S42")
        assert gs1.parse_path("/01/04012345678901/10/L7") == gs1.DigitalLink("04012345678901", "L7", None)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/01/04012345678901/21/S1/10/L7",
            "Das ist kein gültiger GS1 Digital Link "
            "(die Qualifier müssen in der Reihenfolge 22, 10, 21 stehen).",
        ),
        (
            "/01/04012345678901/10/" + "x" * 21,
            "Das ist kein gültiger GS1 Digital Link (eine Charge hat höchstens 20 Zeichen: Buchstaben ohne "
            "Umlaute, Ziffern oder - . / _).",
        ),
        (
            "/01/04012345678901/10/%C3%A4pfel",
            "Das ist kein gültiger GS1 Digital Link (eine Charge hat höchstens 20 Zeichen: Buchstaben ohne "
            "Umlaute, Ziffern oder - . / _).",
        ),
        (
            "/01/04012345678901/10/L7/x",
            "Das ist kein gültiger GS1 Digital Link (unbekanntes oder fehlerhaftes Element).",
        ),
        ("/01/" + "1" * 197, "Diese Adresse ist zu lang für einen Produktcode."),  # 201 characters
        # 200 characters are not too long: refused for the GTIN instead.
        ("/01/" + "1" * 196, "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("/01", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
    ],
)
def test_bad_digital_links_say_why(app, path, message):
    with app.test_request_context(), pytest.raises(gs1.GS1Error) as caught:
        gs1.parse_path(path)
    assert str(caught.value) == message


def test_lots_and_paths_are_built_as_gs1_wants():
    assert gs1.path("4012345678901") == "/01/04012345678901"
    assert gs1.path("4012345678901", "L-2611/07") == "/01/04012345678901/10/L-2611%2F07"
    assert gs1.path("96385074", "") == "/01/00000096385074/10/"
    assert gs1.is_gs1_lot("L-2611/07") and gs1.is_gs1_lot("x" * 20) and gs1.is_gs1_lot('"!%?_z')
    assert not any(gs1.is_gs1_lot(lot) for lot in ("", "x" * 21, "Äpfel", "L 7", "L#7", "L7\n"))
    # A lot ending in a line break is no GS1 lot, not even on the short path of our own codes.
    with pytest.raises(gs1.GS1Error):
        gs1.parse_path("/01/04012345678901/10/L7%0A")


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
    assert response.headers["Location"] == "/01/04012345678901/10/L-2611%2F07?linkType=gs1:pip"


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/01/04012345678902", 400, "Prüfziffer"),
        ("/01/04012345678901/21/S1/10/L7", 400, "Reihenfolge"),
        ("/01/04000000000006", 404, "Keine Ware mit der GTIN"),
        ("/p/zzzzzzzzzz", 404, "Kein Produkt mit dem Code"),
        ("/p/%FF%FE%00", 404, "Kein Produkt mit dem Code"),
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


@pytest.mark.parametrize("link_type", ["gs1:certificationInfo", "https://gs1.org/voc/certificationInfo"])
def test_certification_info_redirects_to_the_certificate(app, certified, link_type):
    response = app.test_client().get(certified.path + "?linkType=" + link_type)
    assert response.status_code == 307
    assert response.headers["Location"] == f"/certificates/{certified.number}"


def test_the_page_points_at_its_linkset(app, certified):
    link = app.test_client().get(certified.lot_path).headers["Link"]
    assert (
        link
        == f'<{BASE}{certified.lot_path}?linkType=linkset>; rel="linkset"; type="application/linkset+json"'
    )


def test_unknown_link_types(app, certified):
    client = app.test_client()
    missing = client.get(certified.path + "?linkType=gs1:traceability")
    assert missing.status_code == 404 and "gs1:pip" in missing.get_data(as_text=True)
    assert client.get(certified.path + "?linkType=%27%3Bdrop").status_code == 400


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


def test_resolver_description(app):
    response = app.test_client().get("/.well-known/gs1resolver")
    data = response.get_json()
    assert data["resolverRoot"] == BASE
    assert data["supportedPrimaryKeys"] == ["01"]
    assert data["linkTypeDefaultCanBeLinkset"] is True


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
