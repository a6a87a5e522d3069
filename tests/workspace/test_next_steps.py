"""The producer's next steps: each appears when its cause is there and goes when it is dealt with, and
they come in the order the issue gives (e-mail, licence, products, applications, certificates,
supplier requests, inquiries)."""

from datetime import timedelta

from sqlalchemy import select, update

from tests import factories
from tests.certification.conftest import scene, signed_in  # noqa: F401 (fixtures used here)
from tests.certification.test_workflow import act, approved_certificate, bring_to, create, upload
from vonhier.accounts.models import User
from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Product, ProductStatus, SupplierLink
from vonhier.certification.models import Certificate
from vonhier.clock import utcnow
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.payments import services as payments
from vonhier.payments.models import Licence
from vonhier.permissions import SYSTEM
from vonhier.suppliers import services as suppliers
from vonhier.workspace import services

ORDER = ["confirm", "licence", "failing", "evidence", "changes", "expiring", "suppliers", "inquiries"]


def steps(app, user_id: int, organisation_id: int) -> list[services.Step]:
    with app.test_request_context():
        user = db.session.get(User, user_id)
        organisation = db.session.get(Organisation, organisation_id)
        return services.next_steps(user, organisation, services.product_rows(organisation_id))


def keys(app, scene) -> list[str]:  # noqa: F811 (the fixture's name)
    return [step.key for step in steps(app, scene.owner.id, scene.org.id)]


def missing_kinds(app, scene) -> set[str]:  # noqa: F811
    with app.test_request_context():
        (row,) = services.product_rows(scene.org.id)
        return {kind for r in row.results for kind in r.figures.get("missing_evidence", [])}


def test_a_licensed_producer_with_a_fresh_product_is_asked_for_evidence_only(app, scene):  # noqa: F811
    assert keys(app, scene) == ["evidence"]
    (step,) = steps(app, scene.owner.id, scene.org.id)
    assert step.text == "Für 1 Produkt fehlen Nachweise: Laden Sie die Dokumente mit einem Antrag hoch."
    assert step.link == "/certification/"


def test_evidence_step_goes_when_the_documents_are_in_the_application(app, scene):  # noqa: F811
    application_id = create(scene)
    kinds = missing_kinds(app, scene)
    assert kinds  # eggs: husbandry and feed documents
    for kind in kinds:
        assert upload(scene.producer_client, application_id, kind=kind).status_code == 302
    assert "evidence" not in keys(app, scene)


def test_unconfirmed_address_comes_first_and_goes_when_confirmed(app, scene):  # noqa: F811
    with app.app_context():
        db.session.execute(update(User).where(User.id == scene.owner.id).values(email_confirmed_at=None))
        db.session.commit()
    found = steps(app, scene.owner.id, scene.org.id)
    assert found[0].key == "confirm" and "bauer@example.org" in found[0].text
    assert found[0].link == "/account"
    with app.app_context():
        db.session.execute(update(User).where(User.id == scene.owner.id).values(email_confirmed_at=utcnow()))
        db.session.commit()
    assert "confirm" not in keys(app, scene)


def test_licence_none_unpaid_and_paid(app):
    owner = factories.user(app)
    org = factories.organisation(app, owner_id=owner.id, display_name="Hof Neuland")
    licence_step, first_product = steps(app, owner.id, org.id)
    assert first_product.key == "first_product" and first_product.link == "/catalogue/"
    assert licence_step.key == "licence" and licence_step.link == "/licence/"
    assert licence_step.text.startswith("Hof Neuland hat noch keine Lizenz für")
    with app.app_context():
        payments.accept_terms(SYSTEM, org.id)
        db.session.commit()
    licence_step, _ = steps(app, owner.id, org.id)
    assert "ist noch nicht bezahlt" in licence_step.text
    with app.app_context():
        licence = payments.licence_for(org.id)
        invoice = payments.create_invoice(SYSTEM, licence)
        payments.mark_invoice_paid(SYSTEM, invoice, utcnow().date(), invoice.gross_cents)
        db.session.commit()
    assert [s.key for s in steps(app, owner.id, org.id)] == ["first_product"]


def test_failing_product_step_names_it_and_goes_when_archived(app, scene):  # noqa: F811
    far = factories.site(app, scene.org.id, name="Alm", town="München", latitude=48.137, longitude=11.575)
    failing = factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Milch", 100, far.id, False)],
        stages=[("packing", far.id)],
        name_de="Almkäse",
    )
    found = {s.key: s for s in steps(app, scene.owner.id, scene.org.id)}
    assert list(found) == ["failing", "evidence"]
    assert found["failing"].text.startswith("1 Produkt erfüllt nicht alle Kriterien")
    assert found["failing"].link == f"/catalogue/products/{failing}"
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == failing).values(status=ProductStatus.ARCHIVED))
        db.session.commit()
    assert keys(app, scene) == ["evidence"]


def test_changes_requested_step_links_the_application(app, scene):  # noqa: F811
    application_id = create(scene)
    bring_to(scene, application_id, "changes_requested")
    (step,) = [s for s in steps(app, scene.owner.id, scene.org.id) if s.key == "changes"]
    assert step.link == f"/certification/applications/{application_id}"
    assert step.text.startswith("Die Prüfstelle bittet um Änderungen an 1 Antrag")
    assert act(scene.producer_client, application_id, "submit").status_code == 302
    assert "changes" not in keys(app, scene)


def test_certificate_ending_within_60_days(app, scene):  # noqa: F811
    certificate_id, _number = approved_certificate(app, scene)
    today = utcnow().date()
    for days, expected in ((30, True), (60, True), (61, False), (-1, False)):
        with app.app_context():
            db.session.execute(
                update(Certificate)
                .where(Certificate.id == certificate_id)
                .values(valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=days))
            )
            db.session.commit()
        assert ("expiring" in keys(app, scene)) is expected, days


def test_supplier_request_and_unread_inquiry(app, scene):  # noqa: F811
    processor = factories.user(app)
    dairy = factories.organisation(app, owner_id=processor.id, kinds=("processor",))
    factories.product(app, processor.id, dairy.id, [("Eier", 100, scene.farm.id, False)], name_de="Eierlikör")
    retailer = factories.user_with_role(app, "retailer")
    with app.test_request_context():
        suppliers.start_inquiry(
            db.session.get(User, retailer.id), scene.org.id, "Eier", "Liefern Sie nach Berlin?"
        )
        db.session.commit()
    assert keys(app, scene) == ["evidence", "suppliers", "inquiries"]
    found = {s.key: s for s in steps(app, scene.owner.id, scene.org.id)}
    assert found["suppliers"].link == "/catalogue/supplier-requests"
    assert found["inquiries"].link == "/inquiries/"
    with app.test_request_context():
        owner = db.session.get(User, scene.owner.id)
        link = db.session.scalar(select(SupplierLink))
        catalogue.decide_supplier_request(owner, link.id, True)
        thread = suppliers.threads_of(owner, db.session.get(Organisation, scene.org.id))[0][0]
        suppliers.mark_read(owner, thread)
        db.session.commit()
    assert keys(app, scene) == ["evidence"]


def test_steps_keep_the_issues_order(app, scene):  # noqa: F811
    """Everything at once: an unconfirmed owner without a licence, a failing product, an application
    waiting for changes, a certificate ending soon, a supplier request and an inquiry."""
    certificate_id, _number = approved_certificate(app, scene)
    second = factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Eier", 100, scene.farm.id, False)],
        stages=[("packing", scene.farm.id)],
        name_de="Bruchei",
        category="eggs",
        species="chicken",
        husbandry_level=4,
    )
    response = scene.producer_client.post("/certification/applications/new", data={"products": [second]})
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    bring_to(scene, application_id, "changes_requested")
    far = factories.site(app, scene.org.id, name="Alm", town="München", latitude=48.137, longitude=11.575)
    factories.product(app, scene.owner.id, scene.org.id, [("Milch", 100, far.id, False)], name_de="Almkäse")
    processor = factories.user(app)
    dairy = factories.organisation(app, owner_id=processor.id, kinds=("processor",))
    factories.product(app, processor.id, dairy.id, [("Eier", 100, scene.farm.id, False)], name_de="Eierlikör")
    retailer = factories.user_with_role(app, "retailer")
    with app.test_request_context():
        suppliers.start_inquiry(db.session.get(User, retailer.id), scene.org.id, "Eier", "Liefern Sie?")
        db.session.commit()
    today = utcnow().date()
    with app.app_context():
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == certificate_id)
            .values(valid_until=today + timedelta(days=20))
        )
        db.session.execute(update(User).where(User.id == scene.owner.id).values(email_confirmed_at=None))
        db.session.execute(
            update(Licence).where(Licence.organisation_id == scene.org.id).values(status="cancelled")
        )
        db.session.commit()
    assert keys(app, scene) == ORDER
