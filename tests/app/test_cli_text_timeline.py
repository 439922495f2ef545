"""`debrief import-timeline ID notes.txt`: a text timeline from the command line; refusals in one line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.cli import main
from models import reviews
from models.entities import Participant, TimelineEvent
from models.store import open_library

NOTES = """\
Checkout incident, 11 March (all times in the review's zone)

- 14:02 config push to checkout-eu (Bob)
- 14:09 — first 5xx alerts
  on-call paged
- 14:12 Detection: dashboards red
- 23:50 rollback started
- 00:10 rollback done
"""


def _review(db_url: str, started: datetime | None) -> int:
    library = open_library(db_url)
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", timezone="Europe/Berlin",
                                   started_at=started).id
    library.close()
    return review_id


@pytest.fixture
def review_id(db_url: str) -> int:
    return _review(db_url, datetime(2025, 3, 11, 13, 0, tzinfo=UTC))


def _events(db_url: str) -> list[tuple[str, str, str]]:
    library = open_library(db_url)
    try:
        with library.begin() as session:
            return [(e.at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M"), e.text, e.kind)
                    for e in session.scalars(select(TimelineEvent).order_by(TimelineEvent.at))]
    finally:
        library.close()


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("debrief: ") and "Traceback" not in err
    return lines[0]


def _notes(tmp_path: Path, text: str = NOTES, name: str = "notes.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_notes_file_is_imported(db_url: str, review_id: int, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Five events on the incident's day (the last past midnight); notes on stderr; Bob added."""
    assert main(["--db", db_url, "import-timeline", str(review_id), str(_notes(tmp_path))]) == 0
    out, err = capsys.readouterr()
    assert out == f"added 5 events to review {review_id} (0 already there)\n"
    assert "debrief: note: a time more than 6 hours earlier than the one above it is read as the next day: " \
           "line 8 (12 March 2025)" in err
    assert _events(db_url) == [
        ("2025-03-11 14:02", "config push to checkout-eu", "observation"),
        ("2025-03-11 14:09", "first 5xx alerts on-call paged", "observation"),
        ("2025-03-11 14:12", "Detection: dashboards red", "detection"),
        ("2025-03-11 23:50", "rollback started", "observation"),
        ("2025-03-12 00:10", "rollback done", "observation"),
    ]
    library = open_library(db_url)
    with library.begin() as session:
        assert list(session.scalars(select(Participant.name))) == ["Bob"]
    library.close()


def test_importing_the_notes_again_adds_nothing(db_url: str, review_id: int, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The second run finds all five already there."""
    path = _notes(tmp_path)
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    assert capsys.readouterr().out == f"added 0 events to review {review_id} (5 already there)\n"


def test_a_markdown_file_is_read_too(db_url: str, review_id: int, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A .md doc with a summary before its timeline section."""
    path = _notes(tmp_path, "# Checkout errors\n\nA config push broke checkout.\n\n## Timeline\n\n"
                            "* **14:02** config push\n* **14:09** alert\n", name="review.md")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    assert [text for _at, text, _kind in _events(db_url)] == ["config push", "alert"]


def test_timezone_reads_the_bare_times_elsewhere(db_url: str, review_id: int, tmp_path: Path) -> None:
    """--timezone applies to a text timeline's times without a zone."""
    path = _notes(tmp_path, "14:02 push\n")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path), "--timezone", "UTC"]) == 0
    assert _events(db_url)[0][0] == "2025-03-11 15:02"


def test_a_review_without_a_start_is_refused_in_one_line(db_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2, one line naming the file and the first line without a date; nothing written."""
    review_id = _review(db_url, None)
    path = _notes(tmp_path)
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"debrief: {path}: line 3: a time without a date, and the review has no incident "
                           "start: set the incident start")
    assert _events(db_url) == []


def test_a_bad_line_is_refused_naming_it(db_url: str, review_id: int, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """'25:10' on line 2: one line, nothing imported."""
    path = _notes(tmp_path, "14:02 fine\n25:10 not a time\n")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 2
    assert _one_error_line(capsys.readouterr().err) == \
        f"debrief: {path}: line 2: 25:10 is not a time of day (00:00 to 23:59)"
    assert _events(db_url) == []


def test_csv_options_are_refused_for_a_text_timeline(db_url: str, review_id: int, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--time-format is for CSV files: the message says what the file is."""
    path = _notes(tmp_path)
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path), "--time-format", "%H:%M"]) == 2
    assert _one_error_line(capsys.readouterr().err) == \
        f"debrief: --time-format is for CSV files; {path} is a text timeline"


def test_a_csv_saved_as_txt_is_still_read_as_csv(db_url: str, review_id: int, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A header row makes a .txt a CSV file."""
    path = _notes(tmp_path, "time,text\n2025-03-11T13:02:00Z,Pushed\n")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path)]) == 0
    assert _events(db_url) == [("2025-03-11 14:02", "Pushed", "observation")]
