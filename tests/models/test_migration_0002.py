"""Revision 0002 (event external ids): an older library opens with its timeline intact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import IntegrityError

from models.snapshot import load_review
from models.store import create_library_engine, current_revision, head_revision, migrate, open_library


def _library_at_0001(path: Path) -> Engine:
    """An SQLite library at revision 0001 with a review, two participants, two events and a note."""
    engine = create_library_engine(f"sqlite:///{path}")
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'Old review', '', 'incident', 'draft', 'UTC',"
            " 'standard', '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO participants (id, review_id, name, roles, brought_in, position)"
            " VALUES (1, 1, 'Ana', '[]', '', 0), (2, 1, 'Ben', '[]', '', 1)"))
        connection.execute(text(
            "INSERT INTO timeline_events (id, review_id, at, text, kind, source, approximate) VALUES"
            " (1, 1, '2025-01-01 09:14:00.000000', 'Config pushed', 'change', 'deploy log', 0),"
            " (2, 1, '2025-01-01 09:21:30.000000', 'Alert fired', 'detection', 'alert', 1)"))
        connection.execute(text(
            "INSERT INTO event_participants (event_id, participant_id) VALUES (1, 1), (2, 1), (2, 2)"))
        connection.execute(text(
            "INSERT INTO notes (review_id, phase, kind, text, event_id, private, created_at)"
            " VALUES (1, 'timeline', 'surprise', 'Dashboards looked normal', 2, 0, '2025-01-02 10:05:00')"))
    return engine


def test_a_0001_library_with_events_opens_at_0002_intact(tmp_path: Path) -> None:
    """Events, their participants and the notes about them survive the upgrade."""
    _library_at_0001(tmp_path / "old.db").dispose()
    library = open_library(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        assert current_revision(library.engine) == head_revision()
        with library.begin() as session:
            doc = load_review(session, 1)
            external = list(session.execute(text("SELECT external_id FROM timeline_events")).scalars())
    finally:
        library.close()
    assert doc is not None
    assert [(e.id, e.at, e.text, e.kind, e.source, e.approximate, e.participants) for e in doc.events] == [
        (1, datetime(2025, 1, 1, 9, 14, tzinfo=UTC), "Config pushed", "change", "deploy log", False,
         ("Ana",)),
        (2, datetime(2025, 1, 1, 9, 21, 30, tzinfo=UTC), "Alert fired", "detection", "alert", True,
         ("Ana", "Ben")),
    ]
    assert [(n.text, n.event_id) for n in doc.notes] == [("Dashboards looked normal", 2)]
    assert external == [None, None]


def test_the_upgrade_keeps_a_backup_of_the_0001_file(tmp_path: Path) -> None:
    """Before migrating, the SQLite file is copied aside."""
    _library_at_0001(tmp_path / "old.db").dispose()
    open_library(f"sqlite:///{tmp_path / 'old.db'}").close()
    assert (tmp_path / "old.db.before-0001.bak").exists()


def test_external_ids_are_unique_per_review_after_the_upgrade(tmp_path: Path) -> None:
    """The new index refuses one external id twice in a review, but not NULLs or other reviews."""
    from models.entities import TimelineEvent

    engine = _library_at_0001(tmp_path / "old.db")
    migrate(engine)
    row = {"review_id": 1, "at": datetime(2025, 1, 1, 9, 30, tzinfo=UTC), "text": "x", "kind": "observation",
           "source": "", "approximate": False}
    with engine.begin() as connection:
        connection.execute(insert(TimelineEvent), [{**row, "external_id": None}, {**row, "external_id": None},
                                                   {**row, "external_id": "csv:1"}])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(TimelineEvent), [{**row, "external_id": "csv:1"}])
    engine.dispose()
