"""Catalogue rules: who may change what, ingredient and origin checks, versions, supplier confirmation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from blinker import Namespace
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, String, func, inspect, select, update
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError
from werkzeug.exceptions import Forbidden, NotFound

from .. import media
from ..clock import utcnow
from ..database import Conflict, german
from ..errors import RuleError
from ..extensions import db
from ..geo import gazetteer
from ..geo.services import haversine_km, in_default_region
from ..organisations.models import Organisation
from ..organisations.services import require_member
from ..outbox import mail
from ..permissions import SYSTEM, MemberRole
from ..web import external_url
from . import snapshot
from .models import (
    Batch,
    Category,
    Ingredient,
    LinkStatus,
    OriginKind,
    Product,
    ProductImage,
    ProductStatus,
    ProductVersion,
    Site,
    SiteKind,
    Species,
    StageKind,
    SupplierLink,
    SupplyStage,
    Unit,
)

SHARE_TOLERANCE = Decimal("0.5")

# Sent with (product, previous=ProductVersion | None, version=ProductVersion) after a new data version;
# certification listens, so that certificates notice changes without the catalogue knowing about them.
version_recorded = Namespace().signal("product-version-recorded")
# Sent with (product) after a product was archived or brought back; the search index listens.
status_changed = Namespace().signal("product-status-changed")


class CatalogueError(RuleError):
    """Data that breaks a catalogue rule; `messages` are translated and name the row they concern."""


# --- sites ------------------------------------------------------------------------------------------


def sites_of(organisation_id: int, include_archived: bool = False) -> list[Site]:
    statement = (
        select(Site).where(Site.organisation_id == organisation_id).order_by(german(Site.name), Site.id)
    )
    if not include_archived:
        statement = statement.where(Site.archived_at.is_(None))
    return db.session.scalars(statement).all()


def get_site_for_member(user, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise NotFound()
    require_member(user, site.organisation_id)
    return site


def candidate_places(name: str, country: str | None = "DE", prefix: bool = True) -> list[gazetteer.Place]:
    """Places a producer may mean, those inside the region first: several villages share a name."""
    places = gazetteer.lookup(name, country=country, prefix=prefix)
    return sorted(places, key=lambda p: not in_default_region(p.latitude, p.longitude))


def best_place(name: str, country: str | None = "DE") -> gazetteer.Place | None:
    """The place a name most likely means (exact names only: data must not guess from prefixes)."""
    places = candidate_places(name, country, prefix=False)
    return places[0] if places else None


def locate(town: str, country: str = "DE") -> gazetteer.Place:
    """Coordinates for a town from the offline gazetteer, or a CatalogueError saying what to do."""
    place = best_place(town, country)
    if place is None:
        message = _l(
            "We do not know the town “%(town)s”. Please place a pin on the map or enter the coordinates.",
            town=town,
        )
        raise CatalogueError([str(message)])
    return place


@dataclass
class Location:
    latitude: float
    longitude: float
    in_region: bool
    state: str  # ISO code of the German state (BB, BE, …), "" abroad


def resolve_location(data: dict) -> Location:
    """Coordinates from `data` (a pin) or from its town via the gazetteer; they must lie on land we
    serve. Region membership and the German state are computed, never typed in. Used for sites and
    for outlets alike."""
    lat, lon = data.get("latitude"), data.get("longitude")
    found = None
    if lat is None or lon is None:
        found = locate(data["town"], data.get("country", "DE"))
        lat, lon = found.latitude, found.longitude
    if not gazetteer.is_on_served_land(lat, lon):
        raise CatalogueError(
            [
                str(
                    _l(
                        "These coordinates are not near any town we know (are they out at sea?). "
                        "Please check them."
                    )
                )
            ]
        )
    if found is None:
        # A pin: the state of the nearest known place (near a state border it may be the neighbour's).
        found, _km = gazetteer.nearest(lat, lon)
    state = found.state if found is not None and found.country == "DE" else ""
    return Location(lat, lon, in_default_region(lat, lon), state)


PIN_NEAR_TOWN_KM = 30  # Berlin reaches about 25 km from its centre point in the gazetteer


def location_warning(place) -> str | None:
    """A translated warning when a site's or outlet's pin lies far from every known place called
    like its town: a typo in either would put it in the wrong spot on every map. Only a warning,
    because the gazetteer lacks many villages (a "Neuendorf" may be found only far away)."""
    places = gazetteer.lookup(place.town, country=place.country or None, limit=50) if place.town else []
    if not places:
        return None
    km = min(haversine_km(place.latitude, place.longitude, p.latitude, p.longitude) for p in places)
    if km <= PIN_NEAR_TOWN_KM:
        return None
    return str(
        _l(
            "Please check the location: the pin lies %(km)s km from %(town)s.",
            km=format_decimal(round(km)),
            town=place.town,
        )
    )


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
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound()
    require_member(user, product.organisation_id)
    return product


def normalise_gtin(value: str | None) -> str | None:
    """A GTIN-8/12/13/14 with a correct check digit, padded to 14 digits; None when empty."""
    value = (value or "").replace(" ", "").replace("-", "")
    if not value:
        return None
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise CatalogueError([str(_l("A GTIN has 8, 12, 13 or 14 digits."))])
    try:
        ean.validate(value)
    except StdnumError as error:
        raise CatalogueError([str(_l("The GTIN %(gtin)s has a wrong check digit.", gtin=value))]) from error
    return value.zfill(14)


def _in_form(column: str, ingredient: int | None, message: str) -> str:
    if ingredient is None:
        return message
    return str(_l("Ingredient %(n)d: %(problem)s", n=ingredient + 1, problem=message))


@dataclass
class ProductInput:
    """A product as its source gave it (form, CSV, demo data, API); `normalise` makes it typed."""

    fields: dict
    ingredients: list[dict]
    stages: list[dict] = field(default_factory=list)
    # Says where a problem lies in the source's own terms: (column, ingredient index or None, message).
    where: Callable[[str, int | None, str], str] = _in_form


@dataclass
class IngredientInput:
    """One ingredient, normalised: its origin resolved to a site, or to a place (with coordinates when
    the gazetteer knows it)."""

    name: str
    share: Decimal
    is_main: bool
    is_value_determining: bool
    is_water_or_salt: bool
    origin_kind: OriginKind | None  # None: the chosen site does not exist
    place_name: str
    origin_site: Site | None = None
    place_latitude: float | None = None
    place_longitude: float | None = None
    place_in_region: bool = False

    def columns(self) -> dict:
        """The values of the Ingredient model's columns."""
        return {
            "name": self.name,
            "share": self.share,
            "is_main": self.is_main,
            "is_value_determining": self.is_value_determining,
            "is_water_or_salt": self.is_water_or_salt,
            "origin_kind": self.origin_kind,
            "origin_site_id": self.origin_site.id if self.origin_site else None,
            "place_name": self.place_name,
            "place_latitude": self.place_latitude,
            "place_longitude": self.place_longitude,
            "place_in_region": self.place_in_region,
        }


@dataclass
class StageInput:
    kind: StageKind
    site: Site | None  # None: the chosen site does not exist


@dataclass
class NormalisedInput:
    """A product input made typed by `normalise`: the GTIN padded, choices as enums, the category and
    the sites resolved. `check_product` reads it, saving and previewing apply it."""

    fields: dict  # the Product attributes the source gave (see PRODUCT_FIELDS), typed
    category: Category | None
    ingredients: list[IngredientInput]
    stages: list[StageInput]
    # Translated problems with values normalising could not take, by kind ("length", "gtin", "choice",
    # "category"); check_product reports them among its own, each in its place.
    rejected: dict[str, list[str]]


def _too_long(model, values: dict) -> list[tuple[str, str]]:
    """(column, message) for each text longer than the model's column holds (its String length)."""
    problems = []
    for attribute in inspect(model).column_attrs:
        kind, value = attribute.columns[0].type, values.get(attribute.key)
        text = isinstance(kind, String) and not isinstance(kind, Enum) and isinstance(value, str)
        if text and kind.length and len(value) > kind.length:
            message = _l("At most %(max)d characters, not %(length)d.", max=kind.length, length=len(value))
            problems.append((attribute.key, str(message)))
    return problems


def normalise(organisation_id: int, data: ProductInput) -> NormalisedInput:
    """`data` typed and resolved, leaving `data` itself as it was. Never fails: what it cannot take it
    keeps as given and words in `rejected`."""
    fields = dict(data.fields)
    # The lengths as entered: a GTIN with spaces counts its spaces (as it always did).
    length = [data.where(column, None, text) for column, text in _too_long(Product, fields)]
    for number, ingredient in enumerate(data.ingredients):
        length += [data.where(column, number, text) for column, text in _too_long(Ingredient, ingredient)]
    rejected = {"length": length, "gtin": [], "choice": [], "category": []}
    try:
        fields["gtin"] = normalise_gtin(fields.get("gtin"))
    except CatalogueError as error:
        rejected["gtin"] = error.messages
    try:
        fields["species"] = Species(fields["species"]) if fields.get("species") else None
        fields["package_unit"] = Unit(fields["package_unit"]) if fields.get("package_unit") else None
    except ValueError:
        rejected["choice"] = [str(_l("Please choose only from the options shown."))]
    category = db.session.scalar(select(Category).where(Category.slug == fields.get("category")))
    if category is None:
        message = _l("Unknown category “%(category)s”.", category=fields.get("category") or "")
        rejected["category"] = [str(message)]
    else:
        fields["category_id"] = category.id
        if not category.is_animal:
            fields["species"], fields["husbandry_level"] = None, None
    ingredients = [_normalise_ingredient(organisation_id, i) for i in data.ingredients]
    if len(ingredients) == 1:
        ingredients[0].is_main = True  # a mono-product: its only ingredient is the main one
    stages = [StageInput(s["kind"], db.session.get(Site, s.get("site_id") or 0)) for s in data.stages]
    return NormalisedInput(fields, category, ingredients, stages, rejected)


def _normalise_ingredient(organisation_id: int, given: dict) -> IngredientInput:
    ingredient = IngredientInput(
        name=given["name"],
        share=given["share"],
        is_main=given["is_main"],
        is_value_determining=given["is_value_determining"],
        is_water_or_salt=given["is_water_or_salt"],
        origin_kind=None,
        place_name="",
    )
    if given.get("origin_kind") == OriginKind.PLACE:
        ingredient.origin_kind = OriginKind.PLACE
        ingredient.place_name = given.get("place_name") or ""
        if name := ingredient.place_name.strip():
            # A town we know gets coordinates; a region or country ("Spanien") stays without them.
            found = best_place(name) or best_place(name, country=None)
            if found:
                ingredient.place_latitude, ingredient.place_longitude = found.latitude, found.longitude
                ingredient.place_in_region = in_default_region(found.latitude, found.longitude)
        return ingredient
    site = db.session.get(Site, given.get("origin_site_id") or 0)
    if site is not None:
        ingredient.origin_site = site
        own = site.organisation_id == organisation_id
        ingredient.origin_kind = OriginKind.OWN_SITE if own else OriginKind.SUPPLIER_SITE
    return ingredient


def check_product(organisation_id: int, product: Product | None, data: NormalisedInput) -> list[str]:
    """Translated problems with `data`, in the order the pages and the import show them; changes nothing."""
    fields, rejected = data.fields, data.rejected
    problems = rejected["length"] + rejected["gtin"]
    gtin = fields.get("gtin")
    if gtin and _taken(product, Product.gtin == gtin):
        problems.append(str(_l("The GTIN %(gtin)s is already used by another product.", gtin=gtin)))
    size = fields.get("package_size")
    if size is not None and not Decimal("0.001") <= size <= 1_000_000:
        problems.append(str(_l("The package size must be between 0.001 and 1,000,000.")))
    problems += rejected["choice"] + rejected["category"]
    reference = fields.get("reference")
    if reference and _taken(
        product, Product.organisation_id == organisation_id, Product.reference == reference
    ):
        problems.append(str(_l("The article number %(ref)s is already used.", ref=reference)))
    problems += _ingredient_problems(data.ingredients)
    for number, stage in enumerate(data.stages, start=1):
        if stage.site is None or stage.site.archived_at is not None:
            problems.append(
                str(_l("Step %(n)d of the supply chain: please choose an active site.", n=number))
            )
    return problems


def _taken(product: Product | None, *where) -> bool:
    """Whether a product other than `product` matches `where`."""
    clash = db.session.scalar(select(Product.id).where(*where))
    return bool(clash) and (product is None or clash != product.id)


def _ingredient_problems(ingredients: list[IngredientInput]) -> list[str]:
    problems = []
    if not ingredients:
        problems.append(str(_l("Please enter at least one ingredient.")))
    total = sum((i.share for i in ingredients), Decimal(0))
    if ingredients and abs(total - 100) > SHARE_TOLERANCE:
        message = _l(
            "The shares add up to %(total)s %%; they must add up to 100 %% (± 0.5 percentage points).",
            total=format_decimal(total, "0.##"),
        )
        problems.append(str(message))
    if ingredients and len([i for i in ingredients if i.is_main]) != 1:
        problems.append(str(_l("Please mark exactly one main ingredient.")))
    for number, ingredient in enumerate(ingredients, start=1):
        if problem := _origin_problem(ingredient):
            problems.append(str(_l("Ingredient %(n)d: %(problem)s", n=number, problem=problem)))
    return problems


def _origin_problem(ingredient: IngredientInput) -> str | None:
    """The first problem with one ingredient's share and origin."""
    if ingredient.is_water_or_salt and ingredient.is_main:
        return str(_l("Water or salt cannot be the main ingredient."))
    if not Decimal(0) < ingredient.share <= 100:
        return str(_l("The share must be more than 0 and at most 100."))
    if ingredient.origin_kind == OriginKind.PLACE:
        return None if ingredient.place_name.strip() else str(_l("Please name the place of origin."))
    site = ingredient.origin_site
    if site is None or site.archived_at is not None:
        return str(_l("Please choose the site the ingredient comes from."))
    return None


PRODUCT_FIELDS = (
    "reference",
    "name_de",
    "name_en",
    "category_id",
    "description_de",
    "description_en",
    "package_size",
    "package_unit",
    "gtin",
    "organic_control_body",
    "gmo_free",
    "species",
    "husbandry_level",
)


def save_product(user, organisation_id: int, product: Product | None, data: ProductInput) -> Product:
    """Create or change a product and record a new data version when anything changed."""
    require_member(user, organisation_id)
    if product is not None and product.organisation_id != organisation_id:
        raise Forbidden()
    normalised = normalise(organisation_id, data)
    if problems := check_product(organisation_id, product, normalised):
        raise CatalogueError(problems)
    fields = normalised.fields
    if not fields.get("reference"):
        fields["reference"] = product.reference if product else _next_reference(organisation_id)
    if product is None:
        product = Product(organisation_id=organisation_id)
        db.session.add(product)
    for key in PRODUCT_FIELDS:
        if key in fields:
            setattr(product, key, fields[key])
    product.ingredients = [
        Ingredient(position=n, **i.columns()) for n, i in enumerate(normalised.ingredients)
    ]
    product.stages = [
        SupplyStage(position=n, kind=s.kind, site=s.site) for n, s in enumerate(normalised.stages)
    ]
    db.session.flush()
    _sync_supplier_links(user, product)
    record_version(user, product)
    return product


def preview_snapshot(organisation_id: int, product: Product | None, data: ProductInput) -> dict:
    """The snapshot the product would have with `data`, built on unsaved objects: nothing is stored."""
    normalised = normalise(organisation_id, data)
    if problems := check_product(organisation_id, product, normalised):
        raise CatalogueError(problems)
    fields = normalised.fields
    draft = Product(
        organisation_id=organisation_id,
        **{k: fields[k] for k in PRODUCT_FIELDS if k in fields and k != "category_id"},
    )
    draft.id = product.id if product else None
    draft.organisation = db.session.get(Organisation, organisation_id)
    draft.category = normalised.category
    draft.ingredients = [
        Ingredient(position=n, origin_site=i.origin_site, **i.columns())
        for n, i in enumerate(normalised.ingredients)
    ]
    draft.stages = [
        SupplyStage(position=n, kind=s.kind, site=s.site) for n, s in enumerate(normalised.stages)
    ]
    return snapshot.build(draft, link_status(product) if product else {})


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
    # `category` too: save_product sets category_id, which does not reload an already loaded category.
    db.session.refresh(product, ["ingredients", "stages", "versions", "category"])
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
    image = next((i for i in product.images if i.id == image_id), None)
    if image is None:
        raise NotFound()
    product.images.remove(image)
    media.delete_image(image.filename)


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
