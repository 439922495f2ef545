"""Report options: each one keeps or removes its section in Word and Markdown; the executive summary."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, date, datetime

import docx
import pytest

from exports.common import ReportOptions, report_blocks
from exports.docx_report import to_docx
from exports.markdown_report import to_markdown
from models.catalog import load_catalog
from models.snapshot import (
    ActionRow,
    EventRow,
    LearningRow,
    MeetingRow,
    NoteRow,
    ParticipantRow,
    ReviewDoc,
    ReviewReport,
)


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def make_report(chart_png: bytes = b"", **changes: object) -> ReviewReport:
    """A review with events, notes (one private), seven learnings, an action and a held meeting."""
    review = ReviewDoc(
        id=1, title="Checkout errors", summary="Checkout failed for a third of users.",
        severity="SEV2", kind="incident", status="reviewed", timezone="Europe/Berlin", template="standard",
        started_at=at(9, 14), detected_at=at(9, 31), mitigated_at=at(10, 0), resolved_at=at(11, 2),
        impact="Orders failed", services=("checkout",), tags=("config",),
        created_at=at(12, 0), updated_at=at(13, 0),
        participants=(ParticipantRow(1, "Responder A", ("incident-commander",), True, "paged", False),),
        events=(EventRow(10, at(9, 14), "Config change rolled out", "change", "deploy log", False,
                         ("Responder A",)),),
        notes=(NoteRow(100, "timeline", "surprise", "Dashboards looked normal", None, None, None, 10,
                       False, at(12, 0)),
               NoteRow(101, "surprises", "observation", "Facilitator-only aside", None, None, None, None,
                       True, at(12, 0))),
        learnings=tuple(LearningRow(i, f"Learning number {i}", "technical", None) for i in range(1, 8)),
        actions=(ActionRow(1, "Alert on unsampled errors", "", "Team Payments", date(2026, 3, 20), "high",
                           "open", "", None),),
        meetings=(MeetingRow(5, "review", at(14, 0), at(15, 0), None, ()),),
    )
    return ReviewReport.build(dataclasses.replace(review, **changes), load_catalog(), chart_png or None)


def docx_headings(report: ReviewReport, options: ReportOptions) -> list[str]:
    document = docx.Document(io.BytesIO(to_docx(report, options=options)))
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]


def md_headings(report: ReviewReport, options: ReportOptions) -> list[str]:
    return re.findall(r"^## (.*)$", to_markdown(report, options=options), flags=re.MULTILINE)


SECTIONS = [("include_timeline", "Timeline"), ("include_chart", "Who knew what when"),
            ("include_meeting_record", "Meetings")]


@pytest.mark.parametrize(("option", "section"), SECTIONS)
def test_each_option_keeps_or_removes_its_section(option: str, section: str, chart_png: bytes) -> None:
    """On by default the section is there in Word and Markdown; off, it is gone and nothing else is."""
    report = make_report(chart_png)
    for headings in (docx_headings, md_headings):
        full = headings(report, ReportOptions())
        without = headings(report, ReportOptions(**{option: False}))
        assert section in full
        assert without == [h for h in full if h != section]


def test_chart_off_leaves_no_picture(chart_png: bytes) -> None:
    """Without the chart the Word file holds no picture and the Markdown no image link."""
    report = make_report(chart_png)
    off = ReportOptions(include_chart=False)
    assert len(docx.Document(io.BytesIO(to_docx(report))).inline_shapes) == 1
    assert len(docx.Document(io.BytesIO(to_docx(report, options=off))).inline_shapes) == 0
    assert "![" not in to_markdown(report, options=off, image_name="chart.png")


def test_private_notes_follow_the_options_when_given() -> None:
    """``options.include_private`` decides; the keyword is used only without options."""
    report = make_report()
    assert "Facilitator-only aside" in to_markdown(report, options=ReportOptions(include_private=True))
    assert "Facilitator-only aside" not in to_markdown(report, include_private=True, options=ReportOptions())
    assert "Facilitator-only aside" in to_markdown(report, include_private=True)


def test_summary_has_facts_metrics_top_learnings_and_actions_only() -> None:
    """The executive summary: title, summary, key facts with metrics, at most 5 learnings, actions."""
    report = make_report()
    summary = ReportOptions(audience="summary", include_private=True)
    assert docx_headings(report, summary) == ["Key facts", "Top learnings", "Actions"]
    assert md_headings(report, summary) == ["Key facts", "Top learnings", "Actions"]
    text = to_markdown(report, options=summary)
    assert "Checkout failed for a third of users." in text
    assert "Orders failed" in text and "Time to detect" in text
    assert text.count("Learning number") == 5
    for absent in ("Config change rolled out", "Dashboards looked normal", "Facilitator-only aside",
                   "Discussion", "Participants", "Meetings"):
        assert absent not in text


def test_summary_without_actions_has_no_actions_section() -> None:
    """With no actions the summary says nothing about them."""
    blocks = report_blocks(make_report(actions=()), options=ReportOptions(audience="summary"))
    assert [b.text for b in blocks if hasattr(b, "level") and b.level == 1] == ["Key facts", "Top learnings"]
