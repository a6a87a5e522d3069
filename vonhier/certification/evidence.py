"""Evidence documents: checked by content (not by name), size-limited, stored outside static/."""

import hashlib
import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from .. import media
from ..errors import RuleError, abort_with
from ..extensions import db
from . import rules
from .access import get_application
from .models import Application, ApplicationStatus, Evidence

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


class EvidenceRejected(RuleError, ValueError):
    """str() is a translated reason to show next to the upload field."""


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def get_evidence(user, evidence_id: int) -> Evidence:
    """An evidence document for whoever may see its application (`access.get_application`); else 404/403."""
    document = db.session.get(Evidence, evidence_id) or abort_with(
        404, str(_l("This document does not exist."))
    )
    get_application(user, document.application_id)
    return document


def _media_type(content: bytes) -> tuple[str, str]:
    for signature, found in SIGNATURES.items():
        if content.startswith(signature):
            media_type, suffix = found
            break
    else:
        raise EvidenceRejected(str(_l("Only PDF, JPEG and PNG files are accepted.")))
    if media_type == "application/pdf" and b"%%EOF" not in content[-2048:]:
        raise EvidenceRejected(str(_l("This PDF file is incomplete or damaged.")))
    if media_type != "application/pdf":
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
            raise EvidenceRejected(str(_l("This image file is damaged."))) from error
    return media_type, suffix


def add(user, application: Application, kind: str, original_name: str, content: bytes) -> Evidence:
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED):
        raise EvidenceRejected(
            str(_l("Evidence can be added while the application is a draft or changes are requested."))
        )
    if kind not in rules.EVIDENCE_KINDS:
        raise EvidenceRejected(str(_l("Please choose the kind of document.")))
    if not content:
        raise EvidenceRejected(str(_l("The file is empty.")))
    if len(content) > MAX_BYTES:
        raise EvidenceRejected(str(_l("The file is larger than 10 MB.")))
    media_type, suffix = _media_type(content)
    name = secrets.token_urlsafe(24) + suffix
    path = folder() / name
    media.written(path)
    path.write_bytes(content)
    evidence = Evidence(
        application=application,
        kind=kind,
        filename=name,
        original_name=original_name[:200],
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence
