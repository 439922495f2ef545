"""The timeline of one review as a table model: events in time order, edited in place by request.

Built for real timelines (chat exports of tens of thousands of messages): the
model keeps the frozen :class:`EventRow` snapshots in time order (then id) and
formats a row's display strings the first time a view asks for them, so
opening a 50,000-event review costs one sort and no formatting.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from models.errors import InvalidFieldError
from models.snapshot import EventRow
from models.timefmt import APPROXIMATE, format_entry, relative, utc_offset, wall_clock
from models.timeparse import parse_time
from models.vocabulary import EVENT_KINDS, label
from views.i18n import QT_TRANSLATE_NOOP as translate_noop

Index = QModelIndex | QPersistentModelIndex

_CONTEXT = "TimelineTableModel"
_UTC = ZoneInfo("UTC")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: The walkthrough's current event: amber, translucent so it reads on light and dark palettes.
CURRENT_COLOUR = QColor(255, 179, 0, 90)


def _key(row: EventRow) -> tuple[datetime, int]:
    return row.at, row.id


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _haystack(event: EventRow) -> str:
    """What the text filter searches: text, detail, source and names, case-folded."""
    if event.detail:
        return f"{event.text}\n{event.detail}\n{event.source}\n{', '.join(event.participants)}".casefold()
    return f"{event.text}\n{event.source}\n{', '.join(event.participants)}".casefold()


class TimelineTableModel(QAbstractTableModel):
    """Events of one review, oldest first (then by id); editable in place, but never written here.

    An edit emits ``edit_requested`` with the event id, the field (as
    ``ReviewService.update_event`` names it) and the new value; the stored row
    comes back through :meth:`upsert` once the service has committed it. A
    value that cannot be stored (a time that does not parse, or that the
    review's zone skipped or repeated, an unknown participant) emits
    ``edit_rejected`` with the reason instead, and nothing is asked for.

    The time column also carries the "time is an estimate" flag as a check box.

    Signals:
        edit_requested(int, str, object): event id, field, new value.
        edit_rejected(int, str): event id, why the typed value was refused.
    """

    edit_requested = Signal(int, str, object)
    edit_rejected = Signal(int, str)

    COL_TIME, COL_OFFSET, COL_KIND, COL_TEXT, COL_SOURCE, COL_WHO = range(6)
    HEADERS = (
        translate_noop(_CONTEXT, "Time"),
        translate_noop(_CONTEXT, "T+"),
        translate_noop(_CONTEXT, "Kind"),
        translate_noop(_CONTEXT, "What happened"),
        translate_noop(_CONTEXT, "Source"),
        translate_noop(_CONTEXT, "Who"),
    )
    #: The event id, through any proxy.
    IdRole = Qt.ItemDataRole.UserRole
    #: Microseconds since the epoch (UTC): the raw time, for code that sorts or compares.
    SortRole = Qt.ItemDataRole.UserRole + 1
    #: The kind id ("change", "detection", …).
    KindRole = Qt.ItemDataRole.UserRole + 2
    #: The participant names, as a list.
    ParticipantsRole = Qt.ItemDataRole.UserRole + 3
    #: What the text filter searches: text, source and names, case-folded.
    SearchRole = Qt.ItemDataRole.UserRole + 4
    #: True on the walkthrough's current event (see :meth:`set_current`).
    CurrentRole = Qt.ItemDataRole.UserRole + 5
    #: The whole :class:`EventRow`.
    EventRole = Qt.ItemDataRole.UserRole + 6

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # _rows and _haystacks are never rebound (see filter_lists()).
        self._rows: list[EventRow] = []
        self._display: list[tuple[str, ...] | None] = []
        self._haystacks: list[str] = []
        self._positions: dict[int, int] | None = {}
        self._zone: ZoneInfo = _UTC
        self._start: datetime | None = None
        self._people: dict[str, str] = {}
        self._same_day = True
        self._current_id: int | None = None
        self._kind_labels: dict[str, str] = {}
        self._current_brush = QBrush(CURRENT_COLOUR)
        self._current_font = QFont()
        self._current_font.setBold(True)
        self._estimate_font = QFont()
        self._estimate_font.setItalic(True)

    # public: contents
    def set_rows(self, rows: Iterable[EventRow], *, zone: ZoneInfo | None = None,
                 started_at: datetime | None = None, participants: Iterable[str] = ()) -> None:
        """Show ``rows`` (a full reload: views reset their selection and scroll)."""
        self.beginResetModel()
        try:
            self._rows[:] = sorted(rows, key=_key)
            self._display = [None] * len(self._rows)
            # Eagerly, in one pass (about 16 ms for 50,000 events): the first filter typed
            # then costs no more than the next one.
            self._haystacks[:] = [_haystack(row) for row in self._rows]
            self._positions = None
            self._zone = zone or _UTC
            self._start = started_at
            self._people = {name.casefold(): name for name in participants}
            self._kind_labels = {k: QCoreApplication.translate("vocabulary", label(k)) for k in EVENT_KINDS}
            self._same_day = self._compute_same_day()
        finally:
            self.endResetModel()

    def set_context(self, *, zone: ZoneInfo, started_at: datetime | None,
                    participants: Iterable[str] = ()) -> None:
        """The review's timezone, incident start and participants changed: re-read times, keep rows."""
        self._people = {name.casefold(): name for name in participants}
        if zone == self._zone and started_at == self._start:
            return
        self._zone = zone
        self._start = started_at
        self._same_day = self._compute_same_day()
        self._display = [None] * len(self._rows)
        self._emit_column_changed(self.COL_TIME, self.COL_OFFSET)

    def sync(self, rows: Sequence[EventRow], *, limit: int = 200) -> bool:
        """Bring the model to ``rows`` with precise notifications; True when that took a reset.

        Up to ``limit`` added, changed or removed events are applied one by one
        (so selection and scroll survive); more than that is a full reload.
        """
        positions = self._index()
        wanted = {row.id: row for row in rows}
        removed = [event_id for event_id in positions if event_id not in wanted]
        if len(removed) > limit:
            self.set_rows(rows, zone=self._zone, started_at=self._start, participants=self._people.values())
            return True
        changed = [row for row in rows if (position := positions.get(row.id)) is None
                   or self._rows[position] != row]
        if len(removed) + len(changed) > limit:
            self.set_rows(rows, zone=self._zone, started_at=self._start, participants=self._people.values())
            return True
        for event_id in removed:
            self.remove(event_id)
        for row in changed:
            self.upsert(row)
        return False

    def upsert(self, row: EventRow) -> int:
        """Add ``row`` or replace the event with its id, keeping time order; returns its row."""
        position = self.row_of(row.id)
        target = bisect.bisect_left(self._rows, _key(row), key=_key)
        if position < 0:
            self.beginInsertRows(QModelIndex(), target, target)
            self._rows.insert(target, row)
            self._display.insert(target, None)
            self._haystacks.insert(target, _haystack(row))
            self._positions = None
            self.endInsertRows()
            self._check_day_mode()
            return target
        if target > position:
            target -= 1  # bisect counted the old row, which leaves before the new one arrives
        if target != position:
            destination = target if target < position else target + 1
            self.beginMoveRows(QModelIndex(), position, position, QModelIndex(), destination)
            self._rows.insert(target, self._rows.pop(position))
            self._display.insert(target, self._display.pop(position))
            self._haystacks.insert(target, self._haystacks.pop(position))
            self._positions = None
            self.endMoveRows()
        self._rows[target] = row
        self._display[target] = None
        self._haystacks[target] = _haystack(row)
        self.dataChanged.emit(self.index(target, 0), self.index(target, len(self.HEADERS) - 1))
        self._check_day_mode()
        return target

    def remove(self, event_id: int) -> bool:
        """Drop the event ``event_id``; False when it is not shown."""
        position = self.row_of(event_id)
        if position < 0:
            return False
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        del self._display[position]
        del self._haystacks[position]
        self._positions = None
        self.endRemoveRows()
        if self._current_id == event_id:
            self._current_id = None
        self._check_day_mode()
        return True

    # public: reading
    def rows(self) -> list[EventRow]:
        """The events in display order (a copy)."""
        return list(self._rows)

    def event_at(self, row: int) -> EventRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def event_by_id(self, event_id: int | None) -> EventRow | None:
        position = self.row_of(event_id) if event_id is not None else -1
        return self._rows[position] if position >= 0 else None

    def row_of(self, event_id: int) -> int:
        """The row of event ``event_id``, -1 when it is not shown."""
        return self._index().get(event_id, -1)

    def row_at_or_after(self, moment: datetime) -> int:
        """The first row at or after ``moment`` (the row count when every event is earlier)."""
        return bisect.bisect_left(self._rows, moment, key=lambda row: row.at)

    def zone(self) -> ZoneInfo:
        return self._zone

    def search_text(self, row: int) -> str:
        """What the text filter searches in ``row``: text, source and names, case-folded (SearchRole)."""
        return self._haystacks[row]

    def filter_lists(self) -> tuple[list[EventRow], list[str]]:
        """The rows and their search texts, in step, for the filter proxy.

        These are the model's own lists, kept up to date in place and never
        replaced, so a filter can hold them; read them, never change them.
        """
        return self._rows, self._haystacks

    def time_text(self, event: EventRow) -> str:
        """The event's time as the time column shows it ("≈ 10:14")."""
        return self._formatted(self.row_of(event.id), event)[self.COL_TIME]

    # public: walkthrough
    def set_current(self, event_id: int | None) -> None:
        """Mark ``event_id`` as the walkthrough's current event (CurrentRole, background, bold)."""
        if event_id == self._current_id:
            return
        previous, self._current_id = self._current_id, event_id
        for changed in (previous, event_id):
            position = self.row_of(changed) if changed is not None else -1
            if position >= 0:
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.HEADERS) - 1),
                                      [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole,
                                       self.CurrentRole])

    def current(self) -> int | None:
        """The walkthrough's current event id."""
        return self._current_id

    # private
    def _index(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {row.id: position for position, row in enumerate(self._rows)}
        return self._positions

    def _formatted(self, position: int, event: EventRow) -> tuple[str, ...]:
        cached = self._display[position] if position >= 0 else None
        if cached is None:
            time = wall_clock(event.at, self._zone, with_date=not self._same_day)
            offset = relative(event.at, self._start)
            if event.approximate:
                time = APPROXIMATE + time
                offset = APPROXIMATE + offset if offset else ""
            kind = self._kind_labels.get(event.kind, event.kind)
            cached = (time, offset, kind, " ".join(event.text.split()), event.source,
                      ", ".join(event.participants))
            if position >= 0:
                self._display[position] = cached
        return cached

    def is_same_day(self) -> bool:
        """Whether every event falls on one day in the review's zone (times then show without the date)."""
        return self._same_day

    def _compute_same_day(self) -> bool:
        if not self._rows:
            return True
        first = self._rows[0].at.astimezone(self._zone).date()
        return first == self._rows[-1].at.astimezone(self._zone).date()

    def _check_day_mode(self) -> None:
        """Times show without the date while every event is on one day; say so when that flips."""
        same_day = self._compute_same_day()
        if same_day != self._same_day:
            self._same_day = same_day
            self._display = [None] * len(self._rows)
            self._emit_column_changed(self.COL_TIME, self.COL_TIME)
        else:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.COL_TIME, self.COL_TIME)

    def _emit_column_changed(self, first: int, last: int) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, first), self.index(len(self._rows) - 1, last))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, first, last)

    def _request(self, event: EventRow, column: int, value: Any) -> bool:
        if column == self.COL_TIME:
            return self._request_time(event, str(value or ""))
        if column == self.COL_KIND:
            kind = str(value)
            if kind not in EVENT_KINDS:
                self.edit_rejected.emit(event.id, _tr("{kind} is not a kind of event.").format(kind=kind))
                return False
            return self._ask(event, "kind", kind, event.kind)
        if column == self.COL_TEXT:
            text = str(value or "").strip()
            if not text:
                self.edit_rejected.emit(event.id, _tr("An event needs a description."))
                return False
            return self._ask(event, "text", text, event.text)
        if column == self.COL_SOURCE:
            return self._ask(event, "source", str(value or "").strip(), event.source)
        if column == self.COL_WHO:
            return self._request_people(event, str(value or ""))
        return False

    def _request_time(self, event: EventRow, text: str) -> bool:
        text = text.strip()
        if text == format_entry(event.at, self._zone):
            return False
        day = event.at.astimezone(self._zone).date()
        try:
            at = parse_time(text, self._zone, field="at", default_date=day)
        except InvalidFieldError as exc:
            self.edit_rejected.emit(event.id, exc.reason)
            return False
        if at is None:
            self.edit_rejected.emit(event.id, _tr("An event needs a time."))
            return False
        return self._ask(event, "at", at, event.at)

    def _request_people(self, event: EventRow, text: str) -> bool:
        names: list[str] = []
        for typed in (part.strip() for part in text.split(",")):
            if not typed:
                continue
            name = self._people.get(typed.casefold())
            if name is None:
                self.edit_rejected.emit(event.id, _tr(
                    "“{name}” is not a participant of this review; add them under Level setting first."
                ).format(name=typed))
                return False
            if name not in names:
                names.append(name)
        return self._ask(event, "participants", names, list(event.participants))

    def _ask(self, event: EventRow, field: str, value: Any, current: Any) -> bool:
        if value == current:
            return False
        self.edit_requested.emit(event.id, field, value)
        return True

    # Qt overrides
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # QAbstractTableModel's would call back into Python twice (rowCount, columnCount);
        # a repaint through the filter asks for an index per role per cell.
        if parent.isValid() or not 0 <= row < len(self._rows) or not 0 <= column < len(self.HEADERS):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            text = _tr(self.HEADERS[section])
            if section == self.COL_TIME and self._rows and self._same_day:
                day = self._rows[0].at.astimezone(self._zone).strftime("%Y-%m-%d")
                return f"{text} · {day}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self.COL_TIME:
                return _tr("Wall-clock time in {zone}; ≈ marks an estimate (tick the box)").format(
                    zone=self._zone.key)
            if section == self.COL_OFFSET:
                return _tr("Time since the incident started")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid():
            return flags
        column = index.column()
        if column != self.COL_OFFSET:
            flags |= Qt.ItemFlag.ItemIsEditable
        if column == self.COL_TIME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        position = index.row()
        if not index.isValid() or position >= len(self._rows):
            return None
        return self.data_at(position, index.column(), role)

    def data_at(self, position: int, column: int, role: int) -> Any:
        """:meth:`data` for row ``position`` (in range) and ``column``: for the filter model,
        which would otherwise make an index for every role of every cell it paints."""
        if role == Qt.ItemDataRole.DisplayRole:
            cached = self._display[position]
            if cached is None:
                cached = self._formatted(position, self._rows[position])
            return cached[column]
        event = self._rows[position]
        if role == self.IdRole:
            return event.id
        if role == Qt.ItemDataRole.CheckStateRole:
            if column == self.COL_TIME:
                return Qt.CheckState.Checked if event.approximate else Qt.CheckState.Unchecked
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._current_brush if event.id == self._current_id else None
        if role == Qt.ItemDataRole.FontRole:
            if event.id == self._current_id:
                return self._current_font
            if event.approximate and column in (self.COL_TIME, self.COL_OFFSET):
                return self._estimate_font
            return None
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(event, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(event, column)
        if role == self.SortRole:
            return (event.at - _EPOCH) // _MICROSECOND
        if role == self.KindRole:
            return event.kind
        if role == self.ParticipantsRole:
            return list(event.participants)
        if role == self.SearchRole:
            return self.search_text(position)
        if role == self.CurrentRole:
            return event.id == self._current_id
        if role == self.EventRole:
            return event
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.row() >= len(self._rows):
            return False
        event = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.COL_TIME:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            return self._ask(event, "approximate", checked, event.approximate)
        if role != Qt.ItemDataRole.EditRole:
            return False
        return self._request(event, index.column(), value)

    def _edit_value(self, event: EventRow, column: int) -> Any:
        if column == self.COL_TIME:
            return format_entry(event.at, self._zone)
        if column == self.COL_OFFSET:
            return self._formatted(self.row_of(event.id), event)[column]
        if column == self.COL_KIND:
            return event.kind
        if column == self.COL_TEXT:
            return event.text
        if column == self.COL_SOURCE:
            return event.source
        return ", ".join(event.participants)

    def _tooltip(self, event: EventRow, column: int) -> str | None:
        if column == self.COL_TIME:
            local = event.at.astimezone(self._zone)
            text = _tr("{local} in {zone} ({offset}) · {utc} UTC").format(
                local=local.strftime("%Y-%m-%d %H:%M:%S"), zone=self._zone.key,
                offset=utc_offset(local.utcoffset()),
                utc=event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))
            return text + (" · " + _tr("estimated") if event.approximate else "")
        if column == self.COL_TEXT:
            return _text_tooltip(event)
        if column == self.COL_OFFSET and self._start is not None:
            return _tr("Since the incident started at {start}").format(
                start=wall_clock(self._start, self._zone))
        return None


_MICROSECOND = datetime.resolution
#: The most characters of an event's detail a tooltip shows: a pasted log can be pages long.
TOOLTIP_DETAIL_CHARS = 1500


def _text_tooltip(event: EventRow) -> str:
    """The event's text and, when it has one, its detail (shortened) as a paragraph below it.

    With a detail the tip is rich text, escaped: Qt wraps only rich-text tips, and a tool's
    description is often one long line; its own line breaks are kept (pre-wrap).
    """
    detail = event.detail
    if not detail:
        return event.text
    if len(detail) > TOOLTIP_DETAIL_CHARS:
        detail = detail[:TOOLTIP_DETAIL_CHARS].rstrip() + "…"
    return (f"<p style='white-space:pre-wrap'><b>{html.escape(event.text)}</b></p>"
            f"<p style='white-space:pre-wrap'>{html.escape(detail)}</p>")
