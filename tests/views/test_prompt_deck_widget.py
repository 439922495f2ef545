"""The prompt deck widget, driven by its buttons and shortcuts as a facilitator would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.prompt_deck_controller import PromptDeckController
from app.review_service import ReviewService
from models.catalog import Catalog
from models.prompt_log import live_prompt_log
from models.prompts import builtin_prompt_bank, deck_prompts
from models.store import Library
from views.prompt_deck_widget import PromptDeckWidget

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


class Room(QWidget):
    """The deck beside a note field, as on the review page."""

    def __init__(self, controller: PromptDeckController) -> None:
        super().__init__()
        self.note_edit = QLineEdit()
        self.deck = PromptDeckWidget(controller)
        layout = QVBoxLayout(self)
        layout.addWidget(self.deck)
        layout.addWidget(self.note_edit)


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


@pytest.fixture
def controller(library: Library, catalog: Catalog, review_id: int) -> PromptDeckController:
    controller = PromptDeckController(library, catalog, builtin_prompt_bank(), lambda: NOW)
    controller.open(review_id, "standard")
    controller.set_phase("timeline")
    return controller


@pytest.fixture
def room(controller: PromptDeckController, qtbot: QtBot) -> Iterator[Room]:
    room = Room(controller)
    qtbot.addWidget(room)
    room.show()
    qtbot.waitExposed(room)
    with qtbot.waitActive(room):
        room.activateWindow()
    room.note_edit.setFocus()
    yield room


@pytest.fixture
def deck(catalog: Catalog) -> tuple[str, ...]:
    phase = catalog.templates["standard"].phase("timeline")
    assert phase is not None
    return deck_prompts(phase.prompts, builtin_prompt_bank(), "timeline")


def _recorded(library: Library, review_id: int) -> list[tuple[str, str]]:
    with library.begin() as session:
        return [(e.prompt, e.status) for e in live_prompt_log(session, review_id, now=NOW)]


def test_the_widget_shows_the_current_prompt_the_next_and_the_count(
    room: Room, deck: tuple[str, ...]
) -> None:
    """First prompt large, the one after it as a preview, '0 of N asked'."""
    assert room.deck.prompt_label.text() == deck[0]
    assert room.deck.upcoming_label.text() == f"Then: {deck[1]}"
    assert room.deck.count_label.text() == f"0 of {len(deck)} asked"
    assert room.deck.pinned_frame.isHidden()


def test_ctrl_enter_while_typing_a_note_marks_the_prompt_asked(
    room: Room, deck: tuple[str, ...], library: Library, review_id: int, qtbot: QtBot
) -> None:
    """The shortcut works from the note field, and the asked prompt is recorded."""
    qtbot.keyClicks(room.note_edit, "half a note")
    qtbot.keyClick(room.note_edit, Qt.Key.Key_Return, CTRL)
    assert room.deck.prompt_label.text() == deck[1]
    assert room.deck.count_label.text() == f"1 of {len(deck)} asked"
    assert room.note_edit.text() == "half a note"
    assert _recorded(library, review_id) == [(deck[0], "asked")]


def test_clicking_asked_moves_to_the_next_prompt(
    room: Room, deck: tuple[str, ...], library: Library, review_id: int, qtbot: QtBot
) -> None:
    """The Asked ✓ button does what Ctrl+Enter does."""
    qtbot.mouseClick(room.deck.asked_button, Qt.MouseButton.LeftButton)
    assert room.deck.prompt_label.text() == deck[1]
    assert _recorded(library, review_id) == [(deck[0], "asked")]


def test_ctrl_shift_enter_skips_to_the_next_prompt(
    room: Room, deck: tuple[str, ...], library: Library, review_id: int, qtbot: QtBot
) -> None:
    """A skipped prompt is recorded as skipped and the next one shows."""
    qtbot.keyClick(room.note_edit, Qt.Key.Key_Return, CTRL_SHIFT)
    assert room.deck.prompt_label.text() == deck[1]
    assert room.deck.count_label.text() == f"0 of {len(deck)} asked"
    assert _recorded(library, review_id) == [(deck[0], "skipped")]


def test_a_skipped_prompt_comes_round_again_last(room: Room, deck: tuple[str, ...], qtbot: QtBot) -> None:
    """Skip once, ask all the others: the skipped prompt is back."""
    qtbot.mouseClick(room.deck.skip_button, Qt.MouseButton.LeftButton)
    for _ in deck[1:]:
        qtbot.mouseClick(room.deck.asked_button, Qt.MouseButton.LeftButton)
    assert room.deck.prompt_label.text() == deck[0]


def test_pin_shows_the_prompt_above_the_deck(room: Room, deck: tuple[str, ...], qtbot: QtBot) -> None:
    """Pinned: on top with an Unpin button, while the deck shows the next prompt."""
    qtbot.mouseClick(room.deck.pin_button, Qt.MouseButton.LeftButton)
    assert room.deck.pinned_frame.isVisible()
    assert room.deck.pinned_label.text() == f"Pinned: {deck[0]}"
    assert room.deck.prompt_label.text() == deck[1]


def test_unpin_button_puts_the_prompt_back(room: Room, deck: tuple[str, ...], qtbot: QtBot) -> None:
    """After Unpin the pinned area is gone and the prompt is current again."""
    qtbot.mouseClick(room.deck.pin_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(room.deck.unpin_button, Qt.MouseButton.LeftButton)
    assert room.deck.pinned_frame.isHidden()
    assert room.deck.prompt_label.text() == deck[0]


def test_ctrl_shift_p_pins_and_unpins(
    room: Room, deck: tuple[str, ...], library: Library, review_id: int, qtbot: QtBot
) -> None:
    """The shortcut toggles the pin, and both are recorded."""
    qtbot.keyClick(room.note_edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert room.deck.pinned_frame.isVisible()
    qtbot.keyClick(room.note_edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert room.deck.pinned_frame.isHidden()
    assert _recorded(library, review_id) == [(deck[0], "pinned"), (deck[0], "unpinned")]


def test_when_all_are_asked_the_widget_says_so(room: Room, deck: tuple[str, ...], qtbot: QtBot) -> None:
    """No prompt left: a message, the full count, and the buttons off."""
    for _ in deck:
        qtbot.keyClick(room.note_edit, Qt.Key.Key_Return, CTRL)
    assert room.deck.prompt_label.text() == "Every prompt of this phase has been asked."
    assert room.deck.count_label.text() == f"{len(deck)} of {len(deck)} asked"
    buttons = (room.deck.asked_button, room.deck.skip_button, room.deck.pin_button)
    assert not any(b.isEnabled() for b in buttons)


def test_a_phase_change_shows_that_phases_deck(
    room: Room, controller: PromptDeckController, catalog: Catalog
) -> None:
    """The widget follows the controller to another phase."""
    phase = catalog.templates["standard"].phase("surprises")
    assert phase is not None
    controller.set_phase("surprises")
    assert room.deck.prompt_label.text() == phase.prompts[0]
