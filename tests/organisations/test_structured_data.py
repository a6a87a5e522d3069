"""An organisation's public profile as structured data: an `Organization` with what the profile shows —
name, legal name, address, its profile's address, logo, contact, and its own website as `sameAs`."""

from tests import factories
from tests.structured_data import ORGANIZATION_RECOMMENDED, absolute, address, item, missing
from vonhier.extensions import db
from vonhier.organisations.models import Organisation


def test_a_profile_is_an_organization_with_address_logo_and_website(app):
    org = factories.organisation(
        app,
        display_name="Hof Sonnenwiese",
        legal_name="Hof Sonnenwiese GbR",
        phone="+49 3984 123456",
        email="info@sonnenwiese.example",
        website="https://sonnenwiese.example",
        description_de="Gemüse und Eier aus der Uckermark.",
        founding_year=1992,
        logo="sonnenwiese-logo.webp",
    )
    client = app.test_client()
    data = item(client.get(f"/organisations/{org.id}").get_data(as_text=True), "Organization")
    assert missing(data, ORGANIZATION_RECOMMENDED + ("logo", "sameAs", "legalName", "description")) == []
    assert data["url"] == f"http://localhost/organisations/{org.id}"
    assert data["@id"] == data["url"] + "#organisation"
    assert data["name"] == "Hof Sonnenwiese" and data["legalName"] == "Hof Sonnenwiese GbR"
    assert data["address"] == address("Eberswalde", "Dorfstraße 1", "16225")
    assert data["logo"] == "http://localhost/media/sonnenwiese-logo.webp" and absolute(data["logo"])
    assert data["sameAs"] == ["https://sonnenwiese.example"]
    assert data["telephone"] == "+49 3984 123456" and data["email"] == "info@sonnenwiese.example"
    assert data["foundingDate"] == "1992"
    assert data["description"] == "Gemüse und Eier aus der Uckermark."


def test_what_an_organisation_does_not_have_is_left_out(app):
    org = factories.organisation(app, street="", postcode="")
    data = item(app.test_client().get(f"/organisations/{org.id}").get_data(as_text=True), "Organization")
    assert missing(data, ORGANIZATION_RECOMMENDED) == []
    for absent in ("logo", "sameAs", "telephone", "email", "foundingDate", "description"):
        assert absent not in data
    assert data["address"] == address("Eberswalde")


def test_text_cannot_leave_the_script_element(app):
    hostile = "Hof </script><script>alert(1)</script>"
    org = factories.organisation(app)
    with app.app_context():
        db.session.get(Organisation, org.id).description_de = hostile
        db.session.commit()
    page = app.test_client().get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert item(page, "Organization")["description"] == hostile
