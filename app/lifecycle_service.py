"""The lifecycle of the library's reviews: what is due, what is overdue, which actions are still open.

Read-only: the status and dates are written through ``ReviewService.update``
(a change of status stamps ``reviewed_at``/``closed_at``). The analysis window
(how many working days after resolution the analysis is due) is read from the
user's settings each time, through the ``working_days`` callable the app passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject

from app.clock import Clock, system_clock
from models import lifecycle
from models.lifecycle import DEFAULT_WORKING_DAYS, Due, DueState
from models.notes import OpenActionRow, list_open_actions
from models.review_summary import zone_named
from models.reviews import LifecycleRow, list_lifecycle
from models.store import Library

#: The settings key of the analysis window (a whole number of working days).
SETTING = "analysis_due_working_days"


@dataclass(frozen=True)
class DueReview:
    """One review whose analysis is due or overdue, with the dates that matter."""

    review: LifecycleRow
    due: Due

    @property
    def id(self) -> int:
        return self.review.id


@dataclass(frozen=True)
class OpenAction:
    """An open action of some review, and whether its own due date has passed (in the review's zone)."""

    action: OpenActionRow
    overdue: bool

    @property
    def review_id(self) -> int:
        return self.action.review_id


class LifecycleService(QObject):
    """Answers the library page and the open-actions page: what is due, overdue, open.

    ``working_days`` returns the analysis window (the user's setting); a value
    that is not a number of working days falls back to the default.
    """

    def __init__(self, library: Library, parent: QObject | None = None, *, clock: Clock = system_clock,
                 working_days: Callable[[], object] = lambda: DEFAULT_WORKING_DAYS) -> None:
        super().__init__(parent)
        self._library = library
        self._clock = clock
        self._working_days = working_days

    def working_days(self) -> int:
        """The analysis window now in force, in working days."""
        try:
            return lifecycle.check_working_days(self._working_days())
        except ValueError:
            return DEFAULT_WORKING_DAYS

    def today(self, timezone: str) -> date:
        """Today in the review's timezone (``timezone``): a due date is a day where the review lives."""
        return self._clock().astimezone(zone_named(timezone)).date()

    def due_states(self) -> dict[int, Due]:
        """Every review's due state by id (what the library list's due column shows), in one query."""
        with self._library.begin() as session:
            rows = list_lifecycle(session)
        return {row.id: self._due(row) for row in rows}

    def due_reviews(self, *, overdue_only: bool = False) -> list[DueReview]:
        """Reviews whose analysis is still to be done and has a due date: overdue first, then soonest due."""
        with self._library.begin() as session:
            rows = list_lifecycle(session, statuses=lifecycle.OPEN_STATUSES)
        found = [DueReview(row, self._due(row)) for row in rows]
        wanted = {DueState.OVERDUE} if overdue_only else {DueState.OVERDUE, DueState.DUE}
        found = [item for item in found if item.due.state in wanted]
        found.sort(key=lambda item: (item.due.due or date.max, item.id))
        return found

    def open_actions(self) -> list[OpenAction]:
        """Open and in-progress actions of every review, due soonest first, then those without a date."""
        with self._library.begin() as session:
            rows = list_open_actions(session, statuses=lifecycle.OPEN_ACTION_STATUSES)
        return [OpenAction(row, row.due is not None and row.due < self.today(row.timezone)) for row in rows]

    def due_of(self, rows: Mapping[int, LifecycleRow]) -> dict[int, Due]:
        """The due state of rows already read (for a caller that read them in its own query)."""
        return {ident: self._due(row) for ident, row in rows.items()}

    def _due(self, row: LifecycleRow) -> Due:
        return lifecycle.due_state(status=row.status, resolved_at=row.resolved_at,
                                   analysis_due=row.analysis_due, timezone=row.timezone,
                                   today=self.today(row.timezone), working_days=self.working_days())
