"""Forms for sites, products (with ingredient and stage rows), batches and CSV uploads."""

from datetime import timedelta

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from .. import hygiene, region
from ..clock import utcnow
from ..forms import CoordinatesPair, DecimalField, FloatField, Form, IntegerField, control_body_code_field
from ..organisations.forms import COUNTRY_CHOICES, CheckboxesField
from .models import Ingredient, Product, Species, StageKind, Unit
from .names import ALLERGEN_SHORT, HUSBANDRY, SITE_KIND, SPECIES, STAGE_KIND, UNIT
from .origins import OriginError, Origins, origin_of
from .product_input import ProductInput

EMPTY_ROWS = 3
ORIGIN_LENGTH = 250  # "Organisation / Site": two names of up to 120 characters


def _approval_mark() -> str:
    """An EU approval mark of the region's first state, for hints (the mark names the state)."""
    return f"DE {region.pack().states[0].code} 12345 EG"


def fits(column) -> Length:
    """The length limit of a model's String column, so that form and database agree."""
    return Length(max=column.type.length)


def _choices(mapping, blank=None):
    options = [SelectChoice("", blank)] if blank else []
    return options + [SelectChoice(k.value, v) for k, v in mapping.items()]


def _allergens(label):
    """The 14 groups as checkboxes (no JavaScript needed); the page folds them into a <details>."""
    return CheckboxesField(label, choices=_choices(ALLERGEN_SHORT))


class SiteForm(CoordinatesPair, Form):
    name = StringField(
        _l("Name of the site"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("E.g. “Main farm”, “Cheese dairy”, “Farm shop”."),
    )
    kind = SelectField(_l("Kind of site"), choices=_choices(SITE_KIND))
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    town = StringField(_l("Town or village"), validators=[DataRequired(), Length(max=80)])
    country = SelectField(_l("Country"), choices=COUNTRY_CHOICES, default="DE")
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    eu_approval_number = StringField(
        _l("EU approval number"),
        validators=[
            Optional(),
            Length(max=30),
            Regexp(
                r"^[A-Z]{2} [A-Z]{2,3} \d{3,6} EG$",
                message=LazyString(lambda: gettext("Format: %(mark)s", mark=_approval_mark())),
            ),
        ],
        filters=[lambda v: " ".join(v.upper().split()) if v else v],
        description=LazyString(
            lambda: gettext("For dairies, butchers and egg packing, e.g. %(mark)s.", mark=_approval_mark())
        ),
    )
    organic_operator_id = StringField(_l("Organic operator number"), validators=[Optional(), Length(max=40)])
    husbandry_id = StringField(
        _l("Husbandry registration number"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\d{12,15}$", message=_l("12 to 15 digits, as issued by the state authority.")),
        ],
        description=_l("The Kennnummer under the animal husbandry labelling law."),
    )

    def site_data(self) -> dict:
        return {
            f.name: (f.data.strip() if isinstance(f.data, str) else f.data)
            for f in self
            if f.name != "csrf_token"
        }


class IngredientForm(Form):
    class Meta:
        csrf = False  # a row inside ProductForm, which carries the token; FlaskForm for translated messages

    # Not called "name": inside a FieldList, `row.name` is the row's own field name.
    ingredient = StringField(_l("Ingredient"), validators=[Optional(), fits(Ingredient.name)])
    share = DecimalField(_l("Share in %"), places=2, validators=[Optional(), NumberRange(0.01, 100)])
    is_main = BooleanField(_l("Main ingredient"))
    is_value_determining = BooleanField(_l("Value-determining"))
    is_water_or_salt = BooleanField(_l("Water or salt"))
    # Typed: an own site, "Organisation / Site", a town, a postcode or a country (see origins.py);
    # JavaScript suggests texts that resolve (static/js/origin-search.js).
    origin = StringField(
        _l("Comes from"),
        validators=[Optional(), Length(max=ORIGIN_LENGTH)],
        render_kw={
            "class": "origin-search",
            "autocomplete": "off",
            "spellcheck": "false",
            "aria-describedby": "origin-hint",
        },
    )
    allergens = _allergens(_l("Contains these allergens"))

    def is_blank(self) -> bool:
        return (
            not (self.ingredient.data or "").strip() and self.share.data is None and not self.allergens.data
        )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here, not per field: Optional() ends a field's checks when it is empty, and
        # a row is only incomplete when the other field is filled in.
        if self.is_blank():
            return valid
        if not (self.ingredient.data or "").strip():
            self.ingredient.errors.append(_l("Please name the ingredient."))
            valid = False
        if self.share.data is None and not self.share.errors:
            self.share.errors.append(_l("Please enter the share."))
            valid = False
        return valid


class StageForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Step"), choices=_choices(STAGE_KIND, blank="–"))
    site = SelectField(_l("Site"), choices=[], validate_choice=False)

    def is_blank(self) -> bool:
        return not self.kind.data and not self.site.data


class ProductForm(Form):
    name_de = StringField(_l("Product name (German)"), validators=[DataRequired(), fits(Product.name_de)])
    name_en = StringField(
        _l("Product name (English, optional)"), validators=[Optional(), fits(Product.name_en)]
    )
    reference = StringField(
        _l("Article number"),
        validators=[Optional(), fits(Product.reference)],
        description=_l("Your own number; left empty, we assign one."),
    )
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    description_de = TextAreaField(
        _l("Description (German)"), validators=[Optional(), fits(Product.description_de)]
    )
    description_en = TextAreaField(
        _l("Description (English, optional)"), validators=[Optional(), fits(Product.description_en)]
    )
    package_size = DecimalField(
        _l("Package size"), places=3, validators=[Optional(), NumberRange(min=0.001, max=1_000_000)]
    )
    package_unit = SelectField(_l("Unit"), choices=_choices(UNIT, blank="–"))
    gtin = StringField(
        _l("GTIN (EAN barcode number)"),
        validators=[Optional(), Length(max=20)],
        description=_l("8, 12, 13 or 14 digits; leave empty if the product has none."),
    )
    organic_control_body = control_body_code_field(_l("Organic control body code"))
    gmo_free = BooleanField(_l("Declared GMO-free (“Ohne Gentechnik”)"))
    species = SelectField(
        _l("Animal species"),
        choices=_choices(SPECIES, blank="–"),
        description=_l("For animal products only."),
    )
    husbandry_level = SelectField(
        _l("Husbandry level (Haltungsform)"),
        choices=[SelectChoice("", "–"), *(SelectChoice(str(n), HUSBANDRY[n]) for n in range(1, 6))],
        description=_l("For animal products only."),
    )
    ingredients = FieldList(FormField(IngredientForm), min_entries=1, max_entries=40)
    allergen_traces = _allergens(_l("May contain traces of"))
    allergen_free = BooleanField(_l("Contains none of the 14 allergens, not even as traces"))
    stages = FieldList(FormField(StageForm), max_entries=12)
    image = FileField(_l("Add a photo"), description=_l("JPEG, PNG or WebP, at most 15 MB."))

    def add_blank_rows(self, ingredients: int = EMPTY_ROWS, stages: int = 2) -> None:
        for _ in range(ingredients):
            self.ingredients.append_entry()
        for _ in range(stages):
            self.stages.append_entry()

    def set_site_choices(self, own_sites, other_sites) -> None:
        """The sites a stage may name, and those an ingredient's typed origin may name."""
        own = [SelectChoice(f"{s.id}", s.label, optgroup=str(_l("Our sites"))) for s in own_sites]
        others = [
            SelectChoice(
                f"{s.id}",
                f"{s.organisation.display_name}: {s.label}",
                optgroup=str(_l("Registered suppliers")),
            )
            for s in other_sites
        ]
        for row in self.stages:
            row.site.choices = [SelectChoice("", "–"), *own, *others]
        self._site_ids = {s.id for s in (*own_sites, *other_sites)}
        self.origins = Origins(own_sites, other_sites)

    def show_origins(self, ingredients) -> None:
        """Writes the stored origins of `ingredients` into their rows, as text that resolves back."""
        for row, ingredient in zip(self.ingredients, ingredients, strict=False):
            row.origin.data = self.origins.text_of(origin_of(ingredient))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self._resolved = {}
        for row in self.ingredients:
            if row.is_blank() or row.origin.errors:
                continue
            try:
                self._resolved[row.name] = self.origins.resolve(row.origin.data)
            except OriginError as error:
                row.origin.errors.append(error.messages[0])
                valid = False
        for row in self.stages:
            if row.is_blank():
                continue
            site = row.site.data
            if not row.kind.data:
                row.kind.errors.append(_l("Please choose the step."))
                valid = False
            if hygiene.row_id(site) not in self._site_ids:
                row.site.errors.append(_l("Please choose the site."))
                valid = False
        if self.species.data and self.species.data not in set(Species):
            self.species.errors.append(_l("Please choose only from the options shown."))
            valid = False
        named = self.allergen_traces.data or any(row.allergens.data for row in self.ingredients)
        if self.allergen_free.data and named:
            self.allergen_free.errors.append(
                _l("Either none of the 14 allergens or the allergens you ticked, not both.")
            )
            valid = False
        return valid

    def ingredient_rows(self) -> list[dict]:
        rows = []
        for row in self.ingredients:
            if row.is_blank():
                continue
            rows.append(
                {
                    "name": row.ingredient.data.strip(),
                    "share": row.share.data,
                    "is_main": row.is_main.data,
                    "is_value_determining": row.is_value_determining.data,
                    "is_water_or_salt": row.is_water_or_salt.data,
                    "allergens": row.allergens.data or [],
                    **self._resolved[row.name].row(),
                }
            )
        return rows

    def stage_rows(self) -> list[dict]:
        return [
            {"kind": StageKind(row.kind.data), "site_id": int(row.site.data)}
            for row in self.stages
            if not row.is_blank()
        ]

    def product_input(self) -> ProductInput:
        """What the member entered, as every source hands a product to the catalogue's rules."""
        return ProductInput(self.product_fields(), self.ingredient_rows(), self.stage_rows())

    def product_fields(self) -> dict:
        return {
            "name_de": self.name_de.data.strip(),
            "name_en": (self.name_en.data or "").strip(),
            "reference": (self.reference.data or "").strip(),
            "category": self.category.data,
            "description_de": (self.description_de.data or "").strip(),
            "description_en": (self.description_en.data or "").strip(),
            "package_size": self.package_size.data,
            "package_unit": Unit(self.package_unit.data) if self.package_unit.data else None,
            "gtin": self.gtin.data,
            "organic_control_body": self.organic_control_body.data or "",
            "gmo_free": self.gmo_free.data,
            "species": Species(self.species.data) if self.species.data else None,
            "husbandry_level": int(self.husbandry_level.data) if self.husbandry_level.data else None,
            "allergen_traces": self.allergen_traces.data or [],
            "allergen_free": self.allergen_free.data,
        }


class BatchForm(Form):
    lot = StringField(
        _l("Lot number"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[\w.\-/ ]+$", message=_l("Letters, digits, spaces and . - / only.")),
        ],
        filters=[lambda v: v.strip() if v else v],
    )
    # InputRequired, not DataRequired: an unreadable date should say so, not "required".
    produced_on = DateField(_l("Production or harvest date"), validators=[InputRequired()])
    best_before = DateField(_l("Best before"), validators=[Optional()])
    origin_site_id = SelectField(
        _l("Main ingredient from another site this time"), choices=[], default="", coerce=str
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.origin_site_id.data is None:  # WTForms does not coerce a missing value
            self.origin_site_id.data = ""

    origin_note = StringField(_l("Note on the origin"), validators=[Optional(), Length(max=200)])

    def validate_produced_on(self, field):
        today = utcnow().date()
        earliest, latest = today - timedelta(days=30 * 365), today + timedelta(days=366)
        if field.data and not earliest <= field.data <= latest:
            raise ValidationError(_l("Please check the date: it lies too far in the past or the future."))

    def batch_data(self) -> dict:
        return {
            "lot": self.lot.data,
            "produced_on": self.produced_on.data,
            "best_before": self.best_before.data,
            "origin_site_id": int(self.origin_site_id.data) if self.origin_site_id.data else None,
            "origin_note": (self.origin_note.data or "").strip(),
        }


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[DataRequired(message=_l("Please choose a file."))])


class ArchiveForm(Form):
    archived = IntegerField(validators=[Optional(), NumberRange(0, 1)])
