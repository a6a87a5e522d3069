"""Opening hours: checking the OSM syntax, "open now" and the next change in Europe/Berlin, public
holidays of Berlin and Brandenburg, hours past midnight, DST change days, and the week table."""

from datetime import UTC, date, datetime, time

import pytest

from vonhier import clock
from vonhier.clock import zone
from vonhier.outlets import hours

SHOP = "Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=zone())


@pytest.fixture(autouse=True)
def _request(pure_app):
    with pure_app.test_request_context():  # translated messages need a request
        yield


def test_open_just_before_closing_and_closed_at_closing():
    """Is a shop open at 17:59 and closed at 18:00, and does it say when it opens again?"""
    before = hours.status(SHOP, "BB", at(2026, 12, 4, 17, 59))  # a Friday
    assert before.is_open and before.next_change == at(2026, 12, 4, 18, 0)
    after = hours.status(SHOP, "BB", at(2026, 12, 4, 18, 0))
    assert after.state == "closed" and after.next_change == at(2026, 12, 5, 8, 0)
    assert hours.status(SHOP, "BB", at(2026, 12, 4, 8, 59)).next_change == at(2026, 12, 4, 9, 0)


def test_closed_over_the_weekend_opens_on_monday():
    found = hours.status(SHOP, "BB", at(2026, 12, 5, 13, 0))
    assert found.state == "closed" and found.next_change == at(2026, 12, 7, 9, 0)


def test_hours_past_midnight():
    """A bar open Fr 22:00-02:00 is open at Saturday 01:30 and closes at 02:00."""
    text = "Fr 22:00-02:00"
    assert hours.status(text, "BB", at(2026, 12, 4, 21, 59)).next_change == at(2026, 12, 4, 22, 0)
    late = hours.status(text, "BB", at(2026, 12, 5, 1, 30))
    assert late.is_open and late.next_change == at(2026, 12, 5, 2, 0)
    assert hours.status(text, "BB", at(2026, 12, 5, 2, 0)).state == "closed"
    # Across midnight nothing changes: still open, still closing at 02:00.
    assert hours.status(text, "BB", at(2026, 12, 4, 23, 59)).next_change == at(2026, 12, 5, 2, 0)


def test_reformation_day_is_a_holiday_in_brandenburg_not_in_berlin():
    saturday = at(2026, 10, 31, 10, 0)
    assert hours.status(SHOP, "BB", saturday).state == "closed"
    assert hours.status(SHOP, "BB", saturday).holiday == "Reformationstag"
    berlin = hours.status(SHOP, "BE", saturday)
    assert berlin.is_open and berlin.holiday is None and berlin.next_change == at(2026, 10, 31, 13, 0)


def test_womens_day_is_a_holiday_in_berlin_not_in_brandenburg():
    monday = at(2027, 3, 8, 10, 0)
    assert hours.status(SHOP, "BE", monday).state == "closed"
    assert hours.status(SHOP, "BE", monday).next_change == at(2027, 3, 9, 9, 0)
    assert hours.status(SHOP, "BB", monday).is_open


def test_nationwide_holiday_and_holiday_hours():
    """Easter Monday closes the shop in both states; "PH 10:00-12:00" opens it for two hours."""
    for state in ("BE", "BB"):
        assert hours.status(SHOP, state, at(2026, 4, 6, 10, 0)).state == "closed"
    text = "Mo-Sa 09:00-18:00; PH 10:00-12:00"
    assert hours.status(text, "BB", at(2026, 4, 6, 9, 30)).next_change == at(2026, 4, 6, 10, 0)
    assert hours.status(text, "BB", at(2026, 4, 6, 11, 0)).next_change == at(2026, 4, 6, 12, 0)


def test_holiday_before_midnight_does_not_close_the_next_day():
    """Christmas Day closes; 27 December (a Sunday here) is handled as an ordinary day again."""
    text = "Mo-Su 08:00-20:00; PH off"
    assert hours.status(text, "BB", at(2026, 12, 25, 12, 0)).next_change == at(2026, 12, 27, 8, 0)
    assert hours.status(text, "BB", at(2026, 12, 27, 12, 0)).is_open


def test_vending_machine_open_around_the_clock():
    found = hours.status("24/7", "BB", at(2026, 12, 25, 3, 0))
    assert found.always_open and found.next_change is None


def test_market_on_certain_weekdays():
    text = "We,Sa 08:00-13:00; PH off"
    found = hours.status(text, "BE", at(2026, 12, 3, 14, 0))  # a Thursday
    assert found.state == "closed" and found.next_change == at(2026, 12, 5, 8, 0)


def test_seasonal_outlet_says_nothing_beyond_two_weeks():
    found = hours.status("Apr-Jun Mo-Su 08:00-18:00", "BB", at(2026, 12, 3, 12, 0))
    assert found.state == "closed" and found.next_change is None


def test_spring_forward_day():
    """On 29 March 2026 clocks jump from 02:00 to 03:00: times stay wall-clock times."""
    text = "Mo-Su 01:00-04:00"
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    found = hours.status(text, "BB", now)
    assert found.is_open and found.next_change == at(2026, 3, 29, 4, 0)
    assert found.next_change.utcoffset().total_seconds() == 7200  # 04:00 is already summer time
    assert hours.status(text, "BB", datetime(2026, 3, 29, 2, 0, tzinfo=UTC)).state == "closed"  # 04:00 CEST


def test_fall_back_day():
    """On 25 October 2026 02:00-03:00 happens twice; a shop opening at 09:00 opens at 08:00 UTC."""
    found = hours.status(SHOP, "BB", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # Sunday, 02:30 CET
    assert found.state == "closed" and found.next_change == at(2026, 10, 26, 9, 0)
    opens = hours.status("Mo-Su 09:00-18:00", "BB", datetime(2026, 10, 25, 7, 59, tzinfo=UTC))
    assert opens.state == "closed" and opens.next_change.astimezone(UTC).hour == 8


def test_berlin_now_follows_the_controlled_clock(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 7, 1, 10, 0))
    assert clock.local_now() == at(2026, 7, 1, 12, 0)


def test_week_table_with_holidays_and_midnight():
    days = hours.week(SHOP, "BB", date(2026, 12, 21), locale="en")
    assert [d.day.day for d in days] == [21, 22, 23, 24, 25, 26, 27]
    assert days[0].is_today and days[0].open == [(time(9), time(18))]
    assert days[4].holiday == "Christmas Day" and days[4].open == []
    bar = hours.week("Fr 22:00-02:00", "BB", date(2026, 12, 3))
    assert bar[1].open == [(time(22), time(2))] and bar[2].open == []  # shown once, on Friday
    assert hours.week("24/7", "BB", date(2026, 12, 3))[0].all_day


EXAMPLE = " Schreiben Sie sie etwa so: Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off."


@pytest.mark.parametrize(
    ("text", "position", "sentence"),
    [
        (
            "Mo-Fr 09:00-18:00; Sa 08:00-1300",
            29,
            "Die Öffnungszeiten sind bei „08:00-1300“ (Zeichen 29) nicht lesbar.",
        ),
        ("Mo-Fx 09:00-18:00", 4, "Die Öffnungszeiten sind bei „Mo-Fx“ (Zeichen 4) nicht lesbar."),
        ("Mo-Fr 9 bis 18 Uhr", 7, "Die Öffnungszeiten sind bei „9“ (Zeichen 7) nicht lesbar."),
        # The whole word, not a fragment from where the parser stopped ("mstag 08:00-").
        (
            "Mo-Fr 09:00-18:00, Samstag 08:00-13:00",
            22,
            "Die Öffnungszeiten sind bei „Samstag“ (Zeichen 22) nicht lesbar.",
        ),
        (
            "Mo-Fr 09:00-18:00 ,Sa 10:00-12:00",
            19,
            "Die Öffnungszeiten sind bei „,“ (Zeichen 19) nicht lesbar.",
        ),
        ("Xo-Fr 09:00-18:00", 1, "Die Öffnungszeiten sind bei „Xo-Fr“ (Zeichen 1) nicht lesbar."),
        # Failing at the last character is still "cannot be read there", not "ends too early".
        ("Mo-Fr 09:00-18:00 x", 19, "Die Öffnungszeiten sind bei „x“ (Zeichen 19) nicht lesbar."),
        ("Mo-Fr 09:00-18:00;", 19, "Die Öffnungszeiten hören zu früh auf (nach „09:00-18:00“)."),
        ("Mo-Fr 09:00-18:00 ;", 20, "Die Öffnungszeiten hören zu früh auf (nach „09:00-18:00“)."),
        ("Mo-Fr 09:00-", 13, "Die Öffnungszeiten hören zu früh auf (nach „09:00-“)."),
    ],
)
def test_malformed_hours_point_at_the_error(text, position, sentence):
    with pytest.raises(hours.HoursError) as caught:
        hours.check(text)
    assert caught.value.position == position
    assert caught.value.message == sentence + EXAMPLE


def test_incomplete_empty_and_overlong_hours():
    with pytest.raises(hours.HoursError, match="zu früh") as caught:
        hours.check("Mo-Fr 09:00-18:00;")
    assert "(nach „09:00-18:00“)" in caught.value.message  # the last whole word, not "-18:00;"
    with pytest.raises(hours.HoursError):
        hours.check("   ")
    with pytest.raises(hours.HoursError, match="255"):
        hours.check("Mo 09:00-10:00; " * 20)


def test_check_normalises_whitespace():
    assert hours.check("  Mo-Fr 09:00-18:00;\n Sa 08:00-13:00 ") == "Mo-Fr 09:00-18:00; Sa 08:00-13:00"


# --- the look-ahead, the week table's midnight merge, holidays at the edges ----------------------------


def test_look_ahead_reaches_fourteen_days_and_no_further():
    """A Christmas market that opens on one day: from 5 December at noon the 19th (13 days and 20
    hours ahead) is announced, the 20th (14 days and 20 hours) is not."""
    now = at(2026, 12, 5, 12, 0)
    assert hours.LOOKAHEAD_DAYS == 14
    soon = hours.status("Dec 19 08:00-13:00", "BB", now)
    assert soon.state == "closed" and soon.next_change == at(2026, 12, 19, 8, 0)
    later = hours.status("Dec 20 08:00-13:00", "BB", now)
    assert later.state == "closed" and later.next_change is None and not later.always_open


def test_closing_after_midnight_on_a_holiday_evening():
    """Reformation Day (a Saturday, a holiday only in Brandenburg): "PH 20:00-02:00" keeps a bar open
    into Sunday 1 November in Brandenburg; in Berlin Saturday is an ordinary day."""
    text = "Mo-Fr 09:00-18:00; PH 20:00-02:00"
    sunday = at(2026, 11, 1, 1, 0)
    brandenburg = hours.status(text, "BB", sunday)
    assert brandenburg.is_open and brandenburg.next_change == at(2026, 11, 1, 2, 0)
    assert hours.is_open(text, "BB", sunday) and not hours.is_open(text, "BE", sunday)
    berlin = hours.status(text, "BE", sunday)
    assert berlin.state == "closed" and berlin.next_change == at(2026, 11, 2, 9, 0)


def test_week_table_merges_only_hours_that_run_past_midnight():
    # Open all Friday and on into Saturday 02:00: Friday stays "all day", Saturday keeps its two hours.
    days = hours.week("Fr 00:00-24:00; Sa 00:00-02:00", "BB", date(2026, 12, 4), days=2)
    assert [d.open for d in days] == [[(time(0), None)], [(time(0), time(2))]]
    assert days[0].all_day and not days[1].all_day
    # From Friday 22:00 on through the whole Saturday: nothing to merge, Saturday is all day.
    days = hours.week("Fr 22:00-24:00; Sa 00:00-24:00", "BB", date(2026, 12, 4), days=2)
    assert [d.open for d in days] == [[(time(22), None)], [(time(0), None)]]
    # A Saturday that opens at 08:00 does not end Friday's late hours.
    days = hours.week("Fr 18:00-24:00; Sa 08:00-12:00", "BB", date(2026, 12, 4), days=2)
    assert [d.open for d in days] == [[(time(18), None)], [(time(8), time(12))]]


def test_the_last_day_of_the_table_shows_where_its_night_ends():
    assert hours.week("Fr 22:00-02:00", "BB", date(2026, 12, 4), days=1)[0].open == [(time(22), time(2))]


def test_week_table_with_breaks_comments_and_unknown_hours():
    text = 'Mo-Fr 09:00-12:00,14:00-18:00 "Hofladen"; Sa 10:00-12:00 unknown "nach Absprache"'
    friday, saturday, sunday = hours.week(text, "BB", date(2026, 12, 4), days=3)
    assert friday.open == [(time(9), time(12)), (time(14), time(18))]
    assert (friday.unknown, friday.comments) == ([], ["Hofladen"])
    assert (saturday.open, saturday.unknown) == ([], [(time(10), time(12))])
    assert saturday.comments == ["nach Absprache"]
    assert (sunday.open, sunday.unknown, sunday.comments, sunday.is_today) == ([], [], [], False)
    assert friday.is_today and not friday.all_day


def test_holiday_names_follow_the_state_and_the_language():
    assert hours.holiday_name(date(2026, 10, 31), "BB") == "Reformationstag"
    assert hours.holiday_name(date(2026, 10, 31), "BB", "en") == "Reformation Day"
    assert hours.holiday_name(date(2026, 10, 31), "BE") is None
    # Outside Berlin and Brandenburg only the nationwide holidays count.
    assert hours.holiday_name(date(2026, 10, 31), "") is None
    assert hours.holiday_name(date(2026, 12, 25), "") == "Erster Weihnachtstag"
    assert hours.is_holiday(date(2027, 3, 8), "BE") and not hours.is_holiday(date(2027, 3, 8), "BB")


def test_the_length_limit_is_exactly_255_characters():
    fits = 'Mo-Fr 09:00-18:00 "' + "x" * 235 + '"'  # a long comment, 255 characters in all
    assert len(fits) == 255 and hours.check(fits) == fits
    with pytest.raises(hours.HoursError, match="255"):
        hours.check(fits[:-1] + 'x"')


def test_week_table_knows_the_states_holidays():
    """Reformation Day 2026 is a Saturday: a Brandenburg shop is closed and says why; in Berlin it opens."""
    [brandenburg] = hours.week(SHOP, "BB", date(2026, 10, 31), days=1)
    assert (brandenburg.holiday, brandenburg.open) == ("Reformationstag", [])
    [berlin] = hours.week(SHOP, "BE", date(2026, 10, 31), days=1)
    assert (berlin.holiday, berlin.open) == (None, [(time(8), time(13))])
    assert hours.week(SHOP, "BB", date(2026, 10, 31), days=1, locale="en")[0].holiday == "Reformation Day"


def test_empty_long_and_overlong_words_are_answered_exactly():
    for empty in ("", None, "  \n "):
        with pytest.raises(hours.HoursError) as caught:
            hours.check(empty)
        assert caught.value.message == (
            "Bitte die Öffnungszeiten angeben, z. B. Mo-Fr 09:00-18:00; Sa 08:00-13:00; PH off."
        )
    with pytest.raises(hours.HoursError) as caught:
        hours.check("Mo 09:00-10:00; " * 20)
    assert caught.value.message == "Bitte höchstens 255 Zeichen."
    # A long unreadable word is quoted with its first 24 characters.
    with pytest.raises(hours.HoursError) as caught:
        hours.check("Mo-Fr 09:00-18:00, Samstagsvormittagsöffnungszeit 08:00-13:00")
    assert "bei „Samstagsvormittagsöffnun“ (Zeichen 22)" in caught.value.message


def test_a_naive_time_is_a_berlin_wall_clock_time():
    assert hours.status(SHOP, "BB", datetime(2026, 12, 4, 17, 59)).next_change == at(2026, 12, 4, 18, 0)
    assert hours.is_open(SHOP, "BB", datetime(2026, 12, 4, 17, 59))
    assert not hours.is_open(SHOP, "BB", datetime(2026, 12, 4, 18, 0))


def test_the_look_ahead_from_midnight_stops_at_midnight_fourteen_days_on():
    assert hours.status("Dec 20 08:00-13:00", "BB", at(2026, 12, 6, 0, 0)).next_change is None
    assert hours.status("Dec 19 08:00-13:00", "BB", at(2026, 12, 6, 0, 0)).next_change == at(2026, 12, 19, 8)


def test_holiday_hours_end_on_the_holiday_itself():
    """On Reformation Day a shop open "PH 10:00-12:00" closes at 12:00 in Brandenburg, though an
    ordinary Saturday would run until 18:00."""
    text = "Mo-Sa 09:00-18:00; PH 10:00-12:00"
    found = hours.status(text, "BB", at(2026, 10, 31, 11, 0))
    assert found.is_open and found.next_change == at(2026, 10, 31, 12, 0)
    assert found.holiday == "Reformationstag"


def test_a_change_of_comment_is_no_change_of_state():
    text = 'Mo-Fr 09:00-12:00 "Hofladen", 12:00-18:00 "Telefon"'
    found = hours.status(text, "BB", at(2026, 12, 4, 10, 0))
    assert found.is_open and found.next_change == at(2026, 12, 4, 18, 0)


def test_closing_at_midnight_and_a_holiday_starting_at_midnight():
    late = hours.status("Fr 20:00-24:00", "BB", at(2026, 12, 4, 23, 0))
    assert late.is_open and late.next_change == at(2026, 12, 5, 0, 0)
    # Open around the clock Monday to Saturday, but Reformation Day (Saturday) is a holiday in Brandenburg.
    text = "Mo-Sa 00:00-24:00; PH off"
    assert hours.status(text, "BB", at(2026, 10, 30, 23, 0)).next_change == at(2026, 10, 31, 0, 0)
    assert hours.status(text, "BE", at(2026, 10, 30, 23, 0)).next_change == at(2026, 11, 1, 0, 0)
    assert hours.status(SHOP, "BB", at(2026, 10, 31, 10, 0), locale="en").holiday == "Reformation Day"


def test_holiday_forms_without_a_weekday_equivalent_never_match():
    assert hours.status("PH Mo-Fr 10:00-12:00", "BB", at(2026, 10, 31, 11, 0)).state == "closed"


def test_a_days_interval_as_moments():
    """End None is midnight, an end at or before the start the next day (hours past midnight)."""
    friday = date(2026, 12, 4)
    assert hours.span(friday, (time(9), time(18))) == (datetime(2026, 12, 4, 9), datetime(2026, 12, 4, 18))
    assert hours.span(friday, (time(22), time(2))) == (datetime(2026, 12, 4, 22), datetime(2026, 12, 5, 2))
    assert hours.span(friday, (time(0), None)) == (datetime(2026, 12, 4), datetime(2026, 12, 5))
    assert hours.span(friday, (time(10), time(10)))[1] == datetime(2026, 12, 5, 10)
