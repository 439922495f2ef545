"""Pattern charts: what each chart says, where its texts go (never over each other), the PNGs.

Layout tests measure text with :class:`FixedPitch` (no fonts, no Qt
application): the layout is geometry. The property tests run with it and, with
fewer examples, with the painter's real fonts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QImage

from exports.pattern_charts import (
    PNG_SCALE,
    Bar,
    BarChart,
    Box,
    Chart,
    ChartFonts,
    ChartLayout,
    ChartStyle,
    ColumnChart,
    LineChart,
    LinePoint,
    PatternTexts,
    TextMeasure,
    TextRole,
    describe_charts,
    elide,
    layout_chart,
    render_chart_png,
    render_pattern_charts,
)
from models.metrics import METRIC_IDS
from models.patterns import Count, MetricTrend, MonthMedian, Patterns, Ranking, SeverityMonths
from models.vocabulary import LEARNING_CATEGORIES
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHART_IDS = ["per-month", *METRIC_IDS, "services", "tags", "learnings", "surprises"]


class FixedPitch:
    """Text measured without fonts: each character ``advance`` of its font's size, lines 1.25x it."""

    def __init__(self, style: ChartStyle | None = None, advance: float = 0.55) -> None:
        self.style = style or ChartStyle()
        self.advance = advance

    def width(self, text: str, role: TextRole) -> float:
        return len(text) * self.style.px(role) * self.advance

    def height(self, role: TextRole) -> float:
        return self.style.px(role) * 1.25


def sample_patterns(**changes: Any) -> Patterns:
    months = tuple(f"2025-{m:02d}" for m in range(1, 13))
    found = Patterns(
        reviews=30,
        per_month=SeverityMonths(months, ("SEV1", "SEV2", None),
                                 tuple((m % 2, m % 3, 1) for m in range(12))),
        metrics=tuple(MetricTrend(m, m, (MonthMedian("2025-01", 12.0, 3), MonthMedian("2025-03", 95.5, 1)))
                      for m in METRIC_IDS),
        services=Ranking((Count("checkout", 9), Count("payments-gateway", 4), Count(None, 2)), 3, 5),
        tags=Ranking((Count("config", 5),)),
        learnings=tuple(Count(c, i) for i, c in enumerate(LEARNING_CATEGORIES)),
        surprises=Ranking((Count("checkout", 7),)),
    )
    return Patterns(**{**found.__dict__, **changes})


def texts_of(layout: ChartLayout) -> list[str]:
    return [t.text for t in layout.texts]


def assert_keeps_its_promises(layout: ChartLayout) -> None:
    """Every text inside the picture, no two texts over each other, bars and points in the plot."""
    canvas = layout.canvas
    for placed in layout.texts:
        assert placed.box.inside(canvas), placed
        assert placed.text.strip(), placed
    for i, a in enumerate(layout.texts):
        for b in layout.texts[i + 1:]:
            assert not a.box.overlaps(b.box), (a, b)
    if layout.plot is not None:
        assert layout.plot.inside(canvas)
        for bar in layout.bars:
            assert bar.box.inside(layout.plot, slack=1e-3), bar
        for x, y in layout.points:
            assert layout.plot.x - 1e-6 <= x <= layout.plot.right + 1e-6
            assert layout.plot.y - 1e-6 <= y <= layout.plot.bottom + 1e-6
    for swatch in layout.swatches:
        assert swatch.box.inside(canvas)
        assert not any(swatch.box.overlaps(t.box) for t in layout.texts)


# ---------------------------------------------------------------- describing

def test_every_pattern_has_its_chart_in_the_page_order() -> None:
    """Per month, the three time metrics, services, tags, learnings, surprises."""
    charts = describe_charts(sample_patterns())
    assert [c.id for c in charts] == CHART_IDS
    assert isinstance(charts[0], ColumnChart)
    assert all(isinstance(c, LineChart) and c.durations for c in charts[1:4])
    assert all(isinstance(c, BarChart) for c in charts[4:])


def test_names_and_values_come_from_the_data() -> None:
    """Services as bars with their counts; a review without services says so; the rest is a note."""
    services = describe_charts(sample_patterns())[4]
    assert isinstance(services, BarChart)
    assert services.bars == (Bar("checkout", 9, "9"), Bar("payments-gateway", 4, "4"),
                             Bar("no service named", 2, "2"))
    assert (services.others, services.others_total) == (3, 5)
    layout = layout_chart(services, FixedPitch())
    assert {"Most frequent services", "checkout", "9", "+ 3 more (5 in all)", "reviews naming the service"} \
        <= set(texts_of(layout))


def test_severity_columns_stack_and_name_their_severities() -> None:
    """A legend of the severities, no severity in grey last; each month's total over its column."""
    chart = describe_charts(sample_patterns())[0]
    assert isinstance(chart, ColumnChart)
    assert chart.series == ("SEV1", "SEV2", "no severity")
    assert chart.colors[-1] == 7
    layout = layout_chart(chart, FixedPitch())
    assert {"SEV1", "SEV2", "no severity", "reviews", "month (UTC)"} <= set(texts_of(layout))
    assert len(layout.swatches) == 3
    assert len(layout.bars) == sum(1 for row in chart.values for v in row if v)


def test_time_metrics_are_lines_over_every_month_between_the_first_and_last() -> None:
    """Months without a value are gaps: the line is drawn in runs; values read as durations."""
    chart = describe_charts(sample_patterns())[1]
    assert isinstance(chart, LineChart)
    assert chart.categories == ("2025-01", "2025-02", "2025-03")
    assert chart.points == (LinePoint(0, 12.0, "12 min"), LinePoint(2, 95.5, "1 h 36 min"))
    layout = layout_chart(chart, FixedPitch())
    assert len(layout.lines) == 2 and len(layout.points) == 2
    assert {"12 min", "1 h 36 min"} <= set(texts_of(layout))


def test_translated_words_are_used() -> None:
    """The view's words (titles, captions, none-labels) replace the English ones."""
    texts = PatternTexts(services="Häufigste Dienste", no_service="kein Dienst")
    services = describe_charts(sample_patterns(), texts)[4]
    assert services.title == "Häufigste Dienste"
    assert isinstance(services, BarChart) and services.bars[-1].label == "kein Dienst"


def test_an_empty_library_draws_empty_charts() -> None:
    """No data: every chart says so instead of drawing an axis over nothing."""
    empty = Patterns(0, SeverityMonths((), (), ()), tuple(MetricTrend(m, m, ()) for m in METRIC_IDS),
                     Ranking(()), Ranking(()), tuple(Count(c, 0) for c in LEARNING_CATEGORIES), Ranking(()))
    for chart in describe_charts(empty):
        layout = layout_chart(chart, FixedPitch())
        assert layout.plot is None
        assert texts_of(layout) == [chart.title, "No data yet"]


# ---------------------------------------------------------------- layout

def test_month_labels_follow_the_calendar_when_not_all_fit() -> None:
    """Five years of months: labels on a steady calendar rhythm (here each January), never touching."""
    months = tuple(f"{y}-{m:02d}" for y in range(2021, 2026) for m in range(1, 13))
    chart = ColumnChart("c", "t", "reviews", "month", months, ("SEV1",), tuple((1,) for _ in months))
    layout = layout_chart(chart, FixedPitch())
    labels = [t for t in texts_of(layout) if t in months]
    assert labels == list(months[::12])
    assert_keeps_its_promises(layout)


def test_all_month_labels_when_they_fit() -> None:
    months = ("2025-01", "2025-02", "2025-03")
    chart = ColumnChart("c", "t", "reviews", "month", months, ("SEV1",), ((1,), (2,), (3,)))
    assert [t for t in texts_of(layout_chart(chart, FixedPitch())) if t in months] == list(months)


def test_long_names_are_elided_to_their_column() -> None:
    """A service name longer than the picture ends in "…" within the names' share of the width."""
    name = "an-extremely-long-service-name-" * 6
    chart = BarChart("s", "t", "reviews", "service", (Bar(name, 3, "3"), Bar("short", 1, "1")))
    style = ChartStyle()
    layout = layout_chart(chart, FixedPitch(style), style)
    shown = next(t for t in layout.texts if t.text.startswith("an-extremely"))
    assert shown.text.endswith("…") and name.startswith(shown.text[:-1])
    assert shown.box.w <= (style.width - 2 * style.margin) * style.label_share + 1e-6
    assert_keeps_its_promises(layout)


def test_bars_that_do_not_fit_are_counted_in_the_note() -> None:
    """Forty names in a short picture: those that fit are drawn, the rest said under them."""
    bars = tuple(Bar(f"service-{i}", 40 - i, str(40 - i)) for i in range(40))
    chart = BarChart("s", "t", "reviews", "service", bars, 2, 3)
    layout = layout_chart(chart, FixedPitch(), ChartStyle(height=300))
    drawn = len(layout.bars)
    assert 0 < drawn < 40
    left_out = sum(40 - i for i in range(drawn, 40)) + 3
    assert f"+ {40 - drawn + 2} more ({left_out} in all)" in texts_of(layout)
    assert_keeps_its_promises(layout)


def test_a_long_line_names_its_latest_highest_and_lowest_values() -> None:
    """Five years of medians: not every value is written, but the telling ones are."""
    months = tuple(f"{y}-{m:02d}" for y in range(2021, 2026) for m in range(1, 13))
    values = [100.0 + (i * 7) % 23 for i in range(len(months))]
    values[10], values[40] = 300.0, 40.0
    chart = LineChart("l", "t", "median", "month", months,
                      tuple(LinePoint(i, v, f"{v:g} min") for i, v in enumerate(values)), durations=True)
    layout = layout_chart(chart, FixedPitch())
    shown = set(texts_of(layout))
    assert {"300 min", "40 min", f"{values[-1]:g} min"} <= shown
    assert len([t for t in layout.texts if t.role == "value"]) < len(values)
    assert_keeps_its_promises(layout)


@given(text=st.text(max_size=60), room=st.floats(0, 400))
def test_elide_fits_the_room_and_keeps_the_start(text: str, room: float) -> None:
    measure = FixedPitch()
    shown = elide(text, "label", room, measure)
    assert measure.width(shown, "label") <= room + 1e-9
    one_line = " ".join(text.split())
    assert shown == one_line or shown == "" or (shown.endswith("…") and one_line.startswith(shown[:-1]))


# ---------------------------------------------------------------- any chart keeps its promises

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip)
counts = st.integers(0, 10_000)


@st.composite
def charts(draw: st.DrawFn) -> Chart:
    kind = draw(st.sampled_from(["bars", "columns", "line"]))
    title = draw(names)
    if kind == "bars":
        values = draw(st.lists(counts, max_size=25))
        bars = tuple(Bar(draw(names), v, str(v)) for v in sorted(values, reverse=True))
        return BarChart("b", title, draw(names), draw(names), bars, draw(st.integers(0, 99)), draw(counts))
    months = draw(st.integers(1, 150))
    categories = tuple(f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(months))
    if kind == "columns":
        series = tuple(draw(st.lists(names, min_size=1, max_size=9)))
        values = tuple(tuple(draw(st.lists(st.integers(0, 60), min_size=len(series), max_size=len(series))))
                       for _ in categories)
        return ColumnChart("c", title, draw(names), draw(names), categories, series, values)
    slots = sorted(draw(st.sets(st.integers(0, months - 1), max_size=months)))
    points = tuple(LinePoint(s, v, f"{v:g}") for s in slots
                   for v in [draw(st.floats(0, 100_000, allow_nan=False))])
    return LineChart("l", title, draw(names), draw(names), categories, points, durations=draw(st.booleans()))


styles = st.builds(ChartStyle, width=st.floats(480, 1600), height=st.floats(300, 900))


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(chart=charts(), style=styles, advance=st.floats(0.3, 1.0))
def test_any_chart_keeps_its_promises(chart: Chart, style: ChartStyle, advance: float) -> None:
    """Random charts, sizes and text widths: texts inside and apart, bars and points in the plot."""
    assert_keeps_its_promises(layout_chart(chart, FixedPitch(style, advance), style))


@pytest.mark.fuzz
@settings(max_examples=max(20, EXAMPLES // 4))
@given(chart=charts(), style=styles)
def test_any_chart_keeps_its_promises_in_real_fonts(qapp: Any, chart: Chart, style: ChartStyle) -> None:
    """The same with the fonts the picture is drawn with."""
    assert_keeps_its_promises(layout_chart(chart, ChartFonts(style), style))


# ---------------------------------------------------------------- pictures

def test_each_chart_is_a_png_of_the_charts_size(qapp: Any) -> None:
    """Eight PNGs that decode, 800 × 450 logical at twice the pixels."""
    pictures = render_pattern_charts(sample_patterns())
    assert [p.id for p in pictures] == CHART_IDS
    for picture in pictures:
        assert picture.png.startswith(PNG_SIGNATURE)
        image = QImage.fromData(picture.png)
        assert not image.isNull()
        assert (image.width(), image.height()) == (picture.width, picture.height) == (1600, 900)


def test_size_and_scale_can_be_chosen(qapp: Any) -> None:
    chart = describe_charts(sample_patterns())[4]
    picture = render_chart_png(chart, style=ChartStyle(width=640, height=360), scale=1.5)
    image = QImage.fromData(picture.png)
    assert (image.width(), image.height()) == (960, 540)
    assert PNG_SCALE == 2.0


def test_the_bars_are_painted_where_the_layout_put_them(qapp: Any) -> None:
    """The first bar's middle is the bar colour in the picture; the background is white."""
    chart = describe_charts(sample_patterns())[4]
    style = ChartStyle()
    layout = layout_chart(chart, ChartFonts(style), style)
    image = QImage.fromData(render_chart_png(chart, style=style).png)
    box: Box = layout.bars[0].box
    middle = image.pixelColor(round((box.x + box.w / 2) * PNG_SCALE), round((box.y + box.h / 2) * PNG_SCALE))
    assert middle.name() == "#0072b2"
    assert image.pixelColor(2, 2).name() == "#ffffff"


def test_charts_draw_without_a_display(tmp_path: Path) -> None:
    """No QApplication and no display at all (the command line, a report): a headless one draws."""
    script = tmp_path / "render.py"
    script.write_text(
        "from tests.exports.test_pattern_charts import sample_patterns\n"
        "from exports.pattern_charts import render_pattern_charts\n"
        "print(sum(len(p.png) for p in render_pattern_charts(sample_patterns())))\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT,
                          env={**env, "DISPLAY": ":97", "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 8 * 1000


def test_layout_needs_no_qt_application() -> None:
    """describe and lay out with any measure: no fonts, no paint device."""
    measure: TextMeasure = FixedPitch()
    for chart in describe_charts(sample_patterns()):
        assert_keeps_its_promises(layout_chart(chart, measure))
