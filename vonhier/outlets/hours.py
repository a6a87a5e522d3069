"""Opening hours in the OpenStreetMap `opening_hours` syntax: checking, "open now" and the week ahead.

Parsing and evaluation come from `opening-hours-py`. Its own holiday calendar for Germany knows only
the nationwide public holidays (no Reformation Day in Brandenburg, no Women's Day in Berlin, no
Easter or Whit Sunday in Brandenburg), so it is never given a country here: `PH` is decided by the
`holidays` package for the outlet's state. For a day that is a public holiday there, `PH` in the
expression is replaced by that day's weekday before evaluating (and so for the day before, whose
hours may run past midnight). Only the day in question is then read from the result.

All times are wall-clock times in the region's zone; the library gets naive local times and gives them
back, and they are made aware only when handed out, so DST change days need no special case.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
import opening_hours
from flask_babel import lazy_gettext as _l

from ..clock import zone

MAX_LENGTH = 255
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# How far "opens at …" looks ahead; a market that opens only in spring says "closed" in winter.
LOOKAHEAD_DAYS = 14
_PH = re.compile(r"\bPH\b")
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_SEPARATORS = " ;,"


class HoursError(ValueError):
    """An expression the parser refused; `message` is translated and points at the failing part."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


def check(expression: str) -> str:
    """The expression, trimmed, if it can be read; else an HoursError saying where it failed."""
    text = " ".join(expression.split()) if expression else ""
    if not text:
        raise HoursError(
            str(_l("Please enter the opening hours, e.g. Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off."))
        )
    if len(text) > MAX_LENGTH:
        raise HoursError(str(_l("At most %(max)d characters, please.", max=MAX_LENGTH)))
    try:
        _parse(text)
    except opening_hours.ParserError as error:
        raise _explain(text, str(error)) from None
    return text


def _explain(text: str, detail: str) -> HoursError:
    found = _POSITION.search(detail)
    column = int(found.group(2)) if found else 1
    column = min(max(column, 1), len(text) + 1)
    if column <= len(text):
        message = _l(
            "The opening hours cannot be read at “%(part)s” (character %(position)d). "
            "Write them like Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off.",
            position=column,
            part=_word_at(text, column - 1),
        )
    else:
        words = text.rstrip(_SEPARATORS)
        message = _l(
            "The opening hours end too early (after “%(end)s”). "
            "Write them like Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off.",
            end=_word_at(words, len(words) - 1) if words else text,
        )
    return HoursError(str(message), column)


def _word_at(text: str, index: int) -> str:
    """The whole word around the failing character ("Samstag", not "mstag 08:00-"), or that
    character if it is a separator itself."""
    start, end = index, index
    while start > 0 and text[start - 1] not in _SEPARATORS:
        start -= 1
    while end < len(text) and text[end] not in _SEPARATORS:
        end += 1
    return text[start:end][:24] or text[index]


@lru_cache(maxsize=2048)
def _parse(text: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(text)


@lru_cache(maxsize=64)
def _calendar(state: str, year: int, language: str = "de") -> dict:
    # Outside Germany (state "") only the nationwide German holidays apply: the best we know.
    return holidays.Germany(subdiv=state or None, years=year, language=language)


def holiday_name(day: date, state: str, locale: str = "de") -> str | None:
    """The public holiday on `day` in the German state `state` (ISO code, e.g. BB), or None."""
    return _calendar(state, day.year, "de" if locale == "de" else "en_US").get(day)


def is_holiday(day: date, state: str) -> bool:
    return day in _calendar(state, day.year)


def _for_day(text: str, day: date, state: str) -> opening_hours.OpeningHours:
    """The expression as it holds on `day`: PH means the holidays of `state` that day and the day before."""
    days = [d for d in (day - timedelta(days=1), day) if is_holiday(d, state)]
    if not days or not _PH.search(text):
        return _parse(text)
    try:
        return _parse(_PH.sub(",".join(WEEKDAYS[d.weekday()] for d in days), text))
    except opening_hours.ParserError:
        # Rare forms such as "PH Mo-Fr" have no weekday equivalent; they then never match.
        return _parse(text)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(zone()).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=zone())


def _state_at(text: str, local: datetime, state: str) -> str:
    found, _comment = _for_day(text, local.date(), state).state(local)
    return str(found).rsplit(".", 1)[-1].lower()


def is_open(text: str, state: str, now: datetime) -> bool:
    """Open at `now`: the finder's filter, cheaper than a whole `status`."""
    return _state_at(text, _naive(now).replace(second=0, microsecond=0), state) == "open"


@dataclass
class Status:
    state: str  # "open", "closed" or "unknown"
    next_change: datetime | None  # aware, local; None when nothing changes within the look-ahead
    holiday: str | None = None  # today's public holiday, if any

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def always_open(self) -> bool:
        return self.is_open and self.next_change is None


def status(text: str, state: str, now: datetime, locale: str = "de") -> Status:
    """Open, closed or unknown at `now`, and when that changes next (within LOOKAHEAD_DAYS)."""
    local = _naive(now).replace(second=0, microsecond=0)
    current = _state_at(text, local, state)
    cursor, limit = local, local + timedelta(days=LOOKAHEAD_DAYS)
    change = None
    while cursor < limit:
        day_end = datetime.combine(cursor.date() + timedelta(days=1), time())
        found = _for_day(text, cursor.date(), state).next_change(cursor)
        if found is not None and found < day_end:
            if _state_at(text, found, state) != current:
                change = found
                break
            cursor = found
        else:
            cursor = day_end
            if _state_at(text, cursor, state) != current:
                change = cursor
                break
    return Status(current, _aware(change) if change else None, holiday_name(local.date(), state, locale))


@dataclass
class Day:
    day: date
    holiday: str | None
    # (start, end) wall-clock times; end None means midnight; an end before the start runs into the next day
    open: list[tuple[time, time | None]] = field(default_factory=list)
    unknown: list[tuple[time, time | None]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    is_today: bool = False

    @property
    def all_day(self) -> bool:
        return self.open == [(time(0), None)]


def span(day: date, interval: tuple[time, time | None]) -> tuple[datetime, datetime]:
    """A day's (start, end) interval as naive wall-clock moments: an end of None is midnight, an end
    at or before the start is on the next day (as `Day` keeps hours past midnight)."""
    start, end = interval
    begin = datetime.combine(day, start)
    finish = datetime.combine(day, end or time(0))
    return begin, finish if finish > begin else finish + timedelta(days=1)


def week(text: str, state: str, start: date, days: int = 7, locale: str = "de") -> list[Day]:
    """The days from `start` with their open times; hours past midnight are shown on the day they start."""
    result = []
    for offset in range(days + 1):  # one more, to see where the last day's hours end
        day = start + timedelta(days=offset)
        begin = datetime.combine(day, time())
        entry = Day(day, holiday_name(day, state, locale), is_today=offset == 0)
        _add_intervals(entry, _for_day(text, day, state).intervals(begin, begin + timedelta(days=1)))
        result.append(entry)
    return _join_overnight(result)[:days]


def regular_days(text: str, start: date, days: int) -> list[Day]:
    """The days from `start` as the expression reads without public holidays (`PH` never applies): the
    regular hours that holidays are exceptions to. One evaluation for all days, so a year costs about
    what one day of `week` does."""
    begin = datetime.combine(start, time())
    result = [Day(start + timedelta(days=offset), None) for offset in range(days + 1)]
    by_day: list[list] = [[] for _ in result]
    for interval in _parse(text).intervals(begin, begin + timedelta(days=days + 1)):
        last = (interval[1] - timedelta(microseconds=1)) if interval[1] else interval[0]
        for offset in range((interval[0] - begin).days, min((last - begin).days, days) + 1):
            by_day[offset].append(interval)  # an interval across midnight belongs to each of its days
    for entry, intervals in zip(result, by_day, strict=True):
        _add_intervals(entry, intervals)
    return _join_overnight(result)[:days]


def holidays_between(state: str, start: date, days: int) -> list[date]:
    """The public holidays of the German state `state` from `start` on, for `days` days, in order."""
    end = start + timedelta(days=days)
    found = (day for year in range(start.year, end.year + 1) for day in _calendar(state, year))
    return sorted(day for day in found if start <= day < end)


def _add_intervals(entry: Day, intervals) -> None:
    """Put the library's intervals, clipped to the entry's day, into its open and unknown times."""
    begin = datetime.combine(entry.day, time())
    end = begin + timedelta(days=1)
    for iv_start, iv_end, iv_state, comment in intervals:
        iv_start, iv_end = max(iv_start, begin), min(iv_end or end, end)
        if iv_start >= iv_end:
            continue
        span = (iv_start.time(), None if iv_end == end else iv_end.time())
        name = str(iv_state).rsplit(".", 1)[-1].lower()
        if name == "open":
            entry.open.append(span)
        elif name == "unknown":
            entry.unknown.append(span)
        if comment and comment not in entry.comments:
            entry.comments.append(comment)


def _join_overnight(result: list[Day]) -> list[Day]:
    for today, tomorrow in zip(result, result[1:], strict=False):
        # "Fr 22:00-02:00": one span on Friday instead of 22:00–24:00 and Saturday 00:00–02:00.
        if (
            today.open
            and today.open[-1][1] is None
            and today.open[-1][0] != time(0)
            and tomorrow.open
            and tomorrow.open[0][0] == time(0)
            and not tomorrow.all_day
        ):
            today.open[-1] = (today.open[-1][0], tomorrow.open[0][1])
            tomorrow.open.pop(0)
    return result
