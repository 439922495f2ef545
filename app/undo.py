"""Undo and redo: one QUndoStack for the app; its commands call services, never widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack


def create_undo_stack(parent: QObject | None = None) -> QUndoStack:
    """The app's undo stack."""
    return QUndoStack(parent)
