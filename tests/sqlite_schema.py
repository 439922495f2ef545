"""What a SQLite library's timeline indexes are and how a review's events are read (migration tests)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def timeline_indexes(path: Path) -> set[str]:
    """The named indexes of ``timeline_events`` in the library at ``path``."""
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'timeline_events'"
            " AND name NOT LIKE 'sqlite_autoindex%'")}
    connection.close()
    return names


def timeline_read_plan(path: Path) -> str:
    """SQLite's plan for reading review 1's events in time order, its steps joined by " | "."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "EXPLAIN QUERY PLAN SELECT id, at FROM timeline_events WHERE review_id = ? ORDER BY at, id",
            (1,)).fetchall()
    connection.close()
    return " | ".join(str(row[-1]) for row in rows)
