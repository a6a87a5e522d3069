"""Producers' own Stripe accounts (Stripe Connect, direct charges): onboarding, the online payment page,
and what happens without Stripe keys — with the real `stripe` client against the local stand-in."""

from sqlalchemy import func, select

from tests import factories
from vonhier.extensions import db
from vonhier.payments import connect
from vonhier.payments.models import ConnectedAccount

from .conftest import signed_in
from .stripe_fake import CONNECT_BASE


def connected(app, organisation_id) -> ConnectedAccount | None:
    with app.app_context():
        account = connect.account_for(organisation_id)
        if account is not None:
            db.session.expunge(account)
        return account


def start(app, owner):
    client = signed_in(app, owner)
    response = client.post("/payments/online/connect")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    return client, response.headers["Location"]


def test_without_keys_the_page_says_online_payment_is_unavailable(app, owner):
    """Without Stripe keys nothing breaks: the page and the start page say buyers pay at pick-up."""
    client = signed_in(app, owner)
    page = client.get("/payments/online").get_data(as_text=True)
    assert "Online-Zahlung ist auf dieser Plattform noch nicht verfügbar" in page
    assert "Stripe-Konto verbinden" not in page
    business = client.get("/business").get_data(as_text=True)
    assert 'href="/payments/online"' in business and "bei Abholung" in business
    refused = client.post("/payments/online/connect")
    assert refused.status_code == 409
    assert "bei Abholung" in refused.get_data(as_text=True)
    assert client.get("/payments/online/return").status_code == 302
    assert client.get("/payments/online/refresh").status_code == 302
    assert app.test_client().post("/payments/stripe/connect/webhook", data="{}").status_code == 404
    with app.app_context():
        assert not connect.accepts_online_payment(owner.organisation.id)
        assert db.session.scalar(select(func.count()).select_from(ConnectedAccount)) == 0


def test_onboarding_creates_the_account_once_and_links_to_stripe(connect_app, fake_stripe, owner):
    client = signed_in(connect_app, owner)
    page = client.get("/payments/online").get_data(as_text=True)
    assert "nicht verbunden" in page and "Stripe-Konto verbinden" in page
    _client, location = start(connect_app, owner)
    assert location.startswith(CONNECT_BASE)
    [account_id] = fake_stripe.accounts
    created = next(r for r in fake_stripe.requests if r.path == "/v1/accounts")
    assert created.params["type"] == "standard" and created.params["country"] == "DE"
    assert created.params["metadata"] == {"organisation_id": str(owner.organisation.id)}
    assert created.headers["idempotency-key"] == f"vonhier-connect-account-{owner.organisation.id}"
    assert "stripe-account" not in created.headers  # the platform creates it
    link = fake_stripe.account_links[-1]
    assert link["type"] == "account_onboarding" and link["account"] == account_id
    assert link["return_url"].endswith("/payments/online/return")
    assert link["refresh_url"].endswith("/payments/online/refresh")
    # A second click (back from Stripe without finishing): the same account, a fresh link.
    _client, again = start(connect_app, owner)
    assert again != location and list(fake_stripe.accounts) == [account_id]
    account = connected(connect_app, owner.organisation.id)
    assert account.stripe_account_id == account_id
    assert (account.charges_enabled, account.details_submitted) == (False, False)
    page = client.get("/payments/online").get_data(as_text=True)
    assert "Einrichtung nicht abgeschlossen" in page and "Einrichtung bei Stripe fortsetzen" in page


def test_express_accounts_ask_for_card_payments(make_app, fake_stripe, owner):
    from .conftest import stripe_config

    fake_stripe.reset()
    app = make_app(**stripe_config(fake_stripe), STRIPE_CONNECT_ACCOUNT_TYPE="express")
    start(app, owner)
    created = next(r for r in fake_stripe.requests if r.path == "/v1/accounts")
    assert created.params["type"] == "express"
    assert created.params["capabilities"]["card_payments"] == {"requested": "true"}


def test_only_the_owner_connects_staff_see_the_state(connect_app, fake_stripe):
    staff = factories.user_with_role(connect_app, "staff")
    client = signed_in(connect_app, staff)
    page = client.get("/payments/online").get_data(as_text=True)
    assert "Nur die Inhaberin oder der Inhaber" in page or "Nur der Inhaber" in page
    assert client.post("/payments/online/connect").status_code == 403
    assert fake_stripe.accounts == {}


def test_a_user_without_business_gets_no_page(connect_app):
    client = signed_in(connect_app, factories.user_with_role(connect_app, "user"))
    assert client.get("/payments/online").status_code == 403
    assert client.post("/payments/online/connect").status_code == 403


def test_the_return_page_asks_stripe_and_keeps_its_flags(connect_app, fake_stripe, owner):
    client, _location = start(connect_app, owner)
    [account_id] = fake_stripe.accounts
    # Back from Stripe without finishing: still incomplete, and said so.
    response = client.get("/payments/online/return")
    assert response.status_code == 302 and response.headers["Location"].endswith("/payments/online")
    assert "benötigt noch Angaben" in client.get("/payments/online").get_data(as_text=True)
    # Details sent, Stripe still checking.
    fake_stripe.complete_onboarding(account_id, charges_enabled=False)
    client.get("/payments/online/return")
    account = connected(connect_app, owner.organisation.id)
    assert (account.charges_enabled, account.details_submitted) == (False, True)
    assert "wird von Stripe geprüft" in client.get("/payments/online").get_data(as_text=True)
    # Done.
    fake_stripe.complete_onboarding(account_id)
    client.get("/payments/online/return")
    account = connected(connect_app, owner.organisation.id)
    assert (account.charges_enabled, account.details_submitted) == (True, True)
    page = client.get("/payments/online").get_data(as_text=True)
    assert "bereit für Online-Zahlung" in page and "Stripe-Konto verbinden" not in page
    assert f"<code>{account_id}</code>" in page
    assert "bereit für Online-Zahlung" in client.get("/business").get_data(as_text=True)
    retrieved = [r for r in fake_stripe.requests if r.path == f"/v1/accounts/{account_id}"]
    assert retrieved and all("stripe-account" not in r.headers for r in retrieved)
    with connect_app.app_context():
        assert connect.accepts_online_payment(owner.organisation.id)
    # Nothing more to onboard: the button is gone, a stray POST lands back on the page.
    after = client.post("/payments/online/connect")
    assert after.status_code == 303 and after.headers["Location"].endswith("/payments/online")


def test_the_refresh_link_gives_a_fresh_onboarding_link_but_makes_no_account(connect_app, fake_stripe, owner):
    client = signed_in(connect_app, owner)
    response = client.get("/payments/online/refresh")
    assert response.status_code == 302 and fake_stripe.accounts == {}
    start(connect_app, owner)
    links = len(fake_stripe.account_links)
    response = client.get("/payments/online/refresh")
    assert response.status_code == 303 and response.headers["Location"].startswith(CONNECT_BASE)
    assert len(fake_stripe.account_links) == links + 1 and len(fake_stripe.accounts) == 1


def test_stripe_unreachable_while_connecting_changes_nothing(connect_app, fake_stripe, owner):
    client = signed_in(connect_app, owner)
    fake_stripe.fail_next(1)
    response = client.post("/payments/online/connect")
    assert response.status_code == 409
    assert "nicht erreichbar" in response.get_data(as_text=True)
    assert connected(connect_app, owner.organisation.id) is None and fake_stripe.accounts == {}
    start(connect_app, owner)  # the next click goes through
    assert len(fake_stripe.accounts) == 1


def test_the_page_in_english(connect_app, owner):
    client = signed_in(connect_app, owner)
    page = client.get("/payments/online?lang=en").get_data(as_text=True)
    assert "Online payment (Stripe)" in page and "Connect a Stripe account" in page
