"""Input hygiene (vonhier/hygiene.py): which text and numbers are accepted, and where it is checked."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from vonhier import hygiene
from vonhier.extensions import db
from vonhier.organisations.models import Organisation


@pytest.mark.parametrize(
    ("text", "single", "multi"),
    [
        ("Hof Sonnenwiese", True, True),
        ("Zeile 1\r\nZeile 2\tmit Tab", False, True),
        ("a\x00b", False, False),
        ("a\x1bb", False, False),
        ("a\x85b", False, False),  # NEL, a C1 control
        ("a\u2028b", False, True),
        ("Käse „Alt“ – 5 €", True, True),
    ],
)
def test_text(app, text, single, multi):
    with app.test_request_context():
        assert (hygiene.text_problem(text) is None) is single
        assert (hygiene.text_problem(text, multi_line=True) is None) is multi


@pytest.mark.parametrize(
    "text",
    ["NaN", "nan", "sNaN", "inf", "-Infinity", "1e400", "1e15", "1e999999999", "1e-999999999", "abc", ""],
)
def test_number_refuses(app, text):
    with app.test_request_context(), pytest.raises(ValueError):
        hygiene.number(text)


def test_number_reads_comma_and_dot(app):
    assert hygiene.number("1,5") == hygiene.number(" 1.5 ") == Decimal("1.5")
    assert hygiene.number("-2") == Decimal(-2)
    assert hygiene.number("999999999999999") == Decimal("999999999999999")
    assert hygiene.number("0") == 0


@pytest.mark.parametrize(
    "url",
    ["/organisations/?q=a%00b", "/certified?q=a%1Bb", "/organisations/?q=a%0D%0Ab", "/certificates/a%00b"],
)
def test_query_and_path_refused_with_a_translated_400(app, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)


def test_json_bodies_are_checked(app, client):
    for body in ('{"name": "a\\u0000b"}', '{"n": NaN}', '{"s": "\\ud800"}', "{"):
        response = client.post("/certification/precheck", data=body, content_type="application/json")
        assert response.status_code == 400, body


def test_form_keeps_what_was_typed_and_shows_the_message(app, client, login_as):
    login_as("user")
    response = client.post(
        "/organisations/new",
        data={"display_name": "Hof\r\nBcc: x@example.org", "legal_name": "Hof\x00 GbR", "town": "Prenzlau"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "eine Zeile" in html and 'value="Prenzlau"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_refused_profile_leaves_no_logo(app, client, login_as, tmp_path):
    """The logo is written before the service refuses the pin (at sea): the request ends uncommitted
    and the file goes with it."""
    import io
    import os

    from PIL import Image

    login_as("user")
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(image, "PNG")
    image.seek(0)
    before = set(os.listdir(app.config["UPLOAD_DIR"]))
    data = {
        "display_name": "Hof am Meer",
        "legal_name": "Hof am Meer GbR",
        "kinds": ["producer"],
        "street": "Weg 1",
        "postcode": "17291",
        "town": "Prenzlau",
        "state": "BB",
        "country": "DE",
        "size_class": "micro",
        "latitude": "54.9",
        "longitude": "2.0",
        "logo": (image, "logo.png"),
    }
    response = client.post("/organisations/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "auf See" in response.get_data(as_text=True)
    assert set(os.listdir(app.config["UPLOAD_DIR"])) == before


@pytest.mark.parametrize("text", ["²", "١٢", "1.0", "", "+", str(2**31), str(-(2**31)), "9" * 40])
def test_integer_refuses(app, text):
    """Only ASCII digits within the database's integer range: "²".isdigit() is true, int("²") fails."""
    with app.test_request_context(), pytest.raises(ValueError):
        hygiene.integer(text)


def test_integer_and_row_id(app):
    assert hygiene.integer(" 42 ") == 42
    assert hygiene.integer("-7") == -7
    assert hygiene.integer(str(2**31 - 1)) == 2**31 - 1
    with app.test_request_context():
        assert [hygiene.row_id(v) for v in ("3", "0", "-3", "²", None, "place")] == [
            3,
            None,
            None,
            None,
            None,
            None,
        ]


def test_integer_fields_refuse_what_the_database_cannot_hold(app, client, login_as):
    """2^63 used to overflow SQLite's integer (500); superscript digits passed isdigit() and broke int()."""
    login_as("owner")
    for value in (str(2**63), "²"):
        assert client.post("/organisations/switch", data={"organisation": value}).status_code == 400


def test_mail_subjects_are_one_line_whatever_was_stored(app, mailbox):
    """A name stored before the input rules held may carry a CR/LF: the subject folds it, not fails."""
    from vonhier.outbox import mail

    with app.test_request_context():
        mail.send(
            "a@example.org", "Anfrage von Bioladen\r\nBcc: x@example.org", "reset_no_account", register="x"
        )
        db.session.commit()
    message = mailbox.last("a@example.org")
    assert message["Subject"] == "Anfrage von Bioladen  Bcc: x@example.org"
    assert message["Bcc"] is None


def test_number_fields_show_stored_numbers_without_trailing_zeros(app):
    """A package size stored as 250.000 is shown as 250 (a German reader takes "250.000" for 250,000);
    what was typed is shown as typed."""
    from vonhier.forms import DecimalField, FloatField, Form

    class Sizes(Form):
        size = DecimalField(places=3)
        share = DecimalField(places=2)
        km = FloatField()

    with app.test_request_context():
        form = Sizes(formdata=None, data={"size": Decimal("250.000"), "share": Decimal("98.30"), "km": 12.0})
        assert (form.size._value(), form.share._value(), form.km._value()) == ("250", "98.3", "12")
        assert Sizes(formdata=None)._fields["size"]._value() == ""
    with app.test_request_context(method="POST", data={"size": "1,50", "share": "x", "km": "3.0"}):
        form = Sizes(meta={"csrf": False})
        assert (form.size._value(), form.share._value(), form.km._value()) == ("1,50", "x", "3.0")
