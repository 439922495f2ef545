"""The PDF report, made offline with Qt's own PDF writer from the HTML report.

Same content and order as :func:`exports.html_report.to_html` (which is what
gets laid out, so note text is sanitised the same way); the contents list is
left out, as when the HTML report is printed. Qt's rich text understands a
subset of HTML and CSS, so the HTML's stylesheet is replaced by a simpler one
and the inlined chart becomes a document resource. A4 or Letter, by the
user's locale unless asked. This is the one exports module that uses Qt (QtGui
only): it starts an offscreen QGuiApplication when none is running.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLocale,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
)

from exports.common import ReportOptions, report_title, title_facts, write_atomic
from exports.headless_qt import gui_application
from exports.html_report import to_html
from models.snapshot import ReviewReport

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "LETTER": QPageSize.PageSizeId.Letter}
#: Page margins in millimetres; the page number sits in the bottom one's upper part.
MARGIN_MM = 18.0
#: Dots per inch of the PDF's coordinate system (text and lines stay vectors).
RESOLUTION = 300
BASE_POINT_SIZE = 10.5
CHART_URL = "debrief-chart.png"
# Qt platforms that need no X11 or Wayland server.
# CSS pixels per inch in Qt's rich text (its lengths are scaled from this to the PDF).
_CSS_DPI = 96.0

STYLE = """
body { color: #1f2328; }
h1 { font-size: 20pt; font-weight: 600; margin-top: 0; margin-bottom: 10px; }
h2 { font-size: 15pt; font-weight: 600; margin-top: 22px; margin-bottom: 8px; }
h3 { font-size: 12pt; font-weight: 600; margin-top: 14px; margin-bottom: 6px; }
p { margin-top: 0; margin-bottom: 6px; }
ul { margin-top: 0; margin-bottom: 8px; }
li { margin-bottom: 2px; }
a { color: #0b57d0; text-decoration: none; }
.aside { font-style: italic; color: #57606a; }
p.title-fact { margin-bottom: 2px; }
table { border-collapse: collapse; border-color: #d0d7de; border-style: solid; margin-top: 4px;
  margin-bottom: 12px; }
th { background-color: #f6f8fa; font-weight: 600; text-align: left; }
td, th { padding: 4px; border-color: #d0d7de; vertical-align: top; }
pre { background-color: #f6f8fa; }
code { font-family: monospace; }
blockquote { color: #57606a; margin-left: 12px; }
"""

_STYLE_ELEMENT = re.compile(r"<style>.*?</style>", re.DOTALL)
_CONTENTS = re.compile(r'<nav class="toc".*?</nav>', re.DOTALL)
_CHART = re.compile(r'<figure><img src="data:image/png;base64,([A-Za-z0-9+/=]*)"')
_TABLE = re.compile(r"<table><colgroup>(.*?)</colgroup>(.*?)</table>", re.DOTALL)
_COL_WIDTH = re.compile(r'<col style="width: ([0-9.]+)%">')
_HEADER_CELL = '<th scope="col">'
_TITLE_END = "</h1>"
#: How many times the layout is asked again after moving a stranded heading (each move may strand another).
_MAX_MOVES = 500


def to_pdf(report: ReviewReport, *, include_private: bool = False, page_size: str | None = None,
           options: ReportOptions | None = None) -> bytes:
    """The review as PDF bytes: "A4" or "Letter", or by the user's locale when ``page_size`` is None."""
    page = _page_size(page_size)
    html = _with_title_block(to_html(report, include_private=include_private, options=options), report)
    with gui_application():
        return _print(html, page, title=report_title(report.review))


def write_pdf(report: ReviewReport, path: Path | str, *, include_private: bool = False,
              page_size: str | None = None, options: ReportOptions | None = None) -> None:
    """Write the PDF report to ``path``; a failed export leaves no partial file behind."""
    write_atomic(path, to_pdf(report, include_private=include_private, page_size=page_size, options=options))


def locale_page_size() -> str:
    """"Letter" where the user's locale measures in US units, "A4" everywhere else."""
    imperial_us = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
    return "Letter" if imperial_us else "A4"


def _page_size(name: str | None) -> QPageSize.PageSizeId:
    chosen = (name or locale_page_size()).strip().upper()
    if chosen not in PAGE_SIZES:
        raise ValueError(f"unknown page size {name!r}: choose A4 or Letter")
    return PAGE_SIZES[chosen]


def _with_title_block(html: str, report: ReviewReport) -> str:
    """``html`` with the title block (incident date, severity, facilitator, status) right under the title."""
    block = "".join(f'<p class="title-fact" dir="auto"><b>{escape(name)}:</b> {escape(value)}</p>'
                    for name, value in title_facts(report))
    at = html.find(_TITLE_END)
    if at < 0:
        return html
    at += len(_TITLE_END)
    return f"{html[:at]}\n{block}{html[at:]}"


def keep_headings_with_next(document: QTextDocument, page_height: float, room: float = 0.0) -> int:
    """Move every heading that would end a page to the next one, with what it heads; how many moved.

    Qt's rich text knows no keep-with-next, so the laid-out document is read
    back: a heading whose next block starts on a later page, or that leaves
    less than ``room`` under it on its page (a table's rows, laid out inside
    the table, do not say where they are on the page), gets a page break
    before it (before the first of several headings in a row, which go
    together). A heading that starts a page already is left where it is.
    """
    layout = document.documentLayout()
    moved = 0
    block = document.begin()
    while block.isValid() and moved < _MAX_MOVES:
        following = block.next()
        if _is_heading(block) and following.isValid() and _stranded(layout, block, following, page_height,
                                                                   room):
            first = block
            while first.previous().isValid() and _is_heading(first.previous()):
                first = first.previous()
            if not first.blockFormat().pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                _break_before(first)
                # Qt relays out only part of a table that runs over pages after a format change (and
                # then leaves out what follows it): everything from the heading on is laid out anew.
                document.markContentsDirty(first.position(), document.characterCount() - first.position())
                moved += 1
                block = first
        block = block.next()
    return moved


def _is_heading(block: QTextBlock) -> bool:
    return block.blockFormat().headingLevel() > 0 and bool(block.text().strip())


def _stranded(layout: QAbstractTextDocumentLayout, heading: QTextBlock, following: QTextBlock,
              page_height: float, room: float) -> bool:
    """Whether the first line under ``heading`` is on a later page, or less than ``room`` is left under it."""
    rect = layout.blockBoundingRect(heading)
    after = layout.blockBoundingRect(following)
    lines = following.layout()
    first_line = lines.lineAt(0).height() if lines is not None and lines.lineCount() else 0.0
    # Where the heading's last line is drawn (the block's rectangle also holds its margins).
    own = heading.layout()
    bottom = rect.bottom() - 1
    if own is not None and own.lineCount():
        last = own.lineAt(own.lineCount() - 1)
        bottom = own.position().y() + last.y() + last.height() - 1
    heading_page = int(bottom // page_height)
    if (heading_page + 1) * page_height - bottom < room:
        return True
    return int((after.top() + max(first_line, 1.0) - 1) // page_height) > heading_page


def _break_before(block: QTextBlock) -> None:
    cursor = QTextCursor(block)
    fmt: QTextBlockFormat = block.blockFormat()
    fmt.setPageBreakPolicy(fmt.pageBreakPolicy() | QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.setBlockFormat(fmt)


def _qt_html(html: str, text_width_px: float) -> tuple[str, bytes | None]:
    """``html`` in the subset Qt's rich text reads, and the chart's PNG (now a resource) if any."""
    html = _CONTENTS.sub("", _STYLE_ELEMENT.sub("", html, count=1), count=1)
    png: bytes | None = None
    found = _CHART.search(html)
    if found:
        png = base64.b64decode(found.group(1))
        # In a paragraph of its own: Qt knows no <figure>, and would put the picture in the heading's block.
        end = html.find("</figure>", found.end())
        tail = html[found.end():end] if end >= 0 else html[found.end():]
        rest = html[end + len("</figure>"):] if end >= 0 else ""
        picture = f'<p class="figure"><img width="{int(text_width_px)}" src="{CHART_URL}"'
        html = html[:found.start()] + picture + tail + "</p>" + rest
    return _TABLE.sub(_qt_table, html), png


def _qt_table(match: re.Match[str]) -> str:
    """A table with its column widths on the header cells and borders as Qt draws them."""
    widths = iter(_COL_WIDTH.findall(match.group(1)))
    body = re.sub(re.escape(_HEADER_CELL), lambda _: f'<th scope="col" width="{next(widths, "")}%">',
                  match.group(2))
    return f'<table border="1" cellspacing="0" cellpadding="4" width="100%">{body}</table>'


def _print(html: str, page: QPageSize.PageSizeId, *, title: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(page), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("Debrief")
    area = writer.pageLayout().paintRectPixels(RESOLUTION)
    footer = RESOLUTION * 0.3  # inches kept free under the text for the page number
    text_width_px = area.width() / RESOLUTION * _CSS_DPI

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    font = QFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    # No "fi" ligatures: text copied or searched in the PDF stays the letters that were typed.
    font.setFeature(QFont.Tag("liga"), 0)
    document.setDefaultFont(font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    document.setDefaultTextOption(option)
    document.setDefaultStyleSheet(STYLE)
    document.setDocumentMargin(0)
    markup, png = _qt_html(html, text_width_px)
    if png is not None:
        document.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(CHART_URL),
                             QImage.fromData(png))
    document.setHtml(markup)
    page_height = area.height() - footer
    document.setPageSize(QSizeF(area.width(), page_height))
    # Under a heading at least its first lines: a table's header and first row, or three lines of text.
    keep_headings_with_next(document, page_height, 3.5 * QFontMetricsF(font, writer).lineSpacing())
    pages = max(1, document.pageCount())

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("could not start writing the PDF")
    try:
        painter.setFont(font)
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page_height)
            document.drawContents(painter, QRectF(0, number * page_height, area.width(), page_height))
            painter.restore()
            painter.setPen(Qt.GlobalColor.darkGray)
            painter.drawText(QRectF(0, area.height() - footer * 0.6, area.width(), footer * 0.6),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                             f"{number + 1} / {pages}")
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())

