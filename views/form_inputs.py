"""Input widgets: fields that commit as they are left (no Save button), choices that may shrink."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget


class PlainTextField(QPlainTextEdit):
    """A multi-line field that reports when the user leaves it, like QLineEdit.editingFinished.

    Signals:
        editing_finished(): focus left the field (Tab moves on instead of typing a tab).
    """

    editing_finished = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 2 * self.frameWidth() + 8)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        # A context menu takes focus briefly; the user is still editing.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.editing_finished.emit()


class WheelSafeComboBox(QComboBox):
    """A combo that leaves the mouse wheel to the page unless it has focus.

    In a scrolling form, a wheel turned over an unfocused combo would otherwise
    change (and commit) its value while the user only meant to scroll.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def let_shrink(combo: QComboBox, characters: int) -> None:
    """Let ``combo`` be as narrow as ``characters`` characters, whatever its items.

    A choice of the review's own values (a participant's 190-character name, a
    long service) would otherwise be as wide as its longest item and push its
    row, and the window, past a laptop's screen. The list that opens still shows
    whole values.
    """
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
