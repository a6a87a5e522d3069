"""The offer form, the closed-date form, the pause switch and the shop settings. Choices are checked by
the services, which refuse with a sentence of their own (WTForms' "Not a valid choice" is not German)."""

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from .. import hygiene
from ..forms import EuroField, Form, IntegerField
from ..outlets.hours_form import TimeField
from .models import Measure, SalesUnit
from .names import MEASURE, SALES_UNIT


def _row(value):
    """A chosen row's id, or None for anything that cannot be one (the service then says which to choose)."""
    return value if isinstance(value, int) else hygiene.row_id(value)


class OfferForm(Form):
    product_id = SelectField(_l("Product"), coerce=_row, choices=[], validate_choice=False)
    outlet_id = SelectField(
        _l("Pick-up at"),
        coerce=_row,
        choices=[],
        validate_choice=False,
        description=_l("Outlets with opening hours: buyers pick up while they are open."),
    )
    unit = SelectField(
        _l("Sold"),
        choices=[SelectChoice(u.value, SALES_UNIT[u]) for u in SalesUnit],
        default=SalesUnit.PIECE.value,
        validate_choice=False,
    )
    price = EuroField(
        _l("Price in euros, VAT included"),
        description=_l("Per piece, per pack, or by weight per kilogram or litre, e.g. 2.49."),
    )
    vat_percent = SelectField(
        _l("VAT rate"),
        choices=[
            SelectChoice("7", _l("7 % (most food)")),
            SelectChoice("19", _l("19 % (drinks, other goods)")),
        ],
        default="7",
        validate_choice=False,
    )
    pack_size = IntegerField(
        _l("Pieces per pack"),
        validators=[Optional()],
        description=_l("Only when sold by the pack, e.g. 6 eggs or 10 rolls."),
    )
    measure = SelectField(
        _l("Price by weight or volume"),
        choices=[SelectChoice(m.value, MEASURE[m]) for m in Measure],
        default=Measure.KILOGRAM.value,
        validate_choice=False,
        description=_l("Only when sold by weight or volume: the price above is then per kilogram or litre."),
    )
    estimated_amount = IntegerField(
        _l("Approximate weight of one unit (g or ml)"),
        validators=[Optional()],
        description=_l(
            "Only when sold by weight: e.g. 500 for “approx. 500 g”. The exact price is weighed at pick-up."
        ),
    )
    quantity_per_date = IntegerField(
        _l("Available per pick-up date"),
        validators=[Optional()],
        description=_l("Leave empty for unlimited."),
    )
    deadline_days_before = IntegerField(
        _l("Orders close … days before pick-up"),
        default=1,
        validators=[Optional()],
        description=_l("0 means on the pick-up day itself."),
    )
    deadline_time = TimeField(_l("… at"), default=time(18, 0))
    is_active = BooleanField(_l("Offer active (buyers can order)"), default=True)

    def fill_from(self, offer) -> None:
        """The stored offer in the fields whose names differ from its columns."""
        self.price.data = offer.price_cents
        self.vat_percent.data = str(offer.vat_percent)
        self.unit.data = offer.unit.value
        self.measure.data = offer.measure.value if offer.measure else Measure.KILOGRAM.value

    def offer_data(self) -> dict:
        vat = self.vat_percent.data
        return {
            "product_id": self.product_id.data,
            "outlet_id": self.outlet_id.data,
            "price_cents": self.price.data,
            "vat_percent": int(vat) if vat in ("7", "19") else None,
            "unit": self.unit.data,
            "pack_size": self.pack_size.data,
            "measure": self.measure.data,
            "estimated_amount": self.estimated_amount.data,
            "quantity_per_date": self.quantity_per_date.data,
            "deadline_days_before": self.deadline_days_before.data,
            "deadline_time": self.deadline_time.data,
            "is_active": self.is_active.data,
        }


class ClosureForm(Form):
    day = DateField(_l("Closed on"), validators=[Optional()])


class ActiveForm(Form):
    active = IntegerField(validators=[Optional(), NumberRange(0, 1)])


class SettingsForm(Form):
    pay_at_pickup = BooleanField(_l("Buyers may pay at pick-up (cash or card, as the outlet takes them)"))
    representative = StringField(
        _l("Represented by"),
        validators=[Length(max=200)],
        description=_l("The person or persons who represent the business, e.g. the owner or the partners."),
    )
    register_entry = StringField(
        _l("Register entry (if any)"),
        validators=[Length(max=200)],
        description=_l("Register court and number as in the register, e.g. “Amtsgericht …, HRA 1234”."),
    )
    vat_id = StringField(
        _l("VAT ID (if any)"), validators=[Length(max=20)], description=_l("e.g. DE123456789")
    )

    def legal_data(self) -> dict:
        return {
            "representative": self.representative.data or "",
            "register_entry": self.register_entry.data or "",
            "vat_id": self.vat_id.data or "",
        }
