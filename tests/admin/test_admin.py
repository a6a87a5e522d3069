"""The admin area: who may enter, role grants, (de)activation and the append-only log."""

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.accounts.models import User
from vonhier.admin.models import AdminAction
from vonhier.extensions import db

ADMIN_PAGES = ["/admin/", "/admin/log", "/admin/mails", "/admin/users/1"]


@pytest.mark.parametrize("role", ["user", "owner", "staff", "certifier", "retailer"])
def test_admin_pages_are_forbidden_for_other_roles(client, login_as, role):
    login_as(role)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/users/1/active", data={"active": "0"}).status_code == 403


def test_admin_pages_send_anonymous_visitors_to_login(client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_searches_users_and_organisations(app, client, login_as):
    login_as("admin")
    factories.user(app, email="gesucht@example.org")
    factories.organisation(app, display_name="Imkerei Blütenstaub")
    html = client.get("/admin/?q=gesucht").get_data(as_text=True)
    assert "gesucht@example.org" in html
    html = client.get("/admin/?q=blütenstaub").get_data(as_text=True)
    assert "Imkerei Blütenstaub" in html


def test_deactivate_and_activate_user_is_logged(app, client, login_as):
    admin = login_as("admin")
    target = factories.user(app)
    victim_client = app.test_client()
    victim_client.post("/login", data={"email": target.email, "password": target.password})

    assert client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 302
    assert victim_client.get("/account").status_code == 302  # signed out at once
    assert client.post(f"/admin/users/{target.id}/active", data={"active": "1"}).status_code == 302
    with app.app_context():
        entries = db.session.scalars(select(AdminAction).order_by(AdminAction.id)).all()
        assert [(e.actor_id, e.action, e.target_id) for e in entries] == [
            (admin.id, "deactivate", target.id),
            (admin.id, "activate", target.id),
        ]
    assert "Konto deaktiviert" in client.get("/admin/log").get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as("admin")
    assert client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}).status_code == 409
    response = client.post(f"/admin/users/{admin.id}/roles", data={"role": "admin", "grant": "0"})
    assert response.status_code == 409
    assert client.get("/admin/").status_code == 200


def test_certifier_role_only_for_certification_body_staff(app, client, login_as):
    login_as("admin")
    producer = factories.user_with_role(app, "owner")
    response = client.post(f"/admin/users/{producer.id}/roles", data={"role": "certifier", "grant": "1"})
    assert response.status_code == 409
    assert "Zertifizierungsstelle" in response.get_data(as_text=True)

    inspector = factories.user(app)
    factories.organisation(app, kinds=("certification_body",), staff_ids=[inspector.id])
    assert (
        client.post(
            f"/admin/users/{inspector.id}/roles", data={"role": "certifier", "grant": "1"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(User, inspector.id).has_role("certifier")
    assert (
        client.post(
            f"/admin/users/{inspector.id}/roles", data={"role": "certifier", "grant": "0"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert not db.session.get(User, inspector.id).has_role("certifier")
        assert [e.action for e in db.session.scalars(select(AdminAction))] == ["grant_role", "revoke_role"]


def test_unknown_role_and_unknown_user(client, login_as):
    login_as("admin")
    assert client.post("/admin/users/1/roles", data={"role": "emperor", "grant": "1"}).status_code == 400
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404


def test_admin_log_is_append_only(app, client, login_as):
    login_as("admin")
    target = factories.user(app)
    client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    with app.app_context():
        entry = db.session.scalar(select(AdminAction))
        entry.action = "nothing happened"
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AdminAction)))
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()


def test_admin_sees_queued_sent_and_failed_mails_without_their_texts(app, client, login_as, mailbox):
    """Does the outbox page show who was mailed what and how it went, but never a reset link?"""
    from vonhier.outbox.models import MailStatus, OutboxMail

    login_as("admin")
    user = factories.user(app, email="vergesslich@example.org")
    client.post("/password/forgot", data={"email": user.email})
    reset_link = mailbox.last(user.email).get_content().split("http://localhost")[1].split()[0]
    client.post("/password/forgot", data={"email": "niemand@example.org"})  # stays queued
    with app.app_context():
        failed = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()[-1]
        failed.status, failed.last_error = MailStatus.FAILED, "SMTPDataError: (554, b'No')"
        db.session.commit()
    client.post("/password/forgot", data={"email": "spaeter@example.org"})  # queued, newest

    page = client.get("/admin/mails").get_data(as_text=True)
    html = page[page.index("<table") :]  # past the flashes of the reset requests
    assert html.index("spaeter@example.org") < html.index("niemand@example.org") < html.index(user.email)
    assert "Gesendet" in html and "Fehlgeschlagen" in html and "Wartet" in html
    assert "SMTPDataError: (554, b&#39;No&#39;)" in html
    assert "Passwort" in html  # the subjects
    assert reset_link not in page and "/password/reset/" not in page


def test_the_mail_list_is_paginated(app, client, login_as):
    from vonhier.outbox.models import OutboxMail

    login_as("admin")
    with app.app_context():
        db.session.add_all(
            OutboxMail(recipient=f"r{n}@example.org", subject=f"Betreff {n}", template="t", message="")
            for n in range(51)
        )
        db.session.commit()
    first = client.get("/admin/mails").get_data(as_text=True)
    assert "r50@example.org" in first and "r1@example.org" in first and "r0@example.org" not in first
    assert "?page=2" in first
    second = client.get("/admin/mails?page=2").get_data(as_text=True)
    assert "r0@example.org" in second and "r1@example.org" not in second and "?page=3" not in second
