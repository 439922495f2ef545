"""Timeline imports in general: bundles, the all-or-nothing write, and what counts as already there."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import reviews
from models.catalog import Catalog
from models.entities import Participant, TimelineEvent
from models.errors import InvalidFieldError
from models.store import Library
from models.timeline_import import (
    ImportPreview,
    ImportRefusedError,
    ParsedRow,
    ParsedTimeline,
    file_kind,
    import_events,
    make_preview,
    preview_bundle,
)
from models.yamlsource import SourceError

FULL = Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml"


def _review(library: Library, title: str = "Target") -> int:
    with library.begin() as session:
        return reviews.create(session, title=title, timezone="UTC").id


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(TimelineEvent)) or 0


def _row(n: int, text: str = "Something happened") -> ParsedRow:
    return ParsedRow(row=n + 1, at=datetime(2026, 3, 2, 9, n, tzinfo=UTC), text=text, kind="observation",
                     source="", participants=(), external_id=f"test:{n}")


@pytest.mark.parametrize(("name", "kind"), [
    ("events.csv", "csv"), ("events.tsv", "csv"), ("export.ZIP", "slack"), ("review.yaml", "bundle"),
    ("review.yml", "bundle"), ("review.json", "bundle"),
])
def test_file_kind_by_name(tmp_path: Path, name: str, kind: str) -> None:
    """Zips are Slack exports, YAML and JSON are bundles, anything else is read as CSV."""
    assert file_kind(tmp_path / name) == kind


def test_a_folder_is_a_slack_export(tmp_path: Path) -> None:
    """A folder can only be an unpacked Slack export."""
    assert file_kind(tmp_path) == "slack"


def test_a_bundles_timeline_is_added_with_its_participants(library: Library, catalog: Catalog) -> None:
    """The bundle's four events join the review; the people they name are created with their roles."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_bundle(session, review_id, FULL, catalog)
        assert (preview.new, preview.duplicates, preview.problems) == (4, 0, ())
        assert import_events(session, review_id, preview) == 4
    with library.begin() as session:
        people = {p.name: p.roles for p in session.scalars(select(Participant))}
    assert people == {"Responder A": ["incident-commander", "responder"], "Kim": []}


def test_a_bundle_says_what_it_leaves_out(library: Library, catalog: Catalog) -> None:
    """Notes, learnings and actions are not part of a timeline import, and the preview says so."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_bundle(session, review_id, FULL, catalog)
    assert any(n.startswith("only the timeline is added; the bundle's 7 notes") for n in preview.notices)


def test_a_bundle_imported_as_a_review_then_as_a_timeline_adds_nothing(library: Library,
                                                                        catalog: Catalog) -> None:
    """Events that came with `debrief import` match by time and text."""
    from models.bundle import import_bundle, load_bundle_file

    with library.begin() as session:
        review_id = import_bundle(session, load_bundle_file(FULL, catalog))
        preview = preview_bundle(session, review_id, FULL, catalog)
    assert (preview.new, preview.duplicates) == (0, 4)


def test_a_bad_bundle_is_refused_with_its_line(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """The bundle's own validation names file, line and field."""
    review_id = _review(library)
    bad = tmp_path / "bad.yaml"
    text = FULL.read_text(encoding="utf-8").replace("kind: detection", "kind: alarm")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad\.yaml, line \d+: timeline\[2\]\.kind"), \
            library.begin() as session:
        preview_bundle(session, review_id, bad, catalog)


def test_rows_imported_since_the_preview_are_skipped(library: Library, tmp_path: Path) -> None:
    """Two previews of one file, both committed: the second adds nothing and breaks nothing."""
    review_id = _review(library)
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=(_row(1), _row(2)))
    with library.begin() as session:
        first = make_preview(session, review_id, parsed)
        second = make_preview(session, review_id, parsed)
    with library.begin() as session:
        assert import_events(session, review_id, first) == 2
    with library.begin() as session:
        assert import_events(session, review_id, second) == 0
    assert _count(library) == 2


def test_a_preview_belongs_to_its_review(library: Library, tmp_path: Path) -> None:
    """A preview made for one review cannot be written into another."""
    one, two = _review(library, "One"), _review(library, "Two")
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=(_row(1),))
    with library.begin() as session:
        preview = make_preview(session, one, parsed)
    with pytest.raises(InvalidFieldError, match="made for review 1, not 2"), library.begin() as session:
        import_events(session, two, preview)
    assert _count(library) == 0


def test_imported_events_carry_their_external_id(library: Library, tmp_path: Path) -> None:
    """The external id is stored, so the next preview recognises the event."""
    review_id = _review(library)
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=(_row(3),))
    with library.begin() as session:
        import_events(session, review_id, make_preview(session, review_id, parsed))
    with library.begin() as session:
        assert list(session.scalars(select(TimelineEvent.external_id))) == ["test:3"]


def test_import_and_reimport_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The bulk insert, the id read-back and the unique index work unchanged on PostgreSQL."""
    from models.csv_timeline import preview_csv
    from models.store import open_library

    path = tmp_path / "events.csv"
    path.write_text("time,text,who\n2026-03-02T09:14:00+01:00,Config pushed,Ana\n"
                    "2026-03-02T09:21:30Z,Alert fired,Ana; Ben\n", encoding="utf-8")
    library = open_library(pg_url)
    try:
        review_id = _review(library)
        with library.begin() as session:
            assert import_events(session, review_id, preview_csv(session, review_id, path)) == 2
        with library.begin() as session:
            again = preview_csv(session, review_id, path)
            assert import_events(session, review_id, again) == 0
            links = session.scalar(
                select(func.count()).select_from(TimelineEvent).join(TimelineEvent.participants))
    finally:
        library.close()
    assert (again.duplicates, links) == (2, 3)


# Issue 8: every importer's rows are checked at preview time, the same on SQLite and PostgreSQL.

def _bad_rows() -> tuple[ParsedRow, ...]:
    good = _row(1)
    return (
        good,
        ParsedRow(row=3, at=datetime(999, 3, 2, 9, 0, tzinfo=UTC), text="typo", kind="observation",
                  source="", participants=(), external_id="test:999"),
        ParsedRow(row=4, at=good.at, text="a\x00b", kind="observation", source="s" * 201,
                  participants=("Ana", " Ben", "c" * 201, ""), external_id="test:4"),
        ParsedRow(row=5, at=good.at, text="half \ud83d", kind="gossip", source="", participants=(),
                  external_id="x" * 201, origin="general/2026-03-02.json, message 7"),
    )


BAD_ROW_PROBLEMS = [
    "row 3: time: the year 999 is outside the years 1900 to 2200",
    "row 4: text: contains a NUL character (at position 2)",
    "row 4: source: is 201 characters long; at most 200 fit",
    "row 4: participant ' Ben': a name starts or ends with a space",
    f"row 4: participant '{'c' * 40}…': is 201 characters long; at most 200 fit",
    "row 4: participant '': a name is empty",
    "general/2026-03-02.json, message 7: kind: 'gossip' is not an event kind",
    "general/2026-03-02.json, message 7: text: contains half of a character (a lone UTF-16 surrogate, "
    "U+D83D, at position 6)",
    "general/2026-03-02.json, message 7: external id: is 201 characters long; at most 200 fit",
]


def test_rows_the_library_cannot_hold_are_problems_at_preview(library: Library, tmp_path: Path) -> None:
    """Whatever the importer: time range, kinds, text limits, names; by row (or origin) and field."""
    review_id = _review(library)
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=_bad_rows())
    with library.begin() as session:
        preview = make_preview(session, review_id, parsed)
    assert sorted(str(p) for p in preview.problems) == sorted(BAD_ROW_PROBLEMS)
    assert [r.row for r in preview.rows] == [2]
    # Problems without a row number (here the one with an origin) come first, then by row.
    assert preview.first_problem() == (f"{tmp_path / 'x.csv'}: {BAD_ROW_PROBLEMS[6]} "
                                       f"(and {len(BAD_ROW_PROBLEMS) - 1} more problems)")


def test_a_hand_made_preview_is_checked_again_before_the_write(library: Library, tmp_path: Path) -> None:
    """A preview is a plain value: one built around the checks still writes nothing out of range
    (SQLite stored year 999 as "999-03-02 …", which no reader could parse back)."""
    review_id = _review(library)
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=_bad_rows()[:2])
    preview = ImportPreview(review_id=review_id, review_timezone="UTC", parsed=parsed, rows=parsed.rows,
                            duplicates=0, new_participants=())
    with pytest.raises(ImportRefusedError, match=r"x\.csv, row 3: time: the year 999 is outside"), \
            library.begin() as session:
        import_events(session, review_id, preview)
    assert _count(library) == 0


def test_a_preview_made_here_is_checked_once_and_again_if_the_review_moved_zone(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """make_preview's checks stand for the write (50,000 rows: a third of a second less) while the
    review keeps the zone they were made in; a preview relabelled in another zone is checked again."""
    import models.timeline_import as timeline_import

    review_id = _review(library)
    calls: list[int] = []
    real = timeline_import.check_rows
    monkeypatch.setattr(timeline_import, "check_rows",
                        lambda parsed, zone: calls.append(len(parsed.rows)) or real(parsed, zone))
    parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=(_row(2), _row(3, "Then this")))
    with library.begin() as session:
        preview = make_preview(session, review_id, parsed)
        assert import_events(session, review_id, preview) == 2
    assert calls == [2]
    with library.begin() as session:
        preview = make_preview(session, review_id, replace(parsed, rows=(_row(4, "And more"),)))
        reviews.update(session, review_id, timezone="Asia/Tehran")
        assert import_events(session, review_id, preview) == 1
    assert calls == [2, 1, 1]


def test_the_first_and_last_moments_are_stored_exactly(library: Library, tmp_path: Path) -> None:
    """The SQLite fast path writes the zero-padded text of models.base.sqlite_time: both edges read back."""
    review_id = _review(library)
    edges = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    rows = tuple(ParsedRow(row=i + 2, at=at, text=f"edge {i}", kind="observation", source="", participants=(),
                           external_id=f"test:edge{i}") for i, at in enumerate(edges))
    with library.begin() as session:
        preview = make_preview(session, review_id, ParsedTimeline(path=tmp_path / "x.csv", kind="csv",
                                                                  rows=rows))
        assert import_events(session, review_id, preview) == 2
    with library.begin() as session:
        assert list(session.scalars(select(TimelineEvent.at).order_by(TimelineEvent.at))) == list(edges)
        stored = session.connection().exec_driver_sql("SELECT at FROM timeline_events ORDER BY at").scalars()
        assert list(stored) == ["1900-01-01 00:00:00.000000", "2200-12-31 23:59:59.999999"]


def test_mentioned_people_and_aliases_reach_the_review_even_without_new_events(library: Library,
                                                                               tmp_path: Path) -> None:
    """People only mentioned are created; aliases land on new and existing participants, each once."""
    review_id = _review(library)
    with library.begin() as session:
        reviews.add_participant(session, review_id, name="Ana Lima")
    row = ParsedRow(row=1, at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), text="hi", kind="communication",
                    source="slack #x", participants=("ana lima",), external_id="slack:C1:1")
    fields = {"ana lima": {"aliases": ["ana", "Ana Lima", "ANA", "a\x00b", "x" * 201, 7]},
              "Cleo": {"aliases": ["cp"]}}
    parsed = ParsedTimeline(path=tmp_path / "e", kind="slack", rows=(row,), participant_fields=fields,
                            mentioned=("Cleo",))
    for expected in (1, 0):  # the second time: no new event, nobody twice, no alias twice
        with library.begin() as session:
            preview = make_preview(session, review_id, parsed)
            assert preview.new_participants == (("Cleo",) if expected else ())
            assert import_events(session, review_id, preview) == expected
    with library.begin() as session:
        people = {p.name: p.aliases for p in session.scalars(select(Participant))}
    assert people == {"Ana Lima": ["ana"], "Cleo": ["cp"]}


def test_the_same_rows_are_refused_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """Parity: PostgreSQL refuses these rows at preview with the same problems as SQLite, and a
    file of good rows (aliases included) is written there unchanged."""
    from models.store import open_library

    library = open_library(pg_url)
    try:
        review_id = _review(library)
        parsed = ParsedTimeline(path=tmp_path / "x.csv", kind="csv", rows=_bad_rows())
        with library.begin() as session:
            preview = make_preview(session, review_id, parsed)
        assert sorted(str(p) for p in preview.problems) == sorted(BAD_ROW_PROBLEMS)
        good = ParsedTimeline(path=tmp_path / "x.csv", kind="slack", rows=(_bad_rows()[0],),
                              mentioned=("Cleo",), participant_fields={"Cleo": {"aliases": ["cp"]}})
        with library.begin() as session:
            assert import_events(session, review_id, make_preview(session, review_id, good)) == 1
        with library.begin() as session:
            assert [(p.name, p.aliases) for p in session.scalars(select(Participant))] == [("Cleo", ["cp"])]
    finally:
        library.close()
