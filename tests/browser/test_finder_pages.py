"""The consumer finder in a real browser, on the demo network, at phone and desktop width."""

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from vonhier import clock

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def wednesday_morning(monkeypatch):
    """10:00 on a Wednesday in Berlin (09:00 UTC in December): shops are open."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 12, 2, 9, 0))


@pytest.mark.parametrize("device", WIDTHS)
def test_farm_shops_open_now_near_eberswalde_selling_eggs(
    demo, wednesday_morning, live_server, page_at, device
):
    """The issue's walk-through: find, open one, see its products and hours."""
    page = page_at(WIDTHS[device])
    assert page.goto(f"{live_server}/outlets/").status == 200
    page.fill("#where", "Eberswalde")
    page.select_option("#radius", "20")
    page.click("details.filters summary")
    page.check("input[name=kind][value=farm_shop]")
    page.select_option("#category", "eggs")
    page.check("input[name=open]")
    click_and_wait(page, "#finder-form button[type=submit]")
    results = page.locator("ol.results li")
    expect(results.first).to_be_visible()
    assert "where=Eberswalde" in page.url and "open=1" in page.url  # the search is a link
    expect(
        page.locator("#finder-map .leaflet-marker-icon, #finder-map .marker-cluster").first
    ).to_be_visible()
    assert_fits(page)
    screenshot(page, f"finder-eberswalde-{device}")
    results.first.locator("h3 a").click()
    expect(page.locator("table.hours")).to_be_visible()
    expect(page.get_by_text("Jetzt geöffnet").first).to_be_visible()
    assert page.locator("main").get_by_text("Eier").count() > 0  # the eggs it sells
    assert_fits(page)
    screenshot(page, f"finder-outlet-{device}")
    assert page.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_where_to_buy_on_a_provenance_page(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device], locale="en-GB")
    page.goto(f"{live_server}/outlets/?q=Eier")
    click_and_wait(page, page.locator("ol.results li h3 a").first)
    # Product links carry the public address (BASE_URL); the live server has another port.
    href = page.locator("main a[href*='/01/'], main a[href*='/p/']").first.get_attribute("href")
    page.goto(live_server + urlsplit(href).path)
    section = page.locator("#where-to-buy")
    expect(section).to_be_visible()
    assert section.locator("li").count() >= 1
    assert_fits(page)
    screenshot(page, f"provenance-where-to-buy-{device}")
    assert page.console_errors == []
