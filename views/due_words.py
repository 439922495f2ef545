"""A due date in words, for list cells: "due Mon 9 Mar", "overdue 3 days", and where it comes from.

Light to import (no widgets, no SQLAlchemy): the library list's due column reads
it at the window's first paint; the open actions page reads it too.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from models.lifecycle import Due, DueState

#: The red of an overdue date (the facts form's refusal red).
OVERDUE_COLOR = "#c62828"


def due_text(due: Due) -> str:
    """A review's analysis due state for a list cell: "due Mon 9 Mar", "overdue 3 days", "" when none."""
    if due.state is DueState.NONE or due.due is None or due.days_left is None:
        return ""
    if due.state is DueState.OVERDUE:
        days = -due.days_left
        if days == 1:
            return QCoreApplication.translate("Lifecycle", "overdue 1 day")
        return QCoreApplication.translate("Lifecycle", "overdue %1 days").replace("%1", str(days))
    if due.days_left == 0:
        return QCoreApplication.translate("Lifecycle", "due today")
    return QCoreApplication.translate("Lifecycle", "due %1").replace("%1", _day(due.due))


def due_tooltip(due: Due) -> str:
    """Where the due date comes from: set by someone, or working days after the resolution."""
    if due.due is None:
        return ""
    if due.explicit:
        return QCoreApplication.translate("Lifecycle", "Analysis due %1 (set for this review)").replace(
            "%1", due.due.isoformat())
    return QCoreApplication.translate("Lifecycle", "Analysis due %1 (working days after resolution)").replace(
        "%1", due.due.isoformat())


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"
