"""Timeline imports in general: bundles, the all-or-nothing write, and what counts as already there."""

from __future__ import annotations

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
