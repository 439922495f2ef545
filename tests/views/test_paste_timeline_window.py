"""File ▸ Paste timeline… in the window: pasted lines become events, one Ctrl+Z takes them away again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow
from views.paste_timeline_dialog import PasteTimelineDialog
from views.timeline_import_dialog import TimelineImportDialog

NOTES = "Timeline (all times UTC)\n- 14:02 config push to checkout-eu (Bob)\n- 14:09 — first 5xx alerts\n" \
        "  on-call paged\n- 23:50 rollback started\n- 00:10 rollback done\n"


def test_pasted_lines_become_events_and_ctrl_z_takes_them_away(main_window: MainWindow, qtbot: QtBot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    services = main_window.services
    review_id = services.reviews.create(title="Checkout errors", template="standard", timezone="UTC",
                                        started_at=datetime(2025, 3, 11, 13, 0, tzinfo=UTC))
    main_window.open_review(review_id)
    assert main_window.paste_timeline_action.isEnabled()

    def paste(dialog: PasteTimelineDialog) -> int:
        dialog.editor.insertPlainText(NOTES)  # as a paste puts it into the field
        QTest.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    def preview(dialog: TimelineImportDialog) -> int:
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        assert dialog.import_button.text() == "Import 4 events"
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        return dialog.result()

    monkeypatch.setattr(PasteTimelineDialog, "exec", paste)
    monkeypatch.setattr(TimelineImportDialog, "exec", preview)
    main_window.paste_timeline_action.trigger()
    events = services.reviews.get(review_id).events  # type: ignore[union-attr]
    assert [(e.at, e.text) for e in events] == [
        (datetime(2025, 3, 11, 14, 2, tzinfo=UTC), "config push to checkout-eu"),
        (datetime(2025, 3, 11, 14, 9, tzinfo=UTC), "first 5xx alerts on-call paged"),
        (datetime(2025, 3, 11, 23, 50, tzinfo=UTC), "rollback started"),
        (datetime(2025, 3, 12, 0, 10, tzinfo=UTC), "rollback done"),  # past midnight: the next day
    ]
    assert "Added 4 events from the pasted timeline" in main_window.statusBar().currentMessage()
    main_window.undo_action.trigger()
    assert services.reviews.get(review_id).events == ()  # type: ignore[union-attr]
