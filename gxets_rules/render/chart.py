"""Geometry of the emissions chart: where each point, line and tick goes on the page.

Only layout is computed here — pixel positions and round axis steps — never a figure: each point is a value of the
result, and its label is that value as the result gives it. A line joins two points only in consecutive fiscal
years; pledged points years apart (base year, FY2025, FY2030) stay separate markers, so nothing is interpolated,
not even by the eye.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from gxets_rules.render.view import Series

WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 92, 24, 20, 44
STEPS = (1, 2, 5)
TARGET_TICKS = 5


@dataclass(frozen=True)
class PlottedSeries:
    title: str
    style: int
    points: tuple[tuple[float, float, int, int], ...]  # (x, y, fiscal year, value)
    segments: tuple[tuple[float, float, float, float], ...]


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: tuple[tuple[float, int, bool], ...]  # (x, fiscal year, labelled)
    y_ticks: tuple[tuple[float, int], ...]  # (y, value)
    series: tuple[PlottedSeries, ...]

    @property
    def years(self) -> list[int]:
        """The fiscal years some series has a value for (the labelled ticks)."""
        return [fy for _, fy, labelled in self.x_ticks if labelled]


def axis_step(maximum: int) -> int:
    """A 1-2-5 step giving about five ticks from zero to at least ``maximum``."""
    magnitude = 1
    while True:
        for step in STEPS:
            if step * magnitude * TARGET_TICKS >= maximum:
                return step * magnitude
        magnitude *= 10


def plot(series: Sequence[Series]) -> Plot | None:
    """Lay out the series on one chart; None when no series has a value to draw."""
    known = [(fy, v) for s in series for fy, v in s.points if v is not None]
    if not known:
        return None
    first = min(fy for fy, _ in known)
    last = max(fy for fy, _ in known)
    highest = max(v for _, v in known)
    step = axis_step(highest)
    top_value = step * max(1, -(-highest // step))  # the first tick at or above the highest point
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    slots = last - first + 1

    def x_of(fy: int) -> float:
        return round(LEFT + inner_w * (fy - first + 0.5) / slots, 1)

    def y_of(value: int) -> float:
        return round(TOP + inner_h * (1 - value / top_value), 1)

    data_years = {fy for fy, _ in known}
    plotted = []
    for style, item in enumerate(series):
        points = tuple((x_of(fy), y_of(v), fy, v) for fy, v in item.points if v is not None)
        segments = tuple((a[0], a[1], b[0], b[1]) for a, b in pairwise(points) if b[2] == a[2] + 1)
        plotted.append(PlottedSeries(item.title, style, points, segments))
    return Plot(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        x_ticks=tuple((x_of(fy), fy, fy in data_years) for fy in range(first, last + 1)),
        y_ticks=tuple((y_of(v), v) for v in range(0, top_value + 1, step)),
        series=tuple(plotted),
    )
