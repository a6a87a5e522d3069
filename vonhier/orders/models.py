"""Offers (a product sold for pick-up at one of the organisation's outlets), the dates a producer closes
an outlet for pick-up, and the organisation's shop settings. The CHECKs hold every rule a single row
can carry, so that no path into the database leaves an offer without a price or a pack without its size."""

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import enum_type
from ..extensions import db


class SalesUnit(enum.StrEnum):
    PIECE = "piece"  # the price is per piece (a jar, a loaf, a cheese)
    PACK = "pack"  # the price is per pack of `pack_size` pieces (a box of 6 eggs)
    WEIGHT = "weight"  # the price is per kg or litre; the buyer orders units of about `estimated_amount`


class Measure(enum.StrEnum):
    """What a price by weight is per: a kilogram (its estimate in grams) or a litre (in millilitres)."""

    KILOGRAM = "kg"
    LITRE = "l"


# Bounds a producer never needs to pass; beyond them is a typo (50 kg a unit, a pack of 5,000).
MAX_PRICE_CENTS = 1_000_000  # 10,000 €
PACK_SIZES = (2, 100)
ESTIMATED_AMOUNTS = (10, 50_000)  # 10 g to 50 kg (or ml to l)
MAX_QUANTITY_PER_DATE = 10_000
DEADLINE_DAYS = (0, 14)
VAT_RATES = (7, 19)


class Offer(db.Model):
    __tablename__ = "offers"
    __table_args__ = (
        # One offer per product and outlet: the database decides when two forms are sent at once.
        UniqueConstraint("product_id", "outlet_id"),
        CheckConstraint(f"price_cents BETWEEN 1 AND {MAX_PRICE_CENTS}", name="price_cents"),
        CheckConstraint("vat_percent IN (7, 19)", name="vat_percent"),
        CheckConstraint(
            f"(unit = 'pack' AND pack_size BETWEEN {PACK_SIZES[0]} AND {PACK_SIZES[1]})"
            " OR (unit <> 'pack' AND pack_size IS NULL)",
            name="pack_size",
        ),
        CheckConstraint(
            "(unit = 'weight' AND measure IS NOT NULL AND estimated_amount"
            f" BETWEEN {ESTIMATED_AMOUNTS[0]} AND {ESTIMATED_AMOUNTS[1]})"
            " OR (unit <> 'weight' AND measure IS NULL AND estimated_amount IS NULL)",
            name="weight",
        ),
        CheckConstraint(
            f"quantity_per_date IS NULL OR quantity_per_date BETWEEN 1 AND {MAX_QUANTITY_PER_DATE}",
            name="quantity_per_date",
        ),
        CheckConstraint(
            f"deadline_days_before BETWEEN {DEADLINE_DAYS[0]} AND {DEADLINE_DAYS[1]}",
            name="deadline_days_before",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Looked up by product through the unique (product_id, outlet_id), which it leads.
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    # Gross (VAT included), per sales unit; for WEIGHT per kg or litre (`measure`).
    price_cents: Mapped[int]
    vat_percent: Mapped[int] = mapped_column(SmallInteger)
    unit: Mapped[SalesUnit] = mapped_column(enum_type(SalesUnit, "sales_unit"))
    pack_size: Mapped[int | None] = mapped_column(SmallInteger)
    measure: Mapped[Measure | None] = mapped_column(enum_type(Measure, "offer_measure"))
    # Grams (per kg) or millilitres (per litre) of one unit the buyer orders: "ca. 500 g".
    estimated_amount: Mapped[int | None]
    # None: as many as the buyers want.
    quantity_per_date: Mapped[int | None]
    # "2 days before at 18:00": orders for Saturday close on Thursday at 18:00 (Berlin time).
    deadline_days_before: Mapped[int] = mapped_column(SmallInteger)
    deadline_time: Mapped[time]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    product: Mapped["Product"] = relationship()  # noqa: F821
    outlet: Mapped["Outlet"] = relationship()  # noqa: F821


class PickupClosure(db.Model):
    """A single date on which an outlet takes no pick-ups (holidays, a market that does not take place)."""

    __tablename__ = "pickup_closures"
    __table_args__ = (UniqueConstraint("outlet_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id", ondelete="CASCADE"))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShopSettings(db.Model):
    """How an organisation sells by pre-order. Online payment (Stripe Connect) is the payments feature's."""

    __tablename__ = "shop_settings"
    __table_args__ = (UniqueConstraint("organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    pay_at_pickup: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
