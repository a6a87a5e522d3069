"""The outlet form and the archive switch."""

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from .. import region
from ..forms import CoordinatesPair, FloatField, Form, IntegerField
from ..geo.places import state_name
from ..organisations.forms import COUNTRY_CHOICES, CheckboxesField
from . import hours
from .hours_form import WeekFields
from .names import OUTLET_KIND


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _holidays_hint(state: str) -> str:
    """Whose public holidays `PH` means: those of the outlet's state (`outlets.hours`), named when the
    outlet has one, else the region's states it may lie in."""
    language = str(get_locale())
    if state:
        return _(
            "PH means the public holidays of %(state)s, where the outlet lies.",
            state=state_name(state, language),
        )
    states = format_list([s.name(language) for s in region.pack().states], style="or", locale=get_locale())
    return _("PH means the public holidays of the state the outlet lies in (%(states)s).", states=states)


class OutletForm(WeekFields, CoordinatesPair, Form):
    name = StringField(
        _l("Name of the outlet"),
        validators=[DataRequired(), Length(max=120)],
        filters=[_strip],
        description=_l("E.g. “Farm shop Lindenhof”, “Stand at the Saturday market”, “Milk vending hut”."),
    )
    kind = SelectField(
        _l("Kind of outlet"), choices=[SelectChoice(k.value, v) for k, v in OUTLET_KIND.items()]
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=2000)], filters=[_strip]
    )
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=120)], filters=[_strip])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)], filters=[_strip])
    town = StringField(_l("Town or village"), validators=[DataRequired(), Length(max=80)], filters=[_strip])
    country = SelectField(_l("Country"), choices=COUNTRY_CHOICES, default="DE")
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    hours_mode = RadioField(
        _l("Enter the opening hours"),
        choices=[
            SelectChoice("grid", _l("by weekday")),
            SelectChoice("text", _l("as text (OpenStreetMap format)")),
        ],
        default="grid",
    )
    opening_hours = TextAreaField(
        _l("Opening hours as text"),
        validators=[Optional(), Length(max=hours.MAX_LENGTH)],
        filters=[_strip],
        render_kw={"rows": 2, "spellcheck": "false", "autocapitalize": "off"},
        description=_l(
            "In the OpenStreetMap format: Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off. "
            "A market: We,Sa 08:00-13:00. A vending machine: 24/7."
        ),
    )
    hours_note = StringField(
        _l("Seasonal note"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l(
            "Shown beside the opening hours, e.g. “From November to March only Fridays and Saturdays.”"
        ),
    )
    website = URLField(
        _l("Online shop or website"),
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Please enter a full address starting with https://.")),
        ],
        filters=[_strip],
    )
    delivery_radius_km = IntegerField(
        _l("Delivers within (km)"),
        validators=[Optional(), NumberRange(1, 200)],
        description=_l("For veg-box and delivery schemes: the distance from the address above."),
    )
    accepts_cash = BooleanField(_l("Cash"), default=True)
    accepts_card = BooleanField(_l("Card"))
    accepts_mobile = BooleanField(_l("Mobile payment"))
    accessibility = TextAreaField(
        _l("Accessibility"),
        validators=[Optional(), Length(max=500)],
        filters=[_strip],
        description=_l("E.g. step-free entrance, parking, where the vending machine stands."),
    )
    product_ids = CheckboxesField(_l("Products available here"), coerce=int, choices=[])
    category_ids = CheckboxesField(_l("Also available here"), coerce=int, choices=[])
    image = FileField(_l("Add a photo"), description=_l("JPEG, PNG or WebP, at most 15 MB."))

    def name_holidays(self, state: str) -> None:
        """Complete the opening hours' hint with whose public holidays `PH` means."""
        self.opening_hours.description = f"{self.opening_hours.description} {_holidays_hint(state)}"

    def validate_opening_hours(self, field):
        # The full check runs in the service too; here it gives the message next to the field.
        if field.data and self.hours_mode.data == "text":
            try:
                field.data = hours.check(field.data)
            except hours.HoursError as error:
                raise ValidationError(error.message) from None

    def validate_website(self, field):
        # WTForms' URL check accepts any scheme (ftp:, javascript:); a link on a public page must be web.
        if field.data and not field.errors and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Please enter a full address starting with https://."))

    def outlet_data(self) -> dict:
        skip = {"csrf_token", "image", "hours_mode", "holidays_closed", *self.DAY_FIELDS}
        return {f.name: f.data for f in self if f.name not in skip}


class ArchiveForm(Form):
    archived = IntegerField(validators=[Optional(), NumberRange(0, 1)])
