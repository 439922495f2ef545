"""A crash report, not a crash: an exception that reaches the event loop is logged and explained.

PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries
on; the default hook prints a traceback to a terminal nobody in a meeting room
is looking at. :func:`install_excepthook` replaces it: the traceback goes to
the rotating crash log (app/crashlog.py) and a dialog says what happened,
where the log is, and that the window keeps running. Typed notes are already
committed (or kept in the note field), so closing the dialog loses nothing.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models.errors import StorageError

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class CrashReporter:
    """The window's ``sys.excepthook``: log, then one dialog at a time (never a cascade)."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._showing = False
        self._shown: set[tuple[str, str, int]] = set()
        #: Dialogs shown (tests read it; the dialog itself is modal and offscreen there).
        self.reports: list[str] = []
        self.show_dialog: Callable[[QWidget | None, str, str], None] = _show

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        from app.crashlog import record_crash  # logging.handlers: loaded on the first crash, not at start

        log = record_crash(kind, error, tb)
        if isinstance(error, StorageError):
            message = (f"Debrief could not use its library: {error}\n\nWhat is on screen is kept; "
                       "File ▸ Save this review elsewhere… (Ctrl+Shift+S) writes it to a file.")
        else:
            where = f"The details are in {log}." if log is not None else "No log could be written."
            message = (f"Something went wrong inside Debrief: {type(error).__name__}: {error}\n\n"
                       f"{where}\nDebrief keeps running; what you entered before this is stored.")
        self.reports.append(message)
        print(f"debrief: internal error: {type(error).__name__}: {error} "
              f"(details in {log})", file=sys.stderr)
        place = _where(kind, tb)
        if self._showing or place in self._shown:
            return  # logged; one dialog per place, so an error on every repaint cannot loop
        self._shown.add(place)
        self._showing = True
        try:
            self.show_dialog(self._parent(), message, "".join(traceback.format_exception(kind, error, tb)))
        finally:
            self._showing = False


def _where(kind: type[BaseException], tb: TracebackType | None) -> tuple[str, str, int]:
    """The exception's type and the innermost place it was raised."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    last = frames[-1] if frames else None
    return (kind.__name__, last.filename if last else "", last.lineno or 0 if last else 0)


def _show(parent: QWidget | None, message: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Debrief: something went wrong", message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(details)
    box.exec()


def install_excepthook(parent: Callable[[], QWidget | None] = lambda: None) -> CrashReporter:
    """Make a :class:`CrashReporter` the process's ``sys.excepthook``; returns it."""
    reporter = CrashReporter(parent)
    sys.excepthook = reporter
    return reporter
