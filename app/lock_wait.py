"""Short waits for another program's lock, for writes made on the UI thread.

SQLite connections wait up to 5 s for a lock (``models/store.py``). The window
must not freeze that long: within :func:`brief_waits`, a transaction waits
only briefly and fails with ``StorageError("locked")``, and the caller retries
later (``app/pending_writes.py``) or says so (undo and redo, ``app/undo.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

# ------------------------------------------------------------------

_BRIEF_WAIT: ContextVar[int | None] = ContextVar("debrief_brief_wait", default=None)
_SAVED_TIMEOUT = "debrief_busy_timeout"


def _checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    wait = _BRIEF_WAIT.get()
    if wait is None or not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        (previous,) = cursor.execute("PRAGMA busy_timeout").fetchone()
        cursor.execute(f"PRAGMA busy_timeout={int(wait)}")
    finally:
        cursor.close()
    record.info[_SAVED_TIMEOUT] = int(previous)


def _checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    previous = record.info.pop(_SAVED_TIMEOUT, None)
    if previous is None or not isinstance(dbapi_connection, sqlite3.Connection):
        return
    try:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(previous)}")
    except sqlite3.Error:
        record.invalidate()  # cannot put the library's own wait back: use a fresh connection next time


def install_brief_waits(engine: Engine) -> None:
    """Let :func:`brief_waits` shorten the lock wait of ``engine``'s SQLite connections (idempotent).

    The pool hands a connection out with the short wait and takes it back with
    the library's own (``models/store.py``), so the command line and every
    other caller keep theirs.
    """
    if engine.url.get_backend_name() != "sqlite" or event.contains(engine, "checkout", _checkout):
        return
    event.listen(engine, "checkout", _checkout)
    event.listen(engine, "checkin", _checkin)


@contextmanager
def brief_waits(wait_ms: int) -> Iterator[None]:
    """Within the block, transactions on engines with :func:`install_brief_waits` wait at most ``wait_ms``.

    Another program's lock then fails a write after ``wait_ms`` with
    ``StorageError("locked")`` instead of holding the caller (the UI thread) for
    seconds. PostgreSQL libraries are unaffected: their writers do not lock a file.
    """
    token = _BRIEF_WAIT.set(wait_ms)
    try:
        yield
    finally:
        _BRIEF_WAIT.reset(token)
