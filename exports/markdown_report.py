"""The Markdown report: the Word report's content for wikis and repositories.

GitHub-flavoured Markdown with YAML front matter holding the incident facts,
so a static-site generator or a script can index reports without parsing
the body. Text typed in the meeting is escaped: a note starting with "#" or
"1." stays a sentence, and a "|" never splits a table cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from exports.bundle import TextDumper
from exports.common import (
    CHART_TITLE,
    Bullet,
    BulletList,
    Heading,
    Paragraph,
    Picture,
    ReportOptions,
    Table,
    chart_file_name,
    clean,
    iso_time,
    report_blocks,
    report_title,
    write_atomic_many,
    xml_safe,
)
from models.snapshot import ReviewReport

# Inline characters that would start emphasis, code, links or strikethrough.
_INLINE = re.compile(r"([\\`*\[\]~])")
# "<" that could open a tag, comment or autolink, and entity-like "&...;", become
# entities rather than backslash escapes: every Markdown engine honours those, so no
# typed text ever becomes raw HTML. Any other "<", ">" and "&" ("< 1 min", "A & B")
# cannot, and stays as written: the Markdown file reads as plain text.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# "_" only matters at a word boundary (GFM ignores it inside snake_case words).
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# At the start of a line these make a heading, quote, list, setext underline or fence.
_LEADING_MARK = re.compile(r"^([#>+=-])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])")


def to_markdown(report: ReviewReport, *, include_private: bool = False, image_name: str | None = None,
                options: ReportOptions | None = None) -> str:
    """The review as GitHub-flavoured Markdown with YAML front matter.

    The chart (if the report has one) is referenced as ``image_name``, a file
    beside the Markdown file that the caller writes (:func:`write_markdown`
    does); without a name the text says the picture is not included.
    """
    parts = [_front_matter(report)]
    for block in report_blocks(report, include_private=include_private, options=options):
        if isinstance(block, Heading):
            parts.append(f"{'#' * (block.level + 1)} {escape_line(block.text)}")
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        elif isinstance(block, BulletList):
            parts.append("\n".join(_bullet(item) for item in block.items))
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Picture):
            parts.append(_picture(block, image_name))
    return "\n\n".join(parts) + "\n"


def write_markdown(report: ReviewReport, path: Path, *, include_private: bool = False,
                   options: ReportOptions | None = None) -> None:
    """Write the Markdown report to ``path`` (UTF-8), and its chart beside it as a PNG.

    The picture is ``<stem>-who-knew-what-when.png`` next to ``path``, named
    after the final file. Both are written in full before either replaces
    anything, the picture first, so the report never points at a missing
    picture; a failed export leaves no partial file behind.
    """
    target = Path(path)
    wants_chart = report.chart_png and (options is None or options.shows_chart)
    image_name = chart_file_name(target) if wants_chart else None
    text = to_markdown(report, include_private=include_private, image_name=image_name, options=options)
    files = [(target.with_name(image_name), report.chart_png)] if image_name and report.chart_png else []
    write_atomic_many([*files, (target, text.encode("utf-8"))])


def escape_line(line: str) -> str:
    """One line of typed text, safe to place anywhere in Markdown."""
    line = _TAG_START.sub("&lt;", _ENTITY.sub("&amp;", line.strip()))
    line = _UNDERSCORE.sub(r"\\_", _INLINE.sub(r"\\\1", line))
    line = _LEADING_MARK.sub(r"\\\1", line)
    return _LEADING_NUMBER.sub(r"\1\\\2", line)


def escape_cell(text: str) -> str:
    """Text for a table cell: escaped, "|" kept inside the cell, lines joined with <br>."""
    return "<br>".join(escape_line(line).replace("|", r"\|") for line in text.split("\n"))


def _front_matter(report: ReviewReport) -> str:
    review = report.review
    zone = review.zone()
    facts: dict[str, Any] = {
        "title": report_title(review),
        "severity": xml_safe(review.severity) if review.severity is not None else None,
        "status": xml_safe(review.status),
        "kind": xml_safe(review.kind),
        "timezone": xml_safe(review.timezone),
        "started": iso_time(review.started_at, zone),
        "detected": iso_time(review.detected_at, zone),
        "mitigated": iso_time(review.mitigated_at, zone),
        "resolved": iso_time(review.resolved_at, zone),
        "services": [clean(s) for s in review.services],
        "tags": [clean(t) for t in review.tags],
    }
    dumped = yaml.dump(facts, Dumper=TextDumper, sort_keys=False, allow_unicode=True,
                       default_flow_style=False, width=1000)
    return f"---\n{dumped}---"


def _paragraph(block: Paragraph) -> str:
    # A single line break typed in a text box is meant as one: keep it as a
    # hard break (two trailing spaces); blank lines stay paragraph breaks.
    paragraphs = re.split(r"\n\s*\n", block.text)
    text = "\n\n".join("  \n".join(escape_line(line) for line in p.split("\n")) for p in paragraphs)
    return f"*{text}*" if block.italic else text


def _picture(block: Picture, image_name: str | None) -> str:
    if not image_name:
        return "*(The picture is not included in this text.)*"
    # Percent-encoded, so that a file name with spaces or parentheses stays one link target.
    return f"![{escape_line(CHART_TITLE)}]({quote(image_name)})"


def _bullet(item: Bullet) -> str:
    lines = [escape_line(line) for line in item.text.split("\n")] if item.text else [""]
    if item.lead:
        lead = escape_line(item.lead)
        lines[0] = f"**{lead}:** {lines[0]}" if item.text else f"**{lead}**"
    return "- " + "  \n  ".join(lines)


def _table(block: Table) -> str:
    rows = [
        "| " + " | ".join(escape_cell(h) for h in block.header) + " |",
        "|" + "|".join("---" for _ in block.header) + "|",
    ]
    rows.extend("| " + " | ".join(escape_cell(c) for c in row) + " |" for row in block.rows)
    return "\n".join(rows)
