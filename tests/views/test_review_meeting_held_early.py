"""The review meeting held before its planned day is that meeting: no plan is left standing."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.changes import ChangeHub
from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models.reviews import list_reviews
from tests.fake_clock import FakeClock


def test_a_review_meeting_held_before_its_planned_day_leaves_no_plan(library, catalog, qapp):
    clock = FakeClock(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # Friday
    hub = ChangeHub()
    reviews = ReviewService(library, catalog, changes=hub)
    controller = MeetingController(library, catalog, clock, changes=hub)
    review_id = reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")
    planned = controller.default_review_time(ZoneInfo("Europe/Berlin"))  # Monday 10:00
    controller.schedule_meeting("review", planned, review_id)
    # The room could meet this afternoon after all: Start, then End.
    clock.now = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    controller.open(review_id, "standard")
    controller.start()
    clock.now += timedelta(minutes=45)
    controller.end()
    with library.begin() as session:
        (line,) = list_reviews(session)
    # On Monday the window takes the held review's old plan for today's meeting.
    clock.now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    controller.open(review_id, "standard")
    assert line.upcoming is None, "a review meeting still shows as upcoming for a review already reviewed"
