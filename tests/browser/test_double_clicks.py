"""A double click, or two quick clicks, on "apply" and "create invoice" in a real browser: one
application, one invoice, and the person lands on it — never on an error page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.catalogue.models import Product
from vonhier.certification.models import ApplicationItem
from vonhier.clock import local_now
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.payments.models import Invoice, InvoiceStatus, Licence

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


# A double click with a mouse on a desktop, two quick taps on a phone: both widths are looked at.
DEVICE = {"dblclick": "desktop", "two_clicks": "phone"}


def _press_twice(page, button, gesture: str) -> None:
    """A person's double click on the button, or two clicks in quick succession: the second arrives
    while the first one's page is still loading, wherever the button then is (raw mouse events, so
    nothing waits for the button between the clicks)."""
    if gesture == "dblclick":
        button.dblclick()
    else:
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)
        page.mouse.click(x, y)


def _wait_for_page(page, path: str) -> None:
    """The page that the clicks lead to, loaded. Not `wait_for_url`: that fails when a second
    submission aborts the navigation it is watching, which is what the test is to find out."""
    expect(page).to_have_url(re.compile(path))
    page.wait_for_load_state("load")


def _posts(page) -> list[str]:
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    return sent


def _assert_no_error_page(page) -> None:
    assert page.locator(".error-page").count() == 0, page.inner_text("main")
    assert page.locator(".flash-error").count() == 0, page.inner_text("main")
    assert page.console_errors == []


def _assert_on_the_one_application(app, page, live_server, product_id: int) -> None:
    """Exactly one open application holds the product, and the browser shows it."""
    with app.app_context():
        opened = db.session.scalars(
            select(ApplicationItem.application_id).where(
                ApplicationItem.product_id == product_id, ApplicationItem.is_open
            )
        ).all()
    assert len(opened) == 1
    assert page.url == f"{live_server}/certification/applications/{opened[0]}"


@pytest.fixture
def free_product(demo, app):
    """An active product of the demo producer that is in no open application yet."""
    with app.app_context():
        return db.session.scalar(
            select(Product.id)
            .join(Organisation, Organisation.id == Product.organisation_id)
            .where(
                Organisation.email == "info@hof-sonnenwiese.example",
                Product.status == "active",
                ~Product.id.in_(select(ApplicationItem.product_id).where(ApplicationItem.is_open)),
            )
            .order_by(Product.id)
            .limit(1)
        )


@pytest.mark.parametrize("gesture", ["dblclick", "two_clicks"])
def test_a_double_clicked_apply_makes_one_application(app, free_product, live_server, page_at, gesture):
    device = DEVICE[gesture]
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/certification/applications/new")
    page.check(f"#product-{free_product}")
    assert_fits(page)
    screenshot(page, f"apply-{device}")
    posts = _posts(page)
    _press_twice(page, page.get_by_role("button", name="Antrag anlegen"), gesture)
    _wait_for_page(page, r"/certification/applications/\d+$")
    _assert_on_the_one_application(app, page, live_server, free_product)
    assert "Der Antrag wurde angelegt" in page.inner_text(".flashes")
    assert posts == [f"{live_server}/certification/applications/new"]
    _assert_no_error_page(page)
    assert_fits(page)
    screenshot(page, f"apply-done-{device}")


@pytest.mark.parametrize("gesture", ["dblclick", "two_clicks"])
def test_a_double_clicked_invoice_button_makes_one_invoice(app, demo, live_server, page_at, gesture):
    device = DEVICE[gesture]
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "katrin.wendt@ziegenhof-wukensee.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/licence/")
    year = local_now().year  # this year's panel (from 1 October next year's is shown below it)
    page.check(f"#accept-{year}")
    click_and_wait(page, f"text=Bedingungen für {year} akzeptieren")
    assert_fits(page)
    screenshot(page, f"licence-pay-{device}")
    posts = _posts(page)
    _press_twice(page, page.get_by_role("button", name="Per Überweisung zahlen (Rechnung)"), gesture)
    _wait_for_page(page, r"/licence/invoices/\d+$")
    with app.app_context():
        invoices = db.session.execute(
            select(Invoice.id, Invoice.status)
            .join(Licence, Licence.id == Invoice.licence_id)
            .join(Organisation, Organisation.id == Licence.organisation_id)
            .where(Organisation.email == "hallo@ziegenhof-wukensee.example")
        ).all()
    assert [invoice.status for invoice in invoices] == [InvoiceStatus.OPEN]
    assert page.url == f"{live_server}/licence/invoices/{invoices[0].id}"
    assert "Verwendungszweck" in page.inner_text("main")
    assert posts == [f"{live_server}/licence/invoice"]
    _assert_no_error_page(page)
    assert_fits(page)
    screenshot(page, f"invoice-done-{device}")


def test_the_button_waits_disabled_while_the_form_is_on_its_way(app, free_product, live_server, page_at):
    """What a person sees between the click and the next page: a disabled button that does nothing.
    The answer is a 204 here (the browser then stays on the page), so the page can be looked at."""
    page = page_at(WIDTHS["phone"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/certification/applications/new")
    page.route("**/certification/applications/new", lambda route: route.fulfill(status=204))
    posts = _posts(page)
    page.check(f"#product-{free_product}")
    button = page.get_by_role("button", name="Antrag anlegen")
    button.click()
    expect(button).to_be_disabled()
    screenshot(page, "apply-sending-phone")
    button.click(force=True)
    button.press("Enter")
    page.locator("#product-" + str(free_product)).press("Enter")  # implicit submission
    assert posts == [f"{live_server}/certification/applications/new"]
    assert page.console_errors == []


def test_a_refused_form_and_the_back_button_leave_the_button_usable(app, free_product, live_server, page_at):
    page = page_at(WIDTHS["desktop"])
    page.add_init_script("window.addEventListener('pageshow', (e) => { window.restored = e.persisted; })")
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/certification/applications/new")
    button = page.get_by_role("button", name="Antrag anlegen")
    click_and_wait(page, button)  # no product chosen: the server renders the form again, with the reason
    assert page.locator("main .error").is_visible()
    expect(button).to_be_enabled()
    page.goto(f"{live_server}/certification/applications/new")
    page.check(f"#product-{free_product}")
    click_and_wait(page, button)
    _assert_on_the_one_application(app, page, live_server, free_product)
    # Back to the page whose form was sent, as the back/forward cache kept it (it fires no load event).
    page.go_back(wait_until="commit")
    expect(page).to_have_url(f"{live_server}/certification/applications/new")
    expect(button).to_be_enabled()
    assert page.evaluate("() => window.restored") is True


@pytest.mark.parametrize("gesture", ["dblclick", "two_clicks"])
def test_without_javascript_the_server_leads_the_second_click_to_the_first(
    app, free_product, live_server, page_at, gesture
):
    """Without the script both clicks reach the server: the database lets one of them create the
    application, and the other lands on it as well."""
    page = page_at(WIDTHS["desktop"], java_script_enabled=False)
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/certification/applications/new")
    page.check(f"#product-{free_product}")
    _press_twice(page, page.get_by_role("button", name="Antrag anlegen"), gesture)
    _wait_for_page(page, r"/certification/applications/\d+$")
    _assert_on_the_one_application(app, page, live_server, free_product)
    _assert_no_error_page(page)
