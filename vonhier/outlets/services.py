"""Outlet rules: who may change an outlet, what it needs by kind, where it is, what it sells, and its
opening hours as shoppers see them (open now, the week ahead)."""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from .. import clock, media
from ..catalogue import services as catalogue
from ..catalogue.models import Category, Product, ProductStatus
from ..database import german, german_key
from ..errors import RuleError
from ..extensions import db
from ..geo.places import LocationError, resolve_location
from ..organisations.services import require_member, row_for_member
from ..search import services as search
from . import hours
from .models import HOURS_OPTIONAL, Outlet, OutletImage, OutletKind
from .names import OUTLET_KIND

MAX_IMAGES = 6


class OutletError(RuleError):
    """Data that breaks an outlet rule; `messages` are translated, `field` names the form field."""


def outlets_of(organisation_id: int, include_archived: bool = False) -> list[Outlet]:
    statement = (
        select(Outlet)
        .where(Outlet.organisation_id == organisation_id)
        .order_by(german(Outlet.name), Outlet.id)
    )
    if not include_archived:
        statement = statement.where(Outlet.archived_at.is_(None))
    return db.session.scalars(statement).all()


def get_for_member(user, outlet_id: int) -> Outlet:
    """The outlet if `user` works for its organisation: 404 if there is none, 403 if it is not theirs."""
    return row_for_member(user, Outlet, outlet_id)


def get_public(outlet_id: int) -> Outlet:
    """An outlet shoppers may see (not archived), with what the public page shows loaded."""
    outlet = db.session.scalar(
        select(Outlet)
        .where(Outlet.id == outlet_id, Outlet.archived_at.is_(None))
        .options(
            selectinload(Outlet.products),
            selectinload(Outlet.categories),
            selectinload(Outlet.images),
        )
    )
    if outlet is None:
        raise NotFound()
    return outlet


def product_choices(organisation_id: int) -> list[Product]:
    """The organisation's active products: an outlet offers only its own organisation's products."""
    return catalogue.products_of(organisation_id)


def save_outlet(user, organisation_id: int, outlet: Outlet | None, data: dict) -> Outlet:
    """Create or update an outlet. Location rules are the sites' (`geo.places.resolve_location`);
    opening hours must parse; products must be the organisation's own; categories must exist."""
    require_member(user, organisation_id)
    kind = OutletKind(data["kind"])
    text = _opening_hours(kind, data)
    _check_kind(kind, data)
    products = _own_products(organisation_id, set(data.get("product_ids") or ()))
    categories = _categories(set(data.get("category_ids") or ()))
    try:
        location = resolve_location(data)
    except LocationError as error:
        raise OutletError(
            error.messages, "latitude" if data.get("latitude") is not None else "town"
        ) from None

    if outlet is None:
        outlet = Outlet(organisation_id=organisation_id)
        db.session.add(outlet)
    for key in (
        "name",
        "description",
        "street",
        "postcode",
        "town",
        "country",
        "website",
        "accessibility",
        "hours_note",
    ):
        if key in data:
            setattr(outlet, key, data[key] or "")
    for key in ("accepts_cash", "accepts_card", "accepts_mobile"):
        if key in data:
            setattr(outlet, key, bool(data[key]))
    outlet.kind = kind
    outlet.opening_hours = text
    outlet.delivery_radius_km = data.get("delivery_radius_km") if kind == OutletKind.DELIVERY else None
    outlet.latitude, outlet.longitude = location.latitude, location.longitude
    outlet.in_region, outlet.state = location.in_region, location.state
    outlet.products = sorted(products, key=lambda p: german_key(p.name_de))
    outlet.categories = sorted(categories, key=lambda c: c.position)
    db.session.flush()
    search.index("outlet", outlet.id, outlet_texts(outlet))
    return outlet


def _opening_hours(kind: OutletKind, data: dict) -> str:
    """The opening hours in their checked form; required except for the kinds that have none."""
    text = (data.get("opening_hours") or "").strip()
    if text:
        try:
            return hours.check(text)
        except hours.HoursError as error:
            raise OutletError([error.message], "opening_hours") from None
    if kind not in HOURS_OPTIONAL:
        raise OutletError(
            [str(_l("Please enter the opening hours, e.g. Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off."))],
            "opening_hours",
        )
    return text


def _check_kind(kind: OutletKind, data: dict) -> None:
    """What an outlet of each kind must have besides a place: a website, a delivery radius."""
    if kind == OutletKind.ONLINE_SHOP and not data.get("website"):
        raise OutletError([str(_l("An online shop needs the address of its website."))], "website")
    if kind == OutletKind.DELIVERY and not data.get("delivery_radius_km"):
        raise OutletError(
            [str(_l("A delivery scheme needs the distance it delivers to, in km."))], "delivery_radius_km"
        )


def _own_products(organisation_id: int, product_ids: set[int]) -> list[Product]:
    if not product_ids:
        return []
    products = db.session.scalars(
        select(Product).where(
            Product.id.in_(product_ids),
            Product.organisation_id == organisation_id,
            Product.status == ProductStatus.ACTIVE,
        )
    ).all()
    if len(products) != len(product_ids):
        raise OutletError([str(_l("Please choose only your own active products."))], "product_ids")
    return products


def _categories(category_ids: set[int]) -> list[Category]:
    if not category_ids:
        return []
    categories = db.session.scalars(select(Category).where(Category.id.in_(category_ids))).all()
    if len(categories) != len(category_ids):
        raise OutletError([str(_l("Please choose only from the categories shown."))], "category_ids")
    return categories


def set_archived(user, outlet: Outlet, archived: bool) -> None:
    """Outlets are archived (hidden from the public), not deleted: the producer may reopen them."""
    require_member(user, outlet.organisation_id)
    outlet.archived_at = clock.utcnow() if archived else None
    if archived:
        search.remove("outlet", outlet.id)
    else:
        search.index("outlet", outlet.id, outlet_texts(outlet))


def outlet_texts(outlet: Outlet) -> dict:
    """What the finder's free text looks at; products and the organisation have documents of their own."""
    return {
        "name": outlet.name,
        "place": [outlet.town, outlet.street],
        "description": outlet.description,
        "kind": _both_languages(OUTLET_KIND[outlet.kind]),
        "categories": [name for c in outlet.categories for name in (c.name_de, c.name_en)],
    }


def _both_languages(text) -> list[str]:
    found = []
    for locale in ("de", "en"):
        with force_locale(locale):
            found.append(str(text))
    return found


@search.source("outlet")
def _all_outlets():
    found = db.session.scalars(
        select(Outlet)
        .where(Outlet.archived_at.is_(None))
        .options(selectinload(Outlet.categories))
        .order_by(Outlet.id)
    )
    return ((outlet.id, outlet_texts(outlet)) for outlet in found)


def add_image(user, outlet: Outlet, filename: str) -> None:
    require_member(user, outlet.organisation_id)
    if len(outlet.images) >= MAX_IMAGES:
        raise OutletError([str(_l("At most %(count)d photos per outlet.", count=MAX_IMAGES))], "image")
    outlet.images.append(OutletImage(filename=filename, position=len(outlet.images)))


def remove_image(user, outlet: Outlet, image_id: int) -> None:
    require_member(user, outlet.organisation_id)
    media.remove_image(outlet.images, image_id)


# --- what shoppers see ---------------------------------------------------------------------------------


def opening_status(outlet: Outlet, now: datetime | None = None, locale: str = "de") -> hours.Status | None:
    """Open now, and when that changes, in the region's zone with the outlet's state's holidays."""
    if not outlet.opening_hours:
        return None
    return hours.status(outlet.opening_hours, outlet.state, now or clock.local_now(), locale)


def opening_week(outlet: Outlet, now: datetime | None = None, locale: str = "de") -> list[hours.Day]:
    if not outlet.opening_hours:
        return []
    today = (now or clock.local_now()).astimezone(clock.zone()).date()
    return hours.week(outlet.opening_hours, outlet.state, today, locale=locale)
