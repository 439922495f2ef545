"""The review page's splitters are remembered in QSettings (a temp file in tests) and restored on start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow


def _window(library: Library, catalog: Catalog, qtbot: QtBot) -> MainWindow:
    window = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    review_id = window.services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    window.open_review(review_id)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_settings_go_to_the_temp_folder(qsettings_dir: Path) -> None:
    """QSettings writes under the test's folder, never the user's ~/.config."""
    settings = QSettings("DebriefTests", "layout")
    settings.setValue("probe", 1)
    settings.sync()
    assert Path(settings.fileName()).is_relative_to(qsettings_dir)


def test_splitters_are_saved_on_close_and_restored(library: Library, catalog: Catalog, qtbot: QtBot) -> None:
    """Splitter sizes set before closing are back in a new window."""
    first = _window(library, catalog, qtbot)
    page = first.review_page
    page.splitter.setSizes([400, 600, 350])
    page.right_splitter.setSizes([150, 500])
    wanted = {name: getattr(page, name).sizes() for name in ("splitter", "right_splitter")}
    first.close()

    second = _window(library, catalog, qtbot)
    restored = {name: getattr(second.review_page, name).sizes() for name in wanted}
    assert restored == wanted
    assert second.review_page.splitter.sizes() != [250, 800, 300]
