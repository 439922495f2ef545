"""Issue 11: a timeline event's detail, the long description kept beside its one-line text.

From the schema (migration 0006) through the write functions, the snapshot, bundles
(written only when there is one, read when present) and the CSV importer (a summary or
title is the text, the description beside it the detail), with the duplicate check of
earlier imports unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from exports.bundle import dump_json, dump_yaml, to_bundle
from models import reviews, timeline
from models.bundle import import_bundle, parse_bundle
from models.catalog import Catalog
from models.csv_timeline import guess_mapping, preview_csv
from models.entities import TimelineEvent
from models.errors import InvalidFieldError
from models.import_profiles import builtin_profiles, parse_profiles
from models.snapshot import EventRow, load_review
from models.store import (
    Library,
    create_library_engine,
    current_revision,
    head_revision,
    migrate,
    open_library,
)
from models.timeline_import import ParsedRow, import_events, preview_bundle, row_problems
from models.yamlsource import SourceError

AT = datetime(2021, 6, 8, 9, 47, tzinfo=UTC)
LONG = "Datadog monitor fired at 10:37.\n\nImpact: EU customers cannot pay; about 8% fail."


def _review(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="UTC", started_at=AT).id


def _events(library: Library, review_id: int) -> tuple[EventRow, ...]:
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    return doc.events


def _write(path: Path, content: str) -> Path:
    path.write_bytes(content.encode("utf-8"))
    return path


def _import_csv(library: Library, review_id: int, path: Path) -> int:
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
        assert preview.problems == (), preview.problems
        return import_events(session, review_id, preview)


# The schema

def _library_at_0005(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = create_library_engine(url)
    migrate(engine, "0005")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'Old review', '', 'incident', 'draft', 'UTC',"
            " 'standard', '', '[]', '[]', '2025-01-01 10:00:00.000000', '2025-01-01 10:00:00.000000')"))
        for minute, label in ((14, "Config pushed"), (21, "Alert fired")):
            connection.execute(text(
                "INSERT INTO timeline_events (review_id, at, text, kind, source, approximate, external_id)"
                " VALUES (1, :at, :text, 'change', 'deploy log', 0, :ext)"),
                {"at": f"2025-01-01 09:{minute}:00.000000", "text": label, "ext": f"csv:{minute}"})
    engine.dispose()
    return url


def test_a_0005_library_is_upgraded_with_its_events_and_an_empty_detail(tmp_path: Path) -> None:
    """Opening a 0005 library migrates it to 0006: both events kept as they were, each detail ''."""
    url = _library_at_0005(tmp_path / "old.db")
    library = open_library(url)
    try:
        assert current_revision(library.engine) == head_revision()
        events = _events(library, 1)
        with library.begin() as session:
            ids = list(session.scalars(select(TimelineEvent.external_id).order_by(TimelineEvent.at)))
    finally:
        library.close()
    assert [(e.at, e.text, e.kind, e.source, e.detail) for e in events] == [
        (datetime(2025, 1, 1, 9, 14, tzinfo=UTC), "Config pushed", "change", "deploy log", ""),
        (datetime(2025, 1, 1, 9, 21, tzinfo=UTC), "Alert fired", "change", "deploy log", ""),
    ]
    assert ids == ["csv:14", "csv:21"]


def test_an_upgraded_library_takes_a_detail(tmp_path: Path) -> None:
    """After the upgrade, an old event's detail can be set and read back."""
    library = open_library(_library_at_0005(tmp_path / "old.db"))
    try:
        first = _events(library, 1)[0]
        with library.begin() as session:
            timeline.update_event(session, first.id, detail=LONG)
        assert _events(library, 1)[0].detail == LONG
    finally:
        library.close()


def test_postgresql_upgrades_0005_events_to_an_empty_detail(pg_url: str) -> None:
    """The same upgrade on PostgreSQL: the column is there, NOT NULL, and old rows read ''."""
    engine = create_library_engine(pg_url)
    migrate(engine, "0005")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
            " tags, created_at, updated_at) VALUES (1, 'R', '', 'incident', 'draft', 'UTC', 'standard', '',"
            " '[]', '[]', now(), now())"))
        connection.execute(text(
            "INSERT INTO timeline_events (review_id, at, text, kind, source, approximate)"
            " VALUES (1, TIMESTAMPTZ '2025-01-01 09:14:00+00', 'Config pushed', 'change', '', false)"))
    engine.dispose()
    library = open_library(pg_url)
    try:
        assert [(e.text, e.detail) for e in _events(library, 1)] == [("Config pushed", "")]
    finally:
        library.close()


# Writes and snapshots

def test_add_update_and_read_back_a_detail(library: Library) -> None:
    """add_event stores the detail (ends trimmed, line breaks kept); update_event changes it."""
    review_id = _review(library)
    with library.begin() as session:
        event_id = timeline.add_event(session, review_id, at=AT, text="Alert fires", detail=f"  {LONG}\n").id
    assert _events(library, review_id)[0].detail == LONG
    with library.begin() as session:
        timeline.update_event(session, event_id, detail="")
    assert _events(library, review_id)[0].detail == ""


def test_a_detail_that_is_not_text_is_refused_naming_the_field(library: Library) -> None:
    """A list as the detail is an InvalidFieldError for 'detail'."""
    review_id = _review(library)
    with library.begin() as session, pytest.raises(InvalidFieldError, match="detail"):
        timeline.add_event(session, review_id, at=AT, text="x", detail=["no"])  # type: ignore[arg-type]


def test_remove_and_restore_keep_the_detail(library: Library) -> None:
    """Deleting an event and bringing it back (undo) keeps its detail."""
    review_id = _review(library)
    with library.begin() as session:
        event_id = timeline.add_event(session, review_id, at=AT, text="Alert fires", detail=LONG).id
    with library.begin() as session:
        deleted = timeline.remove_event(session, event_id)
    assert deleted.row.detail == LONG and deleted.fields()["detail"] == LONG
    with library.begin() as session:
        timeline.restore_event(session, review_id, event_id=deleted.row.id, **deleted.fields())
    assert [(e.id, e.detail) for e in _events(library, review_id)] == [(event_id, LONG)]


def test_event_rows_built_by_position_without_a_detail_still_work() -> None:
    """EventRow's detail is its last field, defaulting to '': older callers are unchanged."""
    row = EventRow(1, AT, "Alert", "detection", "", False, ())
    assert row.detail == "" and row.participants == ()
    assert "detail" in timeline.EVENT_FIELDS


# Bundles

def _bundle_doc(**event: object) -> dict[str, object]:
    return {"format": "debrief.review", "version": 1,
            "review": {"title": "Checkout errors", "timezone": "UTC"},
            "timeline": [{"at": "2021-06-08T09:47:00Z", "text": "Alert fires", **event}]}


@pytest.mark.parametrize("dump", [dump_yaml, dump_json])
def test_a_bundle_keeps_the_detail_through_export_and_import(library: Library, catalog: Catalog,
                                                             dump: object) -> None:
    """Written with the event's detail, read back, imported: the same detail, line breaks and all."""
    review_id = _review(library)
    with library.begin() as session:
        timeline.add_event(session, review_id, at=AT, text="Alert fires", detail=LONG)
        timeline.add_event(session, review_id, at=AT.replace(minute=50), text="Acked")
        doc = load_review(session, review_id)
    assert doc is not None
    written = to_bundle(doc)
    assert written["timeline"][0]["detail"] == LONG
    assert "detail" not in written["timeline"][1]  # nothing to say: the key is left out
    assert callable(dump)
    data = yaml.safe_load(dump(written))
    bundle = parse_bundle(data, path="round.yaml", catalog=catalog)
    with library.begin() as session:
        copy_id = import_bundle(session, bundle)
    assert [(e.text, e.detail) for e in _events(library, copy_id)] == [("Alert fires", LONG), ("Acked", "")]


def test_a_version_1_bundle_without_details_reads_as_before(catalog: Catalog) -> None:
    """An event without the key has an empty detail."""
    bundle = parse_bundle(_bundle_doc(), path="old.yaml", catalog=catalog)
    assert bundle.timeline[0].detail == ""


def test_a_bundle_detail_that_is_not_text_names_the_field(catalog: Catalog) -> None:
    """A mapping as the detail is refused with the field path."""
    with pytest.raises(SourceError, match=r"timeline\[0\]\.detail"):
        parse_bundle(_bundle_doc(detail={"a": 1}), path="bad.yaml", catalog=catalog)


def test_a_bundles_timeline_imported_into_a_review_keeps_details(library: Library, catalog: Catalog,
                                                                 tmp_path: Path) -> None:
    """import-timeline with a bundle: the events come with their details."""
    review_id = _review(library)
    path = tmp_path / "other.yaml"
    path.write_text(dump_yaml(_bundle_doc(detail=LONG)), encoding="utf-8")
    with library.begin() as session:
        preview = preview_bundle(session, review_id, path, catalog)
        assert import_events(session, review_id, preview) == 1
    assert [e.detail for e in _events(library, review_id)] == [LONG]


# CSV

JIRA = ('Summary,Issue key,Created,Reporter,Description\r\n'
        'Checkout errors for EU customers,INC-482,08/Jun/21 9:47 AM,Ana Silva,'
        '"Datadog monitor fired at 10:37.\r\n\r\nImpact: EU customers cannot pay; about 8% fail."\r\n'
        'Roll back config-service r812,CHG-311,08/Jun/21 10:08 AM,Chen Wei,\r\n')


def test_a_summary_is_the_text_and_the_description_the_detail(library: Library, tmp_path: Path) -> None:
    """Jira's Summary + Description: text = summary, detail = description (CRLF inside made LF)."""
    review_id = _review(library)
    assert _import_csv(library, review_id, _write(tmp_path / "jira.csv", JIRA)) == 2
    assert [(e.text, e.detail) for e in _events(library, review_id)] == [
        ("Checkout errors for EU customers", LONG), ("Roll back config-service r812", "")]


@pytest.mark.parametrize(("header", "expected"), [
    (["date_happened", "title", "text"], {"time": 0, "text": 1, "detail": 2}),            # Datadog
    (["created_at", "summary", "channel_details"], {"time": 0, "text": 1, "detail": 2}),  # PagerDuty
    (["When", "What happened", "Notes"], {"time": 0, "text": 1, "detail": 2}),            # a spreadsheet
    (["time", "description"], {"time": 0, "text": 1}),                                    # nothing left over
])
def test_the_detail_column_is_what_is_left_of_the_long_form(header: list[str],
                                                            expected: dict[str, int]) -> None:
    """The text takes the short column, the detail the description-like one beside it."""
    assert guess_mapping(header) == expected


def test_a_detail_that_repeats_the_text_is_left_empty(library: Library, tmp_path: Path) -> None:
    """Datadog writes the title as the body of some events: the detail would say nothing more."""
    review_id = _review(library)
    path = _write(tmp_path / "dd.csv", "date_happened,title,text\n1623145620,Ben joined,Ben joined\n")
    assert _import_csv(library, review_id, path) == 1
    assert [(e.text, e.detail) for e in _events(library, review_id)] == [("Ben joined", "")]


def test_a_nul_in_the_detail_is_a_problem_naming_row_and_column(library: Library, tmp_path: Path) -> None:
    """The detail is checked like the text: a NUL is refused at preview, with row and column."""
    review_id = _review(library)
    path = _write(tmp_path / "bad.csv", "time,title,description\n2021-06-08T09:47:00Z,Alert,bad\x00cell\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert [str(p) for p in preview.problems] == [
        "row 2: detail (column 'description') contains a NUL character (at position 4)"]


def test_a_file_imported_before_details_were_kept_is_still_recognised(library: Library,
                                                                      tmp_path: Path) -> None:
    """The detail is not part of an imported row's id: the same rows with a description add nothing."""
    review_id = _review(library)
    plain = ("Summary,Issue key,Created,Reporter\n"
             "Checkout errors for EU customers,INC-482,08/Jun/21 9:47 AM,Ana Silva\n")
    assert _import_csv(library, review_id, _write(tmp_path / "a.csv", plain)) == 1
    with library.begin() as session:
        before = session.scalar(select(TimelineEvent.external_id))
    assert _import_csv(library, review_id, _write(tmp_path / "b.csv", JIRA)) == 1  # only the new row
    with library.begin() as session:
        after = session.scalar(select(TimelineEvent.external_id).where(
            TimelineEvent.text == "Checkout errors for EU customers"))
    assert before == after


def test_a_detail_column_can_be_mapped_and_unmapped(library: Library, tmp_path: Path) -> None:
    """--map detail=Notes picks the column; --map detail= leaves the detail out."""
    review_id = _review(library)
    path = _write(tmp_path / "m.csv", "time,text,Remarks\n2021-06-08T09:47:00Z,Alert,Looked flat\n")
    with library.begin() as session:
        mapped = preview_csv(session, review_id, path, mapping={"detail": "Remarks"})
        unmapped = preview_csv(session, review_id, path, mapping={"detail": None})
    assert [r.detail for r in mapped.rows] == ["Looked flat"]
    assert [r.detail for r in unmapped.rows] == [""]


def test_a_row_with_a_bad_detail_is_refused_before_the_write() -> None:
    """row_problems checks the detail as it checks the text (for any importer's rows)."""
    row = ParsedRow(row=2, at=AT, text="ok", kind="observation", source="", participants=(), external_id="x",
                    detail="half \ud83d")
    assert any(problem.startswith("detail: contains half of a character") for problem in row_problems(row))


def test_postgresql_imports_the_detail(pg_url: str, tmp_path: Path) -> None:
    """The Core insert (not SQLite's) writes the detail too."""
    library = open_library(pg_url)
    try:
        review_id = _review(library)
        assert _import_csv(library, review_id, _write(tmp_path / "jira.csv", JIRA)) == 2
        assert [e.detail for e in _events(library, review_id)] == [LONG, ""]
    finally:
        library.close()


#: Any cell a spreadsheet could hold, with what breaks CSV and databases.
CELLS = st.text(st.characters(codec="utf-8") | st.sampled_from(
    [",", ";", '"', "\n", "\r", "\x00", "\ufeff", " ", "\t"]), max_size=60)


@given(cell=CELLS)
def test_any_text_in_the_detail_column_is_kept_or_named(library: Library, tmp_path: Path, cell: str) -> None:
    """Whatever the description cell holds: it is the detail (ends trimmed, CRLF as LF) or a problem
    naming row 2 and the column; never another exception."""
    review_id = _review(library)
    quoted = '"' + cell.replace('"', '""') + '"'
    path = _write(tmp_path / "any.csv", f"time,title,description\n2021-06-08T09:47:00Z,Alert,{quoted}\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    expected = cell.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in expected:
        assert [p.row for p in preview.problems] == [2]
        assert "detail (column 'description')" in str(preview.problems[0])
        return
    assert preview.problems == ()
    assert [r.detail for r in preview.rows] == ["" if expected == "Alert" else expected]


# Anonymized exports

def test_an_anonymized_review_names_nobody_in_an_events_detail() -> None:
    """Roles instead of names reach the detail too: an anonymized bundle must not leak a name there."""
    from models.anonymize import anonymize
    from models.snapshot import ParticipantRow, ReviewDoc

    doc = ReviewDoc(
        id=1, title="Checkout errors", summary="", severity=None, kind="incident", status="draft",
        timezone="UTC", template="standard", started_at=AT, detected_at=None, mitigated_at=None,
        resolved_at=None, impact="", services=(), tags=(), created_at=AT, updated_at=AT,
        participants=(ParticipantRow(1, "Ravi Kumar", ("incident-commander",), None, "", None),),
        events=(EventRow(1, AT, "Alert fires", "detection", "", False, (), "Ravi Kumar acknowledged"),),
        notes=(), learnings=(), actions=(), meetings=())
    assert "Ravi" not in anonymize(doc).events[0].detail


# Profiles

def test_every_builtin_profile_gives_a_column_to_one_field_only() -> None:
    """A spreadsheet whose only long column is "Notes" has it as text, never as text and detail."""
    spreadsheet = {p.id: p for p in builtin_profiles()}["spreadsheet"]
    assert spreadsheet.mapping(("When", "Notes")) == {"time": "When", "text": "Notes"}
    assert spreadsheet.mapping(("When", "What", "Notes")) == {"time": "When", "text": "What",
                                                              "detail": "Notes"}


def test_a_profile_may_name_detail_columns_and_nothing_unknown() -> None:
    """'detail' is a profile field; a misspelt field is refused naming it."""
    def document(field: str) -> dict[str, object]:
        columns = {"time": ["t"], "text": ["s"], field: ["d"]}
        return {"profiles": [{"id": "x", "name": "X", "columns": columns}]}

    assert parse_profiles(document("detail"), "p.yaml")[0].columns["detail"] == ("d",)
    bad = document("details")
    with pytest.raises(SourceError, match="details"):
        parse_profiles(bad, "p.yaml")
