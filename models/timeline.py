"""Timeline events of a review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.entities import Note, Participant, TimelineEvent
from models.errors import InvalidFieldError, NotFoundError
from models.reviews import get_or_raise
from models.snapshot import EventRow, event_row
from models.vocabulary import EVENT_KINDS
from models.write_fields import EventFields, NewEvent

#: What :func:`update_event` can change (``participants`` are names of the review's participants).
EVENT_FIELDS = ("at", "text", "kind", "source", "approximate", "participants", "detail")


@dataclass(frozen=True)
class DeletedEvent:
    """An event as it was just before :func:`remove_event` deleted it, and the notes that were about it."""

    review_id: int
    row: EventRow
    note_ids: tuple[int, ...]
    #: Where an imported event came from, so a re-import still recognises it once restored.
    external_id: str | None = None

    def fields(self) -> NewEvent:
        """The event's fields as :func:`add_event` and :func:`restore_event` take them."""
        return event_fields(self.row)


def event_fields(row: EventRow) -> NewEvent:
    """``row``'s fields as :func:`add_event` takes them."""
    return {"at": row.at, "text": row.text, "kind": row.kind, "source": row.source,
            "approximate": row.approximate, "participants": list(row.participants), "detail": row.detail}


def get_event(session: Session, event_id: int) -> TimelineEvent | None:
    return session.get(TimelineEvent, event_id)


def get_event_or_raise(session: Session, event_id: int) -> TimelineEvent:
    event = session.get(TimelineEvent, event_id)
    if event is None:
        raise NotFoundError("timeline event", event_id)
    return event


def add_event(
    session: Session,
    review_id: int,
    *,
    at: datetime,
    text: str,
    kind: str = "observation",
    source: str = "",
    approximate: bool = False,
    participants: list[str] | tuple[str, ...] = (),
    detail: str = "",
) -> TimelineEvent:
    """A new event; ``participants`` are names of the review's participants, ``detail`` the long
    form beside the one-line ``text`` (a tool's description)."""
    return _create(session, review_id, None, at=at, text=text, kind=kind, source=source,
                   approximate=approximate, participants=participants, detail=detail)


def update_event(session: Session, event_id: int, **fields: Unpack[EventFields]) -> TimelineEvent:
    """Change some of an event's :data:`EVENT_FIELDS`, checked as :func:`add_event` checks them."""
    event = get_event_or_raise(session, event_id)
    for field, value in fields.items():
        if field == "participants":
            event.participants = _people(session, event.review_id, fields["participants"])
        elif field in EVENT_FIELDS:
            setattr(event, field, _check(field, value))
        else:
            raise InvalidFieldError(field, "not a field of a timeline event")
    session.flush()
    return event


def delete_event(session: Session, event_id: int) -> int:
    """Remove an event; notes about it stay (unlinked). Returns the review id."""
    event = get_event_or_raise(session, event_id)
    review_id = event.review_id
    session.delete(event)
    session.flush()
    return review_id


def linked_note_ids(session: Session, event_id: int) -> tuple[int, ...]:
    """The notes attached to an event, oldest first."""
    return tuple(session.scalars(select(Note.id).where(Note.event_id == event_id).order_by(Note.id)))


def remove_event(session: Session, event_id: int) -> DeletedEvent:
    """Delete an event like :func:`delete_event`, returning what :func:`restore_event` needs.

    Deleting unlinks the notes about the event (the database sets their
    ``event_id`` to NULL), so their ids are read first: restoring links them again.
    """
    event = get_event_or_raise(session, event_id)
    deleted = DeletedEvent(event.review_id, event_row(event), linked_note_ids(session, event_id),
                           event.external_id)
    session.delete(event)
    session.flush()
    return deleted


def restore_event(session: Session, review_id: int, *, event_id: int | None = None,
                  note_ids: Iterable[int] = (), external_id: str | None = None,
                  **fields: Unpack[NewEvent]) -> TimelineEvent:
    """Bring back a deleted event, checked as :func:`add_event` checks it, with its notes linked again.

    The event gets ``event_id`` back when that id is free, so anything that
    remembered it (an undo history, notes) finds it again; otherwise it gets a
    new id (read it from the result). Of ``note_ids``, the notes of this review
    that are still unlinked are attached again; a note linked to another event
    since keeps that link. An imported event gets its ``external_id`` back
    unless the same file was imported again meanwhile (then that copy keeps it).
    """
    free_id = event_id if event_id is not None and session.get(TimelineEvent, event_id) is None else None
    event = _create(session, review_id, free_id, **fields)
    if external_id is not None and session.scalar(
        select(TimelineEvent.id).where(TimelineEvent.review_id == review_id,
                                       TimelineEvent.external_id == external_id)
    ) is None:
        event.external_id = external_id
        session.flush()
    wanted = tuple(note_ids)
    if wanted:
        session.execute(
            update(Note)
            .where(Note.id.in_(wanted), Note.review_id == review_id, Note.event_id.is_(None))
            .values(event_id=event.id)
            .execution_options(synchronize_session="fetch")
        )
    return event


def _create(session: Session, review_id: int, event_id: int | None, *, at: datetime, text: str,
            kind: str = "observation", source: str = "", approximate: bool = False,
            participants: Iterable[str] = (), detail: str = "") -> TimelineEvent:
    get_or_raise(session, review_id)
    event = TimelineEvent(review_id=review_id, at=_check("at", at), text=_check("text", text),
                          kind=_check("kind", kind), source=_check("source", source),
                          approximate=_check("approximate", approximate), detail=_check("detail", detail))
    if event_id is not None:
        event.id = event_id
    event.participants = _people(session, review_id, participants)
    session.add(event)
    session.flush()
    return event


def _check(field: str, value: Any) -> Any:
    if field == "at":
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidFieldError("at", "an event time needs a timezone")
        return value
    if field == "text":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("text", "an event needs a description")
        return value.strip()
    if field == "kind":
        if value not in EVENT_KINDS:
            raise InvalidFieldError("kind", f"must be one of {', '.join(EVENT_KINDS)}")
        return value
    if field == "source":
        if value is not None and not isinstance(value, str):
            raise InvalidFieldError("source", "must be text")
        return (value or "").strip()
    if field == "approximate":
        return bool(value)
    if field == "detail":
        if value is not None and not isinstance(value, str):
            raise InvalidFieldError("detail", "must be text")
        # Line breaks inside are the description's own; only the ends are trimmed.
        return (value or "").strip()
    raise InvalidFieldError(field, "not a field of a timeline event")


def _people(session: Session, review_id: int, names: Iterable[str] | None) -> list[Participant]:
    if isinstance(names, str):
        raise InvalidFieldError("participants", "must be a list of names")
    wanted = list(dict.fromkeys(names or ()))
    if not wanted:
        return []
    people = session.scalars(select(Participant).where(Participant.review_id == review_id))
    by_name = {p.name: p for p in people}
    for name in wanted:
        if name not in by_name:
            raise InvalidFieldError("participants", f"{name!r} is not a participant of this review")
    # In the review's order, as the relationship reads them back.
    return sorted((by_name[name] for name in wanted), key=lambda p: p.position)
