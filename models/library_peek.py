"""The library's list read with the standard library alone, for the window's first paint.

Loading SQLAlchemy and the ORM takes most of a second; a person starting
Debrief should see their reviews before that. :func:`peek_library` reads the
same lines :func:`models.reviews.list_reviews` gives, in the same order, from
an SQLite library, read-only and without waiting: it never creates, migrates
or locks anything. Whatever it cannot read plainly (PostgreSQL, a missing
file, a library being written or migrated, an unexpected value) it leaves to
the real open that follows, by returning None.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from models.review_summary import ReviewSummary, upcoming_kind
from models.stored_time import read_sqlite_time

_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")

# models/reviews.py list_reviews, spelt in SQL: the same lines in the same order.
_LIST = """
SELECT r.id, r.title, r.started_at, r.severity, r.status, r.kind, r.template, r.timezone,
       r.created_at, r.updated_at, u.upcoming, r.services, r.tags, u.review_meeting
FROM reviews AS r
LEFT OUTER JOIN (
    SELECT review_id, MIN(scheduled_for) AS upcoming,
           MIN(CASE WHEN kind = 'review' THEN scheduled_for END) AS review_meeting
    FROM meetings
    WHERE scheduled_for IS NOT NULL AND started_at IS NULL AND ended_at IS NULL
    GROUP BY review_id
) AS u ON u.review_id = r.id
ORDER BY COALESCE(r.started_at, r.created_at) IS NULL, COALESCE(r.started_at, r.created_at) DESC, r.id DESC
"""


def sqlite_file(url: str) -> Path | None:
    """The file an ``sqlite:///`` URL names; None for any other URL (or one with options)."""
    prefix = next((p for p in _PREFIXES if url.startswith(p)), None)
    if prefix is None or "?" in url:
        return None
    name = url[len(prefix):]
    return Path(name) if name and name != ":memory:" else None


def peek_library(url: str) -> list[ReviewSummary] | None:
    """The library's lines, newest incident first; None when they cannot be read this way."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        return [_summary(row) for row in connection.execute(_LIST)]
    except (sqlite3.Error, ValueError, TypeError):
        return None  # not a library yet, an older or newer schema, busy, or a value read differently
    finally:
        connection.close()


def _summary(row: tuple[object, ...]) -> ReviewSummary:
    (review_id, title, started, severity, status, kind, template, timezone,
     created, updated, upcoming, services, tags, review_meeting) = row
    return ReviewSummary(
        id=_int(review_id),
        title=_text(title),
        started_at=_time(started),
        severity=None if severity is None else _text(severity),
        status=_text(status),
        kind=_text(kind),
        template=_text(template),
        timezone=_text(timezone),
        created_at=_required_time(created),
        updated_at=_required_time(updated),
        upcoming=_time(upcoming),
        services=_names(services),
        tags=_names(tags),
        upcoming_kind=upcoming_kind(upcoming, review_meeting),
    )


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"not an id: {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return value


def _names(value: object) -> tuple[str, ...]:
    """A JSON list of names as stored (NULL: none)."""
    if value is None:
        return ()
    names = json.loads(_text(value))
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"not a list of names: {value!r}")
    return tuple(names)


def _time(value: object) -> datetime | None:
    return None if value is None else read_sqlite_time(_text(value))


def _required_time(value: object) -> datetime:
    return read_sqlite_time(_text(value))
