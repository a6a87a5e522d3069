"""The provenance page a shopper sees after a scan, in a real browser, on the demo network."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.catalogue.models import Batch, Product
from vonhier.certification.models import Certificate, CertificateProduct, CertificateStatus
from vonhier.extensions import db
from vonhier.provenance.services import public_path

from .conftest import WIDTHS, assert_fits, screenshot

pytestmark = pytest.mark.browser


def _path(app, status: CertificateStatus, with_batch: bool = False) -> str:
    with app.app_context():
        statement = (
            select(Product, Batch.lot)
            .join(CertificateProduct, CertificateProduct.product_id == Product.id)
            .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
            .outerjoin(Batch, Batch.product_id == Product.id)
            .where(Certificate.status == status, Product.gtin.is_not(None))
            .order_by(Product.id)
        )
        if with_batch:
            statement = statement.where(Batch.lot.is_not(None))
        product, lot = db.session.execute(statement).first()
        from vonhier.provenance.services import ensure_code

        return public_path(product.gtin, ensure_code(product), lot if with_batch else None)


@pytest.mark.parametrize("device", WIDTHS)
def test_scan_pages_in_both_languages_and_for_a_revoked_certificate(demo, app, live_server, page_at, device):
    valid = _path(app, CertificateStatus.ACTIVE, with_batch=True)
    revoked = _path(app, CertificateStatus.REVOKED)
    for locale, name in (("de-DE", "de"), ("en-GB", "en")):
        page = page_at(WIDTHS[device], locale=locale)
        response = page.goto(live_server + valid)
        assert response.status == 200
        assert "set-cookie" not in response.headers
        expect(page.locator(".seal-ok")).to_be_visible()
        expect(page.locator("#chain-map")).to_be_visible()  # Leaflet drew the supply chain
        assert_fits(page)
        screenshot(page, f"provenance-batch-{name}-{device}")
        assert page.goto(live_server + revoked).status == 200
        expect(page.locator(".status-banner.status-revoked")).to_be_visible()
        assert_fits(page)
        screenshot(page, f"provenance-revoked-{name}-{device}")
        assert page.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_home_page_links_to_scan_examples(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    assert page.goto(live_server + "/").status == 200
    examples = page.locator(".scan-examples li")
    expect(examples.first).to_be_visible()
    assert_fits(page)
    screenshot(page, f"home-scan-examples-{device}")
    examples.first.locator("h3 a").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.console_errors == []
