"""Another program holds the library's lock: Enter waits visibly, the window keeps moving, nothing is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from time import monotonic

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from models.errors import InvalidFieldError, StorageError
from models.store import Library
from views.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(review_window: MainWindow) -> MainWindow:
    return review_window


class _Lock:
    """Another program's write lock on the library file (as a long ``debrief import-timeline`` holds it)."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("BEGIN EXCLUSIVE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self._connection.execute("ROLLBACK")
            self._connection.close()
            self.held = False


@pytest.fixture
def lock(library: Library) -> Iterator[_Lock]:
    path = library.sqlite_path()
    assert path is not None
    held = _Lock(path)
    yield held
    held.release()


def _field(window: MainWindow):  # type: ignore[no-untyped-def]
    field = window.review_page.capture.note_edit
    field.setFocus()
    return field


def _say(window: MainWindow, qtbot: QtBot, text: str) -> float:
    """Type ``text`` and press Enter; how long Enter kept the UI thread."""
    field = _field(window)
    qtbot.keyClicks(field, text)
    started = monotonic()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    return monotonic() - started


def _texts(window: MainWindow) -> list[str]:
    review_id = window.review_page.review_id
    assert review_id is not None
    return [n.text for n in window.services.capture.notes(review_id)]


def _steps(window: MainWindow) -> list[str]:
    undo = window.services.undo
    return [undo.command(index).text() for index in range(undo.count())]  # type: ignore[union-attr]


@pytest.mark.usefixtures("settled_heap")
def test_enter_during_an_8_second_lock_waits_visibly_and_stores_each_note_once(
        window: MainWindow, qtbot: QtBot, lock: _Lock) -> None:
    """An 8 s lock: Enter shows "saving…" at once, the window keeps ticking, the notes land in order, once."""
    page = window.review_page
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(50)
    ticker.timeout.connect(lambda: ticks.append(monotonic()))
    ticker.start()
    QTimer.singleShot(8000, lock.release)

    blocked = _say(window, qtbot, "The pager fired twice")
    assert blocked < 0.5  # today's code held the window for SQLite's 5 s busy timeout here
    assert page.capture.note_edit.text() == ""  # free for the next note …
    assert page.capture.pending() == ("The pager fired twice",)  # … and the first one stays on screen
    assert page.capture.pending_box.isVisible()
    assert "Saving…" in page.capture.saving_label.text()
    assert not page.storage_banner.isVisible()  # busy is not broken: no banner
    blocked_second = _say(window, qtbot, "Nobody knew who owned the config service")
    assert blocked_second < 0.5
    assert page.capture.pending() == ("The pager fired twice", "Nobody knew who owned the config service")
    assert window.services.undo.count() == 0  # no step for a write that has not happened
    assert _texts(window) == []

    qtbot.waitUntil(lambda: page.pending_count() == 0, timeout=15000)
    ticker.stop()
    assert not lock.held  # stored only once the lock went
    assert _texts(window) == ["The pager fired twice", "Nobody knew who owned the config service"]
    assert _steps(window) == ["Add note “The pager fired twice”",
                              "Add note “Nobody knew who owned the config service”"]
    assert not page.capture.pending_box.isVisible()
    assert page.notes_model.rowCount() == 2
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 100  # ~160 ticks in 8 s when nothing blocks
    assert max(gaps) < 1.0, f"the UI thread was held for {max(gaps):.2f} s"

    window.services.undo.undo()  # the step is the note: undo removes exactly it
    assert _texts(window) == ["The pager fired twice"]


def test_promotion_during_a_lock_waits_and_becomes_one_step(window: MainWindow, qtbot: QtBot,
                                                            library: Library) -> None:
    """Ctrl+L while another program writes: said as waiting, stored when the lock goes, one undo step."""
    page = window.review_page
    _say(window, qtbot, "Sampling hid the errors")
    review_id = page.review_id
    assert review_id is not None and window.services.undo.count() == 1
    path = library.sqlite_path()
    assert path is not None
    lock = _Lock(path)
    try:
        QTimer.singleShot(1000, lock.release)
        qtbot.keyClick(_field(window), Qt.Key.Key_L, CTRL)
        assert "once the library is free" in page.capture.status_label.text()
        assert window.services.undo.count() == 1
        assert page.pending_count() == 1
        qtbot.waitUntil(lambda: page.pending_count() == 0, timeout=5000)
    finally:
        lock.release()
    assert len(window.services.capture.outcomes(review_id)[0]) == 1
    assert window.services.undo.count() == 2


@pytest.mark.parametrize("to", ["learning", "action"])
@pytest.mark.parametrize("reason", ["full", "read-only"])
def test_storage_error_on_promotion_leaves_no_phantom_step(window: MainWindow, qtbot: QtBot,
                                                           monkeypatch: pytest.MonkeyPatch, to: str,
                                                           reason: str) -> None:
    """A learning or action the library refuses (disk full, read-only) is said, and is no undo step."""
    page = window.review_page
    _say(window, qtbot, "Config service accepts unknown keys")
    window.services.undo.undo()
    window.services.undo.redo()
    assert window.services.undo.count() == 1 and window.services.undo.index() == 1

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise StorageError(reason, f"the library cannot grow ({reason})")

    monkeypatch.setattr(window.services.capture, f"promote_to_{to}", refuse)
    page.notes_view.selectRow(0)
    page.promote_selected(to)
    assert window.services.undo.count() == 1  # only the note
    assert window.services.undo.index() == 1
    assert "Not saved" in page.capture.status_label.text()
    assert page.storage_banner.isVisible()
    assert page.pending_count() == 0  # a promotion is not typed words: refused, not kept waiting
    assert page.writes.problem() is not None


def test_storage_error_on_learning_edit_keeps_the_redo_step(window: MainWindow, qtbot: QtBot,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused learning edit adds no step and, unlike a refused push, leaves the redo history alone."""
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    _say(window, qtbot, "Sampling hid the errors")
    page.promote_selected("learning")
    (learning,) = window.services.capture.outcomes(review_id)[0]
    _say(window, qtbot, "A second note")
    window.services.undo.undo()  # the second note can be redone
    assert window.services.undo.canRedo()
    steps = window.services.undo.count()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StorageError("read-only", "the library is on a read-only medium")

    monkeypatch.setattr(window.services.capture, "update_learning", refuse)
    monkeypatch.setattr("views.review_page.LearningDialog.ask",
                        staticmethod(lambda *_args: {"text": "Sampling can hide an outage"}))
    page._edit_learning(learning.id)
    assert window.services.undo.count() == steps
    assert window.services.undo.canRedo()
    assert "read-only" in page.storage_banner.message_label.text()


def test_waiting_note_refused_for_a_bad_value_returns_to_the_field(window: MainWindow, qtbot: QtBot,
                                                                   lock: _Lock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A note that waited and is then refused for its own sake (not the library's) is typed again for you."""
    page = window.review_page
    _say(window, qtbot, "The runbook link was dead")
    assert page.capture.pending() == ("The runbook link was dead",)

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise InvalidFieldError("text", "too long")

    monkeypatch.setattr(window.services.capture, "add_note", refuse)
    lock.release()
    page.writes.retry()
    assert page.pending_count() == 0 and window.services.undo.count() == 0
    assert page.capture.pending() == ()
    assert page.capture.note_edit.text() == "The runbook link was dead"
    assert "too long" in page.capture.status_label.text()
