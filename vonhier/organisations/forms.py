"""Forms for organisation profiles, staff invitations and switching organisations."""

import re

from babel.lists import format_list
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .. import region
from ..accounts.forms import email_field
from ..clock import utcnow
from ..forms import CoordinatesPair, FloatField, Form, IntegerField, control_body_code_field
from ..geo.places import STATES, state_name
from .models import OrgKind, SizeClass
from .names import ORG_KIND, SIZE_CLASS
from .services import PROFILE_FIELDS


def state_choices() -> list[SelectChoice]:
    """The region's states first (in the pack's order), then Germany's others by name, then abroad."""
    own = [s.code for s in region.pack().states]
    others = sorted((code for code in STATES if code not in own), key=lambda code: STATES[code][0])
    return [SelectChoice(code, state_name(code, "de")) for code in (*own, *others)] + [
        SelectChoice("", _l("Outside Germany"))
    ]


def _district_hint() -> str:
    examples = [_("“%(name)s”", name=name) for name in region.pack().examples["districts"]]
    return _(
        "Landkreis, kreisfreie Stadt or a city's Bezirk, e.g. %(examples)s.",
        examples=format_list(examples, style="or", locale=get_locale()),
    )


COUNTRY_CHOICES = [
    SelectChoice("DE", _l("Germany")),
    SelectChoice("PL", _l("Poland")),
    SelectChoice("CZ", _l("Czechia")),
    SelectChoice("AT", _l("Austria")),
    SelectChoice("DK", _l("Denmark")),
    SelectChoice("NL", _l("Netherlands")),
]
POSTCODE_PATTERNS = {
    "DE": r"\d{5}",
    "PL": r"\d{2}-\d{3}",
    "CZ": r"\d{3} ?\d{2}",
    "AT": r"\d{4}",
    "DK": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # WTForms' own message for this case has no German translation.
        if set(self.data or ()) - {choice.value for choice in self.choices}:
            raise ValidationError(_l("Please choose only from the options shown."))


class OrganisationForm(CoordinatesPair, Form):
    display_name = StringField(_l("Name shown to the public"), validators=[DataRequired(), Length(max=120)])
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As in the trade register, e.g. “Hof Sonnenwiese GbR”."),
    )
    kinds = CheckboxesField(
        _l("What does your organisation do?"),
        choices=[SelectChoice(k.value, label) for k, label in ORG_KIND.items()],
        validators=[DataRequired(message=_l("Please choose at least one."))],
    )
    street = StringField(_l("Street and number"), validators=[DataRequired(), Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Length(max=10)])
    town = StringField(_l("Town"), validators=[DataRequired(), Length(max=80)])
    district = StringField(
        _l("District"),
        validators=[Optional(), Length(max=80)],
        description=LazyString(_district_hint),
    )
    state = SelectField(
        _l("State"), choices=state_choices, default=lambda: region.pack().states[0].code, validate_choice=True
    )
    country = SelectField(_l("Country"), choices=COUNTRY_CHOICES, default="DE")
    latitude = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90)],
        description=_l("Decimal degrees, e.g. %(value)s", value=region.pack().map_centre[0]),
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180)],
        description=_l("Decimal degrees, e.g. %(value)s", value=region.pack().map_centre[1]),
    )
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()/-]{5,40}$", message=_l("Please enter a phone number.")),
        ],
    )
    email = email_field(_l("Public email address"))
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=255),
            URL(message=_l("Please enter a full address starting with https://.")),
        ],
    )
    description_de = TextAreaField(_l("Description (German)"), validators=[Optional(), Length(max=4000)])
    description_en = TextAreaField(
        _l("Description (English, optional)"), validators=[Optional(), Length(max=4000)]
    )
    founding_year = IntegerField(_l("Founded in"), validators=[Optional(), NumberRange(1000, utcnow().year)])
    size_class = SelectField(
        _l("Size"),
        choices=[SelectChoice(k.value, label) for k, label in SIZE_CLASS.items()],
        default=SizeClass.MICRO.value,
        description=_l("Used for the licence fee; very small producers pay least."),
    )
    control_body_code = control_body_code_field(
        _l("Control body code"), description=_l("Only for certification bodies, e.g. DE-ÖKO-006.")
    )
    logo = FileField(_l("Logo or photo"), description=_l("JPEG, PNG or WebP, at most 15 MB."))

    def __init__(self, *args, may_certify: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.email.validators = [Optional(), *self.email.validators[1:]]
        if not may_certify:
            self.kinds.choices = [c for c in self.kinds.choices if c.value != OrgKind.CERTIFICATION_BODY]

    def validate_postcode(self, field):
        pattern = POSTCODE_PATTERNS.get(self.country.data)
        if pattern and not re.fullmatch(pattern, field.data.strip()):
            raise ValidationError(_l("This is not a valid postcode for the chosen country."))

    def validate_state(self, field):
        if self.country.data == "DE" and not field.data:
            raise ValidationError(_l("Please choose the state."))
        if self.country.data != "DE" and field.data:
            raise ValidationError(_l("German states only apply to addresses in Germany."))

    def profile_data(self) -> dict:
        data = {}
        for field in self:
            if field.name in PROFILE_FIELDS:
                value = field.data.strip() if isinstance(field.data, str) else field.data
                data[field.name] = value
        return data


class InviteForm(Form):
    email = email_field(_l("Email address of the person to invite"))
