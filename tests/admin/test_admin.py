"""The admin area: who may enter, role grants, (de)activation and the append-only log."""

import pytest
from sqlalchemy import select

from tests import factories
from vonhier.accounts.models import User
from vonhier.admin.models import AdminAction
from vonhier.extensions import db

ADMIN_PAGES = ["/admin/", "/admin/log", "/admin/users/1"]


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
