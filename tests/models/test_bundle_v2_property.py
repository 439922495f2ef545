"""Bundle version 2 under Hypothesis: any valid review round-trips exactly; any malformed one is one error.

* Valid: a generated version 2 document in the writer's canonical form (any
  participants, timeline, notes linked to events, authors and meetings,
  learnings and actions linked to notes, meetings with phase visits, pauses,
  attendance, pulse and prompts) is read, imported, exported, written as YAML
  or JSON and read again: the same document, and an import of that into a
  second library is the same review.
* Malformed: the version 2 fixture mutated anywhere (values of any type, keys
  deleted and added, raw YAML tokens, v2 keys in odd places) is either a
  Bundle that imports whole or one SourceError line naming the file (never
  the loader's last-line "unexpected problem", never a traceback).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.bundle import dump_json, dump_yaml, to_bundle
from models.bundle import (
    ACTION_KEYS,
    CONTEXT_KEYS,
    EVENT_KEYS,
    LEARNING_KEYS,
    MEETING_KEYS,
    NOTE_KEYS,
    PARTICIPANT_KEYS,
    PAUSE_KEYS,
    PHASE_KEYS,
    PROMPT_KEYS,
    PULSE_KEYS,
    REVIEW_KEYS,
    TOP_KEYS,
    event_external_ids,
    import_bundle,
    load_bundle_file,
    parse_bundle,
)
from models.catalog import Catalog
from models.prompts import PROMPT_STATUSES
from models.snapshot import load_review
from models.store import Library
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
from models.yamlsource import load_yaml_file
from tests.conftest import EXAMPLES
from tests.models.hostile_documents import mutated, plain, render
from tests.models.test_bundle_property import check_outcome

FULL_V2 = Path(__file__).resolve().parent.parent / "data" / "full_bundle_v2.yaml"
BASE = plain(load_yaml_file(FULL_V2))
KEYS = tuple(dict.fromkeys(TOP_KEYS + REVIEW_KEYS + PARTICIPANT_KEYS + CONTEXT_KEYS + EVENT_KEYS + NOTE_KEYS
                           + LEARNING_KEYS + ACTION_KEYS + MEETING_KEYS + PHASE_KEYS + PAUSE_KEYS + PULSE_KEYS
                           + PROMPT_KEYS))

#: Phase ids of the templates a generated review and its meetings walk.
STANDARD = ("level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up")
ACTIONS_MEETING = ("parking-lot", "actions", "wrap-up")

# ---------------------------------------------------------------- canonical values

#: Letters, digits, punctuation and symbols (no control characters, no line separators a YAML
#: reader would fold): what people type, in any script.
_CHARS = st.characters(categories=("L", "N", "P", "S"), exclude_characters="\x85\u2028\u2029\ufeff")
_WORD = st.text(_CHARS, min_size=1, max_size=8)


def _line(max_words: int = 4) -> st.SearchStrategy[str]:
    """A non-empty one-line text, stripped, words one space apart."""
    return st.lists(_WORD, min_size=1, max_size=max_words).map(" ".join)


def _lines() -> st.SearchStrategy[str]:
    """A text of one to three lines (as a summary or a note may be)."""
    return st.lists(_line(), min_size=1, max_size=3).map("\n".join)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


_MOMENTS = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 12, 31),
                        timezones=st.just(UTC))


def _time(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


_TIME = _MOMENTS.map(_time)
_DATE = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)).map(date.isoformat)


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value is False or value == "" or value == [] or value == {}:
        return
    doc[key] = value


def _link(draw: st.DrawFn, count: int) -> int | None:
    """An index into a list of ``count`` items, or None (always None for an empty list)."""
    linked: bool = draw(st.booleans())
    return draw(st.integers(0, count - 1)) if count and linked else None


def _subset(draw: st.DrawFn, items: list[str]) -> list[str]:
    """Some of ``items``, in their order."""
    return [item for item in items if draw(st.booleans())]


@st.composite
def _participants(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(_line(2), max_size=4, unique=True))
    people = []
    for name in names:
        person: dict[str, Any] = {"name": name}
        _put(person, "roles", _subset(draw, list(ROLES)))
        _put(person, "aliases", draw(st.lists(_line(1), max_size=2, unique=True)))
        context: dict[str, Any] = {}
        on_call = draw(_maybe(st.booleans()))
        if on_call is not None:
            context["on_call"] = on_call
        _put(context, "brought_in", draw(_maybe(_line())))
        worked = draw(_maybe(st.booleans()))
        if worked is not None:
            context["worked_with_team_before"] = worked
        _put(person, "context", context)
        people.append(person)
    return people


@st.composite
def _meeting(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(MEETING_KINDS))
    template = draw(st.sampled_from((None, "actions-meeting")))
    phase_ids = ACTIONS_MEETING if template else STANDARD
    meeting: dict[str, Any] = {"kind": kind}
    _put(meeting, "template", template)
    _put(meeting, "scheduled_for", draw(_maybe(_TIME)))
    _put(meeting, "started_at", draw(_maybe(_TIME)))
    _put(meeting, "ended_at", draw(_maybe(_TIME)))
    phases = []
    for phase_id in draw(st.lists(st.sampled_from(phase_ids), max_size=3)):
        visit: dict[str, Any] = {"id": phase_id}
        _put(visit, "started_at", draw(_maybe(_TIME)))
        _put(visit, "ended_at", draw(_maybe(_TIME)))
        phases.append(visit)
    current = draw(_maybe(st.sampled_from(phase_ids)))
    if current is not None and current != (phases[-1]["id"] if phases else None):
        meeting["current_phase"] = current
    _put(meeting, "phases", phases)
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        pause: dict[str, Any] = {"started_at": draw(_TIME)}
        _put(pause, "ended_at", draw(_maybe(_TIME)))
        pauses.append(pause)
    _put(meeting, "pauses", pauses)
    _put(meeting, "attendance", _subset(draw, names))
    pulse: dict[str, Any] = {}
    attended = draw(_maybe(st.integers(0, 40)))
    top = attended if attended is not None else 10_000
    for key, value in (("attended", attended), ("learned", draw(_maybe(st.integers(0, top)))),
                       ("would_attend", draw(_maybe(st.integers(0, top))))):
        if value is not None:
            pulse[key] = value
    _put(pulse, "unclear", draw(_maybe(_line())))
    _put(meeting, "pulse", pulse)
    prompts = [{"phase": draw(st.sampled_from(phase_ids)), "prompt": draw(_line(6)),
                "status": draw(st.sampled_from(PROMPT_STATUSES)), "at": draw(_TIME)}
               for _ in range(draw(st.integers(0, 3)))]
    _put(meeting, "prompts", prompts)
    return meeting


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A version 2 bundle in the writer's canonical form: what export writes for some review."""
    head: dict[str, Any] = {"uid": str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4)),
                            "title": draw(_line(6))}
    _put(head, "summary", draw(_maybe(_lines())))
    _put(head, "severity", draw(st.sampled_from((None, "SEV1", "SEV2", "SEV3", "SEV4"))))
    head["kind"] = draw(st.sampled_from(REVIEW_KINDS))
    head["status"] = draw(st.sampled_from(REVIEW_STATUSES))
    head["timezone"] = draw(st.sampled_from(("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")))
    head["template"] = "standard"
    for key in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        _put(head, key, draw(_maybe(_TIME)))
    _put(head, "analysis_due", draw(_maybe(_DATE)))
    _put(head, "reviewed_at", draw(_maybe(_TIME)))
    _put(head, "closed_at", draw(_maybe(_TIME)))
    _put(head, "impact", draw(_maybe(_lines())))
    _put(head, "services", draw(st.lists(_line(1), max_size=3, unique=True)))
    _put(head, "tags", draw(st.lists(_line(1), max_size=3, unique=True)))
    head["created_at"] = draw(_TIME)

    participants = draw(_participants())
    names = [p["name"] for p in participants]
    events = []
    origins = iter(draw(st.lists(st.text("abcdef0123456789:", min_size=1, max_size=20), max_size=6,
                                 unique=True)))
    for moment in sorted(draw(st.lists(_MOMENTS, max_size=5))):
        event: dict[str, Any] = {"at": _time(moment), "text": draw(_line(5))}
        _put(event, "detail", draw(_maybe(_lines())))
        event["kind"] = draw(st.sampled_from(EVENT_KINDS))
        _put(event, "source", draw(_maybe(_line(2))))
        _put(event, "approximate", draw(st.booleans()))
        _put(event, "participants", _subset(draw, names))
        if draw(st.booleans()):
            _put(event, "external_id", next(origins, None))
        events.append(event)
    meetings = [draw(_meeting(names)) for _ in range(draw(st.integers(0, 3)))]
    phases = STANDARD + (ACTIONS_MEETING if any("template" in m for m in meetings) else ())
    notes = []
    for _ in range(draw(st.integers(0, 5))):
        note: dict[str, Any] = {"phase": draw(st.sampled_from(phases)),
                                "kind": draw(st.sampled_from(NOTE_KINDS)), "text": draw(_lines())}
        _put(note, "at", draw(_maybe(_TIME)))
        _put(note, "author", draw(_maybe(st.sampled_from(names))) if names else None)
        for key, count in (("event", len(events)), ("meeting", len(meetings))):
            index = _link(draw, count)
            if index is not None:
                note[key] = index
        _put(note, "private", draw(st.booleans()))
        notes.append(note)
    learnings = []
    for _ in range(draw(st.integers(0, 3))):
        learning: dict[str, Any] = {"text": draw(_lines()),
                                    "category": draw(st.sampled_from(LEARNING_CATEGORIES))}
        _put(learning, "note", _link(draw, len(notes)))
        learnings.append(learning)
    actions = []
    for _ in range(draw(st.integers(0, 3))):
        action: dict[str, Any] = {"title": draw(_line(6))}
        _put(action, "description", draw(_maybe(_lines())))
        _put(action, "owner", draw(_maybe(_line(2))))
        _put(action, "due", draw(_maybe(_DATE)))
        action["priority"] = draw(st.sampled_from(ACTION_PRIORITIES))
        action["status"] = draw(st.sampled_from(ACTION_STATUSES))
        _put(action, "link", draw(_maybe(_line(1))))
        _put(action, "note", _link(draw, len(notes)))
        actions.append(action)

    doc: dict[str, Any] = {"format": "debrief.review", "version": 2, "review": head}
    for key, value in (("participants", participants), ("timeline", events), ("notes", notes),
                       ("learnings", learnings), ("actions", actions), ("meetings", meetings)):
        _put(doc, key, value)
    return doc


def _export(library: Library, review_id: int) -> dict[str, Any]:
    with library.begin() as session:
        doc = load_review(session, review_id)
        origins = event_external_ids(session, review_id)
    assert doc is not None
    return to_bundle(doc, external_ids=origins)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(document=valid_documents(), fmt=st.sampled_from(("yaml", "json")))
def test_any_valid_review_round_trips_exactly(document: dict[str, Any], fmt: str, library: Library,
                                             catalog: Catalog, tmp_path: Path) -> None:
    """Read, import, export: the same document; through a YAML or JSON file and again: the same."""
    bundle = parse_bundle(json.loads(json.dumps(document)), path=None, catalog=catalog)
    with library.begin() as session:
        # The library lives through every example: an identity drawn before is updated in place.
        first = import_bundle(session, bundle, update_existing=True)
    exported = _export(library, first)
    assert exported == document
    path = tmp_path / f"again.{fmt}"
    path.write_text(dump_yaml(exported) if fmt == "yaml" else dump_json(exported), encoding="utf-8")
    again = load_bundle_file(path, catalog)
    assert again == bundle
    with library.begin() as session:
        second = import_bundle(session, again, update_existing=True)
    assert second == first
    assert _export(library, second) == document


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(doc=mutated(BASE, KEYS), fmt=st.sampled_from(("yaml", "json")), ascii_only=st.booleans())
def test_a_malformed_v2_bundle_is_one_error_naming_the_file(doc: Any, fmt: str, ascii_only: bool,
                                                           library: Library, catalog: Catalog,
                                                           tmp_path: Path) -> None:
    """Any value anywhere in a v2 bundle: a Bundle that imports whole, or one SourceError line."""
    path = tmp_path / f"mutated.{fmt}"
    path.write_bytes(render(doc, fmt, ascii_only=ascii_only).encode("utf-8", "surrogatepass"))
    check_outcome(path, library, catalog)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(doc=mutated(BASE, KEYS, most=2, gentle=True), fmt=st.sampled_from(("yaml", "json")))
def test_a_v2_bundle_with_near_miss_values_imports_whole_or_is_refused(
        doc: Any, fmt: str, library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Text almost right in any v2 field (indices, counts, times, ids): imports whole or one error."""
    path = tmp_path / f"gentle.{fmt}"
    path.write_text(render(doc, fmt), encoding="utf-8")
    check_outcome(path, library, catalog)
