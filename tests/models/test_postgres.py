"""The same library on PostgreSQL: a connection URL instead of the SQLite file, nothing else."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from app.cli import main
from exports.bundle import dump_yaml, to_bundle
from models import notes, reviews
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.entities import Note
from models.snapshot import load_review
from models.store import current_revision, head_revision, open_library

FULL = Path(__file__).resolve().parent.parent / "data" / "full_bundle.yaml"


def test_a_postgresql_library_is_migrated_on_open(pg_url: str) -> None:
    """An empty PostgreSQL database becomes a library at the newest revision."""
    library = open_library(pg_url)
    assert library.engine.dialect.name == "postgresql"
    assert current_revision(library.engine) == head_revision()
    library.close()


def test_times_keep_their_instant_on_postgresql(pg_url: str) -> None:
    """A time entered with an offset reads back as the same instant, timezone-aware."""
    library = open_library(pg_url)
    berlin = datetime.fromisoformat("2026-10-25T02:30:00+01:00")  # the second 02:30 of that night
    with library.begin() as session:
        review_id = reviews.create(session, title="DST night", timezone="Europe/Berlin", started_at=berlin).id
    with library.begin() as session:
        stored = reviews.get_or_raise(session, review_id).started_at
    library.close()
    assert stored == berlin and stored is not None and stored.utcoffset() is not None


def test_the_full_bundle_round_trips_through_postgresql(pg_url: str, catalog: Catalog) -> None:
    """Import then export on PostgreSQL gives the fixture document back."""
    library = open_library(pg_url)
    bundle = load_bundle_file(FULL, catalog)
    with library.begin() as session:
        review_id = import_bundle(session, bundle)
    with library.begin() as session:
        doc = load_review(session, review_id)
    library.close()
    assert doc is not None
    exported = to_bundle(doc, version=1)  # the fixture is a version 1 bundle
    assert yaml.safe_load(dump_yaml(exported)) == yaml.safe_load(FULL.read_text(encoding="utf-8"))


def test_deleting_a_review_cascades_on_postgresql(pg_url: str) -> None:
    """Foreign keys clean up notes and learnings with their review."""
    library = open_library(pg_url)
    with library.begin() as session:
        review_id = reviews.create(session, title="Gone soon").id
        note = notes.add_note(session, review_id, phase="timeline", text="A note")
        notes.promote_to_learning(session, note.id)
    with library.begin() as session:
        reviews.delete(session, review_id)
    with library.begin() as session:
        assert reviews.list_reviews(session) == []
        assert session.execute(Note.__table__.select()).all() == []
    library.close()


def test_the_command_line_works_against_postgresql(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """debrief --db postgresql+psycopg://… import and list, unchanged."""
    assert main(["--db", pg_url, "import", str(FULL)]) == 0
    review_id = capsys.readouterr().out.strip()
    assert main(["--db", pg_url, "list"]) == 0
    assert capsys.readouterr().out.split("\t")[:4] == [review_id, "2026-03-02", "SEV2", "reviewed"]
