"""Issue 11: a sample export per incident tool imports as the tool's user expects.

``tests/data/tools/<tool>.csv`` are written from each tool's documented export fields, with
invented content about one incident (8 June 2021, a config push that broke checkout in the EU),
20+ rows each and times the way each tool writes them: ISO 8601 with Z, +05:30 and -07:00,
seconds and milliseconds since 1970, Jira's "08/Jun/21 9:47 AM", a spreadsheet's wall clock.

Each file imports with no options (its profile found from the header, and named) and with its
``--from`` profile, with the same result; the UTC instants below are worked out by hand from the
file's text (never by the parser); text, detail, author and kind come from the right columns.
The time parsers the files rely on (epoch, named months, AM/PM) get property tests at the end.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.cli import main
from models import reviews
from models.csv_timeline import NAMED_MONTH_FORMATS, TimeReader, preview_csv
from models.entities import TimelineEvent
from models.limits import EARLIEST, LATEST
from models.snapshot import load_review
from models.store import Library, open_library
from models.timeline_import import ImportPreview, ParsedRow, import_events

TOOLS = Path(__file__).resolve().parents[1] / "data" / "tools"
#: The incident's start: the config push, 09:31 UTC.
STARTED = datetime(2021, 6, 8, 9, 31, tzinfo=UTC)
#: 2021-06-08T00:00:00Z in seconds since 1970: 18,786 days of 86,400 s (51 years, 13 of them leap
#: years, to 1 January 2021: 18,628 days; then 31 + 28 + 31 + 30 + 31 + 7 = 158 days).
MIDNIGHT = 1_623_110_400
assert MIDNIGHT == (18_628 + 158) * 86_400

#: The profile each tool's header is recognised as, and the review timezone its test uses.
PROFILE_NAMES = {
    "pagerduty": "PagerDuty incident log entries",
    "opsgenie": "Opsgenie alert log",
    "grafana": "Grafana annotations",
    "datadog": "Datadog events",
    "statuspage": "Statuspage incident updates",
    "jira": "Jira issues",
}
ZONES = {"jira": "Europe/London"}  # Jira writes the exporting person's wall clock: a London team
ROW_COUNTS = {"pagerduty": 24, "opsgenie": 23, "grafana": 22, "datadog": 22, "statuspage": 21, "jira": 21,
              "spreadsheet": 22}


def utc(hour: int, minute: int, second: int = 0, micro: int = 0, day: int = 8) -> datetime:
    return datetime(2021, 6, day, hour, minute, second, micro, tzinfo=UTC)


def _review(library: Library, zone: str = "Europe/Berlin") -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors for EU customers", timezone=zone,
                              started_at=STARTED).id


def _preview(library: Library, tool: str, **options: str) -> ImportPreview:
    review_id = _review(library, ZONES.get(tool, "Europe/Berlin"))
    with library.begin() as session:
        preview = preview_csv(session, review_id, TOOLS / f"{tool}.csv", **options)  # type: ignore[arg-type]
    assert preview.problems == (), [str(p) for p in preview.problems]
    return preview


def _by_row(preview: ImportPreview) -> dict[int, ParsedRow]:
    return {row.row: row for row in preview.rows}


def _cells(tool: str) -> dict[int, dict[str, str]]:
    """The sample's rows by spreadsheet row number (header = 1), read with the csv module alone."""
    with (TOOLS / f"{tool}.csv").open(encoding="utf-8", newline="") as handle:
        return dict(enumerate(csv.DictReader(handle), start=2))


def _row_with(preview: ImportPreview, text: str, at: datetime | None = None) -> ParsedRow:
    found = [r for r in preview.rows if r.text == text and (at is None or r.at == at)]
    assert len(found) == 1, (text, [(r.at, r.text) for r in preview.rows if r.text == text])
    return found[0]


# Every tool: found by itself, the same with --from, nothing refused, nothing dropped.

@pytest.mark.parametrize("tool", sorted(ROW_COUNTS))
def test_each_sample_has_20_rows_or_more_and_imports_whole(library: Library, tool: str) -> None:
    """Every row of every sample becomes an event, with no problem and no row left out."""
    preview = _preview(library, tool)
    assert len(_cells(tool)) == ROW_COUNTS[tool] >= 20
    assert preview.new == ROW_COUNTS[tool] and preview.skipped == 0


@pytest.mark.parametrize("tool", sorted(PROFILE_NAMES))
def test_the_profile_is_found_from_the_header_and_named(library: Library, tool: str) -> None:
    """With no options the tool's profile is used, and the first notice says which, with its --from."""
    preview = _preview(library, tool)
    assert preview.notices[0] == f"read as {PROFILE_NAMES[tool]} (--from {tool})"


@pytest.mark.parametrize("tool", sorted(ROW_COUNTS))
def test_from_the_tool_reads_the_same_events(library: Library, tool: str) -> None:
    """--from TOOL gives exactly the events the header found by itself (the spreadsheet: the guessed ones)."""
    assert _preview(library, tool, profile=tool).rows == _preview(library, tool).rows


def test_a_spreadsheet_is_never_taken_for_a_tool_but_from_names_it(library: Library) -> None:
    """A hand-kept sheet matches no tool's header; --from spreadsheet says it was read as one."""
    assert not any(n.startswith("read as") for n in _preview(library, "spreadsheet").notices)
    assert _preview(library, "spreadsheet", profile="spreadsheet").notices[0] == (
        "read as A spreadsheet someone kept (--from spreadsheet)")


# PagerDuty: ISO 8601 in the account's zone (+05:30) and in UTC (Z).

PAGERDUTY_KINDS = {
    "trigger_log_entry": "detection", "acknowledge_log_entry": "action", "resolve_log_entry": "resolution",
    "notify_log_entry": "communication", "annotate_log_entry": "communication",
    "status_update_log_entry": "communication", "assign_log_entry": "escalation",
    "escalate_log_entry": "escalation", "delegate_log_entry": "escalation",
    "responder_request_log_entry": "escalation", "priority_change_log_entry": "observation",
    "unacknowledge_log_entry": "observation",
}


def test_pagerduty_log_entries(library: Library) -> None:
    """+05:30 and Z to the second; summary as text, channel details as detail, agent as author,
    channel type as source, every entry type its kind."""
    preview = _preview(library, "pagerduty")
    rows = _by_row(preview)
    trigger = rows[2]  # 2021-06-08T15:08:40+05:30
    assert (trigger.at, trigger.text, trigger.kind, trigger.participants, trigger.source) == (
        utc(9, 38, 40), "Triggered through the API.", "detection", ("Datadog",), "api")
    assert trigger.detail == ("[Datadog] checkout 5xx rate above 5% on checkout-eu\n"
                              "Monitor: checkout.5xx.rate, value 7.9% over the last 5 minutes (threshold 5%)")
    acked = _row_with(preview, "Acknowledged by Ben Okafor.")  # 2021-06-08T09:52:20Z
    assert (acked.at, acked.kind, acked.participants, acked.source, acked.detail) == (
        utc(9, 52, 20), "action", ("Ben Okafor",), "mobile", "")
    status = _row_with(preview, "Status update sent to 14 stakeholders.")  # 15:28:00+05:30
    assert (status.at, status.kind, status.participants) == (utc(9, 58), "communication", ("Ana Silva",))
    assert status.detail.startswith("Customers in the EU see errors at checkout.")
    resolved = _row_with(preview, "Resolved by Ana Silva.")  # 2021-06-08T11:02:15Z
    assert (resolved.at, resolved.kind, resolved.detail) == (
        utc(11, 2, 15), "resolution", "Resolved after the config rollback; review scheduled for 10 June.")
    last = preview.rows[-1]  # 16:32:20+05:30: a notification, sent by nobody in particular
    assert (last.at, last.kind, last.participants) == (utc(11, 2, 20), "communication", ())
    cells = _cells("pagerduty")
    assert {number: row.kind for number, row in rows.items()} == {
        number: PAGERDUTY_KINDS[cell["type"]] for number, cell in cells.items()}


# Opsgenie: milliseconds since 1970.

OPSGENIE_KINDS = {
    "Create": "detection", "AddTeam": "escalation", "AddRecipient": "escalation",
    "AddResponder": "escalation",
    "Escalate": "escalation", "EscalateToNext": "escalation", "AssignOwnership": "escalation",
    "Acknowledge": "action", "TakeOwnership": "action", "Snooze": "action", "AddNote": "communication",
    "SnoozeEnded": "observation", "Close": "resolution", "AddTags": "observation",
}


def test_opsgenie_alert_activity(library: Library) -> None:
    """CreatedAt in ms to the millisecond; message as text, the note as detail, the acting user as
    author, each action its kind; an action with no clear kind is an observation, named in a notice."""
    preview = _preview(library, "opsgenie")
    rows = _by_row(preview)
    created = rows[2]  # 1623145092517 ms = MIDNIGHT + 34,692.517 s = 09:38:12.517
    assert MIDNIGHT * 1000 + (9 * 3600 + 38 * 60 + 12) * 1000 + 517 == 1_623_145_092_517
    assert (created.at, created.text, created.kind, created.participants, created.source) == (
        utc(9, 38, 12, 517_000), "Checkout 5xx rate above 5% (checkout-eu)", "detection", (), "Datadog")
    assert created.detail == ("checkout.5xx.rate is 7.9% over 5 minutes on checkout-eu (threshold 5%).\n"
                              "Runbook: https://wiki.example.com/runbooks/checkout-5xx")
    note = rows[9]  # 1623145450000 = 09:44:10.000
    assert (note.at, note.kind, note.participants, note.detail) == (
        utc(9, 44, 10), "communication", ("ana.silva@example.com",),
        "Errors only on checkout-eu; us and ap look normal.")
    closed = preview.rows[-1]  # 1623150134990 = 11:02:14.990
    assert (closed.at, closed.kind, closed.detail) == (utc(11, 2, 14, 990_000), "resolution",
                                                       "Rolled back; see INC-482")
    cells = _cells("opsgenie")
    assert {n: r.kind for n, r in rows.items()} == {n: OPSGENIE_KINDS[c["Action"]] for n, c in cells.items()}
    assert any("'AddTags' (1 row)" in notice for notice in preview.notices)


# Grafana: annotations in milliseconds since 1970, alert states as kinds.

GRAFANA_KINDS = {"Alerting": "detection", "Normal": "resolution", "Pending": "observation",
                 "NoData": "observation", "": "observation"}


def test_grafana_annotations(library: Library) -> None:
    """time (ms, found by its 13 digits) to the millisecond, text, login as author (none for alert
    annotations), newState as kind."""
    preview = _preview(library, "grafana")
    rows = _by_row(preview)
    deploy = rows[2]  # 1623144665000 = MIDNIGHT + 34,265 s = 09:31:05
    assert (deploy.at, deploy.text, deploy.participants, deploy.kind, deploy.detail) == (
        utc(9, 31, 5), "Deploy config-service r812 to all regions", ("chen.wei",), "observation", "")
    alerting = rows[4]  # 1623145060000 = 09:37:40
    assert (alerting.at, alerting.text, alerting.kind, alerting.participants) == (
        utc(9, 37, 40), "Checkout 5xx rate {region=eu} - B=7.9", "detection", ())
    note = rows[7]  # 1623145392250 = 09:43:12.250
    assert (note.at, note.participants) == (utc(9, 43, 12, 250_000), ("ana.silva",))
    cells = _cells("grafana")
    assert {n: r.kind for n, r in rows.items()} == {n: GRAFANA_KINDS[c["newState"]] for n, c in cells.items()}


def test_a_grafana_alert_annotation_without_text_takes_the_alerts_name(library: Library) -> None:
    """Legacy alerting leaves the text of a state change empty: the row is named by its alertName."""
    rows = _by_row(_preview(library, "grafana"))
    fired = rows[9]  # 1623145830000 = MIDNIGHT + 35,430 s = 09:50:30
    assert (fired.at, fired.text, fired.kind) == (utc(9, 50, 30), "Checkout success rate", "detection")
    assert (rows[17].text, rows[17].kind) == ("Checkout success rate", "resolution")


def test_a_text_column_given_by_hand_has_no_stand_in(library: Library) -> None:
    """--map text=text means that column: its empty cells are problems, not filled from another."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_csv(session, review_id, TOOLS / "grafana.csv", mapping={"text": "text"})
    assert [(p.row, p.message) for p in preview.problems] == [
        (9, "no text (column 'text' is empty)"), (17, "no text (column 'text' is empty)")]


# Datadog: events in seconds since 1970, title and text.

def test_datadog_events(library: Library) -> None:
    """date_happened (s) to the second; title as text, the body as detail (unless it repeats the title),
    the source type as source; no author column."""
    preview = _preview(library, "datadog")
    rows = _by_row(preview)
    deploy = rows[2]  # 1623144665 = MIDNIGHT + 34,265 s = 09:31:05
    assert (deploy.at, deploy.text, deploy.source, deploy.participants) == (
        utc(9, 31, 5), "Deployed config-service r812", "jenkins", ())
    assert deploy.detail == ("Deploy pipeline #5521 rolled config-service r812 to eu, us and ap.\n"
                             "Change: CFG-1208 (reviewed by 1 person)")
    triggered = rows[3]  # 1623145075 = 09:37:55
    assert (triggered.at, triggered.text, triggered.source) == (
        utc(9, 37, 55), "[Triggered] Checkout 5xx rate above 5% on region:eu", "monitor")
    assert triggered.detail.startswith("%%%\n@pagerduty-checkout @slack-inc-checkout\n\n")
    joined = _row_with(preview, "Ben Okafor joined incident #482")  # 1623145940 = 09:52:20
    assert (joined.at, joined.detail) == (utc(9, 52, 20), "")
    assert {r.kind for r in preview.rows} == {"observation"}  # no column says what kind, so none is guessed


# Statuspage: incident updates with -07:00 offsets, shown at display_at.

STATUSPAGE_KINDS = {"investigating": "communication", "identified": "observation", "monitoring": "mitigation",
                    "resolved": "resolution", "postmortem": "communication", "scheduled": "communication",
                    "in_progress": "change", "verifying": "observation", "completed": "resolution"}


def test_statuspage_incident_updates(library: Library) -> None:
    """display_at (-07:00, milliseconds) is the time, even when the update was written later; body as
    text; each status its kind, maintenance statuses too."""
    preview = _preview(library, "statuspage")
    found = _row_with(preview, "We found the cause: a configuration change. We are rolling it back.")
    # created 2021-06-08T03:13:40.000-07:00, shown at 03:08:00.000-07:00 = 10:08:00 UTC
    assert (found.at, found.kind, found.participants, found.detail) == (utc(10, 8), "observation", (), "")
    first = _row_with(preview, "Some customers in Europe see an error when paying at checkout. "
                               "We are investigating.")  # 02:58:00.000-07:00
    assert (first.at, first.kind) == (utc(9, 58), "communication")
    started = _row_with(preview, "The failover test has started.")  # 2021-06-07T23:00:30.000-07:00
    assert (started.at, started.kind) == (utc(6, 0, 30), "change")
    postmortem = preview.rows[-1]  # 2021-06-10T02:30:00.000-07:00
    assert (postmortem.at, postmortem.kind) == (utc(9, 30, day=10), "communication")
    cells = _cells("statuspage")
    assert {r.row: r.kind for r in preview.rows} == {
        n: STATUSPAGE_KINDS[c["status"]] for n, c in cells.items()}


# Jira: named months and AM/PM on the exporting person's wall clock.

def test_jira_issues(library: Library) -> None:
    """"08/Jun/21 10:48 AM" in London (BST, UTC+1) to the minute, 12 AM and 12 PM right; Summary as text,
    Description as detail, Reporter as author (not Assignee), Issue Type Change as change."""
    preview = _preview(library, "jira")
    incident = _row_with(preview, "Checkout errors for EU customers")  # 08/Jun/21 10:48 AM
    assert (incident.at, incident.participants, incident.kind) == (utc(9, 48), ("Ana Silva",), "observation")
    assert incident.detail == ('Datadog monitor "Checkout 5xx rate above 5%" fired at 10:37.\n\n'
                               "Impact: EU customers cannot pay; about 8% of checkout attempts fail.\n"
                               "Bridge: https://meet.example.com/inc-482")
    support = _row_with(preview, "Notify EU customer support about checkout errors")  # assigned to Eli
    assert support.participants == ("Ana Silva",)
    rollback = _row_with(preview, "Roll back config-service r812")  # 08/Jun/21 11:08 AM
    assert (rollback.at, rollback.kind, rollback.participants) == (utc(10, 8), "change", ("Chen Wei",))
    noon = _row_with(preview, "Freeze config pushes for EU until the schema check ships")  # 12:02 PM
    assert (noon.at, noon.kind) == (utc(11, 2), "change")
    night = _row_with(preview, "Late-night check: no failed payments after rollback")  # 09/Jun/21 12:15 AM
    assert night.at == utc(23, 15)  # 00:15 on 9 June in London
    assert preview.rows[-1].at == utc(8, 5, day=9)  # 09/Jun/21 9:05 AM
    assert "read as wall-clock time in Europe/London (the review's timezone)" in preview.notices[1]


def test_jira_times_follow_the_timezone_given(library: Library) -> None:
    """A Berlin review importing a New York colleague's export: --timezone says whose wall clock."""
    preview = _preview(library, "jira", timezone="America/New_York")
    assert _row_with(preview, "Checkout errors for EU customers").at == utc(14, 48)  # 10:48 EDT (UTC-4)


# A spreadsheet: wall-clock times in the review's zone, written several ways.

def test_a_spreadsheet_someone_kept(library: Library) -> None:
    """Local times (CEST, UTC+2) as ISO, "08 Jun 2021", "8 June 2021" and "Jun 8, 2021 12:00 PM";
    "~" marks an estimate; Notes as detail; "Ana Silva; Ben Okafor" as two people."""
    preview = _preview(library, "spreadsheet")
    rows = _by_row(preview)
    push = rows[2]  # 2021-06-08 11:31
    assert (push.at, push.text, push.kind, push.source, push.participants, push.detail) == (
        utc(9, 31), "Config push r812 to all regions", "change", "deploy log", ("Chen Wei",),
        "Routine push; nobody expected it to touch checkout.")
    assert rows[3].at == utc(9, 37, 55)  # 2021-06-08 11:37:55
    paged = rows[4]  # 08 Jun 2021 11:38
    assert (paged.at, paged.detail) == (utc(9, 38), "SMS, then push, then a phone call two minutes later.")
    flat = rows[7]  # ~2021-06-08 11:43
    assert (flat.at, flat.approximate) == (utc(9, 43), True)
    assert flat.detail == ("The eu panel samples 1 in 20 requests; the errors did not show.\n"
                           "Ana only believed the alert after opening the raw logs.")
    both = rows[9]  # 8 June 2021 11:47
    assert (both.at, both.participants, both.kind) == (utc(9, 47), ("Ana Silva", "Ben Okafor"), "escalation")
    assert rows[14].at == utc(10, 0)  # "Jun 8, 2021 12:00 PM"
    assert (rows[23].at, rows[23].kind) == (utc(11, 2), "resolution")


# The command line: `debrief import-timeline ID FILE`, one run per tool.

@pytest.mark.parametrize(("tool", "options", "told"), [
    ("pagerduty", [], "--from pagerduty"),
    ("opsgenie", [], "--from opsgenie"),
    ("grafana", [], "--from grafana"),
    ("datadog", [], "--from datadog"),
    ("statuspage", [], "--from statuspage"),
    ("jira", ["--timezone", "Europe/London"], "--from jira"),
    ("spreadsheet", ["--from", "spreadsheet"], "--from spreadsheet"),
])
def test_the_command_line_imports_each_sample(db_url: str, capsys: pytest.CaptureFixture[str], tool: str,
                                              options: list[str], told: str) -> None:
    """Every sample goes in through the CLI, says how it was read, and a second run adds nothing."""
    library = open_library(db_url)
    review_id = _review(library)  # Europe/Berlin
    library.close()
    path = str(TOOLS / f"{tool}.csv")
    assert main(["--db", db_url, "import-timeline", str(review_id), path, *options]) == 0
    out, err = capsys.readouterr()
    count = ROW_COUNTS[tool]
    assert out == f"added {count} events to review {review_id} (0 already there)\n"
    assert "debrief: note: read as " in err and told in err and "Traceback" not in err
    assert main(["--db", db_url, "import-timeline", str(review_id), path, *options]) == 0
    assert capsys.readouterr().out == f"added 0 events to review {review_id} ({count} already there)\n"
    library = open_library(db_url)
    try:
        with library.begin() as session:
            stored = session.scalar(select(func.count()).select_from(TimelineEvent))
            doc = load_review(session, review_id)
    finally:
        library.close()
    assert stored == count and doc is not None
    assert doc.events[0].at >= utc(5, 0) and all(EARLIEST <= e.at <= LATEST for e in doc.events)
    if tool == "jira":  # London wall clock, whatever the review's zone
        assert next(e for e in doc.events if e.text == "Checkout errors for EU customers").at == utc(9, 48)


def test_the_samples_import_into_one_review_side_by_side(library: Library) -> None:
    """All seven files into one review: 155 events, none taken for another, the details kept."""
    review_id = _review(library)
    added = 0
    for tool in sorted(ROW_COUNTS):
        with library.begin() as session:
            preview = preview_csv(session, review_id, TOOLS / f"{tool}.csv",
                                  timezone="Europe/London" if tool == "jira" else None)
            added += import_events(session, review_id, preview)
    assert added == sum(ROW_COUNTS.values()) == 155
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    assert sum(1 for e in doc.events if e.detail) >= 60


# The time parsers behind the samples, for any text.

READERS = st.sampled_from([None, "epoch", "epoch_ms", "%d/%b/%y %I:%M %p"])
#: Text shaped like times (digits, month names, AM/PM, offsets) mixed with anything at all.
TIME_LIKE = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{0,8})?\Z"),
    st.from_regex(r"\A-?[0-9]{0,4}\.?[0-9]{0,4}[eE][+-]?[0-9]{1,6}\Z"),
    st.from_regex(r"\A[0-9]{1,2}[/ -](Jan|Feb|Jun|Sept?|Dec|June|jun)[/ -][0-9]{2,4} [0-9]{1,2}:[0-9]{2}"
                  r"( ?[AaPp]\.?[Mm]\.?)?\Z"),
    st.from_regex(r"\A(Jan|Jun|June|Dec) [0-9]{1,2}, [0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?"
                  r" ?(AM|PM|am)?\Z"),
    st.sampled_from(["nan", "inf", "-inf", "1e999999999", "²³", "١٦٢٣١٤٥٠٩٢", "0x1F", "1_623_145_092",
                     "12/31/2021 9:47 PM", "31/12/2021 21:47", "00/Jun/21 9:47 AM", "08/Jun/21 13:47 PM"]),
)


@given(value=TIME_LIKE, time_format=READERS, zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata"]))
def test_any_text_is_a_time_in_range_or_one_clear_line(value: str, time_format: str | None,
                                                       zone: str) -> None:
    """Whatever the text and the format: a UTC instant the library can hold, or a ValueError that is
    one line starting with "time"; never another exception."""
    reader = TimeReader(ZoneInfo(zone), time_format)
    try:
        moment = reader.read(value)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith("time") and "\n" not in message, message
        return
    assert moment.tzinfo is UTC and EARLIEST <= moment <= LATEST


IN_RANGE = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30),
                        timezones=st.just(UTC))


@given(moment=IN_RANGE)
def test_seconds_since_1970_read_back_exactly(moment: datetime) -> None:
    """Any instant written as seconds with six decimals reads back to the microsecond."""
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    sign = "-" if micros < 0 else ""
    text = f"{sign}{abs(micros) // 1_000_000}.{abs(micros) % 1_000_000:06d}"
    assert TimeReader(ZoneInfo("UTC"), "epoch").read(text) == moment


@given(moment=IN_RANGE)
def test_milliseconds_since_1970_read_back_exactly(moment: datetime) -> None:
    """Any instant after 1970 to the millisecond, as a whole number of milliseconds, reads back exactly."""
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    millis = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert TimeReader(ZoneInfo("UTC"), "epoch_ms").read(str(millis)) == moment


@given(moment=st.datetimes(min_value=datetime(2001, 9, 9, 2), max_value=datetime(2286, 11, 20),
                           timezones=st.just(UTC)))
def test_ten_and_thirteen_digits_are_found_without_a_format(moment: datetime) -> None:
    """Without --time-format, 10 digits are seconds and 13 milliseconds: both exact."""
    seconds = moment.replace(microsecond=0)
    millis = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    reader = TimeReader(ZoneInfo("Europe/Berlin"))
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    if seconds <= LATEST:
        assert reader.read(str(int((seconds - epoch).total_seconds()))) == seconds
        assert reader.read(str((millis - epoch) // timedelta(milliseconds=1))) == millis
    assert reader.naive == 0  # seconds since 1970 are UTC: never read as wall-clock time


@given(moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2068, 12, 31)),
       time_format=st.sampled_from(NAMED_MONTH_FORMATS))
def test_named_month_and_am_pm_times_read_back_exactly(moment: datetime, time_format: str) -> None:
    """Any time written in any named-month layout (12-hour clock included) reads back as written."""
    moment = moment.replace(second=moment.second if "%S" in time_format else 0, microsecond=0)
    written = moment.strftime(time_format)
    assert TimeReader(ZoneInfo("UTC")).read(written) == moment.replace(tzinfo=UTC)
