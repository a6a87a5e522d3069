"""Which licence years can be taken today, and what a licence costs.

Licence years are calendar years in local time (the register changes at local midnight, not when
UTC's year turns).
From `LICENCE_NEXT_YEAR_FROM` (month-day, 1 October by default) the next year's licence can be
accepted and paid as well as the current year's, so an organisation does not drop out of the
register on 1 January. A current-year licence whose terms are accepted once that window is open
costs the rest of the year only: the fee pro rata by the months left, the month of acceptance
included (October 3/12, November 2/12, December 1/12); before the window it costs the full fee.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from .. import clock


def today() -> date:
    return clock.local_now().date()


def this_year() -> int:
    return today().year


def next_year_from(year: int) -> date:
    """The first day on which `year + 1`'s licence can be taken."""
    month, day = (int(part) for part in current_app.config["LICENCE_NEXT_YEAR_FROM"].split("-"))
    return date(year, month, day)


def offered(on: date | None = None) -> list[int]:
    """The years whose licence can be accepted on `on` (default today): this year, and from the
    window's first day the next one."""
    on = on or today()
    return [on.year, on.year + 1] if on >= next_year_from(on.year) else [on.year]


def months_charged(year: int, accepted: datetime | date) -> int:
    """How many months of `year` a licence accepted at `accepted` (naive UTC or a date) pays for."""
    day = accepted if type(accepted) is date else clock.as_local(accepted).date()
    if day.year != year or day < next_year_from(year):
        return 12  # the next year's licence, or this year's before the window: the whole year
    return 12 - day.month + 1


def fee_cents(full_cents: int, months: int) -> int:
    """The net fee for `months` of twelve, in whole cents (half a cent up); no floats."""
    if months >= 12:
        return full_cents
    return int((Decimal(full_cents) * months / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_cents(net_cents: int, vat_percent) -> int:
    return int((Decimal(net_cents) * Decimal(str(vat_percent)) / 100).quantize(Decimal(1), ROUND_HALF_UP))
