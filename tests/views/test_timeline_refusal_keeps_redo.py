"""A timeline edit refused (a colleague changed the cell) is no undo step and leaves redo alone."""

from datetime import UTC, datetime

from app.review_service import ReviewService
from models.store import open_library
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog


def test_a_refused_timeline_edit_keeps_the_redo_steps(review_window, qtbot, db_url, catalog, monkeypatch):
    from views.models.timeline_table_model import TimelineTableModel
    window = review_window
    page = window.review_page
    review_id = page.review_id
    window.services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 14, 2, tzinfo=UTC), text="A")
    b = window.services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 14, 5, tzinfo=UTC), text="B")
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.events) == 2)
    model = page.timeline.findChild(TimelineTableModel)
    model.setData(model.index(0, TimelineTableModel.COL_TEXT), "A edited")
    undo = window.services.undo
    undo.undo()
    assert undo.canRedo()
    ReviewService(open_library(db_url), catalog).update_event(review_id, b, text="B (Bob)")
    monkeypatch.setattr(StaleEditDialog, "ask", lambda *a, **k: StaleEditChoice.RELOAD)
    model.setData(model.index(1, TimelineTableModel.COL_TEXT), "B mine")
    qtbot.wait(50)
    assert undo.canRedo()
