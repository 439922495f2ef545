"""The patterns page: charts of a small library, the empty state, Copy, Save as PNG, refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication, QImage

from app.changes import ChangeHub, ReviewChanges
from app.patterns_service import PatternsService
from models import notes, reviews
from models.catalog import Catalog
from models.store import Library
from views.patterns_page import PatternsPage

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CHART_IDS = ["per-month", "time-to-detect", "time-to-mitigate", "time-to-resolve", "services", "tags",
             "learnings", "surprises"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fill(library: Library) -> None:
    """Three reviews over two months, with times, services, tags, a surprise and learnings."""
    with library.begin() as session:
        for day, severity in ((0, "SEV2"), (3, "SEV1"), (35, "SEV2")):
            start = T0 + timedelta(days=day)
            review = reviews.create(session, title=f"Checkout errors {day}", severity=severity,
                                    started_at=start, detected_at=start + timedelta(minutes=9),
                                    services=["checkout"], tags=["config"])
            notes.add_note(session, review.id, phase="surprises", text="the dashboards looked normal")
            notes.add_learning(session, review.id, text="sampling hides errors", category="technical")


@pytest.fixture
def hub(qapp: Any) -> ChangeHub:
    return ChangeHub()


@pytest.fixture
def service(library: Library, catalog: Catalog, hub: ChangeHub) -> PatternsService:
    return PatternsService(library, catalog=catalog, changes=hub)


def shown_page(qtbot: Any, service: PatternsService) -> PatternsPage:
    """The page shown, its first read done."""
    page = PatternsPage(service)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    return page


def test_the_page_shows_every_chart_of_a_small_library(qtbot: Any, library: Library,
                                                       service: PatternsService) -> None:
    """Eight charts in the grid, each a decoded picture, and how many reviews they are of."""
    fill(library)
    page = shown_page(qtbot, service)
    assert page.stack.currentWidget() is page.scroll_area
    assert list(page.cards) == CHART_IDS
    for card in page.cards.values():
        assert not card.view.image().isNull()
        assert card.isVisibleTo(page)
    assert page.summary_label.text() == "Reviews in the library: 3"
    assert page.report is not None and page.report.patterns.reviews == 3


def test_an_empty_library_shows_the_empty_state(qtbot: Any, service: PatternsService) -> None:
    """No reviews: a sentence saying charts come with reviews, not eight empty axes."""
    page = shown_page(qtbot, service)
    assert page.stack.currentWidget() is page.empty_label
    assert page.cards == {}


def test_reading_shows_the_busy_indicator_until_done(qtbot: Any, library: Library,
                                                     service: PatternsService) -> None:
    """The read runs on a worker; the busy bar shows meanwhile and goes when the charts are in."""
    fill(library)
    page = PatternsPage(service)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
        assert page.loading and page.busy.isVisibleTo(page)
        assert page.stack.currentWidget() is page.loading_label
    assert not page.loading and not page.busy.isVisibleTo(page)


def test_copy_puts_the_chart_on_the_clipboard_as_a_picture(qtbot: Any, library: Library,
                                                           service: PatternsService) -> None:
    """Copy: the clipboard holds the chart's picture, at the PNG's size."""
    fill(library)
    page = shown_page(qtbot, service)
    QGuiApplication.clipboard().clear()
    page.cards["services"].copy_button.click()
    image = QGuiApplication.clipboard().image()
    assert not image.isNull()
    picture = page.report.chart("services")  # type: ignore[union-attr]
    assert picture is not None and (image.width(), image.height()) == (picture.width, picture.height)


def test_save_writes_the_png_where_the_dialog_says(qtbot: Any, library: Library, service: PatternsService,
                                                   tmp_path: Path) -> None:
    """Save as PNG…: the chosen file gets the chart (".png" added when left out)."""
    fill(library)
    page = shown_page(qtbot, service)
    asked: list[str] = []

    def choose(suggested: str) -> str:
        asked.append(suggested)
        return str(tmp_path / "tags-chart")

    page.ask_save_path = choose  # type: ignore[method-assign]
    page.cards["tags"].save_button.click()
    written = tmp_path / "tags-chart.png"
    assert asked == ["tags.png"]
    assert written.read_bytes().startswith(PNG_SIGNATURE)
    assert written.read_bytes() == page.report.chart("tags").png  # type: ignore[union-attr]
    assert not QImage(str(written)).isNull()


def test_save_cancelled_writes_nothing(qtbot: Any, library: Library, service: PatternsService,
                                       tmp_path: Path) -> None:
    fill(library)
    page = shown_page(qtbot, service)
    page.ask_save_path = lambda _suggested: ""  # type: ignore[method-assign]
    assert page.save_chart("per-month") is None
    assert list(tmp_path.glob("*.png")) == []


def test_refresh_reads_the_library_again(qtbot: Any, library: Library, service: PatternsService) -> None:
    """Refresh: what was added since is in the charts."""
    page = shown_page(qtbot, service)
    assert page.stack.currentWidget() is page.empty_label
    fill(library)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh_button.click()
    assert page.stack.currentWidget() is page.scroll_area and len(page.cards) == len(CHART_IDS)


def test_a_change_to_the_library_is_read_while_the_page_is_shown(qtbot: Any, library: Library,
                                                                 service: PatternsService,
                                                                 hub: ChangeHub) -> None:
    """A review added (a change set on the hub) shows in the charts a moment later, without Refresh."""
    page = shown_page(qtbot, service)
    fill(library)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        hub.announce(ReviewChanges(None, library=True))
    assert page.report is not None and page.report.patterns.reviews == 3


def test_the_page_can_be_built_over_the_windows_services(qtbot: Any, services: Any) -> None:
    """PatternsPage(services): it makes its own service over their library."""
    fill(services.library)
    page = shown_page(qtbot, services)
    assert list(page.cards) == CHART_IDS
