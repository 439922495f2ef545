"""Who knew what when: the swimlane chart of one review, to zoom, pan, hover and click.

The picture is the one the reports carry (drawn by ``exports.swimlane_painter``);
this widget adds the interaction. Wheel or +/- zoom around the pointer (or the
middle), dragging or the arrow keys pan, 0 shows everything again; hovering a
mark shows its event, clicking it emits :attr:`SwimlaneWidget.event_clicked`.
The walkthrough sets the current event, which is highlighted and kept in view.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from exports.swimlane_layout import SwimlaneGeometry, SwimlaneStyle, SwimlaneTexts, event_time_text
from exports.swimlane_painter import (
    SwimlaneColors,
    draw_shape,
    natural_height,
    paint_swimlanes,
    swimlane_geometry,
)
from models.snapshot import ReviewDoc
from models.swimlane import (
    MILESTONES,
    SOURCE_KINDS,
    SOURCE_LABELS,
    SwimlaneLayout,
    build_layout,
    min_view_span,
    pan_view,
    zoom_view,
)
from models.vocabulary import ROLES, label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop

_CONTEXT = "SwimlaneWidget"
# Source kinds and milestone names as lupdate should find them.
_SOURCE_NAMES = {kind: translate_noop(_CONTEXT, SOURCE_LABELS[kind]) for kind in SOURCE_KINDS}
_MILESTONE_NAMES = {field: translate_noop(_CONTEXT, name) for field, name in MILESTONES}


class SwimlaneWidget(QWidget):
    """The who-knew-what-when chart of one review.

    Holds only the review snapshot it was given; it reads and writes nothing.

    Signals:
        event_clicked(int): the mark of this event (its id) was clicked.
        view_changed(float, float): the visible part of the time range changed
            (fractions of the whole range, from and to).
    """

    event_clicked = Signal(int)
    view_changed = Signal(float, float)

    #: How much one zoom step (a wheel notch, + or -) magnifies.
    ZOOM_STEP = 1.5
    #: How much of the visible range an arrow key pans.
    PAN_STEP = 0.1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("swimlaneWidget")
        self.setAccessibleName(self.tr("Who knew what when"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._doc: ReviewDoc | None = None
        self._layout: SwimlaneLayout | None = None
        self._current: int | None = None
        self._hovered: int | None = None
        self._view: tuple[float, float] = (0.0, 1.0)
        self._geometry: SwimlaneGeometry | None = None
        # The chart as last painted, without the hover: moving the mouse only draws
        # the hovered mark over it, which keeps hovering smooth on a big chart.
        self._picture: QPixmap | None = None
        self._press: tuple[QPointF, tuple[float, float]] | None = None
        self._dragging = False
        self._style = SwimlaneStyle()
        self._texts = self._translated_texts()

    # public

    def show_review(self, doc: ReviewDoc | None) -> None:
        """Show ``doc`` (None: nothing). The same review again keeps the zoom; another starts zoomed out."""
        same = doc is not None and self._doc is not None and doc.id == self._doc.id
        self._doc = doc
        self._layout = build_layout(doc) if doc is not None else None
        if self._layout is None or not same:
            self._view = (0.0, 1.0)
        if self._current is not None and (self._layout is None or not self._layout.marks_of(self._current)):
            self._current = None
        self._hovered = None
        self._changed(view_moved=not same)
        self.updateGeometry()

    def set_current_event(self, event_id: int | None) -> None:
        """Highlight ``event_id`` (None: no highlight) and pan to it if it is out of view."""
        if self._layout is None or (event_id is not None and not self._layout.marks_of(event_id)):
            event_id = None
        if event_id == self._current:
            return
        self._current = event_id
        if event_id is not None and self._layout is not None:
            x = self._layout.marks_of(event_id)[0].x
            lo, hi = self._view
            if not lo <= x <= hi:
                self._set_view(pan_view(self._view, x - (lo + hi) / 2))
                return
        self._changed()

    def current_event(self) -> int | None:
        return self._current

    def hovered_event(self) -> int | None:
        """The event whose mark is under the mouse, if any."""
        return self._hovered

    def chart_layout(self) -> SwimlaneLayout | None:
        """What is drawn: lanes, marks, milestones (None before a review is shown)."""
        return self._layout

    def view_range(self) -> tuple[float, float]:
        """The visible part of the time range, as fractions of the whole (0, 1 = all of it)."""
        return self._view

    def visible_times(self) -> tuple[datetime, datetime] | None:
        """The first and last moment in view (UTC), or None when no review is shown."""
        if self._layout is None:
            return None
        lo, hi = self._view
        return self._layout.time_at(lo), self._layout.time_at(hi)

    def set_view_range(self, lo: float, hi: float) -> None:
        """Show ``lo``..``hi`` of the time range (kept inside it, and no narrower than two minutes)."""
        if self._layout is None:
            return
        self._set_view(zoom_view((lo, hi), 1.0, (lo + hi) / 2, min_span=min_view_span(self._layout)))

    def zoom_in(self, anchor: float | None = None) -> None:
        """Magnify one step around ``anchor`` (a fraction of the range; default: the middle of the view)."""
        self._zoom(self.ZOOM_STEP, anchor)

    def zoom_out(self, anchor: float | None = None) -> None:
        self._zoom(1 / self.ZOOM_STEP, anchor)

    def reset_zoom(self) -> None:
        """Show the whole time range."""
        self._set_view((0.0, 1.0))

    def pan(self, share_of_view: float) -> None:
        """Move the view by ``share_of_view`` of its width (negative: earlier)."""
        lo, hi = self._view
        self._set_view(pan_view(self._view, share_of_view * (hi - lo)))

    def event_at(self, pos: QPointF) -> int | None:
        """The id of the event whose mark is at ``pos`` (widget coordinates), or None."""
        placed = self._current_geometry().mark_at(pos)
        return placed.mark.event_id if placed is not None else None

    def mark_center(self, event_id: int, lane: int | None = None) -> QPointF | None:
        """Where the mark of ``event_id`` is drawn (in ``lane``, or its first lane); None if not in view."""
        for placed in self._current_geometry().marks:
            if placed.mark.event_id == event_id and (lane is None or placed.mark.lane == lane):
                return QPointF(placed.center)
        return None

    def tooltip_text_at(self, pos: QPointF) -> str | None:
        """What hovering at ``pos`` shows: the event under it (time, kind, text, source, who), or None."""
        placed = self._current_geometry().mark_at(pos)
        if placed is None or self._layout is None:
            return None
        event = placed.mark.event
        when = event_time_text(event.at, self._layout)
        if event.approximate:
            when = self.tr("≈ {time} (approximate)").format(time=when)
        kind = QApplication.translate("vocabulary", label(event.kind))
        how = self.tr(_SOURCE_NAMES.get(placed.mark.how, placed.mark.how))
        source = self.tr("Source: {source} ({how})").format(source=event.source, how=how) if event.source \
            else self.tr("Source: not recorded")
        who = ", ".join(event.participants) or self.tr("no one named")
        return "\n".join((f"{when} · {kind}", event.text, source, self.tr("Who: {names}").format(names=who)))

    def sizeHint(self) -> QSize:  # noqa: N802
        if self._layout is None or self._layout.is_empty:
            return QSize(640, 200)
        return QSize(640, round(natural_height(self._layout, 640, style=self._style, font=self.font(),
                                               texts=self._texts)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 120)

    # private

    def _translated_texts(self) -> SwimlaneTexts:
        return SwimlaneTexts(
            systems=self.tr("Systems & alerts"),
            systems_note=self.tr("or no one named"),
            approximate=self.tr("hollow: approximate time"),
            current=self.tr("current event"),
            empty=self.tr("No timeline events yet."),
            sources={kind: self.tr(name) for kind, name in _SOURCE_NAMES.items()},
            milestones={field: self.tr(name) for field, name in _MILESTONE_NAMES.items()},
            roles={role: QApplication.translate("vocabulary", label(role)) for role in ROLES},
        )

    def _current_geometry(self) -> SwimlaneGeometry:
        """The geometry of the last paint, or of the paint to come when there was none since a change."""
        if self._geometry is None:
            self._geometry = self._compute_geometry()
        return self._geometry

    def _compute_geometry(self) -> SwimlaneGeometry:
        rect = QRectF(self.rect())
        if self._layout is None:
            return SwimlaneGeometry(rect, rect, 0.0, [], [], rect.bottom(), self._view)
        return swimlane_geometry(rect, self._layout, current_event_id=self._current, view_range=self._view,
                                 style=self._style, texts=self._texts, font=self.font())

    def _zoom(self, factor: float, anchor: float | None) -> None:
        if self._layout is None:
            return
        lo, hi = self._view
        centre = anchor if anchor is not None else (lo + hi) / 2
        self._set_view(zoom_view(self._view, factor, centre, min_span=min_view_span(self._layout)))

    def _set_view(self, view: tuple[float, float]) -> None:
        if view == self._view:
            return
        self._view = view
        self._changed(view_moved=True)

    def _changed(self, *, view_moved: bool = False) -> None:
        self._geometry = None
        self._picture = None
        self.update()
        if view_moved:
            self.view_changed.emit(*self._view)

    def _set_hovered(self, event_id: int | None) -> None:
        if event_id != self._hovered:
            self._hovered = event_id
            self.update()

    def _paint_picture(self, colors: SwimlaneColors) -> QPixmap:
        assert self._layout is not None
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        painter = QPainter(pixmap)
        try:
            self._geometry = paint_swimlanes(
                painter, QRectF(self.rect()), self._layout, current_event_id=self._current,
                view_range=self._view, colors=colors, style=self._style, texts=self._texts, font=self.font())
        finally:
            painter.end()
        return pixmap

    def _paint_hovered(self, painter: QPainter, colors: SwimlaneColors) -> None:
        if self._hovered is None or self._hovered == self._current:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for placed in self._current_geometry().marks:
            if placed.mark.event_id == self._hovered:
                draw_shape(painter, placed.mark.how, placed.center, placed.radius * 1.3,
                           colors.source(placed.mark.how), hollow=placed.mark.approximate,
                           background=QColor(colors.background))

    # Qt overrides

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        colors = SwimlaneColors.from_palette(self.palette())
        if self._layout is not None and self._picture is None:
            self._picture = self._paint_picture(colors)
        painter = QPainter(self)
        try:
            if self._picture is None:
                painter.fillRect(self.rect(), self.palette().base())
                return
            painter.drawPixmap(0, 0, self._picture)
            self._paint_hovered(painter, colors)
        finally:
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._geometry = None
        self._picture = None
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if self._layout is None:
            event.ignore()
            return
        delta = event.angleDelta()
        if delta.y() == 0 and delta.x() == 0:
            event.ignore()
            return
        if abs(delta.x()) > abs(delta.y()) or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            # A horizontal swipe (or Shift+wheel) pans, as in other timelines.
            steps = (delta.x() or delta.y()) / 120
            self.pan(-steps * self.PAN_STEP)
        else:
            anchor = self._current_geometry().fraction_at(event.position().x())
            self._zoom(self.ZOOM_STEP ** (delta.y() / 120), anchor)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._layout is not None:
            self._press = (event.position(), self._view)
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, view = self._press
            if not self._dragging and (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                geometry = self._current_geometry()
                lo, hi = view
                shift = (start.x() - pos.x()) / max(geometry.plot.width(), 1.0) * (hi - lo)
                self._set_view(pan_view(view, shift))
                event.accept()
                return
        self._set_hovered(self.event_at(pos))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            clicked = not self._dragging
            self._press = None
            self._dragging = False
            self.unsetCursor()
            if clicked:
                event_id = self.event_at(event.position())
                if event_id is not None:
                    self.event_clicked.emit(event_id)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._set_hovered(None)
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in(self._current_anchor())
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out(self._current_anchor())
        elif key == Qt.Key.Key_0:
            self.reset_zoom()
        elif key == Qt.Key.Key_Left:
            self.pan(-self.PAN_STEP)
        elif key == Qt.Key.Key_Right:
            self.pan(self.PAN_STEP)
        elif key == Qt.Key.Key_Home:
            self.pan(-1e9)
        elif key == Qt.Key.Key_End:
            self.pan(1e9)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_text_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.DevicePixelRatioChange):
            self._geometry = None
            self._picture = None
        return super().event(event)

    def _current_anchor(self) -> float | None:
        """Keyboard zoom keeps the current event in place when it is in view."""
        if self._current is None or self._layout is None:
            return None
        x = self._layout.marks_of(self._current)[0].x
        lo, hi = self._view
        return x if lo <= x <= hi else None
