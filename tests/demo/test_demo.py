"""The demo network loaded by `flask demo load`."""

from sqlalchemy import func, select

from vonhier.catalogue.models import Product
from vonhier.demo import files
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.outlets.models import Outlet
from vonhier.search import services as search
from vonhier.search.models import SearchDocument


def test_demo_load_creates_a_regional_network(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "admin@vonhier.example" in result.output and "Sanddorn-Kiefer-7" in result.output
    with app.app_context():
        organisations = db.session.scalars(select(Organisation)).all()
        assert len(organisations) >= 30
        kinds = {k for o in organisations for k in o.kinds}
        assert kinds == {"producer", "processor", "retailer", "outlet_operator", "certification_body"}
        assert sum(o.has_kind("certification_body") for o in organisations) == 1
        assert {o.state for o in organisations} == {"BB", "BE"}
        # Rough box around Berlin and Brandenburg; exact region checks come with the region polygon.
        assert all(51.3 < o.latitude < 53.6 and 11.2 < o.longitude < 14.8 for o in organisations)
    html = client.get("/").get_data(as_text=True)
    assert any(o["display_name"] in html for o in files.organisations())
    with app.app_context():  # the load ends with a filled search index
        documents = dict(
            db.session.execute(select(SearchDocument.kind, func.count()).group_by(SearchDocument.kind)).all()
        )
        assert documents == {
            "organisation": len(organisations),
            "product": db.session.scalar(select(func.count()).select_from(Product)),
            "outlet": db.session.scalar(select(func.count()).select_from(Outlet)),
        }
        assert db.session.scalars(search.matching_ids("product", "käse")).first() is not None


def test_demo_accounts_can_sign_in(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    for email, password in [
        ("admin@vonhier.example", "Sanddorn-Kiefer-7"),
        ("erzeuger@vonhier.example", "Ziegenmilch-Oder-9"),
    ]:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/logout")
    client.post("/login", data={"email": "admin@vonhier.example", "password": "Sanddorn-Kiefer-7"})
    assert client.get("/admin/").status_code == 200


def test_demo_load_refuses_a_database_with_data(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code != 0 and "not empty" in again.output
    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    with app.app_context():
        assert len(db.session.scalars(select(Organisation)).all()) == len(files.organisations())


def test_demo_catalogue_has_both_outcomes_for_the_criteria_check(app):
    from vonhier.catalogue.models import Batch, Category, Product, Site, SupplierLink

    app.test_cli_runner().invoke(args=["demo", "load"])
    with app.app_context():
        products = db.session.scalars(select(Product)).all()
        assert len(products) >= 120
        assert {p.category_id for p in products} == set(db.session.scalars(select(Category.id)))
        figures = [p.current_version.data["figures"] for p in products]
        assert sum(f["regional_share"] is not None and f["regional_share"] >= 70 for f in figures) > 100
        assert sum(f["regional_share"] is not None and f["regional_share"] < 70 for f in figures) >= 10
        assert any(f["longest_leg_km"] and f["longest_leg_km"] > 100 for f in figures)
        assert (
            sum(
                any(i["origin_kind"] == "supplier_site" for i in p.current_version.data["ingredients"])
                for p in products
            )
            >= 20
        )
        sites = db.session.scalars(select(Site)).all()
        organisations = {s.organisation_id for s in sites}
        assert len(organisations) == len(files.organisations()) - 1  # all but the certification body
        assert db.session.scalar(select(func.count()).select_from(Batch)) > 100
        statuses = {link.status for link in db.session.scalars(select(SupplierLink))}
        assert statuses == {"pending", "confirmed", "declined"}


def test_demo_certifier_decided_a_realistic_mix(app):
    from collections import Counter

    from vonhier.certification.audit import verify_chain
    from vonhier.certification.certificates import effective_status
    from vonhier.certification.models import Application, Certificate

    app.test_cli_runner().invoke(args=["demo", "load"])
    with app.app_context():
        states = Counter(a.status.value for a in db.session.scalars(select(Application)))
        assert {
            "draft",
            "submitted",
            "in_review",
            "changes_requested",
            "approved",
            "rejected",
            "withdrawn",
        } <= set(states)
        assert states["approved"] > states["rejected"] > 0
        certificates = Counter(effective_status(c).value for c in db.session.scalars(select(Certificate)))
        assert (
            certificates["suspended"] == 1 and certificates["revoked"] == 1 and certificates["expired"] == 1
        )
        assert certificates["active"] > 10
        assert verify_chain() is None
