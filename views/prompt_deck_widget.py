"""The facilitator's prompt deck: the question to ask now, and a pinned one on top."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.prompt_deck_controller import PromptDeckController

#: Shortcuts, active anywhere in the window (so while the note field has focus).
#: Ctrl+Return is not taken by a line edit, unlike Ctrl+Right (word by word).
ASKED_KEYS = ("Ctrl+Return", "Ctrl+Enter")
SKIP_KEYS = ("Ctrl+Shift+Return", "Ctrl+Shift+Enter")
PIN_KEYS = ("Ctrl+Shift+P",)


class PromptDeckWidget(QWidget):
    """Shows the current phase's next prompt with Asked ✓ / Skip / Pin, and the pinned prompt above.

    Every button and shortcut is a call on the controller; the widget redraws
    from ``deck_changed``.
    """

    def __init__(self, controller: PromptDeckController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller

        self.pinned_frame = QFrame()
        self.pinned_frame.setObjectName("pinnedPrompt")
        self.pinned_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.pinned_label = QLabel()
        self.pinned_label.setObjectName("pinnedPromptText")
        self.pinned_label.setWordWrap(True)
        self.pinned_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unpin_button = QPushButton(self.tr("Unpin"))
        self.unpin_button.setToolTip(self.tr("Put the pinned prompt back in the deck (Ctrl+Shift+P)"))
        self.unpin_button.clicked.connect(self.unpin)
        pinned_layout = QHBoxLayout(self.pinned_frame)
        pinned_layout.setContentsMargins(6, 4, 6, 4)
        pinned_layout.addWidget(self.pinned_label, 1)
        pinned_layout.addWidget(self.unpin_button)

        self.heading_label = QLabel(self.tr("ASK"))
        self.heading_label.setObjectName("panelHeading")
        self.count_label = QLabel()
        self.count_label.setObjectName("promptCount")

        self.prompt_label = QLabel()
        self.prompt_label.setObjectName("currentPrompt")
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.prompt_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.prompt_label.setFont(font)
        self.upcoming_label = QLabel()
        self.upcoming_label.setObjectName("upcomingPrompt")
        self.upcoming_label.setWordWrap(True)
        self.upcoming_label.setTextFormat(Qt.TextFormat.PlainText)

        self.asked_button = QPushButton(self.tr("Asked ✓"))
        self.asked_button.setToolTip(self.tr("Mark this prompt as asked and show the next (Ctrl+Enter)"))
        self.asked_button.clicked.connect(self.ask)
        self.skip_button = QPushButton(self.tr("Skip"))
        self.skip_button.setToolTip(self.tr("Move this prompt to the end of the deck (Ctrl+Shift+Enter)"))
        self.skip_button.clicked.connect(self.skip)
        self.pin_button = QPushButton(self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("Keep this prompt on top while the deck moves on (Ctrl+Shift+P)"))
        self.pin_button.clicked.connect(self.pin)
        # One line for the heading, the count and the buttons: the prompt gets the room, not the chrome.
        heading = QHBoxLayout()
        heading.setSpacing(6)
        heading.addWidget(self.heading_label)
        heading.addWidget(self.count_label)
        heading.addStretch(1)
        for button in (self.asked_button, self.skip_button, self.pin_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the note field keeps the keyboard
            heading.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.pinned_frame)
        layout.addLayout(heading)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.upcoming_label)

        self._install_shortcuts()
        controller.deck_changed.connect(self.refresh)
        self.refresh()

    # public
    def ask(self) -> None:
        self._controller.ask()

    def skip(self) -> None:
        self._controller.skip()

    def pin(self) -> None:
        """Pin the prompt shown now."""
        prompt = self._controller.current_prompt()
        if prompt is not None:
            self._controller.pin(prompt)

    def unpin(self) -> None:
        self._controller.pin(None)

    def toggle_pin(self) -> None:
        """Ctrl+Shift+P: unpin the pinned prompt if there is one, else pin the one shown."""
        if self._controller.pinned() is not None:
            self.unpin()
        else:
            self.pin()

    def refresh(self, _phase_id: str = "") -> None:
        controller = self._controller
        pinned = controller.pinned()
        self.pinned_frame.setVisible(pinned is not None)
        self.pinned_label.setText(self.tr("Pinned: %1").replace("%1", pinned or ""))
        asked, total = controller.progress()
        self.count_label.setText(self.tr("%1 of %2 asked").replace("%1", str(asked)).replace("%2", str(total))
                                 if total else "")
        current = controller.current_prompt()
        if current is not None:
            self.prompt_label.setText(current)
        elif total:
            self.prompt_label.setText(self.tr("Every prompt of this phase has been asked."))
        else:
            self.prompt_label.setText(self.tr("No prompts for this phase."))
        upcoming = controller.upcoming_prompt()
        self.upcoming_label.setText(self.tr("Then: %1").replace("%1", upcoming) if upcoming else "")
        self.upcoming_label.setVisible(upcoming is not None)
        for button in (self.asked_button, self.skip_button, self.pin_button):
            button.setEnabled(current is not None)

    # private
    def _install_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WindowShortcut
        for keys, slot in ((ASKED_KEYS, self.ask), (SKIP_KEYS, self.skip), (PIN_KEYS, self.toggle_pin)):
            for key in keys:
                QShortcut(QKeySequence(key), self, context=context).activated.connect(slot)
