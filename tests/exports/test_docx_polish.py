"""The Word report's finish: title block, contents field, page numbers, properties, company template."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Pt, Twips

from exports.docx_report import ReportTemplateError, to_docx, write_docx
from tests.exports.test_docx_report import headings, make_report, read

PAGE = (Twips(11340), Twips(14175))  # 20 × 25 cm, in Word's own unit so it reads back exactly
SECTIONS = ["Incident facts", "Who knew what when", "Timeline", "Discussion", "What went well", "Surprises",
            "Learnings", "Actions", "Parking lot", "Participants", "Meetings"]


def xml(data: bytes, part: str) -> str:
    """One part of the .docx, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).decode("utf-8")


def make_template(path: Path, *, drop: tuple[str, ...] = (), footer: str = "") -> Path:
    """A company template: 20×25 cm pages, Heading 1 in 20 pt Georgia, sample text; ``drop`` styles gone."""
    template = docx.Document()
    section = template.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE
    heading = template.styles["Heading 1"]
    heading.font.name, heading.font.size = "Georgia", Pt(20)
    template.add_paragraph("Sample text the template's author left in")
    template.add_table(rows=1, cols=1)
    if footer:
        section.footer.paragraphs[0].text = footer
    for name in drop:
        element = template.styles[name].element
        element.getparent().remove(element)
    template.save(str(path))
    return path


def test_sections_in_order_with_the_picture(chart_png: bytes) -> None:
    """Title, then every Heading 1 section in reading order, and the chart as an inline picture."""
    document = read(to_docx(make_report(chart_png=chart_png)))
    found = headings(document)
    assert found[0] == ("Title", "Checkout errors after config push")
    assert [text for style, text in found if style == "Heading 1"] == SECTIONS
    assert len(document.inline_shapes) == 1


def test_title_block_names_date_severity_status_and_facilitator() -> None:
    """Under the title: start time in the review's zone, severity, status, facilitator."""
    paragraphs = read(to_docx(make_report())).paragraphs
    assert paragraphs[1].text == "2026-03-02 10:14 CET · SEV2 · Reviewed · Facilitator: Facilitator B"


def test_contents_field_follows_title_block() -> None:
    """"Contents", then a TOC field of the sections whose shown result already lists them (issue 10)."""
    data = to_docx(make_report())
    body = xml(data, "word/document.xml")
    assert 'TOC \\o "1-1" \\h \\z \\u' in body
    paragraphs = read(data).paragraphs
    assert (paragraphs[2].style.name, paragraphs[2].text) == ("TOC Heading", "Contents")
    listed = [s for s in SECTIONS if s != "Who knew what when"]  # no chart in this report
    assert [p.text for p in paragraphs[3:3 + len(listed)]] == listed
    assert "Right-click to update" not in body


def test_footer_numbers_pages() -> None:
    """The footer reads "Page X of Y" with PAGE and NUMPAGES fields."""
    data = to_docx(make_report())
    footer = read(data).sections[0].footer
    assert footer.paragraphs[0].text == "Page 1 of 1"
    footer_xml = footer._element.xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_core_properties_set() -> None:
    """Title, subject, keywords, author and category describe the review."""
    props = read(to_docx(make_report())).core_properties
    assert (props.title, props.subject, props.keywords, props.author, props.category) == (
        "Checkout errors after config push", "Incident review · SEV2", "config, rollout", "Facilitator B",
        "Incident review")


def test_author_without_facilitator_is_debrief() -> None:
    """A review nobody facilitated is authored by Debrief, not by python-docx."""
    assert read(to_docx(make_report(participants=()))).core_properties.author == "Debrief"


def test_template_page_size_and_heading_font_survive(tmp_path: Path) -> None:
    """The report on a company template keeps its page size and its Heading 1 font; its sample body goes."""
    template = make_template(tmp_path / "company.docx")
    document = read(to_docx(make_report(), template=template))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == PAGE
    heading = document.styles["Heading 1"]
    assert (heading.font.name, heading.font.size) == ("Georgia", Pt(20))
    assert "Sample text the template's author left in" not in [p.text for p in document.paragraphs]
    assert document.paragraphs[0].style.name == "Title"


def test_template_missing_styles_falls_back(tmp_path: Path) -> None:
    """A template without List Bullet, Heading 2 or the table style still gives a full report."""
    template = make_template(tmp_path / "bare.docx", drop=("List Bullet", "Heading 2", "Light Grid Accent 1"))
    data = to_docx(make_report(), template=template)
    document = read(data)
    assert {"List Bullet", "Heading 2", "Light Grid Accent 1"} <= {s.name for s in document.styles}
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)
    assert "Level setting" in [text for _, text in headings(document)]
    assert '<w:abstractNumId w:val="' in xml(data, "word/numbering.xml")


def test_template_footer_kept(tmp_path: Path) -> None:
    """A template's own footer is left as it is: no page numbers added."""
    template = make_template(tmp_path / "footer.docx", footer="Example Corp — internal")
    footer = read(to_docx(make_report(), template=template)).sections[0].footer
    assert [p.text for p in footer.paragraphs] == ["Example Corp — internal"]


def test_dotx_template_accepted(tmp_path: Path) -> None:
    """A Word template saved as .dotx is used like a .docx."""
    source = make_template(tmp_path / "company.docx")
    dotx = tmp_path / "company.dotx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(dotx, "w") as out:
        for item in archive.infolist():
            data = archive.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            out.writestr(item, data)
    assert read(to_docx(make_report(), template=dotx)).sections[0].page_width == PAGE[0]


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(2048))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a Word file")


def _missing(path: Path) -> None:
    pass


@pytest.mark.parametrize("make", [_random_bytes, _empty, _zip_without_document, _missing])
def test_bad_template_refused_naming_the_file(tmp_path: Path, make: Callable[[Path], None]) -> None:
    """A template that is not a Word file (or no file) raises ReportTemplateError with its path."""
    path = tmp_path / "broken-template.docx"
    make(path)
    with pytest.raises(ReportTemplateError, match="broken-template.docx is not a Word .docx template"):
        to_docx(make_report(), template=path)


def test_bad_template_leaves_no_file(tmp_path: Path) -> None:
    """write_docx with a bad template fails before writing anything."""
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"garbage")
    target = tmp_path / "report.docx"
    with pytest.raises(ReportTemplateError):
        write_docx(make_report(), target, template=bad)
    assert not target.exists()


def test_libreoffice_renders_every_section(tmp_path: Path, chart_png: bytes) -> None:
    """LibreOffice converts the Word report to PDF and every section heading appears in order."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("needs LibreOffice (soffice) and poppler's pdftotext on PATH; .ci/run installs both")
    source = tmp_path / "report.docx"
    write_docx(make_report(chart_png=chart_png), source)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.stat().st_size > 0
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    lines = [line.strip() for line in text.splitlines()]
    position = lines.index("Checkout errors after config push")
    for title in SECTIONS:  # each section heading after the one before (some titles recur as subheadings)
        position = lines.index(title, position + 1)
    assert "Page 1 of" in text
