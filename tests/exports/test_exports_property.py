"""Every export works on every review the library can hold, and reads back with its format's own reader.

Hypothesis builds review snapshots directly: titles and summaries up to 10,000
characters, any Unicode (control characters, lone surrogates, U+FFFE,
right-to-left text, emoji), empty fields, unknown vocabulary ids, phases and
time zones, times anywhere from 1900 to 2200. Each is written to every format
(Word, Markdown, HTML, PDF, the YAML and JSON bundle, the actions CSV), as the
full report and the one-page summary, with names and with roles, and each file
is opened with a reader that knows nothing of Debrief: python-docx, html.parser,
PyYAML, json, csv, and pdftotext when it is installed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.actions_csv import COLUMNS, safe_cell, to_actions_csv
from exports.bundle import dump_json, dump_yaml, to_bundle
from exports.common import ReportOptions, clean, report_title, xml_safe
from exports.docx_report import PROPERTY_LIMIT, to_docx
from exports.html_report import to_html
from exports.markdown_report import to_markdown
from exports.pdf_report import to_pdf
from models.anonymize import anonymize
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
from models.vocabulary import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    EVENT_KINDS,
    LEARNING_CATEGORIES,
    NOTE_KINDS,
    REVIEW_KINDS,
    REVIEW_STATUSES,
    ROLES,
)
from tests.conftest import EXAMPLES
from tests.exports.conftest import make_png

CATALOG = load_catalog()
PDFTOTEXT = shutil.which("pdftotext")
#: Texts that broke, or could break, a format: XML-invalid characters, markup, bidi controls, emoji.
NASTY = (
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ud800", "\udfff", "\ufffe",
    "\uffff", "\u2028", "\u202e", "\u200f", "\ufeff", "\r\n", "\r", "\t", "\n", "\n\n", " ", "#", "|", "---",
    "- ", "1. ", "> ", "<script>alert(1)</script>", "&amp;", "&#0;", "*", "_", "`", "~~", "[x](javascript:y)",
    "https://files.slack.com/files-pri/T1-F1/x/y.txt", "mailto:a@b.c", "מה קרה", "مرحبا", "👩‍👩‍👧", "🔥",
    "\U0010ffff", "e\u0301", "İ", "ß", "\x02\x03", "{{", "%s", "\\",
)
PHASES = ("level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up",
          "parking-lot")
ZONES = ("UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Pacific/Kiritimati", "", "Etc",
         "zone.tab", "Not/AZone")
EARLIEST = datetime(1900, 1, 2, tzinfo=UTC)
LATEST = datetime(2200, 12, 30, tzinfo=UTC)

# ---------------------------------------------------------------- strategies

nasty = st.sampled_from(NASTY)


@cache
def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text (any code point but surrogates), or pieces of text and the nasty bits above in a row.

    Hypothesis draws a whole text at once; the pieces bring surrogates and
    markup far more often than chance would.
    """
    return st.text(max_size=max_size) | st.lists(nasty | st.text(max_size=4), max_size=8).map("".join)


@cache
def long_texts(limit: int = 10_000) -> st.SearchStrategy[str]:
    """Text up to ``limit`` characters: mostly short, sometimes a pattern repeated to the limit."""
    pattern = st.text(min_size=1, max_size=30) | st.lists(nasty, min_size=1, max_size=4).map("".join)
    return texts() | st.builds(lambda text, times: (text * times)[:limit], pattern, st.integers(1, limit))


@cache
def ids(known: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A vocabulary id: mostly a known one, sometimes anything (an older or newer library, a typo)."""
    return st.one_of(st.sampled_from(known), texts(12))


#: Any moment from 1900 to 2200, to the microsecond (cheaper to draw than st.datetimes).
moments = st.builds(lambda seconds, micros: EARLIEST + timedelta(seconds=seconds, microseconds=micros),
                    st.integers(0, int((LATEST - EARLIEST).total_seconds())),
                    st.sampled_from((0, 0, 1, 250_000)))
maybe_moments = st.none() | moments
#: Participants' names: made up, so a test can tell whether one is still in an anonymized file.
made_up_names = st.builds(lambda first, last: f"Qz{first}" + (f" Xv{last}" if last else ""),
                          st.from_regex(r"[a-z]{2,6}", fullmatch=True),
                          st.none() | st.from_regex(r"[a-z]{2,6}", fullmatch=True))


@dataclass
class Drawn:
    """The parts of a review drawn so far (names to sprinkle into the text)."""

    names: list[str] = field(default_factory=list)


def with_names(draw: st.DrawFn, drawn: Drawn, strategy: st.SearchStrategy[str]) -> str:
    """Text from ``strategy``, sometimes with a participant's name (or a part of it) spliced in."""
    text = draw(strategy)
    if drawn.names and draw(st.booleans()):
        name = drawn.names[draw(st.integers(0, len(drawn.names) - 1))]
        first, last = name.split()[0], name.split()[-1]
        forms = (name, first, name.lower(), f"@{name}", f"{first.lower()}@example.com",
                 f"https://files.slack.com/files-pri/T1-F1/{last.lower()}/x")
        name = forms[draw(st.integers(0, len(forms) - 1))]
        at = draw(st.integers(0, len(text)))
        text = f"{text[:at]} {name} {text[at:]}"
    return text


@st.composite
def participants(draw: st.DrawFn, drawn: Drawn) -> tuple[ParticipantRow, ...]:
    people = []
    for index in range(draw(st.integers(0, 6))):
        name = draw(made_up_names | texts(20))
        if name.startswith("Qz"):
            drawn.names.append(name)
        handles = st.just(f"{name.split()[0].lower()}.k") if name.startswith("Qz") else texts(10)
        aliases = tuple(draw(st.lists(texts(10) | handles, max_size=2)))
        people.append(ParticipantRow(index + 1, name, tuple(draw(st.lists(ids(ROLES), max_size=3))),
                                     draw(st.none() | st.booleans()), draw(texts()),
                                     draw(st.none() | st.booleans()), aliases))
    return tuple(people)


@st.composite
def meetings(draw: st.DrawFn, drawn: Drawn) -> tuple[MeetingRow, ...]:
    rows = []
    for index in range(draw(st.integers(0, 3))):
        start = draw(maybe_moments)
        phases = tuple(MeetingPhaseRow(draw(ids(PHASES)), draw(maybe_moments), draw(maybe_moments))
                       for _ in range(draw(st.integers(0, 4))))
        pauses = tuple(MeetingPauseRow(draw(moments), draw(maybe_moments))
                       for _ in range(draw(st.integers(0, 2))))
        counts = st.none() | st.integers(0, 1000)
        rows.append(MeetingRow(index + 1, draw(ids(("review", "actions"))), start, draw(maybe_moments),
                               draw(st.none() | ids(PHASES)), phases, pauses, draw(maybe_moments),
                               draw(counts), draw(counts), draw(counts), with_names(draw, drawn, texts()),
                               draw(st.none() | st.sampled_from(("actions-meeting", "standard", "nope")))))
    return tuple(rows)


@st.composite
def reviews(draw: st.DrawFn, max_events: int = 50) -> tuple[ReviewDoc, list[str]]:
    """A review snapshot of anything the library can hold, and the made-up names of its participants."""
    drawn = Drawn()
    people = draw(participants(drawn))
    names = [p.name for p in people] + draw(st.lists(texts(10), max_size=2))
    events = tuple(
        EventRow(index + 1, draw(moments), with_names(draw, drawn, texts(120)), draw(ids(EVENT_KINDS)),
                 with_names(draw, drawn, texts(20)), draw(st.booleans()),
                 tuple(draw(st.lists(st.sampled_from(names), max_size=3))) if names else ())
        for index in range(draw(st.integers(0, max_events))))
    notes = tuple(
        NoteRow(index + 1, draw(ids(PHASES)), draw(ids(NOTE_KINDS)), with_names(draw, drawn, texts(120)),
                draw(maybe_moments), None, draw(st.none() | st.sampled_from(names)) if names else None,
                draw(st.none() | st.integers(0, len(events) + 1)), draw(st.booleans()), draw(moments))
        for index in range(draw(st.integers(0, 20))))
    learnings = tuple(LearningRow(index + 1, with_names(draw, drawn, texts(80)),
                                  draw(ids(LEARNING_CATEGORIES)), None)
                      for index in range(draw(st.integers(0, 6))))
    actions = tuple(
        ActionRow(index + 1, with_names(draw, drawn, texts(60)), with_names(draw, drawn, texts(80)),
                  draw(st.sampled_from(names) | texts(20)) if names else draw(texts(20)),
                  draw(st.none() | st.dates(date(1900, 1, 1), date(2200, 12, 31))),
                  draw(ids(ACTION_PRIORITIES)), draw(ids(ACTION_STATUSES)),
                  with_names(draw, drawn, texts(40)), None)
        for index in range(draw(st.integers(0, 6))))
    doc = ReviewDoc(
        id=1, title=with_names(draw, drawn, long_texts()), summary=with_names(draw, drawn, long_texts()),
        severity=draw(st.none() | ids(("SEV1", "SEV2", "SEV3", "SEV4"))), kind=draw(ids(REVIEW_KINDS)),
        status=draw(ids(REVIEW_STATUSES)), timezone=draw(st.sampled_from(ZONES) | texts(10)),
        template=draw(st.sampled_from(("standard", "learning-focused", "actions-meeting")) | texts(10)),
        started_at=draw(maybe_moments), detected_at=draw(maybe_moments), mitigated_at=draw(maybe_moments),
        resolved_at=draw(maybe_moments), impact=with_names(draw, drawn, texts(200)),
        services=tuple(draw(st.lists(texts(15), max_size=4))),
        tags=tuple(draw(st.lists(long_texts(300), max_size=12))),
        created_at=draw(moments), updated_at=draw(moments), participants=people, events=events, notes=notes,
        learnings=learnings, actions=actions, meetings=draw(meetings(drawn)),
    )
    return doc, drawn.names


# ---------------------------------------------------------------- readers

class _Text(HTMLParser):
    """All text of an HTML document, and its <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._in_title:
            self.title += data


def read_html(text: str) -> _Text:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return parser


def read_docx(data: bytes) -> tuple[str, dict[str, str]]:
    """Every paragraph and table cell of a Word file, and its core text properties."""
    document = docx.Document(io.BytesIO(data))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    props = document.core_properties
    properties = {name: getattr(props, name) or "" for name in (
        "title", "subject", "keywords", "comments", "category", "author", "last_modified_by",
        "content_status", "identifier", "language", "version")}
    return "\n".join([*(p.text for p in document.paragraphs), *cells]), properties


def read_markdown(text: str) -> tuple[dict[str, Any], str]:
    """The front matter (parsed) and the body of a Markdown report."""
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    facts = yaml.safe_load(text[4:end])
    assert isinstance(facts, dict)
    return facts, text[end + 5:]


class _TimesAsText(yaml.SafeLoader):
    """PyYAML's safe loader, with times left as the text they are (as Debrief's bundle reader does)."""


_TimesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_pdf(data: bytes, folder: Path) -> str:
    """The PDF's text by pdftotext; without it, only that it looks like a whole PDF."""
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:] and len(data) > 500
    if PDFTOTEXT is None:
        return ""
    path = folder / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60,
                          check=True)
    return done.stdout.decode("utf-8")


# ---------------------------------------------------------------- checks

def _names_left(text: str, names: list[str]) -> list[str]:
    """The made-up names, or parts of them, still in ``text`` as whole words."""
    parts = {part for name in names for part in name.split()}
    return sorted(p for p in parts if re.search(rf"(?<![^\W\d_]){re.escape(p)}(?![^\W\d_])", text, re.I))


def _surrogate_free(text: str) -> bool:
    return not re.search("[\ud800-\udfff]", text)


def check_reports(report: ReviewReport, options: ReportOptions, names: list[str], folder: Path, *,
                  pdf: bool) -> None:
    """Every report format of ``report`` opens with its reader and holds the report's own text."""
    review = report.review
    title = report_title(review)
    summary = clean(review.summary)
    words = (title, summary) if options.audience == "summary" else (title, summary, "Incident facts")

    word, properties = read_docx(to_docx(report, options=options))
    for expected in words:
        assert expected in word
    assert properties["title"] and all(len(v) <= PROPERTY_LIMIT for v in properties.values()), properties

    html = read_html(to_html(report, options=options))
    assert html.title == title
    text = "".join(html.parts)
    assert _surrogate_free(text)

    markdown = to_markdown(report, options=options, image_name="chart.png")
    facts, body = read_markdown(markdown)
    assert facts["title"] == title and _surrogate_free(markdown)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", markdown)

    pdf_text = read_pdf(to_pdf(report, options=options, page_size="A4"), folder) if pdf else ""
    if pdf_text:
        assert ("Key facts" if options.audience == "summary" else "Incident facts") in pdf_text

    if names:
        for name, content in (("docx", word + "\n".join(properties.values())), ("html", text),
                              ("md", markdown), ("pdf", pdf_text)):
            assert not _names_left(content, names), (name, _names_left(content, names))


def check_bundles_and_csv(review: ReviewDoc, names: list[str]) -> None:
    """The YAML and JSON bundles load back to the same document; the CSV has one row per action."""
    document = to_bundle(review)
    assert document["review"]["title"] == xml_safe(review.title)
    loaded_yaml = yaml.load(dump_yaml(document).encode("utf-8"), Loader=_TimesAsText)  # noqa: S506
    loaded_json = json.loads(dump_json(document).encode("utf-8"))
    assert loaded_json == document
    assert loaded_yaml == document
    assert len(loaded_json.get("timeline", [])) == len(review.events)

    text = to_actions_csv(review)
    text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS) and len(rows) == len(review.actions) + 1
    for row, action in zip(rows[1:], review.actions, strict=True):
        assert row[0] == safe_cell(clean(action.title))
        assert row[6] == safe_cell(clean(action.link))
    if names:
        for content in (dump_yaml(document), text):
            assert not _names_left(content, names)


def export_everything(doc: ReviewDoc, names: list[str], folder: Path, *, audience: str, roles: bool,
                      chart: bool, pdf: bool = True) -> None:
    """``doc`` through every format, as ``audience`` with names or (``roles``) roles."""
    if roles:
        doc = anonymize(doc)
    report = ReviewReport.build(doc, CATALOG, make_png() if chart else None)
    options = ReportOptions(include_private=True)
    if audience == "summary":
        options = replace(options, audience="summary")
    check_reports(report, options, names if roles else [], folder, pdf=pdf)
    check_bundles_and_csv(doc, names if roles else [])


# ---------------------------------------------------------------- the properties

@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("exports-property")


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(drawn=reviews(), audience=st.sampled_from(("full", "summary")), roles=st.booleans(),
       chart=st.booleans())
def test_any_review_exports_to_every_format(drawn: tuple[ReviewDoc, list[str]], audience: str, roles: bool,
                                            chart: bool, folder: Path) -> None:
    """Any review, full report or summary, with names or roles: every format writes and reads back.

    With roles, no participant's name (nor a part of it, nor their address, nor
    a link carrying it) is left in any file.
    """
    doc, names = drawn
    export_everything(doc, names, folder, audience=audience, roles=roles, chart=chart, pdf=False)


@pytest.mark.fuzz
@settings(max_examples=max(10, EXAMPLES // 10))
@given(drawn=reviews(max_events=10), audience=st.sampled_from(("full", "summary")), roles=st.booleans())
def test_any_review_prints_to_pdf(drawn: tuple[ReviewDoc, list[str]], audience: str, roles: bool,
                                  folder: Path, qapp: Any) -> None:
    """The PDF too (a tenth of the examples: Qt lays out every page, pdftotext reads it back)."""
    doc, names = drawn
    export_everything(doc, names, folder, audience=audience, roles=roles, chart=True)


def nasty_review(events: int) -> tuple[ReviewDoc, list[str]]:
    """A review with ``events`` timeline events, every nasty text in turn, names in every field."""
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    people = (ParticipantRow(1, "Qzravi Xvkumar", ("incident-commander",), True, "paged Qzravi", None,
                             ("qzravi.k", "QK")),
              ParticipantRow(2, "Qzana", ("responder",), None, "\x01", None))
    names = ["Qzravi Xvkumar", "Qzana"]

    def nasty(index: int) -> str:
        return f"{NASTY[index % len(NASTY)]} step {index} by qzravi {NASTY[(index * 7) % len(NASTY)]}"

    return ReviewDoc(
        id=1, title="Checkout\x0b errors \ud800 after Qzravi's push " * 10,
        summary="Xvkumar saw it.\x01 " * 600, severity="SEV\x012", kind="incident", status="reviewed",
        timezone="Europe/Berlin", template="standard", started_at=start,
        detected_at=start + timedelta(hours=24, minutes=11),
        mitigated_at=start + timedelta(hours=34, minutes=15), resolved_at=None,
        impact="mail qzravi@example.com",
        services=("checkout\x1f",), tags=tuple(f"tag-{i}" for i in range(100)), created_at=start,
        updated_at=start, participants=people,
        events=tuple(EventRow(i, start + timedelta(seconds=37 * i), nasty(i),
                              EVENT_KINDS[i % len(EVENT_KINDS)],
                              "slack #inc\x02", i % 3 == 0, ("Qzravi Xvkumar",) if i % 2 else ())
                     for i in range(events)),
        notes=tuple(NoteRow(i, PHASES[i % len(PHASES)] + ("\x01" if i % 5 == 0 else ""),
                            NOTE_KINDS[i % len(NOTE_KINDS)],
                            nasty(i), None, 1, "Qzravi Xvkumar", i, i % 4 == 0, start) for i in range(200)),
        learnings=(LearningRow(1, "Qzana knew \ufffe", "knowledge\x01", None),),
        actions=(ActionRow(1, "=cmd|' /C calc'!A0", "ask Qzana", "Qzana", None, "high", "open",
                           "https://files.slack.com/files-pri/T1-F1/qzravi.k/log.txt", None),),
        meetings=(MeetingRow(1, "review", start, start + timedelta(hours=26), "timeline\x01",
                             (MeetingPhaseRow("time\x0bline", start, start + timedelta(hours=26)),),
                             pulse_unclear="who paged \ud800 Qzana?"),),
    ), names


@pytest.mark.parametrize("roles", [False, True], ids=["names", "roles"])
def test_two_thousand_nasty_events_export_to_every_format(roles: bool, folder: Path, qapp: Any) -> None:
    """2,000 events of control characters, surrogates, markup and names: every format, full and summary."""
    doc, names = nasty_review(2000)
    for audience in ("full", "summary"):
        export_everything(doc, names, folder, audience=audience, roles=roles, chart=True)


def test_long_summary_title_and_tags_fit_words_document_properties() -> None:
    """Issue 8: a 300-character summary (or title, 100 tags) crashed the Word export; now trimmed to 255."""
    doc, _names = nasty_review(2)
    doc = replace(doc, summary="S" * 300, title="T" * 400, tags=tuple(f"tag{i}" for i in range(100)))
    word, properties = read_docx(to_docx(ReviewReport.build(doc, CATALOG)))
    assert "S" * 300 in word and "T" * 400 in word
    for name in ("title", "comments", "keywords"):
        assert len(properties[name]) == PROPERTY_LIMIT and properties[name].endswith("…"), name
    assert properties["title"] == "T" * 254 + "…"


@pytest.mark.parametrize("bad", ["\x01", "\x0b", "\x0c", "\x1b", "\ud800", "\udfff", "\ufffe", "\uffff",
                                 "\x00"])
@pytest.mark.parametrize("where", ["phase", "severity", "status", "kind", "timezone", "role", "meeting phase",
                                   "category", "priority", "title", "author"])
def test_a_control_character_anywhere_never_breaks_word(bad: str, where: str) -> None:
    """Issue 8: a phase id (or any text) with a control character made lxml refuse the Word report."""
    doc, _names = nasty_review(1)
    person = doc.participants[0]
    changes: dict[str, Callable[[], ReviewDoc]] = {
        "phase": lambda: replace(doc, notes=(replace(doc.notes[0], phase=f"wrap{bad}up"),)),
        "severity": lambda: replace(doc, severity=f"SEV{bad}"),
        "status": lambda: replace(doc, status=f"closed{bad}"),
        "kind": lambda: replace(doc, kind=f"incident{bad}"),
        "timezone": lambda: replace(doc, timezone=f"Europe/Berlin{bad}"),
        "role": lambda: replace(doc, participants=(replace(person, roles=(f"facilitator{bad}",)),)),
        "meeting phase": lambda: replace(doc, meetings=(replace(doc.meetings[0], phases=(
            MeetingPhaseRow(f"time{bad}line", doc.started_at, None),)),)),
        "category": lambda: replace(doc, learnings=(replace(doc.learnings[0], category=f"x{bad}"),)),
        "priority": lambda: replace(doc, actions=(replace(doc.actions[0], priority=f"x{bad}"),)),
        "title": lambda: replace(doc, title=f"A{bad}B"),
        "author": lambda: replace(doc, notes=(replace(doc.notes[0], author=f"Ana{bad}"),)),
    }
    report = ReviewReport.build(changes[where](), CATALOG)
    word, _properties = read_docx(to_docx(report))
    assert bad not in word
    html = to_html(report)
    assert bad not in html
    assert bad not in to_markdown(report)
    assert bad not in dump_json(to_bundle(report.review))
    dump_json(to_bundle(report.review)).encode("utf-8")


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"),
    ("tab\tnew\nline\rreturn", "tab\tnew\nline\rreturn"),
    ("a\x00b\x01c\x08d\x0be\x0cf\x1fg", "abcdefg"),
    ("lone \ud800 and \udfff", "lone \ufffd and \ufffd"),
    ("not \ufffe or \uffff", "not  or "),
    ("rtl מה קרה \u202e emoji 👩‍👩‍👧 \U0010ffff \x85 \u2028",
     "rtl מה קרה \u202e emoji 👩‍👩‍👧 \U0010ffff \x85 \u2028"),
])
def test_xml_safe_keeps_what_xml_allows(text: str, expected: str) -> None:
    """The one cleaner: drops what XML 1.0 refuses, keeps tab and line ends, replaces surrogates."""
    assert xml_safe(text) == expected
    assert xml_safe(expected) == expected
