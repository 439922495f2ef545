"""The review bundle: round trips through the library, and every refusal names its field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from exports.bundle import dump_json, dump_yaml, to_bundle, write_bundle
from models import bundle as bundle_model
from models.bundle import Bundle, import_bundle, load_bundle_file, parse_bundle
from models.catalog import Catalog
from models.entities import Review
from models.snapshot import ReviewDoc, load_review
from models.store import Library, open_library
from models.yamlsource import SourceError, load_yaml_file

FULL = Path(__file__).resolve().parent.parent / "data" / "full_bundle.yaml"


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(Review)) or 0


def _import(library: Library, bundle: Bundle) -> int:
    with library.begin() as session:
        return import_bundle(session, bundle)


def _review(library: Library, review_id: int) -> ReviewDoc:
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    return doc


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the fixture"
    return text.replace(old, new)


def _line_of(text: str, line: str) -> int:
    return text.splitlines(keepends=True).index(line) + 1


def _minimal(**review: object) -> dict[str, object]:
    return {"format": "debrief.review", "version": 1, "review": {"title": "Small one", **review}}


@pytest.fixture
def seeded(library: Library, catalog: Catalog) -> Library:
    """A library that already holds one review, so 'unchanged' means something."""
    _import(library, load_bundle_file(FULL, catalog))
    return library


# ---------------------------------------------------------------- round trips


def test_yaml_round_trip_gives_the_same_document(library: Library, catalog: Catalog) -> None:
    """Every field of the format survives import and export unchanged."""
    review_id = _import(library, load_bundle_file(FULL, catalog))
    exported = to_bundle(_review(library, review_id), version=1)
    assert exported == load_yaml_file(FULL)


def test_yaml_export_is_the_fixture_text(library: Library, catalog: Catalog) -> None:
    """The fixture is written in the exporter's canonical form, byte for byte."""
    review_id = _import(library, load_bundle_file(FULL, catalog))
    assert dump_yaml(to_bundle(_review(library, review_id), version=1)) == FULL.read_text(encoding="utf-8")


def test_json_round_trip_gives_the_same_document(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """The same review as JSON imports and exports to the same document."""
    first = _import(library, load_bundle_file(FULL, catalog))
    path = tmp_path / "review.json"
    write_bundle(_review(library, first), path, fmt="json", version=1)
    second = _import(library, load_bundle_file(path, catalog))
    again = to_bundle(_review(library, second), version=1)
    assert again == json.loads(path.read_text(encoding="utf-8"))
    assert again == load_yaml_file(FULL)


def test_json_and_yaml_dumps_read_back_as_the_document(library: Library, catalog: Catalog) -> None:
    """Both dumps are plain YAML/JSON that any reader understands."""
    doc = to_bundle(_review(library, _import(library, load_bundle_file(FULL, catalog))))
    assert json.loads(dump_json(doc)) == doc
    plain = yaml.safe_load(dump_yaml(doc))
    assert plain["review"]["started_at"] == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert plain["actions"][0]["due"] == date(2026, 3, 20)


def test_import_links_notes_to_events_and_authors(library: Library, catalog: Catalog) -> None:
    """Note event indices and author names become links to the imported rows."""
    doc = _review(library, _import(library, load_bundle_file(FULL, catalog)))
    surprise = doc.notes[1]
    assert surprise.author == "Responder A"
    event = doc.event(surprise.event_id)
    assert event is not None and event.text == "Error rate climbs, dashboards look normal"
    assert doc.notes[4].private
    assert doc.meetings[1].ended_at is None and doc.meetings[1].current_phase == "actions"


def test_offsets_are_stored_and_exported_as_utc(library: Library, catalog: Catalog) -> None:
    """A time with an offset is the same instant, written back with Z."""
    bundle = parse_bundle(_minimal(started_at="2026-03-02T10:14:00+01:00"), path=None, catalog=catalog)
    assert bundle.review.started_at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    doc = to_bundle(_review(library, _import(library, bundle)))
    assert doc["review"]["started_at"] == "2026-03-02T09:14:00Z"


def test_minimal_bundle_gets_the_defaults(library: Library, catalog: Catalog) -> None:
    """Only format, version and a title are needed; the rest takes the app's defaults."""
    doc = to_bundle(_review(library, _import(library, parse_bundle(_minimal(), path=None, catalog=catalog))),
                    version=1)
    assert doc == {
        "format": "debrief.review",
        "version": 1,
        "review": {"title": "Small one", "kind": "incident", "status": "draft", "timezone": "UTC",
                   "template": "standard"},
    }


def test_due_as_a_date_object_is_accepted(catalog: Catalog) -> None:
    """A plain YAML reader turns due dates into date objects; both forms are fine."""
    actions = [{"title": "A", "due": date(2026, 3, 20)}, {"title": "B", "due": "2026-03-21"}]
    data = {**_minimal(), "actions": actions}
    bundle = parse_bundle(data, path=None, catalog=catalog)
    assert [a.due for a in bundle.actions] == [date(2026, 3, 20), date(2026, 3, 21)]


def test_private_notes_can_be_left_out(library: Library, catalog: Catalog) -> None:
    """to_bundle(include_private=False) drops facilitator-only notes and nothing else."""
    doc = _review(library, _import(library, load_bundle_file(FULL, catalog)))
    shared = to_bundle(doc, include_private=False)
    assert len(shared["notes"]) == len(doc.notes) - 1
    assert not any(n.get("private") for n in shared["notes"])


def test_import_is_all_or_nothing(seeded: Library, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure halfway through an import leaves no review behind."""
    bundle = load_bundle_file(FULL, catalog)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bundle_model, "_meeting", broken)  # called half way through the import
    with pytest.raises(RuntimeError):
        _import(seeded, bundle)
    assert _count(seeded) == 1


# ---------------------------------------------------------------- refusals of a YAML file


def _refuse(seeded: Library, catalog: Catalog, tmp_path: Path, text: str | bytes,
            name: str = "bundle.yaml") -> SourceError:
    """Import ``text`` as a file: it must fail with SourceError, leaving the library as it was."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = _count(seeded)
    with pytest.raises(SourceError) as caught:
        _import(seeded, load_bundle_file(path, catalog))
    assert _count(seeded) == before
    assert str(path) in str(caught.value)
    return caught.value


def test_refuses_a_wrong_format_marker(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Another kind of document is refused at the format marker."""
    text = _edit(FULL.read_text(encoding="utf-8"), "format: debrief.review", "format: acme.postmortem")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("format", 1)
    assert "'acme.postmortem' is not 'debrief.review'" in str(error)


def test_refuses_a_newer_version(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A bundle from a newer Debrief is refused rather than half understood."""
    text = _edit(FULL.read_text(encoding="utf-8"), "version: 1", "version: 3")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("version", 2)
    assert "version 3 is newer than this Debrief reads (2)" in str(error)


@pytest.mark.parametrize("version", ["'1'", "1.0", "true", "~"])
def test_refuses_a_missing_or_odd_version(seeded: Library, catalog: Catalog, tmp_path: Path,
                                          version: str) -> None:
    """The version is a required whole number."""
    text = _edit(FULL.read_text(encoding="utf-8"), "version: 1", f"version: {version}")
    assert _refuse(seeded, catalog, tmp_path, text).field == "version"


def test_refuses_an_unknown_top_level_key(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A key the format does not have is refused, with its line."""
    text = FULL.read_text(encoding="utf-8") + "attachments: []\n"
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("attachments", len(text.splitlines()))
    assert "unknown key" in str(error)


@pytest.mark.parametrize(
    ("anchor", "extra", "field"),
    [
        ("  title: Checkout errors after config push\n", "  mood: tense\n", "review.mood"),
        ("- name: Responder A\n", "  pronouns: they\n", "participants[0].pronouns"),
        ("    brought_in: paged by alert\n", "    mood: calm\n", "participants[0].context.mood"),
        ("  text: Config change rolled out to all regions\n", "  severity: high\n", "timeline[0].severity"),
        ("  text: Saved carts were the only path affected\n", "  speaker: Kim\n", "notes[0].speaker"),
        ("- text: Config changes skip the canary stage\n", "  owner: Kim\n", "learnings[1].owner"),
        ("- title: Canary config changes like code\n", "  assignee: Kim\n", "actions[1].assignee"),
        ("- kind: actions\n", "  room: 4.01\n", "meetings[1].room"),
        ("  - id: level-setting\n", "    timebox: 10\n", "meetings[0].phases[0].timebox"),
    ],
)
def test_refuses_an_unknown_nested_key(seeded: Library, catalog: Catalog, tmp_path: Path,
                                       anchor: str, extra: str, field: str) -> None:
    """Unknown keys are refused at every level, naming the full field path and line."""
    original = FULL.read_text(encoding="utf-8")
    text = _edit(original, anchor, anchor + extra)
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == (field, _line_of(original, anchor) + 1)
    assert f"line {error.line}: {field}: unknown key" in str(error)


def test_refuses_a_missing_title(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A review needs a title."""
    text = _edit(FULL.read_text(encoding="utf-8"), "  title: Checkout errors after config push\n", "")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert error.field == "review.title" and error.line == 4
    assert "is required" in str(error)


def test_refuses_a_naive_timestamp(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A time without Z or an offset is ambiguous and refused."""
    original = FULL.read_text(encoding="utf-8")
    line = "  started_at: 2026-03-02T09:14:00Z\n"
    text = _edit(original, line, "  started_at: 2026-03-02T09:14:00\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("review.started_at", _line_of(original, line))
    assert "needs a timezone offset (Z or +01:00)" in str(error)


@pytest.mark.parametrize("bad", ["2026-03-02T25:14:00Z", "yesterday morning", "2026-03-02", "1741000000"])
def test_refuses_a_malformed_timestamp(seeded: Library, catalog: Catalog, tmp_path: Path, bad: str) -> None:
    """Something that is not an ISO 8601 date and time is refused, naming the event."""
    original = FULL.read_text(encoding="utf-8")
    line = "- at: 2026-03-02T09:48:00Z\n"
    text = _edit(original, line, f"- at: {bad}\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("timeline[3].at", _line_of(original, line))


def test_refuses_a_note_phase_not_in_the_template(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """The learning-focused template has no actions phase, so a note there is refused."""
    original = FULL.read_text(encoding="utf-8")
    text = _edit(original, "  template: standard\n", "  template: learning-focused\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("notes[6].phase", _line_of(original, "- phase: actions\n"))
    assert "'actions' is not a phase of the template 'learning-focused'" in str(error)


def test_refuses_a_note_event_out_of_range(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A note pointing past the end of the timeline is refused."""
    original = FULL.read_text(encoding="utf-8")
    text = _edit(original, "  event: 3\n", "  event: 4\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("notes[3].event", _line_of(original, "  event: 3\n"))
    assert "event 4 is out of range (the timeline has 4 events" in str(error)


def test_refuses_a_file_that_is_not_utf8(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A file in another encoding is refused before it is parsed."""
    data = FULL.read_text(encoding="utf-8").encode("latin-1")
    error = _refuse(seeded, catalog, tmp_path, data)
    assert "not UTF-8 text" in str(error)


def test_refuses_a_yaml_syntax_error(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Broken YAML is refused with the line it breaks on."""
    original = FULL.read_text(encoding="utf-8")
    line = "  kind: mitigation\n"
    text = _edit(original, line, "  kind: [mitigation\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert "not valid YAML" in str(error)
    assert error.line is not None and error.line >= _line_of(original, line)


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ("  severity: SEV2\n", "  severity: SEV9\n", "review.severity", "'SEV9' is not a known severity"),
        ("  kind: incident\n", "  kind: outage\n", "review.kind", "'outage' is not one of: incident"),
        ("  timezone: Europe/Berlin\n", "  timezone: Mars/Olympus\n", "review.timezone", "not a known IANA"),
        ("  template: standard\n", "  template: retro\n", "review.template", "'retro' is not a known"),
        ("- name: Kim\n", "- name: Noor\n", "participants[3].name", "'Noor' is listed twice"),
        ("  - note-taker\n", "  - scribe\n", "participants[2].roles[0]", "'scribe' is not one of"),
        ("    on_call: false\n", "    on_call: maybe\n", "participants[1].context.on_call", "must be true"),
        ("  - Kim\n", "  - Alex\n", "timeline[2].participants[1]", "'Alex' is not listed under participants"),
        ("  kind: mitigation\n", "  kind: fix\n", "timeline[3].kind", "'fix' is not one of"),
        ("  approximate: true\n", "  approximate: roughly\n", "timeline[1].approximate", "true or false"),
        ("  author: Kim\n", "  author: Alex\n", "notes[3].author", "'Alex' is not listed under participants"),
        ("  event: 0\n", "  event: first\n", "notes[2].event", "must be the index of a timeline event"),
        ("  event: 0\n", "  event: -1\n", "notes[2].event", "out of range"),
        ("  kind: parking-lot\n", "  kind: rant\n", "notes[4].kind", "'rant' is not one of"),
        ("  category: process\n", "  category: blame\n", "learnings[1].category", "'blame' is not one of"),
        ("  due: 2026-03-20\n", "  due: 2026-3-20\n", "actions[0].due", "is not a date (YYYY-MM-DD)"),
        ("  due: 2026-03-20\n", "  due: 2026-02-30\n", "actions[0].due", "is not a date (YYYY-MM-DD)"),
        ("  due: 2026-03-20\n", "  due: 2026-03-20T10:00:00Z\n", "actions[0].due", "is not a date"),
        ("  priority: high\n", "  priority: urgent\n", "actions[0].priority", "'urgent' is not one of"),
        ("  status: in-progress\n", "  status: blocked\n", "actions[0].status", "'blocked' is not one of"),
        ("- kind: actions\n", "- kind: standup\n", "meetings[1].kind", "'standup' is not one of"),
        ("    ended_at: 2026-03-04T10:10:00Z\n", "    ended_at: soon\n", "meetings[0].phases[0].ended_at",
         "not an ISO 8601"),
    ],
)
def test_refuses_bad_values(seeded: Library, catalog: Catalog, tmp_path: Path,
                            old: str, new: str, field: str, reason: str) -> None:
    """Each bad value is refused, naming the field and the line it is on."""
    original = FULL.read_text(encoding="utf-8")
    error = _refuse(seeded, catalog, tmp_path, _edit(original, old, new))
    assert error.field == field
    assert error.line == _line_of(original, old)
    assert reason in str(error)


def test_refuses_a_document_that_is_not_a_mapping(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A list or a bare value is not a bundle."""
    error = _refuse(seeded, catalog, tmp_path, "- just\n- a list\n")
    assert "must be a mapping with format, version and review" in str(error)


def test_refuses_a_list_where_a_mapping_belongs(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Items of a list must be mappings."""
    text = _edit(FULL.read_text(encoding="utf-8"), "learnings:\n", "learnings:\n- just text\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert error.field == "learnings[0]" and "must be a mapping" in str(error)


# ---------------------------------------------------------------- other files


def test_refuses_invalid_json_with_its_line(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """A JSON syntax error names the line."""
    error = _refuse(seeded, catalog, tmp_path, '{\n  "format": "debrief.review",\n  "version": 1,\n}\n',
                    name="bundle.json")
    assert error.line == 4 and "not valid JSON" in str(error)


def test_refuses_bad_json_values_by_field(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """JSON has no line numbers to give, but the field is named."""
    doc = {**_minimal(), "notes": [{"phase": "timeline", "text": "hi", "event": 0}]}
    error = _refuse(seeded, catalog, tmp_path, json.dumps(doc), name="bundle.json")
    assert error.field == "notes[0].event" and error.line is None


def test_refuses_other_suffixes(seeded: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Only .yaml, .yml and .json are bundles."""
    error = _refuse(seeded, catalog, tmp_path, "format: debrief.review\n", name="bundle.txt")
    assert "not a .txt file" in str(error)


def test_yml_suffix_is_yaml(library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """.yml files read like .yaml ones."""
    path = tmp_path / "bundle.yml"
    path.write_text(FULL.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_bundle_file(path, catalog) == load_bundle_file(FULL, catalog)


def test_refuses_a_missing_file(catalog: Catalog, tmp_path: Path) -> None:
    """A file that is not there is a SourceError naming it, not a traceback."""
    with pytest.raises(SourceError, match="cannot read the file"):
        load_bundle_file(tmp_path / "nope.yaml", catalog)


# ---------------------------------------------------------------- escapes: every one a SourceError line


def _full_with(old: str, new: str) -> str:
    return _edit(FULL.read_text(encoding="utf-8"), old, new)


_TITLE = "  title: Checkout errors after config push\n"
_STARTED = "  started_at: 2026-03-02T09:14:00Z\n"
_BUNDLE_JSON = '{"format": "debrief.review", "version": 1, "review": {"title": %s}}'

#: Files that once left the loader as a traceback (exit 1), and what is said of each now:
#: (file name, content, line or None, what the message says).
ESCAPES: list[tuple[str, str, int | None, str]] = [
    ("deep.yaml", "review: " + "[" * 1000 + "]" * 1000 + "\n", 1, "nested deeper than 64 levels"),
    ("deep-block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(600)), 64,
     "nested deeper than 64 levels"),
    ("deep.json", "[" * 1000 + "]" * 1000, None, "not valid JSON: nested too deeply"),
    ("deep-object.json", '{"a": ' * 1000 + "1" + "}" * 1000, None, "not valid JSON: nested too deeply"),
    ("digits.yaml", _full_with("version: 1\n", "version: " + "9" * 5000 + "\n"), 2,
     "is not a valid int value"),
    ("digits.json", _BUNDLE_JSON % ("9" * 5000), None, "a number of 5,000 digits is too long"),
    ("hex.yaml", _full_with(_TITLE, "  title: 0x" + "f" * 5000 + "\n"), 4, "must be text, not a number"),
    ("hex-version.yaml", _full_with("version: 1\n", "version: 0x" + "f" * 5000 + "\n"), 2,
     "version (a number this large) is newer"),
    ("tag-int.yaml", _full_with("version: 1\n", "version: !!int x\n"), 2, "'x' is not a valid int value"),
    ("tag-float.yaml", _full_with("version: 1\n", "version: !!float x\n"), 2,
     "'x' is not a valid float value"),
    ("tag-bool.yaml", _full_with("version: 1\n", "version: !!bool maybe\n"), 2, "is not a valid bool value"),
    ("tag-map.yaml", _full_with(_TITLE, "  title: !!map x\n"), 4, "a map tag needs a mapping"),
    ("tag-seq.yaml", _full_with(_TITLE, "  title: !!seq x\n"), 4, "a seq tag needs a list"),
    ("plain-0b.yaml", _full_with("version: 1\n", "version: 0b_\n"), 2, "'0b_' is not a valid int value"),
    ("plain-0x.yaml", _full_with(_TITLE, "  title: 0x_\n"), 4, "'0x_' is not a valid int value"),
    ("python.yaml", _full_with(_TITLE, "  title: !!python/object:os.system x\n"), 4,
     "could not determine a constructor"),
    ("surrogate.yaml", _full_with(_TITLE, '  title: "\\ud800"\n'), 4, "lone surrogate"),
    ("surrogate.json", _BUNDLE_JSON % '"\\ud800"', None, "review.title: \\ud800 at position 1 is half"),
    ("low-surrogate.json", _BUNDLE_JSON % '"ok \\udc00"', None, "review.title: \\udc00 at position 4"),
    ("overflow.yaml", _full_with(_STARTED, "  started_at: 9999-12-31T23:59:59-23:00\n"), 13,
     "review.started_at: the year 9999 is outside the years 1900 to 2200"),
    ("underflow.yaml", _full_with(_STARTED, "  started_at: 0001-01-01T00:00:00+01:00\n"), 13,
     "review.started_at: the year 1 is outside the years 1900 to 2200"),
    ("recursive.yaml", _full_with(_TITLE, "  title: &a [*a]\n"), 4, "recursive"),
    ("complex-key.yaml", _full_with(_TITLE, _TITLE + "  ? [a]\n  : b\n"), 5, "a key must be a plain value"),
    ("nan.json", _BUNDLE_JSON % "NaN", None, "NaN is not a JSON value"),
    ("control.yaml", _full_with(_TITLE, "  title: a\x01b\n"), 4, "the character U+0001 is not allowed"),
]


@pytest.mark.parametrize(("name", "text", "line", "says"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_former_escapes_are_one_source_error_line(seeded: Library, catalog: Catalog, tmp_path: Path,
                                                   name: str, text: str, line: int | None, says: str) -> None:
    """Each file that used to end in a traceback is refused in one line naming the file and line."""
    error = _refuse(seeded, catalog, tmp_path, text.encode("utf-8", "surrogatepass"), name=name)
    assert error.line == line
    assert says in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize(("name", "text", "line", "says"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_cli_import_of_a_former_escape_exits_2_with_one_line(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        name: str, text: str, line: int | None, says: str) -> None:
    """`debrief import` says what is wrong in one line on stderr, exits 2, and imports nothing."""
    from app.cli import main

    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    assert main(["--db", db_url, "import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and err.endswith("\n")
    assert str(path) in err and says in err
    library = open_library(db_url)
    try:
        assert _count(library) == 0
    finally:
        library.close()


# ---------------------------------------------------------------- times: in range, in the review's zone


#: A line of the fixture holding a time, and the field it is.
TIME_LINES = [
    ("  started_at: 2026-03-02T09:14:00Z\n", "review.started_at"),
    ("  detected_at: 2026-03-02T09:21:30Z\n", "review.detected_at"),
    ("  mitigated_at: 2026-03-02T09:48:00Z\n", "review.mitigated_at"),
    ("  resolved_at: 2026-03-02T10:30:00.250000Z\n", "review.resolved_at"),
    ("- at: 2026-03-02T09:48:00Z\n", "timeline[3].at"),
    ("  at: 2026-03-04T10:40:00Z\n", "notes[6].at"),
    ("  started_at: 2026-03-04T10:00:00Z\n", "meetings[0].started_at"),
    ("  ended_at: 2026-03-04T11:00:00Z\n", "meetings[0].ended_at"),
    ("    ended_at: 2026-03-04T10:10:00Z\n", "meetings[0].phases[0].ended_at"),
    ("    started_at: 2026-03-04T10:35:00Z\n", "meetings[0].phases[2].started_at"),
    ("  started_at: 2026-03-06T14:00:00Z\n", "meetings[1].started_at"),
]


def _replace_line(text: str, old: str, new: str) -> tuple[str, int]:
    """``text`` with its one line equal to ``old`` replaced by ``new``, and that line's number."""
    lines = text.splitlines(keepends=True)
    assert lines.count(old) == 1, f"{old!r} must be exactly one line of the fixture"
    index = lines.index(old)
    lines[index] = new
    return "".join(lines), index + 1


@pytest.mark.parametrize(("old", "field"), TIME_LINES)
@pytest.mark.parametrize(("moment", "zone", "year"), [
    ("0999-03-02T09:14:00Z", "Europe/Berlin", "999"),
    ("0001-01-01T00:00:00Z", "America/New_York", "1"),
    ("1899-12-31T23:59:59Z", "UTC", "1899"),
    ("2201-01-01T00:00:00Z", "UTC", "2201"),
    ("9999-12-31T23:59:59Z", "Pacific/Kiritimati", "9999"),
])
def test_every_time_outside_the_library_range_is_refused(
        seeded: Library, catalog: Catalog, tmp_path: Path, old: str, field: str, moment: str, zone: str,
        year: str) -> None:
    """Review times, event and note times, meetings and their phases: 1900 to 2200, readable in the zone."""
    key = old.split(":")[0]
    text, line = _replace_line(FULL.read_text(encoding="utf-8"), old, f"{key}: {moment}\n")
    text = _edit(text, "  timezone: Europe/Berlin\n", f"  timezone: {zone}\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == (field, line)
    assert f"the year {year} is outside the years 1900 to 2200" in str(error)


def test_the_edges_of_the_range_import(library: Library, catalog: Catalog) -> None:
    """1900-01-01 and 2200-12-31 are in range, in any zone that can read them."""
    bundle = parse_bundle(_minimal(started_at="1900-01-01T00:00:00Z", resolved_at="2200-12-31T23:59:59Z",
                                   timezone="Asia/Tokyo"), path=None, catalog=catalog)
    doc = _review(library, _import(library, bundle))
    assert doc.started_at == datetime(1900, 1, 1, tzinfo=UTC)
    assert doc.resolved_at == datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)


# ---------------------------------------------------------------- text: what PostgreSQL would refuse


@pytest.mark.parametrize(("old", "key", "field", "limit"), [
    (_TITLE, "  title", "review.title", 300),
    ("- name: Kim\n", "- name", "participants[3].name", 200),
    ("  source: deploy log\n", "  source", "timeline[0].source", 200),
    ("  owner: Kim\n", "  owner", "actions[0].owner", 200),
    ("  severity: SEV2\n", "  severity", "review.severity", 40),
    ("  timezone: Europe/Berlin\n", "  timezone", "review.timezone", 64),
    ("  template: standard\n", "  template", "review.template", 80),
    ("- phase: level-setting\n", "- phase", "notes[0].phase", 40),
    ("  - id: level-setting\n", "  - id", "meetings[0].phases[0].id", 40),
])
def test_text_longer_than_its_column_is_refused(seeded: Library, catalog: Catalog, tmp_path: Path,
                                                old: str, key: str, field: str, limit: int) -> None:
    """A value one character longer than its column is refused with the file, line and field."""
    text, line = _replace_line(FULL.read_text(encoding="utf-8"), old, f"{key}: {'x' * (limit + 1)}\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == (field, line)
    assert f"is {limit + 1} characters long; at most {limit} fit" in str(error)


def test_text_as_long_as_its_column_imports(library: Library, catalog: Catalog) -> None:
    """A title of 300 characters and a name of 200 fit (the limits are inclusive)."""
    data = {**_minimal(), "participants": [{"name": "n" * 200}]}
    data["review"] = {"title": "t" * 300}
    doc = _review(library, _import(library, parse_bundle(data, path=None, catalog=catalog)))
    assert len(doc.title) == 300 and len(doc.participants[0].name) == 200


@pytest.mark.parametrize(("old", "key", "field"), [
    (_TITLE, "  title", "review.title"),
    ("  impact: About 12% of checkouts failed; no data lost. Ünïcödé stays as is.\n", "  impact",
     "review.impact"),
    ("  - checkout\n", "  - ", "review.services[0]"),
    ("    brought_in: paged by alert\n", "    brought_in", "participants[0].context.brought_in"),
    ("  text: Config rolled back\n", "  text", "timeline[3].text"),
    ("  text: Saved carts were the only path affected\n", "  text", "notes[0].text"),
    ("- text: Config changes skip the canary stage\n", "- text", "learnings[1].text"),
    ("  description: A separate SLO for the saved-cart path.\n", "  description", "actions[0].description"),
    ("  link: https://tracker.example/OPS-1234\n", "  link", "actions[0].link"),
])
def test_a_nul_character_is_refused(seeded: Library, catalog: Catalog, tmp_path: Path,
                                    old: str, key: str, field: str) -> None:
    """PostgreSQL cannot store NUL: refused in every text field, named, on every backend."""
    separator = "" if key.endswith(" ") else ": "
    text, line = _replace_line(FULL.read_text(encoding="utf-8"), old, f'{key}{separator}"before\\0after"\n')
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == (field, line)
    assert "contains a NUL character (at position 7)" in str(error)


def test_an_escaped_surrogate_pair_is_one_character(catalog: Catalog, tmp_path: Path) -> None:
    """"\\ud83d\\ude00" in YAML is the emoji it spells (as JSON reads it), not two halves."""
    path = tmp_path / "emoji.yaml"
    path.write_text(_full_with(_TITLE, '  title: "Pager \\ud83d\\ude00"\n'), encoding="utf-8")
    assert load_bundle_file(path, catalog).review.title == "Pager \U0001f600"


# ---------------------------------------------------------------- phase ids


def test_a_note_phase_with_a_control_character_is_refused(seeded: Library, catalog: Catalog,
                                                         tmp_path: Path) -> None:
    """A phase id must be one of the template's, exactly: "timeline\\x01" is not "timeline"."""
    original = FULL.read_text(encoding="utf-8")
    text, line = _replace_line(original, "- phase: level-setting\n", '- phase: "level-setting\\x01"\n')
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("notes[0].phase", line)
    assert "'level-setting\\x01' is not a phase of the template 'standard'" in str(error)


@pytest.mark.parametrize("bad", ['"level\\x01setting"', "Level-Setting", "level setting", '""'])
def test_a_meeting_phase_id_must_look_like_one(seeded: Library, catalog: Catalog, tmp_path: Path,
                                               bad: str) -> None:
    """A meeting's phase is a phase id (lower-case letters, digits, dashes), never free text."""
    original = FULL.read_text(encoding="utf-8")
    text, line = _replace_line(original, "  - id: level-setting\n", f"  - id: {bad}\n")
    error = _refuse(seeded, catalog, tmp_path, text)
    assert (error.field, error.line) == ("meetings[0].phases[0].id", line)


def test_an_unknown_key_with_a_newline_stays_one_line(seeded: Library, catalog: Catalog,
                                                      tmp_path: Path) -> None:
    """A key is named quoted when it is not printable, so the message stays one line."""
    error = _refuse(seeded, catalog, tmp_path, _full_with(_TITLE, _TITLE + '  "mo\\nod": tense\n'))
    assert error.field == "review.'mo\\nod'" and "\n" not in str(error)
