"""The library: one database at a SQLAlchemy URL, migrated on open.

The default library is an SQLite file in the user's data folder. ``--db URL``
and ``DEBRIEF_DB`` point elsewhere; ``postgresql+psycopg://…`` works unchanged
because nothing below is dialect-specific except the SQLite connect pragmas.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from models.errors import StorageError
from models.limits import guard_session

APP_NAME = "Debrief"
ENV_DB = "DEBRIEF_DB"


class LibraryError(Exception):
    """The library cannot be opened (bad URL, unreachable server, unreadable file)."""


def data_dir() -> Path:
    """The user's data folder for Debrief (created on demand by callers)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user's config folder, where custom templates and severities live."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_url() -> str:
    """The library URL: ``DEBRIEF_DB`` if set, else the SQLite file in the data folder."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return env
    return f"sqlite:///{data_dir() / 'library.db'}"


def _alembic_config(connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "models:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of Debrief knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL makes every commit survive a power cut, not only a crash of the app.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def storage_error(exc: BaseException, where: str) -> StorageError:
    """``exc`` (from the database or the file system) as a :class:`StorageError` that says why in a word."""
    orig = getattr(exc, "orig", None) or exc
    text = _first_line(str(orig)) or type(orig).__name__
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StorageError("locked", f"{where} is busy: another program is writing to it ({text})")
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return StorageError("read-only", f"{where} is on a read-only medium or folder ({text})")
    if "full" in lowered or "no space" in lowered or "disk i/o" in lowered or "quota" in lowered:
        return StorageError("full", f"{where} cannot grow: the disk is full or failing ({text})")
    if ("unable to open" in lowered or "no such table" in lowered or "no such file" in lowered
            or "does not exist" in lowered):
        return StorageError("missing", f"{where} is gone: it was deleted, moved or unmounted ({text})")
    if "could not connect" in lowered or "connection" in lowered or "server closed" in lowered:
        return StorageError("missing", f"{where} cannot be reached ({text})")
    return StorageError("other", f"{where}: {text}")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


@dataclass
class Library:
    """An open library: the engine and the session factory bound to it."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error.

        The store boundary: a database error (locked, gone, full, read-only)
        leaves as :class:`StorageError`; domain errors pass unchanged. An SQLite
        library whose file was deleted or moved while open is refused before
        anything is written (SQLite would write on into the unlinked file).
        """
        self.check_file()
        try:
            with self.sessions.begin() as session:
                yield session
        except (DBAPIError, DisconnectionError) as exc:
            raise storage_error(exc, self.describe_short()) from exc
        except StatementError as exc:
            # A value our own code refused while binding (a naive time, a bad text): the original.
            if isinstance(exc.orig, Exception):
                raise exc.orig from exc
            raise

    def check_file(self) -> None:
        """Raise :class:`StorageError` ("missing") when the SQLite file is no longer where it was opened."""
        path = self.sqlite_path()
        if path is None or self._identity is None:
            return
        try:
            stat = path.stat()
        except OSError:
            raise StorageError("missing", f"the library {path} is gone: it was deleted, moved or "
                                          "unmounted") from None
        if (stat.st_dev, stat.st_ino) != self._identity:
            raise StorageError("missing", f"the library {path} was replaced by another file while open")

    def sqlite_path(self) -> Path | None:
        """The library's file, for an SQLite library on disk; None otherwise."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        if url.database.startswith("file:"):
            return None
        return Path(url.database).expanduser().absolute()

    def describe_short(self) -> str:
        path = self.sqlite_path()
        return f"the library {path}" if path is not None else f"the library {self.describe()}"

    def __post_init__(self) -> None:
        self._identity: tuple[int, int] | None = None
        path = self.sqlite_path()
        if path is not None:
            try:
                stat = path.stat()
                self._identity = (stat.st_dev, stat.st_ino)
            except OSError:
                self._identity = None

    def close(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        """The URL without a password, for titles and messages."""
        return make_url(self.url).render_as_string(hide_password=True)


def create_library_engine(url: str) -> Engine:
    """An engine for ``url`` with Debrief's connection settings."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise LibraryError(f"library URL {url!r} is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot open library {url}: cannot create folder {folder}: "
                                   f"{exc.strerror or exc}") from exc
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise LibraryError(f"library URL {parsed.render_as_string()}: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None for an empty one)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, backing up an SQLite file first."""
    current = current_revision(engine)
    if current == revision or (revision == "head" and current == head_revision()):
        return
    if current is not None:
        _backup_sqlite(engine, current)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def _backup_sqlite(engine: Engine, revision: str) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    path = Path(database)
    if path.exists():
        # The backup API, not a file copy: after a crash the newest commits may
        # live only in the -wal file, and a copy of library.db alone would miss them.
        target = path.with_name(f"{path.name}.before-{revision}.bak")
        with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()


def open_library(url: str | None = None) -> Library:
    """Open (and create or migrate) the library at ``url``."""
    url = url or default_url()
    engine = create_library_engine(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else str(exc)
        safe = make_url(url).render_as_string(hide_password=True)
        raise LibraryError(f"cannot open library {safe}: {reason.strip().splitlines()[0]}") from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    guard_session(sessions)
    return Library(url=url, engine=engine, sessions=sessions)


def _new_revision(message: str) -> None:
    """Developer helper: autogenerate a revision against a scratch SQLite file."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_library_engine(f"sqlite:///{tmp}/scratch.db")
        if ScriptDirectory.from_config(_alembic_config()).get_current_head() is not None:
            migrate(engine)
        with engine.begin() as connection:
            command.revision(_alembic_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":  # pragma: no cover - developer tool
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _new_revision(sys.argv[2])
    else:
        print('usage: python -m models.store revision "message"', file=sys.stderr)
        sys.exit(2)
