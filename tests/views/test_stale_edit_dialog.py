"""The Reload / Keep mine dialog of a stale edit: both values shown, Reload unless Keep mine is chosen."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.reviews import StaleEditError
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog, show_value


def _error(field: str = "title", theirs: object = "Bob's title",
           mine: object = "Alice's title") -> StaleEditError:
    return StaleEditError(7, field, started_from="Old title", theirs=theirs, mine=mine)


def test_the_dialog_shows_theirs_and_mine(qtbot: QtBot) -> None:
    """The field's name, what is stored now and what was typed: nothing typed is lost from sight."""
    dialog = StaleEditDialog(_error(), "Title")
    qtbot.addWidget(dialog)
    assert "“Title” was changed by someone else" in dialog.text()
    assert "Now stored: Bob's title" in dialog.informativeText()
    assert "Yours: Alice's title" in dialog.informativeText()
    assert dialog.defaultButton() is dialog.reload_button and dialog.escapeButton() is dialog.reload_button


@pytest.mark.parametrize(("button", "choice"), [("keep_button", StaleEditChoice.KEEP_MINE),
                                                ("reload_button", StaleEditChoice.RELOAD)])
def test_ask_returns_the_choice(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, button: str,
                                choice: StaleEditChoice) -> None:
    """Clicking a button answers ask() with what it means."""
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, StaleEditDialog)
        getattr(dialog, button).click()

    QTimer.singleShot(0, click)
    assert StaleEditDialog.ask(None, _error(), "Title") is choice


def test_closing_the_dialog_reloads(qtbot: QtBot) -> None:
    """Escape or the window's close: theirs is kept (the choice that overwrites nothing)."""
    dialog = StaleEditDialog(_error(), "Title")
    qtbot.addWidget(dialog)
    assert dialog.choice() is StaleEditChoice.RELOAD


@pytest.mark.parametrize(("value", "shown"), [
    (None, "(empty)"),
    ("", "(empty)"),
    (["checkout", "config-service"], "checkout, config-service"),
    ("reviewed", "Reviewed"),
    ("near-miss", "Near miss"),
    (datetime(2026, 3, 2, 9, 14, tzinfo=UTC), "2026-03-02 10:14 CET"),
    ("x" * 500, "x" * 399 + "…"),
])
def test_values_read_as_the_form_shows_them(value: object, shown: str, qapp: object) -> None:
    """Times in the review's zone, lists with commas, vocabulary by its label, long text cut."""
    assert show_value(value, ZoneInfo("Europe/Berlin")) == shown
