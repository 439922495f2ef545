"""The prompt deck's keys work while the note-taker is typing, without adding the half-typed note."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_meeting_flow import _create_review, _show_active

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow


def test_ctrl_return_marks_the_prompt_asked_and_keeps_the_typing(
    library: Library, catalog: Catalog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Enter in the note field advances the deck; the note being typed is neither added nor lost."""
    window = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(window)
    _show_active(qtbot, window)
    review_id = _create_review(window, monkeypatch, "standard")
    field = window.review_page.capture.note_edit
    first = window.services.prompts.current_prompt()
    qtbot.keyClicks(field, "half typed")
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.services.prompts.current_prompt() != first
    assert window.services.reviews.get(review_id).notes == ()  # type: ignore[union-attr]
    assert field.text() == "half typed"
