"""Configuration read from environment variables, with safe defaults for local use."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from . import region

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY, else a random key kept in instance/ so local sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _release() -> str:
    """What tells cached public pages apart across deployments: RELEASE, else the code's newest change."""
    if release := os.environ.get("RELEASE"):
        return release
    # The pack's texts are on the stored pages too (the label's name, the region's).
    files = [
        *(ROOT / "vonhier").rglob("*.py"),
        *(ROOT / "templates").rglob("*.html"),
        *region.folder().glob("*.toml"),
    ]
    return str(int(max((f.stat().st_mtime for f in files), default=0)))


# The operator's details that the pack gives (`[operator]` in region.toml) and `OPERATOR_*` overrides.
OPERATOR = ("name", "address", "represented_by", "email", "phone", "register", "content_responsible")


def from_environment() -> dict:
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Secure cookies are only sent over HTTPS; a plain-HTTP local setup would lose its session.
    secure = _bool("COOKIE_SECURE", base_url.startswith("https://"))
    # One database serves one region (the migrations seed its pack): another pack, other local files.
    pack = region.folder().name
    suffix = "" if pack == region.DEFAULT else f"-{pack}"
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / f'vonhier{suffix}.sqlite'}")
    # The region pack names the label's sender and the operator; environment variables override them.
    pack = region.pack()
    operator = pack.operator
    # The operator issues the invoices; a pack without a VAT id shows a placeholder until one is set.
    vat_id = os.environ.get("INVOICE_VAT_ID", operator.get("vat_id", "DE000000000"))
    return {
        "SECRET_KEY": _secret_key(),
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # No ping before each use of a pooled connection: on PostgreSQL it cost more than a whole scan
        # (bench/README.md). A connection found dead (the server restarted) fails its request and makes
        # the pool drop all connections as old; scans try once more (`provenance.pages`).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE / f"uploads{suffix}")),
        # Phone photos are often 8–12 MB; they are downscaled on upload.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 20 * 1024 * 1024)),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", 10)),  # seconds the worker waits for the server
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", pack.label["mail_sender"]),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", "https://api.stripe.com"),
        "STRIPE_MAX_RETRIES": int(os.environ.get("STRIPE_MAX_RETRIES", 2)),
        # Where a form's redirect may take the browser (Checkout, Connect onboarding): the CSP's form-action.
        "STRIPE_REDIRECT_ORIGINS": os.environ.get(
            "STRIPE_REDIRECT_ORIGINS", "https://checkout.stripe.com https://connect.stripe.com"
        ),
        # Stripe Connect (pre-orders paid to the producer's own account): the Connect endpoint's signing
        # secret, the account type producers get, and the platform's fee in percent of each payment
        # (a decimal text such as "2.5"; 0: the producer receives everything but Stripe's own fees).
        "STRIPE_CONNECT_WEBHOOK_SECRET": os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", ""),
        "STRIPE_CONNECT_ACCOUNT_TYPE": os.environ.get("STRIPE_CONNECT_ACCOUNT_TYPE", "standard"),
        "STRIPE_APPLICATION_FEE_PERCENT": os.environ.get("STRIPE_APPLICATION_FEE_PERCENT", "0"),
        "LICENCE_TERMS_VERSION": os.environ.get("LICENCE_TERMS_VERSION", "2026-1"),
        # Month-day from which next year's licence can be accepted and paid as well as this year's.
        "LICENCE_NEXT_YEAR_FROM": os.environ.get("LICENCE_NEXT_YEAR_FROM", "10-01"),
        # Printed on invoices (a German invoice names the issuer with address and VAT id).
        "INVOICE_ISSUER": os.environ.get("INVOICE_ISSUER", operator["invoice_issuer"]),
        "INVOICE_VAT_ID": vat_id,
        "INVOICE_IBAN": os.environ.get("INVOICE_IBAN", "DE00 1000 0000 0000 0000 00"),
        # The operator named in the legal notice (/legal-notice; § 5 DDG, § 18 Abs. 2 MStV). Lines of the
        # address are separated by line breaks. A required detail left empty is shown as "not stated";
        # phone, register entry and VAT id are left out when empty (an association may have none).
        **{
            f"OPERATOR_{key.upper()}": os.environ.get(f"OPERATOR_{key.upper()}", operator.get(key, ""))
            for key in OPERATOR
        },
        "OPERATOR_VAT_ID": os.environ.get("OPERATOR_VAT_ID", vat_id),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_RESET": os.environ.get("RATELIMIT_RESET", "5 per hour"),
        "RATELIMIT_REGISTER": os.environ.get("RATELIMIT_REGISTER", "10 per hour"),
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "120 per minute"),
        # Orders need no account: a script must not reserve every unit or mail any address at will.
        "RATELIMIT_ORDERS": os.environ.get("RATELIMIT_ORDERS", "10 per minute;30 per hour"),
        "RATELIMIT_ORIGINS": os.environ.get("RATELIMIT_ORIGINS", "120 per minute;1200 per hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=1),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # bound to the session instead: forms left open overnight still work
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": region.pack().timezone.key,
        "LANGUAGES": ("de", "en"),
        "CONFIRM_TOKEN_MAX_AGE": int(os.environ.get("CONFIRM_TOKEN_MAX_AGE", 48 * 3600)),
        "RESET_TOKEN_MAX_AGE": int(os.environ.get("RESET_TOKEN_MAX_AGE", 3600)),
        "INVITE_TOKEN_MAX_AGE": int(os.environ.get("INVITE_TOKEN_MAX_AGE", 7 * 24 * 3600)),
        "RELEASE": _release(),
        # Without Redis, scans are counted in memory and written at most this many seconds later (0: at once).
        "SCAN_FLUSH_SECONDS": float(os.environ.get("SCAN_FLUSH_SECONDS", 5)),
        # Shared by every process and machine: scans are counted there as they happen (provenance/scans.py).
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "SCAN_KEY_PREFIX": os.environ.get("SCAN_KEY_PREFIX", "vonhier:"),
        # Seconds between the background worker's rounds (due mails, scans to move): the longest wait.
        "WORKER_POLL_SECONDS": float(os.environ.get("WORKER_POLL_SECONDS", 2)),
        # Stored pages kept in each process's memory (gzip, about 3–4 KB each): 64 MB hold ~16,000.
        "PAGE_CACHE_MB": float(os.environ.get("PAGE_CACHE_MB", 64)),
    }
