"""A small supplier network around Berlin: certified, expired, suspended and unlicensed suppliers,
a retailer with two sites and a retailer of a third organisation."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import factories
from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Product
from vonhier.catalogue.product_input import ProductInput
from vonhier.certification.criteria import current_catalogue
from vonhier.certification.models import Application, ApplicationItem, ApplicationStatus, CertificateStatus
from vonhier.certification.workflow import issue_certificate
from vonhier.clock import utcnow
from vonhier.extensions import db
from vonhier.permissions import SYSTEM
from vonhier.suppliers.models import SupplierProfile

BERLIN_MITTE = (52.5200, 13.4050)
POTSDAM = (52.3906, 13.0645)


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def product(app, organisation_id, site_id, name, category="dairy-cheese", **fields):
    """A product saved through the catalogue's rules (as the platform); returns its id."""
    values = {"name_de": name, "category": category, "gmo_free": False, **fields}
    rows = [
        {
            "name": name,
            "share": Decimal(100),
            "is_main": True,
            "is_value_determining": False,
            "is_water_or_salt": False,
            "origin_kind": None,
            "origin_site_id": site_id,
            "place_name": "",
        }
        for _ in range(1)
    ]
    with app.app_context():
        saved = catalogue.save_product(SYSTEM, organisation_id, None, ProductInput(values, rows, []))
        db.session.commit()
        return saved.id


def certify(app, organisation_id, product_ids, body_id, status="active", expired=False):
    """A certificate for the products' current versions, as an approval would issue it."""
    today = utcnow().date()
    with app.app_context():
        application = Application(
            organisation_id=organisation_id,
            catalogue_id=current_catalogue().id,
            status=ApplicationStatus.APPROVED,
            certification_body_id=body_id,
        )
        for product_id in product_ids:
            version = db.session.get(Product, product_id).current_version
            application.items.append(ApplicationItem(product_id=product_id, product_version_id=version.id))
        db.session.add(application)
        db.session.flush()
        issued = today - timedelta(days=400) if expired else today
        certificate = issue_certificate(SYSTEM, application, issued)
        certificate.status = CertificateStatus(status)
        db.session.commit()
        return certificate.number


def profile(app, organisation_id, **values):
    with app.app_context():
        db.session.add(SupplierProfile(organisation_id=organisation_id, **values))
        db.session.commit()


def supplier(app, name, lat, lon, licensed=True, with_owner=False):
    owner = factories.user(app, name=f"Inhaberin {name}") if with_owner else None
    org = factories.organisation(
        app, owner_id=owner.id if owner else None, display_name=name, latitude=lat, longitude=lon
    )
    if licensed:
        factories.licence(app, org.id)
    site = factories.site(app, org.id, name=f"Hof {name}", latitude=lat, longitude=lon)
    return SimpleNamespace(id=org.id, name=name, site=site, owner=owner)


@pytest.fixture
def certification_body(app):
    return factories.organisation(app, kinds=("certification_body",), display_name="Prüfstelle Mark")


@pytest.fixture
def network(app, certification_body):
    body = certification_body
    retailer = factories.user(app, email="einkauf@laden.example", name="Rita Einkauf")
    retailer_org = factories.organisation(
        app,
        owner_id=retailer.id,
        kinds=("retailer",),
        display_name="Laden Mitte",
        latitude=52.52,
        longitude=13.40,
    )
    mitte = factories.site(
        app,
        retailer_org.id,
        name="Laden",
        town="Berlin",
        latitude=BERLIN_MITTE[0],
        longitude=BERLIN_MITTE[1],
        kind="shop",
    )
    potsdam = factories.site(
        app,
        retailer_org.id,
        name="Lager",
        town="Potsdam",
        latitude=POTSDAM[0],
        longitude=POTSDAM[1],
        kind="warehouse",
    )
    colleague = factories.user(app, email="kollege@laden.example", name="Karl Kollege")
    with app.app_context():
        from vonhier.organisations.models import Membership

        db.session.add(Membership(user_id=colleague.id, organisation_id=retailer_org.id, role="staff"))
        db.session.commit()

    other = factories.user(app, email="einkauf@anderer-laden.example", name="Olaf Anders")
    other_org = factories.organisation(
        app, owner_id=other.id, kinds=("retailer",), display_name="Anderer Laden"
    )
    other_site = factories.site(
        app, other_org.id, name="Anderer Laden", town="Berlin", kind="shop", latitude=52.50, longitude=13.30
    )

    dairy = supplier(app, "Milchhof Nord", 52.6833, 13.5833, with_owner=True)  # Bernau, ~20 km
    cheese = product(
        app,
        dairy.id,
        dairy.site.id,
        "Bergkäse",
        organic_control_body="DE-ÖKO-006",
        gmo_free=True,
        species="cattle",
        husbandry_level=4,
    )
    quark = product(app, dairy.id, dairy.site.id, "Quark", gmo_free=True, species="cattle", husbandry_level=2)
    dairy_certificate = certify(app, dairy.id, [cheese, quark], body.id)
    profile(
        app,
        dairy.id,
        delivers_pickup=True,
        delivers_own=True,
        delivery_radius_km=50,
        capacity_notes="Etwa 80 kg Käse pro Woche",
        min_order_note="Ab 20 kg",
    )

    veg = supplier(app, "Gemüse Süd", 52.2167, 13.4500)  # Zossen, ~34 km
    carrots = product(
        app, veg.id, veg.site.id, "Möhren", category="fruit-vegetables", organic_control_body="DE-ÖKO-039"
    )
    certify(app, veg.id, [carrots], body.id)
    profile(app, veg.id, delivers_partner=True, capacity_notes="200 kg pro Woche, Juni bis Oktober")

    meat = supplier(app, "Fleisch Ost", 52.3417, 14.5500)  # Frankfurt (Oder), ~80 km
    salami = product(
        app,
        meat.id,
        meat.site.id,
        "Salami",
        category="meat-sausage",
        gmo_free=True,
        species="pig",
        husbandry_level=3,
    )
    certify(app, meat.id, [salami], body.id)

    unlicensed = supplier(app, "Ohne Lizenz", 52.60, 13.50, licensed=False)
    certify(
        app,
        unlicensed.id,
        [product(app, unlicensed.id, unlicensed.site.id, "Lizenzloser Käse", gmo_free=True)],
        body.id,
    )
    expired = supplier(app, "Abgelaufen", 52.55, 13.45)
    certify(
        app,
        expired.id,
        [product(app, expired.id, expired.site.id, "Alter Käse", gmo_free=True)],
        body.id,
        expired=True,
    )
    suspended = supplier(app, "Ausgesetzt", 52.56, 13.46)
    certify(
        app,
        suspended.id,
        [product(app, suspended.id, suspended.site.id, "Ausgesetzter Käse", gmo_free=True)],
        body.id,
        status="suspended",
    )
    uncertified = supplier(app, "Nicht zertifiziert", 52.57, 13.47)
    product(app, uncertified.id, uncertified.site.id, "Unzertifizierter Käse", gmo_free=True)

    return SimpleNamespace(
        retailer=retailer,
        colleague=colleague,
        retailer_org=retailer_org,
        mitte=mitte,
        potsdam=potsdam,
        other=other,
        other_org=other_org,
        other_site=other_site,
        dairy=dairy,
        veg=veg,
        meat=meat,
        unlicensed=unlicensed,
        expired=expired,
        suspended=suspended,
        uncertified=uncertified,
        products={"Bergkäse": cheese, "Quark": quark, "Möhren": carrots, "Salami": salami},
        dairy_certificate=dairy_certificate,
        client=signed_in(app, retailer),
    )
