"""The library list's analysis column: due and overdue reviews, from LifecycleService.due_states()."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from models.lifecycle import Due, DueState
from models.review_summary import ReviewSummary
from views.due_words import OVERDUE_COLOR
from views.models.library_table_model import LibraryTableModel

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


def test_each_column_but_the_title_fits_its_widest_text(qtbot: object) -> None:
    """The started, severity, status and due columns are as wide as their widest text (no elision)."""
    from views.library_page import LibraryPage

    long_status = ReviewSummary(4, "Review 4", None, "SEV1-CUSTOMER-VISIBLE", "draft", "incident", "standard",
                                "Asia/Tehran", CREATED, CREATED)
    page = LibraryPage(rows=[_row(1), long_status])
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.resize(1280, 600)
    page.show()
    page.model.set_due({1: Due(date(2026, 3, 2), DueState.OVERDUE, -40)})
    page._fit_columns()  # noqa: SLF001 - what refresh does after the due states
    header = page.table.horizontalHeader()
    metrics = page.table.fontMetrics()
    for column in LibraryTableModel.FITTED:
        texts = {page.model.index(row, column).data() for row in range(page.model.rowCount())}
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        assert header.sectionSize(column) > widest, (column, texts)
        assert header.sectionSize(column) >= header.sectionSizeHint(column)  # the heading too
    assert "overdue 40 days" in {page.model.index(r, LibraryTableModel.COL_DUE).data() for r in range(2)}
    # The title takes the rest of the width.
    assert header.sectionSize(LibraryTableModel.COL_TITLE) > header.sectionSize(LibraryTableModel.COL_STATUS)
