"""Search from the library opens the review at the hit: the event in the timeline, the note in its phase."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow


def test_enter_on_a_timeline_hit_opens_the_review_on_that_event(main_window: MainWindow,
                                                                 qtbot: QtBot) -> None:
    services = main_window.services
    other = services.reviews.create(title="Office wifi down", template="standard")
    review_id = services.reviews.create(title="Checkout errors", template="standard",
                                        started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, 5, tzinfo=UTC), text="Paged on-call")
    event = services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                                       text="Config push to checkout-eu removed the pool timeout")
    page = main_window.library_page
    page.focus_search()
    qtbot.keyClicks(page.search_edit, "pool timeout")
    qtbot.waitUntil(lambda: page.searching() and page.search_panel.view.model().rowCount() > 0,
                    timeout=5000)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)  # Enter opens the best hit
    review_page = main_window.review_page
    assert review_page.review_id == review_id != other
    assert review_page.current_phase() == "timeline"
    assert review_page.walkthrough.timeline.highlighted_event_id() == event


def test_a_note_hit_opens_the_notes_phase_with_the_note_selected(main_window: MainWindow,
                                                                  qtbot: QtBot) -> None:
    services = main_window.services
    review_id = services.reviews.create(title="Checkout errors", template="standard")
    services.current.open(review_id)
    note = services.capture.add_note(review_id, phase="surprises", text="Nobody knew the Zürich failover")
    services.current.close()
    main_window.show_library()
    page = main_window.library_page
    page.focus_search()
    qtbot.keyClicks(page.search_edit, "zurich")
    qtbot.waitUntil(lambda: page.searching() and page.search_panel.view.model().rowCount() > 0,
                    timeout=5000)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    assert main_window.review_page.review_id == review_id
    assert main_window.review_page.current_phase() == "surprises"
    assert main_window.review_page.selected_note() == note
