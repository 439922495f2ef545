"""The library's filter bar: severity, status, kind, service, tag, template and a date range.

Each choice offers the values the library holds, with how many reviews have
each ("SEV2 (12)"), so a filter never leads to an empty list by guesswork.
The dates are the incident's day in the review's own timezone
(:func:`models.library_filter.review_day`); "any" at either end leaves that end
open. Every change emits the whole :class:`~models.library_filter.LibraryFilter`.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from models.library_filter import NO_SEVERITY, Facet, Facets, LibraryFilter
from models.vocabulary import label
from views.form_inputs import let_shrink

#: Before the library has said which days it holds: the date edits' "any" (their lowest date).
_ANY_DAY = QDate(2000, 1, 1)


class LibraryFilterBar(QWidget):
    """Choices that narrow the library's list; ``changed(LibraryFilter)`` on every change.

    Signals:
        changed(object): the :class:`LibraryFilter` the choices now make.
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryFilters")
        self._quiet = False
        self._tab_out = _TabOutOfAny(self)
        self.severity = self._combo(self.tr("Any severity"), self.tr("Severity"))
        self.status = self._combo(self.tr("Any status"), self.tr("Status"))
        self.kind = self._combo(self.tr("Any kind"), self.tr("Kind (incident or near miss)"))
        self.service = self._combo(self.tr("Any service"), self.tr("Service"))
        self.tag = self._combo(self.tr("Any tag"), self.tr("Tag"))
        self.template = self._combo(self.tr("Any template"), self.tr("Meeting template"))
        self.since = self._date_edit(self.tr("From this day on (the incident's day, in its timezone)"))
        self.until = self._date_edit(self.tr("Up to this day (the incident's day, in its timezone)"))
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every review again"))
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel()
        self.count_label.setObjectName("libraryCount")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for combo in (self.severity, self.status, self.kind, self.service, self.tag, self.template):
            layout.addWidget(combo)
        from_label = QLabel(self.tr("&From"))
        from_label.setBuddy(self.since)
        to_label = QLabel(self.tr("&to"))
        to_label.setBuddy(self.until)
        layout.addWidget(from_label)
        layout.addWidget(self.since)
        layout.addWidget(to_label)
        layout.addWidget(self.until)
        layout.addWidget(self.clear_button)
        # The count goes where the page puts it (beside the heading): the row keeps its width for choices.
        self._update_clear()

    def _combo(self, anything: str, name: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(anything, None)
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        # The choices share the row's width and may shrink to about 6 characters.
        let_shrink(combo, 6)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.currentIndexChanged.connect(self._emit)
        return combo

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_ANY_DAY)
        edit.setSpecialValueText(self.tr("any"))  # shown at the minimum: that end is open
        edit.setDate(_ANY_DAY)
        edit.setToolTip(tip)
        edit.setAccessibleName(tip)
        edit.dateChanged.connect(self._emit)
        edit.installEventFilter(self._tab_out)
        return edit

    def focus_chain(self) -> list[QWidget]:
        """The bar's controls in the order Tab visits them, left to right."""
        return [self.severity, self.status, self.kind, self.service, self.tag, self.template, self.since,
                self.until, self.clear_button]

    def set_facets(self, found: Facets) -> None:
        """Offer the values the library holds now; what was chosen stays chosen (offered with
        no reviews if none has it any more, so nothing changes under the user's eyes)."""
        self._quiet = True
        try:
            self._fill(self.severity, found.severities,
                       lambda v: v if v != NO_SEVERITY else self.tr("No severity"))
            self._fill(self.status, found.statuses, label)
            self._fill(self.kind, found.kinds, label)
            self._fill(self.service, found.services, str)
            self._fill(self.tag, found.tags, str)
            self._fill(self.template, found.templates, str)
            if found.first_day is not None:
                # "any" is the day before the library's first incident: a calendar opened from
                # "any" starts there, not decades earlier.
                first = found.first_day
                before = QDate(first.year, first.month, first.day).addDays(-1)
                for edit in (self.since, self.until):
                    was_any = edit.date() == edit.minimumDate()
                    # A day chosen before that stays chosen (raising the lowest date past it would
                    # turn it into "any" silently while the list stayed filtered by it).
                    lowest = before if was_any or edit.date() > before else edit.date().addDays(-1)
                    edit.setMinimumDate(lowest)
                    if was_any:
                        edit.setDate(lowest)
        finally:
            self._quiet = False

    def _fill(self, combo: QComboBox, offered: tuple[Facet, ...], name: object) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            values = [facet.value for facet in offered]
            for facet in offered:
                combo.addItem(f"{name(facet.value)} ({facet.count})", facet.value)  # type: ignore[operator]
            if chosen is not None and chosen not in values:
                combo.addItem(f"{name(chosen)} (0)", chosen)  # type: ignore[operator]
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
        finally:
            combo.blockSignals(False)

    def current(self) -> LibraryFilter:
        """The filter the choices make."""
        return LibraryFilter(
            since=_day(self.since), until=_day(self.until),
            severity=self.severity.currentData(), status=self.status.currentData(),
            kind=self.kind.currentData(), service=self.service.currentData(), tag=self.tag.currentData(),
            template=self.template.currentData())

    def clear(self) -> None:
        """Every choice back to "any" (one change)."""
        self._quiet = True
        try:
            for combo in (self.severity, self.status, self.kind, self.service, self.tag, self.template):
                combo.setCurrentIndex(0)
            self.since.setDate(self.since.minimumDate())
            self.until.setDate(self.until.minimumDate())
        finally:
            self._quiet = False
        self._emit()

    def set_count(self, shown: int, total: int) -> None:
        """ "12 of 40 reviews" while filtering; "40 reviews" when not."""
        if self.current().is_active():
            text = self.tr("%1 of %2 reviews").replace("%1", str(shown)).replace("%2", str(total))
        else:
            text = self.tr("1 review") if total == 1 else self.tr("%1 reviews").replace("%1", str(total))
        self.count_label.setText(text)

    def _emit(self) -> None:
        self._update_clear()
        if not self._quiet:
            self.changed.emit(self.current())

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(self.current().is_active())


class _TabOutOfAny(QObject):
    """Tab and Shift+Tab leave a date edit that shows "any".

    Qt's QDateEdit walks its year, month and day on Tab; showing its special
    value text it has no sections, and Tab stayed in it for ever (a keyboard trap).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (isinstance(watched, QDateEdit) and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
                and watched.date() == watched.minimumDate()):
            shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            forward = event.key() == Qt.Key.Key_Tab and not shifted
            target = _next_focus(watched, forward)
            if target is not None:
                reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
                target.setFocus(reason)
                return True
        return False


def _next_focus(widget: QWidget, forward: bool) -> QWidget | None:
    """The next (or previous) widget Tab would reach outside ``widget``."""
    step = QWidget.nextInFocusChain if forward else QWidget.previousInFocusChain
    candidate = step(widget)
    while candidate is not None and candidate is not widget:
        takes_tab = bool(candidate.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if (takes_tab and candidate.isVisible() and candidate.isEnabled()
                and not widget.isAncestorOf(candidate) and candidate.focusProxy() is None):
            return candidate
        candidate = step(candidate)
    return None


def _day(edit: QDateEdit) -> date | None:
    """The day chosen; None for "any" (the edit's lowest date)."""
    chosen = edit.date()
    return None if chosen == edit.minimumDate() else date(chosen.year(), chosen.month(), chosen.day())
