"""Slow work off the UI thread: a work function on the global QThreadPool, its outcome back on the UI thread.

After anki's ``QueryOp``/``CollectionOp``: the work function gets an
:class:`OperationContext` (cancellation flag, progress) and never touches
widgets; exactly one of the success, failure or cancel callbacks then runs on
the UI thread. Work that uses the library opens its own session inside the
work function (``library.begin()``): a Session belongs to one thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from models.gc_pause import gc_paused

T = TypeVar("T")


class Cancelled(BaseException):
    """Raised by :meth:`OperationContext.check` once the operation is cancelled.

    A ``BaseException`` (like ``asyncio.CancelledError``) so that a reader's
    catch-all ``except Exception``, which turns surprises into a message naming
    the file, lets it through; a transaction it leaves is rolled back.
    """


class OperationContext:
    """What a work function may use from its worker thread: the cancel flag and progress."""

    def __init__(self, cancel: threading.Event, post_progress: Callable[[int], None]) -> None:
        self._cancel = cancel
        self._post_progress = post_progress

    @property
    def cancelled(self) -> bool:
        """True once :meth:`Operation.cancel` was called."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when the operation was cancelled."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int) -> None:
        """Report ``done`` items so far (shown on the UI thread); raises :class:`Cancelled` once cancelled."""
        self.check()
        self._post_progress(done)


class _Dispatcher(QObject):
    """Lives on the UI thread; runs callables posted from any thread there, in order."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, call: Callable[[], None]) -> None:
        call()


_dispatcher: _Dispatcher | None = None

#: The interpreter's thread switch interval while work runs. The UI thread re-enters Python for
#: every timer, slot and item-model call, and each time waits for a busy worker to hand over the
#: GIL: at the default 5 ms, painting one table header took ~0.3-0.5 s during a 50,000-row read.
WORK_SWITCH_INTERVAL = 0.001
_running = 0
_idle_switch_interval = sys.getswitchinterval()


def _work_started() -> None:
    global _running, _idle_switch_interval
    if _running == 0:
        _idle_switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(WORK_SWITCH_INTERVAL, _idle_switch_interval))
    _running += 1


def _work_ended() -> None:
    global _running
    _running -= 1
    if _running == 0:
        sys.setswitchinterval(_idle_switch_interval)


def _ui_dispatcher() -> _Dispatcher:
    # Created on first use by start(), on the UI thread, and never deleted: a worker
    # may still post to it after the widget that started the work is gone.
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


class Operation(Generic[T]):
    """``work(context)`` on a worker thread; its result, error or cancellation on the UI thread.

    Build it, attach callbacks, then :meth:`start` it (on the UI thread)::

        Operation(work).owned_by(dialog).on_success(show).on_failure(warn).start()

    A work function that returns normally succeeds even when :meth:`cancel` came
    too late for it to notice: it decides (with :meth:`OperationContext.check`)
    up to which point cancelling undoes it. ``finish`` runs on the UI thread
    after a success before the callbacks, whatever became of the owner (a
    service's signals after a commit). Callbacks are dropped once the owner
    was destroyed, so nothing calls into a deleted widget.
    """

    def __init__(self, work: Callable[[OperationContext], T], *,
                 finish: Callable[[T], None] | None = None) -> None:
        self._work = work
        self._finish = finish
        self._cancel = threading.Event()
        #: The QObject whose deletion drops the callbacks (see :meth:`owned_by`).
        self._owner: QObject | None = None
        self._running = False
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self._progress: Callable[[int], None] | None = None

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        """True from :meth:`start` until its outcome was delivered."""
        return self._running

    def owned_by(self, owner: QObject) -> Operation[T]:
        """Drop the callbacks (and cancel) once ``owner`` is destroyed.

        The cancel is the C-level ``Event.set`` (no Python code runs inside the
        owner's destruction), and whether the owner still lives is asked at each
        delivery (``shiboken6.isValid``).
        """
        self._owner = owner
        owner.destroyed.connect(self._cancel.set)
        return self

    @property
    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    def on_success(self, callback: Callable[[T], None]) -> Operation[T]:
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[Exception], None]) -> Operation[T]:
        self._failure = callback
        return self

    def on_cancel(self, callback: Callable[[], None]) -> Operation[T]:
        self._cancelled = callback
        return self

    def on_progress(self, callback: Callable[[int], None]) -> Operation[T]:
        self._progress = callback
        return self

    def start(self, pool: QThreadPool | None = None) -> Operation[T]:
        """Queue the work on ``pool`` (the global pool by default); call on the UI thread."""
        dispatcher = _ui_dispatcher()
        self._running = True
        _work_started()

        def run() -> None:
            context = OperationContext(self._cancel, self._post_progress)
            try:
                context.check()
                # No cyclic collection while a worker runs: the collector frees whatever garbage
                # the process holds, Qt's wrappers included, on the thread that triggers it, and a
                # wrapper freed off the UI thread can deadlock against it (seen once: both
                # threads waiting, the window frozen). The UI thread collects once work is done.
                with gc_paused():
                    result = self._work(context)
            except Cancelled:
                deliver: Callable[[], None] = self._deliver_cancelled
            except Exception as exc:  # every failure is delivered: none is lost in a thread
                deliver = partial(self._deliver_failure, exc)
            else:
                deliver = partial(self._deliver_success, result)
            try:
                dispatcher.posted.emit(deliver)
            except RuntimeError:
                pass  # the application is gone (quitting): nobody is left to tell

        (pool or QThreadPool.globalInstance()).start(run)
        return self

    def cancel(self) -> None:
        """Ask the work to stop; safe from any thread, and after the work ended."""
        self._cancel.set()

    # private
    def _post_progress(self, done: int) -> None:
        if self._progress is not None:
            _ui_dispatcher().posted.emit(partial(self._deliver_progress, done))

    def _ended(self) -> None:
        self._running = False
        _work_ended()

    def _deliver_progress(self, done: int) -> None:
        if self._running and self._owner_alive and not self.cancelled and self._progress is not None:
            self._progress(done)

    def _deliver_success(self, result: T) -> None:
        self._ended()
        if self._finish is not None:
            self._finish(result)
        if self._owner_alive and self._success is not None:
            self._success(result)

    def _deliver_failure(self, exc: Exception) -> None:
        self._ended()
        if not self._owner_alive:
            return
        if self._failure is None:
            raise exc
        self._failure(exc)

    def _deliver_cancelled(self) -> None:
        self._ended()
        if self._owner_alive and self._cancelled is not None:
            self._cancelled()
