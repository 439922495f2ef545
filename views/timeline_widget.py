"""The timeline editor: events in time order, edited in place, filtered as you type, every edit undoable."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.changes import ReviewChanges
from app.lock_wait import brief_waits
from app.open_review import PRECISE_LIMIT, OpenReview
from app.review_service import ReviewService
from app.undo import (
    UNDO_WAIT_MS,
    AddEventCommand,
    DeleteEventCommand,
    EditEventCommand,
    EventCommand,
    push_written,
)
from models.errors import DomainError, InvalidFieldError
from models.reviews import StaleEditError
from models.snapshot import EventRow, ReviewDoc
from models.timefmt import APPROXIMATE, relative
from models.vocabulary import EVENT_KINDS, label
from views.event_dialog import EventDialog
from views.form_inputs import let_shrink
from views.keys import redo_keys, undo_keys
from views.models.timeline_filter_model import TimelineFilterProxyModel
from views.models.timeline_table_model import TimelineTableModel
from views.shortcuts_dialog import SHORTCUT_GROUP, SHORTCUT_LABEL
from views.style import icon
from views.timeline_delegates import KindDelegate, TimeDelegate

_M = TimelineTableModel
#: The share of the table's width "What happened" keeps, whatever the screen.
TEXT_SHARE = 0.35
#: Narrower than this, the Source column is hidden rather than cut to a letter or two.
MIN_SOURCE_WIDTH = 64


class TimelineWidget(QWidget):
    """The events of one review, oldest first: add, edit in place, re-time, remove, filter, undo.

    Times show in the review's timezone ("10:14", or with the date when the
    timeline spans days; "≈ 10:14" when estimated) with the offset from the
    incident start ("T+1h05m"). Every change is a command on the undo stack
    (Ctrl+Z / Ctrl+Shift+Z here), committed the moment it is made. It shows
    the open review (``OpenReview``) and follows its change sets: an event
    added, changed or removed is one row; a timeline changed wholesale is
    brought in step with precise row changes where few rows differ.

    For the walkthrough, :meth:`set_current_event` marks one event (amber row,
    marker bar at the left) independently of the selection; :meth:`step` and
    :meth:`jump_to_time` move that mark over the events the filter shows.

    Signals:
        current_event_changed(int): the selected event's id, -1 when none is selected.
        highlighted_event_changed(int): the walkthrough's current event id, -1 for none.
    """

    current_event_changed = Signal(int)
    highlighted_event_changed = Signal(int)

    COL_TIME, COL_OFFSET, COL_KIND, COL_TEXT, COL_SOURCE, COL_WHO = range(6)

    def __init__(self, reviews: ReviewService, current: OpenReview, parent: QWidget | None = None, *,
                 undo: QUndoStack | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineWidget")
        self._reviews = reviews
        self._current = current
        self._undo = undo if undo is not None else QUndoStack(self)
        #: The id of the review shown (the review itself is ``current.doc``).
        self._shown: int | None = None
        self._current_id: int | None = None

        self._model = TimelineTableModel(self)
        self._proxy = TimelineFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._model.edit_requested.connect(self._edit)
        self._model.edit_rejected.connect(lambda _event_id, reason: self._set_message(reason))

        self._table = QTableView(self)
        self._table.setObjectName("events")
        self._table.setModel(self._proxy)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                    | QAbstractItemView.EditTrigger.EditKeyPressed)
        self._table.setSortingEnabled(False)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._time_delegate = TimeDelegate(parent=self._table)
        self._table.setItemDelegateForColumn(self.COL_TIME, self._time_delegate)
        self._table.setItemDelegateForColumn(self.COL_KIND, KindDelegate(self._table))
        self._size_columns()
        self._table.selectionModel().selectionChanged.connect(self._sync_current)

        self._filter = QLineEdit(self)
        self._filter.setObjectName("filter")
        self._filter.setPlaceholderText(self.tr("Filter events… (Ctrl+F)"))
        self._filter.setClearButtonEnabled(True)
        self._filter.textChanged.connect(self._proxy.set_text)
        self._kind_filter = QComboBox(self)
        self._kind_filter.setObjectName("kindFilter")
        self._kind_filter.addItem(self.tr("All kinds"), None)
        for kind in EVENT_KINDS:
            self._kind_filter.addItem(QApplication.translate("vocabulary", label(kind)), kind)
        self._kind_filter.currentIndexChanged.connect(
            lambda _i: self._proxy.set_kind(self._kind_filter.currentData()))
        self._people_filter = QComboBox(self)
        self._people_filter.setObjectName("participantFilter")
        let_shrink(self._people_filter, 12)  # names are the review's own: some are very long
        self._people_filter.addItem(self.tr("Everyone"), None)
        self._people_filter.currentIndexChanged.connect(
            lambda _i: self._proxy.set_participant(self._people_filter.currentData()))
        self._count = QLabel(self)
        self._count.setObjectName("filterCount")
        # Room for the longest count, so the filter field does not jump while typing.
        self._count.setMinimumWidth(self._count.fontMetrics().horizontalAdvance(
            self.tr("{shown} of {total} events").format(shown="99,999", total="99,999")))
        for signal in (self._proxy.rowsInserted, self._proxy.rowsRemoved):
            signal.connect(self._update_count)
        self._proxy.modelReset.connect(self._update_count)
        # The time column's width follows what it shows (a one-day timeline has no dates in its cells).
        self._model.modelReset.connect(self._fit_columns)
        self._model.headerDataChanged.connect(lambda *_args: self._fit_columns())
        self._proxy.layoutChanged.connect(self._update_count)
        # A filter change keeps the selected event selected while it shows; when the filter
        # hides it the view drops it without a selectionChanged, so ask the view again.
        self._proxy.layoutChanged.connect(self._sync_current)

        self._add_button = QPushButton(self.tr("Add event…"), self)
        self._add_button.setObjectName("addEvent")
        self._add_button.setToolTip(self.tr("Add an event to the timeline (Ctrl+Shift+E)"))
        self._add_button.clicked.connect(self.add_event)
        self._remove_button = QPushButton(self.tr("Remove"), self)
        self._remove_button.setObjectName("removeEvent")
        self._remove_button.setToolTip(self.tr("Remove the selected event (Delete); Ctrl+Z brings it back"))
        self._remove_button.clicked.connect(self.remove_current_event)
        self._add_button.setIcon(icon("add", self._add_button))
        self._remove_button.setIcon(icon("remove", self._remove_button))
        self._detail_button = QPushButton(self.tr("Detail…"), self)
        self._detail_button.setObjectName("editDetail")
        self._detail_button.setToolTip(self.tr("The selected event's longer text: a ticket's description, "
                                               "an alert's body (Ctrl+Shift+D); Ctrl+Z takes an edit back"))
        self._detail_button.clicked.connect(self.edit_current_detail)

        self._message = QLabel(self)
        self._message.setObjectName("message")
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: #c62828;")
        self._message.hide()

        # Filters, count and the add/remove buttons on one line above the table, which gets the rest.
        filters = QHBoxLayout()
        filters.addWidget(self._filter, 1)
        filters.addWidget(self._kind_filter)
        filters.addWidget(self._people_filter)
        filters.addWidget(self._count)
        filters.addSpacing(8)
        filters.addWidget(self._add_button)
        filters.addWidget(self._detail_button)
        filters.addWidget(self._remove_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._message)

        self.undo_action = self._undo_action(self._undo.createUndoAction(self, self.tr("Undo")), undo_keys())
        self.redo_action = self._undo_action(self._undo.createRedoAction(self, self.tr("Redo")), redo_keys())
        self._install_shortcuts()

        current.changed.connect(self._current_changed)
        self._update_count()
        self._update_buttons()
        if current.doc is not None:
            self._show_new(current.doc)

    # public
    def current_event_id(self) -> int | None:
        """The selected event's id, None when none is selected."""
        return self._current_id

    def select_event(self, event_id: int | None) -> None:
        """Select the event ``event_id`` (clear the selection for None or an unknown id).

        An event the filters hide is shown by clearing the filters first.
        """
        selection = self._table.selectionModel()
        source_row = self._model.row_of(event_id) if event_id is not None else -1
        if source_row < 0:
            selection.clearSelection()
            return
        index = self._proxy.mapFromSource(self._model.index(source_row, 0))
        if not index.isValid():
            self._clear_filters()
            index = self._proxy.mapFromSource(self._model.index(source_row, 0))
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._table.scrollTo(index)

    def add_event(self) -> None:
        """Ask for a new event and add it to the review (undoable)."""
        doc = self._current.doc
        if doc is None:
            return
        walked = self._model.event_by_id(self._model.current())
        fields = EventDialog.ask(self, doc, near=walked.at if walked is not None else None)
        if fields is None:
            return
        command = AddEventCommand(self._reviews, doc.id, fields, on_error=self._command_failed)
        if self._push(command) and command.event_id is not None:
            self.select_event(command.event_id)

    def edit_current_detail(self) -> None:
        """Edit the selected event's detail (the longer text beside its one line); undoable."""
        event = self._model.event_by_id(self._current_id)
        if self._current.doc is None or event is None:
            return
        began = event.detail  # what the dialog opened on: a colleague's change meanwhile is asked about
        wanted = self.ask_detail(event)
        if wanted is not None and wanted.strip() != began:
            self._edit(event.id, "detail", wanted.strip(), expected=began)

    def ask_detail(self, event: EventRow) -> str | None:
        """The detail typed for ``event`` (None: cancelled); tests replace this."""
        text, accepted = QInputDialog.getMultiLineText(
            self, self.tr("Event detail"), self.tr("Detail of “%1”:").replace("%1", event.text[:80]),
            event.detail)
        return text if accepted else None

    def remove_current_event(self) -> None:
        """Remove the selected event, after asking (undoable; undo links its notes again)."""
        event = self._model.event_by_id(self._current_id)
        doc = self._current.doc
        if doc is None or event is None or not self.confirm_remove(event):
            return
        row = self._table.selectionModel().currentIndex().row()
        command = DeleteEventCommand(self._reviews, doc.id, event.id, event.text,
                                     on_error=self._command_failed)
        if self._push(command) and self._proxy.rowCount() > 0:
            neighbour = self._proxy.index(min(max(row, 0), self._proxy.rowCount() - 1), 0)
            self.select_event(neighbour.data(_M.IdRole))

    def confirm_remove(self, event: EventRow) -> bool:
        """Whether the user agrees to remove ``event`` (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Remove event"),
            self.tr("Remove the event at {time}, “{text}”? Ctrl+Z brings it back, with its notes.").format(
                time=self._model.time_text(event), text=event.text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def set_undo_shortcuts(self, enabled: bool) -> None:
        """Whether Ctrl+Z / Ctrl+Shift+Z work here through this widget's own actions.

        A window with its own Edit ▸ Undo/Redo on the same stack turns these off:
        two actions with one shortcut are ambiguous, and then neither fires.
        """
        for action in (self.undo_action, self.redo_action):
            if enabled and action not in self.actions():
                self.addAction(action)
            elif not enabled:
                self.removeAction(action)

    def share_shortcuts(self, host: QWidget) -> None:
        """Let Ctrl+F (filter) and Ctrl+Shift+E (add event) work anywhere in ``host``, an ancestor.

        The meeting page passes itself: the keys then work from the note field,
        where the keyboard is. (Bound once, on ``host``: twice would be ambiguous.)
        """
        for action in (self.add_event_action, self.find_action):
            self.removeAction(action)
            host.addAction(action)

    def undo_stack(self) -> QUndoStack:
        """The stack this widget's edits go on."""
        return self._undo

    def events(self) -> tuple[EventRow, ...]:
        """Every event shown (filters aside), in time order, as stored."""
        return tuple(self._model.rows())

    def visible_event_ids(self) -> list[int]:
        """The ids of the events the filters let through, in time order."""
        return [self._proxy.index(row, 0).data(_M.IdRole) for row in range(self._proxy.rowCount())]

    # public: walkthrough
    def set_current_event(self, event_id: int | None) -> None:
        """Mark ``event_id`` as the walkthrough's current event (distinct from the selection) and show it."""
        if event_id is not None and self._model.row_of(event_id) < 0:
            event_id = None
        changed = event_id != self._model.current()
        self._model.set_current(event_id)
        if event_id is not None:
            index = self._proxy.mapFromSource(self._model.index(self._model.row_of(event_id), 0))
            if index.isValid():
                self._table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if changed:
            self.highlighted_event_changed.emit(-1 if event_id is None else event_id)

    def highlighted_event_id(self) -> int | None:
        """The walkthrough's current event id (None when none is marked)."""
        return self._model.current()

    def step(self, delta: int) -> int | None:
        """Move the walkthrough mark ``delta`` events on (negative: back) among the shown events.

        With no mark yet, a step forward starts at the first event and a step
        back at the last. Stops at either end. Returns the new current id.
        """
        count = self._proxy.rowCount()
        if count == 0:
            return None
        current = self._model.current()
        row = -1
        if current is not None and self._model.row_of(current) >= 0:
            row = self._proxy.mapFromSource(self._model.index(self._model.row_of(current), 0)).row()
        if row < 0:
            row = 0 if delta >= 0 else count - 1
        else:
            row = min(max(row + delta, 0), count - 1)
        event_id = self._proxy.index(row, 0).data(_M.IdRole)
        self.set_current_event(event_id)
        return int(event_id)

    def jump_to_time(self, moment: datetime) -> int | None:
        """Mark the first shown event at or after ``moment`` (the last one when all are earlier)."""
        source_row = self._model.row_at_or_after(moment)
        while source_row < self._model.rowCount():
            index = self._proxy.mapFromSource(self._model.index(source_row, 0))
            if index.isValid():
                event_id = int(index.data(_M.IdRole))
                self.set_current_event(event_id)
                return event_id
            source_row += 1
        count = self._proxy.rowCount()
        if count == 0:
            return None
        event_id = int(self._proxy.index(count - 1, 0).data(_M.IdRole))
        self.set_current_event(event_id)
        return event_id

    # private
    def _undo_action(self, action: QAction, keys: list[QKeySequence]) -> QAction:
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _install_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.add_event_action = QAction(self.tr("Add event…"), self)
        self.add_event_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.add_event_action.triggered.connect(self.add_event)
        self.find_action = QAction(self.tr("Filter events"), self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self._focus_filter)
        self.detail_action = QAction(self.tr("Edit the event's detail…"), self)
        self.detail_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.detail_action.triggered.connect(self.edit_current_detail)
        for action, text in ((self.add_event_action, self.tr("Add an event to the timeline")),
                             (self.find_action, self.tr("Filter the timeline's events")),
                             (self.detail_action, self.tr("Edit the selected event's detail"))):
            action.setShortcutContext(context)
            action.setProperty(SHORTCUT_GROUP, "Timeline & walkthrough")  # for the F1 cheat sheet
            action.setProperty(SHORTCUT_LABEL, text)
            self.addAction(action)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self._table,
                  context=Qt.ShortcutContext.WidgetShortcut).activated.connect(self.remove_current_event)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self._filter,
                  context=Qt.ShortcutContext.WidgetShortcut).activated.connect(self._escape_filter)
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self._filter,
                      context=Qt.ShortcutContext.WidgetShortcut).activated.connect(self._table.setFocus)

    def _size_columns(self) -> None:
        """Fixed row heights and widths from the font: no pass over 50,000 rows to measure them."""
        metrics = self._table.fontMetrics()
        vertical = self._table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(metrics.height() + 6)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        pad = 24
        kinds = max(metrics.horizontalAdvance(QApplication.translate("vocabulary", label(k)))
                    for k in EVENT_KINDS)
        widths = {
            self.COL_TIME: metrics.horizontalAdvance("≈ 2026-10-25 02:30 CEST") + pad + 20,
            self.COL_OFFSET: metrics.horizontalAdvance("≈ T+10d23h59m") + pad,
            self.COL_KIND: kinds + pad + 16,
            self.COL_SOURCE: metrics.horizontalAdvance("dashboard, colleague") + pad,
            self.COL_WHO: metrics.horizontalAdvance("Responder A, Engineer B") + pad,
        }
        self._natural_widths = widths
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(self.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self._table.viewport().installEventFilter(self)

    def _fit_columns(self) -> None:
        """Time, T+ (its longest offset, weeks after the start too), Kind and Who (up to 200 px) as
        wide as what they show; "What happened" takes the rest (elided, whole in the tooltip and on
        selection); Source only what "What happened" can spare above 35%, hidden on a screen too
        narrow for it (its text stays in the event's tooltip)."""
        available = self._table.viewport().width()
        header = self._table.horizontalHeader()
        metrics = self._table.fontMetrics()
        bold_font = QFont(self._table.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        pad = 16
        same_day = self._model.rowCount() == 0 or self._model.is_same_day()
        sample = "≈ 02:30:59" if same_day else "≈ 2026-10-25 02:30:59"
        time_header = str(self._model.headerData(self.COL_TIME, Qt.Orientation.Horizontal) or "")
        doc = self._current.doc
        names = [p.name for p in doc.participants] if doc is not None else []
        who = max((metrics.horizontalAdvance(name) for name in names), default=0)
        fixed = {
            self.COL_TIME: max(bold.horizontalAdvance(sample) + 20, metrics.horizontalAdvance(time_header))
            + pad,
            # the current row is bold; the farthest offsets are the first and last events'
            self.COL_OFFSET: max(bold.horizontalAdvance(APPROXIMATE + text) for text in self._offsets(doc))
            + pad,
            self.COL_KIND: self._natural_widths[self.COL_KIND] - 8,
            self.COL_WHO: min(max(who, metrics.horizontalAdvance("Who")) + pad, 200),
        }
        for column, width in fixed.items():
            header.resizeSection(column, width)
        source = available - sum(fixed.values()) - math.ceil(available * TEXT_SHARE)
        self._table.setColumnHidden(self.COL_SOURCE, source < MIN_SOURCE_WIDTH)
        header.resizeSection(self.COL_SOURCE, max(min(self._natural_widths[self.COL_SOURCE], source),
                                                  MIN_SOURCE_WIDTH))

    @staticmethod
    def _offsets(doc: ReviewDoc | None) -> list[str]:
        """The T+ column's widest texts: a day's ("T−23h59m") and the first and last events'."""
        texts = ["T\u221223h59m"]
        if doc is not None and doc.events and doc.started_at is not None:
            texts += [relative(doc.events[0].at, doc.started_at), relative(doc.events[-1].at, doc.started_at)]
        return texts

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _push(self, command: EventCommand) -> bool:
        """Perform ``command`` and make it an undo step; False when its write was refused.

        Written before it is pushed: a refused write is no step, and it leaves the redo steps
        alone (QUndoStack.push drops them before the command even runs).
        """
        self._set_message("")
        with brief_waits(UNDO_WAIT_MS):  # another program's lock: a short wait, never SQLite's 5 s
            written = command.write()
        if not written:
            command.report_error()
            return False
        push_written(self._undo, command)
        return True

    def _edit(self, event_id: int, field: str, value: Any, *, expected: Any = None) -> None:
        """Write one cell; ``expected``: what it began from (default: what this window shows)."""
        doc = self._current.doc
        if doc is None:
            return
        if expected is None:
            shown = next((e for e in doc.events if e.id == event_id), None)
            expected = getattr(shown, field) if shown is not None else None
        command = EditEventCommand(self._reviews, doc.id, event_id, field, value, expected=expected,
                                   on_error=self._command_failed)
        if not self._push(command) and isinstance(command.error, StaleEditError):
            error = command.error
            QTimer.singleShot(0, lambda: self._resolve_stale(error))
        if event_id == self._current_id:
            index = self._table.selectionModel().currentIndex()
            if index.isValid():
                self._table.scrollTo(index)

    def _command_failed(self, error: DomainError) -> None:
        if isinstance(error, StaleEditError):
            return  # asked about once the write has returned (_resolve_stale)
        self._set_message(error.reason if isinstance(error, InvalidFieldError) else str(error))

    def _resolve_stale(self, error: StaleEditError) -> None:
        """A colleague changed the cell meanwhile (theirs is shown): keep theirs, or write mine over it."""
        from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog, field_label

        doc = self._current.doc
        choice = StaleEditDialog.ask(self, error, field_label("event", error.field),
                                     zone=doc.zone() if doc is not None else None)
        if choice is StaleEditChoice.RELOAD:
            self._set_message(self.tr("Kept the change made elsewhere; yours was not written."))
            return
        self._edit(error.item_id, error.field, error.mine, expected=error.theirs)

    def _focus_filter(self) -> None:
        self._filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._filter.selectAll()

    def _escape_filter(self) -> None:
        if self._filter.text():
            self._filter.clear()
        else:
            self._table.setFocus()

    def _clear_filters(self) -> None:
        fields = (self._filter, self._kind_filter, self._people_filter)
        for field in fields:
            field.blockSignals(True)
        self._filter.clear()
        self._kind_filter.setCurrentIndex(0)
        self._people_filter.setCurrentIndex(0)
        for field in fields:
            field.blockSignals(False)
        self._proxy.set_filters()  # one pass over the rows, not one per field

    def _fill_people_filter(self, names: list[str]) -> None:
        shown = [self._people_filter.itemData(i) for i in range(1, self._people_filter.count())]
        if shown == names:
            return
        chosen = self._people_filter.currentData()
        self._people_filter.blockSignals(True)
        while self._people_filter.count() > 1:
            self._people_filter.removeItem(1)
        for name in names:
            self._people_filter.addItem(name, name)
        position = self._people_filter.findData(chosen) if chosen is not None else 0
        self._people_filter.setCurrentIndex(max(position, 0))
        self._people_filter.blockSignals(False)
        self._proxy.set_participant(self._people_filter.currentData())

    def _update_count(self, *_args: object) -> None:
        shown, total = self._proxy.rowCount(), self._model.rowCount()
        if self._proxy.is_filtering():
            of_total = self.tr("{shown} of 1 event") if total == 1 else self.tr("{shown} of {total} events")
            self._count.setText(of_total.format(shown=f"{shown:,}", total=f"{total:,}"))
        elif total == 1:
            self._count.setText(self.tr("1 event"))
        else:
            self._count.setText(self.tr("{total} events").format(total=f"{total:,}"))

    def _sync_current(self) -> None:
        rows = self._table.selectionModel().selectedRows()
        event_id = rows[0].data(_M.IdRole) if rows else None
        if event_id != self._current_id:
            self._current_id = event_id
            self.current_event_changed.emit(-1 if event_id is None else event_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        shown = self._current.doc is not None
        self._add_button.setEnabled(shown)
        self._remove_button.setEnabled(shown and self._current_id is not None)
        self._detail_button.setEnabled(shown and self._current_id is not None)

    def _set_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(bool(text))

    def _current_changed(self, changes: ReviewChanges) -> None:
        doc = self._current.doc
        if changes.opened or doc is None or doc.id != self._shown:
            self._show_new(doc)
            return
        if changes.facts or changes.participants:
            people = [p.name for p in doc.participants]
            self._model.set_context(zone=doc.zone(), started_at=doc.started_at, participants=people)
            self._time_delegate.zone_name = doc.zone().key
            self._fill_people_filter(people)
        many = len(changes.events) + len(changes.events_removed) > PRECISE_LIMIT  # an import, or its undo
        if changes.timeline or many:
            keep = self._current_id
            highlighted = self._model.current()
            if self._model.sync(doc.events):
                self.select_event(keep)  # a reload: the selection comes back when its event is still there
            if highlighted is not None and self._model.row_of(highlighted) < 0:
                self._model.set_current(None)
                self.highlighted_event_changed.emit(-1)
        else:
            for event_id in changes.events_removed:
                highlighted = self._model.current() == event_id
                self._model.remove(event_id)
                if highlighted:
                    self.highlighted_event_changed.emit(-1)
            for row in changes.events:
                self._model.upsert(row)
        self._update_count()
        self._sync_current()

    def _show_new(self, doc: ReviewDoc | None) -> None:
        """Another review (or none): its events afresh, filters cleared, the undo history emptied."""
        if self._shown is not None:
            self._undo.clear()  # its steps belong to the review that was shown
        self._shown = doc.id if doc is not None else None
        self._model.set_current(None)
        if doc is None:
            self._model.set_rows([])
        else:
            people = [p.name for p in doc.participants]
            self._model.set_rows(doc.events, zone=doc.zone(), started_at=doc.started_at, participants=people)
            self._time_delegate.zone_name = doc.zone().key
            self._fill_people_filter(people)
        self._clear_filters()
        self._set_message("")
        self._update_buttons()
        self._sync_current()
