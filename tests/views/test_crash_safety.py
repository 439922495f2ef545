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
