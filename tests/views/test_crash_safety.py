"""Every note entered survives the app being killed (SIGKILL) right after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.snapshot import load_review
from models.store import open_library

# The child is the real app: a MainWindow on the offscreen platform, driven by
# key presses into the note field, printing each note once Enter has returned.
CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from app.bootstrap import open_services
    from views.main_window import MainWindow

    app = QApplication([])
    services = open_services(sys.argv[1])
    review_id = services.reviews.create(title="Power cut during the review", template="standard")
    window = MainWindow(services)
    window.show()
    window.open_review(review_id)
    field = window.review_page.capture.note_edit
    for number in range(int(sys.argv[2])):
        text = f"note {number}: the dashboards looked normal"
        QTest.keyClicks(field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)
        print(text, flush=True)
    print("done", flush=True)
    app.exec()  # keep running until killed
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_notes_survive_sigkill_right_after_entry(tmp_path: Path) -> None:
    """Kill -9 the app just after the last Enter; reopening shows every note entered."""
    url = f"sqlite:///{tmp_path / 'library.db'}"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    child = subprocess.Popen([sys.executable, str(script), url, "25"], stdout=subprocess.PIPE, text=True,
                             env=env, cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None
    printed = []
    try:
        for line in child.stdout:
            if line.strip() == "done":
                break
            printed.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert len(printed) == 25

    library = open_library(url)
    with library.begin() as session:
        doc = load_review(session, 1)
    library.close()
    assert doc is not None
    assert [n.text for n in doc.notes] == printed
    assert {n.phase for n in doc.notes} == {"level-setting"}


# Issue 10: what is on screen and not stored yet survives too, and the app reopens in the meeting.
HALF_TYPED = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPlainTextEdit
    from app.bootstrap import open_services
    from views.main_window import MainWindow

    app = QApplication([])
    services = open_services(sys.argv[1])
    review_id = services.reviews.create(title="Laptop out of battery", template="standard",
                                        summary="Checkout failed.")
    for minute in range(3):
        services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, minute, tzinfo=UTC),
                                   text=f"event {minute}")
    window = MainWindow(services)
    window.show()
    window.open_review(review_id)
    summary = window.review_page.level_setting.findChild(QPlainTextEdit, "summary")
    summary.setFocus()
    summary.moveCursor(summary.textCursor().MoveOperation.End)
    QTest.keyClicks(summary, " Orders from saved carts were lost")  # not left: never committed
    services.meeting.go_to("timeline")
    window.review_page.walkthrough.step(1)
    window.review_page.walkthrough.step(1)
    field = window.review_page.capture.note_edit
    field.setFocus()
    QTest.keyClicks(field, "The second alert was ignored because")
    QTest.qWait(1600)  # a second after the last key: kept on disk
    print("typed", flush=True)
    app.exec()  # keep running until killed
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_half_typed_note_and_an_edited_summary_survive_sigkill_and_the_meeting_reopens(
        tmp_path: Path, qtbot: object) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from app.bootstrap import build_services
    from views.main_window import MainWindow

    url = f"sqlite:///{tmp_path / 'library.db'}"
    data = tmp_path / "user-data"
    script = tmp_path / "child.py"
    # The child's data folder is the test's (the conftest points platformdirs there for this process).
    script.write_text(f"import platformdirs\nplatformdirs.user_data_dir = lambda *a, **k: {str(data)!r}\n"
                      + HALF_TYPED)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    child = subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE, text=True, env=env,
                             cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "typed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    library = open_library(url)
    try:
        with library.begin() as session:
            doc = load_review(session, 1)
        assert doc is not None and doc.summary == "Checkout failed." and doc.notes == ()  # nothing stored
        window = MainWindow(build_services(library))
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.show()
        assert window.resume_after_crash()
        page = window.review_page
        assert page.review_id == 1
        assert window.services.meeting.phase_id == "timeline"
        assert page.walkthrough.current_event() is not None
        assert page.walkthrough.current_event().text == "event 1"  # type: ignore[union-attr]
        assert page.capture.note_edit.text() == "The second alert was ignored because"
        summary = page.level_setting.findChild(QPlainTextEdit, "summary")
        assert summary is not None
        assert summary.toPlainText() == "Checkout failed. Orders from saved carts were lost"
        assert summary.document().isModified()  # shown as typed, stored when the field is left
        window.services.watch.stop()
    finally:
        library.close()
