"""``python -m app``: the same entry point as the ``debrief`` command."""

from app.cli import main

raise SystemExit(main())
