"""A search with the library's filters on finds the hits in the reviews they show."""

from __future__ import annotations

from datetime import UTC, datetime

from views.main_window import MainWindow


def test_hits_in_the_shown_reviews_are_found_past_a_hundred_hidden_ones(services, qtbot):
    for n in range(110):
        services.reviews.create(title=f"Pool exhausted {n}", template="standard", severity="SEV1",
                                summary="pool pool pool", started_at=datetime(2026, 1, 1, tzinfo=UTC))
    target = services.reviews.create(title="Quiet one", template="standard", severity="SEV3",
                                     started_at=datetime(2026, 1, 2, tzinfo=UTC))
    services.capture.add_note(target, phase="timeline", text="the connection pool was small")
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.library_page
    bar = page.filters
    index = bar.severity.findData("SEV3")
    bar.severity.setCurrentIndex(index)
    assert page.proxy.rowCount() == 1
    page.search_edit.setText("pool")
    qtbot.waitUntil(lambda: "1 hit in 1 review" in page.search_panel.status.text(), timeout=8000)
    assert "110 more in reviews the filters hide" in page.search_panel.status.text()
    assert page.search_panel.hits(), "the shown review has a hit, but the filtered search shows none"
