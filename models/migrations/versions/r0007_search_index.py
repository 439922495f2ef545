"""Full-text search: an index over every review's text, built for the reviews already there.

SQLite: one FTS5 table per searched table (``search_reviews``, ``search_participants``,
``search_events``, ``search_notes``, ``search_learnings``, ``search_actions``), external
content (the text is not stored twice: snippets are read from the table itself), tokenized
with ``unicode61 remove_diacritics 2`` (any case, any accent: "zurich" finds "Zürich"). The
reviews' and participants' JSON lists (services, tags, aliases) are read through the views
``search_reviews_src`` and ``search_participants_src`` as "a, b" text, so "Zürich" is indexed
as written and not as the JSON escape "Z\\u00fcrich". Triggers keep each index in step with
its table whoever writes (the window, the command line, imports, cascading deletes).

A later migration that recreates one of these tables (Alembic's batch "move and copy") drops
its triggers with it: call :func:`create_sqlite_triggers` for that table afterwards
(tests/models/test_search.py checks that every trigger is there at the head revision).

PostgreSQL: a stored generated ``search_vector`` column per searched table with a GIN index,
under the text search configuration ``debrief_search`` (``simple``, plus ``unaccent`` when
the server can install it). No triggers: the server computes the column on every write.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "unicode61 remove_diacritics 2"
PG_CONFIG = "debrief_search"


def _names(column: str) -> str:
    """A JSON list of names as "a, b" (decoded), or the value itself when it is not JSON."""
    return (f"CASE WHEN json_valid({column}) THEN (SELECT group_concat(value, ', ') FROM json_each({column}))"
            f" ELSE {column} END")


# (index, table, FTS5 content: the table or a view over it, {column: expression over a row "{r}"})
SQLITE_INDEXES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("search_reviews", "reviews", "search_reviews_src",
     {"title": "{r}.title", "summary": "{r}.summary", "impact": "{r}.impact",
      "services": _names("{r}.services"), "tags": _names("{r}.tags")}),
    ("search_participants", "participants", "search_participants_src",
     {"name": "{r}.name", "aliases": _names("{r}.aliases"), "brought_in": "{r}.brought_in"}),
    ("search_events", "timeline_events", "timeline_events",
     {"text": "{r}.text", "detail": "{r}.detail", "source": "{r}.source"}),
    ("search_notes", "notes", "notes", {"text": "{r}.text"}),
    ("search_learnings", "learnings", "learnings", {"text": "{r}.text"}),
    ("search_actions", "action_items", "action_items",
     {"title": "{r}.title", "description": "{r}.description", "owner": "{r}.owner"}),
)


def _values(columns: dict[str, str], row: str) -> str:
    return ", ".join(expression.replace("{r}", row) for expression in columns.values())


def sqlite_trigger_sql(index: str, table: str, columns: dict[str, str]) -> list[str]:
    """The three triggers that keep ``index`` in step with ``table`` (insert, delete, update)."""
    names = ", ".join(columns)
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {_values(columns, 'new')});"
    delete = (f"INSERT INTO {index}({index}, rowid, {names}) "
              f"VALUES ('delete', old.id, {_values(columns, 'old')});")
    watched = ", ".join(columns)
    return [
        f"CREATE TRIGGER {index}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_au AFTER UPDATE OF {watched} ON {table} BEGIN {delete} {insert} END",
    ]


def create_sqlite_triggers(bind: sa.Connection, table: str) -> None:
    """(Re)create the search triggers of ``table`` and rebuild its index (after a table was recreated)."""
    for index, owner, _content, columns in SQLITE_INDEXES:
        if owner != table:
            continue
        for suffix in ("ai", "ad", "au"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        for statement in sqlite_trigger_sql(index, table, columns):
            bind.exec_driver_sql(statement)
        rebuild_sqlite_index(bind, index)


def rebuild_sqlite_index(bind: sa.Connection, index: str) -> None:
    """Index every row of ``index``'s table again.

    Not FTS5's own 'rebuild': it cannot read the views over the reviews and the
    participants (their JSON lists are read with ``json_each``, which FTS5's
    internal scan refuses with "SQL logic error"); an INSERT … SELECT can.
    """
    for name, _table, content, columns in SQLITE_INDEXES:
        if name == index:
            names = ", ".join(columns)
            bind.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('delete-all')")
            bind.exec_driver_sql(f"INSERT INTO {index}(rowid, {names}) SELECT id, {names} FROM {content}")


def _sqlite_upgrade(bind: sa.Connection) -> None:
    for index, table, content, columns in SQLITE_INDEXES:
        if content != table:
            selected = ", ".join(f"{expression.replace('{r}', table)} AS {name}"
                                 for name, expression in columns.items())
            bind.exec_driver_sql(f"CREATE VIEW {content} AS SELECT {table}.id AS id, {selected} FROM {table}")
        bind.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(columns)}, content='{content}', "
            f"content_rowid='id', tokenize='{TOKENIZE}')")
        for statement in sqlite_trigger_sql(index, table, columns):
            bind.exec_driver_sql(statement)
        # The reviews already in the library: read once from the table (or its view).
        rebuild_sqlite_index(bind, index)


def _sqlite_downgrade(bind: sa.Connection) -> None:
    for index, table, content, _columns in SQLITE_INDEXES:
        for suffix in ("ai", "ad", "au"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {index}")
        if content != table:
            bind.exec_driver_sql(f"DROP VIEW IF EXISTS {content}")


def _tsv(expression: str, weight: str) -> str:
    return f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, {expression}), '{weight}')"


#: (table, the generated search_vector); the weights A-D order the fields within a table.
PG_VECTORS: tuple[tuple[str, str], ...] = (
    ("reviews", " || ".join((
        _tsv("coalesce(title, '')", "A"),
        _tsv("coalesce(services, '[]'::json)", "B"), _tsv("coalesce(tags, '[]'::json)", "B"),
        _tsv("coalesce(summary, '')", "C"), _tsv("coalesce(impact, '')", "C")))),
    ("participants", " || ".join((
        _tsv("coalesce(name, '')", "A"), _tsv("coalesce(aliases, '[]'::json)", "A"),
        _tsv("coalesce(brought_in, '')", "C")))),
    ("timeline_events", " || ".join((
        _tsv("coalesce(text, '')", "A"), _tsv("coalesce(detail, '')", "C"),
        _tsv("coalesce(source, '')", "D")))),
    ("notes", _tsv("coalesce(text, '')", "A")),
    ("learnings", _tsv("coalesce(text, '')", "A")),
    ("action_items", " || ".join((
        _tsv("coalesce(title, '')", "A"), _tsv("coalesce(owner, '')", "B"),
        _tsv("coalesce(description, '')", "C")))),
)

#: The token types of the default parser that are words (not URLs, e-mail or file paths).
_WORD_TOKENS = ("asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
                "hword_numpart, host, email, url, url_path, file, version, float, int, uint, sfloat")


def _pg_unaccent(bind: sa.Connection) -> str | None:
    """The schema-qualified ``unaccent`` dictionary, installing the extension if allowed; None when not."""
    found = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace "
        "WHERE d.dictname = 'unaccent'").scalar()
    if found is None:
        available = bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").scalar()
        if not available:
            return None
        savepoint = bind.begin_nested()
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        except sa.exc.DBAPIError:
            savepoint.rollback()  # no right to install it: search is accent-sensitive here
            return None
        savepoint.commit()
        found = bind.exec_driver_sql(
            "SELECT n.nspname FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace "
            "WHERE d.dictname = 'unaccent'").scalar()
    return f'"{found}".unaccent' if found else None


def _pg_upgrade(bind: sa.Connection) -> None:
    unaccent = _pg_unaccent(bind)
    exists = bind.exec_driver_sql(f"SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}'").scalar()
    if not exists:
        bind.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = pg_catalog.simple)")
        if unaccent is not None:
            bind.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR "
                                 f"{_WORD_TOKENS} WITH {unaccent}, simple")
    for table, vector in PG_VECTORS:
        bind.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                             f"GENERATED ALWAYS AS ({vector}) STORED")
        bind.exec_driver_sql(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def _pg_downgrade(bind: sa.Connection) -> None:
    for table, _vector in PG_VECTORS:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search")
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    bind.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_upgrade(bind)
    elif bind.dialect.name == "postgresql":
        _pg_upgrade(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_downgrade(bind)
    elif bind.dialect.name == "postgresql":
        _pg_downgrade(bind)
