"""Start the window: the ``debrief.gui`` entry point the command line calls."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.bootstrap import open_services
from models.store import LibraryError
from views.crash_dialog import install_excepthook
from views.main_window import MainWindow


def run(db_url: str | None) -> int:
    """Open the library at ``db_url`` in the main window; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Debrief")
    app.setOrganizationName("Debrief")
    app.setApplicationDisplayName("Debrief")
    window: MainWindow | None = None
    install_excepthook(lambda: window)
    try:
        services = open_services(db_url)
    except LibraryError as exc:
        QMessageBox.critical(None, "Debrief", str(exc))
        print(f"debrief: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(services)
    window.show()
    window.resume_after_crash()  # a meeting the last session left without closing: back where it was
    # After the first paint: the language coach's patterns compile while the room settles in.
    QTimer.singleShot(300, services.language_rules.warm)
    for problem in services.catalog.problems:
        print(f"debrief: warning: {problem}", file=sys.stderr)
    return app.exec()
