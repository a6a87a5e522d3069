"""The public product catalogue's search: every product certified today of an organisation with a current
licence, by German free text, category, criteria, district, producer and distance. The page and the
API call the same two functions: `parse` (the query from URL parameters, on `arguments.Arguments`) and
`search_products` (one page of cards, and how many products match).

"Near" is measured from the producer's organisation address: the place the product is made and sold
from first, the one location every product has (sites are optional, outlets may be a market stand
in Berlin for a farm in the Uckermark), and the one the provenance page names as the producer's.

How it stays fast at 100,000 products (bench/search.py, figures in bench/README.md): one statement
answers a page and the count. The matching products (id, name, distance) are a
`MATERIALIZED` CTE; the database counts them and sorts them in German order (`database.german`:
ICU on PostgreSQL, the `german_key` collation on SQLite), keeping only the page's rows (a top-N
sort). Reading every match into Python to count and sort it there cost more than the statement itself
("Käse" alone: about 4,000 rows; PostgreSQL 37 → 12 ms of Python per search, SQLite text alone p50
81 → 50 ms). Only the page's rows become cards, in a fixed number of queries. The distance is a
bounding box on the organisations' (latitude, longitude) index, then the exact haversine
(`geo.services.within_radius`); with a place the text is checked row by row on the few candidates
left (as the finder does), without one the text index picks the rows (`search.matching_ids`) and
each match is read from `ix_products_active_listing` and checked for a licence. What is left is the
statement's own work, proportional to the matches. The statements are planned for their values
(`database.plan_with_values`): a prepared statement's generic plan made this search 40 % slower.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select
from sqlalchemy.orm import aliased, contains_eager
from werkzeug.datastructures import MultiDict

from ..arguments import MAX_INTEGER, Arguments
from ..catalogue.models import Allergen, Category, Product, ProductImage, ProductStatus, ProductVersion
from ..catalogue.services import free_of, public_paths
from ..certification.certificates import certified_today
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..clock import utcnow
from ..database import german, plan_with_values
from ..display_names import display_name
from ..extensions import db
from ..geo.services import within_radius
from ..organisations.models import Organisation
from ..organisations.services import districts
from ..outlets import finder
from ..outlets.models import Outlet, outlet_products
from ..payments import services as payments
from ..payments.models import Licence
from ..search import services as text_search
from ..zero_results import Filter, Hint, explain

PAGE_SIZE = 20
MAX_PAGE = 500
OUTLETS_ON_CARD = 3
SORTS = ("distance", "name")
HUSBANDRY_LEVELS = (1, 2, 3, 4, 5)
RADII = (5, 10, 20, 25, 30, 50, 75, 100)  # the page's choices; the API takes any whole km in range
REGIONAL_SHARES = (70, 80, 90, 100)  # offered by the form; any whole percentage is taken
# Yes/no criteria of the product data, the finder's own (label, condition). Allergens ("ohne Gluten")
# come as a parameter of their own (`free_of`), not here: they are many and take a list of codes.
CRITERIA = {name: finder.CRITERIA[name] for name in ("organic", "gmo_free")}
ALLERGENS = tuple(a.value for a in Allergen)  # `free_of`'s values, in the annex's order
PARAMETERS = {
    *("q", "near", "lat", "lon", "radius", "category", "criteria", "free_of", "husbandry", "regional"),
    *("district", "organisation", "sort", "page", "lang"),
}


@dataclass
class ProductQuery:
    """What a shopper asked the catalogue for (`parse` reads it from the address)."""

    text: str = ""
    where: str = ""  # the place typed (parameter `near`); `where` as `finder.centre` reads it
    lat: float | None = None
    lon: float | None = None
    radius: int = finder.DEFAULT_RADIUS_KM
    category: str = ""
    criteria: tuple[str, ...] = ()
    free_of: tuple[str, ...] = ()  # allergen codes: "ohne Milch" (`catalogue.services.free_of`)
    husbandry: int | None = None
    regional: int | None = None
    district: str = ""
    organisation: int | None = None
    sort: str = ""  # "" is the default: by distance with a place, else by name
    page: int = 1

    def args(self, **changes) -> dict:
        """The query as URL parameters (for links: other pages, the same search without a filter)."""
        values = {
            "q": self.text,
            "near": self.where,
            "lat": self.lat,
            "lon": self.lon,
            "radius": self.radius if self.where or self.lat is not None else None,
            "category": self.category,
            "criteria": list(self.criteria),
            "free_of": list(self.free_of),
            "husbandry": self.husbandry,
            "regional": self.regional,
            "district": self.district,
            "organisation": self.organisation,
            "sort": self.sort,
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in ("", None, []) and not (k == "page" and v == 1)}


def _unknown_parameters(names: list[str], _allowed) -> str:
    return _l("Unknown parameter: %(names)s.", names=", ".join(sorted(names))[:200])


def _category_slugs() -> set[str]:
    return set(db.session.scalars(select(Category.slug)))


def parse(args: MultiDict, strict: bool = False, allowed=()) -> ProductQuery:
    """The query from URL parameters; `Refused` (400, a translated sentence) for anything it cannot use.
    With `strict` (the API, which adds its own `allowed` names) unknown names are refused too."""
    given = Arguments(
        args,
        (PARAMETERS | set(allowed)) if strict else None,
        optional={"category", "district", "husbandry", "regional", "sort"},
        unknown=_unknown_parameters,
    )
    query = ProductQuery()
    longest = text_search.MAX_QUERY_LENGTH
    query.text = given.text("q", longest, _l("Please search with at most %(n)d characters.", n=longest), True)
    query.where, query.lat, query.lon, query.radius = finder.place_arguments(given, "near")
    query.category = (
        given.choice(
            "category", _category_slugs, lambda value: _l("Unknown product category: %(value)s.", value=value)
        )
        or ""
    )
    query.criteria = tuple(
        given.choices("criteria", CRITERIA, lambda value: _l("Unknown criterion: %(value)s.", value=value))
    )
    query.free_of = tuple(
        given.choices("free_of", ALLERGENS, lambda value: _l("Unknown allergen: %(value)s.", value=value))
    )
    query.husbandry = given.whole(
        "husbandry", None, 1, 5, _l("The husbandry level is a whole number from 1 to 5.")
    )
    query.regional = given.whole(
        "regional", None, 1, 100, _l("The regional share is a whole percentage from 1 to 100.")
    )
    query.district = (
        given.choice("district", districts, lambda value: _l("Unknown district: %(value)s.", value=value))
        or ""
    )
    query.organisation = given.whole(
        "organisation", None, 1, MAX_INTEGER, _l("The producer is given by its number (a whole number).")
    )
    query.sort = given.choice("sort", SORTS, _l("Sort by “distance” or “name”.")) or ""
    query.page = given.whole(
        "page", 1, 1, MAX_PAGE, _l("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
    )
    return query


def place(query: ProductQuery) -> finder.Centre | None:
    """Where distances are measured from: the one call of the place resolution (the finder's)."""
    return finder.centre(query)


@dataclass
class Card:
    """A product found: its producer, distance, certificate, first photo, public page and outlets."""

    product: Product
    km: float | None
    certificate: str | None  # the number of the certificate behind `product.certified_until`
    photo: str | None
    path: str | None
    outlets: list = field(default_factory=list)  # (id, name, town) of up to OUTLETS_ON_CARD
    more_outlets: int = 0


@dataclass
class Result:
    query: ProductQuery
    centre: finder.Centre | None
    sort: str  # the order applied
    total: int
    cards: list[Card] = field(default_factory=list)
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _candidates(query: ProductQuery, where: finder.Centre | None, today: date):
    """(id, name, km) of the matching products, unsorted. The producer's organisation is joined only
    for a place or a district: a text search reads the products alone (bench/search.py)."""
    licensed = payments.licensed_organisations().where(Licence.organisation_id == Product.organisation_id)
    statement = select(Product.id, Product.name_de).where(
        Product.status == ProductStatus.ACTIVE, certified_today(today), licensed.exists()
    )
    if where is not None or query.district:
        statement = statement.join(Organisation, Organisation.id == Product.organisation_id)
    if where is not None:
        condition, distance = within_radius(
            Organisation.latitude, Organisation.longitude, where.lat, where.lon, query.radius
        )
        statement = statement.add_columns(distance.label("km")).where(condition)
    else:
        statement = statement.add_columns(literal(None).label("km"))
    if query.category:
        category = select(Category.id).where(Category.slug == query.category).scalar_subquery()
        statement = statement.where(Product.category_id == category)
    statement = statement.where(*(CRITERIA[name][1] for name in query.criteria))
    if query.free_of:
        statement = statement.where(free_of(query.free_of))
    if query.husbandry is not None:
        statement = statement.where(Product.husbandry_level >= query.husbandry)
    if query.district:
        statement = statement.where(Organisation.district == query.district)
    if query.organisation is not None:
        statement = statement.where(Product.organisation_id == query.organisation)
    if query.regional is not None:
        statement = statement.where(_regional_at_least(query.regional))
    if not text_search.terms(query.text):
        return statement
    if where is None and query.organisation is None:
        return statement.where(Product.id.in_(text_search.matching_ids("product", query.text)))
    # The place (or producer) left a few hundred candidates: their documents are checked one by one, so
    # that neither database matches the whole index for a frequent word ("käse").
    near = statement.cte("near").prefix_with("MATERIALIZED")
    return select(near).where(text_search.matches("product", query.text, near.c.id))


def _regional_at_least(percent: int):
    """The product's current figures (its newest version, as the API publishes them) give at least
    `percent` % regional raw materials."""
    later = aliased(ProductVersion)
    newest = select(func.max(later.id)).where(later.product_id == Product.id)
    share = ProductVersion.data[("figures", "regional_share")].as_float()
    return (
        select(ProductVersion.id)
        .where(ProductVersion.id == newest.scalar_subquery(), share >= percent)
        .exists()
    )


def _page(statement, sort: str, page: int, page_size: int) -> tuple[list, int]:
    """The rows of one page of `statement`'s products in the catalogue's order, and how many match:
    by distance (then name), or by name, in German order (`german`); products of the same name in the
    order they were registered. (Not by producer name: joining every match's producer for that cost
    a fifth of a text search.)"""
    found = statement.cte("found").prefix_with("MATERIALIZED")
    names = (german(found.c.name_de), found.c.id)
    order = (found.c.km, *names) if sort == "distance" else names
    total = select(func.count()).select_from(found).scalar_subquery()
    rows = db.session.execute(
        select(found, total.label("total")).order_by(*order).limit(page_size).offset((page - 1) * page_size)
    ).all()
    if rows:
        return rows, rows[0].total
    if page == 1:
        return [], 0
    # Past the last page (a link kept while products went): the count alone, for the way back.
    return [], db.session.scalar(select(func.count()).select_from(statement.subquery()))


def search_products(query: ProductQuery, page_size: int | None = None, today: date | None = None) -> Result:
    """One page of `query`'s products (`PAGE_SIZE` unless given), nearest first with a place (else by
    name), and their count."""
    page_size = page_size or PAGE_SIZE
    today = today or utcnow().date()
    plan_with_values(db.session)
    where = place(query)
    sort = query.sort or "distance"
    if where is None:
        sort = "name"  # no distances to sort by
    page, total = _page(_candidates(query, where, today), sort, query.page, page_size)
    result = Result(query, where, sort, total=total, page_size=page_size)
    result.cards = cards([row.id for row in page], {row.id: row.km for row in page}, today)
    return result


def cards(product_ids: list[int], distances: dict, today: date | None = None) -> list[Card]:
    """The cards of these products, in this order, in three queries whatever their number."""
    if not product_ids:
        return []
    # The first photo and the certificate behind `certified_until` (active, ending that day: the
    # latest such) come with the product: a query each cost more than the subqueries (bench/search.py).
    photo = (
        select(ProductImage.filename)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )
    certificate = (
        select(Certificate.number)
        .join(CertificateProduct, CertificateProduct.certificate_id == Certificate.id)
        .where(
            CertificateProduct.product_id == Product.id,
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.valid_until == Product.certified_until,
        )
        .order_by(Certificate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    products = {
        product.id: (product, photo_name, number)
        for product, photo_name, number in db.session.execute(
            select(Product, photo, certificate)
            .join(Product.organisation)
            .where(Product.id.in_(product_ids))
            .options(contains_eager(Product.organisation).lazyload(Organisation.kind_rows))
        )
    }
    sold: dict[int, list] = {}
    for product_id, outlet_id, name, town in db.session.execute(
        select(outlet_products.c.product_id, Outlet.id, Outlet.name, Outlet.town)
        .join(Outlet, Outlet.id == outlet_products.c.outlet_id)
        .where(outlet_products.c.product_id.in_(product_ids), Outlet.archived_at.is_(None))
        .order_by(german(Outlet.town), german(Outlet.name), Outlet.id)
    ):
        sold.setdefault(product_id, []).append((outlet_id, name, town))
    paths = public_paths(product_ids)
    found = []
    for product_id in product_ids:
        outlets = sold.get(product_id, [])
        km = distances.get(product_id)
        product, photo_name, number = products[product_id]
        found.append(
            Card(
                product,
                None if km is None else round(float(km), 1),
                number,
                photo_name,
                paths.get(product_id),
                outlets[:OUTLETS_ON_CARD],
                max(0, len(outlets) - OUTLETS_ON_CARD),
            )
        )
    return found


def producer_name(organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    name = db.session.scalar(select(Organisation.display_name).where(Organisation.id == organisation_id))
    return name or ""


def without_label(code: str) -> str:
    """ "ohne Milch": the label of an allergen filter."""
    return _("without %(allergen)s", allergen=display_name(code, "allergen_short"))


def active_filters(query: ProductQuery, category_names: dict[str, str], producer: str) -> list[Filter]:
    """The filters set (the text and the place included), each with the key `loosened` drops."""
    found = [Filter(("q",), query.text)] if text_search.terms(query.text) else []
    if query.where or query.lat is not None:
        label = _("within %(km)d km of %(where)s", km=query.radius, where=query.where or _("your position"))
        found.append(Filter(("near",), label))
    if query.category:
        found.append(Filter(("category",), category_names.get(query.category, query.category)))
    found += [Filter(("criteria", name), str(finder.CRITERIA_NAMES[name])) for name in query.criteria]
    found += [Filter(("free_of", code), without_label(code)) for code in query.free_of]
    if query.husbandry is not None:
        found.append(Filter(("husbandry",), _("Husbandry level %(level)d or higher", level=query.husbandry)))
    if query.regional is not None:
        found.append(Filter(("regional",), _("at least %(percent)d %% regional", percent=query.regional)))
    if query.district:
        found.append(Filter(("district",), query.district))
    if query.organisation is not None:
        found.append(Filter(("organisation",), producer or str(query.organisation)))
    return found


# What dropping a filter (a key of `active_filters`) empties in the query.
DROPPED_FIELDS = {
    "q": ("text",),
    "near": ("where", "lat", "lon", "sort"),
    **{name: (name,) for name in ("category", "husbandry", "regional", "district", "organisation")},
}


def loosened(query: ProductQuery, dropped) -> ProductQuery:
    """`query` without the filters `dropped` (keys of `active_filters`; ("radius", km) widens it), from
    its first page."""
    keys, empty = set(dropped), ProductQuery()
    changed = replace(
        query,
        criteria=tuple(name for name in query.criteria if ("criteria", name) not in keys),
        free_of=tuple(code for code in query.free_of if ("free_of", code) not in keys),
        page=1,
    )
    for key in keys:
        if key[0] == "radius":
            changed.radius = key[1]
        for name in DROPPED_FIELDS.get(key[0], ()) if len(key) == 1 else ():
            setattr(changed, name, getattr(empty, name))
    return changed


def filters(query: ProductQuery, category_names: dict[str, str], producer: str) -> list[tuple[str, dict]]:
    """The filters shown as chips (the text is in its box): each (label, the same search's arguments
    without it)."""
    return [
        (each.label, loosened(query, {each.key}).args())
        for each in active_filters(query, category_names, producer)
        if each.key != ("q",)
    ]


def why_nothing(
    result: Result, category_names: dict[str, str], producer: str, link: Callable[[ProductQuery], str]
) -> list[Hint]:
    """For a search that found nothing: which filter removed the last products, and whether a wider
    radius would find some (`zero_results.explain`; a count per filter, only on an empty page)."""
    query, today = result.query, utcnow().date()
    candidates = [f for f in active_filters(query, category_names, producer) if f.key != ("near",)]
    if result.centre is not None:
        # The next wider radius, then the widest: at most two counts to find one that helps.
        wider = [km for km in RADII if km > query.radius]
        candidates += [Filter(("radius", km), radius_km=km) for km in dict.fromkeys(wider[:1] + wider[-1:])]

    def count(dropped) -> int:
        statement = _candidates(loosened(query, dropped), result.centre, today).subquery()
        return db.session.scalar(select(func.count()).select_from(statement))

    return explain(candidates, count, lambda dropped: link(loosened(query, dropped)))
