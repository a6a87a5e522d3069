"""Home page, health check, error pages, security headers and languages."""

import pytest
from sqlalchemy import text

from tests import factories
from vonhier.extensions import db


def test_home_is_german_by_default_and_lists_producers(app, client):
    """Does a first-time visitor get the German home page with the region's producers?"""
    factories.organisation(app, display_name="Ziegenhof Wukensee")
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Ziegenhof Wukensee" in html
    assert "Erzeuger in der Region" in html


def test_accept_language_english_is_respected(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Producers in the region" in html


def test_unsupported_accept_language_falls_back_to_german(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="de">' in html


def test_language_switch_persists_for_anonymous_visitors(client):
    """Does the choice survive later requests, even against the browser's Accept-Language?"""
    response = client.post("/language", data={"lang": "en", "next": "/privacy"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "en" and cookie.http_only
    html = client.get("/privacy", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_language_switch_is_stored_on_the_account(app, client, login_as):
    user = login_as("user")
    client.post("/language", data={"lang": "en"})
    with app.app_context():
        from vonhier.accounts.models import User

        assert db.session.get(User, user.id).locale == "en"


@pytest.mark.parametrize("lang", ["fr", "", "x" * 500])
def test_language_switch_rejects_unknown_languages(client, lang):
    response = client.post("/language", data={"lang": lang})
    assert response.status_code == 400
    assert "Diese Sprache ist nicht verfügbar." in response.get_data(as_text=True)


def test_language_switch_does_not_redirect_elsewhere(client):
    response = client.post("/language", data={"lang": "de", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(make_app, tmp_path):
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error"


def test_healthz_reports_unreachable_postgresql(make_app):
    broken = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error"}


def test_security_headers_on_every_response(client):
    for path in ("/", "/login", "/does-not-exist", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        # A form may be redirected on to Stripe's Checkout and onboarding (browsers check that too).
        assert "form-action 'self' https://checkout.stripe.com https://connect.stripe.com" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html


def test_hsts_only_when_served_over_https(make_app):
    secure_app = make_app(SESSION_COOKIE_SECURE=True)
    assert "Strict-Transport-Security" in secure_app.test_client().get("/").headers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "Seite nicht gefunden"), ("en", "Page not found")],
)
def test_404_page_is_translated(client, lang, expected):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_api_paths_get_json_errors(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["status"] == 404
    assert response.json["error"]["message"]


def test_405_page_names_allowed_methods(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Methode nicht erlaubt" in response.get_data(as_text=True)


def test_413_for_oversized_requests(make_app):
    small = make_app(MAX_CONTENT_LENGTH=1024)
    response = small.test_client().post("/login", data={"email": "a@example.org", "password": "x" * 5000})
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)


def test_500_page_is_translated_and_rolls_back(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        db.session.execute(text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "no_such_table" not in response.get_data(as_text=True)


def test_privacy_page_says_consumers_are_anonymous(client):
    html = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "anonymously" in html


def test_static_files_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "//cdn" not in html and "https://" not in html.split("<main")[0]
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200


def test_rate_limits_count_clients_behind_a_trusted_proxy(make_app):
    proxied = make_app(TRUSTED_PROXIES=1, RATELIMIT_LOGIN="1 per minute")
    client = proxied.test_client()
    data = {"email": "x@example.org", "password": "nope-nope-1"}
    for address in ("203.0.113.1", "203.0.113.2"):
        response = client.post("/login", data=data, headers={"X-Forwarded-For": address})
        assert response.status_code == 400, address
    assert client.post("/login", data=data, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/99999999999999999999",
        "/organisations/9223372036854775808",
        "/catalogue/products/2147483648",
        "/certification/applications/99999999999999",
    ],
)
def test_huge_ids_are_404_not_500(client, login_as, path):
    login_as("owner")
    assert client.get(path).status_code == 404


def test_error_pages_lead_back_to_the_page_before(client, login_as):
    login_as("owner")
    response = client.get(
        "/catalogue/products/2147483647", headers={"Referer": "http://localhost/catalogue/"}
    )
    assert response.status_code == 404
    assert 'href="/catalogue/"' in response.get_data(as_text=True)
    foreign = client.get("/nowhere", headers={"Referer": "https://evil.example/phish"})
    assert "evil.example" not in foreign.get_data(as_text=True)
