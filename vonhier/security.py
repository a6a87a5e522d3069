"""Security headers for every response and the check that keeps redirects on this site."""

import re
from urllib.parse import urlsplit

from flask import Flask

_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https://*.tile.openstreetmap.org https://tile.openstreetmap.org",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
]


def csp(config) -> str:
    """The Content-Security-Policy. Forms post to this site only, and may be redirected on to Stripe's
    pages (`STRIPE_REDIRECT_ORIGINS`: Checkout, Connect onboarding): browsers apply `form-action` to
    the redirect after a form too, so without them a payment's 303 to Stripe would be refused."""
    origins = [o for o in config.get("STRIPE_REDIRECT_ORIGINS", "").split() if re.fullmatch(_ORIGIN, o)]
    return "; ".join([*_CSP, " ".join(["form-action 'self'", *origins])])


_ORIGIN = r"https://[a-z0-9.-]+(:[0-9]{1,5})?"


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def headers(config) -> list[tuple[str, str]]:
    """The headers every response carries (the stored provenance pages send them without Flask)."""
    result = [
        ("Content-Security-Policy", csp(config)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "geolocation=(self), camera=(), microphone=()"),
    ]
    if config["SESSION_COOKIE_SECURE"]:
        result.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return result


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        for name, value in headers(app.config):
            response.headers.setdefault(name, value)
        return response
