"""The meeting clock: it starts, ticks, pauses, overruns and carries on after the app is reopened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.meeting_controller import MeetingController, TimerState
from app.review_service import ReviewService
from models.catalog import Catalog
from models.errors import InvalidFieldError
from models.meetings import ON_TIME, OVER, WELL_OVER, PhaseTime, Pulse
from models.snapshot import MeetingPauseRow, MeetingRow
from models.store import Library
from tests.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


@pytest.fixture
def controller(library: Library, catalog: Catalog, clock: FakeClock, review_id: int) -> MeetingController:
    """A controller with the review open (at level setting, 10 min planned), clock not started."""
    opened = MeetingController(library, catalog, clock)
    opened.open(review_id, "standard")
    return opened


def _meetings(library: Library, catalog: Catalog, review_id: int) -> tuple[MeetingRow, ...]:
    doc = ReviewService(library, catalog).get(review_id)
    assert doc is not None
    return doc.meetings


def _state(controller: MeetingController, qtbot: QtBot) -> TimerState:
    """What tick() tells the views."""
    with qtbot.waitSignal(controller.timer_changed, timeout=1000) as blocker:
        controller.tick()
    state = blocker.args[0]
    assert isinstance(state, TimerState)
    return state


def test_opening_a_review_leaves_the_clock_stopped(controller: MeetingController, library: Library,
                                                   catalog: Catalog, review_id: int) -> None:
    """Opening to read records no meeting, and the timer does not tick."""
    state = controller.state()
    recorded = _meetings(library, catalog, review_id)
    assert (state.started, controller.is_ticking, recorded) == (False, False, ())


def test_a_clock_not_started_shows_the_whole_timebox(controller: MeetingController) -> None:
    """Before Start the phase has all of its planned time left."""
    state = controller.state()
    assert (state.phase_id, state.phase_elapsed, state.remaining) == ("level-setting", timedelta(0),
                                                                      timedelta(minutes=10))


def test_start_records_the_meeting_in_the_current_phase(controller: MeetingController, library: Library,
                                                        catalog: Catalog, review_id: int) -> None:
    """Start records a meeting whose first phase is the one on screen, from now."""
    controller.start()
    meeting = _meetings(library, catalog, review_id)[0]
    assert (meeting.started_at, [(p.phase, p.started_at) for p in meeting.phases]) == (
        datetime(2026, 3, 4, 10, 0, tzinfo=UTC), [("level-setting", datetime(2026, 3, 4, 10, 0, tzinfo=UTC))])


def test_start_tells_the_views_at_once(controller: MeetingController, qtbot: QtBot) -> None:
    """timer_changed carries a running state as soon as Start is pressed."""
    with qtbot.waitSignal(controller.timer_changed, timeout=1000) as blocker:
        controller.start()
    assert blocker.args[0].running and controller.is_ticking


def test_the_first_phase_change_starts_the_clock(controller: MeetingController) -> None:
    """Moving on without pressing Start starts the meeting clock too."""
    controller.next_phase()
    assert controller.is_running and controller.is_ticking


def test_a_tick_counts_the_phase_down(controller: MeetingController, clock: FakeClock, qtbot: QtBot) -> None:
    """As time passes, elapsed grows and remaining shrinks by the same amount."""
    controller.start()
    clock.advance(minutes=4, seconds=40)
    state = _state(controller, qtbot)
    assert (state.phase_elapsed, state.remaining, state.meeting_elapsed) == (
        timedelta(minutes=4, seconds=40), timedelta(minutes=5, seconds=20), timedelta(minutes=4, seconds=40))


def test_the_phase_clock_restarts_in_each_phase(controller: MeetingController, clock: FakeClock,
                                                qtbot: QtBot) -> None:
    """A new phase starts from nothing against its own timebox; the meeting's time goes on."""
    controller.start()
    clock.advance(minutes=8)
    controller.next_phase()
    clock.advance(minutes=1)
    state = _state(controller, qtbot)
    assert (state.phase_id, state.phase_elapsed, state.phase_planned, state.meeting_elapsed) == (
        "timeline", timedelta(minutes=1), timedelta(minutes=25), timedelta(minutes=9))


def test_pausing_freezes_the_clock(controller: MeetingController, clock: FakeClock, qtbot: QtBot) -> None:
    """While paused, neither the phase nor the meeting time moves."""
    controller.start()
    clock.advance(minutes=3)
    controller.pause()
    clock.advance(minutes=10)
    state = _state(controller, qtbot)
    assert (state.paused, state.phase_elapsed, state.meeting_elapsed) == (
        True, timedelta(minutes=3), timedelta(minutes=3))


def test_pausing_is_recorded(controller: MeetingController, clock: FakeClock, library: Library,
                             catalog: Catalog, review_id: int) -> None:
    """The pause is in the meeting's record, open until resumed."""
    controller.start()
    clock.advance(minutes=3)
    controller.pause()
    assert _meetings(library, catalog, review_id)[0].pauses == (
        MeetingPauseRow(datetime(2026, 3, 4, 10, 3, tzinfo=UTC), None),)


def test_pausing_stops_the_timer(controller: MeetingController) -> None:
    """No ticks while paused: nothing on screen would change."""
    controller.start()
    controller.pause()
    assert (controller.is_paused, controller.is_running, controller.is_ticking) == (True, False, False)


def test_resuming_carries_on_from_where_the_clock_stopped(controller: MeetingController, clock: FakeClock,
                                                          qtbot: QtBot) -> None:
    """After a 10-minute break the phase has its 3 minutes plus what followed the resume."""
    controller.start()
    clock.advance(minutes=3)
    controller.pause()
    clock.advance(minutes=10)
    controller.resume()
    clock.advance(minutes=1)
    state = _state(controller, qtbot)
    assert (state.running, state.phase_elapsed) == (True, timedelta(minutes=4))


def test_toggle_starts_pauses_and_resumes(controller: MeetingController) -> None:
    """The one button walks Start, Pause, Resume."""
    seen = []
    for _ in range(3):
        controller.toggle()
        seen.append((controller.is_running, controller.is_paused))
    assert seen == [(True, False), (False, True), (True, False)]


def test_changing_phase_while_paused_stays_paused(controller: MeetingController, clock: FakeClock,
                                                  qtbot: QtBot) -> None:
    """Looking at the next phase during a break does not start its clock."""
    controller.start()
    controller.pause()
    controller.next_phase()
    clock.advance(minutes=5)
    state = _state(controller, qtbot)
    assert (state.paused, state.phase_id, state.phase_elapsed) == (True, "timeline", timedelta(0))


def test_past_the_timebox_is_overrun_level_1(controller: MeetingController, clock: FakeClock,
                                             qtbot: QtBot) -> None:
    """A second over the timebox: remaining goes negative and the level is 1 (a colour)."""
    controller.start()
    clock.advance(minutes=10, seconds=1)
    state = _state(controller, qtbot)
    assert (state.overrun, state.remaining) == (OVER, timedelta(seconds=-1))


def test_well_past_the_timebox_is_overrun_level_2(controller: MeetingController, clock: FakeClock,
                                                  qtbot: QtBot) -> None:
    """More than 20 % over (2 min of a 10-min phase) is level 2 (a quiet notice)."""
    controller.start()
    clock.advance(minutes=12, seconds=1)
    assert _state(controller, qtbot).overrun == WELL_OVER


def test_within_the_timebox_is_on_time(controller: MeetingController, clock: FakeClock, qtbot: QtBot) -> None:
    """At exactly the timebox nothing is over yet."""
    controller.start()
    clock.advance(minutes=10)
    assert _state(controller, qtbot).overrun == ON_TIME


def test_reopening_mid_meeting_carries_on_from_the_record(
    controller: MeetingController, clock: FakeClock, library: Library, catalog: Catalog, review_id: int,
) -> None:
    """A new controller (the app restarted) counts from what was recorded, not from zero."""
    controller.start()
    clock.advance(minutes=7)
    controller.close()
    clock.advance(minutes=2)
    reopened = MeetingController(library, catalog, clock)
    reopened.open(review_id, "standard")
    state = reopened.state()
    assert (state.running, state.phase_elapsed, reopened.is_ticking) == (True, timedelta(minutes=9), True)


def test_reopening_a_paused_meeting_stays_paused(
    controller: MeetingController, clock: FakeClock, library: Library, catalog: Catalog, review_id: int,
) -> None:
    """An open pause survives the restart: the clock still stands where it was paused."""
    controller.start()
    clock.advance(minutes=7)
    controller.pause()
    controller.close()
    clock.advance(minutes=30)
    reopened = MeetingController(library, catalog, clock)
    reopened.open(review_id, "standard")
    state = reopened.state()
    assert (state.paused, state.phase_elapsed, state.meeting_elapsed) == (
        True, timedelta(minutes=7), timedelta(minutes=7))


def test_resuming_after_reopening_closes_the_recorded_pause(
    controller: MeetingController, clock: FakeClock, library: Library, catalog: Catalog, review_id: int,
) -> None:
    """Resume in the reopened app ends the pause recorded before the restart."""
    controller.start()
    controller.pause()
    clock.advance(minutes=30)
    reopened = MeetingController(library, catalog, clock)
    reopened.open(review_id, "standard")
    reopened.resume()
    assert _meetings(library, catalog, review_id)[0].pauses == (
        MeetingPauseRow(datetime(2026, 3, 4, 10, 0, tzinfo=UTC), datetime(2026, 3, 4, 10, 30, tzinfo=UTC)),)


def test_a_clock_left_running_overnight_stops(controller: MeetingController, clock: FakeClock,
                                              qtbot: QtBot) -> None:
    """A tick after hours of nothing recorded shows the meeting as over, not 14 hours in."""
    controller.start()
    clock.advance(hours=14)
    state = _state(controller, qtbot)
    assert (state.started, controller.is_ticking) == (False, False)


def test_start_after_a_stale_pause_is_a_new_meeting(
    controller: MeetingController, clock: FakeClock, library: Library, catalog: Catalog, review_id: int,
) -> None:
    """Resuming a pause of a whole day starts the next sitting as a meeting of its own."""
    controller.start()
    controller.pause()
    clock.advance(days=1)
    controller.resume()
    assert [m.started_at for m in _meetings(library, catalog, review_id)] == [
        datetime(2026, 3, 4, 10, 0, tzinfo=UTC), datetime(2026, 3, 5, 10, 0, tzinfo=UTC)]


def test_phase_times_compare_each_phase_with_its_plan(controller: MeetingController,
                                                      clock: FakeClock) -> None:
    """The wrap-up summary: 32 min of timeline against 25 planned."""
    controller.go_to("timeline")
    clock.advance(minutes=32)
    controller.go_to("wrap-up")
    clock.advance(minutes=1)
    assert controller.phase_times() == (
        PhaseTime("timeline", 25, timedelta(minutes=32), in_progress=False),
        PhaseTime("wrap-up", 5, timedelta(minutes=1), in_progress=True),
    )


def test_the_pulse_is_recorded_in_the_running_meeting(controller: MeetingController, review_id: int,
                                                      qtbot: QtBot) -> None:
    """set_pulse commits, then says so with the review and meeting ids."""
    controller.start()
    with qtbot.waitSignal(controller.pulse_changed, timeout=1000) as blocker:
        controller.set_pulse(review_id, attended=7, learned=5, would_attend=6, unclear="Sampling budget")
    assert (blocker.args[0], controller.pulse(review_id)) == (review_id, Pulse(7, 5, 6, "Sampling budget"))


def test_a_refused_pulse_changes_nothing(controller: MeetingController, review_id: int, qtbot: QtBot) -> None:
    """More learners than attendees is refused naming the field, with no signal."""
    controller.start()
    with qtbot.assertNotEmitted(controller.pulse_changed), pytest.raises(InvalidFieldError) as raised:
        controller.set_pulse(review_id, attended=3, learned=5, would_attend=None, unclear="")
    assert (raised.value.field, controller.pulse(review_id)) == ("learned", Pulse())


def test_a_pulse_before_any_meeting_is_refused(controller: MeetingController, review_id: int) -> None:
    """With no meeting held there is nothing to attach the pulse to: the error names the meeting."""
    with pytest.raises(InvalidFieldError) as raised:
        controller.set_pulse(review_id, attended=3, learned=None, would_attend=None, unclear="")
    assert raised.value.field == "meeting"


def test_a_pulse_after_the_meeting_goes_to_the_latest_meeting(
    controller: MeetingController, clock: FakeClock, library: Library, catalog: Catalog, review_id: int,
) -> None:
    """Reopened the next day, the pulse still lands on the meeting that was held."""
    controller.start()
    clock.advance(days=1)
    controller.open(review_id, "standard")
    controller.set_pulse(review_id, attended=4, learned=None, would_attend=None, unclear="")
    meetings = _meetings(library, catalog, review_id)
    assert (len(meetings), meetings[0].pulse_attended) == (1, 4)
