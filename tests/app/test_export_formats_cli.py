"""The command line writes the HTML report and the action items CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.cli import main
from app.export_service import FORMATS, format_for_suffix

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"


def _import_full(db_url: str, capsys: pytest.CaptureFixture[str]) -> int:
    assert main(["--db", db_url, "import", str(FULL)]) == 0
    return int(capsys.readouterr().out.strip())


def test_export_html(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """export --format html writes one self-contained page with the chart; private notes only when asked."""
    review_id = _import_full(db_url, capsys)
    plain, private = tmp_path / "r.html", tmp_path / "p.html"
    assert main(["--db", db_url, "export", str(review_id), "--format", "html", "-o", str(plain)]) == 0
    assert main(["--db", db_url, "export", str(review_id), "--format", "html", "-o", str(private),
                 "--include-private"]) == 0
    assert capsys.readouterr().err == ""
    text = plain.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'src="data:image/png;base64,' in text
    assert "Facilitator's aside" not in text
    assert "Facilitator's aside" in private.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db") == ["p.html", "r.html"]


def test_export_actions_csv(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """export --format actions-csv writes one row per action item of the review."""
    review_id = _import_full(db_url, capsys)
    target = tmp_path / "actions.csv"
    assert main(["--db", db_url, "export", str(review_id), "--format", "actions-csv", "-o", str(target)]) == 0
    assert capsys.readouterr().err == ""
    reader = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline=""))
    assert reader.fieldnames == ["title", "description", "owner", "due", "priority", "status", "link"]
    read = list(reader)
    assert [row["title"] for row in read] == ["Alert on saved-cart checkout separately",
                                              "Canary config changes like code",
                                              "Write down the validator's defaults"]
    assert (read[0]["owner"], read[0]["due"], read[0]["priority"], read[0]["link"]) == (
        "Kim", "2026-03-20", "High", "https://tracker.example/OPS-1234")


def test_new_formats_come_last_and_match_their_suffixes() -> None:
    """html, actions-csv and pdf follow the older formats (the filter order) and map from suffixes."""
    assert list(FORMATS)[-3:] == ["html", "actions-csv", "pdf"]
    assert format_for_suffix(Path("r.PDF")) == "pdf"
    assert format_for_suffix(Path("r.html")) == "html" and format_for_suffix(Path("r.HTM")) == "html"
    assert format_for_suffix(Path("a.csv")) == "actions-csv"
