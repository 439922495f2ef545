"""The facts of an incident, each field committed through ``ReviewService.update`` as it is left.

A value the domain refuses is not written: the field turns red and a message
under the form says what is wrong, until it is fixed. A field the user is
still editing, or still has to fix, keeps their text through refreshes.
How each field is shown and read back is its binding's (``views.field_bindings``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.review_service import ReviewService
from models.errors import DomainError, InvalidFieldError
from models.reviews import StaleEditError
from models.snapshot import ReviewDoc
from models.vocabulary import REVIEW_KINDS, REVIEW_STATUSES, label
from views.field_bindings import (
    Choice,
    ChoiceBinding,
    CommaListBinding,
    FieldBinding,
    LineTextBinding,
    MultiLineTextBinding,
    TimeInZoneBinding,
    ZoneNameBinding,
)
from views.metrics_box import MetricsBox
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog

_TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def _vocabulary(values: tuple[str, ...]) -> list[Choice]:
    return [Choice(QApplication.translate("vocabulary", label(value)), value) for value in values]


def _stacked(*widgets: QWidget) -> QWidget:
    """``widgets`` one under the other, as one form field."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class FactsForm(QWidget):
    """Title, summary, kind, status, severity, timezone, the four times, key metrics, impact, services, tags.

    The form keeps no copy of the review: ``doc`` returns the review it shows
    (None while none), read again at each commit.

    Signals:
        typed(): text was typed into a field (what :meth:`drafts` returns may have changed).
    """

    typed = Signal()

    def __init__(self, reviews: ReviewService, doc: Callable[[], ReviewDoc | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("factsForm")
        self._reviews = reviews
        self._doc = doc
        #: The message of each refused field, by field.
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
        severities = [Choice(self.tr("Not set"), None)] + [
            Choice(f"{severity.id} — {severity.name}", severity.id, severity.description)
            for severity in reviews.catalog.severities.values()
        ]
        self._severity = ChoiceBinding(
            "severity", severities,
            unknown_text=lambda severity_id: self.tr("{id} (not in your severity definitions)").format(
                id=severity_id))
        bindings: list[FieldBinding[Any]] = [
            LineTextBinding("title", self.tr("What the incident is called")),
            MultiLineTextBinding("summary", 4, self.tr("What happened, in two or three sentences")),
            ChoiceBinding("kind", _vocabulary(REVIEW_KINDS)),
            ChoiceBinding("status", _vocabulary(REVIEW_STATUSES)),
            self._severity,
            ZoneNameBinding("timezone", sorted(available_timezones()), "Europe/Berlin"),
            *(TimeInZoneBinding(field) for field in _TIME_FIELDS),
            MultiLineTextBinding("impact", 3, self.tr("Who or what was affected, how badly, for how long")),
            CommaListBinding("services", self.tr("checkout, config-service")),
            CommaListBinding("tags", self.tr("config, deploy")),
        ]
        #: In the order of the form (and of the messages under it).
        self._bindings = {binding.field: binding for binding in bindings}
        # Connected first, so that the definition of a chosen severity shows before it is committed.
        self._severity.edited.connect(self._show_severity_definition)
        for binding in bindings:
            binding.setParent(self)
            binding.edited.connect(lambda binding=binding: self._commit(binding))
            widget = binding.widget
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(self.typed)
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(self.typed)

        self._severity_definition = QLabel()
        self._severity_definition.setObjectName("severityDefinition")
        self._severity_definition.setWordWrap(True)
        font = self._severity_definition.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self._severity_definition.setFont(font)
        self._times_hint = QLabel()
        self._times_hint.setObjectName("timesHint")
        self._times_hint.setWordWrap(True)
        self._metrics = MetricsBox(self._labels)

        facts = QGroupBox(self.tr("Incident"))
        form = QFormLayout(facts)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in ("title", "summary", "kind", "status"):
            form.addRow(self._labels[field], self._bindings[field].widget)
        form.addRow(self._labels["severity"], _stacked(self._severity.widget, self._severity_definition))
        form.addRow(self._labels["timezone"], _stacked(self._bindings["timezone"].widget, self._times_hint))
        for field in _TIME_FIELDS:
            form.addRow(self._labels[field], self._bindings[field].widget)
        form.addRow(self.tr("Key metrics"), self._metrics)
        for field in ("impact", "services", "tags"):
            form.addRow(self._labels[field], self._bindings[field].widget)

        self._message = QLabel()
        self._message.setObjectName("message")
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: #c62828;")
        self._message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(facts)
        layout.addWidget(self._message)

    def show_review(self, doc: ReviewDoc, *, force: bool) -> None:
        """Fill the form from ``doc`` without writing anything.

        A field the user is still editing keeps their text; with ``force``
        (another review is shown) every field shows ``doc`` and no refusal is left.
        """
        if force:
            self._errors.clear()
            for binding in self._bindings.values():
                binding.set_refusal(None)
            self._show_errors()
        self._fill(doc, force=force)

    def drafts(self) -> dict[str, str]:
        """The text of every field typed in and not committed yet, by field."""
        drafts = {field: binding.draft() for field, binding in self._bindings.items()}
        return {field: text for field, text in drafts.items() if text is not None}

    def restore_drafts(self, doc: ReviewDoc, drafts: dict[str, str]) -> list[str]:
        """Show drafts kept from before (a crash) in their fields, as not committed; returns the fields.

        A draft that says what is stored now is no draft any more: it is left out.
        """
        restored = []
        for field, text in drafts.items():
            binding = self._bindings.get(field)
            if binding is None or binding.is_dirty():
                continue
            binding.put(doc)
            if binding.draft() is None and _shown_text(binding) != text:
                binding.restore_draft(text)
                restored.append(field)
        return restored

    def show_metrics(self, doc: ReviewDoc) -> None:
        """Show ``doc``'s key metrics again (the timeline changed, which may mark them approximate)."""
        self._metrics.show_review(doc)

    def commit_pending(self) -> None:
        """Commit every field the user changed but has not left yet (e.g. before closing)."""
        for field, binding in self._bindings.items():
            if binding.is_dirty() and field not in self._errors:
                self._commit(binding)

    def _fill(self, doc: ReviewDoc, *, force: bool) -> None:
        for binding in self._bindings.values():
            if force or not binding.is_dirty():
                binding.put(doc)
        self._show_severity_definition()
        self._metrics.show_review(doc)
        self._times_hint.setText(
            self.tr("Times are wall-clock in {zone}; add an offset (+01:00) or Z for another zone.").format(
                zone=doc.timezone)
        )

    def _show_severity_definition(self) -> None:
        chosen = self._severity.widget.currentData()
        severity = self._reviews.catalog.severity(chosen)
        if severity is not None:
            self._severity_definition.setText(severity.description)
        elif chosen:
            self._severity_definition.setText(self.tr("This severity is not defined in this library."))
        else:
            self._severity_definition.setText(
                self.tr("Choose the level from your organisation's severity definitions."))

    def _commit(self, binding: FieldBinding[Any]) -> None:
        """Write ``binding``'s field if the user changed it; show the problem instead if it is refused."""
        doc = self._doc()
        if doc is None:
            return
        try:
            value = binding.read(doc)
        except InvalidFieldError as exc:
            self._refuse(binding, exc)
            return
        if value == binding.stored(doc):
            self._accept(binding)
            return
        # Clean before writing, so the refresh the write triggers shows the stored value.
        binding.set_dirty(False)
        try:
            self._reviews.update(doc.id, expected={binding.field: binding.started_from},
                                 **{binding.field: value})
        except StaleEditError as exc:
            self._resolve_stale(binding, exc)
            return
        except DomainError as exc:
            self._refuse(binding, exc)
            return
        self._accept(binding)

    def _resolve_stale(self, binding: FieldBinding[Any], error: StaleEditError) -> None:
        """Someone else changed the field meanwhile (nothing was written): keep theirs, or write mine."""
        while True:
            doc = self._doc()
            zone = doc.zone() if doc is not None else None
            choice = StaleEditDialog.ask(self, error, self._labels[binding.field], zone=zone)
            if choice is StaleEditChoice.RELOAD:
                self._accept(binding)
                doc = self._doc()
                if doc is not None:
                    binding.put(doc)  # theirs, and the next edit starts from it
                return
            try:
                self._reviews.keep_mine(error)
            except StaleEditError as again:  # a third change meanwhile: ask again about that one
                error = again
                continue
            except DomainError as exc:
                self._refuse(binding, exc)
                return
            self._accept(binding)
            return

    def _refuse(self, binding: FieldBinding[Any], exc: DomainError) -> None:
        reason = exc.reason if isinstance(exc, InvalidFieldError) else str(exc)
        message = f"{self._labels[binding.field]}: {reason}"
        self._errors[binding.field] = message
        # Dirty keeps the user's text through refreshes until they fix it.
        binding.set_dirty(True)
        binding.set_refusal(message)
        self._show_errors()

    def _accept(self, binding: FieldBinding[Any]) -> None:
        binding.set_dirty(False)
        if self._errors.pop(binding.field, None) is not None:
            binding.set_refusal(None)
            self._show_errors()
            doc = self._doc()
            if doc is not None:
                # Show the stored value again (the refused text may have been left as typed).
                self._fill(doc, force=False)

    def _show_errors(self) -> None:
        text = "\n".join(self._errors[field] for field in self._bindings if field in self._errors)
        self._message.setText(text)
        self._message.setVisible(bool(text))


def _shown_text(binding: FieldBinding[Any]) -> str:
    widget = binding.widget
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return ""
