"""Every learning across the library: what the learnings page calls.

Read-only: learnings are written through ``CaptureService`` (each write
announces ``outcomes`` on the shared change hub, which the page follows).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from models.learnings_list import LibraryLearning, list_learnings
from models.store import Library


class LearningsService(QObject):
    """Reads the learnings of every review, each with the review it came from."""

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library

    def learnings(self) -> list[LibraryLearning]:
        """Every learning: by category, then newest review first (one query, one transaction)."""
        with self._library.begin() as session:
            return list_learnings(session)
