"""The open window shows what another program writes to the library, and keeps what is being typed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "tests" / "data" / "full_bundle.yaml"
CSV = ("time,text,kind,source,who\n"
       "2026-03-02T09:14:00Z,Config change rolled out,change,deploy log,Ana\n"
       "2026-03-02T10:21:30Z,Alert fires for checkout 5xx,detection,alert,Ana\n")


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    return main_window


def _debrief(tmp_path: Path, db_url: str, *args: str) -> subprocess.Popen[bytes]:
    """``debrief --db URL ARGS`` as another process (it does not block this window's event loop)."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cli-config"),
           "XDG_DATA_HOME": str(tmp_path / "cli-data")}
    return subprocess.Popen([sys.executable, "-m", "app", "--db", db_url, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _open_on_timeline(window: MainWindow) -> int:
    review_id = window.services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    window.open_review(review_id)
    window.services.meeting.go_to("timeline")
    return review_id


def test_cli_import_shows_in_the_open_timeline_and_keeps_the_note_being_typed(
        window: MainWindow, db_url: str, tmp_path: Path, qtbot: QtBot) -> None:
    """`debrief import-timeline` in a terminal: the events appear; the typed note, cursor and focus stay."""
    review_id = _open_on_timeline(window)
    page = window.review_page
    field = page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, "dashboards looked norm")
    field.setCursorPosition(10)
    csv = tmp_path / "events.csv"
    csv.write_text(CSV, encoding="utf-8")

    process = _debrief(tmp_path, db_url, "import-timeline", str(review_id), str(csv))
    try:
        qtbot.waitUntil(lambda: len(page.timeline.events()) == 2, timeout=8000)
    finally:
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert {e.text for e in page.timeline.events()} == {"Config change rolled out",
                                                        "Alert fires for checkout 5xx"}
    assert field.text() == "dashboards looked norm"
    assert field.cursorPosition() == 10
    assert QApplication.focusWidget() is field


def test_our_own_notes_cause_no_reload(window: MainWindow, qtbot: QtBot,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing notes (our own commits) never makes the watch reload the whole review."""
    _open_on_timeline(window)
    page = window.review_page
    loads = window.services.current.full_loads
    field = page.capture.note_edit
    field.setFocus()
    for text in ("Dashboards looked normal", "Errors were sampled out"):
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, "\r")
    assert len(page.notes_model.rows()) == 2
    window.services.watch.check()
    qtbot.wait(1500)  # at least one tick of the timer as well
    window.services.watch.check()
    assert window.services.current.full_loads == loads


def test_library_page_lists_a_review_imported_by_another_process(
        window: MainWindow, db_url: str, tmp_path: Path, qtbot: QtBot) -> None:
    """`debrief import bundle.yaml` in a terminal: the start page lists the new review."""
    assert window.library_page.model.rowCount() == 0
    process = _debrief(tmp_path, db_url, "import", str(BUNDLE))
    try:
        qtbot.waitUntil(lambda: window.library_page.model.rowCount() == 1, timeout=8000)
    finally:
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
