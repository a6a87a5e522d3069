"""The platform's notion of "now": naive UTC in the database, one place for tests to control."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The label's region lives on Berlin time: "today" for scans and opening hours means a day there.
TIMEZONE = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    return utcnow().replace(tzinfo=UTC).astimezone(TIMEZONE).date()
