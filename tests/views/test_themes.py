"""Light and dark palettes: the stylesheet follows the palette and text stays readable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

import resources
from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow
from views.style import accent, contrast_ratio, is_dark

ROLE = QPalette.ColorRole


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((ROLE.Window, "#202124"), (ROLE.Base, "#1b1b1d"), (ROLE.AlternateBase, "#26272a"),
                         (ROLE.Button, "#2c2d30"), (ROLE.WindowText, "#e8eaed"), (ROLE.Text, "#e8eaed"),
                         (ROLE.ButtonText, "#e8eaed"), (ROLE.Mid, "#5f6368")):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture
def dark_app(qapp: QApplication) -> Iterator[QApplication]:
    saved = qapp.palette()
    qapp.setPalette(_dark_palette())
    yield qapp
    qapp.setPalette(saved)


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot) -> MainWindow:
    window = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(window)
    review_id = window.services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    window.open_review(review_id)
    window.show()
    return window


def test_stylesheet_has_no_fixed_colours() -> None:
    """style.qss names colours only through palette roles or @accents."""
    import re

    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgb\(", resources.read_text("style.qss"))


def test_switching_to_dark_keeps_text_readable(window: MainWindow, dark_app: QApplication,
                                               qtbot: QtBot) -> None:
    """After a dark palette arrives, notes text, error text and the window follow it with enough contrast."""
    qtbot.waitUntil(lambda: is_dark(window.palette()))
    view = window.review_page.notes_view
    palette = view.palette()
    assert contrast_ratio(palette.color(ROLE.Text), palette.color(ROLE.Base)) >= 4.5
    assert contrast_ratio(palette.color(ROLE.Text), palette.color(ROLE.AlternateBase)) >= 4.5
    assert "#ff8a80" in window.styleSheet()  # the stylesheet was redone for dark
    error = QLabel("refused", window.review_page)
    error.setObjectName("errorLabel")
    error.ensurePolished()
    colour = error.palette().color(ROLE.WindowText)
    assert contrast_ratio(colour, window.palette().color(ROLE.Window)) >= 4.5
    status = window.review_page.capture.status_label
    assert contrast_ratio(status.palette().color(ROLE.WindowText), window.palette().color(ROLE.Window)) >= 4.5


@pytest.mark.parametrize("palette", [QPalette(QColor("#f5f5f5")), _dark_palette()], ids=["light", "dark"])
def test_accents_contrast_with_the_window(palette: QPalette, qapp: QApplication) -> None:
    """Every accent colour reads on its theme's window colour (the bold timer amber as large text)."""
    window_colour = palette.color(ROLE.Window)
    for name, least in (("error", 4.5), ("warning", 3.0), ("muted", 4.5)):
        assert contrast_ratio(QColor(accent(name, palette)), window_colour) >= least, name
