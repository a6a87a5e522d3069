"""A database server that restarted: the pool does not ping before each use (config.py)."""

import pytest

from tests.statements import close_every_connection
from vonhier.extensions import db


def test_a_request_on_a_closed_connection_is_503_and_the_next_one_works(app, client, login_as):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a SQLite file has no server to close connections")
    login_as("user")
    assert client.get("/account").status_code == 200
    with app.app_context():
        close_every_connection(db.engine)
    response = client.get("/account")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "einen Moment nicht erreichbar" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # the pool dropped the dead connections
