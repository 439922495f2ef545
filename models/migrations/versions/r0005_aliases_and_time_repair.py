"""Participants' other names (for honest anonymising); times outside 1900–2200 repaired.

Earlier versions stored any time a bundle or CSV file named, so a library may
hold "999-03-02 …" (a year typed short) or "0001-01-01" (a placeholder) that no
report, list or window can show. Each such time is repaired in place and the
repair is left where a person will see it:

* a review's started/detected/mitigated/resolved time is cleared, and a line
  in its summary says which field held what;
* a timeline event keeps its place at the nearest end of the range, is marked
  approximate, and its text starts with the time it held;
* a note's or a meeting's optional times are cleared; a pause or an asked
  prompt with such a time (records the app wrote itself) is dropped;
* created/updated stamps become the time of the upgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:40:00
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIRST_YEAR, _LAST_YEAR = 1900, 2200
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 12, 31, 23, 59, tzinfo=UTC)
_YEAR = re.compile(r"\s*(-?\d+)-")

# (table, column, what to do with a bad value)
_COLUMNS = (
    ("reviews", "started_at", "clear-and-say"),
    ("reviews", "detected_at", "clear-and-say"),
    ("reviews", "mitigated_at", "clear-and-say"),
    ("reviews", "resolved_at", "clear-and-say"),
    ("reviews", "created_at", "now"),
    ("reviews", "updated_at", "now"),
    ("timeline_events", "at", "clamp-and-say"),
    ("notes", "said_at", "clear"),
    ("notes", "created_at", "now"),
    ("meetings", "started_at", "clear"),
    ("meetings", "ended_at", "clear"),
    ("meetings", "scheduled_for", "clear"),
    ("meeting_phases", "started_at", "clear"),
    ("meeting_phases", "ended_at", "clear"),
    ("meeting_pauses", "started_at", "drop"),
    ("meeting_pauses", "ended_at", "clear"),
    ("asked_prompts", "at", "drop"),
)


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.JSON(), server_default='[]', nullable=False))
    bind = op.get_bind()
    for table, column, action in _COLUMNS:
        _repair(bind, table, column, action)


def _bad_year(value: Any) -> int | None:
    """The year of a stored time outside the range (0 when unreadable), or None when it is fine."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.year if not _FIRST_YEAR <= value.year <= _LAST_YEAR else None
    text = str(value)
    match = _YEAR.match(text)
    if match is None or len(match.group(1).lstrip("-")) != 4:
        return int(match.group(1)) if match else 0
    year = int(match.group(1))
    return year if not _FIRST_YEAR <= year <= _LAST_YEAR else None


def _stored(moment: datetime, dialect: str) -> Any:
    utc = moment.astimezone(UTC)
    if dialect == "sqlite":
        return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
                f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}")
    return utc


def _repair(bind: sa.Connection, table: str, column: str, action: str) -> None:
    dialect = bind.dialect.name
    if dialect == "sqlite":
        # Text in SQLite: a short year ("999-…") sorts after "1900"; test the shape as well.
        where = (f"{column} IS NOT NULL AND ({column} NOT GLOB '[0-9][0-9][0-9][0-9]-*' "
                 f"OR substr({column}, 1, 4) < '1900' OR substr({column}, 1, 4) > '2200')")
    else:
        where = (f"{column} IS NOT NULL AND ({column} < TIMESTAMPTZ '1900-01-01 00:00:00+00' "
                 f"OR {column} >= TIMESTAMPTZ '2201-01-01 00:00:00+00')")
    if dialect == "sqlite":
        query = f"SELECT id, {column}, 0 FROM {table} WHERE {where}"
    else:
        # The text in UTC whatever the server's TimeZone and DateStyle; the direction from the value.
        query = (f"SELECT id, to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', "
                 f"{column} >= TIMESTAMPTZ '2201-01-01 00:00:00+00' FROM {table} WHERE {where}")
    rows = bind.execute(sa.text(query)).all()
    now = _stored(datetime.now(UTC), dialect)
    for ident, raw, late in rows:
        said = str(raw).strip()
        if action == "drop":
            bind.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": ident})
        elif action == "now":
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": now, "id": ident})
        elif action == "clear":
            bind.execute(sa.text(f"UPDATE {table} SET {column} = NULL WHERE id = :id"), {"id": ident})
        elif action == "clear-and-say":
            line = (f"(On upgrading, Debrief cleared {column} \"{said}\": it is outside the years "
                    f"{_FIRST_YEAR} to {_LAST_YEAR}.)")
            bind.execute(sa.text(
                f"UPDATE {table} SET {column} = NULL, summary = CASE WHEN summary IS NULL OR summary = '' "
                f"THEN :line ELSE summary || :sep || :line END WHERE id = :id"),
                {"line": line, "sep": "\n\n", "id": ident})
        else:  # clamp-and-say
            late = bool(late) if dialect != "sqlite" else (_bad_year(raw) or 0) > _LAST_YEAR
            moment = _LATEST if late else _EARLIEST
            bind.execute(sa.text(
                f"UPDATE {table} SET {column} = :v, approximate = :yes, "
                f"text = :prefix || text WHERE id = :id"),
                {"v": _stored(moment, dialect), "yes": True, "id": ident,
                 "prefix": f"[time out of range, was {said}] "})


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('aliases')
