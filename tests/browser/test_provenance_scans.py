"""The producers' scan statistics in a real browser: chart, tables and the period choice."""

from collections import Counter
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.catalogue.models import Product
from vonhier.clock import local_now
from vonhier.extensions import db
from vonhier.provenance import scans as scan_counts

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def scans(app, demo):
    """A year of made-up but repeatable scans for every demo product."""
    today = local_now().date()  # scan days are days in Berlin
    with app.app_context():
        product_ids = db.session.scalars(select(Product.id)).all()
        counts = Counter()
        for product_id in product_ids:
            for offset in range(365):
                if value := (product_id * 7 + offset * 13) % 11:
                    counts[(product_id, "", today - timedelta(days=offset), "de")] = value
                    if offset % 3 == 0:
                        counts[(product_id, "", today - timedelta(days=offset), "en")] = value // 2
        with db.engine.begin() as connection:
            scan_counts.write(counts, connection)
    return product_ids


@pytest.mark.parametrize("device", WIDTHS)
def test_scan_statistics_render_cleanly(scans, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/")
    click_and_wait(page, "main a[href='/catalogue/scans']")
    assert page.locator("main svg[role=img] rect").count() > 20
    assert_fits(page)
    screenshot(page, f"scans-30-{device}")
    page.select_option("#days", "365")
    click_and_wait(page, "main form[method=get] button[type=submit]")
    assert "days=365" in page.url
    assert page.locator("main svg[role=img] rect").count() > 300
    assert_fits(page)
    screenshot(page, f"scans-365-{device}")
    click_and_wait(page, page.locator("#scans-per-product tbody a").first)
    assert "product=" in page.url
    page.select_option("#days", "7")
    click_and_wait(page, "main form[method=get] button[type=submit]")
    page.click("main details summary")
    expect(page.locator("#scans-per-day")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"scans-7-product-{device}")
    assert page.console_errors == []
