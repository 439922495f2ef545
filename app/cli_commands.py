"""The ``debrief`` sub-commands: import, import-timeline, export, list, templates, patterns (headless).

Loaded by :func:`app.cli.main` only when a command is given: opening the window
never imports the library's modules before its first paint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from app.cli import PROG, UserError, first_line, warn
from models.catalog import Catalog, load_catalog
from models.errors import DomainError
from models.store import Library, LibraryError, config_dir, open_library
from models.yamlsource import SourceError

if TYPE_CHECKING:
    from exports.common import ReportOptions


def run(args: argparse.Namespace) -> int:
    """Run the sub-command ``args`` name; what the user can fix is raised as :class:`UserError`."""
    try:
        return COMMANDS[args.command](args, args.db)
    except (SourceError, LibraryError, DomainError) as exc:
        raise UserError(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise UserError(f"library error: {first_line(str(getattr(exc, 'orig', None) or exc))}") from exc


def _catalog() -> Catalog:
    catalog = load_catalog(config_dir())
    for problem in catalog.problems:
        warn(problem)
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
            review_id = import_bundle(session, bundle, update_existing=args.update)
    finally:
        library.close()
    print(review_id)
    return 0


def _cmd_import_timeline(args: argparse.Namespace, db_url: str | None) -> int:
    from models.csv_timeline import preview_csv
    from models.slack_export import ChannelChoiceError, channel_counts, preview_slack
    from models.timeline_import import ImportPreview, file_kind, import_events, preview_bundle

    if args.channel and args.all_channels:
        raise UserError("--channel and --all-channels do not go together: name the channels with --channel "
                        "(repeatable), or take them all with --all-channels")
    path: Path = args.file
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    kind = file_kind(path)
    csv_only = [flag for flag, given in (("--time-format", args.time_format), ("--timezone", args.timezone),
                                         ("--map", args.map), ("--from", args.profile)) if given
                and not (kind == "text" and flag == "--timezone")]  # a text timeline's bare times have a zone
    if kind != "csv" and csv_only:
        what = {"slack": "Slack export", "bundle": "review bundle", "text": "text timeline"}[kind]
        raise UserError(f"{csv_only[0]} is for CSV files; {path} is a {what}")
    if kind != "slack" and (args.channel or args.all_channels):
        raise UserError(f"{'--channel' if args.channel else '--all-channels'} is for Slack exports; "
                        f"{path} is not one")
    mapping = _mapping(args.map)
    catalog = _catalog() if kind == "bundle" else None
    library = _open(db_url)
    try:
        with library.begin() as session:
            preview: ImportPreview
            by_channel: list[tuple[str, int, int]] = []
            if kind == "slack":
                # Several channels (--channel repeated, --all-channels) are one preview: all checked
                # first, then written in this one transaction.
                try:
                    preview = preview_slack(session, args.review_id, path, channels=args.channel,
                                            all_channels=args.all_channels)
                except ChannelChoiceError as exc:
                    raise UserError(f"{exc} (--channel NAME, repeatable, or --all-channels)") from exc
                by_channel = channel_counts(preview)
            elif kind == "bundle":
                assert catalog is not None
                preview = preview_bundle(session, args.review_id, path, catalog)
            elif kind == "text":
                from models.text_timeline import preview_text

                preview = preview_text(session, args.review_id, path, timezone=args.timezone)
            else:
                preview = preview_csv(session, args.review_id, path, mapping=mapping,
                                      time_format=args.time_format, timezone=args.timezone,
                                      profile=args.profile)
            problem = preview.first_problem()
            if problem is not None:
                raise UserError(problem)
            added = import_events(session, args.review_id, preview)
    finally:
        library.close()
    for notice in preview.notices:
        print(f"{PROG}: note: {first_line(notice)}", file=sys.stderr)
    if len(by_channel) > 1:
        for channel, new, there in by_channel:
            print(f"#{channel}: {new} event{'' if new == 1 else 's'} ({there} already there)")
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
    from models.library_filter import NO_SEVERITY, LibraryFilter
    from models.reviews import list_reviews

    if args.since is not None and args.until is not None and args.since > args.until:
        raise UserError(f"--since {args.since} is after --until {args.until}: no day is both")
    severity = args.severity
    if severity is not None and severity.strip().casefold() in ("none", "-", ""):
        severity = NO_SEVERITY
    wanted = LibraryFilter(since=args.since, until=args.until, severity=severity, status=args.status,
                           kind=args.kind, service=args.service, tag=args.tag, template=args.template)
    library = _open(db_url)
    try:
        with library.begin() as session:
            rows = wanted.apply(list_reviews(session))
    finally:
        library.close()
    for row in rows:
        # The date as the people involved saw it, in the review's own timezone.
        started = row.started_at.astimezone(row.zone()).date().isoformat() if row.started_at else "-"
        print("\t".join((str(row.id), started, row.severity or "-", row.status, _one_field(row.title))))
    return 0


def _cmd_search(args: argparse.Namespace, db_url: str | None) -> int:
    """One hit a line, best first: id, title, where, snippet (matched words between *stars*)."""
    from models.search import search

    library = _open(db_url)
    try:
        with library.begin() as session:  # one read transaction, as the window's SearchService
            hits = search(session, " ".join(args.query), limit=args.limit)
    finally:
        library.close()
    for hit in hits:
        print("\t".join((str(hit.review_id), _one_field(hit.title), hit.place.describe(),
                         _one_field(hit.plain_snippet("*")))))
    return 0


def _cmd_templates(args: argparse.Namespace, db_url: str | None) -> int:
    for template in _catalog().review_templates().values():
        print("\t".join((template.id, _one_field(template.name), ",".join(template.phase_ids()))))
    return 0


def _cmd_copy_library(args: argparse.Namespace, db_url: str | None) -> int:
    from sqlalchemy.engine import make_url

    from app.review_service import copy_library

    if _same_library(args.source, args.target):
        raise UserError("--from and --to name the same library: give the library to copy into with --to")
    catalog = _catalog()
    source = _open(args.source)
    try:
        target = _open(args.target)
        try:
            summary = copy_library(source, target, catalog)
        finally:
            target.close()
    finally:
        source.close()
    for problem in summary.failed:
        print(f"{PROG}: not copied: {first_line(problem)}", file=sys.stderr)
    print(f"{summary.line()} (from {make_url(args.source).render_as_string(hide_password=True)} "
          f"to {make_url(args.target).render_as_string(hide_password=True)})")
    return 2 if summary.failed else 0


def _cmd_patterns(args: argparse.Namespace, db_url: str | None) -> int:
    """The patterns report to ``-o FILE``: checked before the library is read, written whole or not at all."""
    from app.export_service import refuse_library_files
    from app.patterns_service import make_patterns_report
    from exports.patterns_report import UnknownReportFormat, chosen_format

    output: Path = args.output
    if str(output) == "-":
        raise UserError("patterns writes a file: give its name (-o patterns.docx or -o patterns.html)")
    try:
        fmt = chosen_format(output, args.fmt)
    except UnknownReportFormat as exc:
        raise UserError(f"{exc}: end the name so, or give --format docx|html") from exc
    if output.is_dir():
        raise UserError(f"{output}: is a folder; give the file to write (-o FILE)")
    if not output.parent.is_dir():
        raise UserError(f"cannot write {output}: the folder {output.parent} does not exist")
    catalog = _catalog()
    library = _open(db_url)
    try:
        refuse_library_files(library, output)
        make_patterns_report(library, output, fmt=fmt, severity_order=tuple(catalog.severities))
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        library.close()
    return 0


def _same_library(first: str, second: str) -> bool:
    """Whether two library URLs name the same database (an SQLite file by its path)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        a, b = make_url(first), make_url(second)
    except ArgumentError:
        return False  # opening says what is wrong with it
    if a.get_backend_name() == b.get_backend_name() == "sqlite" and a.database and b.database:
        return Path(a.database).expanduser().resolve() == Path(b.database).expanduser().resolve()
    return a.set(drivername=a.get_backend_name()) == b.set(drivername=b.get_backend_name())


def _one_field(text: str) -> str:
    """``text`` safe for one tab-separated field: no tabs, no line breaks."""
    return " ".join(text.split())


COMMANDS = {
    "import": _cmd_import,
    "import-timeline": _cmd_import_timeline,
    "export": _cmd_export,
    "list": _cmd_list,
    "search": _cmd_search,
    "templates": _cmd_templates,
    "copy-library": _cmd_copy_library,
    "patterns": _cmd_patterns,
}
