"""Patterns across the library and similar past incidents: what the patterns page and the review's
"have we seen this before?" panel call.

Every read is one transaction, and each has a form that runs on a worker
(:class:`~app.background.Operation`, with its own session) so the window
stays responsive on a library of thousands of reviews. The charts are drawn
on the worker too (QImage and QPainter need no UI thread).

Similar reviews come from a :class:`~models.similar.SimilarityIndex` kept
here between questions: the first question reads the library once (about a
second for 5,000 reviews of 20 events; bench/patterns.py), later ones only
what changed. The change sets of this window's writes tell it about events
edited or removed in place, which the library's fingerprint cannot show.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.background import Operation, OperationContext
from app.changes import ChangeHub, ReviewChanges
from exports.pattern_charts import ChartPicture, PatternTexts, render_pattern_charts
from models.catalog import Catalog
from models.patterns import TOP, Patterns, read_patterns
from models.similar import LIMIT, SimilarityIndex, SimilarReview
from models.store import Library


@dataclass(frozen=True)
class PatternsReport:
    """The patterns of the library as read at one moment, and their charts."""

    patterns: Patterns
    charts: tuple[ChartPicture, ...]

    def chart(self, chart_id: str) -> ChartPicture | None:
        return next((c for c in self.charts if c.id == chart_id), None)


class PatternsService(QObject):
    """Reads the library's patterns and the reviews similar to one.

    Signals:
        library_changed(): a commit changed what the patterns show (reviews, their facts, notes,
            learnings); a page showing them reads them again.
    """

    library_changed = Signal()

    def __init__(self, library: Library, parent: QObject | None = None, *, catalog: Catalog | None = None,
                 changes: ChangeHub | None = None, top: int = TOP) -> None:
        super().__init__(parent)
        self._library = library
        self._severity_order = tuple(catalog.severities) if catalog is not None else ()
        self._top = top
        self._index = SimilarityIndex()
        #: Held while the index is read or brought up to date (on a worker): one question at a time.
        self._index_lock = threading.Lock()
        #: Reviews whose events changed in place, for the index; a lock of its own, so the UI thread
        #: never waits for a worker's question to note one.
        self._stale: set[int] = set()
        self._stale_lock = threading.Lock()
        if changes is not None:
            changes.changed.connect(self._changed)

    # patterns
    def read(self) -> Patterns:
        """Every pattern, in one transaction."""
        with self._library.begin() as session:
            return read_patterns(session, limit=self._top, severity_order=self._severity_order)

    def read_charts(self, texts: PatternTexts | None = None,
                    context: OperationContext | None = None) -> PatternsReport:
        """The patterns and their charts as PNGs (``texts``: the charts' words, translated)."""
        patterns = self.read()
        if context is not None:
            context.check()  # drawing is the longer half: a page that went away stops here
        return PatternsReport(patterns, render_pattern_charts(patterns, texts=texts))

    def read_in_background(self, texts: PatternTexts | None = None) -> Operation[PatternsReport]:
        """:meth:`read_charts` as an operation to start."""
        return Operation(lambda context: self.read_charts(texts, context))

    # similar past incidents
    def similar_reviews(self, review_id: int, *, limit: int = LIMIT) -> tuple[SimilarReview, ...]:
        """The earlier reviews most like ``review_id``, best first (empty: none, or no such review)."""
        with self._index_lock:
            with self._library.begin() as session:
                self._sync_index_locked(session)
                return self._index.similar_to(review_id, limit=limit)

    def prepare_in_background(self) -> Operation[int]:
        """Read the library for similar reviews ahead of the first question (how many reviews were read).

        The first question otherwise pays for it: about 1 s per 100,000 timeline events
        (bench/patterns.py). Start it once the window shows the library.
        """
        return Operation(lambda _context: self._sync_index())

    def similar_in_background(self, review_id: int, *,
                              limit: int = LIMIT) -> Operation[tuple[SimilarReview, ...]]:
        """:meth:`similar_reviews` as an operation to start."""
        return Operation(lambda _context: self.similar_reviews(review_id, limit=limit))

    # private
    def _sync_index(self) -> int:
        with self._index_lock, self._library.begin() as session:
            return self._sync_index_locked(session)

    def _sync_index_locked(self, session: Session) -> int:
        with self._stale_lock:
            stale, self._stale = self._stale, set()
        self._index.invalidate(stale)  # kept by the index until a sync succeeds
        return self._index.sync(session)

    def _changed(self, changes: ReviewChanges) -> None:
        if changes.review_id is not None and (changes.touches_events() or changes.facts or changes.deleted):
            with self._stale_lock:
                self._stale.add(changes.review_id)
        if (changes.library or changes.facts or changes.deleted or changes.outcomes
                or changes.touches_notes()):
            self.library_changed.emit()
