"""Stored pages follow every change to what they show (`provenance.pages`): the revision rises in the
transaction of the change, a stale page is sent only while what it shows is true, and `render_stale`
(the worker, `flask qr render`) renders it again off the request path."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, literal, select, update

from tests.provenance.conftest import vending_machine
from tests.statements import close_every_connection, statements
from vonhier.catalogue import services as catalogue
from vonhier.catalogue.models import Batch, Product, ProductImage
from vonhier.certification.models import Certificate, CertificateProduct, CertificateStatus
from vonhier.extensions import db
from vonhier.organisations.models import Organisation
from vonhier.outlets import services as outlets
from vonhier.payments.models import Licence, LicenceStatus
from vonhier.permissions import SYSTEM
from vonhier.provenance import pages, revisions
from vonhier.provenance.models import PageState, RenderedPage


def _revision(app, product_id) -> int:
    with app.app_context():
        return db.session.get(PageState, product_id).revision


def _render_stale(app) -> int:
    with app.app_context():
        return pages.render_stale(100)


def _stale(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(RenderedPage)
            .join(PageState, PageState.product_id == RenderedPage.product_id)
            .where(RenderedPage.revision != PageState.revision)
        )


def _edit_product(app, c):
    db.session.get(Product, c.product_id).name_de = "Landeier vom Hof"
    return "Landeier vom Hof"


def _new_version(app, c):
    product = db.session.get(Product, c.product_id)
    product.description_de = "Jetzt mit Weidegang im Winter."
    catalogue.record_version(c.scene.owner, product)
    return "Jetzt mit Weidegang im Winter."


def _image(app, c):
    db.session.add(ProductImage(product_id=c.product_id, filename="neues-foto.webp", position=-1))
    return "neues-foto.webp"


def _producer(app, c):
    db.session.get(Organisation, c.scene.org.id).display_name = "Hof Sonnenwiese & Söhne"
    return "Hof Sonnenwiese &amp; Söhne"


def _batch(app, c):
    db.session.scalar(select(Batch).where(Batch.lot == c.lot)).best_before = date(2026, 12, 24)
    return "24.12.2026"


def _outlet(app, c):
    data = vending_machine(c.product_id)
    outlets.save_outlet(SYSTEM, c.scene.org.id, None, data)
    return "Eierhäuschen am Hof"


CHANGES = [_edit_product, _new_version, _image, _producer, _batch, _outlet]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_raises_the_revision_and_the_worker_renders_the_page_again(app, certified, change):
    client = app.test_client()
    before = client.get(certified.lot_path).get_data(as_text=True)
    revision = _revision(app, certified.product_id)
    with app.app_context():
        shown = change(app, certified)
        db.session.commit()
    assert _revision(app, certified.product_id) > revision
    assert shown not in before
    assert _stale(app) == 1
    assert _render_stale(app) == 1 and _stale(app) == 0
    with app.app_context(), statements(db.engine) as seen:
        assert shown in client.get(certified.lot_path).get_data(as_text=True)
    # The facts, and the body the worker stored unless this process's cache holds it: no rendering.
    assert len(seen) <= 2


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_on_the_next_scan_even_before_the_worker(app, certified, change):
    """A page of an older revision is never sent: it shows something that was changed."""
    client = app.test_client()
    client.get(certified.lot_path)
    with app.app_context():
        shown = change(app, certified)
        db.session.commit()
    assert shown in client.get(certified.lot_path).get_data(as_text=True)
    assert _stale(app) == 0  # that scan stored its rendering


def test_a_suspension_shows_on_the_next_scan(app, certified):
    client = app.test_client()
    first = client.get(certified.path)
    revision = _revision(app, certified.product_id)
    with app.app_context():
        db.session.get(Certificate, certified.certificate_id).status = CertificateStatus.SUSPENDED
        db.session.commit()
    assert _revision(app, certified.product_id) > revision
    again = client.get(certified.path)  # what the stored page shows is no longer true: rendered now
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "ausgesetzt" in again.get_data(as_text=True)


def test_a_lapsed_licence_shows_on_the_next_scan(app, certified):
    client = app.test_client()
    client.get(certified.path)
    with app.app_context():
        db.session.scalar(select(Licence)).status = LicenceStatus.CANCELLED
        db.session.commit()
    assert "Zertifiziert VON HIER" not in client.get(certified.path).get_data(as_text=True)


def test_a_new_release_sends_the_last_pages_until_they_are_rendered_again(make_app, certified):
    old = make_app(RELEASE="1")
    page = old.test_client().get(certified.path)
    new = make_app(RELEASE="2")
    client = new.test_client()
    stale = client.get(certified.path)
    assert stale.headers["ETag"] == page.headers["ETag"] and stale.get_data() == page.get_data()
    result = new.test_cli_runner().invoke(args=["qr", "render"])
    assert result.exit_code == 0 and "1 pages rendered again" in result.output
    again = client.get(certified.path)
    assert again.headers["ETag"] != page.headers["ETag"]
    assert again.get_data() == stale.get_data()  # the same data: the same page, rendered off the request path


def test_a_page_rendered_again_is_the_page_the_view_renders(make_app, certified):
    app = make_app()
    client = app.test_client()
    for headers in ({"Accept-Language": "en"}, {}):
        client.get(certified.lot_path, headers=headers)
    with app.app_context():
        db.session.get(Product, certified.product_id).name_en = "Free-range eggs"
        db.session.commit()
    assert _render_stale(app) == 2
    english = client.get(certified.lot_path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Free-range eggs" in english and 'lang="en"' in english
    stored = client.get(certified.lot_path).get_data(as_text=True)
    with app.app_context():
        db.session.execute(db.delete(RenderedPage))
        db.session.commit()
    assert client.get(certified.lot_path).get_data(as_text=True) == stored  # rendered by the view


def test_two_workers_rendering_at_once_leave_one_row_per_page(make_app, certified):
    app = make_app()
    client = app.test_client()
    for language in ("de", "en"):
        client.get(certified.path, headers={"Accept-Language": language})
        client.get(certified.lot_path, headers={"Accept-Language": language})
    with app.app_context():
        db.session.get(Product, certified.product_id).name_de = "Landeier vom Hof"
        db.session.commit()
    errors, done = [], []

    def work():
        try:
            done.append(_render_stale(app))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert 4 <= sum(done) <= 8 and _stale(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RenderedPage)) == 4
    assert "Landeier vom Hof" in client.get(certified.path).get_data(as_text=True)


def test_a_product_gets_its_page_state_when_created(app, certified):
    with app.app_context():
        state = db.session.get(PageState, certified.product_id)
        assert state is not None and state.certificate_id == certified.certificate_id


def test_a_scan_survives_connections_the_server_closed(app, certified):
    """The pool does not ping before each use (config.py); a scan tries once more on a new connection."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a SQLite file has no server to close connections")
        client = app.test_client()
        client.get(certified.path)
        close_every_connection(db.engine)
        response = client.get(certified.path)
    assert response.status_code == 200 and certified.number in response.get_data(as_text=True)


def test_the_body_cache_keeps_the_recently_sent_pages_within_its_bytes():
    cache = pages.BodyCache(limit=10)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"  # now the most recently sent
    cache.put("c", b"cccc")
    assert cache.get("b") is None and cache.get("a") == b"aaaa" and cache.get("c") == b"cccc"
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None and cache.size == 8


def test_a_revision_raised_while_a_certificate_is_named_keeps_the_newest_certificate(app, certified):
    """Two transactions raise a product's revision, the first also naming a new certificate: the second
    read "no certificate" before it waited for the first's lock, and must not write that back."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one writer at a time read and write")
        link = CertificateProduct.__table__
        row = (
            db.session.execute(select(link).where(link.c.product_id == certified.product_id)).mappings().one()
        )
        db.session.execute(link.delete().where(link.c.product_id == certified.product_id))
        db.session.execute(
            update(PageState).where(PageState.product_id == certified.product_id).values(certificate_id=None)
        )
        db.session.commit()
        ids = select(literal(certified.product_id))
        first, second = db.engine.connect(), db.engine.connect()
        try:
            first.begin()
            first.execute(link.insert().values(**row))
            revisions.raise_revisions(first, ids)  # holds the page state's lock until it commits
            second.begin()
            waiting = threading.Thread(target=revisions.raise_revisions, args=(second, ids))
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive()  # waiting for the first transaction's lock
            first.commit()
            waiting.join(10)
            second.commit()
        finally:
            first.close()
            second.close()
        state = db.session.get(PageState, certified.product_id)
        db.session.refresh(state)
        assert state.certificate_id == certified.certificate_id


def _stored_lots(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(RenderedPage.lot)))


def test_a_made_up_lot_is_rendered_but_not_stored(app, certified):
    client = app.test_client()
    for lot in ("ERFUNDEN1", "ERFUNDEN2"):
        response = client.get(f"{certified.path}/10/{lot}")
        assert response.status_code == 200 and lot in response.get_data(as_text=True)
    assert _stored_lots(app) == []
    client.get(certified.lot_path)
    assert _stored_lots(app) == [certified.lot]


def test_a_page_asked_for_with_a_query_is_not_stored_for_the_next_visitor(app, certified):
    client = app.test_client()
    assert "utm_source" in client.get(f"{certified.path}?utm_source=flyer").get_data(as_text=True)
    assert _stored_lots(app) == []
    assert "utm_source" not in client.get(certified.path).get_data(as_text=True)
    assert _stored_lots(app) == [""]


def test_the_worker_drops_the_page_of_a_deleted_batch(app, certified):
    app.test_client().get(certified.lot_path)
    with app.app_context():
        db.session.delete(db.session.scalar(select(Batch).where(Batch.lot == certified.lot)))
        db.session.commit()
    assert _render_stale(app) == 1 and _stored_lots(app) == []
