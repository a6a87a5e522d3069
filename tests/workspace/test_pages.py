"""The start pages: where a sign-in lands, "My business" and "Review" as each role sees them, the same
status piece on the catalogue's product list and product page, and a fixed number of queries."""

from datetime import date, timedelta

from sqlalchemy import select, update

from tests import factories
from tests.certification.conftest import scene, signed_in  # noqa: F401 (fixtures used here)
from tests.certification.test_workflow import approved_certificate, bring_to, create
from tests.statements import statements
from vonhier.certification.models import Audit, AuditMode, Certificate
from vonhier.extensions import db
from vonhier.provenance.models import ProductCode

PASSWORD = factories.PASSWORD


def sign_in(app, user, next_=None):
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD, **({"next": next_} if next_ else {})}
    return client, client.post("/login", data=data)


# --- where a sign-in lands --------------------------------------------------------------------------


def test_members_land_on_their_business_certifiers_on_review_others_at_home(app):
    owner = factories.user_with_role(app, "owner")
    certifier = factories.user_with_role(app, "certifier")
    nobody = factories.user_with_role(app, "user")
    admin = factories.user_with_role(app, "admin")
    assert sign_in(app, owner)[1].headers["Location"] == "/business"
    assert sign_in(app, certifier)[1].headers["Location"] == "/review"
    assert sign_in(app, nobody)[1].headers["Location"] == "/"
    assert sign_in(app, admin)[1].headers["Location"] == "/"
    # A safe `next` still wins; an unsafe one falls back to the start page.
    assert sign_in(app, owner, "/account?tab=1")[1].headers["Location"] == "/account?tab=1"
    assert sign_in(app, owner, "https://evil.example/")[1].headers["Location"] == "/business"
    # Opening the sign-in page while signed in goes to the start page too.
    client, _ = sign_in(app, certifier)
    assert client.get("/login").headers["Location"] == "/review"


def test_a_certifier_who_also_runs_a_business_lands_on_review_and_finds_the_business(app):
    certifier = factories.user_with_role(app, "certifier")
    farm = factories.organisation(app, owner_id=certifier.id, display_name="Hof am Prüfweg")
    client, response = sign_in(app, certifier)
    assert response.headers["Location"] == "/review"
    html = client.get("/review").get_data(as_text=True)
    assert "Hof am Prüfweg" in html and 'href="/business"' in html
    assert farm.id


# --- access -------------------------------------------------------------------------------------------


def test_who_may_open_the_start_pages(app):
    anonymous = app.test_client()
    for path in ("/business", "/review"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith(f"/login?next={path}")
    nobody, _ = sign_in(app, factories.user_with_role(app, "user"))
    refused = nobody.get("/business")
    assert refused.status_code == 403 and "registrieren Sie zuerst Ihren Betrieb" in refused.get_data(
        as_text=True
    )
    assert nobody.get("/review").status_code == 403
    owner, _ = sign_in(app, factories.user_with_role(app, "owner"))
    assert owner.get("/review").status_code == 403
    assert owner.get("/business").status_code == 200
    assert owner.get("/business?page=0").status_code == 400


# --- My business ----------------------------------------------------------------------------------------


def test_business_page_shows_products_with_status_qr_labels_and_steps(app, scene):  # noqa: F811
    approved_certificate(app, scene)
    with app.app_context():
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == scene.product_id))
    response = scene.producer_client.get("/business")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mein Betrieb: Hof Sonnenwiese" in html and "Nächste Schritte" in html
    assert "Landeier" in html and "gültig" in html and "bis " in html
    assert f'src="/p/{code}/qr.svg"' in html
    assert f'href="/labels/{scene.product_id}">Etiketten drucken</a>' in html
    assert "Nachweise fehlen" not in html  # the evidence gate saw every document: none is missing
    assert "0 Scans in den letzten 30 Tagen" in html
    english = scene.producer_client.get("/business?lang=en").get_data(as_text=True)
    assert "My business: Hof Sonnenwiese" in english and "Print labels" in english and "Next steps" in english
    # The label link works for the member.
    assert scene.producer_client.get(f"/labels/{scene.product_id}").status_code == 200


def test_business_page_needs_the_same_queries_for_one_product_or_thirty(app, scene):  # noqa: F811
    def count() -> int:
        with app.app_context():
            engine = db.engine
        with statements(engine) as seen:
            assert scene.producer_client.get("/business").status_code == 200
        return len(seen)

    approved_certificate(app, scene)
    one = count()
    for n in range(29):
        factories.product(
            app,
            scene.owner.id,
            scene.org.id,
            [("Eier", 100, scene.farm.id, False)],
            stages=[("packing", scene.farm.id)],
            name_de=f"Eier Nr. {n:02d}",
        )
    thirty = count()
    assert thirty == one, (one, thirty)
    page = scene.producer_client.get("/business").get_data(as_text=True)
    assert page.count('class="qr-labels"') == 25 and "?page=2" in page  # 25 a page
    second = scene.producer_client.get("/business?page=2").get_data(as_text=True)
    assert second.count('class="qr-labels"') == 5


def test_product_list_and_page_carry_the_same_status_qr_and_labels(app, scene):  # noqa: F811
    application_id = create(scene)
    with app.app_context():
        code = db.session.scalar(select(ProductCode.code).where(ProductCode.product_id == scene.product_id))
    listing = scene.producer_client.get("/catalogue/products").get_data(as_text=True)
    page = scene.producer_client.get(f"/catalogue/products/{scene.product_id}").get_data(as_text=True)
    for html in (listing, page):
        assert f'src="/p/{code}/qr.svg"' in html
        # Labels carry the label's name: offered once the product is certified, not while it applies.
        assert f'href="/labels/{scene.product_id}"' not in html
        assert f'href="/certification/applications/{application_id}">Antrag Nr. {application_id}</a>' in html
        assert "nicht zertifiziert" not in html  # an application is open: it says so instead
    assert "Vorprüfung" in page and "Scans (30 Tage)" in page
    # Archived products keep their status but offer no labels.
    scene.producer_client.post(f"/catalogue/products/{scene.product_id}/archive", data={"archived": "1"})
    archived = scene.producer_client.get("/catalogue/products?archived=1").get_data(as_text=True)
    assert f'src="/p/{code}/qr.svg"' in archived and "/labels/" not in archived


# --- Review ---------------------------------------------------------------------------------------------


def test_review_page_lists_queue_by_waiting_time_own_reviews_audits_and_ending_certificates(app, scene):  # noqa: F811
    # An approved certificate that ends in 40 days.
    certificate_id, number = approved_certificate(app, scene)
    today = date.today()
    with app.app_context():
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == certificate_id)
            .values(valid_from=today - timedelta(days=300), valid_until=today + timedelta(days=40))
        )
        db.session.commit()
    # Two waiting applications from other producers: the older first.
    waiting = []
    for name, days in (("Hof Jung", 1), ("Hof Alt", 9)):
        owner = factories.user(app)
        org = factories.organisation(app, owner_id=owner.id, display_name=name)
        factories.licence(app, org.id)
        site = factories.site(app, org.id)
        product = factories.product(
            app,
            owner.id,
            org.id,
            [("Eier", 100, site.id, False)],
            stages=[("packing", site.id)],
            name_de="Eier",
            category="eggs",
            species="chicken",
            husbandry_level=4,
        )
        client = signed_in(app, owner)
        response = client.post("/certification/applications/new", data={"products": [product]})
        application_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert client.post(f"/certification/applications/{application_id}/submit").status_code == 302
        with app.app_context():
            from vonhier.certification.models import Application

            submitted = db.session.get(Application, application_id)
            submitted.submitted_at -= timedelta(days=days)
            db.session.commit()
        waiting.append(application_id)
    # One in review by our certifier, with an audit whose follow-up is due.
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
    in_review = int(response.headers["Location"].rsplit("/", 1)[1])
    bring_to(scene, in_review, "in_review")
    # Without any audit the application in review is listed as needing one.
    assert "noch kein Audit erfasst" in scene.certifier_client.get("/review").get_data(as_text=True)
    with app.app_context():
        db.session.add(
            Audit(
                application_id=in_review,
                audit_date=today - timedelta(days=20),
                mode=AuditMode.ON_SITE,
                auditor="Paul Prüfer",
                follow_up_until=today + timedelta(days=3),
            )
        )
        db.session.commit()
    html = scene.certifier_client.get("/review").get_data(as_text=True)
    assert "Prüfung: Prüfstelle Mark" in html
    old, young = html.index(f"#{waiting[1]} · Hof Alt"), html.index(f"#{waiting[0]} · Hof Jung")
    assert old < young and "wartet seit 9 Tagen" in html and "wartet seit 1 Tag<" in html
    assert f"#{in_review} · Hof Sonnenwiese" in html
    assert "Nachaudit fällig am" in html
    assert number in html and "Zertifikate, die in den nächsten 60 Tagen enden" in html
    english = scene.certifier_client.get("/review?lang=en").get_data(as_text=True)
    assert "Queue, longest waiting first" in english and "waiting for 9 days" in english


def test_navigation_names_the_start_page_of_each_role(app, scene):  # noqa: F811
    producer = scene.producer_client.get("/").get_data(as_text=True)
    certifier = scene.certifier_client.get("/").get_data(as_text=True)
    assert '<a href="/business">Mein Betrieb</a>' in producer
    assert '<a href="/review">Prüfung</a>' in certifier
    assert "/business" not in app.test_client().get("/").get_data(as_text=True)
