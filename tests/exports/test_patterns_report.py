"""The patterns report: every chart with its title, picture and numbers, in Word and in HTML.

Read back as a reader's tools read them: python-docx for the Word file, an
HTML parser for the HTML. Pictures are real charts where the picture matters,
a tiny stand-in PNG where only the words do (and in the property tests).
"""

from __future__ import annotations

import base64
import io
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Length
from hypothesis import given, settings
from hypothesis import strategies as st

from exports import patterns_report
from exports.common import xml_safe
from exports.pattern_charts import (
    BarChart,
    ChartPicture,
    ColumnChart,
    LineChart,
    PatternTexts,
    describe_charts,
    render_pattern_charts,
)
from exports.patterns_report import (
    ReportTexts,
    UnknownReportFormat,
    made_text,
    patterns_docx,
    patterns_html,
    report_format,
    report_heading,
    report_sections,
    write_patterns_report,
)
from models.metrics import METRIC_IDS
from models.patterns import Count, MetricTrend, MonthMedian, Patterns, Ranking, SeverityMonths
from models.vocabulary import LEARNING_CATEGORIES
from tests.conftest import EXAMPLES
from tests.exports.conftest import make_png
from tests.patterns_library import docx_items, docx_sections, parse_report

MADE = datetime(2026, 11, 14, 10, 32, tzinfo=timezone(timedelta(hours=1)))
CHART_IDS = ["per-month", *METRIC_IDS, "services", "tags", "learnings", "surprises"]
TITLES = ["Reviews per month, by severity", "Time to detect: median per month",
          "Time to mitigate: median per month", "Time to resolve: median per month", "Most frequent services",
          "Most frequent tags", "Learnings by category", "Surprises per service"]
SCRIPT = "<script>alert(1)</script>"
LONG = "order-fulfilment-and-warehouse-synchronisation-service-" * 5


def library_patterns(**changes: Any) -> Patterns:
    """42 reviews from March 2025 to November 2026, with names a report must keep as they are typed."""
    months = tuple(f"{2025 + (m + 2) // 12}-{(m + 2) % 12 + 1:02d}" for m in range(21))
    found = Patterns(
        reviews=42,
        per_month=SeverityMonths(months, ("SEV1", "SEV2", None),
                                 tuple((m % 2, m % 3, 1 if m % 4 else 0) for m in range(21))),
        metrics=(MetricTrend("time-to-detect", "Time to detect",
                             (MonthMedian("2025-03", 12.0, 3), MonthMedian("2025-05", 80.0, 1))),
                 MetricTrend("time-to-mitigate", "Time to mitigate", (MonthMedian("2026-11", 1455.4, 2),)),
                 MetricTrend("time-to-resolve", "Time to resolve", ())),
        services=Ranking((Count("checkout", 9), Count(SCRIPT, 4), Count("Zahlungsdienst-Größe", 3),
                          Count(LONG, 2), Count(None, 2)), 3, 5),
        tags=Ranking(()),
        learnings=tuple(Count(c, i) for i, c in enumerate(LEARNING_CATEGORIES)),
        surprises=Ranking((Count("checkout", 7), Count("決済", 1))),
    )
    return Patterns(**{**found.__dict__, **changes})


def empty_patterns() -> Patterns:
    return Patterns(0, SeverityMonths((), (), ()), tuple(MetricTrend(m, m, ()) for m in METRIC_IDS),
                    Ranking(()), Ranking(()), tuple(Count(c, 0) for c in LEARNING_CATEGORIES), Ranking(()))


def stand_in_pictures(patterns: Patterns) -> tuple[ChartPicture, ...]:
    """A tiny PNG per chart: what the writers need when the picture itself is not the point."""
    png = make_png(32, 18)
    return tuple(ChartPicture(chart.id, chart.title, png, 32, 18) for chart in describe_charts(patterns))


def one_line(text: str) -> str:
    return " ".join(xml_safe(text).split())


# ---------------------------------------------------------------- what the report says

def test_the_heading_names_the_span_of_the_library_and_when_it_was_made() -> None:
    """"42 reviews, March 2025 – November 2026"; "Made on 14 November 2026 at 10:32" in its own zone."""
    heading = report_heading(library_patterns(), MADE, ReportTexts())
    assert heading.title == "Patterns across the library"
    assert heading.span == "42 reviews, March 2025 – November 2026"
    assert heading.made == "Made on 14 November 2026 at 10:32"


def test_one_review_in_one_month_is_said_once() -> None:
    one = library_patterns(reviews=1, per_month=SeverityMonths(("2026-02",), ("SEV3",), ((1,),)))
    assert report_heading(one, MADE, ReportTexts()).span == "1 review, February 2026"


def test_translated_words_are_used() -> None:
    """The view's words: the month names, the count, the date and the charts' own words."""
    german = ReportTexts(charts=PatternTexts(services="Häufigste Dienste"), review_count="{n} Reviews",
                         month_names=("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                      "September", "Oktober", "November", "Dezember"),
                         made="Erstellt am {date} um {time}", date="{day}. {month} {year}")
    heading = report_heading(library_patterns(), MADE, german)
    assert heading.span == "42 Reviews, März 2025 – November 2026"
    assert made_text(MADE, german) == "Erstellt am 14. November 2026 um 10:32"
    services = next(s for s in report_sections(library_patterns(), (), german) if s.id == "services")
    assert services.title == "Häufigste Dienste"


def test_each_chart_has_a_section_in_the_page_order() -> None:
    sections = report_sections(library_patterns(), stand_in_pictures(library_patterns()), ReportTexts())
    assert [s.id for s in sections] == CHART_IDS
    assert [s.title for s in sections] == TITLES


def test_severity_columns_are_a_table_of_months_by_severity() -> None:
    """A row per month (a quiet month too), a column per severity, then the month's total."""
    patterns = library_patterns()
    table = report_sections(patterns, (), ReportTexts())[0].table
    assert table is not None
    assert table.header == ("month (UTC)", "SEV1", "SEV2", "no severity", "total")
    assert len(table.rows) == 21
    assert table.rows[0] == ("2025-03", "0", "0", "0", "0")
    assert table.rows[5] == ("2025-08", "1", "2", "1", "4")


def test_times_are_written_as_the_chart_writes_them_with_how_many_reviews() -> None:
    """Time to detect: "12 min", "1 h 20 min"; time to mitigate over a day: "1 d 0 h 15 min"."""
    sections = {s.id: s for s in report_sections(library_patterns(), (), ReportTexts())}
    detect, mitigate = sections["time-to-detect"].table, sections["time-to-mitigate"].table
    assert detect is not None and mitigate is not None
    assert detect.header == ("month (UTC)", "median time", "reviews")
    assert detect.rows == (("2025-03", "12 min", "3"), ("2025-05", "1 h 20 min", "1"))
    assert mitigate.rows == (("2026-11", "1 d 0 h 15 min", "2"),)


def test_rankings_are_names_and_counts_with_what_was_left_out() -> None:
    services = report_sections(library_patterns(), (), ReportTexts())[4]
    assert services.table is not None
    assert services.table.header == ("service", "reviews naming the service")
    assert services.table.rows == (("checkout", "9"), (SCRIPT, "4"), ("Zahlungsdienst-Größe", "3"),
                                   (LONG.strip(), "2"), ("no service named", "2"))
    assert services.note == "+ 3 more (5 in all)"


def test_a_chart_without_data_says_so_instead_of_a_picture() -> None:
    """No tags, no time to resolve: no picture, no table, "No data yet"."""
    sections = {s.id: s for s in report_sections(library_patterns(), stand_in_pictures(library_patterns()),
                                                 ReportTexts())}
    for chart_id in ("tags", "time-to-resolve"):
        assert sections[chart_id].empty
        assert sections[chart_id].picture is None and sections[chart_id].table is None
    assert not sections["services"].empty and sections["services"].picture is not None


# ---------------------------------------------------------------- Word

def test_the_word_report_has_a_heading_picture_and_table_per_chart(qapp: Any) -> None:
    """Title, span, date; then per chart its heading, its picture as wide as the text, its numbers."""
    patterns = library_patterns()
    pictures = render_pattern_charts(patterns)
    data = patterns_docx(patterns, pictures, made_at=MADE)
    items = docx_items(data)
    assert (items[0].style, items[0].text) == ("Title", "Patterns across the library")
    assert (items[1].style, items[1].text) == ("Subtitle", "42 reviews, March 2025 – November 2026")
    assert items[2].text == "Made on 14 November 2026 at 10:32"
    sections = docx_sections(data)
    assert [title for title, _ in sections] == TITLES
    doc = Document(io.BytesIO(data))
    page = doc.sections[-1]
    text_width = Length((page.page_width or 0) - (page.left_margin or 0) - (page.right_margin or 0))
    expected = {s.id: s for s in report_sections(patterns, pictures, ReportTexts())}
    for chart_id, (title, body) in zip(CHART_IDS, sections, strict=True):
        shown = [item for item in body if item.kind == "picture"]
        tables = [item.rows for item in body if item.kind == "table"]
        section = expected[chart_id]
        if section.empty:
            assert shown == [] and tables == []
            assert any(item.text == "No data yet" for item in body), title
            continue
        assert len(shown) == 1 and len(tables) == 1, title
        assert shown[0].width == text_width
        assert shown[0].alt == f"{title}: chart. The numbers are in the table below."
        assert section.table is not None
        assert tables[0] == [list(section.table.header), *map(list, section.table.rows)]
    assert len(doc.inline_shapes) == 6


def test_the_word_report_keeps_names_as_typed() -> None:
    """Markup, umlauts, CJK and a 280-letter name come back as they went in."""
    patterns = library_patterns()
    sections = dict(docx_sections(patterns_docx(patterns, stand_in_pictures(patterns), made_at=MADE)))
    services = next(item.rows for item in sections["Most frequent services"] if item.kind == "table")
    assert [row[0] for row in services[1:]] == ["checkout", SCRIPT, "Zahlungsdienst-Größe", LONG.strip(),
                                                "no service named"]
    surprises = next(item.rows for item in sections["Surprises per service"] if item.kind == "table")
    assert surprises[2] == ["決済", "1"]


def test_the_word_report_says_who_made_it_and_when() -> None:
    doc = Document(io.BytesIO(patterns_docx(library_patterns(), (), made_at=MADE)))
    props = doc.core_properties
    assert props.title == "Patterns across the library"
    assert props.subject == "42 reviews, March 2025 – November 2026"
    assert props.author == "Debrief"
    assert props.created == MADE and props.created.utcoffset() == timedelta(0)


def test_a_chart_whose_picture_is_missing_still_has_its_numbers() -> None:
    """Only the table then (a picture that could not be drawn is no reason to lose the numbers)."""
    sections = dict(docx_sections(patterns_docx(library_patterns(), (), made_at=MADE)))
    body = sections["Most frequent services"]
    assert [item.kind for item in body if item.kind != "paragraph"] == ["table"]


def test_an_empty_library_gives_a_report_that_says_there_is_nothing_yet() -> None:
    data = patterns_docx(empty_patterns(), (), made_at=MADE)
    items = docx_items(data)
    texts = [item.text for item in items]
    assert "0 reviews" in texts
    assert any(text.startswith("No reviews in the library yet.") for text in texts)
    assert docx_sections(data) == []
    assert not any(item.kind == "picture" for item in items)


# ---------------------------------------------------------------- HTML

def test_the_html_report_inlines_a_picture_per_chart_with_data(qapp: Any) -> None:
    """One <img> (a PNG data URI) per chart with data, with its table; one self-contained file."""
    patterns = library_patterns()
    pictures = {p.id: p for p in render_pattern_charts(patterns)}
    html = patterns_html(patterns, tuple(pictures.values()), made_at=MADE)
    report = parse_report(html)
    assert report.h1 == "Patterns across the library"
    assert "42 reviews, March 2025 – November 2026" in report.text
    assert [s.heading for s in report.sections] == TITLES
    expected = {s.id: s for s in report_sections(patterns, (), ReportTexts())}
    for chart_id, section in zip(CHART_IDS, report.sections, strict=True):
        if expected[chart_id].empty:
            assert section.images == [] and section.tables == []
            assert "No data yet" in section.text
            continue
        assert len(section.images) == 1 and len(section.tables) == 1
        src, alt = section.images[0]
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == pictures[chart_id].png
        assert alt == f"{section.heading}: chart. The numbers are in the table below."
        table = expected[chart_id].table
        assert table is not None
        assert section.tables[0] == [list(table.header), *map(list, table.rows)]
    assert "src=\"http" not in html and "<link" not in html and "@media print" in html


def test_a_service_named_like_a_script_is_shown_as_text() -> None:
    """``<script>alert(1)</script>`` is a name in a cell: no script element, the name readable."""
    patterns = library_patterns()
    html = patterns_html(patterns, stand_in_pictures(patterns), made_at=MADE)
    report = parse_report(html)
    assert "script" not in report.tags
    assert SCRIPT not in html
    services = report.sections[4].tables[0]
    assert services[2] == [SCRIPT, "4"]
    assert "+ 3 more (5 in all)" in report.sections[4].text


def test_the_html_of_an_empty_library_says_there_is_nothing_yet() -> None:
    report = parse_report(patterns_html(empty_patterns(), (), made_at=MADE))
    assert report.sections == []
    assert "No reviews in the library yet." in report.text and "0 reviews" in report.text


# ---------------------------------------------------------------- files

@pytest.mark.parametrize(("name", "fmt"), [("p.docx", "docx"), ("P.HTML", "html"), ("p.htm", "html"),
                                           ("p.pdf", None), ("p", None)])
def test_the_format_comes_from_the_suffix(name: str, fmt: str | None) -> None:
    assert report_format(Path(name)) == fmt


def test_write_chooses_the_format_by_suffix_or_as_told(tmp_path: Path) -> None:
    patterns = library_patterns()
    assert write_patterns_report(tmp_path / "p.docx", patterns, (), made_at=MADE) == "docx"
    assert Document(str(tmp_path / "p.docx")).paragraphs[0].text == "Patterns across the library"
    assert write_patterns_report(tmp_path / "p.html", patterns, (), made_at=MADE) == "html"
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert write_patterns_report(tmp_path / "p.txt", patterns, (), made_at=MADE, fmt="html") == "html"
    with pytest.raises(UnknownReportFormat, match="p.pdf"):
        write_patterns_report(tmp_path / "p.pdf", patterns, (), made_at=MADE)
    assert not (tmp_path / "p.pdf").exists()


def test_a_missing_folder_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_patterns_report(tmp_path / "gone" / "p.docx", library_patterns(), (), made_at=MADE)
    assert not (tmp_path / "gone").exists()


def test_a_failed_report_keeps_the_earlier_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report is made before anything is written: a failure leaves last week's report as it was."""
    target = tmp_path / "patterns.docx"
    target.write_bytes(b"last week's report")

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(patterns_report, "patterns_report_bytes", broken)
    with pytest.raises(OSError):
        write_patterns_report(target, library_patterns(), (), made_at=MADE)
    assert target.read_bytes() == b"last week's report"
    assert os.listdir(tmp_path) == ["patterns.docx"]


# ---------------------------------------------------------------- any patterns

#: Names as a library holds them: any text, with markup, controls, right-to-left and very long ones mixed in.
names = st.one_of(
    st.text(min_size=1, max_size=30).filter(str.strip),
    st.sampled_from([SCRIPT, "a & b", "Größe", "決済サービス", "שירות", "x" * 300, "bell\x07", "tab\there",
                     "two\nlines", "lone \ud800 surrogate", '"quoted"', "{n} braces {total}"]),
)


def _months(start: int, count: int) -> tuple[str, ...]:
    return tuple(f"{(start + m) // 12:04d}-{(start + m) % 12 + 1:02d}" for m in range(count))


@st.composite
def rankings(draw: st.DrawFn, *, none: bool) -> Ranking:
    labels = draw(st.lists(names | st.none() if none else names, unique=True, max_size=12))
    values = sorted(draw(st.lists(st.integers(1, 100_000), min_size=len(labels), max_size=len(labels))),
                    reverse=True)
    others = draw(st.integers(0, 40))
    return Ranking(tuple(Count(n, v) for n, v in zip(labels, values, strict=True)), others,
                   draw(st.integers(others, others * 50)) if others else 0)


@st.composite
def any_patterns(draw: st.DrawFn) -> Patterns:
    """Patterns as the library could read them: months without gaps, medians for some months, rankings."""
    start = draw(st.integers(2000 * 12, 2040 * 12))
    months = _months(start, draw(st.integers(0, 40)))
    severities = tuple(draw(st.lists(names | st.none(), unique=True, min_size=1 if months else 0,
                                     max_size=6)))
    counts = tuple(tuple(draw(st.lists(st.integers(0, 500), min_size=len(severities),
                                       max_size=len(severities)))) for _ in months)
    metrics = []
    for metric_id in METRIC_IDS:
        chosen = sorted(draw(st.sets(st.sampled_from(months), max_size=len(months))) if months else [])
        metrics.append(MetricTrend(metric_id, metric_id, tuple(
            MonthMedian(m, draw(st.floats(0, 2_000_000, allow_nan=False)), draw(st.integers(1, 999)))
            for m in chosen)))
    categories = [*LEARNING_CATEGORIES, *draw(st.lists(names, max_size=3, unique=True))]
    learnings = tuple(Count(c, draw(st.integers(0, 10_000))) for c in dict.fromkeys(categories))
    reviews = draw(st.integers(1, 100_000)) if months else draw(st.sampled_from([0, 3]))
    return Patterns(reviews, SeverityMonths(months, severities, counts), tuple(metrics),
                    draw(rankings(none=True)), draw(rankings(none=False)), learnings,
                    draw(rankings(none=True)))


def assert_numbers_in_tables(patterns: Patterns, tables: dict[str, list[list[str]]]) -> None:
    """Every chart with data has its table, and every number of the chart is in its row."""
    if patterns.empty:
        assert tables == {}
        return
    for chart in describe_charts(patterns):
        if chart.id not in tables:
            assert patterns_report.is_empty(chart), chart.id
            continue
        header, *rows = tables[chart.id]
        if isinstance(chart, ColumnChart):
            assert header[1:-1] == [one_line(s) for s in chart.series]
            assert rows == [[month, *map(str, values), str(sum(values))]
                            for month, values in zip(chart.categories, chart.values, strict=True)]
        elif isinstance(chart, LineChart):
            assert [row[:2] for row in rows] == [[chart.categories[p.slot], p.text] for p in chart.points]
            trend = next(t for t in patterns.metrics if t.metric_id == chart.id)
            assert [row[2] for row in rows] == [str(p.count) for p in trend.points]
        else:
            assert isinstance(chart, BarChart)
            assert rows == [[one_line(bar.label), bar.text] for bar in chart.bars]


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(patterns=any_patterns())
def test_any_patterns_make_an_html_report_with_every_number_in_its_table(patterns: Patterns) -> None:
    """Random patterns: the writer never raises, and each chart's numbers are its table's."""
    pictures = stand_in_pictures(patterns)
    html = patterns_html(patterns, pictures, made_at=MADE)
    report = parse_report(html)
    assert "script" not in report.tags
    ids = [s.id for s in report_sections(patterns, pictures, ReportTexts()) if not s.empty]
    with_tables = [s for s in report.sections if s.tables]
    assert len(with_tables) == len(ids)
    assert all(len(s.images) == 1 for s in with_tables)
    assert_numbers_in_tables(patterns, {i: s.tables[0] for i, s in zip(ids, with_tables, strict=True)})


@pytest.mark.fuzz
@settings(max_examples=max(20, EXAMPLES // 4))
@given(patterns=any_patterns())
def test_any_patterns_make_a_word_report_with_every_number_in_its_table(patterns: Patterns) -> None:
    """The same for the .docx, read back (fewer examples: a Word file is slower to make and read)."""
    data = patterns_docx(patterns, stand_in_pictures(patterns), made_at=MADE)
    ids = [s.id for s in report_sections(patterns, (), ReportTexts()) if not s.empty]
    tables = [next(item.rows for item in body if item.kind == "table") for _title, body in docx_sections(data)
              if any(item.kind == "table" for item in body)]
    assert len(tables) == len(ids)
    assert_numbers_in_tables(patterns, dict(zip(ids, tables, strict=True)))
