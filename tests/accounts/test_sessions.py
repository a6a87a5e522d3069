"""Sign-in, sessions, redirects, rate limits, password reset and changes of password and email."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from tests import factories
from vonhier import region
from vonhier.accounts.models import User
from vonhier.extensions import db
from vonhier.outbox.models import OutboxMail


def sign_in(client, user, **extra):
    return client.post("/login", data={"email": user.email, "password": user.password, **extra})


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_wrong_password_is_refused_with_400(app, client):
    user = factories.user(app)
    response = client.post("/login", data={"email": user.email, "password": "Falsches-Passwort-1"})
    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt" in response.get_data(as_text=True)


def test_unknown_email_gets_the_same_answer(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "Irgendwas-123"})
    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt" in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(app, client):
    user = factories.user(app, active=False)
    response = sign_in(client, user)
    assert response.status_code == 400
    assert "deaktiviert" in response.get_data(as_text=True)


def test_session_is_rotated_on_sign_in(app, client):
    """Does nothing from the anonymous session survive the sign-in (no session fixation)?"""
    user = factories.user(app)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(client)
    assert sign_in(client, user).status_code == 302
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\r\nSet-Cookie:x=1",
        "evil.example",
        "/\t/evil.example",
    ],
)
def test_next_never_leaves_the_site(app, client, target):
    user = factories.user(app)
    response = sign_in(client, user, next=target)
    if any(c in target for c in "\r\n\t"):
        # Control characters are refused by every form (vonhier.forms.Form): no sign-in, no redirect.
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_local_path_is_followed(app, client):
    user = factories.user(app)
    response = sign_in(client, user, next="/account?tab=1")
    assert response.headers["Location"] == "/account?tab=1"


def test_protected_page_sends_anonymous_visitors_to_login_and_back(app, client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_remember_me_cookie_flags(make_app, app):
    """Is the remember-me cookie Secure, HttpOnly, SameSite=Lax and at most 30 days long?"""
    secure_app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = factories.user(app)
    response = secure_app.test_client().post(
        "/login", data={"email": user.email, "password": user.password, "remember": "y"}
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    lifetime = expires - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_production_defaults_make_cookies_secure(monkeypatch):
    from vonhier.config import from_environment

    monkeypatch.setenv("BASE_URL", "https://vonhier.example")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = from_environment()
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["REMEMBER_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_logout_invalidates_remember_me_cookie(app, client):
    """Can a stolen remember-me cookie still be used after the user signed out?"""
    user = factories.user(app)
    sign_in(client, user, remember="y")
    stolen = client.get_cookie("remember_token").value

    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_me_cookie_signs_in_a_new_browser_session(app, client):
    user = factories.user(app)
    sign_in(client, user, remember="y")
    token = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token)
    assert fresh.get("/account").status_code == 200


def test_logout_requires_post(client, login_as):
    login_as("user")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_login_rate_limit_answers_429_in_german(make_app, app):
    limited = make_app(RATELIMIT_LOGIN="3 per minute")
    client = limited.test_client()
    for _ in range(3):
        assert (
            client.post("/login", data={"email": "x@example.org", "password": "nope-nope-1"}).status_code
            == 400
        )
    response = client.post("/login", data={"email": "x@example.org", "password": "nope-nope-1"})
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # looking at the form is not limited


def test_password_reset_rate_limit(make_app, app):
    limited = make_app(RATELIMIT_RESET="2 per hour")
    client = limited.test_client()
    statuses = [
        client.post("/password/forgot", data={"email": "x@example.org"}).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_rate_limit_with_redis_storage(make_app, app, redis_store):
    """Do several workers share one count when RATELIMIT_STORAGE_URI points at Redis?"""
    settings = {
        "RATELIMIT_STORAGE_URI": redis_store.uri,
        "RATELIMIT_KEY_PREFIX": redis_store.prefix,
        "RATELIMIT_LOGIN": "2 per minute",
    }
    worker_a, worker_b = make_app(**settings), make_app(**settings)
    data = {"email": "x@example.org", "password": "nope-nope-1"}
    assert worker_a.test_client().post("/login", data=data).status_code == 400
    assert worker_b.test_client().post("/login", data=data).status_code == 400
    # The count is in Redis, where every process reads it (in one process the apps share a limiter).
    keys = list(redis_store.client.scan_iter(match=f"*{redis_store.prefix}*login*"))
    assert [int(redis_store.client.get(key)) for key in keys] == [2]
    assert worker_a.test_client().post("/login", data=data).status_code == 429


def reset_link(mailbox, email):
    return re.search(r"http://localhost(/password/reset/\S+)", mailbox.last(email).get_content()).group(1)


def test_password_reset_flow(app, client, mailbox):
    user = factories.user(app)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    link = reset_link(mailbox, user.email)
    response = client.post(link, data={"password": "Neues-Passwort-2026", "confirm": "Neues-Passwort-2026"})
    assert response.status_code == 302
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": "Neues-Passwort-2026"}).status_code
        == 302
    )
    # The link is single-use.
    response = client.get(link)
    assert response.status_code == 400
    assert "bereits verwendet" in response.get_data(as_text=True)


def test_password_reset_for_unknown_email_reveals_nothing(app, mailbox):
    """Does a reset request answer the same, and do the same work, whether the address has an account?"""
    user = factories.user(app)
    answers = []
    for email in (user.email, "nobody@example.org"):
        response = app.test_client().post("/password/forgot", data={"email": email}, follow_redirects=True)
        answers.append((response.status_code, response.get_data(as_text=True).replace(email, "ADDRESS")))
    assert answers[0] == answers[1]
    with app.app_context():  # one outbox row each: the same write whether or not the account exists
        assert [m.recipient for m in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))] == [
            user.email,
            "nobody@example.org",
        ]
    assert "/password/reset/" in mailbox.last(user.email).get_content()
    notice = mailbox.last("nobody@example.org")
    assert f"kein aktives Konto bei {region.label_name()}" in notice.get_content()
    assert "/password/reset/" not in notice.get_content()
    assert "http://localhost/register" in notice.get_content()


def test_password_reset_rejects_weak_password(app, client, mailbox):
    user = factories.user(app)
    client.post("/password/forgot", data={"email": user.email})
    link = reset_link(mailbox, user.email)
    response = client.post(link, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert "mindestens 10 Zeichen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == factories._PASSWORD_HASH


def test_password_reset_with_forged_token(client):
    response = client.get("/password/reset/forged.token.value")
    assert response.status_code == 400


def test_change_password_signs_out_other_devices(app, client):
    user = factories.user(app)
    other_device = app.test_client()
    sign_in(other_device, user)
    sign_in(client, user)
    response = client.post(
        "/account/password",
        data={"current": user.password, "password": "Anderes-Passwort-99", "confirm": "Anderes-Passwort-99"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_change_password_needs_the_current_one(app, client, login_as):
    login_as("user")
    response = client.post(
        "/account/password",
        data={
            "current": "wrong-password-1",
            "password": "Anderes-Passwort-99",
            "confirm": "Anderes-Passwort-99",
        },
    )
    assert response.status_code == 400
    assert "aktuelle Passwort ist nicht korrekt" in response.get_data(as_text=True)


def test_change_email_requires_confirmation_of_new_address(app, client, login_as, mailbox):
    user = login_as("user")
    response = client.post("/account/email", data={"email": "neu@example.org", "current": user.password})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).email == user.email  # unchanged until confirmed
    mail = mailbox.last("neu@example.org")
    link = re.search(r"http://localhost(/account/email/confirm/\S+)", mail.get_content()).group(1)
    assert client.get(link).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.id == user.id)) == "neu@example.org"
    assert client.get(link).status_code == 400  # used


def test_change_email_to_taken_address(app, client, login_as):
    user = login_as("user")
    factories.user(app, email="taken@example.org")
    response = client.post("/account/email", data={"email": "taken@example.org", "current": user.password})
    assert response.status_code == 400
    assert "existiert bereits ein Konto" in response.get_data(as_text=True)


def test_profile_update_and_bad_input(app, client, login_as):
    user = login_as("user")
    assert client.post("/account", data={"name": "Neuer Name", "locale": "en"}).status_code == 302
    with app.app_context():
        account = db.session.get(User, user.id)
        assert (account.name, account.locale) == ("Neuer Name", "en")
    response = client.post("/account", data={"name": "", "locale": "xx"})
    assert response.status_code == 400


def test_password_change_and_email_change_are_announced(app, client, login_as, mailbox):
    """Does the owner of an account hear of changes someone else might have made?"""
    user = login_as("user")
    client.post(
        "/account/password",
        data={"current": user.password, "password": "Anderes-Passwort-99", "confirm": "Anderes-Passwort-99"},
    )
    assert mailbox.last(user.email)["Subject"] == f"Ihr Passwort für {region.label_name()} wurde geändert"
    client.post("/account/email", data={"email": "neu@example.org", "current": "Anderes-Passwort-99"})
    link = re.search(
        r"http://localhost(/account/email/confirm/\S+)", mailbox.last("neu@example.org").get_content()
    )
    client.get(link.group(1))
    notice = mailbox.last(user.email)
    assert "neu@example.org" in notice.get_content()
    assert notice["Content-Language"] == "de"


def test_registration_rate_limit(make_app, app):
    """Every registration with a taken address mails its owner: one client cannot flood them."""
    limited = make_app(RATELIMIT_REGISTER="2 per hour")
    client = limited.test_client()
    password = factories.PASSWORD
    data = {"name": "X", "email": "x@example.org", "password": password, "confirm": password, "locale": "de"}
    statuses = [client.post("/register", data=data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert client.get("/register").status_code == 200
