"""Migration 0009: a review's events come in index order (no temporary sort), with no more indexes to keep."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.snapshot import load_event_rows
from models.store import HEAD, create_library_engine, current_revision, migrate, open_library
from tests.sqlite_schema import timeline_indexes, timeline_read_plan


def test_a_0008_library_gets_the_ordered_index_and_keeps_its_events(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    engine = create_library_engine(f"sqlite:///{path}", create_folder=True)
    migrate(engine, "0008")
    engine.dispose()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO reviews (id, uid, title, summary, kind, status, timezone, template,"
                           " impact, services, tags, created_at, updated_at, version) VALUES (1, 'u-1', 't',"
                           " '', 'incident', 'draft', 'UTC', 'standard', '', '[]', '[]',"
                           " '2026-03-02 09:00:00.000000', '2026-03-02 09:00:00.000000', 1)")
        for n in (3, 1, 2):
            at = (start + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
            connection.execute("INSERT INTO timeline_events (review_id, at, text, kind, source, approximate,"
                               " detail) VALUES (1, ?, ?, 'observation', '', 0, '')", (at, f"event {n}"))
    connection.close()
    assert "TEMP B-TREE" in timeline_read_plan(path)
    before = timeline_indexes(path)

    library = open_library(f"sqlite:///{path}")
    try:
        assert current_revision(library.engine) == HEAD
        with library.begin() as session:
            assert [e.text for e in load_event_rows(session, 1)] == ["event 1", "event 2", "event 3"]
    finally:
        library.close()
    plan = timeline_read_plan(path)
    assert "ix_timeline_events_review_order" in plan and "TEMP B-TREE" not in plan
    after = timeline_indexes(path)
    # (0010 then drops the index on the time alone, which no query reads.)
    assert after == (before - {"ix_timeline_events_review_id", "ix_timeline_events_at"}) | {
        "ix_timeline_events_review_order"}
