"""Offer rules: only the acting member's own active products and outlets with opening hours, every value
in its range with nothing saved on a refusal, one offer per product and outlet decided by the database,
pausing, closed dates (not in the past) and the shop settings."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from vonhier import clock
from vonhier.accounts.models import User
from vonhier.catalogue.models import Product, ProductStatus
from vonhier.database import Conflict
from vonhier.extensions import db
from vonhier.orders import services
from vonhier.orders.models import Offer, PickupClosure, ShopSettings
from vonhier.outlets.models import Outlet


def data(producer, **changes):
    values = {
        "product_id": producer.quark,
        "outlet_id": producer.shop,
        "price_cents": 249,
        "vat_percent": 7,
        "unit": "piece",
        "pack_size": None,
        "measure": None,
        "estimated_amount": None,
        "quantity_per_date": 20,
        "deadline_days_before": 2,
        "deadline_time": time(18, 0),
        "is_active": True,
    }
    return {**values, **changes}


def offers(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Offer))


def save(app, producer, offer_id=None, user=None, **changes):
    with app.test_request_context():
        acting = db.session.get(User, (user or producer.user).id)
        offer = db.session.get(Offer, offer_id) if offer_id else None
        saved = services.save_offer(acting, producer.organisation_id, offer, data(producer, **changes))
        db.session.commit()
        return saved.id


def test_an_offer_is_saved_and_its_outlet_then_sells_the_product(app, producer):
    offer_id = save(app, producer, unit="pack", pack_size=6, measure="kg", estimated_amount=500)
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert (offer.unit, offer.pack_size, offer.measure, offer.estimated_amount) == ("pack", 6, None, None)
        assert (offer.price_cents, offer.deadline_time, offer.is_active) == (249, time(18, 0), True)
        assert producer.quark in [p.id for p in db.session.get(Outlet, producer.shop).products]


def test_a_price_by_weight_keeps_its_measure_and_estimate(app, producer):
    offer_id = save(app, producer, unit="weight", measure="kg", estimated_amount=300, pack_size=4)
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert (offer.unit, offer.measure, offer.estimated_amount, offer.pack_size) == (
            "weight",
            "kg",
            300,
            None,
        )


def test_another_organisations_product_or_outlet_is_refused(app, producer, other):
    for changes, field in (
        ({"product_id": other.quark}, "product_id"),
        ({"outlet_id": other.shop}, "outlet_id"),
    ):
        with pytest.raises(services.OfferError) as refused:
            save(app, producer, **changes)
        assert refused.value.field == field
    with pytest.raises(Forbidden):  # acting for an organisation one does not work for
        save(app, other, user=producer.user)
    assert offers(app) == 0


def test_a_member_cannot_change_another_organisations_offer(app, producer, other):
    theirs = save(app, other)
    with pytest.raises(Forbidden):
        save(app, other, offer_id=theirs, user=producer.user, price_cents=1)
    with app.test_request_context(), pytest.raises(Forbidden):
        services.get_offer_for_member(db.session.get(User, producer.user.id), theirs)
    with app.app_context():
        assert db.session.get(Offer, theirs).price_cents == 249


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_cents": 0}, "price"),
        ({"price_cents": None}, "price"),
        ({"price_cents": 1_000_001}, "price"),
        ({"price_cents": True}, "price"),
        ({"vat_percent": 16}, "vat_percent"),
        ({"vat_percent": None}, "vat_percent"),
        ({"unit": "box"}, "unit"),
        ({"unit": "pack", "pack_size": 1}, "pack_size"),
        ({"unit": "pack", "pack_size": None}, "pack_size"),
        ({"unit": "pack", "pack_size": 101}, "pack_size"),
        ({"unit": "weight", "measure": "kg", "estimated_amount": 5}, "estimated_amount"),
        ({"unit": "weight", "measure": "kg", "estimated_amount": 50_001}, "estimated_amount"),
        ({"unit": "weight", "measure": "t", "estimated_amount": 500}, "measure"),
        ({"quantity_per_date": 0}, "quantity_per_date"),
        ({"quantity_per_date": -3}, "quantity_per_date"),
        ({"quantity_per_date": 10_001}, "quantity_per_date"),
        ({"deadline_days_before": 15}, "deadline_days_before"),
        ({"deadline_days_before": -1}, "deadline_days_before"),
        ({"deadline_days_before": None}, "deadline_days_before"),
        ({"deadline_time": None}, "deadline_time"),
        ({"deadline_time": "18:00"}, "deadline_time"),
        ({"product_id": None}, "product_id"),
        ({"product_id": 2**40}, "product_id"),
        ({"outlet_id": "1"}, "outlet_id"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_nothing_saved(app, producer, changes, field):
    with pytest.raises(services.OfferError) as refused:
        save(app, producer, **changes)
    assert refused.value.field == field and refused.value.messages[0]
    assert offers(app) == 0


def test_outlets_without_pick_up_and_archived_products_are_refused(app, producer):
    with pytest.raises(services.OfferError) as refused:
        save(app, producer, outlet_id=producer.delivery)
    assert "Öffnungszeiten" in refused.value.messages[0]
    with app.app_context():
        db.session.get(Product, producer.cheese).status = ProductStatus.ARCHIVED
        db.session.get(Outlet, producer.shop).archived_at = clock.utcnow()
        db.session.commit()
    with pytest.raises(services.OfferError):
        save(app, producer, product_id=producer.cheese)
    with pytest.raises(services.OfferError):
        save(app, producer)
    assert offers(app) == 0


def test_one_offer_per_product_and_outlet(app, producer):
    first = save(app, producer)
    with pytest.raises(services.OfferError) as refused:
        save(app, producer, price_cents=300)
    assert refused.value.field == "product_id"
    assert save(app, producer, offer_id=first, price_cents=300) == first  # changing it is fine
    assert offers(app) == 1


def test_the_database_decides_two_offers_sent_at_once(app, producer, monkeypatch):
    """Both requests passed the friendly check (as two at once can): the unique constraint stops the
    second, a Conflict (409, or a redirect to the list) with nothing of it saved."""
    save(app, producer)
    monkeypatch.setattr(services, "_offer_of", lambda product_id, outlet_id: None)
    with app.test_request_context():
        with pytest.raises(Conflict) as lost:
            services.save_offer(
                db.session.get(User, producer.user.id), producer.organisation_id, None, data(producer)
            )
        db.session.rollback()
        assert "schon angeboten" in str(lost.value)
        assert lost.value.existing() == "/orders/offers"
    assert offers(app) == 1


def test_pause_and_resume(app, producer, other):
    offer_id = save(app, producer)
    with app.test_request_context():
        offer = db.session.get(Offer, offer_id)
        services.set_active(db.session.get(User, producer.user.id), offer, False)
        assert offer.is_active is False
        with pytest.raises(Forbidden):
            services.set_active(db.session.get(User, other.user.id), offer, True)


def _berlin_today():
    return clock.local_now().date()


def test_closing_a_date_today_or_later_and_opening_it_again(app, producer, other):
    with app.test_request_context():
        user = db.session.get(User, producer.user.id)
        shop = db.session.get(Outlet, producer.shop)
        for day in (
            date(2000, 1, 1),
            _berlin_today() - timedelta(days=1),
            _berlin_today() + timedelta(days=400),
        ):
            with pytest.raises(services.OfferError):
                services.close_date(user, shop, day)
        closure = services.close_date(user, shop, _berlin_today())
        with pytest.raises(services.OfferError):
            services.close_date(user, shop, _berlin_today())  # once
        with pytest.raises(Forbidden):
            services.close_date(
                db.session.get(User, other.user.id), shop, _berlin_today() + timedelta(days=1)
            )
        with pytest.raises(Forbidden):
            services.reopen_date(db.session.get(User, other.user.id), closure)
        assert [c.day for c in services.closures_of(shop)] == [_berlin_today()]
        services.reopen_date(user, closure)
        assert services.closures_of(shop) == []
        past = PickupClosure(outlet_id=shop.id, day=_berlin_today() - timedelta(days=3))
        db.session.add(past)
        db.session.flush()
        with pytest.raises(services.OfferError):
            services.reopen_date(user, past)


def test_shop_settings_default_to_pay_at_pick_up(app, producer):
    with app.test_request_context():
        user = db.session.get(User, producer.user.id)
        assert services.settings_of(producer.organisation_id).pay_at_pickup is True
        services.save_settings(user, producer.organisation_id, False)
        services.save_settings(user, producer.organisation_id, False)
        db.session.commit()
        assert services.settings_of(producer.organisation_id).pay_at_pickup is False
        assert db.session.scalar(select(func.count()).select_from(ShopSettings)) == 1
