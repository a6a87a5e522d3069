"""Certification pages in a real browser, with the demo network and its decisions."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from vonhier.certification.models import Application, Certificate, CertificateStatus
from vonhier.extensions import db

from .conftest import WIDTHS, assert_fits, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def decided(demo, app):
    """A revoked certificate and an application in review from the demo certifier's decisions."""
    with app.app_context():
        revoked = db.session.scalar(
            select(Certificate.number).where(Certificate.status == CertificateStatus.REVOKED)
        )
        in_review = db.session.scalar(select(Application.id).where(Application.status == "in_review"))
    return {"revoked": revoked, "in_review": in_review}


@pytest.mark.parametrize("device", WIDTHS)
def test_public_register_and_a_revoked_certificate(decided, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    assert page.goto(f"{live_server}/certified").status == 200
    assert_fits(page)
    screenshot(page, f"register-{device}")
    assert page.goto(f"{live_server}/certificates/{decided['revoked']}").status == 200
    assert page.locator(".status-banner.status-revoked").is_visible()
    assert_fits(page)
    screenshot(page, f"certificate-revoked-{device}")
    assert page.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_certifier_and_producer_pages(decided, live_server, page_at, device):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "pruefer@vonhier.example", "Pruefsiegel-Heide-4")
    for name, path in [
        ("queue", "/certification/queue"),
        ("application", f"/certification/applications/{decided['in_review']}"),
    ]:
        assert page.goto(live_server + path).status == 200, path
        assert_fits(page)
        screenshot(page, f"certification-{name}-{device}")
    sign_out(page)
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    assert page.goto(f"{live_server}/certification/").status == 200
    assert_fits(page)
    screenshot(page, f"certification-producer-{device}")
    assert page.goto(f"{live_server}/certification/applications/new").status == 200
    screenshot(page, f"certification-new-{device}")
    assert page.console_errors == []


def test_live_precheck_updates_while_editing(demo, live_server, page_at):
    page = page_at(WIDTHS["desktop"])
    sign_in(page, live_server, "erzeuger@vonhier.example", "Ziegenmilch-Oder-9")
    page.goto(f"{live_server}/catalogue/products")
    page.click("main table a")
    page.click("text=Bearbeiten")
    page.wait_for_selector("#precheck-body .results")
    page.select_option("#husbandry_level", "2")
    expect(page.locator("#precheck-body")).to_contain_text("Haltungsform 2")
    assert "nicht erfüllt" in page.inner_text("#precheck-body")
    screenshot(page, "precheck-live-desktop")
    assert page.console_errors == []
