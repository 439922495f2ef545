"""A day chosen in the filter bar stays chosen when the library's first incident moves past it."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate

from views.main_window import MainWindow


def test_a_chosen_day_stays_chosen_when_the_first_incident_moves(services, qtbot):
    early = services.reviews.create(title="Early", template="standard", timezone="UTC",
                                    started_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    services.reviews.create(title="Later", template="standard", timezone="UTC",
                            started_at=datetime(2026, 2, 1, 9, tzinfo=UTC))
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.library_page
    bar = page.filters
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    bar.until.setDate(QDate(2026, 1, 10))
    assert page.proxy.rowCount() == 1
    # The early incident's start is corrected (in the review, or by a colleague): it is now in March.
    services.reviews.update(early, started_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and
                    page.model.row(page.model.row_of(early)).started_at.month == 3)
    assert not (page.proxy.rowCount() == 0 and not bar.current().is_active()), \
        "the list is empty while every filter reads 'any' and Clear is disabled"
