"""Scheduling the actions meeting from the controller, and taking it up on its day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.capture_service import CaptureService
from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models import meetings
from models.catalog import Catalog
from models.errors import InvalidFieldError
from models.reviews import list_reviews
from models.snapshot import load_review
from models.store import Library
from views.models.library_table_model import LibraryTableModel


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard",
                                                  timezone="Europe/Berlin")


def test_scheduling_signals_after_commit(library: Library, catalog: Catalog, clock: FakeClock,
                                         review_id: int, qtbot: QtBot) -> None:
    """meeting_scheduled carries the review and meeting ids, and the meeting is already stored."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    seen: list[datetime | None] = []

    def stored(rid: int, mid: int) -> None:
        with library.begin() as session:
            upcoming = meetings.upcoming_meeting(session, rid)
            seen.append(upcoming.scheduled_for if upcoming is not None and upcoming.id == mid else None)

    controller.meeting_scheduled.connect(stored)
    when = controller.default_meeting_time(ZoneInfo("Europe/Berlin"))
    assert when - clock.now >= timedelta(days=1)
    row = controller.schedule_actions_meeting(when)
    assert (row.kind, row.template, seen) == ("actions", "actions-meeting", [when])
    assert controller.template is not None and controller.template.id == "standard"


def test_a_past_time_is_refused(library: Library, catalog: Catalog, clock: FakeClock, review_id: int,
                                qtbot: QtBot) -> None:
    """Nothing is stored or signalled for a time in the past."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    with qtbot.assertNotEmitted(controller.meeting_scheduled), pytest.raises(InvalidFieldError) as raised:
        controller.schedule_actions_meeting(clock.now - timedelta(minutes=5))
    assert raised.value.field == "scheduled_for"


def test_the_library_shows_the_meeting_as_upcoming(library: Library, catalog: Catalog, clock: FakeClock,
                                                   review_id: int, qtmodeltester: ModelTester) -> None:
    """The Status column names the actions meeting in the review's timezone."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    controller.schedule_actions_meeting(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    with library.begin() as session:
        rows = list_reviews(session)
    model = LibraryTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.index(0, LibraryTableModel.COL_STATUS).data() == "Draft · actions meeting Thu 5 Mar 10:00"


def test_on_its_day_the_actions_meeting_runs_with_its_phases(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """Opened on the day, the controller shows the actions phases; Start runs the scheduled meeting."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    CaptureService(library, clock).add_note(review_id, phase="level-setting", kind="parking-lot",
                                            text="Alert on queue depth")
    planned = controller.schedule_actions_meeting(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    controller.close()

    clock.now = datetime(2026, 3, 5, 8, 58, tzinfo=UTC)
    with qtbot.waitSignal(controller.phase_changed) as blocker:
        controller.open(review_id, "standard")
    assert blocker.args == ["parking-lot"]
    assert controller.template is not None and controller.template.id == "actions-meeting"
    assert controller.is_actions_meeting and not controller.is_running
    controller.start()
    assert controller.is_running
    assert controller.active_meeting is not None and controller.active_meeting.id == planned.id
    controller.next_phase()
    assert controller.phase_id == "actions"
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    actions = next(m for m in doc.meetings if m.id == planned.id)
    assert [p.phase for p in actions.phases] == ["parking-lot", "actions"]
    assert [n.text for n in doc.notes_for_phase("parking-lot")] == ["Alert on queue depth"]
