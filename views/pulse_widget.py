"""Wrap-up: the time each phase took against the plan, and the pulse: did the meeting work?"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.meeting_controller import MeetingController, TimerState
from models.errors import DomainError
from models.meetings import PULSE_MAX, PhaseTime, Pulse, whole_minutes
from models.metrics import against_plan

#: A spin box at this value shows a dash: the question was not asked.
NOT_ASKED = -1
#: How long typing in "what is still unclear" may pause before the text is committed.
TEXT_SAVE_DELAY_MS = 500


class PulseWidget(QWidget):
    """Shown at wrap-up: time per phase, and the pulse the facilitator records.

    Every change commits at once through :meth:`MeetingController.set_pulse`
    (the numbers on Enter, an arrow or leaving the box; the text half a second
    after typing stops, or on leaving it). A value the service refuses is named
    under the form and nothing of that change is stored.
    """

    def __init__(self, controller: MeetingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        #: The review the form shows: saved there even if the page has moved on meanwhile.
        self._review_id: int | None = None

        times_heading = QLabel(self.tr("TIME PER PHASE"))
        times_heading.setObjectName("panelHeading")
        self.times_label = QLabel()
        self.times_label.setObjectName("phaseTimes")
        self.times_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pulse_heading = QLabel(self.tr("DID THE MEETING WORK?"))
        pulse_heading.setObjectName("panelHeading")
        self.attended_spin = self._count_box("attended")
        self.learned_spin = self._count_box("learned")
        self.would_attend_spin = self._count_box("would_attend")
        self.unclear_edit = QPlainTextEdit()
        self.unclear_edit.setObjectName("unclear")
        self.unclear_edit.setTabChangesFocus(True)
        self.unclear_edit.setPlaceholderText(self.tr("Questions the room still has, in their words"))
        self.unclear_edit.setFixedHeight(self.unclear_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.unclear_edit.textChanged.connect(self._text_changed)
        self.unclear_edit.installEventFilter(self)
        self.status_label = QLabel()
        self.status_label.setObjectName("captureStatus")
        self.status_label.setWordWrap(True)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_SAVE_DELAY_MS)
        self._text_timer.timeout.connect(self.save)

        form = QFormLayout()
        form.addRow(self.tr("How many attended"), self.attended_spin)
        form.addRow(self.tr("How many learned something new"), self.learned_spin)
        form.addRow(self.tr("How many would attend another review"), self.would_attend_spin)
        form.addRow(self.tr("What is still unclear"), self.unclear_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(times_heading)
        layout.addWidget(self.times_label)
        layout.addWidget(pulse_heading)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addStretch(1)

        controller.phase_changed.connect(self._phase_changed)
        controller.timer_changed.connect(self._timer_changed)
        self.refresh()

    # public
    def refresh(self) -> None:
        """Show the open review's pulse and phase times (a pending text change is saved first)."""
        self._flush()
        self._review_id = self._controller.review_id
        pulse = self._controller.pulse(self._review_id) if self._review_id is not None else None
        self._show_pulse(pulse or Pulse())
        self.status_label.clear()
        self._set_error(False)
        self._show_times()

    def pulse(self) -> Pulse:
        """The form's values (None where a number shows a dash)."""
        return Pulse(self._count(self.attended_spin), self._count(self.learned_spin),
                     self._count(self.would_attend_spin), self.unclear_edit.toPlainText().strip())

    def save(self) -> bool:
        """Commit the form now; False (and the reason under the form) if it was refused."""
        self._text_timer.stop()
        if self._review_id is None:
            return False
        pulse = self.pulse()
        try:
            self._controller.set_pulse(self._review_id, attended=pulse.attended, learned=pulse.learned,
                                       would_attend=pulse.would_attend, unclear=pulse.unclear)
        except DomainError as exc:
            self.status_label.setText(str(exc))
            self._set_error(True)
            return False
        self.status_label.setText(self.tr("Pulse saved."))
        self._set_error(False)
        return True

    def times_text(self) -> str:
        return self.times_label.text()

    # private
    def _count_box(self, name: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(NOT_ASKED, PULSE_MAX)
        box.setSpecialValueText("—")
        box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # valueChanged only on Enter, an arrow or leaving the box: typing "12" is not a save of "1".
        box.setKeyboardTracking(False)
        box.setValue(NOT_ASKED)
        box.valueChanged.connect(self._count_changed)
        return box

    @staticmethod
    def _count(box: QSpinBox) -> int | None:
        return None if box.value() == NOT_ASKED else box.value()

    def _show_pulse(self, pulse: Pulse) -> None:
        for box, value in ((self.attended_spin, pulse.attended), (self.learned_spin, pulse.learned),
                           (self.would_attend_spin, pulse.would_attend)):
            box.blockSignals(True)
            box.setValue(NOT_ASKED if value is None else value)
            box.blockSignals(False)
        self.unclear_edit.blockSignals(True)
        self.unclear_edit.setPlainText(pulse.unclear)
        self.unclear_edit.blockSignals(False)

    def _show_times(self) -> None:
        template = self._controller.template
        lines = []
        for time in self._controller.phase_times():
            phase = template.phase(time.phase) if template is not None else None
            lines.append(self._time_line(time, phase.name if phase is not None else time.phase))
        text = "\n".join(lines) if lines else self.tr("The meeting clock has not started.")
        if text != self.times_label.text():
            self.times_label.setText(text)

    def _time_line(self, time: PhaseTime, name: str) -> str:
        # The report's wording and units ("32 min of 25 planned", "1 d 0 h 11 min"), from one function.
        actual, planned = against_plan(whole_minutes(time.actual), time.planned_minutes)
        if planned is None:
            line = self.tr("%1: %2").replace("%1", name).replace("%2", actual)
        else:
            line = (self.tr("%1: %2 of %3 planned").replace("%1", name).replace("%2", actual)
                    .replace("%3", planned))
        return line + self.tr(" (now)") if time.in_progress else line

    def _set_error(self, error: bool) -> None:
        if self.status_label.property("error") != error:
            self.status_label.setProperty("error", error)
            self.status_label.style().unpolish(self.status_label)
            self.status_label.style().polish(self.status_label)

    def _flush(self) -> None:
        if self._text_timer.isActive():
            self.save()

    def _count_changed(self, _value: int) -> None:
        self.save()

    def _text_changed(self) -> None:
        self._text_timer.start()

    def _phase_changed(self, _phase_id: str) -> None:
        if self._controller.review_id != self._review_id:
            self.refresh()
        else:
            self._show_times()

    def _timer_changed(self, _state: TimerState) -> None:
        if self.isVisible():
            self._show_times()

    # Qt overrides
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.unclear_edit and event.type() == QEvent.Type.FocusOut:
            self._flush()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._show_times()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._flush()
        super().hideEvent(event)
