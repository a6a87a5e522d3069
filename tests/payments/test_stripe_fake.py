"""The local Stripe stand-in, exercised with the real ``stripe`` client (no Flask app involved)."""

import http.client
import json
import time

import pytest
import stripe

from .stripe_fake import FakeStripe, event, sign_webhook

WEBHOOK_SECRET = "whsec_vonhier_test_secret"
STRIPE_GLOBALS = ("api_key", "api_base", "max_network_retries", "enable_telemetry", "default_http_client")


@pytest.fixture(scope="module")
def fake():
    with FakeStripe() as server:
        yield server


@pytest.fixture(autouse=True)
def stripe_at_fake(fake):
    """Point the module-level client at the fake for one test and put every global back after."""
    saved = {name: getattr(stripe, name) for name in STRIPE_GLOBALS}
    http_client = stripe.RequestsClient()
    stripe.api_key = fake.api_key
    stripe.api_base = fake.url
    stripe.max_network_retries = 0
    stripe.enable_telemetry = False  # else the client writes ~/.config/stripe/telemetry_id
    stripe.default_http_client = http_client
    fake.reset()
    try:
        yield fake
    finally:
        http_client.close()
        for name, value in saved.items():
            setattr(stripe, name, value)


def checkout_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 7450,
                    "product_data": {"name": "VON HIER Lizenz 2026"},
                },
            }
        ],
        "payment_method_types": ["card", "sepa_debit"],
        "customer_email": "hof@example.test",
        "client_reference_id": "licence-42",
        "metadata": {"licence_id": "42"},
        "success_url": "https://vonhier.test/zahlung/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://vonhier.test/zahlung/abbruch",
    }
    params.update(overrides)
    return params


def test_create_decodes_the_clients_form_body_into_a_checkout_session(fake):
    session = stripe.checkout.Session.create(**checkout_params(), idempotency_key="licence-42-try-1")

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"https://checkout.stripe.test/pay/{session.id}"
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_total, session.currency) == (14900, "eur")
    assert session.customer_email == "hof@example.test"
    assert session.client_reference_id == "licence-42"
    assert session.metadata["licence_id"] == "42"
    assert session.payment_method_types == ["card", "sepa_debit"]
    assert session.payment_intent is None
    assert session.livemode is False
    assert session.expires_at - session.created == 24 * 60 * 60

    (request,) = fake.requests
    method, path, headers, params = request
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert headers["authorization"] == f"Bearer {fake.api_key}"
    assert headers["idempotency-key"] == "licence-42-try-1"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert params["line_items"][0]["price_data"]["currency"] == "eur"
    assert params["line_items"][0]["price_data"]["product_data"]["name"] == "VON HIER Lizenz 2026"
    assert params["metadata"] == {"licence_id": "42"}
    assert params["payment_method_types"] == ["card", "sepa_debit"]
    assert params["success_url"].endswith("session_id={CHECKOUT_SESSION_ID}")
    assert fake.success_url_for(session.id) == f"https://vonhier.test/zahlung/ok?session_id={session.id}"


def test_every_post_gets_an_idempotency_key_even_without_one(fake):
    stripe.checkout.Session.create(**checkout_params())
    assert fake.requests[0].headers["idempotency-key"]  # the client generates a UUID-like key


def test_same_idempotency_key_and_params_replays_the_same_session(fake):
    first = stripe.checkout.Session.create(**checkout_params(), idempotency_key="licence-42")
    again = stripe.checkout.Session.create(**checkout_params(), idempotency_key="licence-42")

    assert again.id == first.id
    assert len(fake.sessions) == 1
    assert again.last_response.headers["Idempotent-Replayed"] == "true"


def test_same_idempotency_key_with_other_params_is_an_idempotency_error(fake):
    stripe.checkout.Session.create(**checkout_params(), idempotency_key="licence-42")

    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe.checkout.Session.create(
            **checkout_params(metadata={"licence_id": "43"}), idempotency_key="licence-42"
        )
    assert caught.value.http_status == 400
    assert caught.value.json_body["error"]["type"] == "idempotency_error"
    assert "licence-42" in caught.value.user_message
    assert isinstance(caught.value, stripe.StripeError)
    assert len(fake.sessions) == 1


def test_retrieve_reflects_complete(fake):
    created = stripe.checkout.Session.create(**checkout_params())
    assert stripe.checkout.Session.retrieve(created.id).status == "open"

    fake.complete(created.id)
    session = stripe.checkout.Session.retrieve(created.id)

    assert (session.status, session.payment_status) == ("complete", "paid")
    assert session.payment_intent.startswith("pi_")
    assert session.url is None
    assert session.customer_details.email == "hof@example.test"
    assert fake.requests[-1][:2] == ("GET", f"/v1/checkout/sessions/{created.id}")


def test_sepa_debit_completes_unpaid_and_settles_later(fake):
    created = stripe.checkout.Session.create(**checkout_params(payment_method_types=["sepa_debit"]))

    fake.complete(created.id, payment_status="unpaid")
    assert stripe.checkout.Session.retrieve(created.id).payment_status == "unpaid"

    fake.set_payment_status(created.id, "paid")
    session = stripe.checkout.Session.retrieve(created.id)
    assert (session.status, session.payment_status) == ("complete", "paid")


def test_retrieve_reflects_expire(fake):
    created = stripe.checkout.Session.create(**checkout_params())
    fake.expire(created.id)

    session = stripe.checkout.Session.retrieve(created.id)
    assert (session.status, session.payment_status, session.url) == ("expired", "unpaid", None)
    with pytest.raises(ValueError):
        fake.complete(created.id)


def test_expire_through_the_api_only_works_on_open_sessions(fake):
    open_one = stripe.checkout.Session.create(**checkout_params())
    assert stripe.checkout.Session.expire(open_one.id).status == "expired"

    paid = stripe.checkout.Session.create(**checkout_params())
    fake.complete(paid.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.checkout.Session.expire(paid.id)
    assert caught.value.http_status == 400


def test_line_items_can_be_expanded(fake):
    created = stripe.checkout.Session.create(**checkout_params())
    session = stripe.checkout.Session.retrieve(created.id, expand=["line_items"])

    (item,) = session.line_items.data
    assert (item.quantity, item.amount_total, item.price.unit_amount) == (2, 14900, 7450)
    assert item.description == "VON HIER Lizenz 2026"
    assert fake.requests[-1].params == {"expand": ["line_items"]}


def test_registered_prices_can_be_used_by_id(fake):
    price = fake.add_price(9900, "eur", "Jahreslizenz")
    session = stripe.checkout.Session.create(**checkout_params(line_items=[{"price": price, "quantity": 1}]))
    assert session.amount_total == 9900

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.checkout.Session.create(**checkout_params(line_items=[{"price": "price_nope", "quantity": 1}]))
    assert caught.value.code == "resource_missing"


def test_missing_mode_is_an_invalid_request(fake):
    params = checkout_params()
    del params["mode"]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.checkout.Session.create(**params)
    assert (caught.value.param, caught.value.code) == ("mode", "parameter_missing")


def test_unknown_session_is_resource_missing(fake):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.checkout.Session.retrieve("cs_test_doesnotexist")

    error = caught.value
    assert error.http_status == 404
    assert error.code == "resource_missing"
    assert error.param == "id"
    assert error.json_body["error"]["message"] == "No such checkout.session: 'cs_test_doesnotexist'"


def test_wrong_api_key_is_an_authentication_error(fake):
    with pytest.raises(stripe.AuthenticationError) as caught:
        stripe.checkout.Session.create(**checkout_params(), api_key="sk_test_wrongwrongwrong")
    assert caught.value.http_status == 401
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"
    assert fake.sessions == {}


def test_missing_authorization_header_gets_stripes_401(fake):
    connection = http.client.HTTPConnection("127.0.0.1", int(fake.url.rsplit(":", 1)[1]), timeout=5)
    try:
        connection.request("GET", "/v1/checkout/sessions/cs_test_x")
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 401
    assert body["error"]["message"].startswith("You did not provide an API key.")


def test_down_raises_api_connection_error(fake):
    fake.down = True
    with pytest.raises(stripe.APIConnectionError):
        stripe.checkout.Session.create(**checkout_params())
    fake.down = False
    assert stripe.checkout.Session.create(**checkout_params()).status == "open"


def test_fail_next_drops_or_answers_500_then_recovers(fake):
    fake.fail_next(1)
    with pytest.raises(stripe.APIConnectionError):
        stripe.checkout.Session.create(**checkout_params(), idempotency_key="k1")

    fake.fail_next(1, status=500)
    with pytest.raises(stripe.APIError) as caught:
        stripe.checkout.Session.create(**checkout_params(), idempotency_key="k1")
    assert caught.value.http_status == 500

    session = stripe.checkout.Session.create(**checkout_params(), idempotency_key="k1")
    assert list(fake.sessions) == [session.id]


def test_client_retries_reuse_the_same_idempotency_key(fake):
    stripe.max_network_retries = 1  # restored by the fixture; costs one ~0.5 s back-off
    fake.fail_next(1)

    session = stripe.checkout.Session.create(**checkout_params())

    first, second = fake.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert list(fake.sessions) == [session.id]


def test_stripe_client_with_base_addresses(fake):
    # Deliberately leave the module-level config pointing nowhere: StripeClient carries its own.
    stripe.api_base = "http://127.0.0.1:9"
    stripe.api_key = None
    http_client = stripe.RequestsClient()
    client = stripe.StripeClient(
        fake.api_key,
        base_addresses={"api": fake.url},
        max_network_retries=0,
        http_client=http_client,
    )
    try:
        created = client.v1.checkout.sessions.create(
            params=checkout_params(), options={"idempotency_key": "licence-7"}
        )
        again = client.v1.checkout.sessions.create(
            params=checkout_params(), options={"idempotency_key": "licence-7"}
        )
        fake.complete(created.id)
        session = client.v1.checkout.sessions.retrieve(created.id)
    finally:
        http_client.close()

    assert again.id == created.id
    assert session.status == "complete"
    assert fake.requests[0].headers["idempotency-key"] == "licence-7"


def test_webhook_round_trips_through_construct_event(fake):
    created = stripe.checkout.Session.create(**checkout_params())
    completed = fake.complete(created.id)
    payload = json.dumps(event("checkout.session.completed", completed, event_id="evt_test_1")).encode()

    header = sign_webhook(payload, WEBHOOK_SECRET)
    received = stripe.Webhook.construct_event(payload, header, WEBHOOK_SECRET, tolerance=300)

    assert received.id == "evt_test_1"
    assert received.type == "checkout.session.completed"
    assert received.data.object.id == created.id
    assert received.data.object.payment_status == "paid"
    assert received.data.object.metadata["licence_id"] == "42"
    assert received.api_version == stripe.api_version
    assert received.request.idempotency_key is None


def test_signature_matches_stripes_own_test_helper():
    payload = json.dumps(event("checkout.session.expired", {"id": "cs_test_1"}, created=1_700_000_000))
    ours = sign_webhook(payload, WEBHOOK_SECRET, timestamp=1_700_000_000)
    theirs = stripe.WebhookSignature.generate_signature_header(
        payload, WEBHOOK_SECRET, timestamp=1_700_000_000
    )
    assert ours == theirs
    assert ours.startswith("t=1700000000,v1=")
    assert sign_webhook(payload.encode(), WEBHOOK_SECRET, timestamp=1_700_000_000) == ours


def test_wrong_secret_is_rejected():
    payload = json.dumps(event("checkout.session.completed", {"id": "cs_test_1"}))
    header = sign_webhook(payload, "whsec_someone_else")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, WEBHOOK_SECRET, tolerance=300)


def test_tampered_payload_is_rejected():
    payload = json.dumps(event("checkout.session.completed", {"id": "cs_test_1"}))
    header = sign_webhook(payload, WEBHOOK_SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload.replace("cs_test_1", "cs_test_2"), header, WEBHOOK_SECRET)


def test_timestamp_older_than_tolerance_is_rejected():
    payload = json.dumps(event("checkout.session.completed", {"id": "cs_test_1"}))
    header = sign_webhook(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(payload, header, WEBHOOK_SECRET, tolerance=300)

    # A minute inside the tolerance: a slow machine may take seconds between signing and checking.
    recent = sign_webhook(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 240)
    assert stripe.Webhook.construct_event(payload, recent, WEBHOOK_SECRET, tolerance=300).type


def test_event_shape():
    evt = event("checkout.session.async_payment_succeeded", {"id": "cs_test_1"}, created=123)
    assert evt["id"].startswith("evt_")
    assert evt["object"] == "event"
    assert evt["created"] == 123
    assert evt["data"] == {"object": {"id": "cs_test_1"}}
    assert evt["livemode"] is False
    assert evt["pending_webhooks"] == 1
    assert evt["request"] == {"id": None, "idempotency_key": None}


def test_fake_stops_cleanly():
    server = FakeStripe().start()
    url = server.url
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = server.url
    assert url.startswith("http://127.0.0.1:")
