"""The Word report: a review as a .docx built from Word's own styles.

Headings use Title / Heading 1 / Heading 2, lists use List Bullet and tables
a built-in table style, so the reader's organisation template restyles the
report and Word's navigation pane shows its outline.
"""

from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from datetime import UTC
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length
from docx.styles.style import _TableStyle
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from exports.common import (
    Bullet,
    BulletList,
    Heading,
    Paragraph,
    Picture,
    ReportOptions,
    Table,
    clean,
    facilitators,
    fitted_column_widths,
    format_time,
    report_blocks,
    report_title,
    write_atomic,
    xml_safe,
)
from exports.errors import ReportTemplateError as ReportTemplateError
from models.snapshot import ReviewReport
from models.vocabulary import label

HEADING_STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2"}
TABLE_STYLE = "Light Grid Accent 1"
BULLET_STYLE = "List Bullet"
SUBTITLE_STYLE = "Subtitle"
#: The contents list: the report's sections (Heading 1), as the HTML report's contents list them.
TOC_FIELD = 'TOC \\o "1-1" \\h \\z \\u'
TOC_LEVELS = frozenset((1,))
TOC_TITLE = "Contents"
TOC_HEADING_STYLE = "TOC Heading"
#: Word's own name (and id) of the style of a first-level contents entry.
TOC_ENTRY_STYLE, TOC_ENTRY_ID = "toc 1", "TOC1"
#: Bookmarks at the headings the contents link to: ``_Toc`` names are Word's own, hidden from its list.
BOOKMARK_PREFIX = "_Toc"
TOC_PLACEHOLDER = "Right-click to update the table of contents"
#: Body text size when neither the Normal style nor the document defaults say (Word's 11 pt).
DEFAULT_POINTS = 11.0
#: Left plus right cell margin of a Word table (108 twips each) and some slack, in points.
CELL_PADDING_PT = 10.8 + 4.0
#: Characters a Word core property (title, subject, comments...) holds at most.
PROPERTY_LIMIT = 255
ELLIPSIS = "…"

_TC, _P, _R, _T, _BR = (qn(tag) for tag in ("w:tc", "w:p", "w:r", "w:t", "w:br"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_STYLE, _STYLE_ID, _VAL, _SECT_PR = (qn(tag) for tag in ("w:style", "w:styleId", "w:val", "w:sectPr"))


def to_docx(report: ReviewReport, *, include_private: bool = False, template: Path | None = None,
            options: ReportOptions | None = None) -> bytes:
    """The review as the bytes of a .docx file (private notes only if asked), on ``template`` if given."""
    doc = _open_template(template) if template is not None else Document()
    _set_properties(doc, report)
    section = doc.sections[-1]
    text_width = Length((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0))
    # Resolve each style once: python-docx looks a style up by scanning all of
    # them (~2 ms) on every add_paragraph(style=...) and add_heading().
    heading_ids = {level: _style_id(doc, name) for level, name in HEADING_STYLES.items()}
    bullet_id = _style_id(doc, BULLET_STYLE)
    subtitle_id = _style_id(doc, SUBTITLE_STYLE)
    _style_id(doc, TABLE_STYLE)
    table_style = doc.styles[TABLE_STYLE]
    assert isinstance(table_style, _TableStyle)
    _add_page_numbers(doc)
    blocks = report_blocks(report, include_private=include_private, options=options)
    sections = [block.text for block in blocks if isinstance(block, Heading) and block.level in TOC_LEVELS]
    bookmarks = iter(range(1, len(sections) + 1))
    points = _body_points(doc)
    for block in blocks:
        if isinstance(block, Heading):
            paragraph = _add_paragraph(doc, heading_ids[block.level])
            if block.level in TOC_LEVELS:
                _add_bookmarked_text(paragraph, block.text, next(bookmarks))
            else:
                paragraph.add_run(block.text)
            if block.level == 0:
                _add_paragraph(doc, subtitle_id).add_run(title_line(report))
                _add_contents(doc, sections)
        elif isinstance(block, Paragraph):
            doc.add_paragraph().add_run(block.text).italic = block.italic or None
        elif isinstance(block, BulletList):
            for item in block.items:
                _add_bullet(_add_paragraph(doc, bullet_id), item)
        elif isinstance(block, Table):
            _add_table(doc, block, table_style, text_width, points)
        elif isinstance(block, Picture):
            _add_picture(doc, block, text_width)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(report: ReviewReport, path: Path, *, include_private: bool = False,
               template: Path | None = None, options: ReportOptions | None = None) -> None:
    """Write the Word report to ``path``; a failed export leaves no partial file behind."""
    write_atomic(path, to_docx(report, include_private=include_private, template=template, options=options))


def title_line(report: ReviewReport) -> str:
    """The line under the title: start (review timezone), severity, status, facilitator(s)."""
    review = report.review
    parts = [format_time(review.started_at, review.zone()), review.severity or "no severity",
             label(review.status)]
    facilitators = _facilitators(report)
    if facilitators:
        noun = "Facilitator" if len(facilitators) == 1 else "Facilitators"
        parts.append(f"{noun}: {', '.join(facilitators)}")
    return xml_safe(" · ".join(parts))


def _facilitators(report: ReviewReport) -> list[str]:
    return facilitators(report.review)


def property_text(text: str) -> str:
    """``text`` as a document property holds it: XML-safe, one line, at most 255 characters.

    Word's core properties (title, subject, keywords, comments...) hold 255
    characters and python-docx refuses a longer value, which would fail the
    whole export over a long summary; the report itself keeps the full text.
    """
    text = " ".join(clean(text).split())
    if len(text) <= PROPERTY_LIMIT:
        return text
    return text[:PROPERTY_LIMIT - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _set_properties(doc: WordDocument, report: ReviewReport) -> None:
    review = report.review
    props = doc.core_properties
    kind = f"{label(review.kind)} review"
    # python-docx's own template names "python-docx" as author and a company
    # template names whoever made it; the report names who ran the review.
    for name, value in (
        ("title", report_title(review)),
        ("subject", f"{kind} · {review.severity}" if review.severity else kind),
        ("category", kind),
        ("keywords", ", ".join(clean(t) for t in review.tags)),
        ("comments", review.summary),
        ("author", ", ".join(_facilitators(report)) or "Debrief"),
        ("last_modified_by", "Debrief"),
    ):
        setattr(props, name, property_text(value))
    props.content_status = ""
    props.created = review.created_at.astimezone(UTC)
    props.modified = review.updated_at.astimezone(UTC)
    props.revision = 1


# ---------------------------------------------------------------- template

def check_template(path: Path) -> None:
    """Raise :class:`ReportTemplateError` (naming the file) unless ``path`` can carry a report."""
    _open_template(path)


def _open_template(path: Path) -> WordDocument:
    """The template as a document with an empty body; ReportTemplateError if it is not a Word file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        raise ReportTemplateError(f"{path} is not a Word .docx template: {reason}") from error
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReportTemplateError(f"{path} is not a Word .docx template: not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ReportTemplateError(f"{path} is not a Word .docx template: it has no word/document.xml")
            data = _as_document(archive)
        doc = Document(io.BytesIO(data))
    except ReportTemplateError:
        raise
    except Exception as error:  # python-docx raises whatever its parsing hits
        raise ReportTemplateError(f"{path} is not a Word .docx template: {error}") from error
    body = doc.element.body
    for child in list(body):
        if child.tag != _SECT_PR:
            body.remove(child)
    return doc


def _as_document(archive: zipfile.ZipFile) -> bytes:
    """The archive with a .dotx/.docm main part declared a plain document, so python-docx opens it."""
    types = archive.read("[Content_Types].xml")
    declared = types
    for kind in (b"template.main+xml", b"macroEnabledTemplate.main+xml", b"macroEnabled.main+xml"):
        declared = declared.replace(b"wordprocessingml." + kind, b"wordprocessingml.document.main+xml")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            out.writestr(item, declared if item.filename == "[Content_Types].xml" else archive.read(item))
    return buffer.getvalue()


def _style_id(doc: WordDocument, name: str) -> str:
    """The id of style ``name``, copied in from python-docx's built-in template if ``doc`` lacks it."""
    if name not in doc.styles:
        _copy_style(doc, Document().styles[name].element)
    style_id: str = doc.styles[name].style_id
    return style_id


def _copy_style(doc: WordDocument, style: BaseOxmlElement) -> None:
    """Copy a built-in style and the styles it is based on into ``doc``; bullets keep their numbering."""
    styles = doc.styles.element
    ids = {s.get(_STYLE_ID) for s in styles.iterchildren(_STYLE)}
    source = style.getparent()
    pending = [style]
    while pending:
        element = deepcopy(pending.pop())
        if element.get(_STYLE_ID) in ids:
            continue
        for link in element.findall(qn("w:link")):
            element.remove(link)
        for num_id in element.iterfind(f".//{qn('w:numId')}"):
            num_id.set(_VAL, _copy_numbering(doc, num_id.get(_VAL, "")))
        styles.append(element)
        ids.add(element.get(_STYLE_ID))
        based_on = element.find(qn("w:basedOn"))
        if based_on is not None and source is not None:
            pending += source.xpath(f"w:style[@w:styleId='{based_on.get(_VAL)}']")


def _copy_numbering(doc: WordDocument, num_id: str) -> str:
    """Copy built-in numbering ``num_id`` (and its abstract definition) into ``doc``; the new id."""
    source = Document().part.numbering_part.element
    target = doc.part.numbering_part.element
    num = source.xpath(f"w:num[@w:numId='{num_id}']")
    if not num:
        return num_id
    abstract_id = num[0].find(qn("w:abstractNumId")).get(_VAL)
    abstract = deepcopy(source.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']")[0])
    used_abstract = [int(a.get(qn("w:abstractNumId"))) for a in target.iterchildren(qn("w:abstractNum"))]
    used_num = [int(n.get(qn("w:numId"))) for n in target.iterchildren(qn("w:num"))]
    new_abstract, new_num = str(max(used_abstract, default=0) + 1), str(max(used_num, default=0) + 1)
    abstract.set(qn("w:abstractNumId"), new_abstract)
    for nsid in abstract.findall(qn("w:nsid")):
        abstract.remove(nsid)
    existing = list(target.iterchildren(qn("w:abstractNum")))
    if existing:
        existing[-1].addnext(abstract)
    else:
        target.insert(0, abstract)
    new = OxmlElement("w:num", {qn("w:numId"): new_num})
    new.append(OxmlElement("w:abstractNumId", {_VAL: new_abstract}))
    target.append(new)
    return new_num


# ---------------------------------------------------------------- fields

def _add_field(paragraph: WordParagraph, instruction: str, placeholder: str) -> None:
    """A complex field (begin, instruction, separate, shown text, end): what Word itself writes."""
    p = paragraph._p
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, placeholder),
                       ("end", None)):
        run = _child(p, _R)
        if kind is not None:
            run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        elif text is instruction:
            code = _child(run, qn("w:instrText"))
            code.set(_XML_SPACE, "preserve")
            code.text = f" {instruction} "
        else:
            _child(run, _T).text = text


def bookmark_name(number: int) -> str:
    """The bookmark at the ``number``-th section heading (from 1), which its contents entry links to."""
    return f"{BOOKMARK_PREFIX}{number:08d}"


def _add_bookmarked_text(paragraph: WordParagraph, text: str, number: int) -> None:
    """``text`` in ``paragraph``, inside the bookmark :func:`bookmark_name` ``(number)``."""
    p = paragraph._p
    p.append(OxmlElement("w:bookmarkStart", {qn("w:id"): str(number), qn("w:name"): bookmark_name(number)}))
    paragraph.add_run(text)
    p.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(number)}))


def _add_contents(doc: WordDocument, sections: list[str]) -> None:
    """"Contents", then a TOC field whose shown result is already the list of sections.

    Each entry is a link to its heading's bookmark, so Word and LibreOffice show a
    working contents list as the file opens, without updating fields; it is still
    Word's own TOC field, so updating it (F9, or after editing) rebuilds it from
    the headings, then with page numbers (which only a laid-out page knows).
    """
    _add_paragraph(doc, _style_id(doc, TOC_HEADING_STYLE)).add_run(TOC_TITLE)
    if not sections:
        _add_field(doc.add_paragraph(), TOC_FIELD, TOC_PLACEHOLDER)
        return
    entry_id = _toc_entry_style(doc)
    last = len(sections)
    for number, text in enumerate(sections, start=1):
        p = _add_paragraph(doc, entry_id)._p
        if number == 1:
            _field_start(p, TOC_FIELD)
        link = _child(p, qn("w:hyperlink"))
        link.set(qn("w:anchor"), bookmark_name(number))
        link.set(qn("w:history"), "1")
        _put_text(link, text)
        if number == last:
            _child(_child(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "end")


def _toc_entry_style(doc: WordDocument) -> str:
    """The id of the contents entry style, Word's "toc 1": the template's, or a plain one added."""
    for style in doc.styles.element.iterchildren(_STYLE):
        name = style.find(qn("w:name"))
        if name is not None and (name.get(_VAL) or "").lower() == TOC_ENTRY_STYLE:
            return str(style.get(_STYLE_ID))
    style = OxmlElement("w:style", {qn("w:type"): "paragraph", _STYLE_ID: TOC_ENTRY_ID})
    for tag, value in (("w:name", TOC_ENTRY_STYLE), ("w:basedOn", _style_id(doc, "Normal")),
                       ("w:next", _style_id(doc, "Normal")), ("w:uiPriority", "39")):
        style.append(OxmlElement(tag, {_VAL: value}))
    style.append(OxmlElement("w:unhideWhenUsed"))
    ppr = _child(style, qn("w:pPr"))
    ppr.append(OxmlElement("w:spacing", {qn("w:after"): "100"}))
    doc.styles.element.append(style)
    return TOC_ENTRY_ID


def _field_start(p: BaseOxmlElement, instruction: str) -> None:
    """Begin, instruction and separate of a complex field: its shown result follows, then its end."""
    _child(_child(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
    code = _child(_child(p, _R), qn("w:instrText"))
    code.set(_XML_SPACE, "preserve")
    code.text = f" {instruction} "
    _child(_child(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "separate")


def _add_page_numbers(doc: WordDocument) -> None:
    """"Page X of Y" centred in the footer of each section whose footer is empty."""
    for section in doc.sections:
        footer = section.footer
        if not footer.is_linked_to_previous and not _is_empty(footer._element):
            continue
        paragraphs = footer.paragraphs
        paragraph = paragraphs[0] if paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        _add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _add_field(paragraph, "NUMPAGES", "1")


def _is_empty(element: BaseOxmlElement) -> bool:
    """No text, field, picture or shape in a header or footer."""
    if "".join(element.itertext()).strip():
        return False
    return not element.xpath(".//w:fldSimple | .//w:fldChar | .//w:drawing | .//w:pict | .//w:object")


def _add_paragraph(doc: WordDocument, style_id: str) -> WordParagraph:
    paragraph = doc.add_paragraph()
    paragraph._p.style = style_id
    return paragraph


def _add_bullet(paragraph: WordParagraph, item: Bullet) -> None:
    if item.lead:
        paragraph.add_run(f"{item.lead}: " if item.text else item.lead).bold = True
    if item.text:
        paragraph.add_run(item.text)


def _add_picture(doc: WordDocument, block: Picture, text_width: Length) -> None:
    """The picture in a paragraph of its own, as wide as the text, with its description as alt text."""
    shape = doc.add_picture(io.BytesIO(block.png), width=text_width)
    properties = shape._inline.docPr
    properties.set("descr", block.alt)
    properties.set("title", block.alt.split(":", 1)[0])


def _add_table(doc: WordDocument, block: Table, style: _TableStyle, text_width: Length,
               points: float = DEFAULT_POINTS) -> WordTable:
    columns = len(block.header)
    table: WordTable = doc.add_table(rows=1, cols=columns)
    table.style = style
    # Fixed layout with explicit widths: Word does not have to measure every
    # cell of a 2,000-row timeline before it can show the first page, and
    # LibreOffice keeps the widths given rather than its own guess.
    table.autofit = False
    widths = column_widths(block, text_width, points)
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(Length(w).twips for w in widths)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # new rows copy their cell widths from here
    header = table.rows[0]
    for cell, text, width in zip(header.cells, block.header, widths, strict=True):
        cell.text = text
        cell.width = width
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    _append_rows(table, block.rows)
    return table


def column_widths(block: Table, text_width: int, points: float = DEFAULT_POINTS) -> list[Length]:
    """Widths (EMU) that fit the table's text: see :func:`exports.common.fitted_column_widths`."""
    widths = fitted_column_widths(block, text_width, em=int(points * 12700),
                                  padding=int(CELL_PADDING_PT * 12700))
    return [Length(width) for width in widths]


def _body_points(doc: WordDocument) -> float:
    """The body text size in points: the Normal style's, else the document default's, else 11 pt."""
    try:
        size = doc.styles["Normal"].font.size
    except KeyError:
        size = None
    if size is not None:
        return float(size.pt)
    found = doc.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    try:
        return int(found[0]) / 2 if found else DEFAULT_POINTS
    except ValueError:
        return DEFAULT_POINTS


def _append_rows(table: WordTable, rows: tuple[tuple[str, ...], ...]) -> None:
    """Add text rows by copying one prepared row.

    Going through ``add_row()`` and ``cell.text`` costs about 2 ms a row in
    python-docx's element bookkeeping (4 s for a 2,000-event timeline); a copy
    of a ready ``w:tr`` with the text put straight into ``w:t`` is ~15x faster
    and gives the same XML.
    """
    prototype = table.add_row()._tr  # type: ignore[no-untyped-call]  # sized cells, one empty paragraph each
    tbl = prototype.getparent()
    tbl.remove(prototype)
    for row in rows:
        tr = deepcopy(prototype)
        for tc, text in zip(tr.iterchildren(_TC), row, strict=True):
            _put_text(tc.find(_P), text)
        tbl.append(tr)


def _put_text(paragraph: BaseOxmlElement, text: str) -> None:
    """One run holding ``text``, each newline a line break (as ``run.text = text`` would)."""
    run = _child(paragraph, _R)
    for index, line in enumerate(text.split("\n")):
        if index:
            _child(run, _BR)
        if line:
            t = _child(run, _T)
            t.text = line.replace("\t", " ")
            if line[0].isspace() or line[-1].isspace():
                t.set(_XML_SPACE, "preserve")


def _child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    element: BaseOxmlElement = parent.makeelement(tag, {})
    parent.append(element)
    return element
