"""What is due and overdue across the library, the open actions of every review, and each note's meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from app.capture_service import CaptureService
from app.lifecycle_service import LifecycleService
from models import meetings, notes, reviews
from models.lifecycle import DueState
from models.store import Library, open_library
from tests.fake_clock import FakeClock

NOW = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # a Friday


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest) -> Iterator[Library]:
    """The library, as an SQLite file and as a PostgreSQL database."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    library = open_library(str(url))
    yield library
    library.close()


@pytest.fixture
def ids(shared: Library) -> dict[str, int]:
    """Reviews at every stage: due, overdue, set by hand, done, not resolved yet."""
    found: dict[str, int] = {}
    with shared.begin() as session:
        for name, status, resolved, due in (
            ("due", "draft", datetime(2026, 3, 2, 10, tzinfo=UTC), None),          # due Monday 9 March
            ("overdue", "scheduled", datetime(2026, 2, 20, 10, tzinfo=UTC), None),  # was due 27 February
            ("set by hand", "draft", None, date(2026, 3, 5)),                       # overdue since Friday
            ("done", "reviewed", datetime(2026, 2, 1, tzinfo=UTC), None),
            ("unresolved", "draft", None, None),
        ):
            found[name] = reviews.create(session, title=name, status=status, resolved_at=resolved,
                                         analysis_due=due, timezone="Europe/Berlin").id
    return found


def test_due_and_overdue_reviews_soonest_first(shared: Library, ids: dict[str, int]) -> None:
    """Open reviews with a due date: by due date; done and unresolved ones are not listed."""
    service = LifecycleService(shared, clock=FakeClock(NOW))
    found = service.due_reviews()
    assert [item.review.title for item in found] == ["overdue", "set by hand", "due"]
    assert [item.due.state for item in found] == [DueState.OVERDUE, DueState.OVERDUE, DueState.DUE]
    assert found[2].due.due == date(2026, 3, 9) and found[2].due.days_left == 3
    overdue = service.due_reviews(overdue_only=True)
    assert [item.review.title for item in overdue] == ["overdue", "set by hand"]


def test_every_review_has_a_due_state_for_the_library_list(shared: Library, ids: dict[str, int]) -> None:
    """One read gives the due column of every line."""
    states = LifecycleService(shared, clock=FakeClock(NOW)).due_states()
    assert {name: states[ident].state for name, ident in ids.items()} == {
        "due": DueState.DUE, "overdue": DueState.OVERDUE, "set by hand": DueState.OVERDUE,
        "done": DueState.NONE, "unresolved": DueState.NONE}


def test_the_window_comes_from_the_settings(shared: Library, ids: dict[str, int]) -> None:
    """One working day instead of five: the Monday resolution was due on Tuesday, so it is overdue."""
    window: list[object] = [1]
    service = LifecycleService(shared, clock=FakeClock(NOW), working_days=lambda: window[0])
    assert service.due_states()[ids["due"]].due == date(2026, 3, 3)
    assert service.due_states()[ids["due"]].state == DueState.OVERDUE
    window[0] = "five"  # a broken settings file: the default, not a crash
    assert service.working_days() == 5


def test_the_dates_that_matter_are_read_with_the_review(shared: Library, ids: dict[str, int]) -> None:
    """The meeting held last and the next one planned come with each line."""
    with shared.begin() as session:
        meetings.enter_phase(session, ids["due"], "timeline", now=NOW - timedelta(days=1))
        meetings.end_meeting(session, ids["due"], now=NOW - timedelta(hours=23))
        # Ending the review meeting marked it reviewed (no longer due): set back, as a facilitator may.
        assert reviews.get_or_raise(session, ids["due"]).status == "reviewed"
        reviews.get_or_raise(session, ids["due"]).status = "draft"
        meetings.schedule_actions_meeting(session, ids["due"], when=NOW + timedelta(days=3), now=NOW)
    item = next(i for i in LifecycleService(shared, clock=FakeClock(NOW)).due_reviews() if i.id == ids["due"])
    assert item.review.last_meeting == NOW - timedelta(days=1)
    assert item.review.upcoming == NOW + timedelta(days=3)


def test_open_actions_across_reviews(shared: Library, ids: dict[str, int]) -> None:
    """Open and in-progress actions of every review, due soonest first, undated last; done ones left out."""
    with shared.begin() as session:
        notes.add_action(session, ids["due"], title="Alert on saved carts", due=date(2026, 3, 20))
        notes.add_action(session, ids["done"], title="Canary config", due=date(2026, 3, 1),
                         status="in-progress")
        notes.add_action(session, ids["overdue"], title="Write the runbook")
        notes.add_action(session, ids["due"], title="Already done", status="done", due=date(2026, 2, 1))
        notes.add_action(session, ids["done"], title="Not doing this", status="not-doing")
    found = LifecycleService(shared, clock=FakeClock(NOW)).open_actions()
    assert [(a.action.title, a.action.review_title, a.overdue) for a in found] == [
        ("Canary config", "done", True), ("Alert on saved carts", "due", False),
        ("Write the runbook", "overdue", False)]
    assert found[0].review_id == ids["done"]


def test_a_note_belongs_to_the_meeting_running_when_it_was_taken(shared: Library) -> None:
    """During the review meeting, its id; between meetings, none; in the actions meeting, that one's."""
    clock = FakeClock(NOW)
    capture = CaptureService(shared, clock)
    with shared.begin() as session:
        review_id = reviews.create(session, title="Notes and meetings").id
    before = capture.add_note(review_id, phase="level-setting", text="Prepared the day before")
    with shared.begin() as session:
        first = meetings.enter_phase(session, review_id, "timeline", now=clock()).id
    clock.advance(minutes=5)
    during = capture.add_note(review_id, phase="timeline", text="Said in the room")
    with shared.begin() as session:
        meetings.end_meeting(session, review_id, now=clock())
        meetings.schedule_actions_meeting(session, review_id, when=NOW + timedelta(days=1), now=clock())
    between = capture.add_note(review_id, phase="timeline", text="Thought of afterwards")
    clock.advance(days=1)
    with shared.begin() as session:
        second = meetings.enter_phase(session, review_id, "parking-lot", now=clock()).id
    actions = capture.add_note(review_id, phase="parking-lot", text="Decided in the actions meeting")
    clock.advance(hours=7)  # the actions meeting went quiet and was never ended
    late = capture.add_note(review_id, phase="parking-lot", text="Much later")
    assert first != second
    expected = [None, first, None, second, None]
    assert [n.meeting_id for n in (before, during, between, actions, late)] == expected
    assert [n.meeting_id for n in capture.notes(review_id)] == expected
