"""What the library can hold: one time range and one set of text limits for every way in.

Bundles, CSV files, Slack exports, the window and the command line all end in
the same checks, so a value one of them refuses the others refuse too, and a
value SQLite would take but PostgreSQL would not (a 400-character title, a NUL
byte) is refused on both with the field that holds it.

* :func:`check_moment`: a time between 1900 and 2200 that also reads in the
  review's timezone. Anything outside is a typo ("999" for "1999") or a
  placeholder ("0001-01-01"), never an incident.
* :func:`check_text`: no NUL byte (PostgreSQL cannot store one), no lone
  UTF-16 surrogate (no encoding can write one) and no more
  characters than the column holds (``String(300)`` on PostgreSQL refuses a
  longer value; SQLite would have taken it silently).
* :func:`guard_session`: the last line, run before every flush, so an ORM write
  that skipped the first two is still refused with its field, on both backends.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from models.errors import InvalidFieldError

#: The first and last moments a review may hold (inclusive).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
RANGE_TEXT = "1900 to 2200"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Two days inside the range: no timezone's offset (under a day) takes a moment here outside it.
_SAFE_EARLIEST = EARLIEST + timedelta(days=2)
_SAFE_LATEST = LATEST - timedelta(days=2)


def moment_problem(moment: datetime, zone: tzinfo | None = None) -> str | None:
    """Why ``moment`` cannot be stored (None when it can)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return "a time needs a timezone or an offset"
    if _SAFE_EARLIEST <= moment <= _SAFE_LATEST:
        return None  # days inside the range: no conversion to any zone can leave it (the common case)
    return converted_problem(moment, zone)


def converted_problem(moment: datetime, zone: tzinfo | None = None) -> str | None:
    """:func:`moment_problem` for an aware ``moment``, the long way: converted to UTC (and to ``zone``)."""
    try:
        utc = moment.astimezone(UTC)
        if zone is not None:
            utc.astimezone(zone)
    except (OverflowError, ValueError):
        return f"{_year(moment)} is outside the years {RANGE_TEXT}"
    if not EARLIEST <= utc <= LATEST:
        return f"{_year(moment)} is outside the years {RANGE_TEXT}"
    return None


def check_moment(moment: datetime, *, field: str, zone: tzinfo | None = None) -> datetime:
    """``moment`` unchanged when in range (and readable in ``zone``); else :class:`InvalidFieldError`."""
    problem = moment_problem(moment, zone)
    if problem is not None:
        raise InvalidFieldError(field, problem)
    return moment


def _year(moment: datetime) -> str:
    return f"the year {moment.year}"


def text_problem(value: str, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be stored in a column of ``limit`` characters (None when it can)."""
    if "\x00" in value:
        return f"contains a NUL character (at position {value.index(chr(0)) + 1})"
    surrogate = None if value.isascii() else _SURROGATE.search(value)
    if surrogate is not None:
        return (f"contains half of a character (a lone UTF-16 surrogate, U+{ord(surrogate.group()):04X}, "
                f"at position {surrogate.start() + 1})")
    if limit is not None and len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} fit"
    return None


def check_text(value: str, *, field: str, limit: int | None = None) -> str:
    """``value`` unchanged when it fits; else :class:`InvalidFieldError` naming ``field``."""
    problem = text_problem(value, limit)
    if problem is not None:
        raise InvalidFieldError(field, problem)
    return value


def column_limit(entity: type[Any], column: str) -> int | None:
    """The length of ``entity.column`` when it is a bounded string column, else None."""
    col = entity.__table__.c[column]
    return col.type.length if isinstance(col.type, String) else None


def check_row(obj: Any) -> None:
    """Every string and time column of an ORM object: the checks above, named ``table.column``."""
    mapper = inspect(obj).mapper
    table = mapper.local_table.name
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        value = getattr(obj, prop.key, None)
        if value is None:
            continue
        field = f"{_singular(table)}.{column.name}"
        if isinstance(value, str):
            limit = column.type.length if isinstance(column.type, String) else None
            check_text(value, field=field, limit=limit)
        elif isinstance(column.type, UTCDateTime) and isinstance(value, datetime) and value.tzinfo:
            # A naive time is a caller's bug: the column type refuses it (NaiveDatetimeError).
            check_moment(value, field=field)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    check_text(item, field=field)


def _singular(table: str) -> str:
    return {"reviews": "review", "participants": "participant", "timeline_events": "event",
            "notes": "note", "learnings": "learning", "action_items": "action",
            "meetings": "meeting"}.get(table, table)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.new) + list(session.dirty):
        check_row(obj)


def guard_session(target: Any = Session) -> None:
    """Run :func:`check_row` on every new or changed object before each flush of ``target``'s sessions."""
    if not event.contains(target, "before_flush", _before_flush):
        event.listen(target, "before_flush", _before_flush)
