"""Scans of stored pages answered before Flask (`provenance.hotpath`): the same answer, fewer steps."""

import gzip

import pytest
from flask import request_started
from sqlalchemy import func, select

from vonhier.extensions import db
from vonhier.provenance import scans
from vonhier.provenance.models import ScanDay

from ..statements import statements
from .conftest import settle_notices

GZIP = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
# Headers that must not differ between the view and the stored answer.
SAME = (
    "Content-Type",
    "Content-Encoding",
    "Content-Length",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Link",
    "Access-Control-Allow-Origin",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)


class Trace:
    """The SQL statements that reached the driver and whether Flask dispatched the request."""

    def __init__(self, app):
        self.app = app
        self.statements: list[str] = []
        self.flask = 0

    def get(self, client, path, **kwargs):
        self.flask = 0

        def dispatched(sender, **extra):
            self.flask += 1

        with self.app.app_context():
            engine = db.engine
        with statements(engine) as self.statements, request_started.connected_to(dispatched, self.app):
            return client.open(path, **kwargs)


def _scans(app) -> int:
    scans.flush(app)
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(ScanDay.count), 0)))


@pytest.mark.parametrize("path_kind", ["path", "lot_path", "code"])
def test_a_stored_page_is_sent_without_flask_and_exactly_as_the_view_sent_it(make_app, certified, path_kind):
    app = make_app(SCAN_FLUSH_SECONDS=3600)  # buffered, as in production: no write on the request path
    path = f"/p/{certified.code}" if path_kind == "code" else getattr(certified, path_kind)
    client, trace = app.test_client(), Trace(app)
    client.get(path, headers={"Accept-Language": "en"})  # the criteria are read once per process
    first = trace.get(client, path, headers=GZIP)
    assert first.status_code == 200 and trace.flask == 1
    # The facts read before Flask are handed over, not read twice; the stored rendering tells the other
    # processes (facts.py: a NOTIFY on PostgreSQL, the change count on SQLite); the rendering reads the
    # product's offers (orders, through provenance.signals.pre_orders).
    assert len(trace.statements) <= 7
    settle_notices(app)
    stored = trace.get(client, path, headers=GZIP)
    assert stored.status_code == 200 and trace.flask == 0 and len(trace.statements) == 1
    # Then the facts are kept: no statement from the pool (SQLite reads the change count on the
    # process's own connection).
    again = trace.get(client, path, headers=GZIP)
    assert again.get_data() == first.get_data() and trace.statements == []
    assert stored.get_data() == first.get_data()
    assert certified.number in gzip.decompress(stored.get_data()).decode()
    for name in SAME:
        assert stored.headers.get(name) == first.headers.get(name), name
    assert "Set-Cookie" not in stored.headers
    assert _scans(app) == 4


def test_conditional_and_head_requests(app, certified):
    client, trace = app.test_client(), Trace(app)
    first = client.get(certified.path, headers=GZIP)
    client.get(certified.path, headers=GZIP)
    not_modified = trace.get(client, certified.path, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and trace.flask == 0 and not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == first.headers["ETag"]
    assert not_modified.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    head = trace.get(client, certified.path, method="HEAD", headers=GZIP)
    assert head.status_code == 200 and trace.flask == 0 and head.get_data() == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    assert _scans(app) == 3  # the view's first answer, the stored one and the conditional one; not HEAD


def test_the_language_cookie_and_accept_language_choose_the_stored_page(app, certified):
    client, trace = app.test_client(), Trace(app)
    for _ in range(2):
        english = trace.get(client, certified.path, headers={**GZIP, "Accept-Language": "en-GB,en;q=0.9"})
    assert trace.flask == 0 and "Where it comes from" in gzip.decompress(english.get_data()).decode()
    client.set_cookie("lang", "en")
    for _ in range(2):
        cookie = trace.get(client, certified.path, headers=GZIP)
    assert trace.flask == 0 and cookie.get_data() == english.get_data()


@pytest.mark.parametrize("accept", ["*/*", "text/html,*/*;q=0.8", "application/json, */*"])
def test_clients_that_accept_anything_get_the_stored_page(app, certified, accept):
    """curl, python-requests and scanner apps send `*/*`: a plain scan, answered and counted here."""
    client, trace = app.test_client(), Trace(app)
    client.get(certified.path, headers=GZIP)  # stored now
    response = trace.get(client, certified.path, headers={**GZIP, "Accept": accept})
    assert response.status_code == 200 and trace.flask == 0
    assert response.mimetype == "text/html" and "Accept" in response.headers["Vary"]
    assert _scans(app) == 2


@pytest.mark.parametrize(
    "how",
    [
        {"query_string": "linkType=linkset"},
        {"headers": {**GZIP, "Accept": "application/linkset+json"}},
        {"headers": {"Accept-Encoding": "identity"}},
        {"cookie": "session"},
        {"headers": {**GZIP, "Authorization": "Bearer abc"}},
    ],
    ids=["query", "linkset", "no-gzip", "other-cookie", "authorization"],
)
def test_anything_but_a_plain_anonymous_scan_goes_to_flask(app, certified, how):
    client, trace = app.test_client(), Trace(app)
    client.get(certified.path, headers=GZIP)  # stored now
    kwargs = {"headers": GZIP, **how}
    if cookie := kwargs.pop("cookie", None):
        client.set_cookie(cookie, "abc")
    response = trace.get(client, certified.path, **kwargs)
    assert response.status_code == 200 and trace.flask == 1


def test_signed_in_visitors_still_get_their_private_page(app, certified):
    app.test_client().get(certified.path, headers=GZIP)  # stored for anonymous visitors
    response = certified.scene.producer_client.get(certified.path, headers=GZIP)
    assert response.headers["Cache-Control"].startswith("private")
    assert "Abmelden" in gzip.decompress(response.get_data()).decode()


@pytest.mark.parametrize(
    "path",
    ["/01/04012345000009", "/01/4012345000009", "/p/zzzzzzzzzz", "/p/abc/", "/01/04000000000000/qr.svg"],
)
def test_unknown_short_and_odd_addresses_get_the_views_answer(app, certified, path):
    trace = Trace(app)
    response = trace.get(app.test_client(), path, headers=GZIP)
    assert trace.flask == 1 and response.status_code in (301, 400, 404)
