"""Ctrl+Z / Ctrl+Shift+Z from the empty note field undo and redo notes, promotions and deletes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(review_window: MainWindow) -> MainWindow:
    return review_window


def _field(window: MainWindow):  # type: ignore[no-untyped-def]
    field = window.review_page.capture.note_edit
    field.setFocus()
    return field


def _say(window: MainWindow, qtbot: QtBot, text: str) -> None:
    field = _field(window)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == ""


def _texts(window: MainWindow) -> list[str]:
    review_id = window.review_page.review_id
    assert review_id is not None
    return [n.text for n in window.services.capture.notes(review_id)]


def _undo(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(_field(window), Qt.Key.Key_Z, CTRL)


def _redo(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(_field(window), Qt.Key.Key_Z, CTRL_SHIFT)


def test_added_note_is_undone_and_redone_by_keys(window: MainWindow, qtbot: QtBot) -> None:
    """Enter adds a note; Ctrl+Z in the empty field removes it, Ctrl+Shift+Z brings it back."""
    _say(window, qtbot, "Paging reached the right person")
    _say(window, qtbot, "Dashboards looked normal")
    before = window.services.capture.notes(window.review_page.review_id)  # type: ignore[arg-type]
    _undo(window, qtbot)
    assert _texts(window) == ["Paging reached the right person"]
    assert window.review_page.notes_model.rowCount() == 1
    _redo(window, qtbot)
    assert window.services.capture.notes(window.review_page.review_id) == before  # type: ignore[arg-type]
    assert window.review_page.notes_model.rowCount() == 2


def test_kind_change_promotion_and_delete_undo_by_keys(window: MainWindow, qtbot: QtBot,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+2 on the note just added, Ctrl+L and Delete are each one Ctrl+Z step."""
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    capture = window.services.capture
    _say(window, qtbot, "Sampling hid the errors")
    (note,) = capture.notes(review_id)
    qtbot.keyClick(_field(window), Qt.Key.Key_2, CTRL)
    assert capture.get_note(note.id).kind != note.kind  # type: ignore[union-attr]
    _undo(window, qtbot)
    assert capture.get_note(note.id) == note
    _redo(window, qtbot)

    qtbot.keyClick(_field(window), Qt.Key.Key_L, CTRL)  # the note just added stays selected
    assert len(capture.outcomes(review_id)[0]) == 1
    _undo(window, qtbot)
    assert capture.outcomes(review_id)[0] == ()
    _redo(window, qtbot)
    (learning,) = capture.outcomes(review_id)[0]
    assert learning.note_id == note.id and page.outcomes.learnings_list.count() >= 1

    stored = capture.get_note(note.id)
    monkeypatch.setattr(page, "confirm", lambda title, text: True)
    page.notes_view.setFocus()
    page.notes_view.selectRow(0)
    qtbot.keyClick(page.notes_view, Qt.Key.Key_Delete)
    assert capture.notes(review_id) == ()
    _undo(window, qtbot)
    assert capture.get_note(note.id) == stored
    assert capture.outcomes(review_id)[0][0].note_id == note.id
    assert page.notes_model.row_of(note.id) >= 0


def test_refused_edit_shows_in_the_status_line(window: MainWindow, qtbot: QtBot) -> None:
    """A refused write (promoting a note twice) is said under the note field and leaves no step."""
    _say(window, qtbot, "Config service accepts unknown keys")
    page = window.review_page
    page.promote_selected("learning")
    steps = window.services.undo.count()
    page.promote_selected("learning")
    assert "already a learning" in page.capture.status_label.text()
    assert window.services.undo.count() == steps
