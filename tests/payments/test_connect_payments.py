"""What the orders feature will call on a producer's connected Stripe account — Checkout sessions with
the platform's fee, their retrieval, refunds — and the Connect webhook: verified with its own secret,
recorded once, the object asked from Stripe again, checkout and refund events handed on by signal."""

import json
import time
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import select

from vonhier.extensions import db
from vonhier.payments import connect, signals
from vonhier.payments.models import ConnectedAccount, WebhookEvent

from .conftest import CONNECT_SECRET, WEBHOOK_SECRET, signed_in, stripe_config
from .stripe_fake import event, sign_webhook

ITEMS = [connect.LineItem("Speisequark 500 g", 249, 2), connect.LineItem("Landeier, 10 Stück", 420, 1)]


def onboarded(app, fake, owner, ready=True) -> str:
    """The owner's organisation with a connected account (onboarding finished when `ready`)."""
    client = signed_in(app, owner)
    assert client.post("/payments/online/connect").status_code == 303
    [account_id] = [
        a
        for a in fake.accounts
        if fake.accounts[a]["metadata"]["organisation_id"] == str(owner.organisation.id)
    ]
    if ready:
        fake.complete_onboarding(account_id)
        client.get("/payments/online/return")
    return account_id


def account_of(owner) -> ConnectedAccount:
    return connect.account_for(owner.organisation.id)


def new_session(app, owner, **options):
    with app.test_request_context():
        return connect.create_checkout(
            connect.ready_account(owner.organisation.id),
            ITEMS,
            reference="order-17",
            success_url="https://vonhier.test/bestellung/17/danke",
            cancel_url="https://vonhier.test/bestellung/17",
            metadata={"order_id": "17"},
            customer_email="kundin@example.test",
            **options,
        )


def deliver(app, evt, secret=CONNECT_SECRET, signature=None):
    payload = json.dumps(evt)
    return app.test_client().post(
        "/payments/stripe/connect/webhook",
        data=payload,
        headers={
            "Stripe-Signature": signature or sign_webhook(payload, secret),
            "Content-Type": "application/json",
        },
    )


def recorded(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.type, e.account, e.outcome)
            for e in db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))
        ]


@pytest.fixture
def heard():
    """What the Connect signals handed on (the orders feature will be their receiver)."""
    calls = []

    def on_checkout(session, account, event_type):
        calls.append(("checkout", event_type, session.id, session.status, session.payment_status, account.id))
        return {"complete": "paid", "expired": "released"}.get(session.status)

    def on_refund(charge, account, event_type):
        calls.append(("refund", event_type, charge.id, charge.amount_refunded, account.id))
        return "refunded"

    signals.connected_checkout.connect(on_checkout)
    signals.connected_refund.connect(on_refund)
    yield calls
    signals.connected_checkout.disconnect(on_checkout)
    signals.connected_refund.disconnect(on_refund)


def test_checkout_session_on_the_connected_account_without_fee(connect_app, fake_stripe, owner):
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner, idempotency_key="order-17-checkout-1")
    sent = fake_stripe.requests[-1]
    assert sent.path == "/v1/checkout/sessions"
    assert sent.headers["stripe-account"] == account_id
    assert sent.headers["idempotency-key"] == "order-17-checkout-1"
    assert "payment_intent_data" not in sent.params  # the default fee is 0
    assert sent.params["line_items"][0] == {
        "quantity": "2",
        "price_data": {
            "currency": "eur",
            "unit_amount": "249",
            "product_data": {"name": "Speisequark 500 g"},
        },
    }
    assert sent.params["metadata"] == {"order_id": "17", "reference": "order-17"}
    assert sent.params["client_reference_id"] == "order-17"
    assert session.amount_total == 918
    assert session.expires_at >= time.time() + 30 * 60
    # The session lives on the producer's account: the platform cannot see it, another account neither.
    with pytest.raises(stripe.InvalidRequestError):
        stripe.StripeClient(
            fake_stripe.api_key, base_addresses={"api": fake_stripe.url}
        ).v1.checkout.sessions.retrieve(session.id)
    with connect_app.app_context():
        assert connect.retrieve_checkout(account_of(owner), session.id).status == "open"


def test_the_platform_fee_is_a_percentage_rounded_up_to_the_cent(make_app, fake_stripe, owner):
    fake_stripe.reset()
    app = make_app(**stripe_config(fake_stripe), STRIPE_APPLICATION_FEE_PERCENT="2.5")
    onboarded(app, fake_stripe, owner)
    session = new_session(app, owner, lifetime=timedelta(hours=2))
    sent = fake_stripe.requests[-1]
    assert sent.params["payment_intent_data"] == {
        "application_fee_amount": "23"
    }  # 2.5 % of 9.18 € = 22.95 ct
    assert abs(int(sent.params["expires_at"]) - (time.time() + 7200)) < 60
    fake_stripe.complete(session.id)
    intent = fake_stripe.payment_intents[fake_stripe.session(session.id)["payment_intent"]]
    assert intent["application_fee_amount"] == 23 and intent["amount"] == 918
    with app.app_context():
        for percent, total, fee in (
            ("0", 918, 0),
            ("5", 1000, 50),
            ("1,5", 999, 15),
            ("nan", 918, 0),
            ("x", 5, 0),
        ):
            app.config["STRIPE_APPLICATION_FEE_PERCENT"] = percent
            assert connect.application_fee_cents(total) == fee, percent


def test_no_checkout_before_onboarding_is_finished(connect_app, fake_stripe, owner):
    onboarded(connect_app, fake_stripe, owner, ready=False)
    with connect_app.app_context(), pytest.raises(connect.ConnectError):
        connect.ready_account(owner.organisation.id)
    with connect_app.app_context():
        assert not connect.accepts_online_payment(owner.organisation.id)


def test_a_short_lifetime_is_raised_to_what_stripe_accepts(connect_app, fake_stripe, owner):
    onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner, lifetime=timedelta(minutes=5))
    assert session.expires_at >= time.time() + 30 * 60


def test_refund_on_the_connected_account(connect_app, fake_stripe, owner, heard):
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    intent_id = fake_stripe.complete(session.id)["payment_intent"]
    with connect_app.app_context():
        part = connect.refund(account_of(owner), intent_id, 249, idempotency_key="order-17-cancel-item")
        again = connect.refund(account_of(owner), intent_id, 249, idempotency_key="order-17-cancel-item")
    assert (part.amount, part.status, part.reason) == (249, "succeeded", "requested_by_customer")
    assert again.id == part.id  # a retry with the same key refunds nothing more
    sent = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert all(r.headers["stripe-account"] == account_id for r in sent)
    with connect_app.app_context():
        rest = connect.refund(account_of(owner), intent_id)
        assert rest.amount == 918 - 249
        with pytest.raises(connect.ConnectError):  # nothing left to refund
            connect.refund(account_of(owner), intent_id)
    charge = fake_stripe.refund_charge(intent_id)
    assert charge["refunded"] is True
    # Stripe tells of the refund (also of one the producer makes in its dashboard): re-fetched, handed on.
    stale = {**charge, "amount_refunded": 249}
    response = deliver(connect_app, event("charge.refunded", stale, account=account_id))
    assert response.status_code == 200 and response.json["outcome"] == "refunded"
    assert heard == [("refund", "charge.refunded", charge["id"], 918, account_of_id(connect_app, owner))]


def account_of_id(app, owner) -> int:
    with app.app_context():
        return account_of(owner).id


def test_completed_and_expired_sessions_are_handed_on_as_stripe_says_they_are(
    connect_app, fake_stripe, owner, heard
):
    account_id = onboarded(connect_app, fake_stripe, owner)
    paid, left = new_session(connect_app, owner), new_session(connect_app, owner)
    completed = event("checkout.session.completed", fake_stripe.complete(paid.id), account=account_id)
    expired = event("checkout.session.expired", fake_stripe.expire(left.id), account=account_id)
    assert deliver(connect_app, completed).json["outcome"] == "paid"
    assert deliver(connect_app, expired).json["outcome"] == "released"
    me = account_of_id(connect_app, owner)
    assert heard == [
        ("checkout", "checkout.session.completed", paid.id, "complete", "paid", me),
        ("checkout", "checkout.session.expired", left.id, "expired", "unpaid", me),
    ]
    fetched = [
        r for r in fake_stripe.requests if r.method == "GET" and r.path.startswith("/v1/checkout/sessions/")
    ]
    assert [r.headers.get("stripe-account") for r in fetched][-2:] == [account_id, account_id]
    assert recorded(connect_app) == [
        ("checkout.session.completed", account_id, "paid"),
        ("checkout.session.expired", account_id, "released"),
    ]


def test_duplicate_delivery_is_handed_on_once(connect_app, fake_stripe, owner, heard):
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session.id), account=account_id)
    outcomes = [deliver(connect_app, evt).json["outcome"] for _ in range(3)]
    assert outcomes == ["paid", "duplicate", "duplicate"]
    assert len(heard) == 1 and len(recorded(connect_app)) == 1


def test_a_stale_event_is_read_as_stripe_says_now(connect_app, fake_stripe, owner, heard):
    """Out of order: the event still says "open, unpaid", but the session is paid by now."""
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    stale = event("checkout.session.completed", fake_stripe.session(session.id), account=account_id)
    fake_stripe.complete(session.id)
    assert deliver(connect_app, stale).json["outcome"] == "paid"
    assert heard[0][3:5] == ("complete", "paid")


def test_without_a_receiver_the_event_is_recorded_unclaimed(connect_app, fake_stripe, owner):
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session.id), account=account_id)
    assert deliver(connect_app, evt).json["outcome"] == "unclaimed"


def test_account_updated_keeps_the_flags_stripe_has_now(connect_app, fake_stripe, owner):
    account_id = onboarded(connect_app, fake_stripe, owner, ready=False)
    before = fake_stripe.account(account_id)  # not ready yet
    ready = event("account.updated", fake_stripe.complete_onboarding(account_id), account=account_id)
    assert deliver(connect_app, ready).json["outcome"] == "ready"
    # An older account.updated arriving late says "incomplete": Stripe is asked again, it stays ready.
    late = event("account.updated", before, account=account_id, created=int(time.time()) - 600)
    assert deliver(connect_app, late).json["outcome"] == "ready"
    with connect_app.app_context():
        assert account_of(owner).charges_enabled and connect.accepts_online_payment(owner.organisation.id)
    assert "bereit für Online-Zahlung" in signed_in(connect_app, owner).get("/payments/online").get_data(
        as_text=True
    )


def test_forged_events_change_nothing(connect_app, fake_stripe, owner, heard):
    account_id = onboarded(connect_app, fake_stripe, owner, ready=False)
    ready = event("account.updated", fake_stripe.complete_onboarding(account_id), account=account_id)
    # Signed with the licence endpoint's secret, with none, tampered, too old: refused before anything.
    assert deliver(connect_app, ready, secret=WEBHOOK_SECRET).status_code == 400
    assert deliver(connect_app, ready, signature="t=1,v1=00").status_code == 400
    old = sign_webhook(json.dumps(ready), CONNECT_SECRET, timestamp=int(time.time()) - 3600)
    assert deliver(connect_app, ready, signature=old).status_code == 400
    assert (
        connect_app.test_client().post("/payments/stripe/connect/webhook", data="not json").status_code == 400
    )
    # The licence endpoint refuses a Connect-signed event too.
    payload = json.dumps(ready)
    licence = connect_app.test_client().post(
        "/payments/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": sign_webhook(payload, CONNECT_SECRET)},
    )
    assert licence.status_code == 400
    assert recorded(connect_app) == [] and heard == []
    with connect_app.app_context():
        assert not account_of(owner).charges_enabled


def test_events_of_unknown_accounts_are_recorded_not_acted_on(connect_app, fake_stripe, owner, heard):
    onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    evt = event(
        "checkout.session.completed", fake_stripe.complete(session.id), account="acct_someoneelse0001"
    )
    assert deliver(connect_app, evt).json["outcome"] == "unknown account"
    assert heard == []


def test_stripe_unreachable_during_a_delivery_is_a_503_and_the_event_comes_again(
    connect_app, fake_stripe, owner, heard
):
    account_id = onboarded(connect_app, fake_stripe, owner)
    session = new_session(connect_app, owner)
    evt = event("checkout.session.completed", fake_stripe.complete(session.id), account=account_id)
    fake_stripe.fail_next(1)
    assert deliver(connect_app, evt).status_code == 503
    assert recorded(connect_app) == [] and heard == []
    assert deliver(connect_app, evt).json["outcome"] == "paid"


def test_connect_webhook_needs_its_own_secret(make_app, fake_stripe):
    app = make_app(**{**stripe_config(fake_stripe), "STRIPE_CONNECT_WEBHOOK_SECRET": ""})
    assert app.test_client().post("/payments/stripe/connect/webhook", data="{}").status_code == 404
