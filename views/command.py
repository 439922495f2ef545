"""The ``debrief`` program: the command line (app/cli.py) with this package's window.

The command line lives in ``app/``, which never imports the view layer; this
module hands it the window to start when no command is given, so that the usual
start needs no entry-point lookup. It stays light: a command (``debrief list``)
loads no widget, and the window's modules load only when the window starts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``debrief`` with ``argv`` (default: the process arguments); returns the exit status."""
    from app.cli import main as run_command_line

    return run_command_line(sys.argv[1:] if argv is None else argv, window=start_window)


def start_window(db_url: str | None) -> int:
    """The window over the library at ``db_url`` (None: the default one); the exit status."""
    from views.launch import run

    return run(db_url)
