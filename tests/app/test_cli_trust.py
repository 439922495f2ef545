"""The command line under bad paths, bad libraries and bugs: one line, the right exit status, nothing lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app import cli_commands
from app.cli import EX_SOFTWARE, main
from models.store import create_library_engine, migrate, open_library

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def imported(db_url: str) -> int:
    from models.bundle import import_bundle, load_bundle_file
    from models.catalog import load_catalog

    bundle = load_bundle_file(FULL, load_catalog())
    library = open_library(db_url)
    with library.begin() as session:
        review_id = import_bundle(session, bundle)
    library.close()
    return review_id


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", ".before-0004.bak"])
def test_export_onto_the_library_or_its_files_is_refused(
        tmp_path: Path, db_url: str, imported: int, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    """-o library.db (or its journal, or a backup) would replace the library with a report."""
    library_file = tmp_path / "library.db"
    before = library_file.read_bytes()
    target = Path(f"{library_file}{suffix}")
    assert main(["--db", db_url, "export", str(imported), "--format", "md", "-o", str(target)]) == 2
    assert "is the library itself" in _one_line(capsys.readouterr().err)
    assert library_file.read_bytes() == before
    library = open_library(db_url)
    library.close()


def test_export_onto_a_link_to_the_library_is_refused(
        tmp_path: Path, db_url: str, imported: int, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "library.db")
    assert main(["--db", db_url, "export", str(imported), "--format", "md", "-o", str(link)]) == 2
    assert "is the library itself" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("fmt", ["md", "html", "yaml", "json", "actions-csv"])
def test_dash_writes_text_formats_to_standard_output(
        tmp_path: Path, db_url: str, imported: int, capfdbinary: pytest.CaptureFixture[bytes],
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """-o - is standard output, not a file named '-'."""
    monkeypatch.chdir(tmp_path)
    assert main(["--db", db_url, "export", str(imported), "--format", fmt, "-o", "-"]) == 0
    out = capfdbinary.readouterr().out
    assert len(out) > 50
    assert not (tmp_path / "-").exists()
    if fmt in ("md", "html", "yaml"):
        assert b"Checkout" in out or b"checkout" in out.lower()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_dash_is_refused_for_binary_formats(
        tmp_path: Path, db_url: str, imported: int, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", db_url, "export", str(imported), "--format", fmt, "-o", "-"]) == 2
    assert "binary" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_an_in_memory_library_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An import into an in-memory library would print an id and lose the review at exit."""
    assert main(["--db", url, "import", str(FULL)]) == 2
    assert "in-memory" in _one_line(capsys.readouterr().err)


def test_a_library_in_a_missing_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "typo" / "library.db"
    assert main(["--db", f"sqlite:///{target}", "list"]) == 2
    assert "does not exist" in _one_line(capsys.readouterr().err)
    assert not target.parent.exists()


def test_an_internal_error_is_one_line_exit_70_and_a_logged_traceback(
        db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        user_dirs: dict[str, Path]) -> None:
    """A bug is not a traceback on the terminal: one line naming the log, exit 70, the traceback logged."""
    def broken(args: object, db_url: object) -> int:
        raise RuntimeError("something nobody expected")

    monkeypatch.setitem(cli_commands.COMMANDS, "list", broken)
    log_folder = user_dirs["data"].parent / "logs"
    monkeypatch.setattr("platformdirs.user_log_dir", lambda *a, **k: str(log_folder))
    assert main(["--db", db_url, "list"]) == EX_SOFTWARE
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("debrief: internal error: RuntimeError: something nobody expected (details in ")
    log = log_folder / "debrief.log"
    assert str(log) in line
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "something nobody expected" in logged and "def broken" not in line


def _library_at_0004(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = create_library_engine(url)
    migrate(engine, "0004")
    engine.dispose()
    return url


def test_a_library_holding_times_outside_the_range_opens_and_lists_after_the_upgrade(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows an older Debrief let in (start 0001-01-01 in New York, an event in "999") are repaired on open."""
    path = tmp_path / "old.db"
    url = _library_at_0004(path)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, started_at, created_at, updated_at) VALUES (1, 'Placeholder start', 'What happened.',"
            " 'incident',"
            " 'draft', 'America/New_York', 'standard', '', '[]', '[]', '0001-01-01 00:00:00.000000',"
            " '2025-01-01 10:00:00.000000', '2025-01-01 10:00:00.000000')")
        connection.execute(
            "INSERT INTO timeline_events (review_id, at, text, kind, source, approximate)"
            " VALUES (1, '999-03-02 10:00:00.000000', 'Deploy', 'change', '', 0)")
        connection.execute(
            "INSERT INTO timeline_events (review_id, at, text, kind, source, approximate)"
            " VALUES (1, '2026-03-02 10:05:00.000000', 'Alert', 'detection', 'alert', 0)")
    connection.close()

    assert main(["--db", url, "list"]) == 0
    out = capsys.readouterr().out
    assert "Placeholder start" in out
    library = open_library(url)
    with library.begin() as session:
        summary, started = session.execute(text("SELECT summary, started_at FROM reviews")).one()
        events = session.execute(text("SELECT at, text, approximate FROM timeline_events ORDER BY id")).all()
    library.close()
    assert started is None
    assert summary.startswith("What happened.")
    assert "cleared started_at" in summary and "0001-01-01" in summary
    assert events[0][1].startswith("[time out of range, was 999-03-02") and events[0][2] == 1
    assert str(events[0][0]).startswith("1900-01-01")
    assert events[1][1] == "Alert"
    assert main(["--db", url, "export", "1", "--format", "md", "-o", str(tmp_path / "r.md")]) == 0
