"""Outlet pages in a real browser, with the demo network loaded: the public page and the edit form."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.extensions import db
from vonhier.outlets.models import Outlet

from .conftest import WIDTHS, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser


def _outlet_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Outlet.id).where(Outlet.name == name))


@pytest.mark.parametrize("device", WIDTHS)
def test_outlet_pages_render_cleanly(app, demo, live_server, page_at, device):
    """Do the public outlet page and the producer's outlet pages load without errors or sideways scrolling?"""
    shop = _outlet_id(app, "Hof Sonnenwiese – Hofladen")
    page = page_at(WIDTHS[device])
    assert page.goto(f"{live_server}/outlets/{shop}").status == 200
    expect(page.locator("#outlet-map")).to_be_visible()  # Leaflet loaded under our CSP
    # The pin's colour is the stylesheet's (static/js/map.js reads its custom properties).
    main_dark = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--main-dark').trim()"
    )
    assert main_dark.startswith("#")
    expect(page.locator(f"#outlet-map path.leaflet-interactive[stroke='{main_dark}']")).to_have_count(1)
    assert page.locator("table.hours tr").count() == 7
    assert page.locator(".open-status").is_visible()
    assert_fits(page)
    screenshot(page, f"outlet-page-{device}")
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    for name, path in [
        ("manage", "/outlets/manage"),
        ("new", "/outlets/new"),
        ("edit", f"/outlets/{shop}/edit"),
    ]:
        assert page.goto(live_server + path).status == 200, path
        assert_fits(page)
        screenshot(page, f"outlet-{name}-{device}")
    assert page.console_errors == []


def test_malformed_hours_in_the_browser_are_explained_and_nothing_saved(app, demo, live_server, page_at):
    """Does a producer who mistypes the opening hours see where, with the form still filled in?"""
    shop = _outlet_id(app, "Hof Sonnenwiese – Hofladen")
    page = page_at(WIDTHS["phone"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/outlets/{shop}/edit")
    page.check("input[name=hours_mode][value=text]")  # the expert's text mode
    page.fill("#opening_hours", "Mo-Fr 09:00-18:00; Sa 08:00-1300")
    page.fill("#name", "Neuer Name")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main form button[type=submit]")
    assert answer.value.status == 400
    assert "„08:00-1300“ (Zeichen 29)" in page.inner_text("#opening_hours-error")
    assert page.input_value("#name") == "Neuer Name"
    assert_fits(page)
    screenshot(page, "outlet-edit-error-phone")
    with app.app_context():
        assert db.session.get(Outlet, shop).name == "Hof Sonnenwiese – Hofladen"
    page.fill("#opening_hours", "Mo-Sa 08:00-19:00; PH off")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/outlets/manage")
    assert "Neuer Name" in page.inner_text("main")
    # The browser reports the refused form's 400 answer itself; anything else would be a real error.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
