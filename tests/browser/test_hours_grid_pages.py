"""The opening hours grid of the outlet form in a real browser: filled, shown as the expression while
typing, saved as that expression (with JavaScript and without), the text mode for expressions the
grid cannot show, and a refused range shown at its day."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.extensions import db
from vonhier.outlets.models import Outlet

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser

SHOP = "Hof Sonnenwiese – Hofladen"  # Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off
SEASONS = "Apr-Oct Mo-Sa 09:00-18:00; Nov-Mar Sa 10:00-14:00; PH off"
WANTED = "Mo-Fr 09:00-18:00; Sa 08:00-12:00; PH off"


def _outlet(app, name) -> Outlet:
    with app.app_context():
        return db.session.scalar(select(Outlet).where(Outlet.name == name))


def _fill_the_week(page) -> None:
    for day in ("mo", "tu", "we", "th", "fr", "sa", "su"):
        for field in ("start1", "end1", "start2", "end2"):
            page.fill(f"#{day}-{field}", "")
    for day in ("mo", "tu", "we", "th", "fr"):
        page.fill(f"#{day}-start1", "09:00")
        page.fill(f"#{day}-end1", "18:00")
    page.fill("#sa-start1", "08:00")
    page.fill("#sa-end1", "12:00")
    page.check("#holidays_closed")


@pytest.mark.parametrize("device", WIDTHS)
def test_the_grid_is_filled_saved_and_shown(app, demo, live_server, page_at, device):
    """Mo–Fr 9–18, Sa 8–12, closed on holidays: the expression shows while typing, is saved as such,
    and the outlet's pages show it."""
    shop = _outlet(app, SHOP).id
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/outlets/{shop}/edit")
    expect(page.locator("input[name=hours_mode][value=grid]")).to_be_checked()
    expect(page.locator("#opening_hours")).to_be_hidden()
    expect(page.locator("#mo-start1")).to_have_value("09:00")  # the stored hours, in the grid
    expect(page.locator("#sa-end1")).to_have_value("13:00")
    _fill_the_week(page)
    page.fill("#hours_note", "Von Januar bis März samstags geschlossen.")
    expect(page.locator("[data-hours-expression]")).to_have_text(WANTED)
    page.locator(".hours-editor").scroll_into_view_if_needed()
    assert_fits(page)
    screenshot(page, f"hours-grid-{device}")
    page.check("input[name=hours_mode][value=text]")
    expect(page.locator("#opening_hours")).to_have_value(WANTED)  # the text mode starts from the grid
    expect(page.locator("#mo-start1")).to_be_hidden()
    page.check("input[name=hours_mode][value=grid]")
    click_and_wait(page, "main form[enctype] button[type=submit]")
    assert page.url == f"{live_server}/outlets/manage"
    outlet = _outlet(app, SHOP)
    assert (outlet.opening_hours, outlet.hours_note) == (WANTED, "Von Januar bis März samstags geschlossen.")
    assert WANTED in page.inner_text("main")
    page.goto(f"{live_server}/outlets/{shop}")
    table = page.inner_text("table.hours")
    assert "09:00–18:00" in table and "08:00–12:00" in table
    assert "Von Januar bis März samstags geschlossen." in page.inner_text("main")
    assert page.console_errors == []


def test_the_grid_works_without_javascript(app, demo, live_server, page_at):
    shop = _outlet(app, SHOP).id
    page = page_at(WIDTHS["phone"], java_script_enabled=False)
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/outlets/{shop}/edit")
    _fill_the_week(page)
    click_and_wait(page, "main form[enctype] button[type=submit]")
    assert page.url == f"{live_server}/outlets/manage"
    assert _outlet(app, SHOP).opening_hours == WANTED


@pytest.mark.parametrize("device", WIDTHS)
def test_an_expression_beyond_the_grid_opens_in_text_mode(app, demo, live_server, page_at, device):
    """An expert writes seasons in text mode; the form opens in text mode from then on."""
    shop = _outlet(app, SHOP).id
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/outlets/{shop}/edit")
    page.check("input[name=hours_mode][value=text]")
    page.fill("#opening_hours", SEASONS)
    click_and_wait(page, "main form[enctype] button[type=submit]")
    assert _outlet(app, SHOP).opening_hours == SEASONS
    page.goto(f"{live_server}/outlets/{shop}/edit")
    expect(page.locator("input[name=hours_mode][value=text]")).to_be_checked()
    expect(page.locator("#opening_hours")).to_have_value(SEASONS)
    expect(page.locator("#mo-start1")).to_be_hidden()
    page.locator(".hours-editor").scroll_into_view_if_needed()
    assert_fits(page)
    screenshot(page, f"hours-text-{device}")
    click_and_wait(page, "main form[enctype] button[type=submit]")  # saved again unchanged
    assert _outlet(app, SHOP).opening_hours == SEASONS
    assert page.console_errors == []


def test_a_range_ending_before_it_starts_is_refused_at_its_day(app, demo, live_server, page_at):
    shop = _outlet(app, SHOP).id
    page = page_at(WIDTHS["phone"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/outlets/{shop}/edit")
    page.fill("#we-end1", "08:00")
    page.fill("#name", "Neuer Name")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main form[enctype] button[type=submit]")
    assert answer.value.status == 400
    assert "Schließzeit 08:00 liegt nicht nach der Öffnungszeit 09:00" in page.inner_text("#we-error")
    expect(page.locator("#we-end1")).to_have_value("08:00")
    expect(page.locator("#we-end1")).to_have_attribute("aria-invalid", "true")
    assert page.input_value("#name") == "Neuer Name"
    page.locator("#we-error").scroll_into_view_if_needed()
    assert_fits(page)
    screenshot(page, "hours-grid-error-phone")
    assert _outlet(app, SHOP).name == SHOP
