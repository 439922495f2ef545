"""The participants of a review, with an "In the room" checkbox for the running meeting's attendance."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from models.snapshot import ParticipantRow
from models.vocabulary import label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.models.snapshot_table_model import Column, Index, SnapshotTableModel

_CONTEXT = "ParticipantsTableModel"


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return QApplication.translate(_CONTEXT, "Yes") if value else QApplication.translate(_CONTEXT, "No")


def _roles_text(row: ParticipantRow) -> str:
    return ", ".join(QApplication.translate("vocabulary", label(role)) for role in row.roles)


_COLUMNS: tuple[Column[ParticipantRow], ...] = (
    Column(translate_noop(_CONTEXT, "Name"), lambda p: p.name),
    Column(translate_noop(_CONTEXT, "Roles"), _roles_text),
    Column(translate_noop(_CONTEXT, "On call"), lambda p: _yes_no(p.on_call)),
    Column(translate_noop(_CONTEXT, "Brought in"), lambda p: p.brought_in),
    Column(translate_noop(_CONTEXT, "Worked with team before"), lambda p: _yes_no(p.worked_with_team_before)),
    Column(translate_noop(_CONTEXT, "In the room"), lambda p: "",
           lambda p: QApplication.translate(_CONTEXT, "Attending the meeting now (Space ticks it)")),
)


class ParticipantsTableModel(SnapshotTableModel[ParticipantRow]):
    """The participants, one a row, and whether each is in the room of the running meeting.

    Ticking a box does not store anything itself: it emits ``attendance_toggled``
    and shows the new state until the view refreshes from the library.

    Signals:
        attendance_toggled(int, bool): participant id, whether they are in the room now.
    """

    COL_NAME, COL_ROLES, COL_ON_CALL, COL_BROUGHT_IN, COL_WORKED_BEFORE, COL_IN_ROOM = range(6)

    attendance_toggled = Signal(int, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, _CONTEXT, parent)
        self._attended: frozenset[int] = frozenset()

    def attended(self) -> frozenset[int]:
        return self._attended

    def set_attended(self, participant_ids: Iterable[int]) -> None:
        """Tick exactly ``participant_ids`` (the others are not in the room)."""
        attended = frozenset(participant_ids)
        if attended == self._attended:
            return
        self._attended = attended
        if self.rowCount():
            self.dataChanged.emit(self.index(0, self.COL_IN_ROOM),
                                  self.index(self.rowCount() - 1, self.COL_IN_ROOM),
                                  [Qt.ItemDataRole.CheckStateRole])

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_IN_ROOM:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        checkbox = index.isValid() and index.column() == self.COL_IN_ROOM
        if role == Qt.ItemDataRole.CheckStateRole and checkbox:
            row = self.row_at(index.row())
            if row is None:
                return None
            return Qt.CheckState.Checked if row.id in self._attended else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or index.column() != self.COL_IN_ROOM or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.set_attended(self._attended | {row.id} if checked else self._attended - {row.id})
        self.attendance_toggled.emit(row.id, checked)
        return True
