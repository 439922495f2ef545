"""A Qt GUI application on demand, for drawing pictures and PDFs from the command line.

QtGui only (no widgets). Used by the PDF export and by the app's chart painter.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Qt platforms that draw without an X11 or Wayland server.
HEADLESS_PLATFORMS = frozenset(("offscreen", "minimal", "vnc", "eglfs", "linuxfb"))


@contextmanager
def gui_application() -> Iterator[None]:
    """A QGuiApplication for the duration of the block, if none is running.

    Fonts need one. On Linux it uses the offscreen platform unless a headless
    one is already chosen: drawing needs no window, and a set but dead DISPLAY
    (an SSH session without X forwarding) would abort the process inside Qt.
    It is shut down afterwards, so that a process that later makes its own
    QApplication (a test run, the window) still can.
    """
    # Imported here: the command line reads HEADLESS_PLATFORMS without loading Qt.
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    if QCoreApplication.instance() is not None:
        yield
        return
    argv = ["debrief"]
    if sys.platform.startswith("linux"):
        chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
        if chosen not in HEADLESS_PLATFORMS:
            argv += ["-platform", "offscreen"]
    app = QGuiApplication(argv)
    try:
        yield
    finally:
        app.shutdown()
