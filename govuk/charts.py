"""Charts drawn on the server as SVG that a screen reader can read: each has a title and
a description, every bar and point carries its figure as text, and the page puts the same
figures in a table beside it. No JavaScript, and colour never carries meaning alone
(bars are labelled; a timeline's marks differ in shape as well as colour).

The functions here work out the geometry; the templates in templates/govuk/charts/ draw it.
No chart library drew accessible SVG without JavaScript, so this is ours, kept small."""

import datetime
from dataclasses import dataclass, field

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Each line of a horizontal bar chart: its label above, the bar and its figure below.
ROW_HEIGHT = 46
BAR_HEIGHT = 18
WIDTH = 600
LABEL_SPACE = 120  # room at the end of the longest bar for its figure


@dataclass
class Bar:
    label: str
    value: float
    figure: str = ""  # the value as the reader should read it ("45%", "12 days")
    href: str = ""
    target: float | None = None  # a marker on the bar's line, e.g. a target number of days
    target_label: str = ""
    # Filled in by bar_chart:
    y: int = 0
    width: int = 0
    target_x: int | None = None

    def __post_init__(self):
        self.figure = self.figure or f"{self.value:g}"

    @property
    def bar_y(self) -> int:
        return self.y + 22

    @property
    def figure_x(self) -> int:
        return self.width + 6


@dataclass
class BarChart:
    chart_id: str
    title: str
    description: str
    bars: list[Bar]
    height: int = 0
    width: int = WIDTH
    empty: bool = False

    @property
    def marks(self) -> SafeString:
        """The bars as SVG, written here rather than by a template loop: a chart of 200
        organisations took longer to draw through the template than the rest of its page."""
        return mark_safe("".join(_bar_svg(bar) for bar in self.bars))


def _bar_svg(bar: Bar) -> str:
    target = (
        f'\n    <line x1="{bar.target_x}" x2="{bar.target_x}" y1="{bar.y + 18}" y2="{bar.y + 44}" '
        'class="conduct-chart__target"></line>\n    '
        if bar.target_x is not None
        else ""
    )
    return (
        f'\n    <text x="0" y="{bar.y + 16}" class="conduct-chart__label">{conditional_escape(bar.label)}</text>'
        f'\n    <rect x="0" y="{bar.bar_y}" width="{bar.width}" height="18" class="conduct-chart__bar"></rect>'
        f'\n    <text x="{bar.figure_x}" y="{bar.y + 36}" class="conduct-chart__figure">'
        f"{conditional_escape(bar.figure)}</text>"
        f"\n    {target}\n    "
    )


def bar_chart(chart_id: str, *, title: str, description: str, bars: list[Bar], maximum: float = 0) -> BarChart:
    """Horizontal bars scaled to the largest value (or to `maximum`, e.g. 100 for shares)."""
    top = max([maximum, *(bar.value for bar in bars), *(bar.target or 0 for bar in bars)])
    scale = (WIDTH - LABEL_SPACE) / top if top else 0
    for index, bar in enumerate(bars):
        bar.y = index * ROW_HEIGHT
        bar.width = max(round(bar.value * scale), 0)
        bar.target_x = round(bar.target * scale) if bar.target is not None else None
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        bars=bars,
        height=max(len(bars), 1) * ROW_HEIGHT,
        empty=not any(bar.value for bar in bars),
    )


LINE_HEIGHT = 240
MARGIN_LEFT = 56
MARGIN_BOTTOM = 40
MARGIN_TOP = 16


@dataclass
class Point:
    day: datetime.date
    value: float
    x: int = 0  # coordinates are whole units of the 600-wide view box, so templates can add to them
    y: int = 0


@dataclass
class LineChart:
    chart_id: str
    title: str
    description: str
    points: list[Point]
    axis_labels: list[tuple[int, str]] = field(default_factory=list)  # (x, text) under the axis
    value_labels: list[tuple[int, str]] = field(default_factory=list)  # (y, text) beside it
    path: str = ""
    width: int = WIDTH
    height: int = LINE_HEIGHT
    plot_left: int = MARGIN_LEFT
    plot_bottom: int = LINE_HEIGHT - MARGIN_BOTTOM
    empty: bool = False


def line_chart(chart_id: str, *, title: str, description: str, points: list[tuple[datetime.date, float]]) -> LineChart:
    """A line through (day, value) points in date order; the axis shows the first and last
    days and the value axis 0 and the highest value, so the figures stay readable at 320px."""
    chart = LineChart(chart_id=chart_id, title=title, description=description, points=[])
    if not points:
        chart.empty = True
        return chart
    points = sorted(points)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    top = max(value for _, value in points) or 1
    plot_width = WIDTH - MARGIN_LEFT - 16
    plot_height = LINE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    for day, value in points:
        x = MARGIN_LEFT + plot_width * ((day - first).days / span if len(points) > 1 else 0.5)
        y = MARGIN_TOP + plot_height * (1 - value / top)
        chart.points.append(Point(day=day, value=value, x=round(x), y=round(y)))
    chart.path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(chart.points))
    chart.axis_labels = [(chart.points[0].x, _day(first))]
    if last != first:
        chart.axis_labels.append((chart.points[-1].x, _day(last)))
    chart.value_labels = [(MARGIN_TOP + plot_height, "0"), (MARGIN_TOP, f"{top:g}")]
    return chart


@dataclass
class Mark:
    label: str  # what a screen reader and the tooltip say
    day: datetime.date
    kind: str  # a key of TIMELINE_KINDS
    x: int = 0

    @property
    def look(self) -> dict:
        return TIMELINE_KINDS[self.kind]


@dataclass
class TimelineRow:
    label: str
    marks: list[Mark]
    y: int = 0

    @property
    def line_y(self) -> int:
        return self.y + 32


# Shape and colour per kind of mark: shape alone tells them apart too.
TIMELINE_KINDS = {
    "done": {"shape": "circle", "colour": "#00703c", "name": "Done"},
    "due": {"shape": "square", "colour": "#1d70b8", "name": "Due"},
    "overdue": {"shape": "triangle", "colour": "#d4351c", "name": "Overdue"},
}


@dataclass
class Timeline:
    chart_id: str
    title: str
    description: str
    rows: list[TimelineRow]
    today_x: int = 0
    axis_labels: list[tuple[int, str]] = field(default_factory=list)
    kinds: dict = field(default_factory=lambda: TIMELINE_KINDS)
    width: int = WIDTH
    height: int = 0
    empty: bool = False


def timeline(chart_id: str, *, title: str, description: str, rows: list[TimelineRow], today: datetime.date) -> Timeline:
    """Rows of dated marks on one axis of time (with today marked), a row a labelled line."""
    days = [mark.day for row in rows for mark in row.marks] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    left, right = 16, WIDTH - 16

    def x_of(day: datetime.date) -> int:
        return round(left + (right - left) * (day - first).days / span)

    for index, row in enumerate(rows):
        row.y = index * ROW_HEIGHT
        for mark in row.marks:
            mark.x = x_of(mark.day)
    return Timeline(
        chart_id=chart_id,
        title=title,
        description=description,
        rows=rows,
        today_x=x_of(today),
        axis_labels=[(x_of(first), _day(first)), (x_of(last), _day(last))],
        height=max(len(rows), 1) * ROW_HEIGHT + 40,
        empty=not any(row.marks for row in rows),
    )


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"
