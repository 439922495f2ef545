"""Notes said in the meeting, and the learnings and actions drawn from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Unpack

from sqlalchemy import nulls_last, select, update
from sqlalchemy.orm import Session

from models.entities import ActionItem, Learning, Meeting, Note, Participant, Review, TimelineEvent
from models.errors import InvalidFieldError, NotFoundError
from models.reviews import check_row_unchanged, get_or_raise
from models.snapshot import ActionRow, LearningRow, NoteRow, action_row, learning_row, note_row
from models.vocabulary import ACTION_PRIORITIES, ACTION_STATUSES, LEARNING_CATEGORIES, NOTE_KINDS
from models.write_fields import ActionDetails, ActionFields, LearningFields, NoteDetails, NoteFields

NOTE_FIELDS = frozenset(("text", "kind", "phase", "said_at", "author_id", "event_id", "private",
                         "meeting_id"))
ACTION_FIELDS = frozenset(("title", "description", "owner", "due", "priority", "status", "link"))
LEARNING_FIELDS = frozenset(("text", "category"))


def _note_or_raise(session: Session, note_id: int) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError("note", note_id)
    return note


def _check_note_value(session: Session, review_id: int, field: str, value: Any) -> Any:
    if field == "text":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("text", "a note needs some text")
        return value.strip()
    if field == "kind" and value not in NOTE_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(NOTE_KINDS)}")
    if field == "phase" and (not isinstance(value, str) or not value):
        raise InvalidFieldError("phase", "a note belongs to a phase")
    if field == "said_at" and value is not None and (
        not isinstance(value, datetime) or value.utcoffset() is None
    ):
        raise InvalidFieldError("said_at", "a time needs a timezone")
    if field == "author_id" and value is not None:
        author = session.get(Participant, value)
        if author is None or author.review_id != review_id:
            raise InvalidFieldError("author", "not a participant of this review")
    if field == "event_id" and value is not None:
        event = session.get(TimelineEvent, value)
        if event is None or event.review_id != review_id:
            raise InvalidFieldError("event", "not an event of this review")
    if field == "meeting_id" and value is not None:
        meeting = session.get(Meeting, value)
        if meeting is None or meeting.review_id != review_id:
            raise InvalidFieldError("meeting", "not a meeting of this review")
    if field == "private":
        return bool(value)
    if field not in NOTE_FIELDS:
        raise InvalidFieldError(field, "not a field of a note")
    return value


#: Note kinds that are outcomes too: a note of kind "learning" is a learning, "action" an action.
OUTCOME_KINDS = ("learning", "action")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of ``text`` (whole when it has one), cut at ``limit`` characters on a word."""
    text = " ".join(text.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0] or sentence[:limit]
    return cut.rstrip(",;:") + "…"


def add_note(session: Session, review_id: int, *, phase: str, text: str, kind: str = "observation",
             as_recorded: bool = False, **fields: Unpack[NoteDetails]) -> Note:
    """A new note in ``phase``; of kind learning or action, it is that learning or action as well.

    ``as_recorded``: a note read back from a record (a bundle), whose learnings
    and actions the record lists itself; its kind makes nothing.
    """
    get_or_raise(session, review_id)
    note = Note(review_id=review_id, private=False)
    for field, value in {"phase": phase, "text": text, "kind": kind, **fields}.items():
        setattr(note, field, _check_note_value(session, review_id, field, value))
    session.add(note)
    session.flush()
    if not as_recorded:
        _follow_kind(session, note, previous=None)
    return note


def _follow_kind(session: Session, note: Note, *, previous: str | None, dropping: bool = False) -> bool:
    """Keep the note's outcome in step with its kind; True when a learning or action was added or removed.

    A note that becomes a learning (or action) gets one, unless one drawn from
    it exists; a note that stops being one loses the one its kind made, as long
    as nobody edited it since (an edited or separately promoted one stays).
    """
    changed = False
    if previous in OUTCOME_KINDS and (previous != note.kind or dropping):
        outcomes: list[Learning | ActionItem] = list(
            session.scalars(select(Learning).where(Learning.note_id == note.id)) if previous == "learning"
            else session.scalars(select(ActionItem).where(ActionItem.note_id == note.id)))
        for outcome in outcomes:
            if _made_by_kind(outcome, note):
                session.delete(outcome)
                changed = True
    if note.kind in OUTCOME_KINDS and previous != note.kind and not dropping:
        model = Learning if note.kind == "learning" else ActionItem
        if session.scalar(select(model.id).where(model.note_id == note.id)) is None:
            if note.kind == "learning":
                add_learning(session, note.review_id, text=note.text, note_id=note.id)
            else:
                _action_from(session, note)
            changed = True
    session.flush()
    return changed


def _made_by_kind(outcome: Learning | ActionItem, note: Note) -> bool:
    if isinstance(outcome, Learning):
        return outcome.text == note.text
    return outcome.title == first_sentence(note.text) and (outcome.description or "") in ("", note.text)


def _action_from(session: Session, note: Note) -> ActionItem:
    """An open action from a note: its first sentence as the title, the whole note as the description."""
    title = first_sentence(note.text)
    return add_action(session, note.review_id, title=title, note_id=note.id,
                      description=note.text if note.text != title else "")


def update_note(session: Session, note_id: int, *, expected: Mapping[str, object] | None = None,
                **fields: Unpack[NoteFields]) -> Note:
    """Change a note; a new kind of learning or action makes (or a kind changed away unmakes) that outcome.

    ``expected``: the value of each field the editor began from (StaleEditError when someone else
    changed it meanwhile, as :func:`models.reviews.update`)."""
    note = _note_or_raise(session, note_id)
    check_row_unchanged(note, expected or {}, fields, review_id=note.review_id, item="note", item_id=note_id,
                        known=NOTE_FIELDS,
                        check=lambda field, value: _check_note_value(session, note.review_id, field, value))
    previous = note.kind
    for field, value in fields.items():
        setattr(note, field, _check_note_value(session, note.review_id, field, value))
    _follow_kind(session, note, previous=previous)
    return note


def delete_note(session: Session, note_id: int) -> int:
    """Remove a note; learnings and actions promoted from it stay. Returns the review id."""
    note = _note_or_raise(session, note_id)
    review_id = note.review_id
    session.delete(note)
    return review_id


def _check_learning_value(field: str, value: Any) -> Any:
    if field == "text":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("text", "a learning needs some text")
        return value.strip()
    if field == "category":
        if value not in LEARNING_CATEGORIES:
            raise InvalidFieldError("category", f"must be one of {', '.join(LEARNING_CATEGORIES)}")
        return value
    raise InvalidFieldError(field, "not a field of a learning")


def add_learning(session: Session, review_id: int, *, text: str, category: str = "technical",
                 note_id: int | None = None) -> Learning:
    get_or_raise(session, review_id)
    learning = Learning(review_id=review_id, text=_check_learning_value("text", text),
                        category=_check_learning_value("category", category), note_id=note_id)
    session.add(learning)
    session.flush()
    return learning


def update_learning(session: Session, learning_id: int, *, expected: Mapping[str, object] | None = None,
                    **fields: Unpack[LearningFields]) -> Learning:
    """Change a learning's text or category; ``expected`` as for :func:`update_note`."""
    learning = session.get(Learning, learning_id)
    if learning is None:
        raise NotFoundError("learning", learning_id)
    check_row_unchanged(learning, expected or {}, fields, review_id=learning.review_id, item="learning",
                        item_id=learning_id, known=LEARNING_FIELDS, check=_check_learning_value)
    for field, value in fields.items():
        setattr(learning, field, _check_learning_value(field, value))
    return learning


def delete_learning(session: Session, learning_id: int) -> int:
    learning = session.get(Learning, learning_id)
    if learning is None:
        raise NotFoundError("learning", learning_id)
    session.delete(learning)
    return learning.review_id


def _check_action_value(field: str, value: Any) -> Any:
    if field == "title":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("title", "an action needs a title")
        return value.strip()
    if field in ("description", "owner", "link"):
        return (value or "").strip()
    if field == "due":
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise InvalidFieldError("due", "must be a date (YYYY-MM-DD)")
        return value
    if field == "priority" and value not in ACTION_PRIORITIES:
        raise InvalidFieldError("priority", f"must be one of {', '.join(ACTION_PRIORITIES)}")
    if field == "status" and value not in ACTION_STATUSES:
        raise InvalidFieldError("status", f"must be one of {', '.join(ACTION_STATUSES)}")
    if field not in ACTION_FIELDS:
        raise InvalidFieldError(field, "not a field of an action")
    return value


def add_action(session: Session, review_id: int, *, title: str, note_id: int | None = None,
               **fields: Unpack[ActionDetails]) -> ActionItem:
    get_or_raise(session, review_id)
    action = ActionItem(review_id=review_id, description="", owner="", link="", priority="medium",
                        status="open", note_id=note_id)
    for field, value in {"title": title, **fields}.items():
        setattr(action, field, _check_action_value(field, value))
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, action_id: int, *, expected: Mapping[str, object] | None = None,
                  **fields: Unpack[ActionFields]) -> ActionItem:
    """Change some fields of an action; ``expected`` as for :func:`update_note`."""
    action = session.get(ActionItem, action_id)
    if action is None:
        raise NotFoundError("action", action_id)
    check_row_unchanged(action, expected or {}, fields, review_id=action.review_id, item="action",
                        item_id=action_id, known=ACTION_FIELDS, check=_check_action_value)
    for field, value in fields.items():
        setattr(action, field, _check_action_value(field, value))
    return action


def delete_action(session: Session, action_id: int) -> int:
    action = session.get(ActionItem, action_id)
    if action is None:
        raise NotFoundError("action", action_id)
    session.delete(action)
    return action.review_id


def promote_to_learning(session: Session, note_id: int, *, category: str = "technical") -> Learning:
    """A learning with the note's text, remembering where it came from (once per note)."""
    note = _note_or_raise(session, note_id)
    if session.scalar(select(Learning.id).where(Learning.note_id == note_id)) is not None:
        raise InvalidFieldError("note", "this note is already a learning")
    return add_learning(session, note.review_id, text=note.text, category=category, note_id=note.id)


def promote_to_action(session: Session, note_id: int) -> ActionItem:
    """An open action titled with the note's text, remembering where it came from (once per note)."""
    note = _note_or_raise(session, note_id)
    if session.scalar(select(ActionItem.id).where(ActionItem.note_id == note_id)) is not None:
        raise InvalidFieldError("note", "this note is already an action")
    return _action_from(session, note)


# Undo support: what a delete removed, and putting it back (with its id when that id is free).

@dataclass(frozen=True)
class DeletedNote:
    """A note as it was just before :func:`remove_note` deleted it, and the outcomes drawn from it."""

    review_id: int
    row: NoteRow
    learning_ids: tuple[int, ...]
    action_ids: tuple[int, ...]


def remove_note(session: Session, note_id: int) -> DeletedNote:
    """Delete a note like :func:`delete_note`, returning what :func:`restore_note` needs.

    Deleting unlinks the learnings and actions promoted from it (the database sets
    their ``note_id`` to NULL), so their ids are read first: restoring links them again.
    """
    note = _note_or_raise(session, note_id)
    # The learning or action a note's kind made is part of the note: it goes with it (and comes back
    # with it); one edited since, or promoted separately, stays like any promoted outcome.
    if note.kind in OUTCOME_KINDS:
        _follow_kind(session, note, previous=note.kind, dropping=True)
    deleted = DeletedNote(
        note.review_id, note_row(note),
        tuple(session.scalars(select(Learning.id).where(Learning.note_id == note_id))),
        tuple(session.scalars(select(ActionItem.id).where(ActionItem.note_id == note_id))),
    )
    session.delete(note)
    session.flush()
    return deleted


def restore_note(session: Session, deleted: DeletedNote) -> Note:
    """Bring back a deleted note with its id when free (else a new one), re-linking its outcomes.

    An author or event deleted since is left out rather than refusing the restore;
    a learning or action linked to another note since keeps that link.
    """
    row, review_id = deleted.row, deleted.review_id
    author_id = row.author_id
    author = session.get(Participant, author_id) if author_id is not None else None
    if author is None or author.review_id != review_id:
        author_id = None
    event_id = row.event_id
    event = session.get(TimelineEvent, event_id) if event_id is not None else None
    if event is None or event.review_id != review_id:
        event_id = None
    meeting_id = row.meeting_id
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None or meeting.review_id != review_id:
        meeting_id = None
    get_or_raise(session, review_id)
    note = Note(review_id=review_id, created_at=row.created_at)
    if session.get(Note, row.id) is None:
        note.id = row.id  # the undo history and the outcomes find the note again
    fields = {"phase": row.phase, "text": row.text, "kind": row.kind, "said_at": row.said_at,
              "author_id": author_id, "event_id": event_id, "private": row.private, "meeting_id": meeting_id}
    for field, value in fields.items():
        setattr(note, field, _check_note_value(session, review_id, field, value))
    session.add(note)
    session.flush()
    for model, ids in ((Learning, deleted.learning_ids), (ActionItem, deleted.action_ids)):
        if ids:
            session.execute(
                update(model)
                .where(model.id.in_(ids), model.review_id == review_id, model.note_id.is_(None))
                .values(note_id=note.id)
                .execution_options(synchronize_session="fetch")
            )
    _follow_kind(session, note, previous=None)
    return note


def get_learning_row(session: Session, learning_id: int) -> LearningRow:
    learning = session.get(Learning, learning_id)
    if learning is None:
        raise NotFoundError("learning", learning_id)
    return learning_row(learning)


def get_action_row(session: Session, action_id: int) -> ActionRow:
    action = session.get(ActionItem, action_id)
    if action is None:
        raise NotFoundError("action", action_id)
    return action_row(action)


def restore_learning(session: Session, review_id: int, row: LearningRow) -> Learning:
    """Bring back a deleted learning, with its id when free; its note link only if the note still exists."""
    note_id = row.note_id if row.note_id is not None and session.get(Note, row.note_id) is not None else None
    get_or_raise(session, review_id)
    learning = Learning(review_id=review_id, text=_check_learning_value("text", row.text),
                        category=_check_learning_value("category", row.category), note_id=note_id)
    if session.get(Learning, row.id) is None:
        learning.id = row.id
    session.add(learning)
    session.flush()
    return learning


def restore_action(session: Session, review_id: int, row: ActionRow) -> ActionItem:
    """Bring back a deleted action, with its id when free; its note link only if the note still exists."""
    note_id = row.note_id if row.note_id is not None and session.get(Note, row.note_id) is not None else None
    get_or_raise(session, review_id)
    action = ActionItem(review_id=review_id, note_id=note_id)
    if session.get(ActionItem, row.id) is None:
        action.id = row.id
    fields = {"title": row.title, "description": row.description, "owner": row.owner, "due": row.due,
              "priority": row.priority, "status": row.status, "link": row.link}
    for field, value in fields.items():
        setattr(action, field, _check_action_value(field, value))
    session.add(action)
    session.flush()
    return action


@dataclass(frozen=True)
class OpenActionRow:
    """An action still asking something of someone, with the review it belongs to."""

    id: int
    review_id: int
    review_title: str
    title: str
    owner: str
    due: date | None
    priority: str
    status: str
    link: str
    #: The review's timezone: "today" is the reader's, but a date of the review reads in its zone.
    timezone: str


def list_open_actions(session: Session, *, statuses: tuple[str, ...] = ("open", "in-progress")
                      ) -> list[OpenActionRow]:
    """Actions of every review whose status is one of ``statuses``: due soonest first, then undated."""
    rows = session.execute(
        select(ActionItem.id, ActionItem.review_id, Review.title, ActionItem.title, ActionItem.owner,
               ActionItem.due, ActionItem.priority, ActionItem.status, ActionItem.link, Review.timezone)
        .join(Review, Review.id == ActionItem.review_id)
        .where(ActionItem.status.in_(statuses))
        .order_by(nulls_last(ActionItem.due.asc()), ActionItem.review_id, ActionItem.id)
    )
    return [OpenActionRow(ident, review_id, review_title, title, owner or "", due, priority, status,
                          link or "", zone)
            for ident, review_id, review_title, title, owner, due, priority, status, link, zone in rows]
