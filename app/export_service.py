"""Writing a review out: the formats the GUI offers, by file suffix."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from exports.common import ReportOptions as ReportOptions
from exports.errors import ReportTemplateError as ReportTemplateError
from models.anonymize import anonymize as anonymized
from models.catalog import Catalog
from models.errors import InvalidFieldError, NotFoundError
from models.snapshot import ReviewDoc, ReviewReport, load_review
from models.store import Library

if TYPE_CHECKING:  # the command line exports without loading Qt: the workers are imported when used
    from app.background import Operation, OperationContext

#: format id → (label, suffix). The order is the order of the Export dialog's filters.
FORMATS: dict[str, tuple[str, str]] = {
    "docx": ("Word report", ".docx"),
    "md": ("Markdown", ".md"),
    "yaml": ("Review bundle (YAML)", ".yaml"),
    "json": ("Review bundle (JSON)", ".json"),
    "html": ("HTML report", ".html"),
    "actions-csv": ("Action items (CSV)", ".csv"),
    "pdf": ("PDF report", ".pdf"),
}


def format_for_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".yml":
        return "yaml"
    if suffix == ".htm":
        return "html"
    return next((fmt for fmt, (_, s) in FORMATS.items() if s == suffix), None)


def _writer(fmt: str, docx_template: Path | None = None) -> Callable[[ReviewReport, Path, ReportOptions],
                                                                    None]:
    if fmt == "docx":
        from exports.docx_report import write_docx

        return lambda report, path, options: write_docx(report, path, options=options, template=docx_template)
    if fmt == "md":
        from exports.markdown_report import write_markdown

        return lambda report, path, options: write_markdown(report, path, options=options)
    if fmt in ("yaml", "json"):
        from exports.bundle import write_bundle

        return lambda report, path, options: write_bundle(report.review, path, fmt=fmt)
    if fmt == "html":
        from exports.html_report import write_html

        return lambda report, path, options: write_html(report, path, options=options)
    if fmt == "actions-csv":
        from exports.actions_csv import write_actions_csv

        return lambda report, path, options: write_actions_csv(report, path)
    if fmt == "pdf":
        from exports.pdf_report import write_pdf

        return lambda report, path, options: write_pdf(report, path, options=options)
    raise ValueError(f"unknown export format {fmt!r}")


#: Formats that carry the who-knew-what-when chart.
CHART_FORMATS = frozenset({"docx", "md", "html", "pdf"})
#: Pixel width of the chart in reports (it is drawn at 2.2x for a sharp print).
CHART_WIDTH = 1600


def export_review(library: Library, catalog: Catalog, review_id: int, fmt: str, path: Path, *,
                  include_private: bool = False, anonymize: bool = False,
                  options: ReportOptions | None = None, docx_template: Path | None = None) -> None:
    """Write review ``review_id`` to ``path`` as ``fmt`` (all or nothing).

    ``options`` choose the report's sections and audience (docx, md, html); when
    given, their ``include_private`` is used rather than the keyword. With
    ``anonymize``, every participant name is replaced by a role label
    (``models.anonymize``) before anything is written, the chart included.
    ``docx_template`` is the Word file whose styles and page a Word report uses.

    Word, Markdown and HTML reports carry the who-knew-what-when chart, drawn
    here (the export modules stay free of Qt); Markdown writes it beside the
    report, HTML inlines it.
    """
    refuse_library_files(library, path)
    _export(library, catalog, review_id, fmt, path, anonymize=anonymize,
            options=options or ReportOptions(include_private=include_private), docx_template=docx_template)


#: What an export in the background is doing, by the number its progress reports.
EXPORT_STEPS = ("Reading the review…", "Drawing the chart…", "Writing the file…")


def export_in_background(library: Library, catalog: Catalog, review_id: int, fmt: str, path: Path, *,
                         anonymize: bool = False, options: ReportOptions | None = None,
                         docx_template: Path | None = None) -> Operation[Path]:
    """:func:`export_review` as an operation to start: its steps are progress (see :data:`EXPORT_STEPS`).

    The library's own files are refused here, at once, on the caller's thread.
    A cancel stops it before the file is written (the write itself, a moment,
    is not interrupted: a report is whole or not there).
    """
    from app.background import Operation

    refuse_library_files(library, path)
    chosen = options or ReportOptions()

    def work(context: OperationContext) -> Path:
        _export(library, catalog, review_id, fmt, path, anonymize=anonymize, options=chosen,
                docx_template=docx_template, context=context)
        return path

    return Operation(work)


def _export(library: Library, catalog: Catalog, review_id: int, fmt: str, path: Path, *, anonymize: bool,
            options: ReportOptions, docx_template: Path | None,
            context: OperationContext | None = None) -> None:
    step = context.report if context is not None else (lambda _done: None)
    writer = _writer(fmt, docx_template)
    step(0)
    doc = _read(library, review_id, anonymize=anonymize)
    chart = None
    if fmt in CHART_FORMATS and options.shows_chart:
        step(1)
        chart = render_chart(doc)
    step(2)  # the last moment a cancel stops it
    writer(ReviewReport.build(doc, catalog, chart), path, options)


def refuse_library_files(library: Library, output: Path) -> None:
    """Refuse an ``output`` that is the open library, its -wal/-shm/-journal files or one of its backups.

    Writing a report there would replace the library with the report.
    """
    path = library.sqlite_path()
    if path is None:
        return
    target = Path(os.path.realpath(output))
    real = Path(os.path.realpath(path))
    own = {real.with_name(real.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    backup = (target.parent == real.parent and target.name.startswith(f"{real.name}.before-")
              and target.name.endswith(".bak"))
    same = False
    if target.exists():
        # Case-insensitive disks (macOS, Windows): compare files, not spellings.
        siblings = [*own, *real.parent.glob(f"{glob.escape(real.name)}.before-*.bak")]
        for sibling in siblings:
            try:
                same = same or (sibling.exists() and os.path.samefile(target, sibling))
            except OSError:
                pass
    if target in own or backup or same:
        raise InvalidFieldError("output", f"{output} is the library itself (or its journal or a backup); "
                                          "choose another file")


def preview_html(library: Library, catalog: Catalog, review_id: int, *, options: ReportOptions | None = None,
                 anonymize: bool = False, include_private: bool = False) -> str:
    """The HTML report of review ``review_id`` as :func:`export_review` would write it, for a preview."""

    options = options or ReportOptions(include_private=include_private)
    return PreviewSource(library, catalog, review_id).html(options, anonymize=anonymize)


def _read(library: Library, review_id: int, *, anonymize: bool) -> ReviewDoc:
    """The review as stored (names replaced by roles with ``anonymize``)."""
    with library.begin() as session:
        doc = load_review(session, review_id)
    if doc is None:
        raise NotFoundError("review", review_id)
    return anonymized(doc) if anonymize else doc


class PreviewSource:
    """One review, read once, for the export dialog's previews as the options change.

    The review is read on the first preview; the chart is drawn once for real
    names and once for roles, when first shown. Each preview is then only the
    HTML of the options chosen. Used from one worker at a time (the dialog
    starts a preview only when the last one ended).
    """

    def __init__(self, library: Library, catalog: Catalog, review_id: int) -> None:
        self._library = library
        self._catalog = catalog
        self._review_id = review_id
        self._docs: dict[bool, ReviewDoc] = {}
        self._charts: dict[bool, bytes | None] = {}
        #: How many times the review was read (for tests).
        self.reads = 0

    def html(self, options: ReportOptions, *, anonymize: bool) -> str:
        """The HTML report as :func:`export_review` would write it with these options."""
        from exports.html_report import to_html

        doc = self._doc(anonymize)
        chart = None
        if options.shows_chart:
            if anonymize not in self._charts:
                self._charts[anonymize] = render_chart(doc)
            chart = self._charts[anonymize]
        return to_html(ReviewReport.build(doc, self._catalog, chart), options=options)

    def in_background(self, options: ReportOptions, *, anonymize: bool) -> Operation[str]:
        """:meth:`html` on a worker."""
        from app.background import Operation

        def work(context: OperationContext) -> str:
            html = self.html(options, anonymize=anonymize)
            context.check()
            return html

        return Operation(work)

    def _doc(self, anonymize: bool) -> ReviewDoc:
        if False not in self._docs:
            self._docs[False] = _read(self._library, self._review_id, anonymize=False)
            self.reads += 1
        if anonymize and True not in self._docs:
            self._docs[True] = anonymized(self._docs[False])
        return self._docs[anonymize]


def render_chart(doc: ReviewDoc) -> bytes | None:
    """The review's chart as PNG bytes; None when it has no events to draw."""
    # Imported here: bundle exports and the command line's other commands never load Qt.
    from exports.swimlane_painter import render_png

    return render_png(doc, width=CHART_WIDTH)


def check_report_template(path: Path) -> None:
    """Raise ``ReportTemplateError`` (naming the file) unless ``path`` is a usable Word template."""
    from exports.docx_report import check_template  # python-docx loads when it is needed, not at start

    check_template(path)
