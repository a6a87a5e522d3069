"""Live servers sharing PostgreSQL and Redis, as on several machines: the settings, a load of scans,
the mover, and a browser-like client that signs in and sends forms with their CSRF token."""

import threading
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.certification.conftest import scene  # noqa: F401 (fixtures used here)
from tests.provenance.conftest import certified  # noqa: F401
from vonhier.extensions import db
from vonhier.provenance import scans
from vonhier.provenance.models import ScanDay

# What a phone's browser sends: the page (not the linkset), gzip (a stored page is sent as it is).
SCAN_HEADERS = {"Accept": "text/html,*/*;q=0.8", "Accept-Encoding": "gzip", "Accept-Language": "de"}


@pytest.fixture
def shared(base_config, redis_store):
    """Settings for every instance: one database, one Redis (rate limits and scans), real CSRF checks."""
    if base_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("several instances share PostgreSQL; SQLite is the single-machine setup")
    return {
        **base_config,
        "WTF_CSRF_ENABLED": True,
        "REDIS_URL": redis_store.uri,
        "SCAN_KEY_PREFIX": f"{redis_store.prefix}:",
        "RATELIMIT_STORAGE_URI": redis_store.uri,
        "RATELIMIT_KEY_PREFIX": redis_store.prefix,
    }


@pytest.fixture
def mover(make_app, shared):
    """What `flask work` does with the scans, here in the test's process: `mover()` moves them now."""
    worker_app = make_app(**shared)

    def move() -> int:
        with worker_app.app_context():
            return scans.move()

    return move


def stored_scans(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(ScanDay.count), 0)))


def scan_load(urls: list[str], requests_each: int, threads: int = 8) -> Counter:
    """`threads` clients, each sending `requests_each` scans, to the urls in turn; their outcomes
    (status codes, or "error" where the connection broke)."""
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def client(n):
        session = requests.Session()
        for i in range(requests_each):
            try:
                status = session.get(urls[(n + i) % len(urls)], headers=SCAN_HEADERS, timeout=30).status_code
            except requests.RequestException:
                status = "error"
            with lock:
                outcomes[status] += 1

    clients = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return outcomes


class Forms(HTMLParser):
    """The POST forms of a page: {action: [(name, value)]}, with what a browser would send: checked boxes
    and radios, each select's chosen option (else its first), textareas; no buttons, no files."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms = page_path, {}
        self._fields = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._fields = [] if (a.get("method") or "get").lower() == "post" else None
            if self._fields is not None:
                self.forms[urlsplit(a.get("action") or "").path or self.page_path] = self._fields
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._fields.append([a["name"], a.get("value", "on")])
        elif tag == "select":
            self._select = [a["name"], None]
            self._fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self._fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._fields = None


class Browser:
    """A session that signs in and sends forms as a browser does: the page's fields, its CSRF token."""

    def __init__(self):
        self.session = requests.Session()

    def form(self, url: str, action: str) -> dict:
        """The fields a browser would send with the form posting to `action` on the page at `url`."""
        page = self.session.get(url, timeout=30)
        assert page.status_code == 200, page.text[-500:]
        parser = Forms(urlsplit(url).path)
        parser.feed(page.text)
        if action in parser.forms:
            data: dict = {}
            for name, value in parser.forms[action]:
                data.setdefault(name, []).append(value)
            return data
        raise AssertionError(f"no form posting to {action} on {url}")

    def submit(self, url: str, action: str, origin: str, /, **changes) -> requests.Response:
        data = {**self.form(url, action), **changes}
        return self.session.post(origin + action, data=data, allow_redirects=False, timeout=30)

    def sign_in(self, origin: str, user) -> None:
        response = self.submit(
            f"{origin}/login", "/login", origin, email=user.email, password=factories.PASSWORD
        )
        assert response.status_code == 302, response.text[-500:]


def figures(name: str, **values) -> str:
    line = f"{name}: " + ", ".join(f"{key} {value}" for key, value in values.items())
    print(f"\n{line}")
    return line
