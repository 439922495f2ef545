"""The notes of one phase, oldest first, for the note-taker's list."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from models.snapshot import NoteRow
from models.timefmt import wall_clock
from models.vocabulary import label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop

Index = QModelIndex | QPersistentModelIndex
#: Before the text of a note the language coach keeps from the room until it is reworded or confirmed.
HELD_MARK = "[not in the room yet] "
#: Before the text of a private note: for the facilitator only.
PRIVATE_MARK = "[private] "

#: One colour per note kind, so a note-taker can scan the list; readable on light and dark.
KIND_COLOURS = {
    "observation": "#7f8c8d",
    "went-well": "#27ae60",
    "surprise": "#e67e22",
    "question": "#2980b9",
    "learning": "#8e44ad",
    "action": "#c0392b",
    "parking-lot": "#b7950b",
}
_ICONS: dict[str, QIcon] = {}


def kind_icon(kind: str) -> QIcon:
    """A small filled circle in the kind's colour (made once per kind)."""
    if kind not in _ICONS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(KIND_COLOURS.get(kind, "#7f8c8d")))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _ICONS[kind] = QIcon(pixmap)
    return _ICONS[kind]


class NotesTableModel(QAbstractTableModel):
    """Notes as rows; the text column is editable and asks for the edit by signal.

    The model never writes: an edit emits ``text_edited`` and the page asks the
    service, whose ``note_changed`` signal brings the stored row back here.

    Signals:
        text_edited(int, str): note id, new text.
    """

    text_edited = Signal(int, str)

    COL_TIME, COL_KIND, COL_SPEAKER, COL_TEXT = range(4)
    HEADERS = (
        translate_noop("NotesTableModel", "Said"),
        translate_noop("NotesTableModel", "Kind"),
        translate_noop("NotesTableModel", "Speaker"),
        translate_noop("NotesTableModel", "Note"),
    )
    IdRole = Qt.ItemDataRole.UserRole
    KindRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NoteRow] = []
        self._zone: tzinfo | None = None
        self._events: dict[int, str] = {}
        #: Notes kept from the room view (the coach flagged them; not confirmed).
        self._held: frozenset[int] = frozenset()

    def set_rows(self, rows: list[NoteRow], zone: tzinfo | None,
                 events: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        try:
            self._rows = list(rows)
            self._zone = zone
            self._events = dict(events or {})
        finally:
            self.endResetModel()

    def event_ids(self) -> set[int]:
        """The events whose text the model knows (those the notes are about)."""
        return set(self._events)

    def add_events(self, texts: dict[int, str]) -> None:
        """Know these events' texts too (before a note about one of them is added)."""
        self._events.update(texts)

    def set_held(self, note_ids: frozenset[int]) -> None:
        """Mark these notes as held back from the room view (their text says so)."""
        if note_ids == self._held:
            return
        self._held = note_ids
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, self.COL_TEXT), self.index(last, self.COL_TEXT))

    def append(self, row: NoteRow) -> None:
        """Add a note at the end, keeping the view's scroll and selection."""
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(row)
        self.endInsertRows()

    def replace(self, row: NoteRow) -> None:
        position = self.row_of(row.id)
        if position < 0:
            return
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))

    def remove(self, note_id: int) -> None:
        position = self.row_of(note_id)
        if position < 0:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self.endRemoveRows()

    def row_of(self, note_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == note_id), -1)

    def note_at(self, row: int) -> NoteRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[NoteRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QApplication.translate("NotesTableModel", self.HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_TEXT:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == self.IdRole:
            return row.id
        if role == self.KindRole:
            return row.kind
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.COL_TIME:
                if row.said_at is None:
                    return ""
                return wall_clock(row.said_at, self._zone or UTC, with_date=False)
            if column == self.COL_KIND:
                return QApplication.translate("vocabulary", label(row.kind))
            if column == self.COL_SPEAKER:
                return row.author or ""
            if column == self.COL_TEXT:
                if role == Qt.ItemDataRole.EditRole:
                    return row.text
                shown = f"{PRIVATE_MARK}{row.text}" if row.private else row.text
                if row.id in self._held:
                    shown = f"{HELD_MARK}{shown}"
                if row.event_id in self._events:
                    return f"{shown}   ↳ {self._events[row.event_id]}"
                return shown
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TEXT:
            return (QApplication.translate("NotesTableModel", "Private: never on the room view.") + "\n"
                    if row.private else "") + row.text
        if role == Qt.ItemDataRole.FontRole and column == self.COL_TEXT and row.private:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_KIND:
            return kind_icon(row.kind)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != self.COL_TEXT or role != Qt.ItemDataRole.EditRole:
            return False
        row = self._rows[index.row()]
        text = str(value).strip()
        if not text or text == row.text:
            return False
        self.text_edited.emit(row.id, text)
        return True
