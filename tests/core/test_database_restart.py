"""A database server that restarted: the pool does not ping before each use (config.py)."""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from vonhier.extensions import db


def _close_every_connection(app) -> None:
    with app.app_context():
        killer = create_engine(db.engine.url, poolclass=NullPool)  # not one of the pool's connections
        with killer.connect() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        killer.dispose()


def test_a_request_on_a_closed_connection_is_503_and_the_next_one_works(app, client, login_as):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a SQLite file has no server to close connections")
    login_as("user")
    assert client.get("/account").status_code == 200
    _close_every_connection(app)
    response = client.get("/account")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "einen Moment nicht erreichbar" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # the pool dropped the dead connections
