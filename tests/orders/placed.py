"""A placed order with two lines for the buyer's mails and order page: 2 × Speisequark at 2,49 € (7 %)
and 1 × cheese by weight, 19,96 €/kg for about 500 g = 9,98 € (19 %); total 14,96 €."""

from datetime import date, datetime, time

from vonhier.extensions import db
from vonhier.orders import ledger, services
from vonhier.orders.models import Order, OrderLine, OrderStatus, PaymentMethod
from vonhier.organisations.models import Organisation
from vonhier.outlets.models import Outlet
from vonhier.permissions import SYSTEM

from .test_services import data

DAY = date(2026, 12, 12)  # a Saturday: the farm shop is open 08:00-13:00
CANCEL_UNTIL = datetime(2026, 12, 10, 17, 0)  # UTC: Thursday 18:00 in Berlin
BEFORE = datetime(2026, 12, 9, 9, 0)  # when the tests place and cancel in time


def offers(producer) -> tuple[int, int]:
    """The quark by the piece at 7 % and the cheese by weight at 19 %, saved as the producer would."""
    quark = services.save_offer(SYSTEM, producer.organisation_id, None, data(producer))
    cheese = services.save_offer(
        SYSTEM,
        producer.organisation_id,
        None,
        data(
            producer,
            product_id=producer.cheese,
            price_cents=1996,
            vat_percent=19,
            unit="weight",
            measure="kg",
            estimated_amount=500,
        ),
    )
    organisation = db.session.get(Organisation, producer.organisation_id)
    organisation.phone, organisation.email = "03987 12345", "hof@example.org"
    outlet = db.session.get(Outlet, producer.shop)
    outlet.street = "Dorfstraße 1"
    db.session.flush()
    return quark.id, cheese.id


def place(
    producer, *, day=DAY, locale="de", payment=PaymentMethod.AT_PICKUP, status=OrderStatus.PLACED, **values
):
    """An order of the two offers (saved on the first call), flushed; its stock reserved."""
    from vonhier.orders.models import Offer

    found = (
        db.session.query(Offer).filter_by(organisation_id=producer.organisation_id).order_by(Offer.id).all()
    )
    quark_id, cheese_id = (found[0].id, found[1].id) if found else offers(producer)
    quark, cheese = db.session.get(Offer, quark_id), db.session.get(Offer, cheese_id)
    order = Order(
        reference=ledger.new_reference(),
        submission_key=ledger.new_reference() * 2,
        organisation_id=producer.organisation_id,
        outlet_id=producer.shop,
        pickup_date=day,
        pickup_start=time(8),
        pickup_end=time(13),
        cancel_until=values.pop("cancel_until", CANCEL_UNTIL),
        buyer_name="Ada Lovelace",
        buyer_email="ada@example.org",
        locale=locale,
        payment_method=payment,
        total_cents=2 * 249 + 998,
        status=status,
        **values,
    )
    order.lines += [
        OrderLine(
            offer_id=quark.id,
            product_id=quark.product_id,
            product_name="Speisequark",
            unit_text="Becher 500 g",
            quantity=2,
            unit_price_cents=249,
            vat_percent=7,
            line_total_cents=498,
        ),
        OrderLine(
            offer_id=cheese.id,
            product_id=cheese.product_id,
            product_name="Ziegenkäse",
            unit_text="ca. 500 g",
            quantity=1,
            unit_price_cents=998,
            vat_percent=19,
            line_total_cents=998,
        ),
    ]
    assert ledger.reserve(quark, day, 2) and ledger.reserve(cheese, day, 1)
    db.session.add(order)
    db.session.flush()
    return order
