"""Add one timeline event: when (in the review's timezone), what, its detail, how we know, who."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models.errors import InvalidFieldError
from models.snapshot import ReviewDoc
from models.timefmt import abbreviation, format_entry, format_offset
from models.timeparse import candidates, parse_time
from models.vocabulary import EVENT_KINDS, label
from models.write_fields import NewEvent
from views.style import accent

_DEFAULT_KIND = "observation"


class EventDialog(QDialog):
    """A modal form for one timeline event; :meth:`ask` runs it and returns the fields.

    The time is typed as the wall clock of the review's timezone or with an
    explicit offset; OK stays disabled until it parses and the event says what
    happened. A wall-clock time the zone showed twice (the autumn change) is
    never guessed: two choices appear ("02:30 CEST (+02:00, first)" / "02:30 CET
    (+01:00, second)") and OK waits for one. A time the zone skipped is refused
    with the offsets to use. The dialog never writes: the caller hands the
    returned dict to ``ReviewService.add_event``.
    """

    def __init__(self, doc: ReviewDoc, parent: QWidget | None = None, *,
                 near: datetime | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventDialog")
        self.setWindowTitle(self.tr("Add timeline event"))
        self._zone = doc.zone()
        self._at: datetime | None = None

        self._time = QLineEdit(self)
        self._time.setObjectName("time")
        self._time.setPlaceholderText("YYYY-MM-DD HH:MM")
        self._time.setToolTip(
            self.tr("Wall-clock time in {zone}, or with an offset such as +01:00 or Z").format(
                zone=doc.timezone)
        )
        self._time_error = QLabel(self)
        self._time_error.setObjectName("timeError")
        self._time_error.setWordWrap(True)
        self._time_error.setStyleSheet(f"color: {accent('error', self.palette())};")
        self._time_error.hide()

        self._fold_box = QWidget(self)
        self._fold_box.setObjectName("foldChoice")
        self._fold_question = QLabel(self._fold_box)
        self._fold_question.setWordWrap(True)
        self._fold_first = QRadioButton(self._fold_box)
        self._fold_first.setObjectName("foldFirst")
        self._fold_second = QRadioButton(self._fold_box)
        self._fold_second.setObjectName("foldSecond")
        self._fold_group = QButtonGroup(self)
        self._fold_group.addButton(self._fold_first)
        self._fold_group.addButton(self._fold_second)
        fold_layout = QVBoxLayout(self._fold_box)
        fold_layout.setContentsMargins(0, 0, 0, 0)
        fold_layout.addWidget(self._fold_question)
        fold_layout.addWidget(self._fold_first)
        fold_layout.addWidget(self._fold_second)
        self._fold_box.hide()
        self._folds: list[datetime] = []

        self._approximate = QCheckBox(self.tr("The time is an estimate"), self)
        self._approximate.setObjectName("approximate")

        self._kind = QComboBox(self)
        self._kind.setObjectName("kind")
        for kind in EVENT_KINDS:
            self._kind.addItem(QApplication.translate("vocabulary", label(kind)), kind)
        self._kind.setCurrentIndex(EVENT_KINDS.index(_DEFAULT_KIND))

        self._text = QPlainTextEdit(self)
        self._text.setObjectName("text")
        self._text.setTabChangesFocus(True)
        self._text.setPlaceholderText(self.tr("What happened, as people saw it then"))
        self._text.setFixedHeight(self._text.fontMetrics().lineSpacing() * 4
                                  + 2 * self._text.frameWidth() + 8)

        self._detail = QPlainTextEdit(self)
        self._detail.setObjectName("detail")
        self._detail.setTabChangesFocus(True)
        self._detail.setPlaceholderText(self.tr("Optional: the longer story, a description or a log excerpt"))
        self._detail.setFixedHeight(self._detail.fontMetrics().lineSpacing() * 5
                                    + 2 * self._detail.frameWidth() + 8)

        self._source = QLineEdit(self)
        self._source.setObjectName("source")
        self._source.setPlaceholderText(self.tr("alert, chat, dashboard, colleague, log…"))

        self._participants = QListWidget(self)
        self._participants.setObjectName("participants")
        for person in doc.participants:
            item = QListWidgetItem(person.name, self._participants)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        if doc.participants:
            rows = min(len(doc.participants), 5)
            self._participants.setFixedHeight(
                self._participants.sizeHintForRow(0) * rows + 2 * self._participants.frameWidth()
            )
        else:
            self._participants.hide()
        no_people = QLabel(self.tr("No participants yet: add them under Level setting."), self)
        no_people.setVisible(not doc.participants)

        time_box = QWidget(self)
        time_layout = QVBoxLayout(time_box)
        time_layout.setContentsMargins(0, 0, 0, 0)
        time_layout.addWidget(self._time)
        time_layout.addWidget(self._time_error)
        time_layout.addWidget(self._fold_box)
        time_layout.addWidget(self._approximate)

        people_box = QWidget(self)
        people_layout = QVBoxLayout(people_box)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addWidget(self._participants)
        people_layout.addWidget(no_people)

        form = QFormLayout()
        form.addRow(self.tr("Time ({zone})").format(zone=doc.timezone), time_box)
        form.addRow(self.tr("Kind"), self._kind)
        form.addRow(self.tr("What happened"), self._text)
        form.addRow(self.tr("Detail"), self._detail)
        form.addRow(self.tr("Source"), self._source)
        form.addRow(self.tr("Who"), people_box)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._buttons)

        # The time being walked through (an event remembered while discussing it), else the latest known:
        # events are added roughly in order.
        latest = doc.events[-1].at if doc.events else doc.started_at
        self._time.setText(format_entry(near if near is not None else latest, self._zone))
        self._time.selectAll()

        self._time.textChanged.connect(self._on_time_edited)
        self._time.editingFinished.connect(self._show_time_error)
        self._text.textChanged.connect(self._update_ok)
        self._fold_group.buttonToggled.connect(self._on_fold_chosen)
        self._on_time_edited()

    @classmethod
    def ask(cls, parent: QWidget | None, doc: ReviewDoc, *, near: datetime | None = None) -> NewEvent | None:
        """Run the dialog (its time ``near``, the walkthrough's event, when given); keyword arguments for
        ``ReviewService.add_event``, or None when cancelled."""
        dialog = cls(doc, parent, near=near)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return cast(NewEvent, dialog.values())  # OK is enabled only once ``at`` is a valid time
        finally:
            dialog.deleteLater()

    def values(self) -> dict[str, Any]:
        """The event as ``ReviewService.add_event`` takes it (``at`` is None until the time is valid)."""
        people = (self._participants.item(i) for i in range(self._participants.count()))
        return {
            "at": self._at,
            "text": self._text.toPlainText().strip(),
            "kind": self._kind.currentData(),
            "source": self._source.text().strip(),
            "approximate": self._approximate.isChecked(),
            "participants": [p.text() for p in people if p.checkState() == Qt.CheckState.Checked],
            "detail": self._detail.toPlainText().strip(),
        }

    def fold_choices(self) -> tuple[str, str] | None:
        """The labels of the two readings offered for a time that happened twice (None when not asked)."""
        if not self._fold_box.isVisibleTo(self):
            return None
        return self._fold_first.text(), self._fold_second.text()

    def _on_time_edited(self) -> None:
        text = self._time.text()
        try:
            moments = candidates(text, self._zone, field="at") if text.strip() else []
        except InvalidFieldError:
            moments = []
        self._offer_folds(moments if len(moments) == 2 else [])
        if len(moments) == 1:
            self._at = moments[0]
            # Fixed: take the complaint away at once; a new one waits until typing stops.
            self._time_error.hide()
        elif len(moments) == 2:
            self._at = self._chosen_fold()
            self._time_error.hide()
        else:
            self._at = None
        self._update_ok()

    def _offer_folds(self, moments: list[datetime]) -> None:
        """Show the two readings of a repeated wall-clock time, or hide them; a new pair clears the choice."""
        if moments == self._folds:
            return
        self._folds = moments
        self._fold_group.setExclusive(False)
        for button in (self._fold_first, self._fold_second):
            button.setChecked(False)
        self._fold_group.setExclusive(True)
        if not moments:
            self._fold_box.hide()
            return
        first, second = moments
        local = first.astimezone(self._zone)
        self._fold_question.setText(self.tr(
            "{time} happened twice in {zone} (the clocks went back). Which one?").format(
                time=local.strftime("%Y-%m-%d %H:%M"), zone=self._zone.key))
        self._fold_first.setText(self.tr("{time} {zone} ({offset}, first)").format(
            time=local.strftime("%H:%M"), zone=abbreviation(first, self._zone),
            offset=format_offset(local.utcoffset())))
        later = second.astimezone(self._zone)
        self._fold_second.setText(self.tr("{time} {zone} ({offset}, second)").format(
            time=later.strftime("%H:%M"), zone=abbreviation(second, self._zone),
            offset=format_offset(later.utcoffset())))
        self._fold_box.show()

    def _chosen_fold(self) -> datetime | None:
        if len(self._folds) != 2:
            return None
        if self._fold_first.isChecked():
            return self._folds[0]
        if self._fold_second.isChecked():
            return self._folds[1]
        return None

    def _on_fold_chosen(self) -> None:
        if len(self._folds) == 2:
            self._at = self._chosen_fold()
            self._update_ok()

    def _show_time_error(self) -> None:
        if len(self._folds) == 2:
            return  # not an error: the choice under the field asks which one
        try:
            at = parse_time(self._time.text(), self._zone, field="at")
        except InvalidFieldError as exc:
            self._time_error.setText(exc.reason)
            self._time_error.show()
            return
        if at is None:
            self._time_error.setText(self.tr("An event needs a time."))
            self._time_error.show()

    def _update_ok(self) -> None:
        ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self._at is not None and bool(self._text.toPlainText().strip()))
