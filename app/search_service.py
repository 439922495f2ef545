"""Full-text search over the library, for the command line and for the window.

:meth:`SearchService.search` runs :func:`models.search.search` in one read
transaction and returns the hits. The window searches while the user types:
:meth:`SearchService.operation` gives an :class:`~app.background.Operation`
whose work opens its own session on a worker thread, so typing never waits
for the library (see views/search_results.py for the debounce and for
dropping results a newer query has overtaken).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject

from app.background import Operation, OperationContext
from models.search import SearchHit, search
from models.store import Library

#: Hits the window shows for one query; the command line's default is smaller.
WINDOW_LIMIT = 100


@dataclass(frozen=True)
class SearchResults:
    """The hits for one query, with the query as typed (to tell a stale answer from the current one)."""

    query: str
    hits: tuple[SearchHit, ...]

    @property
    def reviews(self) -> int:
        """How many reviews the hits are in."""
        return len({hit.review_id for hit in self.hits})


class SearchService(QObject):
    """Searches the library: at once (:meth:`search`) or on a worker thread (:meth:`operation`)."""

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library

    def search(self, query: str, *, limit: int = WINDOW_LIMIT, as_you_type: bool = False) -> SearchResults:
        """The hits for ``query``, best first (each review's best hit, then more); never raises for any text.

        A storage problem (the library locked, gone) raises
        :class:`models.errors.StorageError` as any read does.
        """
        with self._library.begin() as session:
            hits = search(session, query, limit=limit, as_you_type=as_you_type)
        return SearchResults(query, tuple(hits))

    def operation(self, query: str, *, limit: int = WINDOW_LIMIT,
                  as_you_type: bool = True) -> Operation[SearchResults]:
        """:meth:`search` as an operation to start on the UI thread (its own session on a worker).

        Not started: attach callbacks, ``owned_by`` the widget, then ``start()``.
        A cancelled operation that has not begun is never run.
        """
        def work(context: OperationContext) -> SearchResults:
            context.check()
            return self.search(query, limit=limit, as_you_type=as_you_type)

        return Operation(work)
