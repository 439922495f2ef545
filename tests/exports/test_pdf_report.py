"""The PDF report: a real PDF, A4 or Letter, the HTML report's sections in order, hostile notes survive."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exports.markdown_report import to_markdown
from exports.pdf_report import locale_page_size, to_pdf, write_pdf
from tests.exports.test_html_report import HOSTILE, hostile_report
from tests.exports.test_markdown_report import headings, make_report

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")


def media_boxes(pdf: bytes) -> set[tuple[int, int]]:
    """Every page's MediaBox size in points, rounded."""
    return {(round(float(w)), round(float(h))) for w, h in _MEDIA_BOX.findall(pdf)}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it (skips the test without poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def is_subsequence(wanted: list[str], lines: list[str]) -> bool:
    found = iter(lines)
    return all(any(line == item for line in found) for item in wanted)


def test_a_complete_pdf(qapp: object, chart_png: bytes) -> None:
    """The bytes are one whole PDF."""
    pdf = to_pdf(make_report(chart_png=chart_png), page_size="A4")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_page_size_a4_or_letter(qapp: object) -> None:
    """A4 is 595 x 842 pt, Letter 612 x 792 pt; no size follows the locale."""
    assert media_boxes(to_pdf(make_report(), page_size="A4")) == {(595, 842)}
    assert media_boxes(to_pdf(make_report(), page_size="letter")) == {(612, 792)}
    default = {"A4": (595, 842), "Letter": (612, 792)}[locale_page_size()]
    assert media_boxes(to_pdf(make_report())) == {default}
    with pytest.raises(ValueError, match="page size"):
        to_pdf(make_report(), page_size="A3")


def test_sections_in_the_html_and_markdown_order(qapp: object, chart_png: bytes, tmp_path: Path) -> None:
    """Every heading of the Markdown export appears as a line of the PDF's text, in the same order."""
    report = make_report(chart_png=chart_png)
    wanted = headings(to_markdown(report, image_name="c.png"))
    lines = [line.strip() for line in pdf_text(to_pdf(report, page_size="A4"), tmp_path).splitlines()]
    assert is_subsequence(wanted, lines), (wanted, lines)
    text = "\n".join(lines)
    for piece in ("Dashboards looked normal", "Rollback took two minutes", "Alert on unsampled errors"):
        assert piece in text
    assert "Facilitator-only aside" not in text


def test_hostile_notes_still_make_a_pdf(qapp: object, chart_png: bytes, tmp_path: Path) -> None:
    """Script tags, javascript: links, a 10,000-character word, RTL text and emoji: a PDF with the text."""
    pdf = to_pdf(hostile_report(chart_png), page_size="Letter")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/JavaScript" not in pdf
    text = pdf_text(pdf, tmp_path)
    assert "<script>alert(1)</script>" in text
    assert "A" * 200 in re.sub(r"\s+", "", text)
    assert "Rollback worked" in text
    hebrew = HOSTILE[-2]  # Arabic comes back as presentation forms; Hebrew as typed or reversed
    assert hebrew in text or hebrew[::-1] in text


def test_write_pdf_is_atomic(qapp: object, tmp_path: Path) -> None:
    """write_pdf writes the whole file; a bad page size leaves an existing file untouched."""
    target = tmp_path / "report.pdf"
    write_pdf(make_report(), target, page_size="A4")
    assert target.read_bytes().startswith(b"%PDF-")
    target.write_bytes(b"precious")
    with pytest.raises(ValueError):
        write_pdf(make_report(), target, page_size="A5")
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_command_line_pdf_without_a_display(tmp_path: Path) -> None:
    """`python -m app export ID --format pdf` works with no DISPLAY and no QT_QPA_PLATFORM."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("DEBRIEF_DB", None)
    db = f"sqlite:///{tmp_path / 'library.db'}"
    imported = subprocess.run([sys.executable, "-m", "app", "--db", db, "import", str(FULL)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    assert imported.returncode == 0, imported.stderr
    target = tmp_path / "x.pdf"
    exported = subprocess.run(
        [sys.executable, "-m", "app", "--db", db, "export", imported.stdout.strip(), "--format", "pdf",
         "-o", str(target)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (exported.returncode, exported.stderr) == (0, "")
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
