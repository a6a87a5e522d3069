"""The certification audit log: every decision a link in a SHA-256 hash chain, the chain's check and a
subject's history."""

import hashlib
import json

from sqlalchemy import select, text

from ..clock import utcnow
from ..extensions import db
from .models import AuditRecord

GENESIS = "0" * 64


def _digest(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _link_hash(entry: AuditRecord) -> str:
    return _digest(
        [
            entry.prev_hash,
            entry.created_at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.subject_type,
            entry.subject_id,
            entry.action,
            entry.from_state,
            entry.to_state,
            entry.reason,
            entry.data_hash,
        ]
    )


def record(
    actor,
    subject_type: str,
    subject_id: int,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data=None,
) -> AuditRecord:
    """Append one link to the hash chain; `data` (the frozen data a decision saw) is stored as its hash."""
    if db.session.get_bind().dialect.name == "postgresql":
        # One writer at a time, or two links could claim the same predecessor.
        db.session.execute(text("SELECT pg_advisory_xact_lock(72457)"))
    last = db.session.scalar(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1))
    entry = AuditRecord(
        created_at=utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data_hash=_digest(data) if data is not None else "",
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _link_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain() -> AuditRecord | None:
    """The first record whose link is broken (changed, removed or re-ordered), or None if all hold."""
    previous = GENESIS
    for entry in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        if entry.prev_hash != previous or _link_hash(entry) != entry.hash:
            return entry
        previous = entry.hash
    return None


def history(subject_type: str, subject_id: int) -> list[AuditRecord]:
    return db.session.scalars(
        select(AuditRecord)
        .where(AuditRecord.subject_type == subject_type, AuditRecord.subject_id == subject_id)
        .order_by(AuditRecord.id)
    ).all()
