"""Catalogue state changes: sites, products (saved from a checked input, versioned, archived), images,
supplier confirmation and batches. What a product input must satisfy is `product_input.py`."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, select, true, update
from werkzeug.exceptions import Forbidden, NotFound

from .. import media
from ..clock import utcnow
from ..database import Conflict, german
from ..errors import RuleError, abort_with
from ..extensions import db
from ..geo.places import resolve_location
from ..organisations.models import Organisation
from ..organisations.services import require_member, row_for_member
from ..outbox import mail
from ..permissions import SYSTEM, MemberRole
from ..web import external_url
from . import snapshot
from .models import (
    Allergen,
    Batch,
    Category,
    Ingredient,
    LinkStatus,
    OriginKind,
    Presence,
    Product,
    ProductAllergen,
    ProductImage,
    ProductStatus,
    ProductVersion,
    Site,
    SiteKind,
    SupplierLink,
    SupplyStage,
)
from .product_input import PRODUCT_FIELDS, NormalisedInput, ProductInput, check_product, normalise
from .signals import product_paths, status_changed, version_recorded


class CatalogueError(RuleError):
    """Data that breaks a catalogue rule; `messages` are translated and name the row they concern."""


def public_paths(product_ids: list[int]) -> dict[int, str]:
    """{product id: the path of its public page} for the products that have one, from whichever feature
    serves those pages (`signals.product_paths`); pages below that feature link products with it."""
    found: dict[int, str] = {}
    if product_ids:
        for _receiver, paths in product_paths.send(None, product_ids=list(product_ids)):
            found.update(paths or {})
    return found


# --- sites ------------------------------------------------------------------------------------------


def sites_of(organisation_id: int, include_archived: bool = False) -> list[Site]:
    statement = (
        select(Site).where(Site.organisation_id == organisation_id).order_by(german(Site.name), Site.id)
    )
    if not include_archived:
        statement = statement.where(Site.archived_at.is_(None))
    return db.session.scalars(statement).all()


def get_site_for_member(user, site_id: int) -> Site:
    return row_for_member(user, Site, site_id)


def save_site(user, organisation_id: int, site: Site | None, data: dict) -> Site:
    """Create or update a site; coordinates must lie on land we serve, region membership is computed."""
    require_member(user, organisation_id)
    location = resolve_location(data)
    if site is None:
        site = Site(organisation_id=organisation_id)
        db.session.add(site)
    for key in (
        "name",
        "kind",
        "street",
        "postcode",
        "town",
        "country",
        "eu_approval_number",
        "organic_operator_id",
        "husbandry_id",
    ):
        if key in data:
            setattr(site, key, data[key])
    site.kind = SiteKind(site.kind)
    site.latitude, site.longitude = location.latitude, location.longitude
    site.in_region = location.in_region
    db.session.flush()
    return site


def set_site_archived(user, site: Site, archived: bool) -> None:
    require_member(user, site.organisation_id)
    site.archived_at = utcnow() if archived else None


def origin_choices(organisation_id: int) -> tuple[list[Site], list[Site]]:
    """Own active sites, and the active sites of every other organisation (possible suppliers)."""
    own, others = [], []
    statement = (
        select(Site)
        .join(Site.organisation)
        .where(Site.archived_at.is_(None))
        .order_by(german(Organisation.display_name), german(Site.name), Site.id)
    )
    for site in db.session.scalars(statement):
        (own if site.organisation_id == organisation_id else others).append(site)
    return own, others


# --- products ---------------------------------------------------------------------------------------


def categories() -> list[Category]:
    return db.session.scalars(select(Category).order_by(Category.position)).all()


def products_of(organisation_id: int, status: ProductStatus | None = ProductStatus.ACTIVE) -> list[Product]:
    statement = (
        select(Product)
        .where(Product.organisation_id == organisation_id)
        .order_by(german(Product.name_de), Product.id)
    )
    if status:
        statement = statement.where(Product.status == status)
    return db.session.scalars(statement).all()


def get_product_for_member(user, product_id: int) -> Product:
    return row_for_member(user, Product, product_id)


def save_product(user, organisation_id: int, product: Product | None, data: ProductInput) -> Product:
    """Create or change a product and record a new data version when anything changed."""
    require_member(user, organisation_id)
    if product is not None and product.organisation_id != organisation_id:
        raise Forbidden()
    normalised = _checked(organisation_id, product, data)
    fields = normalised.fields
    if not fields.get("reference"):
        fields["reference"] = product.reference if product else _next_reference(organisation_id)
    if product is None:
        product = Product(organisation_id=organisation_id)
        db.session.add(product)
    _apply(product, normalised)
    db.session.flush()
    _sync_allergens(product)
    _sync_supplier_links(user, product)
    record_version(user, product)
    return product


def preview_snapshot(organisation_id: int, product: Product | None, data: ProductInput) -> dict:
    """The snapshot the product would have with `data`, built on unsaved objects: nothing is stored."""
    normalised = _checked(organisation_id, product, data)
    draft = Product(organisation_id=organisation_id)
    draft.id = product.id if product else None
    draft.organisation = db.session.get(Organisation, organisation_id)
    _apply(draft, normalised)
    return snapshot.build(draft, link_status(product) if product else {})


def _checked(organisation_id: int, product: Product | None, data: ProductInput) -> NormalisedInput:
    """`data` normalised, or a CatalogueError with every problem `check_product` finds."""
    normalised = normalise(organisation_id, data)
    if problems := check_product(organisation_id, product, normalised):
        raise CatalogueError(problems)
    return normalised


def _apply(product: Product, normalised: NormalisedInput) -> None:
    """Give `product` (a stored one or an unsaved draft) the fields, ingredients and supply chain."""
    for key in PRODUCT_FIELDS:
        if key in normalised.fields:
            setattr(product, key, normalised.fields[key])
    product.allergen_traces = normalised.fields["allergen_traces"]
    product.allergens_recorded = normalised.fields["allergens_recorded"]
    product.ingredients = [
        Ingredient(position=n, origin_site=i.origin_site, **i.columns())
        for n, i in enumerate(normalised.ingredients)
    ]
    product.stages = [
        SupplyStage(position=n, kind=s.kind, site=s.site) for n, s in enumerate(normalised.stages)
    ]


def _sync_allergens(product: Product) -> None:
    """The product's rows in `product_allergens`, rewritten from its ingredients and traces."""
    presence = {code: Presence.TRACES for code in product.allergen_traces}
    presence |= {code: Presence.CONTAINS for i in product.ingredients for code in i.allergens}
    db.session.execute(delete(ProductAllergen).where(ProductAllergen.product_id == product.id))
    db.session.add_all(
        ProductAllergen(product_id=product.id, allergen=code, presence=kind)
        for code, kind in presence.items()
    )
    db.session.flush()


def free_of(codes):
    """A condition on `Product` for "without milk, without gluten": the product's allergens are recorded
    and it contains none of `codes` (Allergen values), neither in an ingredient nor as traces. A product
    whose allergens nobody recorded is never "without" anything. One index probe per product."""
    codes = [Allergen(code) for code in codes]  # a ValueError for what is no allergen
    if not codes:
        return true()
    carries = exists().where(ProductAllergen.product_id == Product.id, ProductAllergen.allergen.in_(codes))
    return and_(Product.allergens_recorded.is_(True), ~carries)


def _next_reference(organisation_id: int) -> str:
    count = db.session.scalar(
        select(func.count()).select_from(Product).where(Product.organisation_id == organisation_id)
    )
    number = count + 1
    while db.session.scalar(
        select(Product.id).where(
            Product.organisation_id == organisation_id, Product.reference == f"A-{number:04d}"
        )
    ):
        number += 1
    return f"A-{number:04d}"


def link_status(product: Product) -> dict[int, str]:
    links = db.session.scalars(select(SupplierLink).where(SupplierLink.product_id == product.id))
    return {link.site_id: link.status.value for link in links}


def record_version(user, product: Product) -> ProductVersion | None:
    """Append a version if the product's data differs from its latest version."""
    db.session.refresh(product, ["ingredients", "stages", "versions"])
    data = snapshot.build(product, link_status(product))
    latest = product.current_version
    if latest is not None and latest.data == data:
        return None
    version = ProductVersion(
        product=product,
        number=(latest.number + 1) if latest else 1,
        created_by_id=user.id,
        changes=snapshot.changes(latest.data if latest else None, data),
        data=data,
    )
    db.session.add(version)
    db.session.flush()
    version_recorded.send(product, previous=latest, version=version)
    return version


def add_image(product: Product, filename: str) -> None:
    product.images.append(ProductImage(filename=filename, position=len(product.images)))


def remove_image(user, product: Product, image_id: int) -> None:
    require_member(user, product.organisation_id)
    media.remove_image(product.images, image_id)


def set_product_archived(user, product: Product, archived: bool) -> None:
    """Products are archived, never deleted: their versions and certification history stay."""
    require_member(user, product.organisation_id)
    product.status = ProductStatus.ARCHIVED if archived else ProductStatus.ACTIVE
    db.session.flush()
    status_changed.send(product)


# --- supplier confirmation ----------------------------------------------------------------------------


def _sync_supplier_links(user, product: Product) -> None:
    wanted = {i.origin_site_id for i in product.ingredients if i.origin_kind == OriginKind.SUPPLIER_SITE}
    existing = {
        link.site_id: link
        for link in db.session.scalars(select(SupplierLink).where(SupplierLink.product_id == product.id))
    }
    for site_id, link in existing.items():
        if site_id not in wanted:
            db.session.delete(link)
    for site_id in wanted - existing.keys():
        link = SupplierLink(product=product, site_id=site_id)
        db.session.add(link)
        db.session.flush()
        if user is not SYSTEM:
            _notify_supplier(link)


def _notify_supplier(link: SupplierLink) -> None:
    supplier = link.site.organisation
    for member in supplier.memberships:
        if member.role == MemberRole.OWNER:
            mail.send(
                member.user.email,
                _l("%(name)s names you as a supplier", name=link.product.organisation.display_name),
                "supplier_request",
                locale=member.user.locale,
                link=link,
                url=external_url("catalogue.supplier_requests"),
            )


def supplier_requests(organisation_id: int) -> list[SupplierLink]:
    statement = (
        select(SupplierLink)
        .join(SupplierLink.site)
        .where(Site.organisation_id == organisation_id)
        .order_by(SupplierLink.status.desc(), SupplierLink.requested_at.desc())
    )
    return db.session.scalars(statement).all()


def decide_supplier_request(user, link_id: int, confirm: bool) -> SupplierLink:
    link = db.session.get(SupplierLink, link_id)
    if link is None:
        raise NotFound()
    require_member(user, link.site.organisation_id)
    answer = LinkStatus.CONFIRMED if confirm else LinkStatus.DECLINED
    # Compare-and-set: of identical answers sent at once (a double click) one changes the link, and
    # only that one mails the producer and records a product version. A changed answer still counts.
    changed = db.session.execute(
        update(SupplierLink)
        .where(SupplierLink.id == link.id, SupplierLink.status != answer)
        .values(status=answer, decided_by_id=user.id, decided_at=utcnow())
    )
    if changed.rowcount != 1:
        raise Conflict(str(_l("This answer has already been recorded.")))
    if user is not SYSTEM:
        for member in link.product.organisation.memberships:
            mail.send(
                member.user.email,
                _l("Your supplier has answered: %(product)s", product=link.product.name_de),
                "supplier_answer",
                locale=member.user.locale,
                link=link,
                url=external_url("catalogue.product", product_id=link.product_id),
            )
    record_version(SYSTEM, link.product)  # the confirmation is part of the product's provenance
    return link


# --- batches ----------------------------------------------------------------------------------------------


def get_batch_for_member(user, batch_id: int) -> Batch:
    """A batch by id for a member of its product's organisation (404 if there is none, else 403)."""
    batch = db.session.get(Batch, batch_id) or abort_with(404, str(_l("This batch does not exist.")))
    get_product_for_member(user, batch.product_id)
    return batch


def save_batch(user, product: Product, batch: Batch | None, data: dict) -> Batch:
    require_member(user, product.organisation_id)
    clash = db.session.scalar(
        select(Batch.id).where(Batch.product_id == product.id, Batch.lot == data["lot"])
    )
    if clash and (batch is None or clash != batch.id):
        raise CatalogueError(
            [str(_l("The lot number %(lot)s already exists for this product.", lot=data["lot"]))]
        )
    if data.get("best_before") and data["best_before"] < data["produced_on"]:
        raise CatalogueError(
            [str(_l("The best-before date cannot be before the production date."))], field="best_before"
        )
    if data.get("origin_site_id"):
        site = db.session.get(Site, data["origin_site_id"])
        if site is None or site.archived_at is not None:
            raise CatalogueError([str(_l("Please choose an active site."))])
    if batch is None:
        batch = Batch(product=product)
        db.session.add(batch)
    for key in ("lot", "produced_on", "best_before", "origin_site_id", "origin_note"):
        setattr(batch, key, data.get(key) or (None if key in ("best_before", "origin_site_id") else ""))
    db.session.flush()
    return batch
