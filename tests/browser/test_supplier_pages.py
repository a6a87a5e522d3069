"""The supplier search in a real browser: the demo retailer finds certified dairies near Berlin and
sends an inquiry; the producer sees it under Inquiries."""

import pytest

from .conftest import WIDTHS, assert_fits, click_and_wait, open_menu, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_retailer_finds_dairies_and_sends_an_inquiry(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "handel@vonhier.example", "Wochenmarkt-Spree-3")
    open_menu(page)
    click_and_wait(page, "header >> text=Lieferanten finden")
    assert_fits(page)
    page.select_option("#category", "dairy-cheese")
    page.fill("#radius", "80")
    page.check("#c-gmo")
    click_and_wait(page, "main button[type=submit] >> text=Suchen")
    # The whole query is in the address: a permalink.
    assert "category=dairy-cheese" in page.url and "radius=80" in page.url and "criteria=gmo_free" in page.url
    hits = page.locator(".supplier-hit")
    assert hits.count() > 0
    text = page.inner_text("main")
    assert "Milch & Käse" in text and "Hof Sonnenwiese" in text
    assert_fits(page)
    screenshot(page, f"suppliers-search-{device}")

    click_and_wait(page, page.locator(".supplier-hit a", has_text="Hof Sonnenwiese").first)
    assert "Zertifizierte Produkte" in page.inner_text("main")
    assert_fits(page)
    screenshot(page, f"supplier-profile-{device}")
    page.fill("#subject", "Ziegenkäse für unseren Laden")
    page.fill("#body", "Guten Tag, wir suchen wöchentlich 5 kg Ziegenkäse. Liefern Sie nach Pankow?")
    click_and_wait(page, "#inquiry button[type=submit]")
    assert "Ihre Anfrage wurde gesendet." in page.inner_text(".flashes")
    assert "5 kg Ziegenkäse" in page.inner_text("main")
    assert_fits(page)
    screenshot(page, f"inquiry-thread-{device}")

    page.goto(f"{live_server}/inquiries/")
    assert "Ziegenkäse für unseren Laden" in page.inner_text("main")
    assert "neu" in page.inner_text("main")  # the demo thread's answer is still unread
    assert_fits(page)
    screenshot(page, f"inquiries-{device}")
    assert page.console_errors == []
