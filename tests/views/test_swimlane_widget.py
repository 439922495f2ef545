"""The swimlane widget: zoom, pan, hover, click, and the current event of the walkthrough."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest

from models.snapshot import EventRow, ParticipantRow, ReviewDoc
from views.swimlane_widget import SwimlaneWidget


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def review(**changes: object) -> ReviewDoc:
    """Kim and Alex over an hour in Europe/Berlin: a deploy, an alert to both, an approximate chat."""
    doc = ReviewDoc(
        id=1, title="t", summary="", severity=None, kind="incident", status="draft", timezone="Europe/Berlin",
        template="standard", started_at=at(9, 0), detected_at=None, mitigated_at=None, resolved_at=None,
        impact="", services=(), tags=(), created_at=at(12, 0), updated_at=at(12, 0),
        participants=(ParticipantRow(1, "Kim", ("responder",), None, "", None),
                      ParticipantRow(2, "Alex", ("incident-commander",), None, "", None)),
        events=(
            EventRow(10, at(9, 3), "Config pushed", "change", "deploy log", False, ("Kim",)),
            EventRow(11, at(9, 21), "Checkout 5xx alert", "detection", "pagerduty alert", False,
                     ("Kim", "Alex")),
            EventRow(12, at(9, 58), "Rolled back", "mitigation", "slack #inc", True, ("Alex",)),
        ),
        notes=(), learnings=(), actions=(), meetings=(),
    )
    return dataclasses.replace(doc, **changes)


@pytest.fixture
def widget(qtbot: Any) -> SwimlaneWidget:
    view = SwimlaneWidget()
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show_review(review())
    view.show()
    qtbot.waitExposed(view)
    return view


def point(view: SwimlaneWidget, event_id: int, lane: int | None = None) -> QPoint:
    center = view.mark_center(event_id, lane)
    assert center is not None, f"event {event_id} is not in view"
    return center.toPoint()


def hover(view: SwimlaneWidget, pos: QPoint) -> None:
    """Move the mouse to ``pos`` over ``view``.

    Qt sends no move event when the cursor is already where it is asked to go
    (say, where an earlier test left it), so it first moves one pixel off.
    """
    QTest.mouseMove(view, pos + QPoint(1, 1))
    QTest.mouseMove(view, pos)


def span(view: SwimlaneWidget) -> float:
    lo, hi = view.view_range()
    return hi - lo


def test_starts_showing_everything(widget: SwimlaneWidget) -> None:
    """A review opens zoomed out, with a lane for systems and one per participant."""
    layout = widget.chart_layout()
    assert widget.view_range() == (0.0, 1.0)
    assert layout is not None and [lane.label for lane in layout.lanes] == ["Systems & alerts", "Kim", "Alex"]


def test_zoom_in_and_out_change_the_visible_range(qtbot: Any, widget: SwimlaneWidget) -> None:
    """+ narrows the visible time range, - widens it again."""
    before = widget.visible_times()
    widget.setFocus()
    with qtbot.waitSignal(widget.view_changed, timeout=1000):
        QTest.keyClick(widget, Qt.Key.Key_Plus)
    zoomed = widget.visible_times()
    assert before is not None and zoomed is not None
    assert zoomed[1] - zoomed[0] < before[1] - before[0]
    QTest.keyClick(widget, Qt.Key.Key_Minus)
    assert widget.view_range() == pytest.approx((0.0, 1.0))


def test_wheel_zooms_around_the_pointer(widget: SwimlaneWidget) -> None:
    """A wheel notch over a mark zooms in and keeps that mark under the pointer."""
    target = point(widget, 12)
    event = QWheelEvent(QPointF(target), QPointF(widget.mapToGlobal(target)), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    widget.wheelEvent(event)
    assert span(widget) == pytest.approx(1 / SwimlaneWidget.ZOOM_STEP)
    after = widget.mark_center(12)
    assert after is not None and abs(after.x() - target.x()) <= 2


def test_zoom_stops_at_two_minutes(widget: SwimlaneWidget) -> None:
    """However often one zooms in, the view stays at least two minutes wide."""
    for _ in range(40):
        widget.zoom_in()
    times = widget.visible_times()
    assert times is not None and (times[1] - times[0]).total_seconds() == pytest.approx(120)


def test_arrow_keys_pan_and_zero_resets(widget: SwimlaneWidget) -> None:
    """Zoomed in, → moves later in time, ← earlier, 0 shows everything again."""
    widget.zoom_in()
    widget.zoom_in()
    widget.setFocus()
    lo = widget.view_range()[0]
    QTest.keyClick(widget, Qt.Key.Key_Right)
    assert widget.view_range()[0] > lo
    QTest.keyClick(widget, Qt.Key.Key_Left)
    assert widget.view_range()[0] == pytest.approx(lo)
    QTest.keyClick(widget, Qt.Key.Key_0)
    assert widget.view_range() == (0.0, 1.0)


def test_drag_pans(widget: SwimlaneWidget) -> None:
    """Dragging to the left shows later times."""
    widget.zoom_in()
    widget.zoom_in()
    lo = widget.view_range()[0]
    start = QPoint(450, 200)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(widget, QPoint(400, 200))
    QTest.mouseMove(widget, QPoint(300, 200))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, 200))
    assert widget.view_range()[0] > lo


def test_hover_over_a_mark_shows_its_event(qtbot: Any, widget: SwimlaneWidget) -> None:
    """Moving the mouse onto a mark makes it the hovered event, and its tooltip tells the event."""
    target = point(widget, 11, lane=1)
    hover(widget, target)
    qtbot.waitUntil(lambda: widget.hovered_event() == 11)
    text = widget.tooltip_text_at(QPointF(target))
    assert text is not None
    assert text.split("\n") == [
        "2026-03-02 10:21 CET · Detection",
        "Checkout 5xx alert",
        "Source: pagerduty alert (Alert)",
        "Who: Kim, Alex",
    ]


def test_tooltip_marks_approximate_time(widget: SwimlaneWidget) -> None:
    """An approximate event's tooltip says so."""
    text = widget.tooltip_text_at(QPointF(point(widget, 12)))
    assert text is not None and text.startswith("≈ 2026-03-02 10:58 CET (approximate) · Mitigation")


def test_nothing_to_show_between_marks(qtbot: Any, widget: SwimlaneWidget) -> None:
    """Away from any mark there is no tooltip and nothing hovered."""
    hover(widget, point(widget, 11, lane=1))
    qtbot.waitUntil(lambda: widget.hovered_event() == 11)
    empty = QPoint(point(widget, 11, lane=1).x() + 60, point(widget, 11, lane=1).y())
    hover(widget, empty)
    qtbot.waitUntil(lambda: widget.hovered_event() is None)
    assert widget.tooltip_text_at(QPointF(empty)) is None


def test_click_on_a_mark_emits_its_event(qtbot: Any, widget: SwimlaneWidget) -> None:
    """Clicking a mark emits event_clicked with the event's id."""
    with qtbot.waitSignal(widget.event_clicked, timeout=1000) as blocker:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point(widget, 10))
    assert blocker.args == [10]


def test_click_beside_marks_emits_nothing(qtbot: Any, widget: SwimlaneWidget) -> None:
    """A click on an empty part of a lane is not a click on an event."""
    with qtbot.assertNotEmitted(widget.event_clicked):
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(880, 300))


def test_current_event_is_highlighted(widget: SwimlaneWidget) -> None:
    """Setting the current event changes the picture where its mark is (ring, band, line)."""
    center = point(widget, 11, lane=2)
    before = widget.grab().toImage()
    widget.set_current_event(11)
    after = widget.grab().toImage()
    assert widget.current_event() == 11
    ring = QPoint(center.x() + 12, center.y())
    assert before.pixelColor(ring) != after.pixelColor(ring)


def test_current_event_out_of_view_is_panned_to(widget: SwimlaneWidget) -> None:
    """Zoomed in at the start, making the last event current brings it into view."""
    widget.set_view_range(0.0, 0.2)
    widget.set_current_event(12)
    assert widget.mark_center(12) is not None
    assert span(widget) == pytest.approx(0.2)


def test_unknown_current_event_is_ignored(widget: SwimlaneWidget) -> None:
    """An id that is not on the chart leaves no highlight."""
    widget.set_current_event(999)
    assert widget.current_event() is None


def test_same_review_again_keeps_the_zoom(widget: SwimlaneWidget) -> None:
    """A refresh of the same review (an edit) keeps what the facilitator zoomed to; another review resets."""
    widget.zoom_in()
    zoomed = widget.view_range()
    widget.show_review(review(title="edited"))
    assert widget.view_range() == zoomed
    widget.show_review(review(id=2))
    assert widget.view_range() == (0.0, 1.0)


def test_current_event_dropped_when_it_disappears(widget: SwimlaneWidget) -> None:
    """When the current event is deleted, the highlight goes with it."""
    widget.set_current_event(12)
    doc = review()
    widget.show_review(dataclasses.replace(doc, events=doc.events[:2]))
    assert widget.current_event() is None


def test_empty_review_paints(qtbot: Any) -> None:
    """A review without events shows a message and has nothing to hover or click."""
    view = SwimlaneWidget()
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show_review(review(events=()))
    assert not view.grab().isNull()
    assert view.event_at(QPointF(200, 100)) is None


def test_no_review_paints(qtbot: Any) -> None:
    """Before any review is shown the widget paints and does nothing on input."""
    view = SwimlaneWidget()
    qtbot.addWidget(view)
    view.resize(400, 200)
    assert not view.grab().isNull()
    view.zoom_in()
    assert view.view_range() == (0.0, 1.0) and view.visible_times() is None
