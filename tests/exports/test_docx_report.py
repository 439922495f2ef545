"""The Word report, read back with python-docx."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument

from exports.docx_report import to_docx, write_docx
from models import meetings, notes, reviews, timeline
from models.catalog import load_catalog
from models.snapshot import (
    ActionRow,
    EventRow,
    LearningRow,
    MeetingPauseRow,
    MeetingPhaseRow,
    MeetingRow,
    NoteRow,
    ParticipantRow,
    ReviewDoc,
    ReviewReport,
    load_review,
)
from models.store import Library


def at(hour: int, minute: int, *, day: int = 2, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def note(note_id: int, phase: str, kind: str, text: str, *, author: str | None = None,
         event_id: int | None = None, private: bool = False) -> NoteRow:
    return NoteRow(note_id, phase, kind, text, None, None, author, event_id, private, at(12, 0))


def make_review(**changes: object) -> ReviewDoc:
    """A reviewed SEV2 in Europe/Berlin with one of everything; ``changes`` replace fields."""
    review = ReviewDoc(
        id=1, title="Checkout errors after config push", summary="Checkout failed for a third of users.",
        severity="SEV2", kind="incident", status="reviewed", timezone="Europe/Berlin", template="standard",
        started_at=at(9, 14), detected_at=at(9, 31), mitigated_at=None, resolved_at=at(11, 2),
        impact="Orders failed", services=("checkout", "config-service"), tags=("config", "rollout"),
        created_at=at(12, 0, day=4), updated_at=at(13, 0, day=4),
        participants=(
            ParticipantRow(1, "Responder A", ("incident-commander",), True, "paged by alert", False),
            ParticipantRow(2, "Facilitator B", ("facilitator",), None, "", None),
        ),
        events=(
            EventRow(10, at(9, 14), "Config change rolled out to all regions", "change", "deploy log",
                     False, ("Responder A",)),
            EventRow(11, at(9, 31), "Error-rate alert fired", "detection", "alert", True, ()),
        ),
        notes=(
            note(100, "timeline", "surprise", "Dashboards looked normal because errors were sampled out",
                 author="Responder A", event_id=10),
            note(101, "went-well", "went-well", "Rollback took two minutes"),
            note(102, "level-setting", "observation", "A third of checkouts failed"),
            note(103, "wrap-up", "parking-lot", "Revisit the sampling budget"),
            note(104, "surprises", "observation", "Facilitator-only aside", private=True),
        ),
        learnings=(LearningRow(1, "Sampling can hide a total outage of one path", "technical", None),),
        actions=(ActionRow(1, "Alert on unsampled checkout errors", "", "Team Payments", date(2026, 3, 20),
                           "high", "open", "", None),),
        meetings=(MeetingRow(1, "review", at(10, 0, day=4), at(11, 5, day=4), None,
                             (MeetingPhaseRow("level-setting", at(10, 0, day=4), at(10, 9, day=4)),)),),
    )
    return dataclasses.replace(review, **changes)


def make_report(*, chart_png: bytes | None = None, **changes: object) -> ReviewReport:
    return ReviewReport.build(make_review(**changes), load_catalog(), chart_png)


def read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def all_text(document: WordDocument) -> str:
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def headings(document: WordDocument) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def facts(document: WordDocument) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}


def timeline_rows(document: WordDocument) -> list[list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Time")
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_headings_follow_report_order() -> None:
    """Title, then the sections and their subsections in the agreed order, by Word style."""
    assert headings(read(to_docx(make_report()))) == [
        ("Title", "Checkout errors after config push"),
        ("Heading 1", "Incident facts"),
        ("Heading 1", "Timeline"),
        ("Heading 1", "Discussion"),
        ("Heading 2", "Level setting"),
        ("Heading 2", "Timeline walkthrough"),
        ("Heading 2", "Wrap-up"),
        ("Heading 1", "What went well"),
        ("Heading 1", "Surprises"),
        ("Heading 1", "Learnings"),
        ("Heading 1", "Actions"),
        ("Heading 1", "Parking lot"),
        ("Heading 1", "Participants"),
        ("Heading 2", "Facilitator"),
        ("Heading 2", "Incident commander"),
        ("Heading 1", "Meetings"),
        ("Heading 2", "Review meeting"),
    ]


def test_summary_follows_title() -> None:
    """The summary is the first paragraph after the title block (title, details line, contents)."""
    paragraphs = read(to_docx(make_report())).paragraphs
    after = next(i for i, p in enumerate(paragraphs) if i > 2 and not p.style.name.startswith("toc"))
    assert paragraphs[2].text == "Contents" and paragraphs[after - 1].style.name == "toc 1"
    assert paragraphs[after].text == "Checkout failed for a third of users."


def test_core_properties_describe_review() -> None:
    """Title, subject and keywords (the tags) are set in the file's properties."""
    props = read(to_docx(make_report())).core_properties
    assert (props.title, props.subject, props.keywords) == (
        "Checkout errors after config push", "Incident review · SEV2", "config, rollout")


def test_every_public_note_text_is_present() -> None:
    """Each note that is not private appears somewhere in the report."""
    report = make_report()
    text = all_text(read(to_docx(report)))
    for n in report.review.notes:
        if not n.private:
            assert n.text in text


def test_notes_listed_under_their_phase_as_bullets() -> None:
    """A phase's note is a List Bullet under that phase's heading, labelled with its kind."""
    paragraphs = read(to_docx(make_report())).paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == "Level setting")
    bullet = paragraphs[index + 1]
    assert (bullet.style.name, bullet.text) == ("List Bullet", "Observation: A third of checkouts failed")


def test_private_note_left_out_by_default() -> None:
    """Facilitator-only notes are not exported unless asked for."""
    assert "Facilitator-only aside" not in all_text(read(to_docx(make_report())))


def test_private_note_included_when_asked() -> None:
    """With include_private=True the private note is exported, marked as private."""
    text = all_text(read(to_docx(make_report(), include_private=True)))
    assert "Observation (private): Facilitator-only aside" in text


def test_learning_listed_with_category() -> None:
    """A learning is a bullet labelled with its category."""
    paragraphs = [p.text for p in read(to_docx(make_report())).paragraphs]
    assert "Technical: Sampling can hide a total outage of one path" in paragraphs


def test_action_is_a_table_row() -> None:
    """An action is a row of the actions table: title, owner, due, priority, status."""
    document = read(to_docx(make_report()))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Title")
    assert [c.text for c in table.rows[1].cells] == [
        "Alert on unsampled checkout errors", "Team Payments", "2026-03-20", "High", "Open"]


def test_actions_heading_absent_without_actions() -> None:
    """With no actions there is no Actions section (nor an empty actions phase)."""
    document = read(to_docx(make_report(actions=())))
    assert not [text for _, text in headings(document) if text.startswith("Actions")]


def test_timeline_table_holds_event_texts() -> None:
    """Each event is a row of the timeline table, in time order."""
    rows = timeline_rows(read(to_docx(make_report())))
    assert rows[0] == ["Time", "Kind", "What happened", "Source", "Who"]
    assert [r[2].split("\n")[0] for r in rows[1:]] == [
        "Config change rolled out to all regions", "Error-rate alert fired"]


def test_event_time_in_review_timezone() -> None:
    """A 09:14Z event in Europe/Berlin in March reads 10:14 CET."""
    assert timeline_rows(read(to_docx(make_report())))[1][0] == "2026-03-02 10:14 CET"


@pytest.mark.parametrize(("zone", "month", "expected"), [
    ("Europe/Berlin", 7, "2026-07-02 11:14 CEST"),
    ("America/Sao_Paulo", 3, "2026-03-02 06:14 UTC-03:00"),
    ("UTC", 3, "2026-03-02 09:14 UTC"),
])
def test_zone_shown_by_abbreviation_or_offset(zone: str, month: int, expected: str) -> None:
    """Times carry the zone's abbreviation, or its UTC offset where it has no name."""
    report = make_report(timezone=zone, started_at=at(9, 14, month=month))
    assert facts(read(to_docx(report)))["Started"] == expected


def test_unknown_times_shown_as_unknown() -> None:
    """A time never recorded reads "unknown", and so does any duration that needs it."""
    document_facts = facts(read(to_docx(make_report())))
    assert (document_facts["Mitigated"], document_facts["Time to mitigate"]) == ("unknown", "unknown")


def test_durations_measured_from_start() -> None:
    """Time to detect and resolve count from the start of the incident."""
    exact = [e._replace(approximate=False) for e in make_review().events]
    document_facts = facts(read(to_docx(make_report(events=tuple(exact)))))
    assert (document_facts["Time to detect"], document_facts["Time to resolve"]) == ("17 min", "1 h 48 min")


def test_key_metrics_follow_the_times_in_the_facts() -> None:
    """The three key metrics come right after the four incident times, in reading order."""
    keys = list(facts(read(to_docx(make_report()))))
    start = keys.index("Started")
    assert keys[start:start + 7] == ["Started", "Detected", "Mitigated", "Resolved", "Time to detect",
                                     "Time to mitigate", "Time to resolve"]


def test_approximate_detection_makes_time_to_detect_approximate() -> None:
    """The detection event at the detected time is an estimate: the time and the metric say ≈."""
    document_facts = facts(read(to_docx(make_report())))
    assert (document_facts["Detected"], document_facts["Time to detect"]) == (
        "≈ 2026-03-02 10:31 CET", "≈ 17 min")


def test_detected_before_start_is_explained() -> None:
    """Contradicting times show a negative metric with what it means, never a silent zero."""
    document_facts = facts(read(to_docx(make_report(detected_at=at(9, 9), events=()))))
    assert document_facts["Time to detect"] == "−5 min (detected before the recorded start)"


def test_chart_is_an_inline_picture_under_its_heading(chart_png: bytes) -> None:
    """With a chart, the report has one inline picture, as wide as the text, after "Who knew what when"."""
    document = read(to_docx(make_report(chart_png=chart_png)))
    assert len(document.inline_shapes) == 1
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(document.inline_shapes[0].width - text_width) <= 1
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs)
                 if p.text == "Who knew what when" and p.style.name == "Heading 1")
    assert paragraphs[index].style.name == "Heading 1"
    assert paragraphs[index + 1]._p.xpath(".//pic:pic")


def test_chart_comes_before_the_timeline(chart_png: bytes) -> None:
    """The picture is the overview: its section sits between the facts and the timeline."""
    titles = [text for _, text in headings(read(to_docx(make_report(chart_png=chart_png))))]
    chart = titles.index("Who knew what when")
    assert titles.index("Incident facts") + 1 == chart == titles.index("Timeline") - 1


def test_chart_has_alt_text(chart_png: bytes) -> None:
    """Screen readers get a description of the chart."""
    document = read(to_docx(make_report(chart_png=chart_png)))
    description = document.inline_shapes[0]._inline.docPr.get("descr")
    assert description.startswith("Swimlane chart: one lane per participant")


def test_no_chart_no_picture_section() -> None:
    """Without a chart (no events to draw) there is no picture and no heading for it."""
    document = read(to_docx(make_report()))
    assert len(document.inline_shapes) == 0
    assert "Who knew what when" not in [text for _, text in headings(document)]


def test_approximate_time_marked() -> None:
    """An estimated event time is prefixed with ≈."""
    assert timeline_rows(read(to_docx(make_report())))[2][0] == "≈ 2026-03-02 10:31 CET"


def test_event_note_shown_with_its_event() -> None:
    """A note about an event is an indented line in that event's row."""
    row = timeline_rows(read(to_docx(make_report())))[1]
    assert row[2] == ("Config change rolled out to all regions\n"
                      "↳ Surprise: Dashboards looked normal because errors were sampled out — Responder A")


def test_severity_shows_definition() -> None:
    """Severity reads id, name and the organisation's definition."""
    assert facts(read(to_docx(make_report())))["Severity"].startswith(
        "SEV2 — Major: A core feature is broken or badly degraded")


def test_participants_listed_under_role() -> None:
    """Each person is a bullet under their role's heading, with how they were involved."""
    paragraphs = read(to_docx(make_report())).paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == "Incident commander")
    assert paragraphs[index + 1].text == (
        "Responder A: on call; brought in: paged by alert; had not worked with the team before")


def test_empty_section_says_nothing_recorded() -> None:
    """A section with nothing in it keeps its heading and says so in italics."""
    paragraphs = read(to_docx(make_report(learnings=()))).paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == "Learnings" and p.style.name == "Heading 1")
    following = paragraphs[index + 1]
    assert (following.text, following.runs[0].italic) == ("Nothing recorded.", True)


def test_tables_use_builtin_style() -> None:
    """Every table uses one of Word's built-in table styles."""
    assert {t.style.name for t in read(to_docx(make_report())).tables} == {"Light Grid Accent 1"}


def test_notes_of_unknown_phase_kept() -> None:
    """A note from a phase the template does not have is still exported."""
    report = make_report(notes=(note(1, "retired-phase", "observation", "Said in an old phase"),))
    paragraphs = [p.text for p in read(to_docx(report)).paragraphs]
    assert paragraphs[paragraphs.index("Other notes") + 1] == "Observation: Said in an old phase"


def test_control_characters_do_not_break_export() -> None:
    """Text pasted with terminal control characters still exports, without them."""
    pasted = EventRow(1, at(9, 0), "tail\x1b[31m log\x00", "observation", "", False, ())
    report = make_report(events=(pasted,))
    assert timeline_rows(read(to_docx(report)))[1][2] == "tail[31m log"


def test_write_docx_writes_file(tmp_path: Path) -> None:
    """write_docx leaves exactly the finished report in the folder."""
    path = tmp_path / "report.docx"
    write_docx(make_report(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]
    assert read(path.read_bytes()).core_properties.title == "Checkout errors after config push"


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the final step fails, the old report is untouched and no temporary file remains."""
    path = tmp_path / "report.docx"
    path.write_bytes(b"previous")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("exports.common.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_docx(make_report(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]
    assert path.read_bytes() == b"previous"


def test_report_from_library(library: Library) -> None:
    """A review stored in the library exports with its event, note and learning."""
    with library.begin() as session:
        review = reviews.create(session, title="Queue backlog", timezone="Europe/Berlin", severity="SEV3")
        event = timeline.add_event(session, review.id, at=at(9, 14), text="Consumer lag grew", kind="impact")
        notes.add_note(session, review.id, phase="timeline", kind="question", text="Who saw the lag first?",
                       event_id=event.id)
        notes.add_learning(session, review.id, text="Lag alerts page nobody", category="process")
        review_id = review.id
    with library.begin() as session:
        loaded = load_review(session, review_id)
    assert loaded is not None
    text = all_text(read(to_docx(ReviewReport.build(loaded, load_catalog()))))
    assert "2026-03-02 10:14 CET" in text
    assert "Consumer lag grew\n↳ Question: Who saw the lag first?" in text
    assert "Process: Lag alerts page nobody" in text


def held_meeting(**changes: object) -> MeetingRow:
    """A review meeting (Berlin: 11:00 to 12:05 CET) with 32 min of timeline, a 10-min break and a pulse."""
    meeting = MeetingRow(
        1, "review", at(10, 0, day=4), at(11, 5, day=4), "wrap-up",
        (MeetingPhaseRow("level-setting", at(10, 0, day=4), at(10, 8, day=4)),
         MeetingPhaseRow("timeline", at(10, 8, day=4), at(10, 50, day=4)),
         MeetingPhaseRow("wrap-up", at(10, 50, day=4), at(11, 5, day=4))),
        pauses=(MeetingPauseRow(at(10, 20, day=4), at(10, 30, day=4)),),
        pulse_attended=7, pulse_learned=5, pulse_would_attend=6,
        pulse_unclear="Who owns the sampling budget?",
    )
    return dataclasses.replace(meeting, **changes)


def meeting_text(meeting: MeetingRow) -> list[str]:
    """The paragraphs of the Meetings section, after its heading."""
    return meeting_text_of(read(to_docx(make_report(meetings=(meeting,)))))


def test_meeting_record_compares_each_phase_with_its_plan() -> None:
    """Each phase the meeting visited is a bullet: "Timeline walkthrough: 32 min of 25 planned"."""
    assert meeting_text(held_meeting())[3:6] == [
        "Level setting: 8 min of 10 planned",
        "Timeline walkthrough: 32 min of 25 planned",
        "Wrap-up: 15 min of 5 planned",
    ]


def test_meeting_record_shows_pauses() -> None:
    """The break is shown with its length and times, and the meeting time without it."""
    assert meeting_text(held_meeting())[2] == (
        "Paused 10 min (2026-03-04 11:20 CET to 2026-03-04 11:30 CET); 55 min of meeting time.")


def test_meeting_record_shows_the_pulse() -> None:
    """The pulse numbers and what is still unclear close the meeting record."""
    assert meeting_text(held_meeting())[-1] == (
        "Did the meeting work? 7 attended; 5 learned something new; 6 would attend another review; "
        "still unclear: Who owns the sampling budget?")


def test_a_pulse_not_taken_is_left_out() -> None:
    """Without a pulse the meeting record says nothing about it."""
    assert not [p for p in meeting_text(held_meeting(pulse_attended=None, pulse_learned=None,
                                                     pulse_would_attend=None, pulse_unclear=""))
                if p.startswith("Did the meeting work?")]


def test_a_running_phase_is_marked_in_progress() -> None:
    """A report made mid-meeting says the current phase is under way rather than inventing its time."""
    running = held_meeting(ended_at=None, pauses=(), phases=(
        MeetingPhaseRow("timeline", at(10, 0, day=4), at(10, 32, day=4)),
        MeetingPhaseRow("wrap-up", at(10, 32, day=4), None)))
    assert meeting_text(running)[2:4] == ["Timeline walkthrough: 32 min of 25 planned",
                                          "Wrap-up: in progress, 5 planned"]


def test_a_scheduled_meeting_says_when() -> None:
    """A meeting not held yet reads as scheduled, in the review's timezone."""
    scheduled = MeetingRow(2, "actions", None, None, None, (), scheduled_for=at(9, 0, day=6))
    assert meeting_text(scheduled)[1] == "Actions meeting, scheduled for 2026-03-06 10:00 CET; not held yet."


def test_pulse_and_phase_times_from_the_library(library: Library) -> None:
    """A meeting recorded in the library reports its phase times, pause and pulse."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Queue backlog", timezone="UTC").id
        meetings.enter_phase(session, review_id, "timeline", now=at(10, 0))
        meetings.pause_meeting(session, review_id, now=at(10, 10))
        meetings.resume_meeting(session, review_id, now=at(10, 20))
        meeting = meetings.enter_phase(session, review_id, "wrap-up", now=at(10, 52))
        meetings.set_pulse(session, meeting.id, attended=7, learned=5, would_attend=6, unclear="")
        meetings.end_meeting(session, review_id, now=at(11, 0))
    with library.begin() as session:
        loaded = load_review(session, review_id)
    assert loaded is not None
    text = all_text(read(to_docx(ReviewReport.build(loaded, load_catalog()))))
    assert all(part in text for part in (
        "Timeline walkthrough: 42 min of 25 planned", "Paused 10 min",
        "7 attended; 5 learned something new; 6 would attend another review"))


def test_a_pause_still_open_reads_paused_since() -> None:
    """A report made during a break says since when the meeting is paused."""
    paused = held_meeting(ended_at=None, pauses=(MeetingPauseRow(at(10, 40, day=4), None),))
    assert meeting_text(paused)[2] == "Paused since 2026-03-04 11:40 CET."


def test_durations_past_a_day_keep_their_minutes() -> None:
    """Issue 8: 24 h 11 min read "1 d" and 34 h 15 min "1 d 10 h" in the facts and the meeting record."""
    review = make_review(detected_at=at(9, 25, day=3), resolved_at=at(19, 29, day=3))
    long_meeting = held_meeting(ended_at=at(20, 15, day=5), pauses=(), phases=(
        MeetingPhaseRow("timeline", at(10, 0, day=4), at(10, 11, day=5)),
        MeetingPhaseRow("wrap-up", at(10, 11, day=5), at(20, 15, day=5))))
    document = read(to_docx(ReviewReport.build(dataclasses.replace(review, meetings=(long_meeting,)),
                                               load_catalog())))
    document_facts = facts(document)
    assert (document_facts["Time to detect"], document_facts["Time to resolve"]) == (
        "1 d 0 h 11 min", "1 d 10 h 15 min")
    text = meeting_text_of(document)
    assert "(duration 1 d 10 h 15 min)" in text[1]
    assert text[2:4] == ["Timeline walkthrough: 1 d 0 h 11 min of 25 min planned",
                         "Wrap-up: 10 h 04 min of 5 min planned"]


def meeting_text_of(document: WordDocument) -> list[str]:
    """The paragraphs after the Meetings heading (not its entry in the contents list)."""
    paragraphs = document.paragraphs
    heading = next(i for i, p in enumerate(paragraphs)
                   if p.text == "Meetings" and p.style.name == "Heading 1")
    return [p.text for p in paragraphs[heading + 1:]]
