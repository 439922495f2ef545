"""Someone else changed the field you were editing: keep theirs (reload) or keep yours.

Shown when ``ReviewService.update(..., expected=...)`` raises
:class:`~models.reviews.StaleEditError`. Nothing has been written when it
opens, and both values are on it, so whichever is chosen nothing typed is
lost. "Reload" (the default, and what Escape does) keeps what the other person
stored; "Keep mine" writes yours over it (``ReviewService.keep_mine``).
Tests replace :meth:`StaleEditDialog.ask`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models.reviews import StaleEditError
from models.timefmt import labelled
from models.vocabulary import LABELS, label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop

#: How much of a long value (a summary) the dialog shows.
SHOWN_CHARACTERS = 400


class StaleEditChoice(StrEnum):
    """What the person chose to do about a field someone else changed."""

    #: Keep what is stored now (theirs); the form shows it.
    RELOAD = "reload"
    #: Write mine over theirs.
    KEEP_MINE = "keep-mine"


class StaleEditDialog(QMessageBox):
    """Says whose change is stored and what yours was; asks Reload or Keep mine."""

    def __init__(self, error: StaleEditError, field_label: str, parent: QWidget | None = None, *,
                 zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staleEditDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Changed by someone else"))
        self.setText(self.tr("“%1” was changed by someone else while you were editing it.").replace(
            "%1", field_label))
        self.setInformativeText(
            self.tr("Now stored: %1\nYours: %2\n\nReload keeps theirs; Keep mine writes yours over it.")
            .replace("%1", show_value(error.theirs, zone, none=self.tr("(empty)")))
            .replace("%2", show_value(error.mine, zone, none=self.tr("(empty)"))))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy either value
        self.reload_button = self.addButton(self.tr("&Reload"), QMessageBox.ButtonRole.RejectRole)
        self.keep_button = self.addButton(self.tr("&Keep mine"), QMessageBox.ButtonRole.AcceptRole)
        self.reload_button.setObjectName("reloadButton")
        self.keep_button.setObjectName("keepMineButton")
        self.setDefaultButton(self.reload_button)
        self.setEscapeButton(self.reload_button)

    @classmethod
    def ask(cls, parent: QWidget | None, error: StaleEditError, field_label: str, *,
            zone: tzinfo | None = None) -> StaleEditChoice:
        """Run the dialog; Reload unless "Keep mine" was chosen."""
        dialog = cls(error, field_label, parent, zone=zone)
        try:
            dialog.exec()
            return dialog.choice()
        finally:
            dialog.deleteLater()

    def choice(self) -> StaleEditChoice:
        """What the clicked button means (Reload when none was: closed, Escape)."""
        if self.clickedButton() is self.keep_button:
            return StaleEditChoice.KEEP_MINE
        return StaleEditChoice.RELOAD


def show_value(value: Any, zone: tzinfo | None = None, *, none: str = "(empty)") -> str:
    """A field's value as the dialog says it: a time in the review's zone, a list comma-separated."""
    if value is None or value == "" or value == [] or value == ():
        return none
    if isinstance(value, datetime):
        return labelled(value, zone) if zone is not None and value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(str(item) for item in value)
    text = str(value)
    if text in LABELS:  # a status, kind, category or priority: its label
        text = QApplication.translate("vocabulary", label(text))
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


#: What each edited field is called in the dialog, by what was edited (the facts form has its own).
_FIELD_LABELS = {
    ("note", "text"): translate_noop("StaleEdit", "The note"),
    ("note", "kind"): translate_noop("StaleEdit", "The note's kind"),
    ("learning", "text"): translate_noop("StaleEdit", "The learning"),
    ("learning", "category"): translate_noop("StaleEdit", "The learning's category"),
    ("action", "title"): translate_noop("StaleEdit", "The action's title"),
    ("action", "description"): translate_noop("StaleEdit", "The action's description"),
    ("action", "owner"): translate_noop("StaleEdit", "The action's owner"),
    ("action", "due"): translate_noop("StaleEdit", "The action's due date"),
    ("action", "priority"): translate_noop("StaleEdit", "The action's priority"),
    ("action", "status"): translate_noop("StaleEdit", "The action's status"),
    ("action", "link"): translate_noop("StaleEdit", "The action's link"),
    ("event", "at"): translate_noop("StaleEdit", "The event's time"),
    ("event", "text"): translate_noop("StaleEdit", "The event's text"),
    ("event", "kind"): translate_noop("StaleEdit", "The event's kind"),
    ("event", "source"): translate_noop("StaleEdit", "The event's source"),
    ("event", "approximate"): translate_noop("StaleEdit", "Whether the event's time is an estimate"),
    ("event", "participants"): translate_noop("StaleEdit", "The event's people"),
    ("event", "detail"): translate_noop("StaleEdit", "The event's detail"),
    ("participant", "name"): translate_noop("StaleEdit", "The participant's name"),
    ("participant", "roles"): translate_noop("StaleEdit", "The participant's roles"),
    ("participant", "on_call"): translate_noop("StaleEdit", "Whether they were on call"),
    ("participant", "brought_in"): translate_noop("StaleEdit", "How they were brought in"),
    ("participant", "worked_with_team_before"): translate_noop(
        "StaleEdit", "Whether they had worked with the team before"),
}


def field_label(item: str, field: str) -> str:
    """What the dialog calls ``field`` of a ``item`` ("action", "title": "The action's title")."""
    known = _FIELD_LABELS.get((item, field))
    if known is None:
        return field.replace("_", " ").capitalize()
    return QApplication.translate("StaleEdit", known)
