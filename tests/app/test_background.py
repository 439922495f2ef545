"""Operation: work on a pool thread, its outcome (result, error, cancel, progress) on the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from app.background import Operation, OperationContext


def _outcomes(op: Operation[int]) -> list[tuple[str, object, bool]]:
    """Attach callbacks that record what arrived and whether on the UI thread."""
    ui = QThread.currentThread()
    seen: list[tuple[str, object, bool]] = []
    op.on_success(lambda value: seen.append(("success", value, QThread.currentThread() == ui)))
    op.on_failure(lambda exc: seen.append(("failure", exc, QThread.currentThread() == ui)))
    op.on_cancel(lambda: seen.append(("cancelled", None, QThread.currentThread() == ui)))
    op.on_progress(lambda done: seen.append(("progress", done, QThread.currentThread() == ui)))
    return seen


def test_the_work_runs_elsewhere_and_the_result_arrives_on_the_ui_thread(qtbot: QtBot) -> None:
    """The work function runs off the UI thread; success and progress are called on it."""
    ui = QThread.currentThread()
    where: list[bool] = []

    def work(context: OperationContext) -> int:
        where.append(QThread.currentThread() == ui)
        context.report(1)
        return 42

    op = Operation(work)
    seen = _outcomes(op)
    op.start()
    qtbot.waitUntil(lambda: not op.running, timeout=2000)
    assert where == [False]
    assert seen == [("progress", 1, True), ("success", 42, True)]


def test_an_error_in_the_work_is_delivered_as_a_failure(qtbot: QtBot) -> None:
    """The exception itself reaches on_failure, on the UI thread."""
    def work(context: OperationContext) -> int:
        raise ValueError("bad row")

    op = Operation(work)
    seen = _outcomes(op)
    op.start()
    qtbot.waitUntil(lambda: not op.running, timeout=2000)
    assert len(seen) == 1 and seen[0][0] == "failure" and seen[0][2]
    assert isinstance(seen[0][1], ValueError) and str(seen[0][1]) == "bad row"


def test_cancel_reaches_the_work_and_ends_in_on_cancel(qtbot: QtBot) -> None:
    """The work sees the flag at its next check; no success is delivered."""
    started, release = threading.Event(), threading.Event()

    def work(context: OperationContext) -> int:
        started.set()
        release.wait(5)
        context.check()
        return 1

    op = Operation(work)
    seen = _outcomes(op)
    op.start()
    assert started.wait(5)
    op.cancel()
    release.set()
    qtbot.waitUntil(lambda: not op.running, timeout=2000)
    assert seen == [("cancelled", None, True)]


def test_callbacks_are_dropped_once_the_owner_is_gone(qtbot: QtBot) -> None:
    """A destroyed owner cancels the work and hears nothing; ``finish`` still runs."""
    started, release = threading.Event(), threading.Event()
    finished: list[int] = []

    def work(context: OperationContext) -> int:
        started.set()
        release.wait(5)
        return 7  # too late to notice the cancel: the work counts as done

    owner = QObject()
    op = Operation(work, finish=finished.append).owned_by(owner)
    seen = _outcomes(op)
    op.start()
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: op.cancelled, timeout=2000)
    release.set()
    qtbot.waitUntil(lambda: not op.running, timeout=2000)
    assert seen == [] and finished == [7]


def test_no_cycle_collection_runs_while_the_work_does(qtbot: QtBot) -> None:
    """The collector is off during the work (it would free Qt's wrappers off the UI thread) and on after."""
    import gc

    assert gc.isenabled()
    during: list[bool] = []
    op = Operation(lambda _context: during.append(gc.isenabled()) or 1)
    failed = Operation(lambda _context: during.append(gc.isenabled()) or 1 / 0).on_failure(lambda _exc: None)
    op.start()
    failed.start()
    qtbot.waitUntil(lambda: not op.running and not failed.running, timeout=2000)
    assert during == [False, False]
    assert gc.isenabled()  # back on, also after a failure
