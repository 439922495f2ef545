"""Open actions across every review, for teams that use actions.

One line per open or in-progress action of any review: what, which review,
who, by when (overdue in red), its status and priority. Double-click (or
Enter) opens the review. The page reads through ``LifecycleService`` and
follows the shared change hub: an action changed here or elsewhere shows at
the next change set that touches outcomes or the library.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHeaderView,
    QWidget,
)

from models.vocabulary import label
from views.due_words import OVERDUE_COLOR
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.list_page_parts import ListPage, empty_state, filter_field, list_table
from views.models.rows_table_model import RowsTableModel

if TYPE_CHECKING:
    from app.changes import ChangeHub, ReviewChanges
    from app.lifecycle_service import LifecycleService, OpenAction

Index = QModelIndex | QPersistentModelIndex

class OpenActionsTableModel(RowsTableModel["OpenAction"]):
    """Open actions of every review; ``ReviewRole`` gives the review id through any proxy."""

    COL_TITLE, COL_REVIEW, COL_OWNER, COL_DUE, COL_STATUS, COL_PRIORITY = range(6)
    HEADERS = (
        translate_noop("OpenActionsTableModel", "Action"),
        translate_noop("OpenActionsTableModel", "Review"),
        translate_noop("OpenActionsTableModel", "Owner"),
        translate_noop("OpenActionsTableModel", "Due"),
        translate_noop("OpenActionsTableModel", "Status"),
        translate_noop("OpenActionsTableModel", "Priority"),
    )
    IdRole = Qt.ItemDataRole.UserRole
    ReviewRole = Qt.ItemDataRole.UserRole + 1
    SortRole = Qt.ItemDataRole.UserRole + 2
    _PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}

    def overdue_count(self) -> int:
        return sum(1 for row in self._rows if row.overdue)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        action, column = item.action, index.column()
        if role == self.IdRole:
            return action.id
        if role == self.ReviewRole:
            return action.review_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == self.SortRole:
            if column == self.COL_DUE:
                # Undated actions last; an int, not a date, so the proxy compares them.
                return action.due.toordinal() if action.due is not None else date.max.toordinal()
            if column == self.COL_PRIORITY:
                return self._PRIORITY_ORDER.get(action.priority, len(self._PRIORITY_ORDER))
            return (self._text(item, column) or "").casefold()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_DUE and item.overdue:
            return QBrush(QColor(OVERDUE_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_DUE and item.overdue:
                return QApplication.translate("OpenActionsTableModel", "Overdue: it was due %1").replace(
                    "%1", action.due.isoformat() if action.due is not None else "")
            if column == self.COL_TITLE and action.link:
                return action.link
        return None

    def _text(self, item: OpenAction, column: int) -> str | None:
        action = item.action
        if column == self.COL_TITLE:
            return action.title
        if column == self.COL_REVIEW:
            return action.review_title
        if column == self.COL_OWNER:
            return action.owner or "—"
        if column == self.COL_DUE:
            return action.due.isoformat() if action.due is not None else "—"
        if column == self.COL_STATUS:
            return QApplication.translate("vocabulary", label(action.status))
        if column == self.COL_PRIORITY:
            return QApplication.translate("vocabulary", label(action.priority))
        return None


class _OpenActionsFilter(QSortFilterProxyModel):
    """Text in any column, and (optionally) overdue ones only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._overdue_only = False
        self._text = ""

    def set_overdue_only(self, overdue_only: bool) -> None:
        self.beginFilterChange()
        self._overdue_only = overdue_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, OpenActionsTableModel)
        item = model.row(source_row)
        if self._overdue_only and not item.overdue:
            return False
        if not self._text:
            return True
        action = item.action
        texts = (action.title, action.review_title, action.owner)
        return any(self._text in text.casefold() for text in texts)


class OpenActionsPage(ListPage):
    """The open actions of every review, soonest due first; double-click opens the review.

    Signals:
        open_requested(int): the user wants to open this review (its id).
        close_requested(): the user wants to go back (the Library button).
    """

    open_requested = Signal(int)

    def __init__(self, lifecycle: LifecycleService, parent: QWidget | None = None, *,
                 changes: ChangeHub | None = None) -> None:
        super().__init__(self.tr("Open actions"), "openActionsPage", parent)
        self._lifecycle = lifecycle
        self.model = OpenActionsTableModel(self)
        self.proxy = _OpenActionsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(OpenActionsTableModel.SortRole)
        self.summary_label.setObjectName("openActionsSummary")
        self.filter_edit = filter_field(self.tr("Filter by action, review or owner…"))
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.overdue_only = QCheckBox(self.tr("Overdue only"))
        self.overdue_only.toggled.connect(self.proxy.set_overdue_only)

        self.table = list_table(self.proxy, name="openActionsTable",
                                sort_column=OpenActionsTableModel.COL_DUE)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(OpenActionsTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OpenActionsTableModel.COL_REVIEW, QHeaderView.ResizeMode.Stretch)
        for column in (OpenActionsTableModel.COL_OWNER, OpenActionsTableModel.COL_DUE,
                       OpenActionsTableModel.COL_STATUS, OpenActionsTableModel.COL_PRIORITY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._open_index)  # Enter and a double-click (once each)

        self.empty_label = empty_state(self.tr("No open actions. Actions are optional: a review needs none."))
        self.lay_out(self.table, self.empty_label, [self.overdue_only], self.filter_edit)

        if changes is not None:
            changes.changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        """Read the open actions again."""
        self.model.set_rows(self._lifecycle.open_actions())
        count, overdue = self.model.rowCount(), self.model.overdue_count()
        if count == 0:
            self.summary_label.setText("")
        elif overdue:
            self.summary_label.setText(self.tr("%1 open, %2 overdue").replace("%1", str(count))
                                       .replace("%2", str(overdue)))
        else:
            self.summary_label.setText(self.tr("%1 open").replace("%1", str(count)))
        self.table.setVisible(count > 0)
        self.empty_label.setVisible(count == 0)

    def selected_review(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(OpenActionsTableModel.ReviewRole) if indexes else None

    def _changed(self, changes: ReviewChanges) -> None:
        if changes.outcomes or changes.library or changes.deleted:
            self.refresh()

    def _open_index(self, index: QModelIndex) -> None:
        review_id = index.data(OpenActionsTableModel.ReviewRole)
        if review_id is not None:
            self.open_requested.emit(int(review_id))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # An action edited in another program changes no review's line (what the library watch
        # sees): the list is read again whenever the page comes into view.
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
