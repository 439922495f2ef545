"""The phase timer: the current phase against its timebox, the meeting's time, Start/Pause/Resume."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.meeting_controller import MeetingController, TimerState
from models.meetings import WELL_OVER
from models.metrics import format_minutes
from views.style import icon

#: Start, pause or resume the meeting clock from anywhere in the window.
#: Ctrl+Space is taken by the system on some machines (macOS maps it to
#: Cmd+Space, Spotlight; input methods on Linux and Windows toggle with it), so
#: Ctrl+T (T for timer) does the same.
TOGGLE_SHORTCUTS = ("Ctrl+Space", "Ctrl+T")


def format_clock(span: timedelta) -> str:
    """``12:40``; ``1:02:15`` from an hour on. Whole seconds, the fraction dropped."""
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{minutes}:{seconds:02d}"


def phase_clock_text(state: TimerState) -> str:
    """``12:40 / 25:00``: time in the phase against its timebox (a room display shows the same)."""
    return f"{format_clock(state.phase_elapsed)} / {format_clock(state.phase_planned)}"


class PhaseTimerWidget(QWidget):
    """Shows the controller's clock and drives it.

    ``12:40 / 25:00`` for the phase, then ``12:20 left`` (``+3:10 over`` past the
    timebox), the meeting's time without pauses, and one button that starts,
    pauses or resumes. Overrun is shown gently: the phase time turns amber past
    the timebox, and a quiet line under it suggests moving on once it is well
    over. Nothing pops up and nothing makes a sound.

    With ``controls=False`` (a room display) the button and its shortcuts are left out.
    """

    def __init__(self, controller: MeetingController, parent: QWidget | None = None, *,
                 controls: bool = True) -> None:
        super().__init__(parent)
        self._controller = controller
        self.state: TimerState | None = None

        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseTimer")
        self.remaining_label = QLabel()
        self.remaining_label.setObjectName("phaseRemaining")
        self.meeting_label = QLabel()
        self.meeting_label.setObjectName("meetingElapsed")
        self.notice_label = QLabel()
        self.notice_label.setObjectName("overrunNotice")
        # Its line is kept when hidden: the page must not jump while someone types a note.
        policy = self.notice_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.notice_label.setSizePolicy(policy)
        self.notice_label.setMinimumHeight(self.notice_label.fontMetrics().height())
        self.notice_label.hide()
        self.toggle_button = QPushButton()
        self.toggle_button.setObjectName("timerButton")
        self.toggle_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the note field keeps the keyboard
        self.toggle_button.clicked.connect(controller.toggle)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.phase_label)
        row.addWidget(self.remaining_label)
        row.addSpacing(12)
        row.addWidget(self.meeting_label)
        row.addWidget(self.toggle_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.notice_label, 0, Qt.AlignmentFlag.AlignRight)

        self.toggle_button.setVisible(controls)
        #: Start, pause or resume: one action (a window's Meeting menu shows this same one).
        self.toggle_action = QAction(self.tr("&Start or pause the clock"), self)
        self.toggle_action.setShortcuts([QKeySequence(keys) for keys in TOGGLE_SHORTCUTS])
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.toggle_action.triggered.connect(controller.toggle)
        if controls:
            self.addAction(self.toggle_action)
        controller.timer_changed.connect(self.show_state)
        self.show_state(controller.state())

    def show_state(self, state: TimerState) -> None:
        """Show ``state`` (the controller's ``timer_changed`` calls this every second while it runs)."""
        self.state = state
        elapsed = int(state.phase_elapsed.total_seconds())
        planned = int(state.phase_planned.total_seconds())
        left = planned - elapsed  # from the shown seconds, so that the two always add up
        self.phase_label.setText(phase_clock_text(state))
        if left >= 0:
            remaining = self.tr("%1 left").replace("%1", format_clock(timedelta(seconds=left)))
        else:
            remaining = self.tr("+%1 over").replace("%1", format_clock(timedelta(seconds=-left)))
        self.remaining_label.setText(remaining)
        self.meeting_label.setText(self.tr("Meeting %1").replace("%1", format_clock(state.meeting_elapsed)))
        self._show_overrun(state, -left)
        if state.paused:
            button, tip = self.tr("Resume"), self.tr("Resume the meeting clock")
        elif state.running:
            button, tip = self.tr("Pause"), self.tr("Pause the meeting clock (a break)")
        else:
            button, tip = self.tr("Start"), self.tr("Start the meeting clock")
        self.toggle_button.setText(button)
        self.toggle_button.setIcon(icon("pause" if state.running else "start", self.toggle_button))
        self.toggle_button.setToolTip(f"{tip} ({' / '.join(TOGGLE_SHORTCUTS)})")
        self.phase_label.setToolTip(self.tr("Time in this phase / its timebox")
                                    + (self.tr(" · paused") if state.paused else ""))
        self.meeting_label.setToolTip(self.tr("Time since the meeting started, pauses left out"))

    def notice(self) -> str:
        """The overrun notice shown, or an empty string."""
        return self.notice_label.text() if self.notice_label.isVisibleTo(self) else ""

    def _show_overrun(self, state: TimerState, over_seconds: int) -> None:
        level = state.overrun
        for label in (self.phase_label, self.remaining_label):
            if label.property("overrun") != level:
                label.setProperty("overrun", level)
                # A dynamic property changes the stylesheet's match only on a new polish.
                label.style().unpolish(label)
                label.style().polish(label)
        phase = self._controller.template.phase(state.phase_id) if (
            self._controller.template is not None and state.phase_id is not None) else None
        if level >= WELL_OVER and phase is not None:
            self.notice_label.setText(
                self.tr("%1 is %2 over: move on or agree to extend")
                .replace("%1", phase.name).replace("%2", format_minutes(max(0, over_seconds) // 60)))
            self.notice_label.show()
        else:
            self.notice_label.hide()
            self.notice_label.clear()
