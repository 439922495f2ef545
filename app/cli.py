"""The ``debrief`` command: the window with no sub-command, the library headless with one.

Every user error ends as one line on stderr (``debrief: <file, line, field: reason>``)
and exit status 2; nothing is half-written: a bundle is validated before the
library is touched, an import is one transaction, and exports replace the
target file in one step.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from exports.headless_qt import HEADLESS_PLATFORMS
from models.vocabulary import REVIEW_KINDS, REVIEW_STATUSES

PROG = "debrief"
GUI_ENTRY_POINT_GROUP = "debrief.gui"
EXPORT_FORMATS = ("docx", "md", "yaml", "json", "html", "actions-csv", "pdf")
PATTERNS_FORMATS = ("docx", "html")
NO_DISPLAY = ("debrief: no display found, so the window cannot open. "
              "The command line works without one: try 'debrief --help'.")


class UserError(Exception):
    """Something the user can fix; shown as one line, exit status 2."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and never exits the interpreter by itself."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (try '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog=PROG,
        description="Run blameless incident review meetings. With no command, opens the window.",
    )
    db_help = "library database URL (default: $DEBRIEF_DB, else the file in your data folder)"
    parser.add_argument("--db", metavar="URL", default=None, help=db_help)
    # --db is also accepted after the command (``debrief list --db URL``); SUPPRESS
    # keeps a command without it from overwriting the one given before.
    common = _ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     parser_class=_ArgumentParser)

    imp = commands.add_parser("import", help="import a review bundle (.yaml, .yml, .json); prints the new id",
                              description="Import a review bundle; prints the new review's id.",
                              parents=[common])
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.add_argument("--update", action="store_true",
                     help="a bundle of a review the library has already (the same review, exported "
                          "earlier): update that review in place and print its id, instead of "
                          "importing a separate copy")

    tl = commands.add_parser(
        "import-timeline", help="add events to a review from a CSV file, a Slack export or a review bundle",
        description="Add events to review ID from FILE: a CSV file with a header, a Slack export (the "
                    "folder or the .zip), a review bundle (.yaml, .yml, .json; its timeline), or a text "
                    "file (.txt, .md) of lines that start with a time, like '14:02 config push (Bob)'. "
                    "The file is checked completely first; events already in the timeline are not added "
                    "twice.",
        parents=[common])
    tl.add_argument("review_id", metavar="ID", type=_review_id)
    tl.add_argument("file", metavar="FILE", type=Path)
    tl.add_argument("--channel", metavar="NAME", action="append", default=[],
                    help="Slack: a channel to import, by its name, a name it had before, or its id (needed "
                         "when the export has several); repeat it for several channels")
    tl.add_argument("--all-channels", action="store_true",
                    help="Slack: import every channel of the export; each event's source names its channel")
    tl.add_argument("--time-format", metavar="FMT", help="CSV: how the times are written, in strptime "
                                                         "codes (e.g. '%%d/%%m/%%Y %%H:%%M'); default: ISO "
                                                         "8601 or RFC 2822")
    tl.add_argument("--timezone", metavar="ZONE", help="CSV and text: the IANA timezone of times without an "
                                                       "offset (default: the review's)")
    tl.add_argument("--from", dest="profile", metavar="TOOL",
                    help="CSV: the tool that exported it: pagerduty, opsgenie, grafana, datadog, statuspage, "
                         "jira, spreadsheet (or your own in import_profiles.yaml); found by itself when the "
                         "header says")
    tl.add_argument("--map", metavar="FIELD=COLUMN[,...]", action="append", default=[],
                    help="CSV: which column holds which field (time, date, text, detail, kind, source, "
                         "author), when the header names are not recognised; "
                         "e.g. --map 'time=When,text=What'")

    exp = commands.add_parser("export", help="write a review as a report or a bundle",
                              description="Write a review as a Word, Markdown or HTML report, its "
                                          "action items as CSV, or as a review bundle (YAML or JSON).",
                              parents=[common])
    exp.add_argument("review_id", metavar="ID", type=_review_id)
    exp.add_argument("--format", "-f", dest="fmt", required=True, choices=EXPORT_FORMATS)
    exp.add_argument("-o", "--output", dest="output", metavar="PATH", required=True, type=Path)
    exp.add_argument("--include-private", action="store_true",
                     help="put private (facilitator-only) notes in a docx/md/html report; bundles "
                          "(yaml, json) always carry them, marked private: true")
    exp.add_argument("--anonymize", action="store_true",
                     help="show roles instead of names: each participant's name, wherever it appears "
                          "(text included), becomes their role, e.g. 'Incident commander', 'Responder 2'")
    exp.add_argument("--summary", action="store_true",
                     help="a one-page executive summary instead of the full report: facts, impact, "
                          "metrics, top learnings, actions if any (docx/md/html)")
    exp.add_argument("--no-timeline", dest="timeline", action="store_false",
                     help="leave the timeline out of a docx/md/html report")
    exp.add_argument("--no-chart", dest="chart", action="store_false",
                     help="leave the who-knew-what-when chart out of a docx/md/html report")
    exp.add_argument("--no-meeting-record", dest="meeting_record", action="store_false",
                     help="leave the meetings (times, phases, pulse) out of a docx/md/html report")

    listed = commands.add_parser(
        "list", help="the reviews: id, started date, severity, status, title (tab-separated)",
        description="One review a line, newest incident first: id, started date, severity, status, title. "
                    "The options narrow the list as the library's filter bar does; together, a review "
                    "must match them all. Dates are the incident's day in the review's own timezone.",
        parents=[common])
    listed.add_argument("--since", metavar="YYYY-MM-DD", type=_day, help="incidents on or after this day")
    listed.add_argument("--until", metavar="YYYY-MM-DD", type=_day, help="incidents on or before this day")
    listed.add_argument("--severity", metavar="SEV",
                        help="this severity (e.g. SEV2; 'none' for reviews without one)")
    listed.add_argument("--status", choices=REVIEW_STATUSES, help="this status")
    listed.add_argument("--kind", choices=REVIEW_KINDS, help="incidents or near misses")
    listed.add_argument("--service", metavar="NAME", help="touched this service (any case or spacing)")
    listed.add_argument("--tag", metavar="NAME", help="tagged so (any case or spacing)")
    listed.add_argument("--template", metavar="ID", help="reviewed with this meeting template")
    found = commands.add_parser(
        "search", help="full-text search over the library: one hit a line, best first",
        description="Search every review: titles, summaries, impact, timelines, notes, learnings, actions, "
                    "participants, services and tags, in any case and with or without accents. All the "
                    "words must be found in one place (the review's facts, an event, a note…); \"a "
                    "phrase\" in quotes; pool* finds words starting with pool. One hit a line, best first "
                    "(each review's best hit, then more): review id, title, where, and the words around "
                    "the hit with the matched words between *stars* (tab-separated).",
        parents=[common])
    found.add_argument("query", metavar="QUERY", nargs="+",
                       help="what to search for (several words are one query)")
    found.add_argument("--limit", "-n", metavar="N", type=_search_limit, default=20,
                       help="at most N hits (default: 20)")
    commands.add_parser("templates", help="the meeting templates: id, name, phase ids (tab-separated)",
                        description="The meeting templates available: id, name, phase ids.",
                        parents=[common])

    patterns = commands.add_parser(
        "patterns", help="write the patterns report: every chart of the patterns page with its numbers",
        description="Write the patterns report of the library: reviews per month by severity, time to "
                    "detect, mitigate and resolve, the most frequent services and tags, learnings by "
                    "category and surprises per service, each as a chart with the numbers behind it as a "
                    "table. A Word (.docx) or HTML (.html) file, by the suffix of FILE.",
        parents=[common])
    patterns.add_argument("-o", "--output", dest="output", metavar="FILE", required=True, type=Path,
                          help="the file to write (.docx or .html)")
    patterns.add_argument("--format", "-f", dest="fmt", choices=PATTERNS_FORMATS,
                          help="the format whatever the suffix of FILE")

    copy = commands.add_parser(
        "copy-library", help="copy every review of one library into another (a laptop's into the team's)",
        description="Copy every review of the library at --from into the library at --to, whole: facts, "
                    "participants, timeline, notes, learnings, actions and the meeting record. Reviews are "
                    "matched by their identity, so running it again copies nothing twice: a review --to "
                    "has already is updated when it changed, left alone when not. Reviews only --to has "
                    "are kept. Prints what it did: copied N, updated M, unchanged K.")
    copy.add_argument("--from", dest="source", metavar="URL", required=True,
                      help="the library to copy from (e.g. sqlite:///path/to/library.db)")
    copy.add_argument("--to", dest="target", metavar="URL", required=True,
                      help="the library to copy into (e.g. postgresql+psycopg://user@host/debrief)")
    return parser


def _day(text: str) -> date:
    """``list --since/--until``: a day written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a day written YYYY-MM-DD, not {text!r}") from None


def _search_limit(text: str) -> int:
    """``search --limit``: a positive number."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    return value


def _review_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"review id must be a number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"review id must be a positive number, not {text!r}")
    return value


#: Starts the window on a library URL (None: the default library); returns the exit status.
Launcher = Callable[[str | None], int]


def main(argv: Sequence[str] | None = None, window: Launcher | None = None) -> int:
    """Run ``debrief`` with ``argv`` (default: the process arguments); returns the exit status.

    ``window`` starts the window when no command is given: the ``debrief`` program
    (views/command.py) hands it over; without it (``python -m app``) the window is found
    through the ``debrief.gui`` entry point.
    """
    try:
        only_window, db_url = _window_only(sys.argv[1:] if argv is None else list(argv))
        if only_window:  # the usual start: no parser to build before the first paint
            return _run_gui(db_url, window)
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version exit cleanly
            return exc.code if isinstance(exc.code, int) else 0
        if args.command is None:
            return _run_gui(args.db, window)
        # The library's modules load only for a command: the window paints before they do.
        from app.cli_commands import run

        return run(args)
    except UserError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``debrief list | head``): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A path the user cannot reach (a folder without read permission, a full disk).
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - the last line: a bug, reported, never a traceback
        return _internal_error(exc)


def _window_only(argv: list[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` asks for the window alone (``debrief``, ``debrief --db URL``), and the URL."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return True, argv[0][len("--db="):]
    return False, None


#: Exit status for an internal error (a bug in Debrief), as sysexits.h's EX_SOFTWARE.
EX_SOFTWARE = 70


def _internal_error(exc: BaseException) -> int:
    from app.crashlog import record_crash

    log = record_crash(type(exc), exc, exc.__traceback__)
    details = f"details in {log}" if log is not None else "no log could be written"
    summary = first_line(f"{type(exc).__name__}: {exc}")
    print(f"{PROG}: internal error: {summary} ({details})", file=sys.stderr)
    return EX_SOFTWARE


def _fail(message: str) -> int:
    print(f"{PROG}: {first_line(message)}", file=sys.stderr)
    return 2


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, stripped (what one line of stderr shows)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def warn(message: str) -> None:
    """``debrief: warning: …`` on stderr, one line."""
    print(f"{PROG}: warning: {first_line(message)}", file=sys.stderr)


def _has_display() -> bool:
    """Whether Qt can open a window here (only Linux needs an X11 or Wayland server)."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    return platform in HEADLESS_PLATFORMS


def _run_gui(db_url: str | None, window: Launcher | None) -> int:
    if not _has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    if window is not None:
        return int(window(db_url))
    try:
        return _launch_gui(db_url)
    except RuntimeError as exc:  # the window is not installed (no entry point)
        return _fail(str(exc))


def _launch_gui(db_url: str | None) -> int:
    """Start the window registered under the ``debrief.gui`` entry point (app/ never imports views/).

    ``python -m app`` starts it so; the ``debrief`` program hands its window over instead, which
    spares the first paint the package metadata (importlib.metadata: ~30 ms).
    """
    from importlib.metadata import entry_points

    found = entry_points(group=GUI_ENTRY_POINT_GROUP, name="window")
    if not found:
        raise RuntimeError("the Debrief window is not installed (no 'debrief.gui' entry point)")
    launch = next(iter(found)).load()
    return int(launch(db_url))
