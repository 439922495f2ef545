"""A crash report, not a crash: an exception in a slot is logged, explained, and the window lives on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from models.errors import StorageError
from views.crash_dialog import CrashReporter, install_excepthook


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setattr("platformdirs.user_log_dir", lambda *a, **k: str(folder))
    return folder


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_reaches_the_reporter_and_the_log(
        qtbot, log_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A slot that raises: one dialog (recorded), the traceback in debrief.log, the event loop goes on."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    reporter = install_excepthook()
    shown: list[tuple[str, str]] = []
    reporter.show_dialog = lambda parent, message, details: shown.append((message, details))

    def boom() -> None:
        raise ValueError("a value nobody expected")

    ticks: list[int] = []
    QTimer.singleShot(0, boom)
    QTimer.singleShot(30, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2000)

    assert len(shown) == 1
    message, details = shown[0]
    assert "ValueError: a value nobody expected" in message
    assert str(log_folder / "debrief.log") in message
    assert "Debrief keeps running" in message
    assert "Traceback" in details and "boom" in details
    logged = (log_folder / "debrief.log").read_text(encoding="utf-8")
    assert "a value nobody expected" in logged and "in boom" in logged


def test_a_storage_error_is_explained_in_words(log_folder: Path) -> None:
    reporter = CrashReporter()
    shown: list[str] = []
    reporter.show_dialog = lambda parent, message, details: shown.append(message)
    error = StorageError("missing", "the library /x/library.db is gone")
    reporter(StorageError, error, None)
    assert shown and "could not use its library" in shown[0] and "/x/library.db is gone" in shown[0]


def test_one_dialog_at_a_time(log_folder: Path) -> None:
    """An exception while the dialog is up is logged but does not stack a second dialog."""
    reporter = CrashReporter()
    shown: list[str] = []

    def show(parent: object, message: str, details: str) -> None:
        shown.append(message)
        reporter(RuntimeError, RuntimeError("second"), None)

    reporter.show_dialog = show
    reporter(RuntimeError, RuntimeError("first"), None)
    assert len(shown) == 1
    assert len(reporter.reports) == 2
    assert "second" in (log_folder / "debrief.log").read_text(encoding="utf-8")
