"""Writing a review out: the formats the GUI offers, by file suffix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.anonymize import anonymize as anonymized
from models.catalog import Catalog
from models.errors import NotFoundError
from models.snapshot import ReviewDoc, ReviewReport, load_review
from models.store import Library

#: format id → (label, suffix). The order is the order of the Export dialog's filters.
FORMATS: dict[str, tuple[str, str]] = {
    "docx": ("Word report", ".docx"),
    "md": ("Markdown", ".md"),
    "yaml": ("Review bundle (YAML)", ".yaml"),
    "json": ("Review bundle (JSON)", ".json"),
    "html": ("HTML report", ".html"),
    "actions-csv": ("Action items (CSV)", ".csv"),
}


def format_for_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".yml":
        return "yaml"
    if suffix == ".htm":
        return "html"
    return next((fmt for fmt, (_, s) in FORMATS.items() if s == suffix), None)


def _writer(fmt: str) -> Callable[[ReviewReport, Path, bool], None]:
    if fmt == "docx":
        from exports.docx_report import write_docx

        return lambda report, path, private: write_docx(report, path, include_private=private)
    if fmt == "md":
        from exports.markdown_report import write_markdown

        return lambda report, path, private: write_markdown(report, path, include_private=private)
    if fmt in ("yaml", "json"):
        from exports.bundle import write_bundle

        return lambda report, path, private: write_bundle(report.review, path, fmt=fmt)
    if fmt == "html":
        from exports.html_report import write_html

        return lambda report, path, private: write_html(report, path, include_private=private)
    if fmt == "actions-csv":
        from exports.actions_csv import write_actions_csv

        return lambda report, path, private: write_actions_csv(report, path)
    raise ValueError(f"unknown export format {fmt!r}")


#: Formats that carry the who-knew-what-when chart.
CHART_FORMATS = frozenset({"docx", "md", "html"})
#: Pixel width of the chart in reports (it is drawn at 2.2x for a sharp print).
CHART_WIDTH = 1600


def export_review(library: Library, catalog: Catalog, review_id: int, fmt: str, path: Path, *,
                  include_private: bool = False, anonymize: bool = False) -> None:
    """Write review ``review_id`` to ``path`` as ``fmt`` (all or nothing).

    With ``anonymize``, every participant name is replaced by a role label
    (``models.anonymize``) before anything is written, the chart included.

    Word, Markdown and HTML reports carry the who-knew-what-when chart, drawn
    here (the export modules stay free of Qt); Markdown writes it beside the
    report, HTML inlines it.
    """
    writer = _writer(fmt)
    with library.begin() as session:
        doc = load_review(session, review_id)
    if doc is None:
        raise NotFoundError("review", review_id)
    if anonymize:
        doc = anonymized(doc)
    chart = render_chart(doc) if fmt in CHART_FORMATS else None
    writer(ReviewReport.build(doc, catalog, chart), path, include_private)


def render_chart(doc: ReviewDoc) -> bytes | None:
    """The review's chart as PNG bytes; None when it has no events to draw."""
    # Imported here: bundle exports and the command line's other commands never load Qt.
    from app.swimlane_painter import render_png

    return render_png(doc, width=CHART_WIDTH)
