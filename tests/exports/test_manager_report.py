"""The report a manager receives (issue 10): each section once, a real Word contents list, timeline
columns that never split a word, headings kept with their text in the PDF, a title block, plain Markdown."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import markdown as markdown_lib
import pytest
from docx.oxml.ns import qn
from docx.shared import Length
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.common import (
    BulletList,
    Heading,
    Table,
    report_blocks,
)
from exports.docx_report import bookmark_name, column_widths, to_docx
from exports.html_report import to_html
from exports.markdown_report import to_markdown
from exports.pdf_report import to_pdf
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog, load_catalog
from models.snapshot import EventRow, NoteRow, ReviewReport, load_review
from models.store import Library
from models.vocabulary import NOTE_KINDS
from tests.conftest import EXAMPLES
from tests.exports.conftest import make_png
from tests.exports.test_markdown_report import make_report
from tests.exports.test_pdf_report import pdf_text

FULL = Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml"
SECTIONS = ["Incident facts", "Who knew what when", "Timeline", "Discussion", "What went well", "Surprises",
            "Learnings", "Actions", "Parking lot", "Participants", "Meetings"]
PHASES = ("level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up",
          "parking-lot", "gone")
_HTML_HEADING = re.compile(r"<h([1-3])[^>]*>(.*?)</h\1>", re.DOTALL)


def full_report(library: Library, catalog: Catalog, *, chart: bool = True) -> ReviewReport:
    """tests/data/full_bundle.yaml imported into the library and read back as a report, with a chart."""
    bundle = load_bundle_file(FULL, catalog)
    with library.begin() as session:
        review_id = import_bundle(session, bundle)
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    return ReviewReport.build(doc, catalog, make_png(400, 200) if chart else None)


def word_headings(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


# ---------------------------------------------------------------- 1. each section once

def test_each_heading_once_in_markdown_html_and_word(library: Library, catalog: Catalog) -> None:
    """"What went well", "Surprises" (and every other heading) appear exactly once in each format."""
    report = full_report(library, catalog)
    md = [line.lstrip("#").strip() for line in to_markdown(report, include_private=True).splitlines()
          if line.startswith("#")]
    html = [text for _level, text in _HTML_HEADING.findall(to_html(report, include_private=True))
            if text != "Contents"]
    word = word_headings(to_docx(report, include_private=True))
    for name, found in (("md", md), ("html", html), ("docx", word)):
        counts = Counter(found)
        assert counts["What went well"] == 1 and counts["Surprises"] == 1, (name, found)
        assert [h for h, n in counts.items() if n > 1] == [], (name, found)
        assert [h for h in found if h in SECTIONS] == SECTIONS, (name, found)
        assert not [h for h in found if h.startswith("Surprises and")], (name, found)


def test_went_well_and_surprise_notes_are_in_their_sections_only(library: Library, catalog: Catalog) -> None:
    """The went-well and surprise notes of the bundle are listed once, in their own sections."""
    text = to_markdown(full_report(library, catalog))
    went_well = text.split("\n## What went well\n", 1)[1].split("\n## ", 1)[0]
    surprises = text.split("\n## Surprises\n", 1)[1].split("\n## ", 1)[0]
    assert "Rollback took four minutes end to end — Kim" in went_well
    assert "Dashboards looked normal because errors were sampled out" in surprises
    discussion = text.split("\n## Discussion\n", 1)[1].split("\n## ", 1)[0]
    assert "Rollback took" not in discussion and "Dashboards looked normal" not in discussion


def test_a_question_in_the_went_well_phase_is_shown_there_with_its_kind() -> None:
    """A note of another kind said during "What went well" is in that section, with its kind."""
    question = NoteRow(1, "went-well", "question", "Was the rollback luck?", None, None, None, None, False,
                       datetime(2026, 3, 4, tzinfo=UTC))
    text = to_markdown(make_report(notes=(question,)))
    went_well = text.split("\n## What went well\n", 1)[1].split("\n## ", 1)[0]
    assert "- **Question:** Was the rollback luck?" in went_well
    assert text.count("Was the rollback luck?") == 1


@settings(max_examples=EXAMPLES)
@given(notes=st.lists(st.tuples(st.sampled_from(PHASES), st.sampled_from(NOTE_KINDS), st.booleans()),
                      max_size=12),
       template=st.sampled_from(("standard", "learning-focused", "actions-meeting")))
def test_every_note_is_listed_once_and_no_heading_twice(notes: list[tuple[str, str, bool]],
                                                        template: str) -> None:
    """Any notes in any phases: each note is one bullet of the report, and no heading text repeats."""
    rows = tuple(NoteRow(i + 1, phase, kind, f"note-{i}", None, None, None, None, private,
                         datetime(2026, 3, 4, tzinfo=UTC))
                 for i, (phase, kind, private) in enumerate(notes))
    report = ReviewReport.build(make_report(notes=rows, template=template).review, load_catalog())
    blocks = report_blocks(report, include_private=True)
    bullets = Counter(item.text for block in blocks if isinstance(block, BulletList) for item in block.items)
    for row in rows:
        assert bullets[row.text] == 1, (row, bullets)
    counts = Counter(block.text for block in blocks if isinstance(block, Heading))
    assert [text for text, n in counts.items() if n > 1] == []


# ---------------------------------------------------------------- 2. Word contents list

def test_word_contents_list_is_there_without_updating_fields(library: Library, catalog: Catalog) -> None:
    """The TOC field's shown result lists every section, each a link to a bookmark at its heading."""
    data = to_docx(full_report(library, catalog))
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    start = [p.text for p in paragraphs].index("Contents")
    entries = paragraphs[start + 1:start + 1 + len(SECTIONS)]
    assert [p.text for p in entries] == SECTIONS
    assert {p.style.name for p in entries} == {"toc 1"}
    body = document.element.body
    anchors = [link.get(qn("w:anchor")) for p in entries for link in p._p.iterfind(qn("w:hyperlink"))]
    assert anchors == [bookmark_name(n) for n in range(1, len(SECTIONS) + 1)]
    marks = {mark.get(qn("w:name")): mark.getparent() for mark in body.iter(qn("w:bookmarkStart"))}
    for anchor, section in zip(anchors, SECTIONS, strict=True):
        heading = marks[anchor]
        assert "".join(t.text for t in heading.iter(qn("w:t"))) == section
        assert heading.style == "Heading1"
    # One TOC field around the entries (begin, separate, end), so Word can update it.
    kinds = [c.get(qn("w:fldCharType")) for p in entries for c in p._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert 'TOC \\o "1-1" \\h \\z \\u' in "".join(t.text for t in body.iter(qn("w:instrText")))


# ---------------------------------------------------------------- 3. Word timeline widths

def timeline_report() -> ReviewReport:
    """The Markdown tests' report with events whose words broke in Word's timeline before."""
    base = make_report()
    at = datetime(2026, 3, 2, 9, 40, tzinfo=UTC)
    events = (*base.review.events,
              EventRow(20, at, "Status page updated; customers told", "communication", "dashboard", True,
                       ("Responder A", "Kim")),
              EventRow(21, at + timedelta(minutes=3), "Checked the dashboard again", "communication",
                       "dashboard", False, ("Responder A",)))
    return ReviewReport.build(dataclasses.replace(base.review, events=events), load_catalog())


def tcw(cell: object) -> int:
    width = cell._tc.tcPr.find(qn("w:tcW"))  # type: ignore[attr-defined]
    assert width.get(qn("w:type")) == "dxa"
    return int(width.get(qn("w:w")))


def test_timeline_columns_fit_their_words_and_every_cell_has_its_width() -> None:
    """Fixed layout; Time, Kind, Source and Who as wide as their words; What happened the rest."""
    document = docx.Document(io.BytesIO(to_docx(timeline_report())))
    section = document.sections[-1]
    text_width = Length(section.page_width - section.left_margin - section.right_margin)
    timeline = next(t for t in document.tables if t.rows[0].cells[0].text == "Time")
    assert timeline._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(col.get(qn("w:w"))) for col in timeline._tbl.tblGrid.iterfind(qn("w:gridCol"))]
    assert abs(sum(grid) - text_width.twips) <= len(grid)
    for row in timeline.rows:
        assert [tcw(c) for c in row.cells] == grid
    time, kind, what, source, who = (Length(w * 635) for w in grid)  # twips to EMU
    # 11 pt bold Carlito/Calibri: "Communication" is 6.6 em, "Responder" 4.8 em, "dashboard" 4.4 em,
    # each plus the cell's margins.
    em = 11 * 12700
    assert kind > 6.6 * em + 10.8 * 12700
    assert who > 4.8 * em + 10.8 * 12700 and source > 4.4 * em + 10.8 * 12700
    assert time > 5.1 * em  # "2026-03-02" on one line
    assert what >= 0.3 * text_width and what == max(time, kind, what, source, who)


@settings(max_examples=EXAMPLES)
@given(header=st.lists(st.text(max_size=15), min_size=1, max_size=6).map(tuple),
       rows=st.lists(st.lists(st.text(max_size=60), min_size=6, max_size=6), max_size=8),
       weights=st.lists(st.integers(1, 20), min_size=6, max_size=6),
       width=st.integers(2_000_000, 9_000_000))
def test_column_widths_fill_the_width_and_keep_words_where_they_can(
        header: tuple[str, ...], rows: list[list[str]], weights: list[int], width: int) -> None:
    """Any table: the widths add up to the text width; the main column keeps 30 % at least."""
    columns = len(header)
    table = Table(header, tuple(tuple(r[:columns]) for r in rows), tuple(weights[:columns]))
    widths = column_widths(table, width)
    assert len(widths) == columns and sum(widths) == width and all(w >= 0 for w in widths)
    flex = table.weights.index(max(table.weights))
    assert widths[flex] >= width * 0.3 - columns


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and pdftotext are needed")
def test_libreoffice_shows_contents_and_whole_words(tmp_path: Path) -> None:
    """LibreOffice lays the report out with the contents list filled in and no word of the timeline split."""
    source = tmp_path / "report.docx"
    source.write_bytes(to_docx(timeline_report()))
    profile = (tmp_path / "lo-profile").as_uri()
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180,
                   env=env)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"Contents\s+Incident facts\s+Timeline\s+Discussion", text)
    words = re.findall(r"\S+", text)
    for word in ("Communication", "dashboard", "Responder", "Detection"):
        assert word in words, word
    assert not re.search(r"Communica\s|Respond\s+er|dashboar\s", text)


# ---------------------------------------------------------------- 4. PDF and Markdown

def test_pdf_first_page_has_the_title_block(qapp: object, library: Library, catalog: Catalog,
                                           tmp_path: Path) -> None:
    """Title, incident date, severity, facilitator and review status open the PDF."""
    pdf = to_pdf(full_report(library, catalog), page_size="A4")
    first = pdf_text(pdf, tmp_path).split("\f")[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    assert lines[:5] == ["Checkout errors after config push", "Incident date: 2026-03-02 10:14 CET",
                         "Severity: SEV2 — Major", "Facilitator: Sam Facilitator", "Review status: Reviewed"]


@pytest.mark.parametrize("lines", range(0, 40, 3))
def test_no_pdf_page_ends_with_a_heading(qapp: object, library: Library, catalog: Catalog, tmp_path: Path,
                                         lines: int) -> None:
    """Whatever the summary pushes down the page, no heading is the last text of a page."""
    report = full_report(library, catalog)
    summary = report.review.summary + "".join(f"\n\nFiller paragraph {i}." for i in range(lines))
    report = ReviewReport.build(dataclasses.replace(report.review, summary=summary), catalog,
                                report.chart_png)
    md = to_markdown(report)
    headings = {line.lstrip("#").strip() for line in md.splitlines() if line.startswith("#")}
    source = tmp_path / "report.pdf"
    source.write_bytes(to_pdf(report, page_size="A4"))
    pdf_text(source.read_bytes(), tmp_path)  # skips without pdftotext
    # -layout: lines in the order they stand on the page (a table's columns are not read one by one).
    pages = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"], capture_output=True,
                           text=True, check=True, timeout=60).stdout.split("\f")
    for number, page in enumerate(pages[:-1], start=1):
        text = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in text if not re.fullmatch(r"\d+ ?/ ?\d+", line)]
        assert body and body[-1] not in headings, (number, body[-3:])


def test_markdown_has_no_html_entities_for_a_sub_minute_duration() -> None:
    """Detected 20 s after the start: "< 1 min" as written, no "&lt;" (nor "&gt;", "&amp;")."""
    start = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    report = make_report(started_at=start, detected_at=start + timedelta(seconds=20),
                         summary="Latency went from < 1 s to > 5 s & stayed there.")
    text = to_markdown(report)
    assert "< 1 min" in text and "from < 1 s to > 5 s & stayed" in text
    for entity in ("&lt;", "&gt;", "&amp;"):
        assert entity not in text
    rendered = markdown_lib.markdown(text.split("\n---\n", 1)[1], extensions=["tables"])
    assert "&lt; 1 min" in rendered  # as HTML shows a "<": the reader sees "< 1 min"


def test_markdown_still_escapes_what_could_become_html() -> None:
    """Typed tags, autolinks and entity names stay text."""
    report = make_report(summary="<b>bold</b> <https://x.example> &copy; a<b")
    text = to_markdown(report)
    assert "&lt;b>bold&lt;/b> &lt;https://x.example> &amp;copy; a&lt;b" in text
