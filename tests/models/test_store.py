"""The library store: URLs, pragmas, migrations on open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from models import reviews
from models.base import NaiveDatetimeError
from models.store import (
    LibraryError,
    create_library_engine,
    current_revision,
    default_url,
    head_revision,
    migrate,
    open_library,
)


def test_default_url_is_sqlite_in_the_user_data_folder(user_dirs: dict[str, Path]) -> None:
    """Without --db or DEBRIEF_DB the library is library.db in the data folder."""
    assert default_url() == f"sqlite:///{user_dirs['data'] / 'library.db'}"


def test_debrief_db_overrides_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """DEBRIEF_DB names the library."""
    monkeypatch.setenv("DEBRIEF_DB", f"sqlite:///{tmp_path / 'team.db'}")
    assert default_url().endswith("team.db")


def test_open_creates_the_schema_at_head(db_url: str) -> None:
    """A new library is migrated to the newest revision."""
    library = open_library(db_url)
    assert current_revision(library.engine) == head_revision()
    library.close()


def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(library) -> None:  # type: ignore[no-untyped-def]
    """Each connection gets the durability pragmas."""
    with library.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_library_made_by_the_first_migration_opens_without_loss(tmp_path: Path) -> None:
    """A library at revision 0001 with data in it opens in this version with the data intact."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_library_engine(url)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'Old review', '', 'incident', 'draft', 'UTC',"
            " 'standard', '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO notes (review_id, phase, kind, text, private, created_at)"
            " VALUES (1, 'timeline', 'surprise', 'An old note', 0, '2025-01-01 10:05:00')"))
    engine.dispose()

    library = open_library(url)
    with library.begin() as session:
        rows = reviews.list_reviews(session)
        note_text = session.execute(text("SELECT text FROM notes")).scalar()
    assert current_revision(library.engine) == head_revision()
    assert [r.title for r in rows] == ["Old review"]
    assert rows[0].created_at == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    assert note_text == "An old note"
    library.close()


def test_a_url_that_is_not_a_database_url_is_refused() -> None:
    """A garbage URL gives a LibraryError naming it."""
    with pytest.raises(LibraryError, match="not a database URL"):
        open_library("this is not a url")


def test_an_unreachable_file_is_refused(tmp_path: Path) -> None:
    """A library path inside a file (not a folder) gives a LibraryError, not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot open library"):
        open_library(f"sqlite:///{blocker / 'library.db'}")


def test_times_come_back_timezone_aware_in_utc(library) -> None:  # type: ignore[no-untyped-def]
    """A time stored with an offset reads back as the same instant in UTC."""
    berlin = datetime.fromisoformat("2026-03-02T10:14:00+01:00")
    with library.begin() as session:
        review_id = reviews.create(session, title="T", started_at=berlin).id
    with library.begin() as session:
        stored = reviews.get_or_raise(session, review_id).started_at
    assert stored == berlin
    assert stored.tzinfo is UTC


def test_a_naive_time_is_refused_by_the_column_type(library) -> None:  # type: ignore[no-untyped-def]
    """Naive datetimes never reach the database."""
    from models.entities import Review

    with pytest.raises(Exception) as caught, library.begin() as session:
        session.add(Review(title="T", summary="", impact="", services=[], tags=[],
                           started_at=datetime(2026, 3, 2, 9, 14)))
        session.flush()
    assert isinstance(caught.value, NaiveDatetimeError) or isinstance(
        getattr(caught.value, "orig", None), NaiveDatetimeError)


def test_the_backup_before_a_migration_holds_commits_still_in_the_wal(tmp_path: Path) -> None:
    """After a crash the newest commits live in library.db-wal; the backup must contain them."""
    import sqlite3

    path = tmp_path / "old.db"
    engine = create_library_engine(f"sqlite:///{path}")
    migrate(engine, "0001")
    engine.dispose()
    writer = sqlite3.connect(path)  # stays open: no checkpoint moves the commit into library.db
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute(
        "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services, tags,"
        " created_at, updated_at) VALUES (1, 'Only in the WAL', '', 'incident', 'draft', 'UTC', 'standard',"
        " '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')")
    writer.commit()
    assert (tmp_path / "old.db-wal").stat().st_size > 0

    open_library(f"sqlite:///{path}").close()
    writer.close()
    backup = sqlite3.connect(tmp_path / "old.db.before-0001.bak")
    titles = [title for (title,) in backup.execute("SELECT title FROM reviews")]
    backup.close()
    assert titles == ["Only in the WAL"]
