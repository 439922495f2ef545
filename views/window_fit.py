"""A window that fits the screen it opens on (a laptop after a large monitor, a projector)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room left for the window manager's title bar and borders, which a window does not know before it shows.
DECORATION = QSize(16, 48)


def fitted(window: QRect, available: QRect, decoration: QSize = DECORATION) -> QRect:
    """``window`` (its inner geometry) made no larger than ``available`` allows and moved inside it."""
    width = min(window.width(), available.width() - decoration.width())
    height = min(window.height(), available.height() - decoration.height())
    x = min(max(window.x(), available.x()), available.right() - width - decoration.width() + 1)
    y = min(max(window.y(), available.y()), available.bottom() - height - decoration.height() + 1)
    return QRect(max(x, available.x()), max(y, available.y()), max(width, 1), max(height, 1))


#: Screens narrower than this (a 1280×800 or 1366×768 laptop) give the window all of themselves.
SMALL_SCREEN_WIDTH = 1600


def first_size(window: QWidget, share: float = 0.9) -> None:
    """The size of a window opened for the first time: maximised on a laptop screen, else ``share`` of
    its screen, centred on it."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    if available.width() < SMALL_SCREEN_WIDTH:
        window.setGeometry(fitted(available, available))
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    width, height = int(available.width() * share), int(available.height() * share)
    window.setGeometry(QRect(available.x() + (available.width() - width) // 2,
                             available.y() + (available.height() - height) // 2, width, height))


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move ``window`` so that all of it, title bar included, is on its screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    target = fitted(window.geometry(), screen.availableGeometry())
    if target != window.geometry():
        window.setGeometry(target)
