"""The library: one database at a SQLAlchemy URL, migrated on open.

The default library is an SQLite file in the user's data folder. ``--db URL``
and ``DEBRIEF_DB`` point elsewhere; ``postgresql+psycopg://…`` works unchanged
because nothing below is dialect-specific except the SQLite connect pragmas.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from models.errors import StorageError
from models.limits import guard_session
from models.places import APP_NAME as APP_NAME
from models.places import ENV_DB as ENV_DB
from models.places import config_dir as config_dir
from models.places import data_dir as data_dir
from models.places import default_url as default_url
from models.places import library_url
from models.places import log_dir as log_dir

if TYPE_CHECKING:
    from alembic.config import Config


class LibraryError(Exception):
    """The library cannot be opened (bad URL, unreachable server, unreadable file)."""


def _alembic_config(connection: Any = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "models:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision in models/migrations (Alembic's view; see :data:`HEAD`)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _set_wal(cursor: sqlite3.Cursor) -> None:
    """Turn the library to WAL, waiting while another process holds it (creating or migrating it).

    SQLite does not always call the busy handler for this switch (it answers "locked" at once
    where waiting could deadlock), so the wait is a loop of its own, up to the migration wait.
    """
    deadline = time.monotonic() + MIGRATION_WAIT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # Turning a new library to WAL needs it to itself: another process that is creating or
    # migrating it right now holds it, so wait as long as a migration may take (not 5 s).
    cursor.execute(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    _set_wal(cursor)
    # FULL makes every commit survive a power cut, not only a crash of the app.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
            error = storage_error(exc, self.describe_short())
            if error.reason == "missing" and self.sqlite_path() is not None and self._still_there():
                # SQLite says "unable to open database file" for a file it may not write beside
                # (its journal): the file is there, so the medium or folder is read-only.
                error = StorageError("read-only", f"{self.describe_short()} cannot be written: its "
                                                  f"folder or medium is read-only ({error.message})")
            raise error from exc
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

    def _still_there(self) -> bool:
        try:
            self.check_file()
        except StorageError:
            return False
        return True

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


def create_library_engine(url: str, *, create_folder: bool = False) -> Engine:
    """An engine for ``url`` with Debrief's connection settings.

    An SQLite library must be a file: an in-memory URL (``sqlite://``,
    ``sqlite:///:memory:``) would take an import and lose it at exit, so it is
    refused. The folder of the file must exist unless ``create_folder`` (the
    default library's folder is created; a typo in ``--db`` is not).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise LibraryError(f"library URL {url!r} is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if (not database or database == ":memory:" or "mode=memory" in database
                or parsed.query.get("mode") == "memory"):
            raise LibraryError(f"library URL {url!r} is an in-memory database, which would be lost at "
                               "exit; give a file, e.g. sqlite:///path/to/library.db")
        if not database.startswith("file:"):
            if database.startswith("~"):  # SQLite would open a folder literally named "~"
                database = str(Path(database).expanduser())
                parsed = parsed.set(database=database)
            folder = Path(database).expanduser().absolute().parent
            if create_folder:
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise LibraryError(f"cannot open library {url}: cannot create folder {folder}: "
                                       f"{exc.strerror or exc}") from exc
            elif not folder.is_dir():
                raise LibraryError(f"cannot open library {url}: the folder {folder} does not exist")
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        if parsed.get_backend_name() == "postgresql":
            # Whatever the server's defaults: ISO dates the driver can read, and UTC.
            return create_engine(parsed, pool_pre_ping=True,
                                 connect_args={"options": "-c datestyle=ISO,YMD -c timezone=UTC"})
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise LibraryError(f"library URL {parsed.render_as_string()}: {exc}") from exc


#: The schema revisions this Debrief knows, oldest first; the last is the one it writes.
#: Kept here so that opening an up-to-date library needs one query and no Alembic
#: (tests/models/test_store.py checks it against models/migrations).
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
HEAD = REVISIONS[-1]


class NewerLibraryError(LibraryError):
    """The library was made by a newer Debrief: nothing is changed, nothing backed up."""

    def __init__(self, where: str, revision: str) -> None:
        super().__init__(f"{where} was made by a newer Debrief (schema revision {revision}; this Debrief "
                         f"knows up to {HEAD}): open it with that version; nothing was changed")
        self.revision = revision


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None for an empty one).

    On SQLite, waits for another process's migration to end (up to
    :data:`MIGRATION_WAIT_MS`) rather than calling the library busy.
    """
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
        try:
            return _read_revision(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _read_revision(connection: Connection) -> str | None:
    if not sa_inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if rows else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction, one process at a time.

    The transaction is exclusive (SQLite ``BEGIN EXCLUSIVE``; a PostgreSQL
    advisory lock), and the revision is read again inside it, so two processes
    opening the same old (or new, empty) library migrate it once. A process
    killed mid-way leaves the library at its old revision. An SQLite library
    is backed up to ``<file>.before-<revision>.bak`` first; that backup is
    written once and never replaced. A library from a newer Debrief raises
    :class:`NewerLibraryError` before anything is touched.
    """
    target = HEAD if revision == "head" else revision
    where = _where(engine)
    current = current_revision(engine)
    if current == target:
        return
    if current is not None and current not in REVISIONS:
        raise NewerLibraryError(where, current)
    # Alembic is imported only when there is something to migrate.
    from alembic import command

    with _exclusive(engine) as connection:
        current = _read_revision(connection)
        if current == target:
            return
        if current is not None and current not in REVISIONS:
            raise NewerLibraryError(where, current)
        if current is None and sa_inspect(connection).get_table_names():
            # Tables but no Debrief revision: another program's database. Never add ours to it.
            raise LibraryError(f"{where} is not a Debrief library (it holds another program's tables); "
                               "nothing was changed: choose another file")
        if current is not None:
            _backup_sqlite(engine, current)
        command.upgrade(_alembic_config(connection), revision)


@contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other Debrief process can migrate beside."""
    if engine.url.get_backend_name() != "sqlite":
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            yield connection
        return
    # pysqlite's own transaction handling commits before DDL; take it over so
    # that the whole migration is one transaction (SQLAlchemy's recipe for
    # SQLite transactional DDL), and make it exclusive.
    locked = create_engine(engine.url, poolclass=NullPool)
    event.listen(locked, "connect", _sqlite_migration_connect)
    event.listen(locked, "begin", lambda conn: conn.exec_driver_sql("BEGIN EXCLUSIVE"))
    try:
        with locked.begin() as connection:
            yield connection
    finally:
        locked.dispose()


#: The PostgreSQL advisory lock that serialises Debrief migrations (any constant will do).
_PG_MIGRATION_LOCK = 0x0DEB21EF


def _sqlite_migration_connect(dbapi_connection: sqlite3.Connection, record: object) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.isolation_level = None
    # A second process waits for the first to finish migrating rather than failing.
    dbapi_connection.execute(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")


#: How long a process waits for another one's migration (milliseconds).
MIGRATION_WAIT_MS = 120_000
#: How long a statement waits for another writer's lock in normal use (milliseconds).
BUSY_TIMEOUT_MS = 5000


def _where(engine: Engine) -> str:
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database:
        return f"the library {database}"
    return f"the library {engine.url.render_as_string(hide_password=True)}"


def backup_path(path: Path, revision: str) -> Path:
    """Where the copy of ``path`` taken before migrating it from ``revision`` lives."""
    return path.with_name(f"{path.name}.before-{revision}.bak")


def _backup_sqlite(engine: Engine, revision: str) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database.startswith("file:"):
        return
    path = Path(database)
    target = backup_path(path, revision)
    if target.exists() and target.stat().st_size > 0:
        return  # written once, by the first attempt to migrate from this revision; never replaced
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        # The backup API, not a file copy: the newest commits may live only in
        # the -wal file. A second connection reads (WAL lets a reader beside the
        # exclusive writer) the library as it was before this migration.
        source = sqlite3.connect(path, timeout=MIGRATION_WAIT_MS / 1000)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise LibraryError(f"cannot back up the library {path} before upgrading it ({reason}); "
                           f"nothing was changed: free some space or move it, then open it again") from exc


def open_library(url: str | None = None) -> Library:
    """Open (and create or migrate) the library at ``url`` (default: the user's own library).

    The default library's folder is created on first use; a folder named in
    ``url`` must exist already.
    """
    given = url or os.environ.get(ENV_DB, "").strip() or None
    url = library_url(given)
    engine = create_library_engine(url, create_folder=given is None)
    try:
        migrate(engine)
    except LibraryError:
        engine.dispose()
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        safe = make_url(url).render_as_string(hide_password=True)
        raise LibraryError(f"cannot open library {safe}: {_open_reason(exc)}") from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    guard_session(sessions)
    return Library(url=url, engine=engine, sessions=sessions)


def _open_reason(exc: BaseException) -> str:
    """Why a library could not be opened, in words a person can act on."""
    orig = getattr(exc, "orig", None) or exc
    text = _first_line(str(orig)) or type(orig).__name__
    lowered = text.lower()
    if "unable to open database file" in lowered:
        return "the file or its folder cannot be opened for writing (read-only medium, or no permission)"
    if "readonly" in lowered or "read-only" in lowered:
        return "it is on a read-only medium or folder"
    if "disk i/o error" in lowered or "full" in lowered:
        return f"the disk is full or failing ({text})"
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"the file is not a Debrief library, or it is damaged ({text})"
    if "locked" in lowered:
        return "another program holds it locked; try again in a moment"
    return text


def _new_revision(message: str) -> None:
    """Developer helper: autogenerate a revision against a scratch SQLite file."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_library_engine(f"sqlite:///{tmp}/scratch.db")
        from alembic import command

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
