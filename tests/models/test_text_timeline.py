"""Text timelines: lines that start with a time become events; dates, zones, rollover, authors, problems."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import reviews
from models.entities import Participant, TimelineEvent
from models.store import Library
from models.text_timeline import parse_lines, parse_text, preview_text, text_kind
from models.timeline_import import ParsedTimeline, file_kind, import_events
from models.yamlsource import SourceError

BERLIN = ZoneInfo("Europe/Berlin")
#: 14:00 in Berlin on 11 March 2025.
START = datetime(2025, 3, 11, 13, 0, tzinfo=UTC)


def _parse(text: str, *, start: datetime | None = START, zone: ZoneInfo = BERLIN,
           people: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> ParsedTimeline:
    return parse_lines(textwrap.dedent(text), path=Path("notes.txt"), zone=zone, start=start, people=people)


def _local(parsed: ParsedTimeline, zone: ZoneInfo = BERLIN) -> list[tuple[str, str]]:
    """(local time, text) of every row, in time order."""
    return [(row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), row.text) for row in parsed.rows]


def _one(line: str, **options: object) -> tuple[str, str]:
    parsed = _parse(line + "\n", **options)  # type: ignore[arg-type]
    assert parsed.problems == (), parsed.problems
    (row,) = _local(parsed)
    return row


def _problems(parsed: ParsedTimeline) -> list[str]:
    return [str(problem) for problem in parsed.problems]


# --- times, dates, zones ---------------------------------------------------------------------------


def test_bare_times_take_the_incident_date_and_the_review_zone() -> None:
    """'14:02' is 14:02 in Berlin on the day the incident started; the notices say both."""
    parsed = _parse("14:02 config push to checkout-eu\n14:09 first 5xx alerts\n")
    assert _local(parsed) == [("2025-03-11 14:02:00", "config push to checkout-eu"),
                              ("2025-03-11 14:09:00", "first 5xx alerts")]
    assert all(row.at.tzinfo is not None and row.at.utcoffset() is not None for row in parsed.rows)
    assert parsed.kind == "text"
    notices = " ".join(parsed.notices)
    assert "the day the incident started (11 March 2025)" in notices and "Europe/Berlin" in notices


def test_the_start_date_is_taken_in_the_review_zone() -> None:
    """A start at 23:30 UTC is already the next day in Berlin: bare times take the Berlin date."""
    late = datetime(2025, 3, 11, 23, 30, tzinfo=UTC)
    assert _one("08:00 first call", start=late)[0] == "2025-03-12 08:00:00"


@pytest.mark.parametrize(("line", "expected"), [
    ("14:02:33 x", "2025-03-11 14:02:33"),
    ("14:02:33.250 x", "2025-03-11 14:02:33"),
    ("9:05 x", "2025-03-11 09:05:00"),
    ("14h02 x", "2025-03-11 14:02:00"),
    ("2:02 PM x", "2025-03-11 14:02:00"),
    ("2:02pm x", "2025-03-11 14:02:00"),
    ("2:02 p.m. x", "2025-03-11 14:02:00"),
    ("2pm x", "2025-03-11 14:00:00"),
    ("12:30 AM x", "2025-03-11 00:30:00"),
    ("12:30 PM x", "2025-03-11 12:30:00"),
    ("[14:02] x", "2025-03-11 14:02:00"),
    ("(14:02) x", "2025-03-11 14:02:00"),
    ("**14:02** x", "2025-03-11 14:02:00"),
    ("`14:02` x", "2025-03-11 14:02:00"),
])
def test_forms_of_a_bare_time(line: str, expected: str) -> None:
    """Seconds, fractions, 14h02, AM/PM in its spellings, and a time in brackets, bold or code."""
    assert _one(line) == (expected, "x")


@pytest.mark.parametrize(("line", "expected_utc"), [
    ("2025-03-11 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("2025-03-11 14:02 UTC x", "2025-03-11T14:02:00+00:00"),
    ("2025-03-11T14:02:00Z x", "2025-03-11T14:02:00+00:00"),
    ("2025-03-11 14:02 +01:00 x", "2025-03-11T13:02:00+00:00"),
    ("2025-03-11T14:02:00-05:00 x", "2025-03-11T19:02:00+00:00"),
    ("2025-03-11 14:02+0530 x", "2025-03-11T08:32:00+00:00"),
    ("[2025-03-11 14:02 UTC] x", "2025-03-11T14:02:00+00:00"),
    ("2025/03/11 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("Mar 11 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("March 11, 2025 2:02 PM x", "2025-03-11T13:02:00+00:00"),
    ("11 March 2025 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("11-Mar-2025 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("Tue, 11 Mar 2025 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("11th March at 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("11.03.2025 14:02 x", "2025-03-11T13:02:00+00:00"),
    ("13/03/2025 14:02 x", "2025-03-13T13:02:00+00:00"),
    ("03/13/2025 14:02 x", "2025-03-13T13:02:00+00:00"),
])
def test_forms_of_a_date_and_time(line: str, expected_utc: str) -> None:
    """ISO with Z or an offset, named months (with or without a year), dots day first, slashes when sure."""
    parsed = _parse(line)
    assert parsed.problems == ()
    (row,) = parsed.rows
    assert (row.at.astimezone(UTC).isoformat(), row.text) == (expected_utc, "x")


@pytest.mark.parametrize(("line", "expected_utc"), [
    ("14:02Z x", "2025-03-11T14:02:00+00:00"),
    ("14:02 UTC x", "2025-03-11T14:02:00+00:00"),
    ("14:02 utc x", "2025-03-11T14:02:00+00:00"),
    ("14:02 (UTC) x", "2025-03-11T14:02:00+00:00"),
    ("14:02 GMT x", "2025-03-11T14:02:00+00:00"),
    ("14:02 UTC+5:30 x", "2025-03-11T08:32:00+00:00"),
    ("14:02 GMT-5 x", "2025-03-11T19:02:00+00:00"),
    ("14:02 +02:00 x", "2025-03-11T12:02:00+00:00"),
    ("14:02+02:00 x", "2025-03-11T12:02:00+00:00"),
    ("14:02 CEST x", "2025-03-11T12:02:00+00:00"),
    ("2:02 PM PDT x", "2025-03-11T21:02:00+00:00"),
    ("14:02 America/New_York x", "2025-03-11T18:02:00+00:00"),
])
def test_a_zone_after_the_time(line: str, expected_utc: str) -> None:
    """Z, UTC/GMT (with an offset), a numeric offset, an unambiguous abbreviation, an IANA name."""
    parsed = _parse(line)
    assert parsed.problems == ()
    (row,) = parsed.rows
    assert (row.at.astimezone(UTC).isoformat(), row.text) == (expected_utc, "x")


def test_a_zone_holds_for_the_bare_times_below_it() -> None:
    """After '… UTC', '14:05' is UTC too (notes name the zone once); the notice names the line."""
    parsed = _parse("""\
        14:00 before, in Berlin
        2025-03-11 14:02 UTC — alert
        14:05 ack
    """)
    assert [row.at.astimezone(UTC).strftime("%H:%M") for row in parsed.rows] == ["13:00", "14:02", "14:05"]
    assert any("line 2: UTC" in notice for notice in parsed.notices)


@pytest.mark.parametrize("note", ["Timeline (all times UTC)", "All times in UTC.", "Times are UTC:",
                                  "## Timeline — times in Etc/UTC"])
def test_a_line_that_says_which_zone_the_times_are_in(note: str) -> None:
    """'All times UTC' above the events: their bare times are read in UTC."""
    parsed = _parse(f"{note}\n14:02 alert\n")
    assert parsed.problems == ()
    assert parsed.rows[0].at.astimezone(UTC).strftime("%H:%M") == "14:02"


@pytest.mark.parametrize("line", ["14:02 IST x", "14:02 CST x", "2025-03-11 14:02 BST x"])
def test_an_ambiguous_zone_abbreviation_is_a_problem(line: str) -> None:
    """IST, CST, BST name several zones: the line is refused with the offset to write instead."""
    parsed = _parse(f"14:00 fine\n{line}\n")
    assert len(parsed.problems) == 1
    assert _problems(parsed)[0].startswith("line 2: ") and "write the offset" in _problems(parsed)[0]


def test_a_numeric_date_that_could_be_either_way_is_a_problem() -> None:
    """03/04/2025 could be 3 April or 4 March: the line says so and how to write it."""
    parsed = _parse("03/04/2025 14:02 x\n")
    assert _problems(parsed) == ["line 1: 03/04/2025 could be 3 April or 4 March; write the date as "
                                 "2025-MM-DD or with the month's name (3 April 2025)"]
    assert parsed.rows == ()


def test_a_date_time_line_sets_the_date_of_the_bare_times_below() -> None:
    """'2025-03-20 09:00' then '09:30': the 20th, not the incident's day."""
    parsed = _parse("2025-03-20 09:00 retro prep\n09:30 retro\n")
    assert _local(parsed) == [("2025-03-20 09:00:00", "retro prep"), ("2025-03-20 09:30:00", "retro")]


@pytest.mark.parametrize("heading", ["2025-03-12", "## 12 March 2025", "Wednesday, 12 March 2025:",
                                     "**Mar 12**", "2025-03-12 (day two)"])
def test_a_line_that_is_only_a_date_sets_the_date(heading: str) -> None:
    """A date heading: the times below it are on that day (and it is not an event of its own)."""
    parsed = _parse(f"14:00 day one\n{heading}\n09:00 day two\n")
    assert parsed.problems == ()
    assert _local(parsed) == [("2025-03-11 14:00:00", "day one"), ("2025-03-12 09:00:00", "day two")]


def test_a_date_line_is_not_compared_for_rollover() -> None:
    """After a date heading, an earlier clock time is that day, not the day after it."""
    parsed = _parse("2025-03-12 18:00 late\n2025-03-13\n08:00 next morning\n")
    assert _local(parsed)[1] == ("2025-03-13 08:00:00", "next morning")
    assert not any("next day" in notice for notice in parsed.notices)


def test_a_date_then_text_without_a_time_is_a_problem() -> None:
    """'2025-03-12 — deploy' has no time of day: refused, not guessed."""
    parsed = _parse("14:00 x\n2025-03-12 — deploy\n")
    assert _problems(parsed) == ["line 2: '2025-03-12' is a date without a time of day: write the time after "
                                 "it (2025-03-12 14:02 …), or put the date on a line of its own"]


def test_a_month_and_day_take_the_year_of_the_current_date() -> None:
    """'Mar 12 09:00' in a review that started in 2025 is 2025; 'Jan 2' after 31 December is the next year."""
    assert _one("Mar 12 09:00 x")[0] == "2025-03-12 09:00:00"
    parsed = _parse("2025-12-31 23:00 x\nJan 2 10:00 y\n")
    assert _local(parsed)[1] == ("2026-01-02 10:00:00", "y")


# --- rollover past midnight ------------------------------------------------------------------------


def test_a_time_far_before_the_one_above_is_the_next_day() -> None:
    """23:50 then 00:10: past midnight, the 12th; the notice names the line and the day."""
    parsed = _parse("23:50 rollback started\n00:10 rollback done\n00:20 all clear\n")
    assert _local(parsed) == [("2025-03-11 23:50:00", "rollback started"),
                              ("2025-03-12 00:10:00", "rollback done"),
                              ("2025-03-12 00:20:00", "all clear")]
    assert any("next day: line 2 (12 March 2025)" in notice for notice in parsed.notices)


def test_a_small_step_back_stays_on_the_same_day() -> None:
    """14:10 then 14:05 (notes out of order): the same day, named in a notice."""
    parsed = _parse("14:10 rollback\n14:05 decision to roll back\n")
    assert _local(parsed) == [("2025-03-11 14:05:00", "decision to roll back"),
                              ("2025-03-11 14:10:00", "rollback")]
    assert any("out of order): line 2" in notice for notice in parsed.notices)


@pytest.mark.parametrize(("later", "day"), [("12:00", "2025-03-11"), ("11:59", "2025-03-12")])
def test_the_rollover_starts_beyond_six_hours(later: str, day: str) -> None:
    """18:00 then 12:00 (six hours back) stays; 11:59 (six hours and a minute) is the next day."""
    parsed = _parse(f"18:00 a\n{later} b\n")
    assert [row.at.astimezone(BERLIN).date().isoformat() for row in parsed.rows if row.text == "b"] == [day]


def test_a_date_time_line_rolls_the_following_bare_times_too() -> None:
    """'2025-03-11 23:50 UTC' then '00:10': 00:10 UTC on the 12th (the zone held, the day rolled)."""
    parsed = _parse("2025-03-11 23:50 UTC rollback\n00:10 done\n")
    assert parsed.rows[1].at == datetime(2025, 3, 12, 0, 10, tzinfo=UTC)


# --- lines around the events ---------------------------------------------------------------------


def test_lines_without_a_time_continue_the_event_above() -> None:
    """A wrapped line joins its event with a space; blank lines are ignored."""
    parsed = _parse("""\
        14:02 config push to
           checkout-eu and checkout-us

        still the same event
        14:09 alert
    """)
    assert _local(parsed) == [
        ("2025-03-11 14:02:00", "config push to checkout-eu and checkout-us still the same event"),
        ("2025-03-11 14:09:00", "alert")]


def test_lines_before_the_first_time_are_left_out_and_counted() -> None:
    """A title and an intro before the first event: skipped, counted, in a notice."""
    parsed = _parse("Checkout incident\nWhat we know so far:\n\n14:02 config push\n")
    assert parsed.skipped == 2 and len(parsed.rows) == 1
    assert any("left out (2 lines)" in notice for notice in parsed.notices)


def test_a_heading_ends_the_event_above() -> None:
    """The paragraphs under '## Follow-up' are not more text of the last event."""
    parsed = _parse("14:02 config push\n## Follow-up\nWe should add a canary.\n---\n14:30 canary\n")
    assert _local(parsed) == [("2025-03-11 14:02:00", "config push"), ("2025-03-11 14:30:00", "canary")]
    assert parsed.skipped == 3


@pytest.mark.parametrize("line", ["- 14:02 x", "* 14:02 x", "• 14:02 x", "1. 14:02 x", "12) 14:02 x",
                                  "> 14:02 x", "  - 14:02 x", "| 14:02 | x |", "### 14:02 x"])
def test_bullets_before_the_time(line: str) -> None:
    """List bullets, numbers, quote marks, heading marks and a table bar may come before the time."""
    assert _one(line) == ("2025-03-11 14:02:00", "x")


@pytest.mark.parametrize("line", ["14:02 — config push", "14:02 – config push", "14:02 - config push",
                                  "14:02: config push", "14:02\tconfig push", "14:02 | config push",
                                  "14:02 -> config push", "14:02—config push", "14:02  config push"])
def test_the_separator_after_the_time_is_dropped(line: str) -> None:
    """An em or en dash, a hyphen, a colon, a tab, a bar or an arrow after the time are not the text."""
    assert _one(line)[1] == "config push"


def test_a_range_starts_at_its_first_time_and_keeps_the_range_in_the_text() -> None:
    """'10:30–11:00 outage window': at 10:30, text as written."""
    assert _one("10:30–11:00 outage window") == ("2025-03-11 10:30:00", "10:30–11:00 outage window")
    assert _one("[10:30 - 11:00 UTC] outage") == ("2025-03-11 11:30:00", "10:30 - 11:00 outage")


@pytest.mark.parametrize("mark", ["~", "≈"])
def test_an_approximate_time(mark: str) -> None:
    """'~14:02' is approximate."""
    (row,) = _parse(f"- {mark}14:02 x\n").rows
    assert row.approximate and row.text == "x"


def test_prose_that_starts_with_numbers_is_not_an_event() -> None:
    """'24h outage', '5 users', '2025 was…', 'March 11 was…' continue the event above."""
    parsed = _parse("14:02 x\n24h outage\n5 users affected\n2025 was long\nMarch 11 was long\n")
    assert _local(parsed) == [("2025-03-11 14:02:00",
                               "x 24h outage 5 users affected 2025 was long March 11 was long")]


# --- authors and kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "text", "people"), [
    ("14:02 config push to checkout-eu (Bob)", "config push to checkout-eu", ("Bob",)),
    ("14:02 config push (Ana Lima, @ben)", "config push", ("Ana Lima", "ben")),
    ("14:02 config push (Ana & Ben)", "config push", ("Ana", "Ben")),
    ("[14:02] <sam> paging the db team", "paging the db team", ("sam",)),
    ("[14:02] <priya> paging the db team", "paging the db team", ("Priya Raman",)),
    ("14:02 @ben: rolling back", "rolling back", ("ben",)),
    ("14:02 Priya Raman: paging the db team", "paging the db team", ("Priya Raman",)),
    ("14:02 priya: paging the db team", "paging the db team", ("Priya Raman",)),
    ("14:02 config push (priya)", "config push", ("Priya Raman",)),
])
def test_authors(line: str, text: str, people: tuple[str, ...]) -> None:
    """A trailing (Name), <nick>, @handle:, or a participant's name or alias before a colon."""
    parsed = _parse(line, people=(("Priya Raman", ("priya",)),))
    (row,) = parsed.rows
    assert (row.text, row.participants) == (text, people)


@pytest.mark.parametrize("line", [
    "14:02 errors in one region (EU)",
    "14:02 dashboards looked fine (see Grafana)",
    "14:02 checkout healthy (Resolved)",
    "14:02 first page (Approx)",
    "14:02 errors (5xx)",
    "14:02 latency up (Monday)",
    "14:02 Alert: CPU high on db-1",
    "14:02 Root cause: a bad config",
    "14:02 Bob: not a participant, so not taken",
    "14:02 (Bob)",
])
def test_ordinary_text_is_not_taken_as_an_author(line: str) -> None:
    """Acronyms, lowercase words, event kinds, 'Approx', weekdays, unknown 'Name:', a lone (Bob): text."""
    (row,) = _parse(line).rows
    assert row.participants == () and row.text == line.removeprefix("14:02 ")


@pytest.mark.parametrize(("line", "kind"), [
    ("14:02 Detection: dashboards red", "detection"),
    ("14:02 [resolved] checkout healthy", "resolution"),
    ("14:02 Deploy: v1.2 to checkout-eu", "change"),
    ("14:02 Alert: CPU high", "detection"),
    ("14:02 Bob said it looked fine", "observation"),
    ("14:02 Strange: dashboards normal", "observation"),
])
def test_a_leading_label_gives_the_kind_and_stays_in_the_text(line: str, kind: str) -> None:
    """The same words a CSV kind column knows; anything else is an observation."""
    (row,) = _parse(line).rows
    assert (row.kind, row.text) == (kind, line.removeprefix("14:02 "))


# --- problems ------------------------------------------------------------------------------------


def test_no_start_and_no_dates_is_refused_in_one_line() -> None:
    """Without an incident start, bare times have no date: one problem naming the first line."""
    parsed = _parse("intro\n14:02 a\n14:03 b\n14:04 c\n", start=None)
    assert _problems(parsed) == [
        "line 2: a time without a date, and the review has no incident start: set the incident start "
        "(Level setting), or write the date on a line above the times (2025-03-11) (2 more lines like it)"]


def test_no_start_but_dates_written_is_fine() -> None:
    """A date above the times is enough."""
    parsed = _parse("2025-03-11\n14:02 a\n2025-03-12 09:00 b\n09:30 c\n", start=None)
    assert parsed.problems == ()
    assert [d for d, _t in _local(parsed)] == ["2025-03-11 14:02:00", "2025-03-12 09:00:00",
                                               "2025-03-12 09:30:00"]


@pytest.mark.parametrize(("line", "message"), [
    ("25:10 x", "line 2: 25:10 is not a time of day (00:00 to 23:59)"),
    ("14:02 PM x", "line 2: 14:02 PM is not a time of day (with AM or PM the hour is 1 to 12)"),
    ("2025-02-30 14:00 x", "line 2: 2025-02-30 is not a date (write it as YYYY-MM-DD)"),
    ("Feb 30 14:00 x", "line 2: Feb 30 is not a date"),
    ("14:02 UTC+25 x", "line 2: UTC+25 is not an offset (-23:59 to +23:59)"),
    ("2025-03-30 02:30 x", "line 2: 2025-03-30 02:30 does not exist in Europe/Berlin (clocks jumped "
                           "forward); write it with an offset, e.g. 2025-03-30 02:30+01:00"),
    ("2025-10-26 02:30 x", "line 2: 2025-10-26 02:30 happened twice in Europe/Berlin; add the offset: "
                           "+02:00 (first) or +01:00 (second)"),
    ("2300-01-01 10:00 x", "line 2: 2300-01-01 10:00: the year 2300 is outside the years 1900 to 2200"),
    ("14:05", "line 2: nothing follows the time; write what happened after it"),
])
def test_a_bad_line_is_one_problem_naming_it(line: str, message: str) -> None:
    """Each bad line: one problem 'line N: …'; the good lines are still read."""
    parsed = _parse(f"14:00 fine\n{line}\n")
    assert _problems(parsed) == [message]
    assert [text for _at, text in _local(parsed)] == ["fine"]


def test_the_continuation_of_a_bad_line_goes_with_it() -> None:
    """The wrapped line under a refused line is not added to the event above."""
    parsed = _parse("14:00 fine\n25:10 bad\n  more of the bad one\n")
    assert _local(parsed) == [("2025-03-11 14:00:00", "fine")] and len(parsed.problems) == 1


def test_text_without_any_time_is_one_problem() -> None:
    """Nothing starts with a time: one problem saying what a line should look like."""
    parsed = _parse("some notes\nno times at all\n")
    assert _problems(parsed) == ["no line starts with a time (like 14:02, 2:02 PM or 2025-03-11 14:02 UTC): "
                                 "there is nothing to import"]


def test_a_line_repeated_is_imported_once() -> None:
    """The same time and text twice: one row, the repeat counted."""
    parsed = _parse("14:02 a\n14:02 a\n")
    assert len(parsed.rows) == 1 and parsed.skipped == 1


# --- files -----------------------------------------------------------------------------------------


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("notes.txt", "Timeline\n14:02 config push (Bob)\n14:09 alert\n", "text"),
    ("notes.md", "# Checkout incident\n\nSummary first.\n\n## Timeline\n- 14:02 push\n", "text"),
    ("notes.txt", "time,text\n2026-03-02T09:14Z,Pushed\n", "csv"),
    ("notes.txt", "2026-03-02T09:14Z,Pushed\n2026-03-02T09:20Z,Alert\n", "csv"),
    ("notes.txt", "Zeitpunkt;Ereignis\n2026-03-02T09:14:00Z;Konfiguration verteilt\n", "csv"),
    ("notes.txt", "14:02\tchange\tPushed\n14:09\tdetection\tAlert\n", "csv"),
    ("notes.txt", "14:02 paged Ana, Ben\n14:09 alert, escalated\n", "text"),
    ("notes.csv", "14:02 config push\n", "csv"),
    ("notes.txt", "no times here\n", "csv"),
])
def test_file_kind_finds_text_timelines(tmp_path: Path, name: str, text: str, kind: str) -> None:
    """A .txt/.md of lines with times is text; one that looks like CSV/TSV stays CSV."""
    assert file_kind(_write(tmp_path / name, text)) == kind


def test_a_utf16_file_with_its_bom_is_read(tmp_path: Path) -> None:
    """Notepad's 'Unicode': UTF-16 with a BOM."""
    path = _write(tmp_path / "notes.txt", "\ufeff14:02 push\n", "utf-16-le")
    assert file_kind(path) == "text"
    assert [row.text for row in parse_text(path, zone=BERLIN, start=START).rows] == ["push"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"  \n\n", "the file is empty"),
    (b"14:02 caf\xe9\n", "not UTF-8 text (byte 9, line 1)"),
])
def test_a_file_that_is_not_text_is_refused_naming_it(tmp_path: Path, data: bytes, message: str) -> None:
    """One SourceError naming the file."""
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with pytest.raises(SourceError, match="notes.txt") as caught:
        parse_text(path, zone=BERLIN, start=START)
    assert message in str(caught.value)


def test_text_kind_of_pasted_text() -> None:
    """Pasted text: a timeline, a CSV, or neither."""
    assert text_kind("14:02 a\n") == "text"
    assert text_kind("time,text\n2025-03-11T14:02Z,a\n") == "csv"
    assert text_kind("hello\n") is None and text_kind("") is None


# --- with the library ----------------------------------------------------------------------------


def _review(library: Library, *, started: datetime | None = START, people: tuple[str, ...] = ()) -> int:
    with library.begin() as session:
        review = reviews.create(session, title="Checkout errors", timezone="Europe/Berlin",
                                started_at=started)
        for name in people:
            reviews.add_participant(session, review.id, name=name)
        return review.id


def test_preview_and_import_a_notes_file(library: Library, tmp_path: Path) -> None:
    """The review's start and zone; a known participant's 'Name:'; imported once, then already there."""
    review_id = _review(library, people=("Priya",))
    path = _write(tmp_path / "notes.txt", "14:02 config push (Bob)\n14:05 Priya: paging\n"
                                          "23:50 rollback\n00:10 done\n")
    with library.begin() as session:
        preview = preview_text(session, review_id, path)
        assert preview.problems == () and preview.new == 4 and preview.new_participants == ("Bob",)
        assert import_events(session, review_id, preview) == 4
    with library.begin() as session:
        events = list(session.scalars(select(TimelineEvent).order_by(TimelineEvent.at)))
        assert [e.at.astimezone(BERLIN).strftime("%d %H:%M") for e in events] == \
            ["11 14:02", "11 14:05", "11 23:50", "12 00:10"]
        assert [e.text for e in events][1] == "paging"
        assert {p.name for p in session.scalars(select(Participant))} == {"Priya", "Bob"}
        again = preview_text(session, review_id, path)
        assert (again.new, again.duplicates) == (0, 4)


def test_preview_with_another_timezone(library: Library, tmp_path: Path) -> None:
    """timezone= reads bare times in that zone instead of the review's."""
    review_id = _review(library)
    path = _write(tmp_path / "notes.txt", "14:02 push\n")
    with library.begin() as session:
        preview = preview_text(session, review_id, path, timezone="America/New_York")
    assert preview.rows[0].at == datetime(2025, 3, 11, 18, 2, tzinfo=UTC)


def test_a_review_without_a_start_is_refused_with_one_line(library: Library, tmp_path: Path) -> None:
    """first_problem names the file and the line."""
    review_id = _review(library, started=None)
    path = _write(tmp_path / "notes.txt", "14:02 push\n14:05 alert\n")
    with library.begin() as session:
        preview = preview_text(session, review_id, path)
    problem = preview.first_problem()
    assert problem is not None and problem.startswith(f"{path}: line 1: a time without a date")
    assert "(1 more line like it)" in problem


def test_a_time_the_library_cannot_hold_is_a_problem_naming_the_line(library: Library,
                                                                    tmp_path: Path) -> None:
    """A year out of range with an explicit offset is refused by the shared row check, by line."""
    review_id = _review(library)
    path = _write(tmp_path / "notes.txt", "14:00 fine\n2300-01-01 10:00 UTC far\n")
    with library.begin() as session:
        preview = preview_text(session, review_id, path)
    assert [str(p) for p in preview.problems] == [
        "line 2: time: the year 2300 is outside the years 1900 to 2200"]
