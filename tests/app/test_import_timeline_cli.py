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
        f"debrief: {export}: the export has 2 channels, choose one: incident, random (--channel NAME)")
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
