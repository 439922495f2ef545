"""The review bundle (version 2; version 1 on request) as YAML or JSON: the interchange format.

:func:`to_bundle` turns a review snapshot into the plain document that
``models/bundle.py`` reads back; export, import, export gives the same
document. Optional fields that are empty (None, "", [], false) are left out,
always the same way, so documents compare equal. Times are UTC with ``Z``.
Version 2 adds the review's identity and lifecycle dates, and the whole
meeting record (see ``models/bundle.py``); ``version=1`` writes what an older
Debrief reads, without them.
Every string goes through :func:`exports.common.xml_safe`, as in the reports:
a control character the library holds is dropped rather than written (JSON
and YAML tools differ in what they accept), and a lone surrogate, which UTF-8
cannot encode, becomes U+FFFD. Cleaning twice changes nothing, so a bundle
still reads back as the same document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from exports.common import write_atomic, xml_safe
from models.bundle import BUNDLE_FORMAT, BUNDLE_VERSION, BUNDLE_VERSION_1
from models.snapshot import MeetingRow, ReviewDoc


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z`` (seconds always, fractions only when there are some)."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless ``value`` is empty (None, "", an empty list or mapping, false)."""
    if value is None or value is False or value == "" or value == [] or value == {}:
        return
    doc[key] = value


def _put_time(doc: dict[str, Any], key: str, moment: datetime | None) -> None:
    if moment is not None:
        doc[key] = format_time(moment)


def to_bundle(review: ReviewDoc, *, include_private: bool = True, version: int = BUNDLE_VERSION,
              external_ids: Mapping[int, str] | None = None, clean: bool = True) -> dict[str, Any]:
    """The bundle document of ``review``: plain dicts, lists, strings, ints and bools.

    Notes point at events by their index in ``timeline`` and at their author by
    name. Private notes are written with ``private: true`` unless
    ``include_private`` is false, when they are left out.

    ``version`` 2 (the default) writes the whole review; 1 what an older
    Debrief reads. ``external_ids`` (event id → where it was imported from,
    ``models.bundle.event_external_ids``) go into version 2 events. ``clean``
    passes every string through :func:`exports.common.xml_safe`; a copy
    between libraries (never a file) keeps the text exactly as stored instead.
    """
    if version not in (BUNDLE_VERSION_1, BUNDLE_VERSION):
        raise ValueError(f"a review bundle is version {BUNDLE_VERSION_1} or {BUNDLE_VERSION}, "
                         f"not {version!r}")
    v2 = version >= 2
    head: dict[str, Any] = {}
    if v2:
        _put(head, "uid", review.uid)
    head["title"] = review.title
    _put(head, "summary", review.summary)
    _put(head, "severity", review.severity)
    head["kind"] = review.kind
    head["status"] = review.status
    head["timezone"] = review.timezone
    head["template"] = review.template
    for key in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        _put_time(head, key, getattr(review, key))
    if v2:
        if review.analysis_due is not None:
            head["analysis_due"] = review.analysis_due.isoformat()
        _put_time(head, "reviewed_at", review.reviewed_at)
        _put_time(head, "closed_at", review.closed_at)
    _put(head, "impact", review.impact)
    _put(head, "services", list(review.services))
    _put(head, "tags", list(review.tags))
    if v2:
        _put_time(head, "created_at", review.created_at)

    participants = []
    for p in review.participants:
        person: dict[str, Any] = {"name": p.name}
        _put(person, "roles", list(p.roles))
        if v2:
            _put(person, "aliases", list(p.aliases))
        context: dict[str, Any] = {}
        if p.on_call is not None:
            context["on_call"] = p.on_call
        _put(context, "brought_in", p.brought_in)
        if p.worked_with_team_before is not None:
            context["worked_with_team_before"] = p.worked_with_team_before
        _put(person, "context", context)
        participants.append(person)

    origins = external_ids or {}
    events = []
    for e in review.events:
        event: dict[str, Any] = {"at": format_time(e.at), "text": e.text}
        _put(event, "detail", e.detail)
        event["kind"] = e.kind
        _put(event, "source", e.source)
        _put(event, "approximate", e.approximate)
        _put(event, "participants", list(e.participants))
        if v2:
            _put(event, "external_id", origins.get(e.id))
        events.append(event)

    index_of = {e.id: index for index, e in enumerate(review.events)}
    meeting_index = {m.id: index for index, m in enumerate(review.meetings)}
    note_index: dict[int, int] = {}
    notes: list[dict[str, Any]] = []
    for n in review.notes:
        if n.private and not include_private:
            continue
        note: dict[str, Any] = {"phase": n.phase, "kind": n.kind, "text": n.text}
        _put_time(note, "at", n.said_at)
        _put(note, "author", n.author)
        if n.event_id is not None and n.event_id in index_of:
            note["event"] = index_of[n.event_id]
        if v2 and n.meeting_id is not None and n.meeting_id in meeting_index:
            note["meeting"] = meeting_index[n.meeting_id]
        _put(note, "private", n.private)
        note_index[n.id] = len(notes)
        notes.append(note)

    learnings = []
    for x in review.learnings:
        learning: dict[str, Any] = {"text": x.text, "category": x.category}
        if v2 and x.note_id is not None and x.note_id in note_index:
            learning["note"] = note_index[x.note_id]
        learnings.append(learning)

    actions = []
    for a in review.actions:
        action: dict[str, Any] = {"title": a.title}
        _put(action, "description", a.description)
        _put(action, "owner", a.owner)
        if a.due is not None:
            action["due"] = a.due.isoformat()
        action["priority"] = a.priority
        action["status"] = a.status
        _put(action, "link", a.link)
        if v2 and a.note_id is not None and a.note_id in note_index:
            action["note"] = note_index[a.note_id]
        actions.append(action)

    names = {p.id: p.name for p in review.participants}
    meetings = [_meeting(m, names, v2) for m in review.meetings]

    doc: dict[str, Any] = {"format": BUNDLE_FORMAT, "version": version, "review": head}
    _put(doc, "participants", participants)
    _put(doc, "timeline", events)
    _put(doc, "notes", notes)
    _put(doc, "learnings", learnings)
    _put(doc, "actions", actions)
    _put(doc, "meetings", meetings)
    if not clean:
        return doc
    cleaned: dict[str, Any] = _xml_safe_tree(doc)
    return cleaned


def _meeting(m: MeetingRow, names: Mapping[int, str], v2: bool) -> dict[str, Any]:
    """One meeting of the document; version 2 with its whole record."""
    meeting: dict[str, Any] = {"kind": m.kind}
    if v2:
        _put(meeting, "template", m.template)
        _put_time(meeting, "scheduled_for", m.scheduled_for)
    _put_time(meeting, "started_at", m.started_at)
    _put_time(meeting, "ended_at", m.ended_at)
    if v2 and m.current_phase is not None and m.current_phase != (m.phases[-1].phase if m.phases else None):
        meeting["current_phase"] = m.current_phase
    phases = []
    for ph in m.phases:
        phase: dict[str, Any] = {"id": ph.phase}
        _put_time(phase, "started_at", ph.started_at)
        _put_time(phase, "ended_at", ph.ended_at)
        phases.append(phase)
    _put(meeting, "phases", phases)
    if not v2:
        return meeting
    pauses = []
    for pause in m.pauses:
        stretch: dict[str, Any] = {"started_at": format_time(pause.started_at)}
        _put_time(stretch, "ended_at", pause.ended_at)
        pauses.append(stretch)
    _put(meeting, "pauses", pauses)
    _put(meeting, "attendance", [names[i] for i in m.attendees if i in names])
    pulse: dict[str, Any] = {}
    for key, value in (("attended", m.pulse_attended), ("learned", m.pulse_learned),
                       ("would_attend", m.pulse_would_attend)):
        if value is not None:
            pulse[key] = value
    _put(pulse, "unclear", m.pulse_unclear)
    _put(meeting, "pulse", pulse)
    _put(meeting, "prompts", [{"phase": p.phase, "prompt": p.prompt, "status": p.status,
                               "at": format_time(p.at)} for p in m.prompts])
    return meeting


def _xml_safe_tree(value: Any) -> Any:
    """``value`` with every string in it (keys too) through :func:`xml_safe`."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {_xml_safe_tree(key): _xml_safe_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe_tree(item) for item in value]
    return value


#: Line breaks PyYAML writes as they are but reads back as a newline or a space (NEL; LS and PS to be safe).
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_exact(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """``value`` as a scalar that reads back as the same text: double-quoted (escaped) when it holds a
    line break PyYAML would otherwise change."""
    if _FOLDED_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


class TextDumper(yaml.SafeDumper):
    """SafeDumper whose strings always read back as written (the Markdown report's front matter uses it)."""


TextDumper.add_representer(str, _represent_exact)


class _BundleDumper(TextDumper):
    """TextDumper that writes times and dates bare and multi-line text as blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _FOLDED_BREAKS.search(value):
        return _represent_exact(dumper, value)
    # A string that reads as a YAML timestamp is tagged as one, so the emitter
    # leaves it unquoted (``at: 2026-03-02T09:14:00Z``, as in the design);
    # Debrief's loader keeps timestamps as text, so it reads back unchanged.
    detected = dumper.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if detected == "tag:yaml.org,2002:timestamp":
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_BundleDumper.add_representer(str, _represent_str)


def dump_yaml(doc: dict[str, Any]) -> str:
    """``doc`` as YAML, keys in document order."""
    return yaml.dump(doc, Dumper=_BundleDumper, sort_keys=False, allow_unicode=True)


def dump_json(doc: dict[str, Any]) -> str:
    """``doc`` as JSON, indented, non-ASCII kept as is."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_bundle(review: ReviewDoc, path: Path, *, fmt: str = "yaml", include_private: bool = True,
                 version: int = BUNDLE_VERSION) -> None:
    """Write the bundle of ``review`` to ``path`` as ``fmt`` (``yaml`` or ``json``), all or nothing."""
    doc = to_bundle(review, include_private=include_private, version=version)
    if fmt == "yaml":
        text = dump_yaml(doc)
    elif fmt == "json":
        text = dump_json(doc)
    else:
        raise ValueError(f"a review bundle is yaml or json, not {fmt!r}")
    write_atomic(path, text.encode("utf-8"))
