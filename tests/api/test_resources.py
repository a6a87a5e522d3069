"""The API's resources on the demo network: what is public, filters, pagination, headers."""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from vonhier import clock
from vonhier.accounts.models import User
from vonhier.api.routes import CACHE
from vonhier.catalogue.models import Product
from vonhier.certification.certificates import effective_status, register
from vonhier.certification.models import Certificate
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.outlets import services as outlet_services
from vonhier.outlets.models import Outlet
from vonhier.payments import services as payments


def _all(api, path: str, **params) -> list[dict]:
    """Every item of a list, following the `next` links."""
    items, url = [], path
    response = api.get(url, query_string={"per_page": 100, **params})
    while True:
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        items += body["items"]
        if not body["links"]["next"]:
            return items
        response = api.get(body["links"]["next"].removeprefix("http://localhost"))


def _unlicensed() -> set[int]:
    licensed = set(db.session.scalars(payments.licensed_organisations()))
    return set(db.session.scalars(select(Organisation.id))) - licensed


# --- products -----------------------------------------------------------------------------------------


def test_products_are_the_register_with_the_qr_urls_of_flask_qr_urls(api, demo_app):
    products = _all(api, "/api/v1/products")
    with demo_app.app_context():
        entries = register(limit=10_000)
        expected = {entry.product_id for entry in entries if not entry.product.is_archived}
    assert {p["id"] for p in products} == expected and len(products) == len(expected)

    output = demo_app.test_cli_runner().invoke(args=["qr", "urls"]).output
    rows = list(csv.DictReader(io.StringIO(output)))
    product_rows = {int(r["product_id"]): r for r in rows if not r["lot"]}
    for item in products:
        assert item["url"] == product_rows[item["id"]]["url"]
        assert item["qr_svg"] == product_rows[item["id"]]["qr_svg"] == item["url"] + "/qr.svg"

    with_batches = next(int(r["product_id"]) for r in rows if r["lot"] and int(r["product_id"]) in expected)
    detail = api.get(f"/api/v1/products/{with_batches}").get_json()
    assert [(b["lot"], b["url"], b["qr_svg"]) for b in detail["batches"]] == [
        (r["lot"], r["url"], r["qr_svg"]) for r in rows if int(r["product_id"]) == with_batches and r["lot"]
    ]


def test_product_detail_carries_certificate_and_current_figures(api, demo_app):
    item = api.get("/api/v1/products", query_string={"per_page": 1}).get_json()["items"][0]
    detail = api.get(f"/api/v1/products/{item['id']}").get_json()
    with demo_app.app_context():
        product = db.session.get(Product, item["id"])
        figures = product.current_version.data["figures"]
        assert detail["regional_share"] == figures["regional_share"]
        assert detail["chain_km"] == figures["chain_km"]
        assert detail["name_de"] == product.name_de and detail["gtin"] == product.gtin
        assert detail["category"]["slug"] == product.category.slug
        assert detail["producer"]["id"] == product.organisation_id
        number = detail["certificate"]["number"]
        certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
        assert detail["certificate"]["status"] == effective_status(certificate).value
        assert detail["certificate"]["valid_until"] == certificate.valid_until.isoformat()


def test_product_filters(api, demo_app):
    everything = _all(api, "/api/v1/products")
    bakery = _all(api, "/api/v1/products", category="bakery")
    assert bakery and all(p["category"]["slug"] == "bakery" for p in bakery)
    assert len(bakery) == sum(p["category"]["slug"] == "bakery" for p in everything)
    producer = everything[0]["producer"]["id"]
    own = _all(api, "/api/v1/products", organisation=producer)
    assert own and {p["producer"]["id"] for p in own} == {producer}
    for status in ("active", "expired", "suspended", "revoked", "review_needed"):
        found = _all(api, "/api/v1/products", status=status)
        assert all(p["certificate"]["status"] == status for p in found)
        assert len(found) == sum(p["certificate"]["status"] == status for p in everything)
    with demo_app.app_context():
        district = db.session.get(Organisation, producer).district
    in_district = _all(api, "/api/v1/products", district=district)
    assert in_district and producer in {p["producer"]["id"] for p in in_district}
    assert _all(api, "/api/v1/products", district="Atlantis") == []


# --- organisations ------------------------------------------------------------------------------------


def test_organisations_are_the_licensed_ones_without_people(api, demo_app):
    response = api.get("/api/v1/organisations", query_string={"per_page": 100})
    organisations = _all(api, "/api/v1/organisations")
    with demo_app.app_context():
        unlicensed = _unlicensed()
        emails = db.session.scalars(select(User.email)).all()
    assert unlicensed, "the demo has an organisation without a licence"
    assert not unlicensed & {o["id"] for o in organisations}
    for organisation_id in unlicensed:
        assert api.get(f"/api/v1/organisations/{organisation_id}").status_code == 404
    text = response.get_data(as_text=True)
    assert emails and not [email for email in emails if email in text]
    item = organisations[0]
    with demo_app.app_context():
        organisation = db.session.get(Organisation, item["id"])
        assert item["address"]["town"] == organisation.town
        assert item["coordinates"] == {"lat": organisation.latitude, "lon": organisation.longitude}
        assert item["kinds"] == [k.value for k in organisation.kinds]
        assert item["contact"]["email"] == (organisation.email or None)  # as on the public profile page


def test_organisation_filters_and_detail(api, demo_app):
    processors = _all(api, "/api/v1/organisations", kind="processor")
    assert processors and all("processor" in o["kinds"] for o in processors)
    district = processors[0]["address"]["district"]
    assert all(
        o["address"]["district"] == district for o in _all(api, "/api/v1/organisations", district=district)
    )
    with demo_app.app_context():
        with_outlets = db.session.scalar(
            select(Outlet.organisation_id).where(Outlet.organisation_id.in_([o["id"] for o in processors]))
        )
        expected = {o.id for o in outlet_services.outlets_of(with_outlets)}
    detail = api.get(f"/api/v1/organisations/{with_outlets}").get_json()
    assert expected and {o["id"] for o in detail["outlets"]} == expected


# --- outlets ------------------------------------------------------------------------------------------


def test_outlets_are_every_public_outlet_with_filters(api, demo_app):
    outlets = _all(api, "/api/v1/outlets")
    with demo_app.app_context():
        unlicensed = _unlicensed()
        public = db.session.scalars(select(Outlet.id).where(Outlet.archived_at.is_(None))).all()
        of_unlicensed = db.session.scalars(
            select(Outlet.id).where(Outlet.organisation_id.in_(unlicensed))
        ).all()
    assert sorted(o["id"] for o in outlets) == sorted(public)
    # Shops and restaurants need no licence: their outlets are public, their profile is not in the API.
    assert of_unlicensed
    for item in (o for o in outlets if o["id"] in of_unlicensed):
        assert item["organisation"]["url"] is None
        assert item["organisation"]["page_url"].endswith(f"/organisations/{item['organisation']['id']}")
    for item in (o for o in outlets if o["id"] not in of_unlicensed):
        assert api.get(item["organisation"]["url"].removeprefix("http://localhost")).status_code == 200
    # The finder (/api/v1/search) finds the same outlets.
    assert api.get("/api/v1/search").get_json()["total"] == len(outlets)

    two = _all(api, "/api/v1/outlets", kind=["farm_shop", "market_stand"])
    assert two and {o["kind"] for o in two} == {"farm_shop", "market_stand"}
    assert len(two) == sum(o["kind"] in ("farm_shop", "market_stand") for o in outlets)
    berlin = _all(api, "/api/v1/outlets", state="BE")
    assert berlin and all(o["address"]["state"] == "BE" for o in berlin)
    eggs = _all(api, "/api/v1/outlets", category="eggs")
    assert eggs and len(eggs) < len(outlets)


def test_outlet_detail_opening_status_follows_the_hours(api, demo_app, monkeypatch):
    moment = clock.utcnow().replace(microsecond=0)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    body = api.get("/api/v1/outlets?per_page=100").get_json()["items"]
    with_hours = [o for o in body if o["opening_hours"] and o["opening_hours"] != "24/7"]
    assert with_hours
    with demo_app.app_context():
        for item in with_hours[:10]:
            outlet = db.session.get(Outlet, item["id"])
            status = outlet_services.opening_status(outlet, clock.local_now(), "de")
            assert item["opening_hours"] == outlet.opening_hours
            assert item["opening_state"] == status.state
            assert item["open_now"] is (status.is_open if status.state != "unknown" else None)
            assert item["next_change"] == (status.next_change.isoformat() if status.next_change else None)
            if item["next_change"]:
                assert datetime.fromisoformat(item["next_change"]) > clock.local_now()
            assert item["coordinates"] == {"lat": outlet.latitude, "lon": outlet.longitude}
            payment = {
                "cash": outlet.accepts_cash,
                "card": outlet.accepts_card,
                "mobile": outlet.accepts_mobile,
            }
            assert item["payment"] == payment
    assert api.get(f"/api/v1/outlets/{with_hours[0]['id']}").get_json() == with_hours[0]


# --- certificates -------------------------------------------------------------------------------------


def test_certificates_with_effective_status_and_products(api, demo_app):
    certificates = _all(api, "/api/v1/certificates")
    assert certificates
    with demo_app.app_context():
        for item in certificates:
            certificate = db.session.scalar(select(Certificate).where(Certificate.number == item["number"]))
            assert item["status"] == effective_status(certificate).value
            assert item["holder"]["id"] == certificate.organisation_id
            assert item["body"]["id"] == certificate.certification_body_id
            assert [p["id"] for p in item["products"]] == [link.product_id for link in certificate.products]
    expired = _all(api, "/api/v1/certificates", status="expired")
    assert expired and all(c["status"] == "expired" for c in expired)
    number = certificates[0]["number"]
    assert api.get(f"/api/v1/certificates/{number}").get_json() == certificates[0]
    assert api.get("/api/v1/certificates/VH-1999-000001").status_code == 404


# --- pagination and headers ---------------------------------------------------------------------------


def test_pagination(api):
    first = api.get("/api/v1/outlets?per_page=5&kind=farm_shop").get_json()
    assert (first["page"], first["per_page"], len(first["items"])) == (1, 5, 5)
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == "http://localhost/api/v1/outlets?kind=farm_shop&page=2&per_page=5"
    second = api.get(first["links"]["next"].removeprefix("http://localhost")).get_json()
    assert second["links"]["prev"] == first["links"]["self"]
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}
    assert second["total"] == first["total"]
    last_page = -(-first["total"] // 5)
    last = api.get(f"/api/v1/outlets?per_page=5&kind=farm_shop&page={last_page}").get_json()
    assert last["links"]["next"] is None and 1 <= len(last["items"]) <= 5
    beyond = api.get(f"/api/v1/outlets?per_page=5&kind=farm_shop&page={last_page + 3}").get_json()
    assert beyond["items"] == [] and beyond["links"]["prev"].endswith(f"page={last_page}&per_page=5")
    assert api.get("/api/v1/outlets?per_page=100").get_json()["per_page"] == 100
    assert api.get("/api/v1/outlets").get_json()["per_page"] == 20


def test_cors_and_cache_headers(api):
    response = api.get("/api/v1/products", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == CACHE == "public, max-age=60"
    assert "Set-Cookie" not in response.headers
    error = api.get("/api/v1/products?page=0")
    assert error.headers["Access-Control-Allow-Origin"] == "*"
    assert error.headers["Cache-Control"] == "no-store"
    preflight = api.options("/api/v1/outlets", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_signed_in_visitors_get_private_responses(demo_app):
    client = demo_app.test_client()
    response = client.post(
        "/login", data={"email": "erzeuger@vonhier.example", "password": "Ziegenmilch-Oder-9"}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/outlets?per_page=1").headers["Cache-Control"] == "private, max-age=60"
    assert demo_app.test_client().get("/api/v1/outlets?per_page=1").headers["Cache-Control"] == CACHE


def test_index_names_the_resources_and_the_licence(api):
    body = api.get("/api/v1/").get_json()
    assert api.get("/api/v1").get_json() == body  # no redirect (whose body would be HTML)
    assert body["license"] == "CC BY 4.0"
    assert set(body["resources"]) == {"products", "organisations", "outlets", "certificates", "search"}
    for url in body["resources"].values():
        assert api.get(url.removeprefix("http://localhost")).status_code == 200
