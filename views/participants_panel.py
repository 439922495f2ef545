"""Who was involved: the participants table, Add/Edit/Remove, and who is in the room now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QItemSelectionModel, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.review_service import ReviewService
from models.errors import DomainError
from models.reviews import StaleEditError
from models.snapshot import ParticipantRow, ReviewDoc
from models.write_fields import ParticipantFields
from views.models.participants_table_model import ParticipantsTableModel
from views.participant_dialog import ParticipantDialog
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog, field_label


def _value(participant: ParticipantRow, field: str) -> Any:
    """``participant``'s ``field`` as the dialog returns it (a list, not a tuple)."""
    value = getattr(participant, field)
    return list(value) if isinstance(value, tuple) else value


def _same(field: str, asked: Any, stored: Any) -> bool:
    """Whether the dialog's value is the stored one: roles in any order (the dialog lists them in
    the vocabulary's order, a bundle or the command line may have stored another)."""
    if field == "roles":
        return sorted(asked or []) == sorted(stored or [])
    return bool(asked == stored)


class ParticipantsPanel(QGroupBox):
    """The review's participants; each change goes through ``ReviewService`` as the user makes it.

    The panel keeps no copy of the review: ``doc`` returns the review shown
    (None while none) when the user acts. ``confirm_remove`` asks the user
    before a participant is removed. A refused change is said under the table.
    """

    def __init__(self, reviews: ReviewService, doc: Callable[[], ReviewDoc | None],
                 confirm_remove: Callable[[ParticipantRow], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Participants"))
        self.setObjectName("participants")
        self._reviews = reviews
        self._doc = doc
        self._confirm_remove = confirm_remove

        self._model = ParticipantsTableModel(self)
        self._model.attendance_toggled.connect(self._set_attended)
        table = QTableView()
        table.setObjectName("participantsTable")
        table.setModel(self._model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * 6)
        header = table.horizontalHeader()
        for column in range(self._model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ParticipantsTableModel.COL_BROUGHT_IN, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(self._edit_at)
        table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._table = table

        add = QPushButton(self.tr("Add…"))
        add.setObjectName("addParticipant")
        add.clicked.connect(self._add)
        self._edit_button = QPushButton(self.tr("Edit…"))
        self._edit_button.setObjectName("editParticipant")
        self._edit_button.clicked.connect(lambda: self._edit(self._selected()))
        self._remove_button = QPushButton(self.tr("Remove"))
        self._remove_button.setObjectName("removeParticipant")
        self._remove_button.clicked.connect(self._remove)

        self._message = QLabel()
        self._message.setObjectName("participantsMessage")
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: #c62828;")
        self._message.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self._edit_button)
        buttons.addWidget(self._remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        self._update_buttons()

    def show_review(self, doc: ReviewDoc, *, force: bool) -> None:
        """Show ``doc``'s participants and who is in the room.

        ``force`` (another review is shown) drops the selection and the message.
        """
        rows = list(doc.participants)
        if rows != self._model.rows():
            keep = None if force else self._selected()
            self._model.set_rows(rows)
            self._select(keep.id if keep is not None else None)
        self._model.set_attended(self._reviews.attendance(doc.id, running_only=True))
        if force:
            self._set_message("")
        self._update_buttons()

    def clear(self) -> None:
        """No review is shown."""
        self._model.set_rows([])

    def in_the_room(self) -> frozenset[int]:
        """The participant ids ticked "In the room"."""
        return self._model.attended()

    def _selected(self) -> ParticipantRow | None:
        rows = self._table.selectionModel().selectedRows()
        return self._model.row_at(rows[0].row()) if rows else None

    def _select(self, participant_id: int | None) -> None:
        row = next((i for i, p in enumerate(self._model.rows()) if p.id == participant_id), -1)
        selection = self._table.selectionModel()
        if row < 0:
            selection.clearSelection()
            return
        selection.setCurrentIndex(
            self._model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _add(self) -> None:
        doc = self._doc()
        if doc is None:
            return
        fields = ParticipantDialog.ask(self, None)
        if fields is None:
            return
        try:
            participant_id = self._reviews.add_participant(doc.id, **fields)
        except DomainError as exc:
            self._set_message(str(exc))
            return
        self._set_message("")
        self._select(participant_id)

    def _edit_at(self, index: QModelIndex) -> None:
        self._edit(self._model.row_at(index.row()))

    def _edit(self, participant: ParticipantRow | None) -> None:
        doc = self._doc()
        if doc is None or participant is None:
            return
        fields = ParticipantDialog.ask(self, participant)
        if fields is None:
            return
        changed = {k: v for k, v in fields.items() if not _same(k, v, _value(participant, k))}
        if not changed:
            return
        # Only what was changed, expecting what the dialog showed: a colleague's change to
        # another field stays, and one to the same field is asked about (never overwritten).
        expected: dict[str, object] = {field: _value(participant, field) for field in changed}
        kept_theirs = False
        while True:
            try:
                self._reviews.update_participant(doc.id, participant.id, expected=expected,
                                                 **cast(ParticipantFields, changed))
            except StaleEditError as exc:
                label = field_label("participant", exc.field)
                choice = StaleEditDialog.ask(self, exc, label, zone=doc.zone())
                if choice is StaleEditChoice.RELOAD:  # theirs for that field; the other changes still go
                    kept_theirs = True
                    changed.pop(exc.field, None)
                    expected.pop(exc.field, None)
                    if not changed:
                        self._set_message(self.tr("Kept the change made elsewhere; yours was not written."))
                        return
                    continue
                expected[exc.field] = exc.theirs  # keep mine: over what is stored now
                continue
            except DomainError as exc:
                self._set_message(str(exc))
                return
            break
        self._set_message(self.tr("Kept the change made elsewhere to that field; your other changes are "
                                  "written.") if kept_theirs else "")

    def _remove(self) -> None:
        participant = self._selected()
        if participant is None or not self._confirm_remove(participant):
            return
        try:
            self._reviews.delete_participant(participant.id)
        except DomainError as exc:
            self._set_message(str(exc))
            return
        self._set_message("")

    def _set_attended(self, participant_id: int, attended: bool) -> None:
        """Store a ticked or unticked "In the room" box in the running meeting (one starts if none runs)."""
        doc = self._doc()
        if doc is None:
            return
        try:
            self._reviews.set_attended(doc.id, participant_id, attended)
        except DomainError as exc:
            self._set_message(str(exc))
        else:
            self._set_message("")
        # Refused or not, show what is stored: the model ticked the box before the write.
        self._model.set_attended(self._reviews.attendance(doc.id, running_only=True))

    def _set_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        selected = self._selected() is not None
        self._edit_button.setEnabled(selected)
        self._remove_button.setEnabled(selected)
