"""The parts the pages listing the library's items share: a read-only table of whole rows, and the
top row (Library button, heading, choices, filter field) over a summary, the table and an empty state.

The open actions page and the learnings page are built from these, and the
library's own list uses the same table settings, so the three behave alike at
the keyboard: arrows move, Enter or a double-click opens, Tab leaves the list.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def list_table(model: QAbstractItemModel, *, name: str = "", sort_column: int | None = None,
               order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> QTableView:
    """A table of whole rows, one selected at a time, read-only, sortable by its headings."""
    table = QTableView()
    if name:
        table.setObjectName(name)
    table.setModel(model)
    table.setSortingEnabled(True)
    if sort_column is not None:
        table.sortByColumn(sort_column, order)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # whole rows: Tab leaves the list (arrows move in it)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    return table


def filter_field(placeholder: str, accessible_name: str = "") -> QLineEdit:
    """The filter field of a list page: clearable, named for screen readers."""
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(accessible_name or placeholder)
    field.setClearButtonEnabled(True)
    return field


def empty_state(text: str) -> QLabel:
    """What a list page says when there is nothing to list."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class ListPage(QWidget):
    """A page over a list: the Library button (``back_button``), a heading, ``summary_label``,
    the table and an empty state; :meth:`lay_out` puts them in place.

    Signals:
        close_requested(): the user wants to go back (the Library button).
    """

    close_requested = Signal()

    def __init__(self, heading: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.back_button = QPushButton(self.tr("Library"))
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(self.close_requested)
        self.heading = QLabel(heading)
        self.heading.setObjectName("pageHeading")
        self.summary_label = QLabel()

    def lay_out(self, table: QTableView, empty: QLabel, choices: Sequence[QWidget],
                filter_edit: QLineEdit) -> None:
        """Top row: Library, heading, the choices and the filter field; then the summary, the
        table (or the empty state)."""
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.heading)
        top.addStretch(1)
        for choice in choices:
            top.addWidget(choice)
        top.addWidget(filter_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(table, 1)
        layout.addWidget(empty)
