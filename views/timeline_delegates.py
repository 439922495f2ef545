"""Editors and painting for the timeline table: a kind picker, a time field, the walkthrough marker."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from models.vocabulary import EVENT_KINDS, label
from views.models.timeline_table_model import TimelineTableModel

Index = QModelIndex | QPersistentModelIndex

#: The walkthrough marker: a solid bar at the row's left edge, visible over the selection colour too.
MARKER_COLOUR = QColor(230, 145, 0)
MARKER_WIDTH = 4


class KindDelegate(QStyledItemDelegate):
    """Edits an event's kind with a combo box of the event kinds; picking one commits it."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("kindEditor")
        for kind in EVENT_KINDS:
            combo.addItem(QApplication.translate("vocabulary", label(kind)), kind)
        combo.activated.connect(lambda _row: self._commit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(position, 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)


class TimeDelegate(QStyledItemDelegate):
    """The time column: a line edit that explains what it takes, and the walkthrough marker.

    The row of the walkthrough's current event (``TimelineTableModel.CurrentRole``)
    gets a bar at its left edge, so it stays distinct from the selection.
    """

    def __init__(self, zone_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone_name = zone_name

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("timeEditor")
        editor.setPlaceholderText("YYYY-MM-DD HH:MM")
        editor.setToolTip(QApplication.translate(
            "TimelineWidget",
            "Wall-clock time in {zone} (HH:MM keeps the day), or with an offset such as +01:00 or Z",
        ).format(zone=self.zone_name))
        return editor

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        if index.data(TimelineTableModel.CurrentRole):
            rect: QRect = option.rect
            painter.fillRect(QRect(rect.left(), rect.top(), MARKER_WIDTH, rect.height()), MARKER_COLOUR)
