"""The swimlane layout alone: lanes in order, marks in their lanes, events' texts that never collide.

Most tests measure text with :class:`FixedPitch` (every character as wide as a
share of its font size), so they need no fonts and no Qt application: the
layout is geometry, not painting. One test checks that the painter's fonts
give the painter's geometry, and the property test also runs with real fonts.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, QRectF

from exports.swimlane_layout import (
    CURRENT_MARK,
    CURRENT_RING,
    FontRole,
    PlacedMark,
    SwimlaneGeometry,
    SwimlaneStyle,
    SwimlaneTexts,
    TextMeasure,
    axis_labels,
    label_rect,
    label_text,
    layout_geometry,
    layout_height,
    legend_items,
    legend_rows,
    milestone_places,
    visible_ticks,
)
from models.snapshot import EventRow, ParticipantRow, ReviewDoc
from models.swimlane import SwimlaneLayout, build_layout
from models.vocabulary import EVENT_KINDS
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EPS = 1e-6


class FixedPitch:
    """Text measured without fonts: each character ``advance`` of its font's size, lines 1.2x it."""

    def __init__(self, style: SwimlaneStyle | None = None, advance: float = 0.55) -> None:
        style = style or SwimlaneStyle()
        self.sizes: dict[FontRole, float] = {
            "normal": style.font_px, "bold": style.font_px, "small": style.small_px,
            "small_bold": style.small_px, "label": style.label_px, "label_bold": style.label_px,
        }
        self.advance = advance

    def width(self, text: str, font: FontRole) -> float:
        bold = 1.1 if font.endswith("bold") else 1.0
        return len(text) * self.sizes[font] * self.advance * bold

    def height(self, font: FontRole) -> float:
        return self.sizes[font] * 1.2


def event(event_id: int, minutes: float, text: str = "Something happened", *, who: tuple[str, ...] = ("Kim",),
          kind: str = "observation", source: str = "slack", approximate: bool = False) -> EventRow:
    return EventRow(event_id, START + timedelta(minutes=minutes), text, kind, source, approximate, who)


def review(events: tuple[EventRow, ...], people: tuple[str, ...] = ("Kim", "Alex"),
           **changes: object) -> ReviewDoc:
    doc = ReviewDoc(
        id=1, title="t", summary="", severity=None, kind="incident", status="draft", timezone="Europe/Berlin",
        template="standard", started_at=None, detected_at=None, mitigated_at=None, resolved_at=None,
        impact="", services=(), tags=(), created_at=START, updated_at=START,
        participants=tuple(ParticipantRow(i + 1, name, ("responder",) if i == 0 else (), None, "", None)
                           for i, name in enumerate(people)),
        events=events, notes=(), learnings=(), actions=(), meetings=(),
    )
    return dataclasses.replace(doc, **changes)


def labelled(geometry: SwimlaneGeometry) -> list[PlacedMark]:
    return [p for p in geometry.marks if p.label_width]


def overlap(a: QRectF, b: QRectF) -> bool:
    """Whether two boxes share more than an edge."""
    return (min(a.right(), b.right()) - max(a.left(), b.left()) > EPS
            and min(a.bottom(), b.bottom()) - max(a.top(), b.top()) > EPS)


def mark_box(p: PlacedMark) -> QRectF:
    """The box every mark shape of this size stays in (the log bar is the widest, the diamond the tallest)."""
    x, y, r = p.center.x(), p.center.y(), p.radius
    return QRectF(x - r * 1.3, y - r * 1.25, r * 2.6, r * 2.5)


# ---------------------------------------------------------------- the invariants

def check_layout(layout: SwimlaneLayout, geometry: SwimlaneGeometry, measure: TextMeasure,
                 style: SwimlaneStyle, texts: SwimlaneTexts, *, current: int | None) -> None:
    """Everything the layout promises, for any review, rectangle, view, style and way of measuring."""
    rect, plot = geometry.rect, geometry.plot
    lo, hi = geometry.view
    radius = style.mark_radius
    current = current if current is not None and layout.marks_of(current) else None

    # Lanes: one band each, top down in the layout's order, touching, none thinner than a line of text.
    lanes = len(layout.lanes)
    assert len(geometry.lane_tops) == len(geometry.lane_heights) == lanes
    assert geometry.lane_tops[0] >= rect.top()
    for index in range(lanes - 1):
        assert geometry.lane_tops[index + 1] == pytest.approx(geometry.lane_tops[index]
                                                              + geometry.lane_heights[index])
    assert geometry.axis_y == pytest.approx(geometry.lane_tops[-1] + geometry.lane_heights[-1])
    compact = measure.height("bold") + 12
    assert all(height >= compact - EPS for height in geometry.lane_heights)
    full = {geometry.lane_heights[i] for i in range(lanes) if layout.marks_in(i)}
    slim = {geometry.lane_heights[i] for i in range(lanes) if not layout.marks_in(i)}
    assert len(full) <= 1 and slim <= {compact}, "lanes with marks share the room equally; the rest are slim"
    assert plot.left() >= rect.left() + geometry.label_width - EPS
    assert plot.top() == pytest.approx(geometry.lane_top) and plot.bottom() == pytest.approx(geometry.axis_y)
    assert geometry.fraction_at(geometry.x_of(0.3)) == pytest.approx(0.3)

    # Marks: in their lane's band, near the plot, once per event and lane, in time order.
    reach = radius * 3 + EPS
    seen: set[tuple[int, int]] = set()
    last_x: dict[int, float] = {}
    for p in geometry.marks:
        lane = p.mark.lane
        top = geometry.lane_tops[lane]
        assert top < p.center.y() < top + geometry.lane_heights[lane], "a mark sits in its lane"
        assert plot.left() - reach <= p.center.x() <= plot.right() + reach
        assert (p.mark.event_id, lane) not in seen
        seen.add((p.mark.event_id, lane))
        assert p.center.x() >= last_x.get(lane, -1e18) - EPS
        last_x[lane] = p.center.x()
        found = geometry.mark_at(p.center)
        assert found is not None and found.center == p.center
    # Nothing in view is lost: a mark not drawn is covered by a drawn one of the same look.
    merge = max(radius * 0.5, 1.0)
    drawn: dict[int, list[PlacedMark]] = {}
    for p in geometry.marks:
        drawn.setdefault(p.mark.lane, []).append(p)
    for mark in layout.marks:
        if lo <= mark.x <= hi and (mark.event_id, mark.lane) not in seen:
            x = geometry.x_of(mark.x)
            assert any(p.mark.how == mark.how and p.mark.approximate == mark.approximate
                       and abs(p.center.x() - x) < merge + EPS for p in drawn.get(mark.lane, ())), mark
    if current is not None:
        for p in geometry.marks:
            if p.mark.event_id == current:
                assert p.radius == pytest.approx(radius * CURRENT_MARK)
                assert p.center.y() == pytest.approx(geometry.lane_centre(p.mark.lane))

    # Events' texts: once per event, on a track the lane has, inside the lane, never over another text,
    # clear of the marks (the current event's text may be forced beside its ring), within the budget.
    tall_enough = 2 * (measure.height("label_bold") + radius * CURRENT_MARK * CURRENT_RING + 1)
    edge = plot.right() + radius * 2
    widest = max(plot.width() * 0.55, style.min_label)
    chosen = labelled(geometry)
    assert len({p.mark.event_id for p in chosen}) == len(chosen), "an event's text is shown once"
    boxes: list[tuple[PlacedMark, QRectF]] = []
    for p in chosen:
        is_current = p.mark.event_id == current
        text = label_text(p.mark)
        assert text
        assert p.label_track in (-1, 0, 1)
        if p.label_track:
            assert geometry.lane_heights[p.mark.lane] >= tall_enough
            assert p.label_left == pytest.approx(p.center.x() - radius)
        else:
            ring = CURRENT_RING if is_current else 1.35
            assert p.label_left == pytest.approx(p.center.x() + p.radius * ring + style.gap)
        want = min(measure.width(text, "label_bold" if is_current else "label") + 2, widest)
        assert p.label_width == pytest.approx(want) or style.min_label - EPS <= p.label_width < want
        assert p.label_width <= widest + EPS
        box = label_rect(p, geometry, measure, style, current=is_current)
        band = geometry.lane_rect(p.mark.lane)
        assert band.top() - EPS <= box.top() and box.bottom() <= band.bottom() + EPS, "text stays in its lane"
        if not is_current:
            assert box.right() + style.gap <= edge + EPS
            for placed in geometry.marks:
                if placed.mark.lane == p.mark.lane and placed.radius == radius:
                    assert not overlap(box, mark_box(placed)), (p, placed)
        boxes.append((p, box))
    for index, (p, box) in enumerate(boxes):
        for q, other in boxes[index + 1:]:
            assert not overlap(box, other), (p, q)
    budget = max(6, int(plot.width() / 40))
    assert len([p for p in chosen if p.mark.event_id != current]) <= budget
    if current is not None and label_text(layout.marks_of(current)[0]):
        current_in_view = [p for p in geometry.marks if p.mark.event_id == current]
        assert not current_in_view or any(p.label_width for p in current_in_view), "the current one is named"

    # Milestones: labels in the band above the lanes, inside the chart, not over each other.
    places = milestone_places(layout, geometry, measure, style, texts)
    assert len(places) == sum(1 for m in layout.milestones if lo <= m.x <= hi)
    shown = [place.box for place in places if place.box is not None]
    for index, box in enumerate(shown):
        assert box.top() >= rect.top() and box.bottom() <= geometry.lane_top + EPS
        assert box.right() <= rect.right() - 2 + EPS
        assert all(not overlap(box, other) for other in shown[index + 1:])
    assert all(place.line_top <= geometry.axis_y for place in places)

    # Axis: tick texts inside the chart's right edge.
    for tick in axis_labels(geometry, visible_ticks(layout, geometry, style), measure):
        assert tick.left + measure.width(tick.text, "small") <= rect.right() - 2 + EPS

    # Legend: every item once, rows no wider than the chart unless one item alone is.
    rows = legend_rows(layout, rect.width(), measure, style, texts, show_current=current is not None)
    assert [item[:2] for row in rows for item in row] == legend_items(layout, texts,
                                                                      show_current=current is not None)
    for row in rows:
        assert len(row) == 1 or sum(item.width for item in row) <= max(rect.width() - 16, 40.0) + EPS


# ---------------------------------------------------------------- examples

def test_lanes_are_ordered_top_down_and_touch() -> None:
    """Systems first, then participants in the review's order, then names on events only; slim when empty."""
    doc = review((event(1, 0, who=("Kim",)), event(2, 5, who=("Robin",))), people=("Kim", "Alex"))
    layout = build_layout(doc)
    assert [lane.label for lane in layout.lanes] == ["Systems & alerts", "Kim", "Alex", "Robin"]
    measure = FixedPitch()
    geometry = layout_geometry(QRectF(10, 20, 800, 500), layout, measure)
    tops = geometry.lane_tops
    assert tops == sorted(tops) and tops[0] > 20
    compact = measure.height("bold") + 12
    # Alex and the systems lane have no marks: slim; Kim and Robin share the rest.
    assert geometry.lane_heights[0] == geometry.lane_heights[2] == compact
    assert geometry.lane_heights[1] == geometry.lane_heights[3] > compact
    check_layout(layout, geometry, measure, SwimlaneStyle(), SwimlaneTexts(), current=None)


def test_natural_height_gives_every_lane_its_own_height() -> None:
    """At layout_height, lanes with marks are style.lane_height tall and everything fits."""
    layout = build_layout(review((event(1, 0), event(2, 30, who=("Alex",)))))
    measure, style = FixedPitch(), SwimlaneStyle(lane_height=64.0)
    height = layout_height(layout, 700, measure, style=style)
    geometry = layout_geometry(QRectF(0, 0, 700, height), layout, measure, style=style)
    assert geometry.lane_heights[1:] == [64.0, 64.0]
    assert geometry.axis_y < height


def test_crowded_lane_texts_do_not_overlap() -> None:
    """Forty events a minute apart in one lane: the texts shown sit apart, and off the marks."""
    events = tuple(event(i, i, f"Step {i}: the checkout retried the payment call") for i in range(40))
    layout = build_layout(review(events))
    measure = FixedPitch()
    geometry = layout_geometry(QRectF(0, 0, 900, 400), layout, measure)
    chosen = labelled(geometry)
    assert len(chosen) >= 6
    check_layout(layout, geometry, measure, SwimlaneStyle(), SwimlaneTexts(), current=None)


def test_short_lanes_only_have_the_middle_track() -> None:
    """A lane too short for text above and below its marks puts texts beside them."""
    events = tuple(event(i, i * 10, f"Event {i}") for i in range(5))
    layout = build_layout(review(events))
    measure, style = FixedPitch(), SwimlaneStyle(lane_height=30.0)
    geometry = layout_geometry(QRectF(0, 0, 900, 160), layout, measure, style=style)
    assert labelled(geometry) and all(p.label_track == 0 for p in labelled(geometry))
    check_layout(layout, geometry, measure, style, SwimlaneTexts(), current=None)


def test_the_current_event_is_named_first_and_drawn_bigger() -> None:
    """Even in a crowd, the current event carries its text, on its lane's middle line, enlarged."""
    events = tuple(event(i, i * 0.2, f"Message {i}", kind="detection") for i in range(60))
    layout = build_layout(review(events))
    measure = FixedPitch()
    geometry = layout_geometry(QRectF(0, 0, 500, 300), layout, measure, current_event_id=37)
    current = [p for p in geometry.marks if p.mark.event_id == 37]
    assert current and any(p.label_width for p in current)
    assert all(p.radius == SwimlaneStyle().mark_radius * CURRENT_MARK for p in current)
    check_layout(layout, geometry, measure, SwimlaneStyle(), SwimlaneTexts(), current=37)


def test_turning_points_are_named_before_the_rest() -> None:
    """With room for a few texts only, the detection is named and the chatter is not."""
    chatter = tuple(event(i, i, f"Chatter {i}", kind="communication") for i in range(1, 40))
    alert = event(99, 20.5, "Alert fires", kind="detection", source="pagerduty")
    layout = build_layout(review((*chatter, alert)))
    geometry = layout_geometry(QRectF(0, 0, 400, 300), layout, FixedPitch())
    named = {p.mark.event_id for p in labelled(geometry)}
    assert 99 in named and len(named) <= 6


def test_milestone_labels_take_two_rows_then_leave_the_text_out() -> None:
    """Three of the review's times at once: two labels stack above the lanes, the third has only its line."""
    moment = START + timedelta(minutes=10)
    doc = review((event(1, 0), event(2, 20)), started_at=moment, detected_at=moment, mitigated_at=moment)
    layout = build_layout(doc)
    measure = FixedPitch()
    geometry = layout_geometry(QRectF(0, 0, 800, 400), layout, measure)
    places = milestone_places(layout, geometry, measure, SwimlaneStyle(), SwimlaneTexts())
    assert [place.text for place in places] == ["Started", "Detected", "Mitigated"]
    first, second, third = (place.box for place in places)
    assert first is not None and second is not None and third is None
    assert second.bottom() <= first.top() + EPS
    assert places[2].line_top == geometry.lane_top


def test_view_range_places_only_what_is_in_view() -> None:
    """Zoomed to the first quarter, later marks are not placed; x maps through the view."""
    layout = build_layout(review(tuple(event(i, i * 10) for i in range(10))))
    geometry = layout_geometry(QRectF(0, 0, 800, 400), layout, FixedPitch(), view_range=(0.0, 0.25))
    assert geometry.marks and all(p.mark.x <= 0.25 + 0.01 for p in geometry.marks)
    assert geometry.x_of(0.25) == pytest.approx(geometry.plot.right())


def test_empty_layout_has_nothing_to_place() -> None:
    geometry = layout_geometry(QRectF(0, 0, 400, 200), build_layout(review(())), FixedPitch())
    assert geometry.marks == [] and geometry.lane_tops == [] and geometry.mark_at(QPointF(200, 100)) is None


def test_layout_needs_no_gui(tmp_path: Path) -> None:
    """The layout is computed without QtGui and without a Qt application (a fresh process checks)."""
    script = tmp_path / "layout.py"
    script.write_text(
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication, QRectF\n"
        "from exports.swimlane_layout import layout_geometry\n"
        "from models.swimlane import build_layout\n"
        "from tests.exports.test_swimlane_layout import FixedPitch, event, review\n"
        "doc = review(tuple(event(i, i * 2, f'Event {i}') for i in range(30)))\n"
        "geometry = layout_geometry(QRectF(0, 0, 800, 400), build_layout(doc), FixedPitch())\n"
        "assert QCoreApplication.instance() is None\n"
        "gui = sorted(m for m in sys.modules if m.startswith(('PySide6.QtGui', 'PySide6.QtWidgets')))\n"
        "assert not gui, gui\n"
        "sys.stdout.write(str(sum(1 for p in geometry.marks if p.label_width)))\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 6


def test_the_painters_fonts_give_the_painters_geometry(qapp: Any) -> None:
    """Measured with the painter's fonts, the layout is exactly what the painter draws."""
    from PySide6.QtGui import QFont

    from exports.swimlane_painter import ChartFonts, swimlane_geometry

    layout = build_layout(review(tuple(event(i, i * 4, f"Event number {i}") for i in range(25))))
    rect = QRectF(0, 0, 700, 380)
    ours = layout_geometry(rect, layout, ChartFonts(QFont(), SwimlaneStyle()), current_event_id=7)
    theirs = swimlane_geometry(rect, layout, current_event_id=7, font=QFont())
    assert ours == theirs


# ---------------------------------------------------------------- any review, any rectangle

NAMES = ("Kim", "Alex", "Robin Oduya-Lindqvist", "Ana", "李雷")
SOURCES = ("pagerduty alert", "slack #inc", "grafana dashboard", "told by Sam", "deploy log", "", "phone")
ZONES = ("UTC", "Europe/Berlin", "Asia/Tehran", "America/St_Johns")
# What the layout reads of a text is its first line and its width: words of any sort and length do.
WORDS = ("a", "Checkout", "errors", "spiked", "after", "the", "deploy", "李雷", "מה", "👩‍👩‍👧", "x" * 120,
         "\n", "\r\n", "\t", "\u2028", "\u200f", " ")
TEXTS = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
KINDS = (*EVENT_KINDS, "unknown")
#: Some times repeat: marks at the same moment must still be placed apart, their texts not stacked.
OFFSETS = st.one_of(st.floats(0, 1), st.sampled_from((0.5, 0.5001, 0.502)))
EVENT = st.tuples(OFFSETS, TEXTS, st.sampled_from(KINDS), st.sampled_from(SOURCES), st.booleans(),
                  st.lists(st.sampled_from((*NAMES, "Ghost")), max_size=3, unique=True))


@st.composite
def charts(draw: st.DrawFn) -> tuple[SwimlaneLayout, QRectF, dict[str, Any], SwimlaneStyle]:
    """A review's layout (clustered and spread events, any names, milestones), a rectangle and a view."""
    span = timedelta(seconds=draw(st.integers(1, 40 * 86400)))
    people = draw(st.lists(st.sampled_from(NAMES), max_size=5))
    # As many events as drawn (Hypothesis left to itself keeps lists short: crowded charts matter here).
    count = draw(st.integers(1, 40))
    events = tuple(EventRow(100 + index, START + span * offset, text, kind, source, approximate, tuple(who))
                   for index, (offset, text, kind, source, approximate, who) in enumerate(
                       draw(st.lists(EVENT, min_size=count, max_size=count))))
    milestones = {name: START + span * draw(st.floats(-0.2, 1.2)) for name in
                  ("started_at", "detected_at", "mitigated_at", "resolved_at") if draw(st.booleans())}
    doc = review(events, tuple(people), timezone=draw(st.sampled_from(ZONES)), **milestones)
    width, height = draw(st.floats(120, 2400)), draw(st.floats(60, 1500))
    rect = QRectF(draw(st.floats(-50, 50)), draw(st.floats(-50, 50)), width, height)
    shown = draw(st.floats(0.001, 1.0))
    lo = draw(st.floats(0.0, 1.0 - shown))
    ids = [e.id for e in events]
    options = {
        "view_range": (lo, lo + shown),
        "current_event_id": draw(st.none() | st.sampled_from((*ids, 9999))),
        "hovered_event_id": draw(st.none() | st.sampled_from(ids)),
    }
    style = SwimlaneStyle(lane_height=draw(st.floats(20, 120)))
    return build_layout(doc), rect, options, style


@pytest.mark.fuzz
@given(chart=charts(), advance=st.floats(0.3, 1.0))
def test_any_chart_keeps_its_promises(chart: tuple[SwimlaneLayout, QRectF, dict[str, Any], SwimlaneStyle],
                                      advance: float) -> None:
    """Any review in any rectangle and view: lanes in order, marks in their lanes, no text over another."""
    layout, rect, options, style = chart
    measure = FixedPitch(style, advance)
    texts = SwimlaneTexts()
    geometry = layout_geometry(rect, layout, measure, style=style, texts=texts, **options)
    check_layout(layout, geometry, measure, style, texts, current=options["current_event_id"])


@pytest.mark.fuzz
@settings(max_examples=max(20, EXAMPLES // 4))
@given(chart=charts())
def test_any_chart_keeps_its_promises_in_real_fonts(
        chart: tuple[SwimlaneLayout, QRectF, dict[str, Any], SwimlaneStyle], qapp: Any) -> None:
    """The same, measured with the fonts the painter draws with."""
    from PySide6.QtGui import QFont

    from exports.swimlane_painter import ChartFonts

    layout, rect, options, style = chart
    measure = ChartFonts(QFont(), style)
    texts = SwimlaneTexts()
    geometry = layout_geometry(rect, layout, measure, style=style, texts=texts, **options)
    check_layout(layout, geometry, measure, style, texts, current=options["current_event_id"])
