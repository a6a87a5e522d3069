"""The live pre-check on the product form, typed into in a real browser (issue 16: it answered 500
while an ingredient row had a name and a share but no origin yet)."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_the_pre_check_follows_the_typing_without_an_error_panel(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/products/new")
    result = page.locator("#precheck-body")
    unavailable = page.locator("#precheck").get_attribute("data-unavailable")
    # The empty form: every complaint names its field.
    expect(result).to_contain_text("Produktname (Deutsch): Dieses Feld wird benötigt.")
    expect(result).to_contain_text("Kategorie: Dieses Feld wird benötigt.")
    page.fill("#name_de", "Ziegenfrischkäse")
    page.select_option("#category", "dairy-cheese")
    page.fill("#ingredients-0-ingredient", "Ziegenmilch")
    page.fill("#ingredients-0-share", "100")
    # The state that answered 500: a name and 100 %, "Stammt von" still "–".
    expect(result).to_contain_text("Zutat 1, Stammt von: Bitte wählen Sie, woher die Zutat kommt.")
    expect(result).not_to_contain_text(unavailable)
    screenshot(page, f"precheck-origin-missing-{device}")
    # "Stammt von" is typed into and a suggestion picked: the first of the producer's own sites.
    page.locator("#ingredients-0-origin").press_sequentially("Sonnen", delay=40)
    own_site = page.locator("#ingredients-0-origin-suggestions [role=option]").filter(
        has_text="Unsere Betriebsstätte"
    )
    own_site.first.click()
    expect(result.locator(".figures")).to_be_visible()
    expect(result).to_contain_text("VH-R1")
    expect(result).not_to_contain_text(unavailable)
    assert_fits(page)
    screenshot(page, f"precheck-complete-{device}")
    assert page.console_errors == []
