"""Uploaded images: checked by content, re-encoded, stored under random names outside static/."""

import re
import secrets
import warnings
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, send_from_directory
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.exceptions import NotFound

from .errors import RuleError
from .extensions import db

bp = Blueprint("media", __name__)

MAX_PIXELS = 40_000_000  # ~ a 7,700 x 5,200 photo; anything larger is treated as a decompression bomb
MAX_SIDE = 1600
NAME = re.compile(r"^[A-Za-z0-9_-]{22}\.webp$")


class ImageRejected(ValueError):
    """str() is a translated reason to show next to the upload field."""


def store_image(upload) -> str:
    """Validate and re-encode an uploaded image; return the stored file name."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload.stream) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRejected(str(_l("The image is too large (too many pixels).")))
                probe.verify()
            upload.stream.seek(0)
            with Image.open(upload.stream) as image:
                if image.format not in {"JPEG", "PNG", "WEBP"}:
                    raise ImageRejected(str(_l("Please upload a JPEG, PNG or WebP image.")))
                image.load()
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                name = secrets.token_urlsafe(16) + ".webp"
                path = Path(current_app.config["UPLOAD_DIR"]) / name
                written(path)
                image.save(path, "WEBP", quality=85)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ImageRejected(str(_l("This file is not a readable image."))) from error
    return name


def save_with_image(form, save, attach):
    """Save a form's record with the image uploaded on its `image` field: the one flow of the forms
    with a photo (products, outlets). The image is checked and stored first; a refused image is an
    error on that field and nothing is saved (None). Then `save()` returns the record and
    `attach(record, name)` adds the image; a refusal (`RuleError`) of either is rolled back and
    raised for the view to show on the form, with what was typed. Otherwise the change is committed
    and the record returned. A file whose record was not committed goes with the request (`written`)."""
    name = None
    if getattr(form.image.data, "filename", ""):
        try:
            name = store_image(form.image.data)
        except ImageRejected as error:
            form.image.errors = [str(error)]
            return None
    try:
        record = save()
        if name:
            attach(record, name)
    except RuleError:
        db.session.rollback()  # nothing of a refused record is kept
        raise
    db.session.commit()
    return record


class ImageRow:
    """The columns of every photo row (a product's, an outlet's): the stored file's random name and the
    photo's place in its record's order. The model adds its id, its record's key and the relationship."""

    filename: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)


def remove_image(images: list, image_id: int) -> None:
    """Take photo `image_id` out of a record's `images` (the row goes with the flush, by the
    relationship's delete-orphan) and delete its file; 404 if it is not one of them."""
    image = next((i for i in images if i.id == image_id), None)
    if image is None:
        raise NotFound()
    images.remove(image)
    delete_image(image.filename)


def written(path: Path) -> None:
    """Note a file stored for the record this request saves: it is removed when the request ends
    without a commit (a refused form, a failed service, an error), so no file is left without its row.
    Outside requests (CLI, demo data) the caller owns the file."""
    if has_request_context():
        g.setdefault("uploads_uncommitted", []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_written(session) -> None:
    if has_request_context():
        g.pop("uploads_uncommitted", None)


def _remove_uncommitted(_exception=None) -> None:
    for path in g.pop("uploads_uncommitted", ()):
        path.unlink(missing_ok=True)


def register(app: Flask) -> None:
    app.teardown_request(_remove_uncommitted)


def delete_image(name: str | None) -> None:
    if name and NAME.match(name):
        (Path(current_app.config["UPLOAD_DIR"]) / name).unlink(missing_ok=True)


@bp.get("/media/<name>")
def image(name):
    if not NAME.match(name):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
