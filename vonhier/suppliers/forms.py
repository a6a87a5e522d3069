"""The supplier search's query arguments (strictly checked), supplier settings and inquiry forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..catalogue.models import Category, Site
from ..forms import Form, IntegerField
from ..organisations.models import Organisation
from .search import CRITERIA, MAX_RADIUS_KM, Origin, SupplierQuery
from .services import DELIVERY_OPTIONS, MESSAGE_MAX, SUBJECT_MAX

TEXT_MAX = 100
MAX_PAGE = 10_000
KNOWN_ARGS = {"category", "criteria", "husbandry", "delivery", "q", "site", "radius", "page"}


class SearchError(ValueError):
    """Query arguments that cannot be searched for; str() is a translated message (HTTP 400)."""


def _integer(args, name: str, low: int, high: int, message) -> int | None:
    raw = args.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SearchError(str(message)) from None
    if not low <= value <= high:
        raise SearchError(str(message))
    return value


def parse_search(
    args, categories: list[Category], retailer: Organisation, sites: list[Site]
) -> SupplierQuery:
    """A SupplierQuery from the URL's arguments; anything that makes no sense raises SearchError."""
    query = SupplierQuery()
    if slug := args.get("category", "").strip():
        query.category = next((c for c in categories if c.slug == slug), None)
        if query.category is None:
            raise SearchError(str(_l("Unknown category. Please choose one from the list.")))
    criteria = args.getlist("criteria")
    if unknown := [c for c in criteria if c not in CRITERIA]:
        raise SearchError(
            str(_l("Unknown criterion “%(value)s”. Please choose from the list.", value=unknown[0][:40]))
        )
    query.organic = "organic" in criteria
    query.gmo_free = "gmo_free" in criteria
    query.husbandry_min = _integer(
        args, "husbandry", 1, 5, _l("The Haltungsform must be a level from 1 to 5.")
    )
    delivery = args.getlist("delivery")
    if unknown := [d for d in delivery if d not in DELIVERY_OPTIONS]:
        raise SearchError(
            str(
                _l("Unknown delivery option “%(value)s”. Please choose from the list.", value=unknown[0][:40])
            )
        )
    query.delivery = tuple(d for d in DELIVERY_OPTIONS if d in delivery)
    text = args.get("q", "")
    if len(text) > TEXT_MAX:
        raise SearchError(str(_l("The search text may have at most %(n)d characters.", n=TEXT_MAX)))
    query.text = text.strip()

    site_id = _integer(args, "site", 1, 2**31 - 1, _l("Please choose one of your organisation’s sites."))
    if site_id is not None:
        site = next((s for s in sites if s.id == site_id), None)
        if site is None:
            raise SearchError(str(_l("Please choose one of your organisation’s sites.")))
        query.origin = Origin(site.latitude, site.longitude, site.id, site.label)
    elif sites:
        query.origin = Origin(sites[0].latitude, sites[0].longitude, sites[0].id, sites[0].label)
    elif retailer.latitude is not None and retailer.longitude is not None:
        query.origin = Origin(retailer.latitude, retailer.longitude, None, retailer.display_name)
    query.radius_km = _integer(
        args,
        "radius",
        1,
        MAX_RADIUS_KM,
        _l("The radius must be a whole number of kilometres from 1 to %(max)d.", max=MAX_RADIUS_KM),
    )
    if query.radius_km is not None and query.origin is None:
        raise SearchError(
            str(_l("Your organisation has neither a site nor address coordinates to measure distances from."))
        )
    query.page = _integer(args, "page", 1, MAX_PAGE, _l("There is no such page.")) or 1
    return query


class SupplierProfileForm(Form):
    delivers_pickup = BooleanField(_l("Pick-up at our site"))
    delivers_own = BooleanField(_l("Own delivery"))
    delivers_partner = BooleanField(_l("Delivery by a logistics partner"))
    delivery_radius_km = IntegerField(
        _l("Delivery radius (km)"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("How far you deliver yourself or through your partner."),
    )
    capacity_notes = TextAreaField(
        _l("Capacity"),
        validators=[Length(max=1000)],
        description=_l("For example: “about 200 kg of cheese a week, from May to October”."),
    )
    min_order_note = StringField(_l("Minimum order"), validators=[Length(max=200)])


class InquiryForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MESSAGE_MAX)])


class ReplyForm(Form):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=MESSAGE_MAX)])
