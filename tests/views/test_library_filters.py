"""The library's filter bar: each choice narrows the list (and the search hits), counted; any column sorts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from models.library_peek import peek_library
from views.library_page import LibraryPage
from views.main_window import MainWindow
from views.models.library_table_model import LibraryTableModel

REVIEWS = [
    # title, severity, status, kind, services, tags, started (UTC), timezone, template
    ("Checkout errors after config push", "SEV2", "reviewed", "incident", ["Checkout", "config"], ["deploy"],
     datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "Europe/Berlin", "standard"),
    ("DNS flapping", "SEV10", "draft", "incident", ["dns"], [], datetime(2026, 1, 10, tzinfo=UTC), "UTC",
     "standard"),
    ("Near miss: certificate almost expired", None, "closed", "near-miss", ["auth"], ["certificates"],
     datetime(2025, 11, 30, 23, 30, tzinfo=UTC), "Asia/Tokyo", "learning-focused"),
    ("Payments latency", "SEV1", "scheduled", "incident", ["payments API", "checkout "], ["capacity"],
     datetime(2026, 2, 14, 12, tzinfo=UTC), "America/New_York", "standard"),
]


@pytest.fixture
def window(services: Services, qtbot: QtBot) -> MainWindow:
    for title, severity, status, kind, service_names, tags, started, zone, template in REVIEWS:
        services.reviews.create(title=title, template=template, severity=severity, status=status, kind=kind,
                                services=service_names, tags=tags, started_at=started, timezone=zone,
                                summary="The pool ran dry" if "Payments" in title or "DNS" in title else "")
    shown = MainWindow(services)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _titles(page: LibraryPage) -> list[str]:
    proxy = page.proxy
    return [proxy.index(row, LibraryTableModel.COL_TITLE).data() for row in range(proxy.rowCount())]


def _choose(combo, value: str | None) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(value)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def test_each_choice_offers_what_the_library_holds_with_counts(window: MainWindow) -> None:
    bar = window.library_page.filters
    assert bar is not None and bar.isVisible()
    assert [bar.severity.itemText(i) for i in range(bar.severity.count())] == [
        "Any severity", "SEV1 (1)", "SEV2 (1)", "SEV10 (1)", "No severity (1)"]
    assert [bar.status.itemText(i) for i in range(bar.status.count())] == [
        "Any status", "Draft (1)", "Scheduled (1)", "Reviewed (1)", "Closed (1)"]
    # "Checkout" and "checkout " are one service, in two reviews.
    assert "Checkout (2)" in [bar.service.itemText(i) for i in range(bar.service.count())]
    assert bar.count_label.text() == "4 reviews"
    assert not bar.clear_button.isEnabled()


def test_choices_narrow_the_list_together_and_clear_restores_it(window: MainWindow, qtbot: QtBot) -> None:
    page = window.library_page
    bar = page.filters
    assert bar is not None
    _choose(bar.service, "Checkout")
    assert sorted(_titles(page)) == ["Checkout errors after config push", "Payments latency"]
    assert bar.count_label.text() == "2 of 4 reviews"
    _choose(bar.severity, "SEV1")
    assert _titles(page) == ["Payments latency"]
    assert page.selected_id() is not None  # a line is selected: Enter opens it
    _choose(bar.severity, "")  # no severity: none of the checkout reviews
    assert _titles(page) == [] and bar.count_label.text() == "0 of 4 reviews"
    assert not page.open_button.isEnabled()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert len(_titles(page)) == 4 and bar.count_label.text() == "4 reviews"
    _choose(bar.kind, "near-miss")
    assert _titles(page) == ["Near miss: certificate almost expired"]
    bar.clear()
    _choose(bar.template, "learning-focused")
    assert _titles(page) == ["Near miss: certificate almost expired"]
    bar.clear()
    _choose(bar.tag, "capacity")
    assert _titles(page) == ["Payments latency"]


def test_the_date_range_is_the_incidents_own_day(window: MainWindow) -> None:
    """The near miss started 23:30 UTC on 30 November: 1 December in Tokyo, where it happened."""
    page = window.library_page
    bar = page.filters
    assert bar is not None
    assert bar.since.text() == "any" and bar.until.text() == "any"
    bar.since.setDate(QDate(2025, 12, 1))
    bar.until.setDate(QDate(2025, 12, 1))
    assert _titles(page) == ["Near miss: certificate almost expired"]
    assert bar.current().since == date(2025, 12, 1)
    bar.until.setDate(bar.until.minimumDate())  # back to "any"
    assert bar.until.text() == "any" and bar.current().until is None
    bar.since.setDate(QDate(2026, 2, 1))
    assert sorted(_titles(page)) == ["Checkout errors after config push", "Payments latency"]


def test_the_filters_follow_the_library_and_keep_the_choice(window: MainWindow, services: Services) -> None:
    page = window.library_page
    bar = page.filters
    assert bar is not None
    _choose(bar.severity, "SEV1")
    services.reviews.create(title="Queue backlog", template="standard", severity="SEV1",
                            started_at=datetime(2026, 3, 5, tzinfo=UTC))
    assert bar.severity.currentText() == "SEV1 (2)"
    assert sorted(_titles(page)) == ["Payments latency", "Queue backlog"]
    assert bar.count_label.text() == "2 of 5 reviews"


def test_search_hits_in_reviews_the_filters_hide_are_left_out_and_counted(window: MainWindow,
                                                                          qtbot: QtBot) -> None:
    page = window.library_page
    bar = page.filters
    assert bar is not None
    _choose(bar.severity, "SEV1")
    page.search_edit.setText("pool")
    qtbot.waitUntil(lambda: bool(page.search_panel.hits()), timeout=5000)
    assert {hit.title for hit in page.search_panel.hits()} == {"Payments latency"}
    assert "1 more in reviews the filters hide" in page.search_panel.status.text()
    bar.clear()
    assert {hit.title for hit in page.search_panel.hits()} == {"Payments latency", "DNS flapping"}


def test_every_column_sorts_as_people_read_it(window: MainWindow) -> None:
    page = window.library_page
    page.table.sortByColumn(LibraryTableModel.COL_SEVERITY, Qt.SortOrder.AscendingOrder)
    severities = [page.proxy.index(r, LibraryTableModel.COL_SEVERITY).data() for r in range(4)]
    assert severities == ["SEV1", "SEV2", "SEV10", "—"]  # SEV10 after SEV2; none last
    page.table.sortByColumn(LibraryTableModel.COL_STATUS, Qt.SortOrder.AscendingOrder)
    statuses = [page.proxy.index(r, LibraryTableModel.COL_STATUS).data() for r in range(4)]
    assert [s.split(" ·")[0] for s in statuses] == ["Draft", "Scheduled", "Reviewed", "Closed"]
    page.table.sortByColumn(LibraryTableModel.COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert _titles(page)[0] == "Checkout errors after config push"
    page.table.sortByColumn(LibraryTableModel.COL_STARTED, Qt.SortOrder.DescendingOrder)
    assert _titles(page)[0] == "Checkout errors after config push"


def test_the_list_does_not_move_when_the_filters_arrive(services: Services, db_url: str,
                                                        qtbot: QtBot) -> None:
    """Before the library is open a space as tall as the bar holds its place: the list stays put."""
    services.reviews.create(title="Checkout outage", template="standard", severity="SEV2")
    window = MainWindow(rows=peek_library(db_url))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.library_page
    assert page.filters is None
    before = page.table.mapTo(window, page.table.rect().topLeft()).y()
    window.attach(services)
    qtbot.waitUntil(lambda: page.filters is not None and page.filters.isVisible())
    qtbot.wait(50)
    after = page.table.mapTo(window, page.table.rect().topLeft()).y()
    assert abs(after - before) <= 6, (before, after)


def test_a_double_click_opens_the_review_once(window: MainWindow, qtbot: QtBot,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Double-click and Enter each ask once (a double-click also activates: it used to ask twice)."""
    page = window.library_page
    opened: list[int] = []
    monkeypatch.setattr(window, "open_review", opened.append)
    where = page.table.visualRect(page.proxy.index(1, LibraryTableModel.COL_TITLE)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [page.selected_id()]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [page.selected_id()] * 2


def test_the_filters_fit_a_laptop_screen_whatever_the_names(window: MainWindow, services: Services) -> None:
    """A service named at length does not widen the library past a 1024-pixel screen (nor the window,
    whose widest page is the meeting's, past 1280)."""
    services.reviews.create(title="Long names", template="standard",
                            services=["payments-settlement-reconciliation-batch-processor-eu-west-1"],
                            tags=["a-very-long-tag-someone-typed-in-a-hurry-during-the-review"])
    assert window.library_page.minimumSizeHint().width() <= 1024
    assert window.minimumSizeHint().width() <= 1280


def test_tab_goes_from_the_search_through_the_filters_to_the_list(window: MainWindow, qtbot: QtBot) -> None:
    """A keyboard user reaches the filters in reading order: search, each choice, the dates, the list."""
    page = window.library_page
    bar = page.filters
    assert bar is not None
    window.activateWindow()
    page.focus_search()
    qtbot.waitUntil(page.search_edit.hasFocus)
    owners: list[object] = []
    for _ in range(30):  # a date edit's Tab first walks its year, month and day
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        focused = window.focusWidget()
        owner = next((w for w in [*bar.focus_chain(), page.table] if w is focused or w.isAncestorOf(focused)),
                     focused)
        if not owners or owners[-1] is not owner:
            owners.append(owner)
        if owner is page.table:
            break
    expected = [w for w in bar.focus_chain() if w.isEnabled()] + [page.table]
    assert owners == expected
    # Back again: Shift+Tab leaves a date edit that shows "any" too (Qt's own kept it for ever).
    qtbot.keyClick(page.table, Qt.Key.Key_Backtab)
    assert bar.until.isAncestorOf(window.focusWidget()) or window.focusWidget() is bar.until
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Backtab)
    assert bar.since.isAncestorOf(window.focusWidget()) or window.focusWidget() is bar.since
    qtbot.keyClick(page.filters.severity, Qt.Key.Key_Down)  # the keyboard chooses too
    assert bar.severity.currentIndex() == 1 and bar.count_label.text() == "1 of 4 reviews"
