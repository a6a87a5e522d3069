"""Paying the licence through Stripe Checkout, with the real `stripe` client against a local stand-in,
and webhooks signed exactly as Stripe signs them."""

import json
import time

import pytest
from sqlalchemy import func, select

from vonhier.extensions import db
from vonhier.payments import services
from vonhier.payments.models import CheckoutSession, Payment, WebhookEvent

from .conftest import WEBHOOK_SECRET, signed_in
from .stripe_fake import event, sign_webhook


def start(stripe_app, owner):
    client = signed_in(stripe_app, owner)
    assert client.post("/licence/accept", data={"accept": "y"}).status_code == 302
    response = client.post("/licence/checkout")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    with stripe_app.app_context():
        session_id = db.session.scalar(select(CheckoutSession.stripe_session_id))
    assert response.headers["Location"].endswith(session_id)
    return client, session_id


def deliver(stripe_app, evt, secret=WEBHOOK_SECRET, timestamp=None, signature=None):
    payload = json.dumps(evt)
    header = sign_webhook(payload, secret, timestamp) if signature is None else signature
    return stripe_app.test_client().post(
        "/payments/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def counts(stripe_app, organisation_id):
    with stripe_app.app_context():
        return (
            services.state(services.licence_for(organisation_id)),
            db.session.scalar(select(func.count()).select_from(Payment)),
            db.session.scalar(select(func.count()).select_from(WebhookEvent)),
        )


def test_card_payment_happy_path(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    created = fake_stripe.requests[-1]
    assert created.headers.get("idempotency-key")
    assert created.params["payment_method_types"] == ["card", "sepa_debit"]
    assert created.params["line_items"][0]["price_data"]["unit_amount"] == "14280"
    session = fake_stripe.complete(session_id, "paid")
    assert deliver(stripe_app, event("checkout.session.completed", session)).status_code == 200
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 1)


def test_duplicate_delivery_activates_once(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session_id, "paid"))
    for _ in range(3):
        assert deliver(stripe_app, evt).status_code == 200
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 1)


def test_completed_after_the_success_page_already_fulfilled(stripe_app, fake_stripe, owner):
    client, session_id = start(stripe_app, owner)
    session = fake_stripe.complete(session_id, "paid")
    response = client.get(f"/licence/checkout/success?session_id={session_id}")
    assert response.status_code == 302
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 0)
    assert deliver(stripe_app, event("checkout.session.completed", session)).status_code == 200
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 1)


def test_sepa_debit_succeeding_later(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    completed = event("checkout.session.completed", fake_stripe.complete(session_id, "unpaid"))
    assert deliver(stripe_app, completed).status_code == 200
    assert counts(stripe_app, owner.organisation.id)[:2] == ("pending_payment", 0)
    succeeded = event(
        "checkout.session.async_payment_succeeded", fake_stripe.set_payment_status(session_id, "paid")
    )
    assert deliver(stripe_app, succeeded).status_code == 200
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 2)


def test_sepa_debit_failing(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    deliver(stripe_app, event("checkout.session.completed", fake_stripe.complete(session_id, "unpaid")))
    failed = event("checkout.session.async_payment_failed", fake_stripe.session(session_id))
    assert deliver(stripe_app, failed).status_code == 200
    assert counts(stripe_app, owner.organisation.id) == ("pending_payment", 0, 2)
    with stripe_app.app_context():
        assert db.session.scalar(select(CheckoutSession.status)) == "failed"
    assert "failed" in signed_in(stripe_app, _admin(stripe_app)).get("/admin/payments").get_data(as_text=True)


def _admin(app):
    from tests import factories

    return factories.user(app, roles=("admin",))


def test_events_out_of_order(stripe_app, fake_stripe, owner):
    """The success event arrives before `completed`: each handler asks Stripe for the current state."""
    _client, session_id = start(stripe_app, owner)
    fake_stripe.complete(session_id, "unpaid")
    stale_completed = event("checkout.session.completed", fake_stripe.session(session_id))
    succeeded = event(
        "checkout.session.async_payment_succeeded", fake_stripe.set_payment_status(session_id, "paid")
    )
    assert deliver(stripe_app, succeeded).status_code == 200
    assert deliver(stripe_app, stale_completed).status_code == 200  # says "unpaid", but Stripe now says paid
    assert counts(stripe_app, owner.organisation.id) == ("active", 1, 2)


def test_forged_signature_changes_nothing(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session_id, "paid"))
    assert deliver(stripe_app, evt, secret="whsec_someone_else").status_code == 400
    assert deliver(stripe_app, evt, signature="t=1,v1=deadbeef").status_code == 400
    assert deliver(stripe_app, evt, signature="").status_code == 400
    assert counts(stripe_app, owner.organisation.id) == ("pending_payment", 0, 0)


def test_stale_timestamp_is_refused(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session_id, "paid"))
    assert deliver(stripe_app, evt, timestamp=int(time.time()) - 301).status_code == 400
    assert counts(stripe_app, owner.organisation.id) == ("pending_payment", 0, 0)


def test_unknown_event_type_is_acknowledged_and_ignored(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    response = deliver(stripe_app, event("customer.created", {"id": "cus_123", "object": "customer"}))
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    assert counts(stripe_app, owner.organisation.id) == ("pending_payment", 0, 1)


def test_garbage_payload_is_400(stripe_app):
    response = stripe_app.test_client().post(
        "/payments/stripe/webhook",
        data=b"\x00not json",
        headers={"Stripe-Signature": sign_webhook(b"\x00not json", WEBHOOK_SECRET)},
    )
    assert response.status_code == 400


def test_expired_session(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    assert (
        deliver(stripe_app, event("checkout.session.expired", fake_stripe.expire(session_id))).status_code
        == 200
    )
    with stripe_app.app_context():
        assert db.session.scalar(select(CheckoutSession.status)) == "expired"
    assert counts(stripe_app, owner.organisation.id)[0] == "pending_payment"


def test_stripe_unreachable_when_starting_checkout(stripe_app, fake_stripe, owner):
    client = signed_in(stripe_app, owner)
    client.post("/licence/accept", data={"accept": "y"})
    fake_stripe.down = True
    try:
        response = client.post("/licence/checkout")
    finally:
        fake_stripe.down = False
    assert response.status_code == 409
    assert "nicht erreichbar" in response.get_data(as_text=True)
    with stripe_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckoutSession)) == 0
    assert counts(stripe_app, owner.organisation.id)[0] == "pending_payment"


def test_reconcile_fulfils_sessions_whose_webhook_was_missed(stripe_app, fake_stripe, owner):
    _client, session_id = start(stripe_app, owner)
    fake_stripe.complete(session_id, "paid")  # the webhook never arrives
    result = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0 and "1 fulfilled" in result.output
    assert counts(stripe_app, owner.organisation.id)[:2] == ("active", 1)
    again = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert "0 open sessions checked" in again.output


@pytest.mark.parametrize("session_id", ["", "cs_test_unknown", "x" * 5000])
def test_success_page_with_unknown_session(stripe_app, owner, session_id):
    client = signed_in(stripe_app, owner)
    assert client.get(f"/licence/checkout/success?session_id={session_id}").status_code == 404


def test_without_stripe_keys_there_is_no_checkout(app, owner):
    client = signed_in(app, owner)
    client.post("/licence/accept", data={"accept": "y"})
    assert "online" not in client.get("/licence/").get_data(as_text=True).lower()
    assert client.post("/licence/checkout").status_code == 404
    assert app.test_client().post("/payments/stripe/webhook", data="{}").status_code == 404
