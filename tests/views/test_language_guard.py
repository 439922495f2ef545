"""Issue 10: the coach guards the room and the report: a flagged note waits for a rewording or a yes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.export_dialog import ExportDialog
from views.main_window import MainWindow
from views.models.notes_table_model import HELD_MARK, NotesTableModel

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
BLAME = "Bob should have checked the default, human error"


def _say(window: MainWindow, qtbot: QtBot, text: str) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _room_texts(window: MainWindow) -> list[str]:
    return [n.text for n in window.review_page.room_state().notes]


def test_a_flagged_note_is_kept_from_the_room_until_confirmed(review_window: MainWindow,
                                                              qtbot: QtBot) -> None:
    window = review_window
    _say(window, qtbot, "The dashboards looked normal")
    _say(window, qtbot, BLAME)
    assert _room_texts(window) == ["The dashboards looked normal"]
    assert "kept off the room view" in window.review_page.capture.status_label.text()
    shown = window.review_page.notes_model.index(1, NotesTableModel.COL_TEXT).data()
    assert shown.startswith(HELD_MARK)
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_K, CTRL_SHIFT)
    assert _room_texts(window) == ["The dashboards looked normal", BLAME]
    assert not window.review_page.notes_model.index(1, NotesTableModel.COL_TEXT).data().startswith(HELD_MARK)


def test_a_reworded_note_goes_to_the_room(review_window: MainWindow, qtbot: QtBot) -> None:
    window = review_window
    _say(window, qtbot, BLAME)
    assert _room_texts(window) == []
    note = window.services.current.doc.notes[0]  # type: ignore[union-attr]
    window.services.capture.update_note(window.review_page.review_id,  # type: ignore[arg-type]
                                        note.id, text="The default was strict and nothing said so")
    assert _room_texts(window) == ["The default was strict and nothing said so"]


def test_the_export_dialog_lists_flagged_notes_and_jumps_to_one(review_window: MainWindow, qtbot: QtBot,
                                                                monkeypatch: Any) -> None:
    window = review_window
    window.services.meeting.go_to("surprises")
    _say(window, qtbot, BLAME)
    window.services.meeting.go_to("learnings")
    jumped: list[int] = []

    def jump(note_id: int) -> None:
        jumped.append(note_id)
        window.review_page.show_note(note_id)

    dialog = ExportDialog(window.services, window.review_page.review_id,  # type: ignore[arg-type]
                          on_jump=jump)
    qtbot.addWidget(dialog)
    assert dialog.flagged_list.count() == 1
    assert BLAME in dialog.flagged_list.item(0).text()
    dialog.flagged_list.itemDoubleClicked.emit(dialog.flagged_list.item(0))
    assert jumped == [window.services.current.doc.notes[0].id]  # type: ignore[union-attr]
    assert window.services.meeting.phase_id == "surprises"
    assert window.review_page.selected_note() is not None
    assert window.review_page.selected_note().text == BLAME  # type: ignore[union-attr]
