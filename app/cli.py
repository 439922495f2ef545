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
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy.exc import SQLAlchemyError

from exports.headless_qt import HEADLESS_PLATFORMS
from models.catalog import Catalog, load_catalog
from models.errors import DomainError
from models.store import Library, LibraryError, config_dir, open_library
from models.yamlsource import SourceError

if TYPE_CHECKING:
    from exports.common import ReportOptions

PROG = "debrief"
EXPORT_FORMATS = ("docx", "md", "yaml", "json", "html", "actions-csv", "pdf")
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

    tl = commands.add_parser(
        "import-timeline", help="add events to a review from a CSV file, a Slack export or a review bundle",
        description="Add events to review ID from FILE: a CSV file with a header, a Slack export (the "
                    "folder or the .zip), or a review bundle (.yaml, .yml, .json; its timeline). The file "
                    "is checked completely first; events already in the timeline are not added twice.",
        parents=[common])
    tl.add_argument("review_id", metavar="ID", type=_review_id)
    tl.add_argument("file", metavar="FILE", type=Path)
    tl.add_argument("--channel", metavar="NAME", action="append", default=[],
                    help="Slack: the channel to import (needed when the export has several)")
    tl.add_argument("--time-format", metavar="FMT", help="CSV: how the times are written, in strptime "
                                                         "codes (e.g. '%%d/%%m/%%Y %%H:%%M'); default: ISO "
                                                         "8601 or RFC 2822")
    tl.add_argument("--timezone", metavar="ZONE", help="CSV: the IANA timezone of times without an offset "
                                                       "(default: the review's)")
    tl.add_argument("--from", dest="profile", metavar="TOOL",
                    help="CSV: the tool that exported it: pagerduty, opsgenie, grafana, datadog, statuspage, "
                         "jira, spreadsheet (or your own in import_profiles.yaml); found by itself when the "
                         "header says")
    tl.add_argument("--map", metavar="FIELD=COLUMN[,...]", action="append", default=[],
                    help="CSV: which column holds which field (time, date, text, kind, source, author), "
                         "when the header names are not recognised; e.g. --map 'time=When,text=What'")

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

    commands.add_parser("list", help="the reviews: id, started date, severity, status, title (tab-separated)",
                        description="One review a line: id, started date, severity, status, title.",
                        parents=[common])
    commands.add_parser("templates", help="the meeting templates: id, name, phase ids (tab-separated)",
                        description="The meeting templates available: id, name, phase ids.",
                        parents=[common])
    return parser


def _review_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"review id must be a number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"review id must be a positive number, not {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``debrief`` with ``argv`` (default: the process arguments); returns the exit status."""
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version exit cleanly
            return exc.code if isinstance(exc.code, int) else 0
        db_url: str | None = args.db
        if args.command is None:
            return _run_gui(db_url)
        return _COMMANDS[args.command](args, db_url)
    except UserError as exc:
        return _fail(str(exc))
    except SourceError as exc:
        return _fail(str(exc))
    except (LibraryError, DomainError) as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(f"library error: {_first_line(str(getattr(exc, 'orig', None) or exc))}")
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


#: Exit status for an internal error (a bug in Debrief), as sysexits.h's EX_SOFTWARE.
EX_SOFTWARE = 70


def _internal_error(exc: BaseException) -> int:
    from app.crashlog import record_crash

    log = record_crash(type(exc), exc, exc.__traceback__)
    details = f"details in {log}" if log is not None else "no log could be written"
    summary = _first_line(f"{type(exc).__name__}: {exc}")
    print(f"{PROG}: internal error: {summary} ({details})", file=sys.stderr)
    return EX_SOFTWARE


def _fail(message: str) -> int:
    print(f"{PROG}: {_first_line(message)}", file=sys.stderr)
    return 2


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {_first_line(message)}", file=sys.stderr)


def _has_display() -> bool:
    """Whether Qt can open a window here (only Linux needs an X11 or Wayland server)."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    return platform in HEADLESS_PLATFORMS


def _run_gui(db_url: str | None) -> int:
    if not _has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    try:
        return _launch_gui(db_url)
    except RuntimeError as exc:  # the window is not installed (no entry point)
        return _fail(str(exc))


def _launch_gui(db_url: str | None) -> int:
    # Imported here: the headless commands never load Qt.
    from app.bootstrap import run_gui

    return run_gui(db_url)


def _catalog() -> Catalog:
    catalog = load_catalog(config_dir())
    for problem in catalog.problems:
        _warn(problem)
    return catalog


def _open(db_url: str | None) -> Library:
    try:
        return open_library(db_url)
    except OSError as exc:
        raise LibraryError(f"cannot open library {db_url or 'in your data folder'}: "
                           f"{exc.strerror or exc}") from exc


def _cmd_import(args: argparse.Namespace, db_url: str | None) -> int:
    from models.bundle import import_bundle, load_bundle_file

    # Validate the whole file before the library is even opened.
    bundle = load_bundle_file(args.file, _catalog())
    library = _open(db_url)
    try:
        with library.begin() as session:
            review_id = import_bundle(session, bundle)
    finally:
        library.close()
    print(review_id)
    return 0


def _cmd_import_timeline(args: argparse.Namespace, db_url: str | None) -> int:
    from models.csv_timeline import preview_csv
    from models.slack_export import ChannelChoiceError, preview_slack
    from models.timeline_import import ImportPreview, file_kind, import_events, preview_bundle

    path: Path = args.file
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    kind = file_kind(path)
    csv_only = [flag for flag, given in (("--time-format", args.time_format), ("--timezone", args.timezone),
                                         ("--map", args.map), ("--from", args.profile)) if given]
    if kind != "csv" and csv_only:
        raise UserError(f"{csv_only[0]} is for CSV files; {path} is a "
                        f"{'Slack export' if kind == 'slack' else 'review bundle'}")
    if kind != "slack" and args.channel:
        raise UserError(f"--channel is for Slack exports; {path} is not one")
    mapping = _mapping(args.map)
    catalog = _catalog() if kind == "bundle" else None
    library = _open(db_url)
    try:
        with library.begin() as session:
            preview: ImportPreview
            if kind == "slack" and len(args.channel) > 1:
                # Several channels: each one read and checked first, then all written in this transaction.
                added = 0
                previews = []
                for channel in dict.fromkeys(args.channel):
                    try:
                        one = preview_slack(session, args.review_id, path, channel=channel)
                    except ChannelChoiceError as exc:
                        raise UserError(f"{exc} (--channel NAME)") from exc
                    if (problem := one.first_problem()) is not None:
                        raise UserError(problem)
                    previews.append((channel, one))
                for channel, one in previews:
                    count = import_events(session, args.review_id, one)
                    added += count
                    print(f"#{channel}: {count} event{'' if count == 1 else 's'} "
                          f"({one.duplicates} already there)")
                preview = previews[-1][1]
            elif kind == "slack":
                try:
                    preview = preview_slack(session, args.review_id, path,
                                            channel=args.channel[0] if args.channel else None)
                except ChannelChoiceError as exc:
                    raise UserError(f"{exc} (--channel NAME)") from exc
            elif kind == "bundle":
                assert catalog is not None
                preview = preview_bundle(session, args.review_id, path, catalog)
            else:
                preview = preview_csv(session, args.review_id, path, mapping=mapping,
                                      time_format=args.time_format, timezone=args.timezone,
                                      profile=args.profile)
            if not (kind == "slack" and len(args.channel) > 1):
                problem = preview.first_problem()
                if problem is not None:
                    raise UserError(problem)
                added = import_events(session, args.review_id, preview)
    finally:
        library.close()
    for notice in preview.notices:
        print(f"{PROG}: note: {_first_line(notice)}", file=sys.stderr)
    print(f"added {added} event{'' if added == 1 else 's'} to review {args.review_id} "
          f"({preview.duplicates} already there)")
    return 0


def _mapping(values: list[str]) -> dict[str, str | int | None]:
    """``--map time=When,text=What`` (given once or more) as field → column name."""
    mapping: dict[str, str | int | None] = {}
    for value in values:
        for pair in value.split(","):
            if not pair.strip():
                continue
            field, equals, column = pair.partition("=")
            if not equals or not field.strip():
                raise UserError(f"--map {pair.strip()!r}: write FIELD=COLUMN, e.g. time=When")
            mapping[field.strip().lower()] = column.strip() or None
    return mapping


def _cmd_export(args: argparse.Namespace, db_url: str | None) -> int:
    from app.export_service import ReportOptions, export_review

    options = ReportOptions(include_private=args.include_private, include_timeline=args.timeline,
                            include_chart=args.chart, include_meeting_record=args.meeting_record,
                            audience="summary" if args.summary else "full")
    catalog = _catalog()
    output: Path = args.output
    to_stdout = str(output) == "-"
    if to_stdout and args.fmt not in STDOUT_FORMATS:
        raise UserError(f"-o - writes text formats to standard output ({', '.join(STDOUT_FORMATS)}); "
                        f"{args.fmt} is binary: give a file name")
    if not to_stdout and output.is_dir():
        raise UserError(f"{output}: is a folder; give the file to write (-o PATH)")
    library = _open(db_url)
    try:
        if not to_stdout:
            export_review(library, catalog, args.review_id, args.fmt, output,
                          anonymize=args.anonymize, options=options)
        else:
            _export_to_stdout(library, catalog, args, options)
    except BrokenPipeError:
        raise  # the reader went away (``| head``): main() ends quietly
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        library.close()
    return 0


#: Formats that ``-o -`` writes to standard output (the Markdown report without its picture).
STDOUT_FORMATS = ("md", "html", "yaml", "json", "actions-csv")


def _export_to_stdout(library: Library, catalog: Catalog, args: argparse.Namespace,
                      options: ReportOptions) -> None:
    import dataclasses
    import tempfile

    from app.export_service import export_review

    if args.fmt == "md":
        options = dataclasses.replace(options, include_chart=False)  # no file to put the picture in
    with tempfile.TemporaryDirectory(prefix="debrief-export-") as folder:
        target = Path(folder) / f"review.{args.fmt}"
        export_review(library, catalog, args.review_id, args.fmt, target, anonymize=args.anonymize,
                      options=options)
        data = target.read_bytes()
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _cmd_list(args: argparse.Namespace, db_url: str | None) -> int:
    from models.reviews import list_reviews

    library = _open(db_url)
    try:
        with library.begin() as session:
            rows = list_reviews(session)
    finally:
        library.close()
    for row in rows:
        # The date as the people involved saw it, in the review's own timezone.
        started = row.started_at.astimezone(row.zone()).date().isoformat() if row.started_at else "-"
        print("\t".join((str(row.id), started, row.severity or "-", row.status, _one_field(row.title))))
    return 0


def _cmd_templates(args: argparse.Namespace, db_url: str | None) -> int:
    for template in _catalog().review_templates().values():
        print("\t".join((template.id, _one_field(template.name), ",".join(template.phase_ids()))))
    return 0


def _one_field(text: str) -> str:
    """``text`` safe for one tab-separated field: no tabs, no line breaks."""
    return " ".join(text.split())


_COMMANDS = {
    "import": _cmd_import,
    "import-timeline": _cmd_import_timeline,
    "export": _cmd_export,
    "list": _cmd_list,
    "templates": _cmd_templates,
}
