"""Meeting ▸ Schedule the review meeting…: the review is scheduled, the window and the library say so."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow
from views.models.library_table_model import LibraryTableModel
from views.schedule_meeting_dialog import ScheduleMeetingDialog


def test_scheduling_from_the_menu_makes_the_review_scheduled(review_window: MainWindow, qtbot: QtBot,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    window = review_window
    page = window.review_page
    assert page.doc is not None and page.doc.status == "draft"
    proposed: list[datetime] = []

    def answer(_parent: object, zone: str, default: datetime, *, kind: str = "actions") -> datetime:
        assert kind == "review" and zone == "UTC"
        proposed.append(default)
        return default + timedelta(hours=4)

    monkeypatch.setattr(ScheduleMeetingDialog, "ask", answer)
    assert window.schedule_review_action.isEnabled()
    assert window.schedule_review_action.shortcut().toString() == "Ctrl+Shift+M"
    qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(proposed) == 1 and proposed[0].hour == 10 and proposed[0].weekday() < 5
    qtbot.waitUntil(lambda: page.doc is not None and page.doc.status == "scheduled")
    assert "Review meeting scheduled for" in page.capture.status_label.text()
    window.show_library()
    library = window.library_page
    status = library.proxy.index(0, LibraryTableModel.COL_STATUS).data()
    when = proposed[0] + timedelta(hours=4)
    assert status == f"Scheduled · review meeting {when:%a} {when.day} {when:%b %H:%M}"


def test_the_dialog_says_why_soon_and_what_follows(qtbot: QtBot) -> None:
    dialog = ScheduleMeetingDialog("Europe/Berlin", datetime.fromisoformat("2026-03-09T10:00+01:00"),
                                   kind="review")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Schedule the review meeting"
    assert dialog.value() == datetime.fromisoformat("2026-03-09T10:00+01:00")
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "while memories are fresh" in texts and "marks it reviewed" in texts
    actions = ScheduleMeetingDialog("UTC", datetime.fromisoformat("2026-03-09T10:00+00:00"))
    qtbot.addWidget(actions)
    assert actions.windowTitle() == "Schedule actions meeting"
    assert "gives ideas time to settle" in " ".join(label.text() for label in actions.findChildren(QLabel))
