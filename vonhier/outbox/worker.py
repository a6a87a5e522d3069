"""Mail delivery, a job of the background worker (`vonhier/worker.py`; `create_app` adds it): claims
due mails, sends them, records the outcome. It owns its transactions.

Several workers may run at once. A claim pushes `next_attempt_at` forward by LEASE in a
compare-and-set UPDATE (on PostgreSQL after `SELECT … FOR UPDATE SKIP LOCKED`, so workers pass each
other by instead of waiting): a mail is held by one worker, and a worker killed after claiming
leaves it to fall due again once the lease ends. Sending is at least once: a worker killed between
the SMTP server's acceptance and the commit of "sent" sends that one mail again after the lease.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from . import mail
from .models import MailStatus, OutboxMail

# Far longer than one SMTP conversation (MAIL_TIMEOUT, 10 s, per connection), so a lease never ends
# while its worker is still sending.
LEASE = timedelta(minutes=5)
BATCH = 20
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# 30 s, 1, 2, 4, 8, 16, 32 min, 1 h: a server down for about two hours loses nothing.
MAX_ATTEMPTS = 9


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def claim(now: datetime, limit: int = BATCH) -> list[tuple[int, str]]:
    """Take up to `limit` due mails for this worker; returns their ids and messages."""
    due = (
        select(OutboxMail.id, OutboxMail.next_attempt_at)
        .where(OutboxMail.status == MailStatus.QUEUED, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has no row locks, the CAS decides
    )
    claimed = []
    for mail_id, seen in db.session.execute(due).all():
        taken = db.session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail_id,
                OutboxMail.status == MailStatus.QUEUED,
                OutboxMail.next_attempt_at == seen,
            )
            .values(next_attempt_at=now + LEASE, attempts=OutboxMail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(mail_id)
    messages = select(OutboxMail.id, OutboxMail.message).where(OutboxMail.id.in_(claimed))
    batch = [tuple(row) for row in db.session.execute(messages.order_by(OutboxMail.id))] if claimed else []
    db.session.commit()
    return batch


def record(mail_id: int, now: datetime, error: str | None = None) -> None:
    """After an attempt: sent, or the error with the time of the next attempt (or failed for good)."""
    row = db.session.get(OutboxMail, mail_id)
    if error is None:
        row.status = MailStatus.SENT
        row.sent_at = utcnow()
    else:
        row.last_error = error[:1000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = MailStatus.FAILED
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
    db.session.commit()


def deliver_due(now: datetime | None = None) -> int:
    """Send every mail due at `now` (default: the current time); returns how many were sent.

    Mails that fail are rescheduled after `now`, so this ends even while the server is down."""
    sent = 0
    while batch := claim(now or utcnow()):
        for mail_id, message in batch:
            try:
                mail.transmit(message)
            except Exception as error:  # noqa: BLE001 (any failure is recorded and retried)
                current_app.logger.warning("Sending mail %s failed: %s", mail_id, error)
                record(mail_id, now or utcnow(), f"{type(error).__name__}: {error}")
            else:
                record(mail_id, now or utcnow())
                sent += 1
    return sent
