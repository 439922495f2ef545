"""Issue 10: Meeting ▸ End meeting stops the clock and records the end, which the reports give."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from exports.markdown_report import to_markdown
from views.main_window import MainWindow


def test_end_meeting_stops_the_clock_and_the_report_says_when(review_window: MainWindow,
                                                               qtbot: QtBot) -> None:
    window = review_window
    meeting = window.services.meeting
    meeting.start()
    assert meeting.is_running
    assert window.end_meeting_action.isEnabled()
    window.end_meeting_action.trigger()  # review_window answers the confirmation with yes
    assert not meeting.is_running and not meeting.is_paused
    report = window.services.reviews.report(window.review_page.review_id)  # type: ignore[arg-type]
    assert report is not None
    (held,) = report.review.meetings
    assert held.ended_at is not None
    text = to_markdown(report)
    assert "ended unknown" not in text and "duration unknown" not in text


def test_end_meeting_without_a_meeting_says_so(review_window: MainWindow) -> None:
    assert not review_window.end_meeting()
    assert "No meeting is running" in review_window.statusBar().currentMessage()


def test_ticking_in_the_room_does_not_start_the_clock(review_window: MainWindow, qtbot: QtBot) -> None:
    window = review_window
    review_id = window.review_page.review_id
    assert review_id is not None
    person = window.services.reviews.add_participant(review_id, name="Ana")
    window.services.reviews.set_attended(review_id, person, True)
    window.services.meeting.open(review_id, "standard")
    assert not window.services.meeting.is_running
    assert window.review_page.timer.toggle_button.text() == "Start"
