"""The platform's notion of "now": naive UTC in the database, one place for tests to control."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Opening hours, markets, public holidays and scan days are told in the region's own wall-clock time.
BERLIN = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def berlin_now() -> datetime:
    """Now in Europe/Berlin (aware); follows `utcnow`, so a test that fixes one fixes both."""
    return utcnow().replace(tzinfo=UTC).astimezone(BERLIN)


def as_berlin(moment: datetime) -> datetime:
    """A stored moment (naive UTC) in Europe/Berlin (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(BERLIN)
