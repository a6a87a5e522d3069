"""GS1 Digital Link paths: parsing (with biip) and building, for the resolver and the QR codes.

biip checks the syntax (primary key, qualifier order 22 → 10 → 21, character sets and lengths) but
only reports a wrong GTIN check digit instead of refusing it, so `parse_path` refuses it itself.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from flask_babel import lazy_gettext as _l

# A lot (AI 10) as GS1 allows it: at most 20 characters of the GS1 character set 82. Always used with
# fullmatch: `$` would let a trailing newline through.
LOT_PATTERN = re.compile(r"[!%-?A-Z_a-z\x22]{1,20}")
# A 14-digit GTIN with at most a lot: the form `path()` builds.
PLAIN = re.compile(r"/01/\d{14}(?:/10/(?P<lot>[^/]+))?")
# Longer paths are no GS1 Digital Link of ours; refused before any parsing.
MAX_PATH = 200


class GS1Error(ValueError):
    """A path that is no valid GS1 Digital Link; the message is a translated sentence."""


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # always 14 digits
    lot: str | None = None
    serial: str | None = None


def check_digit(digits: str) -> int:
    """GS1 check digit of the data digits: weights 3, 1, 3, … from the rightmost one."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def gtin14(value: str) -> str:
    """A GTIN-8/12/13/14 padded to 14 digits; GS1Error unless the digits and check digit are right."""
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise GS1Error(str(_l("A GTIN has 8, 12, 13 or 14 digits.")))
    padded = value.zfill(14)
    if check_digit(padded[:-1]) != int(padded[-1]):
        raise GS1Error(str(_l("The check digit of GTIN %(gtin)s is wrong.", gtin=value)))
    return padded


def parse_path(path: str) -> DigitalLink:
    """Parse `/01/{gtin}[/22/…][/10/{lot}][/21/{serial}]` (percent-encoded as in the request URI)."""
    if len(path) > MAX_PATH:
        raise GS1Error(str(_l("This address is too long to be a product code.")))
    gtin_segment = path.split("/")[2] if path.count("/") >= 2 else ""
    gtin = gtin14(gtin_segment)
    if plain := PLAIN.fullmatch(path):
        # What our own QR codes hold: checked here without biip's general parser (the scan path).
        lot = unquote(plain["lot"]) if plain["lot"] is not None else None
        if lot is None or LOT_PATTERN.fullmatch(lot):
            return DigitalLink(gtin=gtin, lot=lot)
    # biip wants the 14-digit form; padding first lets GTIN-13 codes (the usual ones) pass through.
    canonical = path.replace(f"/01/{gtin_segment}", f"/01/{gtin}", 1)
    try:
        uri = GS1DigitalLinkURI.parse("https://resolver.invalid" + canonical)
    except ParseError as error:
        raise GS1Error(
            str(_l("This is not a valid GS1 Digital Link (%(reason)s).", reason=_reason(error)))
        ) from None
    values = {element.ai.ai: element.value for element in uri.element_strings}
    return DigitalLink(gtin=gtin, lot=values.get("10"), serial=values.get("21"))


def _reason(error: ParseError) -> str:
    text = str(error)
    if "as qualifier" in text:
        return str(_l("qualifiers must follow the order 22, 10, 21"))
    if "(10)" in text:
        return str(_l("a lot has at most 20 characters: letters without umlauts, digits, or - . / _"))
    return str(_l("unknown or malformed element"))


def is_gs1_lot(lot: str) -> bool:
    return bool(LOT_PATTERN.fullmatch(lot))


def path(gtin: str, lot: str | None = None) -> str:
    """The Digital Link path of a product or one of its lots (the lot percent-encoded)."""
    result = f"/01/{gtin.zfill(14)}"
    if lot is not None:
        result += f"/10/{quote(lot, safe='')}"
    return result
