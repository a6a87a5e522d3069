"""The buyer's side of an outlet: what can be pre-ordered there, for which pick-up dates, how it can be
paid. Read only; placing an order is `buying.py`'s."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import NotFound

from .. import clock
from ..catalogue.models import Product, ProductStatus
from ..database import german
from ..extensions import db
from ..outlets import services as outlets
from ..outlets.models import Outlet
from ..payments import connect
from . import ledger
from .models import Offer, PickupClosure, ShopSettings
from .windows import HORIZON_DAYS, Window, pickup_windows


@dataclass
class ShopOffer:
    offer: Offer
    windows: list[Window]  # the dates this offer can still be ordered for

    @property
    def product(self) -> Product:
        return self.offer.product


@dataclass
class Shop:
    outlet: Outlet
    offers: list[ShopOffer]
    pay_at_pickup: bool
    pay_online: bool
    # Units still to be had: date → offer id → count (None: unlimited).
    remaining: dict[date, dict[int, int | None]] = field(default_factory=dict)

    @property
    def dates(self) -> list[date]:
        """Every date at least one offer can be ordered for, in order."""
        return sorted({window.day for item in self.offers for window in item.windows})

    def windows_on(self, day: date) -> dict[int, Window]:
        """Offer id → its window on `day`, for the offers that can be ordered for it."""
        return {item.offer.id: window for item in self.offers for window in item.windows if window.day == day}

    @property
    def open(self) -> bool:
        """Buyers can order here: something is offered for a date, and there is a way to pay."""
        return bool(self.dates) and (self.pay_at_pickup or self.pay_online)


def shop_offers(outlet_id: int) -> list[Offer]:
    """The outlet's active offers of active products, by product name, with their products."""
    return db.session.scalars(
        select(Offer)
        .join(Offer.product)
        .options(contains_eager(Offer.product))
        .where(Offer.outlet_id == outlet_id, Offer.is_active, Product.status == ProductStatus.ACTIVE)
        .order_by(german(Product.name_de), Offer.id)
    ).all()


def closed_dates(outlet_id: int) -> set[date]:
    return set(
        db.session.scalars(
            select(PickupClosure.day).where(
                PickupClosure.outlet_id == outlet_id, PickupClosure.day >= clock.local_now().date()
            )
        )
    )


def pays_at_pickup(organisation_id: int) -> bool:
    settings = db.session.scalar(select(ShopSettings).where(ShopSettings.organisation_id == organisation_id))
    return True if settings is None else settings.pay_at_pickup


def shop_for(outlet_id: int, now=None) -> Shop:
    """The shop of a public outlet (404 for an archived or unknown one) as of `now`: its offers with
    their pick-up windows, the units remaining per date, and the ways to pay."""
    outlet = outlets.get_public(outlet_id)
    now = now or clock.local_now()
    closed = closed_dates(outlet.id)
    items = [
        ShopOffer(
            offer,
            pickup_windows(
                outlet.opening_hours,
                outlet.state,
                now,
                offer.deadline_days_before,
                offer.deadline_time,
                HORIZON_DAYS,
                closed,
            ),
        )
        for offer in shop_offers(outlet.id)
    ]
    shop = Shop(
        outlet,
        items,
        pay_at_pickup=pays_at_pickup(outlet.organisation_id),
        pay_online=connect.accepts_online_payment(outlet.organisation_id),
    )
    shop.remaining = ledger.remaining([item.offer for item in items], shop.dates)
    return shop


def require_shop(outlet_id: int) -> Shop:
    shop = shop_for(outlet_id)
    if not shop.offers:
        raise NotFound()
    return shop
