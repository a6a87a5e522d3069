"""Account rules: passwords, tokens, sign-in and sign-out, email confirmation and changes."""

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import region
from ..clock import utcnow
from ..errors import RuleError, render_error, wants_json
from ..extensions import db
from ..outbox import mail
from ..security import safe_next
from ..web import external_url
from .models import User

# argon2id with RFC 9106's low-memory profile (64 MiB, t=3, p=4): above OWASP's 19 MiB / t=2 minimum.
hasher = PasswordHasher()
_DUMMY_HASH = hasher.hash("not a real password, used to equalise timing")

MIN_PASSWORD_LENGTH = 10
# Runs of characters people type instead of a password ("1234567890", "qwertzuiop", "abcdefghij").
KEYBOARD_RUNS = (
    "01234567890",
    "09876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertzuiopüasdfghjklöäyxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
)
COMMON_PASSWORDS = {
    "passwort123",
    "password123",
    "passwort1234",
    "password1234",
    "hallo12345",
    "hallo123456",
    "iloveyou123",
    "letmein1234",
    "willkommen1",
    "willkommen123",
    "geheim12345",
    "sommer2024",
    "sommer2025",
    "sommer2026",
    "winter2025",
    "winter2026",
    "berlin1234",
    "schalke04!",
    "fussball123",
}


class TokenError(RuleError):
    """A link token that is tampered with, expired or already used; str() is a translated message."""


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """Translated reasons why `password` is too weak for this user (empty if it is fine)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            str(_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH))
        )
    lowered = password.casefold()
    if len(set(lowered)) < 5 or lowered in COMMON_PASSWORDS or any(lowered in run for run in KEYBOARD_RUNS):
        problems.append(str(_l("This password is too easy to guess. Please choose a less common one.")))
    personal = [email.casefold(), email.split("@")[0].casefold(), *name.casefold().split()]
    if any(len(part) >= 3 and part in lowered for part in personal):
        problems.append(str(_l("The password must not contain your name or email address.")))
    return problems


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(user: User, remember: bool = False) -> None:
    """Start a fresh session for `user`: nothing from before the sign-in survives (no fixation)."""
    session.clear()
    login_user(user, remember=remember)
    user.last_login_at = utcnow()


def sign_out(user: User) -> None:
    """End this and every other session of the user, including remember-me cookies."""
    user.session_version += 1
    logout_user()
    session.clear()


# --- tokens -----------------------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"vonhier-{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(str(_l("This link has expired. Please request a new one."))) from error
    except BadSignature as error:
        raise TokenError(
            str(_l("This link is invalid. Please check that you copied it completely."))
        ) from error


def _user_from(payload: dict) -> User:
    user = db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    if user is None or not user.is_active:
        raise TokenError(str(_l("This link is invalid. Please check that you copied it completely.")))
    return user


# --- registration and email confirmation ---------------------------------------------------------


def register(email: str, password: str, name: str, locale: str) -> User | None:
    """Create the account and mail a confirmation link; if the address already has an account, mail its
    owner instead and return None. The caller answers the same either way (no account enumeration)."""
    email = normalise_email(email)
    password_hash = hash_password(password)  # hashed in both cases: the same work whoever asks
    owner = find_by_email(email)
    if owner is None:
        user = User(email=email, name=name.strip(), locale=locale, password_hash=password_hash)
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # registered in parallel: the unique address decides
            # Not a SAVEPOINT: with pysqlite, releasing one that opened the transaction commits it.
            # Nothing else is written before registration in its request, so all of it is undone.
            db.session.rollback()
            owner = find_by_email(email)
        else:
            send_confirmation(user)
            return user
    mail.send(
        owner.email,
        _l("Someone tried to register with your email address"),
        "register_existing",
        locale=owner.locale,
        user=owner,
        sign_in=external_url("accounts.login"),
        reset=external_url("accounts.forgot_password"),
    )
    return None


def send_confirmation(user: User) -> None:
    token = make_token("confirm", {"user": user.id, "email": user.email})
    mail.send(
        user.email,
        _l("Please confirm your email address"),
        "confirm",
        locale=user.locale,
        user=user,
        link=external_url("accounts.confirm", token=token),
    )


def confirm_email(token: str) -> User:
    payload = read_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = _user_from(payload)
    if payload.get("email") != user.email:
        raise TokenError(str(_l("This link belongs to an older email address.")))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


# --- password reset and change --------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a reset link to an active account, else a mail saying there is none: the same queries and
    one outbox row either way, so neither the answer nor its timing tells whether the address exists."""
    email = normalise_email(email)
    user = find_by_email(email)
    if user is None or not user.is_active:
        mail.send(
            email,
            _l("%(label)s password reset: no account for this address", label=region.label_name()),
            "reset_no_account",
            locale=user.locale if user else _request_locale(),
            register=external_url("accounts.register"),
        )
        return
    token = make_token("reset", {"user": user.id, "pw": _fingerprint(user.password_hash)})
    mail.send(
        user.email,
        _l("Reset your %(label)s password", label=region.label_name()),
        "reset_password",
        locale=user.locale,
        user=user,
        link=external_url("accounts.reset_password", token=token),
    )


def _request_locale() -> str:
    """The language of the page the request came from: the best guess for an address without account."""
    return str(get_locale() or "de") if has_request_context() else "de"


def user_for_reset(token: str) -> User:
    payload = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = _user_from(payload)
    # The fingerprint of the old hash makes the link single-use: a new password invalidates it.
    if payload.get("pw") != _fingerprint(user.password_hash):
        raise TokenError(str(_l("This link has already been used. Please request a new one.")))
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password, end all other sessions and tell the owner of the address.

    The caller signs the user in again."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    mail.send(
        user.email,
        _l("Your %(label)s password was changed", label=region.label_name()),
        "password_changed",
        locale=user.locale,
        user=user,
        link=external_url("accounts.forgot_password"),
    )


def reset_password(user: User, password: str) -> None:
    set_password(user, password)
    # Following a link sent to the address proves it as well as the confirmation mail would.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()


def verify_password(user: User, password: str) -> bool:
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- email change ----------------------------------------------------------------------------------


def request_email_change(user: User, new_email: str) -> None:
    new_email = normalise_email(new_email)
    token = make_token("email", {"user": user.id, "old": user.email, "new": new_email})
    mail.send(
        new_email,
        _l("Confirm your new email address"),
        "change_email",
        locale=user.locale,
        user=user,
        link=external_url("accounts.confirm_email_change", token=token),
    )


def confirm_email_change(token: str) -> User:
    payload = read_token("email", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = _user_from(payload)
    if payload.get("old") != user.email:
        raise TokenError(str(_l("This link has already been used.")))
    if find_by_email(payload["new"]) is not None:
        raise TokenError(str(_l("This email address is already registered.")))
    old_address = user.email
    user.email = payload["new"]
    user.email_confirmed_at = utcnow()
    # The old address learns of the change, in case someone else made it.
    mail.send(
        old_address,
        _l("Your %(label)s email address was changed", label=region.label_name()),
        "email_changed",
        locale=user.locale,
        user=user,
        new_email=user.email,
    )
    return user


# --- Flask-Login wiring -----------------------------------------------------------------------------


def load_user(login_id: str) -> User | None:
    user_id, _, version = login_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def configure_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please sign in to open this page.")
    manager.login_message_category = "info"

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return render_error(401)
        flash(manager.login_message, "info")
        return redirect(url_for("accounts.login", next=safe_next(request.full_path.rstrip("?"))))
