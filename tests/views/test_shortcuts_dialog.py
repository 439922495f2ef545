"""The F1 cheat sheet lists every command the window binds to keys, and opens with F1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow
from views.shortcuts_dialog import GROUPS, ShortcutsDialog

PORTABLE = QKeySequence.SequenceFormat.PortableText


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot) -> Iterator[MainWindow]:
    services = build_services(library, catalog=catalog)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_review(services.reviews.create(title="Checkout errors", template="standard", timezone="UTC"))
    yield window


def test_f1_opens_the_sheet_without_blocking(window: MainWindow, qtbot: QtBot) -> None:
    """F1 shows the non-modal cheat sheet."""
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.tree.topLevelItemCount() > len(dialog.entries) / 2


def test_sheet_lists_every_action_and_shortcut(window: MainWindow) -> None:
    """Every key of every QAction and QShortcut under the window appears in the sheet."""
    dialog = window.show_shortcuts()
    listed = dialog.keys_listed()
    live = [a for a in window.findChildren(QAction) if a.associatedObjects()]  # on a menu or widget
    bound = {s.toString(PORTABLE) for a in live for s in a.shortcuts()}
    bound |= {k.toString(PORTABLE) for s in window.findChildren(QShortcut) for k in s.keys()}
    bound.discard("")
    assert bound <= listed
    assert {"F1", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+PgDown", "Ctrl+L", "Ctrl+1", "Ctrl+T"} <= listed
    assert not [e for e in dialog.entries if e.group == "Other"]
    assert {e.group for e in dialog.entries} <= set(GROUPS)


def test_every_menu_command_has_a_shortcut(window: MainWindow) -> None:
    """No menu item without keys (submenus aside), and no key bound twice among the menu actions."""
    seen: dict[str, str] = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions():  # type: ignore[union-attr]
            if action.isSeparator() or action.menu() is not None:
                continue
            assert action.shortcuts(), action.text()
            for key in action.shortcuts():
                assert key.toString(PORTABLE) not in seen, (action.text(), seen.get(key.toString(PORTABLE)))
                seen[key.toString(PORTABLE)] = action.text()


def test_page_shortcuts_do_not_duplicate_menu_keys(window: MainWindow) -> None:
    """Keys moved to the menus (phases, promote, back to library) are not also page shortcuts."""
    page_keys = {k.toString(PORTABLE) for s in window.review_page.findChildren(QShortcut)
                 if s.parent() is window.review_page for k in s.keys()}
    assert not page_keys & {"Ctrl+PgDown", "Ctrl+PgUp", "Ctrl+L", "Ctrl+Shift+A", "Ctrl+W"}
