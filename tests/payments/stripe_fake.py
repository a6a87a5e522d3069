"""A small local stand-in for the parts of Stripe's API that VON HIER uses (Checkout Sessions and
Stripe Connect with direct charges), to be driven by the real ``stripe`` Python client, plus
Stripe-exact webhook signing.

Point the client at it with ``stripe.api_base = fake.url`` (module-level API) or
``stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url})``. The client accepts plain
``http://`` base addresses; nothing in it insists on https.

Implemented endpoints (form-encoded bodies exactly as the client sends them):

* ``POST /v1/checkout/sessions`` – create; honours ``Idempotency-Key`` like Stripe (replay of the
  original response with the same parameters, ``idempotency_error`` with different ones).
* ``GET /v1/checkout/sessions/<id>`` – retrieve (``expand[]=line_items`` supported).
* ``POST /v1/checkout/sessions/<id>/expire`` – expire an open session.
* Connect: ``POST /v1/accounts`` (``express`` or ``standard``), ``GET /v1/accounts/<id>``,
  ``POST /v1/account_links`` (``account_onboarding``/``account_update``), ``POST /v1/refunds``,
  ``GET /v1/payment_intents/<id>``, ``GET /v1/charges/<id>``.

The ``Stripe-Account`` header is honoured as Stripe does: a request names a connected account of the
platform (else 403); sessions, payment intents, charges and refunds live on the account they were made
on and are "No such …" (404) from anywhere else; idempotency keys are kept per account; a session on a
connected account takes ``payment_intent_data[application_fee_amount]`` (a direct charge) and needs
the account's ``charges_enabled``.

Everything else answers 404 with Stripe's "Unrecognized request URL" error. Test controls:
``complete``, ``set_payment_status``, ``expire``, ``complete_onboarding``, ``fail_next``, ``down``,
``requests``, ``reset``; ``event`` builds an event (``account=`` for a connected account's).
"""

import copy
import hashlib
import hmac
import json
import re
import secrets
import socketserver
import string
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

API_KEY = "sk_test_vonhier_fake_0000"
CHECKOUT_BASE = "https://checkout.stripe.test/pay/"
SESSION_LIFETIME = 24 * 60 * 60
CONNECT_BASE = "https://connect.stripe.test/setup/"
ACCOUNT_LINK_LIFETIME = 300  # Stripe's account links expire after a few minutes
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
_ALNUM = string.ascii_letters + string.digits
_HELP = "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."


def _random_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


class RecordedRequest(NamedTuple):
    """One request as the fake received it. ``headers`` has lower-cased names; ``params`` is the
    decoded form body (POST) or query string (GET), nested like the client's keyword arguments."""

    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]


class _Reply(NamedTuple):
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def _error(status: int, type_: str, message: str, **fields: Any) -> _Reply:
    return _Reply(status, {"error": {"type": type_, "message": message, **fields}}, {})


def _missing(resource: str, ident: str, param: str = "id") -> _Reply:
    return _error(
        404,
        "invalid_request_error",
        f"No such {resource}: '{ident}'",
        code="resource_missing",
        param=param,
        doc_url="https://stripe.com/docs/error-codes/resource-missing",
    )


class _BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.reply = _error(
            400,
            "invalid_request_error",
            message,
            **({"param": param} if param else {}),
            **({"code": code} if code else {}),
        )


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Turn Stripe's bracketed form keys (``line_items[0][price_data][currency]``, ``metadata[k]``,
    ``expand[]``) back into nested dicts and lists. Values stay strings, as they are on the wire."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, bracket, rest = key.partition("[")
        parts = [head, *re.findall(r"\[([^\[\]]*)\]", bracket + rest)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part or str(len(node)), {})
            if not isinstance(node, dict):
                raise _BadRequest(f"Invalid parameter: {key}", param=head)
        last = parts[-1] or str(len(node))
        if isinstance(node.get(last), dict):
            raise _BadRequest(f"Invalid parameter: {key}", param=head)
        node[last] = value
    return _listify(root)


def _listify(value: Any, key: str = "") -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v, k) for k, v in value.items()}
    if key != "metadata" and items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def _integer(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _BadRequest(f"Invalid integer: {value}", param=param) from None


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads: nothing outlives stop()
    block_on_close = True

    def server_bind(self):
        # HTTPServer.server_bind() does a reverse DNS lookup (getfqdn); not needed on loopback.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so no keep-alive sockets linger in the client's pool.
    protocol_version = "HTTP/1.0"
    server_version = "stripe-fake/1"
    sys_version = ""

    def do_GET(self):  # noqa: N802 (http.server's hook name)
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")

    def log_message(self, format, *args):  # noqa: A002 - keep pytest output quiet
        pass

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.fake._serve(method, self.path, headers, body)
        if reply is None:  # simulated outage: hang up without answering
            self.close_connection = True
            return
        data = json.dumps(reply.body, indent=2).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", _random_id("req_", 14))
        if "stripe-version" in headers:
            self.send_header("Stripe-Version", headers["stripe-version"])
        if method == "POST" and "idempotency-key" in headers:
            self.send_header("Idempotency-Key", headers["idempotency-key"])
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class FakeStripe:
    """Threaded HTTP server on 127.0.0.1 (a free port) speaking enough of Stripe's v1 API for
    Checkout. Use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self, api_key: str = API_KEY):
        self.api_key = api_key
        self.down = False
        self.requests: list[RecordedRequest] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.prices: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.account_links: list[dict[str, Any]] = []
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        # Where each object lives: None for the platform, else the connected account's id.
        self._owner: dict[str, str | None] = {}
        self._fees: dict[str, int | None] = {}  # a session's application fee, for its payment intent
        self._line_items: dict[str, list[dict[str, Any]]] = {}
        self._idempotent: dict[tuple[str | None, str], tuple[str, str, dict[str, Any], _Reply]] = {}
        self._failures: list[int | None] = []
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "FakeStripe":
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-fake", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> "FakeStripe":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeStripe is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- test controls ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget sessions, prices, idempotency keys, recorded requests and pending failures."""
        with self._lock:
            self.down = False
            self.requests.clear()
            self.sessions.clear()
            self.prices.clear()
            for store in (self.accounts, self.payment_intents, self.charges, self.refunds):
                store.clear()
            self.account_links.clear()
            self._owner.clear()
            self._fees.clear()
            self._line_items.clear()
            self._idempotent.clear()
            self._failures.clear()

    def fail_next(self, n: int = 1, status: int | None = None) -> None:
        """Make the next ``n`` requests fail before they are processed: with ``status=None`` the
        connection is dropped (client raises ``APIConnectionError``), otherwise Stripe's
        ``api_error`` body is returned with that status (500 → ``APIError``). Failed requests store
        no idempotent result, so a retry with the same key goes through."""
        with self._lock:
            self._failures.extend([status] * n)

    def add_price(self, unit_amount: int, currency: str = "eur", name: str = "Product") -> str:
        """Register a Price so ``line_items[n][price]`` can refer to it; returns its id."""
        price_id = _random_id("price_")
        with self._lock:
            self.prices[price_id] = {
                "id": price_id,
                "object": "price",
                "active": True,
                "currency": currency,
                "unit_amount": unit_amount,
                "product": _random_id("prod_", 14),
                "nickname": name,
                "type": "one_time",
                "livemode": False,
            }
        return price_id

    def session(self, session_id: str) -> dict[str, Any]:
        """A copy of a session's current state (e.g. to put into ``event()``)."""
        with self._lock:
            return copy.deepcopy(self._session(session_id))

    def complete(self, session_id: str, payment_status: str = "paid") -> dict[str, Any]:
        """The customer finished Checkout. Cards: ``"paid"``. SEPA Debit and other delayed methods:
        ``"unpaid"`` now, then ``set_payment_status(id, "paid")`` once the debit succeeds."""
        if payment_status not in ("paid", "unpaid", "no_payment_required"):
            raise ValueError(f"unknown payment_status {payment_status!r}")
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise ValueError(f"{session_id} is {session['status']}, only open sessions can complete")
            session["status"] = "complete"
            session["payment_status"] = payment_status
            session["url"] = None
            if session["mode"] == "payment":
                session["payment_intent"] = self._pay(session, payment_status == "paid")
            elif session["mode"] == "setup":
                session["setup_intent"] = _random_id("seti_")
            elif session["mode"] == "subscription":
                session["subscription"] = _random_id("sub_")
            session["customer_details"] = {
                "address": None,
                "email": session["customer_email"] or "kundin@example.test",
                "name": None,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            }
            return copy.deepcopy(session)

    def set_payment_status(self, session_id: str, payment_status: str) -> dict[str, Any]:
        """Settle (``"paid"``) or fail (``"unpaid"``) the payment of a completed session."""
        if payment_status not in ("paid", "unpaid", "no_payment_required"):
            raise ValueError(f"unknown payment_status {payment_status!r}")
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "complete":
                raise ValueError(f"{session_id} is {session['status']}, not complete")
            session["payment_status"] = payment_status
            intent = self.payment_intents.get(session.get("payment_intent") or "")
            if intent is not None and payment_status == "paid" and intent["status"] != "succeeded":
                self._settle(intent)
            return copy.deepcopy(session)

    def expire(self, session_id: str) -> dict[str, Any]:
        """The session ran out (or was expired): status ``"expired"``, no URL any more."""
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise ValueError(f"{session_id} is {session['status']}, only open sessions can expire")
            session["status"] = "expired"
            session["url"] = None
            return copy.deepcopy(session)

    def success_url_for(self, session_id: str) -> str:
        """Where Stripe sends the customer after paying: ``{CHECKOUT_SESSION_ID}`` filled in."""
        with self._lock:
            session = self._session(session_id)
            return (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", session_id)

    def _session(self, session_id: str) -> dict[str, Any]:
        try:
            return self.sessions[session_id]
        except KeyError:
            raise KeyError(f"no checkout session {session_id!r}") from None

    # -- HTTP ------------------------------------------------------------------------------------

    def _serve(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply | None:
        url = urlsplit(raw_path)
        bad_params = None
        try:
            raw = body.decode("utf-8") if method == "POST" else url.query
            params = decode_form(parse_qsl(raw, keep_blank_values=True))
        except (UnicodeDecodeError, _BadRequest) as exc:
            params = {}
            bad_params = getattr(exc, "reply", None) or _error(
                400, "invalid_request_error", "Invalid request body"
            )
        with self._lock:
            self.requests.append(RecordedRequest(method, url.path, headers, params))
            if self.down:
                return None
            if self._failures:
                status = self._failures.pop(0)
                if status is None:
                    return None
                return _error(
                    status,
                    "api_error",
                    "An unknown error occurred. (simulated by FakeStripe)",
                )
            denied = self._authenticate(headers.get("authorization", ""))
            if denied:
                return denied
            if bad_params:
                return bad_params
            account = headers.get("stripe-account") or None
            if account is not None and account not in self.accounts:
                return _error(
                    403,
                    "invalid_request_error",
                    f"The provided key '{self.api_key[:8]}****' does not have access to account "
                    f"'{account}' (or that account does not exist). Application access may have been "
                    "revoked.",
                    code="account_invalid",
                )
            # Stripe keeps idempotency keys per account: the same key on two accounts is two requests.
            key = (
                (account, headers["idempotency-key"])
                if method == "POST" and "idempotency-key" in headers
                else None
            )
            if key and key in self._idempotent:
                return self._replay(key, method, url.path, params)
            reply = self._route(method, url.path, params, account)
            if key and 200 <= reply.status < 300:
                self._idempotent[key] = (method, url.path, copy.deepcopy(params), copy.deepcopy(reply))
            return reply

    def _authenticate(self, authorization: str) -> _Reply | None:
        if not authorization:
            return _error(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization "
                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                "https://stripe.com/docs/api#authentication for details, or we can help at "
                "https://support.stripe.com/.",
            )
        scheme, _, key = authorization.partition(" ")
        if scheme != "Bearer" or not hmac.compare_digest(key.encode(), self.api_key.encode()):
            masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else key
            return _error(401, "invalid_request_error", f"Invalid API Key provided: {masked}")
        return None

    def _replay(
        self, scoped_key: tuple[str | None, str], method: str, path: str, params: dict[str, Any]
    ) -> _Reply:
        first_method, first_path, first_params, reply = self._idempotent[scoped_key]
        key = scoped_key[1]
        if (first_method, first_path) != (method, path):
            return _error(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used for the same endpoint they were first "
                f"used for ('{first_method} {first_path}' vs '{method} {path}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.",
            )
        if first_params != params:
            return _error(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were "
                f"first used with. Try using a key other than '{key}' if you meant to execute a "
                "different request.",
            )
        # Stripe replays the saved response as it was, not the object's current state.
        return _Reply(
            reply.status, copy.deepcopy(reply.body), {**reply.headers, "Idempotent-Replayed": "true"}
        )

    def _route(self, method: str, path: str, params: dict[str, Any], account: str | None) -> _Reply:
        try:
            connect = self._route_connect(method, path, params, account)
            if connect is not None:
                return connect
            if path == "/v1/checkout/sessions" and method == "POST":
                return _Reply(200, self._create_session(params, account), {})
            match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)(/expire)?", path)
            if match:
                session_id, action = unquote(match[1]), match[2]
                if not self._visible(session_id, self.sessions, account):
                    return _missing("checkout.session", session_id)
                if method == "GET" and not action:
                    return _Reply(200, self._render(session_id, params), {})
                if method == "POST" and action:
                    return _Reply(200, self._expire_via_api(session_id, params), {})
        except _BadRequest as exc:
            return exc.reply
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}). {_HELP}")

    def _render(self, session_id: str, params: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(self.sessions[session_id])
        expand = params.get("expand") or []
        for field in expand:
            if field != "line_items":
                raise _BadRequest(f"This property cannot be expanded ({field}).", param="expand")
            body["line_items"] = {
                "object": "list",
                "data": copy.deepcopy(self._line_items[session_id]),
                "has_more": False,
                "url": f"/v1/checkout/sessions/{session_id}/line_items",
            }
        return body

    def _expire_via_api(self, session_id: str, params: dict[str, Any]) -> dict[str, Any]:
        status = self.sessions[session_id]["status"]
        if status != "open":
            raise _BadRequest(
                f'Only Checkout Sessions with a status in ["open"] can be expired. '
                f"This Checkout Session has a status of `{status}`.",
                param="session",
            )
        self.expire(session_id)
        return self._render(session_id, params)

    def _create_session(self, p: dict[str, Any], account: str | None = None) -> dict[str, Any]:
        fee = self._application_fee(p, account)
        mode = p.get("mode")
        if not mode:
            raise _BadRequest("Missing required param: mode.", param="mode", code="parameter_missing")
        if mode not in ("payment", "setup", "subscription"):
            raise _BadRequest(
                f"Invalid mode: must be one of payment, setup, or subscription (got {mode!r}).",
                param="mode",
                code="parameter_invalid_string",
            )
        items = p.get("line_items") or []
        if not isinstance(items, list):
            raise _BadRequest("Invalid array", param="line_items")
        if mode != "setup" and not items:
            raise _BadRequest(
                f"`line_items` is required in `{mode}` mode.", param="line_items", code="parameter_missing"
            )
        now = int(time.time())
        expires_at = now + SESSION_LIFETIME
        if p.get("expires_at") not in (None, ""):
            expires_at = _integer(p["expires_at"], "expires_at")
            if not now + 1800 - 60 <= expires_at <= now + SESSION_LIFETIME + 60:
                raise _BadRequest(
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
        session_id = _random_id("cs_test_", 58)
        line_items = [self._line_item(item, n) for n, item in enumerate(items)]
        currency = p.get("currency") or (line_items[0]["currency"] if line_items else None)
        for n, item in enumerate(line_items):
            if item["currency"] != currency:
                raise _BadRequest(
                    "All line items must use the same currency.",
                    param=f"line_items[{n}][price_data][currency]",
                )
        amount = sum(item["amount_total"] for item in line_items) if mode != "setup" else None
        if fee is not None and fee > (amount or 0):
            raise _BadRequest(
                "The application fee amount cannot be greater than the amount of the payment.",
                param="payment_intent_data[application_fee_amount]",
            )
        metadata = p.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _BadRequest("Invalid object", param="metadata")
        payment_status = "unpaid" if mode != "setup" and amount else "no_payment_required"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "adaptive_pricing": None,
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
            "billing_address_collection": p.get("billing_address_collection"),
            "cancel_url": p.get("cancel_url"),
            "client_reference_id": p.get("client_reference_id"),
            "client_secret": None,
            "collected_information": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": currency,
            "currency_conversion": None,
            "custom_fields": [],
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer": p.get("customer"),
            "customer_creation": None if p.get("customer") or mode != "payment" else "if_required",
            "customer_details": None,
            "customer_email": p.get("customer_email"),
            "discounts": [],
            "expires_at": expires_at,
            "invoice": None,
            "invoice_creation": None,
            "livemode": False,
            "locale": p.get("locale"),
            "metadata": metadata,
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "if_required" if mode == "subscription" else "always",
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": p.get("payment_method_types") or ["card"],
            "payment_status": payment_status,
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "saved_payment_method_options": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "shipping_options": [],
            "status": "open",
            "submit_type": p.get("submit_type"),
            "subscription": None,
            "success_url": p.get("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": p.get("ui_mode") or "hosted",
            "url": CHECKOUT_BASE + session_id,
            "wallet_options": None,
        }
        self.sessions[session_id] = session
        self._owner[session_id] = account
        self._fees[session_id] = fee
        self._line_items[session_id] = line_items
        return self._render(session_id, p)

    def _line_item(self, item: Any, n: int) -> dict[str, Any]:
        where = f"line_items[{n}]"
        if not isinstance(item, dict):
            raise _BadRequest("Invalid object", param=where)
        quantity = _integer(item.get("quantity", "1"), f"{where}[quantity]")
        if "price_data" in item:
            data = item["price_data"]
            if not isinstance(data, dict) or not data.get("currency"):
                raise _BadRequest(
                    f"Missing required param: {where}[price_data][currency].",
                    param=f"{where}[price_data][currency]",
                    code="parameter_missing",
                )
            unit_amount = _integer(data.get("unit_amount"), f"{where}[price_data][unit_amount]")
            product = data.get("product_data") or {}
            price = {
                "id": _random_id("price_"),
                "object": "price",
                "currency": data["currency"].lower(),
                "unit_amount": unit_amount,
                "product": data.get("product") or _random_id("prod_", 14),
                "type": "one_time",
                "livemode": False,
            }
            description = product.get("name") if isinstance(product, dict) else None
        elif item.get("price"):
            if item["price"] not in self.prices:
                raise _BadRequest(
                    f"No such price: '{item['price']}'", param=f"{where}[price]", code="resource_missing"
                )
            price = copy.deepcopy(self.prices[item["price"]])
            description = price.pop("nickname", None)
        else:
            raise _BadRequest(f"You must specify either `price` or `price_data` in {where}.", param=where)
        total = price["unit_amount"] * quantity
        return {
            "id": _random_id("li_"),
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": total,
            "amount_tax": 0,
            "amount_total": total,
            "currency": price["currency"],
            "description": description,
            "price": price,
            "quantity": quantity,
        }

    # -- Connect ---------------------------------------------------------------------------------

    def complete_onboarding(self, account_id: str, charges_enabled: bool = True) -> dict[str, Any]:
        """The producer finished Stripe's onboarding: details submitted, charges (and payouts) enabled
        unless ``charges_enabled=False`` (Stripe still verifying). Returns the account as Stripe would."""
        with self._lock:
            account = self._account(account_id)
            account.update(
                details_submitted=True, charges_enabled=charges_enabled, payouts_enabled=charges_enabled
            )
            account["requirements"]["currently_due"] = (
                [] if charges_enabled else ["individual.verification.document"]
            )
            account["requirements"]["disabled_reason"] = (
                None if charges_enabled else "requirements.pending_verification"
            )
            for capability in account["capabilities"]:
                account["capabilities"][capability] = "active" if charges_enabled else "pending"
            return copy.deepcopy(account)

    def account(self, account_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._account(account_id))

    def refund_charge(self, payment_intent_id: str) -> dict[str, Any]:
        """The charge of a payment intent as it is now (e.g. for a ``charge.refunded`` event)."""
        with self._lock:
            return copy.deepcopy(self.charges[self.payment_intents[payment_intent_id]["latest_charge"]])

    def _account(self, account_id: str) -> dict[str, Any]:
        try:
            return self.accounts[account_id]
        except KeyError:
            raise KeyError(f"no account {account_id!r}") from None

    def _visible(self, object_id: str, store: dict[str, Any], account: str | None) -> bool:
        """Does the object exist where the request is made (the platform or that connected account)?"""
        return object_id in store and self._owner.get(object_id) == account

    def _route_connect(
        self, method: str, path: str, params: dict[str, Any], account: str | None
    ) -> _Reply | None:
        if path == "/v1/accounts" and method == "POST":
            return _Reply(200, self._create_account(params), {})
        if path == "/v1/account_links" and method == "POST":
            return _Reply(200, self._create_account_link(params), {})
        if path == "/v1/refunds" and method == "POST":
            return _Reply(200, self._create_refund(params, account), {})
        match = re.fullmatch(r"/v1/(accounts|payment_intents|charges)/([^/]+)", path)
        if match is None or method != "GET":
            return None
        kind, ident = match[1], unquote(match[2])
        if kind == "accounts":
            # The platform reads its connected accounts; an account reads only itself.
            if ident not in self.accounts or account not in (None, ident):
                return _missing("account", ident, "account")
            return _Reply(200, copy.deepcopy(self.accounts[ident]), {})
        store = self.payment_intents if kind == "payment_intents" else self.charges
        if not self._visible(ident, store, account):
            return _missing("payment_intent" if kind == "payment_intents" else "charge", ident)
        return _Reply(200, copy.deepcopy(store[ident]), {})

    def _create_account(self, p: dict[str, Any]) -> dict[str, Any]:
        type_ = p.get("type")
        if type_ not in ("express", "standard"):
            raise _BadRequest(
                "Invalid type: must be one of custom, express, or standard.",
                param="type",
                code="parameter_invalid_string" if type_ else "parameter_missing",
            )
        country = (p.get("country") or "DE").upper()
        metadata = p.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _BadRequest("Invalid object", param="metadata")
        account_id = _random_id("acct_", 16)
        requested = p.get("capabilities") or {}
        self.accounts[account_id] = {
            "id": account_id,
            "object": "account",
            "business_profile": p.get("business_profile") or {"name": None, "url": None},
            "business_type": p.get("business_type"),
            "capabilities": {name: "inactive" for name in requested} if isinstance(requested, dict) else {},
            "charges_enabled": False,
            "controller": {"type": "application", "is_controller": True},
            "country": country,
            "created": int(time.time()),
            "default_currency": "eur" if country == "DE" else "usd",
            "details_submitted": False,
            "email": p.get("email"),
            "external_accounts": {"object": "list", "data": [], "has_more": False},
            "metadata": metadata,
            "payouts_enabled": False,
            "requirements": {
                "currently_due": ["business_type", "external_account", "tos_acceptance.date"],
                "disabled_reason": "requirements.past_due",
                "eventually_due": [],
                "past_due": [],
            },
            "settings": {},
            "tos_acceptance": {"date": None},
            "type": type_,
        }
        return copy.deepcopy(self.accounts[account_id])

    def _create_account_link(self, p: dict[str, Any]) -> dict[str, Any]:
        account_id = p.get("account")
        if not account_id:
            raise _BadRequest("Missing required param: account.", param="account", code="parameter_missing")
        if account_id not in self.accounts:
            raise _BadRequest(f"No such account: '{account_id}'", param="account", code="resource_missing")
        if p.get("type") not in ("account_onboarding", "account_update"):
            raise _BadRequest(
                "Invalid type: must be one of account_onboarding or account_update.", param="type"
            )
        for name in ("refresh_url", "return_url"):
            if not p.get(name):
                raise _BadRequest(f"Missing required param: {name}.", param=name, code="parameter_missing")
        now = int(time.time())
        link = {
            "object": "account_link",
            "created": now,
            "expires_at": now + ACCOUNT_LINK_LIFETIME,
            "url": f"{CONNECT_BASE}{account_id}/{secrets.token_urlsafe(12)}",
        }
        self.account_links.append(
            {**link, "account": account_id, **{k: p[k] for k in ("type", "refresh_url", "return_url")}}
        )
        return link

    def _application_fee(self, p: dict[str, Any], account: str | None) -> int | None:
        """A session's application fee (direct charges only), checked as Stripe checks it."""
        if account is not None and not self.accounts[account]["charges_enabled"]:
            raise _BadRequest(
                "Your account cannot currently make charges: the connected account has not completed "
                "onboarding (charges_enabled is false).",
                code="account_invalid",
            )
        data = p.get("payment_intent_data") or {}
        if not isinstance(data, dict) or data.get("application_fee_amount") in (None, ""):
            return None
        param = "payment_intent_data[application_fee_amount]"
        if account is None:
            raise _BadRequest(
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct "
                "payment (using an OAuth key or Stripe-Account header) or destination payment (using "
                "`transfer_data[destination]`).",
                param=param,
            )
        fee = _integer(data["application_fee_amount"], param)
        if fee < 0:
            raise _BadRequest("This value must be greater than or equal to 0.", param=param)
        return fee

    def _pay(self, session: dict[str, Any], paid: bool) -> str:
        """The payment intent (and, once paid, its charge) of a completed session, on its account."""
        intent_id = _random_id("pi_")
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "application_fee_amount": self._fees.get(session["id"]),
            "created": int(time.time()),
            "currency": session["currency"],
            "latest_charge": None,
            "livemode": False,
            "metadata": {},
            "status": "processing",
        }
        self._owner[intent_id] = self._owner.get(session["id"])
        if paid:
            self._settle(self.payment_intents[intent_id])
        return intent_id

    def _settle(self, intent: dict[str, Any]) -> None:
        charge_id = _random_id("ch_")
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "application_fee_amount": intent["application_fee_amount"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "paid": True,
            "payment_intent": intent["id"],
            "refunded": False,
            "status": "succeeded",
        }
        self._owner[charge_id] = self._owner.get(intent["id"])
        intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge_id)

    def _create_refund(self, p: dict[str, Any], account: str | None) -> dict[str, Any]:
        intent_id, charge_id = p.get("payment_intent"), p.get("charge")
        if intent_id:
            if not self._visible(intent_id, self.payment_intents, account):
                raise _BadRequest(
                    f"No such payment_intent: '{intent_id}'", param="payment_intent", code="resource_missing"
                )
            charge_id = self.payment_intents[intent_id]["latest_charge"]
            if charge_id is None:
                raise _BadRequest(
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                    param="payment_intent",
                )
        elif not charge_id:
            raise _BadRequest(
                "One of the following params should be provided for this request: payment_intent or charge.",
                code="parameter_missing",
            )
        if not self._visible(charge_id, self.charges, account):
            raise _BadRequest(f"No such charge: '{charge_id}'", param="charge", code="resource_missing")
        charge = self.charges[charge_id]
        left = charge["amount"] - charge["amount_refunded"]
        if left == 0:
            raise _BadRequest(
                f"Charge {charge_id} has already been refunded.", code="charge_already_refunded"
            )
        amount = left if p.get("amount") in (None, "") else _integer(p["amount"], "amount")
        if not 0 < amount <= left:
            raise _BadRequest(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param="amount",
                code="amount_too_large",
            )
        reason = p.get("reason") or None
        if reason is not None and reason not in REFUND_REASONS:
            raise _BadRequest(
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                param="reason",
            )
        refund_id = _random_id("re_")
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge_id,
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": p.get("metadata") or {},
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "succeeded",
        }
        self._owner[refund_id] = account
        return copy.deepcopy(self.refunds[refund_id])


def sign_webhook(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload``: ``t=<unix>,v1=<hex>`` where the
    hex is HMAC-SHA256 keyed with the whole endpoint secret (``whsec_…`` as-is, not decoded) over
    ``f"{t}.{payload}"``."""
    if isinstance(payload, bytes | bytearray):
        payload = bytes(payload).decode("utf-8")
    if timestamp is None:
        timestamp = int(time.time())
    signature = hmac.new(secret.encode("utf-8"), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={signature.hexdigest()}"


def event(
    type_: str,
    session: dict[str, Any],
    event_id: str | None = None,
    created: int | None = None,
    api_version: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """A Stripe ``event`` object carrying a snapshot of ``session`` (e.g. from ``fake.complete()``; any
    object: an account for ``account.updated``, a charge for ``charge.refunded``). An event of a
    connected account names it in ``account``, as those Connect endpoints receive them. Send it as
    ``json.dumps(evt)`` with ``sign_webhook`` over exactly those bytes (the Connect endpoint's secret)."""
    if api_version is None:
        import stripe

        api_version = stripe.api_version
    return {
        "id": event_id or _random_id("evt_"),
        "object": "event",
        **({"account": account} if account else {}),
        "api_version": api_version,
        "created": int(time.time()) if created is None else created,
        "data": {"object": copy.deepcopy(session)},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
    }
