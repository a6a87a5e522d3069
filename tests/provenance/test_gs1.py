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
        link = gs1.parse_path("/01/04012345678901/22/X1/10/L-2611%2F07/21/S%2F42")
        assert (link.gtin, link.lot, link.serial) == ("04012345678901", "L-2611/07", "S/42")
        assert link.qualifiers == ("22", "10", "21")
        assert gs1.parse_path("/01/04012345678901/21/S42").serial == "S42"
        assert gs1.parse_path("/01/04012345678901/10/L7") == gs1.DigitalLink(
            "04012345678901", "L7", None, ("10",)
        )


@pytest.mark.parametrize(
    ("path", "redirect"),
    [
        ("/01/04012345678901", None),
        ("/01/04012345678901/10/L-2611%2F07", None),
        # Another spelling of the same address: permanent, the rest of the path kept as sent.
        ("/01/4012345678901", (301, "/01/04012345678901")),
        ("/01/%304012345678901", (301, "/01/04012345678901")),  # percent-encoded digits are digits
        ("/01/4012345678901/10/L7/21/S1", (301, "/01/04012345678901/10/L7/21/S1")),
        ("/01/04012345678901/10/L%2D7", (301, "/01/04012345678901/10/L-7")),
        # Qualifiers without a page of their own: a temporary walk-up, never a permanent one.
        ("/01/04012345678901/22/X1/10/L7/21/S1", (307, "/01/04012345678901/10/L7")),
        ("/01/04012345678901/21/S%2D1", (307, "/01/04012345678901")),
        ("/01/04012345678901/235/TPX1", (307, "/01/04012345678901")),
    ],
)
def test_other_spellings_and_walk_ups_are_redirected(pure_app, path, redirect):
    with pure_app.test_request_context():
        assert gs1.parse_path(path).redirect == redirect


def test_235_stands_alone(pure_app):
    with pure_app.test_request_context(), pytest.raises(gs1.GS1Error):
        gs1.parse_path("/01/04012345678901/10/L7/235/TPX1")


@pytest.mark.parametrize(
    ("qualifiers", "query"),
    [
        ((), ""),
        ((), "linkType=gs1:pip&lang=en&singleton&&unknown=1"),  # not GS1's: ignored
        ((), "17=271231&3103=000195&3922=0299&99=A%2FB"),
        (("235",), "10=ABC123"),  # a lot is no qualifier of 01/235
        (("10",), "17=271231"),
    ],
)
def test_valid_query_attributes_pass(pure_app, qualifiers, query):
    with pure_app.test_request_context():
        gs1.check_query(qualifiers, query)


@pytest.mark.parametrize(
    ("qualifiers", "query", "message"),
    [
        ((), "99=", "Der Wert des GS1-Datenattributs 99 ist ungültig."),
        ((), "17=271331", "Der Wert des GS1-Datenattributs 17 ist ungültig."),  # month 13
        ((), "17=ABCDEF", "Der Wert des GS1-Datenattributs 17 ist ungültig."),
        ((), "4321=2", "Der Wert des GS1-Datenattributs 4321 ist ungültig."),
        ((), "98=XYZ+987", "Der Wert des GS1-Datenattributs 98 ist ungültig."),  # "+" is a space
        ((), "99=ABC%00DEF", "Der Wert des GS1-Datenattributs 99 ist ungültig."),
        ((), "99=" + "A" * 91, "Der Wert des GS1-Datenattributs 99 ist ungültig."),
        ((), "99=ABC&999=faux", "999 ist kein GS1-Datenbezeichner (Application Identifier)."),
        ((), "89=ABC", "89 ist kein GS1-Datenbezeichner (Application Identifier)."),
        ((), "99=A&99=A", "Das GS1-Datenattribut 99 steht zweimal in der Adresse."),
        (
            (),
            "01=04012345678901",
            "Das GS1-Datenattribut 01 gehört in den Pfad der Adresse, nicht in die Abfrage.",
        ),
        ((), "10=L7", "Das GS1-Datenattribut 10 gehört in den Pfad der Adresse, nicht in die Abfrage."),
        (("10",), "10=L7", "Das GS1-Datenattribut 10 gehört in den Pfad der Adresse, nicht in die Abfrage."),
        (("10",), "21=S1", "Das GS1-Datenattribut 21 gehört in den Pfad der Adresse, nicht in die Abfrage."),
    ],
)
def test_bad_query_attributes_are_refused_with_the_reason(pure_app, qualifiers, query, message):
    with pure_app.test_request_context(), pytest.raises(gs1.GS1Error) as caught:
        gs1.check_query(qualifiers, query)
    assert str(caught.value) == message


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
