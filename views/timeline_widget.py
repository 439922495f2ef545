"""The timeline of a review as a table: when, what kind, what happened, how we know, who."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.review_service import ReviewService
from models.errors import DomainError
from models.snapshot import EventRow, ReviewDoc
from models.timeparse import format_local
from models.vocabulary import label
from views.event_dialog import EventDialog
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.models.snapshot_table_model import Column, SnapshotTableModel

_CONTEXT = "TimelineWidget"


class TimelineWidget(QWidget):
    """The events of one review, oldest first, with add and remove.

    Times show in the review's timezone; an approximate time reads "≈ 10:14".
    The widget refreshes itself from ``ReviewService.review_changed``.

    Signals:
        current_event_changed(int): the selected event's id, -1 when none is selected.
    """

    current_event_changed = Signal(int)

    COL_TIME, COL_KIND, COL_TEXT, COL_SOURCE, COL_WHO = range(5)

    def __init__(self, reviews: ReviewService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineWidget")
        self._reviews = reviews
        self._doc: ReviewDoc | None = None
        self._zone = ZoneInfo("UTC")
        self._current_id: int | None = None

        columns: tuple[Column[EventRow], ...] = (
            Column(translate_noop(_CONTEXT, "Time"), self._time_text, self._time_tooltip),
            Column(translate_noop(_CONTEXT, "Kind"),
                   lambda e: QApplication.translate("vocabulary", label(e.kind))),
            Column(translate_noop(_CONTEXT, "What happened"), lambda e: " ".join(e.text.split()),
                   lambda e: e.text),
            Column(translate_noop(_CONTEXT, "Source"), lambda e: e.source),
            Column(translate_noop(_CONTEXT, "Who"), lambda e: ", ".join(e.participants)),
        )
        self._model: SnapshotTableModel[EventRow] = SnapshotTableModel(columns, _CONTEXT, self)

        self._table = QTableView(self)
        self._table.setObjectName("events")
        self._table.setModel(self._model)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.verticalHeader().hide()
        header = self._table.horizontalHeader()
        for column in range(len(columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self._table.selectionModel().selectionChanged.connect(self._sync_current)

        self._add_button = QPushButton(self.tr("Add event…"), self)
        self._add_button.setObjectName("addEvent")
        self._add_button.setToolTip(self.tr("Add an event to the timeline (Ctrl+Shift+E)"))
        self._add_button.clicked.connect(self.add_event)
        self._remove_button = QPushButton(self.tr("Remove"), self)
        self._remove_button.setObjectName("removeEvent")
        self._remove_button.clicked.connect(self.remove_current_event)

        self._message = QLabel(self)
        self._message.setObjectName("message")
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: #c62828;")
        self._message.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self._add_button)
        buttons.addWidget(self._remove_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self._message)

        add_shortcut = QShortcut(QKeySequence("Ctrl+Shift+E"), self)
        add_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add_shortcut.activated.connect(self.add_event)
        remove_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self._table)
        remove_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_shortcut.activated.connect(self.remove_current_event)

        reviews.review_changed.connect(self._on_review_changed)
        reviews.review_deleted.connect(self._on_review_deleted)
        self._update_buttons()

    def show_review(self, doc: ReviewDoc) -> None:
        """Show ``doc``'s events; the selection survives when it is the same review."""
        same_review = self._doc is not None and self._doc.id == doc.id
        keep = self._current_id if same_review else None
        zone = doc.zone()
        changed = list(doc.events) != self._model.rows() or zone != self._zone
        self._doc = doc
        self._zone = zone
        if changed or not same_review:
            self._model.set_rows(doc.events)
            self.select_event(keep)
        self._set_message("")
        self._update_buttons()
        self._sync_current()

    def current_event_id(self) -> int | None:
        """The selected event's id, None when none is selected."""
        return self._current_id

    def select_event(self, event_id: int | None) -> None:
        """Select the event ``event_id`` (clear the selection for None or an unknown id)."""
        row = next((i for i, e in enumerate(self._model.rows()) if e.id == event_id), -1)
        selection = self._table.selectionModel()
        if row < 0:
            selection.clearSelection()
            return
        index = self._model.index(row, 0)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._table.scrollTo(index)

    def add_event(self) -> None:
        """Ask for a new event and add it to the review."""
        if self._doc is None:
            return
        fields = EventDialog.ask(self, self._doc)
        if fields is None:
            return
        try:
            event_id = self._reviews.add_event(self._doc.id, **fields)
        except DomainError as exc:
            self._set_message(str(exc))
            return
        self.select_event(event_id)

    def remove_current_event(self) -> None:
        """Remove the selected event, after asking."""
        event = self._doc.event(self._current_id) if self._doc is not None else None
        if event is None or not self.confirm_remove(event):
            return
        try:
            self._reviews.delete_event(event.id)
        except DomainError as exc:
            self._set_message(str(exc))

    def confirm_remove(self, event: EventRow) -> bool:
        """Whether the user agrees to remove ``event`` (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Remove event"),
            self.tr("Remove the event at {time}, “{text}”? Notes about it stay, without the link.").format(
                time=self._time_text(event), text=event.text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _time_text(self, event: EventRow) -> str:
        text = format_local(event.at, self._zone)
        return f"≈ {text}" if event.approximate else text

    def _time_tooltip(self, event: EventRow) -> str:
        utc = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        if event.approximate:
            return QApplication.translate(_CONTEXT, "{time} (estimated)").format(time=utc)
        return utc

    def _sync_current(self) -> None:
        rows = self._table.selectionModel().selectedRows()
        row = self._model.row_at(rows[0].row()) if rows else None
        event_id = row.id if row is not None else None
        if event_id != self._current_id:
            self._current_id = event_id
            self.current_event_changed.emit(-1 if event_id is None else event_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self._add_button.setEnabled(self._doc is not None)
        self._remove_button.setEnabled(self._doc is not None and self._current_id is not None)

    def _set_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(bool(text))

    def _on_review_changed(self, review_id: int) -> None:
        if self._doc is None or review_id != self._doc.id:
            return
        doc = self._reviews.get(review_id)
        if doc is None:
            self._on_review_deleted(review_id)
        else:
            self.show_review(doc)

    def _on_review_deleted(self, review_id: int) -> None:
        if self._doc is None or review_id != self._doc.id:
            return
        self._doc = None
        self._model.set_rows([])
        self._sync_current()
