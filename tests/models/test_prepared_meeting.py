"""Issue 10: ticking who is in the room while preparing does not start the meeting clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import attendance, meetings, reviews
from models.store import Library

PREP = datetime(2026, 3, 9, 9, 50, tzinfo=UTC)
START = PREP + timedelta(minutes=10)


def test_attendance_prepares_the_meeting_and_start_begins_it(library: Library) -> None:
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", template="standard").id
        person = reviews.add_participant(session, review_id, name="Ana").id
    with library.begin() as session:
        meeting = attendance.set_attended(session, review_id, person, True, now=PREP)
        assert meeting is not None and meetings.is_prepared(meeting) and meetings.is_paused(meeting)
        assert meetings.meeting_elapsed(meeting, now=START) == timedelta(0)  # the clock does not run
    with library.begin() as session:
        meeting = meetings.start_or_resume(session, review_id, "level-setting", now=START)
        assert meeting.started_at == START and not meetings.is_paused(meeting)
        assert meeting.pauses == []
        assert list(attendance.attendance(session, meeting.id)) == [person]  # who was ticked stays
    with library.begin() as session:
        ended = meetings.end_meeting(session, review_id, now=START + timedelta(minutes=45))
        assert ended is not None
        assert ended.ended_at == START + timedelta(minutes=45)
        assert meetings.meeting_elapsed(ended, now=START + timedelta(hours=3)) == timedelta(minutes=45)


def test_entering_a_phase_also_begins_a_prepared_meeting(library: Library) -> None:
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", template="standard").id
        person = reviews.add_participant(session, review_id, name="Ana").id
        attendance.set_attended(session, review_id, person, True, now=PREP)
    with library.begin() as session:
        meeting = meetings.enter_phase(session, review_id, "timeline", now=START)
        assert meeting.started_at == START and not meetings.is_prepared(meeting)
