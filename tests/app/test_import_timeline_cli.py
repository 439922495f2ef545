"""`debrief import-timeline ID FILE`: CSV, Slack exports, bundles; one-line refusals, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from models import reviews
from models.entities import TimelineEvent
from models.store import open_library

FULL = Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml"
CSV = ("time,text,kind,source,who\n"
       "2026-03-02T09:14:00Z,Config change rolled out,change,deploy log,Ana\n"
       "2026-03-02 10:21:30,Alert fires for checkout 5xx,detection,alert,Ana\n"
       "2026-03-02T09:48:00-00:00,Rollback finished,mitigation,chat,Ben\n")


@pytest.fixture
def review_id(db_url: str) -> int:
    library = open_library(db_url)
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id
    library.close()
    return review_id


def _count(db_url: str) -> int:
    library = open_library(db_url)
    try:
        with library.begin() as session:
            return session.scalar(select(func.count()).select_from(TimelineEvent)) or 0
    finally:
        library.close()


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("debrief: ") and "Traceback" not in err
    return lines[0]


def _slack(root: Path) -> Path:
    files = {
        "users.json": [{"id": "U1", "name": "ana", "real_name": "Ana"}],
        "channels.json": [{"id": "C1", "name": "incident"}, {"id": "C2", "name": "random"}],
        "incident/2026-03-02.json": [{"type": "message", "user": "U1", "text": "paging <@U1>",
                                      "ts": "1772442840.000100"}],
        "random/2026-03-02.json": [{"type": "message", "user": "U1", "text": "hi",
                                    "ts": "1772442900.000100"}],
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(data), encoding="utf-8")
    return root


def test_a_csv_is_added_and_counted(db_url: str, review_id: int, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Three rows: 'added 3 events to review 1 (0 already there)', exit 0."""
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 3 events to review 1 (0 already there)\n"
    assert ("debrief: note: times without an offset (1 row) are read as wall-clock time in "
            "Europe/Berlin") in err
    assert _count(db_url) == 3


def test_importing_again_adds_nothing(db_url: str, review_id: int, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The second run finds all three events already there."""
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    main(["--db", db_url, "import-timeline", str(review_id), str(path)])
    capsys.readouterr()
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    assert capsys.readouterr().out == "added 0 events to review 1 (3 already there)\n"
    assert _count(db_url) == 3


def test_a_bad_row_is_one_line_naming_file_and_row(db_url: str, review_id: int, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """An unparseable time on row 3: exit 2, one line, no event written."""
    path = tmp_path / "events.csv"
    path.write_text(CSV.replace("2026-03-02 10:21:30", "half past ten"), encoding="utf-8")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert _one_error_line(err).startswith(
        f"debrief: {path}, row 3: time 'half past ten' is not a date and time")
    assert _count(db_url) == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty (0 bytes)"),
    (b"time,text\n2026-03-02T09:14Z,Caf\xe9\n", "not UTF-8 text (byte 31, line 2)"),
    (b"2026-03-02T09:14Z,Config pushed\n", "no header row"),
    (b"when?,what?\n2026-03-02T09:14Z,x\n", "no time column"),
])
def test_bad_files_are_refused_in_one_line(db_url: str, review_id: int, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], content: bytes,
                                           message: str) -> None:
    """Empty, non-UTF-8, headerless or unmappable: exit 2, one line naming the file, library unchanged."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"debrief: {path}: ") and message in line
    assert _count(db_url) == 0


def test_a_mapping_names_the_columns(db_url: str, review_id: int, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--map time=…,text=… picks columns whose names are not recognised."""
    path = tmp_path / "events.csv"
    path.write_text("Zeitpunkt;Ereignis\n02.03.2026 10:14;Konfiguration verteilt\n", encoding="utf-8")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path), "--map",
                 "time=Zeitpunkt,text=Ereignis", "--time-format", "%d.%m.%Y %H:%M",
                 "--timezone", "Europe/Berlin"]) == 0
    assert capsys.readouterr().out == "added 1 event to review 1 (0 already there)\n"


def test_a_slack_export_with_several_channels_needs_one(db_url: str, review_id: int, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Without --channel the channels are listed; with it the channel is imported."""
    export = _slack(tmp_path / "export")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(export)]) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"debrief: {export}: the export has 2 channels, choose one: incident, random "
        "(--channel NAME, repeatable, or --all-channels)")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(export),
                 "--channel", "incident"]) == 0
    assert capsys.readouterr().out == "added 1 event to review 1 (0 already there)\n"


def test_csv_options_are_refused_for_a_slack_export(db_url: str, review_id: int, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """--time-format means nothing to a Slack export, and saying so beats ignoring it."""
    export = _slack(tmp_path / "export")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(export), "--time-format", "%H"]) == 2
    assert "--time-format is for CSV files" in _one_error_line(capsys.readouterr().err)


def test_a_bundles_timeline_is_added(db_url: str, review_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    """A review bundle adds its four events."""
    assert main(["--db", db_url, "import-timeline", str(review_id), str(FULL)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 4 events to review 1 (0 already there)\n"
    assert "only the timeline is added" in err


def test_an_unknown_review_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Review 9 does not exist: one line naming it."""
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["--db", db_url, "import-timeline", "9", str(path)]) == 2
    assert _one_error_line(capsys.readouterr().err) == "debrief: no review with id 9"


def test_a_missing_file_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A path that is not there is named."""
    missing = tmp_path / "nope.csv"
    assert main(["--db", db_url, "import-timeline", str(review_id), str(missing)]) == 2
    assert _one_error_line(capsys.readouterr().err) == f"debrief: {missing}: no such file or folder"


# Issue 8: every escape of the CSV and Slack loaders ends as exit 2 and one line naming its place.

def _refused(db_url: str, review_id: int, path: Path, capsys: pytest.CaptureFixture[str],
             *options: str) -> str:
    """Run import-timeline; it must exit 2 with one stderr line and write nothing. Returns the line."""
    status = main(["--db", db_url, "import-timeline", str(review_id), str(path), *options])
    out, err = capsys.readouterr()
    assert (status, out) == (2, ""), err
    assert _count(db_url) == 0
    return _one_error_line(err)


@pytest.mark.parametrize(("value", "year"), [
    ("0999-03-02T09:14:00Z", "999"),           # was stored as "999-03-02 …"
    ("0001-01-01T00:00:00+01:00", "1"),        # was an OverflowError traceback
    ("0001-01-01 00:30", "1"),
])
def test_a_csv_time_outside_the_range_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str], value: str,
                                                  year: str) -> None:
    """File, row and field: 'time …: the year 999 is outside the years 1900 to 2200'."""
    path = tmp_path / "events.csv"
    path.write_text(f"time,text\n2026-03-02T09:14Z,fine\n{value},typo\n", encoding="utf-8")
    assert _refused(db_url, review_id, path, capsys) == (
        f"debrief: {path}, row 3: time {value!r}: the year {year} is outside the years 1900 to 2200")


def test_a_time_format_without_a_date_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """--time-format %H:%M imported every event on 1900-01-01; now it is refused, saying why."""
    path = tmp_path / "events.csv"
    path.write_text("time,text\n09:14,Config pushed\n", encoding="utf-8")
    line = _refused(db_url, review_id, path, capsys, "--time-format", "%H:%M")
    assert line.startswith("debrief: time format: '%H:%M' has no date, so every row would get the same "
                           "made-up date (strptime fills in 1900-01-01)")


def test_a_huge_csv_cell_is_one_line_naming_its_row(db_url: str, review_id: int, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A cell over csv's field limit names row 3 (it named neither row nor cause before)."""
    path = tmp_path / "events.csv"
    path.write_text(f"time,text\n2026-03-02T09:14Z,fine\n2026-03-02T09:15Z,{'x' * 140_000}\n",
                    encoding="utf-8")
    assert _refused(db_url, review_id, path, capsys).startswith(
        f"debrief: {path}: row 3 (line 3): a value is longer than 131,072 characters")


def test_a_nul_in_a_csv_is_one_line_on_sqlite_too(db_url: str, review_id: int, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite would store a NUL that PostgreSQL refuses: both refuse it, naming row and column."""
    path = tmp_path / "events.csv"
    path.write_text("time,text\n2026-03-02T09:14Z,a\x00b\n", encoding="utf-8")
    assert _refused(db_url, review_id, path, capsys) == (
        f"debrief: {path}, row 2: text (column 'text') contains a NUL character (at position 2)")


def _export_files(messages: list[object], users: object = None) -> dict[str, object]:
    return {"users.json": users if users is not None else [{"id": "U1", "name": "ana", "real_name": "Ana"}],
            "channels.json": [{"id": "C1", "name": "incident"}], "incident/2026-03-02.json": messages}


def _write_export(root: Path, files: dict[str, object]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return root


def test_a_slack_ts_in_the_year_33658_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The day file, the message and the field: it was a ValueError traceback."""
    export = _write_export(tmp_path / "export", _export_files(
        [{"type": "message", "user": "U1", "text": "x", "ts": "999999999999"}]))
    assert _refused(db_url, review_id, export, capsys) == (
        f"debrief: {export}: incident/2026-03-02.json, message 1: ts '999999999999': the year 33658 is "
        "outside the years 1900 to 2200")


def test_a_slack_zip_with_corrupt_deflate_data_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """zlib.error escaped as a traceback; now the zip member is named."""
    import zipfile

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _export_files([{"type": "message", "user": "U1", "text": "x" * 3000,
                                          "ts": "1772442840.000100"}]).items():
            archive.writestr(name, json.dumps(data))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("incident/2026-03-02.json")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start:start + 16] = bytes(b ^ 0xA5 for b in data[start:start + 16])
    path.write_bytes(bytes(data))
    line = _refused(db_url, review_id, path, capsys)
    assert line.startswith(f"debrief: {path}: incident/2026-03-02.json: cannot read it from the zip (")


@pytest.mark.parametrize(("users", "message"), [
    ("[" * 1000 + "]" * 1000, "users.json: JSON nested too deeply to read"),
    ("[" + "9" * 5000 + "]", "users.json: not usable JSON (Exceeds the limit (4300 digits)"),
])
def test_a_slack_users_json_json_cannot_hold_is_one_line(db_url: str, review_id: int, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str], users: str,
                                                         message: str) -> None:
    """A 1,000-deep or 5,000-digit users.json was a RecursionError or ValueError traceback."""
    export = _write_export(tmp_path / "export", _export_files(
        [{"type": "message", "user": "U1", "text": "x", "ts": "1772442840.000100"}], users=users))
    assert _refused(db_url, review_id, export, capsys).startswith(f"debrief: {export}: {message}")


@pytest.mark.parametrize("message", [
    {"subtype": ["bot_message"], "text": "odd subtype"},                 # was TypeError: unhashable
    {"text": "", "attachments": 5, "files": [{"title": "odd attachments"}]},   # was TypeError: not iterable
    {"text": "odd surrogate \ud83d"},                                  # was UnicodeEncodeError at the write
])
def test_odd_slack_messages_import(db_url: str, review_id: int, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str], message: dict[str, object]) -> None:
    """Messages of an unexpected shape are read for what they hold: exit 0, one event."""
    day = json.dumps([{"type": "message", "user": "U1", "ts": "1772442840.000100", **message}])
    export = _write_export(tmp_path / "export", {**_export_files([]), "incident/2026-03-02.json": day})
    assert main(["--db", db_url, "import-timeline", str(review_id), str(export)]) == 0
    out, err = capsys.readouterr()
    assert out == "added 1 event to review 1 (0 already there)\n" and "Traceback" not in err
    assert _count(db_url) == 1
