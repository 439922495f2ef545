"""Issue 10: private notes are made from the keyboard, marked as such, and never reach the room view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow
from views.models.notes_table_model import PRIVATE_MARK, NotesTableModel

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _say(window: MainWindow, qtbot: QtBot, text: str, *, private: bool = False) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    if private:
        qtbot.keyClick(field, Qt.Key.Key_H, CTRL_SHIFT)
        assert window.review_page.capture.is_private()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_a_private_note_is_stored_marked_and_kept_off_the_room_view(review_window: MainWindow,
                                                                    qtbot: QtBot) -> None:
    window = review_window
    _say(window, qtbot, "Bob seemed tired, ask him later", private=True)
    _say(window, qtbot, "The dashboards looked normal")
    doc = window.services.current.doc
    assert doc is not None
    assert [(n.text, n.private) for n in doc.notes] == [("Bob seemed tired, ask him later", True),
                                                       ("The dashboards looked normal", False)]
    assert not window.review_page.capture.is_private()  # for that note only
    model = window.review_page.notes_model
    shown = model.index(0, NotesTableModel.COL_TEXT).data()
    assert shown == f"{PRIVATE_MARK}Bob seemed tired, ask him later"
    assert [n.text for n in window.review_page.room_state().notes] == ["The dashboards looked normal"]


def test_the_key_on_an_empty_field_makes_the_note_just_added_private_and_undo_shares_it(
        review_window: MainWindow, qtbot: QtBot) -> None:
    window = review_window
    _say(window, qtbot, "Ana's manager asked about blame")
    field = window.review_page.capture.note_edit
    qtbot.keyClick(field, Qt.Key.Key_H, CTRL_SHIFT)
    assert [n.private for n in window.services.current.doc.notes] == [True]  # type: ignore[union-attr]
    assert window.review_page.room_state().notes == ()
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [n.private for n in window.services.current.doc.notes] == [False]  # type: ignore[union-attr]


def test_a_long_note_is_readable_in_place_when_selected(review_window: MainWindow, qtbot: QtBot) -> None:
    """Issue 10: one line a note, but the selected one grows to show all of its text."""
    window = review_window
    long_text = " ".join(["The dashboards sampled errors so the partial outage never showed"] * 6)
    _say(window, qtbot, long_text)
    _say(window, qtbot, "Short one")
    view = window.review_page.notes_view
    one_line = view.verticalHeader().defaultSectionSize()
    view.selectRow(0)
    assert view.rowHeight(0) > one_line * 2
    view.selectRow(1)
    assert view.rowHeight(0) == one_line
