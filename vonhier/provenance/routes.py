"""The resolver: GS1 Digital Link and short-code URLs, their provenance pages, linksets and QR images."""

import gzip
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import unquote, urlencode

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.lists import format_list
from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.http import is_resource_modified

from .. import clock, region, spreadsheet
from ..arguments import MAX_INTEGER, Arguments
from ..catalogue import services as catalogue
from ..catalogue.models import Product, ProductStatus
from ..database import german_key
from ..errors import abort_with
from ..extensions import db, limiter
from ..organisations.models import Organisation
from ..organisations.services import current_organisation
from ..outlets.signals import page_shown as outlet_page_shown
from ..permissions import login_required, requires, signed_in_user
from . import chart, gs1, hotpath, pages, qr, scans, services, sheets

bp = Blueprint("provenance", __name__)

GS1_VOC = "https://gs1.org/voc/"
# The forms of GS1's vocabulary a linkType may be written in, besides the `gs1:` prefix.
GS1_VOC_FORMS = re.compile(r"\Ahttps?://((ref|www)\.)?gs1\.org/voc/", re.IGNORECASE)
# Link types this resolver answers; any other is "not available" (404) with this list.
LINK_TYPES = ("gs1:pip", "gs1:certificationInfo", "gs1:defaultLink")
# The JSON-LD context of GS1 linksets (GS1 resolver standard 1.2), sent with every linkset.
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
CORS_METHODS = "GET, HEAD, OPTIONS"


@outlet_page_shown.connect
def _offered_panel(outlet, **_) -> str | None:
    """An outlet's page lists what it sells, linked to the products' pages here."""
    if offered := services.offered_products(outlet):
        return render_template("provenance/_outlet_offers.html", offered=offered)
    return None


@bp.route("/01/<path:rest>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/p/<code>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/p/<code>/<path:rest>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def resolve(code=None, rest=None):
    if request.method == "OPTIONS":
        return _preflight()
    path, image = hotpath.split_image(hotpath.raw_path(request.environ))
    try:
        address = hotpath.parse_address(path)
        if address.gtin is not None:
            gs1.check_query(address.qualifiers, request.query_string.decode("latin-1"))
    except (gs1.GS1Error, hotpath.BadAddress) as error:
        abort_with(400, str(error))
    if address.redirect is not None:
        # 301 for another spelling of the same address (GTIN-13, a trailing slash), so caches and
        # statistics agree; 307 for a walk-up, which must not be remembered. The query goes along.
        status, target = address.redirect
        target += f"/qr.{image}" if image else ""
        query = request.query_string.decode("ascii", "replace")
        return redirect(_absolute(target) + (f"?{query}" if query else ""), code=status)
    found = hotpath.handed_over(request.environ)
    if found is None and (address.gtin is not None or services.is_code(address.code)):
        found = pages.scan_facts(str(get_locale()), gtin=address.gtin, code=address.code, lot=address.lot)
    label = region.label_name()
    if found is None and address.gtin is not None:
        gtin = address.gtin
        abort_with(
            404, _("No product with the GTIN %(gtin)s is registered with %(label)s.", gtin=gtin, label=label)
        )
    if found is None:
        code = unquote(address.code)[:20]
        abort_with(
            404, _("No product with the code %(code)s is registered with %(label)s.", code=code, label=label)
        )
    return _answer(found, image)


def _preflight() -> Response:
    """The CORS preflight of a script on another site: GS1 resolvers answer anyone, without cookies."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = CORS_METHODS
    return response


def _link_type() -> str:
    """`linkset` (also for `all`), or one of LINK_TYPES in its `gs1:` form; 404 for any other."""
    link_type = request.args.get("linkType")
    if link_type is None:
        return "linkset" if hotpath.wants_linkset(request.accept_mimetypes) else "gs1:pip"
    link_type = GS1_VOC_FORMS.sub("gs1:", link_type, count=1)
    if link_type in ("linkset", "all"):
        return "linkset"
    if link_type in LINK_TYPES:
        return link_type
    abort_with(
        404,
        _("This link is not available for this product. Available: %(types)s.", types=", ".join(LINK_TYPES)),
    )


def _answer(found: pages.ScanFacts, image: str | None):
    if image:
        return _qr_image(found, image)
    link_type = _link_type()
    if link_type == "gs1:certificationInfo":
        if found.certificate_number is None:
            abort_with(404, _("This product has no %(label)s certificate.", label=region.label_name()))
        # The rest of the query goes along, as GS1 asks of a resolver's redirects.
        query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "linkType"])
        target = _absolute(url_for("certification.certificate", number=found.certificate_number))
        return _cors(redirect(target + (f"?{query}" if query else ""), code=307))
    if link_type == "linkset":
        response = _linkset(found)
        # Asked for by Accept or by linkType: a cache must keep it apart from the page either way.
        response.vary.add("Accept")
        response.vary.add("Accept-Language")  # its titles are translated
        return response
    return _provenance_page(found)


def _cors(response: Response) -> Response:
    # GS1 resolvers answer scripts on other sites too; nothing here depends on cookies.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _provenance_page(found: pages.ScanFacts):
    locale = str(get_locale())
    if request.method == "GET":
        scans.count(*hotpath.scan_key(found), locale)
    # Only what every anonymous visitor sees alike is stored: no menu of a signed-in user, no flash.
    shared = not current_user.is_authenticated and not session.get("_flashes")
    page = found.stored if shared else None
    # Rendered for the plain address only: the page's links carry the query it was asked with (the
    # language switch's `next`), which must not reach the next visitor (someone's utm_source, lang=en).
    shared = shared and not request.query_string and pages.storable(found)
    body = pages.stored_body(page) if page is not None else None
    if body is None:
        page = pages.fresh(found)
    if not is_resource_modified(request.environ, etag=page.etag, last_modified=page.last_modified):
        response = Response(status=304)
    else:
        if body is None:
            body = pages.render(found, locale)
            if shared:
                pages.store(found, locale, body, page.last_modified)
                db.session.commit()
        if hotpath.accepts_gzip(request.headers.get("Accept-Encoding")):
            response = Response(body, mimetype="text/html")
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = Response(gzip.decompress(body), mimetype="text/html")
    # A signed-in visitor sees their own menu: never in a shared cache.
    response.headers.extend(hotpath.page_headers(found, page, public=not current_user.is_authenticated))
    return response


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _linkset(found: pages.ScanFacts):
    locale = str(get_locale())
    anchor = found.url
    pip = {"href": anchor, "title": found.name(locale), "type": "text/html", "hreflang": ["de", "en"]}
    entry = {
        "anchor": anchor,
        "itemDescription": found.name(locale),
        GS1_VOC + "pip": [pip],
        GS1_VOC + "defaultLink": [pip],
    }
    if found.certificate_number is not None:
        entry[GS1_VOC + "certificationInfo"] = [
            {
                "href": _absolute(url_for("certification.certificate", number=found.certificate_number)),
                "title": _("Certificate %(number)s", number=found.certificate_number),
                "type": "text/html",
            }
        ]
    response = current_app.response_class(
        current_app.json.dumps({"linkset": [entry]}), mimetype=hotpath.LINKSET_TYPE
    )
    response.headers["Cache-Control"] = f"public, max-age={services.MAX_AGE}, must-revalidate"
    response.headers["Link"] = (
        f'<{LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )
    return _cors(response)


def _qr_image(found: pages.ScanFacts, kind: str):
    url = found.url
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
    message = _("The size must be a whole number of pixels from %(low)d to %(high)d.", low=low, high=high)
    return Arguments(request.args).whole("size", qr.PNG_DEFAULT, low, high, message)


@bp.get("/.well-known/gs1resolver")
def resolver_description():
    base, label = current_app.config["BASE_URL"], region.label_name()
    return _cors(
        current_app.response_class(
            current_app.json.dumps(
                {
                    "name": label,
                    "resolverRoot": base,
                    "supportedPrimaryKeys": ["01"],
                    "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
                    "linkTypeDefaultCanBeLinkset": True,
                    "linkTypeDefaultCanBeAll": True,
                    "supportedContextValuesEnumerated": list(current_app.config["LANGUAGES"]),
                    "jsonLdContextLocation": LINKSET_CONTEXT,
                    "resolverRootDescription": f"Provenance pages of products carrying the {label} label",
                }
            ),
            mimetype="application/json",
        )
    )


# --- scan statistics ---

SCAN_PERIODS = (7, 30, 90, 365)
DEFAULT_SCAN_PERIOD = 30
SCAN_CSV_COLUMNS = (_l("Day"), _l("Product number"), _l("Product"), _l("Lot"), _l("Language"), _l("Scans"))


@dataclass
class ScanQuery:
    """What a member asked to see: their current organisation's scans in a period, of one product or all."""

    organisation: Organisation
    products: list[Product]  # all of the organisation's products, archived ones too
    days: int
    since: date
    until: date
    product: Product | None

    @property
    def product_id(self) -> int | None:
        return self.product.id if self.product else None

    @property
    def args(self) -> dict:
        return {"days": self.days, **({"product": self.product.id} if self.product else {})}


def _scan_query() -> ScanQuery:
    organisation = current_organisation()
    given = Arguments(request.args, optional={"product"})
    periods = [str(days) for days in SCAN_PERIODS]
    days = int(
        given.choice("days", periods, _("Please choose a period of 7, 30, 90 or 365 days."))
        or DEFAULT_SCAN_PERIOD
    )
    product_id = given.whole("product", None, 0, MAX_INTEGER, _("Please choose a product from the list."))
    products = catalogue.products_of(organisation.id, status=None)
    product = None
    if product_id is not None:
        product = next((p for p in products if p.id == product_id), None)
        if product is None:
            # The same answer for unknown products and other organisations' products: nothing to learn.
            name = organisation.display_name
            abort_with(404, _("This product is not in the catalogue of %(name)s.", name=name))
    until = clock.local_now().date()
    return ScanQuery(organisation, products, days, until - timedelta(days=days - 1), until, product)


def _language_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(code).get_language_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code


@bp.get("/catalogue/scans", endpoint="scans")
@requires("member")
def scan_statistics():
    """How often the public pages of the organisation's products were opened, per day and per product."""
    query = _scan_query()
    locale = str(get_locale())
    per_day: Counter = Counter()
    for row in scans.daily(query.organisation.id, query.since, query.until, query.product_id):
        per_day[row[0]] += int(row[-1])
    days = [query.since + timedelta(days=n) for n in range(query.days)]
    values = [per_day[day] for day in days]
    by_product: dict[int, Counter] = {}
    for product_id, language, count in scans.summary(
        query.organisation.id, query.since, query.until, query.product_id
    ):
        by_product.setdefault(product_id, Counter())[language] += int(count)
    codes = list(current_app.config["LANGUAGES"])
    codes += sorted({code for counts in by_product.values() for code in counts} - set(codes))
    shown = (
        [query.product]
        if query.product
        else [p for p in query.products if p.id in by_product or not p.is_archived]
    )
    rows = sorted(
        ({"product": p, "languages": by_product.get(p.id, Counter())} for p in shown),
        key=lambda row: (-row["languages"].total(), german_key(row["product"].name(locale))),
    )
    return render_template(
        "provenance/scans.html",
        query=query,
        periods=SCAN_PERIODS,
        days=days,
        values=values,
        per_day=list(zip(days, values, strict=True)),
        total=sum(values),
        peak=max(range(len(values)), key=lambda i: (values[i], i)) if any(values) else None,
        chart=chart.bars(values),
        axis_dates=[format_skeleton("MMMd", day, locale=locale) for day in days],  # "3. Nov." / "Nov 3"
        language_columns=[(code, _language_name(code, locale)) for code in codes],
        rows=rows,
    )


@bp.get("/catalogue/scans.csv")
@requires("member")
def scans_csv():
    """The same scans as the page, one line per day, product, lot and language, for spreadsheets."""
    query = _scan_query()
    locale = str(get_locale())
    rows = (
        [day, product_id, (name_en if locale == "en" else "") or name_de, lot, language, count]
        for day, product_id, name_de, name_en, lot, language, count in scans.rows(
            query.organisation.id, query.since, query.until, query.product_id
        )
    )
    filename = f"vonhier-scans-{query.since.isoformat()}-{query.until.isoformat()}.csv"
    return spreadsheet.download(spreadsheet.table(SCAN_CSV_COLUMNS, rows), filename)


# --- print sheets ---

SHEET_SIZE = re.compile(r"\d{1,3}(?:[.,]\d)?")
SHEETS_CACHE = "private, max-age=300"  # for the organisation's members only: no shared caches


@bp.get("/labels/<int:product_id>")
@limiter.limit("30 per minute")
@login_required
def label_sheet(product_id):
    """The print form for a product's label sheet and, with `format=pdf`, the sheet itself: for members
    of the product's organisation and admins (a sheet is a stack of labels, not a public page)."""
    given = Arguments(request.args)
    output = given.choice("format", ("html", "pdf"), _("Unknown format. Use “pdf” for the label sheet."))
    lot = given.value("lot") or None
    page = services.load_page(_sheet_product(product_id, lot))
    if lot is not None and page.batch is None:
        abort_with(404, _("This product has no batch %(lot)s.", lot=lot[: hotpath.MAX_LOT]))
    url = page.url
    layout = sheets.LAYOUTS.get(given.value("layout", sheets.DEFAULT_LAYOUT))
    # A long lot makes a denser code: by default it is printed larger; a size typed in is kept or refused.
    size_text = given.value("size", format_decimal(sheets.default_size(url))).strip()
    size = float(size_text.replace(",", ".")) if SHEET_SIZE.fullmatch(size_text) else None
    errors = _sheet_errors(layout, size, url)
    if output != "pdf" or errors:
        return render_template(
            "provenance/sheet.html",
            page=page,
            lots=services.recent_lots(product_id),
            lot=lot,
            layouts=[
                (
                    option,
                    _sheet_label_size(option),
                    sheets.fits(option, url),
                    format_decimal(sheets.max_size(option, url)),
                )
                for option in sheets.LAYOUTS.values()
            ],
            layout_key=layout.key if layout else None,
            size_text=size_text[:10],
            min_size=format_decimal(sheets.min_size(url)),
            errors=errors,
        ), (400 if errors else 200)
    label = sheets.Label(
        url=url,
        name=page.product.name(str(get_locale())),
        short_url=re.sub(r"^https?://", "", url),
        mark=region.label_name(),
        certificate=_("Certificate %(number)s", number=page.certificate.number)
        if page.certificate is not None and page.status in services.PRINTED_CERTIFICATES
        else None,
    )
    etag = hashlib.sha256(
        repr([current_app.config["RELEASE"], "labels", layout, size, label]).encode()
    ).hexdigest()[:32]
    if not is_resource_modified(request.environ, etag=etag):
        response = Response(status=304)
    else:
        response = Response(sheets.build(label, layout, size), mimetype="application/pdf")
        name = f"vonhier-labels-{product_id}"
        if lot is not None:
            name += "-" + (re.sub(r"[^A-Za-z0-9._-]+", "-", lot).strip("-.") or "lot")
        response.headers.set("Content-Disposition", "attachment", filename=f"{name}.pdf")
    response.set_etag(etag)
    response.headers["Cache-Control"] = SHEETS_CACHE
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _sheet_errors(layout: sheets.Layout | None, size: float | None, url: str) -> dict[str, str]:
    """The print form's messages about the chosen layout and code size, by field (none when they fit)."""
    errors = {}
    if layout is None:
        errors["layout"] = _("Please choose one of the label sheets listed.")
    elif not sheets.fits(layout, url):
        errors["layout"] = _sheet_too_small(layout, url)
    if size is None:
        errors["size"] = _("Please enter the code size in millimetres as a number, for example 20 or 22.5.")
    elif size < sheets.min_size(url):
        errors["size"] = _(
            "For this address the code must be at least %(min)s mm wide, so that each of its dots is at "
            "least %(module)s mm; smaller, phones cannot read it reliably.",
            min=format_decimal(sheets.min_size(url)),
            module=format_decimal(qr.MIN_MODULE),
        )
    elif "layout" not in errors and size > sheets.max_size(layout, url):
        errors["size"] = _(
            "On labels of %(label)s the code can be at most %(max)s mm wide.",
            label=_sheet_label_size(layout),
            max=format_decimal(sheets.max_size(layout, url)),
        )
    return errors


def _sheet_product(product_id: int, lot: str | None) -> services.ProvenancePage:
    """An active product with its public code; archived and unknown products have no labels to print."""
    page = services.find_product(product_id, lot)
    if page is None:
        abort_with(404, _("There is no product with the number %(id)d.", id=product_id))
    services.require_label_printer(signed_in_user(), page.product)
    if page.product.status != ProductStatus.ACTIVE:
        abort_with(404, _("This product is no longer offered; no labels can be printed for it."))
    return page


def _sheet_too_small(layout: sheets.Layout, url: str) -> str:
    """Why the URL's code does not fit the layout, and the layouts it fits."""
    message = _(
        "This address needs a code of at least %(min)s mm, more than labels of %(label)s hold "
        "(at most %(max)s mm).",
        min=format_decimal(sheets.min_size(url)),
        label=_sheet_label_size(layout),
        max=format_decimal(sheets.max_size(layout, url)),
    )
    larger = [_sheet_label_size(option) for option in sheets.LAYOUTS.values() if sheets.fits(option, url)]
    if larger:
        message += " " + _(
            "Please choose labels of %(labels)s.", labels=format_list(larger, style="or", locale=get_locale())
        )
    return message


def _sheet_label_size(layout: sheets.Layout) -> str:
    return _(
        "%(width)s × %(height)s mm",
        width=format_decimal(layout.width),
        height=format_decimal(layout.height),
    )
