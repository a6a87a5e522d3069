"""An outlet's public page as schema.org data (JSON-LD): a local business of the type its kind is, with its
address, position, operator and opening hours.

The opening hours become `openingHoursSpecification`: the expression is read without public holidays
for 53 weeks (`hours.regular_days`); hours the same all that time are given without dates, as hours of
every week. Hours that change within the year (a market from April to October, every other week) are
given for the coming three months, each stretch with the dates it holds (`validFrom`, `validThrough`).
Public holidays are what schema.org can say of them: the holidays of the outlet's state in the coming
three months whose hours differ from the regular ones (`PH off`, PH hours) become
`specialOpeningHoursSpecification` for their dates, as the page's week shows them (`hours.week`); so do
one-off days ("Dec 24 off"), which would otherwise cut the regular hours into dated stretches.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

from ..geo.structured import coordinates, postal_address
from ..organisations.structured import reference
from ..web import external_url
from . import hours
from .models import Outlet, OutletKind

# The most specific schema.org type each kind is. A farm shop and a market stand sell groceries; a
# vending hut is a store, if a small one; a delivery scheme and a Solawi depot are businesses without a
# type of their own (the delivery scheme says where it delivers: `areaServed`); an online shop is an
# `OnlineStore`, an organisation without premises to visit, so it has no position and no hours.
TYPES = {
    OutletKind.FARM_SHOP: "GroceryStore",
    OutletKind.MARKET_STAND: "GroceryStore",
    OutletKind.VENDING_MACHINE: "Store",
    OutletKind.DELIVERY: "LocalBusiness",
    OutletKind.CSA_DEPOT: "LocalBusiness",
    OutletKind.ONLINE_SHOP: "OnlineStore",
    OutletKind.RESTAURANT: "Restaurant",
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
YEAR_DAYS = 371  # 53 weeks: hours the same all that time are the regular hours, given without dates
HORIZON_DAYS = 92  # the coming three months: their holidays, and the changing hours within them


def json_ld(outlet: Outlet, locale: str, today: date) -> dict:
    """The outlet page's data; `today` (local), from which the hours and holidays are counted."""
    url = external_url("outlets.page", outlet_id=outlet.id)
    data = {
        "@context": "https://schema.org",
        "@type": TYPES[outlet.kind],
        "@id": url,
        "url": url,
        "name": outlet.name,
        "address": postal_address(outlet),
        "parentOrganization": reference(outlet.organisation),
    }
    if outlet.description:
        data["description"] = outlet.description
    if outlet.images:
        data["image"] = [external_url("media.image", name=image.filename) for image in outlet.images[:3]]
    if outlet.website:
        data["sameAs"] = [outlet.website]
    if outlet.kind == OutletKind.ONLINE_SHOP:
        return data  # an Organization: no place to be at, no hours to be there
    data["geo"] = coordinates(outlet)
    if outlet.kind == OutletKind.DELIVERY and outlet.delivery_radius_km:
        data["areaServed"] = {
            "@type": "GeoCircle",
            "geoMidpoint": data["geo"],
            "geoRadius": outlet.delivery_radius_km * 1000,  # a number is metres
        }
    if outlet.opening_hours:
        regular, special = opening_hours(outlet.opening_hours, outlet.state, today, locale)
        if regular:
            data["openingHoursSpecification"] = list(regular)
        if special:
            data["specialOpeningHoursSpecification"] = list(special)
    return data


@lru_cache(maxsize=512)  # the same outlet's page on the same day; read only, never changed
def opening_hours(text: str, state: str, today: date, locale: str) -> tuple[tuple, tuple]:
    """The regular and the special `OpeningHoursSpecification`s of an expression from `today` on."""
    # From yesterday: hours past midnight that began then are yesterday's, not today's own.
    days = hours.regular_days(text, today - timedelta(days=1), YEAR_DAYS + 1)[1:]
    claimed = _without_one_offs([tuple(day.open) for day in days])
    runs = _runs(days, claimed)
    horizon = today + timedelta(days=HORIZON_DAYS)
    if len(runs) == 1:
        regular = _specifications(runs[0], dated=False)
    else:
        regular = [spec for run in runs if run.first < horizon for spec in _specifications(run, dated=True)]
    # Each coming day whose hours are not those the regular specifications claim: a one-off day, and the
    # days around a public holiday as the page's week shows them.
    actual = {day.day: day for day in days if day.day < horizon}
    actual.update(_around_holidays(text, state, today, locale))
    usual = {day.day: spans for day, spans in zip(days, claimed, strict=True)}
    special = [
        spec
        for moment, day in sorted(actual.items())
        if moment in usual and tuple(day.open) != usual[moment] and (day.open or not day.unknown)
        for spec in _special(day)
    ]
    return tuple(regular), tuple(special)


def _without_one_offs(spans: list[tuple]) -> list[tuple]:
    """Each day's spans, but a one-off day's those of its weekday: a day whose hours differ from the same
    weekday's a week before and after, which agree ("Dec 24 off"). A day like the one two weeks on or
    before is not one: hours every other week are a pattern of their own."""
    result = list(spans)
    for index, own in enumerate(spans):
        around = {spans[i] for i in (index - 7, index + 7) if 0 <= i < len(spans)}
        farther = {spans[i] for i in (index - 14, index + 14) if 0 <= i < len(spans)}
        if len(around) == 1 and own not in around and own not in farther:
            result[index] = next(iter(around))
    return result


@dataclass
class _Run:
    """Consecutive days whose hours are those of one week: each weekday's open spans."""

    first: date
    last: date
    week: dict[int, tuple] = field(default_factory=dict)


def _runs(days: list[hours.Day], spans_of: list[tuple]) -> list[_Run]:
    """The days cut where a weekday's hours differ from its hours earlier in the same run."""
    runs: list[_Run] = []
    for day, spans in zip(days, spans_of, strict=True):
        weekday = day.day.weekday()
        if not runs or runs[-1].week.get(weekday, spans) != spans:
            runs.append(_Run(day.day, day.day))
        runs[-1].week[weekday] = spans
        runs[-1].last = day.day
    return runs


def _specifications(run: _Run, dated: bool) -> list[dict]:
    """One specification per open span, for all weekdays with the same spans ("Mo-Fr 09:00-18:00")."""
    weekdays_of: dict[tuple, list[int]] = {}
    for weekday in sorted(run.week):
        if run.week[weekday]:
            weekdays_of.setdefault(run.week[weekday], []).append(weekday)
    dates = {"validFrom": run.first.isoformat(), "validThrough": run.last.isoformat()} if dated else {}
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [DAY_NAMES[weekday] for weekday in weekdays],
            "opens": _time(start),
            "closes": _time(end),
            **dates,
        }
        for spans, weekdays in weekdays_of.items()
        for start, end in spans
    ]


def _around_holidays(text: str, state: str, today: date, locale: str) -> dict[date, hours.Day]:
    """The coming public holidays of the state and the days before them as the page's week shows them
    (hours past midnight before a holiday may end at it). Each read from the day before, so that hours
    past midnight are the day's they began on."""
    return {
        day.day: day
        for holiday in hours.holidays_between(state, today, HORIZON_DAYS)
        for day in hours.week(text, state, holiday - timedelta(days=2), days=3, locale=locale)[1:]
    }


def _special(day: hours.Day) -> list[dict]:
    dates = {"validFrom": day.day.isoformat(), "validThrough": day.day.isoformat()}
    if day.holiday:
        dates["name"] = day.holiday
    if not day.open:  # closed all day: Google reads opens and closes both at 00:00 so
        return [{"@type": "OpeningHoursSpecification", **dates, "opens": "00:00", "closes": "00:00"}]
    return [
        {"@type": "OpeningHoursSpecification", **dates, "opens": _time(start), "closes": _time(end)}
        for start, end in day.open
    ]


def _time(moment: time | None) -> str:
    """A time as schema.org's examples write it; the end of the day (None) as 23:59, as Google asks for
    hours open until midnight or all day. A closing time before the opening time runs into the next day."""
    return moment.strftime("%H:%M") if moment is not None else "23:59"
