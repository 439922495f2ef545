"""Painting "who knew what when" with QPainter: one code path for the window and the reports.

:func:`paint_swimlanes` draws a :class:`~models.swimlane.SwimlaneLayout` into
any paint device (the interactive widget, a QImage) and returns the geometry
it used, so the widget can hit-test marks exactly where they were drawn.
:func:`render_png` draws a whole review into a PNG for the Word and Markdown
reports; it needs no window and works from the command line without a display.

Where things go (lanes, marks, which events' texts fit where) is decided by
:mod:`exports.swimlane_layout`; this module chooses the fonts and colours,
measures text with those fonts (:class:`ChartFonts`) and draws.

The picture, top to bottom: the review's own times (started, detected,
mitigated, resolved) as labelled dashed lines; one lane for systems and alerts,
then one per participant, each event a mark shaped and coloured by how the
knowledge arrived (hollow when its time is approximate), with its text where
there is room; the time axis in the review's timezone; a legend. A participant
with no event gets a slim lane, so the lanes with something in them get the room.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from exports.swimlane_layout import (
    CURRENT_RING,
    AxisLabel,
    FontRole,
    MilestonePlace,
    PlacedMark,
    SwimlaneGeometry,
    SwimlaneStyle,
    SwimlaneTexts,
    ViewRange,
    axis_labels,
    current_event,
    label_rect,
    label_text,
    lane_note,
    layout_geometry,
    layout_height,
    legend_line,
    legend_rows,
    milestone_places,
    visible_ticks,
    zone_caption,
)
from models.snapshot import ReviewDoc
from models.swimlane import SwimlaneLayout, build_layout

#: Logical width of the report picture. :func:`render_png` scales it to the pixels
#: asked for, so a 1600 px image is this drawing at 2.2x: in a Word page's text
#: width, its 12 px text comes out at about 7.5 pt.
REPORT_WIDTH = 720.0


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


class ChartFonts:
    """The chart's fonts, of one family in the sizes of a style; measures text for the layout.

    A :class:`~exports.swimlane_layout.TextMeasure`. Needs a running Qt GUI application.
    """

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
        self._fonts: dict[FontRole, QFont] = {
            "normal": self.normal, "bold": self.bold, "small": self.small, "small_bold": self.small_bold,
            "label": self.label, "label_bold": self.label_bold,
        }
        self._metrics: dict[FontRole, QFontMetricsF] = {}

    def font(self, role: FontRole) -> QFont:
        return self._fonts[role]

    def metrics(self, role: FontRole) -> QFontMetricsF:
        metrics = self._metrics.get(role)
        if metrics is None:
            metrics = self._metrics[role] = QFontMetricsF(self.font(role))
        return metrics

    def width(self, text: str, font: FontRole) -> float:
        return self.metrics(font).horizontalAdvance(text)

    def height(self, font: FontRole) -> float:
        return self.metrics(font).height()


# ---------------------------------------------------------------- public

def natural_height(layout: SwimlaneLayout, width: float, *, current_event_id: int | None = None,
                   style: SwimlaneStyle | None = None, font: QFont | None = None,
                   texts: SwimlaneTexts | None = None) -> float:
    """The height at which every lane gets its natural height and the legend fits ``width``."""
    style = style or SwimlaneStyle()
    return layout_height(layout, width, ChartFonts(font or QFont(), style), current_event_id=current_event_id,
                         style=style, texts=texts)


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
    fonts = ChartFonts(QFont(font) if font is not None else QFont(), style)
    return layout_geometry(rect, layout, fonts, current_event_id=current_event_id,
                           hovered_event_id=hovered_event_id, view_range=view_range, style=style, texts=texts)


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
    fonts = ChartFonts(QFont(font) if font is not None else QFont(painter.font()), style)
    geometry = layout_geometry(rect, layout, fonts, current_event_id=current_event_id,
                               hovered_event_id=hovered_event_id, view_range=view_range, style=style,
                               texts=texts)
    current = current_event(layout, current_event_id)
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
        ticks = visible_ticks(layout, geometry, style)
        _paint_grid(painter, geometry, colors, ticks)
        _paint_milestones(painter, geometry, colors, fonts,
                          milestone_places(layout, geometry, fonts, style, texts))
        painter.save()
        reach = style.mark_radius * 2
        painter.setClipRect(QRectF(geometry.plot.left() - reach, geometry.lane_top,
                                   geometry.plot.width() + 2 * reach, geometry.axis_y - geometry.lane_top))
        if current is not None:
            _paint_current_line(painter, layout, geometry, colors, current)
        _paint_labels(painter, layout, geometry, colors, style, fonts, current)
        _paint_marks(painter, geometry, colors, current)
        painter.restore()
        _paint_axis(painter, layout, geometry, colors, style, fonts, axis_labels(geometry, ticks, fonts))
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


# ---------------------------------------------------------------- marks

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
    return png_bytes(image)


# ---------------------------------------------------------------- painting helpers

def _paint_lanes(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                 colors: SwimlaneColors, fonts: ChartFonts, texts: SwimlaneTexts) -> None:
    bold = fonts.metrics("bold")
    small = fonts.metrics("small")
    text_width = geometry.label_width - 14
    for index, lane in enumerate(layout.lanes):
        band = geometry.lane_rect(index)
        if lane.is_systems:
            painter.fillRect(band, QColor(colors.systems_shade))
        elif index % 2 == 0:
            painter.fillRect(band, QColor(colors.lane_shade))
        name = bold.elidedText(texts.systems if lane.is_systems else lane.label, Qt.TextElideMode.ElideRight,
                               text_width)
        note = lane_note(lane, texts)
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
                style: SwimlaneStyle, fonts: ChartFonts, labels: list[AxisLabel]) -> None:
    small = fonts.metrics("small")
    painter.setPen(QPen(QColor(colors.muted), 1))
    painter.drawLine(QPointF(geometry.plot.left() - style.mark_radius, geometry.axis_y),
                     QPointF(geometry.plot.right() + style.mark_radius, geometry.axis_y))
    label_y = geometry.axis_y + 6 + small.ascent()
    for tick in labels:
        painter.setPen(QPen(QColor(colors.muted), 1))
        painter.drawLine(QPointF(tick.x, geometry.axis_y), QPointF(tick.x, geometry.axis_y + 4))
        painter.setFont(fonts.small)
        painter.setPen(QColor(colors.text))
        painter.drawText(QPointF(tick.left, label_y), tick.text)
        if tick.date:
            painter.setFont(fonts.small_bold)
            painter.drawText(QPointF(tick.date_left, label_y + small.height()), tick.date)
    # The zone the axis speaks, under the lane names.
    painter.setFont(fonts.small)
    painter.setPen(QColor(colors.muted))
    painter.drawText(QPointF(geometry.rect.left() + 8, label_y),
                     small.elidedText(zone_caption(layout), Qt.TextElideMode.ElideRight,
                                      geometry.label_width - 14))


def _paint_milestones(painter: QPainter, geometry: SwimlaneGeometry, colors: SwimlaneColors,
                      fonts: ChartFonts, places: list[MilestonePlace]) -> None:
    small = fonts.metrics("small")
    pen = QPen(QColor(colors.milestone), 1.2)
    pen.setDashPattern([4.0, 3.0])
    painter.setPen(pen)
    for place in places:
        painter.drawLine(QPointF(place.x, place.line_top), QPointF(place.x, geometry.axis_y))
    painter.setFont(fonts.small)
    for place in places:
        if place.box is None:
            continue
        # Over the lines of other times, so that no line strikes through a label.
        painter.fillRect(place.box.adjusted(-2, 0, 2, 0), QColor(colors.background))
        painter.setPen(QColor(colors.muted))
        painter.drawText(QPointF(place.box.left(), place.box.top() + small.ascent()), place.text)


def _paint_current_line(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                        colors: SwimlaneColors, current_event_id: int) -> None:
    x = geometry.x_of(layout.marks_of(current_event_id)[0].x)
    painter.fillRect(QRectF(x - 9, geometry.lane_top + 1, 18, geometry.axis_y - geometry.lane_top - 1),
                     QColor(colors.highlight_band))
    painter.setPen(QPen(QColor(colors.highlight), 1.6))
    painter.drawLine(QPointF(x, geometry.lane_top), QPointF(x, geometry.axis_y))


def _paint_labels(painter: QPainter, layout: SwimlaneLayout, geometry: SwimlaneGeometry,
                  colors: SwimlaneColors, style: SwimlaneStyle, fonts: ChartFonts,
                  current_event_id: int | None) -> None:
    for p in geometry.marks:
        if not p.label_width:
            continue
        current = p.mark.event_id == current_event_id
        role: FontRole = "label_bold" if current else "label"
        metrics = fonts.metrics(role)
        shown = metrics.elidedText(label_text(p.mark), Qt.TextElideMode.ElideRight, p.label_width)
        if not shown:
            continue
        top = label_rect(p, geometry, fonts, style, current=current).top()
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
        painter.setFont(fonts.font(role))
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
        painter.drawEllipse(p.center, p.radius * CURRENT_RING, p.radius * CURRENT_RING)
        draw_shape(painter, p.mark.how, p.center, p.radius, colors.source(p.mark.how),
                   hollow=p.mark.approximate, background=background)


def _paint_legend(painter: QPainter, layout: SwimlaneLayout, rect: QRectF, colors: SwimlaneColors,
                  style: SwimlaneStyle, fonts: ChartFonts, texts: SwimlaneTexts, *,
                  show_current: bool) -> None:
    metrics = fonts.metrics("small")
    line = legend_line(fonts, style)
    rows = legend_rows(layout, rect.width(), fonts, style, texts, show_current=show_current)
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


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG (the chart pictures of the reports and of the patterns page)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs want bytes for the format, the binding itself only takes str.
    saved = image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    if not saved:
        raise RuntimeError("Qt could not encode the chart as PNG")
    return bytes(data.data())
