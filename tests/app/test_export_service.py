"""Exports carry the who-knew-what-when chart, drawn by the app layer, also from a headless command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from app.export_service import export_review
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.store import Library

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"


def import_full(library: Library, catalog: Catalog) -> int:
    bundle = load_bundle_file(FULL, catalog)
    with library.begin() as session:
        return import_bundle(session, bundle)


def test_word_report_has_the_chart(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A Word export of a review with events holds one picture: the chart."""
    review_id = import_full(library, catalog)
    target = tmp_path / "review.docx"
    export_review(library, catalog, review_id, "docx", target)
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert len(document.inline_shapes) == 1
    (blip,) = document.inline_shapes[0]._inline.xpath(".//a:blip")
    embedded = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    assert document.part.related_parts[embedded].content_type == "image/png"


def test_markdown_report_writes_the_chart_beside_it(library: Library, catalog: Catalog,
                                                    tmp_path: Path) -> None:
    """A Markdown export writes <stem>-who-knew-what-when.png next to the report and links it."""
    review_id = import_full(library, catalog)
    target = tmp_path / "review.md"
    export_review(library, catalog, review_id, "md", target)
    picture = tmp_path / "review-who-knew-what-when.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert "![Who knew what when](review-who-knew-what-when.png)" in target.read_text(encoding="utf-8")


def test_bundle_export_has_no_picture(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A review bundle is data: no chart file appears beside it."""
    review_id = import_full(library, catalog)
    out = tmp_path / "out"
    out.mkdir()
    export_review(library, catalog, review_id, "yaml", out / "review.yaml")
    assert [p.name for p in out.iterdir()] == ["review.yaml"]


def test_review_without_events_exports_without_chart(library: Library, catalog: Catalog,
                                                     tmp_path: Path) -> None:
    """Nothing to draw: the Word report has no picture and the Markdown report no PNG."""
    from models import reviews

    with library.begin() as session:
        review_id = reviews.create(session, title="Quiet", timezone="UTC").id
    out = tmp_path / "out"
    out.mkdir()
    export_review(library, catalog, review_id, "docx", out / "quiet.docx")
    export_review(library, catalog, review_id, "md", out / "quiet.md")
    assert len(docx.Document(str(out / "quiet.docx")).inline_shapes) == 0
    assert sorted(p.name for p in out.iterdir()) == ["quiet.docx", "quiet.md"]


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_command_line_export_without_a_display(tmp_path: Path, fmt: str) -> None:
    """`python -m app export` draws the chart with no DISPLAY and no QT_QPA_PLATFORM, and exits 0."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("DEBRIEF_DB", None)
    db = f"sqlite:///{tmp_path / 'library.db'}"
    imported = subprocess.run([sys.executable, "-m", "app", "--db", db, "import", str(FULL)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    assert imported.returncode == 0, imported.stderr
    target = tmp_path / f"report.{fmt}"
    exported = subprocess.run(
        [sys.executable, "-m", "app", "--db", db, "export", imported.stdout.strip(), "--format", fmt,
         "-o", str(target)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (exported.returncode, exported.stderr) == (0, "")
    if fmt == "docx":
        assert len(docx.Document(str(target)).inline_shapes) == 1
    else:
        assert (tmp_path / "report-who-knew-what-when.png").stat().st_size > 1000
