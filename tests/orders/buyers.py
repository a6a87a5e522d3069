"""What the buying tests share: a fixed clock, a shop ready for orders (an offer with 10 units, the
seller's legal details complete) and the order form as a buyer fills it in."""

import re
from datetime import date, datetime

from sqlalchemy import func, select

from vonhier import clock
from vonhier.extensions import db
from vonhier.orders import services
from vonhier.orders.models import OfferStock, Order
from vonhier.organisations.models import Organisation
from vonhier.permissions import SYSTEM

from .test_services import data

# Monday 15 June 2026, 12:00 in Berlin. With orders closing 2 days before at 18:00, Wednesday 17 June is
# the first pick-up date; Saturday 20 June is open 08:00–13:00.
MONDAY = datetime(2026, 6, 15, 10, 0)
SATURDAY = date(2026, 6, 20)
LEGAL = {"representative": "Anna Brandt, Jonas Brandt", "register_entry": "", "vat_id": "DE123456789"}


def ticking_from(moment: datetime):
    started = datetime.now()
    return lambda: moment + (datetime.now() - started)


def set_clock(monkeypatch, moment: datetime = MONDAY) -> None:
    monkeypatch.setattr(clock, "utcnow", ticking_from(moment))


def open_shop(app, producer, quantity=10, legal=LEGAL, pay_at_pickup=True, **changes) -> int:
    """The quark offered at the farm shop (`quantity` a date) and the shop's settings; the offer's id."""
    with app.test_request_context():
        offer = services.save_offer(
            SYSTEM, producer.organisation_id, None, data(producer, quantity_per_date=quantity, **changes)
        )
        db.session.commit()
        offer_id = offer.id
    takes_orders(app, producer.organisation_id, legal, pay_at_pickup)
    return offer_id


def takes_orders(app, organisation_id, legal=LEGAL, pay_at_pickup=True) -> None:
    """The seller's legal details complete and a way to pay: its offers are on sale."""
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        organisation.email = organisation.email or "hof@example.org"  # the Impressum's contact
        services.save_settings(SYSTEM, organisation_id, pay_at_pickup, legal)
        db.session.commit()


def submission_key(page: str) -> str:
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page)[1]


def reviewed(page: str) -> str:
    return re.search(r'name="reviewed" value="([^"]*)"', page)[1]


def order_form(client, outlet_id, offer_id, day=SATURDAY, quantity="2", **changes) -> dict:
    """The form as the shop page gives it for `day`, filled in by a buyer and reviewed: ready for the
    order button (`step` place, with what the review showed; a form the review refuses gets none)."""
    page = client.get(f"/orders/shop/{outlet_id}?day={day.isoformat()}").get_data(as_text=True)
    values = {
        "day": day.isoformat(),
        "submission_key": submission_key(page),
        "interval": "08:00-13:00",
        f"quantity-{offer_id}": quantity,
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "phone": "",
        "note": "Bitte mit Tüte",
        "payment": "at_pickup",
    }
    values = {**values, **changes}
    review = client.post(f"/orders/shop/{outlet_id}", data={**values, "step": "review"})
    shown = reviewed(review.get_data(as_text=True)) if review.status_code == 200 else ""
    return {**values, "step": "place", "reviewed": shown}


def same_order(one: str, other: str) -> bool:
    """Two order links name the same order (a link is signed anew, with the time, each time it is made)."""
    return one.rsplit("/", 1)[1].split(".")[0] == other.rsplit("/", 1)[1].split(".")[0]


def orders(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order))


def sold(app, offer_id, day=SATURDAY) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(OfferStock.sold).where(OfferStock.offer_id == offer_id, OfferStock.day == day)
        )
        return found or 0
