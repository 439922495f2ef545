"""Typed words land in the note field, wherever the keyboard focus wandered.

In a meeting the note-taker types without looking. After Esc in a menu the
menu bar keeps the keyboard (the next letter opens another menu by its
mnemonic); after a phase change or a click the focus sits on a list, a table
or a button. :class:`TypingGuard`, installed on the application, sends a
printable key that would land on such a widget to the note field instead,
with the key itself, so not a letter is lost. A field that takes text (a line
edit, a text box, an editable or even a closed combo box, a spin box) keeps
its keys, and so do dialogs, open menus and other windows: only the main
window's own widgets are watched. Space keeps its meaning on buttons and in
lists (it ticks a box), and keys with Ctrl, Alt or Meta are shortcuts, not text.

Esc that closes a menu also leaves the menu bar: its highlighted title no
longer takes the next letters.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

#: Widgets whose keys are their own: they take text or choose by typing.
FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
#: Widgets where Space does something (press a button, tick a box in a list).
SPACE_ACTS = (QAbstractButton, QAbstractItemView)
_SHORTCUT_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                       | Qt.KeyboardModifier.MetaModifier)


class TypingGuard(QObject):
    """Sends stray typing in ``window`` to the field ``target()`` returns (None: leave keys alone)."""

    def __init__(self, window: QMainWindow, target: Callable[[], QLineEdit | None]) -> None:
        super().__init__(window)
        self._window = window
        self._target = target
        #: How many keys were sent on to the note field (for tests).
        self.redirected = 0
        window.menuBar().installEventFilter(self)
        for menu in window.menuBar().findChildren(QMenu):
            menu.aboutToHide.connect(self._menu_hidden)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        if isinstance(watched, QMenuBar) and event.key() == Qt.Key.Key_Escape:
            self._leave_menu_bar()
            return True
        target = self._target()
        if target is None or watched is target or not self._is_text(event):
            return False
        if isinstance(watched, FIELDS) or QApplication.activePopupWidget() is not None:
            return False
        if event.key() == Qt.Key.Key_Space and isinstance(watched, SPACE_ACTS):
            return False
        if QApplication.activeModalWidget() is not None:
            return False
        self._leave_menu_bar()
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        # The key itself, as if typed there: completion, the coach and undo see it like any other.
        QApplication.sendEvent(target, QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(),
                                                 event.isAutoRepeat(), event.count()))
        self.redirected += 1
        return True

    @staticmethod
    def _is_text(event: QKeyEvent) -> bool:
        text = event.text()
        return (bool(text) and text.isprintable() and not (event.modifiers() & _SHORTCUT_MODIFIERS))

    def _menu_hidden(self) -> None:
        # After the menu is gone (and before the next key): arrow keys between menus keep one open.
        QTimer.singleShot(0, self._leave_menu_bar_if_no_menu)

    def _leave_menu_bar_if_no_menu(self) -> None:
        if QApplication.activePopupWidget() is None:
            self._leave_menu_bar()

    def _leave_menu_bar(self) -> None:
        """Out of the menu bar's keyboard mode; the keyboard back to the note field if it had it."""
        bar = self._window.menuBar()
        if bar.activeAction() is not None:
            bar.setActiveAction(None)  # type: ignore[arg-type]
        focus = QApplication.focusWidget()
        target = self._target()
        if target is not None and (focus is None or isinstance(focus, QMenuBar) or not focus.isVisible()):
            target.setFocus(Qt.FocusReason.OtherFocusReason)
