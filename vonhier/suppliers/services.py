"""Supplier search for retailers, supplier settings, shortlists and inquiry threads.

Only products with a certificate whose effective status is active today, of organisations with a
current licence, are found. Criteria come from the product data (the same fields the certification
pre-check reads), never from a second copy typed in for the search.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from babel.numbers import format_decimal
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import Forbidden, NotFound

from .. import mail, spreadsheet
from ..accounts.services import external_url
from ..catalogue.models import Category, Product, ProductStatus, Site
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..clock import utcnow
from ..database import flush_or_conflict, german, german_key, unique_constraint
from ..extensions import db
from ..geo.services import distance_sql, within_radius
from ..organisations import services as organisations
from ..organisations.models import Organisation, OrgKind
from ..payments import services as payments
from ..payments.models import Licence
from ..permissions import SYSTEM
from ..search import services as text_search
from .models import InquiryMessage, InquiryRead, InquiryThread, ShortlistEntry, SupplierProfile

DELIVERY_OPTIONS = ("pickup", "own", "partner")
DELIVERY_LABELS = {
    "pickup": _l("Pick-up"),
    "own": _l("Own delivery"),
    "partner": _l("Logistics partner"),
}
CRITERIA = ("organic", "gmo_free")
SUPPLIER_KINDS = (OrgKind.PRODUCER, OrgKind.PROCESSOR)
MAX_RADIUS_KM = 300
MAX_EXPORT_ROWS = 5000
SUBJECT_MAX = 200
MESSAGE_MAX = 5000


class InquiryError(Exception):
    """An inquiry the rules refuse; str() is a translated message."""


# --- who is asking --------------------------------------------------------------------------------


def retailer_of(user) -> Organisation:
    """The retailer organisation the user acts for: the current one if it is a retailer, else their first."""
    current = organisations.current(user)
    if current is not None and current.has_kind(OrgKind.RETAILER):
        return current
    for member in user.memberships:
        if member.organisation.has_kind(OrgKind.RETAILER):
            return member.organisation
    raise Forbidden()


def retailer_sites(retailer: Organisation) -> list[Site]:
    return db.session.scalars(
        select(Site)
        .where(Site.organisation_id == retailer.id, Site.archived_at.is_(None))
        .order_by(german(Site.name), Site.id)
    ).all()


# --- the search -----------------------------------------------------------------------------------


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
    page_size: int = 25


@dataclass
class Hit:
    product: Product
    organisation: Organisation
    distance_km: float | None
    certificate: Certificate | None = None
    profile: SupplierProfile | None = None
    delivery: list[str] = field(default_factory=list)  # the options open to this retailer


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    has_next: bool = False


def _near_statement(query: SupplierQuery, radius_km: float | None):
    """(organisation id, km), nearest first, of every licensed supplier that passes the supplier-level
    filters (delivery options); km is the distance to the nearest of its sites and its address.

    With a radius, each kind of point is found by a bounding-box range on its (latitude, longitude)
    index followed by the exact haversine check (geo.services.within_radius).
    """
    lat, lon = query.origin.latitude, query.origin.longitude
    if radius_km is not None:
        site_where, site_km = within_radius(Site.latitude, Site.longitude, lat, lon, radius_km)
        org_where, org_km = within_radius(Organisation.latitude, Organisation.longitude, lat, lon, radius_km)
    else:
        site_where, site_km = literal(True), distance_sql(Site.latitude, Site.longitude, lat, lon)
        org_where = Organisation.latitude.is_not(None)
        org_km = distance_sql(Organisation.latitude, Organisation.longitude, lat, lon)
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
    if not query.delivery:
        return nearest.order_by("km", points.c.organisation_id)
    # Own delivery counts only within the supplier's delivery radius: of the nearest point's distance.
    nearest = nearest.subquery("nearest")
    return (
        select(nearest.c.organisation_id, nearest.c.km)
        .join(SupplierProfile, SupplierProfile.organisation_id == nearest.c.organisation_id)
        .where(SupplierProfile.offers(query.delivery, nearest.c.km))
        .order_by(nearest.c.km, nearest.c.organisation_id)
    )


def _supplier_distances(query: SupplierQuery, radius_km: float | None):
    return db.session.execute(_near_statement(query, radius_km)).all()


def _statement(query: SupplierQuery, today: date, supplier_filters: bool = True):
    """Certified products matching the product-level filters (and, unless the caller applied them
    already, the supplier-level ones: current licence, delivery options)."""
    statement = (
        select(Product, Organisation)
        .join(Organisation, Organisation.id == Product.organisation_id)
        .where(Product.status == ProductStatus.ACTIVE, Product.certified_until >= today)
        .options(contains_eager(Product.organisation))
    )
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
        statement = statement.outerjoin(SupplierProfile, SupplierProfile.organisation_id == Organisation.id)
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


def _rings(query: SupplierQuery, progress: dict):
    """Groups of (organisation id, km, sort key), nearest first: suppliers within 10 km, then in a
    wider ring, … up to the radius (or everywhere, without one). Each ring is one bounding-box query,
    so a page near the top of a broad search never computes far distances. The next ring is at least
    twice as wide, wider when few matches were found so far (`progress["found"]` against
    `progress["wanted"]`: matches grow with the area, so with the square root of the ratio).

    With a category and a radius over FEW_FROM_KM (or none), a first ring that found less than a
    quarter of the rows wanted means sparse matches: every further ring would read the category
    again for a handful of rows, so the rest comes from the category's candidates at once (`_few`).
    Dense matches stay in the rings, which stop long before the radius."""
    limit = query.radius_km
    done, radius = -1.0, float(min(FIRST_RING_KM, limit or FIRST_RING_KM))
    first = True
    while True:
        last = limit is not None and radius >= limit
        bounded = radius if limit is not None or radius < MAX_RADIUS_KM else None
        if first:
            ring = [r for r in _supplier_distances(query, bounded) if r.km > done]
            yield [(r.organisation_id, r.km, (r.km,)) for r in ring]
        else:
            # A wide ring: the database sorts its matches and returns only the ones still wanted.
            yield {"near": _near_statement(query, bounded).order_by(None).subquery("near"), "beyond": done}
        if last or bounded is None:
            return
        first, done = False, radius
        sparse = progress["found"] * 4 < progress["wanted"]
        if sparse and query.category is not None and (limit is None or limit > FEW_FROM_KM):
            yield {"few": True, "beyond": done}
            return
        factor = max(2.0, 1.5 * (progress["wanted"] / max(progress["found"], 1)) ** 0.5)
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


def _walk(query: SupplierQuery, groups, progress: dict, today: date, offset: int, limit: int) -> list[tuple]:
    """Rows offset … offset + limit of (…sort keys, product id, km) over ordered groups of suppliers.

    The groups come in order (nearest first, or by name), so the products of one group sort after
    those of all earlier ones: the walk stops as soon as the page is full, and reads only ids and
    sort keys of the products. The order is exactly (km, supplier name, product name, id), names in
    German order (`database.german` in SQL, `german_key` here) — or
    without an origin (supplier name, supplier, product name, id). Only the page's rows become objects
    (`_hits`).
    """
    wanted = offset + limit
    keys = _keys(query, today, supplier_filters=False)
    found: list[tuple] = []
    progress["wanted"] = wanted
    for group in groups:
        if isinstance(group, dict) and group.get("few"):
            rows = db.session.execute(_few(query, today, group["beyond"]).limit(wanted - len(found))).all()
            found += [tuple(row) for row in rows]
        elif isinstance(group, dict):
            near = group["near"]
            rows = db.session.execute(
                keys.add_columns(near.c.km)
                .join(near, near.c.organisation_id == Product.organisation_id)
                .where(near.c.km > group["beyond"])
                .order_by(
                    near.c.km,
                    german(Organisation.display_name),
                    Organisation.id,
                    german(Product.name_de),
                    Product.id,
                )
                .limit(wanted - len(found))
            ).all()
            found += [
                (km, name, org_id, product_name, product_id, km)
                for product_id, org_id, name, product_name, km in rows
            ]
        elif group:
            known = {org_id: (km, key) for org_id, km, key in group}
            if len(known) <= MANY_SUPPLIERS:
                rows = db.session.execute(keys.where(Product.organisation_id.in_(list(known)))).all()
            else:
                # Reached only when the filters are narrow: let them pick the rows (category index),
                # rather than visiting every product of thousands of suppliers.
                rows = [row for row in db.session.execute(keys) if row[1] in known]
            found += sorted(
                (
                    *known[org_id][1],
                    german_key(name),
                    org_id,
                    german_key(product_name),
                    product_id,
                    known[org_id][0],
                )
                for product_id, org_id, name, product_name in rows
            )
        # Before the next group is asked for: the rings size the next one by it.
        progress["found"] = len(found)
        if len(found) >= wanted:
            break
    return found[offset:wanted]


def _keys(query: SupplierQuery, today: date, supplier_filters: bool):
    """Ids and sort keys of the matching products: (product id, supplier id, supplier name, name)."""
    return (
        _statement(query, today, supplier_filters)
        .with_only_columns(Product.id, Product.organisation_id, Organisation.display_name, Product.name_de)
        .options()
    )


def _few(query: SupplierQuery, today: date, beyond: float):
    """The rows of `_walk` of suppliers over `beyond` km, in order, for the products of one category:
    distances are computed only for the suppliers of matching products inside the radius's box (a
    ring computes them for every supplier in the ring and reads all their products)."""
    candidates = _keys(query, today, supplier_filters=True).cte("candidates")
    suppliers = select(candidates.c.organisation_id)
    lat, lon = query.origin.latitude, query.origin.longitude
    if query.radius_km is not None:
        # Box first: a point outside it is too far to be a supplier's nearest one within the radius.
        site_where, site_km = within_radius(Site.latitude, Site.longitude, lat, lon, query.radius_km)
        org_where, org_km = within_radius(
            Organisation.latitude, Organisation.longitude, lat, lon, query.radius_km
        )
    else:
        site_where, site_km = literal(True), distance_sql(Site.latitude, Site.longitude, lat, lon)
        org_where = Organisation.latitude.is_not(None)
        org_km = distance_sql(Organisation.latitude, Organisation.longitude, lat, lon)
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
        select(
            near.c.km,
            candidates.c.display_name,
            candidates.c.organisation_id,
            candidates.c.name_de,
            candidates.c.id,
            near.c.km,
        )
        .join(near, near.c.organisation_id == candidates.c.organisation_id)
        .where(near.c.km > beyond)
        .order_by(
            near.c.km,
            german(candidates.c.display_name),
            candidates.c.organisation_id,
            german(candidates.c.name_de),
            candidates.c.id,
        )
    )
    if query.delivery:  # the candidates passed without distances: now whether own delivery reaches
        statement = statement.join(
            SupplierProfile, SupplierProfile.organisation_id == near.c.organisation_id
        ).where(SupplierProfile.offers(query.delivery, near.c.km))
    return statement


def _hits(page: list[tuple], today: date) -> list[Hit]:
    """Hits for rows (…, product id, km), in their order: each product with its supplier, the supplier's
    settings and the product's newest active certificate, in one query (a round trip costs more than
    the joins)."""
    if not page:
        return []
    # The organisation's kinds (eager everywhere else) stay unloaded: the results never show them, and
    # loading them cost a query of its own. A row for each certificate the product was ever on, the
    # certificate itself only where it is active today (plain joins: SQLite would read a nested join
    # of the two tables whole).
    rows = db.session.execute(
        select(Product, Certificate, SupplierProfile)
        .join(Product.organisation)
        .outerjoin(SupplierProfile, SupplierProfile.organisation_id == Product.organisation_id)
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
        .where(Product.id.in_([row[-2] for row in page]))
        .order_by(Certificate.valid_until)
        .options(contains_eager(Product.organisation).lazyload(Organisation.kind_rows))
    )
    found = {}
    for product, certificate, profile in rows:
        if certificate is not None or product.id not in found:
            found[product.id] = (product, certificate, profile)  # the latest end date wins
    hits = []
    for row in page:
        product, certificate, profile = found[row[-2]]
        km = row[-1]
        delivery = profile.options_for(km) if profile else []
        hits.append(Hit(product, product.organisation, km, certificate, profile, delivery))
    return hits


def search(user, query: SupplierQuery, limit: int | None = None, offset: int | None = None) -> Results:
    """One page of certified products matching `query` (the acting user must be a retailer)."""
    if user is not SYSTEM:
        retailer_of(user)
    today = utcnow().date()
    limit = query.page_size if limit is None else limit
    offset = (query.page - 1) * query.page_size if offset is None else offset
    progress = {"found": 0, "wanted": offset + limit + 1}
    groups = _rings(query, progress) if query.origin is not None else _by_name(query)
    rows = _walk(query, groups, progress, today, offset, limit + 1)
    return Results(hits=_hits(rows[:limit], today), has_next=len(rows) > limit)


# Headers and values in the reader's language, decimals as their spreadsheet reads them (`;`-separated).
CSV_HEADER = (
    _l("Product"),
    _l("Category"),
    _l("Organic control body"),
    _l("GMO-free"),
    _l("Haltungsform"),
    _l("Supplier"),
    _l("Postcode"),
    _l("Town"),
    _l("District"),
    _l("Distance (km)"),
    _l("Delivery"),
    _l("Delivery radius (km)"),
    _l("Capacity"),
    _l("Minimum order"),
    _l("Certificate"),
    _l("Valid until"),
    _l("Supplier page"),
)


def export_csv(user, query: SupplierQuery, locale: str = "de") -> str:
    """All results (up to MAX_EXPORT_ROWS) as `;`-separated CSV with a UTF-8 byte order mark."""
    results = search(user, query, limit=MAX_EXPORT_ROWS, offset=0)
    rows = []
    for hit in results.hits:
        product, organisation, profile = hit.product, hit.organisation, hit.profile
        rows.append(
            [
                product.name(locale),
                product.category.name(locale),
                product.organic_control_body,
                _l("yes") if product.gmo_free else _l("no"),
                product.husbandry_level,
                organisation.display_name,
                organisation.postcode,
                organisation.town,
                organisation.district,
                None if hit.distance_km is None else format_decimal(hit.distance_km, "0.0", locale=locale),
                ", ".join(str(DELIVERY_LABELS[d]) for d in hit.delivery),
                profile.delivery_radius_km if profile else None,
                profile.capacity_notes if profile else None,
                profile.min_order_note if profile else None,
                hit.certificate.number if hit.certificate else None,
                hit.certificate.valid_until if hit.certificate else None,
                external_url("suppliers.supplier", organisation_id=organisation.id),
            ]
        )
    return spreadsheet.table(CSV_HEADER, rows)


# --- supplier pages and settings ------------------------------------------------------------------


def get_supplier(user, organisation_id: int) -> Organisation:
    """A supplier as retailers see it: only organisations with a current licence."""
    if user is not SYSTEM:
        retailer_of(user)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not payments.is_current(organisation.id):
        raise NotFound()
    return organisation


def certified_products(organisation: Organisation) -> list[tuple[Product, Certificate]]:
    """The supplier's products with a certificate active today, each with that certificate."""
    today = utcnow().date()
    rows = db.session.execute(
        select(Product, Certificate)
        .join(CertificateProduct, CertificateProduct.product_id == Product.id)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(
            Product.organisation_id == organisation.id,
            Product.status == ProductStatus.ACTIVE,
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.valid_from <= today,
            Certificate.valid_until >= today,
        )
        .order_by(german(Product.name_de), Product.id, Certificate.valid_until)
    ).all()
    newest = {}
    for product, certificate in rows:
        newest[product.id] = (product, certificate)
    return list(newest.values())


def certificates_of(organisation: Organisation) -> list[Certificate]:
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.organisation_id == organisation.id)
        .order_by(Certificate.valid_until.desc(), Certificate.id.desc())
    ).all()


def profile_of(organisation_id: int) -> SupplierProfile | None:
    return db.session.get(SupplierProfile, organisation_id)


def may_edit_profile(organisation: Organisation) -> bool:
    return any(organisation.has_kind(kind) for kind in SUPPLIER_KINDS)


PROFILE_FIELDS = (
    "delivers_pickup",
    "delivers_own",
    "delivers_partner",
    "delivery_radius_km",
    "capacity_notes",
    "min_order_note",
)


def save_profile(user, organisation: Organisation, data: dict) -> SupplierProfile:
    """Members of a producer or processor set how they deliver to the trade."""
    if user is not SYSTEM and organisations.membership(user, organisation) is None:
        raise Forbidden()
    if not may_edit_profile(organisation):
        raise Forbidden()
    profile = profile_of(organisation.id)
    if profile is None:
        profile = SupplierProfile(organisation_id=organisation.id)
        db.session.add(profile)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    return profile


# --- shortlist ------------------------------------------------------------------------------------


def shortlist(user) -> list[ShortlistEntry]:
    retailer = retailer_of(user)
    return db.session.scalars(
        select(ShortlistEntry)
        .join(ShortlistEntry.supplier)
        .where(ShortlistEntry.retailer_id == retailer.id)
        .order_by(german(Organisation.display_name), Organisation.id)
    ).all()


def shortlisted_ids(user) -> set[int]:
    retailer = retailer_of(user)
    return set(
        db.session.scalars(
            select(ShortlistEntry.supplier_id).where(ShortlistEntry.retailer_id == retailer.id)
        )
    )


def add_to_shortlist(user, supplier_id: int) -> ShortlistEntry:
    retailer = retailer_of(user)
    supplier = get_supplier(user, supplier_id)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.retailer_id == retailer.id, ShortlistEntry.supplier_id == supplier.id
        )
    )
    if entry is None:
        entry = ShortlistEntry(retailer_id=retailer.id, supplier_id=supplier.id, added_by_id=user.id)
        db.session.add(entry)
        # A double click: the second request lands on the supplier's page, as a repeated click does.
        flush_or_conflict(
            db.session,
            {unique_constraint(ShortlistEntry, "retailer_id", "supplier_id"): _l("Added to your shortlist.")},
            existing=partial(url_for, "suppliers.supplier", organisation_id=supplier.id),
        )
    return entry


def remove_from_shortlist(user, supplier_id: int) -> None:
    retailer = retailer_of(user)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.retailer_id == retailer.id, ShortlistEntry.supplier_id == supplier_id
        )
    )
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()


# --- inquiries ------------------------------------------------------------------------------------


def _check_text(subject: str | None, body: str) -> None:
    if subject is not None and not (0 < len(subject.strip()) <= SUBJECT_MAX):
        raise InquiryError(str(_l("Please give a subject of at most %(n)d characters.", n=SUBJECT_MAX)))
    if not (0 < len(body.strip()) <= MESSAGE_MAX):
        raise InquiryError(str(_l("Please write a message of at most %(n)d characters.", n=MESSAGE_MAX)))


def start_inquiry(user, supplier_id: int, subject: str, body: str) -> InquiryThread:
    """The user's retailer organisation writes to a supplier: a new thread with its first message."""
    retailer = retailer_of(user)
    supplier = get_supplier(user, supplier_id)
    if supplier.id == retailer.id:
        raise InquiryError(str(_l("You cannot send an inquiry to your own organisation.")))
    _check_text(subject, body)
    now = utcnow()
    thread = InquiryThread(
        retailer_id=retailer.id,
        supplier_id=supplier.id,
        subject=subject.strip(),
        created_by_id=user.id,
        created_at=now,
        last_message_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    _post(user, thread, retailer, body, now)
    return thread


def get_thread(user, thread_id: int) -> InquiryThread:
    """A thread for members of its two organisations; for anyone else it does not exist (404)."""
    thread = db.session.get(InquiryThread, thread_id)
    if thread is None or _side(user, thread) is None:
        raise NotFound()
    return thread


def _side(user, thread: InquiryThread) -> Organisation | None:
    """The organisation the user writes for in this thread (the current one if they belong to both)."""
    mine = {m.organisation_id for m in user.memberships}
    if thread.retailer_id in mine and thread.supplier_id in mine:
        current = organisations.current(user)
        return (
            thread.supplier if current is not None and current.id == thread.supplier_id else thread.retailer
        )
    if thread.retailer_id in mine:
        return thread.retailer
    if thread.supplier_id in mine:
        return thread.supplier
    return None


def reply(user, thread: InquiryThread, body: str) -> InquiryMessage:
    side = _side(user, thread)
    if side is None:
        raise NotFound()
    _check_text(None, body)
    return _post(user, thread, side, body, utcnow())


def _post(user, thread: InquiryThread, side: Organisation, body: str, now) -> InquiryMessage:
    message = InquiryMessage(
        thread=thread, organisation_id=side.id, author_id=user.id, body=body.strip(), created_at=now
    )
    db.session.add(message)
    thread.last_message_at = now
    db.session.flush()
    mark_read(user, thread, message.id)
    _notify(thread, message, thread.other_side(side.id), user)
    return message


def _notify(thread: InquiryThread, message: InquiryMessage, recipients: Organisation, author) -> None:
    sender = thread.other_side(recipients.id)
    link = external_url("suppliers.thread", thread_id=thread.id)
    for member in recipients.memberships:
        person = member.user
        if person.id == author.id or not person.is_active:
            continue
        mail.send(
            person.email,
            _l(
                "Inquiry from %(organisation)s: %(subject)s",
                organisation=sender.display_name,
                subject=thread.subject,
            ),
            "inquiry",
            locale=person.locale,
            thread=thread,
            message=message,
            sender=sender,
            author=author,
            link=link,
        )


def mark_read(user, thread: InquiryThread, message_id: int | None = None) -> None:
    if message_id is None:
        message_id = db.session.scalar(
            select(func.max(InquiryMessage.id)).where(InquiryMessage.thread_id == thread.id)
        )
    if message_id is None:
        return
    read = db.session.get(InquiryRead, (thread.id, user.id))
    if read is None:
        db.session.add(InquiryRead(thread_id=thread.id, user_id=user.id, last_message_id=message_id))
    elif read.last_message_id < message_id:
        read.last_message_id = message_id
    db.session.flush()


def threads_of(user, organisation: Organisation) -> list[tuple[InquiryThread, bool]]:
    """The organisation's threads, newest first, each with whether it holds messages unread by `user`."""
    if organisations.membership(user, organisation) is None:
        raise Forbidden()
    newest = (
        select(func.max(InquiryMessage.id))
        .where(InquiryMessage.thread_id == InquiryThread.id)
        .scalar_subquery()
    )
    read = (
        select(InquiryRead.last_message_id)
        .where(InquiryRead.thread_id == InquiryThread.id, InquiryRead.user_id == user.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(InquiryThread, newest.label("newest"), read.label("read"))
        .where(
            or_(InquiryThread.retailer_id == organisation.id, InquiryThread.supplier_id == organisation.id)
        )
        .order_by(InquiryThread.last_message_at.desc(), InquiryThread.id.desc())
    ).all()
    return [(thread, read is None or (newest or 0) > read) for thread, newest, read in rows]


def unread_count(user, organisation: Organisation | None) -> int:
    if organisation is None:
        return 0
    return sum(1 for _, unread in threads_of(user, organisation) if unread)
