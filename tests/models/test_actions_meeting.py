"""The actions meeting: scheduled after soak time, walks the parking lot, reports with its review."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from sqlalchemy import text

from exports.docx_report import to_docx
from exports.markdown_report import to_markdown
from models import meetings, notes, reviews
from models.catalog import Catalog, load_catalog
from models.errors import InvalidFieldError
from models.snapshot import ReviewReport, load_review
from models.store import (
    HEAD,
    Library,
    create_library_engine,
    current_revision,
    head_revision,
    migrate,
    open_library,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0, *, day: int = 4) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def review_id(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id


def _held_review(library: Library, review_id: int) -> None:
    """The first meeting: a parking-lot idea during the timeline walk, then wrap-up."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        notes.add_note(session, review_id, phase="timeline", kind="parking-lot", text="Alert on queue depth")
        notes.add_note(session, review_id, phase="timeline", text="The dashboard looked normal")
        meetings.enter_phase(session, review_id, "wrap-up", now=at(10, 50))
        meetings.end_meeting(session, review_id, now=at(11, 0))


def test_the_actions_template_is_for_meetings_only(catalog: Catalog) -> None:
    """The actions-meeting template exists but is not offered for a new review."""
    template = catalog.template(meetings.ACTIONS_TEMPLATE)
    assert template is not None and template.for_meetings_only
    assert template.phase_ids()[0] == "parking-lot"
    assert meetings.ACTIONS_TEMPLATE not in catalog.review_templates()
    assert "standard" in catalog.review_templates()


@pytest.mark.parametrize("now", [at(8, 0), at(15, 0), at(15, 0, day=6), at(23, 30, day=7)])
def test_the_default_time_is_at_least_a_day_later(now: datetime) -> None:
    """The proposed time is 10:00 local on a weekday, a day or more from now."""
    proposed = meetings.default_meeting_time(now, BERLIN)
    assert proposed - now >= timedelta(days=1)
    assert (proposed.hour, proposed.minute) == (10, 0) and proposed.weekday() < 5


def test_a_past_time_is_refused_naming_the_field(library: Library, review_id: int) -> None:
    """Soak time is a default; only a time in the past is refused."""
    with library.begin() as session, pytest.raises(InvalidFieldError) as raised:
        meetings.schedule_actions_meeting(session, review_id, when=at(9, 0), now=at(10, 0))
    assert raised.value.field == "scheduled_for"
    with library.begin() as session:
        soon = meetings.schedule_actions_meeting(session, review_id, when=at(10, 30), now=at(10, 0))
        assert (soon.kind, soon.template, soon.started_at) == ("actions", "actions-meeting", None)


def test_scheduling_again_moves_the_planned_meeting(library: Library, review_id: int) -> None:
    """A review has one planned actions meeting; a second schedule moves it."""
    with library.begin() as session:
        first = meetings.schedule_actions_meeting(session, review_id, when=at(10, day=6), now=at(11))
        second = meetings.schedule_actions_meeting(session, review_id, when=at(9, day=9), now=at(11))
        assert first.id == second.id
        upcoming = meetings.upcoming_meeting(session, review_id, now=at(11))
        assert upcoming is not None and upcoming.scheduled_for == at(9, day=9)


def test_parking_lot_items_from_the_first_meeting_appear_in_the_actions_meeting(
    library: Library, review_id: int
) -> None:
    """The actions meeting's parking-lot phase lists every parking-lot note plus its own notes."""
    _held_review(library, review_id)
    with library.begin() as session:
        meetings.schedule_actions_meeting(session, review_id, when=at(9, day=6), now=at(11))
        meeting = meetings.start_or_resume(session, review_id, "parking-lot", now=at(9, day=6))
        notes.add_note(session, review_id, phase="parking-lot", text="Queue alert: yes, Ana looks into it")
        assert meeting.kind == "actions"
        doc = load_review(session, review_id)
    assert doc is not None
    assert [n.text for n in doc.notes_for_phase("parking-lot")] == [
        "Alert on queue depth", "Queue alert: yes, Ana looks into it"]
    assert [n.text for n in doc.notes_for_phase("timeline")] == [
        "Alert on queue depth", "The dashboard looked normal"]


def test_the_upcoming_meeting_is_in_the_library_until_it_starts(library: Library, review_id: int) -> None:
    """list_reviews carries the next scheduled meeting; once started it is no longer upcoming."""
    with library.begin() as session:
        other = reviews.create(session, title="Other", timezone="UTC").id
        meetings.schedule_actions_meeting(session, review_id, when=at(9, day=6), now=at(11))
        rows = {r.id: r.upcoming for r in reviews.list_reviews(session)}
    assert rows == {review_id: at(9, day=6), other: None}
    with library.begin() as session:
        meetings.start_or_resume(session, review_id, "parking-lot", now=at(9, day=6))
        assert [r.upcoming for r in reviews.list_reviews(session)] == [None, None]


def test_the_scheduled_meeting_starts_only_on_its_day(library: Library, review_id: int) -> None:
    """Before its day, Start begins a review meeting; on its day, the scheduled one runs."""
    with library.begin() as session:
        planned = meetings.schedule_actions_meeting(session, review_id, when=at(9, day=6), now=at(11))
        assert meetings.due_meeting(session, review_id, now=at(23, day=5)) is not None  # 00:00 in Berlin
        assert meetings.due_meeting(session, review_id, now=at(22, day=5)) is None
        early = meetings.start_or_resume(session, review_id, "timeline", now=at(12))
        assert early.id != planned.id and early.kind == "review"
        meetings.end_meeting(session, review_id, now=at(13))
        running = meetings.start_or_resume(session, review_id, "parking-lot", now=at(8, 55, day=6))
        assert (running.id, running.started_at) == (planned.id, at(8, 55, day=6))
        assert meetings.current_meeting(session, review_id) is running


def test_notes_of_the_actions_meeting_land_in_the_review_report(library: Library, review_id: int) -> None:
    """Word and Markdown reports list the actions meeting's phases and its record."""
    _held_review(library, review_id)
    with library.begin() as session:
        meetings.schedule_actions_meeting(session, review_id, when=at(9, day=6), now=at(11))
        doc = load_review(session, review_id)
    assert doc is not None
    scheduled = to_markdown(ReviewReport.build(doc, load_catalog()))
    assert "Actions meeting, scheduled for 2026-03-06 10:00 CET; not held yet." in scheduled
    assert "Phases: Parking lot, Actions (optional), Wrap-up." in scheduled
    assert "Actions meeting · Parking lot" not in scheduled
    with library.begin() as session:
        meetings.start_or_resume(session, review_id, "parking-lot", now=at(9, day=6))
        notes.add_note(session, review_id, phase="parking-lot", text="Queue alert becomes an action")
        meetings.enter_phase(session, review_id, "wrap-up", now=at(9, 40, day=6))
        meetings.end_meeting(session, review_id, now=at(9, 45, day=6))
        doc = load_review(session, review_id)
    assert doc is not None
    report = ReviewReport.build(doc, load_catalog())
    markdown = to_markdown(report)
    assert "## Actions meeting · Parking lot" in markdown
    assert "Queue alert becomes an action" in markdown
    assert "Parking lot: 40 min of 20 planned" in markdown
    word = docx.Document(io.BytesIO(to_docx(report)))
    paragraphs = [p.text for p in word.paragraphs]
    assert "Actions meeting · Parking lot" in paragraphs
    assert any("Queue alert becomes an action" in p for p in paragraphs)


def test_migration_0004_keeps_meetings_of_a_0003_library(tmp_path: Path) -> None:
    """A 0003 library with a held and a scheduled meeting opens at head with both intact."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_library_engine(url)
    migrate(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'Old review', '', 'incident', 'draft', 'UTC',"
            " 'standard', '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO meetings (id, review_id, kind, started_at, current_phase, pulse_attended)"
            " VALUES (1, 1, 'review', '2025-01-02 09:00:00', 'timeline', 6)"))
        connection.execute(text("INSERT INTO meeting_phases (meeting_id, phase, started_at, ended_at)"
                                " VALUES (1, 'timeline', '2025-01-02 09:00:00', '2025-01-02 09:25:00')"))
        connection.execute(text("INSERT INTO meetings (id, review_id, kind, scheduled_for)"
                                " VALUES (2, 1, 'actions', '2025-01-03 09:00:00')"))
    engine.dispose()

    library = open_library(url)
    assert current_revision(library.engine) == head_revision() == HEAD
    with library.begin() as session:
        doc = load_review(session, 1)
        summary = reviews.list_reviews(session)[0]
    library.close()
    assert doc is not None
    held, scheduled = doc.meetings
    assert (held.pulse_attended, [p.phase for p in held.phases], held.template) == (6, ["timeline"], None)
    assert (scheduled.kind, scheduled.scheduled_for, scheduled.template) == (
        "actions", datetime(2025, 1, 3, 9, 0, tzinfo=UTC), None)
    assert summary.upcoming == datetime(2025, 1, 3, 9, 0, tzinfo=UTC)
