"""CSRF protection with the real setting switched on."""

import re

from tests import factories


def csrf_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_post_without_csrf_token_is_refused(make_app, app):
    protected = make_app(WTF_CSRF_ENABLED=True)
    user = factories.user(app)
    client = protected.test_client()
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    assert "Formular ist abgelaufen" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in


def test_post_with_wrong_csrf_token_is_refused(make_app, app):
    protected = make_app(WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    client.get("/login")
    response = client.post("/language", data={"lang": "en", "csrf_token": "forged"})
    assert response.status_code == 400


def test_post_with_csrf_token_from_the_form_works(make_app, app):
    protected = make_app(WTF_CSRF_ENABLED=True)
    user = factories.user(app)
    client = protected.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.status_code == 302
