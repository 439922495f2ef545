"""How SQLite stores a :class:`models.base.UTCDateTime`: the one place that spells the text.

Light to import (no SQLAlchemy): the SQLAlchemy type (models/base.py), the fast
import path that writes rows without the ORM, and the library list read before
the ORM is loaded all use these two functions.
"""

from __future__ import annotations

from datetime import UTC, datetime


def sqlite_time(moment: datetime) -> str:
    """``moment`` as SQLite stores a :class:`UTCDateTime`: UTC, zero-padded, "0999-…" never "999-…".

    It matches what SQLAlchemy's SQLite DATETIME writes.
    """
    utc = moment.astimezone(UTC)
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
            f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}")


def read_sqlite_time(text: str) -> datetime:
    """The aware UTC moment :func:`sqlite_time` (or SQLAlchemy) stored as ``text``.

    Raises ValueError for text that is not such a time.
    """
    if text[-6:-5] in "+-" and text[-3:-2] == ":":
        raise ValueError(f"not a stored time (it has an offset): {text!r}")
    return datetime.fromisoformat(text + "+00:00")  # one call: a timeline reads tens of thousands
