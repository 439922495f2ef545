"""Which timeline events to show: by kind, by participant, and by text as the user types."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QMetaObject,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from views.models.timeline_table_model import TimelineTableModel

Index = QModelIndex | QPersistentModelIndex


class TimelineFilterProxyModel(QAbstractProxyModel):
    """Filters a :class:`TimelineTableModel`; the order stays the source's (time, then id).

    A row shows when its kind is the chosen kind (or any), the chosen
    participant is among its people (or anyone), and the text typed occurs,
    ignoring case, in its text, source or participant names.

    The proxy keeps the source rows it shows as one ascending list, so a
    filter change is one list comprehension over the model's own lists (not a
    Python call per row from C++, as ``QSortFilterProxyModel.filterAcceptsRow``
    would be), announced as one layout change that carries the selection over.
    Changes in the source are announced precisely: an added, removed, moved or
    edited event that is (or becomes) shown is a row inserted, removed or moved
    here, so the view keeps its scroll and selection. It never sorts: the
    source keeps events in time order.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeline: TimelineTableModel | None = None
        self._connections: list[QMetaObject.Connection] = []
        self._visible: list[int] = []  # ascending source rows
        self._moving = False
        self._text = ""
        self._kind: str | None = None
        self._participant: str | None = None

    # public
    def set_text(self, text: str) -> None:
        """Show events whose text, source or people contain ``text`` (case-insensitive)."""
        self._change(text.strip().casefold(), self._kind, self._participant)

    def set_kind(self, kind: str | None) -> None:
        """Show events of ``kind`` only (None: every kind)."""
        self._change(self._text, kind or None, self._participant)

    def set_participant(self, name: str | None) -> None:
        """Show events ``name`` took part in only (None: everyone's)."""
        self._change(self._text, self._kind, name or None)

    def set_filters(self, text: str = "", kind: str | None = None, participant: str | None = None) -> None:
        """Set all three filters in one pass over the rows (``set_filters()`` shows everything)."""
        self._change(text.strip().casefold(), kind or None, participant or None)

    def text(self) -> str:
        return self._text

    def kind(self) -> str | None:
        return self._kind

    def participant(self) -> str | None:
        return self._participant

    def is_filtering(self) -> bool:
        """Whether any filter is set."""
        return bool(self._text) or self._kind is not None or self._participant is not None

    # private: filtering
    def _change(self, text: str, kind: str | None, participant: str | None) -> None:
        if (text, kind, participant) == (self._text, self._kind, self._participant):
            return
        # Typing on narrows what is shown: then only the rows shown now need a look.
        narrower = (self._text in text and self._kind in (None, kind)
                    and self._participant in (None, participant))
        self._text, self._kind, self._participant = text, kind, participant
        if self._timeline is None:
            return
        self._relayout(self._accepted(self._visible if narrower else None))

    def _accepted(self, candidates: Sequence[int] | None) -> list[int]:
        """The rows among ``candidates`` (ascending; None: all) that the filters let through."""
        if self._timeline is None:
            return []
        events, haystacks = self._timeline.filter_lists()
        found: Sequence[int] = range(len(events)) if candidates is None else candidates
        needle, kind, person = self._text, self._kind, self._participant
        # The text first: it is the filter typed, usually the narrowest, and `in` on a str is cheap.
        if needle:
            found = [row for row in found if needle in haystacks[row]]
        if kind is not None:
            found = [row for row in found if events[row].kind == kind]
        if person is not None:
            found = [row for row in found if person in events[row].participants]
        return list(found)

    def _relayout(self, visible: list[int]) -> None:
        """Show ``visible`` instead, as one layout change that keeps selected rows that stay."""
        self.layoutAboutToBeChanged.emit()
        before, self._visible = self._visible, visible
        moved_from = self.persistentIndexList()
        moved_to = []
        for index in moved_from:
            row = self._proxy_row(before[index.row()]) if 0 <= index.row() < len(before) else -1
            moved_to.append(self.createIndex(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()

    def _proxy_row(self, source_row: int) -> int:
        """Where ``source_row`` shows, -1 when it is filtered out."""
        visible = self._visible
        position = bisect_left(visible, source_row)
        return position if position < len(visible) and visible[position] == source_row else -1

    def _shift(self, first: int, delta: int) -> None:
        """Renumber the shown source rows from ``first`` on by ``delta``."""
        visible = self._visible
        position = bisect_left(visible, first)
        visible[position:] = [row + delta for row in visible[position:]]

    def _refilter(self, first: int, last: int) -> None:
        """Filter source rows ``first``…``last`` again: rows that stop passing go, rows that start come."""
        visible = self._visible
        start, end = bisect_left(visible, first), bisect_right(visible, last)
        shown = visible[start:end]
        wanted = self._accepted(range(first, last + 1))
        if wanted == shown:
            return
        keep, had = set(wanted), set(shown)
        for position in reversed(range(start, end)):
            if visible[position] not in keep:
                self.beginRemoveRows(QModelIndex(), position, position)
                del visible[position]
                self.endRemoveRows()
        for row in wanted:
            if row not in had:
                position = bisect_left(visible, row)
                self.beginInsertRows(QModelIndex(), position, position)
                visible.insert(position, row)
                self.endInsertRows()

    # private: the source's notifications
    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        start, end = bisect_left(self._visible, first), bisect_right(self._visible, last)
        if end > start:
            self.beginRemoveRows(QModelIndex(), start, end - 1)
            del self._visible[start:end]
            self.endRemoveRows()

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._shift(first, first - last - 1)

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        self._shift(first, last - first + 1)  # same rows shown, renumbered: nothing to announce
        wanted = self._accepted(range(first, last + 1))
        if wanted:
            position = bisect_left(self._visible, first)
            self.beginInsertRows(QModelIndex(), position, position + len(wanted) - 1)
            self._visible[position:position] = wanted
            self.endInsertRows()

    def _on_rows_about_to_be_moved(self, parent: QModelIndex, first: int, last: int,
                                   destination_parent: QModelIndex, destination: int) -> None:
        self._moving = False
        if parent.isValid() or destination_parent.isValid():
            return
        visible = self._visible
        start, end = bisect_left(visible, first), bisect_right(visible, last)
        target = bisect_left(visible, destination)
        if end > start:  # False when the shown rows keep their places (it passes hidden rows only)
            self._moving = self.beginMoveRows(QModelIndex(), start, end - 1, QModelIndex(), target)

    def _on_rows_moved(self, parent: QModelIndex, first: int, last: int,
                       destination_parent: QModelIndex, destination: int) -> None:
        if parent.isValid() or destination_parent.isValid():
            return
        count = last - first + 1
        if destination > last:  # down: the rows between move up over the block
            low, high, block, others = first, destination - 1, destination - 1 - last, -count
        else:  # up: the rows between move down under it
            low, high, block, others = destination, last, destination - first, count
        visible = self._visible
        start, end = bisect_left(visible, low), bisect_right(visible, high)
        visible[start:end] = sorted(row + (block if first <= row <= last else others)
                                    for row in visible[start:end])
        if self._moving:
            self._moving = False
            self.endMoveRows()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         roles: Sequence[int] = ()) -> None:
        if not top_left.isValid() or not bottom_right.isValid():
            return
        first, last = top_left.row(), bottom_right.row()
        if self.is_filtering():
            self._refilter(first, last)
        start, end = bisect_left(self._visible, first), bisect_right(self._visible, last)
        if end > start:
            self.dataChanged.emit(self.index(start, top_left.column()),
                                  self.index(end - 1, bottom_right.column()), list(roles))

    def _on_header_data_changed(self, orientation: Qt.Orientation, first: int, last: int) -> None:
        if orientation == Qt.Orientation.Horizontal:  # the timeline names its columns only
            self.headerDataChanged.emit(orientation, first, last)

    def _on_model_about_to_be_reset(self, *_args: object) -> None:
        self.beginResetModel()
        self._visible = []

    def _on_model_reset(self, *_args: object) -> None:
        self._visible = self._accepted(None)
        self.endResetModel()

    # Qt overrides
    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        """Filter ``model``, which must be a :class:`TimelineTableModel`."""
        if not isinstance(model, TimelineTableModel):
            raise TypeError(f"the filter needs a TimelineTableModel, not {type(model).__name__}")
        self.beginResetModel()
        try:
            for connection in self._connections:
                QObject.disconnect(connection)
            super().setSourceModel(model)
            self._timeline = model
            self._connections = [
                model.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed),
                model.rowsRemoved.connect(self._on_rows_removed),
                model.rowsInserted.connect(self._on_rows_inserted),
                model.rowsAboutToBeMoved.connect(self._on_rows_about_to_be_moved),
                model.rowsMoved.connect(self._on_rows_moved),
                model.dataChanged.connect(self._on_data_changed),
                model.headerDataChanged.connect(self._on_header_data_changed),
                model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset),
                model.modelReset.connect(self._on_model_reset),
                # The timeline never re-lays out its rows nor changes its columns; should it, start over.
                model.layoutAboutToBeChanged.connect(self._on_model_about_to_be_reset),
                model.layoutChanged.connect(self._on_model_reset),
                model.columnsAboutToBeInserted.connect(self._on_model_about_to_be_reset),
                model.columnsInserted.connect(self._on_model_reset),
                model.columnsAboutToBeRemoved.connect(self._on_model_about_to_be_reset),
                model.columnsRemoved.connect(self._on_model_reset),
                model.columnsAboutToBeMoved.connect(self._on_model_about_to_be_reset),
                model.columnsMoved.connect(self._on_model_reset),
            ]
            self._visible = self._accepted(None)
        finally:
            self.endResetModel()

    def mapToSource(self, proxy_index: Index) -> QModelIndex:  # noqa: N802
        row = proxy_index.row()
        if self._timeline is None or not proxy_index.isValid() or row >= len(self._visible):
            return QModelIndex()
        return self._timeline.index(self._visible[row], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid():
            return QModelIndex()
        row = self._proxy_row(source_index.row())
        return self.createIndex(row, source_index.column()) if row >= 0 else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Here rather than QAbstractProxyModel's: a paint asks for a dozen roles per cell, and
        # each would cross from C++ into Python twice more (mapToSource, then data).
        row = index.row()
        if self._timeline is None or not index.isValid() or row >= len(self._visible):
            return None
        return self._timeline.data_at(self._visible[row], index.column(), role)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not 0 <= row < len(self._visible) or not 0 <= column < self.columnCount():
            return QModelIndex()
        return self.createIndex(row, column)

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: Index) -> QModelIndex: ...
    def parent(self, child: Index | None = None) -> QObject | QModelIndex | None:
        # One name for QObject.parent() and the model's parent(index): a table's rows have none.
        if child is None:
            return super().parent()
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._timeline is None:
            return 0
        return self._timeline.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and bool(self._visible)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._timeline is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._visible):
                return None
            section = self._visible[section]
        # Columns map one to one: ask the source even when no row is shown.
        return self._timeline.headerData(section, orientation, role)

