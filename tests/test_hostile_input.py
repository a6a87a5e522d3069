"""Hostile input, suite-wide: every route of `app.url_map`, as every role, with hostile path
arguments, query parameters, form fields, upload file names and JSON bodies. Never a 5xx; a refused
request (4xx) changes no table's row count and leaves no new file; no stored file without its row.

Routes are found in the URL map, forms by parsing the pages the roles can open: a new route or form
is covered without anyone adding it, and a route that cannot be walked fails the test unless it is
on SKIP with its reason. Each hostile value goes once into each field of each form (sent by the first
role that reaches the form), not the cross product of roles × values × fields."""

import io
import os
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from PIL import Image
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from vonhier.catalogue.models import ProductImage
from vonhier.certification.models import Certificate, Evidence
from vonhier.extensions import db, limiter
from vonhier.forms import Form
from vonhier.organisations.models import Organisation
from vonhier.outlets.models import Outlet, OutletImage
from vonhier.provenance.models import ProductCode

from . import factories
from .live import LiveClient, gunicorn

HOSTILE = {
    "nul": "a\x00b",
    "control": "a\x1b[31mb\x07",
    "crlf": "Hof\r\nBcc: victim@example.org",
    "long": "x" * 100_000,
    "nan": "NaN",
    "exponent": "1e400",
    "int64": str(2**63),
    "negative": "-1",
    "formula": '=HYPERLINK("http://x")',
    "script": "<script>alert(1)</script>",
    "path": "../../etc/passwd",
}
SKIP = {
    "static": "files from static/, no application code",
    "accounts.logout": "would end the role's session for the rest of the walk",
    "accounts.change_password": "a successful change ends the role's sessions (tested in tests/accounts)",
    "accounts.change_email": "a successful change mails and re-confirms the role (tested in tests/accounts)",
    "payments.stripe_webhook": "signed by Stripe: anything else is refused before parsing (tests/payments)",
    "payments.stripe_connect_webhook": "signed by Stripe with the Connect endpoint's own secret: anything "
    "else is refused before parsing (tests/payments/test_connect_payments.py)",
    "catalogue.run_import": "streams the import of a previewed file; the preview (import_csv) is walked",
}
CHOICE = ("checkbox", "radio", "select", "hidden")  # the form offers the values: fewer kinds of attack
CHOICE_VALUES = ("nul", "crlf", "long", "int64", "negative")
ROW = re.compile(r"-[1-9][0-9]*-")
# Query parameters sent to every GET route besides those of the GET forms found on its page.
PARAMS = ("q", "page", "kind", "category", "lang", "next", "size", "days", "product", "format", "lot")
ROLES = ("anonymous", "user", "owner", "staff", "certifier", "retailer", "admin")


class Forms(HTMLParser):
    """The forms of a page: (method, action, [(name, kind, value)])."""

    def __init__(self):
        super().__init__()
        self.forms, self._textarea = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action") or "", []))
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "reset", "image"):
            kind = a.get("type") or "text"
            if kind in ("checkbox", "radio") and "checked" not in a:
                value = None if kind == "radio" else ""
            else:
                value = a.get("value", "y" if kind == "checkbox" else "")
            self.forms[-1][2].append((a["name"], kind, value))
        elif tag == "select":
            self.forms[-1][2].append((a["name"], "select", None))
        elif tag == "option" and self.forms[-1][2] and self.forms[-1][2][-1][1] == "select":
            name, kind, value = self.forms[-1][2][-1]
            if value is None or "selected" in a:
                self.forms[-1][2][-1] = (name, kind, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1][2].append((a["name"], "textarea", ""))

    def handle_data(self, data):
        if self._textarea and self.forms[-1][2][-1][0] == self._textarea:
            name, kind, value = self.forms[-1][2][-1]
            self.forms[-1][2][-1] = (name, kind, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


PLAUSIBLE = {  # for empty fields, so that one hostile field is the only thing wrong with a form
    "email": "hostile@example.org",
    "password": factories.PASSWORD,
    "confirm": factories.PASSWORD,
    "postcode": "16225",
    "town": "Eberswalde",
    "latitude": "52.83",
    "longitude": "13.82",
    "share": "100",
    "website": "https://example.org",
    "number": "1",
    "date": "2026-01-15",
}


def _plausible(name: str, kind: str) -> str:
    key = next((k for k in PLAUSIBLE if k in name or k == kind), None)
    return PLAUSIBLE[key] if key else "Hostile Test"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _form_subclasses(cls=FlaskForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_subclasses(sub)


def test_every_form_derives_from_the_checked_base():
    """Form fields are checked by vonhier.forms.Form: a form built on FlaskForm directly would not be."""
    ours = [c for c in _form_subclasses() if c.__module__.startswith("vonhier.")]
    assert ours and [c for c in ours if not issubclass(c, Form)] == []


class Walk:
    def __init__(self, app):
        self.app = app
        self.sent = 0
        self.failures = []
        self.upload_dir = app.config["UPLOAD_DIR"]
        with app.app_context():
            self.tables = [t.name for t in db.metadata.sorted_tables]
        # One statement for all row counts: it runs after every request.
        self.count_sql = select(
            *(select(func.count()).select_from(t).scalar_subquery() for t in db.metadata.sorted_tables)
        )
        self.counts = self._counts()
        self.files = self.first_files = self._files()

    def _counts(self):
        with self.app.app_context():
            return tuple(db.session.execute(self.count_sql).one())

    def _files(self):
        return {os.path.join(d, f) for d, _, names in os.walk(self.upload_dir) for f in names}

    def send(self, client, method, url, what, **kwargs):
        self.sent += 1
        if os.environ.get("HOSTILE_PROGRESS") and self.sent % 200 == 0:
            print(f"{self.sent} {method} {url[:60]} {what[:40]}", flush=True)
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # TESTING propagates what would be a 500; note it and go on
            self.failures.append(f"500 {method} {url[:120]} {what}: {type(error).__name__} {str(error)[:80]}")
            self.counts, self.files = self._counts(), self._files()
            return None
        status = response.status_code
        response.close()
        if status >= 500:
            self.failures.append(f"{status} {method} {url[:120]} {what}")
        counts, files = self._counts(), self._files()
        if 400 <= status < 500:
            changed = [t for t, a, b in zip(self.tables, self.counts, counts, strict=True) if a != b]
            if changed:
                self.failures.append(f"{status} {method} {url[:120]} {what}: rows changed in {changed}")
            if new := files - self.files:
                self.failures.append(f"{status} {method} {url[:120]} {what}: new files {sorted(new)}")
        self.counts, self.files = counts, files
        return response


def _world(app):
    """A producer with sites, a product, a batch, an outlet, a licence, an application approved into a
    certificate and a draft one with evidence; a retailer with an inquiry; a certifier; an admin."""
    from datetime import date, timedelta
    from datetime import time as time_of_day

    from vonhier import clock
    from vonhier.accounts.models import User
    from vonhier.catalogue import services as catalogue
    from vonhier.catalogue.models import Product
    from vonhier.certification import evidence, workflow
    from vonhier.orders import services as orders
    from vonhier.organisations import services as organisations
    from vonhier.outlets import services as outlets
    from vonhier.suppliers import services as suppliers

    people = {role: factories.user(app, roles=("admin",) if role == "admin" else ()) for role in ROLES[1:]}
    org = factories.organisation(app, owner_id=people["owner"].id, staff_ids=[people["staff"].id])
    retailer = factories.organisation(app, owner_id=people["retailer"].id, kinds=("retailer",))
    certifier = factories.user(app, roles=("certifier",))
    factories.organisation(app, kinds=("certification_body",), staff_ids=[certifier.id])
    people["certifier"] = certifier
    factories.licence(app, org.id)
    farm = factories.site(app, org.id, name="Hof", town="Prenzlau", latitude=53.3167, longitude=13.8667)
    shop = factories.site(
        app, org.id, name="Laden", town="Prenzlau", latitude=53.3167, longitude=13.8667, kind="shop"
    )
    ids = [
        factories.product(
            app,
            people["owner"].id,
            org.id,
            [("Eier", 100, farm.id, False)],
            stages=[("packing", farm.id), ("point_of_sale", shop.id)],
            name_de=name,
            category="eggs",
            species="chicken",
            husbandry_level=4,
            gtin=gtin,
        )
        for name, gtin in (("Landeier", "4006381333931"), ("Bioeier", ""))
    ]
    with app.test_request_context():  # the services read the session (current organisation)

        def user(role):
            return db.session.get(User, people[role].id)

        product = db.session.get(Product, ids[0])
        catalogue.save_batch(
            user("owner"),
            product,
            None,
            {
                "lot": "L1",
                "produced_on": date(2026, 1, 1),
                "best_before": None,
                "origin_site_id": farm.id,
                "origin_note": "",
            },
        )
        outlets.save_outlet(
            user("owner"),
            org.id,
            None,
            {
                "name": "Hofladen",
                "kind": "farm_shop",
                "town": "Prenzlau",
                "country": "DE",
                "street": "Weg 1",
                "postcode": "17291",
                "opening_hours": "Mo-Fr 09:00-18:00",
                "product_ids": [ids[0]],
                "latitude": 53.3167,
                "longitude": 13.8667,
            },
        )
        shop = db.session.scalar(select(Outlet).where(Outlet.organisation_id == org.id))
        orders.save_offer(
            user("owner"),
            org.id,
            None,
            {
                "product_id": ids[0],
                "outlet_id": shop.id,
                "price_cents": 249,
                "vat_percent": 7,
                "unit": "piece",
                "deadline_days_before": 2,
                "deadline_time": time_of_day(18, 0),
            },
        )
        orders.close_date(user("owner"), shop, clock.local_now().date() + timedelta(days=7))
        _received_order(org.id, shop.id, ids[0])  # the producer's order pages and their forms
        # The seller's legal details complete: the shop page shows its order form, which is walked too.
        db.session.get(Organisation, org.id).email = "hof@example.org"
        orders.save_settings(user("owner"), org.id, True, {"representative": "Ada Brandt"})
        approved = workflow.create_application(user("owner"), org.id, [ids[0]])
        workflow.submit(user("owner"), approved)
        workflow.take(user("certifier"), approved)
        seen = [c.code for c in approved.catalogue.criteria]  # the evidence gate: an audit saw it all
        audit = {"audit_date": date(2026, 1, 2), "mode": "on_site", "auditor": "P", "criteria": seen}
        workflow.record_audit(user("certifier"), approved, audit)
        workflow.approve(user("certifier"), approved)
        draft = workflow.create_application(user("owner"), org.id, [ids[1]])
        evidence.add(user("owner"), draft, next(iter(rules_kinds())), "Kontrolle.pdf", b"%PDF-1.4\n%%EOF\n")
        suppliers.start_inquiry(user("retailer"), org.id, "Eier", "Wie viele?")
        suppliers.add_to_shortlist(user("retailer"), org.id)  # its note's form is walked too
        organisations.invite(user("owner"), db.session.get(Organisation, org.id), "neu@example.org")
        db.session.commit()
    assert retailer
    return people


def _received_order(organisation_id, outlet_id, product_id):
    """An order paid at pick-up for tomorrow, as placing one leaves it (its offer's stock reserved)."""
    from datetime import time as time_of_day
    from datetime import timedelta

    from vonhier import clock
    from vonhier.orders import ledger
    from vonhier.orders.models import Offer, Order, OrderLine

    offer = db.session.scalar(select(Offer).where(Offer.outlet_id == outlet_id))
    day = clock.local_now().date() + timedelta(days=1)
    ledger.reserve(offer, day, 2)
    order = Order(
        reference=ledger.new_reference(),
        submission_key=ledger.new_reference() * 2,
        organisation_id=organisation_id,
        outlet_id=outlet_id,
        pickup_date=day,
        pickup_start=time_of_day(9),
        pickup_end=time_of_day(18),
        cancel_until=clock.utcnow(),
        buyer_name="Ada",
        buyer_email="ada@example.org",
        locale="de",
        payment_method="at_pickup",
        total_cents=498,
        status="placed",
    )
    order.lines.append(
        OrderLine(
            offer_id=offer.id,
            product_id=product_id,
            product_name="Landeier",
            unit_text="Stück",
            quantity=2,
            unit_price_cents=249,
            vat_percent=7,
            line_total_cents=498,
        )
    )
    db.session.add(order)
    db.session.flush()


def rules_kinds():
    from vonhier.certification import rules

    return rules.EVIDENCE_KINDS


def _clients(app, people, server=None):
    """A signed-in client per role: Flask's test client, or over HTTP to `server`."""
    clients = {}
    for role in ROLES:
        client = LiveClient(server) if server else app.test_client()
        if role != "anonymous":
            response = client.post(
                "/login", data={"email": people[role].email, "password": factories.PASSWORD}
            )
            assert response.status_code == 302, role
        clients[role] = client
    return clients


def _samples(app):
    """A real value for every path argument: the first row of the table it names (its own organisation's
    rows would be better for owners, but any real row reaches the code behind the checks)."""
    victim = factories.user(app)
    with app.app_context():
        ids = {
            t.name: db.session.scalar(select(func.min(t.c.id)))
            for t in db.metadata.sorted_tables
            if "id" in t.c
        }
        code = db.session.scalar(select(ProductCode.code).limit(1))
        number = db.session.scalar(select(Certificate.number).limit(1))
    plural = {
        "batch": "batches",
        "link": "supplier_links",
        "thread": "inquiry_threads",
        "tier": "licence_tiers",
        "image": "product_images",
        "catalogue": "criteria_catalogues",
        "evidence": "evidence",
        "membership": "memberships",
        "invitation": "invitations",
        "number": "product_versions",
    }
    samples = {
        "user_id": victim.id,
        "code": code,
        "token": _order_token(app),  # the buyer's order page walked as it is; other tokens refuse it
        "action": "suspend",
        "rest": "x",
        "name": "x.webp",
        "number_str": number,
    }
    for table, value in ids.items():
        samples.setdefault(table.rstrip("s") + "_id", value or 1)
    for arg, table in plural.items():
        samples.setdefault(arg + "_id", ids.get(table) or 1)
    samples["number"] = 1
    return samples


def _order_token(app) -> str:
    """The signed link of a placed order at the world's offer (the buyer's order page and its cancel)."""
    from vonhier.orders import ledger
    from vonhier.orders.models import Offer

    from .orders.test_ledger import order_of

    with app.app_context():
        order = order_of(db.session.scalar(select(Offer).limit(1)), 1)
        db.session.commit()
        return ledger.order_token(order)


def _base(fields) -> dict:
    """A form's values as its page gives them, empty text fields filled in plausibly."""
    base = {}
    for name, kind, value in fields:
        if value is None or kind == "file":
            continue
        base.setdefault(name, []).append(
            value or ("" if kind in ("checkbox", "hidden", "select") else _plausible(name, kind))
        )
    return base


def _walk_form(walk, client, role, action, fields, extra=dict):
    """Each hostile value once into each field of a form; `extra()`: fields added to each request."""
    base = _base(fields)
    for name, kind, _value in fields:
        if name == "csrf_token" or ROW.search(name):
            continue  # rows of a list (ingredients-1-…) are read as the first row is
        values = HOSTILE if kind not in CHOICE else {k: HOSTILE[k] for k in CHOICE_VALUES}
        for label, value in values.items():
            data = {**base, **extra()}
            if kind == "file":
                data[name] = (io.BytesIO(_png()), value)
            else:
                data[name] = value
            walk.send(client, "POST", action, f"{role} {name}={label}", data=data)


def _walk_review(walk, clients, shop_form):
    """The shop's order form, sent as filled in, shows the review (nothing saved); its form, reached only
    by that POST, is walked with the order button ("place", a new submission key each time, so that
    each request is a new order rather than a return to the first) and with "Change"."""
    import secrets

    role, action, fields = shop_form
    response = walk.send(clients[role], "POST", action, f"{role} review", data=_base(fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="reviewed"' in page, "the walk did not reach the review"
    parser = Forms()
    parser.feed(page)
    review = next(f for method, to, f in parser.forms if method == "post" and urlsplit(to).path == action)
    for step in ("place", "change"):

        def extra(step=step):
            return {"step": step, "submission_key": secrets.token_urlsafe(24)}

        _walk_form(walk, clients[role], f"{role} {step}", action, review, extra)


def _urls(app, rule, samples):
    """The route with real arguments, and with each string argument replaced by hostile text."""
    real, hostile = {}, []
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if isinstance(converter, IntegerConverter):
            real[arg] = samples.get(arg)
        else:
            real[arg] = samples.get("number_str" if arg == "number" else arg) or samples.get(arg) or "1"
            hostile.append(arg)
        if real[arg] is None:
            return None
    with app.test_request_context():
        from flask import url_for

        urls = [url_for(rule.endpoint, **real)]
        for arg in hostile:
            for value in (HOSTILE["nul"], HOSTILE["path"], HOSTILE["crlf"]):
                urls.append(url_for(rule.endpoint, **{**real, arg: value}))
    return urls


def test_hostile_input_never_breaks_anything(app, base_config, capsys):
    """In the suite through Flask's test client (an exception shows its traceback); with
    VONHIER_HOSTILE_SERVER=gunicorn the same walk goes over HTTP to gunicorn with 2 workers on the
    test database, as production runs (the issue's reliability figures)."""
    started = time.monotonic()
    people = _world(app)
    limiter.enabled = False
    try:
        if os.environ.get("VONHIER_HOSTILE_SERVER") == "gunicorn":
            with gunicorn({**base_config, "RATELIMIT_ENABLED": False}) as server:
                _walk_everything(app, _clients(app, people, server))
        else:
            _walk_everything(app, _clients(app, people))
    finally:
        limiter.enabled = True
    with capsys.disabled():
        print(f"\nhostile input: {WALK.sent} requests in {time.monotonic() - started:.0f} s")


WALK = None


def _walk_everything(app, clients):
    global WALK
    samples = _samples(app)
    WALK = walk = Walk(app)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    assert set(SKIP) <= {r.endpoint for r in app.url_map.iter_rules()}, "stale SKIP entries"
    unwalkable = [r.rule for r in rules if _urls(app, r, samples) is None]
    assert unwalkable == [], "add a sample for these path arguments, or a reason to SKIP"
    adapter = app.url_map.bind("localhost")
    forms = {}  # endpoint of a POST form → (role, action, fields), the first role that reaches it
    get_rules = [r for r in rules if "GET" in r.methods]
    post_rules = [r for r in rules if "POST" in r.methods]
    for rule in get_rules:
        urls = _urls(app, rule, samples)
        reached = None
        for role in ROLES:
            response = walk.send(clients[role], "GET", urls[0], role)
            if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                parser = Forms()
                parser.feed(response.get_data(as_text=True))
                for method, action, fields in parser.forms:
                    path = urlsplit(action).path or urls[0].split("?")[0]
                    try:
                        endpoint, _args = adapter.match(path, method=method.upper())
                    except HTTPException:
                        continue
                    if method == "get":
                        reached = reached or (role, [f[0] for f in fields])
                    elif endpoint not in forms and endpoint not in SKIP:
                        forms[endpoint] = (role, path, fields)
                reached = reached or (role, [])
        role, names = reached or ("anonymous", [])
        params = sorted(set(PARAMS) | set(names))
        for name, value in HOSTILE.items():
            walk.send(clients[role], "GET", urls[0], f"query {name}", query_string={p: value for p in params})
        for url in urls[1:]:
            walk.send(clients[role], "GET", url, "hostile path")
    for role, action, fields in forms.values():
        _walk_form(walk, clients[role], role, action, fields)
    _walk_review(walk, clients, forms["orders.shop"])
    for rule in post_rules:
        if rule.endpoint in forms:
            continue
        urls = _urls(app, rule, samples)
        for role in ("owner", "certifier", "admin"):
            for label in ("nul", "crlf", "long", "int64"):
                walk.send(clients[role], "POST", urls[0], f"{role} bare {label}", data={"x": HOSTILE[label]})
    for rule in post_rules:
        url = _urls(app, rule, samples)[0]
        for body in ('{"name": "a\\u0000b"}', '{"n": NaN}', '{"s": "\\ud800"}', "{"):
            walk.send(
                clients["owner"], "POST", url, f"json {body}", data=body, content_type="application/json"
            )
    with app.app_context():
        referenced = set()
        for column in (Organisation.logo, ProductImage.filename, OutletImage.filename, Evidence.filename):
            referenced |= set(db.session.scalars(select(column)))
    # Files of earlier tests in this process lost their rows when the database was emptied.
    orphans = sorted(f for f in walk._files() - walk.first_files if os.path.basename(f) not in referenced)
    assert orphans == [], "files without their row"
    assert walk.failures == [], f"{len(walk.failures)} of {walk.sent} requests:\n" + "\n".join(
        walk.failures[:60]
    )
