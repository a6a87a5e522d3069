"""A live server in a thread and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium these tests skip ("skipped: chromium missing"); CI sets
VONHIER_REQUIRE_BROWSER=1, which turns that skip into a failure."""

import base64
import gc
import os
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from werkzeug.serving import make_server

from vonhier.extensions import db

from ..conftest import _reset_database

CHROMIUM = "/usr/bin/chromium"
# Generous waits: a loaded machine (the suite beside other work, CI) must make tests slower, not fail
# them. Every wait is for a condition (an element, a load event), so a quick machine loses nothing.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)
WIDTHS = {"phone": 390, "desktop": 1280}
# Map tiles come from the internet, which tests do not reach: a plain 1×1 tile stands in for them.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("VONHIER_REQUIRE_BROWSER"):
            pytest.fail("chromium missing but VONHIER_REQUIRE_BROWSER is set")
        pytest.skip("skipped: chromium missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            # Playwright switches the back/forward cache off; people's browsers have it on, and pages
            # restored from it (forms included) must work.
            ignore_default_args=["--disable-back-forward-cache"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app):
    """The application with CSRF switched on, served over HTTP on a free local port."""
    with serving(make_app(WTF_CSRF_ENABLED=True)) as url:
        yield url


@contextmanager
def serving(app):
    """`app` served over HTTP on a free local port, in a thread; its address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
    # When the browser moves on while a static file is still being sent, Werkzeug's development server
    # drops the connection without closing the file; collect those here, where they are expected.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture
def page_at(browser):
    """Open pages at a given viewport width; collects console errors (CSP violations land there)."""
    contexts = []

    def open_page(width: int, locale: str = "de-DE", **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale, **options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route(
            "https://*.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
        )
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def _demo_rows(_migrated_app):
    """The demo network, loaded as `make run` loads it, once per run: its rows, table by table."""
    app = _migrated_app
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        rows = {
            table: connection.execute(table.select()).mappings().all() for table in db.metadata.sorted_tables
        }
    _reset_database(app)
    return rows


@pytest.fixture
def demo(app, _demo_rows):
    """The demo network, put back from the rows of one load (loading it anew takes ten times longer)."""
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if rows := _demo_rows[table]:
                connection.execute(table.insert(), [dict(row) for row in rows])
                if connection.dialect.name == "postgresql" and "id" in table.c:
                    top = max(row["id"] for row in rows)
                    connection.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :top)"),
                        {"t": table.name, "top": top},
                    )


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    click_and_wait(page, "main button[type=submit]")


def sign_out(page) -> None:
    """Sign out with the button in the header's account menu."""
    page.locator(".account-menu > summary").click()
    click_and_wait(page, ".account-menu button[type=submit]")


def open_menu(page) -> None:
    """Open the header's menu where it sits behind its button (phones); wide screens show it anyway."""
    button = page.locator(".site-menu > summary")
    if button.is_visible() and page.locator(".site-menu[open]").count() == 0:
        button.click()


def click_and_wait(page, target) -> None:
    """Click what opens another page, and wait for that page. `wait_for_load_state()` after a click
    can answer for the page still shown when the next one is slow to come, as on a loaded machine."""
    with page.expect_event("load"):
        (page.locator(target) if isinstance(target, str) else target).click()


def screenshot(page, name: str) -> None:
    """Saved only when VONHIER_SCREENSHOTS names a folder: for people to look at, not for asserts."""
    if folder := os.environ.get("VONHIER_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_fits(page) -> None:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"
