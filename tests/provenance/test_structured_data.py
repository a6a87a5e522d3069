"""A provenance page as structured data: a `Product` with its producer as brand and manufacturer, photo,
GTIN, country of origin and VON HIER `Certification`, extracted as a search engine reads it; the stored
page's data follows a change to what it shows (the revision)."""

from sqlalchemy import select

from tests.provenance.conftest import certified  # noqa: F401 (the fixture used here)
from tests.structured_data import (
    CERTIFICATION,
    PRODUCT_RECOMMENDED,
    PRODUCT_REQUIRED,
    absolute,
    item,
    missing,
)
from vonhier.catalogue.models import Product, ProductImage
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.provenance import pages
from vonhier.provenance.models import PageState, RenderedPage


def _describe_and_photograph(app, product_id) -> None:
    with app.app_context():
        db.session.get(Product, product_id).description_de = "Eier von Hühnern mit Auslauf."
        db.session.add(ProductImage(product_id=product_id, filename="landeier.webp", position=0))
        db.session.commit()


def test_a_product_with_its_producer_photo_gtin_and_certificate(app, certified):  # noqa: F811
    _describe_and_photograph(app, certified.product_id)
    client = app.test_client()
    data = item(client.get(certified.path).get_data(as_text=True), "Product")
    assert missing(data, PRODUCT_REQUIRED + PRODUCT_RECOMMENDED) == []
    assert data["@id"] == data["url"] == f"http://localhost/01/{certified.gtin}"
    assert data["name"] == "Landeier" and data["description"] == "Eier von Hühnern mit Auslauf."
    assert data["gtin14"] == certified.gtin
    assert data["image"] == "http://localhost/media/landeier.webp"
    assert data["brand"] == {"@type": "Brand", "name": "Hof Sonnenwiese"}
    # The producer under the @id its profile gives it: a search engine joins the two pages.
    producer = data["manufacturer"]
    assert producer["name"] == "Hof Sonnenwiese" and absolute(producer["url"])
    profile = item(
        client.get(producer["url"].removeprefix("http://localhost")).get_data(as_text=True), "Organization"
    )
    assert producer["@id"] == profile["@id"]
    assert data["countryOfOrigin"] == {"@type": "Country", "identifier": "DE", "name": "Deutschland"}
    certification = data["hasCertification"]
    assert certification["@type"] == "Certification" and missing(certification, CERTIFICATION) == []
    assert certification["certificationIdentification"] == certified.number
    assert certification["certificationStatus"] == "CertificationActive"
    assert certification["issuedBy"] == {"@type": "Organization", "name": "Prüfstelle Mark"}
    assert absolute(certification["url"]) and certified.number in certification["url"]
    assert "offers" not in data  # no prices yet: an offer without a price is refused by search engines
    english = item(client.get(certified.path + "?lang=en").get_data(as_text=True), "Product")
    assert english["countryOfOrigin"]["name"] == "Germany"


def test_a_lot_names_its_production_date(app, certified):  # noqa: F811
    data = item(app.test_client().get(certified.lot_path).get_data(as_text=True), "Product")
    assert data["productionDate"] == "2026-11-07"
    assert "description" not in data and "image" not in data  # none entered: left out, not empty


def test_the_stored_page_follows_the_producer_and_the_photo(app, certified):  # noqa: F811
    client = app.test_client()
    client.get(certified.path)  # stored
    with app.app_context():
        revision = db.session.get(PageState, certified.product_id).revision
        db.session.get(Organisation, certified.scene.org.id).display_name = "Hof Sonnenwiese & Söhne"
        db.session.add(ProductImage(product_id=certified.product_id, filename="neu.webp", position=0))
        db.session.commit()
        assert db.session.get(PageState, certified.product_id).revision > revision
        assert pages.render_stale(100) >= 1
        stored = db.session.scalar(select(RenderedPage.revision).where(RenderedPage.lot == ""))
        assert stored == db.session.get(PageState, certified.product_id).revision
    data = item(client.get(certified.path).get_data(as_text=True), "Product")
    assert data["brand"]["name"] == data["manufacturer"]["name"] == "Hof Sonnenwiese & Söhne"
    assert data["image"] == "http://localhost/media/neu.webp"
