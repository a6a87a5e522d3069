"""Input hygiene: the one place that decides which text and which numbers the platform accepts.

Text: no control characters (PostgreSQL refuses NUL; the others break mail headers, CSV files and
logs). Tab and line breaks only where a field is multi-line (a form's TextAreaField); single-line
text holds no line break at all, so nothing a user typed can split a mail header. Where it is
checked: query strings, the path, JSON bodies and upload file names by `check_request` (a
`before_request` hook, so no route can forget it); form fields by `vonhier.forms.Form`, the base of
every form, so that the form's own page shows the message next to the field with what was typed.

Numbers: `number` is the one parser for the forms' decimal and float fields and the CSV import.
"""

import math
import re
from decimal import Decimal, InvalidOperation

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from .errors import abort_with

# C0 and C1 controls, DEL, lone surrogates (possible in JSON "\ud800"), and for single-line text the
# Unicode line and paragraph separators too.
_MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
# The same rule as a JSON Schema pattern, for the OpenAPI document's text parameters (JSON strings
# hold no lone surrogates, so they need no mention).
SINGLE_LINE_PATTERN = "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$"

# Nothing on the platform counts to 10^15 or in 10^-15 (prices, shares, sizes, km); beyond is a typo or
# an attack (1e400, or 1e999999999, whose int() would not finish).
MAX_DIGITS = 15


def text_problem(value: str, multi_line: bool = False) -> str | None:
    """A translated reason why `value` is refused, or None when it is acceptable text."""
    if multi_line:
        if _MULTI_LINE_BAD.search(value):
            return str(_l("This text contains control characters. Please remove them."))
        return None
    if _SINGLE_LINE_BAD.search(value):
        return str(_l("This text must be one line without tabs or control characters."))
    return None


def one_line(text: str) -> str:
    """`text` with every control character and line break replaced by a space: for output that must
    be one line (a mail header) built from text stored before these rules held."""
    return _SINGLE_LINE_BAD.sub(" ", text)


def number(text: str) -> Decimal:
    """A decimal number typed by a person ("1,5" or "1.5"); ValueError with a translated message for
    anything else, including NaN, infinities and numbers beyond 15 digits either side of the point."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(str(_l("“%(value)s” is not a number.", value=text[:40]))) from None
    if not value.is_finite():
        raise ValueError(str(_l("“%(value)s” is not a number.", value=text[:40])))
    # By exponent, not by comparison: arithmetic on 1e999999999 overflows the decimal context.
    if value.adjusted() >= MAX_DIGITS:
        raise ValueError(str(_l("This number is too large.")))
    if value and value.adjusted() < -MAX_DIGITS:
        raise ValueError(str(_l("This number has too many decimal places.")))
    return value


# An amount of euros as people write it: "120", "120,5", "120,00", "1.200,00" (German) or "120.00",
# "1,200.00" (English). The decimal sign is followed by one or two digits; thousands are grouped only
# before a decimal part with the other sign ("1.200" could be either, and is refused). No sign, no
# exponent, no NaN; below 10 million euros, so the cents fit the database's 32-bit integers.
_EUROS = re.compile(
    r"(?P<whole>[0-9]{1,7}|[0-9]{1,3}(?P<group>[.,])[0-9]{3}(?:(?P=group)[0-9]{3})?)"
    r"(?:(?P<point>[.,])(?P<cents>[0-9]{1,2}))?"
)


def euro_cents(text: str) -> int:
    """An amount in euros typed by a person, as whole cents (Decimal arithmetic, never a float);
    ValueError with a translated message for anything else (negative, NaN, too large, 3 decimals)."""
    text = text.strip().removesuffix("€").removesuffix("EUR").strip()
    match = _EUROS.fullmatch(text)
    if match and match["group"] and match["group"] == (match["point"] or match["group"]):
        match = None  # "1.200" or "1.200.50": grouped, but no decimal part with the other sign
    if match is None:
        if text.startswith("-"):
            raise ValueError(str(_l("The amount cannot be negative.")))
        if re.fullmatch(r"[0-9]{8,}(?:[.,][0-9]*)?", text):
            raise ValueError(str(_l("This amount is too large.")))
        raise ValueError(str(_l("“%(value)s” is not an amount in euros, e.g. 120,00.", value=text[:40])))
    whole = Decimal(re.sub(r"[.,]", "", match["whole"]))
    cents = Decimal((match["cents"] or "0").ljust(2, "0"))
    return int(whole * 100 + cents)


# Every id and count the platform stores is a 32-bit integer (PostgreSQL `integer`).
MAX_INTEGER = 2**31 - 1
_INTEGER = re.compile(r"[+-]?[0-9]{1,10}")


def integer(text: str) -> int:
    """A whole number typed by a person: ASCII digits only (str.isdigit() takes "²", which int()
    refuses), within the 32-bit range of the database's integer columns; ValueError with a
    translated message for anything else."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise ValueError(str(_l("“%(value)s” is not a whole number.", value=text[:40])))
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise ValueError(str(_l("This number is too large.")))
    return value


def row_id(text: str | None) -> int | None:
    """The id of a row chosen in a form (a select's value), or None for anything that cannot be one."""
    try:
        value = integer(text or "")
    except ValueError:
        return None
    return value if value > 0 else None


def _json_problem(value) -> str | None:
    """Every string (keys too) of a JSON document, as multi-line text; numbers must be finite."""
    if isinstance(value, str):
        return text_problem(value, multi_line=True)
    if isinstance(value, float) and not math.isfinite(value):
        return str(_l("Numbers must be finite."))
    if isinstance(value, dict):
        return next(filter(None, (_json_problem(v) for item in value.items() for v in item)), None)
    if isinstance(value, list):
        return next(filter(None, map(_json_problem, value)), None)
    return None


def check_request() -> None:
    """Refuse (400, translated) a request whose path, query, JSON body or upload file names hold
    text that no field may hold. Form fields are left to the forms (see the module's note)."""
    texts = [request.path, *(s for pair in request.args.items(multi=True) for s in pair)]
    texts += [upload.filename or "" for _name, upload in request.files.items(multi=True)]
    problem = next(filter(None, (text_problem(t) for t in texts)), None)
    if problem is None and request.is_json and request.content_length:
        body = request.get_json(silent=True)
        problem = _json_problem(body) if body is not None else str(_l("This is not valid JSON."))
    if problem:
        abort_with(400, problem)


def register(app: Flask) -> None:
    app.before_request(check_request)
