"""The application workflow, certificates, conflict of interest, evidence, the register."""

import io
import os
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tests import factories
from vonhier.catalogue.models import Product
from vonhier.certification import access, certificates, workflow
from vonhier.certification.models import (
    ONE_FIRST_CERTIFICATE,
    ONE_SUCCESSOR,
    Application,
    ApplicationItem,
    ApplicationStatus,
    AuditRecord,
    Certificate,
    CertificateProduct,
    CertificateStatus,
    Evidence,
)
from vonhier.database import violates
from vonhier.extensions import db

from .conftest import signed_in

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def create(scene):
    response = scene.producer_client.post(
        "/certification/applications/new", data={"products": [scene.product_id]}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def upload(client, application_id, content=PDF, kind="husbandry_certificate", name="nachweis.pdf"):
    return client.post(
        f"/certification/applications/{application_id}/evidence",
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def act(client, application_id, action, reason=""):
    return client.post(f"/certification/applications/{application_id}/{action}", data={"reason": reason})


def check_documents(app, client, application_id, checked="1"):
    """The certifier marks every document of the application as checked (the evidence gate)."""
    with app.app_context():
        ids = db.session.scalars(select(Evidence.id).where(Evidence.application_id == application_id)).all()
    for evidence_id in ids:
        response = client.post(f"/certification/evidence/{evidence_id}/check", data={"checked": checked})
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def audit_everything(app, scene, application_id):
    """The certifier records an on-site audit that saw the evidence of every criterion (the other way
    through the evidence gate)."""
    with app.app_context():
        from vonhier.accounts.models import User

        application = db.session.get(Application, application_id)
        codes = [c.code for c in application.catalogue.criteria]
        data = {"audit_date": date.today(), "mode": "on_site", "auditor": "Paul Prüfer", "criteria": codes}
        workflow.record_audit(db.session.get(User, scene.certifier.id), application, data)
        db.session.commit()


def status(app, application_id):
    with app.app_context():
        return db.session.get(Application, application_id).status.value


def test_apply_request_changes_resubmit_approve_register(app, scene, mailbox):
    """The issue's walk-through: apply, changes requested, fix, resubmit, approve, see it in the register."""
    application_id = create(scene)
    assert upload(scene.producer_client, application_id).status_code == 302
    assert upload(scene.producer_client, application_id, kind="feed_gmo_free").status_code == 302
    assert act(scene.producer_client, application_id, "submit").status_code == 302
    assert "eingereicht" in mailbox.last("bauer@example.org")["Subject"]

    assert act(scene.certifier_client, application_id, "take").status_code == 302
    assert (
        act(
            scene.certifier_client, application_id, "request_changes", "Bitte Verpackung angeben."
        ).status_code
        == 302
    )
    assert "Bitte Verpackung angeben." in mailbox.last("bauer@example.org").get_content()
    assert status(app, application_id) == "changes_requested"

    # The producer fixes the data: a new version is frozen on resubmission.
    edit = scene.producer_client.get(f"/catalogue/products/{scene.product_id}/edit")
    assert edit.status_code == 200
    with app.app_context():
        from vonhier.accounts.models import User
        from vonhier.catalogue import services as catalogue
        from vonhier.catalogue.models import Product

        product = db.session.get(Product, scene.product_id)
        product.description_de = "Eier aus Freilandhaltung, frisch gestempelt."
        catalogue.record_version(db.session.get(User, scene.owner.id), product)
        db.session.commit()
    assert act(scene.producer_client, application_id, "submit").status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.items[0].product_version.number == 2
    check_documents(app, scene.certifier_client, application_id)
    assert act(scene.certifier_client, application_id, "approve").status_code == 302
    assert status(app, application_id) == "approved"

    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert re.fullmatch(rf"VH-{date.today().year}-000001", certificate.number)
        assert certificate.valid_until - certificate.valid_from == timedelta(days=365)
        assert certificate.catalogue.version == 1
        assert certificate.products[0].product_version.number == 2
        number = certificate.number
    register = app.test_client().get("/certified?q=landeier").get_data(as_text=True)
    assert number in register and "gültig" in register
    page = app.test_client().get(f"/certificates/{number}").get_data(as_text=True)
    assert "Prüfstelle Mark" in page and "VON HIER" in page


ILLEGAL = [
    ("draft", "take"),
    ("draft", "approve"),
    ("draft", "reject"),
    ("draft", "request_changes"),
    ("submitted", "submit"),
    ("submitted", "approve"),
    ("submitted", "reject"),
    ("submitted", "request_changes"),
    ("in_review", "submit"),
    ("in_review", "take"),
    ("changes_requested", "approve"),
    ("changes_requested", "take"),
    ("changes_requested", "reject"),
    ("changes_requested", "request_changes"),
    ("approved", "approve"),
    ("approved", "withdraw"),
    ("approved", "submit"),
    ("approved", "request_changes"),
    ("rejected", "approve"),
    ("rejected", "submit"),
    ("withdrawn", "submit"),
    ("withdrawn", "take"),
]


def bring_to(scene, application_id, state):
    producer, certifier = scene.producer_client, scene.certifier_client
    steps = {
        "draft": [],
        "submitted": [(producer, "submit")],
        "in_review": [(producer, "submit"), (certifier, "take")],
        "changes_requested": [(producer, "submit"), (certifier, "take"), (certifier, "request_changes")],
        "approved": [(producer, "submit"), (certifier, "take"), (certifier, "check"), (certifier, "approve")],
        "rejected": [(producer, "submit"), (certifier, "take"), (certifier, "reject")],
        "withdrawn": [(producer, "withdraw")],
    }[state]
    if state == "approved":  # the documents the approval's evidence gate asks for
        for kind in ("husbandry_certificate", "feed_gmo_free"):
            assert upload(producer, application_id, kind=kind).status_code == 302
    for client, action in steps:
        if action == "check":
            check_documents(scene.app, client, application_id)
            continue
        assert act(client, application_id, action, "Grund").status_code == 302, (state, action)


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(app, scene, state, action):
    application_id = create(scene)
    bring_to(scene, application_id, state)
    with app.app_context():
        records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    client = (
        scene.certifier_client
        if action in ("take", "approve", "reject", "request_changes")
        else scene.producer_client
    )
    response = act(client, application_id, action, "Grund")
    # Never submitted (a draft, or withdrawn as one): not there for certifiers.
    unseen = state in ("draft", "withdrawn") and client is scene.certifier_client
    assert response.status_code == (404 if unseen else 409)
    assert status(app, application_id) == state
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records


@pytest.mark.parametrize("state", ["draft", "submitted", "in_review", "changes_requested"])
def test_producer_may_withdraw_before_a_decision(app, scene, state):
    application_id = create(scene)
    bring_to(scene, application_id, state)
    assert act(scene.producer_client, application_id, "withdraw").status_code == 302
    assert status(app, application_id) == "withdrawn"


def test_submitting_needs_a_current_licence(app, scene):
    """The licence gate: an organisation without a paid (or zero-fee) licence cannot submit."""
    stranger = factories.user_with_role(app, "owner")
    farm = factories.site(app, stranger.organisation.id)
    product_id = factories.product(
        app,
        stranger.id,
        stranger.organisation.id,
        [("Eier", 100, farm.id, False)],
        name_de="Eier",
        category="eggs",
    )
    client = signed_in(app, stranger)
    response = client.post("/certification/applications/new", data={"products": [product_id]})
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = act(client, application_id, "submit")
    assert response.status_code == 409
    assert "Für einen Antrag ist eine gültige Siegel-Lizenz nötig." in response.get_data(as_text=True)
    assert status(app, application_id) == "draft"


def test_reject_and_request_changes_need_a_reason(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    for action, reason in (("reject", ""), ("request_changes", "   ")):
        response = act(scene.certifier_client, application_id, action, reason)
        # On the application's page, next to the reason field of the decision panel, not a bare 400.
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Bitte geben Sie eine Begründung an." in page
        assert 'id="reason-error"' in page and "Landeier" in page
        assert re.search(
            rf'<input checked id="decision-\d" name="decision" required type="radio" value="{action}">', page
        )
    assert status(app, application_id) == "in_review"


def test_certifier_never_decides_on_own_organisation(app, scene):
    """Conflict of interest: a certifier who is also a member of the applicant may not decide."""
    with app.app_context():
        from vonhier.organisations.models import Membership

        db.session.add(Membership(user_id=scene.certifier.id, organisation_id=scene.org.id))
        db.session.commit()
    application_id = create(scene)
    bring_to(scene, application_id, "submitted")
    response = act(scene.certifier_client, application_id, "take")
    assert response.status_code == 403
    assert "Sie sind Mitglied von Hof Sonnenwiese" in response.get_data(as_text=True)
    assert status(app, application_id) == "submitted"


def test_certifier_cannot_certify_its_own_certification_body(app, scene):
    product_site = factories.site(app, scene.body.id)
    with app.app_context():
        from vonhier.accounts.models import User
        from vonhier.certification.workflow import create_application

        # Someone else of the body applies for the body's own product.
        colleague = factories.user(app)
        from vonhier.organisations.models import Membership

        db.session.add(Membership(user_id=colleague.id, organisation_id=scene.body.id))
        db.session.commit()
    factories.licence(app, scene.body.id)
    product_id = factories.product(
        app,
        colleague.id,
        scene.body.id,
        [("Honig", 100, product_site.id, False)],
        stages=[("packing", product_site.id)],
        name_de="Honig",
        category="honey",
        species="bees",
    )
    with app.app_context():
        application = create_application(db.session.get(User, colleague.id), scene.body.id, [product_id])
        workflow.submit(db.session.get(User, colleague.id), application)
        db.session.commit()
        application_id = application.id
    assert act(scene.certifier_client, application_id, "take").status_code == 403


def test_only_certifiers_decide_and_only_their_body(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    assert act(scene.producer_client, application_id, "approve").status_code == 403
    other = factories.user(app, roles=("certifier",))
    factories.organisation(app, kinds=("certification_body",), staff_ids=[other.id])
    assert act(signed_in(app, other), application_id, "approve").status_code == 403
    stranger = factories.user_with_role(app, "owner")
    assert signed_in(app, stranger).get(f"/certification/applications/{application_id}").status_code == 403
    assert status(app, application_id) == "in_review"


@pytest.mark.parametrize(
    ("content", "kind", "name"),
    [
        (b"MZ\x90\x00\x03 this is a windows program", "husbandry_certificate", "nachweis.pdf"),
        (b"%PDF-1.4 cut off in the middle", "husbandry_certificate", "nachweis.pdf"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "husbandry_certificate", "foto.jpg"),
        (b"", "husbandry_certificate", "leer.pdf"),
        (PDF, "spaceship_licence", "nachweis.pdf"),
    ],
)
def test_bad_evidence_is_refused(app, scene, content, kind, name):
    application_id = create(scene)
    response = upload(scene.producer_client, application_id, content, kind, name)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_oversized_evidence_is_refused(app, scene, monkeypatch):
    from vonhier.certification import evidence

    monkeypatch.setattr(
        evidence, "MAX_BYTES", 1000
    )  # the real limit is 10 MB; a small body keeps the test quick
    application_id = create(scene)
    response = upload(scene.producer_client, application_id, b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF")
    assert response.status_code == 400
    assert "10 MB" in response.get_data(as_text=True)


def test_evidence_is_frozen_after_submission(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "submitted")
    assert upload(scene.producer_client, application_id).status_code == 400


def test_evidence_download_needs_permission(app, scene):
    application_id = create(scene)
    upload(scene.producer_client, application_id)
    with app.app_context():
        evidence_id = db.session.scalar(select(Evidence.id))
    with scene.producer_client.get(f"/certification/evidence/{evidence_id}") as response:
        assert response.status_code == 200 and response.data == PDF
    stranger = signed_in(app, factories.user_with_role(app, "owner"))
    assert stranger.get(f"/certification/evidence/{evidence_id}").status_code == 403


def test_comments_and_audits(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    client = scene.certifier_client
    response = client.post(
        f"/certification/applications/{application_id}/comments",
        data={"criterion": "VH-T1", "product": str(scene.product_id), "text": "Stallbuch prüfen"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            f"/certification/applications/{application_id}/comments",
            data={"criterion": "XX-9", "product": "", "text": "?"},
        ).status_code
        == 400
    )
    response = client.post(
        f"/certification/applications/{application_id}/audits",
        data={
            "audit_date": "2026-11-20",
            "mode": "on_site",
            "auditor": "Paul Prüfer",
            "findings": "Alles in Ordnung",
            "follow_up_until": "2026-12-20",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            f"/certification/applications/{application_id}/audits",
            data={
                "audit_date": "2026-11-20",
                "mode": "on_site",
                "auditor": "P",
                "follow_up_until": "2026-11-01",
            },
        ).status_code
        == 400
    )
    page = scene.producer_client.get(f"/certification/applications/{application_id}").get_data(as_text=True)
    assert "Stallbuch prüfen" in page and "Alles in Ordnung" in page


def approved_certificate(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "approved")
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        return certificate.id, certificate.number


def test_suspend_reinstate_revoke_and_the_register_shows_it(app, scene, mailbox):
    certificate_id, number = approved_certificate(app, scene)
    client = scene.certifier_client
    deadline = (date.today() + timedelta(days=30)).isoformat()
    assert (
        client.post(
            f"/certification/certificates/{certificate_id}/suspend",
            data={"reason": "Futternachweis fehlt", "remedy_until": deadline},
        ).status_code
        == 302
    )
    page = app.test_client().get(f"/certificates/{number}").get_data(as_text=True)
    assert "ausgesetzt" in page and "Futternachweis fehlt" in page and "status-banner" in page
    assert "ausgesetzt" in mailbox.last("bauer@example.org").get_content()
    assert (
        client.post(
            f"/certification/certificates/{certificate_id}/reinstate", data={"reason": "Nachgereicht"}
        ).status_code
        == 302
    )
    empty = client.post(f"/certification/certificates/{certificate_id}/revoke", data={"reason": ""})
    assert empty.status_code == 400 and 'id="reason-error"' in empty.get_data(as_text=True)
    assert (
        client.post(
            f"/certification/certificates/{certificate_id}/revoke", data={"reason": "Betrug"}
        ).status_code
        == 302
    )
    register = app.test_client().get("/certified").get_data(as_text=True)
    assert number in register and "widerrufen" in register
    # Nothing comes back from revoked.
    assert client.post(f"/certification/certificates/{certificate_id}/reinstate", data={}).status_code == 409
    assert (
        scene.producer_client.post(
            f"/certification/certificates/{certificate_id}/revoke", data={"reason": "x"}
        ).status_code
        == 403
    )


def test_suspension_needs_a_future_deadline(app, scene):
    certificate_id, _ = approved_certificate(app, scene)
    response = scene.certifier_client.post(
        f"/certification/certificates/{certificate_id}/suspend",
        data={"reason": "x", "remedy_until": "2000-01-01"},
    )
    assert response.status_code == 409


def test_change_affecting_a_criterion_puts_certificate_under_review(app, scene, mailbox):
    certificate_id, number = approved_certificate(app, scene)
    data = {
        "name_de": "Landeier",
        "category": "eggs",
        "gmo_free": "y",
        "species": "chicken",
        "husbandry_level": "2",
        "package_unit": "",
        "ingredients-0-ingredient": "Eier",
        "ingredients-0-share": "100",
        "ingredients-0-is_main": "y",
        "ingredients-0-origin": "Hof",
        "stages-0-kind": "packing",
        "stages-0-site": str(scene.farm.id),
        "stages-1-kind": "point_of_sale",
        "stages-1-site": str(scene.shop.id),
    }
    edit = f"/catalogue/products/{scene.product_id}/edit"
    # A change that no criterion looks at keeps the certificate as it is.
    assert (
        scene.producer_client.post(
            edit, data={**data, "husbandry_level": "4", "description_de": "Neu"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Certificate, certificate_id).status == "active"
    assert scene.producer_client.post(edit, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Certificate, certificate_id).status == "review_needed"
    assert number in mailbox.last("pruefer@example.org")["Subject"]
    assert "wird geprüft" in app.test_client().get(f"/certificates/{number}").get_data(as_text=True)


def test_expiry_and_reminders_with_a_controlled_clock(app, scene, mailbox):
    certificate_id, number = approved_certificate(app, scene)
    with app.app_context():
        valid_until = db.session.get(Certificate, certificate_id).valid_until

    def remind(days_before):
        with app.app_context():
            counts = certificates.remind(valid_until - timedelta(days=days_before))
            db.session.commit()
            return counts

    assert remind(61) == {"reminded": 0, "expired": 0}
    assert remind(60) == {"reminded": 1, "expired": 0}
    assert "endet am" in mailbox.last("bauer@example.org")["Subject"]
    assert remind(59) == {"reminded": 0, "expired": 0}  # once is enough
    assert remind(30) == {"reminded": 1, "expired": 0}
    assert remind(-1) == {"reminded": 0, "expired": 1}
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        assert certificate.status == "expired"
        assert certificates.effective_status(certificate) == "expired"


def test_expired_by_date_even_before_the_daily_job(app, scene):
    certificate_id, _ = approved_certificate(app, scene)
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        assert (
            certificates.effective_status(certificate, certificate.valid_until + timedelta(days=1))
            == "expired"
        )
        assert certificates.effective_status(certificate, certificate.valid_until) == "active"


def test_renewal_starts_a_new_application(app, scene):
    certificate_id, _ = approved_certificate(app, scene)
    response = scene.producer_client.post(f"/certification/certificates/{certificate_id}/renew")
    assert response.status_code == 302
    with app.app_context():
        renewal = db.session.scalar(
            select(Application).where(Application.renews_certificate_id == certificate_id)
        )
        assert renewal.status == "draft" and renewal.items[0].product_id == scene.product_id


def test_cli_remind(app, scene):
    approved_certificate(app, scene)
    result = app.test_cli_runner().invoke(args=["certification", "remind"])
    assert result.exit_code == 0 and "0 reminders sent" in result.output


def test_register_filters(app, scene):
    approved_certificate(app, scene)
    client = app.test_client()
    assert "Landeier" in client.get("/certified?category=eggs").get_data(as_text=True)
    assert "Landeier" not in client.get("/certified?category=honey").get_data(as_text=True)
    assert "Landeier" in client.get("/certified?district=Uckermark").get_data(as_text=True)
    assert "Landeier" not in client.get("/certified?district=Prignitz").get_data(as_text=True)
    for query in ("?category=nonsense", "?q=" + "x" * 5000, "?q=%25"):
        assert client.get("/certified" + query).status_code == 200
    response = client.get("/certified?page=-5")
    assert response.status_code == 400 and "Diese Seite gibt es nicht." in response.get_data(as_text=True)
    assert client.get("/certificates/VH-0000-999999").status_code == 404


def test_products_failing_a_criterion_cannot_be_approved(app, scene):
    with app.app_context():
        from vonhier.catalogue.models import Product

        product = db.session.get(Product, scene.product_id)
        product.husbandry_level = 2
        from vonhier.catalogue import services as catalogue
        from vonhier.permissions import SYSTEM

        catalogue.record_version(SYSTEM, product)
        db.session.commit()
    application_id = create(scene)
    # Members cannot submit it (test_apply_refusals.py); an application from before that rule can.
    with app.app_context():
        workflow.submit(SYSTEM, db.session.get(Application, application_id))
        db.session.commit()
    assert act(scene.certifier_client, application_id, "take").status_code == 302
    response = act(scene.certifier_client, application_id, "approve")
    assert response.status_code == 409
    assert "Landeier" in response.get_data(as_text=True)
    assert status(app, application_id) == "in_review"


def test_two_decisions_at_the_same_moment_issue_one_certificate(app, scene):
    """Compare-and-set on the state: two certifiers' requests both load the application in review; the
    one that writes second passes the in-memory check but finds the row changed."""
    from vonhier.accounts.models import User

    colleague = factories.user(app, email="kollegin@example.org", roles=("certifier",))
    with app.app_context():
        from vonhier.organisations.models import Membership

        db.session.add(Membership(user_id=colleague.id, organisation_id=scene.body.id))
        db.session.commit()
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    audit_everything(app, scene, application_id)
    with app.app_context():  # request B: its own session, which read the state before A decided
        late = db.session.get(Application, application_id)
        late_certifier = db.session.get(User, colleague.id)
        assert late.status == "in_review"
        with app.app_context():  # request A: another session decides and commits first
            workflow.approve(
                db.session.get(User, scene.certifier.id), db.session.get(Application, application_id)
            )
            db.session.commit()
        assert late.status == "in_review"  # B's copy is stale: only the database can tell
        with pytest.raises(access.WorkflowError, match="Jemand anderes hat diesen Antrag gerade geändert"):
            workflow.approve(late_certifier, late)
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        decisions = db.session.scalars(
            select(AuditRecord).where(
                AuditRecord.subject_id == application_id, AuditRecord.action == "approve"
            )
        ).all()
        assert [d.actor_id for d in decisions] == [scene.certifier.id]
        assert db.session.get(Application, application_id).status == "approved"


def test_a_product_is_in_one_open_application_at_a_time(app, scene):
    """Does applying again for a product (a double click) lead to its open application, not a second one?"""
    application_id = create(scene)
    response = scene.producer_client.post(
        "/certification/applications/new", data={"products": [scene.product_id]}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/certification/applications/{application_id}"
    page = scene.producer_client.get(response.headers["Location"])
    assert "offenen Antrag" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id))) == 1


def test_a_closed_application_frees_its_products(app, scene):
    """Once withdrawn, may the product be applied for again — while the index still allows only one?"""
    first = create(scene)
    assert scene.producer_client.post(f"/certification/applications/{first}/withdraw").status_code == 302
    second = create(scene)
    with app.app_context():
        items = db.session.scalars(select(ApplicationItem).order_by(ApplicationItem.id)).all()
        assert [(i.application_id, i.is_open) for i in items] == [(first, False), (second, True)]
        # Reopening the first by hand is refused by the database itself.
        items[0].is_open = True
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_certificate_decisions_need_sound_input(app, scene):
    certificate_id, _ = approved_certificate(app, scene)
    client = scene.certifier_client
    with app.app_context():
        valid_until = db.session.get(Certificate, certificate_id).valid_until
    late = (valid_until + timedelta(days=10)).isoformat()
    assert (
        client.post(
            f"/certification/certificates/{certificate_id}/suspend",
            data={"reason": "x", "remedy_until": late},
        ).status_code
        == 409
    )
    soon = (date.today() + timedelta(days=10)).isoformat()
    client.post(
        f"/certification/certificates/{certificate_id}/suspend", data={"reason": "x", "remedy_until": soon}
    )
    assert (
        client.post(
            f"/certification/certificates/{certificate_id}/reinstate", data={"reason": ""}
        ).status_code
        == 400
    )


def test_audits_cannot_lie_in_the_future(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    future = (date.today() + timedelta(days=5)).isoformat()
    response = scene.certifier_client.post(
        f"/certification/applications/{application_id}/audits",
        data={"audit_date": future, "mode": "on_site", "auditor": "P"},
    )
    assert response.status_code == 400


def test_products_carry_the_end_of_their_current_certification(app, scene):
    """`Product.certified_until` (what searches filter on) follows every decision, as the
    certificates themselves say: the latest end of an active certificate naming the product."""

    def derived_and_expected():
        with app.app_context():
            product = db.session.get(Product, scene.product_id)
            active = db.session.scalars(
                select(Certificate.valid_until)
                .join(CertificateProduct, CertificateProduct.certificate_id == Certificate.id)
                .where(CertificateProduct.product_id == product.id, Certificate.status == "active")
            ).all()
            return product.certified_until, max(active, default=None), product.updated_at

    assert derived_and_expected()[:2] == (None, None)
    first_id, _ = approved_certificate(app, scene)
    derived, expected, changed_at = derived_and_expected()
    assert derived == expected and derived > date.today()
    client = scene.certifier_client
    deadline = (date.today() + timedelta(days=30)).isoformat()
    client.post(
        f"/certification/certificates/{first_id}/suspend", data={"reason": "x", "remedy_until": deadline}
    )
    assert derived_and_expected() == (None, None, changed_at)  # a decision is not a product edit
    client.post(f"/certification/certificates/{first_id}/reinstate", data={"reason": "ok"})
    assert derived_and_expected()[0] == expected
    # A renewal's certificate keeps the product certified when the first one is revoked.
    assert scene.producer_client.post(f"/certification/certificates/{first_id}/renew").status_code == 302
    with app.app_context():
        renewal = db.session.scalar(
            select(Application.id).where(Application.renews_certificate_id == first_id)
        )
    bring_to(scene, renewal, "approved")
    client.post(f"/certification/certificates/{first_id}/revoke", data={"reason": "Betrug"})
    derived, expected, _ = derived_and_expected()
    assert derived is not None and derived == expected
    # Any change of status through the session counts, also one made outside the services.
    with app.app_context():
        for certificate in db.session.scalars(select(Certificate)):
            certificate.status = CertificateStatus.SUSPENDED
        db.session.commit()
    assert derived_and_expected()[:2] == (None, None)
    # SQL past the session (a bulk UPDATE, a repair by hand) is caught up by the daily job.
    with app.app_context():
        db.session.execute(update(Certificate).values(status=CertificateStatus.ACTIVE))
        db.session.commit()
    assert derived_and_expected()[0] is None
    assert app.test_cli_runner().invoke(args=["certification", "remind"]).exit_code == 0
    derived, expected, _ = derived_and_expected()
    assert derived is not None and derived == expected


def test_a_products_certificates_form_one_chain(app, scene):
    """Does a renewal continue the product's chain, and does the database refuse a second branch —
    a second first certificate or a second successor, as two approvals at once would make?"""
    first_id, _ = approved_certificate(app, scene)
    assert scene.producer_client.post(f"/certification/certificates/{first_id}/renew").status_code == 302
    with app.app_context():
        renewal = db.session.scalar(
            select(Application.id).where(Application.renews_certificate_id == first_id)
        )
    bring_to(scene, renewal, "approved")
    with app.app_context():
        links = db.session.scalars(select(CertificateProduct).order_by(CertificateProduct.id)).all()
        assert [link.previous_id for link in links] == [None, links[0].id]
        second = links[1]
        # A third certificate (of an application without items), which two approvals would both link.
        template = db.session.get(Certificate, second.certificate_id)
        application = Application(
            organisation_id=template.organisation_id,
            catalogue_id=template.catalogue_id,
            status=ApplicationStatus.APPROVED,
        )
        db.session.add(application)
        db.session.flush()
        third = Certificate(
            number="VH-TEST-000001",
            application_id=application.id,
            organisation_id=template.organisation_id,
            certification_body_id=template.certification_body_id,
            catalogue_id=template.catalogue_id,
            valid_from=template.valid_from,
            valid_until=template.valid_until,
        )
        db.session.add(third)
        db.session.commit()
        for previous_id, index in ((None, ONE_FIRST_CERTIFICATE), (links[0].id, ONE_SUCCESSOR)):
            db.session.add(
                CertificateProduct(
                    certificate_id=third.id,
                    product_id=second.product_id,
                    product_version_id=second.product_version_id,
                    previous_id=previous_id,
                )
            )
            with pytest.raises(IntegrityError) as refused:
                db.session.flush()
            db.session.rollback()
            assert violates(refused.value, index)


def test_refused_evidence_leaves_no_file(app, scene):
    """A file name with a NUL is refused before anything is written; a refused document is never kept."""
    application_id = create(scene)
    folder = os.path.join(app.config["UPLOAD_DIR"], "evidence")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert upload(scene.producer_client, application_id, name="nach\x00weis.pdf").status_code == 400
    assert upload(scene.producer_client, application_id, kind="spaceship_licence").status_code == 400
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def chain_length(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditRecord))


CONTROL = "Dieser Text enthält Steuerzeichen. Bitte entfernen Sie sie."


def test_a_refused_reason_or_comment_comes_back_on_the_page_with_its_real_problem(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "in_review")
    client = scene.certifier_client
    records = chain_length(app)
    response = act(client, application_id, "request_changes", "Bitte\x00 Nachweis")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and CONTROL in page and "zu lang" not in page
    assert "Bitte\x00 Nachweis</textarea>" in page  # what was typed, in the action's own form
    assert f'action="/certification/applications/{application_id}/decide"' in page  # the decision panel
    assert 'checked id="decision-0" name="decision" required type="radio" value="request_changes"' in page
    long = act(client, application_id, "approve", "x" * 2001).get_data(as_text=True)
    assert "x" * 2001 + "</textarea>" in long and "2000" in long
    response = client.post(
        f"/certification/applications/{application_id}/comments",
        data={"criterion": "VH-T1", "product": str(scene.product_id), "text": "Stall\x07buch prüfen"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and CONTROL in page
    assert "Bitte wählen Sie ein Kriterium" not in page
    assert "Stall\x07buch prüfen</textarea>" in page and '<option selected value="VH-T1">' in page
    audit = client.post(
        f"/certification/applications/{application_id}/audits",
        data={"audit_date": "2026-11-20", "mode": "on_site", "auditor": "Paul\nPrüfer"},
    )
    assert audit.status_code == 400 and 'value="Paul\nPrüfer"' in audit.get_data(as_text=True)
    assert status(app, application_id) == "in_review"
    assert chain_length(app) == records  # nothing decided, nothing recorded


def test_a_refused_certificate_decision_comes_back_on_the_certificate_page(app, scene):
    certificate_id, number = approved_certificate(app, scene)
    client = scene.certifier_client
    records = chain_length(app)
    response = client.post(
        f"/certification/certificates/{certificate_id}/revoke", data={"reason": "Betrug\x1b belegt"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and CONTROL in page and number in page
    assert "Betrug\x1b belegt</textarea>" in page
    response = client.post(f"/certification/certificates/{certificate_id}/suspend", data={"reason": "Mängel"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Mängel</textarea>" in page
    with app.app_context():
        assert db.session.get(Certificate, certificate_id).status == CertificateStatus.ACTIVE
    assert chain_length(app) == records
