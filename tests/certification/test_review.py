"""The certifier's review: the evidence gate of an approval, the summary confirmed before a certificate
is issued, the one decision panel (errors inline, what was typed kept), assignment within a body, and
who is told of each step by mail (the right people, in their language, and no one else)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.certification import certificates
from vonhier.certification.models import Application, Audit, Certificate, Evidence
from vonhier.extensions import db
from vonhier.i18n import file_size
from vonhier.organisations.models import Membership

from .conftest import signed_in
from .test_workflow import act, bring_to, check_documents, create, status, upload

GAP = "Nachweise fehlen oder sind nicht geprüft für Landeier: VH-G1; Landeier: VH-T1."


def in_review_with_documents(scene):
    application_id = create(scene)
    for kind in ("husbandry_certificate", "feed_gmo_free"):
        assert upload(scene.producer_client, application_id, kind=kind).status_code == 302
    bring_to(scene, application_id, "in_review")
    return application_id


def decide(client, application_id, decision, reason=""):
    return client.post(
        f"/certification/applications/{application_id}/decide", data={"decision": decision, "reason": reason}
    )


def certificate_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Certificate))


# --- the evidence gate ------------------------------------------------------------------------------


def test_documents_not_checked_keep_an_approval_back_on_the_page_with_the_reason_kept(app, scene):
    """Uploaded is not enough: until the certifier checks the documents, the panel refuses to approve,
    on the application's page, with the criteria named and the typed note kept — never a bare 409."""
    application_id = in_review_with_documents(scene)
    response = decide(scene.certifier_client, application_id, "approve", "Alles gesehen")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and GAP in page
    assert "Alles gesehen</textarea>" in page and 'id="decision-error"' in page
    assert "Hochgeladen, noch nicht geprüft" in page  # the criterion says why
    # The confirmation itself (a forged or stale POST) meets the same gate in the service.
    confirm = act(scene.certifier_client, application_id, "approve", "Alles gesehen")
    assert confirm.status_code == 409 and GAP in confirm.get_data(as_text=True)
    assert status(app, application_id) == "in_review" and certificate_count(app) == 0


def test_after_checking_the_documents_the_summary_is_confirmed_and_the_certificate_issued(app, scene):
    application_id = in_review_with_documents(scene)
    check_documents(app, scene.certifier_client, application_id)
    page = scene.certifier_client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert "Geprüft" in page and "von Paul Prüfer" in page and "Prüfung zurücknehmen" in page
    # The summary answers the decision's POST: the reason stays out of the address.
    summary = decide(scene.certifier_client, application_id, "approve", "Stall besichtigt")
    text = summary.get_data(as_text=True)
    assert summary.status_code == 200 and certificate_count(app) == 0  # nothing issued by looking
    today = date.today()
    until = today + timedelta(days=365)
    assert f"{today:%d.%m.%Y}" in text and f"{until:%d.%m.%Y}" in text  # the validity
    assert "Landeier" in text and "VH-T1" in text and "nachweis.pdf" in text  # products, criteria, files
    assert "geprüft von Paul Prüfer" in text and "Stall besichtigt</textarea>" in text
    assert f'action="/certification/applications/{application_id}/approve"' in text
    confirmed = scene.certifier_client.post(
        f"/certification/applications/{application_id}/approve", data={"reason": "Stall besichtigt"}
    )
    assert confirmed.status_code == 302 and "/certificates/VH-" in confirmed.headers["Location"]
    assert status(app, application_id) == "approved" and certificate_count(app) == 1


def test_a_check_taken_back_closes_the_gate_again(app, scene):
    application_id = in_review_with_documents(scene)
    check_documents(app, scene.certifier_client, application_id)
    check_documents(app, scene.certifier_client, application_id, checked="0")
    assert act(scene.certifier_client, application_id, "approve").status_code == 409
    summary = scene.certifier_client.get(f"/certification/applications/{application_id}/approval")
    text = summary.get_data(as_text=True)
    assert GAP in text and f"/{application_id}/approve" not in text  # no confirm button
    assert certificate_count(app) == 0


def test_an_audit_that_covered_the_criteria_opens_the_gate_without_documents(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    client = scene.certifier_client
    base = {"audit_date": date.today().isoformat(), "mode": "on_site", "auditor": "Paul Prüfer"}
    # An audit that saw only one of the two criteria leaves the other one open.
    assert (
        client.post(
            f"/certification/applications/{application_id}/audits", data={**base, "criteria": ["VH-T1"]}
        ).status_code
        == 302
    )
    refused = act(client, application_id, "approve")
    assert refused.status_code == 409 and "Landeier: VH-G1." in refused.get_data(as_text=True)
    assert "VH-T1" not in refused.get_data(as_text=True).split("Nachweise fehlen")[1].split(".")[0]
    assert (
        client.post(
            f"/certification/applications/{application_id}/audits", data={**base, "criteria": ["VH-G1"]}
        ).status_code
        == 302
    )
    page = client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert "Nachweis im Audit gesehen." in page and "Nachweise gesehen für: VH-G1" in page
    assert act(client, application_id, "approve").status_code == 302
    assert certificate_count(app) == 1


def test_an_audit_names_only_criteria_of_the_catalogue(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    response = scene.certifier_client.post(
        f"/certification/applications/{application_id}/audits",
        data={
            "audit_date": date.today().isoformat(),
            "mode": "on_site",
            "auditor": "P",
            "criteria": ["XX-1"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="criteria-error"' in page and "Unbekanntes Kriterium." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Audit)) == 0


def test_documents_are_checked_only_while_the_body_reviews_the_application(app, scene):
    application_id = create(scene)
    assert upload(scene.producer_client, application_id).status_code == 302
    bring_to(scene, application_id, "submitted")
    with app.app_context():
        evidence_id = db.session.scalar(select(Evidence.id))
    response = scene.certifier_client.post(
        f"/certification/evidence/{evidence_id}/check", data={"checked": "1"}
    )
    assert response.status_code == 409
    assert "Dokumente werden geprüft, solange der Antrag in Prüfung ist." in response.get_data(as_text=True)
    # Nor by the producer, who may not act as a certifier.
    assert (
        scene.producer_client.post(
            f"/certification/evidence/{evidence_id}/check", data={"checked": "1"}
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.get(Evidence, evidence_id).checked_at is None


# --- the decision panel -----------------------------------------------------------------------------


def test_the_panel_shows_its_errors_next_to_the_field_and_keeps_the_reason(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    response = decide(scene.certifier_client, application_id, "", "Bitte Stallbuch")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bitte wählen Sie eine Entscheidung." in page
    assert 'id="decision-error"' in page and "Bitte Stallbuch</textarea>" in page
    response = decide(scene.certifier_client, application_id, "reject", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="reason-error"' in page
    assert "Bitte geben Sie eine Begründung an." in page and "Landeier" in page
    assert status(app, application_id) == "in_review"
    assert (
        decide(scene.certifier_client, application_id, "request_changes", "Bitte Stallbuch").status_code
        == 302
    )
    assert status(app, application_id) == "changes_requested"


def test_a_decision_in_the_wrong_state_comes_back_on_the_page(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "submitted")
    response = decide(scene.certifier_client, application_id, "reject", "Zu spät")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "eingereicht" in page and "Zu spät</textarea>" in page


def test_the_page_puts_the_data_first_and_the_panel_after_it(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    page = scene.certifier_client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert page.index("Landeier") < page.index('id="evidence"') < page.index('id="decision"')
    assert page.count(f'action="/certification/applications/{application_id}/decide"') == 1
    for old in ("/request_changes", "/reject", f"/{application_id}/approve"):
        assert old not in page  # one panel instead of three forms


def test_a_certificate_without_possible_decisions_shows_no_decision_box(app, scene):
    application_id = in_review_with_documents(scene)
    check_documents(app, scene.certifier_client, application_id)
    assert act(scene.certifier_client, application_id, "approve").status_code == 302
    with app.app_context():
        certificate_id, number = db.session.execute(select(Certificate.id, Certificate.number)).one()
    page = scene.certifier_client.get(f"/certificates/{number}").get_data(as_text=True)
    assert "Entscheidungen" in page and 'value="suspend"' in page and 'value="reinstate"' not in page
    response = scene.certifier_client.post(
        f"/certification/certificates/{certificate_id}/decide", data={"action": "suspend", "reason": "Mängel"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bitte geben Sie die Frist für die Abhilfe an." in page
    assert "Mängel</textarea>" in page
    response = scene.certifier_client.post(
        f"/certification/certificates/{certificate_id}/decide", data={"action": "revoke", "reason": "Betrug"}
    )
    assert response.status_code == 302
    page = scene.certifier_client.get(f"/certificates/{number}").get_data(as_text=True)
    assert "Entscheidungen" not in page and "widerrufen" in page


# --- assignment -------------------------------------------------------------------------------------


@pytest.fixture
def colleagues(app, scene):
    """A colleague of the same body, a certifier of another body, and a colleague who is a member of the
    producer (a conflict of interest)."""
    colleague = factories.user(app, email="kollegin@example.org", name="Karla Kollegin", roles=("certifier",))
    conflicted = factories.user(app, email="nachbar@example.org", name="Nils Nachbar", roles=("certifier",))
    stranger = factories.user(app, email="fremd@example.org", name="Frida Fremd", roles=("certifier",))
    factories.organisation(
        app, kinds=("certification_body",), staff_ids=[stranger.id], display_name="Andere Stelle"
    )
    with app.app_context():
        db.session.add(Membership(user_id=colleague.id, organisation_id=scene.body.id))
        db.session.add(Membership(user_id=conflicted.id, organisation_id=scene.body.id))
        db.session.add(Membership(user_id=conflicted.id, organisation_id=scene.org.id))
        db.session.commit()
    return colleague, conflicted, stranger


def test_an_application_is_assigned_to_a_colleague_of_the_same_body_only(app, scene, colleagues, mailbox):
    colleague, conflicted, stranger = colleagues
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    page = scene.certifier_client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert "Karla Kollegin" in page and "Nils Nachbar" not in page and "Frida Fremd" not in page
    url = f"/certification/applications/{application_id}/assign"
    for refused in (conflicted, stranger):
        response = scene.certifier_client.post(url, data={"colleague": refused.id})
        assert response.status_code == 400
    mailbox.clear()
    assert scene.certifier_client.post(url, data={"colleague": colleague.id}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).certifier_id == colleague.id
    assert [m["To"] for m in mailbox.messages] == ["kollegin@example.org"]
    assert "zugewiesen" in mailbox.last("kollegin@example.org")["Subject"]
    # A certifier of another body may not even try.
    assert signed_in(app, stranger).post(url, data={"colleague": colleague.id}).status_code == 403


def test_an_application_waiting_in_the_queue_is_taken_for_the_colleague(app, scene, colleagues):
    colleague, _, _ = colleagues
    application_id = create(scene)
    bring_to(scene, application_id, "submitted")
    url = f"/certification/applications/{application_id}/assign"
    assert scene.certifier_client.post(url, data={"colleague": colleague.id}).status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "in_review" and application.certifier_id == colleague.id
        assert application.certification_body_id == scene.body.id


# --- notifications ----------------------------------------------------------------------------------


def addresses(mailbox):
    return sorted(m["To"] for m in mailbox.messages)


def test_every_step_tells_the_right_people_and_no_one_else(app, scene, colleagues, mailbox):
    colleague, conflicted, stranger = colleagues
    producer, certifier = scene.producer_client, scene.certifier_client
    application_id = create(scene)
    for kind in ("husbandry_certificate", "feed_gmo_free"):
        assert upload(producer, application_id, kind=kind).status_code == 302
    mailbox.clear()
    assert act(producer, application_id, "submit").status_code == 302
    # The producer's members hear of their own submission; every certifier without a conflict hears of
    # the queue (Nils, a certifier and a member of the producer, as a member only).
    assert addresses(mailbox) == [
        "bauer@example.org",
        "fremd@example.org",
        "kollegin@example.org",
        "nachbar@example.org",
        "pruefer@example.org",
    ]
    assert "eingereicht" in mailbox.last("nachbar@example.org")["Subject"]
    assert "eingereicht" in mailbox.last("bauer@example.org")["Subject"]
    for address in ("pruefer@example.org", "kollegin@example.org", "fremd@example.org"):
        assert "Neu in der Prüfwarteschlange" in mailbox.last(address)["Subject"]
        assert "eingereicht" not in mailbox.last(address)["Subject"]
    mailbox.clear()
    assert act(certifier, application_id, "take").status_code == 302
    members = ["bauer@example.org", "nachbar@example.org"]
    assert addresses(mailbox) == members
    mailbox.clear()
    assert decide(certifier, application_id, "request_changes", "Bitte Futterplan").status_code == 302
    assert addresses(mailbox) == members
    assert "Bitte Futterplan" in mailbox.last("bauer@example.org").get_content()
    mailbox.clear()
    assert act(producer, application_id, "submit").status_code == 302  # resubmitted: to the certifier
    assert addresses(mailbox) == [*members, "pruefer@example.org"]
    assert "erneut eingereicht" in mailbox.last("pruefer@example.org")["Subject"]
    assert "Ihr" not in mailbox.last("pruefer@example.org")["Subject"]
    check_documents(app, certifier, application_id)
    mailbox.clear()
    assert act(certifier, application_id, "approve").status_code == 302
    assert addresses(mailbox) == members
    with app.app_context():
        certificate_id, number = db.session.execute(select(Certificate.id, Certificate.number)).one()
    approved = mailbox.last("bauer@example.org")
    assert "genehmigt" in approved["Subject"] and number in approved.get_content()
    deadline = (date.today() + timedelta(days=30)).isoformat()
    for action, data, word in (
        ("suspend", {"reason": "Mängel", "remedy_until": deadline}, "ausgesetzt"),
        ("reinstate", {"reason": "Behoben"}, "gültig"),
        ("revoke", {"reason": "Betrug"}, "widerrufen"),
    ):
        mailbox.clear()
        response = certifier.post(
            f"/certification/certificates/{certificate_id}/decide", data={"action": action, **data}
        )
        assert response.status_code == 302, action
        assert addresses(mailbox) == members, action
        assert word in mailbox.last("bauer@example.org").get_content() and number in mailbox.last()["Subject"]


def test_a_rejection_tells_the_producer_only(app, scene, mailbox):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    mailbox.clear()
    assert decide(scene.certifier_client, application_id, "reject", "Nicht regional").status_code == 302
    assert addresses(mailbox) == ["bauer@example.org"]
    message = mailbox.last("bauer@example.org")
    assert "abgelehnt" in message["Subject"] and "Nicht regional" in message.get_content()


def test_both_reminders_arrive_in_the_holders_language(app, scene, mailbox):
    english = factories.user(app, email="staff@example.org", locale="en")
    with app.app_context():
        db.session.add(Membership(user_id=english.id, organisation_id=scene.org.id))
        db.session.commit()
    application_id = in_review_with_documents(scene)
    check_documents(app, scene.certifier_client, application_id)
    assert act(scene.certifier_client, application_id, "approve").status_code == 302
    with app.app_context():
        valid_until = db.session.scalar(select(Certificate.valid_until))
    for days in (60, 30):
        mailbox.clear()
        with app.app_context():
            assert certificates.remind(valid_until - timedelta(days=days))["reminded"] == 1
            db.session.commit()
        assert addresses(mailbox) == ["bauer@example.org", "staff@example.org"]
        german, english_mail = mailbox.last("bauer@example.org"), mailbox.last("staff@example.org")
        assert f"endet am {valid_until:%d.%m.%Y}" in german["Subject"]
        assert f"in {days} Tagen" in german.get_content()
        assert "ends on" in english_mail["Subject"] and f"in {days} days" in english_mail.get_content()
        assert (
            str(valid_until.year) in english_mail["Subject"]
            and valid_until.isoformat() not in english_mail["Subject"]
        )


def test_a_certificate_first_seen_25_days_before_its_end_gets_one_reminder(app, scene, mailbox):
    application_id = in_review_with_documents(scene)
    check_documents(app, scene.certifier_client, application_id)
    assert act(scene.certifier_client, application_id, "approve").status_code == 302
    with app.app_context():
        valid_until = db.session.scalar(select(Certificate.valid_until))
    mailbox.clear()
    for days in (25, 24):
        with app.app_context():
            certificates.remind(valid_until - timedelta(days=days))
            db.session.commit()
    assert addresses(mailbox) == ["bauer@example.org"]


# --- sizes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "de", "en"),
    [
        (0, "0 B", "0 B"),
        (407, "407 B", "407 B"),
        (1234, "1,2 kB", "1.2 kB"),
        (10 * 1024 * 1024, "10 MB", "10 MB"),
    ],
)
def test_file_sizes_are_written_as_the_reader_writes_them(pure_app, size, de, en):
    from flask_babel import force_locale

    with pure_app.test_request_context():
        with force_locale("de"):
            assert file_size(size) == de
        with force_locale("en"):
            assert file_size(size) == en


def test_a_small_document_shows_its_size_in_bytes(app, scene):
    application_id = create(scene)
    assert upload(scene.producer_client, application_id).status_code == 302
    with app.app_context():
        size = db.session.scalar(select(Evidence.size))
    page = scene.producer_client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert f"({size} B," in page and "0 kB" not in page
