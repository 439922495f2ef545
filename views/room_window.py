"""The room view: a second, read-only window for the projector.

It shows what the room should share and nothing else: the phase and its goal,
the question on the table, the clock, the event being walked through, the
latest notes. It never shows private notes, language flags or facilitator-only
fields: it is given a :class:`RoomState` that has none of them, and it drops
private notes itself as well.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication, QKeySequence, QResizeEvent, QScreen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.room_projection import RoomState
from models.snapshot import NoteRow
from models.vocabulary import label

#: Colours per note kind, readable on the room view's near-black background.
ROOM_KIND_COLOURS = {
    "observation": "#cfd8dc",
    "went-well": "#7ee2a8",
    "surprise": "#ffb74d",
    "question": "#81d4fa",
    "learning": "#ce93d8",
    "action": "#ef9a9a",
    "parking-lot": "#fff59d",
}
#: Pixel sizes at a 1080-pixel-high screen; they scale with the window's height.
#: The event under discussion is the largest text after the phase: it is what the room talks about.
SIZES = {"phase": 56, "timer": 52, "goal": 30, "prompt": 46, "event": 54, "notes": 38, "heading": 26}
LATEST_NOTES = 7


class RoomWindow(QWidget):
    """Large type, high contrast, read-only. Esc leaves full screen; the window follows the facilitator."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # The projector window never takes the keyboard: the facilitator keeps typing in theirs.
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("roomWindow")
        self.setWindowTitle(self.tr("Debrief — room view"))
        self.setStyleSheet(
            "#roomWindow { background: #101418; }"
            "#roomWindow QLabel { color: #f5f5f5; background: transparent; }"
            "#roomWindow QLabel#roomPrompt { color: #ffe082; }"
            "#roomWindow QLabel#roomTimer[overrun='1'] { color: #ffb74d; }"
            "#roomWindow QLabel#roomTimer[overrun='2'] { color: #ff8a65; }"
            "#roomWindow QLabel#roomHeading { color: #90a4ae; }"
            "#roomWindow QLabel#roomEvent { background: #1f2a36; border-left: 8px solid #ffb300;"
            " padding: 14px 22px; }"
        )
        self.phase_label = self._label("roomPhase", bold=True)
        self.timer_label = self._label("roomTimer", bold=True)
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.goal_label = self._label("roomGoal")
        self.prompt_label = self._label("roomPrompt", bold=True)
        self.event_label = self._label("roomEvent", bold=True)
        self.notes_heading = self._label("roomHeading", bold=True)
        self.notes_heading.setText(self.tr("LATEST NOTES"))
        self.notes_label = self._label("roomNotes")
        self.notes_label.setTextFormat(Qt.TextFormat.RichText)

        top = QHBoxLayout()
        top.addWidget(self.phase_label, 1)
        top.addWidget(self.timer_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addWidget(self.goal_label)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.event_label)
        layout.addSpacing(12)
        layout.addWidget(self.notes_heading)
        layout.addWidget(self.notes_label, 1, Qt.AlignmentFlag.AlignTop)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.showNormal)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self._toggle_full_screen)
        self._state = RoomState()
        self._apply_sizes()
        self.show_state(self._state)

    def show_state(self, state: RoomState) -> None:
        """Show ``state`` now (synchronously: the room is never a turn behind the facilitator)."""
        self._state = state
        self.phase_label.setText(state.phase)
        self.goal_label.setText(state.goal)
        self.goal_label.setVisible(bool(state.goal))
        self.prompt_label.setText(state.prompt)
        self.prompt_label.setVisible(bool(state.prompt))
        self.timer_label.setText(state.timer)
        self.timer_label.setProperty("overrun", str(state.overrun))
        self.timer_label.style().unpolish(self.timer_label)
        self.timer_label.style().polish(self.timer_label)
        self.event_label.setText(state.event)
        self.event_label.setVisible(bool(state.event))
        shared = [n for n in state.notes if not n.private][-LATEST_NOTES:]
        self.notes_heading.setVisible(bool(shared))
        # A little air between notes: each reads as its own line from the back of the room.
        lines = (self._note_html(n, state.speakers.get(n.id)) for n in shared)
        self.notes_label.setText("".join(f"<p style='margin:0 0 10px 0'>{line}</p>" for line in lines))

    def state(self) -> RoomState:
        return self._state

    def show_on(self, screen: QScreen | None, *, full_screen: bool = True) -> None:
        """Open on ``screen`` (the projector), full screen by default."""
        screen = screen or self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setScreen(screen)
            # Sized to the screen first: without a window manager (or before it acts)
            # full screen alone would leave the window at its small size hint.
            self.setGeometry(screen.geometry())
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        self.raise_()

    def font_pixel_size(self, name: str) -> int:
        """The pixel size used now for ``name`` (a key of :data:`SIZES`)."""
        return round(SIZES[name] * self._scale())

    # private
    def _label(self, name: str, *, bold: bool = False) -> QLabel:
        widget = QLabel()
        widget.setObjectName(name)
        widget.setWordWrap(True)
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = QFont(widget.font())
        font.setBold(bold)
        widget.setFont(font)
        return widget

    def _scale(self) -> float:
        # Sized for the screen height: the same proportions on 720p and 4K projectors,
        # never smaller than the 1080p sizes on a 1080p screen.
        return max(self.height(), 540) / 1080

    def _apply_sizes(self) -> None:
        for name, widget in (("phase", self.phase_label), ("timer", self.timer_label),
                             ("goal", self.goal_label), ("prompt", self.prompt_label),
                             ("event", self.event_label), ("notes", self.notes_label),
                             ("heading", self.notes_heading)):
            font = QFont(widget.font())
            font.setPixelSize(self.font_pixel_size(name))
            widget.setFont(font)

    def _note_html(self, note: NoteRow, speaker: str | None) -> str:
        colour = ROOM_KIND_COLOURS.get(note.kind, "#f5f5f5")
        who = f" <span style='color:#90a4ae'>— {html.escape(speaker)}</span>" if speaker else ""
        return (f"<span style='color:{colour}'>{html.escape(label(note.kind))}:</span> "
                f"{html.escape(note.text)}{who}")

    def _toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply_sizes()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.hide()
        event.ignore()  # the facilitator's window owns it; View ▸ Room view brings it back
