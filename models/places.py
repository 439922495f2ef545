"""Where Debrief keeps things: the data, config and log folders, and the default library.

Light to import (no SQLAlchemy): the window reads the library list before the
ORM is loaded (see models/library_peek.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

APP_NAME = "Debrief"
ENV_DB = "DEBRIEF_DB"


def _platformdirs() -> ModuleType:
    """platformdirs, loaded when a folder is first asked for (a start on a given library needs none
    before its first paint)."""
    import platformdirs

    return platformdirs


def data_dir() -> Path:
    """The user's data folder for Debrief (created on demand by callers)."""
    return Path(_platformdirs().user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user's config folder, where custom templates and severities live."""
    return Path(_platformdirs().user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The user's log folder, where crash reports go."""
    return Path(_platformdirs().user_log_dir(APP_NAME, appauthor=False))


def default_url() -> str:
    """The library URL: ``DEBRIEF_DB`` if set, else the SQLite file in the data folder."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return env
    return f"sqlite:///{data_dir() / 'library.db'}"


def library_url(given: str | None) -> str:
    """The library a start opens: ``--db given``, else ``DEBRIEF_DB``, else the default."""
    return given or os.environ.get(ENV_DB, "").strip() or default_url()
