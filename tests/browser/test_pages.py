"""The main pages in a real browser at phone and desktop width."""

import pytest

from tests import factories

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_public_pages_render_cleanly(app, live_server, page_at, device):
    """Do the public pages load without CSP or script errors and without sideways scrolling?"""
    org = factories.organisation(app, display_name="Ziegenhof Wukensee", description_de="Ziegenkäse vom Hof.")
    page = page_at(WIDTHS[device])
    for name, path in [
        ("home", "/"),
        ("directory", "/organisations/"),
        ("profile", f"/organisations/{org.id}"),
        ("login", "/login"),
        ("register", "/register"),
    ]:
        assert page.goto(live_server + path).status == 200
        assert page.locator("main h1").first.is_visible()
        assert_fits(page)
        screenshot(page, f"{name}-{device}")
    assert page.console_errors == []
    assert page.goto(live_server + "/nirgendwo").status == 404
    assert "Seite nicht gefunden" in page.inner_text("main h1")
    assert_fits(page)
    screenshot(page, f"404-{device}")


@pytest.mark.parametrize("device", WIDTHS)
def test_member_pages_render_cleanly(app, live_server, page_at, device):
    admin = factories.user_with_role(app, "admin")
    factories.organisation(app, owner_id=admin.id, display_name="Hof Sonnenwiese")
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, admin.email, admin.password)
    for name, path in [
        ("account", "/account"),
        ("admin", "/admin/"),
        ("admin-user", f"/admin/users/{admin.id}"),
        ("organisation-new", "/organisations/new"),
    ]:
        assert page.goto(live_server + path).status == 200
        assert_fits(page)
        screenshot(page, f"{name}-{device}")
    assert page.console_errors == []


def test_register_sign_in_and_switch_language_in_the_browser(app, live_server, page_at, mailbox):
    """Can a newcomer register with the real forms (CSRF on) and switch the interface to English?"""
    page = page_at(WIDTHS["phone"])
    page.goto(live_server + "/register")
    page.fill("#name", "Jana Beispiel")
    page.fill("#email", "jana@example.org")
    page.fill("#password", "Spreewald-Gurke-77")
    page.fill("#confirm", "Spreewald-Gurke-77")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/login")  # where a taken address lands too: nobody is signed in yet
    assert "Vielen Dank" in page.inner_text(".flashes")
    assert mailbox.last("jana@example.org")
    page.fill("#email", "jana@example.org")
    page.fill("#password", "Spreewald-Gurke-77")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(live_server + "/account")

    page.locator(".account-menu > summary").click()
    click_and_wait(page, ".lang-switch a[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text() == "My account"
    screenshot(page, "account-after-register-phone")


def test_form_errors_are_announced_next_to_fields(live_server, page_at):
    page = page_at(WIDTHS["phone"])
    page.goto(live_server + "/register")
    page.fill("#name", "Jana")
    page.fill("#email", "not-an-email")
    page.fill("#password", "kurz")
    page.fill("#confirm", "kurz")
    click_and_wait(page, "main button[type=submit]")
    email = page.locator("#email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "email-error" in email.get_attribute("aria-describedby")
    assert "gültige E-Mail-Adresse" in page.inner_text("#email-error")
    screenshot(page, "register-errors-phone")
