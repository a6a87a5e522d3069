"""The forms of the producer's order pages: after the pick-up (collected or not) and cancelling."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import Form
from .received import MAX_REASON, OUTCOMES


class OutcomeForm(Form):
    # Sent by the button clicked (name "outcome"); anything else is refused by the choices.
    outcome = SelectField(choices=list(OUTCOMES), validators=[InputRequired()])


class CancelForm(Form):
    reason = TextAreaField(
        _l("Reason for the buyer"),
        validators=[
            InputRequired(_l("Please tell the buyer why the order is cancelled.")),
            Length(
                max=MAX_REASON, message=_l("Please keep the reason under %(max)d characters.", max=MAX_REASON)
            ),
        ],
        description=_l("The buyer reads it in the mail that tells them of the cancellation."),
    )
