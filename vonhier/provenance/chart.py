"""The geometry of a server-rendered bar chart (one bar per day), drawn as inline SVG by a template.

Across, positions are percentages of the chart's width, so the SVG fills any screen without scaling its
text; down, they are pixels. The grid lines' values stand in a gutter left of the bars, wide enough for
them on a 320 px screen. Pure functions: no request, no database.
"""

import math
from dataclasses import dataclass

HEIGHT = 230  # px, the whole SVG
PLOT_TOP = 12  # px, room above the highest grid line for half its value's height
PLOT_BOTTOM = 196  # px, the base line; the day labels sit below it
LABEL_Y = 216
NARROWEST = 320  # px, the narrowest chart the gutter must hold its values on
CHAR_WIDTH = 7.5  # px, a digit or separator at the chart's font size (an upper bound)


@dataclass(frozen=True)
class Bar:
    index: int
    value: int
    x: float  # percent
    width: float  # percent
    y: float  # px
    height: float  # px


@dataclass(frozen=True)
class Tick:
    value: int
    y: float  # px


@dataclass(frozen=True)
class Label:
    index: int
    x: float  # percent
    anchor: str  # SVG text-anchor: start, middle or end


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    top: int  # the value of the highest grid line
    gutter: float  # percent, left of the bars, for the grid lines' values
    height: int = HEIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    label_y: int = LABEL_Y


def nice_step(maximum: int, most: int = 4) -> int:
    """The smallest step of 1, 2 or 5 × 10ⁿ that reaches `maximum` in at most `most` steps."""
    if maximum <= 0:
        return 1
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(maximum / step) <= most:
                return step
        magnitude *= 10


def label_indices(count: int, most: int = 4) -> list[int]:
    """Which bars get a date below them: `most` spread evenly, the first and the last among them."""
    if count <= most:
        return list(range(count))
    return sorted({round(j * (count - 1) / (most - 1)) for j in range(most)})


def bars(values: list[int]) -> Chart:
    """Bars for `values` (one per day, oldest first) on a scale starting at zero."""
    count = len(values)
    step = nice_step(max(values, default=0))
    top = step * max(1, math.ceil(max(values, default=0) / step))
    plot = PLOT_BOTTOM - PLOT_TOP
    gutter = min(20.0, (len(f"{top:,}") * CHAR_WIDTH + 10) / NARROWEST * 100)
    slot = (100 - gutter) / count if count else 100 - gutter
    width = slot * (0.7 if count <= 90 else 0.85)
    drawn = []
    for index, value in enumerate(values):
        if value <= 0:
            continue
        height = max(1.0, value / top * plot)  # the smallest count still shows
        x = gutter + index * slot + (slot - width) / 2
        drawn.append(Bar(index, value, x=x, width=width, y=PLOT_BOTTOM - height, height=height))
    ticks = [Tick(value, PLOT_BOTTOM - value / top * plot) for value in range(0, top + 1, step)]
    labels = []
    for index in label_indices(count):
        # The outermost dates line up with their bar's outer edge, so that they are never cut off.
        if index == 0 and count > 1:
            labels.append(Label(index, gutter + (slot - width) / 2, "start"))
        elif index == count - 1 and count > 1:
            labels.append(Label(index, 100 - (slot - width) / 2, "end"))
        else:
            labels.append(Label(index, gutter + (index + 0.5) * slot, "middle"))
    return Chart(bars=drawn, ticks=ticks, labels=labels, top=top, gutter=gutter)
