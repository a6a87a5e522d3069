"""The header in a real browser: one row on a phone and on a desktop for every role, the phone's menu
behind a button that works without JavaScript, and wide tables that keep their first column in view."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser

DEMO_LOGINS = {
    "anonymous": None,
    "producer": ("erzeuger@vonhier.example", "Ziegenmilch-Oder-9"),
    "certifier": ("pruefer@vonhier.example", "Pruefsiegel-Heide-4"),
    "retailer": ("handel@vonhier.example", "Wochenmarkt-Spree-3"),
    "admin": ("admin@vonhier.example", "Sanddorn-Kiefer-7"),
}
# One row: the menu button, the account button and the brand are 44 px high, the row 56 px.
ONE_ROW_PX = 64


def header_rows(page) -> tuple[float, int]:
    """The header's height and the number of distinct rows its visible links and buttons sit in."""
    return page.evaluate(
        """() => {
            const header = document.querySelector('header.site-header');
            const tops = new Set([...header.querySelectorAll('a, summary')]
                .filter(e => e.checkVisibility() && !e.closest('.menu-panel'))
                .map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }));
            const middles = [...tops].sort((a, b) => a - b);
            const rows = middles.filter((m, i) => i === 0 || m - middles[i - 1] > 8).length;
            return [header.getBoundingClientRect().height, rows];
        }"""
    )


@pytest.mark.parametrize("role", DEMO_LOGINS)
def test_the_header_is_one_row_on_a_phone_and_a_desktop(demo, live_server, page_at, role):
    page = page_at(WIDTHS["phone"])
    if login := DEMO_LOGINS[role]:
        sign_in(page, live_server, *login)
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(live_server + "/")
        height, rows = header_rows(page)
        assert height <= ONE_ROW_PX and rows == 1, f"{role} at {width} px: {height} px, {rows} rows"
        assert_fits(page)
        screenshot(page, f"header-{role}-{device}")
    assert page.console_errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_phone_menu_opens_from_its_button(demo, live_server, page_at, javascript):
    page = page_at(WIDTHS["phone"], java_script_enabled=javascript)
    page.goto(live_server + "/")
    button = page.locator(".site-menu > summary")
    directory = page.locator("header").get_by_role("link", name="Betriebe", exact=True)
    expect(button).to_be_visible()
    expect(button).to_have_text("Menü")
    expect(directory).to_be_hidden()
    # The button is reached and opened with the keyboard, as a button is.
    button.focus()
    page.keyboard.press("Enter")
    expect(directory).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Anmelden")).to_be_visible()
    screenshot(page, f"menu-open-phone-{'js' if javascript else 'no-js'}")
    page.keyboard.press("Enter")
    expect(directory).to_be_hidden()
    button.click()
    click_and_wait(page, directory)
    assert page.url == f"{live_server}/organisations/"
    expect(page.locator("header").get_by_role("link", name="Betriebe", exact=True)).to_be_hidden()
    if javascript:
        # Back to a page from the back/forward cache: its menu is closed too.
        page.locator(".site-menu > summary").click()
        page.go_back(wait_until="commit")  # a page from the cache sends no load event
        expect(page).to_have_url(f"{live_server}/")
        expect(page.locator(".site-menu")).not_to_have_attribute("open", "")
    assert page.console_errors == []


def test_the_desktop_shows_the_menu_without_a_button(demo, live_server, page_at):
    page = page_at(WIDTHS["desktop"], java_script_enabled=False)
    page.goto(live_server + "/")
    expect(page.locator(".site-menu > summary")).to_be_hidden()
    expect(page.locator("header").get_by_role("link", name="Betriebe", exact=True)).to_be_visible()


@pytest.mark.parametrize("device", WIDTHS)
def test_the_certifiers_menu_and_the_account_menu(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, *DEMO_LOGINS["certifier"])
    page.goto(live_server + "/certification/queue")
    if device == "phone":
        page.locator(".site-menu > summary").click()
    menu = page.locator("nav.menu")
    expect(menu.get_by_role("link", name="Warteschlange")).to_be_visible()
    names = [name.strip() for name in menu.locator("a").all_inner_texts()]
    assert not {"Katalog", "Verkaufsstellen", "Lizenz", "Zertifizierung"} & set(names), names
    # Account, organisation, language and signing out are in the account menu.
    account = page.locator(".account-menu > summary")
    expect(account).to_have_attribute("title", "Matthias Köhler")
    account.click()
    panel = page.locator(".menu-panel")
    expect(panel.get_by_role("link", name="Prüfstelle Mark & Metropole")).to_be_visible()
    expect(panel.get_by_role("link", name="Lizenz")).to_have_count(0)
    expect(panel.get_by_role("link", name="English")).to_be_visible()
    # Opening one menu closes the other (a phone has room for one panel).
    if device == "phone":
        page.locator(".site-menu > summary").click()
        expect(panel).to_be_hidden()
        account.click()
    screenshot(page, f"certifier-account-menu-{device}")
    click_and_wait(page, panel.get_by_role("button", name="Abmelden"))
    expect(page.locator(".account-menu")).to_have_count(0)
    assert page.console_errors == []


def test_a_wide_table_keeps_its_first_column_in_view_on_a_phone(demo, live_server, page_at):
    page = page_at(WIDTHS["phone"])
    page.goto(live_server + "/certified")
    table = page.locator("table.table").first
    assert table.evaluate("t => t.scrollWidth > t.clientWidth"), "the register is wider than a phone"
    first = table.locator("tbody tr").first.locator("td").first
    second = table.locator("tbody tr").first.locator("td").nth(1)
    before = (first.bounding_box()["x"], second.bounding_box()["x"])
    table.evaluate("t => { t.scrollLeft = 150; }")
    after = (first.bounding_box()["x"], second.bounding_box()["x"])
    assert after[0] == before[0] and after[1] < before[1]
    assert_fits(page)
    screenshot(page, "register-scrolled-phone")
