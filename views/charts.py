"""Small bar charts drawn by the server as SVG (no script, no library): each bar's box computed here, so the template
only places them. Every chart comes with its numbers as a table for those who cannot see it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str  # under or beside the bar: "3"
    value: int
    url: str
    spoken: str  # what hovering over it says: "Grade 3: 40 students"
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    horizontal: bool


def column_chart(title: str, rows: list[tuple[str, int, str, str]], width: int = 480, height: int = 200) -> Chart:
    """Vertical bars, one per (label, value, link, spoken), left to right; the axis labels take 20 units below, the values
    20 above the tallest."""
    step = width / max(len(rows), 1)
    tallest = max((row[1] for row in rows), default=0) or 1
    room = height - 40
    bars = [Bar(label, value, url, spoken, x=i * step + step * 0.15, y=20 + room - room * value / tallest,
                width=step * 0.7, height=room * value / tallest)
            for i, (label, value, url, spoken) in enumerate(rows)]
    return Chart(title, bars, width, height, horizontal=False)


def bar_chart(title: str, rows: list[tuple[str, int, str, str]], width: int = 480, row_height: int = 32) -> Chart:
    """Horizontal bars, one per (label, value, link, spoken), top to bottom; labels take the left quarter, values follow
    each bar."""
    label_width, value_room = width * 0.25, 60
    longest = max((row[1] for row in rows), default=0) or 1
    room = width - label_width - value_room
    bars = [Bar(label, value, url, spoken, x=label_width, y=i * row_height + 4, width=max(room * value / longest, 1),
                height=row_height - 8)
            for i, (label, value, url, spoken) in enumerate(rows)]
    return Chart(title, bars, width, max(len(rows), 1) * row_height, horizontal=True)
