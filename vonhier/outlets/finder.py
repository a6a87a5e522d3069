"""The consumer finder: where to buy regional food near a place, today. The public page and the API's
search call the same two functions: `parse` (the query from URL parameters, declared on the shared
`arguments.Arguments`, with translated messages for bad input) and `search` (the outlets, nearest first).

The radius is checked in SQL (a bounding box on the indexed coordinates, then the exact haversine
distance, see `geo.services.within_radius`); "open now" is decided in Python from the opening hours,
so the candidates inside the radius are read as small rows first and whole outlets only for the page.
"Pre-order available" is one EXISTS on the offers, a condition the orders feature (built on this one)
contributes through `signals.pre_order_condition`: the finder names no table of a later feature.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, literal, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from .. import clock
from ..arguments import Arguments, Refused
from ..catalogue.models import Category, Product, ProductStatus
from ..database import plan_with_values
from ..extensions import db
from ..geo.places import resolve_place
from ..geo.services import within_radius
from ..search import services as search
from ..zero_results import Filter, Hint, explain
from . import hours
from .models import Outlet, OutletKind, outlet_categories, outlet_products
from .names import OUTLET_KIND
from .signals import pre_order_condition

RADIUS_KM = (5, 100)
RADII = (5, 10, 20, 25, 50, 75, 100)  # the page's choices
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
# The same criteria named on their own, as a zero result names the filter to remove.
CRITERIA_NAMES = {
    "organic": _l("Organic"),
    "husbandry4": _l("Husbandry level 4 or 5"),
    "gmo_free": _l("GMO-free"),
}
PARAMETERS = {
    *("q", "where", "lat", "lon", "radius", "kind", "category", "criteria", "open", "preorder", "page"),
    "lang",
}


@dataclass
class OutletQuery:
    """What a shopper asked the finder for (`parse` reads it from the address)."""

    text: str = ""
    where: str = ""
    lat: float | None = None
    lon: float | None = None
    radius: int = DEFAULT_RADIUS_KM
    kinds: tuple[OutletKind, ...] = ()
    category: str = ""
    criteria: tuple[str, ...] = ()
    open_now: bool = False
    pre_order: bool = False
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
            "preorder": "1" if self.pre_order else "",
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in ("", None, []) and not (k == "page" and v == 1)}


# The position comes from the browser (hidden fields), never typed: the sentence says what to do instead.
UNREADABLE_POSITION = _l(
    "Your position could not be read (lat and lon must be numbers). Search by place or postcode."
)


def _unknown_parameters(names: list[str], _allowed) -> str:
    return _l("Unknown parameter: %(names)s.", names=", ".join(sorted(names))[:200])


def _category_slugs() -> set[str]:
    # A few dozen, compared in Python: what was typed never reaches SQL.
    return set(db.session.scalars(select(Category.slug)))


def parse(args: MultiDict, strict: bool = False) -> OutletQuery:
    """The query from URL parameters; `Refused` (400) for anything it cannot use. With `strict` (the
    API), unknown parameter names are refused too; the page ignores them (links shared by apps carry
    some). The page's form sends an empty category for "all"."""
    given = Arguments(
        args, PARAMETERS if strict else None, optional={"category"}, unknown=_unknown_parameters
    )
    query = OutletQuery()
    longest = search.MAX_QUERY_LENGTH
    message = _l("Please search with at most %(n)d characters.", n=longest)
    query.text = given.text("q", longest, message, strip=True)
    query.where, query.lat, query.lon, query.radius = place_arguments(given)
    kinds = given.choices(
        "kind",
        OutletKind._value2member_map_,
        lambda value: _l("Unknown kind of outlet: %(value)s.", value=value),
    )
    query.kinds = tuple(OutletKind(kind) for kind in kinds)
    query.category = (
        given.choice(
            "category",
            _category_slugs,
            lambda value: _l("Unknown product category: %(value)s.", value=value),
        )
        or ""
    )
    query.criteria = tuple(
        given.choices("criteria", CRITERIA, lambda value: _l("Unknown criterion: %(value)s.", value=value))
    )
    query.open_now = given.choice("open", ("", "1"), _l("“open” is 1 (open now) or left out.")) == "1"
    query.pre_order = (
        given.choice("preorder", ("", "1"), _l("“preorder” is 1 (pre-order available) or left out.")) == "1"
    )
    query.page = given.whole(
        "page", 1, 1, MAX_PAGE, _l("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
    )
    return query


def place_arguments(given: Arguments, name: str = "where") -> tuple[str, float | None, float | None, int]:
    """(place, lat, lon, radius): the place typed (parameter `name`), the browser's position and the
    radius, as every search near a place takes them (this finder, the product catalogue)."""
    message = _l("A place name has at most %(n)d characters.", n=MAX_PLACE_LENGTH)
    where = given.text(name, MAX_PLACE_LENGTH, message, strip=True)
    lat, lon = _position(given)
    low, high = RADIUS_KM
    radius = given.whole(
        "radius",
        DEFAULT_RADIUS_KM,
        low,
        high,
        _l("The radius must be a whole number of kilometres from %(low)d to %(high)d.", low=low, high=high),
    )
    return where, lat, lon, radius


def _position(given: Arguments) -> tuple[float | None, float | None]:
    """The shopper's position, rounded to about a metre; both coordinates or neither."""
    lat, lon = given.number("lat", UNREADABLE_POSITION), given.number("lon", UNREADABLE_POSITION)
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise Refused(UNREADABLE_POSITION)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Refused(_l("These coordinates do not exist (latitude −90 to 90, longitude −180 to 180)."))
    return round(lat, 5), round(lon, 5)


@dataclass
class Centre:
    name: str
    lat: float
    lon: float


def centre(query, reach_km: int = RADIUS_KM[1]) -> Centre | None:
    """Where to measure from: the shopper's position, else the place typed (`geo.places.resolve_place`:
    the region's Frankfurt; an ambiguous name or a place beyond `reach_km` of the region is refused).
    `query` is anything with `lat`, `lon` and `where` (this finder's query, the product catalogue's)."""
    if query.lat is not None:
        return Centre(str(_l("your position")), query.lat, query.lon)
    if not query.where:
        return None
    place = resolve_place(query.where, reach_km=reach_km)
    return Centre(place.name, place.latitude, place.longitude)


@dataclass
class OutletHit:
    """An outlet found, its distance from the centre and whether it is open now."""

    outlet: Outlet
    km: float | None
    status: hours.Status | None


@dataclass
class Result:
    query: OutletQuery
    centre: Centre | None
    total: int
    hits: list[OutletHit] = field(default_factory=list)  # this page
    points: list[dict] = field(default_factory=list)  # for the map: id, name, kind, lat, lon, km

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _category_id(query: OutletQuery):
    # Compared as an id: a join to categories per product row cost more than the rest of the check.
    return select(Category.id).where(Category.slug == query.category).scalar_subquery()


def _sells(query: OutletQuery):
    """Outlets that sell an active product matching the category and the criteria."""
    conditions = [Product.status == ProductStatus.ACTIVE]
    if query.category:
        conditions.append(Product.category_id == _category_id(query))
    conditions += [CRITERIA[name][1] for name in query.criteria]
    return exists().where(
        outlet_products.c.outlet_id == Outlet.id, outlet_products.c.product_id == Product.id, *conditions
    )


def _text(query: OutletQuery, candidates):
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


def search_outlets(query: OutletQuery, now: datetime | None = None, locale: str = "de") -> Result:
    """The outlets for `query`, nearest first (by town without a place), `PAGE_SIZE` per page."""
    now = now or clock.local_now()
    plan_with_values(db.session)
    where = centre(query)
    rows = _rows(query, where, now)
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
        result.hits.append(OutletHit(outlet, _km(row.km), status))
    return result


def _rows(query: OutletQuery, where: Centre | None, now: datetime) -> list:
    statement = _statement(query, where)
    columns = statement.selected_columns
    order = (columns.km, columns.id) if where is not None else (columns.town, columns.name, columns.id)
    rows = db.session.execute(statement.order_by(*order)).all()
    return _open(rows, now) if query.open_now else rows


def _statement(query: OutletQuery, where):
    """The outlets' rows that match `query`, with their distance from `where` (None without a place)."""
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
    if query.pre_order:
        statement = statement.where(_takes_pre_orders())
    if search.terms(query.text):
        statement = _text(query, statement)
    return statement


def _takes_pre_orders():
    """Outlets where something can be pre-ordered, as the feature that sells ahead decides it."""
    conditions = [condition for _receiver, condition in pre_order_condition.send() if condition is not None]
    return or_(*conditions) if conditions else false()


def _open(rows: list, now: datetime) -> list:
    """The rows of outlets open at `now`. Outlets share a few dozen opening hours: each (hours, state)
    is decided once per search."""
    open_ = {
        key: hours.is_open(*key, now)
        for key in {(row.opening_hours, row.state) for row in rows if row.opening_hours}
    }
    return [row for row in rows if row.opening_hours and open_[row.opening_hours, row.state]]


def _km(value) -> float | None:
    return None if value is None else round(float(value), 1)


def why_nothing(
    result: Result, link: Callable[[OutletQuery], str], locale: str = "de", now: datetime | None = None
) -> list[Hint]:
    """For a search that found nothing: which of its filters removed the last outlets, and whether a
    wider radius would find some (`zero_results.explain`); `link(query)` is the address of a search."""
    query, now = result.query, now or clock.local_now()
    filters = [Filter(("q",), query.text)] if search.terms(query.text) else []
    if query.kinds:
        filters.append(Filter(("kind",), ", ".join(str(OUTLET_KIND[kind]) for kind in query.kinds)))
    if query.category:
        category = db.session.scalar(select(Category).where(Category.slug == query.category))
        filters.append(Filter(("category",), category.name(locale)))
    filters += [Filter(("criteria", name), str(CRITERIA_NAMES[name])) for name in query.criteria]
    if query.open_now:
        filters.append(Filter(("open",), _("Open now")))
    if query.pre_order:
        filters.append(Filter(("preorder",), _("Pre-order available")))
    if result.centre is not None:
        # The next wider choice, then the widest: at most two counts to find a radius that helps.
        wider = [km for km in RADII if km > query.radius]
        filters += [Filter(("radius", km), radius_km=km) for km in dict.fromkeys(wider[:1] + wider[-1:])]

    def count(dropped) -> int:
        return len(_rows(_loosened(query, dropped), result.centre, now))

    return explain(filters, count, lambda dropped: link(_loosened(query, dropped)))


def _loosened(query: OutletQuery, dropped) -> OutletQuery:
    """`query` without the filters `dropped` (keys of `why_nothing`'s filters), from its first page."""
    criteria = tuple(name for name in query.criteria if ("criteria", name) not in dropped)
    loosened = replace(query, criteria=criteria, page=1)
    for key in dropped:
        if key[0] == "radius":
            loosened.radius = key[1]
    if ("q",) in dropped:
        loosened.text = ""
    if ("kind",) in dropped:
        loosened.kinds = ()
    if ("category",) in dropped:
        loosened.category = ""
    if ("open",) in dropped:
        loosened.open_now = False
    if ("preorder",) in dropped:
        loosened.pre_order = False
    return loosened
