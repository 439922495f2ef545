"""The Markdown report: front matter read back with PyYAML, body checked as text and as rendered HTML."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import markdown
import pytest
import yaml

from exports.docx_report import to_docx
from exports.markdown_report import to_markdown, write_markdown
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
)

_TABLE_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def at(hour: int, minute: int, *, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def note(note_id: int, phase: str, kind: str, text: str, *, event_id: int | None = None,
         private: bool = False) -> NoteRow:
    return NoteRow(note_id, phase, kind, text, None, None, None, event_id, private, at(12, 0))


def make_review(**changes: object) -> ReviewDoc:
    """A reviewed SEV2 in Europe/Berlin; ``changes`` replace fields."""
    review = ReviewDoc(
        id=1, title="Checkout errors after config push", summary="Checkout failed for a third of users.",
        severity="SEV2", kind="incident", status="reviewed", timezone="Europe/Berlin", template="standard",
        started_at=at(9, 14), detected_at=at(9, 31), mitigated_at=None, resolved_at=at(11, 2),
        impact="Orders failed", services=("checkout", "config-service"), tags=("config", "rollout"),
        created_at=at(12, 0, day=4), updated_at=at(13, 0, day=4),
        participants=(ParticipantRow(1, "Responder A", ("incident-commander",), True, "paged", False),),
        events=(
            EventRow(10, at(9, 14), "Config change rolled out", "change", "deploy log", False,
                     ("Responder A",)),
            EventRow(11, at(9, 31), "Error-rate alert fired", "detection", "alert", True, ()),
        ),
        notes=(
            note(100, "timeline", "surprise", "Dashboards looked normal", event_id=10),
            note(101, "went-well", "went-well", "Rollback took two minutes"),
            note(102, "surprises", "observation", "Facilitator-only aside", private=True),
        ),
        learnings=(LearningRow(1, "Sampling can hide an outage", "technical", None),),
        actions=(ActionRow(1, "Alert on unsampled errors", "", "Team Payments", date(2026, 3, 20), "high",
                           "open", "", None),),
        meetings=(),
    )
    return dataclasses.replace(review, **changes)


def make_report(*, chart_png: bytes | None = None, **changes: object) -> ReviewReport:
    return ReviewReport.build(make_review(**changes), load_catalog(), chart_png)


def split(text: str) -> tuple[dict[str, Any], str]:
    """The parsed front matter and the body after it."""
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def body(report: ReviewReport, *, include_private: bool = False, image_name: str | None = None) -> str:
    return split(to_markdown(report, include_private=include_private, image_name=image_name))[1]


def headings(text: str) -> list[str]:
    return re.findall(r"^#{1,6} (.*)$", text, flags=re.MULTILINE)


def table_rows(text: str, first_header: str) -> list[list[str]]:
    """Header and data cells of the table whose header starts with ``first_header``."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in _TABLE_CELL_SPLIT.split(line)[1:-1]])
    assert set(rows[1]) == {"---"}, "the second line is the delimiter row"
    return [rows[0], *rows[2:]]


def test_front_matter_holds_facts() -> None:
    """The front matter carries the review's facts as plain ids and lists."""
    facts, _ = split(to_markdown(make_report()))
    assert {k: facts[k] for k in ("title", "severity", "status", "kind", "timezone", "services", "tags")} == {
        "title": "Checkout errors after config push", "severity": "SEV2", "status": "reviewed",
        "kind": "incident", "timezone": "Europe/Berlin", "services": ["checkout", "config-service"],
        "tags": ["config", "rollout"],
    }


def test_front_matter_times_carry_review_offset() -> None:
    """Times are ISO 8601 strings in the review's timezone, with its offset."""
    facts, _ = split(to_markdown(make_report()))
    assert (facts["started"], facts["resolved"]) == ("2026-03-02T10:14:00+01:00", "2026-03-02T12:02:00+01:00")


def test_front_matter_unknown_time_is_null() -> None:
    """A time never recorded is null in the front matter."""
    facts, _ = split(to_markdown(make_report()))
    assert facts["mitigated"] is None


def test_front_matter_quotes_special_characters() -> None:
    """A title full of YAML syntax reads back unchanged."""
    title = 'Outage: "db" #1 --- [primary] & {replica} | yes'
    facts, _ = split(to_markdown(make_report(title=title)))
    assert facts["title"] == title


def test_headings_follow_report_order() -> None:
    """Title and sections come in the agreed order as Markdown headings."""
    assert headings(body(make_report())) == [
        "Checkout errors after config push", "Incident facts", "Timeline", "Discussion", "Level setting",
        "Timeline walkthrough", "Wrap-up", "What went well", "Surprises", "Learnings", "Actions",
        "Parking lot", "Participants", "Incident commander", "Meetings",
    ]


def test_same_headings_as_word_report() -> None:
    """Markdown and Word reports have the same headings in the same order."""
    report = make_report()
    document = docx.Document(io.BytesIO(to_docx(report)))
    word = [p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings(body(report)) == word


def test_timeline_table_has_row_per_event() -> None:
    """The timeline is a GitHub table with one row per event, times in the review's timezone."""
    rows = table_rows(body(make_report()), "Time")
    assert rows[0] == ["Time", "Kind", "What happened", "Source", "Who"]
    assert rows[1][:2] == ["2026-03-02 10:14 CET", "Change"]
    assert rows[2] == ["≈ 2026-03-02 10:31 CET", "Detection", "Error-rate alert fired", "alert", "—"]


def test_event_note_in_event_row() -> None:
    """A note about an event follows the event's text in the same cell, on its own line."""
    rows = table_rows(body(make_report()), "Time")
    assert rows[1][2] == "Config change rolled out<br>↳ Surprise: Dashboards looked normal"


def test_pipe_in_note_does_not_break_table() -> None:
    """A "|" in typed text stays inside its cell when the table is rendered."""
    report = make_report(events=(EventRow(1, at(9, 0), "grep 5xx | wc -l", "observation", "", False, ()),))
    html = markdown.markdown(body(report), extensions=["tables"])
    row = re.search(r"<tr>\s*<td>2026-03-02 10:00 CET</td>(.*?)</tr>", html, flags=re.DOTALL)
    assert row is not None
    assert re.findall(r"<td>(.*?)</td>", row.group(1)) == ["Observation", "grep 5xx | wc -l", "—", "—"]


def test_newline_in_cell_becomes_line_break() -> None:
    """A multi-line value keeps its table row on one line, with <br> between lines."""
    report = make_report(events=(EventRow(1, at(9, 0), "first\nsecond", "observation", "", False, ()),))
    assert table_rows(body(report), "Time")[1][2] == "first<br>second"


def test_leading_hash_in_note_is_not_a_heading() -> None:
    """A note starting with "#" is shown as text, not turned into a heading."""
    report = make_report(summary="# not a heading\n1. not a list", notes=())
    html = markdown.markdown(body(report))
    assert "<p># not a heading<br />\n1. not a list</p>" in html


def test_html_in_note_is_not_raw_html() -> None:
    """Angle brackets in typed text are escaped, never passed through as HTML."""
    report = make_report(notes=(note(1, "timeline", "observation", "<script>alert(1)</script>"),))
    html = markdown.markdown(body(report))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_actions_heading_absent_without_actions() -> None:
    """With no actions there is no heading starting with "Actions"."""
    assert not [h for h in headings(body(make_report(actions=()))) if h.startswith("Actions")]


def test_private_note_left_out_by_default() -> None:
    """Facilitator-only notes are not exported unless asked for."""
    assert "Facilitator-only aside" not in to_markdown(make_report())


def test_private_note_included_when_asked() -> None:
    """With include_private=True the private note is exported, marked as private."""
    text = body(make_report(), include_private=True)
    assert "- **Observation (private):** Facilitator-only aside" in text


def test_unknown_time_shown_as_unknown() -> None:
    """A missing time reads "unknown" in the facts table."""
    rows = dict(tuple(r) for r in table_rows(body(make_report()), "Fact")[1:])
    assert (rows["Mitigated"], rows["Time to mitigate"]) == ("unknown", "unknown")


def test_empty_section_says_nothing_recorded() -> None:
    """An empty section keeps its heading with an italic "Nothing recorded."."""
    assert "## Meetings\n\n*Nothing recorded.*" in body(make_report())


def test_write_markdown_writes_utf8_file(tmp_path: Path) -> None:
    """write_markdown leaves exactly the finished UTF-8 report in the folder."""
    path = tmp_path / "report.md"
    write_markdown(make_report(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert path.read_text(encoding="utf-8") == to_markdown(make_report())


def test_failed_render_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the report cannot be rendered, nothing is written at all."""

    def fail(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("render failed")

    monkeypatch.setattr("exports.markdown_report.to_markdown", fail)
    with pytest.raises(RuntimeError):
        write_markdown(make_report(), tmp_path / "report.md")
    assert list(tmp_path.iterdir()) == []


def test_key_metrics_in_the_facts_table() -> None:
    """Time to detect, mitigate and resolve are facts; a missing one reads "unknown"; estimates are ≈."""
    rows = dict(tuple(r) for r in table_rows(body(make_report()), "Fact")[1:])
    assert (rows["Time to detect"], rows["Time to mitigate"], rows["Time to resolve"]) == (
        "≈ 17 min", "unknown", "1 h 48 min")


def test_chart_is_referenced_by_its_file_name(chart_png: bytes) -> None:
    """With an image name, the chart section shows the picture beside the report."""
    text = body(make_report(chart_png=chart_png), image_name="report-who-knew-what-when.png")
    assert "## Who knew what when\n\n![Who knew what when](report-who-knew-what-when.png)\n" in text


def test_chart_name_with_spaces_stays_one_link(chart_png: bytes) -> None:
    """A file name with spaces and parentheses is percent-encoded, so Markdown sees one image."""
    text = body(make_report(chart_png=chart_png), image_name="q1 (draft)-who-knew-what-when.png")
    html = markdown.markdown(text)
    assert '<img alt="Who knew what when" src="q1%20%28draft%29-who-knew-what-when.png" />' in html


def test_chart_without_a_name_is_mentioned_not_linked(chart_png: bytes) -> None:
    """Markdown text with no file beside it says the picture is not included."""
    text = body(make_report(chart_png=chart_png))
    assert "![" not in text and "*(The picture is not included in this text.)*" in text


def test_same_headings_as_word_report_with_a_chart(chart_png: bytes) -> None:
    """With a chart, Markdown and Word still have the same headings in the same order."""
    report = make_report(chart_png=chart_png)
    document = docx.Document(io.BytesIO(to_docx(report)))
    word = [p.text for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings(body(report)) == word and "Who knew what when" in word


def test_write_markdown_puts_the_chart_beside_the_report(tmp_path: Path, chart_png: bytes) -> None:
    """write_markdown writes <stem>-who-knew-what-when.png next to the .md, and the .md points at it."""
    path = tmp_path / "checkout review.md"
    write_markdown(make_report(chart_png=chart_png), path)
    picture = tmp_path / "checkout review-who-knew-what-when.png"
    assert {p.name for p in tmp_path.iterdir()} == {path.name, picture.name}
    assert picture.read_bytes() == chart_png
    assert "](checkout%20review-who-knew-what-when.png)" in path.read_text(encoding="utf-8")


def test_write_markdown_without_chart_writes_no_picture(tmp_path: Path) -> None:
    """A report without a chart is one file."""
    write_markdown(make_report(), tmp_path / "report.md")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_failed_write_leaves_neither_file(tmp_path: Path, chart_png: bytes,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """If moving the files into place fails, no report, no picture and no temporary file is left."""

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("exports.common.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_markdown(make_report(chart_png=chart_png), tmp_path / "report.md")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_files(tmp_path: Path, chart_png: bytes,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing keeps the report and the picture of the last export as they were."""
    path = tmp_path / "report.md"
    picture = tmp_path / "report-who-knew-what-when.png"
    path.write_text("previous", encoding="utf-8")
    picture.write_bytes(b"previous picture")

    def fail(*_args: object, **_kwargs: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("exports.common.os.fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        write_markdown(make_report(chart_png=chart_png), path)
    assert {p.name for p in tmp_path.iterdir()} == {path.name, picture.name}
    assert (path.read_text(encoding="utf-8"), picture.read_bytes()) == ("previous", b"previous picture")


def meeting_blocks() -> list[str]:
    """The Markdown blocks of the Meetings section of a meeting with a break and a pulse."""
    meeting = MeetingRow(
        1, "review", at(10, 0, day=4), at(10, 50, day=4), "wrap-up",
        (MeetingPhaseRow("timeline", at(10, 0, day=4), at(10, 42, day=4)),
         MeetingPhaseRow("wrap-up", at(10, 42, day=4), at(10, 50, day=4))),
        pauses=(MeetingPauseRow(at(10, 5, day=4), at(10, 15, day=4)),),
        pulse_attended=7, pulse_learned=5, pulse_would_attend=6, pulse_unclear="Who owns sampling?")
    text = body(make_report(meetings=(meeting,)))
    return text[text.index("## Meetings"):].rstrip().split("\n\n")


def test_meeting_record_lists_phase_times_against_the_plan() -> None:
    """Each phase visited is a list item: "Timeline walkthrough: 32 min of 25 planned"."""
    assert "- Timeline walkthrough: 32 min of 25 planned\n- Wrap-up: 8 min of 5 planned" in meeting_blocks()


def test_meeting_record_shows_the_pause() -> None:
    """The break is a sentence with its length, its times and the meeting time without it."""
    assert meeting_blocks()[3] == (
        "Paused 10 min (2026-03-04 11:05 CET to 2026-03-04 11:15 CET); 40 min of meeting time.")


def test_meeting_record_ends_with_the_pulse() -> None:
    """The pulse numbers and what is still unclear close the meeting record."""
    assert meeting_blocks()[-1] == (
        "Did the meeting work? 7 attended; 5 learned something new; 6 would attend another review; "
        "still unclear: Who owns sampling?")


def test_writing_through_a_symlink_updates_its_target(tmp_path: Path) -> None:
    """An export to a link keeps the link and replaces the file it points to."""
    from exports.common import write_atomic

    target = tmp_path / "target.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert target.read_text() == "new"


def test_writing_over_something_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    """A folder (or a device) is never replaced by a report."""
    from exports.common import write_atomic

    folder = tmp_path / "reports.md"
    folder.mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(folder, b"new")
    assert folder.is_dir()
