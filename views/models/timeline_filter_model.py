"""Which timeline events to show: by kind, by participant, and by text as the user types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from views.models.timeline_table_model import TimelineTableModel

Index = QModelIndex | QPersistentModelIndex


class TimelineFilterProxyModel(QSortFilterProxyModel):
    """Filters a :class:`TimelineTableModel`; the order stays the source's (time, then id).

    A row shows when its kind is the chosen kind (or any), the chosen
    participant is among its people (or anyone), and the text typed occurs,
    ignoring case, in its text, source or participant names.

    The proxy never sorts: the source model keeps events in time order, and a
    sort here would cost a Python comparison per pair of rows.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._timeline: TimelineTableModel | None = None
        self._text = ""
        self._kind: str | None = None
        self._participant: str | None = None
        self._accepts: Callable[[int], bool] | None = None

    def setSourceModel(self, model: Any) -> None:  # noqa: N802
        self._timeline = model if isinstance(model, TimelineTableModel) else None
        self._accepts = self._make_test()
        super().setSourceModel(model)

    def set_text(self, text: str) -> None:
        """Show events whose text, source or people contain ``text`` (case-insensitive)."""
        self._change(text.strip().casefold(), self._kind, self._participant)

    def set_kind(self, kind: str | None) -> None:
        """Show events of ``kind`` only (None: every kind)."""
        self._change(self._text, kind or None, self._participant)

    def set_participant(self, name: str | None) -> None:
        """Show events ``name`` took part in only (None: everyone's)."""
        self._change(self._text, self._kind, name or None)

    def set_filters(self, text: str = "", kind: str | None = None, participant: str | None = None) -> None:
        """Set all three filters in one pass over the rows (``set_filters()`` shows everything)."""
        self._change(text.strip().casefold(), kind or None, participant or None)

    def text(self) -> str:
        return self._text

    def kind(self) -> str | None:
        return self._kind

    def participant(self) -> str | None:
        return self._participant

    def is_filtering(self) -> bool:
        """Whether any filter is set."""
        return bool(self._text) or self._kind is not None or self._participant is not None

    def _change(self, text: str, kind: str | None, participant: str | None) -> None:
        if (text, kind, participant) == (self._text, self._kind, self._participant):
            return
        self._text, self._kind, self._participant = text, kind, participant
        if text and self._timeline is not None:
            self._timeline.prepare_search()
        self._accepts = self._make_test()
        # One layout change, not begin/endFilterChange: that announces every run of
        # rows that appears or goes, and a kind filter over interleaved events makes
        # tens of thousands of runs (0.3 s at 50,000 events against 0.07 s this way).
        self.invalidate()

    def _make_test(self) -> Callable[[int], bool] | None:
        """A function of a source row for the filters set now (None: every row shows).

        Built once per filter change over the model's own lists, because it runs
        once per source row: reading the same values as KindRole/ParticipantsRole/
        SearchRole would cost an index and a QVariant round trip per row (0.54 s for
        50,000 events on the 2-core reference machine).
        """
        if self._timeline is None or not self.is_filtering():
            return None
        rows, haystacks = self._timeline.filter_lists()
        search_text = self._timeline.search_text
        kind, person, needle = self._kind, self._participant, self._text

        def accepts(row: int) -> bool:
            event = rows[row]
            if kind is not None and event.kind != kind:
                return False
            if person is not None and person not in event.participants:
                return False
            if not needle:
                return True
            haystack = haystacks[row]
            return needle in (haystack if haystack is not None else search_text(row))

        return accepts

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        accepts = self._accepts
        return True if accepts is None else accepts(source_row)
