"""The retailer supplier search (the consumer-side finder is `outlets/finder.py`; the CSV files are
`export.py`).

Only products with a certificate whose effective status is active today, of organisations with a
current licence, are found. Criteria come from the product data (the same fields the certification
pre-check reads), never from a second copy typed in for the search.

A result is a supplier with its matching products; pages are pages of suppliers. With an origin, the
suppliers come in rings of growing distance (`_rings`), else in groups by name (`_by_name`); `_walk`
keeps those with a matching product, group by group, until the page is full; then the page's
suppliers' matching products are read as the columns a result shows (`_products`) and only the
page's suppliers become objects (`_suppliers`).
"""

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import lazyload

from ..catalogue import services as catalogue
from ..catalogue.models import Category, Product, ProductStatus, Site
from ..certification.certificates import certified_today
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..clock import utcnow
from ..database import german, german_key, plan_with_values
from ..extensions import db
from ..geo.services import origin_distance, origin_values, within_origin_radius
from ..organisations.models import Organisation
from ..payments import services as payments
from ..payments.models import Licence
from ..permissions import SYSTEM
from ..search import services as text_search
from .models import SupplierProfile
from .results import ListedCertificate, ListedProduct, ProductHit, Results, SupplierResult
from .services import retailer_of

CRITERIA = ("organic", "gmo_free")
MAX_RADIUS_KM = 300
SHOWN_PRODUCTS = 8  # a supplier's matching products listed on the results page; its page has all


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: a site of the retailer, or its organisation address."""

    latitude: float
    longitude: float
    site_id: int | None = None
    label: str = ""


@dataclass
class SupplierQuery:
    category: Category | None = None
    organic: bool = False
    gmo_free: bool = False
    husbandry_min: int | None = None
    delivery: tuple[str, ...] = ()
    text: str = ""
    origin: Origin | None = None
    radius_km: int | None = None
    page: int = 1
    page_size: int = 20


def _points(bounded: bool) -> tuple:
    """(where, km) for sites, then for organisation addresses: the points within the radius of the
    origin (a bounding-box range on the (latitude, longitude) index, then the exact haversine, see
    geo.services.within_radius), or all of them without a radius, each with its distance. Origin and
    radius are given at execution (`_origin`)."""
    if bounded:
        return (
            *within_origin_radius(Site.latitude, Site.longitude),
            *within_origin_radius(Organisation.latitude, Organisation.longitude),
        )
    return (
        literal(True),
        origin_distance(Site.latitude, Site.longitude),
        Organisation.latitude.is_not(None),
        origin_distance(Organisation.latitude, Organisation.longitude),
    )


def _origin(query: SupplierQuery, radius_km: float | None) -> dict[str, float]:
    """The values of the origin and radius for a statement built with `_points`."""
    return origin_values(query.origin.latitude, query.origin.longitude, radius_km)


def _near_statement(query: SupplierQuery, radius_km: float | None):
    """`_near` for this query (execute it with `_origin(query, radius_km)`)."""
    return _near(radius_km is not None, tuple(sorted(query.delivery)), payments.this_year())


@lru_cache(maxsize=32)
def _near(bounded: bool, delivery: tuple[str, ...], year: int):
    """(organisation id, km), nearest first, of every licensed supplier that passes the supplier-level
    filters (delivery options); km is the distance to the nearest of its sites and its address.

    With a radius, each kind of point is found by a bounding-box range on its (latitude, longitude)
    index followed by the exact haversine check (`_points`).

    Built once per shape and kept: the origin and radius are bound parameters, and the year names
    the current licences (`payments.licensed_organisations`).
    """
    site_where, site_km, org_where, org_km = _points(bounded)
    points = union_all(
        select(Site.organisation_id.label("organisation_id"), site_km.label("km")).where(
            site_where, Site.archived_at.is_(None)
        ),
        select(Organisation.id.label("organisation_id"), org_km.label("km")).where(org_where),
    ).subquery("points")
    nearest = (
        select(points.c.organisation_id, func.min(points.c.km).label("km"))
        .where(points.c.organisation_id.in_(payments.licensed_organisations()))
        .group_by(points.c.organisation_id)
    )
    if not delivery:
        return nearest.order_by("km", points.c.organisation_id)
    # Own delivery counts only within the supplier's delivery radius: of the nearest point's distance.
    nearest = nearest.subquery("nearest")
    return (
        select(nearest.c.organisation_id, nearest.c.km)
        .join(SupplierProfile, SupplierProfile.organisation_id == nearest.c.organisation_id)
        .where(SupplierProfile.offers(delivery, nearest.c.km))
        .order_by(nearest.c.km, nearest.c.organisation_id)
    )


def _supplier_distances(query: SupplierQuery, radius_km: float | None):
    return db.session.execute(_near_statement(query, radius_km), _origin(query, radius_km)).all()


def _statement(query: SupplierQuery, today: date, supplier_filters: bool = True):
    """`SELECT products.id` of the certified products matching the product-level filters (and, unless
    the caller applied them already, the supplier-level ones: current licence, delivery options).
    Products only (no organisation in FROM): the callers join what they need, and a correlated
    `EXISTS` of it (`_walk`) does not take the outer query's organisation."""
    statement = select(Product.id).where(Product.status == ProductStatus.ACTIVE, certified_today(today))
    if supplier_filters:
        # EXISTS, not IN: SQLite takes an IN list for short and would read every licensed supplier's
        # products instead of the category's.
        licensed = payments.licensed_organisations()
        statement = statement.where(
            licensed.where(Licence.organisation_id == Product.organisation_id).exists()
        )
    if query.category is not None:
        statement = statement.where(Product.category_id == query.category.id)
    # Each filter always present, switched off by a bound value: one statement shape for all their
    # combinations, compiled once and then taken from SQLAlchemy's cache (a new combination cost a
    # compilation of several ms in Python). None of these columns is indexed: the plan does not change.
    statement = statement.where(
        literal(not query.organic) | (Product.organic_control_body != ""),
        literal(not query.gmo_free) | Product.gmo_free.is_(True),
        literal(query.husbandry_min is None) | (Product.husbandry_level >= (query.husbandry_min or 0)),
    )
    text = query.text.strip()
    if (query.delivery and supplier_filters) or text:
        statement = statement.outerjoin(
            SupplierProfile, SupplierProfile.organisation_id == Product.organisation_id
        )
    if query.delivery and supplier_filters:
        statement = statement.where(SupplierProfile.offers(query.delivery))
    if text:
        # The German-aware search of products and producers that the consumer finder uses ("Käse"
        # finds "Ziegenkäse"), or the supplier's own capacity notes.
        # Row by row: the other filters, the ring or the few candidates have narrowed the products.
        statement = statement.where(
            text_search.matches("product", text, Product.id)
            | text_search.matches("organisation", text, Product.organisation_id)
            | func.lower(SupplierProfile.capacity_notes).contains(text.lower(), autoescape=True)
        )
    return statement


FEW_FROM_KM = 25  # with a category, sparse matches and a wider radius: the category's candidates (`_few`)
FIRST_RING_KM = 10  # the distance search looks this far first, then twice as far, … up to the radius
FIRST_CHUNK = 32  # without an origin: suppliers (by name) whose products the first step reads
MANY_SUPPLIERS = 400  # a larger group is read product-first (see _walk)
STEPS = 2  # … the second step 4× more; after these, one step for all the remaining suppliers


def _rings(query: SupplierQuery, wanted: int) -> Generator[list | dict, int, None]:
    """Groups of (organisation id, km, sort key), nearest first: suppliers within 10 km, then in a
    wider ring, … up to the radius (or everywhere, without one). Each ring is one bounding-box query,
    so a page near the top of a broad search never computes far distances. The next ring is at least
    twice as wide, wider when few of the `wanted` suppliers were found so far (the walk sends the count
    after each group: matches grow with the area, so with the square root of the ratio).

    With a category and a radius over FEW_FROM_KM (or none), a first ring that found less than a
    quarter of the suppliers wanted means sparse matches: every further ring would read the
    category again for a handful of suppliers, so the rest comes from the category's candidates at
    once (`_few`).
    Dense matches stay in the rings, which stop long before the radius."""
    limit = query.radius_km
    done, radius = -1.0, float(min(FIRST_RING_KM, limit or FIRST_RING_KM))
    first = True
    while True:
        last = limit is not None and radius >= limit
        bounded = radius if limit is not None or radius < MAX_RADIUS_KM else None
        if first:
            ring = [r for r in _supplier_distances(query, bounded) if r.km > done]
            found = yield [(r.organisation_id, r.km, (r.km,)) for r in ring]
        else:
            # A wide ring: the database sorts its matches and returns only the ones still wanted.
            found = yield {
                "near": _near_statement(query, bounded).order_by(None).subquery("near"),
                "beyond": done,
                "origin": _origin(query, bounded),
            }
        if last or bounded is None:
            return
        first, done = False, radius
        sparse = found * 4 < wanted
        if sparse and query.category is not None and (limit is None or limit > FEW_FROM_KM):
            yield {"few": True, "beyond": done}
            return
        factor = max(2.0, 1.5 * (wanted / max(found, 1)) ** 0.5)
        radius *= factor
        if limit is not None and radius > 0.6 * limit:
            radius = limit  # a ring almost as wide as the whole circle costs nearly as much as it


def _by_name(query: SupplierQuery):
    """Groups of (organisation id, None, sort key) by supplier name: 32, then 128, then the rest."""
    statement = select(Organisation.id, Organisation.display_name).where(
        Organisation.id.in_(payments.licensed_organisations())
    )
    if query.delivery:
        statement = statement.join(SupplierProfile, SupplierProfile.organisation_id == Organisation.id).where(
            SupplierProfile.offers(query.delivery)
        )
    # Sorted here: SQLite's German collation would compare thousands of names one pair at a time.
    suppliers = sorted(db.session.execute(statement), key=lambda row: (german_key(row[1]), row[0]))
    start, size = 0, FIRST_CHUNK
    for step in range(STEPS + 1):
        end = min(start + size, len(suppliers)) if step < STEPS else len(suppliers)
        yield [(org_id, None, ()) for org_id, _ in suppliers[start:end]]
        start, size = end, size * 4


def _walk(query: SupplierQuery, groups: Generator, today: date, offset: int, limit: int) -> list[tuple]:
    """Suppliers offset … offset + limit, as (supplier id, km), over ordered groups of suppliers: those
    with at least one matching product.

    The groups come in order (nearest first, or by name; each is asked for with the number of
    suppliers found so far, which `_rings` sizes the next ring by), so the suppliers of one group sort
    after those of all earlier ones: the walk stops as soon as the page is full. The order is exactly
    (km, supplier name, supplier id), names in German order (`database.german` in SQL, `german_key`
    here) — or without an origin (supplier name, supplier id).
    """
    wanted = offset + limit
    matching = _statement(query, today, supplier_filters=False)
    named = (
        matching.join(Organisation, Organisation.id == Product.organisation_id)
        .with_only_columns(Product.organisation_id, Organisation.display_name)
        .distinct()
    )
    found: list[tuple] = []
    group = next(groups, None)
    while group is not None:
        if isinstance(group, dict) and group.get("few"):
            found += db.session.execute(
                _few(query, today, group["beyond"]).limit(wanted - len(found)),
                _origin(query, query.radius_km),
            ).all()
        elif isinstance(group, dict):
            # A wide ring: the database sorts its suppliers, then checks them in that order for a
            # matching product (EXISTS stops at the first) until enough are found. Sorted first (the
            # inner ORDER BY; OFFSET 0 keeps it a subquery, the outer one's same keys need no second
            # sort): checking every supplier of the ring before sorting cost 21 ms instead of 7 for
            # "Käse" within 25 km of Berlin (bench/search.py).
            near = group["near"]
            ordered = (
                select(near.c.organisation_id, near.c.km, german(Organisation.display_name).label("name"))
                .join(Organisation, Organisation.id == near.c.organisation_id)
                .where(near.c.km > group["beyond"])
                .order_by(near.c.km, "name", near.c.organisation_id)
                .offset(0)
                .subquery("ordered")
            )
            found += db.session.execute(
                select(ordered.c.organisation_id, ordered.c.km)
                .where(matching.where(Product.organisation_id == ordered.c.organisation_id).exists())
                .order_by(ordered.c.km, ordered.c.name, ordered.c.organisation_id)
                .limit(wanted - len(found)),
                group["origin"],
            ).all()
        elif group:
            known = {org_id: (km, key) for org_id, km, key in group}
            if len(known) <= MANY_SUPPLIERS:
                rows = db.session.execute(named.where(Product.organisation_id.in_(list(known)))).all()
            else:
                # Reached only when the filters are narrow: let them pick the rows (category index),
                # rather than visiting every product of thousands of suppliers.
                rows = [row for row in db.session.execute(named) if row[0] in known]
            found += [
                (org_id, known[org_id][0])
                for *_, org_id in sorted(
                    (*known[org_id][1], german_key(name), org_id) for org_id, name in rows
                )
            ]
        if len(found) >= wanted:
            break
        try:
            group = groups.send(len(found))  # the rings size the next one by the suppliers found so far
        except StopIteration:
            break
    return [tuple(row) for row in found[offset:wanted]]


def _few(query: SupplierQuery, today: date, beyond: float):
    """The suppliers of `_walk` over `beyond` km, in order, for the products of one category:
    distances are computed only for the suppliers of matching products, at their points inside the
    radius's box (a ring computes them for every supplier in the ring and checks each for a match)."""
    candidates = (
        _statement(query, today, supplier_filters=True)
        .with_only_columns(Product.organisation_id)
        .distinct()
        .cte("candidates")
    )
    suppliers = select(candidates.c.organisation_id)
    # Box first: a point outside it is too far to be a supplier's nearest one within the radius.
    site_where, site_km, org_where, org_km = _points(query.radius_km is not None)
    points = union_all(
        select(Site.organisation_id.label("organisation_id"), site_km.label("km")).where(
            site_where, Site.organisation_id.in_(suppliers), Site.archived_at.is_(None)
        ),
        select(Organisation.id.label("organisation_id"), org_km.label("km")).where(
            org_where, Organisation.id.in_(suppliers)
        ),
    ).subquery("points")
    near = (
        select(points.c.organisation_id, func.min(points.c.km).label("km"))
        .group_by(points.c.organisation_id)
        .subquery("near")
    )
    statement = (
        select(near.c.organisation_id, near.c.km)
        .join(Organisation, Organisation.id == near.c.organisation_id)
        .where(near.c.km > beyond)
        .order_by(near.c.km, german(Organisation.display_name), Organisation.id)
    )
    if query.delivery:  # the candidates passed without distances: now whether own delivery reaches
        statement = statement.join(
            SupplierProfile, SupplierProfile.organisation_id == near.c.organisation_id
        ).where(SupplierProfile.offers(query.delivery, near.c.km))
    return statement


def _products(query: SupplierQuery, today: date, supplier_ids: list[int]) -> dict[int, list[tuple]]:
    """{supplier id: its matching products as (ListedProduct, its newest certificate active today or
    None), by name in German order}: the columns a result shows, one statement for the whole page.

    A row for each certificate the product was ever on, the certificate itself only where it is
    active today (plain joins: SQLite would read a nested join of the two tables whole)."""
    rows = db.session.execute(
        _statement(query, today, supplier_filters=False)
        .add_columns(
            Product.organisation_id,
            Product.name_de,
            Product.name_en,
            Category,
            Product.organic_control_body,
            Product.gmo_free,
            Product.husbandry_level,
            Certificate.id,
            Certificate.number,
            Certificate.valid_until,
        )
        .join(Category, Category.id == Product.category_id)
        .outerjoin(CertificateProduct, CertificateProduct.product_id == Product.id)
        .outerjoin(
            Certificate,
            and_(
                Certificate.id == CertificateProduct.certificate_id,
                Certificate.status == CertificateStatus.ACTIVE,
                Certificate.valid_from <= today,
                Certificate.valid_until >= today,
            ),
        )
        .where(Product.organisation_id.in_(supplier_ids))
    ).all()
    newest: dict[int, tuple] = {}
    for row in sorted(rows, key=lambda row: (row[8] is not None, row[10] or date.min, row[8] or 0)):
        newest[row[0]] = row  # of a product's rows, its certificate active today with the latest end
    found: dict[int, list[tuple]] = {supplier_id: [] for supplier_id in supplier_ids}
    for row in sorted(newest.values(), key=lambda row: (german_key(row[2]), row[0])):
        product_id, supplier_id, name_de, name_en, category, organic, gmo_free, husbandry, *certificate = row
        product = ListedProduct(product_id, name_de, name_en, category, organic, gmo_free, husbandry)
        found[supplier_id].append((product, ListedCertificate(*certificate) if certificate[0] else None))
    return found


def _suppliers(supplier_ids: list[int]) -> dict[int, tuple]:
    """{supplier id: (organisation, its delivery settings or None)}."""
    # The organisation's kinds (eager everywhere else) stay unloaded: the results never show them, and
    # loading them cost a query of its own.
    rows = db.session.execute(
        select(Organisation, SupplierProfile)
        .outerjoin(SupplierProfile, SupplierProfile.organisation_id == Organisation.id)
        .where(Organisation.id.in_(supplier_ids))
        .options(lazyload(Organisation.kind_rows))
    )
    return {organisation.id: (organisation, profile) for organisation, profile in rows}


def search(
    user,
    query: SupplierQuery,
    limit: int | None = None,
    offset: int | None = None,
    max_products: int | None = None,
) -> Results:
    """One page of suppliers with products matching `query` (the acting user must be a retailer):
    `limit` suppliers, each with its first SHOWN_PRODUCTS matching products — or, for the export,
    all of them up to `max_products` in all."""
    if user is not SYSTEM:
        retailer_of(user)
    today = utcnow().date()
    plan_with_values(db.session)
    limit = query.page_size if limit is None else limit
    offset = (query.page - 1) * query.page_size if offset is None else offset
    groups = _rings(query, offset + limit + 1) if query.origin is not None else _by_name(query)
    page = _walk(query, groups, today, offset, limit + 1)
    suppliers = page[:limit]
    products = _products(query, today, [supplier_id for supplier_id, _ in suppliers])
    shown = SHOWN_PRODUCTS if max_products is None else None
    listed = {supplier_id: some[:shown] for supplier_id, some in products.items()}
    if max_products is not None:
        budget = max_products
        for supplier_id, _ in suppliers:
            listed[supplier_id] = listed[supplier_id][: max(budget, 0)]
            budget -= len(listed[supplier_id])
    paths = catalogue.public_paths([product.id for some in listed.values() for product, _ in some])
    found = _suppliers([supplier_id for supplier_id, _ in suppliers])
    results = []
    for supplier_id, km in suppliers:
        if not listed[supplier_id]:
            break  # the export's limit reached
        organisation, profile = found[supplier_id]
        result = SupplierResult(organisation, km, profile)
        result.products = [
            ProductHit(product, certificate, paths.get(product.id))
            for product, certificate in listed[supplier_id]
        ]
        result.more = len(products[supplier_id]) - len(listed[supplier_id])
        results.append(result)
    return Results(suppliers=results, has_next=len(page) > limit)
