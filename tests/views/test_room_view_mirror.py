"""The room view follows the facilitator's window at once and never shows what is private."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot) -> Iterator[MainWindow]:
    services = build_services(library, catalog=catalog)
    review_id = services.reviews.create(title="Checkout errors", template="standard",
                                        timezone="Europe/Berlin")
    services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, 21, tzinfo=UTC),
                               text="Alert fires for checkout 5xx", kind="detection", source="alert")
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_review(review_id)
    window.toggle_room_view()
    assert window.room.isVisible()
    yield window


def _room_text(window: MainWindow) -> str:
    return "\n".join(label.text() for label in window.room.findChildren(QLabel))


def test_a_phase_change_shows_in_the_room_at_once(window: MainWindow, qtbot: QtBot) -> None:
    """Ctrl+PgDown: the room has the new phase, goal and first prompt before the next event-loop turn."""
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
    assert window.room.phase_label.text() == "Timeline walkthrough"
    assert "as they happened" in window.room.goal_label.text()
    assert window.room.prompt_label.text() == window.services.prompts.current_prompt()


def test_an_added_note_shows_in_the_room_at_once(window: MainWindow, qtbot: QtBot) -> None:
    """Enter in the note field: the note is on the projector right away."""
    field = window.review_page.capture.note_edit
    qtbot.keyClicks(field, "Paging reached the right person quickly")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "Paging reached the right person quickly" in window.room.notes_label.text()


def test_a_private_note_never_reaches_the_room(window: MainWindow) -> None:
    """A facilitator-only note is stored but not projected."""
    review_id = window.review_page.review_id
    assert review_id is not None
    capture = window.services.capture
    capture.add_note(review_id, phase="level-setting", text="Room is tired, keep it short", private=True)
    capture.add_note(review_id, phase="level-setting", text="Checkout failed for a third")
    text = _room_text(window)
    assert "Checkout failed for a third" in text
    assert "Room is tired" not in text


def test_language_flags_stay_with_the_facilitator(window: MainWindow, qtbot: QtBot) -> None:
    """A flagged phrase shows its reframe under the note field, never in the room."""
    field = window.review_page.capture.note_edit
    qtbot.keyClicks(field, "It was human error, he should have checked")
    flags = window.review_page.capture.language_flags()
    assert flags, "the coach should flag this note"
    text = _room_text(window)
    for flag in flags:
        assert flag.reframe not in text
        assert flag.why not in text


def test_the_walkthrough_event_shows_in_the_room(window: MainWindow, qtbot: QtBot) -> None:
    """Alt+Down in the timeline phase puts the current event on the projector."""
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert "10:21" in window.room.event_label.text()
    assert "Alert fires for checkout 5xx" in window.room.event_label.text()


def test_the_phase_clock_shows_in_the_room(window: MainWindow, qtbot: QtBot) -> None:
    """Starting the meeting clock puts the phase's time on the projector."""
    window.services.meeting.start()
    assert window.room.timer_label.text() != ""
    assert window.room.timer_label.text() == window.review_page.room_timer_text()


def test_roles_instead_of_names_hide_first_names_addresses_and_links(window: MainWindow) -> None:
    """Issue 8: with roles shown the projector said "thanks Ravi", an address and a link with a handle."""
    review_id = window.review_page.review_id
    assert review_id is not None
    services = window.services
    ravi = services.reviews.add_participant(review_id, name="Ravi Kumar", roles=["incident-commander"])
    services.settings.set("show_roles", True)
    services.capture.add_note(review_id, phase="level-setting", author_id=ravi,
                              text="thanks ravi; kumar.r@corp.example has https://files.slack.com/files-pri/"
                                   "T1-F1/x/kumar.r/log.txt")
    text = _room_text(window)
    assert "thanks Incident commander; [email] has [link]" in text
    assert "— Incident commander" in window.room.notes_label.text()
    assert "ravi" not in text.lower() and "kumar" not in text.lower()
