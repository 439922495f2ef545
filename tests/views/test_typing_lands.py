"""Typed words land in the note field, whatever the menus, the phases or the dialogs did (issue 10).

Keys are sent where Qt would send a real key: to the widget with the keyboard
focus (or the open menu), one by one, as a note-taker types without looking.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from views.event_dialog import EventDialog
from views.keys import redo_keys, undo_keys
from views.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(review_window: MainWindow) -> MainWindow:
    return review_window


def _where_keys_go(window: MainWindow) -> QWidget:
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return popup
    return QApplication.focusWidget() or window


def _press(window: MainWindow, qtbot: QtBot, key: Qt.Key, modifiers: Any = Qt.KeyboardModifier.NoModifier
           ) -> None:
    qtbot.keyClick(_where_keys_go(window), key, modifiers)


def _type(window: MainWindow, qtbot: QtBot, text: str) -> None:
    """Type ``text`` a key at a time, each to wherever the keyboard is at that moment."""
    for char in text:
        qtbot.keyClicks(_where_keys_go(window), char)


def _note_field_has(window: MainWindow, text: str) -> None:
    field = window.review_page.capture.note_edit
    assert field.text() == text
    assert QApplication.focusWidget() is field


def test_alt_v_then_escape_then_typing_lands_in_the_note_field(window: MainWindow, qtbot: QtBot) -> None:
    """The menu bar gives the keyboard back on Esc: 'S…' no longer opens Settings."""
    window.review_page.capture.focus_note()
    _press(window, qtbot, Qt.Key.Key_V, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    _press(window, qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    _type(window, qtbot, "Settings looked fine")
    _note_field_has(window, "Settings looked fine")
    assert window.menuBar().activeAction() is None


def test_alt_alone_then_typing_lands_in_the_note_field(window: MainWindow, qtbot: QtBot) -> None:
    """Alt pressed and released puts the menu bar in keyboard mode; the next letters are still a note."""
    window.review_page.capture.focus_note()
    _press(window, qtbot, Qt.Key.Key_Alt)
    _type(window, qtbot, "Ok")
    _note_field_has(window, "Ok")
    assert QApplication.activePopupWidget() is None


def test_after_a_phase_change_from_the_timeline_table_typing_lands(window: MainWindow, qtbot: QtBot) -> None:
    window.services.meeting.go_to("timeline")
    table = window.review_page.timeline.findChild(QWidget, "events")
    assert table is not None
    table.setFocus()
    _press(window, qtbot, Qt.Key.Key_PageDown, CTRL)
    assert window.services.meeting.phase_id != "timeline"
    _type(window, qtbot, "We were surprised")
    _note_field_has(window, "We were surprised")


def test_ctrl_f_escape_escape_then_ctrl_j_and_typing(window: MainWindow, qtbot: QtBot) -> None:
    """Ctrl+F from the note field filters the timeline; Esc twice leaves it; typing is a note again."""
    window.services.meeting.go_to("timeline")
    window.review_page.capture.focus_note()
    _press(window, qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is window.review_page.timeline.findChild(QWidget, "filter")
    _type(window, qtbot, "deploy")
    _press(window, qtbot, Qt.Key.Key_Escape)  # clears the filter
    _press(window, qtbot, Qt.Key.Key_Escape)  # to the table
    _type(window, qtbot, "Alerts")
    _note_field_has(window, "Alerts")
    _press(window, qtbot, Qt.Key.Key_J, CTRL)
    _type(window, qtbot, " fired")
    _note_field_has(window, "Alerts fired")


def test_ctrl_shift_e_from_the_note_field_adds_an_event_and_typing_lands_after(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    window.services.meeting.go_to("timeline")
    asked: list[bool] = []
    monkeypatch.setattr(EventDialog, "ask", staticmethod(lambda parent, doc, **_kw: asked.append(True)))
    window.review_page.capture.focus_note()
    _press(window, qtbot, Qt.Key.Key_E, CTRL | SHIFT)
    assert asked == [True]
    window.review_page.phase_list.setFocus()  # where a closed dialog may leave the keyboard
    _type(window, qtbot, "Back to notes")
    _note_field_has(window, "Back to notes")


def test_space_still_ticks_a_box_and_fields_keep_their_keys(window: MainWindow, qtbot: QtBot) -> None:
    """The guard leaves text fields alone: the level-setting title takes its own letters."""
    window.services.meeting.go_to("level-setting")
    title = window.review_page.level_setting.findChild(QWidget, "title")
    assert title is not None
    title.setFocus()
    _type(window, qtbot, "X")
    assert window.review_page.capture.note_edit.text() == ""
    assert window.typing_guard.redirected == 0


def test_ctrl_z_then_ctrl_shift_z_and_ctrl_y_restore_a_note(window: MainWindow, qtbot: QtBot) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    _type(window, qtbot, "Paging worked")
    _press(window, qtbot, Qt.Key.Key_Return)
    assert [r.text for r in window.review_page.notes_model.rows()] == ["Paging worked"]
    _press(window, qtbot, Qt.Key.Key_Z, CTRL)
    assert window.review_page.notes_model.rows() == []
    _press(window, qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [r.text for r in window.review_page.notes_model.rows()] == ["Paging worked"]
    _press(window, qtbot, Qt.Key.Key_Z, CTRL)
    _press(window, qtbot, Qt.Key.Key_Y, CTRL)
    assert [r.text for r in window.review_page.notes_model.rows()] == ["Paging worked"]


def test_no_key_sequence_is_bound_twice_to_undo_or_redo(window: MainWindow) -> None:
    """A sequence listed twice on one action is an 'ambiguous shortcut overload': neither fires."""
    for keys in (undo_keys(), redo_keys(), window.redo_action.shortcuts(), window.undo_action.shortcuts()):
        texts = [k.toString(QKeySequence.SequenceFormat.PortableText) for k in keys]
        assert len(texts) == len(set(texts))
    assert QKeySequence("Ctrl+Y") in window.redo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()


def test_add_event_starts_at_the_walkthrough_s_event(window: MainWindow, qtbot: QtBot,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10: Ctrl+Shift+E while walking offers the time of the event being discussed."""
    from datetime import UTC, datetime

    review_id = window.review_page.review_id
    assert review_id is not None
    for minute in (0, 10, 20):
        window.services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, minute, tzinfo=UTC),
                                          text=f"at {minute}")
    window.services.meeting.go_to("timeline")
    window.review_page.walkthrough.step(1)
    window.review_page.walkthrough.step(1)  # 09:10
    offered: list[object] = []
    monkeypatch.setattr(EventDialog, "ask", staticmethod(
        lambda parent, doc, near=None: offered.append(near)))
    window.review_page.capture.focus_note()
    _press(window, qtbot, Qt.Key.Key_E, CTRL | SHIFT)
    assert offered == [datetime(2026, 3, 2, 9, 10, tzinfo=UTC)]


def test_side_panels_can_be_hidden_and_say_how_to_come_back(window: MainWindow, qtbot: QtBot) -> None:
    """Issue 10: the phase's content can have the whole width; the status bar says how to undo it."""
    assert window.review_page.side_panels_shown()
    window.panels_action.trigger()
    assert not window.review_page.side_panels_shown()
    assert "Ctrl+Shift+F11" in window.statusBar().currentMessage()
    window.panels_action.trigger()
    assert window.review_page.side_panels_shown()


def _close_modal_later(qtbot: QtBot, closed: list[str]) -> None:
    """Esc on the modal dialog once it is up (as a person would), then note its name."""
    from PySide6.QtCore import QTimer

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close)
            return
        closed.append(type(dialog).__name__)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(20, close)


def test_after_closing_each_dialog_typing_lands_in_the_note_field(window: MainWindow, qtbot: QtBot) -> None:
    """The export dialog, the cheat sheet, the event dialog: closed with Esc, the next words are a note."""
    window.services.meeting.go_to("timeline")
    closed: list[str] = []
    typed = ""
    for keys in ((Qt.Key.Key_E, CTRL), (Qt.Key.Key_E, CTRL | SHIFT)):
        window.review_page.capture.focus_note()
        _close_modal_later(qtbot, closed)
        _press(window, qtbot, *keys)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        window.activateWindow()  # what the window manager does when a dialog closes
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        _type(window, qtbot, "ab")
        typed += "ab"
        _note_field_has(window, typed)
    assert closed == ["ExportDialog", "EventDialog"]
    _press(window, qtbot, Qt.Key.Key_F1)  # the cheat sheet: a window beside the main one
    sheet = window.shortcuts_dialog
    assert sheet is not None and sheet.isVisible()
    qtbot.keyClick(sheet, Qt.Key.Key_Escape)
    window.activateWindow()
    _type(window, qtbot, "c")
    _note_field_has(window, typed + "c")
