"""A small library with patterns in it, and readers of the patterns report, for the report's tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from docx import Document
from docx.oxml.ns import qn

from models import notes, reviews
from models.store import Library

#: A service name a report must show as text, never run.
SCRIPT_SERVICE = "<script>alert(1)</script>"
UMLAUT_SERVICE = "Zahlungsdienst-Größe"
#: Long, with a character XML cannot hold (the report drops it) and an ampersand.
LONG_SERVICE = "payments & billing – europe west " * 4 + "\x07end"
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def fill_library(library: Library) -> None:
    """Four reviews over March to May 2025: severities, times, odd service names, a surprise, learnings.

    No tags at all, so the tags chart is empty.
    """
    with library.begin() as session:
        for day, severity, services in ((0, "SEV2", ["checkout", SCRIPT_SERVICE]),
                                        (4, "SEV1", [UMLAUT_SERVICE]),
                                        (33, "SEV2", ["checkout", LONG_SERVICE]),
                                        (62, None, [])):
            start = T0 + timedelta(days=day)
            review = reviews.create(session, title=f"Checkout errors {day}", severity=severity,
                                    started_at=start, detected_at=start + timedelta(minutes=9 + day),
                                    mitigated_at=start + timedelta(minutes=80),
                                    resolved_at=start + timedelta(hours=26), services=services)
            notes.add_note(session, review.id, phase="surprises", text="the dashboards looked normal")
            notes.add_learning(session, review.id, text="sampling hides errors", category="technical")


# ---------------------------------------------------------------- reading a .docx back

@dataclass
class DocxItem:
    """One thing of a Word document's body, in order: a paragraph (its style), a picture, or a table."""

    kind: str  # "paragraph", "picture", "table"
    style: str = ""
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    #: A picture's alt text and its width (EMU).
    alt: str = ""
    width: int = 0


def docx_items(data: bytes) -> list[DocxItem]:
    """The body of a .docx as python-docx reads it: paragraphs with their style, pictures, tables."""
    doc = Document(io.BytesIO(data))
    paragraphs = {p._p: p for p in doc.paragraphs}
    tables = {t._tbl: t for t in doc.tables}
    items: list[DocxItem] = []
    for element in doc.element.body.iterchildren():
        if element in tables:
            table = tables[element]
            items.append(DocxItem("table", rows=[[cell.text for cell in row.cells] for row in table.rows]))
        elif element in paragraphs:
            paragraph = paragraphs[element]
            for inline in element.iter(qn("wp:inline")):
                extent = inline.find(qn("wp:extent"))
                properties = inline.find(qn("wp:docPr"))
                items.append(DocxItem("picture", alt=properties.get("descr", ""),
                                      width=int(extent.get("cx"))))
            if paragraph.text or not list(element.iter(qn("wp:inline"))):
                items.append(DocxItem("paragraph", style=paragraph.style.name if paragraph.style else "",
                                      text=paragraph.text))
    return items


def docx_sections(data: bytes) -> list[tuple[str, list[DocxItem]]]:
    """Each Heading 1 of the document with what follows it up to the next one."""
    sections: list[tuple[str, list[DocxItem]]] = []
    for item in docx_items(data):
        if item.kind == "paragraph" and item.style == "Heading 1":
            sections.append((item.text, []))
        elif sections:
            sections[-1][1].append(item)
    return sections


# ---------------------------------------------------------------- reading the HTML back

@dataclass
class HtmlSection:
    """A ``<section>`` of the report: its heading, its pictures' sources and alt texts, its tables."""

    heading: str = ""
    images: list[tuple[str, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    text: str = ""


class ReportParser(HTMLParser):
    """The patterns report's HTML as a reader sees it: sections, every tag seen, the text outside sections."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.sections: list[HtmlSection] = []
        self.h1 = ""
        self.text = ""
        self._in: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in.append(tag)
        values = dict(attrs)
        if tag == "section":
            self.sections.append(HtmlSection())
        elif tag == "img" and self.sections:
            self.sections[-1].images.append((values.get("src") or "", values.get("alt") or ""))
            self._in.pop()  # a void element
        elif tag == "table" and self.sections:
            self.sections[-1].tables.append([])
        elif tag == "tr" and self.sections and self.sections[-1].tables:
            self.sections[-1].tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("meta", "col", "br"):
            self._in.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.sections and self.sections[-1].tables:
            self.sections[-1].tables[-1][-1].append("".join(self._cell))
            self._cell = None
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if "h1" in self._in:
            self.h1 += data
        elif "h2" in self._in and self.sections:
            self.sections[-1].heading += data
        if self.sections and "section" in self._in:
            self.sections[-1].text += data
        elif "body" in self._in:
            self.text += data


def parse_report(html: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(html)
    parser.close()
    return parser
