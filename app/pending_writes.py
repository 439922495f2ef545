"""Writes the window asks for, kept in order until the library takes them: typed words are sacred.

Another program may hold the library's write lock for a long time (a large
``debrief import-timeline`` in a terminal); the library file may be deleted or
moved, its disk may fill up or turn read-only. None of that may freeze the
window or lose what the note-taker typed. So each write from the window is
tried with a short wait for the lock (:data:`ATTEMPT_WAIT_MS`, not SQLite's
5 s), and one the library cannot take now waits in a queue that a timer tries
again, oldest first, so notes are stored in the order they were typed.

Only a write that went through becomes an undo step (``ServiceCommand.write``
then ``push_written``): a refused or waiting write never puts a step on the
stack, and never costs the redo steps above it.

What waits for what:

* a note waits for any :class:`StorageError` (locked, gone, full, read-only…):
  it is the note-taker's words, and the window can save it elsewhere;
* any other change (an edit, a promotion, a delete) waits for a lock only;
  anything else refuses it at once, with the reason, and no undo step.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from app.lock_wait import brief_waits as brief_waits
from app.lock_wait import install_brief_waits as install_brief_waits
from app.undo import AddNoteCommand, ServiceCommand, push_written
from models.errors import StorageError
from models.snapshot import NoteRow, ReviewDoc
from models.store import Library

#: How long one attempt may wait for another program's lock, in ms. The UI thread
#: waits with it, so it is short; waiting longer is the retry timer's job.
ATTEMPT_WAIT_MS = 50
#: How often a write that waits for a lock is tried again, in ms.
LOCKED_RETRY_MS = 300
#: How often a note that waits for a library that is gone, full or read-only is tried again, in ms.
UNAVAILABLE_RETRY_MS = 2000
#: How long one retry round may keep the UI thread writing queued changes before it yields, in ms.
ROUND_BUDGET_MS = 60

Outcome = Literal["stored", "waiting", "refused"]

# Notes not stored yet ----------------------------------------------------------------------

@dataclass(frozen=True)
class PendingNote:
    """A note typed and entered that the library has not taken yet."""

    review_id: int
    phase: str
    text: str
    kind: str
    said_at: datetime | None
    author_id: int | None
    event_id: int | None
    private: bool

    @classmethod
    def of(cls, command: AddNoteCommand) -> PendingNote:
        fields = command.fields
        return cls(review_id=command.review_id, phase=str(fields["phase"]), text=str(fields["text"]),
                   kind=str(fields.get("kind", "observation")), said_at=fields.get("said_at"),
                   author_id=fields.get("author_id"), event_id=fields.get("event_id"),
                   private=bool(fields.get("private", False)))


def with_pending_notes(doc: ReviewDoc, pending: Iterable[PendingNote]) -> ReviewDoc:
    """``doc`` with the notes of its review that wait for the library added after its own.

    They get negative ids (they have no id yet) and their speaker's name from
    the snapshot, so a bundle written from the result names them.
    """
    names = {p.id: p.name for p in doc.participants}
    mine = [n for n in pending if n.review_id == doc.id]
    rows = tuple(
        NoteRow(id=-number, phase=n.phase, kind=n.kind, text=n.text, said_at=n.said_at,
                author_id=n.author_id, author=names.get(n.author_id) if n.author_id is not None else None,
                event_id=n.event_id, private=n.private, created_at=n.said_at or datetime.now(UTC))
        for number, n in enumerate(mine, start=1))
    return replace(doc, notes=doc.notes + rows)


def write_rescue_bundle(doc: ReviewDoc, pending: Iterable[PendingNote], path: Path) -> int:
    """Write ``doc`` plus its waiting notes to ``path`` as a review bundle (YAML); how many waited.

    Works from the window's snapshot alone: the library may be gone or
    unreadable. The file is written all or nothing, and ``debrief import`` (or
    File ▸ Import review bundle) brings it into a library that works.
    """
    from exports.bundle import write_bundle

    rescued = with_pending_notes(doc, pending)
    write_bundle(rescued, path, fmt="yaml")
    return len(rescued.notes) - len(doc.notes)


# The queue ---------------------------------------------------------------------------------

@dataclass
class _Entry:
    command: ServiceCommand
    #: False once its review was closed: the write still happens, but is no undo step of another review.
    undoable: bool = True


class PendingWrites(QObject):
    """Writes undo commands in order; one the library cannot take now waits and is tried again.

    :meth:`submit` tries a command at once (when nothing waits before it);
    while something waits, later commands queue behind it, so they are stored
    in the order given. A timer tries the oldest again every
    :data:`LOCKED_RETRY_MS` (another program holds the lock) or
    :data:`UNAVAILABLE_RETRY_MS` (the library is gone, full or read-only). A
    command becomes an undo step only once its write went through.

    Signals:
        changed(): what waits, or why, changed (:meth:`count`, :meth:`pending_notes`, :meth:`problem`).
        stored(object): a command that had waited went through and is an undo step (the command).
        refused(object): a command that had waited was refused for good (the command; its
            ``error`` says why and its ``on_error`` was told).
    """

    changed = Signal()
    stored = Signal(object)
    refused = Signal(object)

    def __init__(self, library: Library, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self._queue: deque[_Entry] = deque()
        self._problem: StorageError | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.retry)
        install_brief_waits(library.engine)

    def submit(self, command: ServiceCommand) -> Outcome:
        """Write ``command`` now, or queue it: "stored", "waiting" or "refused".

        "stored": it is an undo step. "waiting": it is queued (something waits
        before it, or the library cannot take it now) and will be stored by
        :meth:`retry`. "refused": nothing changed, and its ``on_error`` was told why.
        """
        before = self._state()
        if self._queue:
            self._queue.append(_Entry(command))
            outcome: Outcome = "waiting"
        else:
            entry = _Entry(command)
            outcome = self._try(entry)
            if outcome == "waiting":
                self._queue.append(entry)
                self._schedule()
            elif outcome == "refused":
                command.report_error()
        self._emit_if_changed(before)
        return outcome

    def retry(self) -> None:
        """Try the queued commands again, oldest first, until one still has to wait."""
        self._timer.stop()
        before = self._state()
        started = monotonic()
        while self._queue:
            if (monotonic() - started) * 1000 > ROUND_BUDGET_MS:
                self._timer.start(0)  # the rest in the next round: the window keeps drawing and typing
                break
            entry = self._queue[0]
            outcome = self._try(entry)
            if outcome == "waiting":
                self._schedule()
                break
            self._queue.popleft()
            if outcome == "stored":
                self.stored.emit(entry.command)
            else:
                entry.command.report_error()
                self.refused.emit(entry.command)
        self._emit_if_changed(before)

    def count(self) -> int:
        """How many changes wait for the library."""
        return len(self._queue)

    def waiting(self) -> tuple[ServiceCommand, ...]:
        """The changes that wait, oldest first (a later edit of the same item starts from theirs)."""
        return tuple(entry.command for entry in self._queue)

    def pending_notes(self) -> tuple[PendingNote, ...]:
        """The notes that wait, oldest first."""
        return tuple(PendingNote.of(e.command) for e in self._queue if isinstance(e.command, AddNoteCommand))

    def problem(self) -> StorageError | None:
        """Why the last write failed, until one goes through again (None: the library took the last one)."""
        return self._problem

    def detach(self) -> None:
        """The review was closed: what waits is still written, but becomes no undo step."""
        for entry in self._queue:
            entry.undoable = False

    # private
    def _try(self, entry: _Entry) -> Outcome:
        command = entry.command
        with brief_waits(ATTEMPT_WAIT_MS):
            written = command.write()
        if written:
            self._problem = None
            if entry.undoable:
                push_written(self._stack, command)
            return "stored"
        error = command.error
        if isinstance(error, StorageError):
            self._problem = error
            if error.retry or isinstance(command, AddNoteCommand):
                return "waiting"
        return "refused"

    def _schedule(self) -> None:
        problem = self._problem
        interval = LOCKED_RETRY_MS if problem is None or problem.retry else UNAVAILABLE_RETRY_MS
        self._timer.start(interval)

    def _state(self) -> tuple[int, str | None, str | None]:
        problem = self._problem
        return len(self._queue), problem.reason if problem else None, problem.message if problem else None

    def _emit_if_changed(self, before: tuple[int, str | None, str | None]) -> None:
        if self._state() != before:
            self.changed.emit()
