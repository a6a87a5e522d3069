"""Opening hours follow each outlet's own state: for every state of the configured pack a holiday of
that state alone closes a "PH off" outlet there (the opening-hours API the finder and the outlet page use),
and some facts of the states of both packs hold whatever pack is configured."""

from datetime import date, datetime, time, timedelta

import holidays
import pytest

from vonhier import region
from vonhier.outlets import hours

EVERY_DAY = "Mo-Su 08:00-18:00; PH off"
YEAR = 2027


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=region.pack().timezone)


def own_holiday(state: str) -> date:
    """A public holiday of `state` that is not one nationwide, taken from the holidays library."""
    nationwide = holidays.country_holidays("DE", years=YEAR)
    own = sorted(set(holidays.country_holidays("DE", subdiv=state, years=YEAR)) - set(nationwide))
    assert own, f"{state} has no holiday of its own in {YEAR}"
    return own[0]


def ordinary_weekday(state: str, after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() > 4 or hours.is_holiday(day, state):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("state", [s.code for s in region.pack().states])
def test_an_outlet_closes_on_its_own_states_holiday_and_opens_on_a_weekday(state):
    holiday = own_holiday(state)
    assert not hours.is_open(EVERY_DAY, state, at_noon(holiday)), (state, holiday)
    assert hours.status(EVERY_DAY, state, at_noon(holiday)).holiday
    assert hours.is_open(EVERY_DAY, state, at_noon(ordinary_weekday(state, holiday)))


# (day, the states where a "PH off" outlet is closed, those where it is open)
STATE_HOLIDAYS = [
    pytest.param(date(2026, 11, 18), {"SN"}, {"TH", "ST", "BB", "BE"}, id="Buß- und Bettag"),
    pytest.param(date(2027, 1, 6), {"ST"}, {"SN", "TH", "BB", "BE"}, id="Heilige Drei Könige"),
    pytest.param(date(2026, 9, 20), {"TH"}, {"SN", "ST", "BB", "BE"}, id="Weltkindertag"),  # a Sunday
]


@pytest.mark.parametrize(("day", "closed", "open_"), STATE_HOLIDAYS)
def test_holidays_of_single_states(day, closed, open_):
    assert {s for s in closed | open_ if not hours.is_open(EVERY_DAY, s, at_noon(day))} == closed
