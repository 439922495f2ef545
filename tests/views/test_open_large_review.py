"""A review of many events is read on a worker: the window answers meanwhile, and Cancel changes nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

import app.open_review as open_review_module
import views.main_window as main_window_module
from views.main_window import MainWindow

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def large(main_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> int:
    """A review of 30 events, with 'large' set at 20 for the test."""
    monkeypatch.setattr(main_window_module, "LARGE_REVIEW", 20)
    reviews = main_window.services.reviews
    review_id = reviews.create(title="Chat export", template="standard", timezone="UTC")
    for minute in range(30):
        reviews.add_event(review_id, at=START + timedelta(minutes=minute), text=f"message {minute}")
    return review_id


def _held_read(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the worker's read wait until the returned event is set."""
    release = threading.Event()
    real = open_review_module.load_review  # type: ignore[attr-defined]

    def held(session: Any, review_id: int) -> Any:
        assert release.wait(10)
        return real(session, review_id)

    monkeypatch.setattr(open_review_module, "load_review", held)
    return release


def test_a_large_review_opens_from_a_worker_while_the_window_answers(
        main_window: MainWindow, large: int, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    release = _held_read(monkeypatch)
    ticks: list[int] = []
    main_window.open_review(large)
    assert main_window.review_page.doc is None  # still being read
    QTimer.singleShot(20, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2000)  # the event loop runs while the worker waits
    assert main_window.opening.running
    release.set()
    qtbot.waitUntil(lambda: main_window.pages.currentWidget() is main_window.review_page, timeout=5000)
    assert main_window.review_page.doc is not None and len(main_window.review_page.doc.events) == 30
    assert len(main_window.review_page.timeline.events()) == 30


def test_cancelling_the_open_stays_on_the_library(main_window: MainWindow, large: int,
                                                   monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    release = _held_read(monkeypatch)
    main_window.open_review(large)
    operation = main_window.opening
    progress = main_window.findChild(QProgressDialog)
    button = progress.findChild(QPushButton) if progress is not None else None
    try:
        assert button is not None and button.text() == "Cancel"
        button.click()
        assert operation.cancelled
    finally:
        release.set()
    qtbot.waitUntil(lambda: not operation.running, timeout=5000)
    assert main_window.pages.currentWidget() is main_window.library_page
    assert main_window.services.current.doc is None


def test_a_small_review_opens_at_once(main_window: MainWindow, qtbot: QtBot) -> None:
    review_id = main_window.services.reviews.create(title="Small", template="standard")
    main_window.open_review(review_id)
    assert main_window.pages.currentWidget() is main_window.review_page
