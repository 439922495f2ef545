"""Issue 11: named import profiles — a tool's CSV layout by name, found by itself from the header."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from models import reviews
from models.csv_timeline import preview_csv
from models.errors import InvalidFieldError
from models.import_profiles import builtin_profiles, detect, load_profiles, parse_profiles
from models.snapshot import load_review
from models.store import Library
from models.yamlsource import SourceError

PAGERDUTY = ("id,created_at,type,summary,agent,channel\n"
             "1,2021-06-08T09:47:00Z,trigger_log_entry,Triggered: checkout 5xx,PagerDuty,api\n"
             "2,2021-06-08T09:49:00Z,acknowledge_log_entry,Acknowledged by Ana,Ana Silva,mobile\n"
             "3,2021-06-08T10:30:00Z,resolve_log_entry,Resolved by Ana,Ana Silva,web\n")
GRAFANA = ("id,dashboardUID,time,timeEnd,text,login\n"
           "7,abc,1623145620000,1623145620000,Deploy of checkout v42,ana\n")


def _review(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="UTC",
                              started_at=datetime(2021, 6, 8, 9, 40, tzinfo=UTC)).id


def test_a_pagerduty_log_is_recognised_and_read_with_kinds(library: Library, tmp_path: Path) -> None:
    review_id = _review(library)
    path = tmp_path / "pd.csv"
    path.write_text(PAGERDUTY, encoding="utf-8")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert not preview.problems
    assert preview.notices[0] == "read as PagerDuty incident log entries (--from pagerduty)"
    assert [(r.text, r.kind, r.participants) for r in preview.rows] == [
        ("Triggered: checkout 5xx", "detection", ("PagerDuty",)),
        ("Acknowledged by Ana", "action", ("Ana Silva",)),
        ("Resolved by Ana", "resolution", ("Ana Silva",))]


def test_from_names_a_profile_with_its_time_format(db_url: str, library: Library, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    review_id = _review(library)
    path = tmp_path / "annotations.csv"
    path.write_text(GRAFANA, encoding="utf-8")
    assert main(["--db", db_url, "import-timeline", str(review_id), str(path), "--from", "grafana"]) == 0
    captured = capsys.readouterr()
    assert "added 1 event" in captured.out and "--from grafana" in captured.err
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    assert [(e.at, e.text) for e in doc.events] == [(datetime(2021, 6, 8, 9, 47, tzinfo=UTC),
                                                      "Deploy of checkout v42")]


def test_an_unknown_profile_names_the_ones_there_are(library: Library, tmp_path: Path) -> None:
    review_id = _review(library)
    path = tmp_path / "pd.csv"
    path.write_text(PAGERDUTY, encoding="utf-8")
    with library.begin() as session, pytest.raises(InvalidFieldError, match="datadog, grafana, jira"):
        preview_csv(session, review_id, path, profile="servicenow")


def test_a_user_profile_is_added_and_a_broken_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "import_profiles.yaml").write_text(
        "profiles:\n  - id: firehydrant\n    name: FireHydrant\n    detect: [occurred_at, fh_id]\n"
        "    columns:\n      time: [occurred_at]\n      text: [summary]\n", encoding="utf-8")
    profiles, problems = load_profiles(tmp_path)
    assert problems == () and "firehydrant" in profiles and "pagerduty" in profiles
    assert detect(profiles, ("FH_ID", "Occurred At", "Summary")) is profiles["firehydrant"]
    (tmp_path / "import_profiles.yaml").write_text("profiles:\n  - id: x\n    name: X\n", encoding="utf-8")
    profiles, problems = load_profiles(tmp_path)
    assert "firehydrant" not in profiles and len(problems) == 1
    assert "import_profiles.yaml" in problems[0] and "columns" in problems[0]


def test_the_builtin_profiles_detect_one_tool_each() -> None:
    profiles = {p.id: p for p in builtin_profiles()}
    headers = {
        "pagerduty": ("id", "created_at", "type", "summary", "agent"),
        "opsgenie": ("CreatedAt", "Message", "Owner", "Action"),
        "grafana": ("id", "dashboardUID", "time", "text", "login"),
        "datadog": ("date_happened", "title", "text", "source_type_name"),
        "statuspage": ("display_at", "body", "status"),
        "jira": ("Issue key", "Summary", "Created", "Assignee"),
    }
    for tool, header in headers.items():
        assert detect(profiles, header) is profiles[tool], tool
    assert detect(profiles, ("time", "text")) is None


@given(st.lists(st.text(max_size=20), max_size=8))
def test_any_header_detects_at_most_one_profile_without_raising(header: list[str]) -> None:
    profiles = {p.id: p for p in builtin_profiles()}
    found = detect(profiles, tuple(header))
    assert found is None or found.matches(tuple(header))


DOCUMENTS = st.recursive(st.none() | st.text(max_size=10) | st.integers(),
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)


@given(DOCUMENTS)
def test_any_document_is_a_profile_list_or_one_clear_error(data: object) -> None:
    try:
        parse_profiles(data, "import_profiles.yaml")
    except SourceError as exc:
        assert "import_profiles.yaml" in str(exc)
