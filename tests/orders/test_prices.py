"""Prices as the law asks them shown: the unit price per kg or litre (Preisangabenverordnung) from the
package size and unit, packs and prices by weight; the VAT a gross amount contains; half-up rounding."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from vonhier.orders import prices
from vonhier.orders.models import Measure, SalesUnit
from vonhier.orders.prices import UnitPrice, unit_price


@pytest.mark.parametrize(
    ("price", "size", "package_unit", "expected"),
    [
        (249, "500", "g", UnitPrice(498, Measure.KILOGRAM)),  # Speisequark: 2,49 € for 500 g
        (399, "250", "g", UnitPrice(1596, Measure.KILOGRAM)),
        (450, "2.5", "kg", UnitPrice(180, Measure.KILOGRAM)),  # potatoes, 2,5 kg
        (129, "720", "ml", UnitPrice(179, Measure.LITRE)),  # 1,7917 → 1,79
        (180, "1", "l", UnitPrice(180, Measure.LITRE)),
        (100, "300", "g", UnitPrice(333, Measure.KILOGRAM)),  # 3,333… → 3,33
        (200, "300", "g", UnitPrice(667, Measure.KILOGRAM)),  # 6,666… → 6,67
        (1, "0.001", "kg", UnitPrice(1000, Measure.KILOGRAM)),
    ],
)
def test_unit_price_per_kg_or_litre_of_a_piece(price, size, package_unit, expected):
    assert (
        unit_price(price, SalesUnit.PIECE, package_size=Decimal(size), package_unit=package_unit) == expected
    )


def test_a_pack_multiplies_the_package_by_its_pieces():
    """Six bottles of 500 ml for 12,90 €: 3 litres, 4,30 € a litre."""
    found = unit_price(1290, SalesUnit.PACK, pack_size=6, package_size=Decimal(500), package_unit="ml")
    assert found == UnitPrice(430, Measure.LITRE)


def test_by_weight_the_price_is_the_unit_price():
    assert unit_price(2990, SalesUnit.WEIGHT, measure=Measure.KILOGRAM) == UnitPrice(2990, Measure.KILOGRAM)
    assert unit_price(450, SalesUnit.WEIGHT, measure="l") == UnitPrice(450, Measure.LITRE)


@pytest.mark.parametrize(
    ("size", "package_unit"), [(None, None), (Decimal(1), "piece"), (Decimal(6), "piece"), (Decimal(0), "g")]
)
def test_no_unit_price_without_a_weight_or_volume(size, package_unit):
    assert unit_price(250, SalesUnit.PIECE, package_size=size, package_unit=package_unit) is None
    assert unit_price(250, SalesUnit.PACK, pack_size=4, package_size=size, package_unit=package_unit) is None


def test_rounding_half_up_never_by_floats():
    # 0,5 cents up: 105 / 0.2 kg … and an amount a float gets wrong (2.675 → 2.67 as a float).
    assert prices.round_cents(Decimal("2.5")) == 3
    assert prices.round_cents(Decimal("267.5")) == 268
    assert unit_price(107, SalesUnit.PIECE, package_size=Decimal(400), package_unit="g").cents == 268


@pytest.mark.parametrize(
    ("gross", "rate", "vat"),
    [(249, 7, 16), (107, 7, 7), (119, 19, 19), (1290, 19, 206), (1, 7, 0), (8, 7, 1), (100_000, 19, 15966)],
)
def test_vat_contained_in_a_gross_amount(gross, rate, vat):
    assert prices.vat_contained(gross, rate) == vat
    assert prices.net_cents(gross, rate) == gross - vat


def test_estimated_price_of_a_unit_by_weight():
    assert prices.estimated_cents(2990, SalesUnit.WEIGHT, 300) == 897
    assert prices.estimated_cents(1690, SalesUnit.WEIGHT, 4500) == 7605
    assert prices.estimated_cents(333, SalesUnit.WEIGHT, 250) == 83  # 83,25
    assert prices.estimated_cents(249, SalesUnit.PIECE) == 249


def _offer(**values):
    product = SimpleNamespace(
        package_size=values.pop("package_size", None), package_unit=values.pop("package_unit", None)
    )
    defaults = {"pack_size": None, "measure": None, "estimated_amount": None, "quantity_per_date": None}
    return SimpleNamespace(product=product, **{**defaults, **values})


@pytest.mark.parametrize(
    ("offer", "german", "english"),
    [
        (
            _offer(price_cents=249, unit=SalesUnit.PIECE, package_size=Decimal(500), package_unit="g"),
            ("2,49\xa0€ / Stück", "4,98\xa0€ / kg"),
            ("€2.49 / piece", "€4.98 / kg"),
        ),
        (
            _offer(
                price_cents=1290,
                unit=SalesUnit.PACK,
                pack_size=6,
                package_size=Decimal(500),
                package_unit="ml",
            ),
            ("12,90\xa0€ / Packung (6 Stück)", "4,30\xa0€ / l"),
            ("€12.90 / pack of 6", "€4.30 / l"),
        ),
        (
            _offer(price_cents=2990, unit=SalesUnit.WEIGHT, measure=Measure.KILOGRAM, estimated_amount=300),
            ("29,90\xa0€ / kg", "29,90\xa0€ / kg"),
            ("€29.90 / kg", "€29.90 / kg"),
        ),
    ],
)
def test_prices_as_the_pages_show_them(pure_app, offer, german, english):
    for locale, expected in (("de", german), ("en", english)):
        with pure_app.test_request_context(), force_locale(locale):
            assert (prices.price_text(offer), prices.unit_price_text(offer)) == expected


def test_estimate_and_quantity_in_words(pure_app):
    offer = _offer(price_cents=2990, unit=SalesUnit.WEIGHT, measure=Measure.KILOGRAM, estimated_amount=300)
    with pure_app.test_request_context(), force_locale("de"):
        assert prices.estimate_text(offer) == "ca. 300 g je Stück, etwa 8,97\xa0€"
        assert prices.quantity_text(offer) == "unbegrenzt"
        assert prices.quantity_text(_offer(quantity_per_date=20)) == "20 je Abholtag"
    with pure_app.test_request_context(), force_locale("en"):
        assert prices.estimate_text(offer) == "approx. 300 g a unit, about €8.97"
        assert prices.unit_price_text(_offer(price_cents=300, unit=SalesUnit.PIECE)) is None
