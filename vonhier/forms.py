"""Form pieces that several features share."""

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField as _DecimalField
from wtforms import FieldList, FormField, StringField, TextAreaField
from wtforms import FloatField as _FloatField
from wtforms import IntegerField as _IntegerField
from wtforms.validators import Length, Optional, Regexp

from . import hygiene


class Form(FlaskForm):
    """The base of every form: no field holds control characters, a single-line field no line break
    (`hygiene.text_problem`). Checked here rather than before the request so that the form's page
    shows the message next to the field, with what was typed kept; tests/test_hostile_input.py
    fails for a form that does not derive from this class."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            texts = [v for v in field.raw_data or () if isinstance(v, str)]
            multi_line = isinstance(field, TextAreaField)
            if problem := next(filter(None, (hygiene.text_problem(t, multi_line) for t in texts)), None):
                field.errors = [problem]
                valid = False
        return valid


def named_errors(form, rows: dict | None = None) -> list[str]:
    """Every error of `form` as a sentence that names its field ("Category: This field is required."),
    for a list of messages away from the fields (a live check beside the form). A field of a row in a
    row list (a FieldList of FormFields) is named with its row: `rows` gives the row's name by the
    list's field name, with %(n)d for its number ("Ingredient %(n)d"). Read from the fields themselves:
    a form's own `validate` may add errors to a row after its row list collected theirs."""
    problems = []
    for field in form:
        if isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                row = (rows or {}).get(field.name)
                row_name = str(row % {"n": number}) if row else f"{field.label.text} {number}"
                for problem in named_errors(entry.form) if isinstance(entry, FormField) else _named(entry):
                    problems.append(str(_l("%(row)s, %(problem)s", row=row_name, problem=problem)))
        elif isinstance(field, FormField):
            problems += named_errors(field.form)
        else:
            problems += _named(field)
    return list(dict.fromkeys(problems))


def _named(field) -> list[str]:
    label = str(field.label.text) if field.label and field.label.text else ""
    if not label:
        return [str(e) for e in field.errors]
    return [str(_l("%(field)s: %(message)s", field=label, message=e)) for e in field.errors]


def _text_fields(form):
    """The fields of `form` itself; sub-forms (FormField) are Forms and check their own."""
    for field in form:
        if isinstance(field, FieldList):
            yield from (entry for entry in field.entries if not isinstance(entry, FormField))
        elif not isinstance(field, FormField):
            yield field


class _HygienicNumber:
    """Reads the field with `hygiene.number`, like the CSV import: no NaN, no infinities, no 1e400."""

    convert = staticmethod(lambda value: value)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = self.convert(hygiene.number(valuelist[0]))

    def _value(self):
        """What the input shows: what was typed, else the number without trailing zeros ("250", not
        "250.000", which a German reader takes for two hundred and fifty thousand)."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(Decimal(str(self.data)).normalize(), "f")


class DecimalField(_HygienicNumber, _DecimalField):
    pass


class FloatField(_HygienicNumber, _FloatField):
    convert = float


class IntegerField(_IntegerField):
    """Reads the field with `hygiene.integer`: ASCII digits within the database's integer range."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = hygiene.integer(valuelist[0])  # its ValueError becomes the field's error


class EuroField(StringField):
    """An amount of euros, held as whole cents (`data`), read with `hygiene.euro_cents`: "120,00" and
    "120.00" alike; shown with the interface language's decimal sign and two decimals."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = hygiene.euro_cents(valuelist[0])  # its ValueError becomes the field's error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else euros(self.data)


def euros(cents: int) -> str:
    """Cents as the input shows them: "120,00" in German, "120.00" in English, no thousands groups."""
    return format_decimal(Decimal(cents) / 100, "0.00")


def control_body_code_field(label, description=None) -> StringField:
    """An organic control body code such as DE-ÖKO-006."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[A-Z]{2}-[A-ZÄÖÜ]{2,5}-\d{3}$", message=_l("Format: DE-ÖKO-006")),
        ],
        filters=[lambda v: v.strip().upper() if v else v],
        description=description,
    )


class CoordinatesPair:
    """For forms with optional `latitude` and `longitude`: both or neither."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here, not per field: Optional() skips a field's own checks when it is empty.
        if (self.latitude.data is None) != (self.longitude.data is None) and not (
            self.latitude.errors or self.longitude.errors
        ):
            self.longitude.errors.append(_l("Please enter both latitude and longitude, or neither."))
            return False
        return valid
