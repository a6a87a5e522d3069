"""The platform's notion of "now": naive UTC in the database, one place for tests to control."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
