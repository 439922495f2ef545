"""Time spent in a meeting, worked out from its recorded phase visits and pauses; pauses; the pulse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import meetings, reviews
from models.catalog import Catalog
from models.entities import Meeting
from models.errors import InvalidFieldError
from models.meetings import OVER, WELL_OVER, PhaseTime, Pulse
from models.snapshot import MeetingPauseRow, MeetingPhaseRow, MeetingRow, load_review, meeting_row
from models.store import Library


def at(hour: int, minute: int, second: int = 0, *, day: int = 4) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


Visit = tuple[str, datetime, datetime | None]
Stop = tuple[datetime, datetime | None]


def meeting(*visits: Visit, pauses: tuple[Stop, ...] = (), ended_at: datetime | None = None) -> MeetingRow:
    """A meeting started at the first visit, with these phase visits and pauses."""
    return MeetingRow(1, "review", visits[0][1] if visits else at(10, 0), ended_at, None,
                      tuple(MeetingPhaseRow(*v) for v in visits),
                      pauses=tuple(MeetingPauseRow(*p) for p in pauses))


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


@pytest.fixture
def review_id(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors").id


def _meeting_of(library: Library, review_id: int) -> MeetingRow:
    with library.begin() as session:
        found = meetings.latest_meeting(session, review_id)
        assert found is not None
        return meeting_row(found)


# ---------------------------------------------------------------- time from a record

def test_phase_time_adds_up_every_visit_of_the_phase() -> None:
    """A phase visited twice counts both visits and nothing of the phase between."""
    record = meeting(("timeline", at(10, 0), at(10, 20)), ("went-well", at(10, 20), at(10, 30)),
                     ("timeline", at(10, 30), at(10, 42)), ended_at=at(10, 42))
    assert meetings.phase_elapsed(record, "timeline", now=at(12, 0)) == minutes(32)


def test_an_open_visit_counts_up_to_now() -> None:
    """The phase the meeting is in counts until the moment asked about."""
    record = meeting(("timeline", at(10, 0), None))
    assert meetings.phase_elapsed(record, "timeline", now=at(10, 12, 40)) == timedelta(minutes=12, seconds=40)


def test_a_pause_within_a_visit_is_left_out() -> None:
    """Ten minutes of break inside a phase do not count as time in it."""
    record = meeting(("timeline", at(10, 0), at(10, 40)), pauses=((at(10, 15), at(10, 25)),))
    assert meetings.phase_elapsed(record, "timeline", now=at(11, 0)) == minutes(30)


def test_an_open_pause_freezes_the_phase_at_its_start() -> None:
    """While paused, an open visit counts only up to the pause's start, however late it is."""
    record = meeting(("timeline", at(10, 0), None), pauses=((at(10, 7), None),))
    assert meetings.phase_elapsed(record, "timeline", now=at(11, 30)) == minutes(7)


def test_a_pause_spanning_a_phase_change_is_split_between_the_phases() -> None:
    """Each phase loses only the part of the pause that overlaps it."""
    record = meeting(("level-setting", at(10, 0), at(10, 10)), ("timeline", at(10, 10), at(10, 30)),
                     pauses=((at(10, 5), at(10, 15)),), ended_at=at(10, 30))
    assert (meetings.phase_elapsed(record, "level-setting", now=at(11, 0)),
            meetings.phase_elapsed(record, "timeline", now=at(11, 0))) == (minutes(5), minutes(15))


def test_an_open_visit_of_a_meeting_that_is_over_stops_at_its_end() -> None:
    """A meeting ended as stale counts its open phase only up to its end."""
    record = meeting(("timeline", at(10, 0), None), ended_at=at(10, 20))
    assert meetings.phase_elapsed(record, "timeline", now=at(18, 0, day=5)) == minutes(20)


def test_meeting_time_runs_from_start_to_now_without_pauses() -> None:
    """The meeting's elapsed time leaves out its pauses, an open one up to now."""
    record = meeting(("timeline", at(10, 0), None), pauses=((at(10, 10), at(10, 20)), (at(10, 50), None)))
    assert meetings.meeting_elapsed(record, now=at(11, 0)) == minutes(40)


def test_meeting_time_of_a_meeting_that_is_over_stops_at_its_end() -> None:
    """An ended meeting's time does not grow afterwards."""
    record = meeting(("timeline", at(10, 0), at(11, 5)), ended_at=at(11, 5))
    assert meetings.meeting_elapsed(record, now=at(15, 0)) == minutes(65)


def test_paused_time_adds_up_the_pauses() -> None:
    """Paused time is the sum of the pauses, an open one counting up to now."""
    record = meeting(("timeline", at(10, 0), None), pauses=((at(10, 10), at(10, 20)), (at(10, 50), None)))
    assert meetings.paused_time(record, now=at(11, 0)) == minutes(20)


def test_phase_times_follow_the_template_with_its_timeboxes(catalog: Catalog) -> None:
    """Visited phases in template order with planned minutes; a phase the template lacks has none."""
    record = meeting(("timeline", at(10, 0), at(10, 32)), ("level-setting", at(10, 32), at(10, 40)),
                     ("custom", at(10, 40), None))
    assert meetings.phase_times(record, catalog.templates["standard"], now=at(10, 45)) == (
        PhaseTime("level-setting", 10, minutes(8), in_progress=False),
        PhaseTime("timeline", 25, minutes(32), in_progress=False),
        PhaseTime("custom", None, minutes(5), in_progress=True),
    )


@pytest.mark.parametrize(("planned", "elapsed", "level"), [
    (minutes(25), minutes(25), 0),
    (minutes(25), minutes(25) + timedelta(seconds=1), OVER),
    (minutes(25), minutes(30), OVER),
    (minutes(25), minutes(30) + timedelta(seconds=1), WELL_OVER),
    (minutes(60), minutes(65) + timedelta(seconds=1), WELL_OVER),
    (minutes(5), minutes(6), OVER),
    (minutes(5), minutes(6) + timedelta(seconds=1), WELL_OVER),
])
def test_overrun_level(planned: timedelta, elapsed: timedelta, level: int) -> None:
    """Over the timebox is level 1; over by more than 20 % or 5 min (whichever first) is level 2."""
    assert meetings.overrun_level(elapsed, planned) == level


@pytest.mark.parametrize(("span", "expected"), [
    (timedelta(seconds=29), 0), (timedelta(seconds=30), 1), (minutes(32) + timedelta(seconds=10), 32),
    (minutes(-3), 0),
])
def test_whole_minutes(span: timedelta, expected: int) -> None:
    """Half a minute and more rounds up; a negative span is no minutes."""
    assert meetings.whole_minutes(span) == expected


# ---------------------------------------------------------------- pauses in the library

def test_pausing_records_an_open_pause(library: Library, review_id: int) -> None:
    """Pausing the running meeting records when its clock stopped."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(10, 30))
    assert _meeting_of(library, review_id).pauses == (MeetingPauseRow(at(10, 30), None),)


def test_pausing_a_paused_meeting_adds_nothing(library: Library, review_id: int) -> None:
    """A second pause keeps the first one's start."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(10, 30))
        meetings.pause_meeting(session, review_id, now=at(10, 35))
    assert [p.started_at for p in _meeting_of(library, review_id).pauses] == [at(10, 30)]


def test_resuming_closes_the_pause(library: Library, review_id: int) -> None:
    """Resuming records when the clock ran again."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(10, 30))
        meetings.resume_meeting(session, review_id, now=at(10, 40))
    assert _meeting_of(library, review_id).pauses == (MeetingPauseRow(at(10, 30), at(10, 40)),)


def test_pausing_without_a_running_meeting_records_nothing(library: Library, review_id: int) -> None:
    """No meeting runs: nothing to pause, and no meeting is started for it."""
    with library.begin() as session:
        assert meetings.pause_meeting(session, review_id, now=at(10, 0)) is None
        assert meetings.latest_meeting(session, review_id) is None


def test_a_meeting_paused_for_hours_is_over_from_the_pause(library: Library, review_id: int) -> None:
    """A pause never resumed is the meeting's last activity: it ends there once stale."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(11, 0))
    with library.begin() as session:
        assert meetings.live_meeting(session, review_id, now=at(17, 1)) is None
    assert _meeting_of(library, review_id).ended_at == at(11, 0)


def test_a_recent_resume_keeps_a_long_quiet_meeting_live(library: Library, review_id: int) -> None:
    """Resuming is activity: a long pause followed by a resume is still the same meeting."""
    with library.begin() as session:
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(10, 5))
        meetings.resume_meeting(session, review_id, now=at(15, 0))
    with library.begin() as session:
        assert meetings.live_meeting(session, review_id, now=at(17, 0)) is not None


def test_a_scheduled_meeting_is_not_the_running_one(library: Library, review_id: int) -> None:
    """A meeting only scheduled (not started) never takes the running meeting's phases."""
    with library.begin() as session:
        running = meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        session.add(Meeting(review_id=review_id, kind="actions", scheduled_for=at(10, 0, day=6)))
        session.flush()
        assert meetings.enter_phase(session, review_id, "wrap-up", now=at(10, 30)).id == running.id


def test_start_or_resume_starts_a_meeting_in_the_phase(library: Library, review_id: int) -> None:
    """Start with no meeting running records a meeting and its first phase from now."""
    with library.begin() as session:
        started = meetings.start_or_resume(session, review_id, "level-setting", now=at(10, 0))
        assert (started.started_at, [(p.phase, p.started_at) for p in started.phases]) == (
            at(10, 0), [("level-setting", at(10, 0))])


def test_the_snapshot_carries_pauses_and_pulse(library: Library, review_id: int) -> None:
    """load_review gives each meeting its pauses and its pulse."""
    with library.begin() as session:
        meeting_id = meetings.enter_phase(session, review_id, "timeline", now=at(10, 0)).id
        meetings.pause_meeting(session, review_id, now=at(10, 30))
        meetings.set_pulse(session, meeting_id, attended=7, learned=5, would_attend=6, unclear="Sampling")
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    row = doc.meetings[0]
    assert (row.pauses, meetings.pulse_of(row)) == ((MeetingPauseRow(at(10, 30), None),),
                                                    Pulse(7, 5, 6, "Sampling"))


# ---------------------------------------------------------------- the pulse

def test_the_pulse_is_stored_with_the_meeting(library: Library, review_id: int) -> None:
    """set_pulse records the three counts and the unclear text, trimmed."""
    with library.begin() as session:
        meeting_id = meetings.enter_phase(session, review_id, "wrap-up", now=at(10, 0)).id
        meetings.set_pulse(session, meeting_id, attended=7, learned=5, would_attend=6,
                           unclear="  Who owns the sampling budget?  ")
    assert meetings.pulse_of(_meeting_of(library, review_id)) == Pulse(7, 5, 6,
                                                                       "Who owns the sampling budget?")


def test_counts_may_be_given_without_attendance(library: Library, review_id: int) -> None:
    """Without a head count, learned and would-attend have no upper bound to check."""
    assert meetings.check_pulse(attended=None, learned=4, would_attend=3, unclear="") == Pulse(None, 4, 3, "")


@pytest.mark.parametrize(("fields", "field"), [
    ({"attended": -1}, "attended"),
    ({"attended": True}, "attended"),
    ({"attended": 2.5}, "attended"),
    ({"attended": "7"}, "attended"),
    ({"attended": meetings.PULSE_MAX + 1}, "attended"),
    ({"learned": -2}, "learned"),
    ({"attended": 7, "learned": 8}, "learned"),
    ({"attended": 7, "would_attend": 8}, "would_attend"),
    ({"unclear": 42}, "unclear"),
])
def test_a_bad_pulse_is_refused_naming_the_field(library: Library, review_id: int, fields: dict[str, object],
                                                 field: str) -> None:
    """Each bad value is refused with an error naming its field, and nothing is stored."""
    with library.begin() as session:
        meeting_id = meetings.enter_phase(session, review_id, "wrap-up", now=at(10, 0)).id
    values: dict[str, object] = {"attended": None, "learned": None, "would_attend": None, "unclear": "",
                                 **fields}
    with pytest.raises(InvalidFieldError) as raised, library.begin() as session:
        meetings.set_pulse(session, meeting_id, **values)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert meetings.pulse_of(_meeting_of(library, review_id)) == Pulse()
