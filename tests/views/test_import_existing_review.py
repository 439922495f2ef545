"""File ▸ Import review bundle of a review the library has: update it, import a copy, or cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from views.main_window import MainWindow

BUNDLE = Path(__file__).resolve().parents[1] / "data" / "full_bundle_v2.yaml"


@pytest.mark.parametrize(("answer", "reviews", "same_id"), [(True, 1, True), (False, 2, False),
                                                            (None, 1, None)])
def test_importing_a_review_again_asks_update_or_copy(
        main_window: MainWindow, monkeypatch: pytest.MonkeyPatch, answer: bool | None, reviews: int,
        same_id: bool | None) -> None:
    """The second import of one bundle asks; update keeps the review's id, a copy adds one, cancel nothing."""
    monkeypatch.setattr(main_window, "ask_open_path", lambda folder, filters: str(BUNDLE))
    asked: list[str] = []

    def ask(title: str) -> bool | None:
        asked.append(title)
        return answer

    monkeypatch.setattr(main_window, "ask_update_existing", ask)
    first = main_window.import_bundle()
    assert asked == []
    second = main_window.import_bundle()
    assert asked == ["Checkout errors after config push"]
    assert len(main_window.services.reviews.list_reviews()) == reviews
    if same_id is None:
        assert second is None
    else:
        assert (second == first) is same_id


def test_view_open_actions_lists_them_and_opens_a_review(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    """View ▸ Open actions shows the page; double-click there opens the action's review."""
    from views.open_actions_page import OpenActionsTableModel

    reviews = main_window.services.reviews
    review_id = reviews.create(title="Checkout errors", template="standard")
    main_window.services.capture.add_note(review_id, phase="actions", kind="action", text="Alert on carts")
    main_window.open_actions_action.trigger()
    page = main_window.open_actions_page
    assert main_window.pages.currentWidget() is page
    assert page.model.rowCount() == 1 and page.model.row(0).action.title == "Alert on carts"
    from PySide6.QtCore import Qt

    where = page.table.visualRect(page.table.model().index(0, OpenActionsTableModel.COL_TITLE)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a real double-click
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert main_window.review_page.review_id == review_id
