"""Where the meeting is: the current phase of the open review and its clock, recorded as it moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from app.changes import ChangeHub, ReviewChanges
from app.clock import Clock, system_clock
from models import meetings
from models.catalog import Catalog, Phase, Template
from models.entities import Meeting
from models.errors import InvalidFieldError
from models.meetings import PhaseTime, Pulse
from models.snapshot import MeetingRow, meeting_row
from models.store import Library

#: How often the running timer tells the views (milliseconds).
TICK_MS = 1000


@dataclass(frozen=True)
class TimerState:
    """The meeting clock at one moment, as the timer widgets show it.

    Neither ``running`` nor ``paused``: the meeting has not started (opening a
    review to read it starts nothing).
    """

    phase_id: str | None
    phase_elapsed: timedelta
    phase_planned: timedelta
    #: ``phase_planned - phase_elapsed``: negative once the phase is over its timebox.
    remaining: timedelta
    meeting_elapsed: timedelta
    #: The meeting has started and its clock is counting.
    running: bool
    #: The meeting has started and its clock is stopped.
    paused: bool
    #: ``models.meetings.ON_TIME`` (0), ``OVER`` (1, a colour) or ``WELL_OVER`` (2, a quiet notice).
    overrun: int

    @property
    def started(self) -> bool:
        return self.running or self.paused


class MeetingController(QObject):
    """Moves a review's meeting through its template's phases and runs its clock, recording both.

    The meeting clock starts with Start (:meth:`start`) or with the first phase
    change, never by opening a review. Time is worked out from what was
    recorded (phase visits, pauses), so a controller opening a review mid-meeting,
    after the app was closed, carries on where the clock stood.

    Signals:
        phase_changed(str): the id of the phase the meeting is now in.
        timer_changed(object): a :class:`TimerState`, every second while the clock runs and
            at once after anything that changes it.
        pulse_changed(int, int): review id, meeting id: the wrap-up pulse was recorded.
        meeting_scheduled(int, int): review id, meeting id: an actions meeting was scheduled.

    A review's scheduled meeting (an actions meeting) takes over on its day: with
    no meeting running, opening the review shows that meeting's template, and
    Start or a phase change starts it rather than a new review meeting.
    """

    phase_changed = Signal(str)
    timer_changed = Signal(object)
    pulse_changed = Signal(int, int)
    meeting_scheduled = Signal(int, int)

    def __init__(self, library: Library, catalog: Catalog, clock: Clock = system_clock,
                 parent: QObject | None = None, *, changes: ChangeHub | None = None) -> None:
        super().__init__(parent)
        self._library = library
        #: Where a change to the review's status (scheduled, reviewed) is announced.
        self._changes = changes
        self._catalog = catalog
        self._clock = clock
        self.review_id: int | None = None
        #: The template the meeting walks: the active meeting's own, else the review's.
        self.template: Template | None = None
        #: The meeting the phases belong to: the running one, else a scheduled one due today.
        self.active_meeting: MeetingRow | None = None
        self.phase_id: str | None = None
        #: The running meeting as last recorded (None: no meeting runs).
        self._meeting: MeetingRow | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    # ------------------------------------------------------------ the review
    def open(self, review_id: int, template_id: str) -> None:
        """Take up the review where its running meeting left off (first phase if none).

        With no meeting running, a scheduled meeting due today is the active one:
        its template's phases are shown (an actions meeting's, from the parking lot).
        """
        self.review_id = review_id
        now = self._clock()
        with self._library.begin() as session:
            meeting = meetings.live_meeting(session, review_id, now=now)
            active = meeting if meeting is not None else meetings.due_meeting(session, review_id, now=now)
            current = meeting.current_phase if meeting is not None else None
            self._meeting = meeting_row(meeting) if meeting is not None else None
            self.active_meeting = meeting_row(active) if active is not None else None
        self.template = self._template_for(self.active_meeting, template_id)
        if current is None or self.template.phase(current) is None:
            current = self.template.phases[0].id
        self.phase_id = current
        self.phase_changed.emit(current)
        self._clock_changed()

    def close(self) -> None:
        """Leave the review (the meeting itself runs on in the record until paused or stale)."""
        self.review_id = None
        self.template = None
        self.active_meeting = None
        self.phase_id = None
        self._meeting = None
        self._clock_changed()

    @property
    def is_actions_meeting(self) -> bool:
        """The active meeting is an actions meeting (its phases are the actions template's)."""
        return self.active_meeting is not None and self.active_meeting.kind == "actions"

    @property
    def phase(self) -> Phase | None:
        if self.template is None or self.phase_id is None:
            return None
        return self.template.phase(self.phase_id)

    def phase_index(self) -> int:
        assert self.template is not None
        return self.template.phase_ids().index(self.phase_id or "")

    # ------------------------------------------------------------ phases
    def go_to(self, phase_id: str) -> None:
        """Move to ``phase_id`` and record the moment in the meeting (starting the meeting if none runs)."""
        if self.review_id is None or self.template is None or self.template.phase(phase_id) is None:
            return
        if phase_id == self.phase_id:
            return
        review_id = self.review_id
        self._record(lambda session: meetings.enter_phase(session, review_id, phase_id, now=self._clock()))
        self.phase_id = phase_id
        self.phase_changed.emit(phase_id)
        self._clock_changed()

    def next_phase(self) -> None:
        self._step(1)

    def previous_phase(self) -> None:
        self._step(-1)

    # ------------------------------------------------------------ the clock
    @property
    def is_running(self) -> bool:
        """The meeting has started and its clock is counting."""
        return self._meeting is not None and not meetings.is_paused(self._meeting)

    @property
    def is_paused(self) -> bool:
        """The meeting has started and its clock is stopped (a prepared meeting has not started)."""
        return (self._meeting is not None and meetings.is_paused(self._meeting)
                and not meetings.is_prepared(self._meeting))

    @property
    def is_ticking(self) -> bool:
        """The 1-second timer is on (only while the clock counts)."""
        return self._timer.isActive()

    def start(self) -> None:
        """Start the meeting clock in the current phase (resume it if paused; nothing if it runs)."""
        if self.review_id is None or self.phase_id is None or self.is_running:
            return
        review_id, phase_id = self.review_id, self.phase_id
        self._record(lambda session: meetings.start_or_resume(session, review_id, phase_id,
                                                              now=self._clock()))
        self._clock_changed()

    def pause(self) -> None:
        """Stop the meeting clock (a break); nothing if it does not run."""
        if self.review_id is None or not self.is_running:
            return
        review_id = self.review_id
        self._record(lambda session: meetings.pause_meeting(session, review_id, now=self._clock()))
        self._clock_changed()

    def resume(self) -> None:
        """Run the paused clock again (after a pause of many hours, that is a new meeting)."""
        if self.is_paused:
            self.start()

    def end(self) -> None:
        """End the meeting now: its clock stops and its end is recorded (nothing if none runs).

        Ending the review meeting marks a draft or scheduled review "reviewed" (models/meetings.py):
        the status is announced as a change of the review's facts and of the library's list.
        """
        if self.review_id is None or self._meeting is None:
            return
        review_id = self.review_id
        was_review = self._meeting.kind == "review"
        self._record(lambda session: meetings.end_meeting(session, review_id, now=self._clock()))
        self._meeting = None
        self._clock_changed()
        if was_review:
            self._announce_status(review_id)

    def toggle(self) -> None:
        """Start, Pause or Resume: whichever the clock's state calls for."""
        if self.is_running:
            self.pause()
        else:
            self.start()

    def state(self) -> TimerState:
        """The clock now."""
        now = self._clock()
        planned = timedelta(minutes=self.phase.timebox_minutes) if self.phase is not None else timedelta(0)
        meeting = self._meeting
        if meeting is None or self.phase_id is None or meetings.is_prepared(meeting):
            return TimerState(self.phase_id, timedelta(0), planned, planned, timedelta(0), running=False,
                              paused=False, overrun=meetings.ON_TIME)
        elapsed = meetings.phase_elapsed(meeting, self.phase_id, now=now)
        paused = meetings.is_paused(meeting)
        return TimerState(
            phase_id=self.phase_id,
            phase_elapsed=elapsed,
            phase_planned=planned,
            remaining=planned - elapsed,
            meeting_elapsed=meetings.meeting_elapsed(meeting, now=now),
            running=not paused,
            paused=paused,
            overrun=meetings.overrun_level(elapsed, planned) if self.phase is not None else meetings.ON_TIME,
        )

    def tick(self) -> None:
        """Tell the views where the clock stands (the timer calls this every second)."""
        if self._meeting is not None and meetings.is_stale(self._meeting, now=self._clock()):
            # Left running overnight: the meeting is over (it is ended in the
            # library by the next thing recorded, as on opening the review).
            self._meeting = None
            self._clock_changed()
            return
        self.timer_changed.emit(self.state())

    def phase_times(self) -> tuple[PhaseTime, ...]:
        """Time per phase of the running meeting (else the latest one), for the wrap-up summary."""
        if self.template is None or self.review_id is None:
            return ()
        meeting = self._meeting if self._meeting is not None else self._latest()
        if meeting is None:
            return ()
        own = self._catalog.template(meeting.template) if meeting.template else None
        return meetings.phase_times(meeting, own or self.template, now=self._clock())

    # ------------------------------------------------------------ the pulse
    def pulse(self, review_id: int) -> Pulse | None:
        """The wrap-up pulse of the review's running meeting (else its latest); None if none was held."""
        with self._library.begin() as session:
            meeting = (meetings.live_meeting(session, review_id, now=self._clock())
                       or meetings.latest_meeting(session, review_id))
            return meetings.pulse_of(meeting) if meeting is not None else None

    def set_pulse(self, review_id: int, *, attended: int | None, learned: int | None,
                  would_attend: int | None, unclear: str) -> Pulse:
        """Record the wrap-up pulse in the review's running meeting (else its latest), in one transaction.

        Raises :class:`~models.errors.InvalidFieldError` naming the field at fault
        (nothing is stored), or naming ``meeting`` when no meeting has started yet.
        """
        with self._library.begin() as session:
            meeting = (meetings.live_meeting(session, review_id, now=self._clock())
                       or meetings.latest_meeting(session, review_id))
            if meeting is None:
                raise InvalidFieldError("meeting", "the meeting has not started yet: press Start first")
            meetings.set_pulse(session, meeting.id, attended=attended, learned=learned,
                               would_attend=would_attend, unclear=unclear)
            row = meeting_row(meeting)
        if review_id == self.review_id:
            # The one running here, or none: a meeting found over in the library is over here too.
            self._meeting = row if row.ended_at is None else None
            self._clock_changed()
        self.pulse_changed.emit(review_id, row.id)
        return meetings.pulse_of(row)

    # ------------------------------------------------------------ scheduling
    def schedule_actions_meeting(self, when: datetime, review_id: int | None = None) -> MeetingRow:
        """Schedule the review's actions meeting for ``when`` in one transaction, then say so.

        Raises :class:`~models.errors.InvalidFieldError` naming ``scheduled_for``
        for a time in the past (nothing is stored).
        """
        return self.schedule_meeting("actions", when, review_id)

    def schedule_meeting(self, kind: str, when: datetime, review_id: int | None = None) -> MeetingRow:
        """Schedule the review's meeting of ``kind`` ("review" or "actions") for ``when``, then say so.

        The review meeting planned makes a draft review "scheduled" (announced like any change of
        its facts). Raises :class:`~models.errors.InvalidFieldError` naming ``scheduled_for`` for a
        time in the past (nothing is stored).
        """
        review_id = review_id if review_id is not None else self.review_id
        if review_id is None:
            raise InvalidFieldError("review", "open a review first")
        with self._library.begin() as session:
            row = meeting_row(meetings.schedule_meeting(session, review_id, kind=kind, when=when,
                                                        now=self._clock()))
        self.meeting_scheduled.emit(review_id, row.id)
        if kind == "review":
            self._announce_status(review_id)
        return row

    def default_review_time(self, zone: ZoneInfo) -> datetime:
        """When to propose the review meeting: 10:00 local on the next working day."""
        return meetings.default_review_time(self._clock(), zone)

    def _announce_status(self, review_id: int) -> None:
        """The review's status may have moved on (scheduled, reviewed): its facts and the list say so."""
        if self._changes is not None:
            self._changes.announce(ReviewChanges(review_id, library=True, facts=True))

    def default_meeting_time(self, zone: ZoneInfo) -> datetime:
        """When to propose the actions meeting: 10:00 local, at least a day from now (soak time)."""
        return meetings.default_meeting_time(self._clock(), zone)

    # ------------------------------------------------------------ private
    def _template_for(self, meeting: MeetingRow | None, template_id: str) -> Template:
        """``meeting``'s own template if it has one known here, else the review's ``template_id``."""
        own = self._catalog.template(meeting.template) if meeting is not None and meeting.template else None
        return own if own is not None else self._catalog.template_or_default(template_id)

    def _step(self, delta: int) -> None:
        if self.template is None:
            return
        ids = self.template.phase_ids()
        index = self.phase_index() + delta
        if 0 <= index < len(ids):
            self.go_to(ids[index])

    def _record(self, change: Callable[[Session], Meeting | None]) -> None:
        """Run ``change`` in one transaction and keep what it leaves of the running meeting."""
        with self._library.begin() as session:
            meeting = change(session)
            row = meeting_row(meeting) if meeting is not None and meeting.ended_at is None else None
        self._meeting = row
        if row is not None:
            self.active_meeting = row

    def _latest(self) -> MeetingRow | None:
        assert self.review_id is not None
        with self._library.begin() as session:
            meeting = meetings.latest_meeting(session, self.review_id)
            return meeting_row(meeting) if meeting is not None else None

    def _clock_changed(self) -> None:
        """After anything that changes the clock: the timer runs only while it counts; views hear now."""
        if self.is_running:
            self._timer.start()
        else:
            self._timer.stop()
        self.timer_changed.emit(self.state())
