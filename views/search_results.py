"""Search results: every place a query matched, best first, the matched words in bold.

:class:`SearchResultsModel` lists :class:`~models.search.SearchHit` rows;
:class:`SearchHitDelegate` draws each as the review's title with where the hit
is, and the words around it with the matched ones bold; :class:`SearchPanel`
searches while the user types (a pause of :data:`DEBOUNCE_MS` first, the
search on a worker, an answer that a newer query has overtaken dropped) and
says how many hits there are.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from models.search import HitPlace, SearchHit, snippet_fragments

if TYPE_CHECKING:
    from app.background import Operation
    from app.search_service import SearchResults, SearchService

Index = QModelIndex | QPersistentModelIndex

#: How long typing must pause before a search starts, in milliseconds.
DEBOUNCE_MS = 200
#: Space around an item's text, in pixels.
PADDING = 6

#: Phase ids of the built-in templates, as the meeting names them (others show their id).
_PHASES = {
    "level-setting": "Level setting",
    "timeline": "Timeline walkthrough",
    "went-well": "What went well",
    "surprises": "Surprises",
    "learnings": "Learnings",
    "actions": "Actions",
    "wrap-up": "Wrap-up",
    "parking-lot": "Parking lot",
}


def where_text(place: HitPlace) -> str:
    """Where a hit is, in words: "Title", "Timeline event", "Note · Surprises", "Action owner"."""
    def tr(text: str) -> str:
        return QApplication.translate("SearchResults", text)

    fields = {
        ("review", "title"): tr("Title"), ("review", "summary"): tr("Summary"),
        ("review", "impact"): tr("Impact"), ("review", "services"): tr("Services"),
        ("review", "tags"): tr("Tags"),
        ("participant", "name"): tr("Participant"),
        ("participant", "aliases"): tr("Participant (other name)"),
        ("participant", "brought_in"): tr("Participant (how brought in)"),
        ("event", "text"): tr("Timeline event"), ("event", "detail"): tr("Timeline event (detail)"),
        ("event", "source"): tr("Timeline event (source)"),
        ("note", "text"): tr("Note"), ("learning", "text"): tr("Learning"),
        ("action", "title"): tr("Action"), ("action", "description"): tr("Action (description)"),
        ("action", "owner"): tr("Action (owner)"),
    }
    text = fields.get((place.kind, place.field), f"{place.kind} {place.field}")
    if place.kind == "note" and place.phase:
        text += " · " + tr(_PHASES.get(place.phase, place.phase))
    return text


def snippet_html(snippet: str) -> str:
    """The snippet as rich text: the matched words bold, everything else escaped."""
    return "".join(f"<b>{html.escape(piece)}</b>" if hit else html.escape(piece)
                   for piece, hit in snippet_fragments(" ".join(snippet.split())))


def hit_html(hit: SearchHit, muted: str) -> str:
    """A hit as the delegate draws it: the title bold, where it is in ``muted`` colour, the snippet."""
    return (f"<b>{html.escape(hit.title)}</b>&nbsp;&nbsp;<span style='color:{html.escape(muted)}'>"
            f"{html.escape(where_text(hit.place))}</span><br>{snippet_html(hit.snippet)}")


class SearchResultsModel(QAbstractListModel):
    """Search hits, one a row, in the order given (best first).

    ``HitRole`` gives the :class:`SearchHit`, ``IdRole`` its review's id.
    """

    HitRole = Qt.ItemDataRole.UserRole
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        try:
            self._hits = list(hits)
        finally:
            self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit_at(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit_at(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title} — {where_text(hit.place)}: {hit.plain_snippet()}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}, {where_text(hit.place)}: {hit.plain_snippet()}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("%1\n%2\nEnter or double-click opens the review there.").replace(
                "%1", hit.title).replace("%2", where_text(hit.place))
        if role == self.HitRole:
            return hit
        if role == self.IdRole:
            return hit.review_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class SearchHitDelegate(QStyledItemDelegate):
    """Draws a hit as rich text: the title bold with where it is muted, then the snippet, hit words bold."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        style = option.widget.style() if option.widget is not None else QApplication.style()
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        document = self._document(option, index, selected)
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        try:
            painter.translate(option.rect.left() + PADDING, option.rect.top() + PADDING // 2)
            painter.setClipRect(QRect(0, 0, option.rect.width() - 2 * PADDING, option.rect.height()))
            document.documentLayout().draw(painter, context)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        document = self._document(option, index, False)
        return QSize(int(document.idealWidth()) + 2 * PADDING, int(document.size().height()) + PADDING)

    def _document(self, option: QStyleOptionViewItem, index: Index, selected: bool) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        muted = option.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.HighlightedText
                                     if selected else QPalette.ColorRole.PlaceholderText)
        hit = index.data(SearchResultsModel.HitRole)
        document.setHtml(hit_html(hit, muted.name()) if isinstance(hit, SearchHit) else "")
        view = option.widget
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        document.setTextWidth(max(width - 2 * PADDING, 80))
        return document


class SearchResultsView(QListView):
    """The hits; Enter or a double-click asks to open the review at the hit.

    Signals:
        open_requested(int, object): the review id and the :class:`~models.search.HitPlace` to open.
    """

    open_requested = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results = SearchResultsModel(self)
        self.setModel(self.results)
        self.setItemDelegate(SearchHitDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # lines re-wrap at the new width
        self.setAccessibleName(self.tr("Search results"))
        self.activated.connect(self._open_index)  # Enter or Return, and a double-click

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.results.set_hits(hits)
        if self.results.rowCount() > 0:
            self.setCurrentIndex(self.results.index(0, 0))

    def current_hit(self) -> SearchHit | None:
        index = self.currentIndex()
        return self.results.hit_at(index.row()) if index.isValid() else None

    def open_current(self) -> bool:
        """Ask to open the selected hit (the first when none is); False when there is none."""
        hit = self.current_hit() or self.results.hit_at(0)
        if hit is None:
            return False
        self.open_requested.emit(hit.review_id, hit.place)
        return True

    def _open_index(self, index: QModelIndex) -> None:
        hit = self.results.hit_at(index.row()) if index.isValid() else None
        if hit is not None:
            self.open_requested.emit(hit.review_id, hit.place)


#: How many hits a search asks for while the library's filters are on (those in the reviews they
#: hide are left out; the search ranks at most this many).
FILTERED_LIMIT = 200


class SearchPanel(QWidget):
    """A status line and the results of the query being typed, searched on a worker.

    :meth:`set_query` is called on every keystroke: the search starts once
    typing pauses for :data:`DEBOUNCE_MS`; an answer to an older query is
    dropped. Without a service (the library not open yet) it says so.

    Signals:
        open_requested(int, object): the review id and the :class:`~models.search.HitPlace` to open.
        searched(str): the hits for this query are shown (for tests and the status line).
    """

    open_requested = Signal(int, object)
    searched = Signal(str)

    def __init__(self, service: SearchService | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.query = ""
        #: Whether a review's hits are shown (the library's filters); None: all are.
        self._review_filter: Callable[[int], bool] | None = None
        #: The last answer, before the review filter: (query, hits).
        self._found: tuple[str, tuple[SearchHit, ...]] = ("", ())
        self._open_when_found = False
        self._operation: Operation[SearchResults] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start)
        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.view = SearchResultsView()
        self.view.open_requested.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

    def set_service(self, service: SearchService) -> None:
        """Search through ``service`` from now on (the query typed so far is searched)."""
        self.service = service
        if self.query.strip():
            self._timer.start()

    def set_review_filter(self, shown: Callable[[int], bool] | None) -> None:
        """Show only the hits in reviews ``shown`` lets through (the library's filters); the hits
        found are shown again under it at once."""
        self._review_filter = shown
        query, hits = self._found
        if query == self.query and query.strip():
            self._show(query, hits)

    def set_query(self, query: str) -> None:
        """The field now says ``query``: search it once typing pauses."""
        if query == self.query and (self._timer.isActive() or self._operation is not None):
            return
        self.query = query
        self._open_when_found = False
        if self._operation is not None:
            self._operation.cancel()  # a worker not started yet never runs it
            self._operation = None
        if not query.strip():
            self._timer.stop()
            self._show(query, ())
            return
        self.status.setText(self.tr("Searching…") if self.service is not None
                            else self.tr("The library is being opened…"))
        self._timer.start()

    def refresh(self) -> None:
        """Search the current query again now (the library changed)."""
        if self.query.strip():
            self._timer.stop()
            self._start()

    def hits(self) -> list[SearchHit]:
        return self.view.results.hits()

    def open_best(self) -> None:
        """Open the selected hit, or the best one; if the search is still running, once it is done."""
        if self._timer.isActive() or self._operation is not None:
            self._open_when_found = True
            if self._timer.isActive():
                self._timer.stop()
                self._start()
            return
        self.view.open_current()

    def _start(self) -> None:
        if self.service is None:
            return
        if self._operation is not None:
            self._operation.cancel()  # overtaken: its answer, if it still comes, is dropped
        query = self.query
        # With the library's filters on, more hits are asked for: those in hidden reviews are left out.
        if self._review_filter is not None:
            operation = self.service.operation(query, limit=FILTERED_LIMIT).owned_by(self)
        else:
            operation = self.service.operation(query).owned_by(self)
        self._operation = operation

        def found(results: SearchResults) -> None:
            if operation is not self._operation or results.query != self.query:
                return  # a newer query took over while this one ran
            self._operation = None
            self._show(results.query, results.hits)
            if self._open_when_found:
                self._open_when_found = False
                self.view.open_current()

        def failed(exc: Exception) -> None:
            if operation is self._operation:
                self._operation = None
                self._open_when_found = False
                self._show(query, ())
                self.status.setText(self.tr("The search failed: %1").replace("%1", str(exc)))

        operation.on_success(found).on_failure(failed).start()

    def _show(self, query: str, found: Sequence[SearchHit]) -> None:
        self._found = (query, tuple(found))
        shown = self._review_filter
        hits = [hit for hit in found if shown is None or shown(hit.review_id)]
        hidden = len(found) - len(hits)
        reviews = len({hit.review_id for hit in hits})
        self.view.set_hits(hits)
        if not query.strip():
            self.status.setText("")
        elif not hits and hidden and len(found) >= FILTERED_LIMIT:
            # Only the best hits are looked at: the filtered reviews may hold weaker ones.
            text = self.tr("The best %2 hits for “%1” are all in reviews the filters hide: add a word "
                           "to the search, or clear the filters.")
            self.status.setText(text.replace("%1", query.strip()).replace("%2", str(len(found))))
        elif not hits and hidden:
            text = self.tr("Nothing found for “%1” in the reviews the filters show (%2 hits in others).")
            self.status.setText(text.replace("%1", query.strip()).replace("%2", str(hidden)))
        elif not hits:
            self.status.setText(self.tr("Nothing found for “%1”.").replace("%1", query.strip()))
        else:
            count = self.tr("1 hit") if len(hits) == 1 else self.tr("%1 hits").replace("%1", str(len(hits)))
            where = (self.tr("1 review") if reviews == 1
                     else self.tr("%1 reviews").replace("%1", str(reviews)))
            text = self.tr("%1 in %2. Enter opens the selected one.")
            text = text.replace("%1", count).replace("%2", where)
            if hidden:
                text += " " + self.tr("%1 more in reviews the filters hide.").replace("%1", str(hidden))
            self.status.setText(text)
        self.searched.emit(query)
