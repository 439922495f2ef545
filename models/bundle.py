"""The review bundle: a whole review as one YAML or JSON document (version 1).

:func:`parse_bundle` validates a document completely into frozen dataclasses
before anything touches the library, so a bad bundle is refused with a
message naming the file, line and field, and nothing is half-imported.
:func:`import_bundle` then writes the validated bundle inside the caller's
transaction. ``exports/bundle.py`` writes the same format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from models import notes as notes_model
from models import reviews, timeline
from models.catalog import Catalog, Template
from models.entities import ActionItem, Meeting, MeetingPhase, Note, Participant, Review, TimelineEvent
from models.errors import DomainError, InvalidFieldError
from models.fields import Fields, Reader, show
from models.limits import check_moment, column_limit
from models.vocabulary import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    EVENT_KINDS,
    LEARNING_CATEGORIES,
    MEETING_KINDS,
    NOTE_KINDS,
    REVIEW_KINDS,
    REVIEW_STATUSES,
    ROLES,
)
from models.yamlsource import SourceError, load_yaml_text, one_line, read_text_file

BUNDLE_FORMAT = "debrief.review"
BUNDLE_VERSION = 1
BUNDLE_SUFFIXES = (".yaml", ".yml", ".json")

TOP_KEYS = ("format", "version", "review", "participants", "timeline", "notes", "learnings", "actions",
            "meetings")
REVIEW_KEYS = ("title", "summary", "severity", "kind", "status", "timezone", "template", "started_at",
               "detected_at", "mitigated_at", "resolved_at", "impact", "services", "tags")
PARTICIPANT_KEYS = ("name", "roles", "context")
CONTEXT_KEYS = ("on_call", "brought_in", "worked_with_team_before")
#: ``detail`` (the long form beside the one-line text) is optional: a bundle without it is read
#: as before, and one is written only for events that have a detail.
EVENT_KEYS = ("at", "text", "detail", "kind", "source", "approximate", "participants")
NOTE_KEYS = ("phase", "kind", "text", "at", "author", "event", "private")
LEARNING_KEYS = ("text", "category")
# ``description`` is not in the design's example but is a field of every action:
# leaving it out would lose what people typed on a round trip.
ACTION_KEYS = ("title", "description", "owner", "due", "priority", "status", "link")
MEETING_KEYS = ("kind", "started_at", "ended_at", "phases")
PHASE_KEYS = ("id", "started_at", "ended_at")

_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_DUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHASE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_PHASE_ID_RULE = "lower-case letters, digits and dashes"
TIME_EXAMPLE = "2026-03-02T09:14:00Z"

# The most characters each bounded field holds: its column's length, so a bundle
# SQLite would take is also one PostgreSQL takes (the rest are unbounded Text).
_TITLE = column_limit(Review, "title")
_SEVERITY = column_limit(Review, "severity")
_TIMEZONE = column_limit(Review, "timezone")
_TEMPLATE = column_limit(Review, "template")
_NAME = column_limit(Participant, "name")
_SOURCE = column_limit(TimelineEvent, "source")
_NOTE_PHASE = column_limit(Note, "phase")
_OWNER = column_limit(ActionItem, "owner")
#: A meeting's phase id lands in two columns (the visit, and the meeting's current phase).
_MEETING_PHASE = min(n for n in (column_limit(MeetingPhase, "phase"), column_limit(Meeting, "current_phase"))
                     if n is not None)

#: The start of the message of a failure no check foresaw (the boundary's last line);
#: the property tests assert that no generated bundle ever reaches it.
UNEXPECTED = "unexpected problem reading the bundle"


@dataclass(frozen=True)
class BundleReview:
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


@dataclass(frozen=True)
class BundleParticipant:
    name: str
    roles: tuple[str, ...]
    on_call: bool | None
    brought_in: str
    worked_with_team_before: bool | None


@dataclass(frozen=True)
class BundleEvent:
    at: datetime
    text: str
    kind: str
    source: str
    approximate: bool
    participants: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class BundleNote:
    phase: str
    kind: str
    text: str
    at: datetime | None
    author: str | None
    event: int | None
    """Index into :attr:`Bundle.timeline`."""
    private: bool


@dataclass(frozen=True)
class BundleLearning:
    text: str
    category: str


@dataclass(frozen=True)
class BundleAction:
    title: str
    description: str
    owner: str
    due: date | None
    priority: str
    status: str
    link: str


@dataclass(frozen=True)
class BundleMeetingPhase:
    id: str
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class BundleMeeting:
    kind: str
    started_at: datetime | None
    ended_at: datetime | None
    phases: tuple[BundleMeetingPhase, ...]


@dataclass(frozen=True)
class Bundle:
    """A validated review bundle: every value checked, every time tz-aware UTC."""

    review: BundleReview
    participants: tuple[BundleParticipant, ...]
    timeline: tuple[BundleEvent, ...]
    notes: tuple[BundleNote, ...]
    learnings: tuple[BundleLearning, ...]
    actions: tuple[BundleAction, ...]
    meetings: tuple[BundleMeeting, ...]


def parse_time(value: Any, zone: tzinfo | None = None) -> datetime:
    """An ISO 8601 time with ``Z`` or an offset, as tz-aware UTC.

    The time must also be one the library holds (1900 to 2200, readable in
    ``zone``, the review's timezone): :func:`models.limits.check_moment`.
    Raises ``ValueError`` with the reason (without the field) otherwise.
    """
    moment = _aware(value)
    try:
        check_moment(moment, field="time", zone=zone)
    except InvalidFieldError as exc:
        raise ValueError(exc.reason) from None
    return moment.astimezone(UTC)


def _aware(value: Any) -> datetime:
    """``value`` as a datetime with an offset, not yet converted (that may overflow)."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("needs a timezone offset (Z or +01:00)")
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be a date and time like {TIME_EXAMPLE}")
    text = value.strip()
    if _DATE_ONLY.match(text):
        raise ValueError(f"{show(text)} is a date without a time; write it like {TIME_EXAMPLE}")
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"{show(text)} is not an ISO 8601 time (like {TIME_EXAMPLE})") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{show(text)} needs a timezone offset (Z or +01:00)")
    return moment


def _time(m: Fields, key: str, zone: tzinfo | None, *, required: bool = False) -> datetime | None:
    """The time at ``key``, in range and readable in ``zone`` (the review's timezone)."""
    return m.parsed(key, lambda value: parse_time(value, zone),
                    required=f"is required (a time like {TIME_EXAMPLE})" if required else None)


def _due(value: Any) -> date:
    """A due date: a ``date`` (as a plain YAML reader gives it) or YYYY-MM-DD text."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DUE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{show(value)} is not a date (YYYY-MM-DD)" if isinstance(value, str)
                     else "must be a date (YYYY-MM-DD)")


@contextmanager
def _boundary(path: str | None) -> Iterator[None]:
    """The loader's boundary: whatever goes wrong reading a bundle leaves as :class:`SourceError`.

    Every failure the checks foresee is already a SourceError with its line and
    field; this is the last line behind them, so that even an unforeseen one
    is one line naming the file (and the property tests look for it).
    """
    try:
        yield
    except (SourceError, DomainError):
        raise
    except RecursionError as exc:
        raise SourceError("nested too deeply to read", path=path) from exc
    except Exception as exc:  # noqa: BLE001 - the last line, behind the specific checks
        raise SourceError(f"{UNEXPECTED} ({type(exc).__name__}: {one_line(exc)})", path=path) from exc


def parse_bundle(data: Any, *, path: str | None, catalog: Catalog) -> Bundle:
    """Validate a whole bundle document (as loaded from YAML or JSON) into a :class:`Bundle`.

    Raises :class:`SourceError` naming the path, line (for YAML) and field at
    fault. A bundle it returns imports: every value fits its column and every
    time the library's range, the checks the database would otherwise make.
    """
    with _boundary(path):
        return _parse(Reader(path), data, catalog)


def _parse(reader: Reader, data: Any, catalog: Catalog) -> Bundle:
    # The format marker and version come before anything else: a newer bundle may
    # well have keys this version does not know, and that is the better message.
    top = reader.document(data, None,
                          shape="a review bundle must be a mapping with format, version and review")
    marker = top.get("format")
    if marker is None:
        top.fail("format", f"is required ({BUNDLE_FORMAT!r}); is this a Debrief review bundle?")
    if marker != BUNDLE_FORMAT:
        top.fail("format", f"{show(marker)} is not {BUNDLE_FORMAT!r}; this is not a Debrief review bundle")
    version = top.get("version")
    if version is None:
        top.fail("version", f"is required (this Debrief reads version {BUNDLE_VERSION})")
    if isinstance(version, bool) or not isinstance(version, int):
        top.fail("version", f"must be a whole number, not {show(version)}")
    if version > BUNDLE_VERSION:
        top.fail("version", f"version {show(version)} is newer than this Debrief reads ({BUNDLE_VERSION})")
    if version < 1:
        top.fail("version", f"version {show(version)} does not exist (versions start at 1)")
    top.check_keys(TOP_KEYS)

    if top.get("review") is None:
        top.fail("review", "is required (at least a title)")
    review, template, zone = _parse_review(top, catalog)
    participants = _parse_participants(top)
    names = {p.name for p in participants}
    events = _parse_timeline(top, names, zone)
    notes = _parse_notes(top, names, len(events), template, zone)
    learnings = tuple(
        BundleLearning(text=m.text("text", required=True),
                       category=m.choice("category", LEARNING_CATEGORIES, "technical"))
        for m in top.mappings("learnings", LEARNING_KEYS)
    )
    actions = tuple(
        BundleAction(title=m.text("title", required=True), description=m.text("description"),
                     owner=m.text("owner", limit=_OWNER), due=m.parsed("due", _due),
                     priority=m.choice("priority", ACTION_PRIORITIES, "medium"),
                     status=m.choice("status", ACTION_STATUSES, "open"), link=m.text("link"))
        for m in top.mappings("actions", ACTION_KEYS)
    )
    meetings = _parse_meetings(top, zone)
    return Bundle(review=review, participants=participants, timeline=events, notes=notes,
                  learnings=learnings, actions=actions, meetings=meetings)


def _parse_review(top: Fields, catalog: Catalog) -> tuple[BundleReview, Template, tzinfo]:
    m = top.mapping("review", REVIEW_KEYS)
    severity = m.optional_text("severity", limit=_SEVERITY)
    if severity is not None and catalog.severity(severity) is None:
        m.fail("severity", f"{show(severity)} is not a known severity "
                           f"(known: {', '.join(catalog.severities)})")
    template_id = m.text("template", limit=_TEMPLATE) or "standard"
    template = catalog.template(template_id)
    if template is None:
        m.fail("template", f"{show(template_id)} is not a known template "
                           f"(known: {', '.join(catalog.templates)})")
    name = m.text("timezone", limit=_TIMEZONE) or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        m.fail("timezone", f"{show(name)} is not a known IANA timezone name (like Europe/Berlin)")
    review = BundleReview(
        title=m.text("title", required=True, limit=_TITLE),
        summary=m.text("summary"),
        severity=severity,
        kind=m.choice("kind", REVIEW_KINDS, "incident"),
        status=m.choice("status", REVIEW_STATUSES, "draft"),
        timezone=name,
        template=template_id,
        started_at=_time(m, "started_at", zone),
        detected_at=_time(m, "detected_at", zone),
        mitigated_at=_time(m, "mitigated_at", zone),
        resolved_at=_time(m, "resolved_at", zone),
        impact=m.text("impact"),
        services=m.texts("services"),
        tags=m.texts("tags"),
    )
    return review, template, zone


def _parse_participants(top: Fields) -> tuple[BundleParticipant, ...]:
    result: list[BundleParticipant] = []
    for m in top.mappings("participants", PARTICIPANT_KEYS):
        name = m.text("name", required=True, limit=_NAME)
        if any(p.name == name for p in result):
            m.fail("name", f"{show(name)} is listed twice")
        c = m.mapping("context", CONTEXT_KEYS)
        result.append(BundleParticipant(
            name=name,
            roles=m.texts("roles", allowed=ROLES),
            on_call=c.maybe_flag("on_call"),
            brought_in=c.text("brought_in"),
            worked_with_team_before=c.maybe_flag("worked_with_team_before"),
        ))
    return tuple(result)


def _unlisted(name: str) -> str:
    return f"{show(name)} is not listed under participants"


def _parse_timeline(top: Fields, names: set[str], zone: tzinfo) -> tuple[BundleEvent, ...]:
    result: list[BundleEvent] = []
    for m in top.mappings("timeline", EVENT_KEYS):
        at = _time(m, "at", zone, required=True)
        assert at is not None
        people = m.texts("participants", allowed=names, unknown=_unlisted)
        result.append(BundleEvent(at=at, text=m.text("text", required=True),
                                  kind=m.choice("kind", EVENT_KINDS, "observation"),
                                  source=m.text("source", limit=_SOURCE), approximate=m.flag("approximate"),
                                  participants=people, detail=m.text("detail")))
    return tuple(result)


def _parse_notes(top: Fields, names: set[str], event_count: int, template: Template,
                 zone: tzinfo) -> tuple[BundleNote, ...]:
    result: list[BundleNote] = []
    phases = template.phase_ids()
    for m in top.mappings("notes", NOTE_KEYS):
        phase = m.text("phase", required=True, limit=_NOTE_PHASE)
        if phase not in phases:
            m.fail("phase", f"{show(phase)} is not a phase of the template {template.id!r} "
                            f"(phases: {', '.join(phases)})")
        author = m.optional_text("author")
        if author is not None and author not in names:
            m.fail("author", _unlisted(author))
        event = m.get("event")
        if event is not None:
            if isinstance(event, bool) or not isinstance(event, int):
                m.fail("event", "must be the index of a timeline event (0 is the first)")
            if not 0 <= event < event_count:
                m.fail("event", f"event {show(event)} is out of range (the timeline has {event_count} "
                                f"event{'s' if event_count != 1 else ''}, counted from 0)")
        result.append(BundleNote(phase=phase, kind=m.choice("kind", NOTE_KINDS, "observation"),
                                 text=m.text("text", required=True), at=_time(m, "at", zone), author=author,
                                 event=event, private=m.flag("private")))
    return tuple(result)


def _parse_meetings(top: Fields, zone: tzinfo) -> tuple[BundleMeeting, ...]:
    result: list[BundleMeeting] = []
    for m in top.mappings("meetings", MEETING_KEYS):
        phases: list[BundleMeetingPhase] = []
        for p in m.mappings("phases", PHASE_KEYS):
            # Not checked against one template: a later meeting (an actions
            # meeting) walks a template of its own.
            phase_id = p.identifier("id", _PHASE_ID, noun="a phase id", rule=_PHASE_ID_RULE,
                                    limit=_MEETING_PHASE)
            phases.append(BundleMeetingPhase(id=phase_id, started_at=_time(p, "started_at", zone),
                                             ended_at=_time(p, "ended_at", zone)))
        result.append(BundleMeeting(kind=m.choice("kind", MEETING_KINDS, "review"),
                                    started_at=_time(m, "started_at", zone),
                                    ended_at=_time(m, "ended_at", zone), phases=tuple(phases)))
    return tuple(result)


def load_bundle_data(path: Path) -> Any:
    """The raw document of a bundle file (YAML with line numbers, or JSON)."""
    with _boundary(str(path)):
        suffix = path.suffix.lower()
        if suffix not in BUNDLE_SUFFIXES:
            kind = f"a {show(suffix)[1:-1]} file" if suffix else "a file without a suffix"
            raise SourceError(f"a review bundle is a .yaml, .yml or .json file, not {kind}", path=str(path))
        text = read_text_file(path)
        if suffix == ".json":
            return _load_json(text, str(path))
        return load_yaml_text(text, path=str(path))


class _JsonValueError(ValueError):
    """A value json reads but a bundle cannot hold (NaN, a number of thousands of digits)."""


def _json_constant(name: str) -> NoReturn:
    raise _JsonValueError(f"{name} is not a JSON value")


def _json_int(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # more digits than Python converts (4,300 by default)
        raise _JsonValueError(f"a number of {len(digits.lstrip('-')):,} digits is too long") from None


def _load_json(text: str, path: str) -> Any:
    try:
        return json.loads(text, parse_constant=_json_constant, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg} (column {exc.colno})", path=path,
                          line=exc.lineno) from exc
    except _JsonValueError as exc:
        raise SourceError(f"not valid JSON: {exc}", path=path) from exc
    except RecursionError as exc:
        raise SourceError("not valid JSON: nested too deeply", path=path) from exc


def load_bundle_file(path: Path, catalog: Catalog) -> Bundle:
    """Read and validate a bundle file (``.yaml``, ``.yml`` or ``.json``).

    Anything wrong with the file, from its bytes to its values, is a
    :class:`SourceError` naming the file (and the line and field when known).
    """
    return parse_bundle(load_bundle_data(path), path=str(path), catalog=catalog)


def import_bundle(session: Session, bundle: Bundle) -> int:
    """Create the review of a validated bundle in ``session``; returns the new review's id.

    Never commits: the caller's transaction makes the import all or nothing.
    """
    r = bundle.review
    review = reviews.create(
        session, title=r.title, template=r.template, summary=r.summary, severity=r.severity, kind=r.kind,
        status=r.status, timezone=r.timezone, started_at=r.started_at, detected_at=r.detected_at,
        mitigated_at=r.mitigated_at, resolved_at=r.resolved_at, impact=r.impact,
        services=list(r.services), tags=list(r.tags),
    )
    people = {
        p.name: reviews.add_participant(
            session, review.id, name=p.name, roles=list(p.roles), on_call=p.on_call,
            brought_in=p.brought_in, worked_with_team_before=p.worked_with_team_before,
        ).id
        for p in bundle.participants
    }
    # Events go in in bundle order, so equal times keep that order (the library
    # sorts by time, then id) and note indices map onto these ids.
    event_ids = [
        timeline.add_event(session, review.id, at=e.at, text=e.text, kind=e.kind, source=e.source,
                           approximate=e.approximate, participants=list(e.participants), detail=e.detail).id
        for e in bundle.timeline
    ]
    for n in bundle.notes:
        notes_model.add_note(
            session, review.id, phase=n.phase, text=n.text, kind=n.kind, said_at=n.at,
            author_id=people[n.author] if n.author is not None else None,
            event_id=event_ids[n.event] if n.event is not None else None, private=n.private,
            as_recorded=True,  # the bundle lists its learnings and actions itself
        )
    for learning in bundle.learnings:
        notes_model.add_learning(session, review.id, text=learning.text, category=learning.category)
    for a in bundle.actions:
        notes_model.add_action(session, review.id, title=a.title, description=a.description, owner=a.owner,
                               due=a.due, priority=a.priority, status=a.status, link=a.link)
    for m in bundle.meetings:
        meeting = Meeting(review_id=review.id, kind=m.kind, started_at=m.started_at, ended_at=m.ended_at,
                          current_phase=m.phases[-1].id if m.phases else None)
        meeting.phases = [MeetingPhase(phase=p.id, started_at=p.started_at, ended_at=p.ended_at)
                          for p in m.phases]
        session.add(meeting)
    session.flush()
    return review.id
