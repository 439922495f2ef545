"""The phase timer widget: countdown text, meeting time, the button, and gentle overrun."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.meeting_controller import MeetingController
from app.review_service import ReviewService
from models.catalog import Catalog
from models.store import Library
from tests.fake_clock import FakeClock
from views.phase_timer_widget import PhaseTimerWidget, format_clock, phase_clock_text
from views.style import apply_style

AMBER = "#c77700"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def controller(library: Library, catalog: Catalog, clock: FakeClock, qapp: object) -> MeetingController:
    """A review open in its timeline phase (25 min planned), clock not started."""
    review_id = ReviewService(library, catalog).create(title="Checkout errors", template="standard")
    controller = MeetingController(library, catalog, clock)
    controller.open(review_id, "standard")
    return controller


@pytest.fixture
def widget(controller: MeetingController, qtbot: QtBot) -> PhaseTimerWidget:
    shown = PhaseTimerWidget(controller)
    apply_style(shown)
    qtbot.addWidget(shown)
    return shown


def _in_timeline_after(controller: MeetingController, clock: FakeClock, **delta: float) -> None:
    controller.go_to("timeline")
    clock.advance(**delta)
    controller.tick()


def _colour(label: QWidget) -> str:
    label.ensurePolished()
    return label.palette().color(QPalette.ColorRole.WindowText).name()


@pytest.mark.parametrize(("span", "text"), [
    (timedelta(0), "0:00"), (timedelta(minutes=12, seconds=40, milliseconds=900), "12:40"),
    (timedelta(hours=1, minutes=2, seconds=15), "1:02:15"), (timedelta(minutes=-3, seconds=-10), "-3:10"),
])
def test_format_clock(span: timedelta, text: str) -> None:
    """Minutes and seconds, hours when there are any; the fraction of a second is dropped."""
    assert format_clock(span) == text


def test_shows_phase_time_against_its_timebox(widget: PhaseTimerWidget, controller: MeetingController,
                                              clock: FakeClock) -> None:
    """12:40 into the timeline walkthrough reads "12:40 / 25:00" and "12:20 left"."""
    _in_timeline_after(controller, clock, minutes=12, seconds=40)
    assert (widget.phase_label.text(), widget.remaining_label.text()) == ("12:40 / 25:00", "12:20 left")


def test_shows_time_over_the_timebox(widget: PhaseTimerWidget, controller: MeetingController,
                                     clock: FakeClock) -> None:
    """Past the timebox the countdown turns into "+3:10 over"."""
    _in_timeline_after(controller, clock, minutes=28, seconds=10)
    assert widget.remaining_label.text() == "+3:10 over"


def test_shows_the_meeting_time(widget: PhaseTimerWidget, controller: MeetingController,
                                clock: FakeClock) -> None:
    """The meeting's own clock runs beside the phase's."""
    _in_timeline_after(controller, clock, minutes=42, seconds=10)
    assert widget.meeting_label.text() == "Meeting 42:10"


def test_on_time_keeps_the_normal_colour(widget: PhaseTimerWidget, controller: MeetingController,
                                         clock: FakeClock) -> None:
    """Within the timebox nothing is amber and there is no notice."""
    _in_timeline_after(controller, clock, minutes=20)
    assert (_colour(widget.phase_label) != AMBER, widget.notice()) == (True, "")


def test_overrun_turns_the_phase_time_amber(widget: PhaseTimerWidget, controller: MeetingController,
                                            clock: FakeClock) -> None:
    """Level 1: the phase time changes colour, and that is all."""
    _in_timeline_after(controller, clock, minutes=26)
    colours = (_colour(widget.phase_label), _colour(widget.remaining_label))
    assert (colours, widget.notice()) == ((AMBER, AMBER), "")


def test_well_over_shows_a_quiet_notice(widget: PhaseTimerWidget, controller: MeetingController,
                                        clock: FakeClock) -> None:
    """Level 2: one line suggests moving on or extending, naming the phase."""
    _in_timeline_after(controller, clock, minutes=31, seconds=30)
    assert widget.notice() == "Timeline walkthrough is 6 min over: move on or agree to extend"


def test_the_notice_goes_with_the_next_phase(widget: PhaseTimerWidget, controller: MeetingController,
                                             clock: FakeClock) -> None:
    """Moving on clears the notice and the colour."""
    _in_timeline_after(controller, clock, minutes=40)
    controller.next_phase()
    assert (widget.notice(), _colour(widget.phase_label) != AMBER) == ("", True)


@pytest.mark.parametrize(("presses", "text"), [(0, "Start"), (1, "Pause"), (2, "Resume")])
def test_the_button_says_what_it_will_do(widget: PhaseTimerWidget, presses: int, text: str) -> None:
    """Start before the meeting, Pause while it runs, Resume while paused."""
    for _ in range(presses):
        widget.toggle_button.click()
    assert widget.toggle_button.text() == text


def test_a_click_pauses_the_running_clock(widget: PhaseTimerWidget, controller: MeetingController,
                                          qtbot: QtBot) -> None:
    """Clicking the button while the clock runs pauses the meeting."""
    controller.start()
    qtbot.mouseClick(widget.toggle_button, Qt.MouseButton.LeftButton)
    assert controller.is_paused


def test_ctrl_space_starts_the_clock(widget: PhaseTimerWidget, controller: MeetingController,
                                     qtbot: QtBot) -> None:
    """The shortcut works from anywhere in the window."""
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitActive(widget):
        widget.activateWindow()
    qtbot.keyClick(widget, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert controller.is_running


def test_a_room_display_has_no_controls(controller: MeetingController, qtbot: QtBot) -> None:
    """With controls=False the button is not shown."""
    shown = PhaseTimerWidget(controller, controls=False)
    qtbot.addWidget(shown)
    shown.show()
    assert not shown.toggle_button.isVisible()


def test_a_closed_widget_leaves_the_controller_ticking(controller: MeetingController, qtbot: QtBot) -> None:
    """Once a timer widget is gone, the controller's ticks reach no dead widget."""
    shown = PhaseTimerWidget(controller)
    shown.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(shown)
    controller.start()
    controller.tick()
    assert controller.is_running


def test_phase_clock_text_matches_the_widget(widget: PhaseTimerWidget, controller: MeetingController,
                                             clock: FakeClock) -> None:
    """A room display can show the very text of the facilitator's timer."""
    _in_timeline_after(controller, clock, minutes=3, seconds=5, milliseconds=700)
    assert phase_clock_text(controller.state()) == widget.phase_label.text() == "3:05 / 25:00"
