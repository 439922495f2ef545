"""A review's lifecycle: draft → scheduled → reviewed → closed, and the dates that matter.

Pure functions, no session: what is due when, and what a change of status
stamps. The analysis is due a number of working days (Monday to Friday) after
the incident was resolved, counted in the review's own timezone; the number is
a user setting (:data:`DEFAULT_WORKING_DAYS` by default), and a review may
carry a due date someone set instead (``Review.analysis_due``).

The analysis is *open* while the review is a draft or scheduled; once
reviewed (or closed) nothing is due any more.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.review_summary import zone_named

#: How many working days after resolution the analysis is due, unless the settings say otherwise.
DEFAULT_WORKING_DAYS = 5
#: The most working days the setting takes (about a year): more is a typo.
MAX_WORKING_DAYS = 260
#: Statuses of a review whose analysis is still to be done.
OPEN_STATUSES = ("draft", "scheduled")
#: Statuses of a review whose analysis is done.
DONE_STATUSES = ("reviewed", "closed")
#: Action statuses that still ask something of someone.
OPEN_ACTION_STATUSES = ("open", "in-progress")
#: Monday to Friday (``date.weekday()``).
WORKING_WEEKDAYS = frozenset(range(5))


class DueState(StrEnum):
    """Where a review stands against its analysis due date."""

    #: Nothing is due: the analysis is done, or there is no due date (not resolved yet).
    NONE = "none"
    #: Due later, or today.
    DUE = "due"
    #: The due date has passed and the analysis is not done.
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Due:
    """A review's analysis due date and where it stands on ``today``."""

    due: date | None
    state: DueState
    #: Days from today to the due date (negative: overdue by that many); None without a due date.
    days_left: int | None
    #: The due date was set by someone (True) or derived from the resolution (False).
    explicit: bool = False


def check_working_days(value: object) -> int:
    """``value`` as a number of working days for the setting; ``ValueError`` saying why otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WORKING_DAYS:
        raise ValueError(f"the analysis window must be a whole number of working days from 0 to "
                         f"{MAX_WORKING_DAYS}")
    return value


def add_working_days(start: date, days: int, *, holidays: Collection[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (Monday to Friday, ``holidays`` skipped).

    Counting starts the day after ``start``: resolved on a Friday, one working
    day later is Monday. Zero days is ``start`` itself, whatever day it is.
    """
    day = start
    left = check_working_days(days)
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() in WORKING_WEEKDAYS and day not in holidays:
            left -= 1
    return day


def derived_due(resolved_at: datetime | None, zone: ZoneInfo | str, working_days: int = DEFAULT_WORKING_DAYS,
                *, holidays: Collection[date] = ()) -> date | None:
    """The analysis due date: ``working_days`` after the day of resolution in ``zone`` (None: unresolved)."""
    if resolved_at is None:
        return None
    tz = zone_named(zone) if isinstance(zone, str) else zone
    return add_working_days(resolved_at.astimezone(tz).date(), working_days, holidays=holidays)


def due_state(*, status: str, resolved_at: datetime | None, analysis_due: date | None, timezone: str,
              today: date, working_days: int = DEFAULT_WORKING_DAYS, holidays: Collection[date] = ()) -> Due:
    """Where a review stands: its due date (set, or derived) and whether it is due or overdue ``today``.

    ``today`` is the reader's date; a due date is a calendar day, so the
    review is overdue from the day after it.
    """
    explicit = analysis_due is not None
    due = analysis_due if explicit else derived_due(resolved_at, timezone, working_days, holidays=holidays)
    if due is None:
        return Due(None, DueState.NONE, None, explicit)
    days_left = (due - today).days
    if status not in OPEN_STATUSES:
        return Due(due, DueState.NONE, days_left, explicit)
    return Due(due, DueState.OVERDUE if days_left < 0 else DueState.DUE, days_left, explicit)


def status_stamps(*, old: str, new: str, reviewed_at: datetime | None, closed_at: datetime | None,
                  now: datetime) -> tuple[datetime | None, datetime | None]:
    """``(reviewed_at, closed_at)`` after the status moves from ``old`` to ``new`` at ``now``.

    Reaching "reviewed" stamps when (once: a review closed and reopened keeps
    the first); reaching "closed" stamps when, and passes through "reviewed" if
    it had not been; going back to a status before one clears its stamp, so
    the dates always say how far the review got.
    """
    if new == old:
        return reviewed_at, closed_at
    if new in DONE_STATUSES:
        reviewed_at = reviewed_at or now
    else:
        reviewed_at = None
    if new == "closed":
        closed_at = now
    else:
        closed_at = None
    return reviewed_at, closed_at
