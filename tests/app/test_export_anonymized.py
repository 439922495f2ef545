"""Anonymized exports: roles instead of names in Word, Markdown and from the command line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from app.cli import main
from app.export_service import export_review
from models import notes
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.store import Library, open_library

FULL = Path(__file__).resolve().parents[2] / "tests" / "data" / "full_bundle.yaml"
NAMES = ("Responder A", "Sam Facilitator", "Noor", "Kim")
ROLES = ("Incident commander", "Facilitator", "Note-taker", "Participant 1")


def import_full(library: Library, catalog: Catalog) -> int:
    """The full bundle, plus a note that names people in its text."""
    with library.begin() as session:
        review_id = import_bundle(session, load_bundle_file(FULL, catalog))
        notes.add_note(session, review_id, phase="timeline",
                       text="Kim asked noor, then Responder A rolled back")
    return review_id


def docx_text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    props = document.core_properties
    return "\n".join([*(p.text for p in document.paragraphs), *cells, props.author or "",
                      props.last_modified_by or "", props.title or ""])


def assert_anonymous(text: str) -> None:
    for name in NAMES:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    for role in ROLES:
        assert role in text
    assert "Participant 1 asked Note-taker, then Incident commander rolled back" in text


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_plain_export_has_the_names(library: Library, catalog: Catalog, tmp_path: Path, fmt: str) -> None:
    """Without anonymize the report names people (so the check below means something)."""
    review_id = import_full(library, catalog)
    target = tmp_path / f"review.{fmt}"
    export_review(library, catalog, review_id, fmt, target)
    text = docx_text(target) if fmt == "docx" else target.read_text(encoding="utf-8")
    assert all(name in text for name in NAMES)


def test_anonymized_word_report_has_roles_only(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """The Word report, read back, holds no participant name; roles stand in."""
    review_id = import_full(library, catalog)
    target = tmp_path / "review.docx"
    export_review(library, catalog, review_id, "docx", target, include_private=True, anonymize=True)
    assert_anonymous(docx_text(target))


def test_anonymized_markdown_report_has_roles_only(library: Library, catalog: Catalog,
                                                   tmp_path: Path) -> None:
    """The Markdown report, read back, holds no participant name; roles stand in."""
    review_id = import_full(library, catalog)
    target = tmp_path / "review.md"
    export_review(library, catalog, review_id, "md", target, include_private=True, anonymize=True)
    assert_anonymous(target.read_text(encoding="utf-8"))


def test_cli_export_anonymize(db_url: str, catalog: Catalog, tmp_path: Path) -> None:
    """``debrief export ID --anonymize`` writes the report with roles instead of names."""
    library = open_library(db_url)
    review_id = import_full(library, catalog)
    library.close()
    target = tmp_path / "cli.md"
    assert main(["--db", db_url, "export", str(review_id), "-f", "md", "-o", str(target), "--anonymize"]) == 0
    assert_anonymous(target.read_text(encoding="utf-8"))
