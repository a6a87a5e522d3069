"""Print sheets: A4 pages of self-adhesive labels, each with a product's QR code and its text.

`build` is a pure function of the label's data, the sheet layout and the code size. The code is drawn
as vector rectangles (one per horizontal run of dark modules), so it stays sharp at any printer
resolution; its 4-module quiet zone stays white and inside the label, and the text keeps clear of it.

Sizes are in millimetres. The code size is the side of the code's dark part, without the quiet zone, so a
module is `size / qr.modules(url)` wide. Each code has its own range: from `min_size` (at least MIN_SIZE,
and every module at least `qr.MIN_MODULE`) to `max_size` (what the label holds beside the text).
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from fpdf import FPDF

from .. import fonts
from . import qr

A4 = (210.0, 297.0)
MIN_SIZE = 15.0  # smallest code side a phone camera reads reliably from a package
DEFAULT_SIZE = 20.0  # a long URL's code is printed larger by default: see `default_size`
EDGE = 3.0  # dark modules and text keep at least this far from the label's edge (die-cut tolerance)
TEXT_GAP = 1.0  # between the code's quiet zone and the text
TEXT_MIN = 24.0  # narrowest text column: the largest code leaves at least this much for the text
PT = 25.4 / 72  # one typographic point in millimetres
LINE = 1.18  # line height as a multiple of the font size
ASCENT = 0.75  # DejaVu Sans' cap height (0.73) and a little, as a share of the font size


@dataclass(frozen=True)
class Layout:
    """A kind of label sheet: `columns` × `rows` labels of `width` × `height`, the first at (left, top)."""

    key: str
    width: float
    height: float
    columns: int
    rows: int
    left: float
    top: float
    examples: str  # sheets of this format that shops sell (brand names, not translated)
    gap_x: float = 0.0
    gap_y: float = 0.0
    font_scale: float = 1.0  # larger labels get larger text

    @property
    def count(self) -> int:
        return self.columns * self.rows

    def origins(self):
        """The top-left corner of every label, row by row."""
        for row in range(self.rows):
            for column in range(self.columns):
                yield (
                    self.left + column * (self.width + self.gap_x),
                    self.top + row * (self.height + self.gap_y),
                )


# Borderless A4 sheets: the labels fill the width; what is left of the height is split top and bottom.
LAYOUTS = {
    layout.key: layout
    for layout in (
        Layout("70x37", 70, 37, 3, 8, 0, 0.5, "Avery Zweckform 3474"),
        Layout("70x36", 70, 36, 3, 8, 0, 4.5, "Avery Zweckform 3475"),
        Layout("105x57", 105, 57, 2, 5, 0, 6, "Avery Zweckform 3425", font_scale=1.3),
    )
}
DEFAULT_LAYOUT = "70x37"


@dataclass(frozen=True)
class Label:
    """What one label shows; the texts are already in the reader's language."""

    url: str  # encoded in the code
    name: str
    short_url: str  # printed, for typing in by hand
    mark: str  # the label's name (the region pack's), printed above the product's name
    certificate: str | None = None  # e.g. "Zertifikat VH-2026-0001"; left out when there is none


class SizeError(ValueError):
    pass


@lru_cache(maxsize=256)
def _matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(row) for row in qr.matrix(url))


def min_size(url: str) -> float:
    """The smallest code side for the URL: readable from a package, and no module below `qr.MIN_MODULE`."""
    return max(MIN_SIZE, qr.min_side(url))


def default_size(url: str) -> float:
    """The code side when none is asked for: larger than DEFAULT_SIZE only where the URL's modules need it."""
    return max(DEFAULT_SIZE, min_size(url))


def fits(layout: Layout, url: str) -> bool:
    """Whether the label holds the URL's code at a readable size (a very long lot may need larger labels)."""
    return min_size(url) <= max_size(layout, url)


def max_size(layout: Layout, url: str) -> float:
    """The largest code side (0.1 mm steps) whose quiet zone fits the label and leaves room for the text."""
    n = qr.modules(url)
    quiet = qr.QUIET_ZONE / n  # quiet zone per millimetre of code side
    text = TEXT_GAP + TEXT_MIN + EDGE
    limit = min(
        # vertically: the quiet zone (or the edge distance, whichever is larger) above and below
        layout.height / (1 + 2 * quiet),
        layout.height - 2 * EDGE,
        # horizontally: edge distance or quiet zone on the left, quiet zone and text on the right
        (layout.width - text) / (1 + 2 * quiet),
        (layout.width - EDGE - text) / (1 + quiet),
    )
    return math.floor(limit * 10 + 1e-9) / 10


def _runs(matrix) -> list[tuple[int, int, int]]:
    """(row, first column, length) of every horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


def build(label: Label, layout: Layout, size: float) -> bytes:
    """One A4 page with `layout.count` copies of the label, the code `size` mm wide."""
    if not min_size(label.url) <= size <= max_size(layout, label.url):
        raise SizeError(size)
    matrix = _matrix(label.url)
    n = len(matrix)
    module = size / n
    quiet = qr.QUIET_ZONE * module
    inset = max(quiet, EDGE)
    runs = _runs(matrix)

    pdf = FPDF(unit="mm", format=A4)
    fonts.register(pdf)
    pdf.set_margins(0, 0, 0)
    pdf.set_auto_page_break(False)
    pdf.set_title(fonts.printable(f"{label.mark}: {label.name}"))
    pdf.set_creator(fonts.printable(label.mark))
    pdf.add_page()
    pdf.set_fill_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)

    text_left = inset + size + quiet + TEXT_GAP
    column = layout.width - text_left - EDGE
    lines = _fit_text(pdf, label, layout, column)
    block = sum(height for *_, height in lines)

    for x, y in layout.origins():
        code_x, code_y = x + inset, y + (layout.height - size) / 2
        for r, c, length in runs:
            pdf.rect(code_x + c * module, code_y + r * module, length * module, module, style="F")
        line_y = y + (layout.height - block) / 2
        for style, points, text, height in lines:
            pdf.set_font(fonts.FAMILY, style=style, size=points)
            pdf.text(x + text_left, line_y + ASCENT * points * PT, text)
            line_y += height
    return bytes(pdf.output())


def _fit_text(pdf: FPDF, label: Label, layout: Layout, column: float) -> list[tuple[str, float, str, float]]:
    """The text lines (style, points, text, height in mm), as large as fit the column and the label."""
    available = layout.height - 2 * EDGE
    # Rather slightly smaller letters than a shortened name; at the last resort both.
    tries = [(lines, step) for step in range(4) for lines in (4, 3)]
    tries += [(lines, step) for lines in (3, 2, 1) for step in range(4, 9)]
    for name_lines, step in tries:
        lines = _lines(pdf, label, column, layout.font_scale * (1 - 0.06 * step), name_lines)
        if sum(height for *_, height in lines) <= available:
            return lines
    return lines  # not reached for the layouts above: the tests print the longest texts there are


def _lines(pdf: FPDF, label: Label, column: float, scale: float, name_lines: int):
    lines = []

    def add(style, points, texts, space_after=0.0):
        for i, text in enumerate(texts):
            extra = space_after if i == len(texts) - 1 else 0.0
            lines.append((style, points, text, points * PT * LINE + extra))

    mark, name, small = 11 * scale, 8 * scale, 6 * scale
    if label.certificate:  # the label's name is a promise: printed only with a certificate in force
        pdf.set_font(fonts.FAMILY, style="B", size=mark)
        add("B", mark, [fonts.printable(label.mark)], 0.6 * scale)
    pdf.set_font(fonts.FAMILY, style="B", size=name)
    add("B", name, _wrap(pdf, fonts.printable(label.name).split(), column, name_lines, " "), 0.6 * scale)
    if label.certificate:
        pdf.set_font(fonts.FAMILY, size=small)
        add("", small, _wrap(pdf, fonts.printable(label.certificate).split(), column, 2, " "), 0.4 * scale)
    pdf.set_font(fonts.FAMILY, size=small)
    add("", small, _wrap(pdf, _url_parts(fonts.printable(label.short_url)), column, 12, ""))
    return lines


def _url_parts(url: str) -> list[str]:
    """Break points of an address: after each slash."""
    parts = url.split("/")
    return [part + "/" for part in parts[:-1]] + [parts[-1]]


def _wrap(pdf: FPDF, words: list[str], width: float, max_lines: int, joiner: str) -> list[str]:
    """Greedy line breaking with the current font; overlong words are split, the last line shortened."""
    pieces = []
    for word in words:
        while pdf.get_string_width(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                cut -= 1
            pieces.append((word[:cut], True))
            word = word[cut:]
        pieces.append((word, False))
    lines, current = [], ""
    for piece, is_fragment in pieces:
        candidate = current + joiner + piece if current else piece
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
        if is_fragment:
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdf.get_string_width(last + "...") > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "..."]
    return lines
