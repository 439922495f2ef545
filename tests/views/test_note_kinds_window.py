"""Issue 10: a note typed with kind Learning is a learning, with kind Action an action, as one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(review_window: MainWindow) -> MainWindow:
    return review_window


def _say(window: MainWindow, qtbot: QtBot, text: str, kind_key: Qt.Key) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    qtbot.keyClick(field, kind_key, CTRL)  # Ctrl+5: learning, Ctrl+6: action (the note being typed)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _lists(window: MainWindow) -> tuple[list[str], list[str]]:
    panel = window.review_page.outcomes
    return ([panel.learnings_list.item(i).text() for i in range(panel.learnings_list.count())],
            [panel.actions_list.item(i).text() for i in range(panel.actions_list.count())])


def test_a_learning_note_shows_as_a_learning_and_undoes_as_one_step(window: MainWindow, qtbot: QtBot) -> None:
    window.services.meeting.go_to("learnings")
    _say(window, qtbot, "Sampling hides partial outages", Qt.Key.Key_5)
    assert _lists(window)[0] == ["• Sampling hides partial outages"]
    doc = window.services.current.doc
    assert doc is not None and [x.text for x in doc.learnings] == ["Sampling hides partial outages"]
    field = window.review_page.capture.note_edit
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert window.review_page.notes_model.rowCount() == 0
    assert _lists(window)[0] == ["Promote a note with Ctrl+L."]  # the empty list's hint
    assert window.services.current.doc is not None and window.services.current.doc.learnings == ()
    qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)
    assert window.review_page.notes_model.rowCount() == 1
    assert _lists(window)[0] == ["• Sampling hides partial outages"]


def test_an_action_note_is_an_action_titled_by_its_first_sentence(window: MainWindow, qtbot: QtBot) -> None:
    window.services.meeting.go_to("actions")
    _say(window, qtbot, "Alert on saved-cart checkouts. Nobody would notice a drop today.", Qt.Key.Key_6)
    assert _lists(window)[1] == ["• Alert on saved-cart checkouts."]
    report = window.services.reviews.report(window.review_page.review_id)  # type: ignore[arg-type]
    assert report is not None and [a.description for a in report.review.actions] == [
        "Alert on saved-cart checkouts. Nobody would notice a drop today."]
