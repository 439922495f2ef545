"""Meetings of a review and the time they spent in each phase."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Meeting, MeetingPhase
from models.errors import InvalidFieldError
from models.reviews import get_or_raise
from models.vocabulary import MEETING_KINDS

#: A meeting with no phase change for this long is over: reopening the review
#: later (to read it, or for another sitting) must not add hours to it.
STALE_AFTER = timedelta(hours=6)


def current_meeting(session: Session, review_id: int) -> Meeting | None:
    """The latest meeting of the review that has not ended."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.review_id == review_id, Meeting.ended_at.is_(None))
        .order_by(Meeting.id.desc())
        .limit(1)
    ).first()


def last_activity(meeting: Meeting) -> datetime | None:
    """The latest moment the meeting is known to have been running."""
    moments = [m for m in (meeting.started_at, *(p.started_at for p in meeting.phases)) if m is not None]
    return max(moments) if moments else None


def live_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """The running meeting of the review; one gone quiet for ``STALE_AFTER`` is ended first."""
    meeting = current_meeting(session, review_id)
    if meeting is None:
        return None
    last = last_activity(meeting)
    if last is not None and now - last > STALE_AFTER:
        # The open phase's end stays unknown; the meeting ended no earlier than ``last``.
        meeting.ended_at = last
        session.flush()
        return None
    return meeting


def start_meeting(session: Session, review_id: int, *, now: datetime, kind: str = "review") -> Meeting:
    if kind not in MEETING_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(MEETING_KINDS)}")
    get_or_raise(session, review_id)
    meeting = Meeting(review_id=review_id, kind=kind, started_at=now)
    session.add(meeting)
    session.flush()
    return meeting


def enter_phase(session: Session, review_id: int, phase: str, *, now: datetime) -> Meeting:
    """Record that the meeting moved to ``phase`` at ``now`` (starting a meeting if none runs)."""
    meeting = live_meeting(session, review_id, now=now) or start_meeting(session, review_id, now=now)
    if meeting.current_phase == phase:
        return meeting
    for row in meeting.phases:
        if row.ended_at is None:
            row.ended_at = now
    meeting.phases.append(MeetingPhase(phase=phase, started_at=now))
    meeting.current_phase = phase
    session.flush()
    return meeting


def end_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    meeting = current_meeting(session, review_id)
    if meeting is None:
        return None
    for row in meeting.phases:
        if row.ended_at is None:
            row.ended_at = now
    meeting.ended_at = now
    return meeting
