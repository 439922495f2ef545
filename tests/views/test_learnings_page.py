"""The learnings page: every review's learnings by category, filtered, sorted, each opening its review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.changes import ChangeHub, ReviewChanges
from app.learnings_service import LearningsService
from models import notes, reviews
from models.learnings_list import LibraryLearning
from models.store import Library
from views.learnings_page import LearningsPage, LearningsTableModel

#: A learning as people write them after a long review: 2,000 characters over several paragraphs.
LONG_TEXT = ("Connection pools were sized for the old traffic shape;\nnobody owned the number. "
             * 30)[:1995] + " END."
WORLD_TEXT = "Zeitüberschreitung im Zahlungsdienst — 決済のタイムアウト ✓ 🙂"


def _learning(ident: int, category: str = "technical", *, review: int = 1, text: str = "",
              started: datetime = datetime(2026, 3, 2, 9, tzinfo=UTC), zone: str = "UTC",
              start_known: bool = True, severity: str | None = "SEV2") -> LibraryLearning:
    return LibraryLearning(ident, category, text or f"Learning {ident}", review, f"Review {review}", started,
                           start_known, zone, severity)


def _column(page: LearningsPage, column: int) -> list[str]:
    proxy = page.table.model()
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _combo(page: LearningsPage) -> list[str]:
    return [page.category_combo.itemText(i) for i in range(page.category_combo.count())]


@pytest.fixture
def service(library: Library) -> LearningsService:
    """Three reviews (newest: Checkout errors) and six learnings of four categories."""
    with library.begin() as session:
        ids = {name: reviews.create(session, title=title, started_at=started, timezone=zone).id
               for name, title, started, zone in (
                   ("old", "Queue backlog", datetime(2026, 1, 10, 9, tzinfo=UTC), "UTC"),
                   ("new", "Checkout errors", datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "Europe/Berlin"),
                   ("middle", "DNS outage", datetime(2026, 2, 5, 9, tzinfo=UTC), "America/New_York"))}
        for review, text, category in (
            ("old", "Runbooks age", "process"),
            ("new", "Retries amplify load", "technical"),
            ("old", "Pools need owners", "technical"),
            ("middle", "Nobody knew the cron", "knowledge"),
            ("new", "Status page lagged", "communication"),
            ("middle", "TTLs outlive their reasons", "technical"),
        ):
            notes.add_learning(session, ids[review], text=text, category=category)
    return LearningsService(library)


@pytest.fixture
def page(service: LearningsService, qtbot: QtBot) -> LearningsPage:
    """The page, shown (it reads when it comes into view)."""
    shown = LearningsPage(service)
    qtbot.addWidget(shown)
    shown.resize(1000, 600)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_model_passes_the_model_tester(qtmodeltester: object) -> None:
    """Qt's own checks of an item model, on a few rows (an unknown category among them)."""
    model = LearningsTableModel()
    model.set_rows([_learning(1), _learning(2, "legacy", review=2, start_known=False),
                    _learning(3, "process")])
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_cells_say_what_where_and_when(qapp: object) -> None:
    """The learning on one line, its category's label, the review, and the review's day in its zone."""
    model = LearningsTableModel()
    model.set_rows([_learning(7, "organisational", review=3, text="Two\n\nparagraphs  here",
                              started=datetime(2026, 3, 1, 23, 30, tzinfo=UTC), zone="Europe/Berlin")])
    cells = [model.index(0, column).data() for column in range(model.columnCount())]
    assert cells == ["Two paragraphs here", "Organisational", "Review 3", "2026-03-02"]
    assert model.index(0, model.COL_TEXT).data(model.IdRole) == 7
    assert model.index(0, model.COL_DATE).data(model.ReviewRole) == 3
    assert model.index(0, model.COL_REVIEW).data(Qt.ItemDataRole.ToolTipRole) == "Severity: SEV2"


def test_a_date_from_the_reviews_creation_says_so(qapp: object) -> None:
    """Without an incident start, the Date cell's tooltip says the day is the review's creation."""
    model = LearningsTableModel()
    model.set_rows([_learning(1, start_known=False), _learning(2)])
    assert "created" in model.index(0, model.COL_DATE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, model.COL_DATE).data(Qt.ItemDataRole.ToolTipRole) is None


def test_counts_every_known_category_and_any_other(qapp: object) -> None:
    """Each known category in the usual order (none too), then one this version does not know."""
    model = LearningsTableModel()
    model.set_rows([_learning(1, "process"), _learning(2, "legacy"), _learning(3, "process"), _learning(4)])
    assert model.category_counts() == [("technical", 1), ("process", 2), ("organisational", 0),
                                       ("knowledge", 0), ("communication", 0), ("legacy", 1)]


def test_the_page_lists_by_category_then_newest_first(page: LearningsPage) -> None:
    """Technical first, newest review first inside it; the summary counts learnings and reviews."""
    assert _column(page, LearningsTableModel.COL_TEXT) == [
        "Retries amplify load", "TTLs outlive their reasons", "Pools need owners", "Runbooks age",
        "Nobody knew the cron", "Status page lagged"]
    assert _column(page, LearningsTableModel.COL_DATE)[:3] == ["2026-03-02", "2026-02-05", "2026-01-10"]
    assert page.summary_label.text() == "6 learnings from 3 reviews"


def test_the_category_box_counts_each_category(page: LearningsPage) -> None:
    """All categories with the total, then each category with its own count."""
    assert _combo(page) == ["All categories (6)", "Technical (3)", "Process (1)", "Organisational (0)",
                            "Knowledge (1)", "Communication (1)"]


def test_choosing_a_category_shows_only_its_learnings(page: LearningsPage) -> None:
    """Technical: three learnings from three reviews; the summary says how many of all."""
    page.category_combo.setCurrentIndex(page.category_combo.findData("technical"))
    assert _column(page, LearningsTableModel.COL_CATEGORY) == ["Technical"] * 3
    assert page.summary_label.text() == "3 of 6 learnings, from 3 reviews"
    page.category_combo.setCurrentIndex(0)
    assert page.table.model().rowCount() == 6


def test_the_filter_matches_learning_text_or_review_title(page: LearningsPage) -> None:
    """Words of a learning, or of its review's title, whatever the case."""
    page.filter_edit.setText("  RETRIES ")
    assert _column(page, LearningsTableModel.COL_TEXT) == ["Retries amplify load"]
    page.filter_edit.setText("queue backlog")
    assert _column(page, LearningsTableModel.COL_TEXT) == ["Pools need owners", "Runbooks age"]
    assert page.summary_label.text() == "2 of 6 learnings, from 1 review"
    page.filter_edit.setText("nothing like this")
    assert page.table.model().rowCount() == 0 and page.table.isVisible()


def test_category_and_filter_narrow_together(page: LearningsPage) -> None:
    """Process learnings of Queue backlog: one; the choice survives a fresh read."""
    page.category_combo.setCurrentIndex(page.category_combo.findData("process"))
    page.filter_edit.setText("queue")
    assert _column(page, LearningsTableModel.COL_TEXT) == ["Runbooks age"]
    page.refresh()
    assert page.category_combo.currentData() == "process"
    assert _column(page, LearningsTableModel.COL_TEXT) == ["Runbooks age"]


def test_sorting_by_a_column_and_back_to_the_usual_order(page: LearningsPage) -> None:
    """Date newest first, review by title; back on Category, the usual order comes back whole."""
    page.table.sortByColumn(LearningsTableModel.COL_DATE, Qt.SortOrder.DescendingOrder)
    assert _column(page, LearningsTableModel.COL_DATE) == ["2026-03-02"] * 2 + ["2026-02-05"] * 2 \
        + ["2026-01-10"] * 2
    page.table.sortByColumn(LearningsTableModel.COL_REVIEW, Qt.SortOrder.AscendingOrder)
    assert _column(page, LearningsTableModel.COL_REVIEW)[0] == "Checkout errors"
    assert _column(page, LearningsTableModel.COL_REVIEW)[-1] == "Queue backlog"
    page.table.sortByColumn(LearningsTableModel.COL_CATEGORY, Qt.SortOrder.AscendingOrder)
    assert _column(page, LearningsTableModel.COL_TEXT)[:3] == [
        "Retries amplify load", "TTLs outlive their reasons", "Pools need owners"]


def test_double_click_asks_for_the_review_at_the_learning(page: LearningsPage, qtbot: QtBot) -> None:
    """A real double-click on a line emits its review's and learning's ids, once."""
    index = page.table.model().index(3, LearningsTableModel.COL_TEXT)
    expected = [index.data(LearningsTableModel.ReviewRole), index.data(LearningsTableModel.IdRole)]
    emitted: list[tuple[int, int]] = []
    page.open_requested.connect(lambda *ids: emitted.append(ids))
    where = page.table.visualRect(index).center()
    # A real double-click is a press, then the double-click event (QTest's alone lacks the press).
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert emitted == [tuple(expected)]
    assert page.selected_learning() == tuple(expected)


def test_enter_asks_for_the_current_line(page: LearningsPage, qtbot: QtBot) -> None:
    """Keyboard: the current line and Enter open it; an invalid index asks for nothing."""
    page.table.setFocus()
    page.table.setCurrentIndex(page.table.model().index(0, 0))
    with qtbot.waitSignal(page.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == [page.model.row(0).review_id, page.model.row(0).id]
    with qtbot.assertNotEmitted(page.open_requested):
        page._open_index(QModelIndex())


def test_the_page_follows_changes_to_outcomes_while_shown(page: LearningsPage, library: Library) -> None:
    """A change set touching outcomes reads the list again; one about participants does not."""
    hub = ChangeHub()
    hub.changed.connect(page._changed)
    with library.begin() as session:
        notes.add_learning(session, 1, text="A seventh one", category="knowledge")
    hub.announce(ReviewChanges(1, participants=True))
    assert page.model.rowCount() == 6
    hub.announce(ReviewChanges(1, outcomes=True))
    assert page.model.rowCount() == 7
    assert "Knowledge (2)" in _combo(page)


def test_hidden_it_waits_and_reads_when_shown(service: LearningsService, library: Library,
                                             qtbot: QtBot) -> None:
    """Built hidden it reads nothing; a change meanwhile is read when the page comes into view."""
    hub = ChangeHub()
    page = LearningsPage(service, changes=hub)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    with library.begin() as session:
        notes.add_learning(session, 1, text="Added elsewhere", category="process")
    hub.announce(ReviewChanges(1, outcomes=True))
    assert page.model.rowCount() == 0
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == 7


def test_a_library_without_learnings_says_where_they_come_from(library: Library, qtbot: QtBot) -> None:
    """An empty list is not an error: the page says how learnings get here."""
    page = LearningsPage(LearningsService(library))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.table.isHidden() and not page.empty_label.isHidden()
    assert "Ctrl+L" in page.empty_label.text()
    assert page.summary_label.text() == "" and _combo(page)[0] == "All categories (0)"


def test_long_and_non_ascii_learnings_read_and_filter(library: Library, qtbot: QtBot) -> None:
    """2,000 characters show on one line with all of it in the tooltip; non-ASCII words filter."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Zahlungsausfall — 東京").id
        notes.add_learning(session, review_id, text=LONG_TEXT, category="organisational")
        notes.add_learning(session, review_id, text=WORLD_TEXT, category="communication")
    page = LearningsPage(LearningsService(library))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert len(LONG_TEXT) == 2000 and page.summary_label.text() == "2 learnings from 1 review"
    cell = page.table.model().index(0, LearningsTableModel.COL_TEXT)
    assert "\n" not in cell.data() and cell.data().endswith("END.")
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.count("Connection pools") == LONG_TEXT.count("Connection pools") and "END." in tooltip
    page.filter_edit.setText("ZEITÜBERSCHREITUNG")
    assert _column(page, LearningsTableModel.COL_TEXT) == [WORLD_TEXT]
    page.filter_edit.setText("東京")
    assert page.table.model().rowCount() == 2


def test_one_learning_reads_in_the_singular(library: Library, qtbot: QtBot) -> None:
    """"1 learning from 1 review", not "1 learnings from 1 reviews"."""
    with library.begin() as session:
        notes.add_learning(session, reviews.create(session, title="Only").id, text="Just one")
    page = LearningsPage(LearningsService(library))
    qtbot.addWidget(page)
    page.refresh()
    assert page.summary_label.text() == "1 learning from 1 review"


def test_the_library_button_goes_back(page: LearningsPage, qtbot: QtBot) -> None:
    """As on the other library-wide pages: a Library button asks to go back to the list."""
    with qtbot.waitSignal(page.close_requested, timeout=2000):
        page.back_button.click()
