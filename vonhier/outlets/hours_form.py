"""The opening hours grid of the outlet form: seven days of plain fields, read and written on the server
(`hours_grid`), so that it works without JavaScript. The form shows it, or the text mode for
expressions the grid cannot show."""

import re
from datetime import time

from babel.dates import get_day_names
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, FormField
from wtforms.widgets import TimeInput

from ..forms import Form
from . import hours_grid
from .hours import WEEKDAYS

# What a browser's time input sends ("09:00", "09:00:00"), and what people type where it is a plain
# text box: "9", "9:30", "9.30".
_TYPED_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?$")


class TimeField(Field):
    """A time of day, or None when empty; "24:00" and "9 Uhr" are refused with a sentence."""

    widget = TimeInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if not text:
            return
        found = _TYPED_TIME.match(text)
        hour, minute = (int(found[1]), int(found[2] or 0)) if found else (99, 0)
        if hour > 23 or minute > 59:
            raise ValueError(_l("Please enter a time between 00:00 and 23:59, e.g. 09:30."))
        self.data = time(hour, minute)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


class DayForm(Form):
    """One weekday: up to two ranges, each from–to."""

    class Meta:
        csrf = False  # a part of OutletForm, which carries the token

    start1 = TimeField(_l("Opens"))
    end1 = TimeField(_l("Closes"))
    start2 = TimeField(_l("Opens again"))
    end2 = TimeField(_l("Closes again"))

    def pairs(self) -> list[tuple[time | None, time | None]]:
        return [(self.start1.data, self.end1.data), (self.start2.data, self.end2.data)]

    def show(self, ranges: tuple[hours_grid.Range, ...]) -> None:
        for slot in range(hours_grid.SLOTS):
            start, end = ranges[slot] if slot < len(ranges) else (None, None)
            self[f"start{slot + 1}"].data, self[f"end{slot + 1}"].data = start, end


def _day_name(index: int) -> LazyString:
    return LazyString(lambda: get_day_names("wide", locale=get_locale())[index])


class WeekFields:
    """Mixed into OutletForm before its other bases: the grid's fields, read into `opening_hours`
    when the form is in grid mode (`hours_mode`, a field of the form)."""

    DAY_FIELDS = tuple(day.lower() for day in WEEKDAYS)

    mo = FormField(DayForm, _day_name(0))
    tu = FormField(DayForm, _day_name(1))
    we = FormField(DayForm, _day_name(2))
    th = FormField(DayForm, _day_name(3))
    fr = FormField(DayForm, _day_name(4))
    sa = FormField(DayForm, _day_name(5))
    su = FormField(DayForm, _day_name(6))
    holidays_closed = BooleanField(_l("Closed on public holidays"))

    @property
    def day_forms(self) -> list[FormField]:
        return [self[name] for name in self.DAY_FIELDS]

    def validate(self, extra_validators=None):
        if not self.hours_mode.raw_data:
            self.hours_mode.data = "text"  # a client that knows only the expression (scripts, older pages)
        valid = super().validate(extra_validators)
        if self.hours_mode.data == "text":
            return valid
        days = []
        for day in self.day_forms:
            if any(field.errors for field in day):
                days.append(())
                continue
            try:
                days.append(hours_grid.check_day(day.form.pairs()))
            except hours_grid.GridError as error:
                day[f"{error.part}{error.slot + 1}"].errors = [error.message]
                days.append(())
                valid = False
        # What the server made of the grid: saved, and shown in the text mode if the form comes back.
        self.opening_hours.data = hours_grid.compose(hours_grid.Grid(tuple(days), self.holidays_closed.data))
        self.opening_hours.raw_data = [self.opening_hours.data]
        return valid

    def show_hours(self, expression: str) -> None:
        """Fill the grid from a stored expression; one the grid cannot show opens the text mode."""
        grid = hours_grid.read(expression)
        if grid is None:
            self.hours_mode.data = "text"
            return
        self.hours_mode.data = "grid"
        for day, ranges in zip(self.day_forms, grid.days, strict=True):
            day.form.show(ranges)
        self.holidays_closed.data = grid.holidays_closed
