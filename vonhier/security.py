"""Security headers for every response and the check that keeps redirects on this site."""

from urllib.parse import urlsplit

from flask import Flask

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://*.tile.openstreetmap.org https://tile.openstreetmap.org",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


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
        ("Content-Security-Policy", CSP),
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
