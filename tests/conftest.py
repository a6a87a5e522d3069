"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from TEST_DATABASE_URL /
DATABASE_URL), emptied after every test; a real SMTP server (aiosmtpd); clients signed in by role;
the local Redis (skipped without it, unless CI sets VONHIER_REQUIRE_REDIS=1, which makes that a failure)."""

import os
import re
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from vonhier import create_app, region
from vonhier.extensions import db, limiter
from vonhier.outbox import worker
from vonhier.provenance import facts

from . import factories


class Inbox:
    """Messages received by the test SMTP server, parsed with the standard library."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def clear(self):
        with self._lock:
            self.messages.clear()

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    def last(self, address=None):
        found = self.to(address) if address else self.messages
        assert found, f"no mail received for {address or 'anyone'}"
        return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


# Redis database 13 is the tests' own; keys carry a per-test prefix and only those keys are deleted,
# so neither an application's data nor a parallel test run on the same server is touched.
REDIS_TEST_DB = 13


@pytest.fixture
def redis_store():
    """The local Redis for Flask-Limiter: `uri`, a key `prefix` whose keys go afterwards, a `client`."""
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_TEST_DB, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("VONHIER_REQUIRE_REDIS"):
            pytest.fail("no Redis server on 127.0.0.1:6379 but VONHIER_REQUIRE_REDIS is set")
        pytest.skip("skipped: no Redis server on 127.0.0.1:6379")
    # The limiter is one object for every app in this process: an app made with Redis settings
    # would leave it counting in Redis (and resetting it) for all later tests. Put it back.
    saved = {name: getattr(limiter, name) for name in ("_storage", "_limiter", "_key_prefix")}
    prefix = f"vonhier-test-{uuid.uuid4().hex}"
    yield SimpleNamespace(uri=f"redis://127.0.0.1:6379/{REDIS_TEST_DB}", prefix=prefix, client=client)
    for name, value in saved.items():
        setattr(limiter, name, value)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The run's database, migrated for the configured region pack (a new SQLite file every run)."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    name = urlsplit(url).path.lstrip("/")
    if "test" not in name:
        pytest.exit(
            f"Refusing to run tests on database {name!r}: its name must contain 'test'.", returncode=2
        )
    # The migrations seed the pack's polygon, catalogue and tiers: another pack gets a database of its
    # own, so that its run never meets the default pack's database (nor runs beside it on the same one).
    key = region.pack().key
    if key != region.DEFAULT:
        name = f"{name}_{re.sub(r'[^a-z0-9]+', '_', key.lower())}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # each pytest-xdist worker empties its own database after every test
        return _new_database(url, f"{name}_{worker}")
    if key != region.DEFAULT:
        return _new_database(url, name)
    return url


def _new_database(url: str, name: str) -> str:
    """`url` with the database `name`, created (from nothing) on the same PostgreSQL server."""
    parts = urlsplit(url)
    engine = create_engine(parts._replace(path="/postgres").geturl(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parts._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def base_config(database_url, smtp_server, tmp_path_factory):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "RATELIMIT_STORAGE_URI": "memory://",
        # The suite orders far more often than a buyer may; tests/orders/test_buying.py tests the limit.
        "RATELIMIT_ORDERS": "10000 per minute",
        "BASE_URL": "http://localhost",
        "SCAN_FLUSH_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def _migrated_app(base_config):
    app = create_app(base_config)
    with app.app_context():
        with db.engine.begin() as connection:
            # A PostgreSQL test database may hold a previous run's schema: start from nothing.
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        app.config["REFERENCE_ROWS"] = _reference_rows()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections now, not during interpreter shutdown


def _reference_rows() -> dict:
    """What the migrations seeded (categories, the default region): restored after every test."""
    with db.engine.connect() as connection:
        return {
            t: rows
            for t in db.metadata.sorted_tables
            if (rows := connection.execute(t.select()).mappings().all())
        }


def _reset_database(app, attempts: int = 3) -> None:
    # A browser test's live server may still be answering a request when the test ends (the live
    # pre-check's typing sends one); its locks and TRUNCATE's can deadlock, and PostgreSQL then aborts
    # one of the two: the reset is simply tried again.
    for attempt in range(attempts):
        try:
            return _empty_database(app)
        except OperationalError as error:
            if "deadlock" not in str(error.orig).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _empty_database(app) -> None:
    with app.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
            for table, rows in app.config["REFERENCE_ROWS"].items():
                connection.execute(table.insert(), [dict(row) for row in rows])
                if connection.dialect.name == "postgresql" and "id" in table.c:
                    # Restored ids must not be handed out again by the table's sequence.
                    top = connection.execute(select(func.max(table.c.id))).scalar()
                    connection.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :top)"),
                        {"t": table.name, "top": top},
                    )
        db.session.remove()


@pytest.fixture
def app(_migrated_app, smtp_server):
    smtp_server.handler.clear()
    limiter.reset()
    # Page bodies are cached by ETag; the reset database hands out the same ids and revisions again.
    _migrated_app.extensions.pop("vonhier_pages", None)
    facts.forget_everything()  # and emptying the database told no process to forget facts
    yield _migrated_app
    _reset_database(_migrated_app)


@pytest.fixture
def make_app(app, base_config):
    """Another application on the same database, with some settings changed."""

    built = []

    def build(**overrides):
        built.append(create_app({**base_config, **overrides}))
        return built[-1]

    yield build
    for other in built:  # close their connection pools now rather than at garbage collection
        with other.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Mailbox:
    """The test SMTP server's inbox, read after the outbox worker has sent every mail due: the one
    place where tests let queued mail go out, as `flask work` would after the request."""

    def __init__(self, inbox: Inbox, app):
        self.inbox, self.app = inbox, app

    def deliver(self) -> int:
        with self.app.app_context():
            return worker.deliver_due()

    @property
    def messages(self):
        self.deliver()
        return self.inbox.messages

    def to(self, address):
        self.deliver()
        return self.inbox.to(address)

    def last(self, address=None):
        self.deliver()
        return self.inbox.last(address)

    def clear(self):
        self.deliver()
        self.inbox.clear()


@pytest.fixture
def mailbox(app, smtp_server):
    return Mailbox(smtp_server.handler, app)


@pytest.fixture
def login_as(app, client):
    """Sign the test client in as a fresh user with `role`: admin, certifier, owner, staff, retailer, user."""

    def sign_in(role="owner", **kwargs):
        user = factories.user_with_role(app, role, **kwargs)
        response = client.post("/login", data={"email": user.email, "password": user.password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@pytest.fixture(scope="session")
def pure_app():
    """An application without a database, for the pure rules (pre-check, hours, GS1): translations and
    number formats need an app, not the migrated database and its reset after every test."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SCAN_FLUSH_SECONDS": 0,
        }
    )
