"""The window paints the library first, then opens it: what is asked for meanwhile is done, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.bootstrap import Services
from models.library_peek import peek_library
from views import launch
from views.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _reviews(services: Services, *titles: str) -> list[int]:
    return [services.reviews.create(title=t, template="standard") for t in titles]


def test_the_frame_lists_the_library_before_it_is_open(services: Services, db_url: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    _reviews(services, "Checkout outage", "DNS flap")
    window = MainWindow(rows=peek_library(db_url))
    qtbot.addWidget(window)
    window.show()
    page = window.library_page
    assert not window.ready
    assert page.table.isVisible() and page.model.rowCount() == 2
    assert not page.delete_button.isEnabled()  # nothing is deleted through a library not open yet
    assert not any(menu.isEnabled() for menu in window._menus)
    window.attach(services)
    assert window.ready and all(menu.isEnabled() for menu in window._menus)
    assert page.model.rowCount() == 2 and page.delete_button.isEnabled()


def test_a_review_opened_before_the_library_is_ready_opens_once_it_is(
        services: Services, db_url: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    first, second = _reviews(services, "Checkout outage", "DNS flap")
    window = MainWindow(rows=peek_library(db_url))
    qtbot.addWidget(window)
    window.show()
    window.library_page.select(first)
    window.library_page.open_button.click()
    assert "as soon as" in window.statusBar().currentMessage()
    window.attach(services, resume=True)
    assert window.review_page.review_id == first
    assert window.pages.currentWidget() is window.review_page


def test_a_new_review_asked_for_before_the_library_is_ready_is_asked_once_it_is(
        services: Services, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(rows=None)
    qtbot.addWidget(window)
    window.show()
    assert window.library_page.empty_label.text() == "Opening the library…"
    asked: list[bool] = []
    monkeypatch.setattr(MainWindow, "new_review", lambda self: asked.append(True))
    window.library_page.new_button.click()
    assert asked == []
    window.attach(services)
    qtbot.waitUntil(lambda: asked == [True])
    assert window.library_page.empty_label.text().startswith("No reviews yet")


def test_closing_before_the_library_is_open_just_closes(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(rows=[])
    qtbot.addWidget(window)
    window.show()
    assert window.close()


def test_launch_opens_the_library_after_the_first_paint(db_url: str, services: Services, qapp) -> None:  # type: ignore[no-untyped-def]
    _reviews(services, "Checkout outage")
    seen: dict[str, object] = {}

    def when_ready() -> None:
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        if not window.ready:
            QTimer.singleShot(20, when_ready)
            return
        seen["rows"] = window.library_page.model.rowCount()
        seen["status"] = window.statusBar().currentMessage()
        window.close()

    QTimer.singleShot(0, when_ready)
    assert launch.run(db_url) == 0
    assert seen["rows"] == 1 and str(seen["status"]).startswith("Library:")


def test_a_bug_while_opening_is_reported_and_ends_the_start(db_url: str, qapp,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import models.store

    def broken(url: str) -> None:
        raise RuntimeError("a bug in opening")

    monkeypatch.setattr(models.store, "open_library", broken)
    reports: list[str] = []
    real_install = launch.install_excepthook

    def install(parent):  # type: ignore[no-untyped-def]
        reporter = real_install(parent)
        reporter.show_dialog = lambda _parent, title, text: reports.append(text)
        return reporter

    monkeypatch.setattr(launch, "install_excepthook", install)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    assert launch.run(db_url) == 2
    assert len(reports) == 1 and "a bug in opening" in reports[0]


def test_the_first_paint_comes_before_sqlalchemy_is_loaded(db_url: str, services: Services,
                                                           tmp_path: Path) -> None:
    """In a process of its own (this one has loaded everything): the list paints, then the ORM loads."""
    _reviews(services, "Checkout outage", "DNS flap", "Disk full")
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication, QTableView
        import views.launch as launch
        app = QApplication(sys.argv)
        seen = []
        class Painted(QObject):
            def eventFilter(self, watched, event):
                table = watched.parent()
                if event.type() != QEvent.Type.Paint or not isinstance(table, QTableView):
                    return False
                if not seen:
                    seen.append((table.model().rowCount(), "sqlalchemy" in sys.modules))
                if table.window().ready:
                    seen.append(("ready", "sqlalchemy" in sys.modules))
                    app.quit()
                return False
        painted = Painted()
        app.installEventFilter(painted)
        status = launch.run(sys.argv[1])
        print(seen[0], seen[-1])
        sys.exit(status)
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", script, db_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[0] == "(3, False) ('ready', True)"


def test_the_first_start_creates_the_default_library(user_dirs: dict[str, Path], qapp) -> None:  # type: ignore[no-untyped-def]
    """No --db, no DEBRIEF_DB, no data folder yet (a new laptop): the window opens on a new, empty library."""
    assert not user_dirs["data"].exists()
    seen: dict[str, object] = {}

    def when_ready() -> None:
        window = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.isVisible()), None)
        if window is None or not window.ready:
            QTimer.singleShot(20, when_ready)
            return
        seen["status"] = window.statusBar().currentMessage()
        window.close()

    QTimer.singleShot(0, when_ready)
    assert launch.run(None) == 0
    assert (user_dirs["data"] / "library.db").is_file()
    assert str(seen["status"]).startswith("Library:")
