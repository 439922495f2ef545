"""The wrap-up pulse form and the time-per-phase summary."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot

from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models.catalog import Catalog
from models.meetings import Pulse
from models.store import Library
from tests.fake_clock import FakeClock
from views.pulse_widget import PulseWidget


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


@pytest.fixture
def controller(library: Library, catalog: Catalog, clock: FakeClock, review_id: int) -> MeetingController:
    """The review open with a meeting that spent 32 min in the timeline and is now at wrap-up."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    controller.go_to("timeline")
    clock.advance(minutes=32)
    controller.go_to("wrap-up")
    return controller


@pytest.fixture
def widget(controller: MeetingController, qtbot: QtBot) -> PulseWidget:
    shown = PulseWidget(controller)
    qtbot.addWidget(shown)
    return shown


def _enter(qtbot: QtBot, box: QSpinBox, value: int) -> None:
    """Type a number and press Enter, as the facilitator would."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(value))
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_numbers_are_saved_as_entered(widget: PulseWidget, controller: MeetingController, review_id: int,
                                      qtbot: QtBot) -> None:
    """Each number commits on Enter; the ones left at a dash stay "not asked"."""
    _enter(qtbot, widget.attended_spin, 7)
    _enter(qtbot, widget.learned_spin, 5)
    assert controller.pulse(review_id) == Pulse(7, 5, None, "")


def test_a_learned_count_above_attendance_is_refused(widget: PulseWidget, controller: MeetingController,
                                                     review_id: int, qtbot: QtBot) -> None:
    """The message under the form names the field; the stored pulse keeps its last good values."""
    _enter(qtbot, widget.attended_spin, 7)
    _enter(qtbot, widget.learned_spin, 12)
    assert (widget.status_label.text().split(":")[0], widget.status_label.property("error"),
            controller.pulse(review_id)) == ("learned", True, Pulse(7, None, None, ""))


def test_the_unclear_text_is_saved_once_typing_stops(widget: PulseWidget, controller: MeetingController,
                                                     review_id: int, qtbot: QtBot) -> None:
    """The free text commits shortly after the last keystroke, without a Save button."""
    widget.show()
    qtbot.keyClicks(widget.unclear_edit, "Who owns sampling?")
    qtbot.waitUntil(lambda: controller.pulse(review_id) == Pulse(None, None, None, "Who owns sampling?"),
                    timeout=3000)


def test_hiding_the_form_saves_pending_text(widget: PulseWidget, controller: MeetingController,
                                            review_id: int, qtbot: QtBot) -> None:
    """Leaving wrap-up straight after typing loses nothing."""
    widget.show()
    qtbot.keyClicks(widget.unclear_edit, "Alert routing")
    widget.hide()
    assert controller.pulse(review_id) == Pulse(None, None, None, "Alert routing")


def test_the_form_shows_the_stored_pulse(controller: MeetingController, review_id: int, qtbot: QtBot) -> None:
    """A form built for a review with a pulse shows its values."""
    controller.set_pulse(review_id, attended=7, learned=5, would_attend=6, unclear="Sampling")
    shown = PulseWidget(controller)
    qtbot.addWidget(shown)
    assert shown.pulse() == Pulse(7, 5, 6, "Sampling")


def test_time_per_phase_is_listed_against_the_plan(widget: PulseWidget, clock: FakeClock,
                                                   controller: MeetingController) -> None:
    """The wrap-up summary reads "Timeline walkthrough: 32 min of 25 planned"."""
    clock.advance(minutes=2)
    widget.show()
    controller.tick()
    assert widget.times_text().split("\n") == ["Timeline walkthrough: 32 min of 25 planned",
                                               "Wrap-up: 2 min of 5 planned (now)"]


def test_a_pulse_without_a_meeting_says_why(library: Library, catalog: Catalog, clock: FakeClock,
                                            review_id: int, qtbot: QtBot) -> None:
    """Before any meeting was held, the message names the meeting, and nothing is stored."""
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    shown = PulseWidget(controller)
    qtbot.addWidget(shown)
    _enter(qtbot, shown.attended_spin, 4)
    assert (shown.status_label.text().split(":")[0], controller.pulse(review_id)) == ("meeting", None)
