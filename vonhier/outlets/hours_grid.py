"""Opening hours as a weekday grid: seven days with up to two time ranges each, and "closed on public
holidays". `compose` writes the grid as an OpenStreetMap `opening_hours` expression; `read` gives the
grid back for an expression the grid can show, else None (the form then opens in text mode).

The expression is canonical: days with the same ranges share one rule, in weekday order, runs of three
or more days written as a range (`Mo-Fr`), `PH off` last — `Mo-Fr 09:00-18:00; Sa 08:00-12:00; PH off`.
`read(compose(grid)) == grid` for every grid with at least one range (tests/outlets/test_hours_grid.py).
Pure: no database, no request; messages are translated lazily.
"""

import re
from dataclasses import dataclass
from datetime import time

from flask_babel import lazy_gettext as _l

from .hours import WEEKDAYS

SLOTS = 2  # time ranges per day
Range = tuple[time, time]
_DAY = {name.lower(): index for index, name in enumerate(WEEKDAYS)}
_TIME = r"\d{1,2}:\d{2}"
_SPAN = re.compile(rf"^({_TIME})-({_TIME})$")
_SPANS = rf"{_TIME}-{_TIME}(?:\s*,\s*{_TIME}-{_TIME})*"
# One rule: weekdays (or PH, or nothing: every day), then "off" or time ranges.
_RULE = re.compile(rf"^(?:(?P<days>[A-Za-z][A-Za-z ,-]*?)\s+)?(?P<what>off|closed|{_SPANS})$")


@dataclass(frozen=True)
class Grid:
    """Per weekday (Monday first) its open ranges, sorted and not overlapping; an empty day is closed."""

    days: tuple[tuple[Range, ...], ...] = ((),) * 7
    holidays_closed: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(self.days)


class GridError(ValueError):
    """A day's ranges the grid refuses; `slot` (0 or 1) and `part` ("start" or "end") name the field."""

    def __init__(self, message: str, slot: int, part: str):
        super().__init__(message)
        self.message, self.slot, self.part = message, slot, part


def check_day(pairs: list[tuple[time | None, time | None]]) -> tuple[Range, ...]:
    """One day's typed (start, end) pairs as ranges: both times or neither, end after start, no overlap.
    A second range typed without a first moves up; the ranges come back sorted."""
    ranges = []
    for slot, (start, end) in enumerate(pairs):
        if start is None and end is None:
            continue
        if start is None or end is None:
            raise GridError(
                str(_l("Please enter both the opening and the closing time, or neither.")),
                slot,
                "start" if start is None else "end",
            )
        if end <= start:
            raise GridError(
                str(
                    _l(
                        "The closing time %(end)s is not after the opening time %(start)s. "
                        "Hours past midnight can be written in the text mode.",
                        start=_hhmm(start),
                        end=_hhmm(end),
                    )
                ),
                slot,
                "end",
            )
        ranges.append(((start, end), slot))
    ranges.sort()
    for (first, _), (second, slot) in zip(ranges, ranges[1:], strict=False):
        if second[0] < first[1]:
            raise GridError(
                str(
                    _l(
                        "The two time ranges overlap (%(first)s and %(second)s).",
                        first=_span(first, "–"),
                        second=_span(second, "–"),
                    )
                ),
                slot,
                "start",
            )
    return tuple(span for span, _ in ranges)


def compose(grid: Grid) -> str:
    """The grid as an `opening_hours` expression; "" for a grid without any open range."""
    groups: dict[tuple[Range, ...], list[int]] = {}
    for index, ranges in enumerate(grid.days):
        if ranges:
            groups.setdefault(ranges, []).append(index)
    if not groups:
        return ""
    rules = [
        f"{_days(days)} {','.join(_span(span) for span in ranges)}"
        for ranges, days in sorted(groups.items(), key=lambda item: item[1][0])
    ]
    if grid.holidays_closed:
        rules.append("PH off")
    return "; ".join(rules)


def read(expression: str) -> Grid | None:
    """The grid an expression means, or None if the grid cannot show it (month or week ranges, sunrise,
    comments, hours past midnight, more than two ranges a day, holidays with hours …). Rules follow the
    OpenStreetMap meaning: a later rule for a day replaces an earlier one; days without a rule are closed."""
    text = " ".join((expression or "").split())
    days: list[tuple[Range, ...]] = [()] * 7
    holidays_closed = False
    if not text:
        return Grid()
    for rule in text.split(";"):
        found = _RULE.match(rule.strip())
        if not found or holidays_closed:  # nothing may follow `PH off`: a later rule would override it
            return None
        selected = _selected_days(found["days"])
        if selected is None:
            return None
        what = found["what"]
        if selected == "PH":
            if what not in ("off", "closed"):
                return None
            holidays_closed = True
            continue
        ranges = () if what in ("off", "closed") else _ranges(what)
        if ranges is None:
            return None
        for index in selected:
            days[index] = ranges
    return Grid(tuple(days), holidays_closed)


def _selected_days(text: str | None) -> list[int] | str | None:
    """A rule's weekday selector as day indexes ("Mo-We,Fr"), all days when missing, "PH" for holidays."""
    if text is None:
        return list(range(7))
    if text.strip() == "PH":
        return "PH"
    selected = []
    for part in text.replace(" ", "").split(","):
        first, _, last = part.lower().partition("-")
        if first not in _DAY or (last and last not in _DAY):
            return None
        start, stop = _DAY[first], _DAY[last or first]
        selected += [(start + step) % 7 for step in range((stop - start) % 7 + 1)]  # Fr-Mo wraps
    return selected


def _ranges(text: str) -> tuple[Range, ...] | None:
    pairs = []
    for part in text.replace(" ", "").split(","):
        start, end = (_time(value) for value in _SPAN.match(part).groups())
        if start is None or end is None:
            return None
        pairs.append((start, end))
    if len(pairs) > SLOTS:
        return None
    try:
        return check_day(pairs)
    except GridError:
        return None


def _time(text: str) -> time | None:
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute) if hour < 24 and minute < 60 else None  # 24:00 needs the text mode


def _days(indexes: list[int]) -> str:
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}")
        else:
            parts += [WEEKDAYS[index] for index in run]
    return ",".join(parts)


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _span(span: Range, dash: str = "-") -> str:
    return f"{_hhmm(span[0])}{dash}{_hhmm(span[1])}"
