"""Undo and redo: one QUndoStack for the app; its commands call services, never widgets.

Every command does its work in ``redo()``, and ``QUndoStack.push`` calls
``redo()`` once, so pushing a command *is* the write (committed at once, like
every edit in Debrief); ``undo()`` writes the reverse. A command whose write is
refused (a bad value, or an event changed or deleted elsewhere since) changes
nothing, reports the :class:`DomainError` to its ``on_error`` callback and
marks itself obsolete, so the stack drops it rather than keeping a step that
did nothing.

A command can also be written *before* it is pushed (:meth:`ServiceCommand.write`,
then :func:`push_written`): the stack then only ever sees commands whose write
went through. ``app/pending_writes.py`` does this, so a write the library cannot
take yet (another program holds the lock) can wait and be tried again without
the stack ever holding, or dropping its redo steps for, a step that did nothing.

Before undoing or redoing, a command checks that the event is still as it left
it; if something outside the undo history changed it meanwhile, the step is
refused instead of overwriting that change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.capture_service import CaptureService
from app.changes import Origin, ReviewChanges
from app.lock_wait import brief_waits
from app.review_service import ReviewService
from app.timeline_import_service import ImportRecord, TimelineImportService
from models.errors import DomainError, NotFoundError
from models.notes import DeletedNote
from models.reviews import StaleEditError
from models.snapshot import ActionRow, EventRow, LearningRow, NoteRow
from models.timeline import EVENT_FIELDS, DeletedEvent, event_fields
from models.write_fields import ActionFields, EventFields, LearningFields, NewEvent, NewNote, NoteFields

ErrorCallback = Callable[[DomainError], None]

#: ``QUndoCommand.id()`` of event edits: consecutive edits of one field of one event merge.
EDIT_EVENT_ID = 0x7E01
#: ``QUndoCommand.id()`` of note edits: consecutive text edits of one note merge.
EDIT_NOTE_ID = 0x7E02


class UndoConflictError(DomainError):
    """An undo or redo step found its event changed by something outside the undo history."""


def create_undo_stack(parent: QObject | None = None) -> QUndoStack:
    """The app's undo stack."""
    return QUndoStack(parent)


def _tr(text: str) -> str:
    return QCoreApplication.translate("undo", text)


def _quote(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _same_event(a: EventRow, b: EventRow) -> bool:
    """Whether two rows hold the same event, whatever their ids."""
    return event_fields(a) == event_fields(b)


def _event_change(field: str, value: object) -> EventFields:
    """``{field: value}`` as :meth:`ReviewService.update_event` takes it.

    An event edit names its field at run time (the table column edited), so mypy
    cannot tell which key this is: :class:`EditEventCommand` has checked it is one
    of ``EVENT_FIELDS``, and the model checks the value (an ``InvalidFieldError``
    names the field), so this is the one place the type is asserted.
    """
    return cast(EventFields, {field: value})


def _value(row: EventRow, field: str) -> Any:
    value = getattr(row, field)
    return list(value) if field == "participants" else value


#: How long an undo or redo from the stack may wait for another program's lock, in ms.
UNDO_WAIT_MS = 250


class ServiceCommand(QUndoCommand):
    """Base of all commands: the review, ``redo``/``undo`` as service calls, and error reporting.

    ``error`` holds the last refused write (None while all went well).
    """

    def __init__(self, review_id: int, text: str, *, on_error: ErrorCallback | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.review_id = review_id
        self.error: DomainError | None = None
        self._on_error = on_error
        #: Set by a successful :meth:`write`: the push's own redo() must not write again.
        self._written_ahead = False

    def redo(self) -> None:
        if self._written_ahead:
            self._written_ahead = False
            return
        with brief_waits(UNDO_WAIT_MS):
            self._attempt(self._redo)

    def undo(self) -> None:
        # Ctrl+Z while another program holds the lock: a short wait, then the reason shown
        # (the step is dropped from the stack; the library keeps what it had), never a 5 s freeze.
        with brief_waits(UNDO_WAIT_MS):
            self._attempt(self._undo)

    def write(self) -> bool:
        """Do the first redo now, outside any stack; whether it went through.

        Push the command (:func:`push_written`) only when it did: the push's
        redo() is then skipped, so the write happens once. A refused write
        changes nothing and leaves the command unpushed, with ``error`` saying
        why; ``on_error`` is *not* told (the caller may try again later, and
        calls :meth:`report_error` when it gives up). Calling it again after a
        refusal tries again.
        """
        self.setObsolete(False)  # a refusal marked it; a new try starts clean
        self._attempt(self._redo, report=False)
        self._written_ahead = self.error is None
        return self._written_ahead

    def report_error(self) -> None:
        """Tell ``on_error`` about the last refusal (after :meth:`write` gave up)."""
        if self.error is not None and self._on_error is not None:
            self._on_error(self.error)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def _attempt(self, work: Callable[[], None], *, report: bool = True) -> None:
        self.error = None
        try:
            work()
        except DomainError as exc:
            # Kept without its traceback: the traceback's frames hold this command, and a refused
            # command pushed on a stack is deleted by Qt while that cycle keeps its wrapper alive;
            # collecting the cycle later crashed the interpreter (a segfault in gc.collect()).
            self.error = exc.with_traceback(None)
            self.setObsolete(True)
            if report and self._on_error is not None:
                self._on_error(exc)


def push_written(stack: QUndoStack, command: ServiceCommand) -> None:
    """Put a command whose :meth:`~ServiceCommand.write` went through on ``stack`` as one undo step.

    The stack may still merge it into the step before (consecutive edits of
    one text) or drop it when it changed nothing, exactly as after a push.
    """
    if not command._written_ahead:
        raise ValueError("push_written() takes a command whose write() went through")
    stack.push(command)


class EventCommand(ServiceCommand):
    """Base of the timeline commands; ``event_id`` is the event the command is about, once it exists."""

    def __init__(self, reviews: ReviewService, review_id: int, text: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(review_id, text, on_error=on_error, parent=parent)
        self._reviews = reviews
        self.event_id: int | None = None

    def _stored(self, event_id: int | None) -> EventRow:
        row = self._reviews.get_event(event_id) if event_id is not None else None
        if row is None:
            raise NotFoundError("timeline event", event_id)
        return row


class AddEventCommand(EventCommand):
    """Add an event; undo removes it (its notes' links are kept for a redo)."""

    def __init__(self, reviews: ReviewService, review_id: int, fields: NewEvent, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Add event “{text}”").format(text=_quote(str(fields.get("text", ""))))
        super().__init__(reviews, review_id, text, on_error=on_error, parent=parent)
        self._fields = fields.copy()
        self._added: EventRow | None = None
        self._removed: DeletedEvent | None = None

    def _redo(self) -> None:
        if self._removed is None:
            self.event_id = self._reviews.add_event(self.review_id, **self._fields)
        else:
            self.event_id = self._reviews.restore_event(self._removed)
        self._added = self._stored(self.event_id)

    def _undo(self) -> None:
        current = self._stored(self.event_id)
        if self._added is not None and not _same_event(current, self._added):
            raise UndoConflictError(_tr("The event was changed elsewhere; adding it is not undone."))
        self._removed = self._reviews.remove_event(current.id)


class DeleteEventCommand(EventCommand):
    """Delete an event; undo brings it back with its id and the notes that were about it."""

    def __init__(self, reviews: ReviewService, review_id: int, event_id: int, description: str = "", *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Remove event “{text}”").format(text=_quote(description)) if description else _tr(
            "Remove event")
        super().__init__(reviews, review_id, text, on_error=on_error, parent=parent)
        self.event_id = event_id
        self._removed: DeletedEvent | None = None

    @property
    def removed(self) -> DeletedEvent | None:
        """The event as it was deleted (None before the first redo)."""
        return self._removed

    def _redo(self) -> None:
        current = self._stored(self.event_id)
        if self._removed is not None and not _same_event(current, self._removed.row):
            raise UndoConflictError(_tr("The event was changed elsewhere; it is not removed again."))
        self._removed = self._reviews.remove_event(current.id)

    def _undo(self) -> None:
        if self._removed is None:
            return
        self.event_id = self._reviews.restore_event(self._removed)


class ImportCommand(ServiceCommand):
    """An import already written (by the import dialog's worker), as one undo step.

    Undo takes every event it added away in one transaction (notes about them
    keep their text and are linked again on redo); redo writes the same preview
    again. The participants it added stay either way.
    """

    def __init__(self, imports: TimelineImportService, record: ImportRecord, name: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Import {count} events from {name}").format(count=len(record.event_ids), name=name)
        super().__init__(record.review_id, text, on_error=on_error, parent=parent)
        self._imports = imports
        self._preview = record.preview
        self.event_ids = record.event_ids
        self._links: tuple[tuple[int, str], ...] = ()
        self._written_ahead = True  # the push's first redo: the worker wrote it already

    def _redo(self) -> None:
        self.event_ids = self._imports.reimport(self.review_id, self._preview, self._links)

    def _undo(self) -> None:
        self._links = self._imports.unimport(self.review_id, self.event_ids)


class EditEventCommand(EventCommand):
    """Set one field of one event; consecutive edits of the same field of the same event merge.

    ``field`` is one of ``models.timeline.EVENT_FIELDS``; ``participants`` is a list of names.
    ``expected``: the value the cell showed when the edit began (None: not checked; no event
    field is ever None). When a colleague stored
    another since, the first write is refused with :class:`~models.reviews.StaleEditError`
    (the timeline is told to show theirs): nobody's edit is silently overwritten.
    """

    def __init__(self, reviews: ReviewService, review_id: int, event_id: int, field: str, value: Any, *,
                 expected: Any = None, on_error: ErrorCallback | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(reviews, review_id, _tr("Edit event"), on_error=on_error, parent=parent)
        if field not in EVENT_FIELDS:
            raise ValueError(f"{field!r} is not one of {EVENT_FIELDS}")
        self.event_id = event_id
        self.field = field
        self._wanted = list(value) if field == "participants" else value
        self.expected = list(expected) if field == "participants" and expected is not None else expected
        self._before: Any = None
        self._after: Any = None
        self._done_once = False

    def id(self) -> int:
        return EDIT_EVENT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, EditEventCommand) or other.error is not None or not other._done_once:
            return False
        if (other.review_id, other.event_id, other.field) != (self.review_id, self.event_id, self.field):
            return False
        if other._before != self._after:
            return False  # someone changed it in between: undoing both at once would undo theirs too
        self._wanted, self._after = other._wanted, other._after
        if self._after == self._before:
            self.setObsolete(True)  # edited back to where it started: nothing left to undo
        return True

    def _redo(self) -> None:
        current = self._stored(self.event_id)
        if not self._done_once:
            self._before = _value(current, self.field)
            if self._wanted == self._before:
                self.setObsolete(True)  # nothing to change: no write, no step to undo
                return
            if self.expected is not None and self._before != self.expected:
                # A colleague stored another value since the cell showed ``expected``.
                self._reviews.changes.announce(ReviewChanges(self.review_id, Origin.ELSEWHERE,
                                                             events=(current,)))
                raise StaleEditError(self.review_id, self.field, started_from=self.expected,
                                     theirs=self._before, mine=self._wanted, item="event",
                                     item_id=self.event_id)
            self.setText(_tr("Edit {field} of “{text}”").format(field=_tr(_FIELD_NAMES[self.field]),
                                                               text=_quote(current.text)))
        elif _value(current, self.field) != self._before:
            raise UndoConflictError(_tr("The event was changed elsewhere; the edit is not redone."))
        stored = self._reviews.update_event(self.review_id, current.id,
                                            **_event_change(self.field, self._wanted))
        self._after = _value(stored, self.field)
        if not self._done_once and self._after == self._before:
            self.setObsolete(True)  # nothing changed: no step to undo
        self._done_once = True

    def _undo(self) -> None:
        current = self._stored(self.event_id)
        if _value(current, self.field) != self._after:
            raise UndoConflictError(_tr("The event was changed elsewhere; the edit is not undone."))
        self._reviews.update_event(self.review_id, current.id, **_event_change(self.field, self._before))


_FIELD_NAMES = {
    "at": "time",
    "text": "text",
    "kind": "kind",
    "source": "source",
    "approximate": "estimate",
    "participants": "people",
    "detail": "detail",
}


# Notes, learnings and actions -------------------------------------------------------------

class CaptureCommand(ServiceCommand):
    """Base of the note, learning and action commands.

    Ids are read through :meth:`CaptureService.resolve`, so a step still finds
    its item after an earlier step restored it under a new id.
    """

    def __init__(self, capture: CaptureService, review_id: int, text: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(review_id, text, on_error=on_error, parent=parent)
        self._capture = capture


class AddNoteCommand(CaptureCommand):
    """Add a note; undo removes it, redo brings it back with its id.

    ``fields`` are :meth:`CaptureService.add_note`'s keywords (``phase``, ``text``, ``kind``, …);
    ``row`` is the note as stored by the last redo.
    """

    def __init__(self, capture: CaptureService, review_id: int, fields: NewNote, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Add note “{text}”").format(text=_quote(str(fields.get("text", ""))))
        super().__init__(capture, review_id, text, on_error=on_error, parent=parent)
        self._fields = fields.copy()
        self.row: NoteRow | None = None
        self._removed: DeletedNote | None = None

    @property
    def note_id(self) -> int | None:
        return self._capture.resolve("note", self.row.id) if self.row is not None else None

    @property
    def fields(self) -> NewNote:
        """The note as asked for (``phase``, ``text``, ``kind``, …): what a note not stored yet says."""
        return self._fields.copy()

    def _redo(self) -> None:
        if self._removed is None:
            self.row = self._capture.add_note(self.review_id, **self._fields)
        else:
            self.row = self._capture.restore_note(self._removed)

    def _undo(self) -> None:
        if self.note_id is not None:
            self._removed = self._capture.remove_note(self.review_id, self.note_id)


class DeleteNoteCommand(CaptureCommand):
    """Delete a note; undo restores it (id, phase, kind, time, speaker, event, privacy) and outcome links."""

    def __init__(self, capture: CaptureService, review_id: int, note_id: int, description: str = "", *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Delete note “{text}”").format(text=_quote(description)) if description else _tr(
            "Delete note")
        super().__init__(capture, review_id, text, on_error=on_error, parent=parent)
        self._note_id = note_id
        self.removed: DeletedNote | None = None

    @property
    def note_id(self) -> int:
        return self._capture.resolve("note", self._note_id)

    def _redo(self) -> None:
        self.removed = self._capture.remove_note(self.review_id, self.note_id)

    def _undo(self) -> None:
        if self.removed is not None:
            self._note_id = self._capture.restore_note(self.removed).id


#: What an edit command sets: some fields of a note, of a learning or of an action.
_Edited = TypeVar("_Edited", NoteFields, LearningFields, ActionFields)


class _EditCommand(CaptureCommand, Generic[_Edited]):
    """Set fields of one note, learning or action; undo sets them back if nobody changed them since.

    ``expected``: the value of each field the editor began from (what the dialog or the cell
    showed). The first write is refused with :class:`~models.reviews.StaleEditError` when
    someone else changed one of them meanwhile, so nobody's edit is silently overwritten.
    """

    kind = ""

    def __init__(self, capture: CaptureService, review_id: int, item_id: int, fields: _Edited, *,
                 expected: Mapping[str, object] | None = None,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(capture, review_id, _tr("Edit {kind}").format(kind=_tr(self.kind)),
                         on_error=on_error, parent=parent)
        self._item_id = item_id
        self.fields: _Edited = fields.copy()
        self.expected: dict[str, object] = dict(expected or {})
        self._before: _Edited = {}
        self._after: _Edited = {}
        self._done_once = False

    @property
    def item_id(self) -> int:
        return self._capture.resolve(self.kind, self._item_id)

    def _read(self) -> Any:
        raise NotImplementedError

    def _write(self, values: _Edited, expected: Mapping[str, object] | None = None) -> None:
        raise NotImplementedError

    def _values(self) -> _Edited:
        row = self._read()
        # Read by name, so mypy cannot follow: the keys are those of self.fields, and each
        # value is the row's attribute of that name, stored with the type the field takes.
        return cast(_Edited, {field: getattr(row, field) for field in self.fields})

    def _redo(self) -> None:
        if not self._done_once:
            self._before = self._values()
            if self._before == self.fields:
                self.setObsolete(True)  # nothing to change: no write, no step to undo
                return
        elif self._values() != self._before:
            raise UndoConflictError(_tr("It was changed elsewhere; the edit is not redone."))
        self._write(self.fields, None if self._done_once else self.expected)
        self._after = self._values()
        if not self._done_once and self._after == self._before:
            self.setObsolete(True)
        self._done_once = True

    def _undo(self) -> None:
        if self._values() != self._after:
            raise UndoConflictError(_tr("It was changed elsewhere; the edit is not undone."))
        self._write(self._before)


class EditNoteCommand(_EditCommand[NoteFields]):
    """Edit a note's text, kind, speaker (``author_id``), event or privacy; text edits of one note merge."""

    kind = "note"

    def id(self) -> int:
        return EDIT_NOTE_ID if set(self.fields) == {"text"} else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if (not isinstance(other, EditNoteCommand) or other.error is not None or not other._done_once
                or set(other.fields) != {"text"} or set(self.fields) != {"text"}
                or (other.review_id, other.item_id) != (self.review_id, self.item_id)
                or other._before != self._after):  # changed by someone in between: two steps
            return False
        self.fields, self._after = other.fields, other._after
        if self._after == self._before:
            self.setObsolete(True)  # edited back to where it started
        return True

    def _read(self) -> NoteRow:
        row = self._capture.get_note(self.item_id)
        if row is None:
            raise NotFoundError("note", self.item_id)
        return row

    def _write(self, values: NoteFields, expected: Mapping[str, object] | None = None) -> None:
        self._capture.update_note(self.review_id, self.item_id, expected=expected, **values)


class EditLearningCommand(_EditCommand[LearningFields]):
    """Edit a learning's text or category."""

    kind = "learning"

    def _read(self) -> LearningRow:
        return self._capture.get_learning(self.item_id)

    def _write(self, values: LearningFields, expected: Mapping[str, object] | None = None) -> None:
        self._capture.update_learning(self.review_id, self.item_id, expected=expected, **values)


class EditActionCommand(_EditCommand[ActionFields]):
    """Edit an action's fields (title, description, owner, due, priority, status, link)."""

    kind = "action"

    def _read(self) -> ActionRow:
        return self._capture.get_action(self.item_id)

    def _write(self, values: ActionFields, expected: Mapping[str, object] | None = None) -> None:
        self._capture.update_action(self.review_id, self.item_id, expected=expected, **values)


class _RemoveOutcomeCommand(CaptureCommand):
    """Shared by deleting and promoting: the outcome's id, removing it and bringing it back."""

    kind = ""

    def __init__(self, capture: CaptureService, review_id: int, text: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(capture, review_id, text, on_error=on_error, parent=parent)
        self._outcome_id: int | None = None
        self._removed: LearningRow | ActionRow | None = None

    @property
    def outcome_id(self) -> int | None:
        """The learning or action's id now (None before it exists)."""
        return self._capture.resolve(self.kind, self._outcome_id) if self._outcome_id is not None else None

    def _remove(self) -> None:
        outcome_id = self.outcome_id
        if outcome_id is None:
            return
        if self.kind == "learning":
            self._removed = self._capture.remove_learning(self.review_id, outcome_id)
        else:
            self._removed = self._capture.remove_action(self.review_id, outcome_id)

    def _restore(self) -> None:
        removed = self._removed
        if isinstance(removed, LearningRow):
            self._outcome_id = self._capture.restore_learning(self.review_id, removed)
        elif isinstance(removed, ActionRow):
            self._outcome_id = self._capture.restore_action(self.review_id, removed)


class PromoteCommand(_RemoveOutcomeCommand):
    """Turn a note into a learning (``to="learning"``) or an action; undo deletes what was created."""

    def __init__(self, capture: CaptureService, review_id: int, note_id: int, to: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        if to not in ("learning", "action"):
            raise ValueError(f"cannot promote a note to {to!r}")
        text = _tr("Promote note to learning") if to == "learning" else _tr("Promote note to action")
        super().__init__(capture, review_id, text, on_error=on_error, parent=parent)
        self.kind = to
        self._note_id = note_id

    def _redo(self) -> None:
        if self._removed is not None:
            self._restore()
            return
        note_id = self._capture.resolve("note", self._note_id)
        if self.kind == "learning":
            self._outcome_id = self._capture.promote_to_learning(self.review_id, note_id)
        else:
            self._outcome_id = self._capture.promote_to_action(self.review_id, note_id)

    def _undo(self) -> None:
        self._remove()


class DeleteLearningCommand(_RemoveOutcomeCommand):
    """Delete a learning; undo brings it back with its id and its note link."""

    kind = "learning"

    def __init__(self, capture: CaptureService, review_id: int, learning_id: int, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(capture, review_id, _tr("Delete learning"), on_error=on_error, parent=parent)
        self._outcome_id = learning_id

    def _redo(self) -> None:
        self._remove()

    def _undo(self) -> None:
        self._restore()


class DeleteActionCommand(DeleteLearningCommand):
    """Delete an action; undo brings it back with its id and its note link."""

    kind = "action"

    def __init__(self, capture: CaptureService, review_id: int, action_id: int, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(capture, review_id, action_id, on_error=on_error, parent=parent)
        self.setText(_tr("Delete action"))
