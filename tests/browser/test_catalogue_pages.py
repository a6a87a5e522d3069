"""The producer's catalogue pages in a real browser, with the demo network loaded."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_catalogue_pages_render_cleanly(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/products")
    product_url = page.locator("main table a").first.get_attribute("href")
    for name, path in [
        ("catalogue", "/catalogue/"),
        ("sites", "/catalogue/sites"),
        ("site-new", "/catalogue/sites/new"),
        ("products", "/catalogue/products"),
        ("product", product_url),
        ("product-edit", product_url + "/edit"),
        ("import", "/catalogue/import"),
        ("supplier-requests", "/catalogue/supplier-requests"),
    ]:
        assert page.goto(live_server + path).status == 200, path
        assert_fits(page)
        screenshot(page, f"catalogue-{name}-{device}")
    assert page.console_errors == []


def test_site_pin_on_the_map_fills_the_coordinates(demo, live_server, page_at):
    """Can a producer place a site by clicking the map, and by looking up the town?"""
    page = page_at(WIDTHS["desktop"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/sites/new")
    assert page.locator("#site-map").is_visible()
    page.fill("#town", "Angermünde")
    page.click("#find-town")
    # A locator assertion, not wait_for_function: our CSP (rightly) forbids the eval that needs.
    expect(page.locator("#latitude")).not_to_have_value("")
    found = page.input_value("#latitude")
    assert found.startswith("53.0")
    page.locator("#site-map").click(position={"x": 200, "y": 60})
    assert page.input_value("#latitude") not in ("", found)  # the pin moved to where we clicked
    page.fill("#name", "Neue Weide")
    page.fill("#latitude", "53.0167")
    page.fill("#longitude", "13.9994")
    page.click("main form button[type=submit]:not(.small)")
    page.wait_for_url(f"{live_server}/catalogue/sites")
    assert "Neue Weide" in page.inner_text("main")
    assert page.console_errors == []


def test_csv_import_with_progress_in_the_browser(demo, live_server, page_at, tmp_path):
    page = page_at(WIDTHS["phone"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    exported = page.request.get(f"{live_server}/catalogue/export.csv").body()
    path = tmp_path / "katalog.csv"
    path.write_bytes(exported)
    page.goto(f"{live_server}/catalogue/import")
    page.set_input_files("#file", str(path))
    click_and_wait(page, "main form button[type=submit]")
    screenshot(page, "catalogue-import-preview-phone")
    page.click("text=Jetzt importieren")
    page.wait_for_selector("#import-finished")
    screenshot(page, "catalogue-import-done-phone")
    assert page.console_errors == []
