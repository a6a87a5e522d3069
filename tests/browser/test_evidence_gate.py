"""The certifier's evidence gate in a real browser: an approval with a document not yet checked is
refused on the page (the typed note kept); after marking it checked, the summary, the confirmation and
the certificate. Without JavaScript as with it: plain forms and links."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.accounts.models import User
from vonhier.certification import evidence, workflow
from vonhier.certification.models import Application, Certificate
from vonhier.demo.commands import DEMO_PDF
from vonhier.extensions import db
from vonhier.permissions import SYSTEM

from .conftest import WIDTHS, assert_fits, click_and_wait, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting_for_a_check(demo, app):
    """The demo application in review whose fish needs proof of GMO-free feed: the producer has now sent
    it (after the certifier asked for it), and it waits for the certifier's check."""
    with app.test_request_context():
        application = db.session.scalar(select(Application).where(Application.status == "in_review"))
        certifier = db.session.get(User, application.certifier_id)
        workflow.request_changes(certifier, application, "Bitte den Futtermittelnachweis nachreichen.")
        evidence.add(SYSTEM, application, "feed_gmo_free", "Futtermittelnachweis.pdf", DEMO_PDF)
        workflow.submit(SYSTEM, application)
        db.session.commit()
        return application.id


@pytest.mark.parametrize("device", WIDTHS)
def test_a_document_must_be_checked_before_the_certificate_is_issued(
    app, waiting_for_a_check, live_server, page_at, device
):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "pruefer@vonhier.example", "Pruefsiegel-Heide-4")
    url = f"{live_server}/certification/applications/{waiting_for_a_check}"
    assert page.goto(url).status == 200
    assert_fits(page)
    screenshot(page, f"gate-application-{device}")

    page.check("input[name=decision][value=approve]")
    page.fill("#reason", "Futter am Hof gesehen")
    click_and_wait(page, "#decision button[type=submit]")
    expect(page.locator("#decision-error")).to_contain_text("nicht geprüft")
    expect(page.locator("#reason")).to_have_value("Futter am Hof gesehen")
    assert page.locator("input[name=decision][value=approve]").is_checked()
    assert_fits(page)
    screenshot(page, f"gate-refused-{device}")

    click_and_wait(page, "#evidence button:has-text('Als geprüft markieren')")
    expect(page.locator("#evidence")).to_contain_text("Geprüft")
    page.check("input[name=decision][value=approve]")
    page.fill("#reason", "Futter am Hof gesehen")
    click_and_wait(page, "#decision button[type=submit]")
    assert "Stall" not in page.url and "Futter" not in page.url  # the summary answers the POST
    expect(page.locator("h1")).to_contain_text("genehmigen")
    expect(page.locator("main")).to_contain_text("Futtermittelnachweis.pdf")
    expect(page.locator("#reason")).to_have_value("Futter am Hof gesehen")
    assert_fits(page)
    screenshot(page, f"gate-summary-{device}")
    with app.app_context():
        assert (
            db.session.scalar(select(Certificate).where(Certificate.application_id == waiting_for_a_check))
            is None
        )

    click_and_wait(page, "text=Bestätigen: genehmigen und Zertifikat ausstellen")
    assert "/certificates/VH-" in page.url
    expect(page.locator(".flash")).to_contain_text("wurde ausgestellt")
    assert_fits(page)
    screenshot(page, f"gate-certificate-{device}")
    with app.app_context():
        application = db.session.get(Application, waiting_for_a_check)
        assert application.status == "approved"
    # The refusal's page answers 409, which Chromium logs; nothing else may be logged (CSP).
    assert [e for e in page.console_errors if "status of 409" not in e] == []
