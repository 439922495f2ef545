"""The application's stylesheet, from resources/, with colours for a light or a dark palette.

``style.qss`` uses palette roles (``palette(mid)`` …) wherever it can; the few accent
colours it needs (errors, an overrun timer) are written as ``@name`` and filled in
from :data:`LIGHT` or :data:`DARK`, chosen by the palette's window colour, so the
same file reads well in both themes. The main window re-applies the sheet when
the system switches between light and dark.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QWidget

import resources

#: Accent colours readable on a light window and base.
LIGHT = {"error": "#c0392b", "warning": "#c77700", "muted": "#5f6368"}
#: The same accents readable on a dark window and base.
DARK = {"error": "#ff8a80", "warning": "#ffb74d", "muted": "#b0b6bd"}


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark theme (its window colour darker than mid-grey)."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def accent(name: str, palette: QPalette) -> str:
    """The accent colour ``name`` ("error", "warning", "muted") for ``palette``, as ``#rrggbb``."""
    return (DARK if is_dark(palette) else LIGHT)[name]


def stylesheet(palette: QPalette) -> str:
    """``style.qss`` with its ``@name`` colours filled in for ``palette``."""
    text = resources.read_text("style.qss")
    # longest names first, so no name is replaced inside a longer one
    for name, colour in sorted((DARK if is_dark(palette) else LIGHT).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f"@{name}", colour)
    return text


def apply_style(widget: QWidget) -> None:
    """Apply Debrief's stylesheet to ``widget`` and its children, coloured for its palette."""
    widget.setStyleSheet(stylesheet(widget.palette()))


def relative_luminance(colour: QColor) -> float:
    """WCAG relative luminance of ``colour`` (0 black … 1 white)."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


#: Freedesktop icon names for the window's commands, with the style's own icon where a theme has none
#: (by name: touching QStyle's enums here would build them all before the first paint).
_ICONS: dict[str, tuple[str, str]] = {
    "back": ("go-previous", "SP_ArrowBack"),
    "previous": ("go-up", "SP_ArrowUp"),
    "next": ("go-down", "SP_ArrowDown"),
    "jump": ("go-jump", "SP_ArrowForward"),
    "add": ("list-add", "SP_FileDialogNewFolder"),
    "remove": ("list-remove", "SP_TrashIcon"),
    "start": ("media-playback-start", "SP_MediaPlay"),
    "pause": ("media-playback-pause", "SP_MediaPause"),
    "export": ("document-save-as", "SP_DialogSaveButton"),
    "import": ("document-open", "SP_DialogOpenButton"),
}


def icon(name: str, widget: QWidget) -> QIcon:
    """The platform theme's icon for ``name`` (a key of :data:`_ICONS`), else the style's."""
    from PySide6.QtWidgets import QStyle

    theme_name, fallback = _ICONS[name]
    return QIcon.fromTheme(theme_name, widget.style().standardIcon(getattr(QStyle.StandardPixmap, fallback)))
