"""The start page: every review in the library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.review_summary import ReviewSummary
from views.models.library_table_model import LibraryTableModel

if TYPE_CHECKING:
    from app.changes import ReviewChanges
    from app.review_service import ReviewService


class LibraryPage(QWidget):
    """Lists the reviews; new, open and delete (after confirmation).

    It can show the library's lines before the library is open (``rows``, read
    for the first paint); :meth:`bind` then hands it the service it reads and
    deletes through. Until then it says the library is being opened.

    Signals:
        open_requested(int): the user wants to open this review.
        new_requested(): the user wants a new review.
    """

    open_requested = Signal(int)
    new_requested = Signal()

    def __init__(self, reviews: ReviewService | None = None, parent: QWidget | None = None, *,
                 rows: Sequence[ReviewSummary] | None = None) -> None:
        super().__init__(parent)
        self._reviews: ReviewService | None = None
        self.model = LibraryTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(LibraryTableModel.SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(LibraryTableModel.COL_TITLE)

        heading = QLabel(self.tr("Review library"))
        heading.setObjectName("pageHeading")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter by title…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(LibraryTableModel.COL_STARTED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LibraryTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (LibraryTableModel.COL_STARTED, LibraryTableModel.COL_SEVERITY,
                       LibraryTableModel.COL_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        self._empty_text = self.tr("No reviews yet. Press Ctrl+N to start one, "
                                   "or import a review bundle from the File menu.")
        self.empty_label = QLabel(self._empty_text)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self.new_button = QPushButton(self.tr("&New review…"))
        self.open_button = QPushButton(self.tr("&Open"))
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self._open_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.filter_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        if reviews is not None:
            self.bind(reviews)
        else:
            self.show_rows(rows)

    def bind(self, reviews: ReviewService) -> None:
        """Read (and delete) through ``reviews`` from now on; the list is read again."""
        from PySide6.QtGui import QKeySequence  # its enums are many: built once the library is open

        self._reviews = reviews
        self.delete_button.setShortcut(QKeySequence.StandardKey.Delete)
        reviews.changes.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: ReviewChanges) -> None:
        if changes.library:
            self.refresh()

    def refresh(self) -> None:
        if self._reviews is not None:
            self.show_rows(self._reviews.list_reviews())

    def show_rows(self, rows: Sequence[ReviewSummary] | None) -> None:
        """Show these lines (None: not known yet, the library is being opened), keeping the selection."""
        selected = self.selected_id()
        self.model.set_rows(list(rows or ()))
        opening = rows is None
        self.empty_label.setText(self.tr("Opening the library…") if opening else self._empty_text)
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self.table.setVisible(self.model.rowCount() > 0)
        if selected is not None:
            self.select(selected)
        elif self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        self._update_buttons()

    def select(self, review_id: int) -> None:
        row = self.model.row_of(review_id)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectRow(index.row())

    def selected_id(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(LibraryTableModel.IdRole) if indexes else None

    def confirm_delete(self, title: str) -> bool:
        """Ask before deleting; tests replace this."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self, self.tr("Delete review"),
            self.tr("Delete “%1” and everything said in it? This cannot be undone.").replace("%1", title),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        review_id = self.selected_id()
        if review_id is None:
            return
        row = self.model.row_of(review_id)
        title = self.model.index(row, LibraryTableModel.COL_TITLE).data()
        if self._reviews is not None and self.confirm_delete(title):
            self._reviews.delete(review_id)

    def _open_selected(self) -> None:
        review_id = self.selected_id()
        if review_id is not None:
            self.open_requested.emit(review_id)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_requested.emit(index.data(LibraryTableModel.IdRole))

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.open_button.setEnabled(has)
        self.delete_button.setEnabled(has and self._reviews is not None)
