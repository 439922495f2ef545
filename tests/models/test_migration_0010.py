"""Migration 0010: no index on an event's time alone; a review's timeline still reads in index order."""

from __future__ import annotations

from pathlib import Path

from models.store import HEAD, create_library_engine, current_revision, migrate, open_library
from tests.sqlite_schema import timeline_indexes, timeline_read_plan


def test_the_time_index_goes(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    engine = create_library_engine(f"sqlite:///{path}", create_folder=True)
    try:
        migrate(engine, "0009")
        assert "ix_timeline_events_at" in timeline_indexes(path)
        migrate(engine, "0010")
        assert current_revision(engine) == "0010" == HEAD
        assert timeline_indexes(path) == {"ix_timeline_events_review_order",
                                  "ix_timeline_events_review_id_external_id"}
        plan = timeline_read_plan(path)
        assert "ix_timeline_events_review_order" in plan and "TEMP B-TREE" not in plan
        from alembic import command

        from models.store import _alembic_config

        with engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0009")
        assert "ix_timeline_events_at" in timeline_indexes(path)
    finally:
        engine.dispose()


def test_a_new_library_has_no_time_index(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    open_library(f"sqlite:///{path}").close()
    assert "ix_timeline_events_at" not in timeline_indexes(path)


def test_the_time_index_on_postgresql(pg_url: str) -> None:
    """Dropped on PostgreSQL too (and made again by the downgrade)."""
    from alembic import command
    from sqlalchemy import inspect

    from models.store import _alembic_config

    engine = create_library_engine(pg_url)
    try:
        migrate(engine)
        names = {i["name"] for i in inspect(engine).get_indexes("timeline_events")}
        assert "ix_timeline_events_at" not in names
        with engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0009")
        assert "ix_timeline_events_at" in {i["name"] for i in inspect(engine).get_indexes("timeline_events")}
    finally:
        engine.dispose()
