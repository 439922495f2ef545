"""The open-actions page and the due column's words: every review's open actions, overdue in red."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.changes import ChangeHub, ReviewChanges
from app.lifecycle_service import LifecycleService, OpenAction
from models import notes, reviews
from models.lifecycle import Due, DueState
from models.notes import OpenActionRow
from models.store import Library
from tests.fake_clock import FakeClock
from views.due_words import OVERDUE_COLOR, due_text, due_tooltip
from views.open_actions_page import OpenActionsPage, OpenActionsTableModel

NOW = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


def _action(ident: int, title: str, due: date | None, *, overdue: bool = False, review: int = 1,
            owner: str = "", priority: str = "medium") -> OpenAction:
    row = OpenActionRow(ident, review, f"Review {review}", title, owner, due, priority, "open", "", "UTC")
    return OpenAction(row, overdue)


@pytest.fixture
def lifecycle(library: Library) -> LifecycleService:
    with library.begin() as session:
        first = reviews.create(session, title="Checkout errors").id
        second = reviews.create(session, title="Queue backlog").id
        notes.add_action(session, first, title="Alert on saved carts", owner="Kim", due=date(2026, 3, 20))
        notes.add_action(session, second, title="Write the runbook", due=date(2026, 3, 1), priority="high")
        notes.add_action(session, second, title="Already done", status="done")
    return LifecycleService(library, clock=FakeClock(NOW))


def test_the_model_passes_the_model_tester(qtmodeltester: object) -> None:
    """Qt's own checks of an item model, on a few rows."""
    model = OpenActionsTableModel()
    model.set_rows([_action(1, "A", date(2026, 3, 1), overdue=True), _action(2, "B", None)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_an_overdue_date_is_red_and_says_so(qapp: object) -> None:
    """Only the due cell of an overdue action is coloured, with a tooltip saying when it was due."""
    model = OpenActionsTableModel()
    model.set_rows([_action(1, "Late", date(2026, 3, 1), overdue=True), _action(2, "Fine", date(2026, 4, 1))])
    late, fine = model.index(0, model.COL_DUE), model.index(1, model.COL_DUE)
    assert late.data(Qt.ItemDataRole.ForegroundRole).color().name() == OVERDUE_COLOR
    assert fine.data(Qt.ItemDataRole.ForegroundRole) is None
    assert "2026-03-01" in late.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, model.COL_TITLE).data(Qt.ItemDataRole.ForegroundRole) is None


def test_undated_actions_sort_last_and_priorities_by_weight(qapp: object) -> None:
    """The sort role compares dates as days (none: last) and priorities high before low."""
    model = OpenActionsTableModel()
    model.set_rows([_action(1, "A", None, priority="low"),
                    _action(2, "B", date(2026, 3, 1), priority="high")])
    due = [model.index(row, model.COL_DUE).data(model.SortRole) for row in range(2)]
    weight = [model.index(row, model.COL_PRIORITY).data(model.SortRole) for row in range(2)]
    assert due[1] < due[0] and weight[1] < weight[0]
    assert model.index(0, model.COL_OWNER).data() == "—" and model.index(0, model.COL_DUE).data() == "—"


def test_the_page_lists_every_reviews_open_actions_soonest_first(lifecycle: LifecycleService,
                                                                 qtbot: QtBot) -> None:
    """Open actions of both reviews, the overdue one first and counted; the done one is not there."""
    page = OpenActionsPage(lifecycle)
    qtbot.addWidget(page)
    proxy = page.table.model()
    titles = [proxy.index(row, OpenActionsTableModel.COL_TITLE).data() for row in range(proxy.rowCount())]
    assert titles == ["Write the runbook", "Alert on saved carts"]
    assert page.summary_label.text() == "2 open, 1 overdue"
    assert proxy.index(0, OpenActionsTableModel.COL_REVIEW).data() == "Queue backlog"


def test_double_click_opens_the_review(lifecycle: LifecycleService, qtbot: QtBot) -> None:
    """The review of the action double-clicked is asked for, by id, once."""
    page = OpenActionsPage(lifecycle)
    qtbot.addWidget(page)
    page.show()
    index = page.table.model().index(1, OpenActionsTableModel.COL_TITLE)
    asked: list[int] = []
    page.open_requested.connect(asked.append)
    where = page.table.visualRect(index).center()
    # A real double-click is a press, then the double-click event (QTest's alone lacks the press).
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert asked == [index.data(OpenActionsTableModel.ReviewRole)]
    with qtbot.assertNotEmitted(page.open_requested):
        page._open_index(QModelIndex())


def test_filters_by_text_and_overdue(lifecycle: LifecycleService, qtbot: QtBot) -> None:
    """Typing narrows to matching actions, reviews or owners; the box keeps only overdue ones."""
    page = OpenActionsPage(lifecycle)
    qtbot.addWidget(page)
    page.filter_edit.setText("kim")
    assert page.table.model().rowCount() == 1
    page.filter_edit.setText("")
    page.overdue_only.setChecked(True)
    assert page.table.model().rowCount() == 1
    assert page.table.model().index(0, 0).data() == "Write the runbook"


def test_the_page_follows_changes_to_outcomes(lifecycle: LifecycleService, library: Library,
                                              qtbot: QtBot) -> None:
    """A change set touching outcomes (here or from elsewhere) reads the list again."""
    hub = ChangeHub()
    page = OpenActionsPage(lifecycle, changes=hub)
    qtbot.addWidget(page)
    with library.begin() as session:
        notes.add_action(session, 1, title="A third one")
    hub.announce(ReviewChanges(1, participants=True))
    assert page.model.rowCount() == 2
    hub.announce(ReviewChanges(1, outcomes=True))
    assert page.model.rowCount() == 3


def test_no_open_action_says_actions_are_optional(library: Library, qtbot: QtBot) -> None:
    """An empty list is not an error: the page says none are needed."""
    page = OpenActionsPage(LifecycleService(library, clock=FakeClock(NOW)))
    qtbot.addWidget(page)
    assert page.table.isHidden() and not page.empty_label.isHidden()
    assert "optional" in page.empty_label.text()


@pytest.mark.parametrize(("due", "text"), [
    (Due(date(2026, 3, 9), DueState.DUE, 3), "due Mon 9 Mar"),
    (Due(date(2026, 3, 6), DueState.DUE, 0), "due today"),
    (Due(date(2026, 3, 5), DueState.OVERDUE, -1), "overdue 1 day"),
    (Due(date(2026, 2, 27), DueState.OVERDUE, -7), "overdue 7 days"),
    (Due(date(2026, 2, 27), DueState.NONE, -7), ""),
    (Due(None, DueState.NONE, None), ""),
])
def test_the_due_column_words(due: Due, text: str, qapp: object) -> None:
    """What the library list's due column says for each state."""
    assert due_text(due) == text


def test_the_due_tooltip_says_where_the_date_comes_from(qapp: object) -> None:
    """Set for this review, or worked out from the resolution."""
    assert "set for this review" in due_tooltip(Due(date(2026, 3, 9), DueState.DUE, 3, explicit=True))
    assert "working days after resolution" in due_tooltip(Due(date(2026, 3, 9), DueState.DUE, 3))
    assert due_tooltip(Due(None, DueState.NONE, None)) == ""


def test_showing_the_page_reads_the_list_again(lifecycle: LifecycleService, library: Library,
                                               qtbot: QtBot) -> None:
    """An action changed by another program (no change set here) shows when the page comes into view."""
    page = OpenActionsPage(lifecycle)
    qtbot.addWidget(page)
    with library.begin() as session:
        notes.add_action(session, 1, title="Added elsewhere")
    assert page.model.rowCount() == 2
    page.show()
    qtbot.waitExposed(page)
    assert page.model.rowCount() == 3


def test_the_library_button_goes_back(lifecycle: LifecycleService, qtbot: QtBot) -> None:
    """As on the patterns page: a Library button asks to go back to the list."""
    page = OpenActionsPage(lifecycle)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.close_requested):
        page.back_button.click()
