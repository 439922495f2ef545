"""The meeting controller: phase order, recorded times, resuming, stale meetings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models.catalog import Catalog
from models.store import Library
from tests.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


def _controller(library: Library, catalog: Catalog, clock: FakeClock) -> MeetingController:
    return MeetingController(library, catalog, clock)


def test_opening_a_new_review_starts_at_the_first_phase_without_recording(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """Opening a review to look at it records no meeting."""
    controller = _controller(library, catalog, clock)
    with qtbot.waitSignal(controller.phase_changed) as blocker:
        controller.open(review_id, "standard")
    assert blocker.args == ["level-setting"]
    assert ReviewService(library, catalog).get(review_id).meetings == ()  # type: ignore[union-attr]


def test_moving_through_phases_records_start_and_end_times(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Each phase change ends the previous phase and starts the next at the clock's time."""
    controller = _controller(library, catalog, clock)
    controller.open(review_id, "standard")
    controller.next_phase()
    clock.advance(minutes=25)
    controller.next_phase()
    meeting = ReviewService(library, catalog).get(review_id).meetings[0]  # type: ignore[union-attr]
    assert meeting.kind == "review" and meeting.current_phase == "went-well"
    assert [(p.phase, p.started_at, p.ended_at) for p in meeting.phases] == [
        ("timeline", datetime(2026, 3, 4, 10, 0, tzinfo=UTC), datetime(2026, 3, 4, 10, 25, tzinfo=UTC)),
        ("went-well", datetime(2026, 3, 4, 10, 25, tzinfo=UTC), None),
    ]


def test_stepping_past_either_end_does_nothing(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """Previous on the first phase and next on the last emit nothing."""
    controller = _controller(library, catalog, clock)
    controller.open(review_id, "learning-focused")
    with qtbot.assertNotEmitted(controller.phase_changed):
        controller.previous_phase()
    controller.go_to("wrap-up")
    with qtbot.assertNotEmitted(controller.phase_changed):
        controller.next_phase()
    assert controller.phase_id == "wrap-up"


def test_an_unknown_phase_is_ignored(library: Library, catalog: Catalog, clock: FakeClock,
                                     review_id: int) -> None:
    """go_to a phase the template lacks leaves the meeting where it is."""
    controller = _controller(library, catalog, clock)
    controller.open(review_id, "learning-focused")
    controller.go_to("actions")
    assert controller.phase_id == "level-setting"


def test_reopening_resumes_at_the_recorded_phase(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """A new controller (the app restarted) picks up the running meeting's phase."""
    first = _controller(library, catalog, clock)
    first.open(review_id, "standard")
    first.go_to("surprises")
    clock.advance(minutes=3)
    second = _controller(library, catalog, clock)
    second.open(review_id, "standard")
    assert second.phase_id == "surprises"


def test_a_meeting_quiet_for_hours_is_over_and_the_next_sitting_is_a_new_meeting(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Reopening a day later starts at the first phase and records a second meeting."""
    first = _controller(library, catalog, clock)
    first.open(review_id, "standard")
    first.go_to("timeline")
    clock.advance(days=1)
    second = _controller(library, catalog, clock)
    second.open(review_id, "standard")
    assert second.phase_id == "level-setting"
    second.go_to("timeline")
    meetings = ReviewService(library, catalog).get(review_id).meetings  # type: ignore[union-attr]
    assert len(meetings) == 2
    assert meetings[0].ended_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert meetings[0].phases[0].ended_at is None  # its real end is unknown, not invented
    assert meetings[1].started_at == datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
