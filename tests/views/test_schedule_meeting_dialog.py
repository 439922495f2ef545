"""The schedule-actions-meeting dialog: a date and time in the review's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from models.meetings import default_meeting_time
from views.schedule_meeting_dialog import ScheduleMeetingDialog


def test_the_default_shows_in_the_review_timezone(qtbot: QtBot) -> None:
    """09:00 UTC in March is 10:00 in Berlin; the value comes back as the same moment."""
    dialog = ScheduleMeetingDialog("Europe/Berlin", datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    qtbot.addWidget(dialog)
    assert dialog.time_edit.time().toString("HH:mm") == "10:00"
    assert dialog.value() == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert dialog.value().tzinfo == ZoneInfo("Europe/Berlin")


def test_the_default_is_at_least_a_day_later(qtbot: QtBot) -> None:
    """Proposed from the model's default, the dialog's value is a day or more after now."""
    now = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    dialog = ScheduleMeetingDialog("Europe/Berlin", default_meeting_time(now, ZoneInfo("Europe/Berlin")))
    qtbot.addWidget(dialog)
    assert (dialog.value() - now).total_seconds() >= 24 * 3600


@pytest.mark.parametrize(("code", "expected"), [(1, True), (0, False)])
def test_ask_returns_the_choice_or_none(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, code: int,
                                        expected: bool) -> None:
    """OK gives the chosen moment; Cancel gives None."""
    monkeypatch.setattr(ScheduleMeetingDialog, "exec", lambda self: code)
    default = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    chosen = ScheduleMeetingDialog.ask(None, "Europe/Berlin", default)
    assert chosen == (default if expected else None)
