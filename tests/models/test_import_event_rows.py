"""The events an import hands the window are exactly what the library reads back.

``import_event_rows`` builds the added events from the rows it wrote instead of
reading 50,000 of them again; the open review then holds them as its snapshot,
so any difference from :func:`models.snapshot.load_event_rows` would be a
timeline that shows something other than what is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import reviews, timeline, timeline_import
from models.snapshot import EventRow, load_event_rows
from models.store import Library
from models.timeline_import import (
    ParsedRow,
    ParsedTimeline,
    content_id,
    import_event_rows,
    make_preview,
)
from models.vocabulary import EVENT_KINDS

#: Names as importers give them: the same person in other cases and spacing, people already in the review.
PEOPLE = ("Ana Lima", "ana lima", "ANA  LIMA", "Ben", "ben", "Chioma Okafor", "Dev", "Zoë")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@st.composite
def _rows(draw: st.DrawFn) -> list[ParsedRow]:
    count = draw(st.integers(min_value=0, max_value=25))
    rows = []
    for n in range(count):
        at = START + timedelta(seconds=draw(st.integers(min_value=0, max_value=600)),
                               microseconds=draw(st.sampled_from((0, 1, 999_999))))
        offset = timezone(timedelta(minutes=draw(st.sampled_from((0, 60, -300, 330)))))
        text = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                            max_size=30).filter(str.strip))
        kind = draw(st.sampled_from(EVENT_KINDS))
        source = draw(st.sampled_from(("", "slack #incident", "pagerduty")))
        people = tuple(dict.fromkeys(draw(st.lists(st.sampled_from(PEOPLE), max_size=4))))
        rows.append(ParsedRow(row=n + 2, at=at.astimezone(offset), text=text.strip(), kind=kind,
                              source=source, participants=people, approximate=draw(st.booleans()),
                              external_id=f"{content_id('test', at, text, kind, source, people)}:{n}",
                              detail=draw(st.sampled_from(("", "the long form", "line one\nline two")))))
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows(), known=st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True),
       earlier=st.integers(min_value=0, max_value=3))
def test_the_rows_handed_over_are_the_rows_read_back(library: Library, tmp_path: Path, rows: list[ParsedRow],
                                                      known: list[str], earlier: int) -> None:
    with library.begin() as session:
        review_id = reviews.create(session, title="Import", timezone="Europe/Berlin").id
        for name in known:  # people already in the review, in their own spelling and order
            if name.casefold() not in {p.name.casefold() for p in reviews.get_or_raise(session, review_id)
                                       .participants}:
                reviews.add_participant(session, review_id, name=name)
        for n in range(earlier):  # events already there: the new ones go in between
            timeline.add_event(session, review_id, at=START + timedelta(seconds=150 * n), text=f"typed {n}")
    parsed = ParsedTimeline(path=tmp_path / "events.csv", kind="csv", rows=tuple(rows))
    with library.begin() as session:
        added = import_event_rows(session, review_id, make_preview(session, review_id, parsed))
    with library.begin() as session:
        stored = load_event_rows(session, review_id)
    ids = {row.id for row in added}
    assert len(ids) == len(rows)
    assert added == tuple(row for row in stored if row.id in ids)
    assert all(isinstance(row, EventRow) and row.at.tzinfo is UTC for row in added)


def test_the_rows_handed_over_are_the_rows_read_back_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The same on PostgreSQL: its times, booleans and participant order read back the same."""
    from models.store import open_library

    library = open_library(pg_url)
    try:
        with library.begin() as session:
            review_id = reviews.create(session, title="Import", timezone="UTC").id
            reviews.add_participant(session, review_id, name="ben")
        at = datetime(2026, 3, 2, 9, 14, 0, 250_000, tzinfo=timezone(timedelta(hours=1)))
        rows = (ParsedRow(row=2, at=at, text="Config pushed", kind="change", source="", approximate=True,
                          participants=("Ana", "Ben"), external_id="test:1", detail="by hand"),
                ParsedRow(row=3, at=at, text="Alert fired", kind="detection", source="grafana",
                          participants=(), external_id="test:2"))
        parsed = ParsedTimeline(path=tmp_path / "events.csv", kind="csv", rows=rows)
        with library.begin() as session:
            added = import_event_rows(session, review_id, make_preview(session, review_id, parsed))
        with library.begin() as session:
            stored = load_event_rows(session, review_id)
    finally:
        library.close()
    assert added == stored
    assert [row.participants for row in added] == [("ben", "Ana"), ()]


def _three(tmp_path: Path) -> ParsedTimeline:
    rows = tuple(ParsedRow(row=n + 2, at=START + timedelta(minutes=n), text=f"event {n}", kind="observation",
                           source="", participants=("Ana",), external_id=f"test:{n}") for n in range(3))
    return ParsedTimeline(path=tmp_path / "events.csv", kind="csv", rows=rows)


def test_ids_not_numbered_in_a_row_are_read_back_by_external_id(library: Library, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's numbering is checked, never assumed: rows that are not the top ids in order are not
    given them, and the import then matches its rows back by external id."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Import", timezone="UTC").id
        preview = make_preview(session, review_id, _three(tmp_path))
        rows = list(preview.rows)
        added = import_event_rows(session, review_id, preview)
        assert timeline_import._sqlite_ids(session, review_id, rows) == tuple(r.id for r in added)
        assert timeline_import._sqlite_ids(session, review_id, rows[::-1]) is None  # not their order
        timeline.add_event(session, review_id, at=START, text="typed after")  # no longer the top ids
        assert timeline_import._sqlite_ids(session, review_id, rows) is None
    monkeypatch.setattr(timeline_import, "_sqlite_ids", lambda *_args: None)
    with library.begin() as session:
        other = reviews.create(session, title="Other", timezone="UTC").id
        added = import_event_rows(session, other, make_preview(session, other, _three(tmp_path)))
    with library.begin() as session:
        assert added == load_event_rows(session, other)
