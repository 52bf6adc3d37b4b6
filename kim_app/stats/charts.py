"""Geometry for the small server-rendered SVG charts (no chart library, no script).

Charts are drawn in a fixed viewBox and scale to the screen width; the templates only
place the shapes computed here (attributes, never inline styles: the CSP forbids them).
Every chart on a page has a table with the same numbers behind it.
"""

from dataclasses import dataclass

WIDTH = 320
ROW = 28
LABEL_WIDTH = 112
BAR_SPACE = WIDTH - LABEL_WIDTH - 44
LABEL_CHARS = 17


@dataclass
class Bar:
    label: str
    short: str
    value: float
    text: str
    y: float
    width: float
    # Where the template puts the texts' baseline, the track and bar, and the value text.
    text_y: float = 0
    bar_y: float = 0
    value_x: float = 0

    def __post_init__(self):
        self.text_y, self.bar_y = self.y + 18, self.y + 6
        self.value_x = LABEL_WIDTH + self.width + 4


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def horizontal_bars(items: list[tuple[str, float | None, str]]) -> dict:
    """Rows of (label, value, value as shown) as horizontal bars, longest = full width."""
    top = max((value or 0 for _label, value, _text in items), default=0) or 1
    bars = [
        Bar(label, _short(label), value or 0, text, index * ROW,
            round((value or 0) / top * BAR_SPACE, 1))
        for index, (label, value, text) in enumerate(items)
    ]
    return {"bars": bars, "height": max(len(bars), 1) * ROW, "width": WIDTH,
            "bar_x": LABEL_WIDTH, "track_width": BAR_SPACE, "row": ROW}


PLOT_TOP = 16
PLOT_BOTTOM = 128
TREND_HEIGHT = 150


@dataclass
class Column:
    label: str
    x: float
    width: float
    total: int
    total_y: float
    total_height: float
    part_y: float
    part_height: float


def columns(items: list[tuple[str, int, int]]) -> dict:
    """Vertical bars of (label, total, part): the part (e.g. answered) drawn inside."""
    top = max((total for _label, total, _part in items), default=0) or 1
    slot = WIDTH / max(len(items), 1)
    plot = PLOT_BOTTOM - PLOT_TOP
    result = []
    for index, (label, total, part) in enumerate(items):
        total_height = round(total / top * plot, 1)
        part_height = round(part / top * plot, 1)
        result.append(Column(
            label, round(index * slot + slot * 0.15, 1), round(slot * 0.7, 1), total,
            round(PLOT_BOTTOM - total_height, 1), total_height,
            round(PLOT_BOTTOM - part_height, 1), part_height))
    # Values above the columns only while they fit in a column's width.
    return {"columns": result, "width": WIDTH, "height": TREND_HEIGHT,
            "baseline": PLOT_BOTTOM, "slot": slot, "labelled": top < 1000}


@dataclass
class Point:
    label: str
    x: float
    y: float
    text: str


def line(items: list[tuple[str, float | None, str]]) -> dict:
    """A line through the values that exist; a missing value breaks the line."""
    values = [value for _label, value, _text in items if value is not None]
    top = max(values, default=0) or 1
    slot = WIDTH / max(len(items), 1)
    plot = PLOT_BOTTOM - PLOT_TOP
    segments: list[list[Point]] = [[]]
    points = []
    for index, (label, value, text) in enumerate(items):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        point = Point(label, round(index * slot + slot / 2, 1),
                      round(PLOT_BOTTOM - value / top * plot, 1), text)
        segments[-1].append(point)
        points.append(point)
    polylines = [" ".join(f"{p.x},{p.y}" for p in segment)
                 for segment in segments if len(segment) > 1]
    labels = [(round(index * slot + slot / 2, 1), label)
              for index, (label, _value, _text) in enumerate(items)]
    return {"points": points, "polylines": polylines, "labels": labels, "width": WIDTH,
            "height": TREND_HEIGHT, "baseline": PLOT_BOTTOM}
