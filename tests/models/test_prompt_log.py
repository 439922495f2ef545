"""The prompt log: what the facilitator did with each prompt, kept with the running meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from models import meetings, reviews
from models.entities import AskedPrompt, Meeting
from models.errors import InvalidFieldError, NotFoundError
from models.prompt_log import PromptLogEntry, list_prompt_log, live_prompt_log, record_prompt
from models.store import Library

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def review_id(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors").id


def test_recording_with_no_meeting_running_starts_one(library: Library, review_id: int) -> None:
    """The first prompt asked starts the review's meeting at that moment."""
    with library.begin() as session:
        entry = record_prompt(session, review_id, phase="timeline", prompt="What looked weird?",
                              status="asked", now=NOW)
    with library.begin() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert (meeting.review_id, meeting.started_at) == (review_id, NOW)
        assert list_prompt_log(session, meeting.id) == (
            PromptLogEntry(entry.id, meeting.id, "timeline", "What looked weird?", "asked", NOW),)


def test_recording_joins_the_meeting_already_running(library: Library, review_id: int) -> None:
    """A phase change started the meeting; the prompt lands in it."""
    with library.begin() as session:
        meeting_id = meetings.enter_phase(session, review_id, "timeline", now=NOW).id
        record_prompt(session, review_id, phase="timeline", prompt="A?", status="skipped", now=NOW)
    with library.begin() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 1
        assert [e.meeting_id for e in list_prompt_log(session, meeting_id)] == [meeting_id]


def test_the_log_reads_back_in_order_and_by_phase(library: Library, review_id: int) -> None:
    """Rows come back as they happened; a phase filter keeps only that phase's."""
    actions = [("timeline", "A?", "skipped"), ("surprises", "S?", "asked"), ("timeline", "B?", "pinned"),
               ("timeline", "A?", "asked")]
    with library.begin() as session:
        for phase, prompt, status in actions:
            meeting_id = record_prompt(session, review_id, phase=phase, prompt=prompt, status=status,
                                       now=NOW).meeting_id
    with library.begin() as session:
        assert [(e.phase, e.prompt, e.status) for e in list_prompt_log(session, meeting_id)] == actions
        assert [(e.prompt, e.status) for e in list_prompt_log(session, meeting_id, phase="timeline")] == [
            ("A?", "skipped"), ("B?", "pinned"), ("A?", "asked")]


def test_live_log_is_empty_and_starts_nothing_when_no_meeting_runs(library: Library, review_id: int) -> None:
    """Reading the log to show a deck never creates a meeting."""
    with library.begin() as session:
        assert live_prompt_log(session, review_id, now=NOW) == ()
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_meeting_gone_stale_keeps_its_log_and_a_new_one_starts(library: Library, review_id: int) -> None:
    """A prompt asked the next day belongs to a new sitting; the live log is only the new one's."""
    with library.begin() as session:
        first = record_prompt(session, review_id, phase="timeline", prompt="A?", status="asked", now=NOW)
    later = NOW + meetings.STALE_AFTER * 4
    with library.begin() as session:
        second = record_prompt(session, review_id, phase="timeline", prompt="B?", status="asked", now=later)
    with library.begin() as session:
        assert second.meeting_id != first.meeting_id
        assert [e.prompt for e in live_prompt_log(session, review_id, now=later)] == ["B?"]
        assert [e.prompt for e in list_prompt_log(session, first.meeting_id)] == ["A?"]


def test_an_unknown_status_is_refused_by_field(library: Library, review_id: int) -> None:
    """Only asked, skipped, pinned and unpinned are recorded."""
    with library.begin() as session, pytest.raises(InvalidFieldError) as caught:
        record_prompt(session, review_id, phase="timeline", prompt="A?", status="answered", now=NOW)
    assert caught.value.field == "status"


def test_recording_for_a_missing_review_writes_nothing(library: Library) -> None:
    """No review, no meeting, no row."""
    with pytest.raises(NotFoundError), library.begin() as session:
        record_prompt(session, 404, phase="timeline", prompt="A?", status="asked", now=NOW)
    with library.begin() as session:
        assert session.scalar(select(func.count()).select_from(AskedPrompt)) == 0
