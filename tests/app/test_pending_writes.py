"""Writes that wait for the library: written once, in order, and an undo step only once stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from time import monotonic

import pytest

from app.bootstrap import Services
from app.pending_writes import (
    ATTEMPT_WAIT_MS,
    PendingNote,
    PendingWrites,
    brief_waits,
    install_brief_waits,
    with_pending_notes,
)
from app.undo import AddNoteCommand, PromoteCommand, push_written
from models.errors import DomainError, StorageError
from models.store import Library

SAID = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")


@pytest.fixture
def writes(services: Services) -> PendingWrites:
    return PendingWrites(services.library, services.undo)


@pytest.fixture
def lock(library: Library) -> Iterator[sqlite3.Connection]:
    """Another program's write lock on the library (released at the end if the test has not)."""
    path = library.sqlite_path()
    assert path is not None
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def _note(services: Services, review_id: int, text: str, errors: list[DomainError] | None = None
          ) -> AddNoteCommand:
    return AddNoteCommand(services.capture, review_id, {"phase": "timeline", "text": text, "said_at": SAID},
                          on_error=errors.append if errors is not None else None)


def _texts(services: Services, review_id: int) -> list[str]:
    return [n.text for n in services.capture.notes(review_id)]


def test_written_command_is_pushed_without_writing_twice(services: Services, review_id: int) -> None:
    """write() then push_written(): one note, one step, and undo/redo work on it as after a push."""
    command = _note(services, review_id, "Pager fired")
    assert command.write()
    push_written(services.undo, command)
    assert _texts(services, review_id) == ["Pager fired"]
    assert services.undo.count() == 1
    services.undo.undo()
    assert _texts(services, review_id) == []
    services.undo.redo()
    assert _texts(services, review_id) == ["Pager fired"]


def test_push_written_refuses_a_command_never_written(services: Services, review_id: int) -> None:
    """Pushing a command whose write did not go through would be a phantom step: refused."""
    with pytest.raises(ValueError):
        push_written(services.undo, _note(services, review_id, "Pager fired"))
    assert services.undo.count() == 0


def test_refused_write_is_no_step_and_keeps_the_redo_history(services: Services, review_id: int,
                                                            writes: PendingWrites,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A promotion the library refuses (disk full) adds no step and leaves the steps to redo."""
    assert writes.submit(_note(services, review_id, "Sampling hid the errors")) == "stored"
    note_id = services.capture.notes(review_id)[0].id
    assert writes.submit(_note(services, review_id, "Second")) == "stored"
    services.undo.undo()
    errors: list[DomainError] = []

    def full(*_args: object, **_kwargs: object) -> int:
        raise StorageError("full", "the disk is full")

    monkeypatch.setattr(services.capture, "promote_to_learning", full)
    outcome = writes.submit(PromoteCommand(services.capture, review_id, note_id, "learning",
                                           on_error=errors.append))
    assert outcome == "refused"
    assert [type(e) for e in errors] == [StorageError]
    assert services.undo.count() == 2 and services.undo.index() == 1
    assert services.undo.canRedo()
    assert writes.count() == 0
    problem = writes.problem()
    assert problem is not None and problem.reason == "full"


@pytest.mark.usefixtures("settled_heap")
def test_notes_wait_for_a_lock_and_are_stored_in_order_once(services: Services, review_id: int,
                                                             writes: PendingWrites,
                                                             lock: sqlite3.Connection) -> None:
    """Locked: each attempt is short, the notes queue, nobody is told of an error, and after the lock
    each is stored once, in order, as one undo step."""
    errors: list[DomainError] = []
    started = monotonic()
    assert writes.submit(_note(services, review_id, "first", errors)) == "waiting"
    assert monotonic() - started < 1.0  # SQLite's own 5 s wait is not used
    assert writes.submit(_note(services, review_id, "second", errors)) == "waiting"
    writes.retry()  # still locked
    assert writes.submit(_note(services, review_id, "third", errors)) == "waiting"
    assert [n.text for n in writes.pending_notes()] == ["first", "second", "third"]
    problem = writes.problem()
    assert problem is not None and problem.retry
    assert services.undo.count() == 0 and errors == []

    lock.execute("ROLLBACK")
    writes.retry()
    assert writes.count() == 0 and writes.problem() is None
    assert _texts(services, review_id) == ["first", "second", "third"]
    assert services.undo.count() == 3
    assert {n.said_at for n in services.capture.notes(review_id)} == {SAID}  # said, not stored, time


def test_a_waiting_change_is_refused_when_the_library_goes(services: Services, review_id: int,
                                                            writes: PendingWrites, lock: sqlite3.Connection,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind a lock a promotion waits; once the library is gone it is refused, while a note still waits."""
    lock.execute("ROLLBACK")
    assert writes.submit(_note(services, review_id, "Sampling hid the errors")) == "stored"
    note_id = services.capture.notes(review_id)[0].id
    lock.execute("BEGIN IMMEDIATE")
    errors: list[DomainError] = []
    assert writes.submit(PromoteCommand(services.capture, review_id, note_id, "learning",
                                        on_error=errors.append)) == "waiting"
    assert writes.submit(_note(services, review_id, "typed meanwhile")) == "waiting"

    def gone() -> None:
        raise StorageError("missing", "the library is gone")

    monkeypatch.setattr(services.library, "check_file", gone)
    refused: list[object] = []
    writes.refused.connect(refused.append)
    writes.retry()
    assert len(refused) == 1 and isinstance(refused[0], PromoteCommand)
    assert [e.args[0] for e in errors] == ["the library is gone"]
    assert [n.text for n in writes.pending_notes()] == ["typed meanwhile"]
    problem = writes.problem()
    assert problem is not None and problem.reason == "missing"
    assert services.undo.count() == 1


def test_detached_writes_are_stored_but_are_no_undo_steps(services: Services, review_id: int,
                                                           writes: PendingWrites,
                                                           lock: sqlite3.Connection) -> None:
    """After its review closed, a note that waited is still stored, but is no undo step."""
    assert writes.submit(_note(services, review_id, "first")) == "waiting"
    writes.detach()
    lock.execute("ROLLBACK")
    writes.retry()
    assert _texts(services, review_id) == ["first"]
    assert services.undo.count() == 0


@pytest.mark.usefixtures("settled_heap")
def test_brief_waits_leave_the_library_its_own_wait(services: Services, library: Library,
                                                   lock: sqlite3.Connection) -> None:
    """Only transactions inside brief_waits() wait briefly; the connection goes back with 5 s."""
    install_brief_waits(library.engine)
    install_brief_waits(library.engine)  # idempotent
    started = monotonic()
    with brief_waits(ATTEMPT_WAIT_MS), pytest.raises(StorageError) as refused:
        services.reviews.create(title="Another", template="standard")
    assert refused.value.retry
    assert monotonic() - started < 1.0
    lock.execute("ROLLBACK")
    with library.begin() as session:
        assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_pending_notes_join_the_snapshot_with_their_speaker(services: Services, review_id: int) -> None:
    """A snapshot with the waiting notes names their speaker and keeps the stored notes first."""
    author = services.reviews.add_participant(review_id, name="Responder A")
    services.capture.add_note(review_id, phase="timeline", text="stored", said_at=SAID)
    doc = services.reviews.get(review_id)
    assert doc is not None
    waiting = PendingNote(review_id=review_id, phase="timeline", text="waiting", kind="surprise",
                          said_at=SAID, author_id=author, event_id=None, private=False)
    other = PendingNote(review_id=review_id + 1, phase="timeline", text="another review", kind="surprise",
                        said_at=SAID, author_id=None, event_id=None, private=False)
    rescued = with_pending_notes(doc, [waiting, other])
    assert [(n.text, n.author) for n in rescued.notes] == [("stored", None), ("waiting", "Responder A")]
    assert rescued.notes[-1].id < 0

