"""Scan facts kept in each process, forgotten as soon as the database says they changed.

A scan's facts (`pages.scan_facts`) are one row read over the product's `page_states` row and what
its revision covers, and its stored rendering. Every change to those goes through
`revisions.raise_revisions`, `pages.store` or `pages.render_stale`, which name the products with
`changed` in the changing transaction. Each process keeps the rows it read (`KeptFacts`) and, before
every scan, learns what changed since its last one:

- **PostgreSQL** (several processes, several machines): `changed` sends a NOTIFY on the channel
  `vonhier_pages` with the product ids, which PostgreSQL delivers at the commit to every process
  that listens (a rolled-back change sends nothing). Each process listens on a connection of its
  own and reads the notices that arrived before each scan (a read of a socket with nothing on it:
  a microsecond); it forgets those products. The committing process forgets them itself at its
  commit, so its own next scan never depends on the notice's arrival. Other processes learn of a
  change when its notice arrives, in well under a millisecond here.
- **SQLite** (one machine): `changed` raises the count in `page_changes` in the same transaction;
  each process reads that count before each scan on a connection of its own (a few microseconds,
  a fifth of the full read) and forgets everything when it moved. Such changes are rare next to
  scans; the scan counts written every few seconds do not move it.

Without its own connection (not yet made, or lost) a process keeps nothing and every scan reads the
database. What changes by date alone (a certificate's end, the licence year) is computed from the
kept row on every scan, or part of the address.
"""

import atexit
import contextlib
import os
import threading
import time
from collections import OrderedDict

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from ..database import upsert
from .models import PageChanges

CHANNEL = "vonhier_pages"
# At most this many addresses' facts per process (about 0.5 KB each); the least recently scanned go.
KEPT = 50_000
# A NOTIFY payload must stay below 8,000 bytes; beyond that every process forgets everything.
MAX_PAYLOAD = 7_900
EVERYTHING = "*"
# When a process's own connection is lost, a new one is tried at most this often.
RETRY_SECONDS = 1.0
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
_PENDING = "vonhier_changed_pages"  # in a connection's info: products changed in its transaction


def changed(connection, product_ids) -> None:
    """These products' pages changed in the transaction of `connection`: every process forgets their
    facts when it commits."""
    ids = set(product_ids)
    if not ids:
        return
    connection.info.setdefault(_PENDING, set()).update(ids)
    if connection.dialect.name == "postgresql":
        payload = ",".join(map(str, sorted(ids)))
        notice = payload if len(payload) <= MAX_PAYLOAD else EVERYTHING
        connection.execute(select(func.pg_notify(CHANNEL, notice)))
    else:
        statement = upsert(connection, PageChanges).values(id=1, count=1)
        connection.execute(
            statement.on_conflict_do_update(index_elements=["id"], set_={"count": PageChanges.count + 1})
        )


@event.listens_for(Engine, "commit")
def _forget_committed(connection) -> None:
    if ids := connection.info.pop(_PENDING, None):
        pid, url = os.getpid(), connection.engine.url
        for (owner, _engine), kept_facts in list(_processes.items()):
            if owner == pid and kept_facts.engine.url == url:  # every app of this process on this database
                kept_facts.forget(ids)


@event.listens_for(Engine, "rollback")
def _drop_pending(connection) -> None:
    if not connection.invalidated:  # an invalidated one has no info to read (nor to keep: it is gone)
        connection.info.pop(_PENDING, None)


class KeptFacts:
    """The facts rows this process keeps, by address, for one database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"
        self.rows: OrderedDict[tuple, tuple] = OrderedDict()
        self.of_product: dict[int, set[tuple]] = {}
        # Raised by every forgetting: a row read before it may be older than the change, so not kept.
        self.generation = 0
        self.connection = None  # this process's own: the listening one, or the one reading the count
        self.count = None  # SQLite: `page_changes.count` when last read
        self.closing = False  # PostgreSQL: the server said it ends the listening connection
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def get(self, key: tuple):
        """The kept row of an address (None if not kept), after learning what changed, and the generation
        to hand to `put` with a row read from the database instead."""
        with self.lock:
            self._learn()
            row = self.rows.get(key)
            if row is not None:
                self.rows.move_to_end(key)
            return row, self.generation

    def put(self, key: tuple, product_id: int, row, generation: int) -> None:
        with self.lock:
            if generation != self.generation or self.connection is None:
                return  # something changed while the row was read: it may be older than the change
            self.rows[key] = row
            self.of_product.setdefault(product_id, set()).add(key)
            while len(self.rows) > KEPT:
                old_key, old_row = self.rows.popitem(last=False)
                keys = self.of_product[old_row.id]
                keys.discard(old_key)
                if not keys:
                    del self.of_product[old_row.id]

    def forget(self, product_ids=None) -> None:
        """Forget these products' rows; all of them without (tests do after emptying the database)."""
        with self.lock:
            self._forget(product_ids)

    def _forget(self, product_ids=None) -> None:
        self.generation += 1
        if product_ids is None:
            self.rows.clear()
            self.of_product.clear()
            return
        for product_id in product_ids:
            for key in self.of_product.pop(product_id, ()):
                del self.rows[key]

    def _learn(self) -> None:
        if self.connection is None:
            self._connect()
            return
        try:
            changes = self._notices() if self.postgresql else self._count_moved()
        except self.engine.dialect.loaded_dbapi.Error as error:
            current_app.logger.warning("Scan facts no longer kept, the database connection failed: %s", error)
            self._close()
            return
        if changes:
            self._forget(None if EVERYTHING in changes else changes)

    def _notices(self) -> set:
        pgconn = self.connection.pgconn
        pgconn.consume_input()
        changes = set()
        while (notice := pgconn.notifies()) is not None:
            text = notice.extra.decode()
            changes.update([EVERYTHING] if text == EVERYTHING else map(int, text.split(",")))
        if self.closing:
            raise self.engine.dialect.loaded_dbapi.OperationalError(
                "the server closes the listening connection"
            )
        return changes

    def _on_notice(self, diagnostic) -> None:
        # A server that ends the connection (a shutdown, pg_terminate_backend) says so with a FATAL
        # message before it hangs up, and libpq reads the hang-up only on a later read: meanwhile
        # notices would no longer arrive.
        if diagnostic.severity_nonlocalized in ("FATAL", "PANIC"):
            self.closing = True

    def _count_moved(self) -> set:
        row = self.connection.execute("SELECT count FROM page_changes WHERE id = 1").fetchone()
        count = row[0] if row else 0
        moved, self.count = count != self.count, count
        return {EVERYTHING} if moved else set()

    def _connect(self) -> None:
        if time.monotonic() < self.retry_at:
            return
        self.retry_at = time.monotonic() + RETRY_SECONDS
        try:
            if self.postgresql:
                # Outside the pool, for as long as the process lives. TCP keepalives keep a firewall
                # from dropping the idle connection unseen and, if it is dropped all the same, make the
                # next read fail within about 25 s instead of waiting for notices that never come.
                cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
                driver = self.engine.dialect.loaded_dbapi.connect(*cargs, **cparams, **KEEPALIVES)
                self.closing = False
                driver.add_notice_handler(self._on_notice)
                driver.autocommit = True
                driver.execute(f"LISTEN {CHANNEL}")
            else:
                connection = self.engine.raw_connection()
                driver = connection.driver_connection
                connection.detach()  # this process's own, outside the pool, for as long as it lives
            self.connection = driver
            if not self.postgresql:
                self._count_moved()
        except self.engine.dialect.loaded_dbapi.Error as error:
            current_app.logger.warning("Scan facts not kept, no connection of their own: %s", error)
            self.connection = None
            return
        # Changes made before this connection was told nothing: what was kept may be out of date.
        self._forget()

    def _close(self) -> None:
        connection, self.connection = self.connection, None
        self._forget()
        with contextlib.suppress(Exception):  # a broken connection may fail to close; it is gone anyway
            connection.close()


_processes: dict[tuple[int, int], KeptFacts] = {}  # by process and engine


def kept(engine: Engine) -> KeptFacts:
    """This process's kept facts for `engine`, made on first use: gunicorn forks its workers, and a
    connection made before the fork would be shared."""
    key = (os.getpid(), id(engine))
    kept_facts = _processes.get(key)
    if kept_facts is None or kept_facts.engine is not engine:  # an id is reused after an engine is gone
        if kept_facts is not None and kept_facts.connection is not None:
            kept_facts._close()
        kept_facts = _processes[key] = KeptFacts(engine)
    return kept_facts


def forget_everything() -> None:
    """After the database was changed past `changed` (tests empty it), forget every kept row."""
    for kept_facts in _processes.values():
        kept_facts.forget()


@atexit.register
def _close_connections() -> None:
    for (pid, _engine), kept_facts in _processes.items():
        if pid == os.getpid() and kept_facts.connection is not None:
            kept_facts.connection.close()
