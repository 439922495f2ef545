"""Timeline events of a review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Participant, TimelineEvent
from models.errors import InvalidFieldError, NotFoundError
from models.reviews import get_or_raise
from models.vocabulary import EVENT_KINDS


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
) -> TimelineEvent:
    """A new event; ``participants`` are names of the review's participants."""
    get_or_raise(session, review_id)
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise InvalidFieldError("at", "an event time needs a timezone")
    if not text or not text.strip():
        raise InvalidFieldError("text", "an event needs a description")
    if kind not in EVENT_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(EVENT_KINDS)}")
    people: list[Participant] = []
    if participants:
        by_name = {
            p.name: p
            for p in session.scalars(select(Participant).where(Participant.review_id == review_id))
        }
        for name in participants:
            if name not in by_name:
                raise InvalidFieldError("participants", f"{name!r} is not a participant of this review")
            people.append(by_name[name])
    event = TimelineEvent(review_id=review_id, at=at, text=text.strip(), kind=kind,
                          source=(source or "").strip(), approximate=bool(approximate))
    event.participants = people
    session.add(event)
    session.flush()
    return event


def delete_event(session: Session, event_id: int) -> int:
    """Remove an event; notes about it stay (unlinked). Returns the review id."""
    event = session.get(TimelineEvent, event_id)
    if event is None:
        raise NotFoundError("timeline event", event_id)
    review_id = event.review_id
    session.delete(event)
    return review_id
