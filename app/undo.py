"""Undo and redo: one QUndoStack for the app; its commands call services, never widgets.

Every command does its work in ``redo()``, and ``QUndoStack.push`` calls
``redo()`` once, so pushing a command *is* the write (committed at once, like
every edit in Debrief); ``undo()`` writes the reverse. A command whose write is
refused (a bad value, or an event changed or deleted elsewhere since) changes
nothing, reports the :class:`DomainError` to its ``on_error`` callback and
marks itself obsolete, so the stack drops it rather than keeping a step that
did nothing.

Before undoing or redoing, a command checks that the event is still as it left
it; if something outside the undo history changed it meanwhile, the step is
refused instead of overwriting that change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.review_service import ReviewService
from models.errors import DomainError, NotFoundError
from models.snapshot import EventRow
from models.timeline import EVENT_FIELDS, DeletedEvent, event_fields

ErrorCallback = Callable[[DomainError], None]

#: ``QUndoCommand.id()`` of event edits: consecutive edits of one field of one event merge.
EDIT_EVENT_ID = 0x7E01


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


def _value(row: EventRow, field: str) -> Any:
    value = getattr(row, field)
    return list(value) if field == "participants" else value


class EventCommand(QUndoCommand):
    """Base of the timeline commands: the service to call, the review, and error reporting.

    ``error`` holds the last refused write (None while all went well);
    ``event_id`` the event the command is about, once it exists.
    """

    def __init__(self, reviews: ReviewService, review_id: int, text: str, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self._reviews = reviews
        self.review_id = review_id
        self.event_id: int | None = None
        self.error: DomainError | None = None
        self._on_error = on_error

    def redo(self) -> None:
        self._attempt(self._redo)

    def undo(self) -> None:
        self._attempt(self._undo)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def _attempt(self, work: Callable[[], None]) -> None:
        self.error = None
        try:
            work()
        except DomainError as exc:
            self.error = exc
            self.setObsolete(True)
            if self._on_error is not None:
                self._on_error(exc)

    def _stored(self, event_id: int | None) -> EventRow:
        row = self._reviews.get_event(event_id) if event_id is not None else None
        if row is None:
            raise NotFoundError("timeline event", event_id)
        return row


class AddEventCommand(EventCommand):
    """Add an event; undo removes it (its notes' links are kept for a redo)."""

    def __init__(self, reviews: ReviewService, review_id: int, fields: dict[str, Any], *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        text = _tr("Add event “{text}”").format(text=_quote(str(fields.get("text", ""))))
        super().__init__(reviews, review_id, text, on_error=on_error, parent=parent)
        self._fields = dict(fields)
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


class EditEventCommand(EventCommand):
    """Set one field of one event; consecutive edits of the same field of the same event merge.

    ``field`` is one of ``models.timeline.EVENT_FIELDS``; ``participants`` is a list of names.
    """

    def __init__(self, reviews: ReviewService, review_id: int, event_id: int, field: str, value: Any, *,
                 on_error: ErrorCallback | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(reviews, review_id, _tr("Edit event"), on_error=on_error, parent=parent)
        if field not in EVENT_FIELDS:
            raise ValueError(f"{field!r} is not one of {EVENT_FIELDS}")
        self.event_id = event_id
        self.field = field
        self._wanted = list(value) if field == "participants" else value
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
            self.setText(_tr("Edit {field} of “{text}”").format(field=_tr(_FIELD_NAMES[self.field]),
                                                               text=_quote(current.text)))
        elif _value(current, self.field) != self._before:
            raise UndoConflictError(_tr("The event was changed elsewhere; the edit is not redone."))
        stored = self._reviews.update_event(self.review_id, current.id, **{self.field: self._wanted})
        self._after = _value(stored, self.field)
        if not self._done_once and self._after == self._before:
            self.setObsolete(True)  # nothing changed: no step to undo
        self._done_once = True

    def _undo(self) -> None:
        current = self._stored(self.event_id)
        if _value(current, self.field) != self._after:
            raise UndoConflictError(_tr("The event was changed elsewhere; the edit is not undone."))
        self._reviews.update_event(self.review_id, current.id, **{self.field: self._before})


_FIELD_NAMES = {
    "at": "time",
    "text": "text",
    "kind": "kind",
    "source": "source",
    "approximate": "estimate",
    "participants": "people",
}
