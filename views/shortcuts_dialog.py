"""The F1 cheat sheet: every command and its keys, read from the window's actions and shortcuts.

The list is built from what is installed (``QAction`` and ``QShortcut`` objects
under the window), so it cannot drift from the real keys. A description comes
from the object itself (an action's text, a shortcut's ``whatsThis``) or, for
widgets that do not describe their shortcuts, from :data:`DESCRIPTIONS`; a key
nobody described is still listed, under "Other".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Property (on a QAction or QShortcut) naming its group; see also ``views.review_page.SHORTCUT_GROUP``.
SHORTCUT_GROUP = "shortcutGroup"
#: Property overriding an action's text in the sheet (an undo action's text changes with the stack).
SHORTCUT_LABEL = "shortcutLabel"
GROUPS = ("Capture", "Phases & timer", "Timeline & walkthrough", "Prompts", "Files", "View", "Edit", "Other")


def _tr(text: str) -> str:
    return QCoreApplication.translate("shortcuts", text)


#: Shortcuts of widgets that do not describe themselves: (owner class, portable key) → (group, text).
DESCRIPTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("PhaseTimerWidget", "Ctrl+Space"): ("Phases & timer", "Start or pause the phase timer"),
    ("PhaseTimerWidget", "Ctrl+T"): ("Phases & timer", "Start or pause the phase timer"),
    ("PromptDeckWidget", "Ctrl+Return"): ("Prompts", "Mark the prompt as asked, show the next"),
    ("PromptDeckWidget", "Ctrl+Enter"): ("Prompts", "Mark the prompt as asked, show the next"),
    ("PromptDeckWidget", "Ctrl+Shift+Return"): ("Prompts", "Skip the prompt (to the end of the deck)"),
    ("PromptDeckWidget", "Ctrl+Shift+Enter"): ("Prompts", "Skip the prompt (to the end of the deck)"),
    ("PromptDeckWidget", "Ctrl+Shift+P"): ("Prompts", "Pin or unpin the prompt"),
    ("TimelineWidget", "Ctrl+Shift+E"): ("Timeline & walkthrough", "Add a timeline event"),
    ("TimelineWidget", "Ctrl+F"): ("Timeline & walkthrough", "Filter the timeline"),
    ("QTableView", "Del"): ("Timeline & walkthrough", "Remove the selected event (in the timeline)"),
    ("QLineEdit", "Esc"): ("Timeline & walkthrough", "Clear the timeline filter"),
    ("QLineEdit", "Down"): ("Timeline & walkthrough", "From the filter to the events"),
    ("QLineEdit", "Return"): ("Timeline & walkthrough", "From the filter to the events"),
    ("QLineEdit", "Enter"): ("Timeline & walkthrough", "From the filter to the events"),
    ("_NoteEdit", "Ctrl+0"): ("Capture", "Clear the speaker"),
    ("NoteEdit", "Ctrl+0"): ("Capture", "Clear the speaker"),
    ("QListWidget", "Del"): ("Capture", "Delete the selected learning or action"),
    ("RoomWindow", "Esc"): ("View", "Room view: leave full screen"),
    ("RoomWindow", "F11"): ("View", "Room view: full screen on or off"),
}

#: Keys handled by widgets themselves rather than by a shortcut object.
BUILT_IN: tuple[tuple[str, str, str], ...] = (
    ("Capture", "Add the note (in the note field)", "Enter"),
    ("Capture", "Mention a speaker in the note", "@"),
    ("Capture", "Edit the selected note or event", "F2"),
    ("Capture", "Close a list or dialog", "Esc"),
)


@dataclass(frozen=True)
class ShortcutEntry:
    """One command in the sheet and the keys that run it (portable text, e.g. ``Ctrl+Shift+Z``)."""

    group: str
    text: str
    keys: tuple[str, ...]


def _keys(sequences: list[QKeySequence]) -> tuple[str, ...]:
    texts: list[str] = []
    for sequence in sequences:
        text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in texts:
            texts.append(text)
    return tuple(texts)


def collect_shortcuts(window: QWidget) -> list[ShortcutEntry]:
    """Every command with keys under ``window``: its actions, its shortcuts, and the built-in keys."""
    found: dict[tuple[str, str], list[str]] = {}

    def add(group: str, text: str, keys: tuple[str, ...]) -> None:
        listed = found.setdefault((group if group in GROUPS else "Other", text), [])
        listed.extend(k for k in keys if k not in listed)

    for action in window.findChildren(QAction):
        keys = _keys(action.shortcuts())
        if not keys or not action.associatedObjects():
            continue  # an action on no widget or menu: its keys do nothing
        text = action.property(SHORTCUT_LABEL) or action.text().replace("&&", "\0").replace("&", "")
        add(str(action.property(SHORTCUT_GROUP) or "Other"), str(text).replace("\0", "&").rstrip("…"), keys)
    for shortcut in window.findChildren(QShortcut):
        keys = _keys([shortcut.key(), *shortcut.keys()])
        if not keys:
            continue
        owner = shortcut.parent()
        owner_class = type(owner).__name__ if owner is not None else ""
        group, text = str(shortcut.property(SHORTCUT_GROUP) or ""), shortcut.whatsThis()
        if not text:
            group, text = DESCRIPTIONS.get((owner_class, keys[0]), ("Other", f"{owner_class} {keys[0]}"))
        add(group, text, keys)
    for group, text, key in BUILT_IN:
        add(group, text, (key,))
    return [ShortcutEntry(group, text, tuple(keys)) for (group, text), keys in
            sorted(found.items(), key=lambda item: (GROUPS.index(item[0][0]), item[0][1]))]


class ShortcutsDialog(QDialog):
    """Non-modal list of every command with its keys, grouped; rebuilt each time it is shown."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setModal(False)
        self.resize(620, 640)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Command"), self.tr("Keys")])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.entries: list[ShortcutEntry] = []

    def refresh(self) -> None:
        """Read the keys again from the window."""
        self.entries = collect_shortcuts(self._window)
        self.tree.clear()
        heading_font = self.tree.font()
        heading_font.setBold(True)
        current = ""
        for entry in self.entries:
            if entry.group != current:
                current = entry.group
                heading = QTreeWidgetItem([_tr(current), ""])
                heading.setFont(0, heading_font)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(heading)
            native = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) or k
                               for k in entry.keys)
            self.tree.addTopLevelItem(QTreeWidgetItem(["    " + entry.text, native]))

    def keys_listed(self) -> set[str]:
        """Every key (portable text) the sheet shows."""
        return {key for entry in self.entries for key in entry.keys}

    def show_sheet(self) -> None:
        """Refresh, show and raise (it stays open beside the window)."""
        self.refresh()
        self.show()
        self.raise_()
