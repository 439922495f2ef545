"""The library file is deleted while a review is open: what is typed is kept, said, and saved elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from models.bundle import load_bundle_file
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow


@pytest.fixture
def window(review_window: MainWindow) -> MainWindow:
    return review_window


def _say(window: MainWindow, qtbot: QtBot, text: str) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _delete_library(library: Library) -> None:
    path = library.sqlite_path()
    assert path is not None
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.unlink(part)


def test_deleted_library_keeps_the_note_says_so_and_saves_it_elsewhere(
        window: MainWindow, qtbot: QtBot, library: Library, catalog: Catalog, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter after the file went: the note is kept on screen, the banner says the library is gone, and
    "Save this review elsewhere…" writes a bundle with it."""
    page = window.review_page
    _say(window, qtbot, "Checkout failed for a third of customers")
    assert page.notes_model.rowCount() == 1
    _delete_library(library)

    _say(window, qtbot, "The dashboards looked normal")
    assert page.capture.pending() == ("The dashboards looked normal",)
    assert page.capture.pending_box.isVisible()
    assert window.services.undo.count() == 1  # the first note only: no step for the one not stored
    banner = page.storage_banner
    assert banner.isVisible()
    assert "library is gone" in banner.message_label.text()
    assert "1 note" in banner.message_label.text()
    assert banner.save_button.text() == "Save this review elsewhere…"
    assert page.capture.note_edit.hasFocus()  # a banner, not a dialog: typing goes on

    _say(window, qtbot, "Sampling hid the errors")
    assert page.capture.pending() == ("The dashboards looked normal", "Sampling hid the errors")

    target = tmp_path / "elsewhere" / "rescued.yaml"
    target.parent.mkdir()
    asked: list[str] = []

    def choose(_parent: object, _title: str, suggested: str, _filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    qtbot.mouseClick(banner.save_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith(".yaml")
    written = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert written["review"]["title"] == "Checkout errors"
    assert [n["text"] for n in written["notes"]] == [
        "Checkout failed for a third of customers", "The dashboards looked normal", "Sampling hid the errors"]
    bundle = load_bundle_file(target, catalog)  # a bundle Debrief imports as it is
    assert [n.text for n in bundle.notes][-1] == "Sampling hid the errors"
    assert str(target) in page.capture.status_label.text()
    assert page.capture.pending() == ("The dashboards looked normal", "Sampling hid the errors")


def test_closing_with_notes_not_in_the_library_asks_first(window: MainWindow, qtbot: QtBot,
                                                          library: Library,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Quitting (or leaving the review) with notes the library never took asks; "no" keeps everything."""
    page = window.review_page
    _delete_library(library)
    _say(window, qtbot, "The config push had no canary")
    questions: list[str] = []

    def decline(_title: str, text: str) -> bool:
        questions.append(text)
        return False

    monkeypatch.setattr(page, "confirm", decline)
    assert not window.close()
    assert window.isVisible()
    window.show_library()
    assert window.pages.currentWidget() is page
    assert len(questions) == 2 and "1 note" in questions[0] and "is gone" in questions[0]
    assert page.capture.pending() == ("The config push had no canary",)
    monkeypatch.setattr(page, "confirm", lambda _title, _text: True)  # pytest-qt may close it now


def test_save_elsewhere_is_in_the_file_menu_with_keys(
        window: MainWindow, qtbot: QtBot, library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """File ▸ Save this review elsewhere… (Ctrl+Shift+S) reaches the same rescue when the banner's button
    is off screen or the mouse is out of reach."""
    page = window.review_page
    _delete_library(library)
    _say(window, qtbot, "Typed after the library went")
    target = tmp_path / "from-the-menu.yaml"
    page.ask_rescue_path = lambda suggested: str(target)  # type: ignore[method-assign]
    assert window.save_elsewhere_action.shortcut().toString() == "Ctrl+Shift+S"
    window.save_elsewhere_action.trigger()
    texts = [note.text for note in load_bundle_file(target, catalog).notes]
    assert "Typed after the library went" in texts
