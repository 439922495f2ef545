"""An import fills the search index once at the end (SQLite), and the index stays right whatever happens.

The events' insert trigger is dropped and made again inside the import's own
transaction (:func:`models.search.events_indexed_after`): every event written
is found, the trigger afterwards is the one the migration made, and a failed
import leaves both the trigger and the index as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from models import reviews, timeline
from models.search import events_indexed_after, search
from models.store import Library
from models.timeline_import import ParsedRow, ParsedTimeline, import_event_rows, make_preview

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _trigger(library: Library) -> str | None:
    with library.begin() as session:
        return session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_events_ai'")).scalar()


def _parsed(tmp_path: Path, words: str, count: int = 3) -> ParsedTimeline:
    rows = tuple(ParsedRow(row=n + 2, at=START + timedelta(minutes=n), text=f"{words} number{n}",
                           kind="observation", source=f"grafana{n}", participants=(),
                           external_id=f"test:{words}:{n}", detail=f"longer{n} account")
                 for n in range(count))
    return ParsedTimeline(path=tmp_path / "events.csv", kind="csv", rows=rows)


def _event_hits(library: Library, query: str) -> set[int]:
    with library.begin() as session:
        return {hit.place.item_id for hit in search(session, query, limit=200, per_review=200)
                if hit.place.kind == "event" and hit.place.item_id is not None}


def test_imported_events_are_found_and_the_trigger_is_back(library: Library, tmp_path: Path) -> None:
    made = _trigger(library)
    assert made is not None
    with library.begin() as session:
        review_id = reviews.create(session, title="Import", timezone="UTC").id
        added = import_event_rows(session, review_id, make_preview(session, review_id,
                                                                   _parsed(tmp_path, "zanzibar")))
    ids = {row.id for row in added}
    assert _event_hits(library, "zanzibar") == ids  # the text
    assert _event_hits(library, "longer1") == {added[1].id}  # the detail
    assert _event_hits(library, "grafana2") == {added[2].id}  # the source
    assert _trigger(library) == made
    with library.begin() as session:  # the trigger works again for the next writer
        typed = timeline.add_event(session, review_id, at=START, text="typed quokka").id
    assert _event_hits(library, "quokka") == {typed}


def test_a_failed_import_leaves_the_index_and_trigger_as_they_were(library: Library, tmp_path: Path) -> None:
    made = _trigger(library)
    with library.begin() as session:
        review_id = reviews.create(session, title="Import", timezone="UTC").id
    with pytest.raises(RuntimeError), library.begin() as session:
        import_event_rows(session, review_id, make_preview(session, review_id, _parsed(tmp_path, "walrus")))
        raise RuntimeError("cancelled before the commit")
    assert _trigger(library) == made
    assert _event_hits(library, "walrus") == set()
    with library.begin() as session:
        typed = timeline.add_event(session, review_id, at=START, text="typed walrus").id
    assert _event_hits(library, "walrus") == {typed}


def test_ids_that_are_not_one_run_are_indexed_too(library: Library) -> None:
    """The ids are given, not assumed: scattered ids are indexed one chunk at a time."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Scattered", timezone="UTC").id
        filler = [timeline.add_event(session, review_id, at=START, text=f"filler {n}").id for n in range(3)]
        connection = session.connection()
        with events_indexed_after(connection) as indexed:
            for n, event_id in enumerate((filler[-1] + 5, filler[-1] + 2000)):
                connection.execute(text(
                    "INSERT INTO timeline_events (id, review_id, at, text, kind, source, approximate, detail)"
                    " VALUES (:id, :review, '2026-03-02 09:00:00.000000', :text, 'observation', '', 0, '')"),
                    {"id": event_id, "review": review_id, "text": f"scattered narwhal{n}"})
                indexed.append(event_id)
    assert _event_hits(library, "narwhal0") == {filler[-1] + 5}
    assert _event_hits(library, "narwhal1") == {filler[-1] + 2000}
    assert _event_hits(library, "filler") == set(filler)


def test_the_swap_happens_inside_a_transaction_even_before_any_write(library: Library) -> None:
    """The trigger is dropped only inside an open transaction (pysqlite opens one before a write,
    not before DDL): another connection never sees it missing."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Quiet", timezone="UTC").id
    with library.begin() as session:
        connection = session.connection()
        assert not connection.connection.driver_connection.in_transaction  # type: ignore[union-attr]
        with events_indexed_after(connection):
            assert connection.connection.driver_connection.in_transaction  # type: ignore[union-attr]
            assert connection.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE name = 'search_events_ai'")).scalar() == 0
            assert _trigger(library) is not None  # what another connection sees meanwhile
    assert _trigger(library) is not None and review_id
