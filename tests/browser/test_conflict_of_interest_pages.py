"""A certifier who is staff of a producer, in a real browser: that producer's certificate and
application offer no decisions and say why, and a forged decision is refused."""

import pytest
from sqlalchemy import func, select

from vonhier.accounts.models import User
from vonhier.certification.models import Application, AuditRecord, Certificate
from vonhier.extensions import db
from vonhier.organisations.models import Membership, Organisation

from .conftest import WIDTHS, assert_fits, screenshot, sign_in

pytestmark = pytest.mark.browser

REASON = (
    "Sie sind Mitglied von Molkerei Uckermark und dürfen daher als Prüfer/in nicht über Anträge und "
    "Zertifikate dieses Betriebs entscheiden."
)
DECISIONS = [
    "Aussetzen",
    "Wieder in Kraft setzen",
    "Entziehen",
    "Diesen Antrag übernehmen",
    "Nachbesserung anfordern",
    "Genehmigen und Zertifikat ausstellen",
    "Ablehnen",
]


@pytest.fixture
def conflicted(demo, app):
    """The demo certifier joins the staff of the dairy, which holds an active certificate and has an
    application waiting in the queue."""
    with app.app_context():
        dairy = db.session.scalar(
            select(Organisation).where(Organisation.email == "kontakt@molkerei-uckermark.example")
        )
        certifier = db.session.scalar(select(User).where(User.email == "pruefer@vonhier.example"))
        db.session.add(Membership(user_id=certifier.id, organisation_id=dairy.id, role="staff"))
        db.session.commit()
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.organisation_id == dairy.id, Certificate.status == "active")
        )
        application = db.session.scalar(
            select(Application).where(
                Application.organisation_id == dairy.id, Application.status == "submitted"
            )
        )
        return {"certificate": certificate.id, "number": certificate.number, "application": application.id}


def _chain_length(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditRecord))


def _assert_no_decisions(page) -> None:
    for label in DECISIONS:
        assert page.get_by_role("button", name=label).count() == 0, label
    assert REASON in page.inner_text("main")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_certifier_on_the_staff_of_a_producer_cannot_touch_its_certificate(
    app, conflicted, live_server, page_at, device
):
    page = page_at(WIDTHS[device])
    sign_in(page, live_server, "pruefer@vonhier.example", "Pruefsiegel-Heide-4")
    assert page.goto(f"{live_server}/certification/queue").status == 200
    assert REASON in page.inner_text("main")  # beside the dairy's application and certificate
    assert_fits(page)
    screenshot(page, f"conflict-queue-{device}")

    assert page.goto(f"{live_server}/certificates/{conflicted['number']}").status == 200
    _assert_no_decisions(page)
    assert_fits(page)
    screenshot(page, f"conflict-certificate-{device}")

    assert page.goto(f"{live_server}/certification/applications/{conflicted['application']}").status == 200
    _assert_no_decisions(page)
    assert_fits(page)
    screenshot(page, f"conflict-application-{device}")

    # A forged decision, with a valid CSRF token taken from the sign-out form of another page.
    page.goto(f"{live_server}/account")
    token = page.locator("input[name=csrf_token]").first.input_value()
    before = _chain_length(app)
    certificate_url = f"{live_server}/certification/certificates/{conflicted['certificate']}"
    forged = {
        f"{certificate_url}/suspend": {"reason": "Verdacht", "remedy_until": "2099-01-01"},
        f"{certificate_url}/revoke": {"reason": "Verdacht"},
        f"{certificate_url}/reinstate": {"reason": "Verdacht"},
        f"{live_server}/certification/applications/{conflicted['application']}/take": {},
    }
    for url, form in forged.items():
        response = page.request.post(url, form={"csrf_token": token, **form}, max_redirects=0)
        assert response.status == 403, url
        assert REASON in response.text(), url
    with app.app_context():
        assert db.session.get(Certificate, conflicted["certificate"]).status == "active"
        assert db.session.get(Application, conflicted["application"]).status == "submitted"
    assert _chain_length(app) == before
    assert page.console_errors == []
