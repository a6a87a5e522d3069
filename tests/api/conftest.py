"""The demo network, loaded once for the whole package: the API only reads, so its tests share it.

Tests here use `demo_app`/`api`, never the `app` fixture, whose teardown would empty the database."""

import pytest

from tests.conftest import _reset_database
from vonhier.extensions import limiter


@pytest.fixture(scope="package")
def demo_app(_migrated_app):
    app = _migrated_app
    previous = app.config["RATELIMIT_API"]
    # Schemathesis sends hundreds of requests; the rate-limit test lowers this for itself.
    app.config["RATELIMIT_API"] = "100000 per minute"
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    yield app
    app.config["RATELIMIT_API"] = previous
    _reset_database(app)


@pytest.fixture
def api(demo_app):
    """A client without an outer application context: each request gets its own (its own `g`,
    locale and session), as in production. Tests read the database in `with demo_app.app_context()`
    blocks that make no request."""
    limiter.reset()
    return demo_app.test_client()
