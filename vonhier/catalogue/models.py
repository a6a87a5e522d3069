"""The producer catalogue: sites, products with ingredients and origins, supply chains, versions, batches."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly, enum_type
from ..extensions import db
from ..geo.models import LocationMixin
from ..media import ImageRow


class SiteKind(enum.StrEnum):
    FARM = "farm"
    FIELD = "field"
    BARN = "barn"
    APIARY = "apiary"
    DAIRY = "dairy"
    BAKERY = "bakery"
    BUTCHERY = "butchery"
    MILL = "mill"
    BREWERY = "brewery"
    PACKING = "packing"
    WAREHOUSE = "warehouse"
    SHOP = "shop"


class Unit(enum.StrEnum):
    GRAM = "g"
    KILOGRAM = "kg"
    MILLILITRE = "ml"
    LITRE = "l"
    PIECE = "piece"


class Species(enum.StrEnum):
    CATTLE = "cattle"
    PIG = "pig"
    CHICKEN = "chicken"
    TURKEY = "turkey"
    DUCK = "duck"
    GOOSE = "goose"
    SHEEP = "sheep"
    GOAT = "goat"
    GAME = "game"
    FISH = "fish"
    BEES = "bees"


# Species kept in husbandry systems that the Haltungsform levels (1–5) describe.
LIVESTOCK = {
    Species.CATTLE,
    Species.PIG,
    Species.CHICKEN,
    Species.TURKEY,
    Species.DUCK,
    Species.GOOSE,
    Species.SHEEP,
    Species.GOAT,
}


class OriginKind(enum.StrEnum):
    OWN_SITE = "own_site"
    SUPPLIER_SITE = "supplier_site"
    PLACE = "place"


class StageKind(enum.StrEnum):
    PROCESSING = "processing"
    PACKING = "packing"
    STORAGE = "storage"
    POINT_OF_SALE = "point_of_sale"


class LinkStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Allergen(enum.StrEnum):
    """The 14 groups of Regulation (EU) No 1169/2011, Annex II, in the annex's order."""

    GLUTEN = "gluten"
    CRUSTACEANS = "crustaceans"
    EGGS = "eggs"
    FISH = "fish"
    PEANUTS = "peanuts"
    SOYBEANS = "soybeans"
    MILK = "milk"
    NUTS = "nuts"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    MOLLUSCS = "molluscs"


class Presence(enum.StrEnum):
    CONTAINS = "contains"  # an ingredient carries it
    TRACES = "traces"  # "may contain traces", declared for the product


class ProductStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    is_animal: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de


class Site(LocationMixin, db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SiteKind] = mapped_column(enum_type(SiteKind, "site_kind"))
    # Computed from the coordinates against the default region whenever they change.
    in_region: Mapped[bool] = mapped_column(default=False)
    eu_approval_number: Mapped[str] = mapped_column(String(30), default="")
    organic_operator_id: Mapped[str] = mapped_column(String(40), default="")
    husbandry_id: Mapped[str] = mapped_column(String(40), default="")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    @property
    def label(self) -> str:
        return f"{self.name}, {self.town}"


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("husbandry_level IS NULL OR husbandry_level BETWEEN 1 AND 5", name="husbandry_level"),
        CheckConstraint("package_size IS NULL OR package_size > 0", name="package_size_positive"),
        UniqueConstraint("organisation_id", "reference"),
        # The public catalogue's text search (discover/search.py) reads these four columns of every
        # product its text matches: from this index alone, not from the wide rows (bench/search.py:
        # "Käse" in 100,000 products on PostgreSQL, p95 72 → 56 ms).
        Index(
            "ix_products_active_listing",
            "id",
            "organisation_id",
            "certified_until",
            "name_de",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The producer's own article number: the key that CSV imports match on.
    reference: Mapped[str] = mapped_column(String(40))
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    description_de: Mapped[str] = mapped_column(String(4000), default="")
    description_en: Mapped[str] = mapped_column(String(4000), default="")
    package_size: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    package_unit: Mapped[Unit | None] = mapped_column(enum_type(Unit, "package_unit"))
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    organic_control_body: Mapped[str] = mapped_column(String(20), default="")
    gmo_free: Mapped[bool] = mapped_column(default=False)
    species: Mapped[Species | None] = mapped_column(enum_type(Species, "species"))
    husbandry_level: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[ProductStatus] = mapped_column(
        enum_type(ProductStatus, "product_status"), default=ProductStatus.ACTIVE
    )
    # Allergens: which ingredient carries which is on the ingredient; "may contain traces" (allergen
    # codes) is the product's. `allergens_recorded` tells "not recorded" from "recorded, none of the 14":
    # false until the producer names an allergen or declares that there is none.
    allergen_traces: Mapped[list] = mapped_column(JSON, default=list)
    allergens_recorded: Mapped[bool] = mapped_column(default=False)
    # Derived for searches: the end of the latest active certificate naming the product, so that
    # "certified today" is a test on the row (`certified_until >= today`). Certification keeps it
    # on every flush that issues a certificate or changes one's status (certification.certificates).
    certified_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    category: Mapped[Category] = relationship(lazy="joined")
    ingredients: Mapped[list["Ingredient"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Ingredient.position"
    )
    stages: Mapped[list["SupplyStage"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="SupplyStage.position"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )
    versions: Mapped[list["ProductVersion"]] = relationship(
        back_populates="product", order_by="ProductVersion.number"
    )
    batches: Mapped[list["Batch"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Batch.produced_on.desc()"
    )

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else "") or self.name_de

    @property
    def is_archived(self) -> bool:
        return self.status == ProductStatus.ARCHIVED

    @property
    def current_version(self) -> "ProductVersion | None":
        return self.versions[-1] if self.versions else None


class Ingredient(db.Model):
    __tablename__ = "ingredients"
    __table_args__ = (
        CheckConstraint("share > 0 AND share <= 100", name="share_range"),
        CheckConstraint(
            "(origin_kind = 'place') = (origin_site_id IS NULL)", name="origin_site_matches_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    is_main: Mapped[bool] = mapped_column(default=False)
    is_value_determining: Mapped[bool] = mapped_column(default=False)
    is_water_or_salt: Mapped[bool] = mapped_column(default=False)
    origin_kind: Mapped[OriginKind] = mapped_column(enum_type(OriginKind, "origin_kind"))
    origin_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    # A declared place for suppliers that are not registered: a town (with coordinates) or a region.
    place_name: Mapped[str] = mapped_column(String(120), default="")
    place_latitude: Mapped[float | None]
    place_longitude: Mapped[float | None]
    place_in_region: Mapped[bool] = mapped_column(default=False)
    allergens: Mapped[list] = mapped_column(JSON, default=list)  # Allergen codes, in the annex's order

    product: Mapped[Product] = relationship(back_populates="ingredients")
    origin_site: Mapped[Site | None] = relationship(lazy="joined")


class ProductAllergen(db.Model):
    """One allergen of a product (contained by an ingredient, or as possible traces), derived from the
    product on every save: what the catalogue's "without milk" reads (`services.free_of`), one index
    probe per product."""

    __tablename__ = "product_allergens"
    __table_args__ = (UniqueConstraint("product_id", "allergen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    allergen: Mapped[Allergen] = mapped_column(enum_type(Allergen, "allergen"))
    presence: Mapped[Presence] = mapped_column(enum_type(Presence, "allergen_presence"))


class SupplyStage(db.Model):
    __tablename__ = "supply_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[StageKind] = mapped_column(enum_type(StageKind, "stage_kind"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)

    product: Mapped[Product] = relationship(back_populates="stages")
    site: Mapped[Site] = relationship(lazy="joined")


class ProductImage(ImageRow, db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)

    product: Mapped[Product] = relationship(back_populates="images")


class SupplierLink(db.Model):
    """A processor names another organisation's site as an origin; that organisation confirms or declines."""

    __tablename__ = "supplier_links"
    __table_args__ = (UniqueConstraint("product_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    status: Mapped[LinkStatus] = mapped_column(
        enum_type(LinkStatus, "link_status"), default=LinkStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship()
    site: Mapped[Site] = relationship()


class ProductVersion(AppendOnly, db.Model):
    """A frozen copy of a product's data with its computed figures; certification points at these."""

    __tablename__ = "product_versions"
    __table_args__ = (UniqueConstraint("product_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    number: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[list] = mapped_column(JSON, default=list)
    data: Mapped[dict] = mapped_column(JSON)

    product: Mapped[Product] = relationship(back_populates="versions")
    created_by: Mapped["User | None"] = relationship()  # noqa: F821


class Batch(db.Model):
    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("product_id", "lot"),
        CheckConstraint(
            "best_before IS NULL OR best_before >= produced_on", name="best_before_after_production"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    lot: Mapped[str] = mapped_column(String(40))
    produced_on: Mapped[date]
    best_before: Mapped[date | None]
    # This batch's main ingredient came from another site than the product data says (e.g. milk
    # from a neighbouring farm this week).
    origin_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    origin_note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tells the provenance page's cache that a batch's details changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship(back_populates="batches")
    origin_site: Mapped[Site | None] = relationship()
