"""The opening hours grid, pure: a grid written as an OpenStreetMap expression (compose), an expression
read back into the grid (read) or found beyond it, and the refusals of a day's typed ranges."""

import itertools
import random
from datetime import date, time

import pytest

from vonhier.outlets import hours, hours_grid
from vonhier.outlets.hours_grid import Grid, GridError


@pytest.fixture(autouse=True)
def _request(pure_app):
    with pure_app.test_request_context():  # translated messages need a request
        yield


def t(text: str) -> time:
    return time.fromisoformat(text)


def span(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    return (t(start), t(end))


def grid(holidays_closed=False, **days) -> Grid:
    """grid(mo="09:00-18:00", sa="08:00-12:00,14:00-16:00")"""
    names = [d.lower() for d in hours.WEEKDAYS]
    return Grid(
        tuple(tuple(span(s) for s in days[name].split(",")) if name in days else () for name in names),
        holidays_closed,
    )


WEEKDAYS_9_18 = {d: "09:00-18:00" for d in ("mo", "tu", "we", "th", "fr")}


@pytest.mark.parametrize(
    ("the_grid", "expression"),
    [
        (grid(True, **WEEKDAYS_9_18, sa="08:00-12:00"), "Mo-Fr 09:00-18:00; Sa 08:00-12:00; PH off"),
        (grid(**WEEKDAYS_9_18), "Mo-Fr 09:00-18:00"),
        (grid(we="08:00-13:00", sa="08:00-13:00"), "We,Sa 08:00-13:00"),
        (grid(sa="08:00-13:00", su="08:00-13:00"), "Sa,Su 08:00-13:00"),
        (grid(mo="09:00-12:00", tu="09:00-12:00"), "Mo,Tu 09:00-12:00"),
        (grid(**{d: "00:00-23:59" for d in ("mo", "tu", "we", "th", "fr", "sa", "su")}), "Mo-Su 00:00-23:59"),
        (
            grid(mo="09:00-12:00,14:00-18:00", tu="09:00-12:00,14:00-18:00", we="09:00-12:00"),
            "Mo,Tu 09:00-12:00,14:00-18:00; We 09:00-12:00",
        ),
        (
            grid(mo="10:00-12:00", tu="10:00-12:00", we="10:00-12:00", fr="10:00-12:00", sa="10:00-12:00"),
            "Mo-We,Fr,Sa 10:00-12:00",
        ),
        (grid(su="10:00-12:00", mo="10:00-12:00"), "Mo,Su 10:00-12:00"),
        (grid(True, th="15:30-18:45"), "Th 15:30-18:45; PH off"),
        (grid(mo="07:05-07:06"), "Mo 07:05-07:06"),
        (grid(True), ""),  # no open hour at all: no expression, whatever the holidays say
        (Grid(), ""),
    ],
)
def test_compose_writes_the_canonical_expression(the_grid, expression):
    assert hours_grid.compose(the_grid) == expression
    if expression:
        assert hours.check(expression) == expression  # the library reads what the grid writes


@pytest.mark.parametrize(
    ("expression", "the_grid"),
    [
        ("Mo-Fr 09:00-18:00; Sa 08:00-12:00; PH off", grid(True, **WEEKDAYS_9_18, sa="08:00-12:00")),
        ("Mo-Fr 9:00-18:00", grid(**WEEKDAYS_9_18)),
        ("mo-fr 09:00-18:00", grid(**WEEKDAYS_9_18)),
        ("Mo,Tu,We,Th,Fr 09:00-18:00", grid(**WEEKDAYS_9_18)),
        ("Mo-Fr 09:00-18:00; We off", grid(**{d: s for d, s in WEEKDAYS_9_18.items() if d != "we"})),
        ("Mo-Fr 09:00-18:00; We 10:00-12:00", grid(**{**WEEKDAYS_9_18, "we": "10:00-12:00"})),
        ("Mo-Fr 09:00-18:00; PH closed", grid(True, **WEEKDAYS_9_18)),
        ("Fr-Mo 10:00-12:00", grid(fr="10:00-12:00", sa="10:00-12:00", su="10:00-12:00", mo="10:00-12:00")),
        ("Sa 14:00-16:00,08:00-12:00", grid(sa="08:00-12:00,14:00-16:00")),
        ("09:00-17:00", grid(**{d: "09:00-17:00" for d in ("mo", "tu", "we", "th", "fr", "sa", "su")})),
        ("  Mo-Fr  09:00-18:00 ;  Sa 08:00-12:00  ", grid(**WEEKDAYS_9_18, sa="08:00-12:00")),
        ("", Grid()),
    ],
)
def test_read_gives_the_grid_an_expression_means(expression, the_grid):
    assert hours_grid.read(expression) == the_grid


@pytest.mark.parametrize(
    "expression",
    [
        "24/7",
        "Mo-Fr 09:00-18:00 open",
        "Jan-Mar Sa 09:00-12:00; Apr-Dec Mo-Sa 09:00-18:00",
        "week 1-26 Mo-Fr 09:00-18:00",
        "Mo-Fr sunrise-sunset",
        'Mo-Fr 09:00-18:00 "nach Vereinbarung"',
        "Fr 22:00-02:00",  # past midnight
        "Mo-Fr 18:00-24:00",  # 24:00 has no time input
        "Mo 08:00-10:00,11:00-12:00,13:00-14:00",  # three ranges
        "Mo 08:00-12:00,11:00-14:00",  # overlapping
        "Sa,PH 08:00-12:00",  # holidays with hours
        "PH 10:00-12:00",
        "PH off; Mo-Fr 09:00-18:00",  # a later rule overrides the holidays: not the grid's meaning
        "Mo-Fr 09:00-18:00, Sa 10:00-12:00",  # additional rule
        "Mo-Fr 09:00-18:00 || Sa 10:00-12:00",
        "Mo[1] 09:00-12:00",
        "SH off; Mo-Fr 09:00-18:00",
        "Dec 24 off",
        "Mo-Fr 09:00+",
        "Mo-Xy 09:00-18:00",
    ],
)
def test_expressions_beyond_the_grid_are_left_to_the_text_mode(expression):
    assert hours_grid.read(expression) is None


def _random_grids(count: int):
    choices = [
        "",
        "08:00-12:00",
        "09:00-18:00",
        "07:30-12:15,13:00-19:45",
        "10:00-11:00,12:00-13:00",
        "06:00-06:01",
    ]
    rng = random.Random(16)
    for _ in range(count):
        days = {d: rng.choice(choices) for d in ("mo", "tu", "we", "th", "fr", "sa", "su")}
        yield grid(rng.random() < 0.5, **{d: s for d, s in days.items() if s})


@pytest.mark.parametrize("the_grid", list(_random_grids(300)))
def test_grid_to_expression_to_grid_is_the_identity(the_grid):
    """Whatever the grid can hold comes back unchanged, and the expression means what the grid says."""
    expression = hours_grid.compose(the_grid)
    if the_grid.is_empty:
        assert expression == ""
        return
    assert hours_grid.read(expression) == the_grid
    assert hours.check(expression) == expression
    # The library's reading of the expression is the grid's: the week of 7 to 13 December 2026
    # (no holiday) and 1 to 7 May 2026 (Labour Day, a Friday).
    for start in (date(2026, 12, 7), date(2026, 5, 1)):
        for day in hours.week(expression, "BB", start):
            expected = the_grid.days[day.day.weekday()]
            if day.holiday and the_grid.holidays_closed:
                expected = ()
            assert [(s, e) for s, e in day.open] == list(expected), (expression, day.day)


def test_every_pair_of_days_merges_only_when_equal():
    for first, second in itertools.combinations(range(7), 2):
        days = [()] * 7
        days[first] = days[second] = (span("09:00-12:00"),)
        expression = hours_grid.compose(Grid(tuple(days)))
        assert expression.count("09:00-12:00") == 1
        assert hours_grid.read(expression).days == tuple(days)


# --- a day's typed ranges ------------------------------------------------------------------------------


def test_a_day_takes_two_ranges_sorted_and_moves_a_lone_second_range_up():
    assert hours_grid.check_day([(t("14:00"), t("18:00")), (t("08:00"), t("12:00"))]) == (
        span("08:00-12:00"),
        span("14:00-18:00"),
    )
    assert hours_grid.check_day([(None, None), (t("08:00"), t("12:00"))]) == (span("08:00-12:00"),)
    assert hours_grid.check_day([(None, None), (None, None)]) == ()
    # Touching ranges do not overlap.
    assert hours_grid.check_day([(t("08:00"), t("12:00")), (t("12:00"), t("13:00"))]) == (
        span("08:00-12:00"),
        span("12:00-13:00"),
    )


@pytest.mark.parametrize(
    ("pairs", "slot", "part", "words"),
    [
        ([(t("09:00"), None), (None, None)], 0, "end", "Öffnungs- und Schließzeit"),
        ([(None, t("18:00")), (None, None)], 0, "start", "Öffnungs- und Schließzeit"),
        ([(t("09:00"), t("12:00")), (t("14:00"), None)], 1, "end", "oder keine von beiden"),
        (
            [(t("18:00"), t("09:00")), (None, None)],
            0,
            "end",
            "09:00 liegt nicht nach der Öffnungszeit 18:00",
        ),
        (
            [(t("09:00"), t("09:00")), (None, None)],
            0,
            "end",
            "nicht nach der Öffnungszeit 09:00",
        ),
        ([(t("09:00"), t("12:00")), (t("13:00"), t("12:30"))], 1, "end", "über Mitternacht"),
        (
            [(t("09:00"), t("13:00")), (t("12:00"), t("18:00"))],
            1,
            "start",
            "(09:00–13:00 und 12:00–18:00)",
        ),
        ([(t("12:00"), t("18:00")), (t("09:00"), t("13:00"))], 0, "start", "überschneiden"),
        ([(t("09:00"), t("18:00")), (t("10:00"), t("11:00"))], 1, "start", "überschneiden"),
    ],
)
def test_a_day_refuses_half_ranges_backward_ranges_and_overlaps(pairs, slot, part, words):
    with pytest.raises(GridError) as refused:
        hours_grid.check_day(pairs)
    assert (refused.value.slot, refused.value.part) == (slot, part)
    assert words in refused.value.message


def test_refusals_are_in_english_too(pure_app):
    with (
        pure_app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(GridError) as refused,
    ):
        hours_grid.check_day([(t("18:00"), t("09:00"))])
    assert refused.value.message.startswith("The closing time 09:00 is not after the opening time 18:00.")
