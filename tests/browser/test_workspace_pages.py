"""The start pages in a real browser, on the demo network: the demo producer signs in, lands on
"Mein Betrieb", sees the QR codes and prints labels; the demo certifier lands on "Prüfung"."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_producer_lands_on_the_business_page_and_prints_labels(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    assert page.url == f"{live_server}/business"
    expect(page.locator("h1")).to_contain_text("Mein Betrieb")
    expect(page.locator("#steps-title")).to_be_visible()
    qr = page.locator(".workspace-products img[src$='/qr.svg']").first
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the code image loaded
    assert_fits(page)
    screenshot(page, f"workspace-business-{device}")
    labels = page.get_by_role("link", name="Etiketten drucken").first
    href = labels.get_attribute("href")
    click_and_wait(page, labels)
    assert page.url == live_server + href
    expect(page.locator("h1")).to_contain_text("Etiketten drucken")
    pdf = page.request.get(f"{live_server}{href}?format=pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert page.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_certifier_lands_on_the_review_page(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "pruefer@vonhier.example", "Pruefsiegel-Heide-4")
    assert page.url == f"{live_server}/review"
    expect(page.locator("#queue-title")).to_be_visible()
    expect(page.locator("#audits-title")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"workspace-review-{device}")
    assert page.console_errors == []
