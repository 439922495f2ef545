"""Drawing "who knew what when" with QPainter: one code path for the window and the reports.

:func:`paint_swimlanes` draws a :class:`~models.swimlane.SwimlaneLayout` into
any paint device (the interactive widget, a QImage) and returns the geometry
it used, so the widget can hit-test marks exactly where they were drawn.
:func:`render_png` draws a whole review into a PNG for the Word and Markdown
reports; it needs no window and works from the command line without a display.

The picture, top to bottom: the review's own times (started, detected,
mitigated, resolved) as labelled dashed lines; one lane for systems and alerts,
then one per participant, each event a mark shaped and coloured by how the
knowledge arrived (hollow when its time is approximate), with its text where
there is room; the time axis in the review's timezone; a legend. A participant
with no event gets a slim lane, so the lanes with something in them get the room.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from exports.headless_qt import gui_application
from models.snapshot import ReviewDoc
from models.swimlane import (
    SOURCE_KINDS,
    SOURCE_LABELS,
    SYSTEMS_LABEL,
    Lane,
    Mark,
    SwimlaneLayout,
    build_layout,
)
from models.timefmt import abbreviation, labelled
from models.vocabulary import label

#: Logical width of the report picture. :func:`render_png` scales it to the pixels
#: asked for, so a 1600 px image is this drawing at 2.2x: in a Word page's text
#: width, its 12 px text comes out at about 7.5 pt.
REPORT_WIDTH = 720.0
# Qt platforms that need no X11 or Wayland server.

ViewRange = tuple[float, float]
# The current event's mark (as a multiple of the radius) and its ring (of the enlarged mark).
_CURRENT = 1.25
_RING = 1.4
# How far marks at almost the same time step up or down, as a multiple of the radius.
_STAGGER = 0.4
# Marks of one kind in one lane closer than this (a multiple of the radius) are drawn once.
_MERGE = 0.5
# Plot width per event text: a dense chart labels the events that turn the story first.
_PX_PER_LABEL = 40.0
_KIND_PRIORITY = {kind: rank for rank, kind in enumerate((
    "detection", "mitigation", "resolution", "escalation", "decision", "change", "impact", "action",
    "communication", "observation"))}


# ---------------------------------------------------------------- look

@dataclass(frozen=True)
class SwimlaneColors:
    """Colours as ``#rrggbb``. The defaults are for paper; marks use the Okabe-Ito palette.

    Okabe-Ito stays distinguishable with the common colour-vision deficiencies,
    and every source kind also has its own shape, so a grey print still reads.
    """

    background: str = "#ffffff"
    text: str = "#1f2328"
    muted: str = "#57606a"
    grid: str = "#d8dee4"
    lane_shade: str = "#f6f8fa"
    systems_shade: str = "#eaf0f6"
    milestone: str = "#6e7781"
    highlight: str = "#1f2328"
    highlight_band: str = "#fff1c2"
    sources: dict[str, str] = field(default_factory=lambda: {
        "alert": "#d55e00",
        "chat": "#0072b2",
        "dashboard": "#009e73",
        "colleague": "#cc79a7",
        "log": "#e69f00",
        "other": "#6e7781",
    })

    @classmethod
    def from_palette(cls, palette: QPalette) -> SwimlaneColors:
        """Background, text and grid from a widget palette (dark themes too); marks keep their colours."""
        role = QPalette.ColorRole
        base = palette.color(role.Base)
        dark = base.lightness() < 128
        return cls(
            background=base.name(),
            text=palette.color(role.Text).name(),
            muted=palette.color(role.PlaceholderText).name(),
            grid=palette.color(role.Mid).name(),
            lane_shade=palette.color(role.AlternateBase).name(),
            systems_shade=base.lighter(135).name() if dark else "#eaf0f6",
            milestone=palette.color(role.PlaceholderText).name(),
            highlight=palette.color(role.Text).name(),
            highlight_band="#5c4a12" if dark else "#fff1c2",
        )

    def source(self, how: str) -> QColor:
        return QColor(self.sources.get(how, self.sources.get("other", "#6e7781")))


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


# ---------------------------------------------------------------- public

def natural_height(layout: SwimlaneLayout, width: float, *, current_event_id: int | None = None,
                   style: SwimlaneStyle | None = None, font: QFont | None = None,
                   texts: SwimlaneTexts | None = None) -> float:
    """The height at which every lane gets its natural height and the legend fits ``width``."""
    style = style or SwimlaneStyle()
    texts = texts or SwimlaneTexts()
    fonts = _Fonts(font or QFont(), style)
    lanes = sum(_natural_lane_heights(layout, style, fonts))
    show_current = current_event_id is not None and bool(layout.marks_of(current_event_id))
    legend = _legend_height(layout, width, style, fonts, texts, show_current=show_current)
    return _top_band(layout, fonts) + lanes + _axis_band(fonts) + legend


def swimlane_geometry(
    rect: QRectF,
    layout: SwimlaneLayout,
    *,
    current_event_id: int | None = None,
    hovered_event_id: int | None = None,
    view_range: ViewRange | None = None,
    style: SwimlaneStyle | None = None,
    texts: SwimlaneTexts | None = None,
    font: QFont | None = None,
) -> SwimlaneGeometry:
    """Where :func:`paint_swimlanes` with the same arguments puts everything, without painting.

    Needs a running Qt application (fonts are measured).
    """
    style = style or SwimlaneStyle()
    texts = texts or SwimlaneTexts()
    fonts = _Fonts(QFont(font) if font is not None else QFont(), style)
    view = view_range or (0.0, 1.0)
    if layout.is_empty:
        return SwimlaneGeometry(rect, QRectF(rect), 0.0, [], [], rect.bottom(), view)
    current = _current(layout, current_event_id)
    geometry = _geometry(layout, rect, view, style, fonts, texts, show_current=current is not None)
    geometry.marks = _place_marks(layout, geometry, style, fonts, current, hovered_event_id)
    return geometry


def paint_swimlanes(
    painter: QPainter,
    rect: QRectF,
    layout: SwimlaneLayout,
    *,
    current_event_id: int | None = None,
    hovered_event_id: int | None = None,
    view_range: ViewRange | None = None,
    colors: SwimlaneColors | None = None,
    style: SwimlaneStyle | None = None,
    texts: SwimlaneTexts | None = None,
    font: QFont | None = None,
) -> SwimlaneGeometry:
    """Draw ``layout`` into ``rect`` and return where everything went.

    ``view_range`` is the visible part of the layout's range as fractions
    (default: all of it). The current event gets a band and a line across all
    lanes, an enlarged, ringed mark and its text in bold; the hovered one an
    enlarged mark. ``font`` gives the family (sizes come from ``style``);
    default: the painter's.
    """
    colors = colors or SwimlaneColors()
    style = style or SwimlaneStyle()
    texts = texts or SwimlaneTexts()
    font = QFont(font) if font is not None else QFont(painter.font())
    fonts = _Fonts(font, style)
    geometry = swimlane_geometry(rect, layout, current_event_id=current_event_id,
                                 hovered_event_id=hovered_event_id, view_range=view_range, style=style,
                                 texts=texts, font=font)
    current = _current(layout, current_event_id)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(rect, QColor(colors.background))
        if layout.is_empty:
            painter.setPen(QColor(colors.muted))
            painter.setFont(fonts.normal)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, texts.empty)
            return geometry
        _paint_lanes(painter, layout, geometry, colors, fonts, texts)
        ticks = _visible_ticks(layout, geometry, style)
        _paint_grid(painter, geometry, colors, ticks)
        _paint_milestones(painter, layout, geometry, colors, style, fonts, texts)
        painter.save()
        reach = style.mark_radius * 2
        painter.setClipRect(QRectF(geometry.plot.left() - reach, geometry.lane_top,
                                   geometry.plot.width() + 2 * reach, geometry.axis_y - geometry.lane_top))
        if current is not None:
            _paint_current_line(painter, layout, geometry, colors, current)
        _paint_labels(painter, layout, geometry, colors, style, fonts, current)
        _paint_marks(painter, geometry, colors, current)
        painter.restore()
        _paint_axis(painter, layout, geometry, colors, style, fonts, ticks)
        _paint_legend(painter, layout, rect, colors, style, fonts, texts, show_current=current is not None)
        return geometry
    finally:
        painter.restore()


def render_png(doc: ReviewDoc, *, width: int = 1600, height: int | None = None,
               current_event_id: int | None = None) -> bytes | None:
    """The review's swimlane chart as PNG bytes, ``width`` pixels wide; None when it has no events.

    ``height`` defaults to what the lanes and the legend need. Without a
    running Qt application, a headless one is started for the drawing and
    shut down afterwards (see :func:`exports.headless_qt.gui_application`).
    """
    layout = build_layout(doc)
    if layout.is_empty:
        return None
    with gui_application():
        return _render(layout, max(width, 1), height, current_event_id)


def event_time_text(moment: datetime, layout: SwimlaneLayout) -> str:
    """``2026-03-02 10:21:30 CET``: an event's time as the chart's axis reads it (seconds only if any)."""
    return labelled(moment, layout.zone, seconds=True)


def draw_shape(painter: QPainter, how: str, center: QPointF, radius: float, color: QColor, *,
               hollow: bool = False, background: QColor | None = None) -> None:
    """The mark for a source kind: alert ▲, chat ●, dashboard ■, colleague ◆, log ▬, other ✚."""
    _set_shape_look(painter, color, radius, hollow=hollow, background=background)
    painter.drawPath(shape_path(how, center, radius))


def _set_shape_look(painter: QPainter, color: QColor, radius: float, *, hollow: bool,
                    background: QColor | None) -> None:
    if hollow:
        painter.setBrush(QBrush(background if background is not None else QColor("#ffffff")))
        painter.setPen(QPen(color, max(radius * 0.32, 1.6)))
    else:
        painter.setBrush(QBrush(color))
        painter.setPen(QPen(color.darker(135), 1.0))


def shape_path(how: str, center: QPointF, radius: float) -> QPainterPath:
    """The outline of a source kind's mark around ``center``."""
    x, y, r = center.x(), center.y(), radius
    path = QPainterPath()
    if how == "alert":
        path.addPolygon(QPolygonF([QPointF(x, y - r * 1.2), QPointF(x + r * 1.15, y + r * 0.85),
                                   QPointF(x - r * 1.15, y + r * 0.85)]))
        path.closeSubpath()
    elif how == "chat":
        path.addEllipse(center, r, r)
    elif how == "dashboard":
        path.addRect(QRectF(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8))
    elif how == "colleague":
        d = r * 1.25
        path.addPolygon(QPolygonF([QPointF(x, y - d), QPointF(x + d, y), QPointF(x, y + d),
                                   QPointF(x - d, y)]))
        path.closeSubpath()
    elif how == "log":
        path.addRect(QRectF(x - r * 1.3, y - r * 0.55, r * 2.6, r * 1.1))
    else:
        a, b = r * 1.15, r * 0.4
        path.addPolygon(QPolygonF([
            QPointF(x - b, y - a), QPointF(x + b, y - a), QPointF(x + b, y - b), QPointF(x + a, y - b),
            QPointF(x + a, y + b), QPointF(x + b, y + b), QPointF(x + b, y + a), QPointF(x - b, y + a),
            QPointF(x - b, y + b), QPointF(x - a, y + b), QPointF(x - a, y - b), QPointF(x - b, y - b),
        ]))
        path.closeSubpath()
    return path


# ---------------------------------------------------------------- the picture for reports



def _render(layout: SwimlaneLayout, width: int, height: int | None, current_event_id: int | None) -> bytes:
    # Everything Qt made here is gone when this returns, before a temporary application shuts down.
    scale = width / REPORT_WIDTH
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    if height is None:
        logical_height = natural_height(layout, REPORT_WIDTH, current_event_id=current_event_id, font=font)
    else:
        logical_height = max(height, 1) / scale
    image = QImage(width, max(round(logical_height * scale), 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    # 96 dpi times the scale: a viewer that honours the resolution shows the logical size.
    dots_per_metre = round(96 / 0.0254 * scale)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        paint_swimlanes(painter, QRectF(0, 0, REPORT_WIDTH, logical_height), layout,
                        current_event_id=current_event_id, font=font)
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs want bytes for the format, the binding itself only takes str.
    saved = image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    if not saved:
        raise RuntimeError("Qt could not encode the chart as PNG")
    return bytes(data.data())


# ---------------------------------------------------------------- layout helpers

class _Fonts:
    def __init__(self, base: QFont, style: SwimlaneStyle) -> None:
        def sized(px: float, *, bold: bool = False) -> QFont:
            font = QFont(base)
            font.setPixelSize(round(px))
            font.setBold(bold)
            return font

        self.normal = sized(style.font_px)
        self.bold = sized(style.font_px, bold=True)
        self.small = sized(style.small_px)
        self.small_bold = sized(style.small_px, bold=True)
        self.label = sized(style.label_px)
        self.label_bold = sized(style.label_px, bold=True)


def _current(layout: SwimlaneLayout, event_id: int | None) -> int | None:
    """``event_id`` if it is drawn in ``layout``, else None (nothing to highlight)."""
    return event_id if event_id is not None and layout.marks_of(event_id) else None


def _top_band(layout: SwimlaneLayout, fonts: _Fonts) -> float:
    # Two rows, so that labels of times close together can sit one above the other.
    return 2 * QFontMetricsF(fonts.small).height() + 8 if layout.milestones else 8.0


def _axis_band(fonts: _Fonts) -> float:
    return 6 + 2 * QFontMetricsF(fonts.small).height() + 8


def _compact_height(fonts: _Fonts) -> float:
    return QFontMetricsF(fonts.bold).height() + 12


def _natural_lane_heights(layout: SwimlaneLayout, style: SwimlaneStyle, fonts: _Fonts) -> list[float]:
    compact = _compact_height(fonts)
    return [style.lane_height if layout.marks_in(i) else compact for i in range(len(layout.lanes))]


def _label_width(layout: SwimlaneLayout, rect: QRectF, fonts: _Fonts, texts: SwimlaneTexts) -> float:
    bold = QFontMetricsF(fonts.bold)
    small = QFontMetricsF(fonts.small)
    widest = 0.0
    for lane in layout.lanes:
        widest = max(widest, bold.horizontalAdvance(texts.systems if lane.is_systems else lane.label))
        note = _lane_note(lane, texts)
        if note:
            widest = max(widest, small.horizontalAdvance(note))
    return min(max(widest + 20, 96.0), max(rect.width() * 0.28, 96.0))


def _lane_note(lane: Lane, texts: SwimlaneTexts) -> str:
    if lane.is_systems:
        return texts.systems_note
    return texts.role(lane.roles[0]) if lane.roles else ""


def _geometry(layout: SwimlaneLayout, rect: QRectF, view: ViewRange, style: SwimlaneStyle, fonts: _Fonts,
              texts: SwimlaneTexts, *, show_current: bool) -> SwimlaneGeometry:
    label_width = _label_width(layout, rect, fonts, texts)
    top = rect.top() + _top_band(layout, fonts)
    legend = _legend_height(layout, rect.width(), style, fonts, texts, show_current=show_current)
    available = rect.bottom() - top - _axis_band(fonts) - legend
    natural = _natural_lane_heights(layout, style, fonts)
    full = [i for i in range(len(natural)) if layout.marks_in(i)]
    fixed = sum(h for i, h in enumerate(natural) if i not in full)
    # Lanes with marks share what the slim ones leave; never thinner than a line of text.
    share = max((available - fixed) / max(len(full), 1), _compact_height(fonts))
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


def _place_marks(layout: SwimlaneLayout, geometry: SwimlaneGeometry, style: SwimlaneStyle, fonts: _Fonts,
                 current_event_id: int | None, hovered_event_id: int | None) -> list[PlacedMark]:
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
                size = radius * _CURRENT
            elif hovered:
                size = radius * 1.25
            placed.append(PlacedMark(mark, QPointF(x, centre_y + row * radius * _STAGGER), size))
    return _choose_labels(placed, geometry, style, fonts, current_event_id)


def _choose_labels(placed: list[PlacedMark], geometry: SwimlaneGeometry, style: SwimlaneStyle, fonts: _Fonts,
                   current_event_id: int | None) -> list[PlacedMark]:
    """Which marks carry their event's text, on which track, and how wide.

    A lane has three text tracks: above its marks, below them, and right of a
    mark up to the next one; a lane too short for text above and below its
    marks only has the middle one. An event's text is shown once, in the first
    lane (top down) and track with room, elided to the room there is. The
    current event goes first, so it always has its text; then detections,
    mitigations, resolutions, escalations and decisions before the rest, each
    kind in time order, up to a number of texts the width can hold.
    """
    normal = QFontMetricsF(fonts.label)
    bold = QFontMetricsF(fonts.label_bold)
    tall_enough = 2 * (bold.height() + _clearance(style, current=True))
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
        text = _label_text(placed[by_event[event_id][0]].mark)
        if not text:
            continue
        want = min((bold if current else normal).horizontalAdvance(text) + 2, widest)
        for index in by_event[event_id]:
            p = placed[index]
            allowed = (-1, 1, 0) if geometry.lane_heights[p.mark.lane] >= tall_enough else (0,)
            spot = _free_track(tracks, p, want, edge, style, allowed=allowed, current=current)
            if spot is None and current:
                spot = (0, p.center.x() + p.radius * _RING + style.gap, want)
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
            left = p.center.x() + p.radius * (_RING if current else 1.35) + style.gap
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
        return style.mark_radius * _CURRENT * _RING + 1
    return style.mark_radius * (1.25 + _STAGGER) + 1


def _label_text(mark: Mark) -> str:
    lines = mark.event.text.strip().splitlines()
    return lines[0].strip() if lines else ""


def _visible_ticks(layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                   style: SwimlaneStyle) -> list[tuple[float, str, str]]:
    lo, hi = geometry.view
    max_ticks = max(int(geometry.plot.width() // style.tick_spacing), 2)
    return [(geometry.x_of(t.x), t.label, t.date_label) for t in layout.ticks(lo, hi, max_ticks=max_ticks)]


def _zone_caption(layout: SwimlaneLayout) -> str:
    """``Europe/Berlin (CET)``; both abbreviations when the range crosses a change (``CEST/CET``).

    A zone without a letter abbreviation shows its offset: ``Asia/Tehran (UTC+03:30)``.
    """
    names = [abbreviation(layout.time_at(x), layout.zone) for x in (0.0, 1.0)]
    names = [n for n in dict.fromkeys(names) if n != layout.zone_name]
    return f"{layout.zone_name} ({'/'.join(names)})" if names else layout.zone_name


# ---------------------------------------------------------------- painting helpers

def _paint_lanes(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                 colors: SwimlaneColors, fonts: _Fonts, texts: SwimlaneTexts) -> None:
    bold = QFontMetricsF(fonts.bold)
    small = QFontMetricsF(fonts.small)
    text_width = geometry.label_width - 14
    for index, lane in enumerate(layout.lanes):
        band = geometry.lane_rect(index)
        if lane.is_systems:
            painter.fillRect(band, QColor(colors.systems_shade))
        elif index % 2 == 0:
            painter.fillRect(band, QColor(colors.lane_shade))
        name = bold.elidedText(texts.systems if lane.is_systems else lane.label, Qt.TextElideMode.ElideRight,
                               text_width)
        note = _lane_note(lane, texts)
        left = band.left() + 8
        if note and band.height() >= bold.height() + small.height() + 8:
            y = band.center().y() - (bold.height() + small.height()) / 2
            painter.setFont(fonts.bold)
            painter.setPen(QColor(colors.text))
            painter.drawText(QPointF(left, y + bold.ascent()), name)
            painter.setFont(fonts.small)
            painter.setPen(QColor(colors.muted))
            painter.drawText(QPointF(left, y + bold.height() + small.ascent()),
                             small.elidedText(note, Qt.TextElideMode.ElideRight, text_width))
            continue
        baseline = band.center().y() - bold.height() / 2 + bold.ascent()
        painter.setFont(fonts.bold)
        painter.setPen(QColor(colors.text))
        painter.drawText(QPointF(left, baseline), name)
        # A slim lane: the role follows the name on the same line, if it fits.
        room = text_width - bold.horizontalAdvance(name) - 8
        if note and room > 30:
            painter.setFont(fonts.small)
            painter.setPen(QColor(colors.muted))
            painter.drawText(QPointF(left + bold.horizontalAdvance(name) + 8, baseline),
                             small.elidedText(note, Qt.TextElideMode.ElideRight, room))
    painter.setPen(QPen(QColor(colors.grid), 1))
    for y in [*geometry.lane_tops, geometry.axis_y]:
        painter.drawLine(QPointF(geometry.rect.left(), y), QPointF(geometry.rect.right(), y))
    x = geometry.rect.left() + geometry.label_width
    painter.drawLine(QPointF(x, geometry.lane_top), QPointF(x, geometry.axis_y))


def _paint_grid(painter: QPainter, geometry: SwimlaneGeometry, colors: SwimlaneColors,
                ticks: list[tuple[float, str, str]]) -> None:
    grid = QColor(colors.grid)
    grid.setAlphaF(0.7)
    painter.setPen(QPen(grid, 1))
    for x, _text, _date in ticks:
        painter.drawLine(QPointF(x, geometry.lane_top), QPointF(x, geometry.axis_y))


def _paint_axis(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry, colors: SwimlaneColors,
                style: SwimlaneStyle, fonts: _Fonts, ticks: list[tuple[float, str, str]]) -> None:
    small = QFontMetricsF(fonts.small)
    small_bold = QFontMetricsF(fonts.small_bold)
    painter.setPen(QPen(QColor(colors.muted), 1))
    painter.drawLine(QPointF(geometry.plot.left() - style.mark_radius, geometry.axis_y),
                     QPointF(geometry.plot.right() + style.mark_radius, geometry.axis_y))
    label_y = geometry.axis_y + 6 + small.ascent()
    leftmost = geometry.rect.left() + geometry.label_width + 4
    date_end = -1e9
    for x, text, date in ticks:
        painter.setPen(QPen(QColor(colors.muted), 1))
        painter.drawLine(QPointF(x, geometry.axis_y), QPointF(x, geometry.axis_y + 4))
        width = small.horizontalAdvance(text)
        left = min(max(x - width / 2, leftmost), geometry.rect.right() - width - 2)
        painter.setFont(fonts.small)
        painter.setPen(QColor(colors.text))
        painter.drawText(QPointF(left, label_y), text)
        if date and left >= date_end:
            date_left = min(left, geometry.rect.right() - small_bold.horizontalAdvance(date) - 2)
            painter.setFont(fonts.small_bold)
            painter.drawText(QPointF(date_left, label_y + small.height()), date)
            date_end = date_left + small_bold.horizontalAdvance(date) + 8
    # The zone the axis speaks, under the lane names.
    painter.setFont(fonts.small)
    painter.setPen(QColor(colors.muted))
    painter.drawText(QPointF(geometry.rect.left() + 8, label_y),
                     small.elidedText(_zone_caption(layout), Qt.TextElideMode.ElideRight,
                                      geometry.label_width - 14))


def _paint_milestones(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                      colors: SwimlaneColors, style: SwimlaneStyle, fonts: _Fonts,
                      texts: SwimlaneTexts) -> None:
    small = QFontMetricsF(fonts.small)
    line_height = small.height()
    row_ends = [-1e9, -1e9]
    lo, hi = geometry.view
    labels: list[tuple[QRectF, str]] = []
    lines: list[tuple[float, float]] = []
    for milestone in layout.milestones:
        if not lo <= milestone.x <= hi:
            continue
        x = geometry.x_of(milestone.x)
        text = texts.milestones.get(milestone.field, milestone.label)
        if milestone.approximate:
            text = "≈ " + text
        width = small.horizontalAdvance(text)
        left = min(max(x - width / 2, geometry.plot.left() - style.mark_radius),
                   geometry.rect.right() - width - 2)
        # Row 1 sits just above the lanes; a label that would overlap the one before
        # moves up to row 0, and is left out (the line stays) if that is taken too.
        row = next((r for r in (1, 0) if left >= row_ends[r] + 6), None)
        if row is None:
            lines.append((x, geometry.lane_top))
            continue
        row_ends[row] = left + width
        top = geometry.rect.top() + 4 + row * line_height
        labels.append((QRectF(left, top, width, line_height), text))
        lines.append((x, top + line_height))
    pen = QPen(QColor(colors.milestone), 1.2)
    pen.setDashPattern([4.0, 3.0])
    painter.setPen(pen)
    for x, top in lines:
        painter.drawLine(QPointF(x, top), QPointF(x, geometry.axis_y))
    painter.setFont(fonts.small)
    for box, text in labels:
        # Over the lines of other times, so that no line strikes through a label.
        painter.fillRect(box.adjusted(-2, 0, 2, 0), QColor(colors.background))
        painter.setPen(QColor(colors.muted))
        painter.drawText(QPointF(box.left(), box.top() + small.ascent()), text)


def _paint_current_line(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                        colors: SwimlaneColors, current_event_id: int) -> None:
    x = geometry.x_of(layout.marks_of(current_event_id)[0].x)
    painter.fillRect(QRectF(x - 9, geometry.lane_top + 1, 18, geometry.axis_y - geometry.lane_top - 1),
                     QColor(colors.highlight_band))
    painter.setPen(QPen(QColor(colors.highlight), 1.6))
    painter.drawLine(QPointF(x, geometry.lane_top), QPointF(x, geometry.axis_y))


def _paint_labels(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                  colors: SwimlaneColors, style: SwimlaneStyle, fonts: _Fonts,
                  current_event_id: int | None) -> None:
    for p in geometry.marks:
        if not p.label_width:
            continue
        current = p.mark.event_id == current_event_id
        font = fonts.label_bold if current else fonts.label
        metrics = QFontMetricsF(font)
        shown = metrics.elidedText(_label_text(p.mark), Qt.TextElideMode.ElideRight, p.label_width)
        if not shown:
            continue
        centre = geometry.lane_centre(p.mark.lane)
        clearance = _clearance(style, current=current)
        if p.label_track < 0:
            top = centre - clearance - metrics.height()
        elif p.label_track > 0:
            top = centre + clearance
        else:
            top = p.center.y() - metrics.height() / 2
        # A backing in the lane's colour, so grid and milestone lines do not strike through the text.
        lane = layout.lanes[p.mark.lane]
        if current:
            backing = QColor(colors.highlight_band)
        elif lane.is_systems:
            backing = QColor(colors.systems_shade)
        else:
            backing = QColor(colors.lane_shade if p.mark.lane % 2 == 0 else colors.background)
        width = metrics.horizontalAdvance(shown)
        painter.fillRect(QRectF(p.label_left - 2, top, width + 4, metrics.height()), backing)
        painter.setFont(font)
        painter.setPen(QColor(colors.text))
        painter.drawText(QPointF(p.label_left, top + metrics.ascent()), shown)


def _paint_marks(painter: QPainter, geometry: SwimlaneGeometry, colors: SwimlaneColors,
                 current_event_id: int | None) -> None:
    # Grouped by look, so pen and brush are set once per group (a big chart has
    # thousands of marks); the current event last, on top of anything it overlaps.
    background = QColor(colors.background)
    shapes: dict[tuple[str, float], QPainterPath] = {}
    groups: dict[tuple[str, bool, float], list[QPointF]] = {}
    current: list[PlacedMark] = []
    for p in geometry.marks:
        if p.mark.event.id == current_event_id:
            current.append(p)
        else:
            groups.setdefault((p.mark.how, p.mark.event.approximate, p.radius), []).append(p.center)
    for (how, hollow, radius), centres in groups.items():
        _set_shape_look(painter, colors.source(how), radius, hollow=hollow, background=background)
        shape = shapes.setdefault((how, radius), shape_path(how, QPointF(0, 0), radius))
        for centre in centres:
            painter.drawPath(shape.translated(centre))
    for p in current:
        # An open ring: marks at almost the same time stay visible inside it.
        painter.setPen(QPen(QColor(colors.highlight), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(p.center, p.radius * _RING, p.radius * _RING)
        draw_shape(painter, p.mark.how, p.center, p.radius, colors.source(p.mark.how),
                   hollow=p.mark.approximate, background=background)


# ---------------------------------------------------------------- legend

def _legend_items(layout: SwimlaneLayout, texts: SwimlaneTexts, *,
                  show_current: bool) -> list[tuple[str, str]]:
    """(sample, text): the source kinds drawn, then the approximate and current samples if they apply."""
    used = layout.source_kinds
    items = [(how, texts.sources.get(how, how)) for how in SOURCE_KINDS if how in used]
    if layout.has_approximate:
        items.append(("approximate", texts.approximate))
    if show_current:
        items.append(("current", texts.current))
    return items


def _legend_rows(layout: SwimlaneLayout, width: float, style: SwimlaneStyle, fonts: _Fonts,
                 texts: SwimlaneTexts, *, show_current: bool) -> list[list[tuple[str, str, float]]]:
    metrics = QFontMetricsF(fonts.small)
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    available = max(width - 16, 40.0)
    for sample, text in _legend_items(layout, texts, show_current=show_current):
        item_width = style.mark_radius * 3 + 6 + metrics.horizontalAdvance(text) + 18
        if rows[-1] and used + item_width > available:
            rows.append([])
            used = 0.0
        rows[-1].append((sample, text, item_width))
        used += item_width
    return rows


def _legend_line(style: SwimlaneStyle, fonts: _Fonts) -> float:
    return max(QFontMetricsF(fonts.small).height(), style.mark_radius * 2.6)


def _legend_height(layout: SwimlaneLayout, width: float, style: SwimlaneStyle, fonts: _Fonts,
                   texts: SwimlaneTexts, *, show_current: bool) -> float:
    rows = _legend_rows(layout, width, style, fonts, texts, show_current=show_current)
    return 6 + len(rows) * (_legend_line(style, fonts) + 4) + 4


def _paint_legend(painter: QPainter, layout: SwimlaneLayout, rect: QRectF, colors: SwimlaneColors,
                  style: SwimlaneStyle, fonts: _Fonts, texts: SwimlaneTexts, *, show_current: bool) -> None:
    metrics = QFontMetricsF(fonts.small)
    line = _legend_line(style, fonts)
    rows = _legend_rows(layout, rect.width(), style, fonts, texts, show_current=show_current)
    top = rect.bottom() - len(rows) * (line + 4) - 4
    radius = style.mark_radius
    for row_index, row in enumerate(rows):
        x = rect.left() + 8
        centre_y = top + row_index * (line + 4) + line / 2
        for sample, text, item_width in row:
            at = QPointF(x + radius * 1.4, centre_y)
            if sample == "approximate":
                draw_shape(painter, "chat", at, radius, QColor(colors.muted), hollow=True,
                           background=QColor(colors.background))
            elif sample == "current":
                band = QRectF(at.x() - 5, centre_y - line / 2, 10, line)
                painter.fillRect(band, QColor(colors.highlight_band))
                painter.setPen(QPen(QColor(colors.highlight), 1.6))
                painter.drawLine(QPointF(at.x(), centre_y - line / 2), QPointF(at.x(), centre_y + line / 2))
            else:
                draw_shape(painter, sample, at, radius, colors.source(sample))
            painter.setFont(fonts.small)
            painter.setPen(QColor(colors.text))
            baseline = centre_y - metrics.height() / 2 + metrics.ascent()
            painter.drawText(QPointF(x + radius * 3 + 6, baseline), text)
            x += item_width
