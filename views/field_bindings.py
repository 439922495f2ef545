"""One small class per kind of form field: how a review's field is shown, read back and marked.

A binding owns one input widget, named after the review field it edits (tests
and the style sheet find it by that name). The form holding the bindings
decides when to write; a binding only knows

* how to put the stored value in the widget without emitting anything;
* what the user's input means as a value to store (raising
  :class:`~models.errors.InvalidFieldError` for input that means none);
* whether the user changed the input since it was put there ("dirty"): the
  form leaves a dirty field alone when it refreshes, so typing survives;
* how to look refused (a red border, the reason as tooltip) and accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from models.snapshot import ReviewDoc
from models.timefmt import format_entry
from models.timeparse import parse_time
from views.form_inputs import PlainTextField, WheelSafeComboBox

W = TypeVar("W", bound=QWidget)

_INVALID_STYLE = "border: 1px solid #c62828;"


class Choice(NamedTuple):
    """One entry of a :class:`ChoiceBinding`: what it reads, the value it stores, its tooltip."""

    text: str
    value: Any
    tooltip: str | None = None


class FieldBinding(QObject, Generic[W]):
    """The binding of review field ``field`` to ``widget``; subclasses say how values look.

    Signals:
        edited(): the user left the field or chose a value: time to commit it.
    """

    edited = Signal()

    def __init__(self, field: str, widget: W, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.widget = widget
        widget.setObjectName(field)
        #: The stored value the input was last filled with: what an edit starts from. A refresh
        #: leaves a field being edited alone, so this is not what is stored now when someone else
        #: changed it meanwhile (``ReviewService.update(expected=...)`` then refuses the edit).
        self.started_from: Any = None

    def put(self, doc: ReviewDoc) -> None:
        """Show ``doc``'s value without emitting ``edited``; the field is clean afterwards."""
        blocker = QSignalBlocker(self.widget)
        try:
            self._put(doc)
        finally:
            blocker.unblock()
        self.started_from = self.stored(doc)
        self.set_dirty(False)

    def read(self, doc: ReviewDoc) -> Any:
        """What the input means as a value of ``doc``'s field; raises InvalidFieldError if nothing."""
        raise NotImplementedError

    def stored(self, doc: ReviewDoc) -> Any:
        """``doc``'s value as :meth:`read` spells it (a list, not a tuple), to compare the two."""
        value = getattr(doc, self.field)
        return list(value) if isinstance(value, tuple) else value

    def is_dirty(self) -> bool:
        """Whether the user changed the input since :meth:`put` (a choice commits at once: never)."""
        return False

    def set_dirty(self, dirty: bool) -> None:
        """Mark the input as changed by the user (kept through refreshes) or as clean."""

    def draft(self) -> str | None:
        """The text typed and not committed (a draft worth keeping through a crash); None for none."""
        return None

    def restore_draft(self, text: str) -> None:
        """Show ``text``, a draft kept from before, as typed and not yet committed (a choice ignores it)."""

    def set_refusal(self, message: str | None) -> None:
        """Mark the input refused, with ``message`` as its tooltip, or accepted (None)."""
        refused = message is not None
        self.widget.setProperty("invalid", refused)
        style = _INVALID_STYLE if refused else ""
        if self.widget.styleSheet() != style:  # setting one re-polishes the widget, even when the same
            self.widget.setStyleSheet(style)
        self.widget.setToolTip(message or "")

    def _put(self, doc: ReviewDoc) -> None:
        raise NotImplementedError


class LineTextBinding(FieldBinding[QLineEdit]):
    """A one-line text (the title), stored without surrounding spaces when the field is left."""

    def __init__(self, field: str, placeholder: str = "", parent: QObject | None = None) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        super().__init__(field, edit, parent)
        edit.editingFinished.connect(self.edited)

    def read(self, doc: ReviewDoc) -> Any:
        return self.widget.text().strip()

    def is_dirty(self) -> bool:
        return self.widget.isModified()

    def set_dirty(self, dirty: bool) -> None:
        self.widget.setModified(dirty)

    def draft(self) -> str | None:
        return self.widget.text() if self.is_dirty() else None

    def restore_draft(self, text: str) -> None:
        self.widget.setText(text)
        self.set_dirty(True)

    def _text(self, doc: ReviewDoc) -> str:
        """``doc``'s value as the field shows it."""
        return str(getattr(doc, self.field))

    def _put(self, doc: ReviewDoc) -> None:
        text = self._text(doc)
        # Left alone when already shown: setText would move the cursor and clear the undo history.
        if self.widget.text() != text:
            self.widget.setText(text)
            if not self.widget.hasFocus():
                self.widget.setCursorPosition(0)  # a title longer than the field reads from its start


class TimeInZoneBinding(LineTextBinding):
    """A moment, shown and typed as wall-clock time in the review's zone (stored in UTC).

    An empty field is an unknown time. A wall-clock time the zone skipped or
    repeated is refused with the offset to add (see ``models.timeparse``).
    """

    def __init__(self, field: str, parent: QObject | None = None) -> None:
        super().__init__(field, "YYYY-MM-DD HH:MM", parent)

    def read(self, doc: ReviewDoc) -> Any:
        text = self.widget.text().strip()
        current = getattr(doc, self.field)
        if text == format_entry(current, doc.zone()):
            # The field shows no fractions of a second: unchanged text keeps the stored moment exactly.
            return current
        return parse_time(text, doc.zone(), field=self.field)

    def _text(self, doc: ReviewDoc) -> str:
        return format_entry(getattr(doc, self.field), doc.zone())


class CommaListBinding(LineTextBinding):
    """A list of short names (services, tags), typed separated by commas; empty names are dropped."""

    def read(self, doc: ReviewDoc) -> Any:
        return [part.strip() for part in self.widget.text().split(",") if part.strip()]

    def _text(self, doc: ReviewDoc) -> str:
        return ", ".join(getattr(doc, self.field))


class MultiLineTextBinding(FieldBinding[PlainTextField]):
    """A text of a few lines (summary, impact), stored without surrounding blank space when left."""

    def __init__(self, field: str, lines: int, placeholder: str = "", parent: QObject | None = None) -> None:
        edit = PlainTextField(lines)
        edit.setPlaceholderText(placeholder)
        super().__init__(field, edit, parent)
        edit.editing_finished.connect(self.edited)

    def read(self, doc: ReviewDoc) -> Any:
        return self.widget.toPlainText().strip()

    def is_dirty(self) -> bool:
        return self.widget.document().isModified()

    def set_dirty(self, dirty: bool) -> None:
        self.widget.document().setModified(dirty)

    def draft(self) -> str | None:
        return self.widget.toPlainText() if self.is_dirty() else None

    def restore_draft(self, text: str) -> None:
        self.widget.setPlainText(text)
        self.set_dirty(True)

    def _put(self, doc: ReviewDoc) -> None:
        text = getattr(doc, self.field)
        if self.widget.toPlainText() != text:
            self.widget.setPlainText(text)


class ChoiceBinding(FieldBinding[WheelSafeComboBox]):
    """One of a fixed set of values (kind, status, severity), committed as soon as it is chosen.

    A stored value that is none of the choices shows as the first choice; with
    ``unknown_text`` it is added as a choice of its own instead, so that it is
    neither hidden nor lost (a severity of another library's definitions).
    """

    def __init__(self, field: str, choices: Iterable[Choice], *,
                 unknown_text: Callable[[Any], str] | None = None, parent: QObject | None = None) -> None:
        combo = WheelSafeComboBox()
        for choice in choices:
            combo.addItem(choice.text, choice.value)
            if choice.tooltip is not None:
                combo.setItemData(combo.count() - 1, choice.tooltip, Qt.ItemDataRole.ToolTipRole)
        super().__init__(field, combo, parent)
        self._unknown_text = unknown_text
        combo.currentIndexChanged.connect(self.edited)

    def read(self, doc: ReviewDoc) -> Any:
        return self.widget.currentData()

    def _put(self, doc: ReviewDoc) -> None:
        value = getattr(doc, self.field)
        index = self.widget.findData(value) if value else 0
        if index < 0 and self._unknown_text is not None:
            self.widget.addItem(self._unknown_text(value), value)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(max(index, 0))


class ZoneNameBinding(FieldBinding[WheelSafeComboBox]):
    """An IANA timezone name, chosen from ``zones`` or typed (completed, any letter case)."""

    def __init__(self, field: str, zones: Iterable[str], placeholder: str = "",
                 parent: QObject | None = None) -> None:
        combo = WheelSafeComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(list(zones))
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        super().__init__(field, combo, parent)
        self._line_edit().setPlaceholderText(placeholder)
        combo.activated.connect(self.edited)
        self._line_edit().editingFinished.connect(self.edited)

    def read(self, doc: ReviewDoc) -> Any:
        text = self.widget.currentText().strip()
        # Zone names are case-sensitive on some systems; "europe/berlin" means Europe/Berlin.
        index = self.widget.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.widget.itemText(index) if index >= 0 else text

    def is_dirty(self) -> bool:
        return self._line_edit().isModified()

    def set_dirty(self, dirty: bool) -> None:
        self._line_edit().setModified(dirty)

    def _line_edit(self) -> QLineEdit:
        line_edit = self.widget.lineEdit()
        assert line_edit is not None  # the combo is editable
        return line_edit

    def _put(self, doc: ReviewDoc) -> None:
        name = getattr(doc, self.field)
        index = self.widget.findText(name)
        if index >= 0 and index != self.widget.currentIndex():
            self.widget.setCurrentIndex(index)
        if self.widget.currentText() != name:
            self.widget.setEditText(name)
