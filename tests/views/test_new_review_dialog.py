"""The New review dialog: title, template, severity and the timezone times are typed in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from models.catalog import Catalog
from views.new_review_dialog import NewReviewDialog


def _ok(dialog: NewReviewDialog) -> bool:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_the_timezone_starts_as_the_machines(catalog: Catalog, qtbot: QtBot,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A facilitator in Berlin gets Europe/Berlin without choosing it."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    dialog = NewReviewDialog(catalog)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title_edit, "Checkout errors")
    assert dialog.value().timezone == "Europe/Berlin"
    assert _ok(dialog)


def test_an_unknown_timezone_keeps_ok_disabled_and_says_why(catalog: Catalog, qtbot: QtBot) -> None:
    """A mistyped zone cannot create a review that silently runs in the wrong time."""
    dialog = NewReviewDialog(catalog)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title_edit, "Checkout errors")
    dialog.timezone_combo.setCurrentText("Europe/Berln")
    assert not _ok(dialog)
    assert "Not a timezone name" in dialog.timezone_help.text()
    dialog.timezone_combo.setCurrentText("America/New_York")
    assert _ok(dialog) and dialog.value().timezone == "America/New_York"


def test_ok_needs_a_title(catalog: Catalog, qtbot: QtBot) -> None:
    """A review without a title cannot be created."""
    dialog = NewReviewDialog(catalog)
    qtbot.addWidget(dialog)
    assert not _ok(dialog)
