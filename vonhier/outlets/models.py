"""Outlets (Verkaufsstellen): where shoppers buy an organisation's products, with opening hours."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, SmallInteger, String, Table, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..clock import utcnow
from ..database import enum_type, german
from ..extensions import db
from ..geo.models import LocationMixin
from ..media import ImageRow


class OutletKind(enum.StrEnum):
    FARM_SHOP = "farm_shop"
    MARKET_STAND = "market_stand"
    VENDING_MACHINE = "vending_machine"  # also milk and egg vending huts
    DELIVERY = "delivery"  # veg-box and delivery schemes, with a delivery radius
    CSA_DEPOT = "csa_depot"  # Solawi pick-up depot
    ONLINE_SHOP = "online_shop"
    RESTAURANT = "restaurant"  # restaurants and canteens serving regional products


# Kinds that may do without opening hours (they deliver or sell online); all others need them.
HOURS_OPTIONAL = {OutletKind.DELIVERY, OutletKind.ONLINE_SHOP}

outlet_products = Table(
    "outlet_products",
    db.metadata,
    Column("outlet_id", ForeignKey("outlets.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id"), primary_key=True, index=True),
)

outlet_categories = Table(
    "outlet_categories",
    db.metadata,
    Column("outlet_id", ForeignKey("outlets.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True, index=True),
)


def _by_product_name():
    from ..catalogue.models import Product  # called when the mappers are configured: all are known

    return german(Product.name_de)


class Outlet(LocationMixin, db.Model):
    __tablename__ = "outlets"

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            *cls.location_constraints(),
            CheckConstraint(
                "delivery_radius_km IS NULL OR delivery_radius_km BETWEEN 1 AND 200", name="delivery_radius"
            ),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[OutletKind] = mapped_column(enum_type(OutletKind, "outlet_kind"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Both computed from the coordinates whenever they change: region membership, and the German
    # state (ISO code such as BB) whose public holidays `PH` in the opening hours means.
    in_region: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(2), default="")
    opening_hours: Mapped[str] = mapped_column(String(255), default="")
    # A line shown beside the hours ("From November only Fridays"): kept out of the expression, which
    # stays plain OpenStreetMap for the grid, the finder and the open data.
    hours_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    delivery_radius_km: Mapped[int | None] = mapped_column(SmallInteger)
    accepts_cash: Mapped[bool] = mapped_column(default=True)
    accepts_card: Mapped[bool] = mapped_column(default=False)
    accepts_mobile: Mapped[bool] = mapped_column(default=False)
    accessibility: Mapped[str] = mapped_column(String(500), default="")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    products: Mapped[list["Product"]] = relationship(  # noqa: F821
        secondary=outlet_products, order_by=_by_product_name
    )
    categories: Mapped[list["Category"]] = relationship(  # noqa: F821
        secondary=outlet_categories, order_by="Category.position"
    )
    images: Mapped[list["OutletImage"]] = relationship(
        back_populates="outlet", cascade="all, delete-orphan", order_by="OutletImage.position"
    )


class OutletImage(ImageRow, db.Model):
    __tablename__ = "outlet_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id", ondelete="CASCADE"), index=True)

    outlet: Mapped[Outlet] = relationship(back_populates="images")
