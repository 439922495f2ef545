"""Schema 0005 repairs times an older Debrief let in, on SQLite and on PostgreSQL (any server zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.store import create_library_engine, migrate, open_library

_REVIEW = ("INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
           " tags, started_at, created_at, updated_at) VALUES (1, 'R', 'What happened.', 'incident', 'draft',"
           " 'UTC', 'standard', '', '[]', '[]', :started, :now, :now)")
_EVENT = ("INSERT INTO timeline_events (review_id, at, text, kind, source, approximate)"
          " VALUES (1, :at, :text, 'change', '', false)")


def _fill(url: str, started: object, events: list[tuple[object, str]]) -> None:
    engine = create_library_engine(url)
    migrate(engine, "0004")
    now: object = datetime(2025, 1, 1, tzinfo=UTC)
    if engine.dialect.name == "sqlite":
        now = "2025-01-01 00:00:00.000000"
    with engine.begin() as connection:
        connection.execute(text(_REVIEW), {"started": started, "now": now})
        for at, label in events:
            connection.execute(text(_EVENT), {"at": at, "text": label})
    engine.dispose()


def _after(url: str) -> tuple[str, object, list[tuple[datetime, str, bool]]]:
    library = open_library(url)
    with library.begin() as session:
        summary, started = session.execute(text("SELECT summary, started_at FROM reviews")).one()
    from models.snapshot import load_review

    with library.begin() as session:
        doc = load_review(session, 1)
    library.close()
    assert doc is not None
    return summary, started, [(e.at, e.text, e.approximate) for e in doc.events]


def test_sqlite_times_outside_the_range_are_repaired_and_good_ones_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    _fill(url, "0001-01-01 00:00:00.000000", [
        ("999-03-02 10:00:00.000000", "short year"), ("2500-01-01 00:00:00.000000", "far future"),
        ("1900-01-01 00:00:00.000000", "first moment"), ("2200-12-31 23:59:59.000000", "last moment"),
        ("2026-03-02 10:00:00.000000", "ordinary")])
    summary, started, events = _after(url)
    assert started is None and "cleared started_at" in summary
    by_text = {t.split("] ")[-1]: (at, t, approx) for at, t, approx in events}
    assert by_text["short year"][0].year == 1900 and by_text["short year"][2]
    assert by_text["far future"][0].year == 2200 and by_text["far future"][2]
    assert by_text["first moment"] == (datetime(1900, 1, 1, tzinfo=UTC), "first moment", False)
    assert by_text["last moment"][1:] == ("last moment", False)
    assert by_text["ordinary"] == (datetime(2026, 3, 2, 10, tzinfo=UTC), "ordinary", False)


def test_postgresql_repairs_to_the_right_end_whatever_the_server_zone(pg_url: str) -> None:
    """A server in Los Angeles with DMY dates: late times go to 2200, early ones to 1900, text in UTC."""
    engine = create_library_engine(pg_url)
    name = make_url(pg_url).database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET timezone TO \'America/Los_Angeles\''))
        connection.execute(text(f'ALTER DATABASE "{name}" SET datestyle TO \'SQL, DMY\''))
    engine.dispose()
    _fill(pg_url, datetime(1, 1, 1, tzinfo=UTC), [
        (datetime(999, 3, 2, 10, tzinfo=UTC), "short year"),
        (datetime(2201, 1, 1, 3, tzinfo=UTC), "just too late"),
        (datetime(2026, 3, 2, 10, tzinfo=UTC), "ordinary")])
    summary, started, events = _after(pg_url)
    assert started is None and "cleared started_at" in summary
    by_text = {t.split("] ")[-1]: (at, t, approx) for at, t, approx in events}
    assert by_text["short year"][0].year == 1900
    assert by_text["just too late"][0].year == 2200
    assert "was 2201-01-01 03:00:00 UTC" in by_text["just too late"][1]
    assert by_text["ordinary"] == (datetime(2026, 3, 2, 10, tzinfo=UTC), "ordinary", False)
