"""Picking a note's speaker by typing @ and a few letters."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from models.snapshot import ParticipantRow
from views.capture_bar import CaptureBar

pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$", extend=True)

PEOPLE = (ParticipantRow(7, "Responder A", ("responder",), None, "", None),
          ParticipantRow(9, "Observer B", ("observer",), None, "", None))


@pytest.fixture
def bar(qtbot: Any) -> CaptureBar:
    widget = CaptureBar()
    qtbot.addWidget(widget)
    widget.set_participants(PEOPLE)
    widget.show()
    qtbot.waitExposed(widget)
    widget.focus_note()
    return widget


def test_at_name_enter_picks_the_speaker_then_enter_submits(qtbot: Any, bar: CaptureBar) -> None:
    """"@res" + Enter sets Responder A and drops the token; the next Enter submits with that author."""
    sent: list[tuple[str, str, int]] = []
    bar.submitted.connect(lambda *args: sent.append(args))
    qtbot.keyClicks(bar.note_edit, "@res")
    assert bar.mention_popup_open()
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert sent == []
    assert bar.text() == ""
    assert bar.speaker_combo.currentData() == 7
    assert not bar.mention_popup_open()
    qtbot.keyClicks(bar.note_edit, "the alert was noisy")
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert sent == [("the alert was noisy", "observation", 7)]
    bar.clear_after_submit()
    assert bar.speaker_combo.currentData() == -1


def test_mention_inside_the_text_is_removed_and_tab_chooses(qtbot: Any, bar: CaptureBar) -> None:
    """Tab picks too; text around the token keeps one space; matching is by contained letters."""
    qtbot.keyClicks(bar.note_edit, "we rolled back @SERV")
    assert bar.mention_popup_open()
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Tab)
    assert bar.text() == "we rolled back "
    assert bar.speaker_combo.currentData() == 9
    assert bar.note_edit.hasFocus()


def test_no_match_no_popup_and_email_is_not_a_mention(qtbot: Any, bar: CaptureBar) -> None:
    """Letters nobody's name holds, or an @ inside a word, open nothing; Enter then submits."""
    sent: list[tuple[str, str, int]] = []
    bar.submitted.connect(lambda *args: sent.append(args))
    qtbot.keyClicks(bar.note_edit, "mail ops@res")
    assert not bar.mention_popup_open()
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert sent == [("mail ops@res", "observation", -1)]


def test_escape_closes_and_ctrl_0_clears_the_speaker(qtbot: Any, bar: CaptureBar) -> None:
    """Escape closes the list, leaving the text; Ctrl+0 clears a chosen speaker."""
    qtbot.keyClicks(bar.note_edit, "@obs")
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Escape)
    assert not bar.mention_popup_open()
    assert bar.text() == "@obs"
    bar.set_speaker(7)
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert bar.speaker_combo.currentData() == -1


def test_enter_in_the_popup_itself_chooses(qtbot: Any, bar: CaptureBar) -> None:
    """Keys the list receives (as on a real screen) choose the highlighted name, never submit."""
    sent: list[tuple[str, str, int]] = []
    bar.submitted.connect(lambda *args: sent.append(args))
    qtbot.keyClicks(bar.note_edit, "@")
    popup = bar.speaker_completer.popup()
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert sent == []
    assert bar.speaker_combo.currentData() == 9
    assert bar.text() == ""
