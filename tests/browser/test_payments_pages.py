"""The licence pages in a real browser: accept the terms, get the invoice, the admin marks it paid."""

import pytest

from vonhier.clock import local_now

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
def test_licence_terms_invoice_and_admin(demo, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "katrin.wendt@ziegenhof-wukensee.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/licence/")
    assert "keine Lizenz" in page.inner_text("main")
    assert_fits(page)
    screenshot(page, f"licence-terms-{device}")
    year = local_now().year  # this year's panel (from 1 October next year's is shown below it)
    page.check(f"#accept-{year}")
    click_and_wait(page, f"text=Bedingungen für {year} akzeptieren")
    click_and_wait(page, "text=Überweisung")
    assert "Verwendungszweck" in page.inner_text("main")
    assert_fits(page)
    screenshot(page, f"invoice-{device}")
    sign_out(page)
    sign_in(page, live_server, "admin@vonhier.example", "Sanddorn-Kiefer-7")
    page.goto(f"{live_server}/admin/payments")
    assert_fits(page)
    screenshot(page, f"admin-payments-{device}")
    click_and_wait(page, "text=Als bezahlt markieren")
    assert "aktiv" in page.inner_text("main")
    assert page.console_errors == []
