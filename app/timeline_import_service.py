"""Bringing timelines in from files: preview first, then one all-or-nothing write."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from models.store import Library


class TimelineImportService(QObject):
    """Reads timeline files (CSV, Slack exports) for a preview and imports them.

    Signals:
        events_imported(int, int): review id, number of events added.
    """

    events_imported = Signal(int, int)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
