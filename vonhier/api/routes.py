"""The public read-only JSON API under /api/v1/ and the open-data downloads under /open-data.

Every request's query is checked against the parameters its endpoint knows: an unknown name or a
bad value is a 400 with a translated sentence (`errors.render_error` makes it JSON under /api/).
Responses are cacheable for a minute, open to every origin (CORS) and rate-limited per client.
"""

import re
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from .. import region, spreadsheet
from ..arguments import MAX_INTEGER, Arguments
from ..certification.models import CertificateStatus
from ..discover import search as product_search
from ..errors import abort_with
from ..extensions import csrf, limiter
from ..organisations.models import OrgKind
from ..outlets import finder
from ..outlets.models import OutletKind
from . import openapi, resources, services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
opendata = Blueprint("opendata", __name__, url_prefix="/open-data")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_ID = MAX_INTEGER
CACHE = "public, max-age=60"
DOWNLOAD_CACHE = "public, max-age=300"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Certificate numbers look like VH-2026-000001; anything else cannot be one (and never reaches SQL).
CERTIFICATE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")
# Parameters every endpoint understands.
COMMON = ("lang",)


def _rate_limit() -> str:
    return current_app.config["RATELIMIT_API"]


csrf.exempt(bp)
limiter.limit(_rate_limit)(bp)
limiter.limit(_rate_limit)(opendata)


@bp.after_app_request
def _public_headers(response):
    """CORS and caching for the API (errors included: a browser script must be able to read them)."""
    download = request.blueprint == "opendata" and request.endpoint != "opendata.page"
    if request.path.startswith("/api/") or download:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"
        )
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "86400"
        if response.status_code == 200 and request.method in ("GET", "HEAD"):
            cache = DOWNLOAD_CACHE if download else CACHE
            if current_user.is_authenticated:
                # Messages follow a signed-in visitor's language preference: not for shared caches.
                cache = cache.replace("public", "private")
            response.headers["Cache-Control"] = cache
            response.vary.add("Accept-Language")
        else:
            response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- parameters ---------------------------------------------------------------------------------------


def _query(*allowed: str) -> Arguments:
    """The request's query arguments, checked against what the endpoint allows, and the language."""
    query = Arguments(request.args, (*allowed, *COMMON), once=True)
    _check_language(query)
    return query


def _check_language(query: Arguments) -> None:
    """`lang`, which every endpoint understands, names a language we have (else 400)."""
    query.choice(
        "lang",
        current_app.config["LANGUAGES"],
        lambda value: _("Unknown language “%(value)s”. Use de or en.", value=value),
    )


def _page(query: Arguments) -> tuple[int, int]:
    return (
        query.whole("page", 1, 1, MAX_PAGE),
        query.whole("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def _category(query: Arguments):
    slug = query.choice("category", [c.slug for c in services.categories()])
    return services.category_by_slug(slug).id if slug else None


def _organisation(query: Arguments) -> int | None:
    return query.whole("organisation", None, 1, MAX_ID)


def _id(value: str) -> int:
    """A path id: digits only (else 400); ids beyond 32 bits exist nowhere (404)."""
    digits = value.lstrip("0") if value.isascii() and value.isdigit() else ""
    if not digits:
        abort_with(400, _("The id must be a whole number greater than 0."))
    if len(digits) > 10 or int(digits) > MAX_ID:
        _not_found()
    return int(digits)


def _not_found():
    abort_with(404, _("There is no such public entry."))


def _listing(endpoint: str, page: services.ResultPage, items: list[dict], **values) -> dict:
    """A page of a list, with links to itself and its neighbours (same filters); `values` are the
    endpoint's path arguments."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")]
    base = current_app.config["BASE_URL"] + url_for(endpoint, **values)

    def link(number: int) -> str:
        return base + "?" + urlencode([*kept, ("page", number), ("per_page", page.per_page)])

    last = max(1, -(-page.total // page.per_page))
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "links": {
            "self": link(page.page),
            "next": link(page.page + 1) if page.page < last else None,
            "prev": link(min(page.page - 1, last)) if page.page > 1 else None,
        },
    }


def _locale() -> str:
    return str(get_locale())


# --- the API ------------------------------------------------------------------------------------------


@bp.get("/", strict_slashes=False)
def index():
    _query()
    base = current_app.config["BASE_URL"]
    return {
        "name": f"{region.label_name()} public API",
        "version": openapi.VERSION,
        "openapi": base + url_for("api.openapi_document"),
        "resources": {
            "products": base + url_for("api.products"),
            "organisations": base + url_for("api.organisations"),
            "outlets": base + url_for("api.outlets"),
            "certificates": base + url_for("api.certificates"),
            "search": base + url_for("api.search"),
        },
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "attribution": attribution(),
    }


@bp.get("/openapi.json")
def openapi_document():
    _query()
    return openapi.document(
        current_app.config["BASE_URL"], [c.slug for c in services.categories()], _state_codes()
    )


# The product catalogue's search (`discover.search`): with any of these, /products answers it.
PRODUCT_SEARCH = ("q", "near", "lat", "lon", "radius", "criteria", "free_of", "husbandry", "regional", "sort")


@bp.get("/products")
def products():
    if any(name in request.args for name in PRODUCT_SEARCH):
        return _product_search()
    query = _query("page", "per_page", "category", "district", "organisation", "status")
    page, per_page = _page(query)
    category_id = _category(query)
    district = query.text("district", 80)
    organisation_id = _organisation(query)
    status = query.choice("status", [s.value for s in CertificateStatus])
    found = services.products(
        page,
        per_page,
        category_id=category_id,
        district=district,
        organisation_id=organisation_id,
        status=CertificateStatus(status) if status else None,
    )
    return _listing("api.products", found, resources.products(found.items))


def _product_search():
    """The public catalogue's search as JSON: products certified today, nearest first with a place
    (else by name), each with its distance in km from the place; the catalogue page's parameters
    (`discover.search.parse`, unknown names refused) plus `per_page`."""
    query = _query("page", "per_page", "category", "district", "organisation", "status", *PRODUCT_SEARCH)
    if query.value("status") is not None:
        abort_with(400, _("The search finds products certified today: “status” cannot be combined with it."))
    _page_number, per_page = _page(query)
    search_args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "per_page"])
    found = product_search.search_products(
        product_search.parse(search_args, strict=True, allowed=("per_page",)), per_page
    )
    entries = services.entries_of([card.product.id for card in found.cards])
    items = [
        {**item, "km": card.km} for card, item in zip(found.cards, resources.products(entries), strict=True)
    ]
    page = services.ResultPage(items, found.total, found.query.page, per_page)
    return {
        **_listing("api.products", page, items),
        "centre": (
            {"name": found.centre.name, "lat": found.centre.lat, "lon": found.centre.lon}
            if found.centre is not None
            else None
        ),
        "radius_km": found.query.radius if found.centre is not None else None,
        "sort": found.sort,
    }


@bp.get("/products/<product_id>")
def product(product_id):
    _query()
    entry = services.product(_id(product_id))
    if entry is None:
        _not_found()
    return resources.products([entry], detail=True)[0]


@bp.get("/organisations")
def organisations():
    query = _query("page", "per_page", "kind", "district")
    page, per_page = _page(query)
    kind = query.choice("kind", [k.value for k in OrgKind])
    district = query.text("district", 80)
    found = services.organisations(page, per_page, kind=kind, district=district)
    return _listing("api.organisations", found, [resources.organisation(o) for o in found.items])


@bp.get("/organisations/<organisation_id>")
def organisation(organisation_id):
    _query()
    found = services.organisation(_id(organisation_id))
    if found is None:
        _not_found()
    return resources.organisation(found, detail=True)


def _state_codes() -> list[str]:
    return [state.code for state in region.pack().states]


@bp.get("/outlets")
def outlets():
    query = _query("page", "per_page", "kind", "category", "organisation", "state")
    page, per_page = _page(query)
    kinds = query.choices("kind", [k.value for k in OutletKind])
    category_id = _category(query)
    organisation_id = _organisation(query)
    state = query.choice("state", _state_codes()) or ""
    found = services.outlets(
        page, per_page, kinds=kinds, category_id=category_id, organisation_id=organisation_id, state=state
    )
    return _listing("api.outlets", found, resources.outlets(found.items, _locale()))


@bp.get("/outlets/<outlet_id>")
def outlet(outlet_id):
    _query()
    found = services.outlet(_id(outlet_id))
    if found is None:
        _not_found()
    return resources.outlets([found], _locale())[0]


@bp.get("/outlets/<outlet_id>/offers")
def outlet_offers(outlet_id):
    """What can be pre-ordered at an outlet (offers, never orders), a page of them."""
    query = _query("page", "per_page")
    page, per_page = _page(query)
    found = services.outlet(_id(outlet_id))
    if found is None:
        _not_found()
    offers = services.outlet_offers(found.id, page, per_page)
    items = [resources.offer(offer) for offer in offers.items]
    return _listing("api.outlet_offers", offers, items, outlet_id=found.id)


@bp.get("/certificates")
def certificates():
    query = _query("page", "per_page", "status", "organisation")
    page, per_page = _page(query)
    status = query.choice("status", [s.value for s in CertificateStatus])
    organisation_id = _organisation(query)
    found = services.certificates(
        page, per_page, status=CertificateStatus(status) if status else None, organisation_id=organisation_id
    )
    return _listing("api.certificates", found, [resources.certificate(c) for c in found.items])


@bp.get("/certificates/<number>")
def certificate(number):
    _query()
    if not CERTIFICATE_NUMBER.fullmatch(number):
        _not_found()
    found = services.certificate(number)
    if found is None:
        _not_found()
    return resources.certificate(found)


@bp.get("/search")
def search():
    """The consumer finder (`outlets.finder`) as JSON: the same parameters and results as the public
    finder page, nearest first, `finder.PAGE_SIZE` per page; unknown parameters are refused (by the
    finder's strict parsing), and so is an unknown language, as everywhere in the API."""
    _check_language(Arguments(request.args, once=True))
    found = finder.search_outlets(finder.parse(request.args, strict=True), locale=_locale())
    distances = {hit.outlet.id: hit.km for hit in found.hits}
    outlets = services.outlets_by_id(list(distances))
    items = [
        {**item, "km": distances[item["id"]]}
        for item in resources.outlets([outlets[outlet_id] for outlet_id in distances], _locale())
    ]
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    base = current_app.config["BASE_URL"] + url_for("api.search")

    def link(number: int) -> str:
        return base + "?" + urlencode([*kept, ("page", number)])

    page, pages = found.query.page, found.pages
    return {
        "items": items,
        "page": page,
        "per_page": finder.PAGE_SIZE,
        "total": found.total,
        "centre": (
            {"name": found.centre.name, "lat": found.centre.lat, "lon": found.centre.lon}
            if found.centre is not None
            else None
        ),
        "radius_km": found.query.radius if found.centre is not None else None,
        "links": {
            "self": link(page),
            "next": link(page + 1) if page < pages else None,
            "prev": link(min(page - 1, pages)) if page > 1 else None,
        },
    }


# --- open data ----------------------------------------------------------------------------------------


def source() -> str:
    """Whom users of the open data name: the label and its operator."""
    return f"{region.label_name()} – {current_app.config['OPERATOR_NAME']}"


def attribution() -> str:
    return (
        f"{source()}, CC BY 4.0. Place names: GeoNames (geonames.org), CC BY 4.0. "
        "Opening hours in the OpenStreetMap opening_hours syntax; "
        "map tiles © OpenStreetMap contributors (ODbL)."
    )


@opendata.get("/")
def page():
    return render_template("api/open_data.html", licence_url=LICENCE_URL, source=source())


@opendata.get("/outlets.geojson")
def outlets_geojson():
    features = []
    for item in resources.outlets(services.all_outlets(), _locale()):
        coordinates = item.pop("coordinates")
        features.append(
            {
                "type": "Feature",
                "id": item["id"],
                # RFC 7946: longitude first.
                "geometry": {"type": "Point", "coordinates": [coordinates["lon"], coordinates["lat"]]},
                "properties": {
                    "name": item["name"],
                    "kind": item["kind"],
                    "organisation": item["organisation"]["name"],
                    "organisation_id": item["organisation"]["id"],
                    "street": item["address"]["street"],
                    "postcode": item["address"]["postcode"],
                    "town": item["address"]["town"],
                    "state": item["address"]["state"],
                    "opening_hours": item["opening_hours"],
                    "website": item["website"],
                    "delivery_radius_km": item["delivery_radius_km"],
                    "payment_cash": item["payment"]["cash"],
                    "payment_card": item["payment"]["card"],
                    "payment_mobile": item["payment"]["mobile"],
                    "categories": [c["slug"] for c in item["categories"]],
                    "products": [p["name_de"] for p in item["products"]],
                    "url": item["page_url"],
                },
            }
        )
    body = {
        "type": "FeatureCollection",
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "attribution": attribution(),
        "features": features,
    }
    response = current_app.json.response(body)
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = 'attachment; filename="vonhier-outlets.geojson"'
    return response


REGISTER_COLUMNS = (
    "product_id",
    "product",
    "category",
    "producer",
    "district",
    "town",
    "gtin",
    "url",
    "certificate",
    "status",
    "valid_until",
    "certification_body",
    "allergens_recorded",
    "allergens",
    "allergen_traces",
)


@opendata.get("/register.csv")
def register_csv():
    entries = services.register_entries()
    rows = (
        [
            row["id"],
            row["name_de"],
            row["category"]["slug"],
            row["producer"]["name"],
            entry.product.organisation.district,
            entry.product.organisation.town,
            row["gtin"],
            row["url"],
            row["certificate"]["number"],
            row["certificate"]["status"],
            row["certificate"]["valid_until"],
            entry.certificate.certification_body.display_name,
            "yes" if row["allergens"]["recorded"] else "no",
            "|".join(found["allergen"] for found in row["allergens"]["contains"]),
            "|".join(row["allergens"]["traces"]),
        ]
        for entry, row in zip(entries, resources.products(entries), strict=True)
    )
    return spreadsheet.download(spreadsheet.table(REGISTER_COLUMNS, rows), "vonhier-register.csv")
