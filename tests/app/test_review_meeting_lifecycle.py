"""The lifecycle moves by itself where the meeting says so: scheduling the review meeting makes a draft
"scheduled", ending the review meeting makes it "reviewed"; statuses set by hand are not overridden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from app.changes import ChangeHub, ReviewChanges
from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models import meetings
from models.catalog import Catalog
from models.errors import InvalidFieldError
from models.reviews import list_reviews
from models.snapshot import load_review
from models.store import Library
from tests.fake_clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 6, 16, 0, tzinfo=UTC))  # a Friday afternoon


@pytest.fixture
def hub(qapp: object) -> ChangeHub:
    return ChangeHub()


@pytest.fixture
def reviews(library: Library, catalog: Catalog, hub: ChangeHub) -> ReviewService:
    return ReviewService(library, catalog, changes=hub)


@pytest.fixture
def controller(library: Library, catalog: Catalog, clock: FakeClock, hub: ChangeHub) -> MeetingController:
    return MeetingController(library, catalog, clock, changes=hub)


def _status(library: Library, review_id: int) -> tuple[str, datetime | None]:
    with library.begin() as session:
        doc = load_review(session, review_id)
        return doc.status, doc.reviewed_at


def test_the_review_meeting_is_proposed_on_the_next_working_day(controller: MeetingController) -> None:
    proposed = controller.default_review_time(BERLIN)
    assert proposed == datetime(2026, 3, 9, 10, 0, tzinfo=BERLIN)  # Friday: Monday at 10:00


def test_scheduling_the_review_meeting_makes_a_draft_scheduled_and_says_so(
        library: Library, reviews: ReviewService, controller: MeetingController, hub: ChangeHub,
        clock: FakeClock, qtbot: QtBot) -> None:
    review_id = reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")
    heard: list[ReviewChanges] = []
    hub.changed.connect(heard.append)
    when = controller.default_review_time(BERLIN)
    row = controller.schedule_meeting("review", when, review_id)
    assert row.kind == "review" and row.started_at is None
    assert _status(library, review_id) == ("scheduled", None)
    assert any(c.review_id == review_id and c.facts and c.library for c in heard)
    with library.begin() as session:
        (line,) = list_reviews(session)
    assert (line.upcoming, line.upcoming_kind) == (when.astimezone(UTC), "review")
    # Moved, not doubled: one review meeting planned.
    later = when + timedelta(days=1)
    controller.schedule_meeting("review", later, review_id)
    with library.begin() as session:
        planned = meetings.upcoming_meeting(session, review_id)
        assert planned is not None and planned.scheduled_for == later and planned.template is None
    with pytest.raises(InvalidFieldError, match="scheduled_for"):
        controller.schedule_meeting("review", clock.now - timedelta(minutes=1), review_id)


def test_a_status_set_by_hand_is_left_alone_when_a_meeting_is_planned(
        library: Library, reviews: ReviewService, controller: MeetingController) -> None:
    review_id = reviews.create(title="Second session", template="standard", status="reviewed")
    controller.schedule_meeting("review", controller.default_review_time(BERLIN), review_id)
    assert _status(library, review_id)[0] == "reviewed"
    other = reviews.create(title="Actions only", template="standard")
    controller.schedule_actions_meeting(controller.default_meeting_time(BERLIN), other)
    assert _status(library, other)[0] == "draft"  # an actions meeting does not schedule the review


def test_the_scheduled_review_meeting_is_the_one_started_on_its_day_and_ending_it_marks_reviewed(
        library: Library, reviews: ReviewService, controller: MeetingController, hub: ChangeHub,
        clock: FakeClock, qtbot: QtBot) -> None:
    review_id = reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")
    when = controller.default_review_time(BERLIN)
    planned = controller.schedule_meeting("review", when, review_id)
    clock.now = when.astimezone(UTC) - timedelta(minutes=5)
    controller.open(review_id, "standard")
    assert controller.active_meeting is not None and controller.active_meeting.id == planned.id
    assert controller.template is not None and controller.template.id == "standard"
    controller.start()
    assert controller.is_running
    clock.now += timedelta(minutes=50)
    heard: list[ReviewChanges] = []
    hub.changed.connect(heard.append)
    controller.end()
    status, reviewed_at = _status(library, review_id)
    assert (status, reviewed_at) == ("reviewed", clock.now)
    assert any(c.review_id == review_id and c.facts for c in heard)
    with library.begin() as session:
        (line,) = list_reviews(session)
        assert line.upcoming is None and line.status == "reviewed"
        held = meetings.latest_meeting(session, review_id)
        assert held is not None and held.id == planned.id and held.ended_at == clock.now


def test_ending_an_actions_meeting_or_a_closed_reviews_meeting_changes_no_status(
        library: Library, reviews: ReviewService, controller: MeetingController, clock: FakeClock) -> None:
    closed = reviews.create(title="Closed one", template="standard", status="closed")
    controller.open(closed, "standard")
    controller.start()
    clock.now += timedelta(minutes=30)
    controller.end()
    assert _status(library, closed)[0] == "closed"
    draft = reviews.create(title="Actions", template="standard", timezone="Europe/Berlin")
    when = controller.default_meeting_time(BERLIN)
    controller.schedule_actions_meeting(when, draft)
    clock.now = when.astimezone(UTC)
    controller.open(draft, "standard")
    assert controller.active_meeting is not None and controller.active_meeting.kind == "actions"
    controller.start()
    clock.now += timedelta(minutes=30)
    controller.end()
    assert _status(library, draft) == ("draft", None)


def test_a_meeting_that_went_quiet_is_not_taken_for_a_review_held(
        library: Library, reviews: ReviewService, controller: MeetingController, clock: FakeClock) -> None:
    """The laptop closed mid-meeting and never came back: the meeting is ended for it, the status stays."""
    review_id = reviews.create(title="Interrupted", template="standard")
    controller.open(review_id, "standard")
    controller.start()
    clock.now += timedelta(days=2)
    controller.open(review_id, "standard")  # the stale meeting is ended on reading
    assert not controller.is_running
    assert _status(library, review_id) == ("draft", None)
