"""The command line's report options: --summary, --no-timeline, --no-chart, --no-meeting-record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import main

FULL = Path(__file__).resolve().parents[2] / "tests" / "data" / "full_bundle.yaml"


def _export_md(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    """The Markdown report of the full bundle written with ``flags``."""
    assert main(["--db", db_url, "import", str(FULL)]) == 0
    review_id = capsys.readouterr().out.strip()
    target = tmp_path / "r.md"
    assert main(["--db", db_url, "export", review_id, "-f", "md", "-o", str(target), *flags]) == 0
    assert capsys.readouterr().err == ""
    return target.read_text(encoding="utf-8")


def _sections(text: str) -> list[str]:
    return re.findall(r"^## (.*)$", text, flags=re.MULTILINE)


def test_default_export_has_every_section(db_url: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Without flags the report holds the chart, the timeline and the meetings."""
    sections = _sections(_export_md(db_url, tmp_path, capsys))
    assert {"Who knew what when", "Timeline", "Meetings"} <= set(sections)
    assert (tmp_path / "r-who-knew-what-when.png").exists()


@pytest.mark.parametrize(("flag", "section"), [("--no-timeline", "Timeline"),
                                               ("--no-chart", "Who knew what when"),
                                               ("--no-meeting-record", "Meetings")])
def test_each_flag_removes_its_section(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       flag: str, section: str) -> None:
    """Each --no-… flag leaves exactly its section out."""
    sections = _sections(_export_md(db_url, tmp_path, capsys, flag))
    assert section not in sections and "Discussion" in sections
    assert (tmp_path / "r-who-knew-what-when.png").exists() == (flag != "--no-chart")


def test_summary_flag_writes_the_executive_summary(db_url: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--summary writes key facts, top learnings and actions, nothing from the meeting; no private notes."""
    text = _export_md(db_url, tmp_path, capsys, "--summary", "--include-private", "--anonymize")
    assert _sections(text) == ["Key facts", "Top learnings", "Actions"]
    assert "Facilitator's aside" not in text
    assert not (tmp_path / "r-who-knew-what-when.png").exists()
