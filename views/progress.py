"""Waiting for work on a worker with the window alive: a progress dialog with Cancel, like a modal dialog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.background import Operation

T = TypeVar("T")

#: Milliseconds before the progress dialog shows: quick work never flashes one.
SHOW_AFTER_MS = 400


@dataclass(frozen=True)
class Finished(Generic[T]):
    """How the work ended: its result, its error, or cancelled (neither)."""

    result: T | None = None
    error: Exception | None = None
    cancelled: bool = False


def run_with_progress(parent: QWidget, operation: Operation[T], steps: Sequence[str], *,
                      title: str = "") -> Finished[T]:
    """Start ``operation`` and wait for it as a modal dialog waits: the event loop runs meanwhile.

    The dialog names the step the work reports (an index into ``steps``) and
    its Cancel cancels the operation. Returns once the outcome is delivered.
    """
    progress = QProgressDialog(steps[0] if steps else "", QCoreApplication.translate("progress", "Cancel"),
                               0, max(len(steps), 1), parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(SHOW_AFTER_MS)
    progress.setAutoReset(False)
    progress.setAutoClose(False)
    progress.setValue(0)
    loop = QEventLoop()
    outcome: list[Finished[T]] = []

    def step(done: int) -> None:
        if 0 <= done < len(steps):
            progress.setLabelText(steps[done])
        progress.setValue(min(done, progress.maximum()))

    def ended(finished: Finished[T]) -> None:
        outcome.append(finished)
        loop.quit()

    operation.on_progress(step)
    operation.on_success(lambda result: ended(Finished(result=result)))
    operation.on_failure(lambda exc: ended(Finished(error=exc)))
    operation.on_cancel(lambda: ended(Finished(cancelled=True)))
    progress.canceled.connect(operation.cancel)
    operation.start()
    if not outcome:
        loop.exec()
    dismiss(progress)
    return outcome[0]


def dismiss(progress: QProgressDialog) -> None:
    """Close ``progress`` for good: its show-after timer stopped first (a quick job's dialog would
    otherwise appear after it closed, and take the keyboard), without saying "canceled"."""
    progress.blockSignals(True)
    progress.reset()  # stops the timer that shows the dialog after its minimum duration
    progress.hide()
    progress.close()
    progress.deleteLater()
