"""Form pieces that several features share."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, Regexp


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
