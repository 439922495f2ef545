"""Migrations under faults: killed mid-way, raced by a second process, a newer library, a full disk.

A migration is one exclusive transaction with the revision read again inside
it, and the pre-migration backup is written once: whatever happens, the
library is at its old revision with its data or at the new one with its data,
and the backup is the old library.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from models.store import (
    HEAD,
    REVISIONS,
    LibraryError,
    NewerLibraryError,
    backup_path,
    create_library_engine,
    current_revision,
    head_revision,
    migrate,
    open_library,
)
from tests.conftest import fuzz_count

ROOT = Path(__file__).resolve().parents[2]
OLD = "0001"


def _old_library(path: Path, reviews: int = 30) -> str:
    """A library at revision 0001 with ``reviews`` reviews and a note each."""
    url = f"sqlite:///{path}"
    engine = create_library_engine(url)
    migrate(engine, OLD)
    with engine.begin() as connection:
        for ident in range(1, reviews + 1):
            connection.execute(text(
                "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
                " tags, created_at, updated_at) VALUES (:id, :title, '', 'incident', 'draft', 'UTC',"
                " 'standard', '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"),
                {"id": ident, "title": f"Review {ident}"})
            connection.execute(text(
                "INSERT INTO notes (review_id, phase, kind, text, private, created_at)"
                " VALUES (:id, 'timeline', 'surprise', :text, 0, '2025-01-01 10:05:00')"),
                {"id": ident, "text": f"Note {ident}"})
    engine.dispose()
    return url


def _state(path: Path) -> tuple[str | None, list[str], list[str]]:
    """Revision, review titles and note texts of the SQLite file at ``path``, read without migrating."""
    with sqlite3.connect(path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        titles = [row[0] for row in connection.execute("SELECT title FROM reviews ORDER BY id")]
        notes = [row[0] for row in connection.execute("SELECT text FROM notes ORDER BY id")]
    connection.close()
    return (revision[0] if revision else None), titles, notes


def _run(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# The child counts the statements the migration sends and kills itself with
# SIGKILL just before statement number argv[2]: a power cut at that point.
_KILL_AT_STATEMENT = """
    import os, signal, sys
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from models.store import open_library
    kill_at = int(sys.argv[2])
    seen = 0
    def count(conn, cursor, statement, parameters, context, executemany):
        global seen
        seen += 1
        if seen >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    event.listen(Engine, "before_cursor_execute", count)
    open_library(sys.argv[1])
    print("finished", seen)
"""


def _statements_in_full_migration(tmp_path: Path) -> int:
    url = _old_library(tmp_path / "count.db", reviews=2)
    child = _run(_KILL_AT_STATEMENT, url, str(10**9))
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return int(out.split()[-1])


@pytest.mark.fuzz
def test_a_migration_killed_at_any_point_leaves_the_old_library_and_an_untouched_backup(
        tmp_path: Path) -> None:
    """SIGKILL at random statements of the migration: old revision and data, the backup the old library."""
    total = _statements_in_full_migration(tmp_path)
    assert total > 10
    rng = random.Random(8)
    points = sorted(rng.sample(range(1, total + 1), min(total, fuzz_count(5))))
    for point in points:
        path = tmp_path / f"killed-{point}.db"
        url = _old_library(path)
        before = _state(path)
        child = _run(_KILL_AT_STATEMENT, url, str(point))
        child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, f"statement {point} of {total}: the child was not killed"

        revision, titles, notes = _state(path)
        assert revision == OLD, f"killed at statement {point} of {total}: library at revision {revision}"
        assert (titles, notes) == before[1:]
        backup = backup_path(path, OLD)
        if backup.exists():
            assert _state(backup) == before
        assert not list(path.parent.glob(f".{path.name}*.partial"))

        # And it opens afterwards: migrated once, the backup the old library still.
        library = open_library(url)
        assert current_revision(library.engine) == HEAD
        library.close()
        assert _state(path)[1:] == before[1:]
        assert _state(backup_path(path, OLD)) == before


_OPEN = """
    import sys
    from models.store import open_library
    open_library(sys.argv[1]).close()
    print("ok")
"""


@pytest.mark.fuzz
def test_two_processes_opening_an_old_library_at_once_both_succeed_and_migrate_it_once(
        tmp_path: Path) -> None:
    """Pairs of processes open the same old library together: both succeed; the backup is the old library."""
    for pair in range(fuzz_count(10)):
        path = tmp_path / f"pair-{pair}.db"
        url = _old_library(path, reviews=5)
        before = _state(path)
        children = [_run(_OPEN, url), _run(_OPEN, url)]
        results = [child.communicate(timeout=180) for child in children]
        for child, (out, err) in zip(children, results, strict=True):
            assert child.returncode == 0, f"pair {pair}: {err.strip()}"
            assert out.strip() == "ok"
        assert _state(path) == (HEAD, before[1], before[2])
        assert _state(backup_path(path, OLD)) == before


def test_two_processes_creating_a_new_library_at_once_both_succeed(tmp_path: Path) -> None:
    """A new, empty library created by two processes at once: no spurious 'table already exists'."""
    for attempt in range(fuzz_count(3)):
        url = f"sqlite:///{tmp_path / f'new-{attempt}.db'}"
        children = [_run(_OPEN, url), _run(_OPEN, url)]
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err.strip()


def test_two_processes_creating_a_new_postgresql_library_at_once_both_succeed(pg_url: str) -> None:
    """The same on PostgreSQL: the advisory lock serialises them."""
    children = [_run(_OPEN, pg_url), _run(_OPEN, pg_url)]
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err.strip()
    library = open_library(pg_url)
    assert current_revision(library.engine) == HEAD
    library.close()


def test_the_backup_is_written_once_and_never_replaced(tmp_path: Path) -> None:
    """A second migration from the same revision (a library restored elsewhere) keeps the first backup."""
    path = tmp_path / "library.db"
    url = _old_library(path, reviews=1)
    open_library(url).close()
    backup = backup_path(path, OLD)
    first = backup.read_bytes()

    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _old_library(path, reviews=3)  # a different library at the same old revision
    open_library(url).close()
    assert backup.read_bytes() == first


def test_a_library_from_a_newer_debrief_is_refused_in_one_line_with_nothing_changed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Revision 9999: one line naming it, no backup, the file unchanged; the CLI exits 2."""
    from app.cli import main

    path = tmp_path / "newer.db"
    url = _old_library(path, reviews=1)
    open_library(url).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = path.read_bytes()
    backups_before = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(NewerLibraryError, match=r"made by a newer Debrief \(schema revision 9999"):
        open_library(url)
    assert main(["--db", url, "list"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "made by a newer Debrief" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == backups_before


def test_a_backup_that_cannot_be_written_leaves_the_library_unchanged_and_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while backing up: a clear error, the library at its old revision, no 0-byte .bak."""
    import models.store as store

    path = tmp_path / "library.db"
    url = _old_library(path, reviews=2)
    before = _state(path)
    real_connect = sqlite3.connect

    class FullDisk:
        def __init__(self, target: object, **kwargs: object) -> None:
            self._connection = real_connect(target, **kwargs)  # type: ignore[arg-type]

        def backup(self, copy: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def close(self) -> None:
            self._connection.close()

    class FakeSqlite:
        Error = sqlite3.Error
        Connection = sqlite3.Connection

        @staticmethod
        def connect(target: object, **kwargs: object) -> object:
            return FullDisk(target, **kwargs)

    monkeypatch.setattr(store, "sqlite3", FakeSqlite)
    with pytest.raises(LibraryError, match=r"cannot back up the library .*disk is full.*nothing was changed"):
        open_library(url)
    monkeypatch.undo()
    assert _state(path) == before
    assert not backup_path(path, OLD).exists()
    assert not [p for p in tmp_path.iterdir() if ".bak" in p.name]


def test_the_revisions_list_matches_the_migrations() -> None:
    """models.store.REVISIONS (read without Alembic on every open) is the migrations folder's history."""
    assert head_revision() == HEAD
    assert REVISIONS == tuple(sorted(REVISIONS))


def test_in_memory_urls_are_refused() -> None:
    """An in-memory library would take an import and lose it at exit."""
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"):
        with pytest.raises(LibraryError, match="in-memory"):
            open_library(url)


def test_an_explicit_library_in_a_missing_folder_is_refused_but_the_default_folder_is_created(
        tmp_path: Path, user_dirs: dict[str, Path]) -> None:
    """--db in a folder that does not exist is a typo: refused. The default library's folder is made."""
    missing = tmp_path / "no-such-folder" / "library.db"
    with pytest.raises(LibraryError, match="does not exist"):
        open_library(f"sqlite:///{missing}")
    assert not missing.parent.exists()

    library = open_library()
    assert (user_dirs["data"] / "library.db").exists()
    library.close()


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    """--db pointing at some other SQLite file: refused, not given Debrief's tables."""
    path = tmp_path / "bookmarks.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE bookmarks (url TEXT)")
        connection.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    connection.close()
    with pytest.raises(LibraryError, match="is not a Debrief library"):
        open_library(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    connection.close()
    assert tables == ["bookmarks"]


def test_a_tilde_in_the_url_means_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    open_library("sqlite:///~/tilde.db").close()
    assert (tmp_path / "tilde.db").exists()
