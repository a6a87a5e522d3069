"""The public provenance page: content, certificate banners, JSON-LD, caching, query count, privacy."""

import gzip
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from vonhier.catalogue.models import Batch, Product, ProductStatus
from vonhier.certification.models import Certificate, CertificateStatus
from vonhier.clock import utcnow
from vonhier.extensions import db
from vonhier.outlets.models import Outlet
from vonhier.payments.models import Licence, LicenceStatus
from vonhier.provenance import pages

from ..statements import statements
from .conftest import settle_notices


def set_certificate(app, certificate_id, **values):
    """Through the session, as the services change certificates (products' certified_until follows)."""
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        for name, value in values.items():
            setattr(certificate, name, value)
        db.session.commit()


def test_page_shows_origin_chain_criteria_producer_and_certificate(app, certified):
    page = app.test_client().get(certified.path).get_data(as_text=True)
    assert "<h1>Landeier</h1>" in page
    assert "Hof Sonnenwiese" in page and "Prenzlau" in page
    assert "Regionalanteil" in page and "100 %" in page
    assert "Hauptzutat" in page and "Eier: Prenzlau" in page
    assert certified.number in page and "Prüfstelle Mark" in page
    assert "Zertifiziert VON HIER" in page
    assert "Haltungsform" in page  # a criterion the eggs meet, in one sentence
    assert 'id="where-to-buy"' in page and "Hofladen, Prenzlau" in page
    assert "ohne Ihre IP-Adresse" in page  # the privacy note


def test_batch_details_on_the_batch_page(app, certified):
    page = app.test_client().get(certified.lot_path).get_data(as_text=True)
    assert "Charge L-2611/07" in page and "07.11.2026" in page and "01.12.2026" in page


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (
            {"status": CertificateStatus.REVOKED, "status_reason": "Falsche Herkunftsangabe"},
            "Zertifikat widerrufen",
        ),
        (
            {"status": CertificateStatus.SUSPENDED, "status_reason": "Futternachweis fehlt"},
            "Zertifikat ausgesetzt",
        ),
        ({"status": CertificateStatus.REVIEW_NEEDED}, "Wird geprüft"),
        (
            {
                "valid_from": utcnow().date() - timedelta(days=400),
                "valid_until": utcnow().date() - timedelta(days=1),
            },
            "Zertifikat abgelaufen",
        ),
    ],
)
def test_banner_for_every_certificate_status(app, certified, values, text):
    set_certificate(app, certified.certificate_id, **values)
    page = app.test_client().get(certified.path).get_data(as_text=True)
    assert 'class="status-banner' in page and text in page
    assert "Zertifiziert VON HIER" not in page
    if "status_reason" in values:
        assert values["status_reason"] in page
    # Only a certificate in force (or one under review) lists the criteria as what the label promises.
    assert ("Was das Siegel hier verspricht" in page) == (
        values.get("status") == CertificateStatus.REVIEW_NEEDED
    )


def test_banner_without_a_current_licence(app, certified):
    with app.app_context():
        db.session.execute(update(Licence).values(status=LicenceStatus.CANCELLED))
        db.session.commit()
    page = app.test_client().get(certified.path).get_data(as_text=True)
    assert "Lizenz" in page and "status-banner" in page and "Zertifiziert VON HIER" not in page


def test_uncertified_and_archived_products_say_so(app, certified):
    from tests import factories

    scene = certified.scene
    other = factories.product(
        app,
        scene.owner.id,
        scene.org.id,
        [("Honig", 100, scene.farm.id, False)],
        name_de="Blütenhonig",
        category="honey",
    )
    with app.app_context():
        from vonhier.provenance.services import ensure_code

        code = ensure_code(db.session.get(Product, other))
        db.session.execute(update(Product).where(Product.id == other).values(status=ProductStatus.ARCHIVED))
        db.session.commit()
    page = app.test_client().get(f"/p/{code}").get_data(as_text=True)
    assert "nicht mit VON HIER zertifiziert" in page
    assert "nicht mehr angeboten" in page


def test_json_ld_and_open_graph(app, certified):
    page = app.test_client().get(certified.path).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Product" and data["name"] == "Landeier"
    assert data["gtin14"] == certified.gtin
    assert data["manufacturer"]["@type"] == "Organization"
    assert data["manufacturer"]["name"] == "Hof Sonnenwiese"
    assert data["countryOfOrigin"]["@type"] == "Country"
    assert data["hasCertification"]["@type"] == "Certification"
    assert data["hasCertification"]["certificationIdentification"] == certified.number
    assert data["hasCertification"]["certificationStatus"] == "CertificationActive"
    assert '<meta property="og:title" content="Landeier – Hof Sonnenwiese">' in page


def test_english_by_accept_language_or_switch(app, certified):
    client = app.test_client()
    english = client.get(certified.path, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Where it comes from" in english and 'lang="en"' in english
    assert "Where it comes from" in client.get(certified.path + "?lang=en").get_data(as_text=True)
    # The switch is a link: it remembers the choice (a language cookie) and comes back to the page.
    switch = re.search(r'<a href="(/language\?[^"]+)" lang="de"', english).group(1).replace("&amp;", "&")
    back = client.get(switch)
    assert back.status_code == 302 and back.headers["Location"] == certified.path
    assert "Woher es kommt" in client.get(certified.lot_path).get_data(as_text=True)


def test_page_is_cacheable_and_sets_no_cookie(app, certified):
    client = app.test_client()
    response = client.get(certified.path)
    assert response.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert "Set-Cookie" not in response.headers
    assert "Accept-Language" in response.headers["Vary"]
    again = client.get(certified.path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(certified.path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_status_change_is_never_answered_from_the_old_page(app, certified):
    client = app.test_client()
    response = client.get(certified.path)
    set_certificate(
        app,
        certified.certificate_id,
        status=CertificateStatus.REVOKED,
        updated_at=utcnow() + timedelta(seconds=2),
    )
    for headers in (
        {"If-None-Match": response.headers["ETag"]},
        {"If-Modified-Since": response.headers["Last-Modified"]},
    ):
        fresh = client.get(certified.path, headers=headers)
        assert fresh.status_code == 200 and "Zertifikat widerrufen" in fresh.get_data(as_text=True)


def test_an_expiry_overnight_changes_the_page(app, certified, monkeypatch):
    client = app.test_client()
    response = client.get(certified.path)
    set_certificate(
        app,
        certified.certificate_id,
        valid_until=utcnow().date() - timedelta(days=1),
        valid_from=utcnow().date() - timedelta(days=300),
    )
    fresh = client.get(certified.path, headers={"If-None-Match": response.headers["ETag"]})
    assert fresh.status_code == 200 and "abgelaufen" in fresh.get_data(as_text=True)


def test_signed_in_visitors_get_a_private_page(app, certified):
    response = certified.scene.producer_client.get(certified.path)
    assert response.headers["Cache-Control"].startswith("private")


def _statements(app, client, path, headers=None) -> list[str]:
    with app.app_context():
        engine = db.engine
    with statements(engine) as seen:
        assert client.get(path, headers=headers or {}).status_code == 200
    return seen


@pytest.mark.parametrize("path_kind", ["path", "lot_path", "code"])
def test_at_most_five_queries_and_one_once_rendered(make_app, certified, path_kind):
    app = make_app(SCAN_FLUSH_SECONDS=3600)  # buffered, as in production: no write on the request path
    path = f"/p/{certified.code}" if path_kind == "code" else getattr(certified, path_kind)
    client = app.test_client()
    # The catalogue's criteria are read once per process: here, by an English page.
    client.get(path, headers={"Accept-Language": "en"})
    first = _statements(app, client, path)
    # and the notice to other processes (facts.py), and the offers (orders, through signals.pre_orders)
    assert len(first) <= 7, first
    settle_notices(app)
    again = _statements(app, client, path)
    assert len(again) == 1, again  # the stored rendering, found with the scan's facts; its body cached
    assert _statements(app, client, path) == []  # the facts kept until the database says they changed
    # The scans wait in memory and reach the database together, in one upsert per key.
    from vonhier.provenance import scans
    from vonhier.provenance.models import ScanDay

    assert scans.flush(app) == 4
    with app.app_context():
        assert db.session.scalar(select(func.sum(ScanDay.count))) == 4


def test_stored_rendering_matches_a_fresh_one_and_follows_changes(app, certified):
    client = app.test_client()
    fresh = client.get(certified.path).get_data(as_text=True)
    stored = client.get(certified.path).get_data(as_text=True)
    assert stored == fresh
    for best_before in (date(2026, 12, 24), date(2026, 12, 31)):
        with app.app_context():
            db.session.scalar(select(Batch).where(Batch.lot == certified.lot)).best_before = best_before
            db.session.commit()
            pages.render_stale()  # the worker's job (tests/provenance/test_stored_pages.py)
        assert best_before.strftime("%d.%m.%Y") in client.get(certified.lot_path).get_data(as_text=True)


def test_signed_in_pages_are_not_stored(app, certified):
    from vonhier.provenance.models import RenderedPage

    certified.scene.producer_client.get(certified.path)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RenderedPage)) == 0


def test_where_to_buy_lists_the_outlets_selling_it_and_follows_their_changes(app, certified):
    from tests.provenance.conftest import vending_machine
    from vonhier.outlets import services as outlets
    from vonhier.permissions import SYSTEM

    client = app.test_client()
    assert "Noch kein Laden" in client.get(certified.path).get_data(as_text=True)
    data = vending_machine(certified.product_id)
    with app.app_context():
        outlet = outlets.save_outlet(SYSTEM, certified.scene.org.id, None, data)
        db.session.commit()
        outlet_id = outlet.id
        pages.render_stale()  # the stored rendering is outdated now
    page = client.get(certified.path).get_data(as_text=True)
    assert f'href="/outlets/{outlet_id}">Eierhäuschen am Hof</a>' in page
    with app.app_context():
        outlets.set_archived(SYSTEM, db.session.get(Outlet, outlet_id), True)
        db.session.commit()
        pages.render_stale()
    assert "Eierhäuschen" not in client.get(certified.path).get_data(as_text=True)


def test_compressed_for_clients_that_accept_it(app, certified):
    client = app.test_client()
    plain = client.get(certified.path)
    compressed = client.get(certified.path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(compressed.get_data()) == plain.get_data()
    assert len(compressed.get_data()) < len(plain.get_data()) / 2
    assert "Accept-Encoding" in compressed.headers["Vary"]
