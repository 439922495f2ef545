"""The library: one row per review."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication

from models.lifecycle import Due, DueState
from models.review_summary import ReviewSummary, natural_key, status_rank
from models.timefmt import labelled
from models.vocabulary import label
from views.due_words import OVERDUE_COLOR, due_text, due_tooltip
from views.i18n import QT_TRANSLATE_NOOP as translate_noop

Index = QModelIndex | QPersistentModelIndex


class LibraryTableModel(QAbstractTableModel):
    """Reviews in the library; ``IdRole`` gives the review id through any proxy."""

    COL_TITLE, COL_STARTED, COL_SEVERITY, COL_STATUS, COL_DUE = range(5)
    HEADERS = (
        translate_noop("LibraryTableModel", "Title"),
        translate_noop("LibraryTableModel", "Started"),
        translate_noop("LibraryTableModel", "Severity"),
        translate_noop("LibraryTableModel", "Status"),
        translate_noop("LibraryTableModel", "Analysis"),
    )
    #: The columns as wide as their texts (the title takes the rest of the width).
    FITTED = (COL_STARTED, COL_SEVERITY, COL_STATUS, COL_DUE)
    IdRole = Qt.ItemDataRole.UserRole
    SortRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ReviewSummary] = []
        #: Each row's display texts by column, worked out once (a sort asks for them many times).
        self._texts: list[tuple[str, str, str, str]] = []
        #: Each review's analysis due state, by id (LifecycleService.due_states); none until given.
        self._due: dict[int, Due] = {}

    def set_rows(self, rows: list[ReviewSummary]) -> None:
        self.beginResetModel()
        try:
            self._rows = list(rows)
            self._texts = [self._display(row) for row in self._rows]
        finally:
            self.endResetModel()

    def set_due(self, due: Mapping[int, Due]) -> None:
        """The analysis due state of each review (by id): the due column shows it, overdue in red."""
        self._due = dict(due)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_DUE), self.index(len(self._rows) - 1, self.COL_DUE))

    def _display(self, row: ReviewSummary) -> tuple[str, str, str, str]:
        started = "—" if row.started_at is None else labelled(row.started_at, row.zone())
        return row.title, started, row.severity or "—", self._status_text(row)

    def column_texts(self, column: int) -> set[str]:
        """The different texts ``column`` shows (what its width must fit)."""
        if column == self.COL_DUE:
            return {due_text(self._due[row.id]) for row in self._rows if row.id in self._due}
        return {texts[column] for texts in self._texts}

    def row(self, index: int) -> ReviewSummary:
        """The review on line ``index``."""
        return self._rows[index]

    def rows(self) -> list[ReviewSummary]:
        """Every review listed, in the library's order."""
        return list(self._rows)

    def row_of(self, review_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == review_id), -1)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # QAbstractTableModel's calls back into Python twice (rowCount, columnCount) for every
        # index the sort proxy and the header's sizing ask for: thousands at the first paint.
        if parent.isValid() or not 0 <= row < len(self._rows) or not 0 <= column < len(self.HEADERS):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QApplication.translate("LibraryTableModel", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == self.IdRole:
            return row.id
        if column == self.COL_DUE:
            return self._due_data(row, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][column] if 0 <= column < len(self.HEADERS) else None
        if role == self.SortRole:
            if column == self.COL_STARTED:
                return (row.started_at or row.created_at).timestamp()
            if column == self.COL_TITLE:
                return row.title.casefold()
            if column == self.COL_SEVERITY:
                # SEV2 before SEV10, reviews without a severity last.
                return _sortable(natural_key(row.severity)) if row.severity else "\U0010ffff"
            if column == self.COL_STATUS:  # in lifecycle order, then the soonest meeting first
                upcoming = f"{row.upcoming.timestamp():020.3f}" if row.upcoming is not None else "~"
                return f"{status_rank(row.status):02d}{upcoming}"
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_STARTED and row.started_at is None:
            return QApplication.translate("LibraryTableModel", "No start time yet (set it in level setting)")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_STATUS and row.upcoming is not None:
            if row.upcoming_kind == "review":
                text = QApplication.translate("LibraryTableModel", "Upcoming: review meeting on %1")
            else:
                text = QApplication.translate("LibraryTableModel", "Upcoming: actions meeting on %1")
            return text.replace("%1", labelled(row.upcoming, row.zone()))
        return None

    def _due_data(self, row: ReviewSummary, role: int) -> Any:
        due = self._due.get(row.id)
        if due is None:
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return due_text(due)
        if role == self.SortRole:
            # Overdue and due reviews by date first, then the rest (nothing due) last.
            waiting = due.state is not DueState.NONE and due.due is not None
            return (due.due if waiting and due.due is not None else date.max).toordinal()
        if role == Qt.ItemDataRole.ForegroundRole and due.state is DueState.OVERDUE:
            return QBrush(QColor(OVERDUE_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return due_tooltip(due) or None
        return None

    def _status_text(self, row: ReviewSummary) -> str:
        """``Reviewed · actions meeting Thu 5 Mar 10:00`` (the review's timezone) while one is upcoming;
        ``Scheduled · review meeting …`` for the review meeting itself."""
        if row.upcoming is None:
            return label(row.status)
        local = row.upcoming.astimezone(row.zone())
        when = f"{local:%a} {local.day} {local:%b %H:%M}"
        if row.upcoming_kind == "review":
            upcoming = QApplication.translate("LibraryTableModel", "review meeting %1").replace("%1", when)
        else:
            upcoming = QApplication.translate("LibraryTableModel", "actions meeting %1").replace("%1", when)
        return f"{label(row.status)} · {upcoming}"


def _sortable(key: tuple[tuple[int, int | str], ...]) -> str:
    """A natural sort key as one string the sort proxy compares (numbers zero-padded)."""
    return "".join(f"{part:020d}" if isinstance(part, int) else f"\x01{part}" for _, part in key)
