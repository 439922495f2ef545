"""Add or edit one participant of a review: name, roles and the context they came in with."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.snapshot import ParticipantRow
from models.vocabulary import ROLES, label

# The order of the yes/no/unknown combos; their index is the position here.
_TRI_STATE: tuple[bool | None, ...] = (None, True, False)


class ParticipantDialog(QDialog):
    """A modal form for one participant; :meth:`ask` runs it and returns the fields.

    The dialog never writes: the caller hands the returned dict to
    ``ReviewService.add_participant`` or ``update_participant``.
    """

    def __init__(self, parent: QWidget | None = None, initial: ParticipantRow | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("participantDialog")
        self.setWindowTitle(self.tr("Edit participant") if initial else self.tr("Add participant"))

        self._name = QLineEdit(self)
        self._name.setObjectName("name")
        self._name.setPlaceholderText(self.tr("Name or handle"))

        roles_box = QWidget(self)
        roles_box.setObjectName("roles")
        roles_layout = QGridLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        self._roles: dict[str, QCheckBox] = {}
        for index, role in enumerate(ROLES):
            box = QCheckBox(QApplication.translate("vocabulary", label(role)), roles_box)
            box.setObjectName(f"role-{role}")
            roles_layout.addWidget(box, index // 2, index % 2)
            self._roles[role] = box

        self._on_call = self._tri_state_combo("onCall")
        self._brought_in = QLineEdit(self)
        self._brought_in.setObjectName("broughtIn")
        self._brought_in.setPlaceholderText(self.tr("paged by alert, asked in chat…"))
        self._worked_before = self._tri_state_combo("workedWithTeamBefore")

        form = QFormLayout()
        form.addRow(self.tr("Name"), self._name)
        form.addRow(self.tr("Roles"), roles_box)
        form.addRow(self.tr("On call?"), self._on_call)
        form.addRow(self.tr("How were they brought in?"), self._brought_in)
        form.addRow(self.tr("Worked with this team before?"), self._worked_before)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._buttons)

        if initial is not None:
            self._fill(initial)
        self._name.textChanged.connect(self._update_ok)
        self._update_ok()

    @classmethod
    def ask(cls, parent: QWidget | None, initial: ParticipantRow | None = None) -> dict[str, Any] | None:
        """Run the dialog; the participant's fields, or None when cancelled."""
        dialog = cls(parent, initial)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.values()
        finally:
            dialog.deleteLater()

    def values(self) -> dict[str, Any]:
        """The fields as ``ReviewService.add_participant`` takes them."""
        return {
            "name": self._name.text().strip(),
            "roles": [role for role, box in self._roles.items() if box.isChecked()],
            "on_call": _TRI_STATE[self._on_call.currentIndex()],
            "brought_in": self._brought_in.text().strip(),
            "worked_with_team_before": _TRI_STATE[self._worked_before.currentIndex()],
        }

    def _fill(self, row: ParticipantRow) -> None:
        self._name.setText(row.name)
        for role, box in self._roles.items():
            box.setChecked(role in row.roles)
        self._on_call.setCurrentIndex(_TRI_STATE.index(row.on_call))
        self._brought_in.setText(row.brought_in)
        self._worked_before.setCurrentIndex(_TRI_STATE.index(row.worked_with_team_before))

    def _tri_state_combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        texts = {None: self.tr("Unknown"), True: self.tr("Yes"), False: self.tr("No")}
        for value in _TRI_STATE:
            combo.addItem(texts[value])
        return combo

    def _update_ok(self) -> None:
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self._name.text().strip()))
