"""The one writer of every CSV the platform hands out: cells a spreadsheet would run are kept as text.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (a leading tab or CR hides one) as a
formula (OWASP "CSV injection"). Such text gets a leading `'`. Cells are told apart by type, never by
guessing from their content: numbers and dates passed as `int`, `float`, `Decimal` or `date` are data
we wrote and stay as they are (a negative number stays a number); everything else is text, however
number-like it looks. A text that already begins with quotes before such a character gets one more,
so `text_of` undoes `cell` exactly and the catalogue export → import round trip keeps every name.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATA_TYPES = (int, float, Decimal, date)


def cell(value):
    """`value` as it is safe to write into a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, DATA_TYPES) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def text_of(value: str) -> str:
    """A text cell of our own export as it was before `cell` quoted it."""
    quoted = value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS)
    return value[1:] if quoted else value


def write(stream, rows: Iterable[Iterable], delimiter: str = ";", lineterminator: str = "\r\n") -> None:
    writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerows([cell(value) for value in row] for row in rows)


def table(header: Iterable, rows: Iterable[Iterable]) -> str:
    """`;`-separated, CRLF, with a UTF-8 byte order mark so that spreadsheet programs read UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    write(buffer, [header])
    write(buffer, rows)
    return buffer.getvalue()


def download(body: str, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
