"""Prices of offers as the law asks them shown: gross per sales unit, the VAT it contains, and the unit
price per kilogram or litre (Preisangabenverordnung § 4). Integer cents and Decimal, never floats;
rounding is half-up to the cent, as a till does. The formatting at the end is what the pages show."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_currency, ngettext
from flask_babel import lazy_gettext as _l

from .models import Measure, SalesUnit

# A package's size in the unit price's base (kg or l) per one of its own units.
_BASE = {
    "g": (Decimal("0.001"), Measure.KILOGRAM),
    "kg": (Decimal(1), Measure.KILOGRAM),
    "ml": (Decimal("0.001"), Measure.LITRE),
    "l": (Decimal(1), Measure.LITRE),
}


def round_cents(amount: Decimal) -> int:
    """An amount of cents (Decimal) to whole cents, half-up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class UnitPrice:
    """The price of one kilogram or litre."""

    cents: int
    measure: Measure


def vat_contained(gross_cents: int, vat_percent: int) -> int:
    """The VAT in a gross amount: gross × rate / (100 + rate), half-up (7 % of 2,49 € is 0,16 €)."""
    return round_cents(Decimal(gross_cents) * vat_percent / (100 + vat_percent))


def net_cents(gross_cents: int, vat_percent: int) -> int:
    return gross_cents - vat_contained(gross_cents, vat_percent)


def unit_price(
    price_cents: int,
    unit: SalesUnit,
    *,
    pack_size: int | None = None,
    measure: Measure | None = None,
    package_size: Decimal | None = None,
    package_unit: str | None = None,
) -> UnitPrice | None:
    """The price per kg or litre of an offer, or None where it cannot be computed (a product sold by the
    piece that names no weight or volume). By weight the price is already per kg or litre; by the piece
    it is the price over the package's size, by the pack over the size times the pack's pieces."""
    if unit == SalesUnit.WEIGHT:
        return UnitPrice(price_cents, Measure(measure)) if measure else None
    if package_size is None or package_size <= 0 or str(package_unit or "") not in _BASE:
        return None
    factor, base = _BASE[str(package_unit)]
    amount = Decimal(package_size) * factor * (pack_size if unit == SalesUnit.PACK else 1)
    return UnitPrice(round_cents(Decimal(price_cents) / amount), base)


def estimated_cents(price_cents: int, unit: SalesUnit, estimated_amount: int | None = None) -> int:
    """What one unit the buyer orders costs: the price itself, or by weight the price per kg (or litre)
    times the estimated grams (millilitres), half-up. The final amount is weighed at pick-up."""
    if unit != SalesUnit.WEIGHT:
        return price_cents
    return round_cents(Decimal(price_cents) * (estimated_amount or 0) / 1000)


def offer_unit_price(offer) -> UnitPrice | None:
    """`unit_price` of an offer row with its product."""
    product = offer.product
    return unit_price(
        offer.price_cents,
        offer.unit,
        pack_size=offer.pack_size,
        measure=offer.measure,
        package_size=product.package_size,
        package_unit=product.package_unit,
    )


# --- what the pages show -------------------------------------------------------------------------------

# The symbols of the SI, the same in every language.
MEASURE_NAMES = {Measure.KILOGRAM: "kg", Measure.LITRE: "l"}
SMALL_MEASURE = {Measure.KILOGRAM: "g", Measure.LITRE: "ml"}


def money(cents: int) -> str:
    """ "2,49 €" in German, "€2.49" in English."""
    return format_currency(Decimal(cents) / 100, "EUR")


def price_text(offer) -> str:
    """The price with its sales unit: "2,49 € / Stück", "3,20 € / Packung à 6", "9,96 € / kg"."""
    amount = money(offer.price_cents)
    if offer.unit == SalesUnit.WEIGHT:
        return f"{amount} / {MEASURE_NAMES[Measure(offer.measure)]}"
    if offer.unit == SalesUnit.PACK:
        return str(_l("%(amount)s / pack of %(size)d", amount=amount, size=offer.pack_size))
    return str(_l("%(amount)s / piece", amount=amount))


def unit_price_text(offer) -> str | None:
    """ "9,96 € / kg", or None where the product names no weight or volume."""
    found = offer_unit_price(offer)
    if found is None:
        return None
    return f"{money(found.cents)} / {MEASURE_NAMES[found.measure]}"


def estimate_text(offer) -> str | None:
    """For a price by weight: "ca. 500 g, about 4,98 €" (None for the other units)."""
    if offer.unit != SalesUnit.WEIGHT:
        return None
    return str(
        _l(
            "approx. %(amount)d %(measure)s a unit, about %(price)s",
            amount=offer.estimated_amount,
            measure=SMALL_MEASURE[Measure(offer.measure)],
            price=money(estimated_cents(offer.price_cents, offer.unit, offer.estimated_amount)),
        )
    )


def quantity_text(offer) -> str:
    if offer.quantity_per_date is None:
        return str(_l("unlimited"))
    return ngettext("%(num)d per pick-up date", "%(num)d per pick-up date", offer.quantity_per_date)
