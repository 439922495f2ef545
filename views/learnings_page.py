"""Learnings across the library: every learning of every review, by category, each linking back.

One line per learning: what was learned, its category, the review it came
from and that review's date (in the review's timezone). A category box (with
each category's count) and a text filter narrow the list; double-click (or
Enter) opens the review in its learnings phase. The page reads through
``LearningsService`` and follows the shared change hub while it is shown; it
reads again whenever it comes into view (a learning edited in another program
changes no review's line, which is all the library watch sees).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHeaderView,
    QWidget,
)

from models.learnings_list import category_rank
from models.vocabulary import LEARNING_CATEGORIES, label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.list_page_parts import ListPage, empty_state, filter_field, list_table
from views.models.rows_table_model import RowsTableModel

if TYPE_CHECKING:
    from app.changes import ChangeHub, ReviewChanges
    from app.learnings_service import LearningsService
    from models.learnings_list import LibraryLearning

Index = QModelIndex | QPersistentModelIndex

#: Width of the Review column at first (it can be dragged); the learning itself takes the rest.
REVIEW_COLUMN_WIDTH = 280


class LearningsTableModel(RowsTableModel["LibraryLearning"]):
    """Learnings of every review; ``IdRole`` and ``ReviewRole`` give the ids through any proxy."""

    COL_TEXT, COL_CATEGORY, COL_REVIEW, COL_DATE = range(4)
    HEADERS = (
        translate_noop("LearningsTableModel", "Learning"),
        translate_noop("LearningsTableModel", "Category"),
        translate_noop("LearningsTableModel", "Review"),
        translate_noop("LearningsTableModel", "Date"),
    )
    IdRole = Qt.ItemDataRole.UserRole
    ReviewRole = Qt.ItemDataRole.UserRole + 1
    SortRole = Qt.ItemDataRole.UserRole + 2
    CategoryRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        #: Each row's place in the usual order (category, then newest review first): the category
        #: column sorts on it, so sorting by category never shuffles the dates inside one.
        self._usual: list[int] = []

    def _rows_set(self) -> None:
        usual = sorted(range(len(self._rows)), key=lambda i: _usual_key(self._rows[i]))
        self._usual = [0] * len(usual)
        for place, row in enumerate(usual):
            self._usual[row] = place

    def category_counts(self) -> list[tuple[str, int]]:
        """Every known category (none too) in the usual order, then any other found, with its count."""
        found: dict[str, int] = {}
        for row in self._rows:
            found[row.category] = found.get(row.category, 0) + 1
        others = sorted(c for c in found if c not in LEARNING_CATEGORIES)
        return [(c, found.get(c, 0)) for c in (*LEARNING_CATEGORIES, *others)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item, column = self._rows[index.row()], index.column()
        if role == self.IdRole:
            return item.id
        if role == self.ReviewRole:
            return item.review_id
        if role == self.CategoryRole:
            return item.category
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == self.SortRole:
            if column == self.COL_CATEGORY:
                return self._usual[index.row()]
            if column == self.COL_DATE:
                # A float, not a datetime: the proxy compares numbers (and a float keeps all the bits).
                return item.started_at.timestamp()
            return (self._text(item, column) or "").casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        return None

    def _text(self, item: LibraryLearning, column: int) -> str | None:
        if column == self.COL_TEXT:
            return " ".join(item.text.split())  # one line: a learning of several paragraphs too
        if column == self.COL_CATEGORY:
            return QApplication.translate("vocabulary", label(item.category))
        if column == self.COL_REVIEW:
            return item.review_title
        if column == self.COL_DATE:
            return item.day().isoformat()
        return None

    def _tooltip(self, item: LibraryLearning, column: int) -> str | None:
        if column == self.COL_TEXT:
            # Rich text wraps: a learning of a few paragraphs reads in the tooltip, not as one long line.
            return "<p>" + html.escape(item.text, quote=False).replace("\n", "<br>") + "</p>"
        if column == self.COL_REVIEW and item.severity:
            return QApplication.translate("LearningsTableModel", "Severity: %1").replace("%1", item.severity)
        if column == self.COL_DATE and not item.start_known:
            return QApplication.translate("LearningsTableModel",
                                          "The incident's start is not set: the day the review was created")
        return None


def _usual_key(row: LibraryLearning) -> tuple[int, str, float, int, int]:
    """The usual order: category, newest review first, then the learnings of a review as added."""
    return category_rank(row.category), row.category, -row.started_at.timestamp(), -row.review_id, row.id


class _LearningsFilter(QSortFilterProxyModel):
    """One category (or all), and text in the learning or its review's title."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._category: str | None = None
        self._text = ""

    def set_category(self, category: str | None) -> None:
        self.beginFilterChange()
        self._category = category
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, LearningsTableModel)
        item = model.row(source_row)
        if self._category is not None and item.category != self._category:
            return False
        if not self._text:
            return True
        return self._text in item.text.casefold() or self._text in item.review_title.casefold()


class LearningsPage(ListPage):
    """Every learning of the library, by category then newest first; double-click opens its review.

    Signals:
        open_requested(int, int): the user wants this learning in its review (review id, learning id).
        close_requested(): the user wants to go back (the Library button).
    """

    open_requested = Signal(int, int)

    def __init__(self, learnings: LearningsService, parent: QWidget | None = None, *,
                 changes: ChangeHub | None = None) -> None:
        super().__init__(self.tr("Learnings across the library"), "learningsPage", parent)
        self._learnings = learnings
        self.model = LearningsTableModel(self)
        self.proxy = _LearningsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(LearningsTableModel.SortRole)
        self.summary_label.setObjectName("learningsSummary")
        self.category_combo = QComboBox()
        self.category_combo.setAccessibleName(self.tr("Category"))
        self.category_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.category_combo.currentIndexChanged.connect(self._category_chosen)
        self.filter_edit = filter_field(self.tr("Filter by learning or review…"),
                                        self.tr("Filter the learnings"))
        self.filter_edit.textChanged.connect(self._text_typed)

        self.table = list_table(self.proxy, name="learningsTable",
                                sort_column=LearningsTableModel.COL_CATEGORY)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LearningsTableModel.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LearningsTableModel.COL_REVIEW, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(LearningsTableModel.COL_REVIEW, REVIEW_COLUMN_WIDTH)
        for column in (LearningsTableModel.COL_CATEGORY, LearningsTableModel.COL_DATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Double-click and Enter both activate (one signal: a double-click also emits doubleClicked).
        self.table.activated.connect(self._open_index)

        self.empty_label = empty_state(self.tr("No learnings yet. Promote a note to a learning (Ctrl+L) in a "
                                               "review, and it is listed here by category."))
        self.lay_out(self.table, self.empty_label, [self.category_combo], self.filter_edit)

        self._fill_categories()
        self._show_counts()
        if changes is not None:
            changes.changed.connect(self._changed)
        # Not read here: the window builds the page at start, and it reads when it comes into view.

    def refresh(self) -> None:
        """Read the learnings again (the category and the filter stay as chosen)."""
        self.model.set_rows(self._learnings.learnings())
        self._fill_categories()
        self._show_counts()

    def selected_learning(self) -> tuple[int, int] | None:
        """The selected line's review and learning ids."""
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return (int(indexes[0].data(LearningsTableModel.ReviewRole)),
                int(indexes[0].data(LearningsTableModel.IdRole)))

    def _fill_categories(self) -> None:
        """The category box: all, then each category with its count; the chosen one stays chosen."""
        chosen = self.category_combo.currentData()
        counts = self.model.category_counts()
        self.category_combo.blockSignals(True)
        try:
            self.category_combo.clear()
            self.category_combo.addItem(self.tr("All categories (%1)").replace(
                "%1", str(self.model.rowCount())), None)
            for category, count in counts:
                name = QApplication.translate("vocabulary", label(category))
                self.category_combo.addItem(f"{name} ({count})", category)
            found = self.category_combo.findData(chosen) if chosen is not None else 0
            self.category_combo.setCurrentIndex(max(found, 0))
        finally:
            self.category_combo.blockSignals(False)
        self.proxy.set_category(self.category_combo.currentData())

    def _category_chosen(self, _index: int) -> None:
        self.proxy.set_category(self.category_combo.currentData())
        self._show_counts()

    def _text_typed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_counts()

    def _show_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        reviews = {self.proxy.index(row, 0).data(LearningsTableModel.ReviewRole) for row in range(shown)}
        if total == 0:
            self.summary_label.setText("")
        elif shown == total:
            self.summary_label.setText(self.tr("%1 from %2").replace("%1", self._learnings_text(total))
                                       .replace("%2", self._reviews_text(len(reviews))))
        else:
            self.summary_label.setText(
                self.tr("%1 of %2, from %3").replace("%1", str(shown))
                .replace("%2", self._learnings_text(total)).replace("%3", self._reviews_text(len(reviews))))
        self.table.setVisible(total > 0)
        self.empty_label.setVisible(total == 0)

    def _learnings_text(self, count: int) -> str:
        return self.tr("1 learning") if count == 1 else self.tr("%1 learnings").replace("%1", str(count))

    def _reviews_text(self, count: int) -> str:
        return self.tr("1 review") if count == 1 else self.tr("%1 reviews").replace("%1", str(count))

    def _changed(self, changes: ReviewChanges) -> None:
        # Hidden, the page waits: it reads again when it comes into view.
        if self.isVisible() and (changes.outcomes or changes.library or changes.facts or changes.deleted):
            self.refresh()

    def _open_index(self, index: QModelIndex) -> None:
        review_id = index.data(LearningsTableModel.ReviewRole)
        learning_id = index.data(LearningsTableModel.IdRole)
        if review_id is not None and learning_id is not None:
            self.open_requested.emit(int(review_id), int(learning_id))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
