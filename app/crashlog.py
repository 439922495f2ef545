"""Crash reports: a traceback a user could reach is written to a rotating log, never shown raw.

The command line prints one line naming the log; the window shows a dialog
(views/crash_dialog.py). Both call :func:`record_crash`.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path
from types import TracebackType

from models.places import log_dir

LOG_NAME = "debrief.log"
#: Each log file's size before it rotates, and how many old ones are kept.
MAX_BYTES = 1_000_000
BACKUPS = 5

_logger: logging.Logger | None = None


def log_path() -> Path:
    """The crash log: ``debrief.log`` in the user's log folder."""
    return log_dir() / LOG_NAME


class _Handler(logging.handlers.RotatingFileHandler):
    """A rotating file whose write errors reach the caller (logging would print them to stderr)."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        raise OSError("the crash log cannot be written")


def _crash_logger(path: Path) -> logging.Logger:
    global _logger
    handler_path = getattr(_logger, "debrief_path", None) if _logger is not None else None
    if _logger is not None and handler_path == path:
        return _logger
    logger = logging.getLogger("debrief.crash")
    logger.propagate = False
    logger.setLevel(logging.ERROR)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _Handler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.debrief_path = path  # type: ignore[attr-defined]
    _logger = logger
    return logger


def record_crash(kind: type[BaseException], error: BaseException,
                 tb: TracebackType | None) -> Path | None:
    """Write the traceback of ``error`` to the crash log; the log's path, or None if it cannot be written."""
    path = log_path()
    text = "".join(traceback.format_exception(kind, error, tb))
    try:
        logger = _crash_logger(path)
        logger.error("internal error\n%s", text.rstrip())
        for handler in logger.handlers:
            handler.flush()
    except OSError:
        return None
    return path
