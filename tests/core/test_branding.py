"""The label's identity and its operator come from the region pack: pages, mails, invoices and the
region's stylesheet show the configured pack's values (whichever `REGION` names), and another pack's
as soon as that one is configured."""

import os
import re
import shutil
from html import escape

import pypdfium2
import pytest

from tests import factories
from vonhier import region
from vonhier.certification.rules import default_criteria
from vonhier.extensions import db
from vonhier.payments import invoice_pdf
from vonhier.payments import services as payments
from vonhier.permissions import SYSTEM


def _page(client, path="/", lang="de") -> str:
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_home_page_names_the_label_and_the_region(client, lang):
    pack = region.pack()
    html = _page(client, lang=lang)
    label = escape(pack.label["name"])
    assert f"<title>{label}</title>" in html and f"<span>{label}</span>" in html
    assert escape(pack.name(lang)) in html.split("<h1>")[1].split("</h1>")[0]
    assert f'content="{label} – {escape(pack.claim(lang))}"' in html  # the meta description
    assert f'/region/logo?v={pack.look_version}"' in html and f'/region.css?v={pack.look_version}"' in html


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("de", "{label} ist das Regionalsiegel des Bündnisses „{alliance}“ für {region}."),
        ("en", "{label} is the regional label of the alliance “{alliance}” for {region}."),
    ],
)
def test_the_footer_names_label_alliance_and_region(client, lang, sentence):
    pack = region.pack()
    html = _page(client, "/privacy", lang)
    names = {"label": pack.label["name"], "alliance": pack.operator["alliance"], "region": pack.name(lang)}
    assert escape(sentence.format(**names)) in html


def test_the_legal_notice_names_the_packs_operator(client):
    operator = region.pack().operator
    html = _page(client, "/legal-notice")
    assert escape(operator["name"]) in html and escape(operator["email"]) in html
    for line in operator["address"].splitlines():
        assert escape(line) in html


def test_mails_come_from_the_label_and_name_it_in_the_subject(app, client, mailbox):
    pack = region.pack()
    user = factories.user(app)
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    message = mailbox.last(user.email)
    assert message["Subject"] == f"Ihr Passwort für {pack.label['name']} zurücksetzen"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"] == pack.label["mail_sender"]
    assert f"Ihr Team von {pack.label['name']}" in message.get_content()


def test_the_invoice_names_the_operator_and_the_label(app):
    pack = region.pack()
    assert app.config["INVOICE_ISSUER"] == pack.operator["invoice_issuer"]
    owner = factories.user(app)
    organisation_id = factories.organisation(app, owner_id=owner.id).id
    with app.app_context():
        invoice = payments.create_invoice(SYSTEM, payments.accept_terms(SYSTEM, organisation_id))
        db.session.flush()
        assert invoice.description.startswith(f"{pack.label['name']} Siegel-Lizenz ")
        document = pypdfium2.PdfDocument(invoice_pdf.render(invoice))
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert pack.operator["invoice_issuer"] in text


def test_region_css_holds_the_packs_colours_and_is_cached_by_version(client):
    pack = region.pack()
    response = client.get(f"/region.css?v={pack.look_version}")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    for key, value in pack.label["colours"].items():
        assert f"--{key.replace('_', '-')}: {value};" in css
    assert "immutable" in response.headers["Cache-Control"]
    again = client.get("/region.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    logo = client.get(f"/region/logo?v={pack.look_version}")
    assert logo.status_code == 200 and logo.data == pack.file(pack.label["logo"]).read_bytes()


@pytest.fixture
def configured():
    return region.pack()


@pytest.fixture
def other_pack(tmp_path, configured):
    """A copy of the configured pack under another name and colours, configured by `REGION`;
    afterwards the configured pack is read again."""
    folder = tmp_path / "testland"
    shutil.copytree(region.pack().path, folder, ignore=shutil.ignore_patterns("demo"))
    toml = (folder / "region.toml").read_text(encoding="utf-8")
    # The first of each key: the label's name, the region's German name, the alliance, the main colour.
    for key, value in (("name", "AUS DER NÄHE"), ("name_de", "Testland"), ("alliance", "Stadt & Land")):
        toml, found = re.subn(rf'^{key} = ".*"$', f'{key} = "{value}"', toml, count=1, flags=re.M)
        assert found, key
    toml, found = re.subn(r'^main = "#[0-9a-f]{6}"$', 'main = "#12345a"', toml, count=1, flags=re.M)
    assert found
    (folder / "region.toml").write_text(toml, encoding="utf-8")
    before = os.environ.get("REGION")
    os.environ["REGION"] = str(folder)
    region.pack.cache_clear()
    try:
        yield region.pack()
    finally:
        if before is None:
            os.environ.pop("REGION", None)
        else:
            os.environ["REGION"] = before
        region.pack.cache_clear()


def test_another_pack_shows_its_own_name_and_colour(client, configured, other_pack):
    assert other_pack.label["name"] == "AUS DER NÄHE"
    html = _page(client)
    assert "<title>AUS DER NÄHE</title>" in html and "Lebensmittel aus Testland" in html
    assert escape("AUS DER NÄHE ist das Regionalsiegel des Bündnisses „Stadt & Land“ für Testland.") in html
    assert configured.label["name"] not in html and escape(configured.operator["alliance"]) not in html
    assert f"/region.css?v={other_pack.look_version}" in html
    css = client.get(f"/region.css?v={other_pack.look_version}").get_data(as_text=True)
    assert "--main: #12345a;" in css


def test_the_home_page_promises_the_thresholds_of_the_catalogue_in_force(client):
    """The regional share, the longest leg and the husbandry level come from the current catalogue (the
    pack's, seeded by the migrations), never from the template."""
    figures = {rule: params for rule, params in ((c.rule_type, c.params) for c in default_criteria())}
    page = client.get("/?lang=de").get_data(as_text=True)
    assert f"mindestens {figures['regional_share']['min_percent']} % aus" in page
    assert f"Mindestens {figures['regional_share']['min_percent']} % der Rohstoffe" in page
    assert f"Jede Transportetappe höchstens {figures['transport']['max_leg_km']} km." in page
    assert f"Haltungsform ab Stufe {figures['husbandry_min']['min_level']}." in page
