"""The configured region pack's label end to end in a real browser, on that pack's demo network: its name
and colours, a provenance page reached by decoding a QR code from a label sheet, and the finder around
the pack's first demo outlet. Pack-relative: it runs for the default pack in the suite and again for the
second pack (`make test`'s PACK_TESTS)."""

from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.accounts.models import User
from vonhier.catalogue.models import Product
from vonhier.certification.models import Certificate, CertificateProduct, CertificateStatus
from vonhier.demo import files
from vonhier.extensions import db
from vonhier.organisations.models import Membership
from vonhier.region import pack

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


def _rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def _producer_and_certified_product(app) -> tuple[str, int]:
    """The demo producer's e-mail and one of its organisation's products with an active certificate."""
    email = next(u["email"] for u in files.accounts()["user"] if u["role"] == "producer")
    with app.app_context():
        product_id = db.session.scalar(
            select(Product.id)
            .join(Membership, Membership.organisation_id == Product.organisation_id)
            .join(User, User.id == Membership.user_id)
            .join(CertificateProduct, CertificateProduct.product_id == Product.id)
            .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
            .where(User.email == email, Certificate.status == CertificateStatus.ACTIVE)
            .where(Product.gtin.is_not(None))
            .order_by(Product.id)
            .limit(1)
        )
    assert product_id, "the pack's demo producer has no certified product with a GTIN"
    return email, product_id


def _decoded_path(pdf: bytes) -> str:
    """The path of the first QR code on the first page of the label sheet."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=300 / 72).to_pil().convert("L")
    finally:
        document.close()
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert codes, "no QR code decoded from the label sheet"
    return urlsplit(codes[0].text).path  # the public address (BASE_URL); the live server has another port


@pytest.mark.parametrize("device", WIDTHS)
def test_label_sheet_code_leads_to_the_packs_provenance_page(demo, app, live_server, page_at, device):
    region = pack()
    email, product_id = _producer_and_certified_product(app)
    producer = page_at(WIDTHS["desktop"])
    sign_in(producer, live_server, email, files.accounts()["passwords"]["producer"])
    sheet = producer.request.get(f"{live_server}/labels/{product_id}?format=pdf")
    assert sheet.status == 200 and sheet.headers["content-type"] == "application/pdf"
    path = _decoded_path(sheet.body())
    assert path.startswith(("/01/", "/p/")), path

    shopper = page_at(WIDTHS[device])
    assert shopper.goto(live_server + path).status == 200
    name = region.label["name"]
    expect(shopper.locator("header .brand")).to_contain_text(name)
    assert shopper.title().endswith(name)
    header = shopper.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header == _rgb(region.label["colours"]["main"])
    expect(shopper.locator("footer")).to_contain_text(region.operator["alliance"])
    assert_fits(shopper)
    screenshot(shopper, f"region-{region.key}-provenance-{device}")
    assert shopper.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_finder_around_the_packs_first_outlet_town(demo, live_server, page_at, device):
    region = pack()
    town = files.table("outlets")[0]["town"]
    page = page_at(WIDTHS[device])
    assert page.goto(f"{live_server}/outlets/").status == 200
    page.fill("#where", town)
    page.select_option("#radius", "20")
    click_and_wait(page, "#finder-form button[type=submit]")
    expect(page.locator("ol.results li").first).to_be_visible()
    expect(
        page.locator("#finder-map .leaflet-marker-icon, #finder-map .marker-cluster").first
    ).to_be_visible()
    assert_fits(page)
    screenshot(page, f"region-{region.key}-finder-{device}")
    assert page.console_errors == []

    assert page.goto(f"{live_server}/").status == 200
    expect(page.locator("main")).to_contain_text(region.name("de"))
    screenshot(page, f"region-{region.key}-home-{device}")
