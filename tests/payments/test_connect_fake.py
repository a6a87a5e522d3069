"""The Stripe stand-in's Connect half, exercised with the real ``stripe`` client (no Flask app): accounts
and account links, the ``Stripe-Account`` header, direct charges with an application fee, refunds."""

import pytest
import stripe

from .stripe_fake import CONNECT_BASE, FakeStripe, event


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture
def client(fake):
    fake.reset()
    return stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url}, max_network_retries=0)


def ready_account(fake, client) -> str:
    account = client.v1.accounts.create(params={"type": "standard", "country": "DE"})
    fake.complete_onboarding(account.id)
    return account.id


def session_params(**extra):
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {"currency": "eur", "unit_amount": 249, "product_data": {"name": "Quark"}},
            }
        ],
        "success_url": "https://vonhier.test/ok",
        **extra,
    }


def test_an_account_starts_unonboarded_and_completes(fake, client):
    account = client.v1.accounts.create(
        params={"type": "express", "country": "DE", "metadata": {"organisation_id": "7"}}
    )
    assert account.id.startswith("acct_") and account.object == "account"
    assert (account.charges_enabled, account.details_submitted, account.payouts_enabled) == (
        False,
        False,
        False,
    )
    assert account.metadata.to_dict() == {"organisation_id": "7"} and account.type == "express"
    fake.complete_onboarding(account.id)
    again = client.v1.accounts.retrieve(account.id)
    assert (again.charges_enabled, again.details_submitted, again.payouts_enabled) == (True, True, True)
    assert again.requirements.currently_due == []


def test_account_type_is_checked(client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.create(params={"type": "partner"})
    assert refused.value.param == "type"


def test_account_links_need_their_urls(fake, client):
    account = client.v1.accounts.create(params={"type": "standard"})
    link = client.v1.account_links.create(
        params={
            "account": account.id,
            "type": "account_onboarding",
            "refresh_url": "https://vonhier.test/r",
            "return_url": "https://vonhier.test/back",
        }
    )
    assert link.object == "account_link" and link.url.startswith(CONNECT_BASE)
    assert link.expires_at > link.created
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.account_links.create(params={"account": account.id, "type": "account_onboarding"})
    assert refused.value.param == "refresh_url"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.account_links.create(
            params={
                "account": "acct_nobody",
                "type": "account_onboarding",
                "refresh_url": "x",
                "return_url": "y",
            }
        )


def test_an_unknown_stripe_account_header_is_refused(client):
    with pytest.raises(stripe.PermissionError) as refused:
        client.v1.checkout.sessions.create(params=session_params(), options={"stripe_account": "acct_nobody"})
    assert refused.value.http_status == 403 and "does not have access" in str(refused.value)


def test_sessions_live_on_their_account(fake, client):
    mine, other = ready_account(fake, client), ready_account(fake, client)
    session = client.v1.checkout.sessions.create(
        params=session_params(payment_intent_data={"application_fee_amount": 20}),
        options={"stripe_account": mine},
    )
    assert client.v1.checkout.sessions.retrieve(session.id, options={"stripe_account": mine}).id == session.id
    for where in ({}, {"stripe_account": other}):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            client.v1.checkout.sessions.retrieve(session.id, options=where)
        assert missing.value.code == "resource_missing"
        with pytest.raises(stripe.InvalidRequestError):
            client.v1.checkout.sessions.expire(session.id, options=where)
    expired = client.v1.checkout.sessions.expire(session.id, options={"stripe_account": mine})
    assert expired.status == "expired"


def test_application_fees_are_for_direct_charges_only(fake, client):
    mine = ready_account(fake, client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.checkout.sessions.create(
            params=session_params(payment_intent_data={"application_fee_amount": 20})
        )
    assert "direct" in str(refused.value)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(
            params=session_params(payment_intent_data={"application_fee_amount": 999}),
            options={"stripe_account": mine},
        )


def test_an_account_without_charges_enabled_takes_no_session(fake, client):
    account = client.v1.accounts.create(params={"type": "standard"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(params=session_params(), options={"stripe_account": account.id})


def test_idempotency_keys_are_kept_per_account(fake, client):
    a, b = ready_account(fake, client), ready_account(fake, client)
    first = client.v1.checkout.sessions.create(
        params=session_params(), options={"stripe_account": a, "idempotency_key": "k1"}
    )
    other = client.v1.checkout.sessions.create(
        params=session_params(), options={"stripe_account": b, "idempotency_key": "k1"}
    )
    again = client.v1.checkout.sessions.create(
        params=session_params(), options={"stripe_account": a, "idempotency_key": "k1"}
    )
    assert first.id == again.id != other.id


def test_refunds_on_the_account_of_the_charge(fake, client):
    mine, other = ready_account(fake, client), ready_account(fake, client)
    session = client.v1.checkout.sessions.create(params=session_params(), options={"stripe_account": mine})
    intent = fake.complete(session.id)["payment_intent"]
    assert client.v1.payment_intents.retrieve(intent, options={"stripe_account": mine}).status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": intent}, options={"stripe_account": other})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": intent})  # the platform has no such payment
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.refunds.create(
            params={"payment_intent": intent, "reason": "bored"}, options={"stripe_account": mine}
        )
    assert bad.value.param == "reason"
    refund = client.v1.refunds.create(
        params={"payment_intent": intent, "amount": 100, "reason": "requested_by_customer"},
        options={"stripe_account": mine},
    )
    assert (refund.object, refund.amount, refund.status, refund.payment_intent) == (
        "refund",
        100,
        "succeeded",
        intent,
    )
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.refunds.create(
            params={"payment_intent": intent, "amount": 999}, options={"stripe_account": mine}
        )
    assert too_much.value.code == "amount_too_large"
    charge = client.v1.charges.retrieve(refund.charge, options={"stripe_account": mine})
    assert (charge.amount_refunded, charge.refunded) == (100, False)


def test_events_of_connected_accounts_name_them(fake, client):
    account = ready_account(fake, client)
    evt = event("account.updated", fake.account(account), account=account)
    assert evt["account"] == account and evt["data"]["object"]["id"] == account
    assert "account" not in event("checkout.session.completed", {"id": "cs_1"})
