"""Attendance: who was in the room, stored on the running meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import meetings, reviews
from models.attendance import attendance, review_attendance, set_attendance, set_attended
from models.errors import InvalidFieldError
from models.store import Library, open_library

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def make_review(library: Library) -> tuple[int, int, int]:
    """A review with two participants: (review id, first id, second id)."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors").id
        first = reviews.add_participant(session, review_id, name="Responder A").id
        second = reviews.add_participant(session, review_id, name="Observer B").id
    return review_id, first, second


def test_set_attendance_starts_a_meeting_and_survives_reopen(db_url: str) -> None:
    """Attendance set with no meeting running starts one, and is there after reopening the library."""
    library = open_library(db_url)
    review_id, first, second = make_review(library)
    with library.begin() as session:
        meeting_id = set_attendance(session, review_id, [second, first], now=NOW).id
    library.close()
    library = open_library(db_url)
    with library.begin() as session:
        assert attendance(session, meeting_id) == (first, second)
        live = meetings.live_meeting(session, review_id, now=NOW + timedelta(minutes=5))
        assert live is not None and live.id == meeting_id
    library.close()


def test_set_attended_ticks_and_unticks_on_the_running_meeting(library: Library) -> None:
    """Ticking and unticking one person changes only the running meeting's attendance."""
    review_id, first, second = make_review(library)
    with library.begin() as session:
        meeting_id = meetings.start_meeting(session, review_id, now=NOW).id
        set_attended(session, review_id, first, True, now=NOW)
        set_attended(session, review_id, second, True, now=NOW)
        set_attended(session, review_id, first, False, now=NOW)
    with library.begin() as session:
        assert attendance(session, meeting_id) == (second,)
        assert len(session.get(meetings.Meeting, meeting_id).review.meetings) == 1  # type: ignore[union-attr]


def test_unticking_with_no_meeting_starts_none(library: Library) -> None:
    """Saying someone is not in the room when no meeting runs records nothing."""
    review_id, first, _ = make_review(library)
    with library.begin() as session:
        assert set_attended(session, review_id, first, False, now=NOW) is None
        assert meetings.current_meeting(session, review_id) is None


def test_review_attendance_reads_the_latest_meeting_once_over(library: Library) -> None:
    """After the meeting ends its attendance is still the review's, but not the running one's."""
    review_id, first, _ = make_review(library)
    with library.begin() as session:
        set_attendance(session, review_id, [first], now=NOW)
        meetings.end_meeting(session, review_id, now=NOW + timedelta(hours=1))
    with library.begin() as session:
        later = NOW + timedelta(hours=2)
        assert review_attendance(session, review_id, now=later) == (first,)
        assert review_attendance(session, review_id, now=later, running_only=True) == ()


def test_someone_from_another_review_is_refused(library: Library) -> None:
    """Only the review's own participants can attend its meeting."""
    review_id, _, _ = make_review(library)
    _, stranger, _ = make_review(library)
    with library.begin() as session, pytest.raises(InvalidFieldError):
        set_attendance(session, review_id, [stranger], now=NOW)
