"""The resolver: GS1 Digital Link and short-code URLs, their provenance pages, linksets and QR images."""

import csv
import sys
from urllib.parse import unquote

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified

from ..errors import abort_with
from . import gs1, qr, services

bp = Blueprint("provenance", __name__)
cli = AppGroup("qr", help="QR codes of the products' public pages.")

LINKSET_TYPE = "application/linkset+json"
GS1_VOC = "https://gs1.org/voc/"
# Link types this resolver answers; anything else of the form gs1:… is "not available" (404).
LINK_TYPES = ("gs1:pip", "gs1:certificationInfo", "gs1:defaultLink")
IMAGE_SUFFIXES = ("/qr.svg", "/qr.png")
# The same characters a batch form accepts (letters, digits, spaces, . - /), at most 40.
MAX_LOT = 40


def _raw_path() -> str:
    """The path as the client sent it, still percent-encoded: a lot may contain an encoded slash."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    return raw.split("?", 1)[0]


def _split_image(path: str) -> tuple[str, str | None]:
    for suffix in IMAGE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix[4:]
    return path, None


@bp.get("/01/<path:rest>")
def gs1_link(rest):
    path, image = _split_image(_raw_path())
    try:
        link = gs1.parse_path(path)
    except gs1.GS1Error as error:
        abort_with(400, str(error))
    canonical = gs1.path(link.gtin, link.lot)
    if path != canonical:
        # GTIN-13 and other short forms: one address per product, so caches and statistics agree.
        target = canonical + (f"/qr.{image}" if image else "")
        query = request.query_string.decode("ascii", "replace")
        return redirect(target + (f"?{query}" if query else ""), code=301)
    page = services.find(gtin=link.gtin)
    if page is None:
        abort_with(404, _("No product with the GTIN %(gtin)s is registered with VON HIER.", gtin=link.gtin))
    return _answer(page, link.lot, image)


@bp.get("/p/<code>")
@bp.get("/p/<code>/<path:rest>")
def code_link(code, rest=None):
    path, image = _split_image(_raw_path())
    segments = path.split("/")  # "", "p", code[, lot]
    if len(segments) > 4:
        abort_with(400, _("A lot number is one part of the address; a slash in it must be encoded as %%2F."))
    lot = None
    if len(segments) == 4:
        lot = _lot(segments[3])
    page = services.find(code=code) if services.is_code(code) else None
    if page is None:
        abort_with(404, _("No product with the code %(code)s is registered with VON HIER.", code=code[:20]))
    return _answer(page, lot, image)


def _lot(segment: str) -> str:
    try:
        lot = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        abort_with(400, _("This is not a valid lot number."))
    if not lot or len(lot) > MAX_LOT or not all(ch.isalnum() or ch in "._-/ " for ch in lot):
        abort_with(400, _("This is not a valid lot number."))
    return lot


def _link_type() -> str:
    link_type = request.args.get("linkType")
    if link_type is None:
        wants_linkset = request.accept_mimetypes.best_match([LINKSET_TYPE, "text/html"]) == LINKSET_TYPE
        return "linkset" if wants_linkset and request.accept_mimetypes[LINKSET_TYPE] else "gs1:pip"
    if link_type in ("linkset", "all", *LINK_TYPES):
        return link_type
    if link_type.startswith("gs1:") and link_type[4:].isalnum() and len(link_type) < 60:
        abort_with(
            404,
            _("This link is not available for this product. Available: %(types)s.", types=", ".join(LINK_TYPES)),
        )
    abort_with(400, _("Unknown link type. Use one of: %(types)s, linkset.", types=", ".join(LINK_TYPES)))


def _answer(page: services.Page, lot: str | None, image: str | None):
    if image:
        return _qr_image(page, lot, image)
    link_type = _link_type()
    if link_type == "gs1:certificationInfo":
        services.load_page(page)
        if page.certificate is None:
            abort_with(404, _("This product has no VON HIER certificate."))
        return redirect(url_for("certification.certificate", number=page.certificate.number), code=307)
    if link_type in ("linkset", "all"):
        return _linkset(page, lot)
    return _provenance_page(page, lot)


def _cors(response: Response) -> Response:
    # GS1 resolvers answer scripts on other sites too; nothing here depends on cookies.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _provenance_page(page: services.Page, lot: str | None):
    services.load_page(page, lot)
    locale = str(get_locale())
    etag, last_modified = page.etag(locale), page.last_modified()
    if request.method == "GET":
        services.scans.add(current_app._get_current_object(), page.product.id, page.lot, locale)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = Response(
            render_template(
                "provenance/page.html",
                page=page,
                json_ld=services.json_ld(
                    page,
                    locale,
                    _absolute(url_for("media.image", name=page.image)) if page.image else None,
                    _absolute(url_for("certification.certificate", number=page.certificate.number))
                    if page.certificate
                    else None,
                ),
                main_ingredient=services.main_ingredient(page),
                processing=services.processing_places(page),
                points_of_sale=services.points_of_sale(page),
            )
        )
    response.set_etag(etag)
    response.last_modified = last_modified
    # A signed-in visitor sees their own menu: never in a shared cache.
    visibility = "private" if current_user.is_authenticated else "public"
    response.headers["Cache-Control"] = f"{visibility}, max-age={services.MAX_AGE}, must-revalidate"
    response.vary.update(("Accept-Language", "Cookie"))
    return _cors(response)


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _linkset(page: services.Page, lot: str | None):
    services.load_page(page, lot)
    locale = str(get_locale())
    anchor = page.url
    pip = {"href": anchor, "title": page.product.name(locale), "type": "text/html", "hreflang": ["de", "en"]}
    entry = {
        "anchor": anchor,
        "itemDescription": page.product.name(locale),
        GS1_VOC + "pip": [pip],
        GS1_VOC + "defaultLink": [pip],
    }
    if page.certificate is not None:
        entry[GS1_VOC + "certificationInfo"] = [
            {
                "href": _absolute(url_for("certification.certificate", number=page.certificate.number)),
                "title": _("Certificate %(number)s", number=page.certificate.number),
                "type": "text/html",
            }
        ]
    response = current_app.response_class(
        current_app.json.dumps({"linkset": [entry]}), mimetype=LINKSET_TYPE
    )
    response.headers["Cache-Control"] = f"public, max-age={services.MAX_AGE}, must-revalidate"
    return _cors(response)


def _qr_image(page: services.Page, lot: str | None, kind: str):
    url = services.public_url(page.product.gtin, page.code, lot)
    if kind == "svg":
        if "size" in request.args:
            abort_with(400, _("An SVG image scales to any size; leave out “size”."))
        size, mimetype = None, "image/svg+xml"
    else:
        size, mimetype = _png_size(), "image/png"
    etag = qr.etag(url, kind, size)
    if not is_resource_modified(request.environ, etag=etag):
        response = Response(status=304)
    else:
        body = qr.svg(url) if kind == "svg" else qr.png(url, size)
        response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return _cors(response)


def _png_size() -> int:
    low, high = qr.PNG_SIZES
    value = request.args.get("size", str(qr.PNG_DEFAULT))
    if not (value.isascii() and value.isdigit() and len(value) <= 5 and low <= int(value) <= high):
        abort_with(400, _("The size must be a whole number of pixels from %(low)d to %(high)d.", low=low, high=high))
    return int(value)


@bp.get("/.well-known/gs1resolver")
def resolver_description():
    base = current_app.config["BASE_URL"]
    return _cors(
        current_app.response_class(
            current_app.json.dumps(
                {
                    "name": "VON HIER",
                    "resolverRoot": base,
                    "supportedPrimaryKeys": ["01"],
                    "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
                    "linkTypeDefaultCanBeLinkset": True,
                    "linkTypeDefaultCanBeAll": True,
                    "supportedContextValuesEnumerated": list(current_app.config["LANGUAGES"]),
                    "resolverRootDescription": "Provenance pages of products carrying the VON HIER label",
                }
            ),
            mimetype="application/json",
        )
    )


@cli.command("urls")
def print_urls():
    """CSV of every active product's and batch's public URL and QR image, for bulk printing."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["product_id", "lot", "url", "qr_svg"])
    for row in services.active_codes():
        writer.writerow([row.product_id, row.lot or "", row.url, row.svg_url])
