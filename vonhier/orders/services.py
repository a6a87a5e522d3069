"""Pre-order rules on the producer's side: offers (what is sold for pick-up where, at what price, until
when), the dates an outlet takes no pick-ups, and the shop settings. Every function takes the acting
user and checks that they work for the organisation; it changes and flushes, never commits. The
database decides races: one offer per product and outlet, one closure per outlet and date."""

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import partial

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import NotFound

from .. import clock
from ..catalogue.models import Product, ProductStatus
from ..database import flush_or_conflict, german, german_key, unique_constraint
from ..errors import RuleError
from ..extensions import db
from ..organisations.services import require_member, row_for_member
from ..outlets.models import Outlet
from ..outlets.services import outlets_of
from .models import (
    DEADLINE_DAYS,
    ESTIMATED_AMOUNTS,
    MAX_PRICE_CENTS,
    MAX_QUANTITY_PER_DATE,
    PACK_SIZES,
    VAT_RATES,
    Measure,
    Offer,
    Order,
    OrderStatus,
    PickupClosure,
    SalesUnit,
    ShopSettings,
)

# How far ahead a producer may close a date: a year covers every holiday plan; beyond is a typo.
CLOSURE_HORIZON_DAYS = 366


class OfferError(RuleError):
    """An offer, closure or setting that breaks a rule; `field` names the form field."""


# --- reading -------------------------------------------------------------------------------------------


@dataclass
class OutletOffers:
    """An outlet with its offers, as the producer's list shows them."""

    outlet: Outlet
    offers: list[Offer] = field(default_factory=list)
    closed_dates: int = 0  # closed dates from today on

    @property
    def takes_pickups(self) -> bool:
        return _takes_pickups(self.outlet)


def _takes_pickups(outlet: Outlet) -> bool:
    """Buyers pick up during opening hours: an outlet without them (delivery, online shop) has none."""
    return outlet.archived_at is None and bool(outlet.opening_hours)


def offers_by_outlet(organisation_id: int) -> list[OutletOffers]:
    """Every outlet that takes pick-ups, and any other that still has offers, with its offers by product
    name and the number of dates it is closed from today on: three queries."""
    offers = db.session.scalars(
        select(Offer)
        .join(Offer.product)
        .options(contains_eager(Offer.product))
        .where(Offer.organisation_id == organisation_id)
        .order_by(german(Product.name_de), Offer.id)
    ).all()
    closed = dict(
        db.session.execute(
            select(PickupClosure.outlet_id, func.count())
            .join(Outlet, Outlet.id == PickupClosure.outlet_id)
            .where(Outlet.organisation_id == organisation_id, PickupClosure.day >= _today())
            .group_by(PickupClosure.outlet_id)
        ).all()
    )
    groups = []
    for outlet in outlets_of(organisation_id, include_archived=True):
        own = [offer for offer in offers if offer.outlet_id == outlet.id]
        if own or _takes_pickups(outlet):
            groups.append(OutletOffers(outlet, own, closed.get(outlet.id, 0)))
    return groups


def get_offer_for_member(user, offer_id: int) -> Offer:
    """The offer if `user` works for its organisation: 404 if there is none, 403 if it is not theirs."""
    return row_for_member(user, Offer, offer_id)


def get_outlet_for_member(user, outlet_id: int) -> Outlet:
    return row_for_member(user, Outlet, outlet_id)


def product_choices(organisation_id: int) -> list[Product]:
    """The organisation's active products, by name."""
    return db.session.scalars(
        select(Product)
        .where(Product.organisation_id == organisation_id, Product.status == ProductStatus.ACTIVE)
        .order_by(german(Product.name_de), Product.id)
    ).all()


def outlet_choices(organisation_id: int) -> list[Outlet]:
    """The organisation's outlets where buyers can pick up (not archived, with opening hours)."""
    return [o for o in outlets_of(organisation_id) if _takes_pickups(o)]


# --- offers --------------------------------------------------------------------------------------------


def save_offer(user, organisation_id: int, offer: Offer | None, data: dict) -> Offer:
    """Create (`offer` None) or change an offer of the organisation. `data` holds the form's values:
    product_id, outlet_id, price_cents, vat_percent, unit, pack_size, measure, estimated_amount,
    quantity_per_date, deadline_days_before, deadline_time, is_active. Values of another sales unit
    than the one chosen are dropped (a pack size typed before switching to "by weight")."""
    require_member(user, organisation_id)
    if offer is not None and offer.organisation_id != organisation_id:
        raise OfferError(str(_l("This offer belongs to another organisation.")), "product_id")
    product = _own_product(organisation_id, data.get("product_id"))
    outlet = _own_outlet(organisation_id, data.get("outlet_id"))
    values = _checked_values(data)
    duplicate = _offer_of(product.id, outlet.id)
    if duplicate is not None and (offer is None or duplicate != offer.id):
        raise OfferError(str(_ALREADY_OFFERED), "product_id")
    # An offer at an outlet means the outlet sells the product: its public page says so too. Before the
    # offer joins the session: loading the outlet's products would flush it outside `flush_or_conflict`.
    if product not in outlet.products:
        outlet.products = sorted([*outlet.products, product], key=lambda p: german_key(p.name_de))
    if offer is None:
        offer = Offer(organisation_id=organisation_id)
        db.session.add(offer)
    offer.product, offer.outlet = product, outlet
    for key, value in values.items():
        setattr(offer, key, value)
    flush_or_conflict(
        db.session,
        {unique_constraint(Offer, "product_id", "outlet_id"): _ALREADY_OFFERED},
        existing=_offers_page,
    )
    return offer


def _offer_of(product_id: int, outlet_id: int) -> int | None:
    """The id of the offer of this product at this outlet: the friendly check before the form is taken,
    which two requests at once can both pass (the unique constraint then decides)."""
    return db.session.scalar(
        select(Offer.id).where(Offer.product_id == product_id, Offer.outlet_id == outlet_id)
    )


_ALREADY_OFFERED = _l("This product is already offered at this outlet. Please change that offer instead.")


def _offers_page() -> str:
    return url_for("orders.offers")


def _own_product(organisation_id: int, product_id) -> Product:
    product = db.session.get(Product, product_id) if _is_id(product_id) else None
    own = product is not None and product.organisation_id == organisation_id
    if not own or product.status != ProductStatus.ACTIVE:
        raise OfferError(str(_l("Please choose one of your own active products.")), "product_id")
    return product


def _own_outlet(organisation_id: int, outlet_id) -> Outlet:
    outlet = db.session.get(Outlet, outlet_id) if _is_id(outlet_id) else None
    if outlet is None or outlet.organisation_id != organisation_id or outlet.archived_at is not None:
        raise OfferError(str(_l("Please choose one of your own outlets.")), "outlet_id")
    if not outlet.opening_hours:
        raise OfferError(
            str(_l("Buyers pick up during opening hours, and this outlet has none. Please add them first.")),
            "outlet_id",
        )
    return outlet


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 2**31 - 1


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _checked_values(data: dict) -> dict:
    """The offer's columns from `data`, each checked; the first problem is refused on its field."""
    price = data.get("price_cents")
    if not _whole(price, 1, MAX_PRICE_CENTS):
        raise OfferError(
            str(_l("Please enter a price between €0.01 and €%(max)d.", max=MAX_PRICE_CENTS // 100)), "price"
        )
    if data.get("vat_percent") not in VAT_RATES or isinstance(data.get("vat_percent"), bool):
        raise OfferError(
            str(_l("The VAT rate is 7 % (most food) or 19 % (drinks and other goods).")), "vat_percent"
        )
    try:
        unit = SalesUnit(data.get("unit"))
    except ValueError:
        raise OfferError(str(_l("Please choose how the product is sold.")), "unit") from None
    values = {"price_cents": price, "vat_percent": data["vat_percent"], "unit": unit}
    values |= {"pack_size": None, "measure": None, "estimated_amount": None}
    if unit == SalesUnit.PACK:
        if not _whole(data.get("pack_size"), *PACK_SIZES):
            raise OfferError(
                str(_l("A pack holds %(min)d to %(max)d pieces.", min=PACK_SIZES[0], max=PACK_SIZES[1])),
                "pack_size",
            )
        values["pack_size"] = data["pack_size"]
    if unit == SalesUnit.WEIGHT:
        try:
            values["measure"] = Measure(data.get("measure"))
        except ValueError:
            raise OfferError(str(_l("Please choose per kilogram or per litre.")), "measure") from None
        if not _whole(data.get("estimated_amount"), *ESTIMATED_AMOUNTS):
            raise OfferError(
                str(
                    _l(
                        "Please enter the approximate weight or volume of one unit, between %(min)d and "
                        "%(max)d (grams or millilitres).",
                        min=ESTIMATED_AMOUNTS[0],
                        max=ESTIMATED_AMOUNTS[1],
                    )
                ),
                "estimated_amount",
            )
        values["estimated_amount"] = data["estimated_amount"]
    quantity = data.get("quantity_per_date")
    if quantity is not None and not _whole(quantity, 1, MAX_QUANTITY_PER_DATE):
        raise OfferError(
            str(_l("Enter 1 to %(max)d, or leave it empty for unlimited.", max=MAX_QUANTITY_PER_DATE)),
            "quantity_per_date",
        )
    if not _whole(data.get("deadline_days_before"), *DEADLINE_DAYS):
        raise OfferError(
            str(_l("Orders close between 0 and %(max)d days before the pick-up day.", max=DEADLINE_DAYS[1])),
            "deadline_days_before",
        )
    if not isinstance(data.get("deadline_time"), time):
        raise OfferError(str(_l("Please enter the time orders close, e.g. 18:00.")), "deadline_time")
    return values | {
        "quantity_per_date": quantity,
        "deadline_days_before": data["deadline_days_before"],
        "deadline_time": data["deadline_time"].replace(second=0, microsecond=0, tzinfo=None),
        "is_active": bool(data.get("is_active", True)),
    }


def set_active(user, offer: Offer, active: bool) -> None:
    """Pause an offer (buyers no longer see it; orders already placed stay) or resume it."""
    require_member(user, offer.organisation_id)
    offer.is_active = active
    db.session.flush()


# --- closed dates --------------------------------------------------------------------------------------


def _today() -> date:
    return clock.local_now().date()


def closures_of(outlet: Outlet) -> list[PickupClosure]:
    """The outlet's closed dates from today on, soonest first."""
    return db.session.scalars(
        select(PickupClosure)
        .where(PickupClosure.outlet_id == outlet.id, PickupClosure.day >= _today())
        .order_by(PickupClosure.day)
    ).all()


def close_date(user, outlet: Outlet, day) -> PickupClosure:
    """No pick-ups at `outlet` on `day` (today or later, within a year)."""
    require_member(user, outlet.organisation_id)
    today = _today()
    if not isinstance(day, date) or day < today:
        raise OfferError(str(_l("Please choose today or a later date.")), "day")
    if day > today + timedelta(days=CLOSURE_HORIZON_DAYS):
        raise OfferError(str(_l("Please choose a date within the next year.")), "day")
    if db.session.scalar(
        select(PickupClosure.id).where(PickupClosure.outlet_id == outlet.id, PickupClosure.day == day)
    ):
        raise OfferError(str(_l("This date is already closed.")), "day")
    closure = PickupClosure(outlet_id=outlet.id, day=day)
    db.session.add(closure)
    flush_or_conflict(
        db.session,
        {unique_constraint(PickupClosure, "outlet_id", "day"): _l("This date is already closed.")},
        existing=partial(url_for, "orders.closed_dates", outlet_id=outlet.id),
    )
    return closure


def orders_waiting(outlet_id: int, day: date) -> int:
    """Orders still to be handed over at `outlet_id` on `day`: closing the date does not cancel them."""
    return db.session.scalar(
        select(func.count()).where(
            Order.outlet_id == outlet_id,
            Order.pickup_date == day,
            Order.status.in_((OrderStatus.PENDING, OrderStatus.PLACED)),
        )
    )


def get_closure_for_member(user, closure_id: int) -> PickupClosure:
    closure = db.session.get(PickupClosure, closure_id)
    if closure is None:
        raise NotFound()
    require_member(user, db.session.get(Outlet, closure.outlet_id).organisation_id)
    return closure


def reopen_date(user, closure: PickupClosure) -> None:
    """Take pick-ups on a closed date again; a date gone by stays as it was."""
    outlet = db.session.get(Outlet, closure.outlet_id)
    require_member(user, outlet.organisation_id)
    if closure.day < _today():
        raise OfferError(str(_l("This date has passed.")))
    db.session.delete(closure)
    db.session.flush()


# --- shop settings -------------------------------------------------------------------------------------


def settings_of(organisation_id: int) -> ShopSettings:
    """The organisation's settings, or the defaults (unsaved) while it has none."""
    found = db.session.scalar(select(ShopSettings).where(ShopSettings.organisation_id == organisation_id))
    return found or ShopSettings(organisation_id=organisation_id, pay_at_pickup=True)


# A German VAT ID (USt-IdNr.): DE and nine digits; other EU countries' IDs start with their code.
_VAT_ID = re.compile(r"[A-Z]{2}[0-9A-Z+*.]{2,13}")


def save_settings(user, organisation_id: int, pay_at_pickup: bool, legal: dict | None = None) -> ShopSettings:
    """Save how buyers may pay and the seller's legal details the organisation does not hold
    (`legal`: representative, register_entry, vat_id; single-line text checked by the form)."""
    require_member(user, organisation_id)
    values = _legal_values(legal) if legal is not None else {}
    settings = db.session.scalar(select(ShopSettings).where(ShopSettings.organisation_id == organisation_id))
    if settings is None:
        settings = ShopSettings(organisation_id=organisation_id)
        db.session.add(settings)
    settings.pay_at_pickup = bool(pay_at_pickup)
    for key, value in values.items():
        setattr(settings, key, value)
    flush_or_conflict(
        db.session,
        {unique_constraint(ShopSettings, "organisation_id"): _l("The settings have just been saved.")},
        existing=_offers_page,
    )
    return settings


def _legal_values(legal: dict) -> dict:
    values = {
        key: " ".join(str(legal.get(key) or "").split()) for key in ("representative", "register_entry")
    }
    vat_id = "".join(str(legal.get("vat_id") or "").split()).upper()
    if vat_id and not _VAT_ID.fullmatch(vat_id):
        raise OfferError(str(_l("A VAT ID starts with the country code, e.g. DE123456789.")), "vat_id")
    if vat_id.startswith("DE") and not re.fullmatch(r"DE[0-9]{9}", vat_id):
        raise OfferError(str(_l("A German VAT ID is DE followed by nine digits.")), "vat_id")
    return values | {"vat_id": vat_id}
