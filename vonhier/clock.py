"""The platform's notion of "now": naive UTC in the database, one place for tests to control."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from . import region


def zone() -> ZoneInfo:
    """The region's time zone (the pack's): opening hours, markets, public holidays and scan days are
    told in the region's own wall-clock time."""
    return region.pack().timezone


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    """Now in the region's zone (aware); follows `utcnow`, so a test that fixes one fixes both."""
    return utcnow().replace(tzinfo=UTC).astimezone(zone())


def as_local(moment: datetime) -> datetime:
    """A stored moment (naive UTC) in the region's zone (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(zone())
