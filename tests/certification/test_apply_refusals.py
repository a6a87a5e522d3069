"""A producer's refusals when applying and submitting: shown on the page they came from, with the reason,
the link that removes it and what was chosen, never on a bare error page; and nothing saved."""

import re

import pytest
from sqlalchemy import func, select, update

from tests import factories
from vonhier.accounts.models import User
from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Product
from vonhier.certification import access, workflow
from vonhier.certification.models import Application, Certificate
from vonhier.extensions import db
from vonhier.permissions import SYSTEM

from .conftest import signed_in
from .test_workflow import act, bring_to, create, status


def unconfirm(app, user_id):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(email_confirmed_at=None))
        db.session.commit()


def applications(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Application))


def make_failing(app, product_id):
    """Haltungsform 2: the product fails VH-T1 (Haltungsform at least 3)."""
    with app.app_context():
        product = db.session.get(Product, product_id)
        product.husbandry_level = 2
        catalogue.record_version(SYSTEM, product)
        db.session.commit()


def test_applying_needs_a_confirmed_email_address(app, scene):
    unconfirm(app, scene.owner.id)
    response = scene.producer_client.post(
        "/certification/applications/new", data={"products": [scene.product_id]}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in html and "bauer@example.org" in html
    assert 'href="/account"' in html and "Bestätigungs-E-Mail erneut senden" in html
    # What was chosen is kept; nothing was saved.
    assert re.search(rf'value="{scene.product_id}"\s+checked', html)
    assert applications(app) == 0


def test_the_apply_page_says_beforehand_what_is_missing(app, scene):
    unconfirm(app, scene.owner.id)
    html = scene.producer_client.get("/certification/applications/new").get_data(as_text=True)
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in html and 'href="/account"' in html


def test_submitting_needs_a_confirmed_email_address(app, scene):
    application_id = create(scene)
    unconfirm(app, scene.owner.id)
    response = act(scene.producer_client, application_id, "submit")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in html and 'href="/account"' in html
    assert f"Antrag #{application_id}" in html  # the application's page
    assert status(app, application_id) == "draft"


def test_the_confirmation_rule_is_the_services(app, scene):
    unconfirm(app, scene.owner.id)
    with app.test_request_context():
        owner = db.session.get(User, scene.owner.id)
        with pytest.raises(access.WorkflowError) as refused:
            workflow.create_application(owner, scene.org.id, [scene.product_id])
        assert [link.href for link in refused.value.links] == ["/account"]


def test_editing_a_product_needs_no_confirmed_address(app, scene):
    unconfirm(app, scene.owner.id)
    response = scene.producer_client.get(f"/catalogue/products/{scene.product_id}/edit")
    assert response.status_code == 200


def test_submitting_without_a_licence_shows_the_way_to_the_licence(app):
    """Issue 16: this ended on a bare "409 Konflikt" page without a link to "Lizenz"."""
    stranger = factories.user_with_role(app, "owner")
    farm = factories.site(app, stranger.organisation.id)
    product_id = factories.product(
        app, stranger.id, stranger.organisation.id, [("Honig", 100, farm.id, False)], category="honey"
    )
    client = signed_in(app, stranger)
    new_page = client.get("/certification/applications/new").get_data(as_text=True)
    assert 'href="/licence/"' in new_page  # said before anyone presses a button
    response = client.post("/certification/applications/new", data={"products": [product_id]})
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = act(client, application_id, "submit")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Für einen Antrag ist eine gültige Siegel-Lizenz nötig." in html
    assert re.search(r'<a href="/licence/"[^>]*>Lizenz</a>', html)
    assert "Konflikt" not in html  # the application's page, not the error page
    assert status(app, application_id) == "draft"


def test_a_failing_criterion_is_named_on_the_apply_page(app, scene):
    make_failing(app, scene.product_id)
    html = scene.producer_client.get("/certification/applications/new").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # The criterion and the reason, not only "nicht erfüllt".
    assert "nicht erfüllt VH-T1 Haltungsform mindestens Stufe 3 Haltungsform 2 &lt; 3" in text
    assert f'href="/catalogue/products/{scene.product_id}/edit"' in html


def test_submitting_a_failing_product_is_refused_with_the_criterion_and_the_product(app, scene):
    application_id = create(scene)
    make_failing(app, scene.product_id)
    response = act(scene.producer_client, application_id, "submit")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "„Landeier“ erfüllt nicht jedes Kriterium: VH-T1 Haltungsform mindestens Stufe 3" in html
    assert f'href="/catalogue/products/{scene.product_id}/edit"' in html
    assert status(app, application_id) == "draft"
    with app.app_context():
        assert db.session.get(Application, application_id).items[0].product_version_id is None


def test_submitting_twice_says_why_on_the_application_page(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "submitted")
    response = act(scene.producer_client, application_id, "submit")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Dieser Schritt ist nicht möglich" in html and "Konflikt" not in html
    assert status(app, application_id) == "submitted"


def test_a_refused_renewal_is_shown_on_the_certification_page(app, scene):
    application_id = create(scene)
    bring_to(scene, application_id, "approved")
    with app.app_context():
        certificate_id = db.session.scalar(
            select(Certificate.id).where(Certificate.application_id == application_id)
        )
    unconfirm(app, scene.owner.id)
    response = scene.producer_client.post(f"/certification/certificates/{certificate_id}/renew")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in html and 'href="/account"' in html
    assert applications(app) == 1
