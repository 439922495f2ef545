"""LibraryWatch: commits by other connections are announced; our own writes and failures are not."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.bootstrap import Services, build_services
from models import reviews
from models.catalog import Catalog
from models.store import Library, open_library

AT = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
#: An event written by another program's SQL, not through our services.
INSERT_EVENT = ("INSERT INTO timeline_events (review_id, at, text, kind, source, approximate) "
                "VALUES (:r, :at, 'Config pushed', 'change', '', :approximate)")


def _other_writer(url: str) -> Library:
    """Another program on the same library (its own engine and connections)."""
    return open_library(url)


def _watched(services: Services) -> int:
    review_id = services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    services.watch.start()
    services.watch.watch_review(review_id)
    return review_id


def test_a_commit_elsewhere_to_the_open_review_is_announced(services: Services, db_url: str,
                                                             qtbot: QtBot) -> None:
    """Another connection adds an event: review_changed(id) on the next tick."""
    review_id = _watched(services)
    other = _other_writer(db_url)
    try:
        with other.begin() as session:
            session.execute(text(INSERT_EVENT),
                            {"r": review_id, "at": "2026-03-02 09:14:00.000000", "approximate": 0})
    finally:
        other.close()
    with qtbot.waitSignal(services.watch.review_changed, timeout=1000) as blocker:
        services.watch.check()
    assert blocker.args == [review_id]


def test_a_review_added_elsewhere_changes_the_library_only(services: Services, db_url: str,
                                                            qtbot: QtBot) -> None:
    """A new review from another program: library_changed, and the open review is left alone."""
    _watched(services)
    other = _other_writer(db_url)
    try:
        with other.begin() as session:
            reviews.create(session, title="Another incident", timezone="UTC")
    finally:
        other.close()
    with (qtbot.waitSignal(services.watch.library_changed, timeout=1000),
          qtbot.assertNotEmitted(services.watch.review_changed)):
        services.watch.check()


def test_our_own_writes_are_not_changes_from_elsewhere(services: Services, qtbot: QtBot) -> None:
    """A note, an event and a new review written through our services: no signal from the watch."""
    review_id = _watched(services)
    with (qtbot.assertNotEmitted(services.watch.review_changed),
          qtbot.assertNotEmitted(services.watch.library_changed)):
        services.capture.add_note(review_id, phase="timeline", text="Dashboards looked normal")
        services.reviews.add_event(review_id, at=AT, text="Config pushed")
        services.reviews.create(title="Second", template="standard", timezone="UTC")
        services.watch.check()
        services.watch.check()


def test_a_change_elsewhere_just_before_our_write_is_not_swallowed(services: Services, db_url: str,
                                                                   qtbot: QtBot) -> None:
    """Another program commits, then we write before the tick: the other change is still announced."""
    review_id = _watched(services)
    other = _other_writer(db_url)
    try:
        with other.begin() as session:
            reviews.create(session, title="From the command line", timezone="UTC")
    finally:
        other.close()
    services.capture.add_note(review_id, phase="timeline", text="typed meanwhile")
    with (qtbot.waitSignal(services.watch.library_changed, timeout=1000),
          qtbot.assertNotEmitted(services.watch.review_changed)):
        services.watch.check()


def test_the_timer_polls_about_once_a_second(services: Services, db_url: str, qtbot: QtBot) -> None:
    """Started, the watch notices a change without being asked."""
    _watched(services)
    other = _other_writer(db_url)
    try:
        with other.begin() as session:
            reviews.create(session, title="Polled", timezone="UTC")
    finally:
        other.close()
    with qtbot.waitSignal(services.watch.library_changed, timeout=3000):
        pass


def test_a_library_gone_skips_the_tick(services: Services, library: Library, qtbot: QtBot) -> None:
    """The file deleted under the watch: ticks raise nothing and announce nothing; stop is clean."""
    _watched(services)
    path = library.sqlite_path()
    assert path is not None
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with (qtbot.assertNotEmitted(services.watch.review_changed),
          qtbot.assertNotEmitted(services.watch.library_changed)):
        services.watch.check()
    services.watch.stop()
    services.watch.stop()
    assert not services.watch.is_running()


def test_a_broken_connection_never_raises(services: Services, qtbot: QtBot) -> None:
    """A tick whose read fails (here: the dedicated connection closed under it) is skipped."""
    _watched(services)
    connection = services.watch._connection  # noqa: SLF001 - simulate a failing read
    assert connection is not None
    connection.close()
    with qtbot.assertNotEmitted(services.watch.library_changed):
        services.watch.check()
    services.reviews.create(title="Written while the watch is broken", template="standard", timezone="UTC")


def test_postgresql_sees_a_change_by_another_connection(pg_url: str, catalog: Catalog, qtbot: QtBot) -> None:
    """PostgreSQL: the fingerprint notices another connection's new event; our own note is absorbed."""
    library = open_library(pg_url)
    services = build_services(library, catalog=catalog)
    try:
        review_id = _watched(services)
        with qtbot.assertNotEmitted(services.watch.review_changed):
            services.capture.add_note(review_id, phase="timeline", text="ours")
            services.watch.check()
        other = _other_writer(pg_url)
        try:
            with other.begin() as session:
                session.execute(text(INSERT_EVENT), {"r": review_id, "at": AT, "approximate": False})
        finally:
            other.close()
        with qtbot.waitSignal(services.watch.review_changed, timeout=1000) as blocker:
            services.watch.check()
        assert blocker.args == [review_id]
    finally:
        services.watch.stop()
        library.close()
