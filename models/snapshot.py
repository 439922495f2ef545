"""Immutable snapshots of a review, read in one session and used anywhere.

Views and exports never touch ORM objects: they get these frozen rows, which
are safe to keep after the session closes and to hand to another thread.
Times are timezone-aware UTC; convert with :meth:`ReviewDoc.zone` for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.catalog import Catalog, Severity, Template
from models.entities import (
    ActionItem,
    Learning,
    Meeting,
    Note,
    Participant,
    Review,
    TimelineEvent,
    event_participants,
)
from models.gc_pause import gc_paused
from models.review_summary import ReviewSummary as ReviewSummary
from models.review_summary import zone_named
from models.stored_time import read_sqlite_time

#: The note kind (and the actions meeting's phase) for ideas kept for later.
PARKING_LOT = "parking-lot"


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    name: str
    roles: tuple[str, ...]
    on_call: bool | None
    brought_in: str
    worked_with_team_before: bool | None
    #: Other names of this person (chat handle, display name): anonymize hides them too.
    aliases: tuple[str, ...] = ()


class EventRow(NamedTuple):
    """One timeline event. A named tuple, not a dataclass: a chat export brings
    tens of thousands of them and a tuple is built three times faster."""

    id: int
    at: datetime
    text: str
    kind: str
    source: str
    approximate: bool
    participants: tuple[str, ...]
    #: The long form beside the one-line ``text`` ("" when there is none). Last, with a
    #: default, so rows built by position without it still work.
    detail: str = ""


@dataclass(frozen=True)
class NoteRow:
    id: int
    phase: str
    kind: str
    text: str
    said_at: datetime | None
    author_id: int | None
    author: str | None
    event_id: int | None
    private: bool
    created_at: datetime
    #: The meeting the note was taken in (None: outside any meeting).
    meeting_id: int | None = None


@dataclass(frozen=True)
class LearningRow:
    id: int
    text: str
    category: str
    note_id: int | None


@dataclass(frozen=True)
class ActionRow:
    id: int
    title: str
    description: str
    owner: str
    due: date | None
    priority: str
    status: str
    link: str
    note_id: int | None


@dataclass(frozen=True)
class MeetingPhaseRow:
    phase: str
    started_at: datetime | None
    ended_at: datetime | None


class MeetingPauseRow(NamedTuple):
    """A stretch when the meeting's clock was stopped; ``ended_at`` is None while it lasts."""

    started_at: datetime
    ended_at: datetime | None


class AskedPromptRow(NamedTuple):
    """What the facilitator did with a prompt of the deck (asked, skipped, pinned, unpinned), and when."""

    phase: str
    prompt: str
    status: str
    at: datetime


@dataclass(frozen=True)
class MeetingRow:
    """One meeting: its phase visits, pauses, schedule and wrap-up pulse (None: not asked)."""

    id: int
    kind: str
    started_at: datetime | None
    ended_at: datetime | None
    current_phase: str | None
    phases: tuple[MeetingPhaseRow, ...]
    pauses: tuple[MeetingPauseRow, ...] = ()
    scheduled_for: datetime | None = None
    pulse_attended: int | None = None
    pulse_learned: int | None = None
    pulse_would_attend: int | None = None
    pulse_unclear: str = ""
    #: The meeting's own template (an actions meeting); None: the review's template.
    template: str | None = None
    #: Who was in the room: participant ids, in participant order.
    attendees: tuple[int, ...] = ()
    #: The prompt deck's record, in the order it happened.
    prompts: tuple[AskedPromptRow, ...] = ()


@dataclass(frozen=True)
class ReviewDoc:
    """A whole review, as read at one moment."""

    id: int
    title: str
    summary: str
    severity: str | None
    kind: str
    status: str
    timezone: str
    template: str
    started_at: datetime | None
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    impact: str
    services: tuple[str, ...]
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    participants: tuple[ParticipantRow, ...]
    #: In time order, then by id (as read, and as change sets are put in).
    events: tuple[EventRow, ...]
    notes: tuple[NoteRow, ...]
    learnings: tuple[LearningRow, ...]
    actions: tuple[ActionRow, ...]
    meetings: tuple[MeetingRow, ...]
    #: The review's identity in every library and bundle it travels to ("" when unknown).
    uid: str = ""
    #: The row version when read (models.entities.Review.version).
    version: int = 1
    #: The analysis due date someone set (None: derived from the resolution, models.lifecycle).
    analysis_due: date | None = None
    reviewed_at: datetime | None = None
    closed_at: datetime | None = None

    def zone(self) -> ZoneInfo:
        """The review's display timezone (UTC if the name is unknown here)."""
        return zone_named(self.timezone)

    def local(self, moment: datetime | None) -> datetime | None:
        """``moment`` in the review's timezone."""
        return moment.astimezone(self.zone()) if moment is not None else None

    def notes_in(self, phase: str, *, include_private: bool = True) -> tuple[NoteRow, ...]:
        return tuple(n for n in self.notes if n.phase == phase and (include_private or not n.private))

    def notes_for_phase(self, phase_id: str, *, include_private: bool = True) -> tuple[NoteRow, ...]:
        """The notes a phase lists: in ``parking-lot``, every parking-lot note of the review as well."""
        if phase_id != PARKING_LOT:
            return self.notes_in(phase_id, include_private=include_private)
        return tuple(n for n in self.notes if (n.phase == phase_id or n.kind == PARKING_LOT)
                     and (include_private or not n.private))

    def event(self, event_id: int | None) -> EventRow | None:
        return next((e for e in self.events if e.id == event_id), None)


@dataclass(frozen=True)
class ReviewReport:
    """What an export needs: the review and the definitions it refers to."""

    review: ReviewDoc
    template: Template
    severity: Severity | None
    #: The who-knew-what-when chart as PNG bytes, drawn by the app layer (exports stay Qt-free).
    chart_png: bytes | None = None
    #: Templates of the review's meetings that have their own (an actions meeting).
    meeting_templates: tuple[Template, ...] = ()

    @classmethod
    def build(cls, review: ReviewDoc, catalog: Catalog, chart_png: bytes | None = None) -> ReviewReport:
        own = dict.fromkeys(m.template for m in review.meetings if m.template not in (None, review.template))
        found = tuple(t for t in (catalog.template(i) for i in own if i) if t is not None)
        return cls(review, catalog.template_or_default(review.template), catalog.severity(review.severity),
                   chart_png, found)

    def template_of(self, meeting: MeetingRow) -> Template:
        """The template ``meeting`` walked: its own if it has one known here, else the review's."""
        return next((t for t in self.meeting_templates if t.id == meeting.template), self.template)


def participant_row(p: Participant) -> ParticipantRow:
    return ParticipantRow(p.id, p.name, tuple(p.roles or ()), p.on_call, p.brought_in or "",
                          p.worked_with_team_before, tuple(p.aliases or ()))


def event_row(e: TimelineEvent) -> EventRow:
    return EventRow(e.id, e.at, e.text, e.kind, e.source or "", bool(e.approximate),
                    tuple(p.name for p in e.participants), e.detail or "")


def note_row(n: Note) -> NoteRow:
    return NoteRow(n.id, n.phase, n.kind, n.text, n.said_at, n.author_id,
                   n.author.name if n.author is not None else None, n.event_id, bool(n.private),
                   n.created_at, n.meeting_id)


def learning_row(x: Learning) -> LearningRow:
    return LearningRow(x.id, x.text, x.category, x.note_id)


def action_row(a: ActionItem) -> ActionRow:
    return ActionRow(a.id, a.title, a.description or "", a.owner or "", a.due, a.priority, a.status,
                     a.link or "", a.note_id)


def load_notes(session: Session, review_id: int) -> tuple[NoteRow, ...]:
    """Only the notes of a review: what changes while the note-taker types."""
    notes = session.scalars(
        select(Note).where(Note.review_id == review_id).options(selectinload(Note.author)).order_by(Note.id)
    )
    return tuple(note_row(n) for n in notes)


def load_outcomes(session: Session, review_id: int) -> tuple[tuple[LearningRow, ...], tuple[ActionRow, ...]]:
    """Only the learnings and actions of a review."""
    learnings = session.scalars(
        select(Learning).where(Learning.review_id == review_id).order_by(Learning.id))
    actions = session.scalars(
        select(ActionItem).where(ActionItem.review_id == review_id).order_by(ActionItem.id))
    return tuple(learning_row(x) for x in learnings), tuple(action_row(a) for a in actions)


def meeting_row(m: Meeting) -> MeetingRow:
    return MeetingRow(
        m.id, m.kind, m.started_at, m.ended_at, m.current_phase,
        tuple(MeetingPhaseRow(p.phase, p.started_at, p.ended_at) for p in m.phases),
        pauses=tuple(MeetingPauseRow(p.started_at, p.ended_at) for p in m.pauses),
        scheduled_for=m.scheduled_for,
        pulse_attended=m.pulse_attended,
        pulse_learned=m.pulse_learned,
        pulse_would_attend=m.pulse_would_attend,
        pulse_unclear=m.pulse_unclear or "",
        template=m.template,
        attendees=tuple(p.id for p in m.attendees),
        prompts=tuple(AskedPromptRow(p.phase, p.prompt, p.status, p.at) for p in m.prompts),
    )


def summary_row(r: Review, upcoming: datetime | None = None,
                upcoming_kind: str | None = None) -> ReviewSummary:
    return ReviewSummary(r.id, r.title, r.started_at, r.severity, r.status, r.kind, r.template,
                         r.timezone, r.created_at, r.updated_at, upcoming,
                         tuple(r.services or ()), tuple(r.tags or ()), upcoming_kind)


def load_event_rows(session: Session, review_id: int) -> tuple[EventRow, ...]:
    """The review's events in time order, read with two plain queries.

    A timeline imported from a chat export can hold tens of thousands of
    events; building ORM objects for them costs seconds, plain rows a fraction.
    On SQLite the two queries go straight to the sqlite3 cursor (SQLAlchemy's
    row objects were a third of the read), and the stored time text ("2026-03-02
    08:00:00.000000", always UTC, see models/stored_time.py) to
    datetime.fromisoformat. The cycle collector is paused while the rows are
    built (see models/gc_pause.py).
    """
    with gc_paused():
        if session.get_bind().dialect.name == "sqlite":
            return _sqlite_event_rows(session, review_id)
        return _event_rows(session, review_id)


#: From the review's events to their links (the events' index, then the links' primary key): a
#: query from the participants' side scanned every link of the library and sorted them.
_SQLITE_EVENT_PEOPLE = (
    "SELECT event_participants.event_id, event_participants.participant_id FROM timeline_events"
    " JOIN event_participants ON event_participants.event_id = timeline_events.id"
    " WHERE timeline_events.review_id = ?"
)
_SQLITE_PEOPLE = "SELECT id, name, position FROM participants WHERE review_id = ?"
_SQLITE_EVENTS = (
    "SELECT timeline_events.id, timeline_events.at, timeline_events.text, timeline_events.kind,"
    " timeline_events.source, timeline_events.approximate, timeline_events.detail"
    " FROM timeline_events WHERE timeline_events.review_id = ?"
    " ORDER BY timeline_events.at, timeline_events.id"
)


def _plain_rows(session: Session, statement: str, review_id: int) -> Sequence[Any]:
    """The DB-API cursor's own tuples (through the engine, so its events and errors apply)."""
    result = session.connection().exec_driver_sql(statement, (review_id,))
    try:
        return result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()


def _sqlite_event_rows(session: Session, review_id: int) -> tuple[EventRow, ...]:
    # Each event's people in the review's order of participants (position, then id).
    order = {pid: (position, pid, name) for pid, name, position
             in _plain_rows(session, _SQLITE_PEOPLE, review_id)}
    links: dict[int, list[int]] = {}
    for event_id, pid in _plain_rows(session, _SQLITE_EVENT_PEOPLE, review_id):
        if pid in order:
            links.setdefault(event_id, []).append(pid)
    named: dict[tuple[int, ...], list[str]] = {}
    names: dict[int, list[str]] = {}
    for event_id, pids in links.items():
        key = tuple(pids)
        if key not in named:
            named[key] = [name for _position, _pid, name in sorted(order[pid] for pid in pids)]
        names[event_id] = named[key]
    people = _people_of(names).get
    no_one: tuple[str, ...] = ()
    parse = read_sqlite_time
    new = tuple.__new__  # EventRow's own __new__ is a Python function: a third of reading 50,000 rows
    return tuple([
        new(EventRow, (event_id, parse(at), text, kind, source or "", bool(approximate),
                       people(event_id, no_one), detail or ""))
        for event_id, at, text, kind, source, approximate, detail
        in _plain_rows(session, _SQLITE_EVENTS, review_id)
    ])


def _people_of(names: dict[int, list[str]]) -> dict[int, tuple[str, ...]]:
    """Each event's people as a tuple, one tuple for each distinct list (a chat export's 50,000
    events name a few dozen people: a few dozen tuples, not 50,000)."""
    distinct: dict[tuple[str, ...], tuple[str, ...]] = {}
    people: dict[int, tuple[str, ...]] = {}
    for event_id, listed in names.items():
        key = tuple(listed)
        people[event_id] = distinct.setdefault(key, key)
    return people


def _event_rows(session: Session, review_id: int) -> tuple[EventRow, ...]:
    events = TimelineEvent.__table__
    names: dict[int, list[str]] = {}
    for event_id, name in session.execute(
        select(event_participants.c.event_id, Participant.name)
        .join(Participant, Participant.id == event_participants.c.participant_id)
        .where(Participant.review_id == review_id)
        .order_by(Participant.position, Participant.id)
    ):
        names.setdefault(event_id, []).append(name)
    rows = session.execute(
        select(events.c.id, events.c.at, events.c.text, events.c.kind, events.c.source,
               events.c.approximate, events.c.detail)
        .where(events.c.review_id == review_id)
        .order_by(events.c.at, events.c.id)
    ).all()
    people = _people_of(names).get
    no_one: tuple[str, ...] = ()
    return tuple(
        EventRow(event_id, at, text, kind, source or "", bool(approximate), people(event_id, no_one),
                 detail or "")
        for event_id, at, text, kind, source, approximate, detail in rows
    )

def load_facts(session: Session, review_id: int) -> ReviewDoc | None:
    """The review's own fields, participants and meetings, with no events, notes or outcomes.

    What a change to the facts costs to read again: a handful of small queries,
    whatever the size of the timeline (None if there is no such review).
    """
    review = session.scalars(
        select(Review)
        .where(Review.id == review_id)
        .options(
            selectinload(Review.participants),
            selectinload(Review.meetings).options(
                selectinload(Meeting.phases), selectinload(Meeting.pauses), selectinload(Meeting.attendees),
                selectinload(Meeting.prompts)),
        )
    ).one_or_none()
    if review is None:
        return None
    return ReviewDoc(
        id=review.id,
        title=review.title,
        summary=review.summary or "",
        severity=review.severity,
        kind=review.kind,
        status=review.status,
        timezone=review.timezone,
        template=review.template,
        started_at=review.started_at,
        detected_at=review.detected_at,
        mitigated_at=review.mitigated_at,
        resolved_at=review.resolved_at,
        impact=review.impact or "",
        services=tuple(review.services or ()),
        tags=tuple(review.tags or ()),
        created_at=review.created_at,
        updated_at=review.updated_at,
        participants=tuple(participant_row(p) for p in review.participants),
        events=(),
        notes=(),
        learnings=(),
        actions=(),
        meetings=tuple(meeting_row(m) for m in review.meetings),
        uid=review.uid or "",
        version=review.version,
        analysis_due=review.analysis_due,
        reviewed_at=review.reviewed_at,
        closed_at=review.closed_at,
    )


def count_events(session: Session, review_id: int) -> int:
    """How many events the review's timeline holds (one indexed count)."""
    events = TimelineEvent.__table__
    return int(session.scalar(select(func.count()).select_from(events).where(events.c.review_id == review_id))
               or 0)


def load_review(session: Session, review_id: int) -> ReviewDoc | None:
    """Read a whole review in a handful of queries (None if there is no such review)."""
    facts = load_facts(session, review_id)
    if facts is None:
        return None
    learnings, actions = load_outcomes(session, review_id)
    return replace(facts, events=load_event_rows(session, review_id), notes=load_notes(session, review_id),
                   learnings=learnings, actions=actions)
