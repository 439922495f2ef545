"""A library at revision 0002 with a meeting in it opens at 0003 with the meeting intact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from models.snapshot import load_review
from models.store import create_library_engine, current_revision, head_revision, migrate, open_library


def test_meetings_and_their_phases_survive_the_facilitation_migration(tmp_path: Path) -> None:
    """Existing meetings keep their phases; the new pulse fields start empty."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_library_engine(url)
    migrate(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'Old review', '', 'incident', 'draft', 'UTC',"
            " 'standard', '', '[]', '[]', '2025-01-01 10:00:00', '2025-01-01 10:00:00')"))
        connection.execute(text("INSERT INTO meetings (id, review_id, kind, started_at, current_phase)"
                                " VALUES (1, 1, 'review', '2025-01-02 09:00:00', 'timeline')"))
        connection.execute(text("INSERT INTO meeting_phases (meeting_id, phase, started_at, ended_at)"
                                " VALUES (1, 'timeline', '2025-01-02 09:00:00', '2025-01-02 09:25:00')"))
    engine.dispose()

    library = open_library(url)
    assert current_revision(library.engine) == head_revision()
    with library.begin() as session:
        doc = load_review(session, 1)
        pulse = session.execute(text("SELECT pulse_unclear, pulse_attended FROM meetings")).one()
    library.close()
    assert doc is not None
    assert [(p.phase, p.started_at.isoformat()) for p in doc.meetings[0].phases] == [  # type: ignore[union-attr]
        ("timeline", "2025-01-02T09:00:00+00:00")]
    assert tuple(pulse) == ("", None)
