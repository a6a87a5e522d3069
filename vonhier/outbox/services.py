"""Writing to the outbox (in the caller's transaction: flush, never commit) and reading it for admins."""

from email.message import EmailMessage

from sqlalchemy import select

from ..extensions import db
from .models import OutboxMail


def add(message: EmailMessage, template: str) -> OutboxMail:
    """Queue a rendered message; the caller's commit makes it real, a rollback drops it."""
    row = OutboxMail(
        recipient=message["To"], subject=message["Subject"], template=template, message=message.as_string()
    )
    db.session.add(row)
    db.session.flush()
    return row


def recent(limit: int, offset: int = 0) -> list[OutboxMail]:
    """Newest first, for the admin list."""
    statement = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(statement))
