"""The font of the PDFs the platform makes (invoices, label sheets): DejaVu Sans, a Unicode font
from the npm registry that `make vendor` copies to static/vendor/fonts/. Names print as they are
written — Łukasz, Słubice, „Hofladen“, 5 € — where PDF's built-in fonts know Latin-1 only."""

from functools import lru_cache

from fontTools.ttLib import TTFont
from fpdf import FPDF

from .config import ROOT

FAMILY = "DejaVu"
FOLDER = ROOT / "static" / "vendor" / "fonts"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def register(pdf: FPDF) -> None:
    """Make the family (regular and bold) known to `pdf`."""
    for style, name in FILES.items():
        pdf.add_font(FAMILY, style, FOLDER / name)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    with TTFont(FOLDER / FILES[""], lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """The text with characters the font has no glyph for (鸡蛋) as "?", rather than as nothing."""
    covered = _covered()
    return "".join(ch if ord(ch) in covered or ch in "\n\t" else "?" for ch in text)
