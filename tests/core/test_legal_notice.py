"""The legal notice (Impressum): the operator's details from configuration, linked in every footer."""

import re
from html import escape

import pytest
from flask import url_for

from vonhier import region

OPERATOR = {
    "OPERATOR_NAME": "Regionalbündnis Test e. V.",
    "OPERATOR_ADDRESS": "Haus der Region\nMarktplatz 7\n15230 Frankfurt (Oder)",
    "OPERATOR_REPRESENTED_BY": "Vorstand: Erika Mustermann",
    "OPERATOR_EMAIL": "impressum@example.org",
    "OPERATOR_PHONE": "+49 335 123 456",
    "OPERATOR_REGISTER": "Vereinsregister Amtsgericht Frankfurt (Oder), VR 1234 FF",
    "OPERATOR_VAT_ID": "DE123456789",
    "OPERATOR_CONTENT_RESPONSIBLE": "Erika Mustermann, Marktplatz 7, 15230 Frankfurt (Oder)",
}


def _notice(app, lang="de") -> str:
    response = app.test_client().get("/legal-notice", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_defaults_name_the_region_packs_operator(client):
    html = client.get("/legal-notice").get_data(as_text=True)
    assert "<h1>Impressum</h1>" in html and escape(region.pack().operator["name"]) in html
    assert "example.org" in html and "§ 18 Abs. 2 MStV" in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_configured_detail_is_shown(make_app, lang):
    html = _notice(make_app(**OPERATOR), lang)
    assert ("<h1>Impressum</h1>" if lang == "de" else "<h1>Legal notice</h1>") in html
    for value in OPERATOR.values():
        for line in value.splitlines():
            assert line in html, line
    assert "Haus der Region<br>" in html and "Marktplatz 7<br>" in html  # one address line each
    assert 'href="mailto:impressum@example.org"' in html and 'href="tel:+49335123456"' in html
    assert "keine Angabe" not in html and "not stated" not in html


def test_a_detail_not_configured_is_said_or_left_out(make_app):
    """What the law always asks for says plainly that it is missing; phone, register and VAT id,
    which an operator may not have, are left out rather than shown as empty lines."""
    html = _notice(
        make_app(
            **{
                **OPERATOR,
                "OPERATOR_EMAIL": " ",
                "OPERATOR_CONTENT_RESPONSIBLE": "",
                "OPERATOR_PHONE": "",
                "OPERATOR_REGISTER": "",
                "OPERATOR_VAT_ID": "",
            }
        )
    )
    assert html.count("keine Angabe") == 2 and "mailto:" not in html
    for label in ("Telefon", "Registereintrag", "Umsatzsteuer"):
        assert label not in html.split("<main")[1]
    assert not re.search(r"<dd>\s*</dd>", html)


def test_hostile_configuration_is_text(make_app):
    html = _notice(
        make_app(
            **{
                **OPERATOR,
                "OPERATOR_NAME": "<script>alert(1)</script>",
                "OPERATOR_EMAIL": '"><img src=x onerror=alert(1)>',
            }
        )
    )
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_page_links_the_legal_notice_in_its_footer(app, client):
    """Every page without arguments that answers HTML, as a visitor sees it (the one layout, base.html)."""
    with app.test_request_context():
        paths = [
            url_for(rule.endpoint)
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        ]
    checked = 0
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            footer = response.get_data(as_text=True).split('<footer class="site-footer">')[1]
            assert 'href="/legal-notice"' in footer, path
            checked += 1
    assert checked >= 8
    # An error page too: it is rendered by the same layout.
    assert 'href="/legal-notice"' in client.get("/no-such-page").get_data(as_text=True)
