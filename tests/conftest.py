"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from TEST_DATABASE_URL /
DATABASE_URL), emptied after every test; a real SMTP server (aiosmtpd); clients signed in by role."""

import os
import socket
import threading
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from vonhier import create_app
from vonhier.extensions import db, limiter

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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    name = urlsplit(url).path.lstrip("/")
    if "test" not in name:
        pytest.exit(
            f"Refusing to run tests on database {name!r}: its name must contain 'test'.", returncode=2
        )
    return url


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


def _reset_database(app) -> None:
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


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server.handler


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
