"""Meetings of a review: the time they spent in each phase, their pauses, and the wrap-up pulse.

The time functions read anything shaped like a meeting (:class:`MeetingTimes`):
the ORM :class:`~models.entities.Meeting` inside a session, or the frozen
:class:`~models.snapshot.MeetingRow` a view, the timer or an export holds.
Time is never stored as a running total; it is always worked out from the
recorded moments (phase visits and pauses), so a restarted app resumes from
what was recorded, not from zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalog import Template
from models.entities import Meeting, MeetingPause, MeetingPhase
from models.errors import InvalidFieldError, NotFoundError
from models.lifecycle import OPEN_STATUSES, status_stamps
from models.reviews import get_or_raise
from models.vocabulary import MEETING_KINDS

#: A meeting with no recorded activity (start, phase change, pause, resume) for
#: this long is over: reopening the review later (to read it, or for another
#: sitting) must not add hours to it.
STALE_AFTER = timedelta(hours=6)

#: Overrun levels of a phase: within its timebox, over it, and over it by enough
#: to say so (more than ``OVERRUN_NOTICE_SHARE`` of the timebox or more than
#: ``OVERRUN_NOTICE_AFTER``, whichever comes first).
ON_TIME, OVER, WELL_OVER = 0, 1, 2
OVERRUN_NOTICE_SHARE = 0.2
OVERRUN_NOTICE_AFTER = timedelta(minutes=5)

#: The pulse counts people in one room: a bigger number is a typo.
PULSE_MAX = 10_000
PULSE_FIELDS = ("attended", "learned", "would_attend")

_ZERO = timedelta(0)

#: The template an actions meeting walks, and how long after the review it is held by default.
ACTIONS_TEMPLATE = "actions-meeting"
SOAK_TIME = timedelta(days=1)
#: The local time of day an actions meeting is proposed for.
DEFAULT_MEETING_TIME = time(10, 0)


class Span(Protocol):
    """Something with a start and an end, either possibly unknown."""

    @property
    def started_at(self) -> datetime | None: ...

    @property
    def ended_at(self) -> datetime | None: ...


class PhaseVisit(Span, Protocol):
    """One stretch of time a meeting spent in a phase."""

    @property
    def phase(self) -> str: ...


class MeetingTimes(Span, Protocol):
    """What the time functions need of a meeting."""

    @property
    def phases(self) -> Sequence[PhaseVisit]: ...

    @property
    def pauses(self) -> Sequence[Span]: ...


class PulseFields(Protocol):
    """What :func:`pulse_of` needs of a meeting."""

    @property
    def pulse_attended(self) -> int | None: ...

    @property
    def pulse_learned(self) -> int | None: ...

    @property
    def pulse_would_attend(self) -> int | None: ...

    @property
    def pulse_unclear(self) -> str: ...


@dataclass(frozen=True)
class PhaseTime:
    """How long a meeting spent in one phase, against the template's timebox."""

    phase: str
    #: The template's timebox; None for a phase the template does not have.
    planned_minutes: int | None
    #: All visits of the phase, pauses left out.
    actual: timedelta
    #: The meeting is running and is in this phase now.
    in_progress: bool


@dataclass(frozen=True)
class Pulse:
    """The wrap-up pulse: did the meeting work? None means "not asked"."""

    attended: int | None = None
    learned: int | None = None
    would_attend: int | None = None
    unclear: str = ""

    def is_empty(self) -> bool:
        return (self.attended is None and self.learned is None and self.would_attend is None
                and not self.unclear)


# ---------------------------------------------------------------- finding the meeting

def current_meeting(session: Session, review_id: int) -> Meeting | None:
    """The latest meeting of the review that has started and not ended.

    A meeting that is only scheduled (an actions meeting after soak time) has
    not started and is never current: the running meeting keeps its phases.
    """
    return session.scalars(
        select(Meeting)
        .where(Meeting.review_id == review_id, Meeting.started_at.is_not(None), Meeting.ended_at.is_(None))
        .order_by(Meeting.id.desc())
        .limit(1)
    ).first()


def latest_meeting(session: Session, review_id: int) -> Meeting | None:
    """The latest meeting of the review that has started, running or over."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.review_id == review_id, Meeting.started_at.is_not(None))
        .order_by(Meeting.id.desc())
        .limit(1)
    ).first()


def last_activity(meeting: MeetingTimes) -> datetime | None:
    """The latest moment the meeting is known to have been running, or paused, or resumed."""
    moments = [m for m in (meeting.started_at, *(p.started_at for p in meeting.phases),
                           *(p.started_at for p in meeting.pauses), *(p.ended_at for p in meeting.pauses))
               if m is not None]
    return max(moments) if moments else None


def is_stale(meeting: MeetingTimes, *, now: datetime) -> bool:
    """The meeting has not ended but went quiet for longer than ``STALE_AFTER``."""
    if meeting.ended_at is not None:
        return False
    last = last_activity(meeting)
    return last is not None and now - last > STALE_AFTER


def live_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """The running meeting of the review; one gone quiet for ``STALE_AFTER`` is ended first.

    A meeting paused and never resumed went quiet when the pause started.
    """
    meeting = current_meeting(session, review_id)
    if meeting is None:
        return None
    if is_stale(meeting, now=now):
        # The open phase's (and an open pause's) end stays unknown; the meeting
        # ended no earlier than its last activity.
        meeting.ended_at = last_activity(meeting)
        session.flush()
        return None
    return meeting


def upcoming_meeting(session: Session, review_id: int, *, now: datetime | None = None) -> Meeting | None:
    """The review's earliest scheduled meeting that has not started (one whose time passed is still upcoming).

    ``now`` is accepted for symmetry with :func:`due_meeting`; an overdue meeting has not been held.
    """
    return session.scalars(
        select(Meeting)
        .where(Meeting.review_id == review_id, Meeting.scheduled_for.is_not(None),
               Meeting.started_at.is_(None), Meeting.ended_at.is_(None))
        .order_by(Meeting.scheduled_for, Meeting.id)
        .limit(1)
    ).first()


def _review_zone(session: Session, review_id: int) -> ZoneInfo:
    name = get_or_raise(session, review_id).timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def due_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """The upcoming meeting if it is due: scheduled for today (in the review's timezone) or earlier."""
    meeting = upcoming_meeting(session, review_id, now=now)
    if meeting is None or meeting.scheduled_for is None:
        return None
    zone = _review_zone(session, review_id)
    return meeting if meeting.scheduled_for.astimezone(zone).date() <= now.astimezone(zone).date() else None


def default_meeting_time(now: datetime, zone: ZoneInfo) -> datetime:
    """When to propose an actions meeting: 10:00 local on the first weekday at least ``SOAK_TIME`` away."""
    local_now = now.astimezone(zone)
    day = local_now.date() + timedelta(days=1)
    while True:
        proposed = datetime.combine(day, DEFAULT_MEETING_TIME, tzinfo=zone)
        if proposed.weekday() < 5 and proposed - local_now >= SOAK_TIME:
            return proposed
        day += timedelta(days=1)


def default_review_time(now: datetime, zone: ZoneInfo) -> datetime:
    """When to propose the review meeting: 10:00 local on the next weekday (tomorrow at the earliest:
    people need the invitation, and the analysis window is counted in working days)."""
    local_now = now.astimezone(zone)
    day = local_now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, DEFAULT_MEETING_TIME, tzinfo=zone)


def schedule_actions_meeting(session: Session, review_id: int, *, when: datetime, now: datetime) -> Meeting:
    """Plan the review's actions meeting for ``when`` (moving the one already planned, if any).

    Soak time (a day or more) is the default, not a rule; only a time in the
    past is refused, with :class:`InvalidFieldError` naming ``scheduled_for``.
    """
    return schedule_meeting(session, review_id, kind="actions", when=when, now=now)


def schedule_meeting(session: Session, review_id: int, *, kind: str, when: datetime,
                     now: datetime) -> Meeting:
    """Plan the review's meeting of ``kind`` ("review" or "actions") for ``when``, moving the one of
    that kind already planned (not started), if any.

    The review meeting planned moves a draft review to "scheduled" (the lifecycle's
    second step); its phases are the review's template's. An actions meeting walks
    the actions template. Only a time in the past is refused, with
    :class:`InvalidFieldError` naming ``scheduled_for``; nothing is stored then.
    """
    if kind not in MEETING_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(MEETING_KINDS)}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidFieldError("scheduled_for", "needs a timezone")
    if when < now:
        raise InvalidFieldError("scheduled_for", "is in the past: choose a time from now on")
    review = get_or_raise(session, review_id)
    meeting = session.scalars(
        select(Meeting)
        .where(Meeting.review_id == review_id, Meeting.kind == kind, Meeting.started_at.is_(None),
               Meeting.ended_at.is_(None))
        .order_by(Meeting.id)
        .limit(1)
    ).first()
    if meeting is None:
        meeting = Meeting(review_id=review_id, kind=kind)
        session.add(meeting)
    meeting.template = ACTIONS_TEMPLATE if kind == "actions" else None
    meeting.scheduled_for = when
    if kind == "review" and review.status == "draft":
        review.status = "scheduled"
    session.flush()
    return meeting


# ---------------------------------------------------------------- recording

def start_meeting(session: Session, review_id: int, *, now: datetime, kind: str = "review") -> Meeting:
    if kind not in MEETING_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(MEETING_KINDS)}")
    get_or_raise(session, review_id)
    meeting = Meeting(review_id=review_id, kind=kind, started_at=now)
    session.add(meeting)
    session.flush()
    return meeting


def prepare_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting:
    """A meeting being prepared (attendance ticked before Start): paused from the outset, no phase yet.

    Its clock starts with the first phase entered or Start; its start is then that
    moment, not the moment of preparing (see :func:`_begin_prepared`).
    """
    meeting = start_meeting(session, review_id, now=now)
    meeting.pauses.append(MeetingPause(started_at=now))
    session.flush()
    return meeting


def is_prepared(meeting: MeetingTimes) -> bool:
    """Prepared and not started: no phase entered yet, its clock held from the outset."""
    return (meeting.ended_at is None and not meeting.phases
            and any(p.ended_at is None and p.started_at == meeting.started_at for p in meeting.pauses))


def _begin_prepared(session: Session, meeting: Meeting, now: datetime) -> None:
    """A prepared meeting starts now: the wait before Start is no part of it."""
    meeting.started_at = now
    for pause in list(meeting.pauses):
        meeting.pauses.remove(pause)
    session.flush()


def enter_phase(session: Session, review_id: int, phase: str, *, now: datetime) -> Meeting:
    """Record that the meeting moved to ``phase`` at ``now`` (starting a meeting if none runs).

    With none running, a scheduled meeting that is due (see :func:`due_meeting`)
    is the one that starts. A paused meeting stays paused: the new phase's
    time starts counting on resume.
    """
    meeting = live_meeting(session, review_id, now=now) or _start_due_or_new(session, review_id, now=now)
    if is_prepared(meeting):
        _begin_prepared(session, meeting, now)
    if meeting.current_phase == phase:
        return meeting
    for row in meeting.phases:
        if row.ended_at is None:
            row.ended_at = now
    meeting.phases.append(MeetingPhase(phase=phase, started_at=now))
    meeting.current_phase = phase
    session.flush()
    return meeting


def _start_due_or_new(session: Session, review_id: int, *, now: datetime) -> Meeting:
    """Start the due scheduled meeting at ``now``; else the review meeting planned for a later day
    (held early, it is that meeting: no plan is left standing); else a new review meeting."""
    meeting = due_meeting(session, review_id, now=now)
    if meeting is None:
        meeting = session.scalars(
            select(Meeting)
            .where(Meeting.review_id == review_id, Meeting.kind == "review",
                   Meeting.scheduled_for.is_not(None), Meeting.started_at.is_(None),
                   Meeting.ended_at.is_(None))
            .order_by(Meeting.scheduled_for, Meeting.id)
            .limit(1)
        ).first()
    if meeting is None:
        return start_meeting(session, review_id, now=now)
    meeting.started_at = now
    session.flush()
    return meeting


def start_or_resume(session: Session, review_id: int, phase: str, *, now: datetime) -> Meeting:
    """The facilitator's Start: run the meeting clock in ``phase`` from ``now``.

    Starts a meeting (recording ``phase``) if none runs, resumes a paused one,
    and leaves a running one as it is (recording ``phase`` if it was elsewhere).
    """
    meeting = live_meeting(session, review_id, now=now)
    if meeting is not None and is_prepared(meeting):
        _begin_prepared(session, meeting, now)
    elif meeting is not None and is_paused(meeting):
        resume_meeting(session, review_id, now=now)
    if meeting is None or meeting.current_phase != phase:
        return enter_phase(session, review_id, phase, now=now)
    return meeting


def open_pause(meeting: MeetingTimes) -> Span | None:
    """The pause that has not been resumed, if the meeting is paused."""
    return next((p for p in meeting.pauses if p.ended_at is None), None)


def is_paused(meeting: MeetingTimes) -> bool:
    return meeting.ended_at is None and open_pause(meeting) is not None


def pause_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """Stop the running meeting's clock at ``now`` (None if no meeting runs; a paused one stays as it is)."""
    meeting = live_meeting(session, review_id, now=now)
    if meeting is None:
        return None
    if not is_paused(meeting):
        meeting.pauses.append(MeetingPause(started_at=now))
        session.flush()
    return meeting


def resume_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """Run the paused meeting's clock again from ``now`` (None if no meeting runs).

    A meeting paused for longer than ``STALE_AFTER`` is over instead, and None
    is returned: the next sitting is a new meeting.
    """
    meeting = live_meeting(session, review_id, now=now)
    if meeting is None:
        return None
    for pause in meeting.pauses:
        if pause.ended_at is None:
            pause.ended_at = max(now, pause.started_at)
    session.flush()
    return meeting


def end_meeting(session: Session, review_id: int, *, now: datetime) -> Meeting | None:
    """End the running meeting at ``now`` (its open phase and pause too); None when none runs.

    A review meeting ended by the facilitator moves a draft or scheduled review
    to "reviewed", stamped ``now`` (the lifecycle's third step; a status set by
    hand afterwards wins). A meeting that went quiet and was ended for it
    (:func:`live_meeting`) does not: nobody said it was over.
    """
    meeting = current_meeting(session, review_id)
    if meeting is None:
        return None
    if meeting.kind == "review":
        review = get_or_raise(session, review_id)
        if review.status in OPEN_STATUSES:
            review.reviewed_at, review.closed_at = status_stamps(
                old=review.status, new="reviewed", reviewed_at=review.reviewed_at, closed_at=review.closed_at,
                now=now)
            review.status = "reviewed"
    for row in meeting.phases:
        if row.ended_at is None:
            row.ended_at = now
    for pause in meeting.pauses:
        if pause.ended_at is None:
            pause.ended_at = max(now, pause.started_at)
    meeting.ended_at = now
    return meeting


# ---------------------------------------------------------------- time spent

def _until(meeting: MeetingTimes, now: datetime) -> datetime:
    """Where open stretches stop counting: the meeting's end, or ``now`` while it runs."""
    return meeting.ended_at if meeting.ended_at is not None else now


def _pause_intervals(meeting: MeetingTimes, until: datetime) -> list[tuple[datetime, datetime]]:
    """The meeting's pauses as sorted, non-overlapping intervals; an open pause lasts ``until``."""
    spans = sorted((p.started_at, p.ended_at if p.ended_at is not None else until)
                   for p in meeting.pauses if p.started_at is not None)
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        end = min(end, until)
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _unpaused(start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime]]) -> timedelta:
    """The part of ``start``..``end`` outside every pause (never negative)."""
    if end <= start:
        return _ZERO
    total = end - start
    for pause_start, pause_end in pauses:
        overlap = min(end, pause_end) - max(start, pause_start)
        if overlap > _ZERO:
            total -= overlap
    return max(total, _ZERO)


def phase_elapsed(meeting: MeetingTimes, phase_id: str, *, now: datetime) -> timedelta:
    """Time spent in ``phase_id`` over all its visits, pauses left out.

    An open visit counts up to ``now`` (up to the pause's start while paused),
    or up to the meeting's end if the meeting is over.
    """
    until = _until(meeting, now)
    pauses = _pause_intervals(meeting, until)
    total = _ZERO
    for visit in meeting.phases:
        if visit.phase != phase_id or visit.started_at is None:
            continue
        end = visit.ended_at if visit.ended_at is not None else until
        total += _unpaused(visit.started_at, min(end, until), pauses)
    return total


def meeting_elapsed(meeting: MeetingTimes, *, now: datetime) -> timedelta:
    """Time from the meeting's start to its end (or ``now``), pauses left out."""
    if meeting.started_at is None:
        return _ZERO
    until = _until(meeting, now)
    return _unpaused(meeting.started_at, until, _pause_intervals(meeting, until))


def paused_time(meeting: MeetingTimes, *, now: datetime) -> timedelta:
    """How long the meeting's clock was stopped, up to its end (or ``now``)."""
    return sum((end - start for start, end in _pause_intervals(meeting, _until(meeting, now))), _ZERO)


def phase_times(meeting: MeetingTimes, template: Template, *, now: datetime) -> tuple[PhaseTime, ...]:
    """Each phase the meeting visited: in the template's order, then phases the template lacks."""
    visited = list(dict.fromkeys(v.phase for v in meeting.phases if v.started_at is not None))
    order = {phase_id: index for index, phase_id in enumerate(template.phase_ids())}
    visited.sort(key=lambda phase_id: order.get(phase_id, len(order)))
    running = meeting.ended_at is None
    result = []
    for phase_id in visited:
        phase = template.phase(phase_id)
        result.append(PhaseTime(
            phase=phase_id,
            planned_minutes=phase.timebox_minutes if phase is not None else None,
            actual=phase_elapsed(meeting, phase_id, now=now),
            in_progress=running and any(v.phase == phase_id and v.ended_at is None for v in meeting.phases),
        ))
    return tuple(result)


def whole_minutes(span: timedelta) -> int:
    """``span`` in whole minutes, half a minute and more rounded up (never negative)."""
    return max(0, int((span.total_seconds() + 30) // 60))


def overrun_level(elapsed: timedelta, planned: timedelta) -> int:
    """``ON_TIME`` within the timebox, ``OVER`` past it, ``WELL_OVER`` past it by enough to say so."""
    over = elapsed - planned
    if over <= _ZERO:
        return ON_TIME
    if over > OVERRUN_NOTICE_AFTER or over > planned * OVERRUN_NOTICE_SHARE:
        return WELL_OVER
    return OVER


# ---------------------------------------------------------------- the pulse

def pulse_of(meeting: PulseFields) -> Pulse:
    return Pulse(meeting.pulse_attended, meeting.pulse_learned, meeting.pulse_would_attend,
                 meeting.pulse_unclear or "")


def _check_count(field: str, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidFieldError(field, "must be a whole number of people")
    if not 0 <= value <= PULSE_MAX:
        raise InvalidFieldError(field, f"must be from 0 to {PULSE_MAX}")
    return value


def check_pulse(*, attended: object, learned: object, would_attend: object, unclear: object) -> Pulse:
    """The pulse if every field fits; the first field that does not raises :class:`InvalidFieldError`."""
    counts = {field: _check_count(field, value)
              for field, value in zip(PULSE_FIELDS, (attended, learned, would_attend), strict=True)}
    people = counts["attended"]
    if people is not None:
        for field in ("learned", "would_attend"):
            count = counts[field]
            if count is not None and count > people:
                raise InvalidFieldError(field, f"cannot be more than the {people} who attended")
    if unclear is None:
        unclear = ""
    if not isinstance(unclear, str):
        raise InvalidFieldError("unclear", "must be text")
    return Pulse(people, counts["learned"], counts["would_attend"], unclear.strip())


def set_pulse(session: Session, meeting_id: int, *, attended: int | None, learned: int | None,
              would_attend: int | None, unclear: str) -> Meeting:
    """Record the wrap-up pulse of meeting ``meeting_id`` (all fields at once, validated first)."""
    pulse = check_pulse(attended=attended, learned=learned, would_attend=would_attend, unclear=unclear)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError("meeting", meeting_id)
    meeting.pulse_attended = pulse.attended
    meeting.pulse_learned = pulse.learned
    meeting.pulse_would_attend = pulse.would_attend
    meeting.pulse_unclear = pulse.unclear
    session.flush()
    return meeting
