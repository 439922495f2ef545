"""What a review report says, independent of the file format.

:func:`report_blocks` turns a :class:`~models.snapshot.ReviewReport` into a flat
list of neutral blocks (headings, paragraphs, bullet lists, tables). Each
format module only renders blocks, so the Word and Markdown reports always
hold the same content in the same order.

Times are shown in the review's timezone with the zone's abbreviation
(``2026-03-02 10:14 CET``); a time that was never recorded reads "unknown".

Text reaches every format through one cleaner, :func:`xml_safe`: the blocks
are cleaned where they are made, and the few strings a format writes beside
them (Word's document properties, Markdown's front matter, the bundle, the
actions CSV) call it themselves. A review the library can hold always exports.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import stat
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Literal

from models import meetings
from models.catalog import Template
from models.meetings import PhaseTime, Pulse
from models.metrics import (
    UNKNOWN,
    against_plan,
    describe,
    duration_between,
    format_duration,
    key_metrics,
    time_is_approximate,
)
from models.snapshot import EventRow, MeetingRow, NoteRow, ParticipantRow, ReviewDoc, ReviewReport
from models.timefmt import as_utc, labelled
from models.vocabulary import LEARNING_CATEGORIES, ROLES, label

NOTHING = "Nothing recorded."
EMPTY_CELL = "—"
APPROXIMATE = "≈ "
CHART_TITLE = "Who knew what when"
CHART_ALT = ("Swimlane chart: one lane per participant and one for systems and alerts; each timeline event "
             "is a mark, shaped by how the knowledge arrived, along a time axis.")
CHART_CAPTION = ("Each event is a mark in the lane of everyone named on it, and in the systems lane when it "
                 "came from an alert or dashboard or names no one. The shape says how the knowledge arrived; "
                 "a hollow mark has an approximate time; dashed lines are the incident's own times.")
CHART_SUFFIX = "-who-knew-what-when.png"
EVENT_NOTE = "↳ "

#: What stands in for a lone surrogate (half of a UTF-16 pair): UTF-8 cannot encode one.
REPLACEMENT = "\ufffd"
# Characters XML 1.0 cannot hold (C0 controls but tab, newline and carriage
# return; U+FFFE, U+FFFF): a pasted terminal escape or NUL makes python-docx
# refuse the whole document, Python-Markdown mistakes \x02/\x03 for its own
# placeholders, and a surrogate cannot be written as UTF-8 at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Heading:
    """Level 0 is the document title, 1 a section, 2 a subsection."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    italic: bool = False


@dataclass(frozen=True)
class Bullet:
    """One list item; ``lead`` (if any) is shown in bold, followed by a colon."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class BulletList:
    items: tuple[Bullet, ...]


@dataclass(frozen=True)
class Table:
    """A header row and text rows; a cell may hold several lines.

    ``weights`` are relative column widths, a hint for formats with a page.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[int, ...] = ()


@dataclass(frozen=True)
class Picture:
    """A PNG picture, as wide as the text; ``alt`` describes it for readers who cannot see it."""

    png: bytes
    alt: str


Block = Heading | Paragraph | BulletList | Table | Picture

Audience = Literal["full", "summary"]
#: Learnings an executive summary shows at most.
SUMMARY_LEARNINGS = 5


@dataclass(frozen=True)
class ReportOptions:
    """What a report holds: private notes, optional sections, and for whom (full or one-page summary)."""

    include_private: bool = False
    include_timeline: bool = True
    include_chart: bool = True
    include_meeting_record: bool = True
    audience: Audience = "full"

    @property
    def shows_chart(self) -> bool:
        """Whether a report made with these options has a place for the chart."""
        return self.include_chart and self.audience == "full"


# ---------------------------------------------------------------- text helpers

def xml_safe(text: str) -> str:
    """``text`` with only characters XML 1.0 allows: the one cleaner every export's text goes through.

    Control characters other than tab, newline and carriage return, U+FFFE
    and U+FFFF are dropped; a lone surrogate becomes U+FFFD. Everything else
    (right-to-left text, emoji, private-use characters) is kept as typed. The
    library can hold all of these (only NUL is refused on the way in), so
    every format cleans rather than fails.
    """
    text = _NOT_XML.sub("", text)
    return text if text.isascii() else _SURROGATE.sub(REPLACEMENT, text)


def clean(text: str | None) -> str:
    """``text`` with unified line ends and no outer blanks, XML-safe (:func:`xml_safe`)."""
    if not text:
        return ""
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def format_time(moment: datetime | None, zone: tzinfo) -> str:
    """``2026-03-02 10:14 CET`` in ``zone``; "unknown" when there is no time.

    A naive time is read as UTC (:func:`models.timefmt.as_utc`).
    """
    if moment is None:
        return UNKNOWN
    return labelled(as_utc(moment), zone)


def iso_time(moment: datetime | None, zone: tzinfo) -> str | None:
    """ISO 8601 with the offset of ``zone`` (None when there is no time)."""
    if moment is None:
        return None
    return as_utc(moment).astimezone(zone).isoformat()


def format_span(start: datetime | None, end: datetime | None) -> str:
    """How long from ``start`` to ``end`` (``1 h 05 min``); "unknown" if either is missing.

    A negative span is shown with a minus sign rather than hidden: it means
    the recorded times contradict each other, which the reader should see.
    """
    span = duration_between(start, end)
    return UNKNOWN if span is None else format_duration(span)


def severity_text(report: ReviewReport) -> str:
    """``SEV2 — Major: <definition>``; the bare id when the definition is not known here."""
    review = report.review
    if not review.severity:
        return "not set"
    severity = report.severity
    if severity is None:
        return f"{review.severity} (no definition found)"
    text = f"{severity.id} — {severity.name}"
    return f"{text}: {clean(severity.description)}" if severity.description else text


def timezone_text(review: ReviewDoc) -> str:
    if review.zone().key != review.timezone:
        return f"{review.timezone} (not known on this computer; times are shown in UTC)"
    return review.timezone


def participant_context(person: ParticipantRow) -> str:
    """A short line about how someone came to be involved."""
    parts: list[str] = []
    if person.on_call is not None:
        parts.append("on call" if person.on_call else "not on call")
    if person.brought_in.strip():
        parts.append(f"brought in: {clean(person.brought_in)}")
    if person.worked_with_team_before is not None:
        parts.append("had worked with the team before" if person.worked_with_team_before
                     else "had not worked with the team before")
    return "; ".join(parts)


def participants_by_role(participants: Iterable[ParticipantRow]) -> list[tuple[str, list[ParticipantRow]]]:
    """``(role label, people)`` in vocabulary order; someone with two roles is listed under both.

    Unknown role ids follow the known ones; people without a role come last.
    """
    groups: dict[str, list[ParticipantRow]] = {}
    no_role: list[ParticipantRow] = []
    for person in participants:
        if not person.roles:
            no_role.append(person)
        for role in dict.fromkeys(person.roles):
            groups.setdefault(role, []).append(person)
    order = {role: index for index, role in enumerate(ROLES)}
    ordered = sorted(groups, key=lambda role: (order.get(role, len(order)), role))
    result = [(label(role), groups[role]) for role in ordered]
    if no_role:
        result.append(("No role recorded", no_role))
    return result


def facilitators(review: ReviewDoc) -> list[str]:
    """The names of the participants with the facilitator role, in the review's order."""
    return [clean(p.name) for p in review.participants if "facilitator" in p.roles]


def incident_date(review: ReviewDoc) -> str:
    """When the incident started, in the review's zone; else the first of its other times that is known."""
    for field in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        if getattr(review, field) is not None:
            return review_time(review, field)
    return UNKNOWN


def title_facts(report: ReviewReport) -> tuple[tuple[str, str], ...]:
    """What a reader sees first under the title: incident date, severity, facilitator(s), review status.

    The facilitator line is left out when no participant has that role. Cleaned (XML-safe).
    """
    review = report.review
    severity = report.severity
    if not review.severity:
        level = "not set"
    elif severity is None:
        level = clean(review.severity)
    else:
        level = clean(f"{severity.id} — {severity.name}")
    rows = [("Incident date", incident_date(review)), ("Severity", level)]
    names = facilitators(review)
    if names:
        rows.append(("Facilitator" if len(names) == 1 else "Facilitators", ", ".join(names)))
    rows.append(("Review status", xml_safe(label(review.status))))
    return tuple(rows)


def note_lead(note: NoteRow) -> str:
    """The note's kind, marked when the note is facilitator-only."""
    return f"{label(note.kind)} (private)" if note.private else label(note.kind)


def note_body(note: NoteRow) -> str:
    """The note's text followed by who said it."""
    text = clean(note.text)
    return f"{text} — {clean(note.author)}" if note.author else text


def event_time(event: EventRow, zone: tzinfo) -> str:
    text = format_time(event.at, zone)
    return APPROXIMATE + text if event.approximate else text


def review_time(review: ReviewDoc, field: str) -> str:
    """One of the review's own times, marked ≈ when the timeline says it is an estimate."""
    text = format_time(getattr(review, field), review.zone())
    return APPROXIMATE + text if time_is_approximate(review, field) else text


def cell(text: str | None) -> str:
    """Table cell text; an empty value shows as a dash so no cell looks forgotten."""
    value = clean(text)
    return value if value else EMPTY_CELL


# ---------------------------------------------------------------- the report

def _nothing() -> Paragraph:
    return Paragraph(NOTHING, italic=True)


def _note_bullets(notes: Iterable[NoteRow]) -> list[Block]:
    items = tuple(Bullet(note_body(n), note_lead(n)) for n in notes)
    return [BulletList(items)] if items else [_nothing()]


def _facts(report: ReviewReport) -> list[Block]:
    review = report.review
    rows = (
        ("Kind", label(review.kind)),
        ("Status", label(review.status)),
        ("Severity", severity_text(report)),
        ("Started", review_time(review, "started_at")),
        ("Detected", review_time(review, "detected_at")),
        ("Mitigated", review_time(review, "mitigated_at")),
        ("Resolved", review_time(review, "resolved_at")),
        *((metric.label, describe(metric)) for metric in key_metrics(review)),
        ("Time zone", timezone_text(review)),
        ("Services", ", ".join(clean(s) for s in review.services) or "none"),
        ("Tags", ", ".join(clean(t) for t in review.tags) or "none"),
        ("Impact", clean(review.impact) or "not recorded"),
    )
    return [Heading(1, "Incident facts"), Table(("Fact", "Value"), rows, (1, 3))]


def _participants(review: ReviewDoc) -> list[Block]:
    blocks: list[Block] = [Heading(1, "Participants")]
    groups = participants_by_role(review.participants)
    if not groups:
        return [*blocks, _nothing()]
    for role, people in groups:
        blocks.append(Heading(2, role))
        blocks.append(BulletList(tuple(Bullet(participant_context(p), clean(p.name)) for p in people)))
    return blocks


def _timeline(review: ReviewDoc, notes: tuple[NoteRow, ...]) -> list[Block]:
    blocks: list[Block] = [Heading(1, "Timeline")]
    if not review.events:
        return [*blocks, _nothing()]
    zone = review.zone()
    about: dict[int, list[NoteRow]] = {}
    for note in notes:
        if note.event_id is not None:
            about.setdefault(note.event_id, []).append(note)
    rows = []
    for event in sorted(review.events, key=lambda e: (as_utc(e.at), e.id)):
        what = clean(event.text)
        for note in about.get(event.id, ()):
            what += f"\n{EVENT_NOTE}{note_lead(note)}: {note_body(note)}"
        rows.append((
            event_time(event, zone),
            label(event.kind),
            what or EMPTY_CELL,
            cell(event.source),
            cell(", ".join(event.participants)),
        ))
    blocks.append(Table(("Time", "Kind", "What happened", "Source", "Who"), tuple(rows), (6, 5, 13, 4, 4)))
    return blocks


def _chart(report: ReviewReport) -> list[Block]:
    # Only with a picture: a review without events has nothing to draw, and its
    # Timeline section already says so.
    if not report.chart_png:
        return []
    return [
        Heading(1, CHART_TITLE),
        Picture(report.chart_png, CHART_ALT),
        Paragraph(CHART_CAPTION, italic=True),
    ]


def chart_file_name(report_path: Path | str) -> str:
    """The chart's file name beside a report: ``<stem>-who-knew-what-when.png``."""
    return f"{Path(report_path).stem}{CHART_SUFFIX}"


#: Notes that have a section of their own, by note kind: ``(section heading, the phase it takes in)``.
#: The discussion leaves these notes out, and those phases (whose names are the sections'), so that no
#: note and no heading is in the report twice. A later actions meeting's "Parking lot" phase stays in
#: the discussion under the meeting's name, with its notes of other kinds (see :func:`section_phases`).
NOTE_SECTIONS: dict[str, tuple[str, str]] = {
    "went-well": ("What went well", "went-well"),
    "surprise": ("Surprises", "surprises"),
    "learning": ("Learnings", "learnings"),
    "parking-lot": ("Parking lot", "parking-lot"),
}
#: Phases whose section takes them in only when they are the review's own (not a later meeting's).
_OWN_ONLY = frozenset(("parking-lot",))


def section_phases(report: ReviewReport) -> dict[str, str]:
    """``{phase id: note kind}`` of the phases the sections of :data:`NOTE_SECTIONS` take in."""
    own = set(report.template.phase_ids())
    return {phase: kind for kind, (_heading, phase) in NOTE_SECTIONS.items()
            if phase not in _OWN_ONLY or phase in own}


def note_section(note: NoteRow, phases: dict[str, str]) -> str | None:
    """The kind of :data:`NOTE_SECTIONS` whose section shows ``note``; None for the discussion.

    A note's kind decides first (a surprise voiced during the timeline walkthrough is
    one of the surprises); otherwise its phase, one of ``phases`` (:func:`section_phases`):
    a question asked while the room listed what went well is shown there, with its kind.
    """
    if note.kind in NOTE_SECTIONS:
        return note.kind
    return phases.get(note.phase)


def _note_section(report: ReviewReport, kind: str, notes: tuple[NoteRow, ...]) -> list[Block]:
    """One of :data:`NOTE_SECTIONS`: its notes, each with its kind unless it is the section's own."""
    phases = section_phases(report)
    mine = [n for n in notes if note_section(n, phases) == kind]
    items = tuple(Bullet(note_body(n), note_lead(n) if n.kind != kind else "(private)" if n.private else "")
                  for n in mine)
    return [Heading(1, NOTE_SECTIONS[kind][0]), BulletList(items) if items else _nothing()]


def _discussion(report: ReviewReport, notes: tuple[NoteRow, ...]) -> list[Block]:
    """The notes of each phase, but those :data:`NOTE_SECTIONS` show (and those sections' phases)."""
    blocks: list[Block] = [Heading(1, "Discussion")]
    taken = section_phases(report)
    notes = tuple(n for n in notes if note_section(n, taken) is None)
    phases = [p for p in report.template.phases if p.id not in taken]
    for phase in phases:
        said = [n for n in notes if n.phase == phase.id]
        if not said and phase.id == "actions":
            # The actions phase is optional like the Actions section: an empty
            # one is left out rather than shown as a heading with nothing under it.
            continue
        blocks.append(Heading(2, phase.name))
        blocks.extend(_note_bullets(said))
    known = {p.id for p in phases} | set(taken)
    # A later meeting with its own template (an actions meeting) adds the phases
    # the review's template lacks, headed with the meeting's name.
    for template in report.meeting_templates:
        held = any(m.template == template.id and m.started_at is not None for m in report.review.meetings)
        for phase in template.phases:
            if phase.id in known:
                continue
            known.add(phase.id)
            said = [n for n in notes if n.phase == phase.id]
            if not said and (not held or phase.id == "actions"):
                continue
            blocks.append(Heading(2, f"{template.name} · {phase.name}"))
            blocks.extend(_note_bullets(said))
    # Notes from a phase the template no longer has (the template was edited or
    # swapped) are still part of the record.
    stray = [n for n in notes if n.phase not in known]
    if stray:
        blocks.append(Heading(2, "Other notes"))
        blocks.extend(_note_bullets(stray))
    return blocks


def _learnings(review: ReviewDoc, notes: tuple[NoteRow, ...] = (), phases: dict[str, str] | None = None,
               ) -> list[Block]:
    """The recorded learnings by category, then the learning ``notes`` none of them already says."""
    blocks: list[Block] = [Heading(1, "Learnings")]
    order = {c: i for i, c in enumerate(LEARNING_CATEGORIES)}
    learnings = sorted(review.learnings, key=lambda x: order.get(x.category, len(order)))
    items = [Bullet(clean(x.text), label(x.category)) for x in learnings]
    recorded = {clean(x.text) for x in learnings}
    items += [Bullet(note_body(n), note_lead(n)) for n in notes
              if note_section(n, phases or {}) == "learning" and clean(n.text) not in recorded]
    return [*blocks, BulletList(tuple(items)) if items else _nothing()]


def _actions(review: ReviewDoc) -> list[Block]:
    # Actions are optional in a blameless review: with none, the report says
    # nothing about them at all rather than showing an empty section.
    if not review.actions:
        return []
    rows = []
    for action in review.actions:
        title = "\n".join(part for part in (clean(action.title), clean(action.description),
                                            clean(action.link)) if part)
        rows.append((
            title or EMPTY_CELL,
            cell(action.owner),
            action.due.isoformat() if action.due else EMPTY_CELL,
            label(action.priority),
            label(action.status),
        ))
    return [Heading(1, "Actions"),
            Table(("Title", "Owner", "Due", "Priority", "Status"), tuple(rows), (6, 2, 2, 2, 2))]


def _meetings(report: ReviewReport) -> list[Block]:
    review = report.review
    blocks: list[Block] = [Heading(1, "Meetings")]
    if not review.meetings:
        return [*blocks, _nothing()]
    for meeting in review.meetings:
        blocks.append(Heading(2, f"{label(meeting.kind)} meeting"))
        blocks += _meeting_record(report, meeting, review.zone())
    return blocks


def _meeting_record(report: ReviewReport, meeting: MeetingRow, zone: tzinfo) -> list[Block]:
    """When it ran, its pauses, time per phase against the plan, the phase log, and the pulse."""
    template = report.template_of(meeting)
    if meeting.started_at is None and meeting.scheduled_for is not None:
        when = (f"{label(meeting.kind)} meeting, scheduled for {format_time(meeting.scheduled_for, zone)};"
                " not held yet.")
        if template is not report.template:
            when += f" Phases: {', '.join(p.name for p in template.phases)}."
    else:
        when = (f"Started {format_time(meeting.started_at, zone)},"
                f" ended {format_time(meeting.ended_at, zone)}"
                f" (duration {format_span(meeting.started_at, meeting.ended_at)}).")
    blocks: list[Block] = [Paragraph(when)]
    pauses = _pauses_text(meeting, zone)
    if pauses:
        blocks.append(Paragraph(pauses))
    times = meetings.phase_times(meeting, template, now=_counted_until(meeting))
    if times:
        blocks.append(BulletList(tuple(Bullet(phase_time_text(report, t, template)) for t in times)))
    if meeting.phases:
        rows = []
        for ran in meeting.phases:
            phase = template.phase(ran.phase)
            rows.append((
                phase.name if phase is not None else ran.phase,
                format_time(ran.started_at, zone),
                format_time(ran.ended_at, zone),
                format_span(ran.started_at, ran.ended_at),
            ))
        blocks.append(Table(("Phase", "Started", "Ended", "Duration"), tuple(rows), (4, 3, 3, 2)))
    pulse = pulse_text(meetings.pulse_of(meeting))
    if pulse:
        blocks.append(Paragraph(f"Did the meeting work? {pulse}"))
    return blocks


def _counted_until(meeting: MeetingRow) -> datetime:
    """Where a meeting's open stretches stop counting in a report: its end, or its last recorded moment.

    A report is a function of what was recorded, so a meeting still running
    when it is made counts up to its last recorded change, not up to the
    moment of export (the same review exported twice reads the same).
    """
    if meeting.ended_at is not None:
        return meeting.ended_at
    # With no recorded moment at all there is nothing to count either.
    return meetings.last_activity(meeting) or datetime.min.replace(tzinfo=UTC)


def phase_time_text(report: ReviewReport, time: PhaseTime, template: Template | None = None) -> str:
    """``Timeline walkthrough: 32 min of 25 planned``; a phase still running is marked so."""
    phase = (template or report.template).phase(time.phase)
    name = phase.name if phase is not None else time.phase
    minutes = meetings.whole_minutes(time.actual)
    actual, planned = against_plan(minutes, time.planned_minutes)
    if time.in_progress and minutes == 0:
        return f"{name}: in progress" + (f", {planned} planned" if planned is not None else "")
    text = f"{name}: {actual}" + (f" of {planned} planned" if planned is not None else "")
    return f"{text}, still in progress" if time.in_progress else text


def _pauses_text(meeting: MeetingRow, zone: tzinfo) -> str:
    """``Paused 10 min (… to …); 55 min of meeting time.`` Empty if the clock never stopped.

    A pause still open in a running meeting reads "paused since …"; one never
    resumed in a meeting that is over ended with the meeting and is not shown.
    """
    closed = [p for p in meeting.pauses if p.ended_at is not None and p.ended_at > p.started_at]
    since = next((p.started_at for p in meeting.pauses if p.ended_at is None), None)
    if meeting.ended_at is not None:
        since = None
    sentences: list[str] = []
    if closed:
        spans = "; ".join(f"{format_time(p.started_at, zone)} to {format_time(p.ended_at, zone)}"
                          for p in closed)
        until = _counted_until(meeting)
        total = " in all" if len(closed) > 1 else ""
        text = f"Paused {format_duration(meetings.paused_time(meeting, now=until))}{total} ({spans})"
        if meeting.ended_at is not None and meeting.started_at is not None:
            text += f"; {format_duration(meetings.meeting_elapsed(meeting, now=until))} of meeting time"
        sentences.append(text)
    if since is not None:
        sentences.append(f"{'paused again' if closed else 'Paused'} since {format_time(since, zone)}")
    return "; ".join(sentences) + "." if sentences else ""


def pulse_text(pulse: Pulse) -> str:
    """``7 attended; 5 learned something new; 6 would attend another review; still unclear: …``."""
    parts = []
    if pulse.attended is not None:
        parts.append(f"{pulse.attended} attended")
    if pulse.learned is not None:
        parts.append(f"{pulse.learned} learned something new")
    if pulse.would_attend is not None:
        parts.append(f"{pulse.would_attend} would attend another review")
    unclear = clean(pulse.unclear)
    if unclear:
        parts.append(f"still unclear: {unclear}")
    return "; ".join(parts)


def visible_notes(review: ReviewDoc, *, include_private: bool) -> tuple[NoteRow, ...]:
    return tuple(n for n in review.notes if include_private or not n.private)


def report_title(review: ReviewDoc) -> str:
    return clean(review.title) or "Untitled review"


def report_blocks(report: ReviewReport, *, include_private: bool = False,
                  options: ReportOptions | None = None) -> list[Block]:
    """The whole report, in reading order, as ``options`` ask (``include_private`` is used without them).

    Full (the order of issue 5): title and summary, incident facts (with the key
    metrics), who knew what when (the chart, if the report has one), the timeline
    (with the notes about each event), the discussion phase by phase, what went
    well, surprises, learnings, actions (only if there are any), parking lot,
    participants by role, meetings. Each heading once: the notes of what went
    well, surprises, learnings and the parking lot are in their own sections,
    not also in the discussion (:func:`note_section`). The chart, timeline and meetings can
    each be left out.
    Summary: see :func:`summary_blocks`.

    Every text in the blocks is XML-safe (:func:`xml_safe_block`), whichever
    helper made it: vocabulary ids, phase ids and time zones come from the
    library as stored, and no format has to remember to clean them.
    """
    options = options or ReportOptions(include_private=include_private)
    blocks = summary_blocks(report) if options.audience == "summary" else _full_report(report, options)
    return [xml_safe_block(block) for block in blocks]


def xml_safe_block(block: Block) -> Block:
    """``block`` with every text in it through :func:`xml_safe` (a picture's bytes are left alone)."""
    if isinstance(block, Heading):
        return Heading(block.level, xml_safe(block.text))
    if isinstance(block, Paragraph):
        return Paragraph(xml_safe(block.text), block.italic)
    if isinstance(block, BulletList):
        return BulletList(tuple(Bullet(xml_safe(item.text), xml_safe(item.lead)) for item in block.items))
    if isinstance(block, Table):
        return Table(tuple(xml_safe(text) for text in block.header),
                     tuple(tuple(xml_safe(text) for text in row) for row in block.rows), block.weights)
    return Picture(block.png, xml_safe(block.alt))


def _full_report(report: ReviewReport, options: ReportOptions) -> list[Block]:
    review = report.review
    notes = visible_notes(review, include_private=options.include_private)
    blocks: list[Block] = [Heading(0, report_title(review))]
    summary = clean(review.summary)
    if summary:
        blocks.append(Paragraph(summary))
    blocks += _facts(report)
    if options.include_chart:
        blocks += _chart(report)
    if options.include_timeline:
        blocks += _timeline(review, notes)
    blocks += _discussion(report, notes)
    blocks += _note_section(report, "went-well", notes)
    blocks += _note_section(report, "surprise", notes)
    blocks += _learnings(review, notes, section_phases(report))
    blocks += _actions(review)
    blocks += _note_section(report, "parking-lot", notes)
    blocks += _participants(review)
    if options.include_meeting_record:
        blocks += _meetings(report)
    return blocks


def summary_blocks(report: ReviewReport) -> list[Block]:
    """The one-page executive summary: title, summary, key facts, top learnings, actions (if any).

    No notes at all, so private notes never reach it whatever the options say.
    Formats get it through :func:`report_blocks`, which makes its text XML-safe.
    """
    review = report.review
    blocks: list[Block] = [Heading(0, report_title(review))]
    summary = clean(review.summary)
    if summary:
        blocks.append(Paragraph(summary))
    rows = (
        ("Severity", severity_text(report)),
        ("Started", review_time(review, "started_at")),
        ("Detected", review_time(review, "detected_at")),
        ("Mitigated", review_time(review, "mitigated_at")),
        ("Resolved", review_time(review, "resolved_at")),
        *((metric.label, describe(metric)) for metric in key_metrics(review)),
        ("Services", ", ".join(clean(s) for s in review.services) or "none"),
        ("Impact", clean(review.impact) or "not recorded"),
    )
    blocks += [Heading(1, "Key facts"), Table(("Fact", "Value"), rows, (1, 3))]
    learnings = _learnings(review)
    learnings[0] = Heading(1, "Top learnings")
    last = learnings[-1]
    if isinstance(last, BulletList):
        learnings[-1] = BulletList(last.items[:SUMMARY_LEARNINGS])
    blocks += learnings
    blocks += _actions(review)
    return blocks


# ---------------------------------------------------------------- files

def write_atomic(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either complete or untouched.

    The bytes go to a new file beside ``path`` first and replace it in one
    step; on any failure the temporary file is removed and an existing
    ``path`` keeps its old content.
    """
    write_atomic_many([(Path(path), data)])


def write_atomic_many(files: Iterable[tuple[Path, bytes]]) -> None:
    """Write several files that belong together (a report and its picture) as nearly at once as can be.

    Every file is written completely beside its target first; only then are
    they moved into place, each in one step, in the order given (put the file
    that refers to the others last). A failure while writing leaves every
    target untouched; temporary files never stay behind.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for given, data in files:
            target = _real_target(given)
            remove_stale_temps(target)
            temp = _new_temp(target)
            temps.append((temp, target))
            _keep_mode(target, temp)  # before the data: a private report is never readable on the way
            with open(temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for temp, target in temps:
            os.replace(temp, target)
    except BaseException:
        for temp, _target in temps:
            temp.unlink(missing_ok=True)
        raise


def _real_target(path: Path) -> Path:
    """Where writing ``path`` should land: through a symlink to its target; never over a device or folder.

    Replacing the path itself would turn a link into a plain file (and, as root,
    a device node such as /dev/full into one).
    """
    resolved = Path(os.path.realpath(path))
    if resolved.exists() and not resolved.is_file():
        raise IsADirectoryError(21, "not a regular file; choose a file name to write", str(path))
    return resolved


def _keep_mode(target: Path, temp: Path) -> None:
    """Give ``temp`` the permissions of the ``target`` it replaces (a 0600 report stays 0600)."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return
    os.chmod(temp, mode)


#: A temporary file of ours: ".<target>.<pid>.<random>.tmp" (the pid tells a live writer from a killed one).
_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove the temporary files a killed export left beside ``target``; returns what was removed.

    Only files of our own naming whose writing process no longer runs are
    touched: an export still running in another process keeps its file.
    """
    removed: list[Path] = []
    try:
        candidates = list(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        match = _TEMP_NAME.fullmatch(candidate.name)
        if match is None or match["target"] != target.name:
            continue
        try:
            age = time.time() - candidate.stat().st_mtime
        except OSError:
            continue
        # An hour-old temp is a leftover wherever it came from (another machine on a shared
        # folder, Windows where no pid is checked); a younger one only when its writer is gone here.
        if age < STALE_TEMP_SECONDS and _running(int(match["pid"])):
            continue
        try:
            if sys.platform == "win32":
                os.chmod(candidate, stat.S_IWRITE)  # a read-only file cannot be removed there
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
    return removed


#: How old a temporary file must be to be removed whoever wrote it (seconds).
STALE_TEMP_SECONDS = 3600


def _running(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":
        # On Windows os.kill(pid, 0) would end the process: never judge there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or not ours to judge): leave its file alone
    return True


def _new_temp(target: Path) -> Path:
    """A new, empty file beside ``target``, with the usual permissions (umask), not tempfile's 0600."""
    while True:
        temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            # "x" rather than tempfile: the file gets the usual permissions once it becomes the report.
            open(temp, "xb").close()
        except FileExistsError:
            continue
        return temp


# Table column widths from the text they hold: shared by the Word and the HTML/PDF reports.

#: A column sized to its text is at most this share of the text width (a long list of names wraps) ...
COLUMN_CAP = 0.24
#: ... unless its longest word needs more, up to this share (a 10,000-letter word breaks anyway).
WORD_CAP = 0.32
#: The share of the width the widest-weighted column ("What happened") keeps at least.
FLEX_MIN = 0.3


def fitted_column_widths(block: Table, text_width: int, *, em: int, padding: int) -> list[int]:
    """Widths that fit the table's text: short columns as wide as their longest line, the main one the rest.

    The column with the largest weight (the timeline's "What happened") takes
    what the others leave. Each other column is as wide as its longest line
    (header included) in bold text of ``em`` units an em, plus ``padding``, at most :data:`COLUMN_CAP`
    of the width, but never narrower than its longest word (up to
    :data:`WORD_CAP`), so "Communication" or "Responder A" is never split.
    When the short columns would leave the main one less than
    :data:`FLEX_MIN`, they shrink towards their longest words, then below.
    The widths add up to ``text_width`` (any unit: the Word report's EMU, the HTML's per-mille).
    """
    columns = len(block.header)
    weights = block.weights if len(block.weights) == columns else (1,) * columns
    if columns == 1:
        return [text_width]
    flex = weights.index(max(weights))
    lines: list[set[str]] = [set() for _ in range(columns)]
    for row in (block.header, *block.rows):
        for index, text in enumerate(row):
            if index != flex:
                lines[index].update(text.split("\n"))
    fixed = [0] * columns
    least = [0] * columns
    for index in range(columns):
        if index == flex:
            continue
        longest_line = max((_text_em(line) for line in lines[index]), default=0.0)
        longest_word = max((_text_em(word) for line in lines[index] for word in line.split()), default=0.0)
        word = min(int(longest_word * em) + padding, int(text_width * WORD_CAP))
        least[index] = word
        fixed[index] = max(min(int(longest_line * em) + padding, int(text_width * COLUMN_CAP)), word)
    room = text_width - int(text_width * FLEX_MIN)
    if sum(fixed) > room:
        # Shrink what is above each column's longest word first, then everything alike.
        spare = sum(fixed) - sum(least)
        over = sum(fixed) - room
        if spare >= over:
            fixed = [f - (f - m) * over // spare if spare else f for f, m in zip(fixed, least, strict=True)]
        else:
            total = sum(least)
            fixed = [m * room // total for m in least]
    fixed[flex] = text_width - sum(fixed)
    return fixed


#: Advance widths of a bold sans-serif body font (Calibri, Carlito, Arial) in em, a little generous.
_NARROW = frozenset(" .,:;'!|()[]{}ijlftrI1\"-/")
_WIDE = frozenset("mwMW@%&—…")


def _text_em(text: str) -> float:
    """How wide ``text`` is in bold body text, in em (an estimate that errs on the wide side)."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.33
        elif char in _WIDE:
            width += 0.9
        elif char.isupper():
            width += 0.64
        elif char.isascii():
            width += 0.54
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        else:
            width += 0.6
    return width * 1.05  # Arial and Cambria run a little wider than Calibri
