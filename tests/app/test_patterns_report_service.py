"""Making the patterns report: on a worker for the page (progress, refusals, failures), and
``debrief patterns -o FILE`` headless (one-line errors, exit status 2, nothing half-written)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.background import Operation
from app.cli import main
from app.patterns_service import PatternsService, make_patterns_report
from exports.patterns_report import UnknownReportFormat
from models.catalog import Catalog
from models.errors import DomainError
from models.store import Library
from tests.fake_clock import FakeClock
from tests.patterns_library import (
    SCRIPT_SERVICE,
    UMLAUT_SERVICE,
    docx_items,
    docx_sections,
    fill_library,
    parse_report,
)

TITLES = ["Reviews per month, by severity", "Time to detect: median per month",
          "Time to mitigate: median per month", "Time to resolve: median per month", "Most frequent services",
          "Most frequent tags", "Learnings by category", "Surprises per service"]


class Outcome:
    """What an operation delivered on the UI thread: its progress steps, then its result or error."""

    def __init__(self, operation: Operation[Path]) -> None:
        self.steps: list[int] = []
        self.result: Path | None = None
        self.error: Exception | None = None
        self.ended = False
        operation.on_progress(self.steps.append).on_success(self._success).on_failure(self._failure)

    def _success(self, result: Path) -> None:
        self.result, self.ended = result, True

    def _failure(self, error: Exception) -> None:
        self.error, self.ended = error, True


def run(qtbot: QtBot, operation: Operation[Path]) -> Outcome:
    outcome = Outcome(operation)
    operation.start()
    qtbot.waitUntil(lambda: outcome.ended, timeout=30000)
    return outcome


@pytest.fixture
def service(library: Library, catalog: Catalog, qapp: Any) -> PatternsService:
    clock = FakeClock(datetime(2026, 6, 1, 8, 5, tzinfo=UTC))
    return PatternsService(library, catalog=catalog, clock=clock)


# ---------------------------------------------------------------- on a worker

def test_the_report_is_made_on_a_worker_step_by_step(qtbot: QtBot, library: Library,
                                                     service: PatternsService, tmp_path: Path) -> None:
    """Reading, drawing, writing: each step is progress; the file holds every chart of the library."""
    fill_library(library)
    target = tmp_path / "patterns.docx"
    outcome = run(qtbot, service.report_in_background(target))
    assert outcome.error is None and outcome.result == target
    assert outcome.steps == [0, 1, 2]
    data = target.read_bytes()
    assert [title for title, _ in docx_sections(data)] == TITLES
    texts = [item.text for item in docx_items(data)]
    assert "4 reviews, March 2025 – May 2025" in texts
    made = datetime(2026, 6, 1, 8, 5, tzinfo=UTC).astimezone()
    assert f"Made on {made.day} June 2026 at {made:%H:%M}" in texts
    pictures = [item for item in docx_items(data) if item.kind == "picture"]
    assert len(pictures) == 7  # every chart but the tags: the library has none


def test_html_by_suffix_or_as_told(qtbot: QtBot, library: Library, service: PatternsService,
                                   tmp_path: Path) -> None:
    fill_library(library)
    run(qtbot, service.report_in_background(tmp_path / "p.html"))
    run(qtbot, service.report_in_background(tmp_path / "p.report", fmt="html"))
    for name in ("p.html", "p.report"):
        report = parse_report((tmp_path / name).read_text(encoding="utf-8"))
        assert [s.heading for s in report.sections] == TITLES
        services = report.sections[4].tables[0]
        assert [SCRIPT_SERVICE, "1"] in services and [UMLAUT_SERVICE, "1"] in services


def test_a_missing_folder_fails_on_the_ui_thread_and_leaves_nothing(qtbot: QtBot, library: Library,
                                                                    service: PatternsService,
                                                                    tmp_path: Path) -> None:
    fill_library(library)
    outcome = run(qtbot, service.report_in_background(tmp_path / "gone" / "p.docx"))
    assert isinstance(outcome.error, FileNotFoundError) and outcome.result is None
    assert not (tmp_path / "gone").exists()


def test_the_library_file_and_an_unknown_suffix_are_refused_at_once(library: Library,
                                                                    service: PatternsService) -> None:
    """Before anything is read: writing over the library would lose it; .pdf is not a report format here."""
    own = library.sqlite_path()
    assert own is not None
    before = own.read_bytes()
    with pytest.raises(DomainError, match="library itself"):
        service.report_in_background(own, fmt="docx")
    with pytest.raises(UnknownReportFormat, match="p.pdf"):
        service.report_in_background(own.with_name("p.pdf"))
    assert own.read_bytes() == before


def test_an_empty_library_gives_a_report_that_says_so(library: Library, tmp_path: Path, qapp: Any) -> None:
    """No reviews: a short report saying there is nothing yet, no charts, no crash."""
    target = make_patterns_report(library, tmp_path / "p.docx")
    items = docx_items(target.read_bytes())
    assert any(item.text.startswith("No reviews in the library yet.") for item in items)
    assert not any(item.kind in ("picture", "table") for item in items)


# ---------------------------------------------------------------- debrief patterns

def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("debrief: ") and "Traceback" not in err
    return lines[0]


def test_cli_writes_the_word_report(db_url: str, library: Library, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    fill_library(library)
    target = tmp_path / "patterns.docx"
    assert main(["--db", db_url, "patterns", "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    assert [title for title, _ in docx_sections(target.read_bytes())] == TITLES


def test_cli_format_from_the_suffix_or_forced(db_url: str, library: Library, tmp_path: Path) -> None:
    fill_library(library)
    assert main(["patterns", "-o", str(tmp_path / "p.HTML"), "--db", db_url]) == 0
    assert main(["--db", db_url, "patterns", "-o", str(tmp_path / "p.txt"), "--format", "html"]) == 0
    assert main(["--db", db_url, "patterns", "-o", str(tmp_path / "p.out"), "-f", "docx"]) == 0
    assert (tmp_path / "p.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "p.txt").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "p.out").read_bytes().startswith(b"PK")


def test_cli_a_missing_folder_is_one_line_exit_2_and_no_file(db_url: str, library: Library, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    fill_library(library)
    target = tmp_path / "reports" / "patterns.docx"
    assert main(["--db", db_url, "patterns", "-o", str(target)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == f"debrief: cannot write {target}: the folder {target.parent} does not exist"
    assert not target.parent.exists()


@pytest.mark.parametrize(("args", "says"), [
    (["-o", "p.pdf"], "p.pdf: the patterns report is a Word (.docx) or HTML (.html) file: end the name so, "
                      "or give --format docx|html"),
    (["-o", "-"], "patterns writes a file: give its name"),
    (["-o", "p.docx", "--format", "pdf"], "argument --format/-f: invalid choice: 'pdf'"),
    ([], "the following arguments are required: -o/--output"),
])
def test_cli_usage_errors_are_one_line(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch, args: list[str], says: str) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["--db", db_url, "patterns", *args]) == 2
    assert says in _one_error_line(capsys.readouterr().err)
    assert os.listdir(here) == []


def test_cli_a_folder_or_the_library_itself_is_refused(db_url: str, library: Library, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    fill_library(library)
    folder = tmp_path / "reports.docx"
    folder.mkdir()
    assert main(["--db", db_url, "patterns", "-o", str(folder)]) == 2
    assert "is a folder" in _one_error_line(capsys.readouterr().err)
    own = library.sqlite_path()
    assert own is not None
    before = own.read_bytes()
    assert main(["--db", db_url, "patterns", "-o", str(own), "--format", "docx"]) == 2
    assert "library itself" in _one_error_line(capsys.readouterr().err)
    assert own.read_bytes() == before


def test_cli_an_empty_library_writes_a_report_that_says_so(db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "p.html"
    assert main(["--db", db_url, "patterns", "-o", str(target)]) == 0
    report = parse_report(target.read_text(encoding="utf-8"))
    assert report.sections == [] and "No reviews in the library yet." in report.text
