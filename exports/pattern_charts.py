"""The library's patterns as pictures: bar, column and line charts drawn with QPainter into PNGs.

Three steps, each usable alone:

1. :func:`describe_charts` turns :class:`~models.patterns.Patterns` into chart
   descriptions (:class:`BarChart`, :class:`ColumnChart`, :class:`LineChart`):
   titles, axis captions, the bars or points and the text of each value. The
   fixed words come from :class:`PatternTexts` (English by default; the app
   passes translated ones).
2. :func:`layout_chart` decides where everything goes, as pure geometry
   (:class:`Box` rectangles, no paint device, no Qt), measuring text through a
   :class:`TextMeasure`. It keeps the promises the tests check: every text
   inside the picture and clear of every other text, long names elided, month
   labels thinned out and value labels left out where they would collide.
3. :func:`render_chart_png` paints a laid-out chart into a QImage and encodes
   it as PNG; :func:`render_pattern_charts` does all of them at once (the
   patterns page's Copy and Save, and a report's pictures).

The pictures are made for a meeting-room projector: 16:9, large type, the
Okabe-Ito colours (distinguishable with the common colour-vision
deficiencies), values written on the bars and points rather than left to be
read off an axis. Without a running Qt application a headless one is started
for the drawing (see :mod:`exports.headless_qt`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from exports.headless_qt import gui_application
from exports.swimlane_painter import png_bytes
from models.metrics import format_minutes
from models.patterns import Count, MetricTrend, Patterns, Ranking, SeverityMonths
from models.vocabulary import LEARNING_CATEGORIES, label

#: The fonts of a chart: its title, axis captions and tick labels, category names, values, notes.
TextRole = Literal["title", "axis", "label", "value", "note"]
Align = Literal["left", "center", "right"]

ELLIPSIS = "…"
#: A line of at most this many points has all its values written; a longer one the telling few.
LABEL_ALL_POINTS = 12
#: The radius of a line's points.
POINT_RADIUS = 5.0
#: Rows a legend may take at most.
LEGEND_ROWS = 2
#: Pixels per logical pixel of a chart's PNG: 800 × 450 logical is a 1600 × 900 picture.
PNG_SCALE = 2.0


# ---------------------------------------------------------------- words

@dataclass(frozen=True)
class PatternTexts:
    """The fixed words of the charts; views pass translated ones. ``{n}`` and ``{total}`` are filled in."""

    per_month: str = "Reviews per month, by severity"
    per_month_axis: str = "reviews"
    month_axis: str = "month (UTC)"
    metric_titles: dict[str, str] = field(default_factory=lambda: {
        "time-to-detect": "Time to detect: median per month",
        "time-to-mitigate": "Time to mitigate: median per month",
        "time-to-resolve": "Time to resolve: median per month",
    })
    metric_axis: str = "median time"
    services: str = "Most frequent services"
    services_axis: str = "reviews naming the service"
    tags: str = "Most frequent tags"
    tags_axis: str = "reviews with the tag"
    learnings: str = "Learnings by category"
    learnings_axis: str = "learnings"
    surprises: str = "Surprises per service"
    surprises_axis: str = "surprises noted in reviews"
    service_header: str = "service"
    tag_header: str = "tag"
    category_header: str = "category"
    no_severity: str = "no severity"
    no_service: str = "no service named"
    empty: str = "No data yet"
    more: str = "+ {n} more ({total} in all)"
    categories: dict[str, str] = field(default_factory=lambda: {c: label(c) for c in LEARNING_CATEGORIES})


# ---------------------------------------------------------------- chart descriptions

class Bar(NamedTuple):
    """One bar of a ranking: a name, its value and the value as written beside the bar."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, largest first: a ranking of names."""

    id: str
    title: str
    #: What the values count (the caption under the bars).
    axis: str
    #: What the names are (the header over them).
    header: str
    bars: tuple[Bar, ...]
    #: How many names were left out, and their values added up (said under the bars).
    others: int = 0
    others_total: float = 0
    #: How that is said: ``{n}`` names left out, ``{total}`` their values.
    more: str = PatternTexts.more


@dataclass(frozen=True)
class ColumnChart:
    """Stacked columns, one per category (a month), one segment per series (a severity)."""

    id: str
    title: str
    axis: str
    x_axis: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    #: ``values[category][series]``.
    values: tuple[tuple[int, ...], ...]
    #: A colour per series: an index into the palette.
    colors: tuple[int, ...] = ()


class LinePoint(NamedTuple):
    """One point of a line: its category's position, its value and the value as written."""

    slot: int
    value: float
    text: str


@dataclass(frozen=True)
class LineChart:
    """One line over categories (months); categories without a value are gaps the line jumps."""

    id: str
    title: str
    axis: str
    x_axis: str
    categories: tuple[str, ...]
    points: tuple[LinePoint, ...]
    #: Values are minutes: ticks read "30 min", "2 h", "1 d".
    durations: bool = False


Chart = BarChart | ColumnChart | LineChart


def describe_charts(patterns: Patterns, texts: PatternTexts | None = None) -> tuple[Chart, ...]:
    """Every chart of the patterns page, in the page's order."""
    texts = texts or PatternTexts()
    return (
        per_month_chart(patterns.per_month, texts),
        *(metric_chart(trend, texts) for trend in patterns.metrics),
        ranking_chart("services", texts.services, texts.services_axis, texts.service_header,
                      patterns.services, texts),
        ranking_chart("tags", texts.tags, texts.tags_axis, texts.tag_header, patterns.tags, texts),
        learnings_chart(patterns.learnings, texts),
        ranking_chart("surprises", texts.surprises, texts.surprises_axis, texts.service_header,
                      patterns.surprises, texts),
    )


#: Severity colours: the first four (SEV1 to SEV4 as built in) hot to cool, then others; grey for none.
SEVERITY_COLORS = (0, 1, 2, 3, 4, 5, 6)
NO_SEVERITY_COLOR = 7


def per_month_chart(per_month: SeverityMonths, texts: PatternTexts) -> ColumnChart:
    names = tuple(s if s is not None else texts.no_severity for s in per_month.severities)
    colors = []
    rank = 0
    for severity in per_month.severities:
        if severity is None:
            colors.append(NO_SEVERITY_COLOR)
        else:
            colors.append(SEVERITY_COLORS[rank % len(SEVERITY_COLORS)])
            rank += 1
    return ColumnChart("per-month", texts.per_month, texts.per_month_axis, texts.month_axis, per_month.months,
                       names, per_month.counts, tuple(colors))


def metric_chart(trend: MetricTrend, texts: PatternTexts) -> LineChart:
    title = texts.metric_titles.get(trend.metric_id, trend.label)
    if not trend.points:
        return LineChart(trend.metric_id, title, texts.metric_axis, texts.month_axis, (), (), durations=True)
    months = _month_range(trend.points[0].month, trend.points[-1].month)
    where = {m: i for i, m in enumerate(months)}
    points = tuple(LinePoint(where[p.month], p.minutes, format_minutes(round(p.minutes)))
                   for p in trend.points)
    return LineChart(trend.metric_id, title, texts.metric_axis, texts.month_axis, months, points,
                     durations=True)


def ranking_chart(chart_id: str, title: str, axis: str, header: str, ranking: Ranking,
                  texts: PatternTexts) -> BarChart:
    bars = tuple(Bar(c.name if c.name is not None else texts.no_service, c.count, str(c.count))
                 for c in ranking.items)
    return BarChart(chart_id, title, axis, header, bars, ranking.others, ranking.others_count, texts.more)


def learnings_chart(counts: tuple[Count, ...], texts: PatternTexts) -> BarChart:
    bars = tuple(Bar(texts.categories.get(c.name or "", label(c.name or "")), c.count, str(c.count))
                 for c in counts)
    if not any(b.value for b in bars):
        bars = ()
    return BarChart("learnings", texts.learnings, texts.learnings_axis, texts.category_header, bars)


def _month_range(first: str, last: str) -> tuple[str, ...]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


# ---------------------------------------------------------------- geometry

class Box(NamedTuple):
    """A rectangle: left, top, width, height (logical pixels)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        """Whether the two share any area (touching edges do not)."""
        return (self.x < other.right and other.x < self.right and self.y < other.bottom
                and other.y < self.bottom)

    def inside(self, other: Box, slack: float = 1e-6) -> bool:
        return (self.x >= other.x - slack and self.y >= other.y - slack and self.right <= other.right + slack
                and self.bottom <= other.bottom + slack)


class TextMeasure(Protocol):
    """How much room text takes in one of the chart's fonts (the painter: its fonts' metrics)."""

    def width(self, text: str, role: TextRole) -> float:
        """The horizontal advance of ``text``."""
        ...

    def height(self, role: TextRole) -> float:
        """The height of a line."""
        ...


@dataclass(frozen=True)
class ChartStyle:
    """Sizes of a chart, in logical pixels."""

    width: float = 800.0
    height: float = 450.0
    margin: float = 22.0
    gap: float = 10.0
    title_px: float = 26.0
    axis_px: float = 15.0
    label_px: float = 17.0
    value_px: float = 16.0
    note_px: float = 15.0
    #: Of the width inside the margins, at most this share goes to the names of a bar chart.
    label_share: float = 0.38

    def px(self, role: TextRole) -> float:
        return {"title": self.title_px, "axis": self.axis_px, "label": self.label_px,
                "value": self.value_px, "note": self.note_px}[role]


class PlacedText(NamedTuple):
    """A text where it is drawn: its box is as wide as the text and one line high."""

    box: Box
    text: str
    role: TextRole


class PlacedBar(NamedTuple):
    box: Box
    #: Index into the palette.
    color: int


@dataclass(frozen=True)
class ChartLayout:
    """Where everything of one chart goes."""

    width: float
    height: float
    #: The area of the bars, columns or line (None when the chart is empty).
    plot: Box | None
    texts: tuple[PlacedText, ...]
    bars: tuple[PlacedBar, ...] = ()
    #: Horizontal grid lines at these heights, across the plot.
    grid: tuple[float, ...] = ()
    #: The line's runs of consecutive points (a gap of a month without value ends a run).
    lines: tuple[tuple[tuple[float, float], ...], ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    #: Colour swatches of the legend.
    swatches: tuple[PlacedBar, ...] = ()

    @property
    def canvas(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)


def layout_chart(chart: Chart, measure: TextMeasure, style: ChartStyle | None = None, *,
                 empty_text: str = PatternTexts.empty) -> ChartLayout:
    """Where everything of ``chart`` goes in a picture of ``style``'s size."""
    style = style or ChartStyle()
    if isinstance(chart, BarChart):
        return _layout_bars(chart, measure, style, empty_text)
    if isinstance(chart, ColumnChart):
        return _layout_columns(chart, measure, style, empty_text)
    return _layout_line(chart, measure, style, empty_text)


def elide(text: str, role: TextRole, room: float, measure: TextMeasure) -> str:
    """``text`` cut at the end with "…" to fit ``room``; "" when not even "…" fits."""
    text = " ".join(text.split())  # one line: a name with a newline would draw on two
    if measure.width(text, role) <= room:
        return text
    if measure.width(ELLIPSIS, role) > room:
        return ""
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if measure.width(text[:mid].rstrip() + ELLIPSIS, role) <= room:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


class _Frame(NamedTuple):
    """The parts every chart has: the title on top, the rest of the picture below it."""

    texts: list[PlacedText]
    top: float
    inner: Box


def _frame(title: str, measure: TextMeasure, style: ChartStyle) -> _Frame:
    inner = Box(style.margin, style.margin, style.width - 2 * style.margin, style.height - 2 * style.margin)
    texts: list[PlacedText] = []
    shown = elide(title, "title", inner.w, measure)
    height = measure.height("title")
    if shown:
        texts.append(PlacedText(Box(inner.x, inner.y, measure.width(shown, "title"), height), shown, "title"))
    return _Frame(texts, inner.y + height + style.gap, inner)


def _text_at(text: str, role: TextRole, x: float, y: float, measure: TextMeasure,
             align: Align = "left") -> PlacedText:
    width = measure.width(text, role)
    left = x - width if align == "right" else x - width / 2 if align == "center" else x
    return PlacedText(Box(left, y, width, measure.height(role)), text, role)


def _empty(frame: _Frame, text: str, measure: TextMeasure, style: ChartStyle) -> ChartLayout:
    shown = elide(text, "note", frame.inner.w, measure)
    texts = list(frame.texts)
    if shown:
        middle = (frame.top + frame.inner.bottom) / 2 - measure.height("note") / 2
        texts.append(_text_at(shown, "note", frame.inner.x + frame.inner.w / 2, middle, measure, "center"))
    return ChartLayout(style.width, style.height, None, tuple(texts))


def _layout_bars(chart: BarChart, measure: TextMeasure, style: ChartStyle, empty_text: str) -> ChartLayout:
    frame = _frame(chart.title, measure, style)
    if not chart.bars:
        return _empty(frame, empty_text, measure, style)
    texts = list(frame.texts)
    inner = frame.inner
    axis_h = measure.height("axis")
    note_h = measure.height("note")
    # Header over the names; caption (what the numbers count) at the bottom, right-aligned.
    header = elide(chart.header, "axis", inner.w * style.label_share, measure)
    top = frame.top
    if header:
        texts.append(_text_at(header, "axis", inner.x, top, measure))
        top += axis_h + style.gap / 2
    bottom = inner.bottom
    caption = elide(chart.axis, "axis", inner.w, measure)
    if caption:
        texts.append(_text_at(caption, "axis", inner.right, bottom - axis_h, measure, "right"))
        bottom -= axis_h + style.gap / 2
    bars = list(chart.bars)
    label_h = max(measure.height("label"), measure.height("value"))
    row_min = label_h * 1.2
    fits = max(int((bottom - top - (note_h + style.gap / 2)) // row_min), 1)
    others, others_total = chart.others, chart.others_total
    if len(bars) > fits:  # what does not fit is said in the note, with what was left out before
        others += len(bars) - fits
        others_total += sum(b.value for b in bars[fits:])
        bars = bars[:fits]
    total = str(int(others_total)) if float(others_total).is_integer() else f"{others_total:.1f}"
    note = chart.more.format(n=others, total=total) if others else ""
    if note:
        shown = elide(note, "note", inner.w, measure)
        if shown:
            texts.append(_text_at(shown, "note", inner.x, bottom - note_h, measure))
        bottom -= note_h + style.gap / 2
    plot = Box(inner.x, top, inner.w, max(bottom - top, 0.0))
    label_w = min(max(measure.width(" ".join(b.label.split()), "label") for b in bars),
                  inner.w * style.label_share)
    value_w = max(measure.width(b.text, "value") for b in bars)
    bar_left = inner.x + label_w + style.gap
    room = max(inner.right - value_w - style.gap / 2 - bar_left, 0.0)
    biggest = max((b.value for b in bars), default=0.0) or 1.0
    row = plot.h / len(bars)
    thickness = min(row * 0.7, 36.0)
    placed: list[PlacedBar] = []
    for index, bar in enumerate(bars):
        middle = plot.y + row * (index + 0.5)
        length = room * max(bar.value, 0.0) / biggest
        placed.append(PlacedBar(Box(bar_left, middle - thickness / 2, length, thickness), 2))
        name = elide(bar.label, "label", label_w, measure)
        if name:
            texts.append(_text_at(name, "label", bar_left - style.gap, middle - measure.height("label") / 2,
                                  measure, "right"))
        texts.append(_text_at(bar.text, "value", bar_left + length + style.gap / 2,
                              middle - measure.height("value") / 2, measure))
    return ChartLayout(style.width, style.height, plot, tuple(texts), tuple(placed))


def _legend(names: Sequence[str], colors: Sequence[int], left: float, top: float, width: float,
            measure: TextMeasure, style: ChartStyle) -> tuple[list[PlacedText], list[PlacedBar], float]:
    """Swatch-and-name items in rows from ``top``; returns them and the height they take.

    At most :data:`LEGEND_ROWS` rows: the chart is for the columns, and a
    library with more severities than fit names the first ones.
    """
    texts: list[PlacedText] = []
    swatches: list[PlacedBar] = []
    line = measure.height("axis")
    size = line * 0.7
    x, y = left, top
    for name, color in zip(names, colors, strict=True):
        shown = elide(name, "axis", width - size - 6, measure)
        item = size + 6 + measure.width(shown, "axis")
        if x > left and x + item > left + width:
            if y + 2 * (line + 4) > top + LEGEND_ROWS * (line + 4):
                break
            x, y = left, y + line + 4
        swatches.append(PlacedBar(Box(x, y + (line - size) / 2, size, size), color))
        if shown:
            texts.append(_text_at(shown, "axis", x + size + 6, y, measure))
        x += item + 18
    return texts, swatches, (y - top) + line if names else 0.0


def _ticks(top_value: float, count: int, durations: bool) -> list[float]:
    """Tick values from 0 to at least ``top_value``, at most ``count`` steps of a round size."""
    count = max(count, 1)
    if top_value <= 0:
        return [0.0, 1.0]
    raw = top_value / count
    if durations:
        steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 7200, 10080, 20160, 43200]
        step = float(next((s for s in steps if s >= raw), 0) or math.ceil(raw / 43200) * 43200)
    else:
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw - 1e-9)
        step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < top_value - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_text(value: float, durations: bool) -> str:
    if durations:
        return format_minutes(round(value))
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


class _Axes(NamedTuple):
    plot: Box
    texts: list[PlacedText]
    grid: tuple[float, ...]
    y_of: Callable[[float], float]
    slot: float


def _axes(frame: _Frame, top: float, axis: str, x_axis: str, categories: tuple[str, ...], top_value: float,
          durations: bool, measure: TextMeasure, style: ChartStyle, *, value_band: bool) -> _Axes:
    """Y axis with round ticks, x labels (thinned to never collide), the two captions; the plot between."""
    inner = frame.inner
    texts: list[PlacedText] = []
    axis_h = measure.height("axis")
    caption = elide(axis, "axis", inner.w, measure)
    if caption:
        texts.append(_text_at(caption, "axis", inner.x, top, measure))
        top += axis_h + style.gap / 2
    if value_band:  # room for the values written over the tallest column or highest point
        top += measure.height("value") + 4
    bottom = inner.bottom
    x_caption = elide(x_axis, "axis", inner.w, measure)
    if x_caption:
        texts.append(_text_at(x_caption, "axis", inner.x + inner.w / 2, bottom - axis_h, measure, "center"))
        bottom -= axis_h + style.gap / 2
    bottom -= axis_h + 6  # the category labels
    plot_h = max(bottom - top, 1.0)
    ticks = _ticks(top_value, max(int(plot_h // (axis_h * 2.2)), 1), durations)
    tick_texts = [_tick_text(t, durations) for t in ticks]
    tick_w = max(measure.width(t, "axis") for t in tick_texts)
    plot = Box(inner.x + tick_w + 8, top, max(inner.w - tick_w - 8, 1.0), plot_h)
    scale_top = ticks[-1] or 1.0

    def y_of(value: float) -> float:
        return plot.bottom - plot.h * value / scale_top

    for value, text in zip(ticks, tick_texts, strict=True):
        texts.append(_text_at(text, "axis", plot.x - 8, y_of(value) - axis_h / 2, measure, "right"))
    slot = plot.w / max(len(categories), 1)
    texts.extend(_category_labels(categories, plot, inner, slot, measure, style))
    return _Axes(plot, texts, tuple(y_of(t) for t in ticks), y_of, slot)


def _category_labels(categories: tuple[str, ...], plot: Box, inner: Box, slot: float, measure: TextMeasure,
                     style: ChartStyle) -> list[PlacedText]:
    """Labels under the categories: all when they fit, else every n-th on a steady rhythm (months on the
    calendar's: every quarter, half year, year…), the smallest n at which none collides."""
    widest = max((measure.width(c, "axis") for c in categories), default=0.0)
    months = all(len(c) == 7 and c[4] == "-" and c[:4].isdigit() and c[5:].isdigit() for c in categories)
    steps = [1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240] if months else [1, 2, 3, 4, 5, 10, 20, 50, 100, 200]
    steps = [s for s in steps if s * slot >= widest + style.gap] or [steps[-1]]
    steps.append(max(len(categories), 1))  # at worst, the first label alone
    placed: list[PlacedText] = []
    for step in steps:
        placed, collided = [], False
        last_right = -math.inf
        for index, name in enumerate(categories):
            position = int(name[:4]) * 12 + int(name[5:]) - 1 if months else index
            if position % step:
                continue
            shown = elide(name, "axis", plot.w, measure)
            if not shown:
                continue
            label = _text_at(shown, "axis", plot.x + slot * (index + 0.5), plot.bottom + 6, measure, "center")
            box = label.box
            box = box._replace(x=max(min(box.x, inner.right - box.w), plot.x))  # never under the tick labels
            if box.x < last_right + style.gap:
                collided = True
                continue
            placed.append(label._replace(box=box))
            last_right = box.right
        if not collided:
            break
    return placed


def _layout_columns(chart: ColumnChart, measure: TextMeasure, style: ChartStyle,
                    empty_text: str) -> ChartLayout:
    frame = _frame(chart.title, measure, style)
    totals = [sum(v) for v in chart.values]
    if not chart.categories or not any(totals):
        return _empty(frame, empty_text, measure, style)
    texts = list(frame.texts)
    colors = chart.colors or tuple(range(len(chart.series)))
    legend_texts, swatches, legend_h = _legend(chart.series, colors, frame.inner.x, frame.top, frame.inner.w,
                                               measure, style)
    texts.extend(legend_texts)
    axes = _axes(frame, frame.top + legend_h + (style.gap if legend_h else 0), chart.axis, chart.x_axis,
                 chart.categories, max(totals), False, measure, style, value_band=True)
    texts.extend(axes.texts)
    width = min(axes.slot * 0.72, 60.0)
    bars: list[PlacedBar] = []
    value_h = measure.height("value")
    for index, values in enumerate(chart.values):
        middle = axes.plot.x + axes.slot * (index + 0.5)
        base = 0.0
        for series, value in enumerate(values):
            if value <= 0:
                continue
            top, bottom = axes.y_of(base + value), axes.y_of(base)
            bars.append(PlacedBar(Box(middle - width / 2, top, width, bottom - top), colors[series]))
            base += value
        total = totals[index]
        text = str(total)
        if total and measure.width(text, "value") <= axes.slot - 2:
            texts.append(_text_at(text, "value", middle, axes.y_of(total) - value_h - 2, measure, "center"))
    return ChartLayout(style.width, style.height, axes.plot, tuple(texts), tuple(bars), axes.grid,
                       swatches=tuple(swatches))


def _layout_line(chart: LineChart, measure: TextMeasure, style: ChartStyle, empty_text: str) -> ChartLayout:
    frame = _frame(chart.title, measure, style)
    if not chart.points:
        return _empty(frame, empty_text, measure, style)
    axes = _axes(frame, frame.top, chart.axis, chart.x_axis, chart.categories,
                 max(p.value for p in chart.points), chart.durations, measure, style, value_band=True)
    texts = list(frame.texts) + axes.texts
    centres = [(axes.plot.x + axes.slot * (p.slot + 0.5), axes.y_of(p.value)) for p in chart.points]
    runs: list[list[tuple[float, float]]] = []
    previous = -2
    for point, centre in zip(chart.points, centres, strict=True):
        if point.slot == previous + 1:
            runs[-1].append(centre)
        else:
            runs.append([centre])
        previous = point.slot
    # Values over (or under) their points where they collide with nothing placed before (texts and
    # the points themselves): all of them for a short line; for a long one the latest, the highest and
    # the lowest, which is what a room asks about.
    value_h = measure.height("value")
    area = Box(axes.plot.x, axes.plot.y - value_h - 4, axes.plot.w, axes.plot.h + value_h + 4)
    taken = [t.box for t in texts] + [Box(x - POINT_RADIUS - 2, y - POINT_RADIUS - 2, 2 * POINT_RADIUS + 4,
                                          2 * POINT_RADIUS + 4) for x, y in centres]
    values = [p.value for p in chart.points]
    last = len(values) - 1
    highest = max(range(len(values)), key=lambda i: (values[i], i))
    lowest = min(range(len(values)), key=lambda i: (values[i], -i))
    order = list(dict.fromkeys((last, highest, lowest)))
    if len(values) <= LABEL_ALL_POINTS:
        order += sorted((i for i in range(len(values)) if i not in order), key=lambda i: (-values[i], i))
    for i in order:
        x, y = centres[i]
        text = chart.points[i].text
        gap = POINT_RADIUS + 3
        for placed in (_text_at(text, "value", x, y - value_h - gap, measure, "center"),
                       _text_at(text, "value", x, y + gap, measure, "center"),
                       _text_at(text, "value", x - gap, y - value_h / 2, measure, "right"),
                       _text_at(text, "value", x + gap, y - value_h / 2, measure, "left")):
            # Near the plot's ends the text slides inwards rather than sticking out.
            box = placed.box
            placed = placed._replace(box=box._replace(x=max(min(box.x, area.right - box.w), area.x)))
            if placed.box.inside(area) and not any(placed.box.overlaps(b) for b in taken):
                texts.append(placed)
                taken.append(placed.box)
                break
    return ChartLayout(style.width, style.height, axes.plot, tuple(texts), grid=axes.grid,
                       lines=tuple(tuple(run) for run in runs), points=tuple(centres))


# ---------------------------------------------------------------- painting

#: Okabe-Ito, then grey: vermillion, orange, blue, bluish green, reddish purple, sky blue, yellow, grey.
PALETTE = ("#d55e00", "#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#8c959f")


@dataclass(frozen=True)
class ChartColors:
    background: str = "#ffffff"
    text: str = "#1f2328"
    muted: str = "#57606a"
    grid: str = "#d8dee4"
    axis: str = "#8c959f"
    line: str = "#0072b2"


@dataclass(frozen=True)
class ChartPicture:
    """One chart as a PNG."""

    id: str
    title: str
    png: bytes
    #: In pixels.
    width: int
    height: int


class ChartFonts:
    """The chart's fonts and their metrics: a :class:`TextMeasure`. Needs a running Qt GUI application."""

    def __init__(self, style: ChartStyle, family: str | None = None) -> None:
        self._fonts: dict[TextRole, QFont] = {}
        self._metrics: dict[TextRole, QFontMetricsF] = {}
        for role in ("title", "axis", "label", "value", "note"):
            font = QFont(family) if family else QFont()
            font.setStyleHint(QFont.StyleHint.SansSerif)
            font.setPixelSize(round(style.px(role)))
            font.setBold(role in ("title", "value"))
            font.setItalic(role == "note")
            self._fonts[role] = font
            self._metrics[role] = QFontMetricsF(font)

    def font(self, role: TextRole) -> QFont:
        return self._fonts[role]

    def width(self, text: str, role: TextRole) -> float:
        # The advance and the ink's right edge both: italic text leans past its advance.
        metrics = self._metrics[role]
        return max(metrics.horizontalAdvance(text), metrics.boundingRect(text).right()) if text else 0.0

    def height(self, role: TextRole) -> float:
        return self._metrics[role].height()


def render_chart_png(chart: Chart, *, style: ChartStyle | None = None, scale: float = PNG_SCALE,
                     colors: ChartColors | None = None, empty_text: str = PatternTexts.empty) -> ChartPicture:
    """``chart`` drawn at ``style``'s logical size times ``scale``, as PNG."""
    with gui_application():
        return _render(chart, style or ChartStyle(), scale, colors or ChartColors(), empty_text)


def render_pattern_charts(patterns: Patterns, *, texts: PatternTexts | None = None,
                          style: ChartStyle | None = None,
                          scale: float = PNG_SCALE) -> tuple[ChartPicture, ...]:
    """Every chart of the patterns as a PNG, in the page's order: what the page copies and saves, and
    what a report would include."""
    texts = texts or PatternTexts()
    with gui_application():
        return tuple(_render(chart, style or ChartStyle(), scale, ChartColors(), texts.empty)
                     for chart in describe_charts(patterns, texts))


def paint_chart(painter: QPainter, chart: Chart, layout: ChartLayout, fonts: ChartFonts,
                colors: ChartColors | None = None) -> None:
    """Draw a laid-out chart with ``painter`` (logical coordinates)."""
    colors = colors or ChartColors()
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(QRectF(0, 0, layout.width, layout.height), QColor(colors.background))
        plot = layout.plot
        if plot is not None and layout.grid:
            painter.setPen(QPen(QColor(colors.grid), 1))
            for y in layout.grid:
                painter.drawLine(QLineF(plot.x, y, plot.right, y))
        painter.setPen(Qt.PenStyle.NoPen)
        for bar in (*layout.bars, *layout.swatches):
            painter.setBrush(QBrush(QColor(PALETTE[bar.color % len(PALETTE)])))
            painter.drawRect(QRectF(*bar.box))
        if plot is not None and not isinstance(chart, BarChart):
            painter.setPen(QPen(QColor(colors.axis), 1.5))
            painter.drawLine(QLineF(plot.x, plot.bottom, plot.right, plot.bottom))
        if layout.points:
            painter.setPen(QPen(QColor(colors.line), 3.0))
            for run in layout.lines:
                for (x1, y1), (x2, y2) in zip(run, run[1:], strict=False):
                    painter.drawLine(QLineF(x1, y1, x2, y2))
            painter.setBrush(QBrush(QColor(colors.background)))
            painter.setPen(QPen(QColor(colors.line), 2.5))
            for x, y in layout.points:
                painter.drawEllipse(QPointF(x, y), POINT_RADIUS - 0.5, POINT_RADIUS - 0.5)
        for placed in layout.texts:
            painter.setFont(fonts.font(placed.role))
            muted = placed.role in ("axis", "note")
            box = placed.box
            if layout.points and placed.role == "value":  # a halo: the line may pass behind a value
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(QColor(colors.background)))
                painter.drawRoundedRect(QRectF(box.x - 3, box.y, box.w + 6, box.h), 3, 3)
            painter.setPen(QColor(colors.muted if muted else colors.text))
            # Drawn in its own box, left-aligned: the box was made as wide as the text.
            painter.drawText(QRectF(box.x, box.y, box.w + 2, box.h),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), placed.text)
    finally:
        painter.restore()


def _render(chart: Chart, style: ChartStyle, scale: float, colors: ChartColors,
            empty_text: str) -> ChartPicture:
    # Everything Qt made here is gone when this returns, before a temporary application shuts down.
    fonts = ChartFonts(style)
    layout = layout_chart(chart, fonts, style, empty_text=empty_text)
    width, height = max(round(style.width * scale), 1), max(round(style.height * scale), 1)
    # Opaque: a chart has its own background, and PNG encodes three channels a third faster than four.
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    # 96 dpi times the scale: a viewer that honours the resolution shows the logical size.
    dots_per_metre = round(96 / 0.0254 * scale)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor(colors.background))
    painter = QPainter(image)
    try:
        paint_chart(painter, chart, layout, fonts, colors)
    finally:
        painter.end()
    return ChartPicture(chart.id, chart.title, png_bytes(image), width, height)
