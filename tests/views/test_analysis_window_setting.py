"""Settings ▸ Analysis window: the working days after resolution a review's analysis is due, kept and
shown in the library's Analysis column at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow
from views.models.library_table_model import LibraryTableModel


def test_the_window_is_asked_kept_and_counted(main_window: MainWindow, qtbot: QtBot,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = main_window
    resolved = datetime.now(UTC) - timedelta(days=10)
    window.services.reviews.create(title="Checkout errors", template="standard", resolved_at=resolved,
                                   started_at=resolved - timedelta(hours=2))
    window.library_page.refresh()
    cell = window.library_page.proxy.index(0, LibraryTableModel.COL_DUE)
    assert cell.data().startswith("overdue")  # ten days after: past five working days
    asked: list[tuple[int, int]] = []

    def ask(current: int, most: int) -> int | None:
        asked.append((current, most))
        return 30

    monkeypatch.setattr(window, "ask_analysis_window", ask)
    assert window.analysis_window_action.shortcut().toString() == "Ctrl+Shift+W"
    window.analysis_window_action.trigger()
    assert asked == [(5, 260)]
    assert window.services.settings.get("analysis_due_working_days") == 30
    qtbot.waitUntil(lambda: str(window.library_page.proxy.index(0, LibraryTableModel.COL_DUE).data())
                    .startswith("due"))
    monkeypatch.setattr(window, "ask_analysis_window", lambda current, most: None)  # cancelled: unchanged
    window.analysis_window_action.trigger()
    assert window.services.settings.get("analysis_due_working_days") == 30
