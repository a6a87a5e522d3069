"""Registration, email confirmation through a real SMTP server, and registration bad input."""

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from vonhier.accounts.models import User
from vonhier.accounts.services import make_token, verify_password
from vonhier.extensions import db
from vonhier.outbox import worker

GOOD = {
    "name": "Marta Kowalski",
    "email": "Marta.Kowalski@Example.org",
    "password": "Roggenbrot-Uckermark-7",
    "confirm": "Roggenbrot-Uckermark-7",
    "locale": "de",
}


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def link_in(message):
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def test_register_confirm_and_sign_in(app, client, mailbox):
    """Can a new producer register, confirm the address from the mail, sign out and sign in again?"""
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"  # not signed in: a taken address answers the same
    mail = mailbox.last("marta.kowalski@example.org")
    assert mail["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "Marta Kowalski" in mail.get_content()

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "marta.kowalski@example.org"))
        assert user.email_confirmed_at is None
        assert user.password_hash.startswith("$argon2id$")
        assert "m=65536,t=3" in user.password_hash  # at least OWASP's 19 MiB / t=2

    assert client.get(link_in(mail)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email_confirmed_at).where(User.email == GOOD["email"].lower()))

    response = client.post(
        "/login", data={"email": "MARTA.kowalski@example.org", "password": GOOD["password"]}
    )
    assert response.status_code == 302
    assert "bestätigt" in client.get("/account").get_data(as_text=True)


def test_confirmation_mail_in_english_for_english_users(client, mailbox):
    client.post("/register", data={**GOOD, "locale": "en"})
    assert mailbox.last()["Subject"] == "Please confirm your email address"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "gültige E-Mail-Adresse"),
        ({"email": "a@b"}, "gültige E-Mail-Adresse"),
        ({"email": ""}, "Dieses Feld wird benötigt"),
        ({"password": "kurz", "confirm": "kurz"}, "mindestens 10 Zeichen"),
        ({"password": "Kowalski-2024-x", "confirm": "Kowalski-2024-x"}, "Namen oder Ihre E-Mail-Adresse"),
        ({"password": "marta.kowalski-99", "confirm": "marta.kowalski-99"}, "Namen oder Ihre E-Mail-Adresse"),
        ({"confirm": "Something-else-123"}, "stimmen nicht überein"),
        ({"name": "x" * 121}, "120 Zeichen"),
        ({"email": "a" * 250 + "@example.org"}, "254"),
        ({"locale": "fr"}, "Keine gültige Auswahl"),
    ],
)
def test_registration_bad_input(app, client, mailbox, changes, message):
    """Does every bad field give a German message next to it, a 400 and no account?"""
    response = client.post("/register", data={**GOOD, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error"' in html
    assert user_count(app) == 0
    assert mailbox.messages == []


def test_registering_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner(app, mailbox):
    """Can anyone learn from the registration page whether an address has an account?"""
    owner = factories.user(app, email="marta.kowalski@example.org", locale="en")
    answers = []
    for email in ("Marta.Kowalski@Example.org", "jan.nowak@example.org"):
        response = app.test_client().post("/register", data={**GOOD, "email": email})
        answers.append((response.status_code, response.headers["Location"]))
    assert answers[0] == answers[1] == (302, "/login")
    assert user_count(app) == 2  # the owner and Jan: no second account for Marta's address

    notice = mailbox.last(owner.email)  # in the owner's language, not the one chosen in the form
    assert notice["Subject"] == "Someone tried to register with your email address"
    assert "http://localhost/login" in notice.get_content()
    assert "http://localhost/password/forgot" in notice.get_content()
    assert len(mailbox.to(owner.email)) == 1
    assert mailbox.last("jan.nowak@example.org")["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    with app.app_context():  # the stranger's password did not touch the owner's account
        account = db.session.get(User, owner.id)
        assert verify_password(account, owner.password) and not verify_password(account, GOOD["password"])


def test_the_flash_after_registering_is_the_same_for_a_taken_address(app, client):
    factories.user(app, email="marta.kowalski@example.org")
    pages = []
    for email in ("marta.kowalski@example.org", "jan.nowak@example.org"):
        other = app.test_client()
        pages.append(
            other.post("/register", data={**GOOD, "email": email}, follow_redirects=True)
            .get_data(as_text=True)
            .replace(email, "ADDRESS")
        )
    assert pages[0] == pages[1]
    assert "Vielen Dank" in pages[0]


def test_database_refuses_overlong_values_even_without_forms(app):
    """Do the length limits hold in the database itself (SQLite ignores VARCHAR lengths)?"""
    from sqlalchemy.exc import DataError, IntegrityError

    with app.app_context():
        db.session.add(User(email="x@example.org", name="n" * 121, password_hash="h"))
        with pytest.raises((IntegrityError, DataError)):  # SQLite: CHECK; PostgreSQL: VARCHAR(n)
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 300])
def test_tampered_confirmation_link(client, token):
    response = client.get(f"/confirm/{token}")
    assert response.status_code == 400
    assert "Dieser Link ist ungültig" in response.get_data(as_text=True)


def test_expired_confirmation_link(app, client, make_app):
    user = factories.user(app, confirmed=False)
    with app.app_context():
        token = make_token("confirm", {"user": user.id, "email": user.email})
    strict = make_app(CONFIRM_TOKEN_MAX_AGE=-1)
    response = strict.test_client().get(f"/confirm/{token}")
    assert response.status_code == 400
    assert "abgelaufen" in response.get_data(as_text=True)


def test_confirmation_link_of_another_purpose_is_refused(app, client):
    user = factories.user(app, confirmed=False)
    with app.app_context():
        token = make_token("reset", {"user": user.id, "email": user.email})
    assert client.get(f"/confirm/{token}").status_code == 400


def test_resend_confirmation(app, client, login_as, mailbox):
    user = login_as("user", confirmed=False)
    client.post("/confirm/resend")
    assert mailbox.last(user.email)["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"


def test_mail_goes_to_log_without_mail_server(make_app, caplog):
    app = make_app(MAIL_SERVER="")
    response = app.test_client().post("/register", data=GOOD)
    assert response.status_code == 302
    assert "MAIL NOT SENT" not in caplog.text  # queued; the worker writes it
    with app.app_context():
        assert worker.deliver_due() == 1
    assert "MAIL NOT SENT" in caplog.text
    assert "/confirm/" in caplog.text


def test_registration_continues_to_the_invitation(client):
    """Does someone who follows an invitation link, then registers, land back on the invitation?"""
    page = client.get("/register?next=/organisations/join/abc").get_data(as_text=True)
    assert 'value="/organisations/join/abc"' in page
    response = client.post("/register", data={**GOOD, "next": "/organisations/join/abc"})
    assert response.headers["Location"] == "/login?next=/organisations/join/abc"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/organisations/join/abc"' in page  # signing in continues to the invitation
    response = client.post("/register", data={**GOOD, "email": "b@example.org", "next": "//evil.example"})
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "1234567890", "passwort123", "qwertzuiop", "abababababab"]
)
def test_easily_guessed_passwords_are_refused(app, client, password):
    response = client.post("/register", data={**GOOD, "password": password, "confirm": password})
    assert response.status_code == 400
    assert user_count(app) == 0
