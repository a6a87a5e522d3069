"""Stored provenance pages: what a scan reads, which stored page it may send, and rendering them again.

A scan reads `ScanFacts` in one statement over unique indexes (`scan_facts`): the product's
`PageState` (a revision that grows with every change to what the page shows), its newest
certificate's status and end date, this year's licence, the batch asked for and the narrow columns
of the stored rendering. Each process keeps the rows it read until the database says they changed
(`facts.py`), so most scans read no more than that. Page bodies stay in a
per-process cache keyed by their ETag; the database sends one only when the cache misses it.

A change to anything the page shows raises the revision in the same transaction, whatever code made
it (`revisions.py`, imported here so that its flush listener is connected wherever pages are read).
A stored page of an older release (a deploy) is still sent while what it shows of the certificate,
the licence and the batch is true; one of an older revision never is (the next scan renders it).
`render_stale` (the worker, `flask qr render` after a deploy) renders both kinds again off the request
path.
"""

import gzip
import hashlib
import threading
from collections import OrderedDict, namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from types import SimpleNamespace

from flask import current_app, render_template, url_for
from flask_babel import refresh
from sqlalchemy import and_, bindparam, delete, or_, select

from ..catalogue.models import Batch, Product
from ..certification.certificates import effective_status
from ..certification.models import Certificate, CertificateStatus
from ..clock import utcnow
from ..database import upsert
from ..extensions import db
from ..payments import services as payments
from ..payments.models import Licence
from . import (
    facts,
    revisions,  # noqa: F401 (connects the listener that raises revisions, see above)
    services,
)
from .models import PageState, ProductCode, RenderedPage

# --- what a scan reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredPage:
    """A rendering a scan may send: its ETag and when it was made (its Last-Modified)."""

    id: int | None
    etag: str
    last_modified: datetime


@dataclass
class ScanFacts:
    """What a scan of one address needs, read in one statement (`scan_facts`)."""

    product_id: int
    gtin: str | None
    code: str
    names: tuple[str, str]  # German, English
    lot: str | None
    has_batch: bool  # the lot asked for is one the producer entered
    certificate_number: str | None
    status: CertificateStatus | None  # of the newest certificate, as of today (expiry by date)
    licensed: bool
    revision: int
    etag: str  # of the page as it would be rendered now
    stored: StoredPage | None  # the stored rendering, if what it shows is still true
    stored_at: datetime | None  # when the stored rendering was made, true or not

    @property
    def url(self) -> str:
        return services.public_url(self.gtin, self.code, self.lot)

    def name(self, locale: str) -> str:
        return (self.names[1] if locale == "en" else "") or self.names[0]


def _read(statement, params: dict):
    """The first row of one of the scan's two reads, run on the driver's own cursor.

    SQLAlchemy's connection, execution context and result objects cost more than the statement itself
    here: a scan whose body was not in the cache took 0.40 ms in-process through them, the two
    statements alone 0.14 ms (bench/README.md). So the statement is compiled once per dialect and run
    on the pool's connection as it is; results are converted as SQLAlchemy would. On PostgreSQL it runs
    outside a transaction (a BEGIN and a ROLLBACK would each be a round trip) and psycopg prepares it on
    the server after a few runs. The pool does not ping a connection before use (config.py): a
    connection the server closed is dropped with all others as old, and the read tried once more."""
    engine = db.engine
    sql, fixed, order, convert = _compiled(statement, engine.dialect)
    values = {**fixed, **params}
    arguments = [values[name] for name in order] if order is not None else values
    try:
        row = _fetch(engine, sql, arguments)
    except engine.dialect.loaded_dbapi.OperationalError:
        engine.dispose()  # the pool's other connections are as old: the next requests get new ones
        row = _fetch(engine, sql, arguments)
    return convert(row) if row is not None else None


def _fetch(engine, sql: str, arguments):
    connection = engine.raw_connection()
    driver = connection.driver_connection
    postgresql = engine.dialect.name == "postgresql"  # pysqlite begins no transaction for a read anyway
    try:
        if postgresql:
            driver.autocommit = True
        cursor = connection.cursor()
        cursor.execute(sql, arguments)
        row = cursor.fetchone()
        cursor.close()
        if postgresql:
            driver.autocommit = False
        return row
    except engine.dialect.loaded_dbapi.OperationalError:
        connection.invalidate()
        raise
    finally:
        connection.close()


@lru_cache(maxsize=16)  # two statements per database (tests make many engines)
def _compiled(statement, dialect):
    """The SQL of a Core SELECT for a dialect, its fixed parameters, the order of positional ones and a
    function that turns a driver's row into a row with the columns' names and Python values."""
    compiled = statement.compile(dialect=dialect)
    fixed = {name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required}
    order = compiled.positiontup if dialect.positional else None
    processors = [
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    ]
    row_type = namedtuple("Row", [column.key for column in statement.selected_columns])

    def convert(row):
        return row_type._make(
            value if process is None else process(value)
            for process, value in zip(processors, row, strict=True)
        )

    return str(compiled), fixed, order, convert


@cache
def _scan_statement(key: str):
    """Built once per process; SQLAlchemy compiles it once too."""
    product, code, state, certificate = (
        Product.__table__,
        ProductCode.__table__,
        PageState.__table__,
        Certificate.__table__,
    )
    licence, batch, rendered = Licence.__table__, Batch.__table__, RenderedPage.__table__
    where = {"gtin": product.c.gtin, "code": code.c.code, "product": product.c.id}[key]
    return (
        select(
            product.c.id,
            product.c.gtin,
            product.c.name_de,
            product.c.name_en,
            code.c.code,
            state.c.revision,
            certificate.c.number.label("certificate_number"),
            certificate.c.status.label("certificate_status"),
            certificate.c.valid_until,
            licence.c.status.label("licence_status"),
            batch.c.id.label("batch_id"),
            rendered.c.id.label("stored_id"),
            rendered.c.etag.label("stored_etag"),
            rendered.c.created_at.label("stored_at"),
            rendered.c.revision.label("stored_revision"),
            rendered.c.status.label("shown_status"),
            rendered.c.licensed.label("shown_licensed"),
            rendered.c.has_batch.label("shown_batch"),
        )
        .select_from(product)
        .join(code, code.c.product_id == product.c.id)
        .join(state, state.c.product_id == product.c.id)
        .outerjoin(certificate, certificate.c.id == state.c.certificate_id)
        .outerjoin(
            licence,
            and_(licence.c.organisation_id == product.c.organisation_id, licence.c.year == bindparam("year")),
        )
        .outerjoin(batch, and_(batch.c.product_id == product.c.id, batch.c.lot == bindparam("lot")))
        .outerjoin(
            rendered,
            and_(
                rendered.c.product_id == product.c.id,
                rendered.c.lot == bindparam("page_lot"),
                rendered.c.language == bindparam("language"),
            ),
        )
        .where(where == bindparam("key"))
    )


def scan_facts(
    locale: str,
    *,
    gtin: str | None = None,
    code: str | None = None,
    product_id: int | None = None,
    lot: str | None = None,
) -> ScanFacts | None:
    """The facts of a product or lot address in one language; None for an unknown product."""
    key, value = (
        ("gtin", gtin)
        if gtin is not None
        else ("code", code)
        if code is not None
        else ("product", product_id)
    )
    today = utcnow().date()
    year = payments.this_year()  # licence years are local (payments decides who is licensed)
    kept = facts.kept(db.engine)
    address = (key, value, lot, locale, year)
    row, generation = kept.get(address)
    if row is None:
        params = {"key": value, "year": year, "lot": lot, "page_lot": lot or "", "language": locale}
        row = _read(_scan_statement(key), params)
        if row is None:
            return None
        # Not the rows of lots nobody entered: made-up addresses must not push out the real ones.
        if lot is None or row.batch_id is not None:
            kept.put(address, row.id, row, generation)
    status = None
    if row.certificate_status is not None:
        # The status rule reads only these fields: a plain record stands in for the model.
        certificate = SimpleNamespace(status=row.certificate_status, valid_until=row.valid_until)
        status = effective_status(certificate, today)
    licensed = (
        row.licence_status is not None
        and payments.state(SimpleNamespace(status=row.licence_status, year=year)) == "active"
    )
    has_batch = row.batch_id is not None
    parts = [current_app.config["RELEASE"], locale, lot, row.id, row.revision, status, licensed, has_batch]
    etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    stored = None
    # A page rendered by an older release (a deploy) is still sent while the facts that change without
    # an edit — the certificate's status (by date too), the licence, the batch — are the ones it shows.
    # A page of an older revision is never sent: something it shows was changed, and the change must
    # show on the next scan, on every instance.
    if row.stored_etag is not None and (
        row.stored_etag == etag
        or (
            row.stored_revision == row.revision
            and (row.shown_status, row.shown_licensed, row.shown_batch) == (status, licensed, has_batch)
        )
    ):
        stored = StoredPage(row.stored_id, row.stored_etag, row.stored_at)
    return ScanFacts(
        product_id=row.id,
        gtin=row.gtin,
        code=row.code,
        names=(row.name_de, row.name_en),
        lot=lot,
        has_batch=has_batch,
        certificate_number=row.certificate_number,
        status=status,
        licensed=licensed,
        revision=row.revision,
        etag=etag,
        stored=stored,
        stored_at=row.stored_at,
    )


def fresh(found: ScanFacts) -> StoredPage:
    """The ETag and Last-Modified of a page rendered now. HTTP dates count whole seconds: the new page is
    dated at least a second after the one it replaces, or a client asking If-Modified-Since would keep
    a page replaced in the same second."""
    now = utcnow().replace(microsecond=0)
    if found.stored_at is not None:
        now = max(now, found.stored_at.replace(microsecond=0) + timedelta(seconds=1))
    return StoredPage(None, found.etag, now)


# --- page bodies ----------------------------------------------------------------------------------------


class BodyCache:
    """Gzip page bodies by ETag, the least recently sent dropped first beyond a number of bytes.

    An ETag names one body for good (it covers the product, release, language, lot and revision), so
    nothing here is ever out of date; a lock because a threaded server shares it."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self.size += len(body)
            while self.size > self.limit:
                self.size -= len(self._bodies.popitem(last=False)[1])


def body_cache(app) -> BodyCache:
    if "vonhier_pages" not in app.extensions:
        limit = int(app.config["PAGE_CACHE_MB"] * 1024 * 1024)
        app.extensions["vonhier_pages"] = BodyCache(limit)
    return app.extensions["vonhier_pages"]


@cache
def _body_statement():
    return select(RenderedPage.body).where(
        RenderedPage.id == bindparam("id"), RenderedPage.etag == bindparam("etag")
    )


def stored_body(page: StoredPage) -> bytes | None:
    """The gzip body of a stored page: from this process's cache, else from the database (then cached).
    None if it was replaced since the facts were read."""
    cache = body_cache(current_app)
    body = cache.get(page.etag)
    if body is None:
        row = _read(_body_statement(), {"id": page.id, "etag": page.etag})
        body = row.body if row is not None else None
        if body is not None:
            cache.put(page.etag, body)
    return body


# --- rendering -----------------------------------------------------------------------------------------


def render(found: ScanFacts, locale: str) -> bytes:
    """The page, gzip-compressed (phones on a weak signal get a third of the bytes). In a request context:
    the view's, or `render_stale`'s made for the page's address and language."""
    page = services.load_page(services.find(code=found.code, lot=found.lot), licensed=found.licensed)
    base = current_app.config["BASE_URL"]
    certificate_url = (
        base + url_for("certification.certificate", number=page.certificate.number)
        if page.certificate
        else None
    )
    image_url = base + url_for("media.image", name=page.image) if page.image else None
    pre_orders = services.pre_orders(page.product.id)
    html = render_template(
        "provenance/page.html",
        page=page,
        json_ld=services.json_ld(page, locale, image_url, certificate_url, pre_orders),
        pre_orders=pre_orders,
        main_ingredient=services.main_ingredient(page),
        ingredients=services.ingredient_list(page),
        allergens=services.allergen_summary(page),
        processing=services.processing_places(page),
        outlets=services.where_to_buy(page.product.id),
    )
    return gzip.compress(html.encode(), compresslevel=6, mtime=0)


def storable(found: ScanFacts) -> bool:
    """Pages of the product and of the lots its producer entered are stored; a lot typed by anyone
    else is rendered for them only, so made-up addresses cannot fill the table."""
    return found.lot is None or found.has_batch


def store(found: ScanFacts, language: str, body: bytes, created_at: datetime) -> None:
    """Keep a rendering for the next scans; it replaces the older one of the product, lot and language
    (an upsert: two processes storing the same page at once leave one row)."""
    values = {
        "product_id": found.product_id,
        "lot": found.lot or "",
        "language": language,
        "etag": found.etag,
        "body": body,
        "created_at": created_at,
        "release": current_app.config["RELEASE"][:64],
        "revision": found.revision,
        "status": found.status,
        "licensed": found.licensed,
        "has_batch": found.has_batch,
    }
    statement = upsert(db.session.connection(), RenderedPage).values(**values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["product_id", "lot", "language"],
            set_={
                key: statement.excluded[key] for key in values if key not in ("product_id", "lot", "language")
            },
        )
    )
    facts.changed(db.session.connection(), [found.product_id])
    body_cache(current_app).put(found.etag, body)


def render_stale(limit: int = 20) -> int:
    """Render again up to `limit` stored pages made from an older revision or release; returns how many.

    A job of the background worker, and of `flask qr render`. Safe in several processes at once:
    PostgreSQL hands each its own rows (SKIP LOCKED), and each rendering replaces its row."""
    app = current_app._get_current_object()
    release = app.config["RELEASE"][:64]
    rows = db.session.execute(
        select(RenderedPage.product_id, RenderedPage.lot, RenderedPage.language)
        .join(PageState, PageState.product_id == RenderedPage.product_id)
        .where(or_(RenderedPage.release != release, RenderedPage.revision != PageState.revision))
        # Edited products first (their old pages are not sent), then a deploy's pages (they are).
        .order_by(RenderedPage.revision == PageState.revision, RenderedPage.id)
        .limit(limit)
        .with_for_update(of=RenderedPage, skip_locked=True)
    ).all()
    for product_id, lot, language in rows:
        found = scan_facts(language, product_id=product_id, lot=lot or None)
        if not storable(found):  # the producer deleted the batch: nobody's phone gets this page again
            db.session.execute(
                delete(RenderedPage).where(
                    RenderedPage.product_id == product_id,
                    RenderedPage.lot == lot,
                    RenderedPage.language == language,
                )
            )
            facts.changed(db.session.connection(), [product_id])
            continue
        path = services.public_path(found.gtin, found.code, found.lot)
        # The request a visitor's phone would send: the page comes out as the view renders it.
        with app.test_request_context(
            path, base_url=app.config["BASE_URL"], headers={"Accept-Language": language}
        ):
            refresh()  # Flask-Babel keeps the locale on the app context, which the renderings share
            body = render(found, language)
        store(found, language, body, fresh(found).last_modified)
    db.session.commit()
    return len(rows)
