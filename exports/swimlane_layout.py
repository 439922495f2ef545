"""Where everything of the swimlane chart goes, without painting it.

Given a review's :class:`~models.swimlane.SwimlaneLayout` (lanes, marks,
milestones on a shared time range), a rectangle and a way to measure text
(:class:`TextMeasure`), this module decides every position: the lane bands
(slim ones for participants with no event, so the others get the room), each
mark's centre and size, which events carry their text and where (above, below
or beside their mark, never over another text or mark), the milestone labels,
the axis labels and the legend rows.

It is pure geometry: it needs no paint device and no running Qt application
(positions are QtCore value types, QPointF and QRectF; nothing of QtGui).
:mod:`exports.swimlane_painter` measures text with the fonts it draws with and
paints what was placed here; a test can measure with anything.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple, Protocol

from PySide6.QtCore import QPointF, QRectF

from models.swimlane import SOURCE_KINDS, SOURCE_LABELS, SYSTEMS_LABEL, Lane, Mark, SwimlaneLayout
from models.timefmt import abbreviation, labelled
from models.vocabulary import label

ViewRange = tuple[float, float]
#: The chart's fonts: lane names (bold), axis, milestones and legend (small), events' texts (label).
FontRole = Literal["normal", "bold", "small", "small_bold", "label", "label_bold"]

#: The current event's mark, as a multiple of the radius.
CURRENT_MARK = 1.25
#: The current event's ring, as a multiple of its (enlarged) mark.
CURRENT_RING = 1.4
# How far marks at almost the same time step up or down, as a multiple of the radius.
_STAGGER = 0.4
# Marks of one kind in one lane closer than this (a multiple of the radius) are drawn once.
_MERGE = 0.5
# Plot width per event text: a dense chart labels the events that turn the story first.
_PX_PER_LABEL = 40.0
_KIND_PRIORITY = {kind: rank for rank, kind in enumerate((
    "detection", "mitigation", "resolution", "escalation", "decision", "change", "impact", "action",
    "communication", "observation"))}


class TextMeasure(Protocol):
    """How much room text takes in one of the chart's fonts (the painter: its fonts' metrics)."""

    def width(self, text: str, font: FontRole) -> float:
        """The horizontal advance of ``text``."""
        ...

    def height(self, font: FontRole) -> float:
        """The height of a line."""
        ...


# ---------------------------------------------------------------- settings

@dataclass(frozen=True)
class SwimlaneTexts:
    """The fixed words of the chart; the widget passes translated ones."""

    systems: str = SYSTEMS_LABEL
    systems_note: str = "or no one named"
    approximate: str = "hollow: approximate time"
    current: str = "current event"
    empty: str = "No timeline events yet."
    sources: dict[str, str] = field(default_factory=lambda: dict(SOURCE_LABELS))
    milestones: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    def role(self, role_id: str) -> str:
        return self.roles.get(role_id, label(role_id))


@dataclass(frozen=True)
class SwimlaneStyle:
    """Sizes in logical pixels."""

    font_px: float = 13.0
    small_px: float = 11.5
    label_px: float = 12.0
    lane_height: float = 56.0
    mark_radius: float = 6.5
    tick_spacing: float = 78.0  # the least room a tick label gets
    gap: float = 6.0
    min_label: float = 44.0  # narrower than this, an event's text is left out


# ---------------------------------------------------------------- geometry

@dataclass(slots=True)
class PlacedMark:
    """A mark as drawn: its centre and radius in the painter's coordinates, and its text's place."""

    mark: Mark
    center: QPointF
    radius: float
    #: Where the event's text goes: -1 above the mark, 1 below it, 0 to its right.
    label_track: int = 0
    label_left: float = 0.0
    #: 0 when the event's text is not drawn at this mark.
    label_width: float = 0.0


@dataclass
class SwimlaneGeometry:
    """Where everything went: lanes, plot area, marks; maps x positions both ways."""

    rect: QRectF
    plot: QRectF
    label_width: float
    lane_tops: list[float]
    lane_heights: list[float]
    axis_y: float
    view: ViewRange
    marks: list[PlacedMark] = field(default_factory=list)

    @property
    def lane_top(self) -> float:
        return self.lane_tops[0] if self.lane_tops else self.plot.top()

    def x_of(self, fraction: float) -> float:
        """The x coordinate of ``fraction`` of the layout's range."""
        lo, hi = self.view
        return self.plot.left() + (fraction - lo) / (hi - lo) * self.plot.width()

    def fraction_at(self, x: float) -> float:
        """The fraction of the layout's range at x coordinate ``x``."""
        lo, hi = self.view
        return lo + (x - self.plot.left()) / max(self.plot.width(), 1.0) * (hi - lo)

    def lane_rect(self, lane: int) -> QRectF:
        return QRectF(self.rect.left(), self.lane_tops[lane], self.rect.width(), self.lane_heights[lane])

    def lane_centre(self, lane: int) -> float:
        return self.lane_tops[lane] + self.lane_heights[lane] / 2

    def mark_at(self, pos: QPointF, slop: float = 3.0) -> PlacedMark | None:
        """The mark under ``pos`` (the nearest, if marks overlap), or None."""
        best: tuple[float, PlacedMark] | None = None
        for placed in self.marks:
            dx = placed.center.x() - pos.x()
            dy = placed.center.y() - pos.y()
            distance = (dx * dx + dy * dy) ** 0.5
            if distance <= placed.radius * 1.3 + slop and (best is None or distance < best[0]):
                best = (distance, placed)
        return best[1] if best is not None else None


@dataclass(frozen=True)
class MilestonePlace:
    """One of the review's own times: its dashed line from ``line_top`` down, and its label's box.

    ``box`` is None when the label is left out (no room above the lanes); the line stays.
    """

    x: float
    line_top: float
    text: str
    box: QRectF | None


@dataclass(frozen=True)
class AxisLabel:
    """A tick at ``x``, its text from ``left``; the date under it from ``date_left`` (``date`` "" if none)."""

    x: float
    text: str
    left: float
    date: str = ""
    date_left: float = 0.0


class LegendItem(NamedTuple):
    """One legend entry: a source kind, ``"approximate"`` or ``"current"``; its text; its width."""

    sample: str
    text: str
    width: float


# ---------------------------------------------------------------- public

def layout_height(layout: SwimlaneLayout, width: float, measure: TextMeasure, *,
                  current_event_id: int | None = None, style: SwimlaneStyle | None = None,
                  texts: SwimlaneTexts | None = None) -> float:
    """The height at which every lane gets its natural height and the legend fits ``width``."""
    style = style or SwimlaneStyle()
    texts = texts or SwimlaneTexts()
    lanes = sum(_natural_lane_heights(layout, style, measure))
    show_current = current_event_id is not None and bool(layout.marks_of(current_event_id))
    legend = legend_height(layout, width, measure, style, texts, show_current=show_current)
    return _top_band(layout, measure) + lanes + _axis_band(measure) + legend


def layout_geometry(
    rect: QRectF,
    layout: SwimlaneLayout,
    measure: TextMeasure,
    *,
    current_event_id: int | None = None,
    hovered_event_id: int | None = None,
    view_range: ViewRange | None = None,
    style: SwimlaneStyle | None = None,
    texts: SwimlaneTexts | None = None,
) -> SwimlaneGeometry:
    """Where the chart of ``layout`` in ``rect`` puts its lanes, marks and events' texts.

    ``view_range`` is the visible part of the layout's range as fractions
    (default: all of it). The current event's marks are enlarged and always
    carry its text; the hovered event's marks are enlarged.
    """
    style = style or SwimlaneStyle()
    texts = texts or SwimlaneTexts()
    view = view_range or (0.0, 1.0)
    if layout.is_empty:
        return SwimlaneGeometry(rect, QRectF(rect), 0.0, [], [], rect.bottom(), view)
    current = current_event(layout, current_event_id)
    geometry = _frame(layout, rect, view, style, measure, texts, show_current=current is not None)
    geometry.marks = _place_marks(layout, geometry, style, measure, current, hovered_event_id)
    return geometry


def current_event(layout: SwimlaneLayout, event_id: int | None) -> int | None:
    """``event_id`` if it is drawn in ``layout``, else None (nothing to highlight)."""
    return event_id if event_id is not None and layout.marks_of(event_id) else None


def label_rect(placed: PlacedMark, geometry: SwimlaneGeometry, measure: TextMeasure, style: SwimlaneStyle, *,
               current: bool) -> QRectF:
    """The box an event's text at ``placed`` may fill (its text, elided to ``label_width``, is no wider)."""
    height = measure.height("label_bold" if current else "label")
    centre = geometry.lane_centre(placed.mark.lane)
    clearance = _clearance(style, current=current)
    if placed.label_track < 0:
        top = centre - clearance - height
    elif placed.label_track > 0:
        top = centre + clearance
    else:
        top = placed.center.y() - height / 2
    return QRectF(placed.label_left, top, placed.label_width, height)


def label_text(mark: Mark) -> str:
    """What a mark's label says: the first line of its event's text."""
    lines = mark.event.text.strip().splitlines()
    return lines[0].strip() if lines else ""


def lane_note(lane: Lane, texts: SwimlaneTexts) -> str:
    """The small line under a lane's name: the participant's first role, or what the systems lane holds."""
    if lane.is_systems:
        return texts.systems_note
    return texts.role(lane.roles[0]) if lane.roles else ""


def visible_ticks(layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                  style: SwimlaneStyle) -> list[tuple[float, str, str]]:
    """(x, time text, date text or "") of the axis ticks in view, as many as have room."""
    lo, hi = geometry.view
    max_ticks = max(int(geometry.plot.width() // style.tick_spacing), 2)
    return [(geometry.x_of(t.x), t.label, t.date_label) for t in layout.ticks(lo, hi, max_ticks=max_ticks)]


def axis_labels(geometry: SwimlaneGeometry, ticks: list[tuple[float, str, str]],
                measure: TextMeasure) -> list[AxisLabel]:
    """Where the ticks' texts go: centred under them but inside the chart; a date only where it has room."""
    leftmost = geometry.rect.left() + geometry.label_width + 4
    date_end = -1e9
    placed: list[AxisLabel] = []
    for x, text, date in ticks:
        width = measure.width(text, "small")
        left = min(max(x - width / 2, leftmost), geometry.rect.right() - width - 2)
        if date and left >= date_end:
            date_width = measure.width(date, "small_bold")
            date_left = min(left, geometry.rect.right() - date_width - 2)
            placed.append(AxisLabel(x, text, left, date, date_left))
            date_end = date_left + date_width + 8
        else:
            placed.append(AxisLabel(x, text, left))
    return placed


def milestone_places(layout: SwimlaneLayout, geometry: SwimlaneGeometry, measure: TextMeasure,
                     style: SwimlaneStyle, texts: SwimlaneTexts) -> list[MilestonePlace]:
    """The review's own times in view: their lines, and their labels in two rows above the lanes."""
    line_height = measure.height("small")
    row_ends = [-1e9, -1e9]
    lo, hi = geometry.view
    places: list[MilestonePlace] = []
    for milestone in layout.milestones:
        if not lo <= milestone.x <= hi:
            continue
        x = geometry.x_of(milestone.x)
        text = texts.milestones.get(milestone.field, milestone.label)
        if milestone.approximate:
            text = "≈ " + text
        width = measure.width(text, "small")
        left = min(max(x - width / 2, geometry.plot.left() - style.mark_radius),
                   geometry.rect.right() - width - 2)
        # Row 1 sits just above the lanes; a label that would overlap the one before
        # moves up to row 0, and is left out (the line stays) if that is taken too.
        row = next((r for r in (1, 0) if left >= row_ends[r] + 6), None)
        if row is None:
            places.append(MilestonePlace(x, geometry.lane_top, text, None))
            continue
        row_ends[row] = left + width
        top = geometry.rect.top() + 4 + row * line_height
        places.append(MilestonePlace(x, top + line_height, text, QRectF(left, top, width, line_height)))
    return places


def legend_items(layout: SwimlaneLayout, texts: SwimlaneTexts, *,
                 show_current: bool) -> list[tuple[str, str]]:
    """(sample, text): the source kinds drawn, then the approximate and current samples if they apply."""
    used = layout.source_kinds
    items = [(how, texts.sources.get(how, how)) for how in SOURCE_KINDS if how in used]
    if layout.has_approximate:
        items.append(("approximate", texts.approximate))
    if show_current:
        items.append(("current", texts.current))
    return items


def legend_rows(layout: SwimlaneLayout, width: float, measure: TextMeasure, style: SwimlaneStyle,
                texts: SwimlaneTexts, *, show_current: bool) -> list[list[LegendItem]]:
    """The legend's items, in rows that fit ``width`` (an item wider than that gets a row of its own)."""
    rows: list[list[LegendItem]] = [[]]
    used = 0.0
    available = max(width - 16, 40.0)
    for sample, text in legend_items(layout, texts, show_current=show_current):
        item_width = style.mark_radius * 3 + 6 + measure.width(text, "small") + 18
        if rows[-1] and used + item_width > available:
            rows.append([])
            used = 0.0
        rows[-1].append(LegendItem(sample, text, item_width))
        used += item_width
    return rows


def legend_line(measure: TextMeasure, style: SwimlaneStyle) -> float:
    """The height of one legend row."""
    return max(measure.height("small"), style.mark_radius * 2.6)


def legend_height(layout: SwimlaneLayout, width: float, measure: TextMeasure, style: SwimlaneStyle,
                  texts: SwimlaneTexts, *, show_current: bool) -> float:
    """The height of the legend at the bottom of a chart ``width`` wide."""
    rows = legend_rows(layout, width, measure, style, texts, show_current=show_current)
    return 6 + len(rows) * (legend_line(measure, style) + 4) + 4


def event_time_text(moment: datetime, layout: SwimlaneLayout) -> str:
    """``2026-03-02 10:21:30 CET``: an event's time as the chart's axis reads it (seconds only if any)."""
    return labelled(moment, layout.zone, seconds=True)


def zone_caption(layout: SwimlaneLayout) -> str:
    """``Europe/Berlin (CET)``; both abbreviations when the range crosses a change (``CEST/CET``).

    A zone without a letter abbreviation shows its offset: ``Asia/Tehran (UTC+03:30)``.
    """
    names = [abbreviation(layout.time_at(x), layout.zone) for x in (0.0, 1.0)]
    names = [n for n in dict.fromkeys(names) if n != layout.zone_name]
    return f"{layout.zone_name} ({'/'.join(names)})" if names else layout.zone_name


# ---------------------------------------------------------------- lanes

def _top_band(layout: SwimlaneLayout, measure: TextMeasure) -> float:
    # Two rows, so that labels of times close together can sit one above the other.
    return 2 * measure.height("small") + 8 if layout.milestones else 8.0


def _axis_band(measure: TextMeasure) -> float:
    return 6 + 2 * measure.height("small") + 8


def _compact_height(measure: TextMeasure) -> float:
    return measure.height("bold") + 12


def _natural_lane_heights(layout: SwimlaneLayout, style: SwimlaneStyle, measure: TextMeasure) -> list[float]:
    compact = _compact_height(measure)
    return [style.lane_height if layout.marks_in(i) else compact for i in range(len(layout.lanes))]


def _name_width(layout: SwimlaneLayout, rect: QRectF, measure: TextMeasure, texts: SwimlaneTexts) -> float:
    """The width of the lane names' column: the widest name or note, within limits."""
    widest = 0.0
    for lane in layout.lanes:
        widest = max(widest, measure.width(texts.systems if lane.is_systems else lane.label, "bold"))
        note = lane_note(lane, texts)
        if note:
            widest = max(widest, measure.width(note, "small"))
    return min(max(widest + 20, 96.0), max(rect.width() * 0.28, 96.0))


def _frame(layout: SwimlaneLayout, rect: QRectF, view: ViewRange, style: SwimlaneStyle, measure: TextMeasure,
           texts: SwimlaneTexts, *, show_current: bool) -> SwimlaneGeometry:
    """Lane bands, the names' column and the plot area (no marks yet)."""
    label_width = _name_width(layout, rect, measure, texts)
    top = rect.top() + _top_band(layout, measure)
    legend = legend_height(layout, rect.width(), measure, style, texts, show_current=show_current)
    available = rect.bottom() - top - _axis_band(measure) - legend
    natural = _natural_lane_heights(layout, style, measure)
    full = [i for i in range(len(natural)) if layout.marks_in(i)]
    fixed = sum(h for i, h in enumerate(natural) if i not in full)
    # Lanes with marks share what the slim ones leave; never thinner than a line of text.
    share = max((available - fixed) / max(len(full), 1), _compact_height(measure))
    heights = [share if i in full else h for i, h in enumerate(natural)]
    tops = []
    y = top
    for height in heights:
        tops.append(y)
        y += height
    reach = style.mark_radius * 2
    plot = QRectF(rect.left() + label_width + reach, top,
                  max(rect.width() - label_width - 2 * reach - 4, 10.0), y - top)
    return SwimlaneGeometry(rect, plot, label_width, tops, heights, y, view)


# ---------------------------------------------------------------- marks and their texts

def _place_marks(layout: SwimlaneLayout, geometry: SwimlaneGeometry, style: SwimlaneStyle,
                 measure: TextMeasure, current_event_id: int | None,
                 hovered_event_id: int | None) -> list[PlacedMark]:
    """The visible marks; marks at almost the same time in one lane step a little apart.

    Where a lane is crowded (a chat export seen whole), marks of the same kind
    and look closer than half a mark's radius are drawn once, for the first of
    their events: they would cover each other anyway, and drawing tens of
    thousands of them would make every repaint slow. Zooming in separates
    them again.
    """
    lo, hi = geometry.view
    margin = (style.mark_radius * 3) / max(geometry.plot.width(), 1.0) * (hi - lo)
    placed: list[PlacedMark] = []
    radius = style.mark_radius
    merge_px = max(radius * _MERGE, 1.0)
    # x_of, inlined: this loop sees every mark in view, tens of thousands in a big chart.
    left, scale = geometry.plot.left(), geometry.plot.width() / (hi - lo)
    for lane in range(len(layout.lanes)):
        row_ends: dict[int, float] = {}
        drawn: set[tuple[int, str, bool]] = set()
        centre_y = geometry.lane_centre(lane)
        for mark in layout.marks_between(lane, lo - margin, hi + margin):
            x = left + (mark.x - lo) * scale
            event_id = mark.event.id
            current = event_id == current_event_id
            hovered = event_id == hovered_event_id
            if not current and not hovered:
                key = (int(x / merge_px), mark.how, mark.event.approximate)
                if key in drawn:
                    continue
                drawn.add(key)
            # The current event stays on the lane's middle line; its ring is open, so
            # a mark it covers still shows.
            row = 0
            if not current:
                for candidate in (0, -1, 1):
                    if x - row_ends.get(candidate, -1e9) >= 2 * radius + 2:
                        row = candidate
                        break
            row_ends[row] = x
            size = radius
            if current:
                size = radius * CURRENT_MARK
            elif hovered:
                size = radius * 1.25
            placed.append(PlacedMark(mark, QPointF(x, centre_y + row * radius * _STAGGER), size))
    return _choose_labels(placed, geometry, style, measure, current_event_id)


def _choose_labels(placed: list[PlacedMark], geometry: SwimlaneGeometry, style: SwimlaneStyle,
                   measure: TextMeasure, current_event_id: int | None) -> list[PlacedMark]:
    """Which marks carry their event's text, on which track, and how wide.

    A lane has three text tracks: above its marks, below them, and right of a
    mark up to the next one; a lane too short for text above and below its
    marks only has the middle one. An event's text is shown once, in the first
    lane (top down) and track with room, elided to the room there is. The
    current event goes first, so it always has its text; then detections,
    mitigations, resolutions, escalations and decisions before the rest, each
    kind in time order, up to a number of texts the width can hold.
    """
    tall_enough = 2 * (measure.height("label_bold") + _clearance(style, current=True))
    edge = geometry.plot.right() + style.mark_radius * 2
    widest = max(geometry.plot.width() * 0.55, style.min_label)
    tracks: dict[tuple[int, int], _Track] = {}
    by_lane: dict[int, list[PlacedMark]] = {}
    by_event: dict[int, list[int]] = {}
    for index, p in enumerate(placed):
        by_lane.setdefault(p.mark.lane, []).append(p)
        by_event.setdefault(p.mark.event_id, []).append(index)
    for lane, lane_marks in by_lane.items():
        # Marks block the middle track.
        tracks[(lane, 0)] = _Track(sorted(p.center.x() for p in lane_marks), style.mark_radius * 1.35)

    def priority(event_id: int) -> tuple[bool, int, float]:
        first = placed[by_event[event_id][0]]
        kind = _KIND_PRIORITY.get(first.mark.event.kind, len(_KIND_PRIORITY))
        return event_id != current_event_id, kind, first.center.x()

    chosen: dict[int, tuple[int, float, float]] = {}
    # A dense chart labels only some events, so that each text still sits by its mark.
    budget = max(6, int(geometry.plot.width() / _PX_PER_LABEL))
    attempts = budget * 6
    for event_id in sorted(by_event, key=priority):
        current = event_id == current_event_id
        if not current and (len(chosen) >= budget or attempts <= 0):
            break
        attempts -= 1
        text = label_text(placed[by_event[event_id][0]].mark)
        if not text:
            continue
        want = min(measure.width(text, "label_bold" if current else "label") + 2, widest)
        for index in by_event[event_id]:
            p = placed[index]
            allowed = (-1, 1, 0) if geometry.lane_heights[p.mark.lane] >= tall_enough else (0,)
            spot = _free_track(tracks, p, want, edge, style, allowed=allowed, current=current)
            if spot is None and current:
                spot = (0, p.center.x() + p.radius * CURRENT_RING + style.gap, want)
            if spot is None:
                continue
            track, left, width = spot
            tracks.setdefault((p.mark.lane, track), _Track()).labels.append((left, left + width))
            chosen[index] = spot
            break
    result = list(placed)
    for index, (track, left, width) in chosen.items():
        p = placed[index]
        result[index] = PlacedMark(p.mark, p.center, p.radius, track, left, width)
    return result


class _Track:
    """What is taken on one text track of one lane: marks (sorted centres, one half-width) and texts."""

    def __init__(self, centres: list[float] | None = None, extent: float = 0.0) -> None:
        self.centres = centres or []
        self.extent = extent
        self.labels: list[tuple[float, float]] = []

    def room(self, left: float, gap: float, edge: float) -> float | None:
        """Room for text from ``left`` to the next thing taken (or ``edge``); None if ``left`` is taken."""
        index = bisect.bisect_left(self.centres, left)
        # Marks reach ``extent`` either side of their centre; text keeps ``gap`` from them.
        # (A mark's own span ends exactly a gap before text placed right of it: not a clash.)
        if index > 0 and self.centres[index - 1] + self.extent + gap - 1e-6 > left:
            return None
        following = self.centres[index] - self.extent if index < len(self.centres) else edge
        if following - gap < left:
            return None
        for start, end in self.labels:
            if start - gap < left < end + gap - 1e-6:
                return None
            if start >= left:
                following = min(following, start)
        return following - left - gap


def _free_track(tracks: dict[tuple[int, int], _Track], p: PlacedMark, want: float, edge: float,
                style: SwimlaneStyle, *, allowed: tuple[int, ...],
                current: bool) -> tuple[int, float, float] | None:
    """A place for a mark's text: (track, left, width), or None when no track has room to read it.

    Above and below the mark the text starts at the mark's left edge; in the
    middle track, right of the mark. The first track that fits the whole text
    wins, else the one with the most room. The current event's text prefers
    the middle track: beside its ring it does not collide with it.
    """
    best: tuple[int, float, float] | None = None
    for track in sorted(allowed, key=lambda t: t != 0) if current else allowed:
        if track == 0:
            left = p.center.x() + p.radius * (CURRENT_RING if current else 1.35) + style.gap
        else:
            left = p.center.x() - style.mark_radius
        taken = tracks.get((p.mark.lane, track))
        room = taken.room(left, style.gap, edge) if taken is not None else edge - left - style.gap
        if room is None:
            continue
        if room >= want:
            return track, left, want
        if room >= style.min_label and (best is None or room > best[2]):
            best = (track, left, room)
    return best


def _clearance(style: SwimlaneStyle, *, current: bool) -> float:
    """How far text above or below the marks keeps from the lane's middle line."""
    if current:
        return style.mark_radius * CURRENT_MARK * CURRENT_RING + 1
    return style.mark_radius * (1.25 + _STAGGER) + 1
