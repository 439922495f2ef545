"""The learning library in the window: View ▸ Patterns, and similar earlier incidents in level setting."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow


def _review(window: MainWindow, title: str, day: int, services: list[str]) -> int:
    review_id = window.services.reviews.create(title=title, template="standard",
                                               started_at=datetime(2026, 3, day, 9, 0, tzinfo=UTC))
    window.services.reviews.update(review_id, services=services,
                                   summary="Connection pool timeouts at checkout")
    return review_id


def test_patterns_page_opens_from_the_view_menu_and_back(main_window: MainWindow, qtbot: QtBot) -> None:
    _review(main_window, "Checkout timeouts", 2, ["checkout"])
    main_window.patterns_action.trigger()
    page = main_window.patterns_page
    assert main_window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: not page.loading and len(page.cards) > 0, timeout=15000)
    page.close_requested.emit()
    assert main_window.pages.currentWidget() is main_window.library_page


def test_level_setting_lists_similar_earlier_reviews_and_opens_one(main_window: MainWindow,
                                                                   qtbot: QtBot) -> None:
    earlier = _review(main_window, "Checkout timeouts in March", 2, ["checkout", "payments"])
    _review(main_window, "Office wifi down", 3, ["wifi"])
    later = _review(main_window, "Checkout pool exhausted again", 20, ["checkout", "payments"])
    main_window.open_review(later)
    page = main_window.review_page
    assert page.current_phase() == "level-setting" and page.similar.isVisible()
    qtbot.waitUntil(lambda: page.similar.list.count() >= 1
                    and page.similar.list.item(0).data(page.similar.ID_ROLE) is not None, timeout=15000)
    ids = [page.similar.list.item(i).data(page.similar.ID_ROLE) for i in range(page.similar.list.count())]
    assert ids[0] == earlier and later not in ids
    page.similar.list.setCurrentRow(0)
    page.similar.list.setFocus()
    qtbot.keyClick(page.similar.list, Qt.Key.Key_Return)
    assert page.review_id == earlier
    main_window.services.meeting.go_to("timeline")
    assert not page.similar.isVisible()  # only level setting asks "have we seen this before?"
