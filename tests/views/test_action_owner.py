"""Issue 10: the action's Owner field suggests the review's participants."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from models.snapshot import ActionRow
from views.outcome_dialogs import ActionDialog


def test_the_owner_field_suggests_participants_as_typed(qtbot: QtBot) -> None:
    action = ActionRow(1, "Alert on saved-cart checkouts", "", "", None, "medium", "open", "", None)
    dialog = ActionDialog(action, people=["Ana Silva", "Bob Kelly", "Dan Ito"])
    qtbot.addWidget(dialog)
    completer = dialog.owner_edit.completer()
    assert completer is not None
    completer.setCompletionPrefix("kel")
    assert completer.currentCompletion() == "Bob Kelly"
    dialog.owner_edit.setText("Bob Kelly")
    dialog.due_edit.setText("2026-04-01")
    value = dialog.value()
    assert value["owner"] == "Bob Kelly" and value["due"] == date(2026, 4, 1)
