"""Property tests: any text → a timeline of aware rows, or one clear problem per bad line; never an exception.

Hypothesis writes lines a person might paste: bullets, brackets, dates in every
form the reader knows (and impossible ones), times out of range, zones good,
ambiguous and unknown, separators, authors in parentheses, odd characters,
NULs, and plain random text. Whatever the text:

* the reader returns (it never raises), every row is timezone-aware, has a
  known kind and names a line of the text;
* each problem names one line ("line N: …", N a line of the text), at most one
  problem per line, or is about the text as a whole;
* times without a date move forward through the day: with only bare times and
  an incident start, the first row is on the start's day, no row is more than
  the rollover before the one above it, and each row is at most one day after it;
* through the library, a preview either imports exactly what it shows or is refused.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import reviews
from models.entities import TimelineEvent
from models.limits import EARLIEST, LATEST
from models.store import Library
from models.text_timeline import ROLLOVER, parse_lines, parse_text, preview_text
from models.timeline_import import ParsedTimeline, import_events
from models.vocabulary import EVENT_KINDS
from models.yamlsource import SourceError
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.fuzz

#: At most 100 examples a property in CI (``make fuzz`` runs 20x that).
MODEST = EXAMPLES // 2
ZONES = ("UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Pacific/Kiritimati")
ODD = st.sampled_from(["(", ")", "[", "]", ":", "-", "—", "|", "\t", "~", "@", "<", ">", "#", "*", "\x00",
                       "\ufeff", "\u2028", "\r", ",", ";", "Bob", "Ana Lima", "UTC", "IST", "PM", " "])
WORDS = st.lists(st.text(st.characters(blacklist_categories=["Cs"]), max_size=6) | ODD,
                 max_size=5).map("".join)
PREFIXES = st.sampled_from(["", "- ", "* ", "• ", "1. ", "> ", "## ", "| ", "~", "≈ ", "  "])
BRACKETS = st.sampled_from([("", ""), ("[", "]"), ("(", ")"), ("**", "**"), ("`", "`"), ("[", "")])
DATES = st.sampled_from(["", "2025-03-11 ", "2025-03-11T", "Mar 11 ", "11 March 2025 ", "Tue, 11 Mar 2025 ",
                         "03/04/2025 ", "13/03/2025 ", "11.03.2025 ", "2025-02-30 ", "Feb 29 ", "9999-12-31 ",
                         "0001-01-01 ", "1899-12-31 ", "2200-12-31 ", "2025/3/1 "]) \
    | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: f"{d.isoformat()} ")
ZONE_TEXTS = st.sampled_from(["", "Z", " UTC", " GMT", " +01:00", "+05:30", " -23:59", " UTC+14", " UTC+25",
                              " CET", " PDT", " IST", " (UTC)", " America/New_York", " Nowhere/Else"])
SEPARATORS = st.sampled_from([" ", " — ", " – ", " - ", ": ", "\t", " | ", "", "—"])


@st.composite
def clocks(draw: st.DrawFn) -> str:
    """A clock time, sometimes out of range: 14:02, 7:05:09, 2:02 PM, 14h02, 25:61."""
    hour = draw(st.integers(0, 30))
    minute = draw(st.integers(0, 70))
    style = draw(st.integers(0, 4))
    if style == 0:
        return f"{hour:02d}:{minute:02d}"
    if style == 1:
        return f"{hour}:{minute:02d}:{draw(st.integers(0, 65)):02d}"
    if style == 2:
        return f"{hour}:{minute:02d} {draw(st.sampled_from(['AM', 'PM', 'am', 'p.m.']))}"
    if style == 3:
        return f"{hour}h{minute:02d}"
    return f"{hour}{draw(st.sampled_from(['pm', ' am']))}"


@st.composite
def lines(draw: st.DrawFn) -> str:
    """A line of a pasted timeline: mostly a stamp and text, sometimes prose or junk."""
    if draw(st.integers(0, 4)) == 0:
        return draw(WORDS)
    opener, closer = draw(BRACKETS)
    stamp = draw(DATES) + draw(clocks()) + draw(ZONE_TEXTS)
    return draw(PREFIXES) + opener + stamp + closer + draw(SEPARATORS) + draw(WORDS)


TEXTS = st.lists(lines(), max_size=12).map("\n".join) | st.text(max_size=200)


def _check(parsed: ParsedTimeline, text: str) -> None:
    """The invariants every reading holds, whatever the text."""
    count = len(re.split(r"\r\n?|\n", text))
    named: list[int] = []
    for problem in parsed.problems:
        assert problem.row is None
        match = re.match(r"line (\d+): \S", problem.message)
        if match is None:
            assert problem.message.startswith("no line starts with a time"), problem.message
            continue
        named.append(int(match.group(1)))
        assert 1 <= named[-1] <= count
    assert len(named) == len(set(named)), parsed.problems  # one problem a line
    for row in parsed.rows:
        assert row.at.tzinfo is not None and row.at.utcoffset() is not None
        assert row.kind in EVENT_KINDS and row.text.strip() == row.text and row.text
        assert 1 <= row.row <= count and row.row not in named
        assert row.origin == f"line {row.row}"
    assert list(parsed.rows) == sorted(parsed.rows, key=lambda r: (r.at, r.row))


@settings(max_examples=MODEST)
@given(text=TEXTS, zone=st.sampled_from(ZONES),
       start=st.none() | st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 1, 1),
                                      timezones=st.just(UTC)))
def test_any_text_reads_into_rows_or_problems_by_line(text: str, zone: str, start: datetime | None) -> None:
    """Never an exception; aware rows; problems name their line, one a line."""
    parsed = parse_lines(text, path=Path("notes.txt"), zone=ZoneInfo(zone), start=start,
                         people=[("Ana Lima", ["ana"])])
    _check(parsed, text)


@settings(max_examples=MODEST)
@given(times=st.lists(st.tuples(st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=20),
       zone=st.sampled_from(ZONES), hour=st.integers(0, 23))
def test_bare_times_move_forward_from_the_incident_day(times: list[tuple[int, int]], zone: str,
                                                       hour: int) -> None:
    """Bare times only: first on the start's day, none more than the rollover back, each at most +1 day."""
    tz = ZoneInfo(zone)
    start = datetime(2025, 6, 2, hour, 0, tzinfo=tz).astimezone(UTC)  # no DST change within 20 days
    text = "\n".join(f"{h:02d}:{m:02d} event {n}" for n, (h, m) in enumerate(times))
    parsed = parse_lines(text, path=Path("notes.txt"), zone=tz, start=start)
    _check(parsed, text)
    assert parsed.problems == ()
    in_order = sorted(parsed.rows, key=lambda r: r.row)
    assert len(in_order) == len(times)
    assert in_order[0].at.astimezone(tz).date() == date(2025, 6, 2)
    for above, row in zip(in_order, in_order[1:], strict=False):
        assert row.at >= above.at - ROLLOVER
        assert row.at.astimezone(tz).date() - above.at.astimezone(tz).date() in (timedelta(0), timedelta(1))


@settings(max_examples=MODEST)
@given(data=st.binary(max_size=300) | TEXTS.map(lambda t: t.encode("utf-8", "replace")))
def test_any_file_reads_or_is_refused_naming_it(tmp_path_factory: pytest.TempPathFactory,
                                                 data: bytes) -> None:
    """Any bytes: a reading with the invariants above, or one SourceError naming the file."""
    path = tmp_path_factory.mktemp("text") / "notes.txt"
    path.write_bytes(data)
    try:
        parsed = parse_text(path, zone=ZoneInfo("Europe/Berlin"), start=datetime(2025, 3, 11, 13, tzinfo=UTC))
    except SourceError as exc:
        assert "notes.txt" in str(exc)
        return
    _check(parsed, data.decode("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"))


@settings(max_examples=max(MODEST // 2, 10))
@given(text=TEXTS, zone=st.sampled_from(ZONES), started=st.booleans())
def test_a_preview_imports_what_it_shows_or_is_refused(library: Library,
                                                       tmp_path_factory: pytest.TempPathFactory,
                                                       text: str, zone: str, started: bool) -> None:
    """Through the library: problems and nothing written, or exactly the previewed rows, all in 1900–2200."""
    path = tmp_path_factory.mktemp("text") / "notes.txt"
    path.write_text(text, encoding="utf-8", errors="replace")
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", timezone=zone,
                                   started_at=datetime(2025, 3, 11, 13, tzinfo=UTC) if started else None).id
    with library.begin() as session:
        before = session.scalar(select(func.count()).select_from(TimelineEvent)) or 0
        try:
            preview = preview_text(session, review_id, path)
        except SourceError:
            return
        if preview.problems:
            assert all(p.message for p in preview.problems)
            return
        added = import_events(session, review_id, preview)
        assert added == preview.new
        assert all(EARLIEST <= row.at <= LATEST for row in preview.rows)
    with library.begin() as session:
        assert (session.scalar(select(func.count()).select_from(TimelineEvent)) or 0) == before + added
