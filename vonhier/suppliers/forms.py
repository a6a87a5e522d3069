"""The supplier search's query arguments (declared on `arguments.Arguments`), supplier settings and inquiry
forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..arguments import MAX_INTEGER, Arguments, Refused
from ..catalogue.models import Category, Site
from ..forms import Form, IntegerField
from ..organisations.models import Organisation
from ..web import MAX_PAGE, NO_SUCH_PAGE
from .models import NOTE_MAX
from .search import CRITERIA, MAX_RADIUS_KM, Origin, SupplierQuery
from .services import DELIVERY_OPTIONS, MESSAGE_MAX, SUBJECT_MAX

TEXT_MAX = 100
KNOWN_ARGS = {"category", "criteria", "husbandry", "delivery", "q", "site", "radius", "page"}


SITE_MESSAGE = _l("Please choose one of your organisation’s sites.")


def parse_search(
    args, categories: list[Category], retailer: Organisation, sites: list[Site]
) -> SupplierQuery:
    """A SupplierQuery from the URL's arguments; anything that makes no sense is `Refused` (400). The
    search form sends empty fields for "any": each of them counts as not given."""
    given = Arguments(args, optional=KNOWN_ARGS)
    query = SupplierQuery()
    slug = given.choice(
        "category", [c.slug for c in categories], _l("Unknown category. Please choose one from the list.")
    )
    query.category = next((c for c in categories if c.slug == slug), None)
    criteria = given.choices(
        "criteria",
        CRITERIA,
        lambda value: _l("Unknown criterion “%(value)s”. Please choose from the list.", value=value),
    )
    query.organic = "organic" in criteria
    query.gmo_free = "gmo_free" in criteria
    query.husbandry_min = given.whole(
        "husbandry", None, 1, 5, _l("The husbandry level must be a level from 1 to 5.")
    )
    delivery = given.choices(
        "delivery",
        DELIVERY_OPTIONS,
        lambda value: _l("Unknown delivery option “%(value)s”. Please choose from the list.", value=value),
    )
    query.delivery = tuple(d for d in DELIVERY_OPTIONS if d in delivery)
    message = _l("The search text may have at most %(n)d characters.", n=TEXT_MAX)
    query.text = given.text("q", TEXT_MAX, message).strip()
    query.origin = _origin(given.whole("site", None, 1, MAX_INTEGER, SITE_MESSAGE), retailer, sites)
    query.radius_km = given.whole(
        "radius",
        None,
        1,
        MAX_RADIUS_KM,
        _l("The radius must be a whole number of kilometres from 1 to %(max)d.", max=MAX_RADIUS_KM),
    )
    if query.radius_km is not None and query.origin is None:
        raise Refused(
            _l("Your organisation has neither a site nor address coordinates to measure distances from.")
        )
    query.page = given.whole("page", 1, 1, MAX_PAGE, NO_SUCH_PAGE)
    return query


def _origin(site_id: int | None, retailer: Organisation, sites: list[Site]) -> Origin | None:
    """Where distances are measured from: the chosen site, else `default_origin`."""
    if site_id is not None:
        site = next((s for s in sites if s.id == site_id), None)
        if site is None:
            raise Refused(SITE_MESSAGE)
        return Origin(site.latitude, site.longitude, site.id, site.label)
    return default_origin(retailer, sites)


def default_origin(retailer: Organisation, sites: list[Site]) -> Origin | None:
    """Where distances are measured from without a chosen site: the first site, else the address
    (None: the retailer cannot search by distance)."""
    if sites:
        return Origin(sites[0].latitude, sites[0].longitude, sites[0].id, sites[0].label)
    if retailer.latitude is not None and retailer.longitude is not None:
        return Origin(retailer.latitude, retailer.longitude, None, retailer.display_name)
    return None


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


class ShortlistNoteForm(Form):
    note = TextAreaField(
        _l("Your note"),
        validators=[Length(max=NOTE_MAX)],
        description=_l("Only your organisation sees it; it is part of the shortlist’s CSV file."),
    )


class InquiryForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MESSAGE_MAX)])


class ReplyForm(Form):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=MESSAGE_MAX)])
