"""Paste a timeline written as text (a doc's or a chat's lines that start with times), then preview it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from models.errors import DomainError
from models.text_timeline import ROLLOVER, text_kind
from views.style import accent
from views.timeline_import_dialog import TimelineImportDialog

_CONTEXT = "PasteTimelineDialog"


class PasteTimelineDialog(QDialog):
    """A large text field for a pasted timeline; Preview… shows the import preview of what was pasted.

    The text is first kept as a file in the user's data folder (``pasted/``,
    through ``services.imports.save_pasted``): what was pasted is never lost,
    even when the preview finds problems or the app stops. The preview is the
    same dialog a file import shows (:class:`TimelineImportDialog`); cancelling
    it comes back here to correct the text, importing closes both. Cancel with
    text in the field asks first.
    """

    def __init__(self, services: Services, review_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pasteTimelineDialog")
        self.setWindowTitle(self.tr("Paste timeline"))
        self.resize(820, 600)
        self._services = services
        self._review_id = review_id
        self._path: Path | None = None
        #: The number of events added once the preview imported them.
        self.added: int | None = None
        doc = services.reviews.get(review_id)
        if doc is None:
            raise DomainError(f"no review with id {review_id}")

        intro = QLabel(self.tr("Paste the lines of a timeline into “%1”: each line that starts with a time "
                               "is an event; lines without one continue the event above them.")
                       .replace("%1", doc.title), self)
        intro.setWordWrap(True)
        if doc.started_at is not None:
            day = doc.started_at.astimezone(doc.zone()).strftime("%Y-%m-%d")
            where = self.tr("Times without a date are on %1 (the incident's start) until a line gives "
                            "a date, in %2 unless a line names a zone. A time more than %3 hours before "
                            "the one above it is on the next day.").replace("%1", day) \
                .replace("%2", doc.timezone)
        else:
            where = self.tr("The review has no incident start yet: write the date with the times "
                            "(2025-03-11 14:02), or set the incident start first. Times without a zone are "
                            "in %2. A time more than %3 hours before the one above it is on the next day.") \
                .replace("%2", doc.timezone)
        self.dates_hint = QLabel(where.replace("%3", str(int(ROLLOVER.total_seconds() // 3600))), self)
        self.dates_hint.setObjectName("datesHint")
        self.dates_hint.setWordWrap(True)

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("pastedText")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabChangesFocus(False)
        self.editor.setPlaceholderText(self.tr(
            "14:02 config push to checkout-eu (Bob)\n"
            "14:09 — first 5xx alerts, on-call paged\n"
            "    (a line without a time continues the event above)\n"
            "- [14:12] Ana: rollback started\n"
            "2:30 PM Detection: dashboards red again\n"
            "2025-03-11 23:50 UTC — second rollback\n"
            "00:10 checkout healthy (after midnight: the next day)\n"
            "\n"
            "Also: 14:02:33, 14h02, Mar 11 14:02, 11 March 2025 14:02, 2025-03-11T14:02:00Z, "
            "14:02 +01:00, 14:02 CET, ~14:02 (approximate)"))
        self.editor.textChanged.connect(self._text_changed)

        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {accent('error', self.palette())};")
        self.message.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.preview_button = QPushButton(self.tr("Preview…"), self)
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setDefault(True)
        self.preview_button.setEnabled(False)
        self.buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.clicked.connect(self.preview)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.dates_hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.editor.setFocus()

    @classmethod
    def ask(cls, parent: QWidget | None, services: Services, review_id: int) -> int | None:
        """Ask for a pasted timeline and preview it; the number of events added, or None when none were."""
        try:
            dialog = cls(services, review_id, parent)
        except DomainError as exc:
            QMessageBox.warning(parent, QCoreApplication.translate(_CONTEXT, "Paste timeline"), str(exc))
            return None
        try:
            dialog.exec()
            return dialog.added
        finally:
            dialog.deleteLater()

    @property
    def path(self) -> Path | None:
        """Where the pasted text is kept (None until it was first previewed)."""
        return self._path

    def preview(self) -> None:
        """Keep the text as a file, then show the import preview; an import closes this dialog too."""
        text = self.editor.toPlainText()
        if not text.strip():
            return
        try:
            self._path = self._services.imports.save_pasted(self._review_id, text, self._path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self._show_message(self.tr("The pasted text could not be kept as a file (%1), so it is not "
                                       "previewed; copy it somewhere safe.").replace("%1", reason))
            return
        if text_kind(text) is None:
            self._show_message(self.tr("No line starts with a time. Each event is a line like "
                                       "“14:02 config push (Bob)” or “2025-03-11 14:02 UTC — rollback”."))
            return
        self._show_message(None)
        added = TimelineImportDialog.ask(self, self._services, self._review_id, self._path)
        if added is not None:
            self.added = added
            self.accept()

    def reject(self) -> None:
        """Cancel, Escape or closing the window: with text in the field, only once confirmed."""
        if self.editor.toPlainText().strip() and not self.confirm_discard():
            return
        super().reject()

    def confirm_discard(self) -> bool:
        """Ask before the pasted text is dropped; tests replace this."""
        text = self.tr("Close without importing the pasted timeline?")
        if self._path is not None:
            text += "\n\n" + self.tr("A copy is kept in %1.").replace("%1", str(self._path))
        answer = QMessageBox.question(self, self.tr("Paste timeline"), text,
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    # private
    def _text_changed(self) -> None:
        self.preview_button.setEnabled(bool(self.editor.toPlainText().strip()))

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
