"""The swimlane painter: the report PNG, where marks land, the highlight, drawing without a window."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from exports.swimlane_layout import SwimlaneGeometry
from exports.swimlane_painter import (
    REPORT_WIDTH,
    SwimlaneColors,
    natural_height,
    paint_swimlanes,
    render_png,
    swimlane_geometry,
)
from models.snapshot import EventRow, ParticipantRow, ReviewDoc
from models.swimlane import build_layout

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def review(**changes: object) -> ReviewDoc:
    """Kim (an alert at 09:23 and a chat at 09:47) and Alex (nothing), in Europe/Berlin."""
    doc = ReviewDoc(
        id=1, title="t", summary="", severity=None, kind="incident", status="draft", timezone="Europe/Berlin",
        template="standard", started_at=None, detected_at=None, mitigated_at=None, resolved_at=None,
        impact="", services=(), tags=(), created_at=at(12, 0), updated_at=at(12, 0),
        participants=(ParticipantRow(1, "Kim", ("responder",), None, "", None),
                      ParticipantRow(2, "Alex", (), None, "", None)),
        events=(EventRow(10, at(9, 23), "Alert fires", "detection", "pagerduty alert", False, ("Kim",)),
                EventRow(11, at(9, 47), "Asked in chat", "communication", "slack", False, ("Kim",))),
        notes=(), learnings=(), actions=(), meetings=(),
    )
    return dataclasses.replace(doc, **changes)


def report_geometry(doc: ReviewDoc, current_event_id: int | None = None) -> SwimlaneGeometry:
    """Where render_png puts things, in its logical (720 px wide) coordinates."""
    layout = build_layout(doc)
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    height = natural_height(layout, REPORT_WIDTH, current_event_id=current_event_id, font=font)
    return swimlane_geometry(QRectF(0, 0, REPORT_WIDTH, height), layout, current_event_id=current_event_id,
                             font=font)


def pixel(image: QImage, point: QPointF, scale: float) -> QColor:
    return image.pixelColor(round(point.x() * scale), round(point.y() * scale))


def near(color: QColor, expected: str, tolerance: int = 12) -> bool:
    other = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(color.getRgb()[:3], other.getRgb()[:3], strict=True))


def decode(png: bytes | None) -> QImage:
    assert png is not None and png.startswith(PNG_SIGNATURE)
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    return image


@pytest.mark.parametrize("width", [1600, 800])
def test_render_png_has_the_width_asked_for(qapp: Any, width: int) -> None:
    """The PNG is exactly as wide as asked, and as tall as the lanes and legend need."""
    image = decode(render_png(review(), width=width))
    assert image.width() == width
    assert image.height() == pytest.approx(natural_height(build_layout(review()), REPORT_WIDTH, font=QFont())
                                           * width / REPORT_WIDTH, abs=2)


def test_render_png_height_can_be_given(qapp: Any) -> None:
    """An explicit height is honoured."""
    assert decode(render_png(review(), width=1000, height=700)).height() == 700


def test_render_png_without_events_is_none(qapp: Any) -> None:
    """No events, no picture."""
    assert render_png(review(events=())) is None


def test_participant_lane_shows_their_mark(qapp: Any) -> None:
    """Kim's alert is drawn in Kim's lane in the alert colour; Alex's lane is empty at that time."""
    scale = 1600 / REPORT_WIDTH
    image = decode(render_png(review(), width=1600))
    geometry = report_geometry(review())
    kim = next(p for p in geometry.marks if p.mark.event_id == 10 and p.mark.lane == 1)
    assert near(pixel(image, kim.center, scale), SwimlaneColors().sources["alert"])
    alex_row = QPointF(kim.center.x(), geometry.lane_centre(2))
    assert near(pixel(image, alex_row, scale), "#ffffff", tolerance=16)


def test_marks_sit_in_their_lanes(qapp: Any) -> None:
    """Every drawn mark's centre is inside its lane's band, and alerts also sit in the systems lane."""
    geometry = report_geometry(review())
    for placed in geometry.marks:
        assert geometry.lane_rect(placed.mark.lane).contains(placed.center)
    assert {(p.mark.event_id, p.mark.lane) for p in geometry.marks} == {(10, 0), (10, 1), (11, 1)}


def test_highlight_changes_pixels(qapp: Any) -> None:
    """The current event gets a line across the lanes: an empty lane at its time is no longer blank."""
    scale = 1600 / REPORT_WIDTH
    plain = decode(render_png(review(), width=1600))
    highlighted = decode(render_png(review(), width=1600, current_event_id=11))
    assert plain != highlighted
    geometry = report_geometry(review(), current_event_id=11)
    chat = next(p for p in geometry.marks if p.mark.event_id == 11)
    # Alex's lane, at the current event's time: the highlight line runs through it.
    on_line = QPointF(chat.center.x(), geometry.lane_centre(2))
    assert near(pixel(highlighted, on_line, scale), SwimlaneColors().highlight, tolerance=40)


def test_current_event_mark_is_bigger(qapp: Any) -> None:
    """The current event's marks are enlarged; the others keep their size."""
    plain = report_geometry(review())
    current = report_geometry(review(), current_event_id=11)
    size = {p.mark.event_id: p.radius for p in plain.marks}
    assert all(p.radius > size[11] for p in current.marks if p.mark.event_id == 11)
    assert all(p.radius == size[10] for p in current.marks if p.mark.event_id == 10)


def test_current_event_always_has_its_text(qapp: Any) -> None:
    """The current event's text is drawn even where the chart is crowded."""
    geometry = report_geometry(review(), current_event_id=10)
    assert any(p.label_width > 0 for p in geometry.marks if p.mark.event_id == 10)


def test_view_range_leaves_out_marks_outside_it(qapp: Any) -> None:
    """Zoomed to the first half, the 09:47 chat is not drawn (nor hit-testable)."""
    layout = build_layout(review())
    geometry = swimlane_geometry(QRectF(0, 0, 800, 400), layout, view_range=(0.0, 0.4))
    assert {p.mark.event_id for p in geometry.marks} == {10}


def test_geometry_maps_x_both_ways(qapp: Any) -> None:
    """fraction_at undoes x_of, whatever the view."""
    geometry = swimlane_geometry(QRectF(0, 0, 800, 400), build_layout(review()), view_range=(0.2, 0.6))
    assert geometry.fraction_at(geometry.x_of(0.37)) == pytest.approx(0.37)


def test_mark_at_finds_the_mark_under_a_point(qapp: Any) -> None:
    """Hit-testing returns the mark under the point, and nothing a little way off."""
    geometry = swimlane_geometry(QRectF(0, 0, 800, 400), build_layout(review()))
    chat = next(p for p in geometry.marks if p.mark.event_id == 11)
    hit = geometry.mark_at(chat.center + QPointF(2, 1))
    assert hit is not None and hit.mark.event_id == 11
    assert geometry.mark_at(chat.center + QPointF(0, 30)) is None


def test_paint_into_any_device_returns_its_geometry(qapp: Any) -> None:
    """paint_swimlanes draws into a QImage and reports the same geometry swimlane_geometry computes."""
    layout = build_layout(review())
    image = QImage(640, 360, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        painted = paint_swimlanes(painter, QRectF(0, 0, 640, 360), layout, font=QFont())
    finally:
        painter.end()
    computed = swimlane_geometry(QRectF(0, 0, 640, 360), layout, font=QFont())
    assert [(p.mark.event_id, p.center) for p in painted.marks] == [
        (p.mark.event_id, p.center) for p in computed.marks]


def test_empty_layout_paints_a_message(qapp: Any) -> None:
    """A review without events paints without error and has no marks to hit."""
    image = QImage(400, 200, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        geometry = paint_swimlanes(painter, QRectF(0, 0, 400, 200), build_layout(review(events=())))
    finally:
        painter.end()
    assert geometry.marks == [] and geometry.mark_at(QPointF(200, 100)) is None


def test_renders_without_a_running_application(tmp_path: Path) -> None:
    """With no QApplication, no display and no QT_QPA_PLATFORM, render_png starts and stops its own."""
    script = tmp_path / "render.py"
    script.write_text(
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from tests.exports.test_swimlane_painter import review\n"
        "from exports.swimlane_painter import render_png\n"
        "png = render_png(review(), width=600)\n"
        "assert QCoreApplication.instance() is None, 'the temporary application is gone'\n"
        "png_again = render_png(review(), width=600)\n"
        "sys.stdout.write(f'{len(png)} {png == png_again}')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    size, same = done.stdout.split()
    assert int(size) > 1000 and same == "True"


def test_renders_with_a_dead_display(tmp_path: Path) -> None:
    """A DISPLAY that points at no X server does not abort the process: the picture needs no window."""
    script = tmp_path / "render.py"
    script.write_text(
        "from tests.exports.test_swimlane_painter import review\n"
        "from exports.swimlane_painter import render_png\n"
        "print(len(render_png(review(), width=600) or b''))\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT,
                          env={**env, "DISPLAY": ":97", "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000
