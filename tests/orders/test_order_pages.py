"""The buyer's order page behind the signed link: a good link shows the order (never indexed, its
address sent to no other site), a forged, expired or unknown one is the same 404; the calendar entry
again; the cancel until the deadline (stock released, mails to buyer and producer) and refused after
it; a double click cancels once, and a paid order is refunded once on the producer's Stripe account."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.payments.conftest import fake_stripe, stripe_config  # noqa: F401 — fake_stripe: a fixture
from tests.payments.test_connect_payments import onboarded
from vonhier import clock
from vonhier.accounts.services import make_token
from vonhier.extensions import db
from vonhier.orders import ledger, notify
from vonhier.orders.models import OfferStock, Order, OrderEvent, OrderStatus, PaymentMethod
from vonhier.outbox.models import OutboxMail
from vonhier.payments import connect

from .placed import BEFORE, CANCEL_UNTIL, place

NOW = {"moment": BEFORE}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    NOW["moment"] = BEFORE
    monkeypatch.setattr(clock, "utcnow", lambda: NOW["moment"])


def placed(app, producer, **values) -> tuple[str, str]:
    """(reference, token) of a placed order, committed."""
    with app.test_request_context():
        order = place(producer, **values)
        db.session.commit()
        return order.reference, ledger.order_token(order)


def the_order(app, reference) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.reference == reference))
        db.session.expunge(order)
        return order


def sold(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.sum(OfferStock.sold)))


def mails(app) -> list[tuple[str, str]]:
    with app.app_context():
        return db.session.execute(
            select(OutboxMail.recipient, OutboxMail.template).order_by(OutboxMail.id)
        ).all()


def test_a_good_link_shows_the_order_privately(app, producer):
    reference, token = placed(app, producer)
    client = app.test_client()
    page = client.get(f"/orders/order/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page.headers["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    for expected in (
        f"Bestellung {reference}",
        "Bestellt: zur Abholung bereit",
        "Samstag, 12. Dezember 2026, 08:00–13:00 Uhr",
        "Hofladen Templin, Dorfstraße 1, 17268 Templin",
        "Bezahlung bei Abholung",
        "Speisequark",
        "14,96",
        "Bestellung stornieren",
        "Donnerstag, 10. Dezember 2026, 18:00 Uhr",
        f"/orders/order/{token}/calendar.ics",
    ):
        assert expected in html, expected
    english = client.get(f"/orders/order/{token}?lang=en").get_data(as_text=True)
    assert "Cancel the order" in english and "€14.96" in english and "7 %" in english
    entry = client.get(f"/orders/order/{token}/calendar.ics")
    assert entry.status_code == 200 and entry.mimetype == "text/calendar"
    assert entry.headers["Content-Disposition"] == f'attachment; filename="{reference}.ics"'
    assert f"UID:order-{reference}@localhost" in entry.get_data(as_text=True)


def test_a_forged_expired_or_unknown_link_is_the_same_404(app, producer, monkeypatch):
    _reference, token = placed(app, producer)
    client = app.test_client()
    with app.app_context():
        unknown = make_token("order", {"order": "ZZZZZZZZ"})
        wrong_purpose = make_token("reset", {"order": "ZZZZZZZZ"})
    payload, stamp, signature = token.split(".")
    forged = f"{payload}.{stamp}.{signature[:-2]}xx"
    answers = set()
    for bad in (forged, unknown, wrong_purpose, "abc", "a.b.c", "%00", "x" * 5000):
        for path in (f"/orders/order/{bad}", f"/orders/order/{bad}/calendar.ics"):
            response = client.get(path)
            assert response.status_code in (400, 404), path
            if response.status_code == 404:  # the same page but for the language link back to it
                answers.add(response.get_data(as_text=True).replace(path, "…"))
        assert client.post(f"/orders/order/{bad}/cancel").status_code in (400, 404)
    assert len(answers) == 1
    monkeypatch.setattr(ledger, "ORDER_LINK_DAYS", -1)  # every link is past its age now
    expired = client.get(f"/orders/order/{token}")
    assert expired.status_code == 404
    assert expired.get_data(as_text=True).replace(f"/orders/order/{token}", "…") in answers


def test_the_buyer_cancels_until_the_deadline_and_a_second_click_changes_nothing(app, producer):
    reference, token = placed(app, producer)
    assert sold(app) == 3
    client = app.test_client()
    first = client.post(f"/orders/order/{token}/cancel")
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/orders/order/{token}")
    second = client.post(f"/orders/order/{token}/cancel")
    assert second.status_code == 303
    order = the_order(app, reference)
    assert (order.status, order.cancelled_by, order.cancelled_at, order.refunded_cents) == (
        OrderStatus.CANCELLED,
        "buyer",
        BEFORE,
        0,
    )
    assert sold(app) == 0
    assert mails(app) == [("ada@example.org", "order_cancelled"), (producer.user.email, "order_withdrawn")]
    page = client.get(f"/orders/order/{token}").get_data(as_text=True)
    assert "Sie haben die Bestellung am" in page and "Bestellung stornieren" not in page
    assert "calendar.ics" not in page


def test_after_the_deadline_the_cancel_is_refused_on_the_page(app, producer):
    reference, token = placed(app, producer)
    NOW["moment"] = CANCEL_UNTIL + timedelta(seconds=1)
    client = app.test_client()
    assert "Bestellung stornieren" not in client.get(f"/orders/order/{token}").get_data(as_text=True)
    refused = client.post(f"/orders/order/{token}/cancel")
    assert refused.status_code == 400
    assert "Die Frist ist abgelaufen" in refused.get_data(as_text=True)
    assert refused.headers["Referrer-Policy"] == "same-origin"
    assert the_order(app, reference).status == OrderStatus.PLACED and sold(app) == 3 and mails(app) == []
    NOW["moment"] = CANCEL_UNTIL  # the deadline itself is still in time
    assert client.post(f"/orders/order/{token}/cancel").status_code == 303


def paid_order(stripe_app, fake, producer) -> tuple[str, str, str]:
    """(reference, token, payment intent) of an order paid through Checkout on the producer's account."""
    onboarded(stripe_app, fake, producer.user)
    with stripe_app.test_request_context():
        session = connect.create_checkout(
            connect.ready_account(producer.organisation_id),
            [connect.LineItem("Speisequark", 249, 2), connect.LineItem("Ziegenkäse", 998, 1)],
            reference="order",
            success_url="http://localhost/ok",
            cancel_url="http://localhost/no",
        )
    intent = fake.complete(session.id)["payment_intent"]
    reference, token = placed(
        stripe_app, producer, payment=PaymentMethod.ONLINE, payment_intent_id=intent, paid_at=BEFORE
    )
    return reference, token, intent


def refunds(fake) -> list:
    return [r for r in fake.requests if r.path == "/v1/refunds"]


def test_a_paid_order_is_refunded_once_on_the_producers_account(make_app, fake_stripe, producer):  # noqa: F811
    fake_stripe.reset()
    stripe_app = make_app(**stripe_config(fake_stripe))
    reference, token, intent = paid_order(stripe_app, fake_stripe, producer)
    client = stripe_app.test_client()
    assert "Der bezahlte Betrag wird vollständig erstattet." in client.get(f"/orders/order/{token}").get_data(
        as_text=True
    )
    assert client.post(f"/orders/order/{token}/cancel").status_code == 303
    assert client.post(f"/orders/order/{token}/cancel").status_code == 303  # the double click
    order = the_order(stripe_app, reference)
    assert (order.status, order.refunded_cents) == (OrderStatus.CANCELLED, 1496)
    (sent,) = refunds(fake_stripe)
    assert sent.headers["idempotency-key"] == f"order-{order.id}-cancel"
    assert sent.headers["stripe-account"] == connect_account(stripe_app, producer)
    assert fake_stripe.refund_charge(intent)["amount_refunded"] == 1496
    with stripe_app.app_context():
        kinds = db.session.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order.id)).all()
    assert kinds == ["cancelled", "refunded"]
    page = client.get(f"/orders/order/{token}").get_data(as_text=True)
    assert "14,96\xa0€ erstattet" in page


def connect_account(app, producer) -> str:
    with app.app_context():
        return connect.account_for(producer.organisation_id).stripe_account_id


def test_a_refund_whose_answer_was_lost_is_not_made_twice(make_app, fake_stripe, producer, monkeypatch):  # noqa: F811
    fake_stripe.reset()
    stripe_app = make_app(**stripe_config(fake_stripe))
    reference, token, intent = paid_order(stripe_app, fake_stripe, producer)
    client = stripe_app.test_client()
    # Stripe refunded, then the request failed before its commit (here: the mail could not be queued).
    monkeypatch.setattr(notify, "cancelled", lambda order: (_ for _ in ()).throw(RuntimeError("lost")))
    with pytest.raises(RuntimeError):
        client.post(f"/orders/order/{token}/cancel")
    assert the_order(stripe_app, reference).status == OrderStatus.PLACED
    monkeypatch.undo()
    NOW["moment"] = BEFORE
    monkeypatch.setattr(clock, "utcnow", lambda: NOW["moment"])
    assert client.post(f"/orders/order/{token}/cancel").status_code == 303
    assert len(refunds(fake_stripe)) == 2  # asked twice, with the same key: Stripe answered the first refund
    assert len({r.headers["idempotency-key"] for r in refunds(fake_stripe)}) == 1
    assert fake_stripe.refund_charge(intent)["amount_refunded"] == 1496
    assert the_order(stripe_app, reference).refunded_cents == 1496


def test_when_stripe_cannot_refund_the_order_stays_placed(make_app, fake_stripe, producer):  # noqa: F811
    fake_stripe.reset()
    stripe_app = make_app(**stripe_config(fake_stripe))
    reference, token, _intent = paid_order(stripe_app, fake_stripe, producer)
    fake_stripe.fail_next(status=500)
    refused = stripe_app.test_client().post(f"/orders/order/{token}/cancel")
    assert refused.status_code == 400
    assert "nicht erreichbar" in refused.get_data(as_text=True)
    assert the_order(stripe_app, reference).status == OrderStatus.PLACED
    assert mails(stripe_app) == []
