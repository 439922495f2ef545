"""Who was in the room: the attendance of each meeting of a review."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import meetings
from models.entities import Meeting, Participant, meeting_attendance
from models.errors import InvalidFieldError, NotFoundError


def attendance(session: Session, meeting_id: int) -> tuple[int, ...]:
    """The participant ids who attended meeting ``meeting_id``, in participant order."""
    return tuple(session.scalars(
        select(Participant.id)
        .join(meeting_attendance, meeting_attendance.c.participant_id == Participant.id)
        .where(meeting_attendance.c.meeting_id == meeting_id)
        .order_by(Participant.position, Participant.id)
    ))


def set_attendance(session: Session, review_id: int, participant_ids: Iterable[int], *,
                   now: datetime) -> Meeting:
    """Make ``participant_ids`` the attendance of the running meeting (starting one if none runs)."""
    wanted = set(participant_ids)
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.review_id == review_id))}
    strangers = wanted - people.keys()
    if strangers:
        raise InvalidFieldError("participant_ids",
                                f"not participants of this review: {', '.join(map(str, sorted(strangers)))}")
    meeting = meetings.live_meeting(session, review_id, now=now)
    if meeting is None:
        # Ticking who is in the room while preparing prepares the meeting; its clock waits for Start.
        meeting = meetings.prepare_meeting(session, review_id, now=now)
    meeting.attendees = sorted((people[i] for i in wanted), key=lambda p: (p.position, p.id))
    session.flush()
    return meeting


def set_attended(session: Session, review_id: int, participant_id: int, attended: bool, *,
                 now: datetime) -> Meeting | None:
    """Mark one participant as in the running meeting's room, or not (None: nothing to unmark)."""
    person = session.get(Participant, participant_id)
    if person is None or person.review_id != review_id:
        raise NotFoundError("participant", participant_id)
    live = meetings.live_meeting(session, review_id, now=now)
    if live is None and not attended:
        return None
    current = set(attendance(session, live.id)) if live is not None else set()
    if attended:
        current.add(participant_id)
    else:
        current.discard(participant_id)
    return set_attendance(session, review_id, current, now=now)


def review_attendance(session: Session, review_id: int, *, now: datetime,
                      running_only: bool = False) -> tuple[int, ...]:
    """Attendance of the running meeting, else (unless ``running_only``) of the latest one."""
    meeting = meetings.live_meeting(session, review_id, now=now)
    if meeting is None and not running_only:
        meeting = meetings.latest_meeting(session, review_id)
    return attendance(session, meeting.id) if meeting is not None else ()
