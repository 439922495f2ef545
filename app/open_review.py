"""The open review: its one snapshot in the window, kept current by change sets.

:class:`OpenReview` is the only holder of the review a window has open. Views
read :attr:`OpenReview.doc` and follow :attr:`OpenReview.changed`; none keeps
a copy. After each commit, here or elsewhere, the services (or the library
watch) announce a :class:`ReviewChanges`; the owner applies it to the
snapshot, reading in one transaction only what the set does not carry, and
passes it on, so every view sees the same review at the same moment:

* rows carried by the set (a note typed, an event edited) are put in place
  with no read at all: Enter in the note field is one write transaction;
* the facts, the timeline, the notes, the outcomes are each read again only
  when the set says they changed wholesale (an import reads the timeline once);
* a change from elsewhere (``Origin.ELSEWHERE``) reads the whole review once
  and is turned into precise rows by comparing it with the snapshot, so item
  models update row by row and the note-taker's selection and scroll survive.

The owner also opens and closes the per-review controllers (the meeting
clock, the prompt deck) and tells the library watch which review to watch.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, Signal

from app.background import Operation, OperationContext
from app.changes import ChangeHub, Origin, ReviewChanges
from models.gc_pause import gc_paused
from models.snapshot import (
    EventRow,
    NoteRow,
    ReviewDoc,
    count_events,
    load_event_rows,
    load_facts,
    load_notes,
    load_outcomes,
    load_review,
)
from models.store import Library

Row = TypeVar("Row", EventRow, NoteRow)

#: More rows than this changed elsewhere: views reload wholesale rather than row by row.
PRECISE_LIMIT = 200


class PerReview(Protocol):
    """A controller that follows the open review (the meeting clock, the prompt deck)."""

    def open(self, review_id: int, template_id: str) -> None: ...

    def close(self) -> None: ...


class WatchesReview(Protocol):
    def watch_review(self, review_id: int | None) -> None: ...


class OpenReview(QObject):
    """Holds the open review's snapshot and applies every change set to it.

    Signals:
        changed(ReviewChanges): the snapshot now includes these changes. ``opened``
            is set when another review (or none: ``review_id`` None) was opened.
    """

    changed = Signal(object)

    def __init__(self, library: Library, hub: ChangeHub, *, controllers: Iterable[PerReview] = (),
                 watch: WatchesReview | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._controllers = tuple(controllers)
        self._watch = watch
        self._doc: ReviewDoc | None = None
        #: How many times the whole review was read (for tests and benchmarks).
        self.full_loads = 0
        hub.changed.connect(self.apply)

    # public
    @property
    def doc(self) -> ReviewDoc | None:
        """The open review as of the last change set (None when none is open)."""
        return self._doc

    @property
    def review_id(self) -> int | None:
        return self._doc.id if self._doc is not None else None

    def open(self, review_id: int) -> bool:
        """Read ``review_id`` whole and make it the open review; False when there is no such review."""
        with gc_paused(), self._library.begin() as session:
            doc = load_review(session, review_id)
        return self.adopt(doc)

    def read_in_background(self, review_id: int) -> Operation[ReviewDoc | None]:
        """Read ``review_id`` on a worker (its own session), for :meth:`adopt` to open on the UI thread.

        For a review of many events: the window stays responsive while it is
        read, and a cancelled read changes nothing.
        """
        def read(context: OperationContext) -> ReviewDoc | None:
            with gc_paused(), self._library.begin() as session:
                doc = load_review(session, review_id)
            context.check()
            return doc

        return Operation(read)

    def event_count(self, review_id: int) -> int:
        """How many events ``review_id`` has (one small query: whether opening it takes a while)."""
        with gc_paused(), self._library.begin() as session:
            return count_events(session, review_id)

    def adopt(self, doc: ReviewDoc | None) -> bool:
        """Make ``doc``, just read whole, the open review (False for None: no such review)."""
        self.full_loads += 1
        if doc is None:
            return False
        review_id = doc.id
        self._doc = doc
        for controller in self._controllers:
            controller.open(review_id, doc.template)
        if self._watch is not None:
            self._watch.watch_review(review_id)
        with gc_paused():  # the views build their rows: tens of thousands for a chat export
            self.changed.emit(replace(ReviewChanges.everything(review_id), opened=True))
        return True

    def close(self) -> None:
        """No review is open any more (the library page shows)."""
        if self._doc is None:
            return
        self._doc = None
        for controller in self._controllers:
            controller.close()
        if self._watch is not None:
            self._watch.watch_review(None)
        self.changed.emit(ReviewChanges(None, opened=True))

    def apply(self, changes: ReviewChanges) -> None:
        """Take a change set into the snapshot (another review's is ignored), then pass it on."""
        doc = self._doc
        if doc is None or changes.review_id != doc.id:
            return
        if changes.deleted:
            self._doc = None
            if self._watch is not None:
                self._watch.watch_review(None)
            self.changed.emit(changes)
            return
        if changes.origin == Origin.ELSEWHERE:
            self._apply_elsewhere(doc, changes)
            return
        facts = changes.facts or changes.participants or changes.attendance
        if facts or changes.timeline or changes.all_notes or changes.outcomes:
            with gc_paused(), self._library.begin() as session:
                fresh = load_facts(session, doc.id) if facts else doc
                if fresh is None:
                    self._doc = None
                    self.changed.emit(replace(changes, deleted=True))
                    return
                events = load_event_rows(session, doc.id) if changes.timeline else None
                notes = load_notes(session, doc.id) if changes.all_notes else None
                outcomes = load_outcomes(session, doc.id) if changes.outcomes else None
            doc = replace(fresh, events=doc.events, notes=doc.notes, learnings=doc.learnings,
                          actions=doc.actions)
            if events is not None:
                doc = replace(doc, events=events)
            if notes is not None:
                doc = replace(doc, notes=notes)
            if outcomes is not None:
                doc = replace(doc, learnings=outcomes[0], actions=outcomes[1])
        if changes.events or changes.events_removed:
            doc = replace(doc, events=_put_events(doc.events, changes.events, changes.events_removed))
        if changes.notes or changes.notes_removed:
            doc = replace(doc, notes=_put_notes(doc.notes, changes.notes, changes.notes_removed))
        self._doc = doc
        self._emit(changes)

    def reload(self, origin: Origin = Origin.ELSEWHERE) -> None:
        """Read the open review again whole and pass on what differs (a change from elsewhere)."""
        if self._doc is not None:
            self.apply(ReviewChanges.everything(self._doc.id, origin=Origin.ELSEWHERE))

    # private
    def _apply_elsewhere(self, doc: ReviewDoc, changes: ReviewChanges) -> None:
        """Someone else wrote: read the review once, and say precisely what differs from the snapshot."""
        with gc_paused(), self._library.begin() as session:
            fresh = load_review(session, doc.id)
        self.full_loads += 1
        if fresh is None:
            self._doc = None
            if self._watch is not None:
                self._watch.watch_review(None)
            self.changed.emit(ReviewChanges(doc.id, Origin.ELSEWHERE, library=True, deleted=True))
            return
        events, events_removed, timeline = _diff(doc.events, fresh.events)
        notes, notes_removed, all_notes = _diff(doc.notes, fresh.notes)
        precise = ReviewChanges(
            doc.id, Origin.ELSEWHERE,
            library=changes.library,
            facts=replace(fresh, participants=(), events=(), notes=(), learnings=(), actions=(), meetings=())
            != replace(doc, participants=(), events=(), notes=(), learnings=(), actions=(), meetings=()),
            participants=fresh.participants != doc.participants,
            attendance=changes.attendance,
            events=events, events_removed=events_removed, timeline=timeline,
            notes=notes, notes_removed=notes_removed, all_notes=all_notes,
            outcomes=(fresh.learnings, fresh.actions) != (doc.learnings, doc.actions),
        )
        self._doc = fresh
        self._emit(precise)

    def _emit(self, changes: ReviewChanges) -> None:
        """Pass ``changes`` on to the views; an import's (or an undo's) tens of thousands of rows are
        put in with the cycle collector paused, as when a review is opened."""
        if changes.timeline or len(changes.events) + len(changes.events_removed) > PRECISE_LIMIT:
            with gc_paused():
                self.changed.emit(changes)
        else:
            self.changed.emit(changes)


def _diff(old: tuple[Row, ...], new: tuple[Row, ...]) -> tuple[tuple[Row, ...], frozenset[int], bool]:
    """Rows added or changed, ids removed, and whether that is too much to apply row by row."""
    before = {row.id: row for row in old}
    changed = tuple(row for row in new if before.get(row.id) != row)
    removed = frozenset(before.keys() - {row.id for row in new})
    if len(changed) + len(removed) > PRECISE_LIMIT:
        return (), frozenset(), True
    return changed, removed, False


def _put_events(events: tuple[EventRow, ...], rows: tuple[EventRow, ...],
                removed: frozenset[int]) -> tuple[EventRow, ...]:
    """``events`` (in time order, then id) with ``rows`` put in place and ``removed`` taken out."""
    gone = removed | {row.id for row in rows}
    kept = [e for e in events if e.id not in gone] if gone else list(events)
    if len(rows) > PRECISE_LIMIT:  # an import: one sort of two runs instead of thousands of insertions
        kept.extend(rows)
        kept.sort(key=_in_time_order)
        return tuple(kept)
    for row in rows:
        bisect.insort(kept, row, key=_in_time_order)
    return tuple(kept)


def _in_time_order(event: EventRow) -> tuple[datetime, int]:
    return event.at, event.id


def _put_notes(notes: tuple[NoteRow, ...], rows: tuple[NoteRow, ...],
               removed: frozenset[int]) -> tuple[NoteRow, ...]:
    """``notes`` (by id) with ``rows`` put in place and ``removed`` taken out."""
    by_id = {n.id: n for n in notes if n.id not in removed}
    by_id.update((row.id, row) for row in rows)
    return tuple(by_id[i] for i in sorted(by_id))
