"""Pick-up windows from an outlet's opening hours: weekly and seasonal hours, lunch breaks, the state's
public holidays, closed dates, the order deadline (passed, exactly now, same day), the horizon, hours
past midnight and DST change days; and the check of a chosen pick-up against the windows."""

from datetime import UTC, date, datetime, time

import pytest

from vonhier.clock import zone
from vonhier.orders.windows import PickupError, Window, check_pickup, deadline, pickup_windows

SHOP = "Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off"


def at(*args, fold=0) -> datetime:
    return datetime(*args, tzinfo=zone(), fold=fold)


def windows(text, now, days_before=1, until=time(18), state="BB", **options):
    return pickup_windows(text, state, now, days_before, until, **options)


def days(found: list[Window]) -> list[date]:
    return [w.day for w in found]


@pytest.fixture(autouse=True)
def _request(pure_app):
    with pure_app.test_request_context():  # translated messages need a request
        yield


def test_a_week_of_shop_hours():
    """From a Monday morning with "the day before, 18:00": Monday's orders closed on Sunday."""
    found = windows(SHOP, at(2026, 12, 7, 10, 0), horizon=7)
    assert days(found) == [date(2026, 12, d) for d in (8, 9, 10, 11, 12)]  # no Sunday, no Monday
    assert found[0].intervals == ((time(9), time(18)),) and found[-1].intervals == ((time(8), time(13)),)
    assert found[0].deadline == at(2026, 12, 7, 18, 0)


def test_saturday_two_days_before_closes_on_thursday_evening():
    found = windows("Sa 08:00-13:00", at(2026, 12, 7, 10, 0), days_before=2, horizon=7)
    assert [(w.day, w.deadline) for w in found] == [(date(2026, 12, 12), at(2026, 12, 10, 18, 0))]
    assert deadline(date(2026, 12, 12), 2, time(18)) == at(2026, 12, 10, 18, 0)


def test_two_intervals_a_day():
    found = windows("Mo-Fr 08:00-12:00,14:00-18:00", at(2026, 12, 7, 10, 0), horizon=2)
    assert [w.intervals for w in found] == [((time(8), time(12)), (time(14), time(18)))]


def test_seasonal_hours_and_a_holiday_without_ph_off():
    """A market open "Apr-Oct Sa": its last Saturdays in October, none in November. Reformation Day
    is a holiday in Brandenburg, but hours that say nothing of PH keep it an ordinary Saturday."""
    found = windows("Apr-Oct Sa 10:00-17:00", at(2026, 10, 19, 12, 0), horizon=28)
    assert days(found) == [date(2026, 10, 24), date(2026, 10, 31)]
    assert found[1].intervals == ((time(10), time(17)),)
    assert windows("Apr-Oct Sa 10:00-17:00", at(2026, 11, 2, 12, 0)) == []


def test_reformation_day_closes_a_brandenburg_market_not_a_berlin_one():
    market = "Sa 08:00-13:00; PH off"
    now = at(2026, 10, 26, 9, 0)
    assert days(windows(market, now, horizon=14)) == [date(2026, 11, 7)]
    assert days(windows(market, now, state="BE", horizon=14)) == [date(2026, 10, 31), date(2026, 11, 7)]


def test_holiday_hours_are_the_days_window():
    found = windows("Mo-Sa 09:00-18:00; PH 10:00-12:00", at(2026, 10, 29, 9, 0), horizon=3)
    assert [(w.day.day, w.intervals) for w in found] == [
        (30, ((time(9), time(18)),)),
        (31, ((time(10), time(12)),)),
    ]


def test_womens_day_closes_a_berlin_shop_not_a_brandenburg_one():
    now = at(2027, 3, 5, 11, 0)  # a Friday; 8 March 2027 is a Monday
    assert days(windows(SHOP, now, state="BE", horizon=5)) == [date(2027, 3, 6), date(2027, 3, 9)]
    assert days(windows(SHOP, now, state="BB", horizon=5)) == [date(2027, 3, d) for d in (6, 8, 9)]


def test_closed_dates_are_left_out():
    closed = {date(2026, 12, 9), date(2026, 12, 13)}  # a Wednesday and a Sunday it is closed anyway
    found = windows(SHOP, at(2026, 12, 7, 10, 0), horizon=7, closed=closed)
    assert days(found) == [date(2026, 12, d) for d in (8, 10, 11, 12)]


def test_ordering_closes_exactly_at_the_deadline():
    """Saturday's orders close on Thursday at 18:00: open a second before, closed at 18:00 itself."""
    saturday = date(2026, 12, 12)
    before = windows("Sa 08:00-13:00", at(2026, 12, 10, 17, 59, 59), days_before=2)
    assert days(before)[0] == saturday
    assert saturday not in days(windows("Sa 08:00-13:00", at(2026, 12, 10, 18, 0), days_before=2))
    assert days(windows("Sa 08:00-13:00", at(2026, 12, 10, 18, 0), days_before=2))[0] == date(2026, 12, 19)
    # The same moment told in UTC, or as a naive Berlin wall-clock time, is the same deadline.
    assert saturday not in days(
        windows("Sa 08:00-13:00", datetime(2026, 12, 10, 17, tzinfo=UTC), days_before=2)
    )
    assert saturday in days(windows("Sa 08:00-13:00", datetime(2026, 12, 10, 17, 59), days_before=2))


def test_a_same_day_deadline_starts_the_days_pick_up():
    """Orders until 10:00 on the day itself: pick-up from 10:00; a deadline after the last hours of a
    day offers nothing that day."""
    text = "Mo-Fr 09:00-12:00,14:00-18:00"
    now = at(2026, 12, 7, 8, 0)
    morning = windows(text, now, days_before=0, until=time(10), horizon=1)
    assert morning[0].intervals == ((time(10), time(12)), (time(14), time(18)))
    assert morning[0].deadline == at(2026, 12, 7, 10, 0)
    noon = windows(text, now, days_before=0, until=time(13), horizon=1)
    assert noon[0].intervals == ((time(14), time(18)),)
    assert windows(text, now, days_before=0, until=time(18), horizon=1) == []
    assert windows(text, now, days_before=0, until=time(20), horizon=1) == []
    assert windows(text, at(2026, 12, 7, 10, 0), days_before=0, until=time(10), horizon=1) == []


def test_the_horizon_counts_today_and_ends_on_its_last_day():
    daily = "Mo-Su 10:00-12:00"
    now = at(2026, 12, 7, 8, 0)  # a Monday
    found = windows(daily, now, days_before=0, until=time(9))
    assert len(found) == 21 and found[0].day == date(2026, 12, 7) and found[-1].day == date(2026, 12, 27)
    assert days(windows(daily, now, days_before=0, until=time(9), horizon=1)) == [date(2026, 12, 7)]
    assert windows(daily, now, days_before=0, until=time(9), horizon=0) == []
    # Deadlines two weeks ahead leave only the horizon's last week.
    assert days(windows(daily, now, days_before=14, horizon=21))[0] == date(2026, 12, 21)
    assert windows(daily, now, days_before=14, horizon=14) == []


def test_hours_without_times_give_no_windows():
    for text in ("", "   "):
        assert windows(text, at(2026, 12, 7, 8, 0)) == []
    assert windows('Sa 10:00-12:00 unknown "nach Absprache"', at(2026, 12, 7, 8, 0)) == []
    # Christmas falls on a Friday: from Thursday on nothing is left before Monday.
    assert windows("Mo-Fr 09:00-18:00; PH off", at(2026, 12, 24, 8, 0), horizon=4) == []


def test_hours_past_midnight_belong_to_the_evening_they_start():
    # Tuesday to Friday: Friday, the horizon's last day, still shows where its night ends.
    found = windows("Fr 22:00-02:00", at(2026, 12, 1, 8, 0), horizon=4)
    assert [(w.day, w.intervals) for w in found] == [(date(2026, 12, 4), ((time(22), time(2)),))]
    friday = found[0]
    assert friday.admits(time(23, 30)) and friday.admits(time(1, 0))  # Saturday 01:00, the same night
    assert not friday.admits(time(2, 0)) and not friday.admits(time(21, 59))
    assert friday.admits(time(23, 0), time(1, 30)) and friday.admits(time(0, 30), time(2, 0))
    assert not friday.admits(time(1, 0), time(3, 0))


def test_spring_forward_day():
    """29 March 2026 has no 02:00-03:00: deadlines keep their wall-clock time on each side, and a
    deadline at 02:30 closes when the clocks jump, at 03:30 summer time."""
    text = "Mo-Su 01:00-04:00"
    found = windows(text, at(2026, 3, 27, 12, 0), horizon=4)
    assert days(found) == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert found[1].intervals == ((time(1), time(4)),)
    assert found[1].deadline == at(2026, 3, 28, 18, 0) and found[1].deadline.utcoffset().seconds == 3600
    assert found[2].deadline == at(2026, 3, 29, 18, 0) and found[2].deadline.utcoffset().seconds == 7200
    early = windows(
        text, datetime(2026, 3, 29, 0, 59, tzinfo=UTC), days_before=0, until=time(2, 30), horizon=1
    )
    assert early[0].deadline == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (early[0].deadline.hour, early[0].intervals) == (3, ((time(3, 30), time(4)),))
    jumped = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert windows(text, jumped, days_before=0, until=time(2, 30), horizon=1) == []


def test_fall_back_day():
    """25 October 2026 passes 02:00-03:00 twice: a deadline at 02:30 closes the first time."""
    text = "Su 00:00-06:00"
    first = at(2026, 10, 25, 2, 15)  # summer time, before the deadline
    found = windows(text, first, days_before=0, until=time(2, 30), horizon=1)
    # An ambiguous wall-clock time never equals a moment of another zone (PEP 495): compare in UTC.
    assert found[0].deadline.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert found[0].intervals == ((time(2, 30), time(6)),)
    second = at(2026, 10, 25, 2, 15, fold=1)  # winter time: the wall clock shows 02:15 again
    assert windows(text, second, days_before=0, until=time(2, 30), horizon=1) == []
    monday = windows(SHOP, first, horizon=2)
    assert monday[0].deadline == at(2026, 10, 25, 18, 0) and monday[0].deadline.utcoffset().seconds == 3600


def test_a_chosen_pick_up_inside_the_windows():
    found = windows("Mo-Fr 08:00-12:00,14:00-18:00", at(2026, 12, 7, 10, 0), horizon=3)
    tuesday = date(2026, 12, 8)
    assert check_pickup(found, tuesday, time(8, 0)).day == tuesday
    assert check_pickup(found, tuesday, time(14, 0), time(18, 0)).day == tuesday
    assert check_pickup(found, tuesday, time(11, 30), time(12, 0)).day == tuesday
    around_the_clock = windows("24/7", at(2026, 12, 7, 10, 0), horizon=2)[0]
    assert around_the_clock.intervals == ((time(0), None),)
    assert around_the_clock.admits(time(23, 59)) and around_the_clock.admits(time(22, 0), time(0, 0))


def test_a_pick_up_outside_the_windows_is_refused_with_a_sentence():
    found = windows("Mo-Fr 08:00-12:00,14:00-18:00", at(2026, 12, 7, 10, 0), horizon=3)
    tuesday = date(2026, 12, 8)
    hours = (
        "Am Dienstag, 8. Dezember 2026 ist die Abholung nur zu diesen Zeiten möglich: "
        "08:00–12:00, 14:00–18:00."
    )
    for start, end in (
        (time(12, 0), None),
        (time(13, 0), None),
        (time(11, 0), time(14, 30)),
        (time(17, 0), time(19, 0)),
    ):
        with pytest.raises(PickupError) as refused:
            check_pickup(found, tuesday, start, end)
        assert refused.value.messages == [hours] and refused.value.field == "pickup"
    with pytest.raises(PickupError) as refused:
        check_pickup(found, date(2026, 12, 7), time(15, 0))  # today: its orders closed yesterday
    assert refused.value.messages == [
        "Eine Abholung am Montag, 7. Dezember 2026 ist nicht möglich. "
        "Bitte wählen Sie einen der angebotenen Tage."
    ]
