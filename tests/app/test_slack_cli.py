"""`debrief import-timeline ID EXPORT`: --channel (repeatable, old names) and --all-channels (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from models import reviews
from models.entities import TimelineEvent
from models.store import open_library
from tests.models.slack_builders import (
    export_files,
    message,
    parent,
    rename,
    reply,
    ts,
    write_folder,
    write_zip,
)

THREAD = ts(2, 14, 2)
CHANNELS = {
    "inc-42-checkout": [parent("U1", "rolling back the config push", THREAD),
                        reply("U2", "done", ts(2, 14, 9), THREAD),
                        message("U2", "errors dropping", ts(2, 14, 5)),
                        rename("U1", "incident-42", "inc-42-checkout", ts(2, 14, 30))],
    "incident-42-comms": [message("U3", "customers told", ts(2, 14, 3))],
    "random": [message("U2", "lunch?", ts(2, 12, 0))],
}


@pytest.fixture
def review_id(db_url: str) -> int:
    library = open_library(db_url)
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id
    library.close()
    return review_id


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """Three channels, one of them renamed (#incident-42 is now #inc-42-checkout), as Slack's zip."""
    return write_zip(tmp_path / "slack-export.zip", export_files(CHANNELS))


def _events(db_url: str) -> list[tuple[str, str]]:
    library = open_library(db_url)
    try:
        with library.begin() as session:
            events = session.scalars(select(TimelineEvent).order_by(TimelineEvent.at))
            return [(e.source, e.text) for e in events]
    finally:
        library.close()


def _run(db_url: str, review_id: int, path: Path, *options: str) -> int:
    return main(["--db", db_url, "import-timeline", str(review_id), str(path), *options])


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_all_channels_imports_every_channel_in_one_call(db_url: str, review_id: int, export: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """--all-channels: every channel, each event's source naming its channel, counted per channel."""
    assert _run(db_url, review_id, export, "--all-channels") == 0
    out = capsys.readouterr().out
    assert out == ("#inc-42-checkout: 4 events (0 already there)\n"
                   "#incident-42-comms: 1 event (0 already there)\n"
                   "#random: 1 event (0 already there)\n"
                   "added 6 events to review 1 (0 already there)\n")
    assert {source for source, _text in _events(db_url)} == {
        "slack #inc-42-checkout", "slack #incident-42-comms", "slack #random"}


def test_all_channels_again_adds_nothing(db_url: str, review_id: int, export: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A second --all-channels finds every event already there."""
    assert _run(db_url, review_id, export, "--all-channels") == 0
    capsys.readouterr()
    assert _run(db_url, review_id, export, "--all-channels") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "added 0 events to review 1 (6 already there)"


def test_an_old_channel_name_is_accepted_and_the_rename_noted(db_url: str, review_id: int, export: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--channel incident-42 imports #inc-42-checkout and says the channel was renamed."""
    assert _run(db_url, review_id, export, "--channel", "incident-42") == 0
    out, err = capsys.readouterr()
    assert out == "added 4 events to review 1 (0 already there)\n"
    assert "debrief: note: #incident-42 is now #inc-42-checkout\n" in err
    assert ("slack #inc-42-checkout", "↳ reply to Priya 15:02 “rolling back the config push”: done") \
        in _events(db_url)


def test_several_channels_by_old_and_current_names(db_url: str, review_id: int, export: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--channel given twice, one by an old name: both channels, one transaction, counted per channel."""
    assert _run(db_url, review_id, export, "--channel", "#incident-42", "--channel", "incident-42-comms") == 0
    assert capsys.readouterr().out == ("#inc-42-checkout: 4 events (0 already there)\n"
                                       "#incident-42-comms: 1 event (0 already there)\n"
                                       "added 5 events to review 1 (0 already there)\n")


def test_channel_with_all_channels_is_refused(db_url: str, review_id: int, export: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Naming channels and asking for all of them: one line, exit 2, nothing written."""
    assert _run(db_url, review_id, export, "--channel", "random", "--all-channels") == 2
    assert _one_error_line(capsys.readouterr().err) == (
        "debrief: --channel and --all-channels do not go together: name the channels with --channel "
        "(repeatable), or take them all with --all-channels")
    assert _events(db_url) == []


def test_all_channels_is_refused_for_a_csv_file(db_url: str, review_id: int, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """--all-channels means nothing to a CSV file, and saying so beats ignoring it."""
    path = tmp_path / "events.csv"
    path.write_text("time,text\n2026-03-02T14:02:00Z,rollback\n", encoding="utf-8")
    assert _run(db_url, review_id, path, "--all-channels") == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"debrief: --all-channels is for Slack exports; {path} is not one")


def test_one_broken_channel_refuses_them_all(db_url: str, review_id: int, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A bad ts in #random: --all-channels writes nothing, naming the file and message."""
    files = export_files(CHANNELS)
    files["random/2026-03-02.json"] = [{"type": "message", "user": "U2", "text": "x", "ts": "soon"}]
    export = write_folder(tmp_path / "export", files)
    assert _run(db_url, review_id, export, "--all-channels") == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"debrief: {export}: random/2026-03-02.json, message 1: ts 'soon' is not a Slack time")
    assert _events(db_url) == []


def test_several_channels_without_a_choice_point_to_both_options(db_url: str, review_id: int, export: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """No --channel on a three-channel export: the channels are listed, with --channel and --all-channels."""
    assert _run(db_url, review_id, export) == 2
    assert _one_error_line(capsys.readouterr().err) == (
        f"debrief: {export}: the export has 3 channels, choose one: inc-42-checkout, incident-42-comms, "
        "random (--channel NAME, repeatable, or --all-channels)")
