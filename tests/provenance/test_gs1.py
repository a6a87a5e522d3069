"""GS1 Digital Link paths: parsing, the GTIN check digit and lengths, lots and serials, and why a path
is refused (pure functions: no database)."""

import pytest

from vonhier.provenance import gs1


@pytest.mark.parametrize(
    ("path", "gtin", "lot"),
    [
        ("/01/04012345678901", "04012345678901", None),
        ("/01/4012345678901", "04012345678901", None),  # GTIN-13 padded
        ("/01/96385074", "00000096385074", None),  # GTIN-8 padded
        ("/01/04012345678901/10/AB%2F12", "04012345678901", "AB/12"),
        ("/01/04012345678901/22/X1/10/L7", "04012345678901", "L7"),
    ],
)
def test_digital_link_paths_are_parsed(pure_app, path, gtin, lot):
    with pure_app.test_request_context():
        link = gs1.parse_path(path)
    assert (link.gtin, link.lot) == (gtin, lot)


@pytest.mark.parametrize(
    "path",
    [
        "/01/04012345678902",  # wrong check digit
        "/01/401234567890",  # 12 digits, wrong check digit
        "/01/abc",
        "/01/04012345678901/21/S1/10/L7",  # qualifiers out of order
        "/01/04012345678901/99/x",
        "/01/04012345678901/10/%C3%A4pfel",  # GS1 lots carry no umlauts
        "/01/04012345678901/10/" + "x" * 21,
        "/01/" + "1" * 300,
    ],
)
def test_bad_digital_links_are_refused(pure_app, path):
    with pure_app.test_request_context(), pytest.raises(gs1.GS1Error):
        gs1.parse_path(path)


def test_check_digit_follows_gs1():
    assert gs1.check_digit("0401234567890") == 1
    assert gs1.check_digit("9638507") == 4


@pytest.mark.parametrize(
    ("digits", "padded"),
    [
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A), as on imported goods
        ("4012345000030", "04012345000030"),  # check digit 0
        ("4012345678901", "04012345678901"),  # GTIN-13
        ("14012345678908", "14012345678908"),  # GTIN-14 of a case
    ],
)
def test_every_gtin_length_with_a_right_check_digit_is_accepted(pure_app, digits, padded):
    with pure_app.test_request_context():
        assert gs1.gtin14(digits) == padded
        assert gs1.parse_path(f"/01/{digits}").gtin == padded


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ("4012345000031", "Die Prüfziffer der GTIN 4012345000031 stimmt nicht."),
        ("036000291453", "Die Prüfziffer der GTIN 036000291453 stimmt nicht."),
        ("9638507", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("963850745", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("40123456789", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("401234567890128", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        # Digits of other scripts are digits to Python, not to a scanner.
        ("４０１２３４５６７８９０１", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
    ],
)
def test_wrong_gtins_are_refused_with_the_reason(pure_app, digits, message):
    with pure_app.test_request_context(), pytest.raises(gs1.GS1Error) as caught:
        gs1.gtin14(digits)
    assert str(caught.value) == message


def test_the_serial_and_the_lot_are_kept(pure_app):
    """AI 21 (serial) follows the lot; both reach the resolver decoded, the GTIN padded."""
    with pure_app.test_request_context():
        link = gs1.parse_path("/01/4012345678901/22/X1/10/L-2611%2F07/21/S%2F42")
    assert link == gs1.DigitalLink(gtin="04012345678901", lot="L-2611/07", serial="S/42")
    with pure_app.test_request_context():
        assert gs1.parse_path("/01/04012345678901/21/S42") == gs1.DigitalLink("04012345678901", None, "S42")
        assert gs1.parse_path("/01/04012345678901/10/L7") == gs1.DigitalLink("04012345678901", "L7", None)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/01/04012345678901/21/S1/10/L7",
            "Das ist kein gültiger GS1 Digital Link "
            "(die Qualifier müssen in der Reihenfolge 22, 10, 21 stehen).",
        ),
        (
            "/01/04012345678901/10/" + "x" * 21,
            "Das ist kein gültiger GS1 Digital Link (eine Charge hat höchstens 20 Zeichen: Buchstaben ohne "
            "Umlaute, Ziffern oder - . / _).",
        ),
        (
            "/01/04012345678901/10/%C3%A4pfel",
            "Das ist kein gültiger GS1 Digital Link (eine Charge hat höchstens 20 Zeichen: Buchstaben ohne "
            "Umlaute, Ziffern oder - . / _).",
        ),
        (
            "/01/04012345678901/10/L7/x",
            "Das ist kein gültiger GS1 Digital Link (unbekanntes oder fehlerhaftes Element).",
        ),
        ("/01/" + "1" * 197, "Diese Adresse ist zu lang für einen Produktcode."),  # 201 characters
        # 200 characters are not too long: refused for the GTIN instead.
        ("/01/" + "1" * 196, "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
        ("/01", "Eine GTIN hat 8, 12, 13 oder 14 Ziffern."),
    ],
)
def test_bad_digital_links_say_why(pure_app, path, message):
    with pure_app.test_request_context(), pytest.raises(gs1.GS1Error) as caught:
        gs1.parse_path(path)
    assert str(caught.value) == message


def test_lots_and_paths_are_built_as_gs1_wants():
    assert gs1.path("4012345678901") == "/01/04012345678901"
    assert gs1.path("4012345678901", "L-2611/07") == "/01/04012345678901/10/L-2611%2F07"
    assert gs1.path("96385074", "") == "/01/00000096385074/10/"
    assert gs1.is_gs1_lot("L-2611/07") and gs1.is_gs1_lot("x" * 20) and gs1.is_gs1_lot('"!%?_z')
    assert not any(gs1.is_gs1_lot(lot) for lot in ("", "x" * 21, "Äpfel", "L 7", "L#7", "L7\n"))
    # A lot ending in a line break is no GS1 lot, not even on the short path of our own codes.
    with pytest.raises(gs1.GS1Error):
        gs1.parse_path("/01/04012345678901/10/L7%0A")
