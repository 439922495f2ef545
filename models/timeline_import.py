"""Timeline imports: a preview first, then one all-or-nothing write.

An importer (``models.csv_timeline``, ``models.slack_export``, or
:func:`preview_bundle` here) reads a file into a :class:`ParsedTimeline`:
every row it could read, every problem with its row number, and notices
about what it assumed. :func:`make_preview` compares that with the review's
timeline (one query) and gives an :class:`ImportPreview`: the rows that would
be added, how many are already there, what was skipped. :func:`import_events`
writes a preview without problems in the caller's transaction, with bulk
inserts, and never commits.

Re-importing a file adds nothing: each row carries an ``external_id`` that is
stable for the same input ("csv:<sha1>", "slack:<channel id>:<ts>",
"bundle:<sha1>"), stored on the event under a unique (review, external id)
index. An event already in the timeline with the same time and text (typed by
hand, or imported with the review bundle) also counts as already there.

Every row of every importer passes :func:`row_problems` in :func:`make_preview`:
the time range of :mod:`models.limits` in the review's timezone, and the text
limits of the columns (no NUL, no unpaired surrogate, no more characters than
the column holds). A row that fails is a problem at preview time, named by its
row (or Slack file and message) and field, so SQLite and PostgreSQL refuse the
same files and nothing reaches the database that the flush guard would refuse
half-way through a write.

Participants come with the other names the source knows them by
(``aliases``: a Slack handle, display name, first name), and people a source
names without being an author (a Slack ``<@U123>`` mention) are added too:
an anonymized report can only hide the names the review knows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from models import reviews
from models.base import sqlite_time
from models.bundle import BUNDLE_SUFFIXES, load_bundle_file
from models.catalog import Catalog
from models.entities import Note, Participant, TimelineEvent, event_participants
from models.errors import DomainError, InvalidFieldError
from models.limits import check_moment, column_limit, text_problem
from models.search import events_indexed_after, insert_rows
from models.snapshot import EventRow
from models.vocabulary import EVENT_KINDS, LABELS

SourceKind = Literal["csv", "slack", "bundle", "text"]

#: Column widths of the schema: a longer value is a row problem, never cut silently.
MAX_SOURCE: int = column_limit(TimelineEvent, "source") or 200
MAX_NAME: int = column_limit(Participant, "name") or 200
MAX_EXTERNAL_ID: int = column_limit(TimelineEvent, "external_id") or 200
MAX_KIND: int = column_limit(TimelineEvent, "kind") or 20

SLACK_SUFFIXES = (".zip",)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATOR = "\x1f"  # the ASCII unit separator: never typed into a cell


@dataclass(frozen=True)
class ParsedRow:
    """One event as it will be imported.

    ``row`` is where it came from: the CSV row as a spreadsheet counts it
    (header = 1), the message's position in the Slack channel, or the event's
    position in a bundle's timeline (from 1).
    """

    row: int
    at: datetime
    text: str
    kind: str
    source: str
    participants: tuple[str, ...]
    external_id: str
    approximate: bool = False
    #: A Slack thread reply (its text starts with "↳ ").
    reply: bool = False
    #: Where the row came from when ``row`` alone does not say it ("incident/2026-03-02.json,
    #: message 4"); problems with the row name this instead of the row number.
    origin: str = ""
    #: The long form beside the one-line ``text`` (a ticket's description, an event's body).
    #: Not part of ``external_id``: files imported before details were kept are still recognised.
    detail: str = ""


@dataclass(frozen=True)
class ImportProblem:
    """Something that keeps the file from being imported; ``row`` None is the file as a whole."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row is not None else self.message


@dataclass(frozen=True)
class ParsedTimeline:
    """What an importer read from a file, before it is compared with a review."""

    path: Path
    kind: SourceKind
    rows: tuple[ParsedRow, ...]
    problems: tuple[ImportProblem, ...] = ()
    notices: tuple[str, ...] = ()
    #: Rows or messages left out on purpose (blank rows, joins, repeats), with the reason.
    skipped: int = 0
    #: Fields for participants the import creates, by name (bundles know roles and context;
    #: ``aliases``, the other names a person is known by, are added to existing participants too).
    participant_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: People the events' text names who are no event's participant (a Slack mention): the
    #: review gets them as participants too, so that an anonymized report can hide them.
    mentioned: tuple[str, ...] = ()
    #: CSV: the header's columns and the column index used for each field.
    columns: tuple[str, ...] = ()
    mapping: Mapping[str, int] = field(default_factory=dict)
    #: Slack: the channels of the export and the one read.
    channels: tuple[str, ...] = ()
    channel: str | None = None


@dataclass(frozen=True)
class ImportPreview:
    """A file read for one review: what importing it would add. Safe to keep and show anywhere."""

    review_id: int
    review_timezone: str
    parsed: ParsedTimeline
    #: The rows that would be added, in the order they will be written.
    rows: tuple[ParsedRow, ...]
    #: Rows already in the timeline (imported before, or the same time and text).
    duplicates: int
    #: Participants the import would create.
    new_participants: tuple[str, ...]
    #: The review timezone :func:`make_preview` checked every row in (None: built elsewhere, so
    #: :func:`import_event_ids` checks them again; 50,000 rows take a third of a second).
    checked_in: str | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        return self.parsed.path

    @property
    def kind(self) -> SourceKind:
        return self.parsed.kind

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        return self.parsed.problems

    @property
    def notices(self) -> tuple[str, ...]:
        return self.parsed.notices

    @property
    def skipped(self) -> int:
        return self.parsed.skipped

    @property
    def new(self) -> int:
        return len(self.rows)

    @property
    def ok(self) -> bool:
        """Whether the preview can be imported (no problems at all)."""
        return not self.parsed.problems

    def first_problem(self) -> str | None:
        """The first problem as one line naming the file (and the row), or None."""
        if not self.parsed.problems:
            return None
        first = self.parsed.problems[0]
        where = f"{self.parsed.path}, row {first.row}" if first.row is not None else str(self.parsed.path)
        more = len(self.parsed.problems) - 1
        tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        return f"{where}: {first.message}{tail}"


_EVENTS: Table = TimelineEvent.__table__  # type: ignore[assignment]  # Core insert: no ORM bookkeeping
_NOTES: Table = Note.__table__  # type: ignore[assignment]


class ImportRefusedError(DomainError):
    """A preview with problems was handed to :func:`import_events`."""


def file_kind(path: Path) -> SourceKind:
    """What ``path`` is: a Slack export (folder or .zip), a review bundle, a text timeline, else CSV.

    By its name, and for a .txt or .md file by its first 64 KB: lines that start with a time
    and do not look like CSV/TSV make a text timeline (:mod:`models.text_timeline`).
    """
    if path.is_dir() or path.suffix.lower() in SLACK_SUFFIXES:
        return "slack"
    if path.suffix.lower() in BUNDLE_SUFFIXES:
        return "bundle"
    from models.text_timeline import is_text_timeline  # it reads its rows with this module's helpers

    if is_text_timeline(path):
        return "text"
    return "csv"


def content_id(prefix: str, at: datetime, text: str, kind: str, source: str,
               participants: Sequence[str]) -> str:
    """``prefix:`` and the SHA-1 of an event's normalised values (the same row always gives the same id)."""
    values = (at.astimezone(UTC).isoformat(), text, kind, source, ";".join(participants))
    digest = hashlib.sha1(_SEPARATOR.join(values).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{prefix}:{digest}"


def event_kind(value: str) -> str | None:
    """The event kind ``value`` names (an id or label, any case; "" is observation), or None."""
    # camelCase as words: Opsgenie's "AddNote" is "add note".
    key = " ".join(_CAMEL.sub(" ", value).replace("_", " ").replace("-", " ").split()).casefold()
    if not key:
        return "observation"
    return _KIND_KEYS.get(key)


#: What incident tools call their entries, where the event kind is clear (keys as ``event_kind`` folds them).
TOOL_KINDS = {
    # PagerDuty log entries
    "trigger log entry": "detection", "acknowledge log entry": "action", "resolve log entry": "resolution",
    "escalate log entry": "escalation", "assign log entry": "escalation",
    "annotate log entry": "communication",
    "notify log entry": "communication", "reach trigger limit log entry": "observation",
    "snooze log entry": "action", "unacknowledge log entry": "observation",
    "delegate log entry": "escalation", "repeat escalation path log entry": "escalation",
    "responder request log entry": "escalation", "status update log entry": "communication",
    "exhaust escalation path log entry": "observation", "urgency change log entry": "observation",
    "priority change log entry": "observation", "reach ack limit log entry": "observation",
    "link log entry": "observation",
    # Opsgenie / generic alerting
    "trigger": "detection", "triggered": "detection", "alert": "detection", "alert created": "detection",
    "create": "detection", "created": "detection", "acknowledge": "action", "acknowledged": "action",
    "ack": "action", "close": "resolution", "closed": "resolution", "resolve": "resolution",
    "resolved": "resolution", "escalate": "escalation", "escalated": "escalation", "note": "communication",
    "add note": "communication", "assign": "escalation",
    # Opsgenie alert actions (its webhook and activity log name them "AddNote", "TakeOwnership"…)
    "un acknowledge": "observation", "unacknowledge": "observation", "take ownership": "action",
    "assign ownership": "escalation", "add recipient": "escalation", "add team": "escalation",
    "add responder": "escalation", "escalate to next": "escalation", "snooze": "action",
    "snooze ended": "observation",
    # Grafana alert annotations (newState)
    "alerting": "detection", "ok": "resolution", "normal": "resolution", "pending": "observation",
    "no data": "observation",
    # Statuspage incident updates
    "investigating": "communication", "identified": "observation", "monitoring": "mitigation",
    "postmortem": "communication", "update": "communication",
    # … and scheduled maintenance's updates (the maintenance is a change)
    "scheduled": "communication", "in progress": "change", "verifying": "observation",
    "completed": "resolution",
    # Deploys and changes
    "deploy": "change", "deployment": "change", "config change": "change", "rollback": "mitigation",
}

_KIND_KEYS = {
    **TOOL_KINDS,
    **{kind.replace("-", " "): kind for kind in EVENT_KINDS},
    **{LABELS[kind].casefold(): kind for kind in EVENT_KINDS if kind in LABELS},
}


def value_problem(value: str, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be stored in a column of ``limit`` characters (None when it can).

    :func:`models.limits.text_problem`: NUL, an unpaired UTF-16 surrogate
    (JSON's ``"\\ud800"``, which neither database driver can encode), length.
    """
    return text_problem(value, limit)


def row_problems(row: ParsedRow, zone: tzinfo | None = None,
                 known: dict[str, str | None] | None = None) -> list[str]:
    """What keeps ``row`` out of the library, each as "field: reason"; empty when it fits.

    The checks the library runs before every flush (:mod:`models.limits`), made
    while previewing, with the review's ``zone``: a file is then refused with its
    rows named, never half-way through the write, and on SQLite exactly as on
    PostgreSQL. ``known`` remembers the verdict on sources and names, which
    repeat from row to row (50,000 rows preview in well under a second).
    """
    if known is None:
        known = {}
    found: list[str] = []
    try:
        check_moment(row.at, field="time", zone=zone)
    except InvalidFieldError as exc:
        found.append(str(exc))
    if row.kind not in EVENT_KINDS:
        found.append(f"kind: {row.kind[:40]!r} is not an event kind")
    for name, value, limit in (("text", row.text, None), ("detail", row.detail, None),
                               ("external id", row.external_id, MAX_EXTERNAL_ID)):
        if (problem := value_problem(value, limit)) is not None:
            found.append(f"{name}: {problem}")
    if row.source:
        key = "source\x1f" + row.source
        if key not in known:
            known[key] = value_problem(row.source, MAX_SOURCE)
        if (problem := known[key]) is not None:
            found.append(f"source: {problem}")
    for person in row.participants:
        if person not in known:
            known[person] = name_problem(person)
        if (problem := known[person]) is not None:
            found.append(f"participant {_short(person)}: {problem}")
    return found


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a participant's name (None when it can): empty, untrimmed or too long."""
    if not name.strip():
        return "a name is empty"
    if name != name.strip():
        return "a name starts or ends with a space"
    return value_problem(name, MAX_NAME)


def check_rows(parsed: ParsedTimeline, zone: tzinfo | None) -> ParsedTimeline:
    """``parsed`` with every row that :func:`row_problems` refuses turned into problems."""
    problems: list[ImportProblem] = []
    kept: list[ParsedRow] = []
    known: dict[str, str | None] = {}
    for row in parsed.rows:
        found = row_problems(row, zone, known)
        if not found:
            kept.append(row)
        for message in found:
            problems.append(ImportProblem(None, f"{row.origin}: {message}") if row.origin
                            else ImportProblem(row.row, message))
    mentioned: list[str] = []
    for person in parsed.mentioned:
        if (problem := name_problem(person)) is None:
            mentioned.append(person)
        else:
            problems.append(ImportProblem(None, f"participant {_short(person)}: {problem}"))
    if not problems:
        return parsed
    # File-level problems first, then by row, each row's problems in the order they were found.
    ordered = sorted((*parsed.problems, *problems), key=lambda p: -1 if p.row is None else p.row)
    return replace(parsed, rows=tuple(kept), problems=tuple(ordered), mentioned=tuple(mentioned))


def review_zone(name: str) -> tzinfo | None:
    """The review's timezone, or None when this machine does not know it (checked then in UTC only)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def make_preview(session: Session, review_id: int, parsed: ParsedTimeline) -> ImportPreview:
    """Compare ``parsed`` with the review's timeline: what is new, what is already there.

    Every row is checked first (:func:`check_rows`), whichever importer read it.
    """
    review = reviews.get_or_raise(session, review_id)
    parsed = check_rows(parsed, review_zone(review.timezone))
    rows, duplicates = _new_rows(session, review_id, parsed.rows)
    known = {_key(name) for name in session.scalars(
        select(Participant.name).where(Participant.review_id == review_id))}
    new_people: list[str] = []
    for name in _names(rows, parsed.mentioned):
        if _key(name) not in known:
            known.add(_key(name))
            new_people.append(name)
    return ImportPreview(review_id=review_id, review_timezone=review.timezone, parsed=parsed,
                         rows=tuple(rows), duplicates=duplicates, new_participants=tuple(new_people),
                         checked_in=review.timezone)


def import_events(session: Session, review_id: int, preview: ImportPreview) -> int:
    """Add the preview's new events (and participants) to the review; returns how many were added."""
    return len(import_event_ids(session, review_id, preview))


def import_event_ids(session: Session, review_id: int, preview: ImportPreview) -> tuple[int, ...]:
    """Add the preview's new events (and participants) to the review; returns the ids of those added.

    Refuses a preview with problems. Rows that reached the timeline since the
    preview was made are skipped again, so two imports of one file never
    collide. Never commits: the caller's transaction makes it all or nothing.
    """
    return _write(session, review_id, preview)[1]


def import_event_rows(session: Session, review_id: int, preview: ImportPreview) -> tuple[EventRow, ...]:
    """:func:`import_event_ids`, returning the events added as :func:`models.snapshot.load_event_rows`
    would read them (in time order, participants by their place in the review), built from the
    rows written instead of read back: the window shows a 50,000-event import without reading it again.
    """
    rows, ids = _write(session, review_id, preview)
    if not rows:
        return ()
    people = {_key(name): (position, pid, name) for pid, name, position in session.execute(
        select(Participant.id, Participant.name, Participant.position)
        .where(Participant.review_id == review_id))}
    named: dict[tuple[str, ...], tuple[str, ...]] = {}
    for row in rows:
        if row.participants not in named:
            found = sorted({people[_key(name)] for name in row.participants})
            named[row.participants] = tuple(name for _position, _pid, name in found)
    added = [EventRow(event_id, row.at.astimezone(UTC), row.text, row.kind, row.source, row.approximate,
                      named[row.participants], row.detail)
             for row, event_id in zip(rows, ids, strict=True)]
    added.sort(key=lambda event: (event.at, event.id))
    return tuple(added)


def _write(session: Session, review_id: int,
           preview: ImportPreview) -> tuple[Sequence[ParsedRow], tuple[int, ...]]:
    """:func:`import_event_ids`: the rows written and their ids, in the same order."""
    if preview.problems:
        raise ImportRefusedError(f"{preview.first_problem()}; nothing was imported")
    if preview.review_id != review_id:
        raise InvalidFieldError("review", f"this preview was made for review {preview.review_id}, "
                                          f"not {review_id}")
    review = reviews.get_or_raise(session, review_id)
    rows, _duplicates = _new_rows(session, review_id, preview.rows)
    # A preview is a plain value anyone can build: its rows are checked again before the first
    # write, unless make_preview checked them in the zone the review still has.
    refused = replace(preview.parsed, rows=tuple(rows), problems=())
    if preview.checked_in is None or preview.checked_in != review.timezone:
        refused = check_rows(refused, review_zone(review.timezone))
    if refused.problems:
        first = refused.problems[0]
        where = f"{preview.path}, row {first.row}" if first.row is not None else str(preview.path)
        raise ImportRefusedError(f"{where}: {first.message}; nothing was imported")
    people = _participant_ids(session, review_id, _names(rows, preview.parsed.mentioned),
                              preview.parsed.participant_fields)
    if not rows:
        return (), ()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # The driver's executemany with values prepared here: SQLAlchemy's per-row
        # parameter handling is most of the cost of a 50,000-event import (1.3 s against
        # 0.2 s). Times are written exactly as the UTCDateTime column stores them.
        # Many rows a statement (FTS5 writes its pending terms once a statement; models/search.py),
        # and the search index filled once at the end rather than by its trigger row by row.
        with events_indexed_after(session.connection()) as indexed:
            insert_rows(session.connection(), "timeline_events",
                        ("review_id", "at", "text", "kind", "source", "approximate", "external_id", "detail"),
                        [(review_id, sqlite_time(r.at), r.text, r.kind, r.source, int(r.approximate),
                          r.external_id, r.detail) for r in rows])
            event_ids = _sqlite_ids(session, review_id, rows) or _ids_by_external_id(session, review_id, rows)
            indexed.extend(event_ids)
    else:
        session.execute(insert(_EVENTS), [
            {"review_id": review_id, "at": r.at, "text": r.text, "kind": r.kind, "source": r.source,
             "approximate": r.approximate, "external_id": r.external_id, "detail": r.detail}
            for r in rows
        ])
        event_ids = _ids_by_external_id(session, review_id, rows)
    # Each row's people as participant ids (a name spelt two ways in one row is one link).
    pids: dict[tuple[str, ...], tuple[int, ...]] = {}
    for r in rows:
        if r.participants not in pids:
            pids[r.participants] = tuple(dict.fromkeys(people[_key(name)] for name in r.participants))
    links = [(event_id, pid)
             for event_id, r in zip(event_ids, rows, strict=True) for pid in pids[r.participants]]
    if links and sqlite:
        insert_rows(session.connection(), "event_participants", ("event_id", "participant_id"), links)
    elif links:
        session.execute(insert(event_participants),
                        [{"event_id": event_id, "participant_id": pid} for event_id, pid in links])
    return rows, event_ids


def _sqlite_ids(session: Session, review_id: int, rows: Sequence[ParsedRow]) -> tuple[int, ...] | None:
    """The ids SQLite just gave ``rows`` (inserted in this order by this transaction), or None when they
    are not the last ``len(rows)`` ids in a row.

    SQLite gives a new row the largest id plus one, so rows inserted together hold the top ids in
    their order; that is checked (the count in the range, the first and last external ids) rather
    than assumed, and the caller reads them back by external id otherwise.
    """
    connection = session.connection()
    last = connection.exec_driver_sql("SELECT max(id) FROM timeline_events").scalar()
    if last is None:
        return None
    first = last - len(rows) + 1
    count, low, high = connection.exec_driver_sql(
        "SELECT count(*), min(CASE WHEN id = ? THEN external_id END), "
        "max(CASE WHEN id = ? THEN external_id END) FROM timeline_events "
        "WHERE id BETWEEN ? AND ? AND review_id = ?", (first, last, first, last, review_id)).one()
    if (count, low, high) != (len(rows), rows[0].external_id, rows[-1].external_id):
        return None
    return tuple(range(first, last + 1))


def _ids_by_external_id(session: Session, review_id: int, rows: Sequence[ParsedRow]) -> tuple[int, ...]:
    """The ids of ``rows``, just inserted, matched back by external id (unique in the review)."""
    ids: dict[str, int] = dict(session.execute(
        select(_EVENTS.c.external_id, _EVENTS.c.id)
        .where(_EVENTS.c.review_id == review_id, _EVENTS.c.external_id.is_not(None))
    ).all())
    return tuple(ids[r.external_id] for r in rows)


#: Ids per statement when an import is taken back (SQLite's default limit of variables is 32,766).
_CHUNK = 900


def unimport_events(session: Session, review_id: int,
                    event_ids: Sequence[int]) -> tuple[tuple[int, str], ...]:
    """Take an import back: delete its events; returns (note id, event's external id) for the notes about
    them, so that :func:`relink_notes` can link those notes again when the import is redone.

    Participants the import added stay (they may have said notes since).
    """
    notes = _NOTES
    links: list[tuple[int, str]] = []
    for start in range(0, len(event_ids), _CHUNK):
        chunk = list(event_ids[start:start + _CHUNK])
        links.extend((note_id, external_id) for note_id, external_id in session.execute(
            select(notes.c.id, _EVENTS.c.external_id)
            .join(_EVENTS, _EVENTS.c.id == notes.c.event_id)
            .where(_EVENTS.c.review_id == review_id, _EVENTS.c.id.in_(chunk),
                   _EVENTS.c.external_id.is_not(None))))
        session.execute(event_participants.delete().where(event_participants.c.event_id.in_(chunk)))
        session.execute(notes.update().where(notes.c.event_id.in_(chunk)).values(event_id=None))
        session.execute(_EVENTS.delete().where(_EVENTS.c.review_id == review_id, _EVENTS.c.id.in_(chunk)))
    return tuple(links)


def relink_notes(session: Session, review_id: int, links: Sequence[tuple[int, str]]) -> None:
    """Link notes again to the events with those external ids (a note since linked elsewhere keeps that)."""
    if not links:
        return
    ids: dict[str, int] = dict(session.execute(
        select(_EVENTS.c.external_id, _EVENTS.c.id)
        .where(_EVENTS.c.review_id == review_id, _EVENTS.c.external_id.in_({e for _n, e in links}))).all())
    for note_id, external_id in links:
        if external_id in ids:
            session.execute(_NOTES.update()
                            .where(_NOTES.c.id == note_id, _NOTES.c.review_id == review_id,
                                   _NOTES.c.event_id.is_(None))
                            .values(event_id=ids[external_id]))


def preview_bundle(session: Session, review_id: int, path: Path, catalog: Catalog) -> ImportPreview:
    """The timeline of a review bundle (.yaml, .yml, .json) as events to add to ``review_id``.

    The whole bundle is validated first (a bad bundle raises ``SourceError``
    naming file, line and field); only its timeline and the participants the
    events name are imported.
    """
    bundle = load_bundle_file(path, catalog)
    rows = tuple(
        ParsedRow(row=index, at=e.at, text=e.text, kind=e.kind, source=e.source,
                  participants=e.participants, approximate=e.approximate,
                  external_id=content_id("bundle", e.at, e.text, e.kind, e.source, e.participants),
                  detail=e.detail)
        for index, e in enumerate(bundle.timeline, start=1)
    )
    rows, repeated = drop_repeats(rows)
    notices: list[str] = []
    if repeated:
        notices.append(f"events that repeat an earlier one of the bundle are left out: {repeated}")
    rest = [_count(len(bundle.notes), "note"), _count(len(bundle.learnings), "learning"),
            _count(len(bundle.actions), "action")]
    if bundle.notes or bundle.learnings or bundle.actions:
        notices.append("only the timeline is added; the bundle's "
                       + ", ".join(text for text in rest if not text.startswith("0 "))
                       + " are not (import the bundle as a review for those)")
    fields = {
        p.name: {"roles": list(p.roles), "on_call": p.on_call, "brought_in": p.brought_in,
                 "worked_with_team_before": p.worked_with_team_before}
        for p in bundle.participants
    }
    parsed = ParsedTimeline(path=path, kind="bundle", rows=rows, notices=tuple(notices), skipped=repeated,
                            participant_fields=fields)
    return make_preview(session, review_id, parsed)


def drop_repeats(rows: Iterable[ParsedRow]) -> tuple[tuple[ParsedRow, ...], int]:
    """``rows`` without those whose external id came earlier, and how many were dropped."""
    seen: set[str] = set()
    kept: list[ParsedRow] = []
    dropped = 0
    for row in rows:
        if row.external_id in seen:
            dropped += 1
            continue
        seen.add(row.external_id)
        kept.append(row)
    return tuple(kept), dropped


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _new_rows(session: Session, review_id: int,
              rows: Sequence[ParsedRow]) -> tuple[list[ParsedRow], int]:
    """The rows not yet in the review's timeline, and how many are."""
    if not rows:
        return [], 0
    ids = set(session.scalars(
        select(TimelineEvent.external_id)
        .where(TimelineEvent.review_id == review_id, TimelineEvent.external_id.is_not(None))))
    # Events typed by hand (or imported with a review bundle) have no external id: match them by
    # time and text. Imported events are matched by id alone, so a big timeline is not read twice.
    moments = {(at, text) for at, text in session.execute(
        select(TimelineEvent.at, TimelineEvent.text)
        .where(TimelineEvent.review_id == review_id, TimelineEvent.external_id.is_(None)))}
    fresh = [r for r in rows if r.external_id not in ids and (r.at, r.text) not in moments]
    return fresh, len(rows) - len(fresh)


def _key(name: str) -> str:
    """How two names are the same person: any case, any spacing ("Ana  Lima" is "ana lima")."""
    return " ".join(name.split()).casefold()


def _short(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:40] + "…")


def _names(rows: Iterable[ParsedRow], mentioned: Iterable[str]) -> list[str]:
    """Everyone the import names: the events' participants in order, then the people only mentioned."""
    names = [name for row in rows for name in row.participants]
    return list(dict.fromkeys([*names, *mentioned]))


def _participant_ids(session: Session, review_id: int, names: Iterable[str],
                     fields: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Participant ids by :func:`_key`, creating the people ``names`` lists that are missing.

    Their ``aliases`` (from ``fields``) go onto new and existing participants alike:
    a person typed in by hand before a Slack import still gets their handle known.
    """
    people = {_key(p.name): p for p in session.scalars(
        select(Participant).where(Participant.review_id == review_id))}
    for name in names:
        extra = dict(fields.get(name, {}))
        aliases = extra.pop("aliases", None) or ()
        participant = people.get(_key(name))
        if participant is None:
            participant = reviews.add_participant(session, review_id, name=name, **extra)
            people[_key(name)] = participant
        _add_aliases(participant, aliases)
    return {key: p.id for key, p in people.items()}


def _add_aliases(participant: Participant, aliases: Iterable[Any]) -> None:
    """``aliases`` added to the participant's, each once, never their own name; unusable ones left out.

    Aliases are extra knowledge: one the library could not store (a NUL, too long)
    is dropped rather than refusing the import over it.
    """
    current = list(participant.aliases or [])
    seen = {_key(participant.name), *(_key(a) for a in current)}
    for alias in aliases:
        if not isinstance(alias, str):
            continue
        alias = " ".join(alias.split())
        if alias and _key(alias) not in seen and value_problem(alias, MAX_NAME) is None:
            seen.add(_key(alias))
            current.append(alias)
    if current != list(participant.aliases or []):
        participant.aliases = current
