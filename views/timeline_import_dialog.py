"""Preview a timeline file (CSV, Slack export, review bundle) before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from app.background import Operation
from app.bootstrap import Services
from models.errors import DomainError
from models.snapshot import EventRow
from models.timefmt import format_entry
from models.timeline_import import ImportPreview, ParsedRow, file_kind
from models.vocabulary import label
from models.yamlsource import SourceError
from views.i18n import QT_TRANSLATE_NOOP as translate_noop
from views.models.snapshot_table_model import Column, SnapshotTableModel
from views.style import accent

_CONTEXT = "TimelineImportDialog"

#: The CSV fields a column can be chosen for, with their labels.
_FIELDS = (
    ("time", translate_noop(_CONTEXT, "Time")),
    ("date", translate_noop(_CONTEXT, "Date (if separate)")),
    ("text", translate_noop(_CONTEXT, "What happened")),
    ("detail", translate_noop(_CONTEXT, "Detail (longer text)")),
    ("kind", translate_noop(_CONTEXT, "Kind")),
    ("source", translate_noop(_CONTEXT, "Source")),
    ("author", translate_noop(_CONTEXT, "Who")),
)


#: The channel choice that reads every channel of a Slack export (never a channel's name).
ALL_CHANNELS = "\x1fall channels"


class TimelineImportDialog(QDialog):
    """The first rows of a file as they will be imported, its problems and notices, and Import.

    The dialog only reads (through ``services.imports``) until Import is
    pressed; Import is disabled while the preview has problems or nothing new.
    For a CSV file the columns, time format and timezone can be chosen, for a
    Slack export the channel; each change makes the preview again.

    Reading and importing run in the background (the window stays responsive):
    meanwhile a progress row says what is happening, with rows read so far,
    and its Cancel stops the work; an import cancelled before its commit
    writes nothing. Closing the dialog cancels whatever runs.
    """

    PREVIEW_ROWS = 50
    SHOWN_PROBLEMS = 200

    def __init__(self, services: Services, review_id: int, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineImportDialog")
        self.setWindowTitle(self.tr("Import timeline"))
        self.resize(1000, 720)
        self._imports = services.imports
        self._review_id = review_id
        self._path = path
        self._kind = file_kind(path)
        self._preview: ImportPreview | None = None
        self._refreshing = False
        self._shown_options: tuple[object, ...] = ()
        self._op: Operation[Any] | None = None
        #: The number of events added once Import succeeded.
        self.added: int | None = None
        #: Why the file could not be read at all (the first preview failed); the dialog then closes.
        self.failure: Exception | None = None
        doc = services.reviews.get(review_id)
        if doc is None:
            raise DomainError(f"no review with id {review_id}")
        self._zone = doc.zone()

        title = QLabel(self.tr("%1 into “%2”").replace("%1", path.name).replace("%2", doc.title), self)
        title.setObjectName("importTitle")
        title.setToolTip(str(path))

        self.field_combos: dict[str, QComboBox] = {}
        #: Which tool exported the CSV (its columns and time format); None: found from the header.
        self.profile_combo = QComboBox(self)
        self._profile_columns = False
        self.time_format = QLineEdit(self)
        self.timezone = QLineEdit(self)
        self.channel = QComboBox(self)
        options = self._build_options(doc.timezone)
        self._options_box = options
        for unused in ((self.channel,) if self._kind != "slack" else ()) + (
                (self.time_format, self.timezone, self.profile_combo) if self._kind != "csv" else ()):
            unused.hide()

        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.notices = QLabel(self)
        self.notices.setObjectName("notices")
        self.notices.setWordWrap(True)
        self.problems_label = QLabel(self.tr("Problems: nothing is imported while there are any. "
                                             "Fix the file or the choices above."), self)
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {accent('error', self.palette())};")
        self.problems = QListWidget(self)
        self.problems.setObjectName("problems")
        self.problems.setMaximumHeight(110)

        columns: tuple[Column[ParsedRow], ...] = (
            Column(translate_noop(_CONTEXT, "Row"), lambda r: str(r.row)),
            Column(translate_noop(_CONTEXT, "Time"), self._time_text),
            Column(translate_noop(_CONTEXT, "Kind"),
                   lambda r: QApplication.translate("vocabulary", label(r.kind))),
            Column(translate_noop(_CONTEXT, "What happened"), lambda r: " ".join(r.text.split()),
                   lambda r: r.text),
            Column(translate_noop(_CONTEXT, "Source"), lambda r: r.source),
            Column(translate_noop(_CONTEXT, "Who"), lambda r: ", ".join(r.participants)),
        )
        self.model: SnapshotTableModel[ParsedRow] = SnapshotTableModel(columns, _CONTEXT, self)
        self.table = QTableView(self)
        self.table.setObjectName("preview")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.import_now)
        self.buttons.rejected.connect(self.reject)

        self.busy_row = QWidget(self)
        self.busy_row.setObjectName("busyRow")
        self.progress = QProgressBar(self.busy_row)
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 0)  # busy: the total is not known before the file is read
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.status = QLabel(self.busy_row)
        self.status.setObjectName("status")
        self.cancel_work_button = QPushButton(self.tr("Cancel"), self.busy_row)
        self.cancel_work_button.setObjectName("cancelWork")
        self.cancel_work_button.setAutoDefault(False)
        self.cancel_work_button.clicked.connect(self.cancel_work)
        busy_layout = QHBoxLayout(self.busy_row)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        busy_layout.addWidget(self.progress)
        busy_layout.addWidget(self.status, 1)
        busy_layout.addWidget(self.cancel_work_button)
        # Its space is kept while hidden: showing it must not lay out (and repaint) the table again.
        policy = self.busy_row.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy_row.setSizePolicy(policy)
        self.busy_row.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if options is not None:
            layout.addWidget(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.notices)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.busy_row)
        layout.addWidget(self.buttons)

        self._refresh(initial=True)

    @classmethod
    def ask(cls, parent: QWidget | None, services: Services, review_id: int, path: Path) -> int | None:
        """Preview ``path`` for ``review_id``; the number of events added, or None when nothing was."""
        try:
            dialog = cls(services, review_id, path, parent)
        except (SourceError, DomainError) as exc:
            QMessageBox.warning(parent, QCoreApplication.translate(_CONTEXT, "Import timeline"),
                                QCoreApplication.translate(_CONTEXT, "Nothing was imported.\n\n%1")
                                .replace("%1", str(exc)))
            return None
        try:
            accepted = dialog.failure is None and dialog.exec() == QDialog.DialogCode.Accepted
            if dialog.failure is not None:
                QMessageBox.warning(parent, QCoreApplication.translate(_CONTEXT, "Import timeline"),
                                    QCoreApplication.translate(_CONTEXT, "Nothing was imported.\n\n%1")
                                    .replace("%1", str(dialog.failure)))
                return None
            return dialog.added if accepted else None
        finally:
            dialog.deleteLater()

    @property
    def preview(self) -> ImportPreview | None:
        """The preview shown (None when the file or the choices could not be read)."""
        return self._preview

    @property
    def busy(self) -> bool:
        """True while the file is being read or imported."""
        return self._op is not None and self._op.running

    def import_now(self) -> None:
        """Write the preview (one transaction, in the background) and close once written.

        A failure is shown and nothing is written; so is a cancel before the commit.
        """
        if self._preview is None or not self.import_button.isEnabled() or self.busy:
            return
        op = self._imports.import_in_background(self._review_id, self._preview)

        def imported(rows: tuple[EventRow, ...]) -> None:
            self._set_busy(None)
            self.added = len(rows)
            self.accept()

        def failed(exc: Exception) -> None:
            self._set_busy(None)
            if not isinstance(exc, DomainError | SQLAlchemyError):
                raise exc
            QMessageBox.warning(self, self.tr("Import timeline"),
                                self.tr("Nothing was imported.\n\n%1").replace("%1", str(exc)))

        def cancelled() -> None:
            self._set_busy(None)
            self.summary.setText(self.tr("The import was cancelled: nothing was imported.")
                                 + "\n" + self._summary(self._preview))

        self._op = op.owned_by(self).on_success(imported).on_failure(failed).on_cancel(cancelled)
        self._set_busy(self.tr("Importing %1 events…").replace("%1", self._number(self._preview.new)))
        op.start()

    def refresh(self) -> None:
        """Read the file again with the choices made (in the background; a read under way is cancelled)."""
        self._refresh(initial=False)

    def cancel_work(self) -> None:
        """Stop the reading or importing under way (an import cancelled before its commit writes nothing)."""
        if self._op is not None and self._op.running:
            self._op.cancel()
            self.status.setText(self.tr("Cancelling…"))
            self.cancel_work_button.setEnabled(False)

    def done(self, result: int) -> None:
        """Closing the dialog in any way cancels the work under way."""
        if self._op is not None:
            self._op.cancel()
        super().done(result)

    # private
    def _build_options(self, review_timezone: str) -> QGroupBox | None:
        if self._kind == "csv":
            box = QGroupBox(self.tr("Columns and times"), self)
            form = QFormLayout(box)
            self.profile_combo.setObjectName("profile")
            self.profile_combo.addItem(self.tr("Found from the header"), None)
            for profile_id, name in self._imports.profiles():
                self.profile_combo.addItem(name, profile_id)
            self.profile_combo.setToolTip(self.tr("The tool that exported the file: its columns and time "
                                                  "format (on the command line, --from)"))
            self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
            form.addRow(self.tr("Exported by"), self.profile_combo)
            for field, text in _FIELDS:
                combo = QComboBox(box)
                combo.setObjectName(f"column_{field}")
                combo.currentIndexChanged.connect(self._option_changed)
                self.field_combos[field] = combo
                form.addRow(QApplication.translate(_CONTEXT, text), combo)
            self.time_format.setObjectName("timeFormat")
            self.time_format.setPlaceholderText(
                self.tr("automatic: ISO 8601 or RFC 2822; or e.g. %d/%m/%Y %H:%M"))
            self.time_format.editingFinished.connect(self._option_changed)
            self.timezone.setObjectName("timezone")
            self.timezone.setPlaceholderText(self.tr("%1 (the review's)").replace("%1", review_timezone))
            self.timezone.setToolTip(self.tr("The timezone of times written without an offset"))
            completer = QCompleter(sorted(available_timezones()), self.timezone)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.timezone.setCompleter(completer)
            self.timezone.editingFinished.connect(self._option_changed)
            form.addRow(self.tr("Time format"), self.time_format)
            form.addRow(self.tr("Timezone"), self.timezone)
            return box
        if self._kind == "slack":
            box = QGroupBox(self.tr("Slack export"), self)
            row = QHBoxLayout(box)
            self.channel.setObjectName("channel")
            names = self._imports.slack_channels(self._path)
            for name in names:
                self.channel.addItem(f"#{name}", name)
            if len(names) > 1:  # every channel in one step, each event's source naming its channel
                every = self.tr("All channels (%1)").replace("%1", str(len(names)))
                self.channel.addItem(every, ALL_CHANNELS)
            self.channel.currentIndexChanged.connect(self._option_changed)
            row.addWidget(QLabel(self.tr("Channel"), box))
            row.addWidget(self.channel, 1)
            return box
        return None

    def _profile_chosen(self, *_args: object) -> None:
        self._profile_columns = True  # the tool's columns, not the ones picked for the last file layout
        self._option_changed()

    def _option_changed(self, *_args: object) -> None:
        # Leaving a field fires editingFinished without a change: reading a big file again is not free.
        if not self._refreshing and self._options() != self._shown_options:
            self.refresh()

    def _options(self) -> tuple[object, ...]:
        return (self.channel.currentData(), tuple(c.currentData() for c in self.field_combos.values()),
                self.time_format.text().strip(), self.timezone.text().strip(),
                self.profile_combo.currentData())

    def _channel(self) -> str | None:
        """The one Slack channel chosen (None: not a Slack export, or all of its channels)."""
        chosen = self.channel.currentData() if self._kind == "slack" else None
        return chosen if chosen != ALL_CHANNELS else None

    def _mapping(self) -> dict[str, str | int | None] | None:
        if self._preview is None and not any(c.count() for c in self.field_combos.values()):
            return None
        return {field: combo.currentData() for field, combo in self.field_combos.items()}

    def _refresh(self, *, initial: bool) -> None:
        if self._op is not None:
            self._op.cancel()  # its outcome is ignored: only the latest read is shown
        self._shown_options = self._options()
        op = self._imports.preview_in_background(
            self._review_id, self._path,
            channel=self._channel(),
            all_channels=self._kind == "slack" and self.channel.currentData() == ALL_CHANNELS,
            mapping=None if initial or self._profile_columns else self._mapping(),
            time_format=self.time_format.text().strip() or None,
            timezone=self.timezone.text().strip() or None,
            profile=self.profile_combo.currentData() if self._kind == "csv" else None,
        )
        self._profile_columns = False

        def previewed(preview: ImportPreview) -> None:
            if op is self._op:
                self._set_busy(None)
                self._show(preview, None)

        def failed(exc: Exception) -> None:
            if op is not self._op:
                return
            self._set_busy(None)
            if not isinstance(exc, SourceError | DomainError):
                raise exc
            if initial:
                self.failure = exc
                self.reject()
                return
            self._show(None, str(exc))

        def cancelled() -> None:
            if op is not self._op:
                return
            self._set_busy(None)
            if initial:
                self.reject()
                return
            self._show(None, None)
            self.summary.setText(self.tr("Reading was cancelled; change a choice to read the file again."))

        def read(rows: int) -> None:
            if op is self._op:
                self.status.setText(self.tr("Reading… %1 rows").replace("%1", self._number(rows)))

        self._op = (op.owned_by(self).on_success(previewed).on_failure(failed).on_cancel(cancelled)
                    .on_progress(read))
        self._set_busy(self.tr("Reading…"))
        op.start()

    def _set_busy(self, text: str | None) -> None:
        """Show the progress row with ``text`` and lock the choices and Import, or (None) unlock them."""
        busy = text is not None
        self.busy_row.setVisible(busy)
        self.status.setText(text or "")
        self.cancel_work_button.setEnabled(busy)
        if self._options_box is not None:
            self._options_box.setEnabled(not busy)
        if busy:
            self.import_button.setEnabled(False)
        else:
            self.import_button.setEnabled(self._can_import(self._preview))

    def _number(self, n: int) -> str:
        return QLocale().toString(n)

    @staticmethod
    def _can_import(preview: ImportPreview | None) -> bool:
        return preview is not None and not preview.problems and preview.new > 0

    def _show(self, preview: ImportPreview | None, error: str | None) -> None:
        self._preview = preview
        if preview is not None and self.field_combos:
            self._fill_combos(preview)
        self.model.set_rows(preview.rows[: self.PREVIEW_ROWS] if preview is not None else ())
        problems = [error] if error else [str(p) for p in (preview.problems if preview else ())]
        self.problems.clear()
        self.problems.addItems(problems[: self.SHOWN_PROBLEMS])
        if len(problems) > self.SHOWN_PROBLEMS:
            more = len(problems) - self.SHOWN_PROBLEMS
            self.problems.addItem(self.tr("… and %1 more").replace("%1", str(more)))
        self.problems.setVisible(bool(problems))
        self.problems_label.setVisible(bool(problems))
        self.notices.setText("\n".join(f"• {n}" for n in preview.notices) if preview else "")
        self.notices.setVisible(bool(preview and preview.notices))
        self.summary.setText(self._summary(preview))
        can_import = self._can_import(preview)
        self.import_button.setEnabled(can_import and not self.busy)
        self.import_button.setText(self.tr("Import %1 events").replace("%1", str(preview.new))
                                   if can_import and preview is not None else self.tr("Import"))

    def _fill_combos(self, preview: ImportPreview) -> None:
        columns = preview.parsed.columns
        self._refreshing = True
        try:
            for field, combo in self.field_combos.items():
                combo.clear()
                combo.addItem(self.tr("(none)"), None)
                for index, name in enumerate(columns):
                    combo.addItem(name or self.tr("column %1").replace("%1", str(index + 1)), index)
                chosen = preview.parsed.mapping.get(field)
                combo.setCurrentIndex(0 if chosen is None else chosen + 1)
        finally:
            self._refreshing = False
        self._shown_options = self._options()

    def _summary(self, preview: ImportPreview | None) -> str:
        if preview is None:
            return self.tr("The file could not be read with these choices.")
        parts = [self.tr("%1 new events").replace("%1", str(preview.new)),
                 self.tr("%1 already in the timeline").replace("%1", str(preview.duplicates)),
                 self.tr("%1 skipped").replace("%1", str(preview.skipped))]
        text = " · ".join(parts)
        if preview.new > self.PREVIEW_ROWS:
            text += self.tr(" (the first %1 are shown)").replace("%1", str(self.PREVIEW_ROWS))
        if preview.new_participants:
            text += "\n" + self.tr("New participants: %1").replace("%1", ", ".join(preview.new_participants))
        return text

    def _time_text(self, row: ParsedRow) -> str:
        text = format_entry(row.at, self._zone)
        return f"≈ {text}" if row.approximate else text
