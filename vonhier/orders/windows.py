"""Pick-up windows: the days and hours a buyer can choose for collecting a pre-order at an outlet, and
the check of a chosen pick-up against them. Pure: the outlet's hours, its state, the offer's deadline,
the closed dates and "now" go in, the windows come out.

The hours are read by `outlets.hours.week` (the state's public holidays, hours past midnight shown on
the day they start, seasons), so a day is offered exactly when the outlet page shows it open. Decisions:
- The horizon counts today: 21 days from a Monday end on the Sunday of the third week.
- Ordering for a day closes at its deadline, `days_before` days earlier at the offer's time (local
  wall-clock time, the region's zone); at the deadline itself it is closed. A time the clocks skip
  (02:30 on the spring-forward day) closes when they jump (03:30 summer time); a time they pass twice
  closes at the first.
- A same-day deadline (0 days) also starts the day's pick-up: orders are packed from the closed list,
  so the hours before the deadline are cut off, and a day whose hours end by then is not offered.
- Only hours the expression calls open count: "unknown" hours ("nach Absprache") offer no window.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..clock import zone
from ..errors import RuleError
from ..outlets import hours

HORIZON_DAYS = 21

Interval = tuple[time, time | None]  # as `hours.Day.open`: end None is midnight, an earlier end the next day


@dataclass(frozen=True)
class Window:
    day: date
    intervals: tuple[Interval, ...]  # in order; a day can have two (a lunch break)
    deadline: datetime  # aware, in the region's zone: ordering for this day closes at this moment

    def admits(self, start: time, end: time | None = None) -> bool:
        """A pick-up at `start` (or from `start` to `end`) lies within one of the day's intervals. In an
        interval running past midnight, a time before its start is the next morning's."""
        for interval in self.intervals:
            opens, closes = hours.span(self.day, interval)
            for offset in (0, 1):
                begin = datetime.combine(self.day + timedelta(days=offset), start)
                if end is None:
                    if opens <= begin < closes:  # at the closing time itself the outlet is closed
                        return True
                elif opens <= begin and hours.span(begin.date(), (start, end))[1] <= closes:
                    return True
        return False


class PickupError(RuleError):
    """A chosen pick-up outside the windows; the message says which days or hours can be chosen."""

    def __init__(self, message: str):
        super().__init__(message, "pickup")


def deadline(day: date, days_before: int, at: time) -> datetime:
    """The moment ordering for pick-up on `day` closes: `days_before` days earlier at `at` (aware)."""
    local = datetime.combine(day - timedelta(days=days_before), at, tzinfo=zone())
    # Through UTC and back: a skipped wall-clock time becomes the real moment the clocks jump to.
    return local.astimezone(UTC).astimezone(zone())


def pickup_windows(
    opening_hours: str,
    state: str,
    now: datetime,
    days_before: int,
    deadline_time: time,
    horizon: int = HORIZON_DAYS,
    closed: Collection[date] = frozenset(),
) -> list[Window]:
    """The days from today (local) within `horizon` days on which the outlet is open, not closed by the
    producer, and still open for orders at `now`, each with its intervals and deadline."""
    if not (opening_hours or "").strip():
        return []  # an online shop or a delivery scheme: nothing to pick up at
    now = now if now.tzinfo else now.replace(tzinfo=zone())  # a naive time is a local wall-clock time
    today = now.astimezone(zone()).date()
    end = today + timedelta(days=horizon)
    first = today
    while first < end and _passed(deadline(first, days_before, deadline_time), now):
        first += timedelta(days=1)  # at most days_before + 1 steps: only those days are evaluated
    if first >= end:
        return []
    found = []
    for day in hours.week(opening_hours, state, first, (end - first).days):
        closes = deadline(day.day, days_before, deadline_time)
        if day.day in closed or _passed(closes, now):
            continue
        intervals = _after(day.day, day.open, closes.replace(tzinfo=None))
        if intervals:
            found.append(Window(day.day, intervals, closes))
    return found


def check_pickup(windows: list[Window], day: date, start: time, end: time | None = None) -> Window:
    """The window of a chosen pick-up (a day and a time, or a day and an interval); a PickupError with
    a translated sentence when it lies outside them. `windows` must be computed at the moment of
    ordering, so a deadline that passed since the buyer chose is refused too."""
    window = next((w for w in windows if w.day == day), None)
    if window is None:
        raise PickupError(
            str(
                _l(
                    "Pick-up on %(day)s is not possible. Please choose one of the dates offered.",
                    day=_day(day),
                )
            )
        )
    if not window.admits(start, end):
        raise PickupError(
            str(
                _l(
                    "On %(day)s pick-up is possible only at these times: %(hours)s.",
                    day=_day(day),
                    hours=", ".join(
                        f"{s:%H:%M}–{e:%H:%M}" if e else f"{s:%H:%M}–24:00" for s, e in window.intervals
                    ),
                )
            )
        )
    return window


def _passed(moment: datetime, now: datetime) -> bool:
    # Compared in UTC: two aware times of the same zone compare as wall-clock times, blind to DST's fold.
    return now.timestamp() >= moment.timestamp()


def _after(day: date, intervals: list[Interval], closes: datetime) -> tuple[Interval, ...]:
    """The intervals from the (naive, wall-clock) deadline on; only a same-day deadline cuts any."""
    kept = []
    for interval in intervals:
        opens, ends = hours.span(day, interval)
        if ends <= closes:
            continue
        kept.append((closes.time(), interval[1]) if opens < closes else interval)
    return tuple(kept)


def _day(day: date) -> str:
    return format_date(day, format="full")
