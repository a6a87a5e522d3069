"""Anonymous scan counts: recorded as a page is answered, moved into `scan_days`, read for statistics.

A scan counts one more for its product, lot ("" for the product itself), local day (in the region's
zone) and page language; nothing else is kept: no address, no user agent, no cookie, no time of day.

Two ways to record, chosen by `REDIS_URL`:

- **Redis** (production, several processes or machines): each scan is one `HINCRBY` on a hash
  shared by all of them, before the page is sent. A killed worker loses at most the scans it was
  answering at that moment, a graceful restart none. The background worker (`flask work`) moves the
  counts into the database with `move` (see there why a mover killed at any point loses or doubles
  nothing).
- **In memory** (the embedded default: `make run`, SQLite, no Redis): each process counts in a
  `ScanBuffer` and writes one upsert per key after `SCAN_FLUSH_SECONDS` and at exit. A process killed
  with SIGKILL loses what it held.
"""

import atexit
import json
import os
import threading
import time
import uuid
from collections import Counter
from datetime import date, timedelta

import redis
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import Product
from ..clock import local_now, utcnow
from ..database import german, upsert
from ..extensions import db
from .models import ScanBatch, ScanDay

# A moved batch's id is kept this long: far longer than any mover holds a batch between reading it
# and deleting it from Redis, so a second mover that read the same batch still finds the id.
KEEP_BATCH_IDS = timedelta(days=7)
# Scans must not wait for a Redis that hangs; after a failure they are counted in memory instead.
REDIS_TIMEOUT = 1.0


def count(product_id: int, lot: str | None, language: str) -> None:
    """One more scan of the product (or the lot), today in the region's zone, in this language."""
    app = current_app._get_current_object()
    key = (product_id, lot or "", local_now().date(), language)  # a day as people in the region count it
    if app.config["REDIS_URL"]:
        try:
            _redis(app).hincrby(_live_key(app), _field(key), 1)
            return
        except redis.RedisError as error:
            # Better counted in this process (and written by its buffer) than not at all.
            app.logger.warning("Scan counted in memory, Redis failed: %s", error)
    _buffer(app).add(app, key)


# --- Redis ----------------------------------------------------------------------------------------------

_clients: dict[tuple[int, str], redis.Redis] = {}


def _redis(app) -> redis.Redis:
    """This process's client (with its connection pool), made on first use: gunicorn forks its workers
    from a master that loaded the app, and a pool made before the fork would share sockets."""
    key = (os.getpid(), app.config["REDIS_URL"])
    if key not in _clients:
        _clients[key] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
    return _clients[key]


def _live_key(app) -> str:
    return f"{app.config['SCAN_KEY_PREFIX']}scans"


def _moving_key(app, batch: str) -> str:
    return f"{_live_key(app)}:moving:{batch}"


def _field(key: tuple) -> str:
    product_id, lot, day, language = key
    return json.dumps([product_id, lot, day.isoformat(), language], ensure_ascii=False)


def _key(field: bytes) -> tuple:
    product_id, lot, day, language = json.loads(field)
    return product_id, lot, date.fromisoformat(day), language


def move() -> int:
    """Move the counts recorded in Redis into `scan_days`; returns how many scans were moved.

    1. The live hash is renamed to `…:moving:{batch}` with a new batch id (RENAME is atomic: a scan
       counted at the same moment lands either in this batch or in a new live hash).
    2. In one database transaction, the batch id is inserted into `scan_batches` (primary key) and the
       batch's counts are added to `scan_days`.
    3. The moving key is deleted.

    A mover killed after 1 leaves the moving key: the next run (every run starts with the moving keys
    left over) moves it. Killed after 2's commit, the batch id is in the database: the next run finds
    it there, adds nothing and only deletes the key. Two movers that take the same batch collide on
    the primary key, and the database lets one of them add it. So every count is added exactly once.
    """
    if not current_app.config["REDIS_URL"]:
        return 0  # counted in each web process's memory, written by that process
    client = _redis(current_app)
    moved = 0
    for key in client.scan_iter(match=_moving_key(current_app, "*")):
        moved += _move_batch(client, key.decode())
    batch = uuid.uuid4().hex
    try:
        client.rename(_live_key(current_app), _moving_key(current_app, batch))
    except redis.ResponseError as error:
        if "no such key" not in str(error).lower():
            raise
        return moved  # no scan since the last run
    moved += _move_batch(client, _moving_key(current_app, batch))
    db.session.execute(delete(ScanBatch).where(ScanBatch.moved_at < utcnow() - KEEP_BATCH_IDS))
    db.session.commit()
    return moved


def _move_batch(client: redis.Redis, key: str) -> int:
    counts = Counter({_key(field): int(value) for field, value in client.hgetall(key).items()})
    try:
        db.session.add(ScanBatch(id=key.rsplit(":", 1)[1]))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # moved already, by a run that was stopped before it deleted the key
        counts = Counter()
    else:
        write(counts, db.session.connection())
        db.session.commit()
    client.delete(key)
    return counts.total()


# --- in memory -----------------------------------------------------------------------------------------


class ScanBuffer:
    """Scans counted in memory and written in one upsert per (product, lot, day, language) now and then.

    The page answers without waiting for the database; a timer writes what a quiet worker holds, and
    whatever is left is written when the process exits.
    """

    def __init__(self):
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        self._since: float | None = None
        self._timer: threading.Timer | None = None

    def add(self, app, key: tuple) -> None:
        interval = app.config["SCAN_FLUSH_SECONDS"]
        with self._lock:
            self._counts[key] += 1
            if self._since is None:
                self._since = time.monotonic()
                if interval > 0:
                    self._timer = threading.Timer(interval, self.flush, args=(app,))
                    self._timer.daemon = True
                    self._timer.start()
        if interval <= 0:
            self.flush(app)

    def flush(self, app) -> int:
        with self._lock:
            counts, self._counts, self._since = self._counts, Counter(), None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if counts:
            with app.app_context(), db.engine.begin() as connection:
                write(counts, connection)  # in its own transaction, whatever the request did
        return counts.total()


def _buffer(app) -> ScanBuffer:
    """The application's buffer; what it holds when the process ends is written then."""
    if "vonhier_scans" not in app.extensions:
        buffer = app.extensions["vonhier_scans"] = ScanBuffer()
        atexit.register(buffer.flush, app)
    return app.extensions["vonhier_scans"]


def flush(app) -> int:
    """Write what this process counted in memory now (tests; the timer and the exit do it otherwise)."""
    return _buffer(app).flush(app)


def write(counts: Counter, connection) -> None:
    """Add counts {(product_id, lot, day, language): n} on `connection`: one upsert for all keys."""
    if not counts:
        return
    statement = upsert(connection, ScanDay)
    statement = statement.on_conflict_do_update(
        index_elements=["product_id", "lot", "day", "language"],
        set_={"count": ScanDay.count + statement.excluded.count},
    )
    connection.execute(
        statement,
        [
            {"product_id": product_id, "lot": lot, "day": day, "language": language, "count": n}
            for (product_id, lot, day, language), n in sorted(counts.items())
        ],
    )


# --- statistics ----------------------------------------------------------------------------------------


def daily(organisation_id: int, since: date, until: date, product_id: int | None = None):
    """Scans of the organisation's products per day and product (summed over lots and languages)."""
    statement = select(ScanDay.day, ScanDay.product_id, Product.name_de, func.sum(ScanDay.count)).group_by(
        ScanDay.day, ScanDay.product_id, Product.name_de
    )
    statement = _organisation_scans(statement, organisation_id, since, until, product_id)
    return db.session.execute(statement.order_by(ScanDay.day, german(Product.name_de))).all()


def _organisation_scans(statement, organisation_id: int, since: date, until: date, product_id: int | None):
    statement = statement.join(Product, Product.id == ScanDay.product_id).where(
        Product.organisation_id == organisation_id, ScanDay.day.between(since, until)
    )
    if product_id is not None:
        statement = statement.where(ScanDay.product_id == product_id)
    return statement


def summary(organisation_id: int, since: date, until: date, product_id: int | None = None):
    """Scans of the organisation's products per product and language (summed over days and lots)."""
    statement = select(ScanDay.product_id, ScanDay.language, func.sum(ScanDay.count)).group_by(
        ScanDay.product_id, ScanDay.language
    )
    return db.session.execute(
        _organisation_scans(statement, organisation_id, since, until, product_id).order_by(ScanDay.product_id)
    ).all()


def rows(organisation_id: int, since: date, until: date, product_id: int | None = None):
    """Every stored count of the organisation's products: day, product, names, lot, language, count."""
    names = (Product.name_de, Product.name_en)
    statement = select(ScanDay.day, ScanDay.product_id, *names, ScanDay.lot, ScanDay.language, ScanDay.count)
    statement = _organisation_scans(statement, organisation_id, since, until, product_id)
    return db.session.execute(
        statement.order_by(
            ScanDay.day, german(Product.name_de), ScanDay.product_id, ScanDay.lot, ScanDay.language
        )
    ).all()
