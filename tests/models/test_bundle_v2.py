"""Review bundle version 2: the whole review travels (meeting record, note meetings, identity); v1 reads."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from exports.bundle import dump_json, dump_yaml, to_bundle
from models.bundle import (
    BUNDLE_VERSION,
    EVENT_KEYS,
    MEETING_KEYS,
    NOTE_KEYS,
    REVIEW_KEYS,
    event_external_ids,
    find_existing,
    import_bundle,
    load_bundle_file,
    parse_bundle,
)
from models.catalog import Catalog
from models.entities import Review
from models.snapshot import load_review
from models.store import Library, open_library
from models.yamlsource import SourceError, load_yaml_file
from tests.models.meeting_record import build_review, comparable, external_ids, read

DATA = Path(__file__).resolve().parent.parent / "data"
FULL_V1 = DATA / "full_bundle.yaml"
FULL_V2 = DATA / "full_bundle_v2.yaml"


def _import(library: Library, bundle: Any, *, update_existing: bool = False) -> int:
    with library.begin() as session:
        return import_bundle(session, bundle, update_existing=update_existing)


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(Review)) or 0


def _v2() -> dict[str, Any]:
    data = load_yaml_file(FULL_V2)
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def _travel(source: Library, review_id: int, target: Library, catalog: Catalog, tmp_path: Path,
            fmt: str = "yaml") -> int:
    """Export ``review_id`` as a bundle file (with its events' origins) and import that into ``target``."""
    with source.begin() as session:
        doc = load_review(session, review_id)
        origins = event_external_ids(session, review_id)
    assert doc is not None
    document = to_bundle(doc, external_ids=origins)
    path = tmp_path / f"travel.{fmt}"
    path.write_text(dump_yaml(document) if fmt == "yaml" else dump_json(document), encoding="utf-8")
    return _import(target, load_bundle_file(path, catalog))


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_review_with_two_meetings_travels_exactly(library: Library, catalog: Catalog, tmp_path: Path,
                                                    fmt: str) -> None:
    """Every field and link arrives: meetings, phase visits, pauses, attendance, pulse, prompts."""
    review_id = build_review(library)
    target = open_library(f"sqlite:///{tmp_path / 'laptop-two.db'}")
    try:
        copied = _travel(library, review_id, target, catalog, tmp_path, fmt)
        before, after = read(library, review_id), read(target, copied)
        assert len(before.meetings) == 3 and sum(m.started_at is not None for m in before.meetings) == 2
        assert comparable(after) == comparable(before)
        assert after.uid == before.uid
        assert external_ids(target, copied) == external_ids(library, review_id) == {
            "Config pushed": "csv:0123456789abcdef"}
    finally:
        target.close()


def test_a_review_with_two_meetings_travels_exactly_into_postgresql(library: Library, catalog: Catalog,
                                                                    tmp_path: Path, pg_url: str) -> None:
    """The same round trip from an SQLite library into a PostgreSQL one."""
    review_id = build_review(library)
    target = open_library(pg_url)
    try:
        copied = _travel(library, review_id, target, catalog, tmp_path)
        assert comparable(read(target, copied)) == comparable(read(library, review_id))
    finally:
        target.close()


def test_the_v2_fixture_is_the_exporters_canonical_text(library: Library, catalog: Catalog) -> None:
    """Import then export of the version 2 fixture gives it back byte for byte (uid and all)."""
    review_id = _import(library, load_bundle_file(FULL_V2, catalog))
    assert dump_yaml(to_bundle(read(library, review_id))) == FULL_V2.read_text(encoding="utf-8")


def test_notes_keep_their_meeting(library: Library, catalog: Catalog) -> None:
    """The actions meeting's note stays the actions meeting's; a note from before any meeting has none."""
    doc = read(library, _import(library, load_bundle_file(FULL_V2, catalog)))
    by_text = {n.text: n.meeting_id for n in doc.notes}
    review_meeting, actions_meeting = doc.meetings[0].id, doc.meetings[1].id
    assert by_text["Written before any meeting"] is None
    assert by_text["Dashboards looked normal"] == review_meeting
    assert by_text["Alert on saved carts. Soon."] == actions_meeting


def test_the_meeting_record_is_read_whole(catalog: Catalog) -> None:
    """Pauses, attendance, pulse, prompts, template and schedule are all in the parsed bundle."""
    bundle = load_bundle_file(FULL_V2, catalog)
    first, second, third = bundle.meetings
    assert [p.id for p in first.phases] == ["level-setting", "timeline", "learnings", "timeline", "wrap-up"]
    assert len(first.pauses) == 1 and first.attendance == ("Kim", "Sam", "Noor")
    assert (first.pulse.attended, first.pulse.learned, first.pulse.would_attend, first.pulse.unclear) == (
        3, 2, 3, "Scope")
    assert [p.status for p in first.prompts] == ["asked", "pinned", "skipped"]
    assert second.template == "actions-meeting" and second.scheduled_for is not None
    assert third.started_at is None and third.scheduled_for is not None and third.current_phase is None
    assert bundle.review.uid == "5b0d3c1e-8f9a-4c2b-9d1e-2f3a4b5c6d7e"


# ---------------------------------------------------------------- version 1


def test_a_version_1_bundle_still_imports(library: Library, catalog: Catalog) -> None:
    """The version 1 fixture imports, gets an identity of its own, and writes back as the same v1 text."""
    bundle = load_bundle_file(FULL_V1, catalog)
    assert bundle.version == 1 and bundle.review.uid is None
    doc = read(library, _import(library, bundle))
    assert len(doc.uid) == 36 and all(n.meeting_id is None for n in doc.notes)
    assert doc.meetings[1].current_phase == "actions"
    assert dump_yaml(to_bundle(doc, version=1)) == FULL_V1.read_text(encoding="utf-8")


def test_version_1_written_on_request_has_no_version_2_field(library: Library, catalog: Catalog) -> None:
    """to_bundle(version=1) is what an older Debrief reads: it reads back as version 1."""
    doc = read(library, build_review(library))
    data = to_bundle(doc, version=1)
    assert data["version"] == 1 and "uid" not in data["review"]
    assert all("pauses" not in m and "template" not in m for m in data["meetings"])
    assert parse_bundle(yaml.safe_load(dump_yaml(data)), path=None, catalog=catalog).version == 1


@pytest.mark.parametrize(("where", "key", "value", "field"), [
    ("review", "uid", "5b0d3c1e-8f9a-4c2b-9d1e-2f3a4b5c6d7e", "review.uid"),
    ("notes", "meeting", 0, "notes[0].meeting"),
    ("meetings", "pauses", [], "meetings[0].pauses"),
    ("meetings", "template", "actions-meeting", "meetings[0].template"),
    ("learnings", "note", 0, "learnings[0].note"),
])
def test_a_version_2_field_in_a_version_1_bundle_is_refused_naming_it(
        catalog: Catalog, where: str, key: str, value: object, field: str) -> None:
    """A bundle saying version 1 with a field only version 2 has: refused, naming the field and the fix."""
    data = load_yaml_file(FULL_V1)
    part = data[where] if where == "review" else data[where][0]
    part[key] = value
    with pytest.raises(SourceError) as caught:
        parse_bundle(data, path="b.yaml", catalog=catalog)
    assert f"{field}: is a field of bundle version 2" in str(caught.value)
    assert "version: 2" in str(caught.value)


def test_a_newer_version_is_refused(catalog: Catalog) -> None:
    """Version 3 is newer than this Debrief reads: refused, naming the version it reads."""
    data = _v2()
    data["version"] = BUNDLE_VERSION + 1
    with pytest.raises(SourceError, match=r"version: version 3 is newer than this Debrief reads \(2\)"):
        parse_bundle(data, path="b.yaml", catalog=catalog)


# ---------------------------------------------------------------- refusals


def _set(data: dict[str, Any], path: str, value: object) -> None:
    """Set ``a.b[0].c`` in ``data``."""
    target: Any = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


@pytest.mark.parametrize(("path", "value", "message"), [
    ("review.uid", "not-a-uuid", "review.uid: 'not-a-uuid' is not a review uid"),
    ("review.analysis_due", "next week", "review.analysis_due: 'next week' is not a date"),
    ("review.reviewed_at", "2026-03-04", "review.reviewed_at: '2026-03-04' is a date without a time"),
    ("notes[1].meeting", 7, "notes[1].meeting: meeting 7 is out of range (meetings has 3 items"),
    ("notes[1].meeting", "first", "notes[1].meeting: must be the index of a meeting"),
    ("learnings[0].note", 99, "learnings[0].note: note 99 is out of range"),
    ("actions[1].note", -1, "actions[1].note: note -1 is out of range"),
    ("meetings[0].attendance", ["Kim", "Nobody"], "meetings[0].attendance[1]: 'Nobody' is not listed"),
    ("meetings[0].pulse.learned", 4, "meetings[0].pulse.learned: cannot be more than the 3 who attended"),
    ("meetings[0].pulse.attended", -2, "meetings[0].pulse.attended: must be a whole number of people"),
    ("meetings[0].pulse.attended", True, "meetings[0].pulse.attended: must be a whole number of people"),
    ("meetings[0].pulse.mood", "fine", "meetings[0].pulse.mood: unknown key"),
    ("meetings[0].prompts[0].status", "shouted", "meetings[0].prompts[0].status: 'shouted' is not one of"),
    ("meetings[0].prompts[0].at", None, "meetings[0].prompts[0].at: is required"),
    ("meetings[0].prompts[0].prompt", " ", "meetings[0].prompts[0].prompt: is required"),
    ("meetings[0].pauses[0].started_at", None, "meetings[0].pauses[0].started_at: is required"),
    ("meetings[0].pauses[0].ended_at", "soon", "meetings[0].pauses[0].ended_at: 'soon' is not an ISO 8601"),
    ("meetings[1].template", "daily-standup", "meetings[1].template: 'daily-standup' is not a known"),
    ("meetings[0].current_phase", "Not An Id", "meetings[0].current_phase: 'Not An Id' is not a phase id"),
    ("meetings[1].scheduled_for", 12, "meetings[1].scheduled_for: must be a date and time"),
    ("participants[0].aliases", "kim", "participants[0].aliases: must be a list"),
    ("timeline[0].external_id", "x" * 201, "timeline[0].external_id: is 201 characters long"),
])
def test_a_bad_version_2_value_is_one_error_naming_the_field(
        library: Library, catalog: Catalog, path: str, value: object, message: str) -> None:
    """Each malformed v2 value: one SourceError line naming the file and field; nothing imported."""
    data = _v2()
    _set(data, path, value)
    with pytest.raises(SourceError) as caught:
        parse_bundle(data, path="bundle.yaml", catalog=catalog)
    text = str(caught.value)
    assert text.startswith("bundle.yaml") and message in text, text
    assert "\n" not in text
    assert _count(library) == 0


def test_one_import_origin_for_two_events_is_refused(catalog: Catalog) -> None:
    """Two events of one bundle cannot come from the same place in the same file."""
    data = _v2()
    data["timeline"][0]["external_id"] = data["timeline"][1]["external_id"] = "csv:abc"
    with pytest.raises(SourceError, match=r"timeline\[1\]\.external_id: 'csv:abc' is given to two events"):
        parse_bundle(data, path="b.yaml", catalog=catalog)


def test_a_note_in_a_phase_of_its_meetings_template_is_accepted(catalog: Catalog) -> None:
    """The actions meeting walks its own template: a note in its parking-lot phase is fine in v2."""
    data = _v2()
    data["notes"][4]["phase"] = "parking-lot"
    assert parse_bundle(data, path=None, catalog=catalog).notes[4].phase == "parking-lot"
    data["meetings"] = [m for m in data["meetings"] if "template" not in m]
    del data["notes"][4]["meeting"]
    with pytest.raises(SourceError, match=r"notes\[4\]\.phase: 'parking-lot' is not a phase of the template"):
        parse_bundle(data, path=None, catalog=catalog)


def test_every_version_2_key_is_known_to_the_reader() -> None:
    """The key lists the property tests mutate with hold every field the writer puts there."""
    assert {"uid", "analysis_due", "reviewed_at", "closed_at", "created_at"} <= set(REVIEW_KEYS)
    assert "external_id" in EVENT_KEYS and "meeting" in NOTE_KEYS
    assert {"pauses", "attendance", "pulse", "prompts", "template", "scheduled_for",
            "current_phase"} <= set(MEETING_KEYS)


# ---------------------------------------------------------------- the same review again


def test_importing_a_review_the_library_has_updates_it_in_place_when_asked(library: Library,
                                                                          catalog: Catalog) -> None:
    """Same uid: with update_existing the review keeps its id and takes the bundle's content."""
    first = _import(library, load_bundle_file(FULL_V2, catalog))
    version = read(library, first).version
    data = _v2()
    data["review"]["title"] = "Checkout errors (revised)"
    del data["notes"][0]
    for item in data["notes"]:
        if "event" in item:
            item["event"] = 0
    for key in ("learnings", "actions"):
        for item in data[key]:
            if "note" in item:
                item["note"] -= 1
    bundle = parse_bundle(data, path=None, catalog=catalog)
    with library.begin() as session:
        assert find_existing(session, bundle) == first
    assert _import(library, bundle, update_existing=True) == first
    after = read(library, first)
    assert _count(library) == 1
    assert after.title == "Checkout errors (revised)" and len(after.notes) == 4
    assert after.uid == bundle.review.uid and after.version > version
    assert comparable(after)["notes"] == comparable(read(library, _import(library, bundle)))["notes"]


def test_importing_a_review_the_library_has_without_asking_makes_a_copy(library: Library,
                                                                       catalog: Catalog) -> None:
    """Same uid, no update asked: a second review with an identity of its own (no duplicate uid)."""
    bundle = load_bundle_file(FULL_V2, catalog)
    first = _import(library, bundle)
    second = _import(library, bundle)
    assert first != second and _count(library) == 2
    assert read(library, first).uid == bundle.review.uid != read(library, second).uid
    assert comparable(read(library, second)) | {"uid": ""} == comparable(read(library, first)) | {"uid": ""}


def test_an_update_in_place_is_all_or_nothing(library: Library, catalog: Catalog,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half way through an update leaves the review as it was."""
    import models.bundle as bundle_module

    first = _import(library, load_bundle_file(FULL_V2, catalog))
    before = comparable(read(library, first))
    data = _v2()
    data["review"]["title"] = "Changed"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bundle_module, "_meeting", broken)
    with pytest.raises(RuntimeError):
        _import(library, parse_bundle(data, path=None, catalog=catalog), update_existing=True)
    assert comparable(read(library, first)) == before
