"""Choosing what an export holds and for whom, with a live preview of the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.background import Operation
from app.bootstrap import Services
from app.export_service import FORMATS, PreviewSource, ReportOptions
from app.language_guard import LanguageGuard
from models.errors import DomainError

#: Milliseconds the preview waits after the last change before it is redrawn.
PREVIEW_DELAY = 150
#: Formats whose content the report options shape (bundles and CSV always hold everything they hold).
REPORT_FORMATS = frozenset({"docx", "md", "html", "pdf"})


@dataclass(frozen=True)
class ExportChoice:
    """What to write: the format, the report's options, and whether names become roles."""

    format: str = "docx"
    options: ReportOptions = field(default_factory=ReportOptions)
    anonymize: bool = False

    @property
    def include_private(self) -> bool:
        """Whether private (facilitator-only) notes go into the report."""
        return self.options.include_private


class ExportDialog(QDialog):
    """Format, audience and options of an export, beside the report as it will read.

    The review is read once, on a worker, for every preview of the dialog; the
    chart is drawn once (and once more for roles); each option change then
    only rebuilds the HTML, off the UI thread. A change made while a preview
    is being made is shown by the next one.
    """

    def __init__(self, services: Services, review_id: int, initial: ExportChoice | None = None,
                 parent: QWidget | None = None, *, on_jump: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        self._on_jump = on_jump
        self.services = services
        self.review_id = review_id
        self._source = PreviewSource(services.library, services.catalog, review_id)
        self._preview_op: Operation[str] | None = None
        self._again = False
        initial = initial or ExportChoice(anonymize=bool(services.settings.get("show_roles")))
        self.setWindowTitle(self.tr("Export review"))
        self.resize(1000, 700)

        self.format_combo = QComboBox()
        for fmt, (name, suffix) in FORMATS.items():
            self.format_combo.addItem(f"{self.tr(name)} ({suffix})", fmt)
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(initial.format)))
        self.audience_combo = QComboBox()
        self.audience_combo.addItem(self.tr("Full report"), "full")
        self.audience_combo.addItem(self.tr("Executive summary (one page)"), "summary")
        self.audience_combo.setCurrentIndex(max(0, self.audience_combo.findData(initial.options.audience)))
        options = initial.options
        self.private_check = QCheckBox(self.tr("Include private notes"))
        self.private_check.setChecked(options.include_private)
        self.roles_check = QCheckBox(self.tr("Show roles instead of names"))
        self.roles_check.setChecked(initial.anonymize)
        self.timeline_check = QCheckBox(self.tr("Include timeline"))
        self.timeline_check.setChecked(options.include_timeline)
        self.chart_check = QCheckBox(self.tr("Include chart"))
        self.chart_check.setChecked(options.include_chart)
        self.meeting_check = QCheckBox(self.tr("Include meeting record"))
        self.meeting_check.setChecked(options.include_meeting_record)

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)  # a link in a note is not followed inside the dialog
        self.preview.setAccessibleName(self.tr("Preview"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Export…"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow(self.tr("Audience"), self.audience_combo)
        for check in self._checks():
            form.addRow(check)
        # The coach guards the report too: flagged notes are listed before anything is written.
        self.flagged_label = QLabel()
        self.flagged_label.setObjectName("flaggedHeading")
        self.flagged_label.setWordWrap(True)
        self.flagged_list = QListWidget()
        self.flagged_list.setObjectName("flaggedNotes")
        self.flagged_list.setWordWrap(True)
        self.flagged_list.itemActivated.connect(self._jump)
        self.flagged_list.itemDoubleClicked.connect(self._jump)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.flagged_label)
        side.addWidget(self.flagged_list, 1)
        row = QHBoxLayout()
        row.addLayout(side, 1)
        row.addWidget(self.preview, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY)
        self._timer.timeout.connect(self.refresh_preview)
        for combo in (self.format_combo, self.audience_combo):
            combo.currentIndexChanged.connect(self._changed)
        for check in self._checks():
            check.toggled.connect(self._changed)
        self._update_enabled()
        self._list_flagged()
        self.private_check.toggled.connect(self._list_flagged)
        self.refresh_preview()

    def _list_flagged(self, *_args: object) -> None:
        """The notes the language coach flags that this export would carry (double-click: go there)."""
        doc = self.services.current.doc
        if doc is None or doc.id != self.review_id:
            doc = self.services.reviews.get(self.review_id)
        guard = LanguageGuard(self.services.language_rules.rules)
        private = self.private_check.isChecked()
        flagged = guard.flagged(doc, include_private=private) if doc is not None else ()
        self.flagged_list.clear()
        for found in flagged:
            item = QListWidgetItem(f"{found.note.text}\n   {found.summary()}")
            item.setData(Qt.ItemDataRole.UserRole, found.note.id)
            self.flagged_list.addItem(item)
        if flagged:
            jump = self.tr(" Double-click one to go to it.") if self._on_jump is not None else ""
            self.flagged_label.setText(self.tr("Language to read again before sharing (%1):").replace(
                "%1", str(len(flagged))) + jump)
        else:
            self.flagged_label.setText(self.tr("The language coach flags no note in this report."))
        self.flagged_list.setVisible(bool(flagged))

    def _jump(self, item: QListWidgetItem) -> None:
        if self._on_jump is None:
            return
        note_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.reject()
        self._on_jump(note_id)

    def _checks(self) -> tuple[QCheckBox, ...]:
        return (self.private_check, self.roles_check, self.timeline_check, self.chart_check,
                self.meeting_check)

    def choice(self) -> ExportChoice:
        """What the dialog shows now."""
        options = ReportOptions(include_private=self.private_check.isChecked(),
                                include_timeline=self.timeline_check.isChecked(),
                                include_chart=self.chart_check.isChecked(),
                                include_meeting_record=self.meeting_check.isChecked())
        if self.audience_combo.currentData() == "summary":
            options = replace(options, audience="summary")
        return ExportChoice(format=str(self.format_combo.currentData()), options=options,
                            anonymize=self.roles_check.isChecked())

    def refresh_preview(self) -> None:
        """Redraw the preview (on a worker) from the review as read and the options as shown."""
        self._timer.stop()
        if self._preview_op is not None and self._preview_op.running:
            self._again = True  # one at a time: the next one shows the latest options
            return
        self._again = False
        choice = self.choice()
        operation = self._source.in_background(choice.options, anonymize=choice.anonymize).owned_by(self)
        operation.on_success(self._show_preview).on_failure(self._preview_failed)
        self._preview_op = operation
        operation.start()

    def preview_busy(self) -> bool:
        """Whether a preview is being made or waits to be (tests wait for this to end)."""
        return self._again or self._timer.isActive() or (
            self._preview_op is not None and self._preview_op.running)

    def _show_preview(self, html: str) -> None:
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(html)
        self.preview.verticalScrollBar().setValue(scroll)
        self._next_preview()

    def _preview_failed(self, exc: Exception) -> None:
        if not isinstance(exc, DomainError):
            raise exc  # a bug: the crash dialog
        self.preview.setPlainText(str(exc))
        self._next_preview()

    def _next_preview(self) -> None:
        if self._again:
            QTimer.singleShot(0, self.refresh_preview)

    def _changed(self, *_args: object) -> None:
        self._update_enabled()
        self._timer.start()  # restarted on every change: one redraw once the clicking stops

    def _update_enabled(self) -> None:
        report = self.format_combo.currentData() in REPORT_FORMATS
        full = report and self.audience_combo.currentData() == "full"
        self.audience_combo.setEnabled(report)
        self.private_check.setEnabled(full)
        for check in (self.timeline_check, self.chart_check, self.meeting_check):
            check.setEnabled(full)

    @classmethod
    def ask(cls, parent: QWidget | None, services: Services, review_id: int,
            initial: ExportChoice | None = None, *,
            on_jump: Callable[[int], None] | None = None) -> ExportChoice | None:
        """The user's choice, or None if they cancelled (or went to a flagged note, ``on_jump``)."""
        dialog = cls(services, review_id, initial, parent, on_jump=on_jump)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
