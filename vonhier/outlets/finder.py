"""The consumer finder: where to buy regional food near a place, today. The public page and the API's
search call the same two functions: `parse` (the query from URL parameters, with translated messages
for bad input) and `search` (the outlets, nearest first).

The radius is checked in SQL (a bounding box on the indexed coordinates, then the exact haversine
distance, see `geo.services.within_radius`); "open now" is decided in Python from the opening hours,
so the candidates inside the radius are read as small rows first and whole outlets only for the page.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, literal, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from .. import clock
from ..catalogue.models import Category, Product, ProductStatus
from ..extensions import db
from ..geo import gazetteer
from ..geo.services import within_radius
from ..search import services as search
from . import hours
from .models import Outlet, OutletKind, outlet_categories, outlet_products

RADIUS_KM = (5, 100)
DEFAULT_RADIUS_KM = 25
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_PLACE_LENGTH = 80
MAP_POINTS = 500  # markers on the map: the first this many results
# What a shopper may ask of the products an outlet sells.
CRITERIA = {
    "organic": (_l("organic"), Product.organic_control_body != ""),
    "husbandry4": (_l("husbandry level 4 or 5 (pasture, organic)"), Product.husbandry_level >= 4),
    "gmo_free": (_l("without genetic engineering"), Product.gmo_free.is_(True)),
}
SLUG = re.compile(r"[a-z0-9-]{1,40}")
PARAMETERS = {"q", "where", "lat", "lon", "radius", "kind", "category", "criteria", "open", "page", "lang"}


class FinderError(BadRequest):
    """A query the finder cannot answer; `description` is a translated sentence (answered with 400)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.vonhier_detail = True  # errors.py shows our own, translated description


@dataclass
class Query:
    text: str = ""
    where: str = ""
    lat: float | None = None
    lon: float | None = None
    radius: int = DEFAULT_RADIUS_KM
    kinds: tuple[OutletKind, ...] = ()
    category: str = ""
    criteria: tuple[str, ...] = ()
    open_now: bool = False
    page: int = 1

    def args(self, **changes) -> dict:
        """The query as URL parameters (for links to other pages of the same result)."""
        values = {
            "q": self.text,
            "where": self.where,
            "lat": self.lat,
            "lon": self.lon,
            "radius": self.radius,
            "kind": [k.value for k in self.kinds],
            "category": self.category,
            "criteria": list(self.criteria),
            "open": "1" if self.open_now else "",
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in ("", None, []) and not (k == "page" and v == 1)}


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise FinderError(_l("“%(name)s” must be a number.", name=name)) from None
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinity
        raise FinderError(_l("“%(name)s” must be a number.", name=name))
    return number


def parse(args: MultiDict, strict: bool = False) -> Query:
    """The query from URL parameters; FinderError for anything it cannot use. With `strict` (the API),
    unknown parameter names are refused too; the page ignores them (links shared by apps carry some)."""
    if strict and (unknown := sorted(set(args) - PARAMETERS)):
        raise FinderError(_l("Unknown parameter: %(names)s.", names=", ".join(unknown)[:200]))
    query = Query()
    text = args.get("q", "").strip()
    if len(text) > search.MAX_QUERY_LENGTH:
        raise FinderError(_l("Please search with at most %(n)d characters.", n=search.MAX_QUERY_LENGTH))
    query.text = text
    where = args.get("where", "").strip()
    if len(where) > MAX_PLACE_LENGTH:
        raise FinderError(_l("A place name has at most %(n)d characters.", n=MAX_PLACE_LENGTH))
    query.where = where
    if args.get("lat", "") or args.get("lon", ""):
        lat, lon = _number(args.get("lat", ""), "lat"), _number(args.get("lon", ""), "lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise FinderError(
                _l("These coordinates do not exist (latitude −90 to 90, longitude −180 to 180).")
            )
        query.lat, query.lon = round(lat, 5), round(lon, 5)
    radius = args.get("radius", str(DEFAULT_RADIUS_KM))
    low, high = RADIUS_KM
    if not (radius.isascii() and radius.isdigit() and len(radius) <= 3 and low <= int(radius) <= high):
        raise FinderError(
            _l(
                "The radius must be a whole number of kilometres from %(low)d to %(high)d.",
                low=low,
                high=high,
            )
        )
    query.radius = int(radius)
    kinds = []
    for value in args.getlist("kind"):
        if value not in OutletKind._value2member_map_:
            raise FinderError(_l("Unknown kind of outlet: %(value)s.", value=value[:40]))
        kinds.append(OutletKind(value))
    query.kinds = tuple(dict.fromkeys(kinds))
    category = args.get("category", "")
    # Checked against the slug alphabet first: PostgreSQL refuses to even compare text with a NUL byte.
    if category and (
        not SLUG.fullmatch(category)
        or not db.session.scalar(select(Category.id).where(Category.slug == category))
    ):
        raise FinderError(_l("Unknown product category: %(value)s.", value=category[:40]))
    query.category = category
    criteria = args.getlist("criteria")
    if unknown := [c for c in criteria if c not in CRITERIA]:
        raise FinderError(_l("Unknown criterion: %(value)s.", value=unknown[0][:40]))
    query.criteria = tuple(dict.fromkeys(criteria))
    if args.get("open", "") not in ("", "1"):
        raise FinderError(_l("“open” is 1 (open now) or left out."))
    query.open_now = args.get("open") == "1"
    page = args.get("page", "1")
    if not (page.isascii() and page.isdigit() and len(page) <= 4 and 1 <= int(page) <= MAX_PAGE):
        raise FinderError(_l("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE))
    query.page = int(page)
    return query


@dataclass
class Centre:
    name: str
    lat: float
    lon: float


def centre(query: Query) -> Centre | None:
    """Where to measure from: the shopper's position, else a postcode's or place's centre."""
    if query.lat is not None:
        return Centre(str(_l("your position")), query.lat, query.lon)
    if not query.where:
        return None
    place = gazetteer.postcode(query.where) if query.where.isdigit() else None
    if place is None and not query.where.isdigit():
        found = gazetteer.lookup(query.where, "DE", limit=1, prefix=True)
        place = found[0] if found else None
    if place is None:
        raise FinderError(
            _l("We do not know the place “%(where)s”. Try a town or a postcode.", where=query.where)
        )
    return Centre(place.name, place.latitude, place.longitude)


@dataclass
class Hit:
    outlet: Outlet
    km: float | None
    status: hours.Status | None


@dataclass
class Result:
    query: Query
    centre: Centre | None
    total: int
    hits: list[Hit] = field(default_factory=list)  # this page
    points: list[dict] = field(default_factory=list)  # for the map: id, name, kind, lat, lon, km

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _category_id(query: Query):
    # Compared as an id: a join to categories per product row cost more than the rest of the check.
    return select(Category.id).where(Category.slug == query.category).scalar_subquery()


def _sells(query: Query):
    """Outlets that sell an active product matching the category and the criteria."""
    conditions = [Product.status == ProductStatus.ACTIVE]
    if query.category:
        conditions.append(Product.category_id == _category_id(query))
    conditions += [CRITERIA[name][1] for name in query.criteria]
    return exists().where(
        outlet_products.c.outlet_id == Outlet.id, outlet_products.c.product_id == Product.id, *conditions
    )


def _text(query: Query, candidates):
    """The `candidates` (a SELECT of outlets) whose own text, organisation or a product they sell
    matches every word of the text. They are fixed first (a materialized CTE: the radius and the
    filters narrow them to a few hundred) and their documents checked one by one, so that neither
    database matches the whole index for a frequent word ("käse" is in a third of all documents)."""
    near = candidates.cte("near").prefix_with("MATERIALIZED")
    return select(near).where(
        search.matches("outlet", query.text, near.c.id)
        | search.matches("organisation", query.text, near.c.organisation_id)
        | exists().where(
            outlet_products.c.outlet_id == near.c.id,
            search.matches("product", query.text, outlet_products.c.product_id),
        )
    )


def search_outlets(query: Query, now: datetime | None = None, locale: str = "de") -> Result:
    """The outlets for `query`, nearest first (by town without a place), `PAGE_SIZE` per page."""
    now = now or clock.berlin_now()
    where = centre(query)
    statement = select(
        Outlet.id,
        Outlet.organisation_id,
        Outlet.name,
        Outlet.kind,
        Outlet.town,
        Outlet.opening_hours,
        Outlet.state,
        Outlet.latitude,
        Outlet.longitude,
    )
    statement = statement.where(Outlet.archived_at.is_(None))
    if where is not None:
        condition, distance = within_radius(
            Outlet.latitude, Outlet.longitude, where.lat, where.lon, query.radius
        )
        statement = statement.add_columns(distance.label("km")).where(condition)
    else:
        statement = statement.add_columns(literal(None).label("km"))
    if query.kinds:
        statement = statement.where(Outlet.kind.in_(query.kinds))
    if query.category and not query.criteria:
        # An outlet that names the category (a restaurant, a shop for other producers) counts as well.
        listed = exists().where(
            outlet_categories.c.outlet_id == Outlet.id, outlet_categories.c.category_id == _category_id(query)
        )
        statement = statement.where(or_(_sells(query), listed))
    elif query.category or query.criteria:
        statement = statement.where(_sells(query))
    if search.terms(query.text):
        statement = _text(query, statement)
    columns = statement.selected_columns
    order = (columns.km, columns.id) if where is not None else (columns.town, columns.name, columns.id)
    rows = db.session.execute(statement.order_by(*order)).all()
    if query.open_now:
        # Outlets share a few dozen opening hours: each (hours, state) is decided once per search.
        open_ = {
            key: hours.is_open(*key, now)
            for key in {(row.opening_hours, row.state) for row in rows if row.opening_hours}
        }
        rows = [row for row in rows if row.opening_hours and open_[row.opening_hours, row.state]]
    result = Result(query, where, total=len(rows))
    result.points = [
        {"id": row.id, "name": row.name, "town": row.town, "lat": row.latitude, "lon": row.longitude}
        for row in rows[:MAP_POINTS]
    ]
    page_rows = rows[(query.page - 1) * PAGE_SIZE : query.page * PAGE_SIZE]
    outlets = {
        outlet.id: outlet
        for outlet in db.session.scalars(
            select(Outlet)
            .where(Outlet.id.in_([row.id for row in page_rows]))
            .options(selectinload(Outlet.organisation))
        )
    }
    for row in page_rows:
        outlet = outlets[row.id]
        status = (
            hours.status(outlet.opening_hours, outlet.state, now, locale) if outlet.opening_hours else None
        )
        result.hits.append(Hit(outlet, _km(row.km), status))
    return result


def _km(value) -> float | None:
    return None if value is None else round(float(value), 1)
