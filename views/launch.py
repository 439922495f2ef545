"""Start the window: the ``debrief.gui`` entry point the command line calls.

In two steps, so that a person sees their library at once. First, with
nothing heavier than PySide6 loaded, the window's frame paints with the
library's list read by the standard library's sqlite3 (models/library_peek.py).
Then a loader thread imports the rest (SQLAlchemy, Alembic when a migration is
due, the meeting page) and opens the library; back on the UI thread the
services are built and the window attached to them. A review opened or a new
one asked for meanwhile follows as soon as the library is open.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from models.library_peek import peek_library
from models.places import library_url
from views.crash_dialog import install_excepthook
from views.main_window import MainWindow

if TYPE_CHECKING:
    from models.store import Library

#: What the loader thread imports before it opens the library: the second step's modules.
SECOND_STEP = ("app.bootstrap", "views.review_page", "views.room_window")


class LibraryOpener(QObject):
    """Imports the second step's modules and opens the library on a thread of its own.

    A daemon thread, not the thread pool: closing the window at once must not wait for it.
    ``opened(Library)`` or ``failed(Exception)`` is emitted on the UI thread.
    """

    opened = Signal(object)
    failed = Signal(object)
    _done = Signal(object, object)

    def __init__(self, url: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url = url
        self._done.connect(self._deliver)  # emitted on the loader thread: queued to this object's (UI) thread

    def start(self) -> None:
        threading.Thread(target=self._load, name="debrief-open-library", daemon=True).start()

    def _load(self) -> None:
        from models.gc_pause import gc_paused

        try:
            # No cycle collection on this thread (see app/background.py): it would free Qt's
            # wrappers off the UI thread; the UI thread collects once the library is open.
            with gc_paused():
                for name in SECOND_STEP:
                    importlib.import_module(name)
                from models.store import open_library

                library = open_library(self._url)
        except Exception as exc:  # delivered to the UI thread, which says what it was
            self._done.emit(None, exc)
        else:
            self._done.emit(library, None)

    @Slot(object, object)
    def _deliver(self, library: Library | None, error: Exception | None) -> None:
        if error is not None:
            self.failed.emit(error)
        else:
            self.opened.emit(library)


class FirstPaint(QObject):
    """Calls ``then`` (on the next turn of the event loop) once ``widget`` has painted."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, then)
        return False


def run(db_url: str | None) -> int:
    """Open the library at ``db_url`` in the main window; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Debrief")
    app.setOrganizationName("Debrief")
    app.setApplicationDisplayName("Debrief")
    window = MainWindow(rows=peek_library(library_url(db_url)))
    install_excepthook(lambda: window)
    # The URL as given: the default library's folder is created on first use, a given one's is not.
    opener = LibraryOpener(db_url, window)
    opener.opened.connect(lambda library: _attach(window, library))
    opener.failed.connect(lambda error: _refuse(app, window, error))
    # The loader starts once the window has painted: until then it would share the one
    # interpreter lock with the first paint and slow it down.
    first_paint = FirstPaint(window, opener.start)
    window.show()
    status = app.exec()
    first_paint.deleteLater()
    return status


def _attach(window: MainWindow, library: Library) -> None:
    from app.bootstrap import build_services

    services = build_services(library)
    window.attach(services, resume=True)  # a meeting the last session left without closing: back where it was
    # After the first paint: the language coach's patterns compile while the room settles in.
    QTimer.singleShot(300, services.language_rules.warm)
    for problem in services.catalog.problems:
        print(f"debrief: warning: {problem}", file=sys.stderr)


def _refuse(app: QApplication, window: MainWindow, error: Exception) -> None:
    """The library cannot be opened: say why, and end with status 2 (nothing was changed)."""
    from PySide6.QtWidgets import QMessageBox

    from models.store import LibraryError

    window.hide()
    if isinstance(error, LibraryError):
        QMessageBox.critical(window, "Debrief", str(error))
        print(f"debrief: {error}", file=sys.stderr)
    else:  # a bug, not the library: the crash log and dialog
        sys.excepthook(type(error), error, error.__traceback__)
    app.exit(2)
