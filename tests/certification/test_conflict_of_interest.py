"""Conflict of interest: a certifier never acts on an organisation they belong to, on any certifier
route or service step, including ones added later; certifiers do not see never-submitted applications."""

import inspect
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from tests import factories
from vonhier.accounts.models import User
from vonhier.certification import (
    access,
    audit,
    certificates,
    criteria,
    review,
    review_pages,
    routes,
    workflow,
)
from vonhier.certification.models import Application, Certificate, Evidence
from vonhier.extensions import db
from vonhier.organisations.models import Membership
from vonhier.permissions import MemberRole

from .conftest import signed_in
from .test_workflow import PDF, act, check_documents, upload

REASON = (
    "Sie sind Mitglied von Hof Sonnenwiese und dürfen daher als Prüfer/in nicht über "
    "Anträge und Zertifikate dieses Betriebs entscheiden."
)

# POST routes of the blueprint that are no certifier's step, and why. Every other POST route is
# treated as a certifier's step and must refuse a conflicted certifier: a new route is covered
# without anyone adding it here.
NOT_CERTIFIER_STEPS = {
    "certification.new_application": "the applicant's (a member acting for their own organisation)",
    "certification.upload_evidence": "the applicant's",
    "certification.renew": "the applicant's",
    "certification.precheck_preview": "a member's preview of unsaved product data, changes nothing",
    "certification.new_draft": "admins'",
    "certification.edit_catalogue": "admins'",
    "certification.publish": "admins'",
}
# Routes taking the step's name in the URL, with the certifiers' steps among them.
ACTIONS = {
    "certification.act": {name for name, (_, role) in routes.ACTIONS.items() if role == "certifier"}
    | set(review_pages.DECISIONS),
    "certification.certificate_action": set(certificates.STEPS),
}
# One form body that every certifier form accepts (WTForms ignores the fields it does not know):
# the refusal must come from the conflict, not from invalid input.
FORGED = {
    "reason": "Grund",
    "remedy_until": (date.today() + timedelta(days=30)).isoformat(),
    "criterion": "VH-T1",
    "product": "",
    "text": "Passt schon",
    "audit_date": date.today().isoformat(),
    "mode": "on_site",
    "auditor": "Paul Prüfer",
    "findings": "Alles bestens",
    "decision": "request_changes",
    "checked": "1",
}


def _product(app, scene, name):
    return factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Eier", 100, scene.farm.id, False)],
        stages=[("packing", scene.farm.id), ("point_of_sale", scene.shop.id)],
        name_de=name,
        category="eggs",
        species="chicken",
        husbandry_level=4,
        gmo_free=True,
    )


def _application(scene, product_id, with_evidence=False):
    response = scene.producer_client.post("/certification/applications/new", data={"products": [product_id]})
    assert response.status_code == 302
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    if with_evidence:
        assert upload(scene.producer_client, application_id).status_code == 302
    return application_id


def _steps(client, application_id, *steps):
    for action in steps:
        assert act(client, application_id, action, "Grund").status_code == 302, action


@pytest.fixture(params=[MemberRole.STAFF, MemberRole.OWNER])
def world(request, app, scene):
    """Every state a certifier can act on, handled by a colleague of the same body; then the scene's
    certifier becomes a member (staff or owner) of the producer."""
    colleague = factories.user(app, email="kollegin@example.org", name="Karla Kollegin", roles=("certifier",))
    with app.app_context():
        db.session.add(Membership(user_id=colleague.id, organisation_id=scene.body.id))
        db.session.commit()
    fair = signed_in(app, colleague)
    submitted = _application(scene, scene.product_id, with_evidence=True)
    _steps(scene.producer_client, submitted, "submit")
    in_review = _application(scene, _product(app, scene, "Bruteier"), with_evidence=True)
    _steps(scene.producer_client, in_review, "submit")
    _steps(fair, in_review, "take")
    certified = []
    for name in ("Landeier Klasse A", "Landeier Klasse B"):
        application_id = _application(scene, _product(app, scene, name), with_evidence=True)
        assert upload(scene.producer_client, application_id, kind="feed_gmo_free").status_code == 302
        _steps(scene.producer_client, application_id, "submit")
        _steps(fair, application_id, "take")
        check_documents(app, fair, application_id)
        _steps(fair, application_id, "approve")
        with app.app_context():
            certified.append(
                db.session.scalar(select(Certificate.id).where(Certificate.application_id == application_id))
            )
    active, suspended = certified
    response = fair.post(f"/certification/certificates/{suspended}/suspend", data=FORGED)
    assert response.status_code == 302
    with app.app_context():
        db.session.add(
            Membership(user_id=scene.certifier.id, organisation_id=scene.org.id, role=request.param)
        )
        db.session.commit()
        evidence = db.session.scalars(select(Evidence.id).order_by(Evidence.id)).all()
    return SimpleNamespace(
        applications=[submitted, in_review],
        certificates=[active, suspended],
        evidence=evidence,
        conflicted=scene.certifier_client,
        conflicted_id=scene.certifier.id,
        colleague=colleague,
        fair=fair,
    )


def _everything(app) -> dict:
    """Every row of every table: a refused request changes none of them."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            t.name: sorted(map(tuple, connection.execute(t.select()).all()), key=repr)
            for t in db.metadata.sorted_tables
        }


def _certifier_urls(app, world):
    """Every certifier POST route of the blueprint, filled in with every object of the world."""
    values = {
        "application_id": world.applications,
        "certificate_id": world.certificates,
        "evidence_id": world.evidence,
    }
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("certification.") or "POST" not in rule.methods:
            continue
        if rule.endpoint in NOT_CERTIFIER_STEPS:
            continue
        unknown = rule.arguments - set(values) - {"action"}
        assert not unknown, f"{rule}: tell this test which objects {unknown} name"
        if "action" in rule.arguments:
            assert rule.endpoint in ACTIONS, f"{rule}: tell this test which of its actions are certifiers'"
        for action in sorted(ACTIONS.get(rule.endpoint, {None})):
            for name in rule.arguments - {"action"}:
                for object_id in values[name]:
                    yield rule.build({name: object_id, **({"action": action} if action else {})})[1]


def test_every_certifier_route_refuses_a_member_of_the_organisation(app, world, mailbox):
    urls = list(_certifier_urls(app, world))
    # take, request changes, approve, reject, comment, audit, suspend, reinstate, revoke — at least.
    assert len(urls) >= 2 * 6 + 2 * 3
    mailbox.clear()  # sends what the set-up queued, before the rows are compared
    before = _everything(app)
    for url in urls:
        response = world.conflicted.post(url, data=FORGED)
        assert response.status_code == 403, url
        assert REASON in response.get_data(as_text=True), url
    assert _everything(app) == before
    assert mailbox.messages == []


SUBJECTS = {"application": Application, "certificate": Certificate}


def _certifier_steps() -> dict:
    """Every service function whose acting user is a certifier, by name: new ones are covered as well."""
    steps = {}
    for module in (access, audit, certificates, criteria, review, workflow):
        for name, function in vars(module).items():
            if inspect.isfunction(function) and not name.startswith("_"):
                parameters = list(inspect.signature(function).parameters)
                if parameters[:1] == ["certifier"] and parameters[1] in SUBJECTS:
                    steps[name] = function
    return steps


STEP_ARGUMENTS = {
    "reason": "Grund",
    "remedy_until": date.today() + timedelta(days=30),
    "criterion_code": "VH-T1",
    "text_": "Passt schon",
    "product_id": None,
    "colleague_id": 1,
    "data": {"audit_date": date.today(), "mode": "on_site", "auditor": "P", "findings": ""},
}


@pytest.mark.parametrize("step", sorted(_certifier_steps()))
def test_every_certifier_service_step_refuses_a_member_of_the_organisation(app, world, step):
    """A forged request that skipped the route's check still meets the service's."""
    function = _certifier_steps()[step]
    subject = list(inspect.signature(function).parameters)[1]
    before = _everything(app)
    with app.app_context():
        certifier = db.session.get(User, world.conflicted_id)
        ids = world.applications if subject == "application" else world.certificates
        for object_id in ids:
            target = db.session.get(SUBJECTS[subject], object_id)
            extra = [
                STEP_ARGUMENTS[p]
                for p, parameter in list(inspect.signature(function).parameters.items())[2:]
                if parameter.default is inspect.Parameter.empty
            ]
            with pytest.raises(Forbidden) as refused:
                function(certifier, target, *extra)
            assert REASON in refused.value.description
            db.session.rollback()
    assert _everything(app) == before


def test_a_certifier_who_is_no_member_still_acts(app, world):
    """The same forged body is a valid request: from the colleague it goes through."""
    submitted, in_review = world.applications
    active, suspended = world.certificates
    assert (
        world.fair.post(f"/certification/applications/{in_review}/comments", data=FORGED).status_code == 302
    )
    assert world.fair.post(f"/certification/applications/{in_review}/audits", data=FORGED).status_code == 302
    assert act(world.fair, submitted, "take", "Grund").status_code == 302
    assert (
        world.fair.post(f"/certification/certificates/{suspended}/reinstate", data=FORGED).status_code == 302
    )
    assert world.fair.post(f"/certification/certificates/{active}/suspend", data=FORGED).status_code == 302


def test_pages_offer_no_decisions_to_a_conflicted_certifier_and_say_why(app, world):
    submitted, in_review = world.applications
    active, _ = world.certificates
    with app.app_context():
        number = db.session.get(Certificate, active).number
    page = world.conflicted.get(f"/certificates/{number}").get_data(as_text=True)
    assert REASON in page
    assert "/decide" not in page and 'value="suspend"' not in page and 'value="revoke"' not in page
    fair_page = world.fair.get(f"/certificates/{number}").get_data(as_text=True)
    assert 'value="suspend"' in fair_page and "/decide" in fair_page and REASON not in fair_page
    for application_id in (submitted, in_review):
        page = world.conflicted.get(f"/certification/applications/{application_id}").get_data(as_text=True)
        assert REASON in page
        for step in (
            "take",
            "approve",
            "reject",
            "request_changes",
            "comments",
            "audits",
            "decide",
            "assign",
        ):
            assert f"/{application_id}/{step}" not in page
    assert f"/{submitted}/take" in world.fair.get(f"/certification/applications/{submitted}").get_data(
        as_text=True
    )
    queue = world.conflicted.get("/certification/queue").get_data(as_text=True)
    assert REASON in queue
    assert REASON not in world.fair.get("/certification/queue").get_data(as_text=True)


def test_certifiers_do_not_see_drafts(app, scene):
    """Applications exist for certifiers from submission on: before, 404 (not 403: nothing to refuse yet)."""
    application_id = _application(scene, scene.product_id, with_evidence=True)
    with app.app_context():
        evidence_id = db.session.scalar(select(Evidence.id))
    certifier = scene.certifier_client
    assert certifier.get(f"/certification/applications/{application_id}").status_code == 404
    assert certifier.get(f"/certification/evidence/{evidence_id}").status_code == 404
    assert f"/applications/{application_id}" not in certifier.get("/certification/queue").get_data(
        as_text=True
    )
    for action in ("take", "approve"):
        assert act(certifier, application_id, action, "Grund").status_code == 404
    # Withdrawn before it was ever submitted: still never seen.
    _steps(scene.producer_client, application_id, "withdraw")
    assert certifier.get(f"/certification/applications/{application_id}").status_code == 404
    # Submitted: in the queue, readable, its evidence downloadable.
    second = _application(scene, scene.product_id, with_evidence=True)
    _steps(scene.producer_client, second, "submit")
    with app.app_context():
        second_evidence = db.session.scalar(select(Evidence.id).where(Evidence.application_id == second))
    assert f"/applications/{second}" in certifier.get("/certification/queue").get_data(as_text=True)
    assert certifier.get(f"/certification/applications/{second}").status_code == 200
    with certifier.get(f"/certification/evidence/{second_evidence}") as response:
        assert response.status_code == 200 and response.data == PDF
    # The producer sees their drafts as ever.
    assert scene.producer_client.get(f"/certification/applications/{application_id}").status_code == 200
    with scene.producer_client.get(f"/certification/evidence/{evidence_id}") as response:
        assert response.status_code == 200


def test_evidence_downloads(app, world):
    """Evidence downloads (every GET route naming evidence): a conflicted certifier reads their own
    organisation's documents as the member they are, never through the certifier's path."""
    downloads = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("certification.")
        and "evidence_id" in rule.arguments
        and "GET" in rule.methods
    ]
    assert downloads
    for rule in downloads:
        for evidence_id in world.evidence:
            url = rule.build({"evidence_id": evidence_id})[1]
            with world.fair.get(url) as response:
                assert response.status_code == 200
            with world.conflicted.get(url) as response:
                assert response.status_code == 200
        assert signed_in(app, factories.user_with_role(app, "owner")).get(url).status_code == 403
