"""Level setting: the facts of the incident and who was involved, edited in place.

Every field commits the moment it is left (no Save button). A value the domain
refuses is not written: the field turns red and a message under the form says
what is wrong, until it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QShowEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.changes import ReviewChanges
from app.open_review import OpenReview
from app.review_service import ReviewService
from models.errors import DomainError, InvalidFieldError
from models.metrics import METRIC_IDS, Metric, format_duration, key_metrics
from models.snapshot import ParticipantRow, ReviewDoc
from models.timefmt import format_entry
from models.timeparse import parse_time
from models.vocabulary import REVIEW_KINDS, REVIEW_STATUSES, label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.models.snapshot_table_model import Column, Index, SnapshotTableModel
from views.participant_dialog import ParticipantDialog

_CONTEXT = "LevelSettingWidget"
_TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
_LIST_FIELDS = ("services", "tags")
_INVALID_STYLE = "border: 1px solid #c62828;"
_METRIC_OBJECT_NAMES = {
    "time-to-detect": "timeToDetect",
    "time-to-mitigate": "timeToMitigate",
    "time-to-resolve": "timeToResolve",
}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return QApplication.translate(_CONTEXT, "Yes") if value else QApplication.translate(_CONTEXT, "No")


def _roles_text(row: ParticipantRow) -> str:
    return ", ".join(QApplication.translate("vocabulary", label(role)) for role in row.roles)


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class _PlainTextField(QPlainTextEdit):
    """A multi-line field that reports when the user leaves it, like QLineEdit.editingFinished."""

    editing_finished = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 2 * self.frameWidth() + 8)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        # A context menu takes focus briefly; the user is still editing.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.editing_finished.emit()


class _WheelSafeComboBox(QComboBox):
    """A combo that leaves the mouse wheel to the page unless it has focus.

    In a scrolling form, a wheel turned over an unfocused combo would otherwise
    change (and commit) its value while the user only meant to scroll.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class _ParticipantsModel(SnapshotTableModel[ParticipantRow]):
    """The participants, with an "In the room" checkbox for the running meeting's attendance.

    Ticking a box does not store anything itself: it emits ``attendance_toggled``
    and shows the new state until the widget refreshes from the library.

    Signals:
        attendance_toggled(int, bool): participant id, whether they are in the room now.
    """

    attendance_toggled = Signal(int, bool)

    def __init__(self, columns: tuple[Column[ParticipantRow], ...], check_column: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(columns, _CONTEXT, parent)
        self._check_column = check_column
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
            self.dataChanged.emit(self.index(0, self._check_column),
                                  self.index(self.rowCount() - 1, self._check_column),
                                  [Qt.ItemDataRole.CheckStateRole])

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self._check_column:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        checkbox = index.isValid() and index.column() == self._check_column
        if role == Qt.ItemDataRole.CheckStateRole and checkbox:
            row = self.row_at(index.row())
            if row is None:
                return None
            return Qt.CheckState.Checked if row.id in self._attended else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or index.column() != self._check_column or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.set_attended(self._attended | {row.id} if checked else self._attended - {row.id})
        self.attendance_toggled.emit(row.id, checked)
        return True


class LevelSettingWidget(QWidget):
    """The facts of one review (title, severity, times, impact…) and its participants.

    Edits commit through ``ReviewService.update`` as each field is left; the
    widget shows the open review (``OpenReview``) and follows its change sets
    while it is seen (and fills itself from it when shown again). Times are
    shown and typed as wall-clock in the review's timezone.
    """

    COL_NAME, COL_ROLES, COL_ON_CALL, COL_BROUGHT_IN, COL_WORKED_BEFORE, COL_IN_ROOM = range(6)

    def __init__(self, reviews: ReviewService, current: OpenReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelSettingWidget")
        self._reviews = reviews
        self._current = current
        #: The id of the review the form shows (the review itself is ``current.doc``).
        self._shown: int | None = None
        self._errors: dict[str, str] = {}
        self._labels = {
            "title": self.tr("Title"),
            "summary": self.tr("Summary"),
            "kind": self.tr("Kind"),
            "status": self.tr("Status"),
            "severity": self.tr("Severity"),
            "timezone": self.tr("Timezone"),
            "started_at": self.tr("Started"),
            "detected_at": self.tr("Detected"),
            "mitigated_at": self.tr("Mitigated"),
            "resolved_at": self.tr("Resolved"),
            "impact": self.tr("Impact"),
            "services": self.tr("Services"),
            "tags": self.tr("Tags"),
        }

        facts = QGroupBox(self.tr("Incident"))
        form = QFormLayout(facts)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._fields: dict[str, QWidget] = {}

        self._line_edit("title", self.tr("What the incident is called"))
        self._plain_text("summary", 4, self.tr("What happened, in two or three sentences"))
        self._vocabulary_combo("kind", REVIEW_KINDS)
        self._vocabulary_combo("status", REVIEW_STATUSES)
        severity_box = self._severity_box()
        timezone_box = self._timezone_box()
        for field in _TIME_FIELDS:
            self._line_edit(field, "YYYY-MM-DD HH:MM")
        self._plain_text("impact", 3, self.tr("Who or what was affected, how badly, for how long"))
        self._line_edit("services", self.tr("checkout, config-service"))
        self._line_edit("tags", self.tr("config, deploy"))

        for field in ("title", "summary", "kind", "status"):
            form.addRow(self._labels[field], self._fields[field])
        form.addRow(self._labels["severity"], severity_box)
        form.addRow(self._labels["timezone"], timezone_box)
        for field in _TIME_FIELDS:
            form.addRow(self._labels[field], self._fields[field])
        form.addRow(self.tr("Key metrics"), self._metrics_box())
        for field in ("impact", *_LIST_FIELDS):
            form.addRow(self._labels[field], self._fields[field])

        self._message = QLabel()
        self._message.setObjectName("message")
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: #c62828;")
        self._message.hide()

        participants = self._participants_box()

        content = QWidget()
        content.setObjectName("levelSettingContent")
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(facts)
        content_layout.addWidget(self._message)
        content_layout.addWidget(participants)
        content_layout.addStretch(1)
        self._content = content
        self._content.setEnabled(False)

        scroll = QScrollArea(self)
        scroll.setObjectName("levelSettingScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        current.changed.connect(self._current_changed)
        if current.doc is not None:
            self._show(current.doc)

    @property
    def _doc(self) -> ReviewDoc | None:
        """The open review, while it is the one the form shows."""
        doc = self._current.doc
        return doc if doc is not None and doc.id == self._shown else None

    # public

    def _show(self, doc: ReviewDoc) -> None:
        """Fill the form from ``doc`` without writing anything.

        For the review already shown, a field the user is still editing keeps
        their text; another review's form starts clean.
        """
        switching = self._shown != doc.id
        self._shown = doc.id
        if switching:
            self._errors.clear()
            for field in self._fields:
                self._mark_invalid(field, False)
            self._show_errors()
        self._fill(doc, force=switching)
        self._content.setEnabled(True)

    def commit_pending(self) -> None:
        """Commit every field the user changed but has not left yet (e.g. before closing)."""
        for field in list(self._fields):
            if self._is_dirty(field) and field not in self._errors:
                self._commit(field)

    def _removal_text(self, participant: ParticipantRow) -> str:
        """What removing ``participant`` loses, said plainly (there is no undo for it)."""
        notes = sum(1 for n in self._doc.notes if n.author_id == participant.id) if self._doc else 0
        events = sum(1 for e in self._doc.events if participant.name in e.participants) if self._doc else 0
        text = self.tr("Remove {name} from this review? This cannot be undone.").format(name=participant.name)
        if notes:
            text += " " + self.tr("{count} note(s) they said keep their text but lose the speaker.").format(
                count=notes)
        if events:
            text += " " + self.tr("They are taken off {count} timeline event(s), and their lane leaves the "
                                  "who-knew-what-when chart.").format(count=events)
        return text

    def confirm_remove(self, participant: ParticipantRow) -> bool:
        """Whether the user agrees to remove ``participant`` (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Remove participant"),
            self._removal_text(participant),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # building

    def _line_edit(self, field: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(field)
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(lambda: self._commit(field))
        self._fields[field] = edit
        return edit

    def _plain_text(self, field: str, lines: int, placeholder: str) -> _PlainTextField:
        edit = _PlainTextField(lines)
        edit.setObjectName(field)
        edit.setPlaceholderText(placeholder)
        edit.editing_finished.connect(lambda: self._commit(field))
        self._fields[field] = edit
        return edit

    def _vocabulary_combo(self, field: str, values: tuple[str, ...]) -> QComboBox:
        combo = _WheelSafeComboBox()
        combo.setObjectName(field)
        for value in values:
            combo.addItem(QApplication.translate("vocabulary", label(value)), value)
        combo.currentIndexChanged.connect(lambda _index: self._commit(field))
        self._fields[field] = combo
        return combo

    def _severity_box(self) -> QWidget:
        combo = _WheelSafeComboBox()
        combo.setObjectName("severity")
        combo.addItem(self.tr("Not set"), None)
        for severity in self._reviews.catalog.severities.values():
            combo.addItem(f"{severity.id} — {severity.name}", severity.id)
            combo.setItemData(combo.count() - 1, severity.description, Qt.ItemDataRole.ToolTipRole)
        combo.currentIndexChanged.connect(self._on_severity_chosen)
        self._fields["severity"] = combo
        self._severity = combo

        self._severity_definition = QLabel()
        self._severity_definition.setObjectName("severityDefinition")
        self._severity_definition.setWordWrap(True)
        font = self._severity_definition.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self._severity_definition.setFont(font)

        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(combo)
        box_layout.addWidget(self._severity_definition)
        return box

    def _timezone_box(self) -> QWidget:
        combo = _WheelSafeComboBox()
        combo.setObjectName("timezone")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(sorted(available_timezones()))
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.activated.connect(lambda _index: self._commit("timezone"))
        line_edit = combo.lineEdit()
        assert line_edit is not None  # the combo is editable
        line_edit.setPlaceholderText("Europe/Berlin")
        line_edit.editingFinished.connect(lambda: self._commit("timezone"))
        self._fields["timezone"] = combo
        self._timezone = combo

        self._times_hint = QLabel()
        self._times_hint.setObjectName("timesHint")
        self._times_hint.setWordWrap(True)

        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(combo)
        box_layout.addWidget(self._times_hint)
        return box

    def _metrics_box(self) -> QWidget:
        """Time to detect, mitigate and resolve, read-only, from the stored times."""
        box = QWidget()
        box.setObjectName("keyMetrics")
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self._metric_labels: dict[str, QLabel] = {}
        for metric_id in METRIC_IDS:
            value = QLabel()
            value.setObjectName(_METRIC_OBJECT_NAMES[metric_id])
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(value, 1)
            self._metric_labels[metric_id] = value
        return box

    def _participants_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Participants"))
        box.setObjectName("participants")
        columns: tuple[Column[ParticipantRow], ...] = (
            Column(translate_noop(_CONTEXT, "Name"), lambda p: p.name),
            Column(translate_noop(_CONTEXT, "Roles"), _roles_text),
            Column(translate_noop(_CONTEXT, "On call"), lambda p: _yes_no(p.on_call)),
            Column(translate_noop(_CONTEXT, "Brought in"), lambda p: p.brought_in),
            Column(translate_noop(_CONTEXT, "Worked with team before"),
                   lambda p: _yes_no(p.worked_with_team_before)),
            Column(translate_noop(_CONTEXT, "In the room"), lambda p: "",
                   lambda p: QApplication.translate(_CONTEXT, "Attending the meeting now (Space ticks it)")),
        )
        self._participants = _ParticipantsModel(columns, self.COL_IN_ROOM, self)
        self._participants.attendance_toggled.connect(self._set_attended)
        table = QTableView()
        table.setObjectName("participantsTable")
        table.setModel(self._participants)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * 6)
        header = table.horizontalHeader()
        for column in range(len(columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_BROUGHT_IN, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(self._edit_participant_at)
        table.selectionModel().selectionChanged.connect(self._update_participant_buttons)
        self._participants_table = table

        self._add_participant_button = QPushButton(self.tr("Add…"))
        self._add_participant_button.setObjectName("addParticipant")
        self._add_participant_button.clicked.connect(self._add_participant)
        self._edit_participant_button = QPushButton(self.tr("Edit…"))
        self._edit_participant_button.setObjectName("editParticipant")
        self._edit_participant_button.clicked.connect(
            lambda: self._edit_participant(self._selected_participant()))
        self._remove_participant_button = QPushButton(self.tr("Remove"))
        self._remove_participant_button.setObjectName("removeParticipant")
        self._remove_participant_button.clicked.connect(self._remove_participant)

        self._participants_message = QLabel()
        self._participants_message.setObjectName("participantsMessage")
        self._participants_message.setWordWrap(True)
        self._participants_message.setStyleSheet("color: #c62828;")
        self._participants_message.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self._add_participant_button)
        buttons.addWidget(self._edit_participant_button)
        buttons.addWidget(self._remove_participant_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        layout.addLayout(buttons)
        layout.addWidget(self._participants_message)
        self._update_participant_buttons()
        return box

    # filling

    def _fill(self, doc: ReviewDoc, *, force: bool) -> None:
        zone = doc.zone()
        shown: dict[str, Any] = {
            "title": doc.title,
            "summary": doc.summary,
            "kind": doc.kind,
            "status": doc.status,
            "severity": doc.severity,
            "timezone": doc.timezone,
            **{field: format_entry(getattr(doc, field), zone) for field in _TIME_FIELDS},
            "impact": doc.impact,
            **{field: ", ".join(getattr(doc, field)) for field in _LIST_FIELDS},
        }
        for field, value in shown.items():
            if force or not self._is_dirty(field):
                self._put(field, value)
        self._show_severity_definition()
        self._show_metrics(doc)
        self._times_hint.setText(
            self.tr("Times are wall-clock in {zone}; add an offset (+01:00) or Z for another zone.").format(
                zone=doc.timezone)
        )

        rows = list(doc.participants)
        if rows != self._participants.rows():
            keep = None if force else self._selected_participant()
            self._participants.set_rows(rows)
            self._select_participant(keep.id if keep is not None else None)
        self._participants.set_attended(self._reviews.attendance(doc.id, running_only=True))
        if force:
            self._set_participants_message("")
        self._update_participant_buttons()

    def _show_metrics(self, doc: ReviewDoc) -> None:
        names = {
            "time-to-detect": self.tr("To detect"),
            "time-to-mitigate": self.tr("To mitigate"),
            "time-to-resolve": self.tr("To resolve"),
        }
        for metric in key_metrics(doc):
            value = self._metric_text(metric)
            label_widget = self._metric_labels[metric.id]
            label_widget.setText(f"{names[metric.id]}: {value}")
            label_widget.setToolTip(self._metric_tooltip(metric))

    def _metric_text(self, metric: Metric) -> str:
        """What the metric reads: never zero for a missing time, marked when approximate or contradictory."""
        if metric.value is None:
            return self.tr("unknown")
        text = format_duration(metric.value)
        if metric.approximate:
            text = self.tr("≈ {duration}").format(duration=text)
        if metric.negative:
            notes = {
                "time-to-detect": self.tr("{duration} (detected before the recorded start)"),
                "time-to-mitigate": self.tr("{duration} (mitigated before the recorded start)"),
                "time-to-resolve": self.tr("{duration} (resolved before the recorded start)"),
            }
            text = notes[metric.id].format(duration=text)
        return text

    def _metric_tooltip(self, metric: Metric) -> str:
        end = self._labels[metric.end_field]
        if metric.value is None:
            return self.tr("Unknown until both {start} and {end} are set.").format(
                start=self._labels["started_at"], end=end)
        text = self.tr("From {start} to {end}.").format(start=self._labels["started_at"], end=end)
        if metric.approximate:
            text += " " + self.tr("Approximate: the timeline marks an event at one of these times "
                                  "as approximate.")
        return text

    def _put(self, field: str, value: Any) -> None:
        """Show ``value`` in ``field`` without emitting; left alone if already shown (keeps cursor, undo)."""
        widget = self._fields[field]
        blocker = QSignalBlocker(widget)
        try:
            if isinstance(widget, QLineEdit):
                if widget.text() != value:
                    widget.setText(value)
            elif isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != value:
                    widget.setPlainText(value)
            elif field == "severity":
                self._select_severity(value)
            elif field == "timezone":
                self._select_timezone(value)
            else:
                assert isinstance(widget, QComboBox)
                widget.setCurrentIndex(max(widget.findData(value), 0))
        finally:
            blocker.unblock()
        self._set_dirty(field, False)

    def _select_severity(self, severity_id: str | None) -> None:
        index = self._severity.findData(severity_id) if severity_id else 0
        if index < 0:
            # Defined in another library's severities: keep it visible rather than lose it.
            self._severity.addItem(self.tr("{id} (not in your severity definitions)").format(id=severity_id),
                                   severity_id)
            index = self._severity.count() - 1
        self._severity.setCurrentIndex(index)

    def _select_timezone(self, name: str) -> None:
        index = self._timezone.findText(name)
        if index >= 0 and index != self._timezone.currentIndex():
            self._timezone.setCurrentIndex(index)
        if self._timezone.currentText() != name:
            self._timezone.setEditText(name)

    def _show_severity_definition(self) -> None:
        severity = self._reviews.catalog.severity(self._severity.currentData())
        if severity is not None:
            self._severity_definition.setText(severity.description)
        elif self._severity.currentData():
            self._severity_definition.setText(self.tr("This severity is not defined in this library."))
        else:
            self._severity_definition.setText(
                self.tr("Choose the level from your organisation's severity definitions."))

    # committing

    def _commit(self, field: str) -> None:
        """Write ``field`` if the user changed it; show the problem instead if it is refused."""
        doc = self._doc
        if doc is None:
            return
        try:
            value = self._value(field, doc)
        except InvalidFieldError as exc:
            self._refuse(field, exc)
            return
        current = getattr(doc, field)
        if isinstance(current, tuple):
            current = list(current)
        if value == current:
            self._accept(field)
            return
        # Clean before writing, so the refresh the write triggers shows the stored value.
        self._set_dirty(field, False)
        try:
            self._reviews.update(doc.id, **{field: value})
        except DomainError as exc:
            self._refuse(field, exc)
            return
        self._accept(field)

    def _value(self, field: str, doc: ReviewDoc) -> Any:
        if field in _TIME_FIELDS:
            text = self._line(field).text().strip()
            current = getattr(doc, field)
            if text == format_entry(current, doc.zone()):
                # Shown rounded to the minute: unchanged text keeps the stored seconds.
                return current
            return parse_time(text, doc.zone(), field=field)
        if field in _LIST_FIELDS:
            return _split_list(self._line(field).text())
        if field in ("summary", "impact"):
            edit = self._fields[field]
            assert isinstance(edit, QPlainTextEdit)
            return edit.toPlainText().strip()
        if field in ("kind", "status", "severity"):
            combo = self._fields[field]
            assert isinstance(combo, QComboBox)
            return combo.currentData()
        if field == "timezone":
            text = self._timezone.currentText().strip()
            # Zone names are case-sensitive on some systems; "europe/berlin" means Europe/Berlin.
            index = self._timezone.findText(text, Qt.MatchFlag.MatchFixedString)
            return self._timezone.itemText(index) if index >= 0 else text
        return self._line(field).text().strip()

    def _refuse(self, field: str, exc: DomainError) -> None:
        reason = exc.reason if isinstance(exc, InvalidFieldError) else str(exc)
        self._errors[field] = f"{self._labels[field]}: {reason}"
        # Dirty keeps the user's text through refreshes until they fix it.
        self._set_dirty(field, True)
        self._mark_invalid(field, True)
        self._show_errors()

    def _accept(self, field: str) -> None:
        self._set_dirty(field, False)
        if self._errors.pop(field, None) is not None:
            self._mark_invalid(field, False)
            self._show_errors()
            if self._doc is not None:
                # Show the stored value again (the refused text may have been left as typed).
                self._fill(self._doc, force=False)

    def _show_errors(self) -> None:
        text = "\n".join(self._errors[f] for f in self._fields if f in self._errors)
        self._message.setText(text)
        self._message.setVisible(bool(text))

    def _mark_invalid(self, field: str, invalid: bool) -> None:
        widget = self._fields[field]
        widget.setProperty("invalid", invalid)
        widget.setStyleSheet(_INVALID_STYLE if invalid else "")
        widget.setToolTip(self._errors.get(field, "") if invalid else "")

    def _is_dirty(self, field: str) -> bool:
        widget = self._fields[field]
        if isinstance(widget, QLineEdit):
            return widget.isModified()
        if isinstance(widget, QPlainTextEdit):
            return widget.document().isModified()
        if widget is self._timezone and (line_edit := self._timezone.lineEdit()) is not None:
            return line_edit.isModified()
        return False

    def _set_dirty(self, field: str, dirty: bool) -> None:
        widget = self._fields[field]
        if isinstance(widget, QLineEdit):
            widget.setModified(dirty)
        elif isinstance(widget, QPlainTextEdit):
            widget.document().setModified(dirty)
        elif widget is self._timezone and (line_edit := self._timezone.lineEdit()) is not None:
            line_edit.setModified(dirty)

    def _line(self, field: str) -> QLineEdit:
        edit = self._fields[field]
        assert isinstance(edit, QLineEdit)
        return edit

    def _on_severity_chosen(self) -> None:
        self._show_severity_definition()
        self._commit("severity")

    # participants

    def _selected_participant(self) -> ParticipantRow | None:
        rows = self._participants_table.selectionModel().selectedRows()
        return self._participants.row_at(rows[0].row()) if rows else None

    def _select_participant(self, participant_id: int | None) -> None:
        row = next((i for i, p in enumerate(self._participants.rows()) if p.id == participant_id), -1)
        selection = self._participants_table.selectionModel()
        if row < 0:
            selection.clearSelection()
            return
        selection.setCurrentIndex(
            self._participants.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _add_participant(self) -> None:
        if self._doc is None:
            return
        fields = ParticipantDialog.ask(self, None)
        if fields is None:
            return
        try:
            participant_id = self._reviews.add_participant(self._doc.id, **fields)
        except DomainError as exc:
            self._set_participants_message(str(exc))
            return
        self._set_participants_message("")
        self._select_participant(participant_id)

    def _edit_participant_at(self, index: QModelIndex) -> None:
        self._edit_participant(self._participants.row_at(index.row()))

    def _edit_participant(self, participant: ParticipantRow | None) -> None:
        if self._doc is None or participant is None:
            return
        fields = ParticipantDialog.ask(self, participant)
        if fields is None:
            return
        changed = {k: v for k, v in fields.items() if v != self._participant_value(participant, k)}
        if not changed:
            return
        try:
            self._reviews.update_participant(self._doc.id, participant.id, **changed)
        except DomainError as exc:
            self._set_participants_message(str(exc))
            return
        self._set_participants_message("")

    def _remove_participant(self) -> None:
        participant = self._selected_participant()
        if participant is None or not self.confirm_remove(participant):
            return
        try:
            self._reviews.delete_participant(participant.id)
        except DomainError as exc:
            self._set_participants_message(str(exc))
            return
        self._set_participants_message("")

    def _set_attended(self, participant_id: int, attended: bool) -> None:
        """Store a ticked or unticked "In the room" box in the running meeting (one starts if none runs)."""
        if self._doc is None:
            return
        try:
            self._reviews.set_attended(self._doc.id, participant_id, attended)
        except DomainError as exc:
            self._set_participants_message(str(exc))
        else:
            self._set_participants_message("")
        self._participants.set_attended(self._reviews.attendance(self._doc.id, running_only=True))

    def in_the_room(self) -> frozenset[int]:
        """The participant ids ticked "In the room"."""
        return self._participants.attended()

    @staticmethod
    def _participant_value(participant: ParticipantRow, field: str) -> Any:
        value = getattr(participant, field)
        return list(value) if isinstance(value, tuple) else value

    def _set_participants_message(self, text: str) -> None:
        self._participants_message.setText(text)
        self._participants_message.setVisible(bool(text))

    def _update_participant_buttons(self) -> None:
        selected = self._selected_participant() is not None
        self._edit_participant_button.setEnabled(selected)
        self._remove_participant_button.setEnabled(selected)

    # the open review

    def _current_changed(self, changes: ReviewChanges) -> None:
        doc = self._current.doc
        if doc is None or doc.id != self._shown:
            if doc is None:
                self._clear()
            else:
                self._show(doc)
            return
        if not self.isVisible() and not changes.opened:
            return  # filled from the open review when shown again
        if changes.opened or changes.facts or changes.participants or changes.attendance:
            self._show(doc)
        elif changes.touches_events():
            self._show_metrics(doc)  # the key times may come from the timeline

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._doc is not None:
            self._show(self._doc)

    def _clear(self) -> None:
        self._shown = None
        self._participants.set_rows([])
        self._content.setEnabled(False)
