"""The similar past incidents panel: what a line says, opening a review, asking the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.changes import ChangeHub, ReviewChanges
from app.patterns_service import PatternsService
from models import reviews, timeline
from models.similar import SimilarReview
from models.snapshot import event_row
from models.store import Library
from views.similar_panel import SimilarPanel

T0 = datetime(2025, 11, 3, 23, 30, tzinfo=UTC)


def row(review_id: int, title: str, score: float = 0.5, **changes: Any) -> SimilarReview:
    fields: dict[str, Any] = dict(id=review_id, title=title, when=T0, severity="SEV2", status="reviewed",
                                  kind="incident", timezone="Europe/Berlin", score=score,
                                  services=("checkout",), tags=(), words=("timeout", "pool"))
    fields.update(changes)
    return SimilarReview(**fields)


@pytest.fixture
def panel(qtbot: Any) -> SimilarPanel:
    widget = SimilarPanel()
    qtbot.addWidget(widget)
    widget.resize(360, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_each_line_has_title_date_severity_and_reason(panel: SimilarPanel) -> None:
    """The date in the review's own zone (23:30 UTC is the next day in Berlin), then why it is listed."""
    panel.show_similar([row(7, "Checkout timeouts"), row(3, "Pool exhausted", 0.3, severity=None,
                                                          kind="near-miss", services=())])
    assert panel.list.count() == 2
    first, second = panel.list.item(0), panel.list.item(1)
    assert first.text() == ("Checkout timeouts\n2025-11-04 · SEV2 · Reviewed · "
                            "shared services: checkout; words: timeout, pool")
    assert second.text().splitlines()[1] == "2025-11-04 · near miss · Reviewed · words: timeout, pool"
    assert first.data(SimilarPanel.ID_ROLE) == 7
    assert "(2)" in panel.heading.text()


def test_double_click_asks_to_open_the_review(qtbot: Any, panel: SimilarPanel) -> None:
    panel.show_similar([row(7, "Checkout timeouts"), row(3, "Pool exhausted")])
    rect = panel.list.visualItemRect(panel.list.item(1))
    viewport = panel.list.viewport()
    with qtbot.waitSignal(panel.open_requested, timeout=2000) as blocker:
        # A real double-click is a press, then the double-click event (QTest's alone lacks the press).
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [3]


def test_enter_asks_to_open_the_review(qtbot: Any, panel: SimilarPanel) -> None:
    panel.show_similar([row(7, "Checkout timeouts"), row(3, "Pool exhausted")])
    panel.list.setFocus()
    panel.list.setCurrentRow(0)
    assert panel.selected_id() == 7
    with qtbot.waitSignal(panel.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert blocker.args == [7]


def test_nothing_similar_says_so_and_opens_nothing(qtbot: Any, panel: SimilarPanel) -> None:
    """An empty answer is a sentence, not a blank list; activating it opens nothing."""
    panel.show_similar([])
    assert panel.list.count() == 1 and "No similar" in panel.list.item(0).text()
    with qtbot.assertNotEmitted(panel.open_requested):
        panel.list.itemActivated.emit(panel.list.item(0))


def test_show_review_asks_the_service_on_a_worker(qtbot: Any, library: Library) -> None:
    """With a service: the panel looks while the window stays usable, then lists the earlier review."""
    with library.begin() as session:
        earlier = reviews.create(session, title="Checkout pool exhausted", started_at=T0,
                                 services=["checkout"]).id
        now = reviews.create(session, title="Checkout pool exhausted again",
                             started_at=T0 + timedelta(days=9), services=["checkout"]).id
    panel = SimilarPanel(PatternsService(library))
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.show_review(now)
        assert "Looking" in panel.list.item(0).text()
    assert [r.id for r in panel.rows] == [earlier]
    assert panel.list.item(0).data(SimilarPanel.ID_ROLE) == earlier
    panel.show_review(None)
    assert panel.rows == () and "Open a review" in panel.list.item(0).text()


def test_an_event_edited_in_place_counts_once_its_change_set_is_announced(qtbot: Any,
                                                                           library: Library) -> None:
    """The service hears the window's change sets: an edited event's words count at the next question."""
    hub = ChangeHub()
    service = PatternsService(library, changes=hub)
    with library.begin() as session:
        earlier = reviews.create(session, title="Weekend paging", started_at=T0).id
        event = timeline.add_event(session, earlier, at=T0, text="nothing telling here")
        now = reviews.create(session, title="Reports were slow", started_at=T0 + timedelta(days=1)).id
        timeline.add_event(session, now, at=T0 + timedelta(days=1), text="vacuum froze the replica")
    panel = SimilarPanel(service)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.show_review(now)
    assert [r.id for r in panel.rows] == []
    with library.begin() as session:
        row = event_row(timeline.update_event(session, event.id, text="vacuum froze the replica again"))
    hub.announce(ReviewChanges(earlier, events=(row,)))
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.show_review(now)
    assert [r.id for r in panel.rows] == [earlier]
    assert {"vacuum", "replica", "froze"} <= set(panel.rows[0].words)


def test_the_service_can_read_the_library_ahead_of_the_first_question(qtbot: Any, library: Library) -> None:
    """prepare_in_background: the index is read on a worker while nobody waits for it."""
    with library.begin() as session:
        for day in range(3):
            reviews.create(session, title=f"Review {day}", started_at=T0 + timedelta(days=day))
    service = PatternsService(library)
    results: list[int] = []
    service.prepare_in_background().on_success(results.append).start()
    qtbot.waitUntil(lambda: results == [3], timeout=20000)
    assert service.similar_reviews(1) == ()  # the earliest: nothing before it
