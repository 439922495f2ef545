"""The patterns report: every chart of the patterns page in one document, Word or HTML.

A heading says what the library held (``42 reviews, March 2025 – November
2026``) and when the report was made; then each chart of the page, in the
page's order, as a section: its title, its picture, and the numbers behind it
as a small table, so the report reads without the pictures (a screen reader,
a printout in black and white, a reader who wants the exact figure). A chart
without data says so in words instead of showing an empty picture; a library
without reviews gives a report that says there is nothing yet.

Pure, like every format here: the patterns, their pictures (drawn by
:func:`exports.pattern_charts.render_pattern_charts`) and the words in, bytes
or text out. :func:`report_sections` decides what the report says; the Word
and HTML writers only lay it out, so both always hold the same.

Names in the library (services, tags, severities) are text, never markup: the
HTML escapes every one of them, and both formats keep only characters XML can
hold (:func:`exports.common.xml_safe`).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length

from exports.common import Table, fitted_column_widths, write_atomic, xml_safe
from exports.docx_report import TABLE_STYLE, column_widths, property_text
from exports.html_report import STYLE
from exports.pattern_charts import (
    PNG_SCALE,
    BarChart,
    Chart,
    ChartPicture,
    ColumnChart,
    LineChart,
    PatternTexts,
    describe_charts,
)
from models.patterns import Patterns

#: The formats of the patterns report: id → file suffix.
ReportFormat = Literal["docx", "html"]
FORMATS: dict[ReportFormat, str] = {"docx": ".docx", "html": ".html"}
#: Of the text width, what a table of short cells takes in the Word report.
NARROW_SHARE = 0.6
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


class UnknownReportFormat(ValueError):
    """A file name whose suffix names no format of the patterns report (and no format was given)."""


@dataclass(frozen=True)
class ReportTexts:
    """The report's words; views pass translated ones. ``{…}`` fields are filled in.

    ``charts`` are the charts' own words (titles, axis captions, "No data
    yet"): the same as the pictures were drawn with, so a table's headers
    match its picture.
    """

    charts: PatternTexts = field(default_factory=PatternTexts)
    title: str = "Patterns across the library"
    review_count_one: str = "{n} review"
    review_count: str = "{n} reviews"
    #: The line under the title: the review count, then the months they span.
    span: str = "{reviews}, {months}"
    month_range: str = "{first} – {last}"
    month_year: str = "{month} {year}"
    month_names: tuple[str, ...] = MONTH_NAMES
    made: str = "Made on {date} at {time}"
    date: str = "{day} {month} {year}"
    nothing_yet: str = ("No reviews in the library yet. Patterns appear here once there are reviews "
                        "to compare.")
    #: The words that stand for a chart's picture: what it is and where its numbers are.
    picture_alt: str = "{title}: chart. The numbers are in the table below."
    total_header: str = "total"
    #: The line charts' last column: how many reviews a month's median is of.
    median_of_header: str = "reviews"
    #: The ``lang`` of the HTML document.
    language: str = "en"


@dataclass(frozen=True)
class ChartSection:
    """One chart as the report shows it.

    ``picture`` and ``table`` are None for a chart without data (``empty``);
    ``picture`` is also None when no picture of the chart was given (the table
    stands alone then). ``note`` says what a ranking left out ("+ 3 more (5 in all)").
    """

    id: str
    title: str
    empty: bool
    picture: ChartPicture | None = None
    alt: str = ""
    table: Table | None = None
    note: str = ""
    #: A table of short cells only (month, time, count): narrower than the text on a page.
    narrow: bool = False


@dataclass(frozen=True)
class ReportHeading:
    """What the report says before the charts."""

    title: str
    span: str
    made: str


# ---------------------------------------------------------------- what the report says

def report_heading(patterns: Patterns, made_at: datetime, texts: ReportTexts) -> ReportHeading:
    """The title, the library's span (``42 reviews, March 2025 – November 2026``) and when it was made."""
    count = (texts.review_count_one if patterns.reviews == 1 else texts.review_count).format(
        n=patterns.reviews)
    months = patterns.per_month.months
    if not months:
        span = count
    else:
        first, last = month_name(months[0], texts), month_name(months[-1], texts)
        shown = first if first == last else texts.month_range.format(first=first, last=last)
        span = texts.span.format(reviews=count, months=shown)
    return ReportHeading(_text(texts.title), _text(span), _text(made_text(made_at, texts)))


def month_name(month: str, texts: ReportTexts) -> str:
    """``2025-03`` as ``March 2025`` (the month's name from ``texts``); the key itself if it is not one."""
    try:
        year, number = int(month[:4]), int(month[5:7])
    except ValueError:
        return month
    if not 1 <= number <= len(texts.month_names):
        return month
    return texts.month_year.format(month=texts.month_names[number - 1], year=year)


def made_text(made_at: datetime, texts: ReportTexts) -> str:
    """``Made on 14 November 2026 at 10:32``, in ``made_at``'s own zone."""
    names = texts.month_names
    month = names[made_at.month - 1] if made_at.month <= len(names) else f"{made_at.month:02d}"
    date = texts.date.format(day=made_at.day, month=month, year=made_at.year)
    return texts.made.format(date=date, time=f"{made_at.hour:02d}:{made_at.minute:02d}")


def report_sections(patterns: Patterns, pictures: Sequence[ChartPicture],
                    texts: ReportTexts) -> tuple[ChartSection, ...]:
    """Every chart of the patterns page, in its order: title, picture and table, or "no data".

    Empty for a library without reviews (the report says there is nothing yet instead).
    """
    if patterns.empty:
        return ()
    by_id = {picture.id: picture for picture in pictures}
    return tuple(chart_section(chart, patterns, by_id.get(chart.id), texts)
                 for chart in describe_charts(patterns, texts.charts))


def chart_section(chart: Chart, patterns: Patterns, picture: ChartPicture | None,
                  texts: ReportTexts) -> ChartSection:
    """One chart's section: its table of numbers, its picture, and a note of what was left out."""
    title = _text(chart.title)
    if is_empty(chart):
        return ChartSection(chart.id, title, True)
    note = ""
    if isinstance(chart, BarChart):
        table = bar_table(chart)
        if chart.others:
            note = chart.more.format(n=chart.others, total=_number(chart.others_total))
    elif isinstance(chart, ColumnChart):
        table = column_table(chart, texts)
    else:
        table = line_table(chart, _median_counts(patterns, chart.id), texts)
    alt = texts.picture_alt.format(title=chart.title)
    return ChartSection(chart.id, title, False, picture, _text(alt), _clean_table(table), _text(note),
                        narrow=isinstance(chart, LineChart))


def is_empty(chart: Chart) -> bool:
    """Whether the chart has nothing to show (what its picture says "No data yet" for)."""
    if isinstance(chart, BarChart):
        return not chart.bars
    if isinstance(chart, ColumnChart):
        return not chart.categories or not any(sum(row) for row in chart.values)
    return not chart.points


def bar_table(chart: BarChart) -> Table:
    """A ranking: the name (service, tag, category) and its count, in the chart's order."""
    rows = tuple((bar.label, bar.text) for bar in chart.bars)
    return Table((chart.header, chart.axis), rows, (3, 1))


def column_table(chart: ColumnChart, texts: ReportTexts) -> Table:
    """Months by severity: a row per month (quiet ones too), a column per severity, then the month's total."""
    rows = tuple((month, *(str(v) for v in values), str(sum(values)))
                 for month, values in zip(chart.categories, chart.values, strict=True))
    header = (chart.x_axis, *chart.series, texts.total_header)
    return Table(header, rows, (2, *(1 for _ in chart.series), 1))


def line_table(chart: LineChart, counts: dict[str, int], texts: ReportTexts) -> Table:
    """A time metric: each month with a value, the value as the chart writes it, and how many reviews."""
    rows = []
    for point in chart.points:
        month = chart.categories[point.slot] if 0 <= point.slot < len(chart.categories) else str(point.slot)
        count = counts.get(month)
        rows.append((month, point.text, "" if count is None else str(count)))
    return Table((chart.x_axis, chart.axis, texts.median_of_header), tuple(rows), (2, 1, 1))


def _median_counts(patterns: Patterns, metric_id: str) -> dict[str, int]:
    """How many reviews each month's median of ``metric_id`` is of, by month."""
    trend = next((t for t in patterns.metrics if t.metric_id == metric_id), None)
    return {} if trend is None else {p.month: p.count for p in trend.points}


def _number(value: float) -> str:
    """A count as the chart writes it: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _text(text: str) -> str:
    """Text as every format can hold it: XML-safe, tabs as spaces."""
    return xml_safe(text).replace("\t", " ")


def _clean_table(table: Table) -> Table:
    """``table`` with every cell on one line and XML-safe (a name with a newline stays one name)."""
    def one(text: str) -> str:
        return " ".join(_text(text).split())

    return Table(tuple(one(h) for h in table.header), tuple(tuple(one(c) for c in row) for row in table.rows),
                 table.weights)


# ---------------------------------------------------------------- Word

def patterns_docx(patterns: Patterns, pictures: Sequence[ChartPicture], *, made_at: datetime,
                  texts: ReportTexts | None = None) -> bytes:
    """The patterns report as the bytes of a .docx file (Title, Heading 1 per chart, built-in table style)."""
    texts = texts or ReportTexts()
    heading = report_heading(patterns, made_at, texts)
    doc = Document()
    _set_properties(doc, heading, made_at)
    section = doc.sections[-1]
    text_width = Length((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0))
    doc.add_heading(heading.title, level=0)
    doc.add_paragraph(heading.span, style="Subtitle")
    doc.add_paragraph().add_run(heading.made).italic = True
    if patterns.empty:
        doc.add_paragraph(_text(texts.nothing_yet))
    for number, chart in enumerate(report_sections(patterns, pictures, texts)):
        # One chart a page (the first under the title): a picture never parts from its heading or table.
        doc.add_heading(chart.title, level=1).paragraph_format.page_break_before = number > 0 or None
        if chart.empty:
            doc.add_paragraph().add_run(_text(texts.charts.empty)).italic = True
            continue
        if chart.picture is not None:
            _add_picture(doc, chart.picture.png, chart.alt, chart.title, text_width)
        if chart.table is not None:
            width = Length(int(text_width * NARROW_SHARE)) if chart.narrow else text_width
            _add_table(doc, chart.table, chart.title, width)
        if chart.note:
            doc.add_paragraph().add_run(chart.note).italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_properties(doc: WordDocument, heading: ReportHeading, made_at: datetime) -> None:
    """Title, subject (the span), author Debrief, made at ``made_at`` (python-docx's own template says
    "python-docx" and 2013 otherwise)."""
    props = doc.core_properties
    for name, value in (("title", heading.title), ("subject", heading.span), ("author", "Debrief"),
                        ("last_modified_by", "Debrief"), ("comments", heading.made)):
        setattr(props, name, property_text(value))
    moment = made_at.astimezone(UTC) if made_at.tzinfo is not None else made_at.replace(tzinfo=UTC)
    props.created = moment
    props.modified = moment
    props.revision = 1


def _add_picture(doc: WordDocument, png: bytes, alt: str, title: str, text_width: Length) -> None:
    """The chart as wide as the text, its alt text saying where the numbers are; kept with its table."""
    shape = doc.add_picture(io.BytesIO(png), width=text_width)
    properties = shape._inline.docPr
    properties.set("descr", alt)
    properties.set("title", title)
    doc.paragraphs[-1].paragraph_format.keep_with_next = True


def _add_table(doc: WordDocument, block: Table, title: str, text_width: Length) -> None:
    """A small table in the review report's table style: header row repeated, numbers right-aligned,
    widths fitted to the text, and the chart's title as the table's caption for screen readers."""
    widths = column_widths(block, text_width)
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = TABLE_STYLE
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(Length(w).twips for w in widths)))
    tbl_pr.append(OxmlElement("w:tblCaption", {qn("w:val"): property_text(title)}))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for index, (cell, text) in enumerate(zip(header.cells, block.header, strict=True)):
        cell.width = widths[index]
        cell.text = text
        if index:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in block.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.width = widths[index]
            cell.text = text
            if index:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()  # air between the table and what follows


# ---------------------------------------------------------------- HTML

#: Beyond the review report's styles: numbers right-aligned, each chart on a page of its own in print.
PATTERNS_STYLE = """
.subtitle { font-size: 1.2rem; color: #57606a; margin: 0 0 .25rem; }
.made { font-style: italic; color: #57606a; margin: 0 0 1.5rem; }
td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; }
.no-data, .note { font-style: italic; color: #57606a; }
table.chart-data { width: auto; min-width: 50%; max-width: 100%; }
@media print {
  section.chart + section.chart { break-before: page; page-break-before: always; }
  section.chart h2 { break-after: avoid; page-break-after: avoid; }
}
"""
#: Table widths in thousandths of the text width, as the review report's HTML sizes them.
_PER_MILLE, _EM_PER_MILLE, _PADDING_PER_MILLE = 1000, 25, 20


def patterns_html(patterns: Patterns, pictures: Sequence[ChartPicture], *, made_at: datetime,
                  texts: ReportTexts | None = None) -> str:
    """The patterns report as one self-contained HTML file: styles and pictures inlined, prints cleanly."""
    texts = texts or ReportTexts()
    heading = report_heading(patterns, made_at, texts)
    body = [f'<h1 dir="auto">{escape(heading.title)}</h1>',
            f'<p class="subtitle" dir="auto">{escape(heading.span)}</p>',
            f'<p class="made" dir="auto">{escape(heading.made)}</p>']
    if patterns.empty:
        body.append(f'<p dir="auto">{escape(_text(texts.nothing_yet))}</p>')
    for chart in report_sections(patterns, pictures, texts):
        body.append(_html_section(chart, texts))
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(texts.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Debrief">',
        f'<title dir="auto">{escape(heading.title)} · {escape(heading.span)}</title>',
        f"<style>{STYLE}{PATTERNS_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _html_section(chart: ChartSection, texts: ReportTexts) -> str:
    """``<section>``: the heading, the picture as a data URI, the table of numbers (or "no data")."""
    anchor = f"chart-{escape(chart.id)}"
    parts = [f'<section class="chart" aria-labelledby="{anchor}">',
             f'<h2 id="{anchor}" dir="auto">{escape(chart.title)}</h2>']
    if chart.empty:
        parts.append(f'<p class="no-data" dir="auto">{escape(_text(texts.charts.empty))}</p>')
    if chart.picture is not None:
        data = base64.b64encode(chart.picture.png).decode("ascii")
        parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}" '
                     f'width="{round(chart.picture.width / PNG_SCALE)}" '
                     f'height="{round(chart.picture.height / PNG_SCALE)}"></figure>')
    if chart.table is not None:
        parts.append(_html_table(chart.table, anchor))
    if chart.note:
        parts.append(f'<p class="note" dir="auto">{escape(chart.note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _html_table(block: Table, labelled_by: str) -> str:
    """The numbers: names as escaped text, every column but the first right-aligned."""
    widths = fitted_column_widths(block, _PER_MILLE, em=_EM_PER_MILLE, padding=_PADDING_PER_MILLE)
    cols = "".join(f'<col style="width: {w / 10:.1f}%">' for w in widths)

    def cell(index: int, text: str, *, header: bool) -> str:
        # A header cell heads its column; a row's first cell (the month, the name) heads its row.
        if header or index == 0:
            tag, scope = "th", ' scope="col"' if header else ' scope="row"'
        else:
            tag, scope = "td", ""
        css = ' class="num"' if index else ""
        return f'<{tag}{css}{scope} dir="auto">{escape(text)}</{tag}>'

    head = "".join(cell(i, h, header=True) for i, h in enumerate(block.header))
    rows = "".join("<tr>" + "".join(cell(i, c, header=False) for i, c in enumerate(row)) + "</tr>"
                   for row in block.rows)
    return (f'<table class="chart-data" aria-labelledby="{labelled_by}"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


# ---------------------------------------------------------------- files

def report_format(path: Path) -> ReportFormat | None:
    """The format a file name asks for by its suffix (``.docx``; ``.html`` or ``.htm``), else None."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return "docx"
    if suffix in (".html", ".htm"):
        return "html"
    return None


def patterns_report_bytes(fmt: ReportFormat, patterns: Patterns, pictures: Sequence[ChartPicture], *,
                          made_at: datetime, texts: ReportTexts | None = None) -> bytes:
    """The report in ``fmt`` as the bytes of its file (HTML as UTF-8)."""
    if fmt == "docx":
        return patterns_docx(patterns, pictures, made_at=made_at, texts=texts)
    return patterns_html(patterns, pictures, made_at=made_at, texts=texts).encode("utf-8")


def write_patterns_report(path: Path, patterns: Patterns, pictures: Sequence[ChartPicture], *,
                          made_at: datetime, texts: ReportTexts | None = None,
                          fmt: ReportFormat | None = None) -> ReportFormat:
    """Write the report to ``path`` in ``fmt`` (by default the suffix's), whole or not at all.

    Returns the format written. :class:`UnknownReportFormat` when neither ``fmt``
    nor the suffix names one; an :class:`OSError` (no such folder, a read-only
    file) leaves any earlier file at ``path`` as it was and no temporary file behind.
    """
    chosen = chosen_format(path, fmt)
    write_atomic(path, patterns_report_bytes(chosen, patterns, pictures, made_at=made_at, texts=texts))
    return chosen


def chosen_format(path: Path, fmt: ReportFormat | None = None) -> ReportFormat:
    """``fmt``, else the format ``path``'s suffix names; :class:`UnknownReportFormat` when neither says."""
    chosen = fmt or report_format(path)
    if chosen is None:
        raise UnknownReportFormat(f"{path}: the patterns report is a Word (.docx) or HTML (.html) file")
    return chosen
