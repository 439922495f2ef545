"""Context cards: the follow-up questions for the note just captured."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.prompt_deck_controller import PromptDeckController
from app.review_service import ReviewService
from models.catalog import Catalog
from models.prompts import builtin_prompt_bank
from models.store import Library
from views.context_cards_widget import ContextCardsWidget

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)

#: A note of each card type in the words people use, captured as a kind that has no card of its own.
CUE_NOTES = {
    "observation": "I noticed the error graph had a step in it",
    "decision": "We decided to roll back",
    "knew": "I knew the cache was cold",
    "help": "I asked for help in #sre",
    "normal": "Latency looked normal",
    "surprise": "The failover was unexpected",
}
KIND_CARDS = [card.id for card in builtin_prompt_bank().cards if card.kinds]


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


@pytest.fixture
def controller(library: Library, catalog: Catalog, review_id: int) -> PromptDeckController:
    controller = PromptDeckController(library, catalog, builtin_prompt_bank(), lambda: NOW)
    controller.open(review_id, "standard")
    return controller


@pytest.fixture
def widget(controller: PromptDeckController, qtbot: QtBot) -> ContextCardsWidget:
    widget = ContextCardsWidget(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _shows_card(widget: ContextCardsWidget, card_id: str) -> bool:
    """The card's title and every one of its questions are on screen."""
    card = builtin_prompt_bank().card(card_id)
    assert card is not None
    return any(escape(card.title) in label.text() and all(escape(q) in label.text() for q in card.questions)
               for label in widget.card_labels)


def test_with_no_note_yet_the_widget_shows_a_hint(widget: ContextCardsWidget) -> None:
    """Empty state: a short hint and no cards."""
    assert widget.empty_label.isVisible() and widget.card_labels == []


@pytest.mark.parametrize("card_id", KIND_CARDS)
def test_a_note_of_the_cards_kind_shows_its_questions(
    widget: ContextCardsWidget, controller: PromptDeckController, card_id: str
) -> None:
    """A note captured as this kind, in neutral words, shows this card alone."""
    card = builtin_prompt_bank().card(card_id)
    assert card is not None
    controller.show_cards_for_note(card.kinds[0], "The queue drained at 09:40")
    assert [c.id for c in widget.shown] == [card_id] and _shows_card(widget, card_id)
    assert widget.empty_label.isHidden()


@pytest.mark.parametrize(("card_id", "text"), CUE_NOTES.items())
def test_cue_words_in_a_note_show_the_cards_questions(
    widget: ContextCardsWidget, controller: PromptDeckController, card_id: str, text: str
) -> None:
    """A question-kind note in these words shows the matching card."""
    controller.show_cards_for_note("question", text)
    assert [c.id for c in widget.shown] == [card_id] and _shows_card(widget, card_id)


def test_a_note_without_cues_brings_the_hint_back(
    widget: ContextCardsWidget, controller: PromptDeckController
) -> None:
    """The cards follow the latest note: one that fits none clears them."""
    controller.show_cards_for_note("question", "We decided to roll back")
    controller.show_cards_for_note("learning", "Sampling hides partial outages from dashboards")
    assert widget.card_labels == [] and widget.empty_label.isVisible()


def test_a_note_typed_in_the_window_shows_its_cards(review_window: Any, qtbot: QtBot) -> None:
    """Enter on 'I knew…' in the note field: the stored note's cards show, with no reading it back."""
    page = review_window.review_page
    review_window.services.meeting.go_to("timeline")
    page.capture.note_edit.setFocus()
    qtbot.keyClicks(page.capture.note_edit, "I knew the cache was cold")
    qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_Return)
    assert [c.id for c in page.context_cards.shown] == ["observation", "knew"]

