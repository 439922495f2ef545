"""The open review's one owner: change sets keep its snapshot equal to the library, with few reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from app.bootstrap import Services, build_services
from app.changes import Origin, ReviewChanges
from app.open_review import PRECISE_LIMIT, _put_events
from models.catalog import Catalog
from models.snapshot import EventRow, ReviewDoc, load_review
from models.store import Library, open_library

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def review_id(services: Services) -> int:
    review_id = services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    services.reviews.add_event(review_id, at=START, text="Config change rolled out", kind="change")
    services.capture.add_note(review_id, phase="timeline", text="Dashboards looked normal")
    return review_id


class Statements:
    """Counts what the library is asked, by the engine's own events."""

    def __init__(self, library: Library) -> None:
        self.transactions = 0
        self.statements: list[str] = []
        self._engine = library.engine

    def _begin(self, _connection: Any) -> None:
        self.transactions += 1

    def _execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(" ".join(statement.split()).lower())

    def __enter__(self) -> Statements:
        event.listen(self._engine, "begin", self._begin)
        event.listen(self._engine, "before_cursor_execute", self._execute)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self._engine, "begin", self._begin)
        event.remove(self._engine, "before_cursor_execute", self._execute)

    def reading(self, table: str) -> int:
        return sum(1 for s in self.statements if s.startswith("select") and f"from {table}" in s)


def _same(doc: ReviewDoc | None, fresh: ReviewDoc | None) -> None:
    """The snapshot equals a fresh read (the review's own updated_at aside: nobody shows it)."""
    assert doc is not None and fresh is not None
    assert dataclasses.replace(doc, updated_at=fresh.updated_at) == fresh


def _fresh(services: Services, review_id: int) -> ReviewDoc | None:
    with services.library.begin() as session:
        return load_review(session, review_id)


def test_enter_in_the_note_field_is_one_write_and_no_read(review_window: Any, qtbot: QtBot) -> None:
    """The note typed and Enter: one transaction, an INSERT, and nothing read back or reloaded."""
    page = review_window.review_page
    services = review_window.services
    field = page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, "Errors were sampled out")  # type: ignore[no-untyped-call]
    loads = services.current.full_loads
    with Statements(services.library) as seen:
        qtbot.keyClick(field, "\r")  # type: ignore[no-untyped-call]
    # One transaction: the note's INSERT (and the check that its review exists); nothing read back.
    assert seen.transactions == 1
    writes = [s.split()[0] for s in seen.statements if s.startswith(("insert", "update", "delete"))]
    assert writes == ["insert"]
    assert seen.reading("notes") == 0 and seen.reading("timeline_events") == 0
    assert services.current.full_loads == loads
    assert [n.text for n in page.notes_model.rows()] == ["Errors were sampled out"]
    _same(services.current.doc, _fresh(services, page.review_id))


def test_an_import_does_not_read_the_timeline_again(services: Services, review_id: int,
                                                    tmp_path: Any) -> None:
    """After the import's commit the open review takes the events the import wrote from its change set:
    it reads its facts (new participants) and nothing of the timeline, notes or outcomes."""
    services.current.open(review_id)
    csv = tmp_path / "events.csv"
    csv.write_text("time,text\n2026-03-02T09:14Z,Alert fires\n2026-03-02T09:15Z,Page sent\n",
                   encoding="utf-8")
    preview = services.imports.preview(review_id, csv)
    loads = services.current.full_loads
    with Statements(services.library) as seen:
        assert services.imports.commit(review_id, preview) == 2
    assert services.current.full_loads == loads
    # The import's own transaction, then one read of the facts: no timeline, no notes, no outcomes.
    assert seen.transactions == 2
    assert sum(1 for s in seen.statements if s.startswith("select timeline_events.id")) == 0
    assert seen.reading("notes") == 0 and seen.reading("learnings") == 0
    _same(services.current.doc, _fresh(services, review_id))


def test_a_facts_edit_reads_no_events(services: Services, review_id: int) -> None:
    services.current.open(review_id)
    with Statements(services.library) as seen:
        services.reviews.update(review_id, summary="Checkout failed for 40 minutes")
    assert seen.reading("timeline_events") == 0 and seen.reading("notes") == 0
    assert services.current.doc is not None
    assert services.current.doc.summary == "Checkout failed for 40 minutes"


def test_another_review_s_changes_are_ignored(services: Services, review_id: int) -> None:
    other = services.reviews.create(title="Another", template="standard")
    services.current.open(review_id)
    before = services.current.doc
    seen: list[ReviewChanges] = []
    services.current.changed.connect(seen.append)
    services.capture.add_note(other, phase="timeline", text="Elsewhere")
    assert services.current.doc is before and seen == []


def test_a_deleted_review_closes(services: Services, review_id: int) -> None:
    services.current.open(review_id)
    seen: list[ReviewChanges] = []
    services.current.changed.connect(seen.append)
    services.reviews.delete(review_id)
    assert services.current.doc is None
    assert [c.deleted for c in seen] == [True]


def test_a_change_from_elsewhere_arrives_as_precise_rows(services: Services, review_id: int, db_url: str,
                                                         qtbot: QtBot) -> None:
    """Another program adds a note: one full read, and a change set naming that note alone."""
    services.current.open(review_id)
    services.watch.start()
    other = open_library(db_url)
    try:
        other_services = build_services(other, catalog=services.catalog)
        row = other_services.capture.add_note(review_id, phase="timeline", text="Said in another window")
    finally:
        other.close()
    with qtbot.waitSignal(services.current.changed, timeout=3000) as changed:
        services.watch.check()
    (changes,) = changed.args
    assert changes.origin == Origin.ELSEWHERE
    assert [n.text for n in changes.notes] == ["Said in another window"] and changes.notes[0].id == row.id
    assert not (changes.all_notes or changes.timeline or changes.events or changes.events_removed)
    _same(services.current.doc, _fresh(services, review_id))


def test_many_rows_from_elsewhere_are_one_wholesale_change(services: Services, review_id: int,
                                                           db_url: str) -> None:
    """Past PRECISE_LIMIT rows, views are told to take the timeline whole rather than row by row."""
    services.current.open(review_id)
    other = open_library(db_url)
    try:
        other_services = build_services(other, catalog=services.catalog)
        for minute in range(PRECISE_LIMIT + 1):
            other_services.reviews.add_event(review_id, at=START + timedelta(minutes=minute + 1),
                                             text=f"m{minute}")
        other_services.watch.stop()
    finally:
        other.close()
    seen: list[ReviewChanges] = []
    services.current.changed.connect(seen.append)
    services.current.reload()
    assert [(c.timeline, c.events, c.touches_notes()) for c in seen] == [(True, (), False)]
    _same(services.current.doc, _fresh(services, review_id))


# The property: whatever sequence of writes, the snapshot is what a fresh read gives.

OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["note", "edit-note", "remove-note", "restore-note", "event", "move-event",
                     "remove-event", "restore-event", "person", "rename", "unperson", "promote", "facts",
                     "attend"]),
    st.integers(0, 10_000)), min_size=1, max_size=12)


@pytest.fixture
def fresh_services(library: Library, catalog: Catalog, qapp: object) -> Iterator[Services]:
    built = build_services(library, catalog=catalog)
    yield built
    built.watch.stop()


@settings(max_examples=40)
@given(operations=OPERATIONS)
def test_the_snapshot_always_equals_a_fresh_read(fresh_services: Services,
                                                 operations: list[tuple[str, int]]) -> None:
    services = fresh_services
    review_id = services.reviews.create(title="Property", template="standard", timezone="Europe/Berlin")
    services.current.open(review_id)
    removed_notes: list[Any] = []
    removed_events: list[Any] = []
    for name, number in operations:
        doc = services.current.doc
        assert doc is not None
        note = doc.notes[number % len(doc.notes)] if doc.notes else None
        happened = doc.events[number % len(doc.events)] if doc.events else None
        person = doc.participants[number % len(doc.participants)] if doc.participants else None
        if name == "note":
            services.capture.add_note(review_id, phase="timeline", text=f"note {number}",
                                      event_id=happened.id if happened and number % 2 else None,
                                      author_id=person.id if person and number % 3 else None)
        elif name == "edit-note" and note is not None:
            services.capture.update_note(review_id, note.id, text=f"edited {number}", kind="surprise")
        elif name == "remove-note" and note is not None:
            removed_notes.append(services.capture.remove_note(review_id, note.id))
        elif name == "restore-note" and removed_notes:
            services.capture.restore_note(removed_notes.pop())
        elif name == "event":
            services.reviews.add_event(review_id, at=START + timedelta(minutes=number % 500),
                                       text=f"e{number}", participants=[person.name] if person else [])
        elif name == "move-event" and happened is not None:
            services.reviews.update_event(review_id, happened.id, at=START + timedelta(minutes=number % 97))
        elif name == "remove-event" and happened is not None:
            removed_events.append(services.reviews.remove_event(happened.id))
        elif name == "restore-event" and removed_events:
            services.reviews.restore_event(removed_events.pop())
        elif name == "person" and len(doc.participants) < 4 and f"Person {number}" not in {
                p.name for p in doc.participants}:
            services.reviews.add_participant(review_id, name=f"Person {number}")
        elif name == "rename" and person is not None and f"Renamed {number}" not in {
                p.name for p in doc.participants}:
            services.reviews.update_participant(review_id, person.id, name=f"Renamed {number}")
        elif name == "unperson" and person is not None:
            services.reviews.delete_participant(person.id)
        elif name == "promote" and note is not None and not any(x.note_id == note.id for x in doc.learnings):
            services.capture.promote_to_learning(review_id, note.id)
        elif name == "facts":
            services.reviews.update(review_id, summary=f"summary {number}", started_at=START)
        elif name == "attend" and person is not None:
            services.reviews.set_attended(review_id, person.id, bool(number % 2))
        _same(services.current.doc, _fresh(services, review_id))


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 40)), max_size=30, unique_by=lambda t: t[1]),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 60)), max_size=10, unique_by=lambda t: t[1]),
       st.frozensets(st.integers(1, 60), max_size=10))
def test_putting_events_keeps_time_order(existing: list[tuple[int, int]], rows: list[tuple[int, int]],
                                         removed: frozenset[int]) -> None:
    """Put rows in and take ids out: the result is what sorting the wanted rows gives."""
    def row(minute: int, event_id: int) -> EventRow:
        return EventRow(event_id, START + timedelta(minutes=minute), f"e{event_id}", "other", "", False, ())

    before = tuple(sorted((row(m, i) for m, i in existing), key=lambda e: (e.at, e.id)))
    put = tuple(row(m, i) for m, i in rows)
    removed = removed - {i for _m, i in rows}
    wanted = {e.id: e for e in before if e.id not in removed} | {e.id: e for e in put}
    assert _put_events(before, put, removed) == tuple(sorted(wanted.values(), key=lambda e: (e.at, e.id)))


def test_an_imports_rows_reach_the_views_with_the_cycle_collector_paused(services: Services, review_id: int,
                                                                          tmp_path: Any) -> None:
    """Tens of thousands of rows built by the views while a full collection walks the whole heap took
    the timeline 90-180 ms for 50,000 events (33 ms paused); a small change leaves the collector alone."""
    import gc

    services.current.open(review_id)
    csv = tmp_path / "events.csv"
    csv.write_text("time,text\n" + "".join(f"2026-03-02T09:{n // 60:02d}:{n % 60:02d}Z,Event {n}\n"
                                           for n in range(300)), encoding="utf-8")
    collecting: list[bool] = []
    services.current.changed.connect(lambda _changes: collecting.append(gc.isenabled()))
    assert gc.isenabled()
    assert services.imports.commit(review_id, services.imports.preview(review_id, csv)) == 300
    assert collecting == [False] and gc.isenabled()
    services.capture.add_note(review_id, phase="timeline", text="A small change")
    assert collecting == [False, True]
