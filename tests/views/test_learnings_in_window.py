"""View ▸ Learnings across the library in the main window: the page, its keys, the way to a review."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from views.learnings_page import LearningsTableModel
from views.main_window import MainWindow
from views.outcomes_panel import ID_ROLE


def _two_reviews(window: MainWindow) -> tuple[int, int, int]:
    """Two reviews with learnings: the first review's id, the second's, and a learning of the second."""
    reviews, capture = window.services.reviews, window.services.capture
    first = reviews.create(title="Checkout errors", template="standard")
    second = reviews.create(title="Queue backlog", template="learning-focused")
    capture.add_learning(first, text="Retries amplify load", category="technical")
    capture.add_learning(second, text="Backlogs hide in averages", category="process")
    wanted = capture.add_learning(second, text="Nobody owned the queue", category="organisational")
    return first, second, wanted


def test_the_view_menu_shows_every_learning(main_window: MainWindow) -> None:
    """View ▸ Learnings across the library (Ctrl+Shift+L) shows the page with both reviews' learnings."""
    _two_reviews(main_window)
    action = main_window.learnings_action
    assert action.shortcut() == QKeySequence("Ctrl+Shift+L")
    assert action in main_window.menuBar().actions()[3].menu().actions()  # type: ignore[union-attr]
    action.trigger()
    page = main_window.learnings_page
    assert main_window.pages.currentWidget() is page
    assert page.model.rowCount() == 3 and page.summary_label.text() == "3 learnings from 2 reviews"


def test_the_shortcut_works_from_the_library(main_window: MainWindow, qtbot: QtBot) -> None:
    """Ctrl+Shift+L, pressed on the library's list, opens the page."""
    qtbot.keyClick(main_window.library_page.table, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert main_window.pages.currentWidget() is main_window.learnings_page


def test_double_click_opens_the_review_at_the_learning(main_window: MainWindow, qtbot: QtBot) -> None:
    """The review opens in its learnings phase with the double-clicked learning selected."""
    _first, second, wanted = _two_reviews(main_window)
    main_window.show_learnings()
    page = main_window.learnings_page
    proxy = page.table.model()
    row = next(r for r in range(proxy.rowCount())
               if proxy.index(r, 0).data(LearningsTableModel.IdRole) == wanted)
    where = page.table.visualRect(proxy.index(row, LearningsTableModel.COL_TEXT)).center()
    # A real double-click is a press, then the double-click event (QTest's alone lacks the press).
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert main_window.pages.currentWidget() is main_window.review_page
    assert main_window.review_page.review_id == second
    assert main_window.services.meeting.phase_id == "learnings"
    current = main_window.review_page.outcomes.learnings_list.currentItem()
    assert current is not None and current.data(ID_ROLE) == wanted


def test_from_an_open_review_the_page_replaces_it(review_window: MainWindow) -> None:
    """Asked for during a review, the page comes after the review is left the usual way."""
    review_id = review_window.review_page.review_id
    assert review_id is not None
    review_window.services.capture.add_learning(review_id, text="Dashboards sample errors")
    review_window.learnings_action.trigger()
    assert review_window.pages.currentWidget() is review_window.learnings_page
    assert review_window.review_page.review_id is None
    assert review_window.learnings_page.model.row(0).text == "Dashboards sample errors"


def test_a_learning_added_meanwhile_shows_and_library_goes_back(main_window: MainWindow,
                                                                qtbot: QtBot) -> None:
    """A learning added while the page is shown appears; the Library button returns to the list."""
    first, _second, _wanted = _two_reviews(main_window)
    main_window.show_learnings()
    page = main_window.learnings_page
    main_window.services.capture.add_learning(first, text="Status page lagged", category="communication")
    assert page.model.rowCount() == 4
    combo = page.category_combo
    assert "Communication (1)" in [combo.itemText(i) for i in range(combo.count())]
    page.back_button.click()
    assert main_window.pages.currentWidget() is main_window.library_page
