"""Keyboard-first note capture: type, Enter, next."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.snapshot import ParticipantRow
from models.vocabulary import NOTE_KINDS, label

#: The kind a note starts with in each phase of the built-in templates.
PHASE_DEFAULT_KIND = {
    "went-well": "went-well",
    "surprises": "surprise",
    "learnings": "learning",
    "actions": "action",
}


class CaptureBar(QWidget):
    """The note field, its kind and its speaker.

    Enter emits ``submitted`` and clears the field; the kind then returns to the
    phase's default. The kind and speaker boxes never take focus, so the
    note-taker's hands stay on the keyboard (Ctrl+1…7 sets the kind).

    Signals:
        submitted(str, str, int): text, kind, speaker participant id (-1 for none).
    """

    submitted = Signal(str, str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_kind = "observation"
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("Type a note and press Enter"))
        self.note_edit.returnPressed.connect(self._submit)
        self.kind_combo = QComboBox()
        self.kind_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for number, kind in enumerate(NOTE_KINDS, start=1):
            self.kind_combo.addItem(f"{label(kind)}  (Ctrl+{number})", kind)
        self.speaker_combo = QComboBox()
        self.speaker_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speaker_combo.setMinimumContentsLength(12)
        self.status_label = QLabel()
        self.status_label.setObjectName("captureStatus")
        self.status_label.setWordWrap(True)
        self._hints = self.tr("Enter adds · Ctrl+1…7 sets the kind (right after Enter: of the note "
                              "just added) · Ctrl+L learning · Ctrl+Shift+A action · Ctrl+PgDown next phase")
        self.status_label.setText(self._hints)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.kind_combo)
        row.addWidget(self.speaker_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        self.set_participants(())

    def set_phase(self, phase_id: str) -> None:
        self._default_kind = PHASE_DEFAULT_KIND.get(phase_id, "observation")
        self.set_kind(self._default_kind)

    def set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_participants(self, participants: tuple[ParticipantRow, ...] | list[ParticipantRow]) -> None:
        current = self.speaker_combo.currentData()
        self.speaker_combo.clear()
        self.speaker_combo.addItem(self.tr("No speaker"), -1)
        for participant in participants:
            self.speaker_combo.addItem(participant.name, participant.id)
        index = self.speaker_combo.findData(current)
        self.speaker_combo.setCurrentIndex(max(index, 0))

    def set_status(self, text: str) -> None:
        """Show ``text`` under the field (the keyboard hints when empty)."""
        self.status_label.setText(text or self._hints)

    def text(self) -> str:
        return self.note_edit.text()

    def focus_note(self) -> None:
        self.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _submit(self) -> None:
        text = self.note_edit.text().strip()
        if not text:
            return
        self.submitted.emit(text, self.kind(), int(self.speaker_combo.currentData()))

    def clear_after_submit(self) -> None:
        """Called once the note is safely stored."""
        self.note_edit.clear()
        self.set_kind(self._default_kind)
