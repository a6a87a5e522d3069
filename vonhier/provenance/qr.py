"""QR code images of public URLs: error correction Q, a 4-module quiet zone, SVG or PNG; and how small
a URL's code may be printed.

Images are memoised per process: a code's URL never changes, so each image is drawn once and then
served with an ETag; the scan path itself never draws one.
"""

import hashlib
import io
import math
from functools import lru_cache

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4
PNG_SIZES = (64, 2048)  # smallest and largest PNG edge in pixels
PNG_DEFAULT = 400
# The smallest module (dot) in millimetres for a printed code: smaller dots smear on office and label
# printers and blur for phone cameras (ISO/IEC 18004 leaves the size to the application). A longer URL
# means more modules, so the code must grow with it, not the dots shrink.
MIN_MODULE = 0.4


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    return code


@lru_cache(maxsize=4096)
def modules(url: str) -> int:
    """Modules per side of the URL's code, without the quiet zone: a longer URL needs a larger version."""
    return _code(url).modules_count


def min_side(url: str) -> float:
    """The smallest printed side (mm, 0.1 mm steps, without the quiet zone) that keeps every module of the
    URL's code at least MIN_MODULE wide: the one rule for every code printed at a physical size."""
    return math.ceil(round(MIN_MODULE * modules(url) * 10, 6)) / 10


def matrix(url: str) -> list[list[bool]]:
    """The modules (True = dark) without the quiet zone, for drawing the code as vector shapes."""
    code = _code(url)
    return [row[QUIET_ZONE:-QUIET_ZONE] for row in code.get_matrix()[QUIET_ZONE:-QUIET_ZONE]]


@lru_cache(maxsize=4096)
def svg(url: str) -> bytes:
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode()


@lru_cache(maxsize=1024)
def png(url: str, size: int = PNG_DEFAULT) -> bytes:
    code = _code(url)
    modules = code.modules_count + 2 * QUIET_ZONE
    # Whole pixels per module keep the edges sharp; the image is the smallest at least `size` wide.
    code.box_size = -(-size // modules)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def etag(url: str, kind: str, size: int | None = None) -> str:
    return hashlib.sha256(f"{kind}:{size}:{url}".encode()).hexdigest()[:32]
