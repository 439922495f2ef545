"""The library list's analysis column: due and overdue reviews, from LifecycleService.due_states()."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from models.lifecycle import Due, DueState
from models.review_summary import ReviewSummary
from views.models.library_table_model import LibraryTableModel
from views.open_actions_page import OVERDUE_COLOR

CREATED = datetime(2026, 3, 1, tzinfo=UTC)


def _row(ident: int) -> ReviewSummary:
    return ReviewSummary(ident, f"Review {ident}", None, None, "draft", "incident", "standard", "UTC",
                         CREATED, CREATED)


def test_the_due_column_says_due_and_overdue(qtmodeltester: object, qapp: object) -> None:
    """Overdue in red with its tooltip, due with its day, nothing due empty; sorted by date, none last."""
    model = LibraryTableModel()
    model.set_rows([_row(1), _row(2), _row(3)])
    model.set_due({1: Due(date(2026, 3, 2), DueState.OVERDUE, -4),
                   2: Due(date(2026, 3, 9), DueState.DUE, 3, explicit=True),
                   3: Due(None, DueState.NONE, None)})
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    cells = [model.index(row, LibraryTableModel.COL_DUE) for row in range(3)]
    assert [c.data() for c in cells] == ["overdue 4 days", "due Mon 9 Mar", ""]
    assert cells[0].data(Qt.ItemDataRole.ForegroundRole).color().name() == OVERDUE_COLOR
    assert cells[1].data(Qt.ItemDataRole.ForegroundRole) is None
    assert "set for this review" in cells[1].data(Qt.ItemDataRole.ToolTipRole)
    order = [c.data(LibraryTableModel.SortRole) for c in cells]
    assert order[0] < order[1] < order[2]
