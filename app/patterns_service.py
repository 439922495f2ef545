"""Patterns across the library and similar past incidents: what the patterns page and the review's
"have we seen this before?" panel call.

Every read is one transaction, and each has a form that runs on a worker
(:class:`~app.background.Operation`, with its own session) so the window
stays responsive on a library of thousands of reviews. The charts are drawn
on the worker too (QImage and QPainter need no UI thread).

The patterns report (every chart with its numbers, in one Word or HTML file)
is made the same way: :func:`make_patterns_report` reads, draws and writes;
the page runs it as an operation (:meth:`PatternsService.report_in_background`)
and ``debrief patterns -o FILE`` calls it directly.

Similar reviews come from a :class:`~models.similar.SimilarityIndex` kept
here between questions: the first question reads the library once (about a
second for 5,000 reviews of 20 events; bench/patterns.py), later ones only
what changed. The change sets of this window's writes tell it about events
edited or removed in place, which the library's fingerprint cannot show.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.background import Operation, OperationContext
from app.changes import ChangeHub, ReviewChanges
from app.clock import Clock, system_clock
from exports.pattern_charts import ChartPicture, PatternTexts, render_pattern_charts
from models.catalog import Catalog
from models.patterns import TOP, Patterns, read_patterns
from models.similar import LIMIT, SimilarityIndex, SimilarReview
from models.store import Library

if TYPE_CHECKING:  # the report's writers (python-docx, Markdown) load when a report is made, not at start-up
    from exports.patterns_report import ReportFormat, ReportTexts

#: What making the patterns report is doing, by the number its progress reports.
REPORT_STEPS = ("Reading the library…", "Drawing the charts…", "Writing the file…")


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
                 changes: ChangeHub | None = None, top: int = TOP, clock: Clock = system_clock) -> None:
        super().__init__(parent)
        self._library = library
        self._clock = clock
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

    def report_in_background(self, path: Path, *, fmt: ReportFormat | None = None,
                             texts: ReportTexts | None = None) -> Operation[Path]:
        """The patterns report written to ``path`` (``fmt``, else by its suffix), as an operation to start.

        Its progress is the step it is at (:data:`REPORT_STEPS`). Refused at once,
        on the caller's thread, with :class:`~exports.patterns_report.UnknownReportFormat`
        or a :class:`~models.errors.DomainError` (the library's own files), before
        anything is read. A cancel stops it before the file is written; a failure
        leaves no file, nor a part of one.
        """
        from app.export_service import refuse_library_files
        from exports.patterns_report import chosen_format

        chosen = chosen_format(path, fmt)
        refuse_library_files(self._library, path)
        return Operation(lambda context: make_patterns_report(
            self._library, path, fmt=chosen, texts=texts, severity_order=self._severity_order, top=self._top,
            made_at=self._clock().astimezone(), context=context))

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


def make_patterns_report(library: Library, path: Path, *, fmt: ReportFormat | None = None,
                         texts: ReportTexts | None = None, severity_order: tuple[str, ...] = (),
                         top: int = TOP, made_at: datetime | None = None,
                         context: OperationContext | None = None) -> Path:
    """Read the patterns, draw their charts and write the report to ``path``, all or nothing; ``path``.

    ``made_at`` is the date the report states (default: now, in the machine's
    zone). With a ``context`` (on a worker), each step is reported as progress
    (:data:`REPORT_STEPS`) and a cancel stops it before the file is written.
    """
    from exports.patterns_report import ReportTexts, chosen_format, write_patterns_report

    chosen = chosen_format(path, fmt)
    texts = texts or ReportTexts()
    step = context.report if context is not None else (lambda _done: None)
    step(0)
    with library.begin() as session:
        patterns = read_patterns(session, limit=top, severity_order=severity_order)
    step(1)
    pictures = () if patterns.empty else render_pattern_charts(patterns, texts=texts.charts)
    step(2)  # the last moment a cancel stops it: the write itself is one step
    write_patterns_report(path, patterns, pictures, made_at=made_at or system_clock().astimezone(),
                          texts=texts, fmt=chosen)
    return path
