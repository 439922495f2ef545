"""Asks when a review's meeting is held (the review meeting, or the actions meeting after it): a date
and time in the review's timezone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from views.i18n import QT_TRANSLATE_NOOP as translate_noop

SOAK_TIME_TEXT = translate_noop(
    "ScheduleMeetingDialog",
    "A day or more between the review and the actions meeting gives ideas time to settle, "
    "so the room decides with a clearer head.")
FRESH_TEXT = translate_noop(
    "ScheduleMeetingDialog",
    "Hold the review while memories are fresh: within the analysis window (a few working days "
    "after the incident is resolved). The review is then marked scheduled; ending its meeting "
    "marks it reviewed.")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class ScheduleMeetingDialog(QDialog):
    """A date and a time for the ``kind`` meeting ("actions" or "review"), in the review's timezone
    (``zone_name``)."""

    def __init__(self, zone_name: str, default: datetime, parent: QWidget | None = None, *,
                 kind: str = "actions") -> None:
        super().__init__(parent)
        review = kind == "review"
        if review:
            self.setWindowTitle(self.tr("Schedule the review meeting"))
        else:
            self.setWindowTitle(self.tr("Schedule actions meeting"))
        self.zone = _zone(zone_name)
        local = default.astimezone(self.zone)
        explain = QLabel(QApplication.translate("ScheduleMeetingDialog",
                                                FRESH_TEXT if review else SOAK_TIME_TEXT))
        explain.setWordWrap(True)
        self.date_edit = QDateEdit(QDate(local.year, local.month, local.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.time_edit = QTimeEdit(QTime(local.hour, local.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.date_edit)
        form.addRow(self.tr("Time (%1)").replace("%1", self.zone.key), self.time_edit)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def value(self) -> datetime:
        """The chosen moment, timezone-aware in the review's timezone."""
        day: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        clock = self.time_edit.time()
        return datetime.combine(day, time(clock.hour(), clock.minute()), tzinfo=self.zone)

    @classmethod
    def ask(cls, parent: QWidget | None, zone_name: str, default: datetime, *,
            kind: str = "actions") -> datetime | None:
        """The chosen moment, or None if the facilitator cancelled."""
        dialog = cls(zone_name, default, parent, kind=kind)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()
