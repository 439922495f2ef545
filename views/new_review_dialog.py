"""Asks for what a new review needs before the meeting: title, template, severity."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.clock import local_zone_name
from models.catalog import Catalog


@dataclass(frozen=True)
class NewReview:
    title: str
    template: str
    severity: str | None
    timezone: str = "UTC"


class NewReviewDialog(QDialog):
    """Title, meeting template and severity of a new review."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New review"))
        self.setMinimumWidth(520)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("e.g. Checkout errors after config push"))
        self.template_combo = QComboBox()
        choices = sorted(catalog.review_templates().values(), key=lambda t: (t.id != "standard", t.name))
        for template in choices:
            self.template_combo.addItem(template.name, template.id)
            self.template_combo.setItemData(self.template_combo.count() - 1, template.description,
                                            role=3)  # ToolTipRole
        self.template_help = QLabel()
        self.template_help.setWordWrap(True)
        self.severity_combo = QComboBox()
        self.severity_combo.addItem(self.tr("Not set yet"), None)
        for severity in catalog.severities.values():
            self.severity_combo.addItem(f"{severity.id} — {severity.name}", severity.id)
            self.severity_combo.setItemData(self.severity_combo.count() - 1, severity.description, role=3)
        self.severity_help = QLabel()
        self.severity_help.setWordWrap(True)
        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self._zones = available_timezones()  # reads the zone database: once, not per keystroke
        self.timezone_combo.addItems(sorted(self._zones))
        self.timezone_combo.setCurrentText(local_zone_name())
        completer = QCompleter(self.timezone_combo.model(), self.timezone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone_combo.setCompleter(completer)
        self.timezone_help = QLabel(self.tr("Times of this review are typed and shown in this timezone."))
        self.timezone_help.setWordWrap(True)
        self._catalog = catalog

        form = QFormLayout()
        form.addRow(self.tr("&Title"), self.title_edit)
        form.addRow(self.tr("T&emplate"), self.template_combo)
        form.addRow("", self.template_help)
        form.addRow(self.tr("&Severity"), self.severity_combo)
        form.addRow("", self.severity_help)
        form.addRow(self.tr("Time&zone"), self.timezone_combo)
        form.addRow("", self.timezone_help)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create review"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.title_edit.textChanged.connect(self._update_ok)
        self.timezone_combo.currentTextChanged.connect(self._update_ok)
        self.template_combo.currentIndexChanged.connect(self._update_help)
        self.severity_combo.currentIndexChanged.connect(self._update_help)
        self._update_ok()
        self._update_help()

    @classmethod
    def ask(cls, catalog: Catalog, parent: QWidget | None = None) -> NewReview | None:
        """Show the dialog; the new review's fields, or None when cancelled."""
        dialog = cls(catalog, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def value(self) -> NewReview:
        return NewReview(self.title_edit.text().strip(), self.template_combo.currentData(),
                         self.severity_combo.currentData(), self.timezone_combo.currentText().strip())

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        zone_ok = self.timezone_combo.currentText().strip() in self._zones
        self.timezone_help.setText(self.tr("Times of this review are typed and shown in this timezone.")
                                   if zone_ok else self.tr("Not a timezone name: pick one from the list, "
                                                           "e.g. Europe/Berlin or America/New_York."))
        ok.setEnabled(bool(self.title_edit.text().strip()) and zone_ok)

    def _update_help(self) -> None:
        template = self._catalog.template(self.template_combo.currentData() or "")
        self.template_help.setText(template.description if template else "")
        severity = self._catalog.severity(self.severity_combo.currentData())
        self.severity_help.setText(severity.description if severity else
                                   self.tr("You can set the severity during level setting."))
