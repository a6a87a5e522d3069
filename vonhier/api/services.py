"""What the public API and the open-data files publish, and the queries behind them.

Organisations, products and certificates follow the listings' rule: only organisations with a
current licence (`payments.services.licensed_organisations`) appear, with the register's certified
products (`certification.certificates.register_statement`: the newest certificate per product).
Outlets follow the public outlet page and the consumer finder instead: every non-archived outlet,
since shops and restaurants that sell certified products need no licence of their own; their
organisation is linked to its API profile only when it has one. Nothing about people is
published: no member, user or e-mail of a person; an organisation's own contact details appear as
on its public profile page.
Offers (not orders) follow the pages that show them (`orders.shown.on_sale`): active offers of active
products at public outlets with opening hours, whatever the producer's licence, as the outlet's page.
Every function here reads only; serialising to JSON happens in `resources.py`.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Category, Product, ProductStatus, ProductVersion
from ..certification.certificates import register_statement
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..clock import utcnow
from ..extensions import db
from ..orders import shown as offers_shown
from ..orders.models import Offer
from ..organisations.models import Organisation, OrganisationKind
from ..outlets.models import Outlet, outlet_categories, outlet_products
from ..payments import services as payments
from ..provenance import services as provenance


@dataclass
class ResultPage:
    """One page of a listing's results, and how many there are in all."""

    items: list
    total: int
    page: int
    per_page: int


def _paginate(statement, page: int, per_page: int) -> ResultPage:
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return ResultPage(list(items), total or 0, page, per_page)


def categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def today() -> date:
    return utcnow().date()


def status_condition(status: CertificateStatus, day: date | None = None):
    """SQL for "the certificate's effective status is `status`"
    (`certification.certificates.effective_status`)."""
    day = day or today()
    lapsed = and_(Certificate.status != CertificateStatus.REVOKED, Certificate.valid_until < day)
    if status == CertificateStatus.EXPIRED:
        return or_(Certificate.status == CertificateStatus.EXPIRED, lapsed)
    if status == CertificateStatus.REVOKED:
        return Certificate.status == CertificateStatus.REVOKED
    return and_(Certificate.status == status, Certificate.valid_until >= day)


# --- products -----------------------------------------------------------------------------------------


def products_statement(
    category_id: int | None = None,
    district: str = "",
    organisation_id: int | None = None,
    status: CertificateStatus | None = None,
):
    """The register's entries of active products (archived products have no current code to print)."""
    statement = (
        register_statement("", category_id, district)
        .where(Product.status == ProductStatus.ACTIVE)
        .order_by(None)
        .order_by(Product.id)  # machines page by a stable key; people's lists sort by name
        .options(selectinload(CertificateProduct.certificate).selectinload(Certificate.certification_body))
        .options(selectinload(CertificateProduct.product).selectinload(Product.organisation))
    )
    if organisation_id is not None:
        statement = statement.where(Product.organisation_id == organisation_id)
    if status is not None:
        statement = statement.where(status_condition(status))
    return statement


def products(page: int, per_page: int, **filters) -> ResultPage:
    return _paginate(products_statement(**filters), page, per_page)


def product(product_id: int) -> CertificateProduct | None:
    return db.session.scalar(products_statement().where(Product.id == product_id))


def entries_of(product_ids: list[int]) -> list[CertificateProduct]:
    """The register's entries of these products, in this order (the catalogue's search found them)."""
    if not product_ids:
        return []
    found = {
        e.product_id: e for e in db.session.scalars(products_statement().where(Product.id.in_(product_ids)))
    }
    return [found[product_id] for product_id in product_ids]


def current_data(product_ids: list[int]) -> dict[int, dict]:
    """Each product's current (newest) version: its snapshot (figures, allergens)."""
    if not product_ids:
        return {}
    newest = (
        select(func.max(ProductVersion.id))
        .where(ProductVersion.product_id.in_(product_ids))
        .group_by(ProductVersion.product_id)
    )
    rows = db.session.execute(
        select(ProductVersion.product_id, ProductVersion.data).where(ProductVersion.id.in_(newest))
    )
    return {product_id: data or {} for product_id, data in rows}


def codes(product_ids: list[int]) -> dict[int, list[provenance.CodeRow]]:
    """Each product's public URLs, the same rows as `flask qr urls` (product first, then its batches)."""
    found: dict[int, list[provenance.CodeRow]] = {}
    if product_ids:
        for row in provenance.active_codes(product_ids):
            found.setdefault(row.product_id, []).append(row)
    return found


# --- organisations ------------------------------------------------------------------------------------


def organisations_statement(kind: str | None = None, district: str = ""):
    statement = (
        select(Organisation)
        .where(Organisation.id.in_(payments.licensed_organisations()))
        .order_by(Organisation.id)
    )
    if kind:
        statement = statement.where(
            Organisation.id.in_(select(OrganisationKind.organisation_id).where(OrganisationKind.kind == kind))
        )
    if district:
        statement = statement.where(Organisation.district == district)
    return statement


def organisations(page: int, per_page: int, **filters) -> ResultPage:
    return _paginate(organisations_statement(**filters), page, per_page)


def organisation(organisation_id: int) -> Organisation | None:
    return db.session.scalar(organisations_statement().where(Organisation.id == organisation_id))


# --- outlets ------------------------------------------------------------------------------------------


def outlets_statement(
    kinds: list[str] | None = None,
    category_id: int | None = None,
    organisation_id: int | None = None,
    state: str = "",
):
    statement = (
        select(Outlet)
        .where(Outlet.archived_at.is_(None))
        .order_by(Outlet.id)
        .options(
            selectinload(Outlet.organisation),
            selectinload(Outlet.products),
            selectinload(Outlet.categories),
        )
    )
    if kinds:
        statement = statement.where(Outlet.kind.in_(kinds))
    if category_id is not None:
        # Sells the category: named as such, or one of its active products is of that category.
        statement = statement.where(
            Outlet.id.in_(
                select(outlet_categories.c.outlet_id).where(outlet_categories.c.category_id == category_id)
            )
            | Outlet.id.in_(
                select(outlet_products.c.outlet_id)
                .join(Product, Product.id == outlet_products.c.product_id)
                .where(Product.category_id == category_id, Product.status == ProductStatus.ACTIVE)
            )
        )
    if organisation_id is not None:
        statement = statement.where(Outlet.organisation_id == organisation_id)
    if state:
        statement = statement.where(Outlet.state == state)
    return statement


def licensed_among(organisation_ids) -> set[int]:
    """Which of these organisations hold a current licence (and so have an API profile)."""
    ids = set(organisation_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(ids), Organisation.id.in_(payments.licensed_organisations())
            )
        )
    )


def outlets(page: int, per_page: int, **filters) -> ResultPage:
    return _paginate(outlets_statement(**filters), page, per_page)


def all_outlets() -> list[Outlet]:
    return db.session.scalars(outlets_statement()).all()


def outlets_by_id(outlet_ids: list[int]) -> dict[int, Outlet]:
    """Outlets the finder found, with what the API shows of them loaded (the finder decides which)."""
    if not outlet_ids:
        return {}
    statement = (
        select(Outlet)
        .where(Outlet.id.in_(outlet_ids))
        .options(
            selectinload(Outlet.organisation),
            selectinload(Outlet.products),
            selectinload(Outlet.categories),
        )
    )
    return {outlet.id: outlet for outlet in db.session.scalars(statement)}


def outlet(outlet_id: int) -> Outlet | None:
    return db.session.scalar(outlets_statement().where(Outlet.id == outlet_id))


def outlet_offers(outlet_id: int, page: int, per_page: int) -> ResultPage:
    """The offers on sale at an outlet, a page of them."""
    return _paginate(offers_shown.offers_statement(outlet_id=outlet_id), page, per_page)


def product_offers(product_id: int) -> list[Offer]:
    return offers_shown.offers_of([product_id])


def product_codes(product_ids: list[int]) -> dict[int, str]:
    """Product-level public URLs only (no batches), for products listed by outlets."""
    base = current_app.config["BASE_URL"]
    return {product_id: base + path for product_id, path in provenance.paths(product_ids=product_ids).items()}


# --- certificates -------------------------------------------------------------------------------------


def certificates_statement(status: CertificateStatus | None = None, organisation_id: int | None = None):
    statement = (
        select(Certificate)
        .where(Certificate.organisation_id.in_(payments.licensed_organisations()))
        .order_by(Certificate.number)
        .options(
            selectinload(Certificate.organisation),
            selectinload(Certificate.certification_body),
            selectinload(Certificate.products).selectinload(CertificateProduct.product),
        )
    )
    if status is not None:
        statement = statement.where(status_condition(status))
    if organisation_id is not None:
        statement = statement.where(Certificate.organisation_id == organisation_id)
    return statement


def certificates(page: int, per_page: int, **filters) -> ResultPage:
    return _paginate(certificates_statement(**filters), page, per_page)


def certificate(number: str) -> Certificate | None:
    return db.session.scalar(certificates_statement().where(Certificate.number == number))


# --- the open-data register ---------------------------------------------------------------------------


def register_entries() -> list[CertificateProduct]:
    return db.session.scalars(products_statement()).all()
