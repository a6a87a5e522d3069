"""Offers (a product sold for pick-up at one of the organisation's outlets), the dates a producer closes
an outlet for pick-up, the organisation's shop settings, and the buyers' orders with what they reserve.
The CHECKs hold every rule a single row can carry, so that no path into the database leaves an offer
without a price, a pack without its size or a pick-up date with more sold than there was."""

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly, enum_type
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
    # "2 days before at 18:00": orders for Saturday close on Thursday at 18:00 (local time).
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
    # The seller's legal details the organisation does not hold (its legal name, address and contact are
    # the organisation's): who represents it, its register entry and VAT ID where it has them (§ 5 DDG,
    # Art. 246a EGBGB). A shop takes orders only once the representative is named (`legal.py`).
    representative: Mapped[str] = mapped_column(String(200), default="")
    register_entry: Mapped[str] = mapped_column(String(200), default="")  # "Amtsgericht Neuruppin, HRA 1234"
    vat_id: Mapped[str] = mapped_column(String(20), default="")  # "DE123456789"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- orders -------------------------------------------------------------------------------------------

MAX_LINE_QUANTITY = 999  # units of one offer in one order: beyond is a typo or a trader, not a household
MAX_ORDER_LINES = 50


class OrderStatus(enum.StrEnum):
    # Waiting for the online payment: the Checkout session is open and the stock reserved for it.
    PENDING = "pending"
    PLACED = "placed"  # to be picked up: paid online, or to be paid at pick-up
    COLLECTED = "collected"
    NOT_COLLECTED = "not_collected"  # the pick-up date passed and the buyer did not come
    CANCELLED = "cancelled"  # by the buyer (until the deadline) or the producer (with a reason)
    EXPIRED = "expired"  # the Checkout session expired or was left: nothing was paid


# The states that hold stock: leaving them releases it, exactly once (`ledger.move`).
HOLDS_STOCK = (OrderStatus.PENDING, OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.NOT_COLLECTED)


class PaymentMethod(enum.StrEnum):
    AT_PICKUP = "at_pickup"
    ONLINE = "online"  # Stripe Checkout on the producer's connected account


class Order(AppendOnly, db.Model):
    """One buyer's order at one outlet for one pick-up date. What was ordered, at what price and by whom
    never changes (append-only); its state, payment and cancellation are annotations (`mutable`), each
    change also an `OrderEvent`."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="total_cents"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= total_cents", name="refunded_cents"),
        # The producer's lists and pick lists: by organisation (or outlet) and pick-up date.
        Index("ix_orders_organisation_pickup", "organisation_id", "pickup_date"),
        Index("ix_orders_outlet_pickup", "outlet_id", "pickup_date"),
    )
    mutable = frozenset(
        {
            "status",
            "checkout_session_id",
            "payment_intent_id",
            "paid_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "collected_at",
            "refunded_cents",
            "updated_at",
        }
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The order's public name: its number for the buyer and the producer, and Stripe's client reference.
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # The order form's one-time key: a double click or a resent form finds the order the first made.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    pickup_date: Mapped[date]
    # The interval of the opening hours the buyer chose (local wall-clock); end None is midnight.
    pickup_start: Mapped[time]
    pickup_end: Mapped[time | None]
    # Until this moment (UTC) the buyer may cancel: the earliest deadline of its offers for the date.
    cancel_until: Mapped[datetime]
    buyer_name: Mapped[str] = mapped_column(String(120))
    buyer_email: Mapped[str] = mapped_column(String(254))
    buyer_phone: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5))  # the buyer's language, for every mail about it
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod, "order_payment_method"))
    total_cents: Mapped[int]
    status: Mapped[OrderStatus] = mapped_column(enum_type(OrderStatus, "order_status"))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # "buyer", "producer", "payment"
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    collected_at: Mapped[datetime | None]
    refunded_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="save-update, merge"
    )
    outlet: Mapped["Outlet"] = relationship()  # noqa: F821
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821


class OrderLine(AppendOnly, db.Model):
    """One offer in an order, as it was sold: name, unit and price copied, so that a later change of the
    offer never changes an order, a pick list or the bookkeeping."""

    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "offer_id"),
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_LINE_QUANTITY}", name="quantity"),
        CheckConstraint("unit_price_cents >= 1", name="unit_price_cents"),
        CheckConstraint("vat_percent IN (7, 19)", name="vat_percent"),
        CheckConstraint("line_total_cents = quantity * unit_price_cents", name="line_total_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    product_name: Mapped[str] = mapped_column(String(200))
    # How the unit was described when sold: "Glas 250 g", "6er-Packung", "ca. 500 g" (in German, as the
    # producer's offer said it; the pick list and bookkeeping read it as it was).
    unit_text: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(SmallInteger)
    unit_price_cents: Mapped[int]  # gross, per ordered unit (for WEIGHT: the estimated unit's price)
    vat_percent: Mapped[int] = mapped_column(SmallInteger)
    line_total_cents: Mapped[int]

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderEvent(AppendOnly, db.Model):
    """What happened to an order, in order: placed, paid, expired, cancelled, refunded, collected."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Who caused it: "buyer", "producer:<user id>", "stripe:<event id>"; and what they said.
    actor: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfferStock(db.Model):
    """How many units of a limited offer are sold (or held by an open payment) for one pick-up date.
    Reserving is one conditional UPDATE (`ledger.reserve`): the row lock orders buyers, the condition
    keeps `sold` within the offer's quantity, the CHECK keeps it from going below zero on release."""

    __tablename__ = "offer_stock"
    __table_args__ = (
        UniqueConstraint("offer_id", "day"),
        CheckConstraint(f"sold BETWEEN 0 AND {MAX_QUANTITY_PER_DATE}", name="sold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    day: Mapped[date]
    sold: Mapped[int] = mapped_column(default=0)
