"""Small dialogs to edit a learning or an action item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.snapshot import ActionRow, LearningRow
from models.vocabulary import ACTION_PRIORITIES, ACTION_STATUSES, LEARNING_CATEGORIES, label
from models.write_fields import ActionFields, LearningFields


def _combo(values: tuple[str, ...], current: str) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(label(value), value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def set_ok_enabled(self, enabled: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enabled)


class LearningDialog(_FormDialog):
    """Text and category of a learning."""

    def __init__(self, learning: LearningRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Edit learning"), parent)
        self.text_edit = QPlainTextEdit(learning.text)
        self.text_edit.setTabChangesFocus(True)
        self.category_combo = _combo(LEARNING_CATEGORIES, learning.category)
        self.form.addRow(self.tr("&Learning"), self.text_edit)
        self.form.addRow(self.tr("&Category"), self.category_combo)
        self.text_edit.textChanged.connect(
            lambda: self.set_ok_enabled(bool(self.text_edit.toPlainText().strip())))

    @classmethod
    def ask(cls, learning: LearningRow, parent: QWidget | None = None) -> LearningFields | None:
        dialog = cls(learning, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def value(self) -> LearningFields:
        return {"text": self.text_edit.toPlainText().strip(), "category": self.category_combo.currentData()}


class ActionDialog(_FormDialog):
    """The fields of an action item; the due date is optional."""

    def __init__(self, action: ActionRow, parent: QWidget | None = None, *,
                 people: Sequence[str] = ()) -> None:
        super().__init__(self.tr("Edit action"), parent)
        self.title_edit = QLineEdit(action.title)
        self.description_edit = QPlainTextEdit(action.description)
        self.description_edit.setTabChangesFocus(True)
        self.owner_edit = QLineEdit(action.owner)
        # The review's participants, suggested as the owner is typed (anyone else can be typed too).
        completer = QCompleter(list(people), self.owner_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.owner_edit.setCompleter(completer)
        self.due_edit = QLineEdit(action.due.isoformat() if action.due else "")
        self.due_edit.setPlaceholderText("YYYY-MM-DD")
        self.priority_combo = _combo(ACTION_PRIORITIES, action.priority)
        self.status_combo = _combo(ACTION_STATUSES, action.status)
        self.link_edit = QLineEdit(action.link)
        self.link_edit.setPlaceholderText(self.tr("Link to the ticket, if there is one"))
        for text, widget in ((self.tr("&Title"), self.title_edit),
                             (self.tr("&Description"), self.description_edit),
                             (self.tr("&Owner"), self.owner_edit),
                             (self.tr("D&ue"), self.due_edit),
                             (self.tr("&Priority"), self.priority_combo),
                             (self.tr("&Status"), self.status_combo),
                             (self.tr("&Link"), self.link_edit)):
            self.form.addRow(text, widget)
        self.title_edit.textChanged.connect(self._validate)
        self.due_edit.textChanged.connect(self._validate)

    @classmethod
    def ask(cls, action: ActionRow, parent: QWidget | None = None, *,
            people: Sequence[str] = ()) -> ActionFields | None:
        dialog = cls(action, parent, people=people)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def due(self) -> date | None:
        text = self.due_edit.text().strip()
        return date.fromisoformat(text) if text else None

    def value(self) -> ActionFields:
        return {
            "title": self.title_edit.text().strip(),
            "description": self.description_edit.toPlainText().strip(),
            "owner": self.owner_edit.text().strip(),
            "due": self.due(),
            "priority": self.priority_combo.currentData(),
            "status": self.status_combo.currentData(),
            "link": self.link_edit.text().strip(),
        }

    def _validate(self) -> None:
        message = ""
        if not self.title_edit.text().strip():
            message = self.tr("An action needs a title.")
        else:
            try:
                self.due()
            except ValueError:
                message = self.tr("Due: %1 is not a date (use YYYY-MM-DD).").replace(
                    "%1", self.due_edit.text().strip())
        self.error_label.setText(message)
        self.set_ok_enabled(not message)
