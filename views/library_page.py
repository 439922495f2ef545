"""The start page: every review in the library, and a search over everything said in them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from models.review_summary import ReviewSummary
from views.list_page_parts import list_table
from views.models.library_table_model import LibraryTableModel

if TYPE_CHECKING:
    from app.changes import ReviewChanges
    from app.review_service import ReviewService
    from app.search_service import SearchService
    from models.library_filter import LibraryFilter
    from models.lifecycle import Due
    from views.library_filters import LibraryFilterBar
    from views.search_results import SearchPanel


class LibraryProxy(QSortFilterProxyModel):
    """The library's lines sorted by the column chosen and narrowed by a :class:`LibraryFilter`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter: LibraryFilter | None = None  # None: every review (until a filter is chosen)

    def set_filter(self, wanted: LibraryFilter) -> None:
        self.beginFilterChange()
        self._filter = wanted if wanted.is_active() else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, review_id: int) -> bool:
        """Whether the review with this id is let through (with a filter, one not listed is not)."""
        if self._filter is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, LibraryTableModel)
        row = model.row_of(review_id)
        return row >= 0 and self._filter.matches(model.row(row))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if self._filter is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, LibraryTableModel)
        return self._filter.matches(model.row(source_row))


class LibraryPage(QWidget):
    """Lists the reviews; new, open and delete (after confirmation); searches everything in them.

    It can show the library's lines before the library is open (``rows``, read
    for the first paint); :meth:`bind` then hands it the service it reads and
    deletes through (and the one it searches through). Until then it says the
    library is being opened.

    The search field (Ctrl+F) searches titles, summaries, timelines, notes,
    learnings, actions, participants, services and tags as the user types;
    while it holds a query the results take the list's place (Esc clears it).
    It replaces the former title filter: a title hit ranks first, and the last
    word typed is searched as a prefix, so part of a title still finds it.

    Signals:
        open_requested(int): the user wants to open this review.
        open_at_requested(int, object): the user wants to open this review at a search hit: the
            review id and a :class:`models.search.HitPlace` (kind, field, item id, phase, event id).
        new_requested(): the user wants a new review.
    """

    open_requested = Signal(int)
    open_at_requested = Signal(int, object)
    new_requested = Signal()

    def __init__(self, reviews: ReviewService | None = None, parent: QWidget | None = None, *,
                 rows: Sequence[ReviewSummary] | None = None, search: SearchService | None = None) -> None:
        super().__init__(parent)
        self._reviews: ReviewService | None = None
        self.model = LibraryTableModel(self)
        self.proxy = LibraryProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(LibraryTableModel.SortRole)

        heading = QLabel(self.tr("Review library"))
        heading.setObjectName("pageHeading")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search all reviews… (Ctrl+F)"))
        self.search_edit.setToolTip(self.tr(
            "Titles, summaries, timelines, notes, learnings, actions, participants, services and tags. "
            "All the words must be found in one place; \"a phrase\" in quotes; pool* for words "
            "starting with pool. Down goes to the results, Enter opens the best one, Esc clears."))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search all reviews"))
        self.search_edit.textChanged.connect(self._search_changed)
        self.search_edit.installEventFilter(self)
        # The results (and the search modules) are built once the library is open, or at the first
        # query: the first paint shows the list without them.
        self._search_panel: SearchPanel | None = None
        self._search_service: SearchService | None = None

        #: Severity, status, kind, service, tag, template and dates (they narrow the list and the
        #: hits): built once the library is open; until then a space as tall keeps the list in place.
        self.filters: LibraryFilterBar | None = None
        self._filters_space = QWidget()
        self._filters_space.setFixedHeight(self.search_edit.sizeHint().height())

        self.table = list_table(self.proxy, sort_column=LibraryTableModel.COL_STARTED,
                                order=Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LibraryTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # The other columns fit their texts (_fit_columns), measured from the model's texts: Qt's
        # ResizeToContents asks every cell for every role instead, half the window's first paint.
        # Enter, and a double-click (or the platform's single click): activated alone, or a
        # double-click would open the review twice.
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
        self._top = top
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.search_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        listing = QWidget()
        listed = QVBoxLayout(listing)
        listed.setContentsMargins(0, 0, 0, 0)
        listed.addWidget(self.table, 1)
        listed.addWidget(self.empty_label, 1)
        #: The list of reviews, or (while the search field holds a query) the search results.
        self.body = QStackedWidget()
        self.body.addWidget(listing)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._filters_space)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        if reviews is not None:
            self.bind(reviews, search)
        else:
            self.show_rows(rows)

    #: Each review's analysis due state (app/lifecycle_service.py), for the Analysis column.
    due_states: Callable[[], Mapping[int, Due]] | None = None

    def bind(self, reviews: ReviewService, search: SearchService | None = None) -> None:
        """Read (and delete) through ``reviews``, search through ``search``; the list is read again."""
        from PySide6.QtGui import QKeySequence  # its enums are many: built once the library is open

        first = self._reviews is None
        self._reviews = reviews
        self.delete_button.setShortcut(QKeySequence.StandardKey.Delete)
        if first:  # once the library is open: the first paint goes without their modules
            self._install_find_action()
            self._build_filters()
        reviews.changes.changed.connect(self._changed)
        if search is not None:
            self._search_service = search
            self.search_panel.set_service(search)
        self.refresh()

    @property
    def search_panel(self) -> SearchPanel:
        """The search results (built on first use)."""
        if self._search_panel is None:
            from views.search_results import SearchPanel

            panel = SearchPanel(self._search_service, self)
            panel.set_review_filter(self._review_filter())
            panel.open_requested.connect(self.open_at_requested)
            panel.searched.connect(lambda _query: self._update_buttons())
            panel.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
            self.body.addWidget(panel)
            self._search_panel = panel
        return self._search_panel

    def searching(self) -> bool:
        """Whether the search results are shown (the field holds a query)."""
        return self._search_panel is not None and self.body.currentWidget() is self._search_panel

    def focus_search(self) -> None:
        """Ctrl+F: to the search field, its text selected."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _changed(self, changes: ReviewChanges) -> None:
        if changes.library:
            self.refresh()
        if self.searching() and self.isVisible():
            self.search_panel.refresh()  # what was written may be found (or gone) now

    def _install_find_action(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        from views.shortcuts_dialog import SHORTCUT_GROUP

        self.find_action = QAction(self.tr("Search the library"), self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        # Only while the library is the page shown: the meeting page has its own Ctrl+F.
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.setProperty(SHORTCUT_GROUP, "Edit")
        self.find_action.triggered.connect(self.focus_search)
        self.addAction(self.find_action)

    def _search_changed(self, text: str) -> None:
        panel = self.search_panel
        self.body.setCurrentIndex(1 if text.strip() else 0)
        panel.set_query(text)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """In the search field: Down to the results, Enter opens the best hit, Esc clears."""
        if (watched is self.search_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)):
            key = event.key()
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
            if self.searching() and key == Qt.Key.Key_Down and self.search_panel.view.results.rowCount():
                self.search_panel.view.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            if self.searching() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.search_panel.open_best()
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.searching():
            self.search_panel.refresh()  # back from a review: what was said there may be found now

    def refresh(self) -> None:
        if self._reviews is not None:
            self.show_rows(self._reviews.list_reviews())
            if self.due_states is not None:
                self.model.set_due(self.due_states())
                self._fit_columns()

    def show_rows(self, rows: Sequence[ReviewSummary] | None) -> None:
        """Show these lines (None: not known yet, the library is being opened), keeping the selection."""
        selected = self.selected_id()
        self.model.set_rows(list(rows or ()))
        self._fit_columns()
        opening = rows is None
        self.empty_label.setText(self.tr("Opening the library…") if opening else self._empty_text)
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self.table.setVisible(self.model.rowCount() > 0)
        self._show_facets()
        if selected is not None:
            self.select(selected)
        elif self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        self._update_buttons()

    def _build_filters(self) -> None:
        from views.library_filters import LibraryFilterBar

        self.filters = LibraryFilterBar()
        self.filters.changed.connect(self._filter_changed)
        self._top.insertWidget(1, self.filters.count_label)  # "12 of 40 reviews" beside the heading
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.replaceWidget(self._filters_space, self.filters)
        self._filters_space.deleteLater()
        # Tab goes from the search field through the filters to the list (built last, they would
        # otherwise come after the buttons at the bottom).
        chain = [self.search_edit, *self.filters.focus_chain(), self.table]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self._show_facets()

    def _show_facets(self) -> None:
        """The filter bar offers the values the list holds, and counts what it shows."""
        if self.filters is None:
            return
        from models.library_filter import facets

        self.filters.setVisible(self.model.rowCount() > 0 or self.filters.current().is_active())
        self.filters.set_facets(facets(self.model.rows()))
        self._count()

    def _filter_changed(self, wanted: LibraryFilter) -> None:
        selected = self.selected_id()
        self.proxy.set_filter(wanted)
        self._count()
        if selected is not None and self.model.row_of(selected) >= 0 and self.proxy.accepts(selected):
            self.select(selected)
        elif self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        if self._search_panel is not None:
            self._search_panel.set_review_filter(self._review_filter())
        self._update_buttons()

    def _review_filter(self) -> Callable[[int], bool] | None:
        """What the search results are narrowed by: the filters' reviews (None while none is on)."""
        wanted = self.filters.current() if self.filters is not None else None
        return self._shown_review if wanted is not None and wanted.is_active() else None

    def _shown_review(self, review_id: int) -> bool:
        """Whether the filters let ``review_id`` through (a search hit in it is shown)."""
        return self.proxy.accepts(review_id)

    def _count(self) -> None:
        if self.filters is not None:
            self.filters.set_count(self.proxy.rowCount(), self.model.rowCount())

    def _fit_columns(self) -> None:
        """Every column but the title (which takes the rest) as wide as its widest text or heading."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        # A cell's text sits between the style's focus margins (as QStyledItemDelegate lays it out).
        margin = 2 * (self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 8
        for column in LibraryTableModel.FITTED:
            texts = self.model.column_texts(column)
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            header.resizeSection(column, max(header.sectionSizeHint(column), widest + margin))

    def select(self, review_id: int) -> None:
        row = self.model.row_of(review_id)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectRow(index.row())

    def selected_id(self) -> int | None:
        """The selected review: the selected search hit's while the results are shown."""
        if self.searching():
            hit = self.search_panel.view.current_hit()
            return hit.review_id if hit is not None else None
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
        if review_id is None or self.searching():
            return
        row = self.model.row_of(review_id)
        title = self.model.index(row, LibraryTableModel.COL_TITLE).data()
        if self._reviews is not None and self.confirm_delete(title):
            self._reviews.delete(review_id)

    def _open_selected(self) -> None:
        if self.searching():
            self.search_panel.view.open_current()
            return
        review_id = self.selected_id()
        if review_id is not None:
            self.open_requested.emit(review_id)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_requested.emit(index.data(LibraryTableModel.IdRole))

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.open_button.setEnabled(has)
        self.delete_button.setEnabled(has and self._reviews is not None and not self.searching())
