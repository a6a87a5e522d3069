"""GS1 Digital Link addresses: parsing (with biip) and building, for the resolver and the QR codes.

biip checks the syntax of the path (primary key, qualifier order 22 → 10 → 21, character sets and
lengths) but only reports a wrong GTIN check digit instead of refusing it, so `parse_path` refuses it
itself. In the query biip ignores what GS1's syntax engine refuses (unknown numeric AIs, duplicates, key
qualifiers), so `check_query` uses biip's AI table and value patterns and refuses those itself.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from flask_babel import lazy_gettext as _l

# A lot (AI 10) as GS1 allows it: at most 20 characters of the GS1 character set 82. Always used with
# fullmatch: `$` would let a trailing newline through.
LOT_PATTERN = re.compile(r"[!%-?A-Z_a-z\x22]{1,20}")
# A 14-digit GTIN with at most a lot: the form `path()` builds.
PLAIN = re.compile(r"/01/\d{14}(?:/10/(?P<lot>[^/]+))?")
# Longer paths are no GS1 Digital Link of ours; refused before any parsing.
MAX_PATH = 200
# The key-qualifier paths of a GTIN (GS1 Digital Link 1.2): 01 [22] [10] [21], or 01 235. A qualifier
# that could stand in the path belongs there, never in the query.
GTIN_QUALIFIERS = (("22", "10", "21"), ("235",))


class GS1Error(ValueError):
    """A path that is no valid GS1 Digital Link; the message is a translated sentence."""


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # always 14 digits
    lot: str | None = None
    serial: str | None = None
    qualifiers: tuple[str, ...] = ()  # the AIs after the GTIN in the path, in order
    # None for the address our QR codes hold; else (301, path) for another spelling of the same address
    # (a short or percent-encoded GTIN, other percent-encoding), or (307, path) for the walk-up from
    # qualifiers that have no page of their own (22, 21, 235): temporary, since such a page may come.
    redirect: tuple[int, str] | None = None


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


def parse_path(raw: str) -> DigitalLink:
    """Parse `/01/{gtin}[/22/…][/10/{lot}][/21/{serial}]` or `/01/{gtin}/235/…` (percent-encoded as in
    the request URI)."""
    if len(raw) > MAX_PATH:
        raise GS1Error(str(_l("This address is too long to be a product code.")))
    gtin_segment = raw.split("/")[2] if raw.count("/") >= 2 else ""
    # Percent-encoded digits are digits (`/01/%304260712001023`); the redirect spells them out.
    gtin = gtin14(unquote(gtin_segment, errors="replace"))
    plain = PLAIN.fullmatch(raw)
    lot = unquote(plain["lot"]) if plain and plain["lot"] is not None else None
    if plain and (lot is None or LOT_PATTERN.fullmatch(lot)):
        # What our own QR codes hold: checked here without biip's general parser (the scan path).
        link = DigitalLink(gtin=gtin, lot=lot, qualifiers=("10",) if lot is not None else ())
    else:
        link = _parse_with_biip(raw, gtin_segment, gtin)
    canonical = path(gtin, link.lot)
    if gtin_segment != gtin:
        redirect = (301, f"/01/{gtin}{raw[len('/01/') + len(gtin_segment) :]}")
    elif set(link.qualifiers) - {"10"}:
        redirect = (307, canonical)
    elif raw != canonical:
        redirect = (301, canonical)
    else:
        return link
    return DigitalLink(link.gtin, link.lot, link.serial, link.qualifiers, redirect)


def _parse_with_biip(path: str, gtin_segment: str, gtin: str) -> DigitalLink:
    # biip wants the 14-digit form; padding first lets GTIN-13 codes (the usual ones) pass through.
    padded = f"/01/{gtin}{path[len('/01/') + len(gtin_segment) :]}"
    qualifiers = tuple(unquote(ai) for ai in padded.split("/")[3::2])
    try:
        if "235" in qualifiers and len(qualifiers) > 1:  # biip lets 235 follow 22/10/21; GS1 does not
            raise ParseError("as qualifier")
        uri = GS1DigitalLinkURI.parse("https://resolver.invalid" + padded)
    except ParseError as error:
        raise GS1Error(
            str(_l("This is not a valid GS1 Digital Link (%(reason)s).", reason=_reason(error)))
        ) from None
    values = {element.ai.ai: element.value for element in uri.element_strings}
    return DigitalLink(gtin=gtin, lot=values.get("10"), serial=values.get("21"), qualifiers=qualifiers)


def check_query(qualifiers: tuple[str, ...], query: str) -> None:
    """Refuse the GS1 data attributes of a Digital Link query (numeric keys) that GS1's syntax engine
    refuses: an unknown AI, a value not in the AI's format, an AI given twice, or the key or a key
    qualifier, which belong in the path (`qualifiers`: the AIs in the path after the GTIN). Other
    parameters (linkType, lang, …) are not GS1's: ignored."""
    in_path = {"01"} | {ai for chain in GTIN_QUALIFIERS if set(qualifiers) <= set(chain) for ai in chain}
    seen = set()
    for key, value in parse_qsl(query, keep_blank_values=True):
        if not (key.isascii() and key.isdigit()):
            continue
        if key in in_path:
            raise GS1Error(
                str(_l("The GS1 data attribute %(ai)s belongs in the path, not in the query.", ai=key))
            )
        if key in seen:
            raise GS1Error(str(_l("The GS1 data attribute %(ai)s is given twice.", ai=key)))
        seen.add(key)
        try:
            known = GS1ApplicationIdentifier.extract(key).ai == key  # extract() also reads a prefix
        except ParseError:
            known = False
        if not known:
            raise GS1Error(str(_l("%(ai)s is not a GS1 application identifier.", ai=key[:10])))
        try:
            valid = GS1ElementString.parse(key + value).value == value
        except ParseError:
            valid = False
        if not valid:
            raise GS1Error(str(_l("The value of the GS1 data attribute %(ai)s is not valid.", ai=key)))


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
