"""The library's list read with sqlite3 alone (the first paint) is the list the ORM reads, or nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.entities import Meeting
from models.library_peek import peek_library, sqlite_file
from models.reviews import create, list_reviews
from models.store import Library, open_library

ZONES = ("UTC", "Asia/Tehran", "America/St_Johns", "Pacific/Kiritimati", "Not/AZone")
moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1),
                       timezones=st.just(UTC))
reviews = st.lists(st.fixed_dictionaries({
    "title": st.text(min_size=1, max_size=60).filter(lambda t: t.strip() and "\x00" not in t),
    "started_at": st.none() | moments,
    "timezone": st.sampled_from(ZONES),
    "severity": st.none() | st.sampled_from(("SEV1", "SEV2", "")),
    "status": st.sampled_from(("draft", "reviewed", "closed")),
    "meetings": st.lists(st.tuples(st.none() | moments, st.booleans(), st.booleans(),
                                   st.sampled_from(("actions", "review"))), max_size=3),
    # What the library takes (it refuses NUL and unpaired surrogates, see models/limits.py).
    "services": st.lists(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                                 max_size=20), max_size=3),
    "tags": st.lists(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                             max_size=20), max_size=3),
}), max_size=8)


def _fill(library: Library, wanted: list[dict[str, object]]) -> None:
    with library.begin() as session:
        for spec in wanted:
            review = create(session, title=str(spec["title"]), template="standard")
            review.started_at = spec["started_at"]  # type: ignore[assignment]
            review.timezone = str(spec["timezone"])
            review.severity = spec["severity"] or None  # type: ignore[assignment]
            review.status = str(spec["status"])
            review.services = list(spec.get("services", []))  # type: ignore[call-overload]
            review.tags = list(spec.get("tags", []))  # type: ignore[call-overload]
            for scheduled, started, ended, kind in spec["meetings"]:  # type: ignore[attr-defined]
                now = datetime(2026, 1, 1, tzinfo=UTC)
                session.add(Meeting(review_id=review.id, kind=kind, scheduled_for=scheduled,
                                    started_at=now if started else None,
                                    ended_at=now + timedelta(hours=1) if ended else None))


def _orm_list(library: Library) -> list[object]:
    with library.begin() as session:
        return list(list_reviews(session))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=reviews)
def test_the_peek_reads_what_the_library_lists(tmp_path_factory, migrated_library_file: Path,
                                               wanted: list[dict[str, object]]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("peek") / "library.db"
    path.write_bytes(migrated_library_file.read_bytes())
    url = f"sqlite:///{path}"
    library = open_library(url)
    try:
        _fill(library, wanted)
        assert peek_library(url) == _orm_list(library)
    finally:
        library.close()


def test_same_start_times_keep_the_library_order(library: Library, db_url: str) -> None:
    same = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    _fill(library, [{"title": f"Review {n}", "started_at": same, "timezone": "UTC", "severity": None,
                     "status": "draft", "meetings": []} for n in range(5)])
    peeked = peek_library(db_url)
    assert peeked is not None and [r.title for r in peeked] == [f"Review {n}" for n in (4, 3, 2, 1, 0)]
    assert peeked == _orm_list(library)


def test_what_it_cannot_read_plainly_is_left_to_the_real_open(tmp_path: Path) -> None:
    assert peek_library("postgresql+psycopg://u:p@localhost/debrief") is None
    assert peek_library("sqlite://") is None and peek_library("sqlite:///:memory:") is None
    assert peek_library(f"sqlite:///{tmp_path / 'library.db'}?mode=ro") is None
    missing = tmp_path / "missing" / "library.db"
    assert peek_library(f"sqlite:///{missing}") is None
    assert not missing.parent.exists()  # never creates anything
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    assert peek_library(f"sqlite:///{text}") is None
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert peek_library(f"sqlite:///{empty}") is None  # a database, but not a library yet


def test_a_library_locked_by_another_program_is_not_waited_for(db_url: str) -> None:
    path = sqlite_file(db_url)
    assert path is not None
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA locking_mode=EXCLUSIVE")
    writer.execute("BEGIN EXCLUSIVE")
    try:
        started = datetime.now(UTC)
        assert peek_library(db_url) is None
        assert datetime.now(UTC) - started < timedelta(seconds=2)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_stored_time_it_cannot_read_gives_up_rather_than_guessing(library: Library, db_url: str) -> None:
    _fill(library, [{"title": "Odd", "started_at": None, "timezone": "UTC", "severity": None,
                     "status": "draft", "meetings": []}])
    path = sqlite_file(db_url)
    assert path is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE reviews SET started_at = 'last Tuesday'")
    connection.close()
    assert peek_library(db_url) is None


def test_sqlite_file_names_the_file_of_plain_sqlite_urls() -> None:
    assert sqlite_file("sqlite:////tmp/a/library.db") == Path("/tmp/a/library.db")
    assert sqlite_file("sqlite+pysqlite:///rel/library.db") == Path("rel/library.db")
    assert sqlite_file("postgresql://x/y") is None


def test_the_next_meeting_says_whether_it_is_the_review_meeting(library: Library, db_url: str) -> None:
    """The earliest planned meeting is the line's next: the review meeting or an actions meeting."""
    soon, later = datetime(2026, 5, 4, 10, tzinfo=UTC), datetime(2026, 5, 11, 10, tzinfo=UTC)
    _fill(library, [
        {"title": "Review first", "started_at": None, "timezone": "UTC", "severity": None, "status": "draft",
         "meetings": [(soon, False, False, "review"), (later, False, False, "actions")]},
        {"title": "Actions first", "started_at": None, "timezone": "UTC", "severity": None,
         "status": "reviewed",
         "meetings": [(later, False, False, "review"), (soon, False, False, "actions")]},
        {"title": "Nothing planned", "started_at": None, "timezone": "UTC", "severity": None,
         "status": "draft", "meetings": [(soon, True, True, "review")]},
    ])
    listed = {row.title: (row.upcoming, row.upcoming_kind) for row in _orm_list(library)}  # type: ignore[attr-defined]
    assert listed == {"Review first": (soon, "review"), "Actions first": (soon, "actions"),
                      "Nothing planned": (None, None)}
    assert peek_library(db_url) == _orm_list(library)
