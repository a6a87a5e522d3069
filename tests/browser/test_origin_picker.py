"""The product form's origin field in a real browser: typing shows suggestions (own sites, suppliers'
sites, places), picking one fills the field, and the saved product shows that origin."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


def _open_first_product_form(page, live_server):
    # The live pre-check is another feature (tests/browser/test_catalogue_pages.py and certification's
    # tests cover it); here it would only add its own requests to every keystroke.
    page.route("**/certification/precheck", lambda route: route.fulfill(status=200, body=""))
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/products")
    product_url = live_server + page.locator("main table a").first.get_attribute("href")
    page.goto(product_url + "/edit")
    return product_url


@pytest.mark.parametrize("device", WIDTHS)
def test_typing_sonnen_and_picking_a_suggestion_saves_that_origin(demo, live_server, page_at, device):
    """Can a producer find their own site by typing part of its name, pick it, and save?"""
    page = page_at(WIDTHS[device])
    product_url = _open_first_product_form(page, live_server)
    field = page.locator("#ingredients-0-origin")
    assert field.get_attribute("role") == "combobox"
    assert field.input_value()  # the current origin, as text
    field.fill("")
    field.press_sequentially("Sonnen", delay=40)
    listbox = page.locator("#ingredients-0-origin-suggestions")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.locator("[role=option]")
    expect(options.first).to_contain_text("Unsere Betriebsstätte")
    assert_fits(page)
    screenshot(page, f"origin-suggestions-{device}")
    chosen = options.nth(1)
    text = chosen.locator("span").first.inner_text()
    assert "Sonnenwiese" in text
    chosen.click()
    expect(listbox).to_be_hidden()
    expect(field).to_have_value(text)
    click_and_wait(page, "main form button[type=submit]:not(.small):not(.visually-hidden)")
    assert page.url == product_url
    assert text in page.inner_text("main")
    page.goto(product_url + "/edit")
    expect(page.locator("#ingredients-0-origin")).to_have_value(text)
    assert page.console_errors == []


def test_keyboard_picks_a_place_without_saving_the_form(demo, live_server, page_at):
    """Arrow down and Enter pick a suggestion; Enter does not submit the form while the list is open."""
    page = page_at(WIDTHS["desktop"])
    _open_first_product_form(page, live_server)
    field = page.locator("#ingredients-1-origin")
    field.fill("")
    field.press_sequentially("Prenzl", delay=40)
    options = page.locator("#ingredients-1-origin-suggestions [role=option]")
    expect(options.filter(has_text="Ort, BB").first).to_contain_text("Prenzlau")
    place = options.filter(has_text="Ort, BB").first.get_attribute("id")
    while field.get_attribute("aria-activedescendant") != place:
        field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("Prenzlau")
    assert page.url.endswith("/edit")
    field.fill("Qq")
    field.press("Escape")
    expect(page.locator("#ingredients-1-origin-suggestions")).to_be_hidden()
    assert page.console_errors == []
