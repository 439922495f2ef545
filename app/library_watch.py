"""Changes from elsewhere: what the command line, a second window or a colleague wrote to the library.

Once a second (:data:`INTERVAL_MS`) :class:`LibraryWatch` asks the library
whether someone else committed, and says what changed: the list of reviews
(``library_changed``) or the open review (``review_changed``). Views refresh
from those exactly as after their own writes.

* SQLite: ``PRAGMA data_version`` on one dedicated connection, kept open and
  only read from. Its value changes only when *another* connection commits, so
  a tick costs one pragma; only when it moved does the watch read the
  fingerprint below, to tell the list from the open review.
* Any other database (PostgreSQL): the fingerprint, one small query a tick.

The fingerprint covers the list of reviews (how many, their newest
``updated_at``: any review's facts edited) and, for the open review, its
``updated_at``, and the count and newest id of its participants, timeline
events, notes, learnings and action items, plus the total length of its notes'
text. So it sees reviews added, removed or edited, events, notes and outcomes
added or removed, and notes re-worded. It does not see an event, learning or
action edited in place, nor a meeting's phase times (another window running the
meeting): those show the next time something it covers changes, or on reopening.

Our own writes are not changes from elsewhere: after each commit of this
program's engine that wrote something, the watch reads the library again and
takes that as the state it has seen (a change from elsewhere committed just
before ours is remembered first). A worker's commit through the same engine is
absorbed the same way.

A tick that fails (the library locked, gone, unreachable) is skipped and never
raises: the storage banner tells the user about the library itself.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import event, text

from models.store import Library

#: How often the library is asked, in milliseconds: a change shows within about twice this.
INTERVAL_MS = 1000

_LIBRARY_SQL = "(SELECT count(*) FROM reviews), (SELECT max(updated_at) FROM reviews)"
_REVIEW_SQL = ", ".join(
    ["(SELECT updated_at FROM reviews WHERE id = :r)"]
    + [f"(SELECT count(*) FROM {table} WHERE review_id = :r), "
       f"(SELECT max(id) FROM {table} WHERE review_id = :r)"
       for table in ("participants", "timeline_events", "notes", "learnings", "action_items")]
    + ["(SELECT sum(length(text)) FROM notes WHERE review_id = :r)"]
)
FINGERPRINT_SQL = f"SELECT {_LIBRARY_SQL}, {_REVIEW_SQL}"
_LIBRARY_COLUMNS = 2

#: Set on a pooled connection that wrote in its transaction (see ``_wrote``).
_WROTE = "debrief_watch_wrote"
#: Set on a pooled connection whose write was committed: read again when it goes back to the pool.
_ABSORB = "debrief_watch_absorb"
_READ_ONLY = ("select", "pragma", "savepoint", "release", "rollback", "begin", "show", "set")


@dataclass(frozen=True)
class Fingerprint:
    """What the watch compares between ticks: the list of reviews and the open review."""

    library: tuple[Any, ...]
    review: tuple[Any, ...]


class LibraryWatch(QObject):
    """Polls the library for commits by other programs and says what they changed.

    Call :meth:`start` when a window shows the library and :meth:`stop` when it
    closes; :meth:`watch_review` names the review that is open (None: none).

    Signals:
        library_changed(): the list of reviews was changed elsewhere.
        review_changed(int): the open review (this id) was changed elsewhere.
    """

    library_changed = Signal()
    review_changed = Signal(int)

    def __init__(self, library: Library, parent: QObject | None = None, *,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._library = library
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        # Commits of workers arrive on their threads; the dedicated connection is shared under this lock.
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._review_id: int | None = None
        self._token: int | None = None
        self._seen: Fingerprint | None = None
        self._pending_library = False
        self._pending_review = False
        self._listening = False

    # public
    def start(self) -> None:
        """Begin polling (again); the library as it is now is the state already shown."""
        if self._timer.isActive():
            return
        with self._lock:
            path = self._library.sqlite_path()
            if path is not None and self._connection is None:
                try:
                    # Autocommit: each pragma and query is its own short read, never a lingering snapshot;
                    # no busy wait: a tick that would wait is skipped instead.
                    self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                                       timeout=0)
                except sqlite3.Error:
                    self._connection = None
            self._listen(True)
            self._rebase()
        self._timer.start()

    def stop(self) -> None:
        """Stop polling and let go of the dedicated connection (safe to call twice)."""
        self._timer.stop()
        with self._lock:
            self._listen(False)
            if self._connection is not None:
                try:
                    self._connection.close()
                except sqlite3.Error:
                    pass
                self._connection = None
            self._seen = None
            self._token = None

    def is_running(self) -> bool:
        return self._timer.isActive()

    def watch_review(self, review_id: int | None) -> None:
        """The review now open (None: the library page); opening it is not a change."""
        with self._lock:
            self._review_id = review_id
            if self._timer.isActive():
                self._rebase()

    def check(self) -> None:
        """One tick: emit what others changed since the last one. Never raises."""
        with self._lock:
            if self._seen is None:
                self._rebase()
                return
            pending = self._pending_library or self._pending_review
            try:
                token = self._read_token()
                moved = token is None or token != self._token
                current = self._read_fingerprint() if moved else self._seen
            except Exception:  # noqa: BLE001 - the library locked, gone or unreachable: skip the tick
                return
            if not moved and not pending:
                return
            library = self._pending_library or current.library != self._seen.library
            review = self._pending_review or current.review != self._seen.review
            self._token, self._seen = token, current
            self._pending_library = self._pending_review = False
            review_id = self._review_id
        if library:
            self.library_changed.emit()
        if review and review_id is not None:
            self.review_changed.emit(review_id)

    # private
    def _rebase(self) -> None:
        """Take the library as it is now as seen (no signal)."""
        try:
            self._token = self._read_token()
            self._seen = self._read_fingerprint()
        except Exception:  # noqa: BLE001 - unreadable now: the next tick tries again
            self._seen = None
        self._pending_library = self._pending_review = False

    def _read_token(self) -> int | None:
        """SQLite's data_version on the dedicated connection; None where there is none (read every tick)."""
        if self._connection is None:
            return None
        row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def _read_fingerprint(self) -> Fingerprint:
        review_id = -1 if self._review_id is None else self._review_id
        if self._connection is not None:
            found_row = self._connection.execute(FINGERPRINT_SQL, {"r": review_id}).fetchone()
            row: tuple[Any, ...] = tuple(found_row)
        else:
            with self._library.engine.connect() as connection:
                found = connection.execute(text(FINGERPRINT_SQL), {"r": review_id}).one()
                row = tuple(found)
        return Fingerprint(library=row[:_LIBRARY_COLUMNS], review=row[_LIBRARY_COLUMNS:])

    def _listen(self, on: bool) -> None:
        engine = self._library.engine
        hooks = (("before_cursor_execute", self._wrote), ("commit", self._before_commit),
                 ("rollback", self._rolled_back), ("checkin", self._after_commit))
        if on and not self._listening:
            for name, hook in hooks:
                event.listen(engine, name, hook)
        elif not on and self._listening:
            for name, hook in hooks:
                if event.contains(engine, name, hook):
                    event.remove(engine, name, hook)
        self._listening = on

    # engine hooks: any thread; they must never raise into the write they watch
    def _wrote(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip()[:10].lower().startswith(_READ_ONLY):
            connection.info[_WROTE] = True

    def _rolled_back(self, connection: Any) -> None:
        connection.info.pop(_WROTE, None)

    def _before_commit(self, connection: Any) -> None:
        """Our write is about to commit: first remember what others committed since the last tick."""
        if not connection.info.pop(_WROTE, False):
            return
        connection.info[_ABSORB] = True
        with self._lock:
            if self._seen is None:
                return
            try:
                token = self._read_token()
                if token is not None and token == self._token:
                    return  # nobody else committed since
                current = self._read_fingerprint()
            except Exception:  # noqa: BLE001
                return
            self._pending_library |= current.library != self._seen.library
            self._pending_review |= current.review != self._seen.review
            self._token, self._seen = token, current

    def _after_commit(self, _dbapi_connection: Any, record: Any) -> None:
        """Our write is committed (its connection is back in the pool): that state is seen, not foreign."""
        if record is None or not record.info.pop(_ABSORB, False):
            return
        with self._lock:
            if self._seen is None:
                return
            try:
                self._token, self._seen = self._read_token(), self._read_fingerprint()
            except Exception:  # noqa: BLE001 - the next tick reloads once at worst
                return
