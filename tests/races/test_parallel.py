"""Twenty identical requests at once against a real server (gunicorn, 2 workers) on the test
database: every action has exactly one effect, every other request is refused (409) or led to what
the first one made (303), and none fails (5xx). Who wins is decided by the database."""

import threading
from collections import Counter
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.conftest import _reset_database
from tests.live import gunicorn
from vonhier.accounts.models import User
from vonhier.catalogue.models import ProductVersion, SupplierLink
from vonhier.certification import workflow
from vonhier.certification.models import Application, ApplicationItem, AuditRecord, Certificate
from vonhier.clock import local_now
from vonhier.extensions import db
from vonhier.payments import services as payments
from vonhier.payments import years
from vonhier.payments.models import Invoice, Licence, Payment
from vonhier.permissions import SYSTEM
from vonhier.suppliers.models import ShortlistEntry

PARALLEL = 20
FIGURES = []  # (action, requests, effects, status counts): printed at the end of the module


@pytest.fixture(scope="module")
def server(_migrated_app, base_config):
    """gunicorn with 2 workers on the test database, once for the module; emptied afterwards."""
    try:
        with gunicorn({**base_config, "RATELIMIT_LOGIN": "1000 per minute"}) as url:
            yield url
    finally:
        _reset_database(_migrated_app)
        for action, sent, effects, codes in FIGURES:
            print(
                f"\n{db_name(_migrated_app)}: {action}: {sent} requests, {effects} effect(s), {dict(codes)}"
            )


def db_name(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]


def session_of(url, user) -> requests.Session:
    session = requests.Session()
    response = session.post(
        f"{url}/login", data={"email": user.email, "password": user.password}, allow_redirects=False
    )
    assert response.status_code == 302, response.text[-500:]
    return session


def at_once(session, url, data=None):
    """PARALLEL identical POSTs with the session's cookies, released together by a barrier."""
    barrier = threading.Barrier(PARALLEL)
    results = [None] * PARALLEL

    def fire(n):
        client = requests.Session()
        client.cookies.update(session.cookies)
        barrier.wait()
        response = client.post(url, data=data, allow_redirects=False, timeout=60)
        results[n] = (response.status_code, response.headers.get("Location"), response.text)

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def check(action, results, effects, losers):
    """Exactly one effect; one winner (302), the rest `losers`: 409, or 303 to where the winner led."""
    codes = Counter(code for code, _, _ in results)
    FIGURES.append((action, len(results), effects, codes))
    assert not [text[-800:] for code, _, text in results if code >= 500], action
    assert effects == 1, (action, codes)
    if losers == 409:
        assert codes == {302: 1, 409: PARALLEL - 1}, (action, codes)
    else:  # a later click may also find what the first made before it: the same redirect, 302
        assert set(codes) <= {302, 303}, (action, codes)
        assert len({location for _, location, _ in results}) == 1, action


def count(app, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement)


@pytest.fixture
def producer(_migrated_app):
    """A licensed producer with a product meeting the criteria, signed in on the server."""
    app = _migrated_app
    owner = factories.user(app)
    org = factories.organisation(app, owner_id=owner.id)
    factories.licence(app, org.id)
    farm = factories.site(app, org.id, town="Prenzlau", latitude=53.3167, longitude=13.8667)
    shop = factories.site(app, org.id, town="Prenzlau", latitude=53.3167, longitude=13.8667, kind="shop")
    product_id = factories.product(
        app,
        owner.id,
        org.id,
        [("Eier", 100, farm.id, False)],
        stages=[("packing", farm.id), ("point_of_sale", shop.id)],
        name_de="Landeier",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    return SimpleNamespace(app=app, owner=owner, org=org, farm=farm, product_id=product_id)


@pytest.fixture
def certifier(_migrated_app):
    return factories.user_with_role(_migrated_app, "certifier")


def application_in(server, producer, certifier, state) -> int:
    """An application brought to `state` one request at a time."""
    owner = session_of(server, producer.owner)
    response = owner.post(
        f"{server}/certification/applications/new",
        data={"products": [producer.product_id]},
        allow_redirects=False,
    )
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    steps = {"draft": [], "submitted": ["submit"], "in_review": ["submit", "take"]}[state]
    for step in steps:
        client = owner if step == "submit" else session_of(server, certifier)
        response = client.post(
            f"{server}/certification/applications/{application_id}/{step}", allow_redirects=False
        )
        assert response.status_code == 302, response.text[-500:]
    return application_id


def records(app, application_id, action) -> int:
    return count(
        app,
        select(func.count(AuditRecord.id)).where(
            AuditRecord.subject_type == "application",
            AuditRecord.subject_id == application_id,
            AuditRecord.action == action,
        ),
    )


def test_new_application(server, producer):
    """A double-clicked "apply": one application; every other click lands on it."""
    owner = session_of(server, producer.owner)
    results = at_once(owner, f"{server}/certification/applications/new", {"products": [producer.product_id]})
    effects = count(
        producer.app,
        select(func.count(ApplicationItem.id)).where(ApplicationItem.product_id == producer.product_id),
    )
    check("new application", results, effects, 303)


@pytest.mark.parametrize(
    ("action", "state", "by"), [("submit", "draft", "owner"), ("take", "submitted", "certifier")]
)
def test_workflow_step(server, producer, certifier, action, state, by):
    application_id = application_in(server, producer, certifier, state)
    client = session_of(server, producer.owner if by == "owner" else certifier)
    results = at_once(client, f"{server}/certification/applications/{application_id}/{action}")
    check(action, results, records(producer.app, application_id, action), 409)


def test_approve(server, producer, certifier):
    application_id = application_in(server, producer, certifier, "in_review")
    with producer.app.app_context():  # an audit that saw every criterion opens the evidence gate
        application = db.session.get(Application, application_id)
        audit = {
            "audit_date": local_now().date(),
            "mode": "on_site",
            "auditor": "Paul Prüfer",
            "criteria": [c.code for c in application.catalogue.criteria],
        }
        workflow.record_audit(db.session.get(User, certifier.id), application, audit)
        db.session.commit()
    client = session_of(server, certifier)
    results = at_once(
        client, f"{server}/certification/applications/{application_id}/approve", {"reason": "gut"}
    )
    certificates = count(
        producer.app, select(func.count(Certificate.id)).where(Certificate.application_id == application_id)
    )
    check("approve", results, certificates, 409)
    assert records(producer.app, application_id, "approve") == 1


@pytest.fixture
def accepted(_migrated_app):
    """An owner who has accepted this year's terms, with no invoice yet."""
    owner = factories.user_with_role(_migrated_app, "owner")
    with _migrated_app.app_context():
        licence_id = payments.accept_terms(SYSTEM, owner.organisation.id).id
        db.session.commit()
    return SimpleNamespace(owner=owner, licence_id=licence_id)


def test_invoice(server, _migrated_app, accepted):
    """A double-clicked "create invoice": one invoice, one number used; every click shows it."""
    results = at_once(session_of(server, accepted.owner), f"{server}/licence/invoice")
    invoices = select(func.count(Invoice.id)).where(Invoice.licence_id == accepted.licence_id)
    check("invoice", results, count(_migrated_app, invoices), 303)
    numbers = count(_migrated_app, select(func.count(Invoice.id)))
    with _migrated_app.app_context():
        assert max(int(n[-5:]) for n in db.session.scalars(select(Invoice.number))) == numbers  # no gap


def test_mark_paid(server, _migrated_app, accepted):
    with _migrated_app.app_context():
        invoice = payments.create_invoice(SYSTEM, db.session.get(Licence, accepted.licence_id))
        invoice_id, gross = invoice.id, invoice.gross_cents
        db.session.commit()
    admin = session_of(server, factories.user_with_role(_migrated_app, "admin"))
    results = at_once(
        admin,
        f"{server}/admin/invoices/{invoice_id}/paid",
        {"paid_on": local_now().date().isoformat(), "amount": f"{gross // 100},{gross % 100:02d}"},
    )
    paid = select(func.count(Payment.id)).where(Payment.licence_id == accepted.licence_id)
    check("mark paid", results, count(_migrated_app, paid), 409)


def test_accept_terms(server, _migrated_app):
    owner = factories.user_with_role(_migrated_app, "owner")
    results = at_once(session_of(server, owner), f"{server}/licence/accept", {"accept": "y"})
    licences = select(func.count(Licence.id)).where(Licence.organisation_id == owner.organisation.id)
    check("accept licence terms", results, count(_migrated_app, licences), 409)


def test_accept_terms_of_the_last_year_offered(server, _migrated_app):
    """Next year's licence from 1 October (else this year's): one per organisation and year, too."""
    owner = factories.user_with_role(_migrated_app, "owner")
    with _migrated_app.app_context():
        year = max(years.offered())
    data = {"accept": "y", "year": str(year)}
    results = at_once(session_of(server, owner), f"{server}/licence/accept", data)
    licences = select(func.count(Licence.id)).where(
        Licence.organisation_id == owner.organisation.id, Licence.year == year
    )
    check(f"accept licence terms for {year}", results, count(_migrated_app, licences), 409)


def test_supplier_confirmation(server, producer, mailbox):
    """The supplier answers a request 20 times at once: one answer, one product version, one mail."""
    app = producer.app
    supplier = factories.user_with_role(app, "owner")
    field = factories.site(
        app, supplier.organisation.id, town="Prenzlau", latitude=53.3167, longitude=13.8667
    )
    processor = factories.user_with_role(app, "owner")
    product_id = factories.product(
        app,
        processor.id,
        processor.organisation.id,
        [("Eier", 100, field.id, False)],
        name_de="Eierlikör",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    with app.app_context():
        link_id = db.session.scalar(select(SupplierLink.id).where(SupplierLink.product_id == product_id))
    versions = select(func.count(ProductVersion.id)).where(ProductVersion.product_id == product_id)
    before = count(app, versions)
    results = at_once(
        session_of(server, supplier),
        f"{server}/catalogue/supplier-requests/{link_id}",
        {"decision": "confirm"},
    )
    check("supplier confirmation", results, count(app, versions) - before, 409)
    assert len(mailbox.to(processor.email)) == 1


def test_shortlist_add(server, _migrated_app):
    """A double-clicked "add to shortlist": one entry; every click lands on the supplier's page."""
    app = _migrated_app
    supplier = factories.user_with_role(app, "owner")
    factories.licence(app, supplier.organisation.id)
    retailer = factories.user_with_role(app, "retailer")
    results = at_once(
        session_of(server, retailer), f"{server}/suppliers/{supplier.organisation.id}/shortlist"
    )
    entries = select(func.count(ShortlistEntry.id)).where(
        ShortlistEntry.retailer_id == retailer.organisation.id
    )
    check("shortlist add", results, count(app, entries), 303)
