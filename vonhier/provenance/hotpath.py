"""The scan of a stored provenance page, answered before Flask: the hot path.

A phone that scans a label sends a plain GET: no query, no cookie but perhaps the language one. For
such a request `StoredPages` reads the scan's facts (one statement, `pages.scan_facts`); when a
stored page may be sent, it counts the scan and sends the page (from the process's cache of bodies)
with the headers the view sends. It skips Flask's request machinery (session, login, rate limits,
hooks), which costs more than the answer itself (bench/README.md). Every other request goes on to
Flask unchanged; when a page has to be rendered first, the facts read here are handed over.
"""

from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import unquote

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import http_date, is_resource_modified, parse_accept_header, parse_cookie, quote_etag

from .. import i18n, security
from . import gs1, pages, scans, services

LINKSET_TYPE = "application/linkset+json"
IMAGE_SUFFIXES = ("/qr.svg", "/qr.png")
# The same characters a batch form accepts (letters, digits, spaces, . - /), at most 40.
MAX_LOT = 40
FOUND = "vonhier.provenance.found"  # the environ key of the facts handed over to the view


def raw_path(environ) -> str:
    """The path as the client sent it, still percent-encoded: a lot may contain an encoded slash."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        return environ.get("PATH_INFO", "")
    return raw.split("?", 1)[0]


def split_image(path: str) -> tuple[str, str | None]:
    for suffix in IMAGE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix[4:]
    return path, None


def parse_lot(segment: str) -> str | None:
    """The lot of a short-code address (one percent-encoded segment); None if it is none we accept."""
    try:
        lot = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return None
    if not lot or len(lot) > MAX_LOT or not all(ch.isalnum() or ch in "._-/ " for ch in lot):
        return None
    return lot


class BadAddress(ValueError):
    """A short-code address that cannot be read; the message is a translated sentence."""


@dataclass(frozen=True)
class Address:
    """A product or lot address: a GTIN (`/01/…`) or a short code (`/p/…`), and perhaps a lot."""

    gtin: str | None
    code: str | None
    lot: str | None
    # None for the form our QR codes hold (GTIN-14); else the status and path the view redirects to.
    redirect: tuple[int, str] | None = None
    qualifiers: tuple[str, ...] = ()  # of a GS1 address: the AIs in its path after the GTIN

    @property
    def canonical(self) -> bool:
        return self.redirect is None


def parse_address(path: str) -> Address:
    """Read `/01/{gtin}[/10/{lot}]` or `/p/{code}[/{lot}]` (percent-encoded as sent); raises
    gs1.GS1Error or BadAddress. The view and the hot path read addresses only through this."""
    if path.endswith("/") and path.count("/") > 2:
        # A trailing slash is tolerated, as GS1 asks: redirected to the address without it.
        inner = parse_address(path[:-1])
        return replace(inner, redirect=inner.redirect or (301, path[:-1]))
    if path.startswith("/01/"):
        link = gs1.parse_path(path)
        return Address(link.gtin, None, link.lot, link.redirect, link.qualifiers)
    segments = path.split("/")  # "", "p", code[, lot]
    if len(segments) > 4:
        raise BadAddress(
            _l("A lot number is one part of the address; a slash in it must be encoded as %%2F.")
        )
    lot = None
    if len(segments) == 4 and (lot := parse_lot(segments[3])) is None:
        raise BadAddress(_l("This is not a valid lot number."))
    return Address(None, segments[2], lot)


def wants_linkset(accept: MIMEAccept) -> bool:
    """The linkset only for a client that names it and prefers it to HTML: `*/*` (curl, scanner apps,
    link previews) gets the page."""
    named = max((quality for value, quality in accept if value.lower() == LINKSET_TYPE), default=0)
    return named > 0 and named >= accept["text/html"]


# Phones send a handful of distinct headers: each is parsed once per process, not on every scan.
@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    return parse_accept_header(accept_encoding)["gzip"] > 0


@lru_cache(maxsize=256)
def _wants_linkset(accept: str | None) -> bool:
    return wants_linkset(parse_accept_header(accept, MIMEAccept))


def scan_key(found: pages.ScanFacts) -> tuple[int, str | None]:
    """What a scan counts for: a lot nobody entered counts for the product, so made-up lots don't
    fill the statistics."""
    return found.product_id, found.lot if found.has_batch else None


def page_headers(found: pages.ScanFacts, page: pages.StoredPage, public: bool) -> list[tuple[str, str]]:
    # A signed-in visitor sees their own menu: never in a shared cache.
    visibility = "public" if public else "private"
    return [
        ("ETag", quote_etag(page.etag)),
        ("Last-Modified", http_date(page.last_modified)),
        ("Link", f'<{found.url}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}"'),
        ("Cache-Control", f"{visibility}, max-age={services.MAX_AGE}, must-revalidate"),
        ("Vary", "Accept, Accept-Encoding, Accept-Language, Cookie"),
        # GS1 resolvers answer scripts on other sites too; nothing here depends on cookies.
        ("Access-Control-Allow-Origin", "*"),
    ]


def handed_over(environ) -> pages.ScanFacts | None:
    return environ.pop(FOUND, None)


class StoredPages:
    """WSGI layer in front of the Flask application; see the module's description."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(("/01/", "/p/")):
            cookies = parse_cookie(environ.get("HTTP_COOKIE"))
            if _plain(environ, cookies):
                with self.app.app_context():
                    answer = self._answer(environ, cookies.get(i18n.LANG_COOKIE))
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, headers)
                    return [body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ, cookie: str | None):
        path, image = split_image(raw_path(environ))
        if image is not None:
            return None
        locale = i18n.anonymous_locale(cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))
        found = _lookup(path, locale)
        if found is None:
            return None
        page = found.stored
        body = pages.stored_body(page) if page is not None else None
        if body is None:
            environ[FOUND] = found
            return None
        get = environ["REQUEST_METHOD"] == "GET"
        if get:
            scans.count(*scan_key(found), locale)
        headers = page_headers(found, page, public=True) + security.headers(self.app.config)
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and not is_resource_modified(
            environ, etag=page.etag, last_modified=page.last_modified
        ):
            return "304 NOT MODIFIED", headers, b""
        headers += [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(body))),
        ]
        return "200 OK", headers, body if get else b""


def _plain(environ, cookies) -> bool:
    """A request every anonymous visitor would get the same stored page for."""
    return (
        environ["REQUEST_METHOD"] in ("GET", "HEAD")
        and not environ.get("QUERY_STRING")
        and "HTTP_AUTHORIZATION" not in environ
        and all(name == i18n.LANG_COOKIE for name in cookies)
        and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        and not _wants_linkset(environ.get("HTTP_ACCEPT"))
    )


def _lookup(path: str, locale: str) -> pages.ScanFacts | None:
    """The facts of a canonical product or lot address; None for anything the view must answer."""
    try:
        address = parse_address(path)
    except (gs1.GS1Error, BadAddress):
        return None
    if not address.canonical or (address.code is not None and not services.is_code(address.code)):
        return None
    return pages.scan_facts(locale, gtin=address.gtin, code=address.code, lot=address.lot)
