"""The review's action items as CSV, for importing into an issue tracker.

Columns: title, description, owner, due (YYYY-MM-DD, empty when not set),
priority, status, link; one row per action, in the review's order. Priority
and status are Debrief's labels ("High", "In progress"), which a tracker's
import maps onto its own values.

The file is plain UTF-8 without a byte-order mark (GitHub, Jira and Linear
read it as is; Excel needs Data ▸ From Text/CSV to pick UTF-8), quoted per
RFC 4180 by the ``csv`` module (CRLF line ends). A cell starting with ``=``,
``+``, ``-`` or ``@`` gets a leading apostrophe, so a spreadsheet shows it as
text instead of evaluating it as a formula ("CSV injection").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from exports.common import clean, write_atomic, xml_safe
from models.snapshot import ReviewDoc, ReviewReport
from models.vocabulary import label

COLUMNS = ("title", "description", "owner", "due", "priority", "status", "link")
_FORMULA_START = ("=", "+", "-", "@")


def to_actions_csv(review: ReviewDoc) -> str:
    """The review's action items as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for action in review.actions:
        writer.writerow(safe_cell(value) for value in (
            clean(action.title),
            clean(action.description),
            clean(action.owner),
            action.due.isoformat() if action.due else "",
            label(action.priority) if action.priority else "",
            label(action.status) if action.status else "",
            clean(action.link),
        ))
    return buffer.getvalue()


def write_actions_csv(source: ReviewReport | ReviewDoc, path: Path | str) -> None:
    """Write the action items CSV to ``path`` (UTF-8); a failed export leaves no partial file behind."""
    review = source.review if isinstance(source, ReviewReport) else source
    write_atomic(path, to_actions_csv(review).encode("utf-8"))


def safe_cell(text: str) -> str:
    """``text`` XML-safe as in every export, with a leading apostrophe where a spreadsheet sees a formula."""
    text = xml_safe(text)
    return f"'{text}" if text.startswith(_FORMULA_START) else text
