"""The action items CSV: read back with csv.DictReader, formula-leading cells neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from exports.actions_csv import COLUMNS, safe_cell, to_actions_csv, write_actions_csv
from models.snapshot import ActionRow
from tests.exports.test_markdown_report import make_report, make_review


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_round_trips_with_the_tracker_columns() -> None:
    """One row per action with title, description, owner, due, priority, status, link."""
    actions = (
        ActionRow(1, "Alert on unsampled errors", "Line one,\nline \"two\"", "Team Payments",
                  date(2026, 3, 20), "high", "in-progress", "https://tracker.example/PAY-1", None),
        ActionRow(2, "Write the runbook", "", "", None, "low", "open", "", None),
    )
    read = rows(to_actions_csv(make_review(actions=actions)))
    assert read == [
        {"title": "Alert on unsampled errors", "description": "Line one,\nline \"two\"",
         "owner": "Team Payments", "due": "2026-03-20", "priority": "High", "status": "In progress",
         "link": "https://tracker.example/PAY-1"},
        {"title": "Write the runbook", "description": "", "owner": "", "due": "", "priority": "Low",
         "status": "Open", "link": ""},
    ]


def test_formula_leading_cells_are_escaped() -> None:
    """= + - @ at the start of a cell get a leading apostrophe; elsewhere they are untouched."""
    actions = (ActionRow(1, "=HYPERLINK(\"http://x\")", "+1 page", "@oncall", None, "medium", "open",
                         "-x", None),
               ActionRow(2, "a=b", "1+1", "me@example.org", None, "medium", "open", "", None))
    first, second = rows(to_actions_csv(make_review(actions=actions)))
    assert (first["title"], first["description"], first["owner"], first["link"]) == (
        "'=HYPERLINK(\"http://x\")", "'+1 page", "'@oncall", "'-x")
    assert (second["title"], second["description"], second["owner"]) == ("a=b", "1+1", "me@example.org")
    assert safe_cell("") == "" and safe_cell("-") == "'-"


def test_no_actions_is_a_header_only(tmp_path: Path) -> None:
    """A review without actions writes just the header; the writer takes a report or a review."""
    target = tmp_path / "a.csv"
    write_actions_csv(make_report(actions=()), target)
    assert target.read_bytes() == b"title,description,owner,due,priority,status,link\r\n"
    write_actions_csv(make_review(), target)
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    assert rows(data.decode("utf-8"))[0]["owner"] == "Team Payments"
