"""The review bundle: a whole review as one YAML or JSON document (versions 1 and 2).

:func:`parse_bundle` validates a document completely into frozen dataclasses
before anything touches the library, so a bad bundle is refused with a
message naming the file, line and field, and nothing is half-imported.
:func:`import_bundle` then writes the validated bundle inside the caller's
transaction. ``exports/bundle.py`` writes the same format.

Version 2 (what this Debrief writes) keeps version 1's structure and adds what
makes a review travel whole: the review's identity (``uid``) and lifecycle
dates, participants' other names, each event's import origin, each note's
meeting, the note each learning and action was drawn from, and the meeting
record (template, schedule, current phase, pauses, attendance, the wrap-up
pulse, the prompts asked). A version 1 bundle still imports; a version 2 field
in a bundle that says version 1 is refused, naming it.
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

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import reviews
from models.base import utcnow
from models.catalog import Catalog, Template
from models.entities import (
    ActionItem,
    AskedPrompt,
    Learning,
    Meeting,
    MeetingPause,
    MeetingPhase,
    Note,
    Participant,
    Review,
    TimelineEvent,
)
from models.errors import DomainError, InvalidFieldError
from models.fields import Fields, Reader, show
from models.limits import check_moment, column_limit
from models.meetings import PULSE_MAX, check_pulse
from models.prompts import PROMPT_STATUSES
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
from models.write_fields import ReviewFacts
from models.yamlsource import SourceError, load_yaml_text, one_line, read_text_file

BUNDLE_FORMAT = "debrief.review"
#: The version this Debrief writes, and the newest it reads.
BUNDLE_VERSION = 2
#: The first version, still read (and written on request, for an older Debrief).
BUNDLE_VERSION_1 = 1
BUNDLE_SUFFIXES = (".yaml", ".yml", ".json")

TOP_KEYS = ("format", "version", "review", "participants", "timeline", "notes", "learnings", "actions",
            "meetings")
REVIEW_KEYS = ("uid", "title", "summary", "severity", "kind", "status", "timezone", "template", "started_at",
               "detected_at", "mitigated_at", "resolved_at", "analysis_due", "reviewed_at", "closed_at",
               "impact", "services", "tags", "created_at")
PARTICIPANT_KEYS = ("name", "roles", "aliases", "context")
CONTEXT_KEYS = ("on_call", "brought_in", "worked_with_team_before")
#: ``detail`` (the long form beside the one-line text) is optional: a bundle without it is read
#: as before, and one is written only for events that have a detail.
EVENT_KEYS = ("at", "text", "detail", "kind", "source", "approximate", "participants", "external_id")
NOTE_KEYS = ("phase", "kind", "text", "at", "author", "event", "meeting", "private")
LEARNING_KEYS = ("text", "category", "note")
# ``description`` is not in the design's example but is a field of every action:
# leaving it out would lose what people typed on a round trip.
ACTION_KEYS = ("title", "description", "owner", "due", "priority", "status", "link", "note")
MEETING_KEYS = ("kind", "template", "scheduled_for", "started_at", "ended_at", "current_phase", "phases",
                "pauses", "attendance", "pulse", "prompts")
PHASE_KEYS = ("id", "started_at", "ended_at")
PAUSE_KEYS = ("started_at", "ended_at")
PULSE_KEYS = ("attended", "learned", "would_attend", "unclear")
PROMPT_KEYS = ("phase", "prompt", "status", "at")
#: The keys version 2 added, by mapping (a version 1 bundle that has one is refused, naming it).
REVIEW_SINCE_V2 = frozenset(("uid", "analysis_due", "reviewed_at", "closed_at", "created_at"))
PARTICIPANT_SINCE_V2 = frozenset(("aliases",))
EVENT_SINCE_V2 = frozenset(("external_id",))
NOTE_SINCE_V2 = frozenset(("meeting",))
OUTCOME_SINCE_V2 = frozenset(("note",))
MEETING_SINCE_V2 = frozenset(("template", "scheduled_for", "current_phase", "pauses", "attendance", "pulse",
                              "prompts"))

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
_EXTERNAL_ID = column_limit(TimelineEvent, "external_id")
_MEETING_TEMPLATE = column_limit(Meeting, "template")
_PROMPT_PHASE = column_limit(AskedPrompt, "phase")
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
    #: Version 2: the review's identity (None: a version 1 bundle; the import makes one up).
    uid: str | None = None
    analysis_due: date | None = None
    reviewed_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class BundleParticipant:
    name: str
    roles: tuple[str, ...]
    on_call: bool | None
    brought_in: str
    worked_with_team_before: bool | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleEvent:
    at: datetime
    text: str
    kind: str
    source: str
    approximate: bool
    participants: tuple[str, ...]
    detail: str = ""
    #: Version 2: where an imported event came from (``csv:…``, ``slack:…``), so importing that file
    #: again into the review adds nothing.
    external_id: str | None = None


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
    meeting: int | None = None
    """Version 2: index into :attr:`Bundle.meetings` (the meeting the note was taken in)."""


@dataclass(frozen=True)
class BundleLearning:
    text: str
    category: str
    note: int | None = None
    """Version 2: index into :attr:`Bundle.notes` (the note it was drawn from)."""


@dataclass(frozen=True)
class BundleAction:
    title: str
    description: str
    owner: str
    due: date | None
    priority: str
    status: str
    link: str
    note: int | None = None
    """Version 2: index into :attr:`Bundle.notes` (the note it was drawn from)."""


@dataclass(frozen=True)
class BundleMeetingPhase:
    id: str
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class BundlePause:
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class BundlePulse:
    """The wrap-up pulse; None: not asked."""

    attended: int | None = None
    learned: int | None = None
    would_attend: int | None = None
    unclear: str = ""


@dataclass(frozen=True)
class BundlePrompt:
    phase: str
    prompt: str
    status: str
    at: datetime


@dataclass(frozen=True)
class BundleMeeting:
    kind: str
    started_at: datetime | None
    ended_at: datetime | None
    phases: tuple[BundleMeetingPhase, ...]
    # Version 2: the rest of the meeting record.
    template: str | None = None
    scheduled_for: datetime | None = None
    #: The phase the meeting is in (or ended in); None: none entered yet.
    current_phase: str | None = None
    pauses: tuple[BundlePause, ...] = ()
    #: Names of the participants in the room, in participant order.
    attendance: tuple[str, ...] = ()
    pulse: BundlePulse = BundlePulse()
    prompts: tuple[BundlePrompt, ...] = ()


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
    #: The version the document said it was.
    version: int = BUNDLE_VERSION


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


def parse_bundle(data: Any, *, path: str | None, catalog: Catalog, check_catalog: bool = True) -> Bundle:
    """Validate a whole bundle document (as loaded from YAML or JSON) into a :class:`Bundle`.

    Raises :class:`SourceError` naming the path, line (for YAML) and field at
    fault. A bundle it returns imports: every value fits its column and every
    time the library's range, the checks the database would otherwise make.

    ``check_catalog``: the severity, the templates and the notes' phases must
    be ones ``catalog`` knows. A copy between libraries (a document written
    from a library a moment ago) leaves that out: a library may hold a
    severity of other definitions, or a template since removed, and a copy
    keeps what is there.
    """
    with _boundary(path):
        return _parse(Reader(path), data, catalog, check_catalog)


def _parse(reader: Reader, data: Any, catalog: Catalog, check_catalog: bool = True) -> Bundle:
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
        top.fail("version", f"is required (this Debrief reads versions 1 to {BUNDLE_VERSION})")
    if isinstance(version, bool) or not isinstance(version, int):
        top.fail("version", f"must be a whole number, not {show(version)}")
    if version > BUNDLE_VERSION:
        top.fail("version", f"version {show(version)} is newer than this Debrief reads ({BUNDLE_VERSION})")
    if version < 1:
        top.fail("version", f"version {show(version)} does not exist (versions start at 1)")
    top.check_keys(TOP_KEYS)
    doc = _Doc(version, catalog, check_catalog)

    if top.get("review") is None:
        top.fail("review", "is required (at least a title)")
    review, template, zone = _parse_review(top, doc)
    participants = _parse_participants(top, doc)
    names = {p.name for p in participants}
    events = _parse_timeline(top, names, zone, doc)
    meetings = _parse_meetings(top, names, zone, doc)
    notes = _parse_notes(top, names, len(events), template, meetings, zone, doc)
    learnings = []
    for m in top.mappings("learnings", LEARNING_KEYS):
        doc.versioned(m, OUTCOME_SINCE_V2)
        learnings.append(BundleLearning(text=m.text("text", required=True),
                                        category=m.choice("category", LEARNING_CATEGORIES, "technical"),
                                        note=_index(m, "note", len(notes), "note", "notes")))
    actions = []
    for m in top.mappings("actions", ACTION_KEYS):
        doc.versioned(m, OUTCOME_SINCE_V2)
        actions.append(BundleAction(title=m.text("title", required=True), description=m.text("description"),
                                    owner=m.text("owner", limit=_OWNER), due=m.parsed("due", _due),
                                    priority=m.choice("priority", ACTION_PRIORITIES, "medium"),
                                    status=m.choice("status", ACTION_STATUSES, "open"), link=m.text("link"),
                                    note=_index(m, "note", len(notes), "note", "notes")))
    return Bundle(review=review, participants=participants, timeline=events, notes=notes,
                  learnings=tuple(learnings), actions=tuple(actions), meetings=meetings, version=version)


@dataclass(frozen=True)
class _Doc:
    """What every part of one document is read against: its version and the catalog."""

    version: int
    catalog: Catalog
    check_catalog: bool

    def versioned(self, m: Fields, since_v2: frozenset[str]) -> None:
        """Refuse a key of ``since_v2`` (added by version 2) in a version 1 document, naming it."""
        if self.version >= 2:
            return
        for key in m.data:
            if key in since_v2:
                m.fail(key, f"is a field of bundle version 2; this bundle says version {self.version} "
                            "(write version: 2)")


def _index(m: Fields, key: str, count: int, noun: str, plural: str) -> int | None:
    """An index into a list of ``count`` items at ``key`` (None when absent)."""
    value = m.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        m.fail(key, f"must be the index of a {noun} under {plural} (0 is the first)")
    if not 0 <= value < count:
        m.fail(key, f"{noun} {show(value)} is out of range ({plural} has {count} "
                    f"item{'s' if count != 1 else ''}, counted from 0)")
    return value


def _parse_review(top: Fields, doc: _Doc) -> tuple[BundleReview, Template | None, tzinfo]:
    m = top.mapping("review", REVIEW_KEYS)
    doc.versioned(m, REVIEW_SINCE_V2)
    catalog = doc.catalog
    severity = m.optional_text("severity", limit=_SEVERITY)
    if doc.check_catalog and severity is not None and catalog.severity(severity) is None:
        m.fail("severity", f"{show(severity)} is not a known severity "
                           f"(known: {', '.join(catalog.severities)})")
    template_id = m.text("template", limit=_TEMPLATE) or "standard"
    template = catalog.template(template_id)
    if template is None and doc.check_catalog:
        m.fail("template", f"{show(template_id)} is not a known template "
                           f"(known: {', '.join(catalog.templates)})")
    name = m.text("timezone", limit=_TIMEZONE) or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        m.fail("timezone", f"{show(name)} is not a known IANA timezone name (like Europe/Berlin)")
    uid = m.optional_text("uid")
    if uid is not None:
        try:
            uid = reviews.check_uid(uid)
        except InvalidFieldError as exc:
            m.fail("uid", exc.reason)
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
        uid=uid,
        analysis_due=m.parsed("analysis_due", _due),
        reviewed_at=_time(m, "reviewed_at", zone),
        closed_at=_time(m, "closed_at", zone),
        created_at=_time(m, "created_at", zone),
    )
    return review, template, zone


def _parse_participants(top: Fields, doc: _Doc) -> tuple[BundleParticipant, ...]:
    result: list[BundleParticipant] = []
    for m in top.mappings("participants", PARTICIPANT_KEYS):
        doc.versioned(m, PARTICIPANT_SINCE_V2)
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
            aliases=m.texts("aliases"),
        ))
    return tuple(result)


def _unlisted(name: str) -> str:
    return f"{show(name)} is not listed under participants"


def _parse_timeline(top: Fields, names: set[str], zone: tzinfo, doc: _Doc) -> tuple[BundleEvent, ...]:
    result: list[BundleEvent] = []
    origins: set[str] = set()
    for m in top.mappings("timeline", EVENT_KEYS):
        doc.versioned(m, EVENT_SINCE_V2)
        at = _time(m, "at", zone, required=True)
        assert at is not None
        people = m.texts("participants", allowed=names, unknown=_unlisted)
        external_id = m.optional_text("external_id", limit=_EXTERNAL_ID)
        if external_id is not None:
            if external_id in origins:
                m.fail("external_id", f"{show(external_id)} is given to two events; each import origin "
                                      "names one event")
            origins.add(external_id)
        result.append(BundleEvent(at=at, text=m.text("text", required=True),
                                  kind=m.choice("kind", EVENT_KINDS, "observation"),
                                  source=m.text("source", limit=_SOURCE), approximate=m.flag("approximate"),
                                  participants=people, detail=m.text("detail"), external_id=external_id))
    return tuple(result)


def _phases_known(template: Template | None, meetings: tuple[BundleMeeting, ...],
                  catalog: Catalog) -> tuple[str, ...]:
    """The phase ids a note may be in: its review's template's, and those of its meetings' own templates."""
    known = dict.fromkeys(template.phase_ids() if template is not None else ())
    for meeting in meetings:
        own = catalog.template(meeting.template) if meeting.template is not None else None
        if own is not None:
            known.update(dict.fromkeys(own.phase_ids()))
    return tuple(known)


def _parse_notes(top: Fields, names: set[str], event_count: int, template: Template | None,
                 meetings: tuple[BundleMeeting, ...], zone: tzinfo, doc: _Doc) -> tuple[BundleNote, ...]:
    result: list[BundleNote] = []
    phases = _phases_known(template, meetings, doc.catalog)
    for m in top.mappings("notes", NOTE_KEYS):
        doc.versioned(m, NOTE_SINCE_V2)
        phase = m.text("phase", required=True, limit=_NOTE_PHASE)
        if doc.check_catalog and phase not in phases:
            assert template is not None  # checked with the catalog
            own = [meeting.template for meeting in meetings if meeting.template not in (None, template.id)]
            also = f" or of its meetings' templates ({', '.join(dict.fromkeys(t for t in own if t))})" \
                if own else ""
            m.fail("phase", f"{show(phase)} is not a phase of the template {template.id!r}{also} "
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
                                 event=event, private=m.flag("private"),
                                 meeting=_index(m, "meeting", len(meetings), "meeting", "meetings")))
    return tuple(result)


def _count(m: Fields, key: str) -> int | None:
    """A pulse count: a whole number of people, or None when not asked."""
    value = m.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= PULSE_MAX:
        m.fail(key, f"must be a whole number of people from 0 to {PULSE_MAX}")
    return value


def _parse_pulse(m: Fields) -> BundlePulse:
    p = m.mapping("pulse", PULSE_KEYS)
    attended, learned, would_attend = _count(p, "attended"), _count(p, "learned"), _count(p, "would_attend")
    unclear = p.text("unclear")
    try:
        checked = check_pulse(attended=attended, learned=learned, would_attend=would_attend, unclear=unclear)
    except InvalidFieldError as exc:
        p.fail(exc.field, exc.reason)
    return BundlePulse(checked.attended, checked.learned, checked.would_attend, checked.unclear)


def _parse_meetings(top: Fields, names: set[str], zone: tzinfo, doc: _Doc) -> tuple[BundleMeeting, ...]:
    result: list[BundleMeeting] = []
    for m in top.mappings("meetings", MEETING_KEYS):
        doc.versioned(m, MEETING_SINCE_V2)
        phases: list[BundleMeetingPhase] = []
        for p in m.mappings("phases", PHASE_KEYS):
            # Not checked against one template: a later meeting (an actions
            # meeting) walks a template of its own.
            phase_id = p.identifier("id", _PHASE_ID, noun="a phase id", rule=_PHASE_ID_RULE,
                                    limit=_MEETING_PHASE)
            phases.append(BundleMeetingPhase(id=phase_id, started_at=_time(p, "started_at", zone),
                                             ended_at=_time(p, "ended_at", zone)))
        template = m.optional_text("template", limit=_MEETING_TEMPLATE)
        if template is not None and doc.check_catalog and doc.catalog.template(template) is None:
            m.fail("template", f"{show(template)} is not a known template "
                               f"(known: {', '.join(doc.catalog.templates)})")
        current = (m.identifier("current_phase", _PHASE_ID, noun="a phase id", rule=_PHASE_ID_RULE,
                                limit=_MEETING_PHASE) if m.get("current_phase") not in (None, "") else None)
        if current is None and phases:
            current = phases[-1].id
        pauses = []
        for p in m.mappings("pauses", PAUSE_KEYS):
            started = _time(p, "started_at", zone, required=True)
            assert started is not None
            pauses.append(BundlePause(started, _time(p, "ended_at", zone)))
        prompts = []
        for p in m.mappings("prompts", PROMPT_KEYS):
            at = _time(p, "at", zone, required=True)
            assert at is not None
            prompts.append(BundlePrompt(
                phase=p.identifier("phase", _PHASE_ID, noun="a phase id", rule=_PHASE_ID_RULE,
                                   limit=_PROMPT_PHASE),
                prompt=p.text("prompt", required=True),
                status=p.choice("status", PROMPT_STATUSES, "asked"), at=at))
        result.append(BundleMeeting(kind=m.choice("kind", MEETING_KINDS, "review"),
                                    started_at=_time(m, "started_at", zone),
                                    ended_at=_time(m, "ended_at", zone), phases=tuple(phases),
                                    template=template, scheduled_for=_time(m, "scheduled_for", zone),
                                    current_phase=current, pauses=tuple(pauses),
                                    attendance=m.texts("attendance", allowed=names, unknown=_unlisted),
                                    pulse=_parse_pulse(m), prompts=tuple(prompts)))
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


def find_existing(session: Session, bundle: Bundle) -> int | None:
    """The id of the review of this library that is the bundle's review (same uid); None if there is none."""
    uid = bundle.review.uid
    if uid is None:
        return None
    found = reviews.get_by_uid(session, uid)
    return found.id if found is not None else None


def import_bundle(session: Session, bundle: Bundle, *, update_existing: bool = False) -> int:
    """Create the review of a validated bundle in ``session``; returns the new review's id.

    A bundle of a review this library has already (the same uid, version 2)
    updates that review in place with ``update_existing`` (its id is
    returned: see :func:`replace_review`); without, it is imported as a new
    review with an identity of its own, as a copy. Never commits: the
    caller's transaction makes the import all or nothing.
    """
    existing = find_existing(session, bundle)
    if existing is not None and update_existing:
        replace_review(session, existing, bundle)
        return existing
    r = bundle.review
    review = reviews.create(session, title=r.title, template=r.template,
                            uid=r.uid if existing is None else None, **_facts(bundle))
    if r.created_at is not None:
        review.created_at = r.created_at
    _write_content(session, review.id, bundle)
    return review.id


def replace_review(session: Session, review_id: int, bundle: Bundle) -> None:
    """Make review ``review_id`` what ``bundle`` says, keeping its id and uid (an update in place).

    Its facts become the bundle's; its participants, timeline, notes,
    learnings, actions and meetings are replaced by the bundle's (their ids
    change). The row version moves on, so an editor holding the old review
    is told of the change (models.reviews.StaleEditError) rather than
    overwriting it.
    """
    review = reviews.get_or_raise(session, review_id)
    r = bundle.review
    reviews.update_fields(review, {"title": r.title, "template": r.template, **_facts(bundle)})
    if r.created_at is not None:
        review.created_at = r.created_at
    review.updated_at = utcnow()  # an UPDATE of the row even when the facts are the same: a new version
    session.flush()
    for table in (Learning, ActionItem, Note, Meeting, TimelineEvent, Participant):
        # The database cascades to each one's rows (phases, pauses, prompts, attendance, event people).
        session.execute(delete(table).where(table.review_id == review_id),
                        execution_options={"synchronize_session": False})
    session.expire_all()
    _write_content(session, review_id, bundle)


def _facts(bundle: Bundle) -> ReviewFacts:
    r = bundle.review
    return {"summary": r.summary, "severity": r.severity, "kind": r.kind, "status": r.status,
            "timezone": r.timezone, "started_at": r.started_at, "detected_at": r.detected_at,
            "mitigated_at": r.mitigated_at, "resolved_at": r.resolved_at, "impact": r.impact,
            "services": list(r.services), "tags": list(r.tags), "analysis_due": r.analysis_due,
            "reviewed_at": r.reviewed_at, "closed_at": r.closed_at}


def _write_content(session: Session, review_id: int, bundle: Bundle) -> None:
    """Add everything of the bundle but the review's own fields to review ``review_id``.

    The bundle is validated, so the rows are built directly (no per-row check
    and flush): a timeline of tens of thousands of events goes in with a few
    statements. Rows go in in bundle order, so equal times keep that order
    (the library sorts by time, then id) and indices map onto the new ids.
    """
    people = [Participant(review_id=review_id, name=p.name, roles=list(p.roles), on_call=p.on_call,
                          brought_in=p.brought_in, worked_with_team_before=p.worked_with_team_before,
                          position=position, aliases=list(p.aliases))
              for position, p in enumerate(bundle.participants)]
    session.add_all(people)
    by_name = {p.name: p for p in people}
    events = [TimelineEvent(review_id=review_id, at=e.at, text=e.text, kind=e.kind, source=e.source,
                            approximate=e.approximate, detail=e.detail, external_id=e.external_id,
                            participants=[by_name[name] for name in e.participants])
              for e in bundle.timeline]
    session.add_all(events)
    meetings = [_meeting(review_id, m, by_name) for m in bundle.meetings]
    session.add_all(meetings)
    session.flush()
    notes = [Note(review_id=review_id, phase=n.phase, kind=n.kind, text=n.text, said_at=n.at,
                  author_id=by_name[n.author].id if n.author is not None else None,
                  event_id=events[n.event].id if n.event is not None else None, private=n.private,
                  meeting_id=meetings[n.meeting].id if n.meeting is not None else None)
             for n in bundle.notes]
    session.add_all(notes)
    session.flush()
    # The bundle lists its learnings and actions itself: a note's kind makes none here.
    session.add_all([Learning(review_id=review_id, text=x.text, category=x.category,
                              note_id=notes[x.note].id if x.note is not None else None)
                     for x in bundle.learnings])
    session.add_all([ActionItem(review_id=review_id, title=a.title, description=a.description, owner=a.owner,
                                due=a.due, priority=a.priority, status=a.status, link=a.link,
                                note_id=notes[a.note].id if a.note is not None else None)
                     for a in bundle.actions])
    session.flush()


def _meeting(review_id: int, m: BundleMeeting, by_name: dict[str, Participant]) -> Meeting:
    meeting = Meeting(review_id=review_id, kind=m.kind, started_at=m.started_at, ended_at=m.ended_at,
                      current_phase=m.current_phase, scheduled_for=m.scheduled_for, template=m.template,
                      pulse_attended=m.pulse.attended, pulse_learned=m.pulse.learned,
                      pulse_would_attend=m.pulse.would_attend, pulse_unclear=m.pulse.unclear)
    meeting.phases = [MeetingPhase(phase=v.id, started_at=v.started_at, ended_at=v.ended_at)
                      for v in m.phases]
    meeting.pauses = [MeetingPause(started_at=p.started_at, ended_at=p.ended_at) for p in m.pauses]
    meeting.prompts = [AskedPrompt(phase=a.phase, prompt=a.prompt, status=a.status, at=a.at)
                       for a in m.prompts]
    meeting.attendees = sorted((by_name[name] for name in m.attendance), key=lambda p: p.position)
    return meeting


def event_external_ids(session: Session, review_id: int) -> dict[int, str]:
    """Where each imported event of the review came from, by event id (what a version 2 bundle carries)."""
    rows = session.execute(
        select(TimelineEvent.id, TimelineEvent.external_id)
        .where(TimelineEvent.review_id == review_id, TimelineEvent.external_id.is_not(None))
    )
    return {event_id: origin for event_id, origin in rows if origin is not None}
