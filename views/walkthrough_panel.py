"""The timeline phase: walk the events one by one, with the table and the who-knew-what-when chart."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import ReviewChanges
from app.open_review import OpenReview
from app.review_service import ReviewService
from models.errors import DomainError
from models.snapshot import EventRow
from models.timefmt import APPROXIMATE, format_entry, relative, wall_clock
from models.timeparse import parse_time
from models.vocabulary import label
from views.style import accent, icon
from views.swimlane_widget import SwimlaneWidget
from views.timeline_widget import TimelineWidget


class WalkthroughPanel(QWidget):
    """The current event in large type, then the events table and the chart on tabs.

    The walkthrough's current event is the timeline's highlighted row and the
    chart's highlighted mark; notes typed while it is set belong to it.

    Signals:
        current_event_changed(int): the walkthrough moved to this event (-1: none).
    """

    current_event_changed = Signal(int)

    TAB_EVENTS, TAB_CHART = range(2)

    def __init__(self, reviews: ReviewService, current: OpenReview, undo: QUndoStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current = current
        #: The chart was drawn from an older snapshot (it is drawn again only when seen).
        self._chart_stale = True
        self.timeline = TimelineWidget(reviews, current, undo=undo)
        self.chart = SwimlaneWidget()
        self.chart.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # arrow keys stay with the note field

        self.card = QLabel()
        self.card.setObjectName("walkthroughCard")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        # Short labels: the event under discussion gets the line (the tooltips say it all).
        self.previous_button = QPushButton(self.tr("Previous"))
        self.previous_button.setToolTip(self.tr("Previous event (Alt+Up)"))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setToolTip(self.tr("Next event (Alt+Down)"))
        self.jump_button = QPushButton(self.tr("Jump…"))
        self.jump_button.setToolTip(self.tr("Jump to a time (Ctrl+G)"))
        for button, name in ((self.previous_button, "previous"), (self.next_button, "next"),
                             (self.jump_button, "jump")):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setIcon(icon(name, button))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.jump_button.clicked.connect(self.jump_to_time)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, self.tr("Events"))
        self.tabs.addTab(self.chart, self.tr("Who knew what when"))
        self.tabs.currentChanged.connect(self._tab_changed)

        # The event under discussion and the steps beside it on one band: the table gets the height.
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.card, 1)
        for button in (self.previous_button, self.next_button, self.jump_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.timeline.highlighted_event_changed.connect(self._highlight_changed)
        # Choosing a row is walking to it: what the card shows and what notes attach to stay one event.
        self.timeline.current_event_changed.connect(self._selected)
        self.chart.event_clicked.connect(self.timeline.set_current_event)
        current.changed.connect(self._current_changed)
        self._show_card(None)

    # public
    def current_event_id(self) -> int | None:
        """The event notes attach to: the walkthrough's current one, the one the card shows."""
        return self.timeline.highlighted_event_id()

    def current_event(self) -> EventRow | None:
        event_id = self.timeline.highlighted_event_id()
        doc = self._current.doc
        return doc.event(event_id) if doc is not None and event_id is not None else None

    def step(self, delta: int) -> int | None:
        """Walk ``delta`` events on (negative: back)."""
        return self.timeline.step(delta)

    def jump_to_time(self) -> int | None:
        """Ask for a time and move to the first event at or after it."""
        doc = self._current.doc
        if doc is None:
            return None
        zone = doc.zone()
        current = self.current_event()
        anchor = current.at if current else (doc.started_at or (doc.events[0].at if doc.events else None))
        text = self.ask_time(format_entry(anchor, zone) if anchor else "", zone.key)
        if not text:
            return None
        try:
            moment = parse_time(text, zone, field="time",
                                default_date=anchor.astimezone(zone).date() if anchor else None)
        except DomainError as exc:
            error = accent("error", self.palette())
            self.card.setText(f"<span style='color:{error}'>{_escape(str(exc))}</span>")
            return None
        return self.timeline.jump_to_time(moment) if moment else None

    def ask_time(self, suggested: str, zone_name: str) -> str:
        """Ask for the time to jump to (tests replace this)."""
        text, ok = QInputDialog.getText(
            self, self.tr("Jump to time"),
            self.tr("Time (HH:MM, or YYYY-MM-DD HH:MM) in %1:").replace("%1", zone_name), text=suggested)
        return text if ok else ""

    # private
    def _selected(self, event_id: int) -> None:
        if event_id >= 0 and event_id != self.timeline.highlighted_event_id():
            self.timeline.set_current_event(event_id)

    def _highlight_changed(self, event_id: int) -> None:
        self.chart.set_current_event(event_id if event_id >= 0 else None)
        self._show_card(self.current_event())
        self.current_event_changed.emit(event_id)

    def _current_changed(self, changes: ReviewChanges) -> None:
        if changes.opened or changes.touches_events() or changes.facts or changes.participants:
            self._chart_stale = True
            self._refresh_chart_if_shown()
            self._show_card(self.current_event())

    def _tab_changed(self, _index: int) -> None:
        self._refresh_chart_if_shown()

    def _refresh_chart_if_shown(self) -> None:
        # Laying out and painting a chart of a big chat export takes a while: only when it is seen.
        doc = self._current.doc
        if self._chart_stale and doc is not None and self.tabs.currentWidget() is self.chart:
            self.chart.show_review(doc)
            self.chart.set_current_event(self.timeline.highlighted_event_id())
            self._chart_stale = False

    def _show_card(self, event: EventRow | None) -> None:
        doc = self._current.doc
        has_events = doc is not None and bool(doc.events)
        self.previous_button.setEnabled(has_events)
        self.next_button.setEnabled(has_events)
        self.jump_button.setEnabled(has_events)
        if event is None or doc is None:
            self.card.setText(self.tr("<b>Walkthrough</b>: Alt+Down steps to the first event; notes then "
                                      "belong to the event being discussed.") if has_events else
                              self.tr("<b>No events yet.</b> Add them below (Ctrl+Shift+E) or import a "
                                      "timeline from the File menu."))
            return
        zone = doc.zone()
        when = (APPROXIMATE if event.approximate else "") + wall_clock(event.at, zone, with_date=False)
        offset = relative(event.at, doc.started_at)
        details = [label(event.kind)]
        if event.source:
            details.append(self.tr("source: %1").replace("%1", event.source))
        if event.participants:
            details.append(self.tr("who: %1").replace("%1", ", ".join(event.participants)))
        muted = accent("muted", self.palette())
        self.card.setText(
            f"<span style='font-size:13pt'><b>{_escape(when)}</b>"
            + (f" <span style='color:{muted}'>{_escape(offset)}</span>" if offset else "")
            + f" &nbsp;{_escape(event.text)}</span><br>"
            + f"<span style='color:{muted}'>{_escape(' · '.join(details))}</span>"
        )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
