"""The lifecycle, pure: working days after resolution, due and overdue, the stamps a status change makes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.lifecycle import (
    DEFAULT_WORKING_DAYS,
    DueState,
    add_working_days,
    check_working_days,
    derived_due,
    due_state,
    status_stamps,
)

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("start", "days", "due"), [
    (MONDAY, 5, date(2026, 3, 9)),            # Monday + 5 working days: the next Monday
    (date(2026, 3, 6), 1, date(2026, 3, 9)),   # Friday + 1: Monday
    (date(2026, 3, 7), 1, date(2026, 3, 9)),   # Saturday + 1: Monday
    (date(2026, 3, 8), 5, date(2026, 3, 13)),  # Sunday + 5: Friday
    (date(2026, 3, 7), 0, date(2026, 3, 7)),   # zero days: the day itself, weekend or not
    (MONDAY, 10, date(2026, 3, 16)),
])
def test_working_days_skip_weekends(start: date, days: int, due: date) -> None:
    """Counting starts the day after; Saturdays and Sundays are not counted."""
    assert add_working_days(start, days) == due


def test_holidays_are_skipped_too() -> None:
    """A holiday given is not a working day."""
    assert add_working_days(MONDAY, 1, holidays={date(2026, 3, 3)}) == date(2026, 3, 4)


@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 1, 1)), days=st.integers(0, 260))
def test_the_due_date_is_a_working_day_after_exactly_that_many(start: date, days: int) -> None:
    """Property: ``days`` weekdays lie after ``start`` up to the due date, which is one itself (days > 0)."""
    due = add_working_days(start, days)
    weekdays = sum(1 for n in range(1, (due - start).days + 1)
                   if date.fromordinal(start.toordinal() + n).weekday() < 5)
    assert weekdays == days
    if days:
        assert due.weekday() < 5


@pytest.mark.parametrize("value", [-1, 261, 2.5, "5", True, None])
def test_a_window_that_is_no_number_of_working_days_is_refused(value: object) -> None:
    """The setting is a whole number from 0 to 260."""
    with pytest.raises(ValueError, match="whole number of working days"):
        check_working_days(value)


def test_the_resolution_day_is_the_reviews_own() -> None:
    """Resolved at 23:30 UTC on a Thursday: already Friday in Tokyo, so one working day later is Monday."""
    resolved = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert derived_due(resolved, "UTC", 1) == date(2026, 3, 6)
    assert derived_due(resolved, "Asia/Tokyo", 1) == date(2026, 3, 9)
    assert derived_due(resolved, "America/New_York", 1) == date(2026, 3, 6)
    assert derived_due(None, "UTC") is None


RESOLVED = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _due(status: str = "draft", *, resolved: datetime | None = RESOLVED, set_to: date | None = None,
         today: date = date(2026, 3, 9)) -> tuple[date | None, DueState, int | None]:
    due = due_state(status=status, resolved_at=resolved, analysis_due=set_to, timezone="Europe/Berlin",
                    today=today)
    return due.due, due.state, due.days_left


def test_an_open_review_is_due_until_its_day_then_overdue() -> None:
    """Due on the due day itself; overdue from the day after."""
    assert DEFAULT_WORKING_DAYS == 5
    assert _due(today=date(2026, 3, 5)) == (date(2026, 3, 9), DueState.DUE, 4)
    assert _due(today=date(2026, 3, 9)) == (date(2026, 3, 9), DueState.DUE, 0)
    assert _due(today=date(2026, 3, 10)) == (date(2026, 3, 9), DueState.OVERDUE, -1)
    assert _due("scheduled", today=date(2026, 3, 12))[1] == DueState.OVERDUE


@pytest.mark.parametrize("status", ["reviewed", "closed"])
def test_nothing_is_due_once_reviewed(status: str) -> None:
    """The analysis is done: no due state, whatever the date (the due date is still told)."""
    assert _due(status, today=date(2027, 1, 1))[:2] == (date(2026, 3, 9), DueState.NONE)


def test_a_due_date_someone_set_wins_over_the_derived_one() -> None:
    """A facilitator moved it: that day counts, and says it was set."""
    due = due_state(status="draft", resolved_at=None, analysis_due=date(2026, 3, 20), timezone="UTC",
                    today=date(2026, 3, 21))
    assert (due.due, due.state, due.explicit) == (date(2026, 3, 20), DueState.OVERDUE, True)


def test_an_unresolved_review_has_nothing_due() -> None:
    """No resolution, no date set: nothing is due yet."""
    assert _due(resolved=None) == (None, DueState.NONE, None)


@pytest.mark.parametrize(("old", "new", "before", "after"), [
    ("draft", "reviewed", (None, None), (NOW, None)),
    ("draft", "closed", (None, None), (NOW, NOW)),
    ("reviewed", "closed", (MONDAY, None), (MONDAY, NOW)),
    ("closed", "reviewed", (MONDAY, MONDAY), (MONDAY, None)),
    ("closed", "draft", (MONDAY, MONDAY), (None, None)),
    ("reviewed", "scheduled", (MONDAY, None), (None, None)),
    ("reviewed", "reviewed", (MONDAY, None), (MONDAY, None)),
    ("draft", "scheduled", (None, None), (None, None)),
])
def test_a_change_of_status_stamps_how_far_the_review_got(old: str, new: str, before: tuple[object, object],
                                                          after: tuple[object, object]) -> None:
    """Reaching reviewed or closed stamps now (reviewed once); going back clears what no longer holds."""
    reviewed_at, closed_at = before
    assert status_stamps(old=old, new=new, reviewed_at=reviewed_at, closed_at=closed_at,  # type: ignore[arg-type]
                         now=NOW) == after
