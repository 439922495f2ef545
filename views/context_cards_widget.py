"""Follow-up questions that fit the note just captured, for the facilitator."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.prompt_deck_controller import PromptDeckController
from models.prompts import Card


class ContextCardsWidget(QWidget):
    """One card per fitting context card: its title and its questions; a hint when none fits."""

    def __init__(self, controller: PromptDeckController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.card_labels: list[QLabel] = []
        self.shown: list[Card] = []
        self.heading_label = QLabel(self.tr("FOLLOW-UP QUESTIONS"))
        self.heading_label.setObjectName("panelHeading")
        self.empty_label = QLabel(self.tr("Questions to follow up a note appear here when it is an "
                                          "observation or mentions a decision, “I knew…”, asking for help "
                                          "or what is normal."))
        self.empty_label.setObjectName("contextCardsHint")
        self.empty_label.setWordWrap(True)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._cards_layout)
        layout.addStretch(1)
        controller.cards_changed.connect(self.show_cards)
        self.show_cards(controller.cards())

    def show_cards(self, cards: list[Card]) -> None:
        for old in self.card_labels:
            self._cards_layout.removeWidget(old)
            old.deleteLater()
        self.card_labels = []
        self.shown = list(cards)
        for card in cards:
            card_label = QLabel(_card_html(card))
            card_label.setObjectName("contextCard")
            card_label.setTextFormat(Qt.TextFormat.RichText)
            card_label.setWordWrap(True)
            card_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._cards_layout.addWidget(card_label)
            self.card_labels.append(card_label)
        self.empty_label.setVisible(not cards)


def _card_html(card: Card) -> str:
    questions = "".join(f"• {escape(q)}<br>" for q in card.questions)
    return f"<b>{escape(card.title)}</b><br>{questions}"
