"""Schema 0008 on a library with data: identities, row versions, lifecycle stamps, each note's meeting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from models import reviews
from models.snapshot import load_review
from models.store import HEAD, create_library_engine, current_revision, migrate, open_library

BEFORE = "0007"


def _t(engine: Engine, moment: datetime) -> Any:
    """A time as the revision before stores it: text on SQLite, a timestamp on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def _at(hour: int, minute: int = 0, day: int = 4) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


_REVIEW = ("INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
           " tags, created_at, updated_at) VALUES (:id, :title, '', 'incident', :status, 'UTC', 'standard',"
           " '', '[]', '[]', :created, :updated)")
_MEETING = ("INSERT INTO meetings (id, review_id, kind, started_at, ended_at, current_phase, pulse_unclear)"
            " VALUES (:id, :review, :kind, :started, :ended, 'timeline', '')")
_PHASE = "INSERT INTO meeting_phases (meeting_id, phase, started_at) VALUES (:meeting, 'timeline', :started)"
_NOTE = ("INSERT INTO notes (id, review_id, phase, kind, text, said_at, private, created_at)"
         " VALUES (:id, :review, 'timeline', 'observation', :text, :said, false, :created)")


def _old_library(url: str) -> None:
    """A library at 0007: a reviewed review with two meetings (one never ended), a closed one, a draft."""
    engine = create_library_engine(url)
    migrate(engine, BEFORE)

    def t(moment: datetime) -> Any:
        return _t(engine, moment)

    with engine.begin() as connection:
        for ident, title, status in ((1, "Reviewed", "reviewed"), (2, "Closed", "closed"),
                                     (3, "Draft", "draft")):
            connection.execute(text(_REVIEW), {"id": ident, "title": title, "status": status,
                                               "created": t(_at(8)), "updated": t(_at(18, day=5))})
        connection.execute(text(_MEETING), {"id": 10, "review": 1, "kind": "review", "started": t(_at(10)),
                                            "ended": t(_at(11))})
        # Never ended: its last activity (a phase entered at 14:00) plus six hours bounds it.
        connection.execute(text(_MEETING), {"id": 11, "review": 1, "kind": "actions", "started": t(_at(13)),
                                            "ended": None})
        connection.execute(text(_PHASE), {"meeting": 11, "started": t(_at(14))})
        notes = (
            (100, 1, "before the meeting", _at(9), _at(9)),
            (101, 1, "in the review meeting", _at(10, 30), _at(10, 31)),
            (102, 1, "said in the meeting, typed later", _at(10, 45), _at(16)),
            (103, 1, "no said time, written in the actions meeting", None, _at(13, 30)),
            (104, 1, "long after the open meeting went quiet", _at(22), _at(22)),
            (105, 3, "a review without meetings", _at(10, 30), _at(10, 30)),
        )
        for ident, review, words, said, created in notes:
            connection.execute(text(_NOTE), {"id": ident, "review": review, "text": words,
                                             "said": t(said) if said is not None else None,
                                             "created": t(created)})
        if engine.dialect.name == "postgresql":  # rows given their ids: move the sequences past them
            for table in ("reviews", "meetings", "notes"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1000)"))
    engine.dispose()


def _check(url: str) -> None:
    library = open_library(url)
    try:
        assert current_revision(library.engine) == HEAD
        with library.begin() as session:
            rows = session.execute(text("SELECT id, uid, version FROM reviews ORDER BY id")).all()
            meetings = {ident: meeting for ident, meeting in
                        session.execute(text("SELECT id, meeting_id FROM notes")).all()}
            docs = {ident: load_review(session, ident) for ident in (1, 2, 3)}
        uids = [uid for _, uid, _ in rows]
        assert all(isinstance(uid, str) and len(uid) == 36 for uid in uids) and len(set(uids)) == 3
        assert [version for _, _, version in rows] == [1, 1, 1]
        assert meetings == {100: None, 101: 10, 102: 10, 103: 11, 104: None, 105: None}
        reviewed, closed, draft = docs[1], docs[2], docs[3]
        assert reviewed is not None and closed is not None and draft is not None
        assert reviewed.reviewed_at == _at(11) and reviewed.closed_at is None
        assert closed.reviewed_at == closed.closed_at == _at(18, day=5)
        assert draft.reviewed_at is None and draft.closed_at is None and draft.analysis_due is None
        assert [n.meeting_id for n in reviewed.notes] == [None, 10, 10, 11, None]
        # The ORM works on the migrated rows: a write moves the row version on.
        with library.begin() as session:
            reviews.update(session, 3, title="Draft, renamed")
        with library.begin() as session:
            assert reviews.get_or_raise(session, 3).version == 2
            new = reviews.create(session, title="After the upgrade")
            assert len(new.uid) == 36 and new.uid not in uids and new.version == 1
    finally:
        library.close()


def test_an_sqlite_library_at_0007_with_data_is_filled_in(tmp_path: Path) -> None:
    """Every review gets a unique uid and version 1; stamps and note meetings come from the record."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_library(url)
    _check(url)


def test_a_postgresql_library_at_0007_with_data_is_filled_in(pg_url: str) -> None:
    """The same upgrade on PostgreSQL (uid made NOT NULL there)."""
    _old_library(pg_url)
    _check(pg_url)
    library = open_library(pg_url)
    try:
        with library.engine.connect() as connection:
            nullable = connection.execute(text(
                "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'reviews' "
                "AND column_name = 'uid'")).scalar()
        assert nullable == "NO"
    finally:
        library.close()


def test_two_reviews_cannot_share_a_uid(library: Any) -> None:
    """The uid is unique in the database itself, not only in the app's checks."""
    from sqlalchemy.exc import IntegrityError

    with library.begin() as session:
        first = reviews.create(session, title="One")
        second = reviews.create(session, title="Two")
    with pytest.raises(IntegrityError), library.engine.begin() as connection:
        connection.execute(text("UPDATE reviews SET uid = :uid WHERE id = :id"),
                           {"uid": first.uid, "id": second.id})
