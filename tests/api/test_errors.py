"""Bad requests get a JSON error with a translated sentence: never a 500, never HTML under /api/."""

import pytest

from vonhier.extensions import limiter

BAD = [
    "/api/v1/products?page=-1",
    "/api/v1/products?page=0",
    "/api/v1/products?page=abc",
    "/api/v1/products?page=1.5",
    "/api/v1/products?page=",
    "/api/v1/products?page=10001",
    "/api/v1/products?page=99999999999999999999999",
    "/api/v1/products?per_page=1000",
    "/api/v1/products?per_page=0",
    "/api/v1/products?page=1&page=2",
    "/api/v1/products?colour=green",
    "/api/v1/products?category=unicorns",
    "/api/v1/products?status=valid",
    "/api/v1/products?organisation=x",
    "/api/v1/products?district=" + "x" * 81,
    "/api/v1/products?district=%00",
    "/api/v1/certificates/%00",  # control characters: refused wherever they come (hygiene)
    "/api/v1/organisations?district=Uckermark%0A",
    "/api/v1/products?lang=fr",
    "/api/v1/organisations?kind=farmer",
    "/api/v1/outlets?kind=farm_shop&kind=castle",
    "/api/v1/outlets?state=BY",
    "/api/v1/certificates?status=",
    "/api/v1/products/abc",
    "/api/v1/products/-1",
    "/api/v1/products/0",
    "/api/v1/products/1.5",
    "/api/v1/organisations/x1",
    "/api/v1/outlets/%20",
    "/api/v1/products/1?page=2",
]


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("url", BAD)
def test_bad_parameters_are_400_with_a_sentence(api, url):
    _error(api.get(url), 400)


def test_messages_are_translated(api):
    german = _error(api.get("/api/v1/products?colour=green"), 400)
    assert german["message"].startswith("Unbekannter Parameter „colour“")
    english = _error(api.get("/api/v1/products?colour=green&lang=en"), 400)
    assert english["message"].startswith("Unknown parameter “colour”")
    assert "per_page" in english["message"]
    by_header = _error(api.get("/api/v1/products?per_page=1000", headers={"Accept-Language": "en"}), 400)
    assert by_header["message"] == "The parameter “per_page” must be a whole number from 1 to 100."


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products/2147483647",
        "/api/v1/products/99999999999",
        "/api/v1/organisations/999999",
        "/api/v1/outlets/999999",
        "/api/v1/certificates/nothing",
        "/api/v1/certificates/VH-2026-%C3%A4",
        "/api/v1/certificates/" + "9" * 21,
        "/api",
        "/api/v1/nothing",
        "/api/v2/products",
    ],
)
def test_unknown_ids_and_paths_are_404(api, url):
    _error(api.get(url), 404)


def test_other_methods_are_405(api):
    for method in ("post", "put", "delete", "patch"):
        error = getattr(api, method)("/api/v1/products")
        _error(error, 405)
        assert "GET" in error.headers["Allow"]


def test_rate_limit_answers_429_as_json(api, demo_app):
    demo_app.config["RATELIMIT_API"] = "3 per minute"
    limiter.reset()
    try:
        for _ in range(3):
            assert api.get("/api/v1/certificates?per_page=1").status_code == 200
        limited = api.get("/api/v1/certificates?per_page=1")
        _error(limited, 429)
        assert limited.headers["Access-Control-Allow-Origin"] == "*"
        assert int(limited.headers["Retry-After"]) > 0
        # Another client address has its own count.
        assert (
            api.get("/api/v1/products?per_page=1", environ_base={"REMOTE_ADDR": "127.0.0.9"}).status_code
            == 200
        )
    finally:
        demo_app.config["RATELIMIT_API"] = "100000 per minute"
        limiter.reset()
