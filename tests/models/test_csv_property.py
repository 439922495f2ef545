"""Property tests: any CSV file, any options → a correct import, or problems / one error naming the file.

Hypothesis writes files a person (or a spreadsheet, or a broken export) might hand
the importer: random and recognised headers, any number of columns, every quoting
style and delimiter, several encodings with and without a BOM, times in many
formats (out of range and overflowing ones included), huge cells, NULs, stray
quotes, and plain random bytes. Whatever the file, exactly one of these happens:

* the preview has no problems and the import adds exactly the previewed events,
  every one readable back and inside 1900–2200;
* the preview lists problems (each with a row, or naming the file) and nothing is written;
* one ``SourceError`` naming the file (``InvalidFieldError`` for a refused option)
  and nothing is written.

Never another exception, never a partial write.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import reviews
from models.csv_timeline import preview_csv
from models.entities import Participant, TimelineEvent
from models.errors import InvalidFieldError
from models.limits import EARLIEST, LATEST
from models.store import Library
from models.timeline_import import import_events, row_problems
from models.yamlsource import SourceError
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.fuzz

ZONES = ("UTC", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns", "Pacific/Pago_Pago")
HEADERS = ("time", "Time (UTC)", "timestamp", "date", "when", "text", "Message", "description", "kind",
           "type", "source", "channel", "author", "who", "users", "notes", "id", "")
FORMATS = ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%H:%M", "%d.%m %H:%M", "%c", "%Q %d", "no codes", "%")
KINDS = ("change", "Detection", "MITIGATION", "observation", "made up", "", "ACTION ITEM")
OFFSETS = (UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=23, minutes=59)),
           timezone(timedelta(hours=14)), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"))
#: Letters with the characters that break CSV files and databases: delimiters, quotes, line breaks,
#: NUL, a BOM. (A surrogate, which no UTF-8 file can hold, comes as a cell of its own, rarely.)
ODD = st.sampled_from([",", ";", "\t", '"', "'", "\n", "\r", "\x00", "\ufeff", "~", "≈", " ", "|"])
TEXT = st.text(st.characters() | ODD, max_size=12)
#: Mostly times an incident has, now and then any time Python can hold (year 1 to 9999).
DATES = st.one_of(*[st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))] * 3,
                  st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))


@st.composite
def time_texts(draw: st.DrawFn) -> str:
    """A time as some file might hold it: ISO, RFC 2822, strftime styles, out of range, or junk."""
    moment = draw(DATES)
    if draw(st.booleans()):
        zone = draw(st.sampled_from(OFFSETS))
        try:
            moment = moment.replace(tzinfo=zone)
            moment.utcoffset()
        except (OverflowError, ValueError):
            moment = moment.replace(tzinfo=UTC)
    style = draw(st.integers(0, 15))
    try:
        if style == 0 or style > 9:
            text = moment.isoformat()
        elif style == 1:
            text = moment.isoformat(sep=" ", timespec=draw(st.sampled_from(["minutes", "seconds", "auto"])))
        elif style == 2:
            text = moment.replace(tzinfo=None).isoformat() + "Z"
        elif style == 3:
            text = format_datetime(moment)
        elif style == 4:
            text = moment.strftime(draw(st.sampled_from(FORMATS[:3])))
        elif style == 5:
            text = moment.strftime("%Y-%m-%d %H:%M") + " UTC"
        elif style == 6:
            text = moment.date().isoformat()
        elif style == 7:
            text = draw(TEXT)
        elif style == 8:
            text = draw(st.sampled_from(["0999-03-02T09:14:00Z", "0001-01-01T00:00:00+01:00",
                                         "9999-12-31T23:59:59-05:00", "1900-01-01 00:30", "2200-12-31 23:59",
                                         "2026-03-29 02:30", "2026-10-25 02:30", "99999-01-01",
                                         "Mon, 02 Mar 99999999999999999999 09:14:00 +0000"]))
        else:
            text = str(draw(st.integers(-10**30, 10**30)))
    except (OverflowError, ValueError):
        text = "2026-03-02T09:14:00Z"
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from(["~", "≈", " ", "~ "])) + text
    return text


@st.composite
def cells(draw: st.DrawFn) -> str:
    """Any cell: a time, a kind, a name list, text, a long value or, rarely, a huge one."""
    choice = draw(st.integers(0, 40))
    if choice < 12:
        return draw(time_texts())
    if choice < 16:
        return draw(st.sampled_from(KINDS))
    if choice < 20:
        return ";".join(draw(st.lists(TEXT, max_size=3)))
    if choice == 20:
        return draw(st.sampled_from(["x", "y ", "\x00"])) * draw(st.sampled_from([199, 200, 201, 5000]))
    if choice == 21:
        return draw(st.sampled_from(["h" * 131_073, "half an emoji \ud83d"]))  # over csv's limit; not UTF-8
    return draw(TEXT)


ROLE_NAMES = {
    "time": ("time", "Time (UTC)", "timestamp", "When", "datetime"),
    "date": ("date", "Day"),
    "text": ("text", "Message", "description", "What happened"),
    "kind": ("kind", "Type", "category"),
    "source": ("source", "channel", "via"),
    "author": ("author", "who", "Participants"),
    "other": ("id", "notes", "severity", ""),
}


@st.composite
def role_cells(draw: st.DrawFn, role: str) -> str:
    """A cell for a column holding ``role``; now and then one that belongs elsewhere."""
    if draw(st.integers(0, 20)) == 0:
        return draw(cells())
    if role == "time":
        return draw(time_texts())
    if role == "date":
        return draw(st.sampled_from(["2026-03-02", "02.03.2026", "0999-01-01", ""]) | TEXT)
    if role == "kind":
        return draw(st.sampled_from(KINDS))
    if role == "author":
        return draw(st.sampled_from([";", ",", "; "])).join(draw(st.lists(
            st.sampled_from(["Ana", "ana", " Ben ", "Cleo Park", "x" * 201, "B\x00en"]) | TEXT, max_size=3)))
    if role == "source" and draw(st.booleans()):
        return draw(st.sampled_from(["chat", "deploy log", "s" * 200, "s" * 201, "ch\x00at"]))
    return draw(cells()) if role == "other" else draw(TEXT.filter(str.strip) | st.sampled_from(["x" * 5000]))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file, structured enough to reach the rows most of the time: columns with roles
    (recognised names or random ones), cells that mostly fit their column, rows too short or long."""
    roles = draw(st.lists(st.sampled_from(sorted(ROLE_NAMES)), max_size=4))
    if draw(st.integers(0, 5)) > 0:
        roles = ["time", "text", *roles]
    roles = draw(st.permutations(roles)) or ["other"]
    header = [draw(st.sampled_from(ROLE_NAMES[role]) | TEXT) if draw(st.integers(0, 8)) == 0
              else draw(st.sampled_from(ROLE_NAMES[role])) for role in roles]
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(role_cells(role)) for role in roles]
        change = draw(st.integers(-6, 6))
        if change < -4:
            row = row[:change + 4]
        elif change > 4:
            row += [draw(cells())]
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    buffer = io.StringIO()
    style = draw(st.integers(0, 3))
    if style == 3:  # no quoting at all, as a hand-made file: broken quotes and all
        terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        buffer.write(terminator.join(delimiter.join(row) for row in rows))
        if draw(st.booleans()):
            buffer.write(terminator)
    else:
        quoting = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE)[style]
        terminator = draw(st.sampled_from(["\n", "\r\n"]))
        try:
            csv.writer(buffer, delimiter=delimiter, quoting=quoting, escapechar="\\",
                       lineterminator=terminator).writerows(rows)
        except csv.Error:  # QUOTE_NONE cannot write a row of one empty field
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8"] * 7 + ["utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


#: Mostly no options (the columns recognised, times read automatically); now and then any of them.
OPTIONS = st.just({}) | st.just({}) | st.fixed_dictionaries({}, optional={
    "time_format": st.sampled_from(FORMATS) | TEXT,
    "timezone": st.sampled_from(["", "UTC", "America/New_York", "Asia/Kathmandu", "Not/A_Zone", " "]),
    "mapping": st.dictionaries(st.sampled_from(["time", "date", "text", "kind", "source", "author", "who"]),
                               st.none() | st.integers(-1, 6) | st.sampled_from(HEADERS) | TEXT, max_size=3),
})


def _counts(library: Library) -> tuple[int, int]:
    with library.begin() as session:
        return (session.scalar(select(func.count()).select_from(TimelineEvent)) or 0,
                session.scalar(select(func.count()).select_from(Participant)) or 0)


def _check_one(library: Library, review_id: int, path: Path, options: dict[str, Any]) -> str:
    """Preview and import ``path``; assert the outcome rules; return which outcome it was
    (also recorded as a Hypothesis event: ``--hypothesis-show-statistics`` shows the mix)."""
    zone = library_zone(library, review_id)
    before = _counts(library)
    try:
        with library.begin() as session:
            preview = preview_csv(session, review_id, path, **options)
            if preview.problems:
                first = preview.first_problem()
                assert first is not None and first.startswith(str(path))
                assert all(p.row is None or p.row >= 1 for p in preview.problems)
                outcome = "problems"
            else:
                for row in preview.rows:
                    assert row_problems(row, zone) == [], row
                added = import_events(session, review_id, preview)
                assert added == preview.new
                outcome = "imported"
    except SourceError as exc:
        assert str(path) in str(exc).splitlines()[0], exc
        outcome = "refused"
    except InvalidFieldError as exc:
        assert exc.field in ("time format", "timezone", "map"), exc
        outcome = "refused"
    after = _counts(library)
    if outcome == "imported":
        assert after[0] == before[0] + added
        with library.begin() as session:  # everything stored reads back, inside the range
            moments = list(session.scalars(select(TimelineEvent.at)))
        assert all(EARLIEST <= at <= LATEST for at in moments)
    else:
        assert after == before, "a refused file wrote something"
    event(outcome)
    return outcome


def library_zone(library: Library, review_id: int) -> ZoneInfo:
    with library.begin() as session:
        return ZoneInfo(reviews.get_or_raise(session, review_id).timezone)


@pytest.fixture
def review_ids(library: Library) -> dict[str, int]:
    """One review per timezone, made once for all the examples of a test."""
    ids: dict[str, int] = {}
    with library.begin() as session:
        for zone in ZONES:
            ids[zone] = reviews.create(session, title=f"Review in {zone}", timezone=zone).id
    return ids


@settings(max_examples=EXAMPLES)
@given(content=csv_files(), options=OPTIONS, zone=st.sampled_from(ZONES))
def test_any_csv_file_imports_correctly_or_is_refused_whole(library: Library, review_ids: dict[str, int],
                                                            tmp_path: Path, content: bytes,
                                                            options: dict[str, Any], zone: str) -> None:
    """Structured files with random everything: the outcome rules hold for each."""
    path = tmp_path / "timeline.csv"
    path.write_bytes(content)
    _check_one(library, review_ids[zone], path, options)


@settings(max_examples=EXAMPLES)
@given(content=st.binary(max_size=300) | st.text(max_size=200).map(_utf8))
def test_random_bytes_are_refused_whole_or_read(library: Library, review_ids: dict[str, int], tmp_path: Path,
                                                content: bytes) -> None:
    """Bytes that were never a CSV file: never a traceback, never a write unless they are a timeline."""
    path = tmp_path / "noise.csv"
    path.write_bytes(content)
    _check_one(library, review_ids["UTC"], path, {})


@settings(max_examples=max(EXAMPLES // 4, 20))
@given(times=st.lists(time_texts(), min_size=1, max_size=8), zone=st.sampled_from(ZONES),
       time_format=st.none() | st.sampled_from(FORMATS[:2]))
def test_times_in_any_format_are_imported_in_range_or_named(library: Library, review_ids: dict[str, int],
                                                            tmp_path: Path, times: list[str], zone: str,
                                                            time_format: str | None) -> None:
    """A well-formed file whose only variable is the time: each refused time is a problem with its row."""
    path = tmp_path / "times.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["time", "text"])
    writer.writerows([value, f"event {i}"] for i, value in enumerate(times))
    path.write_text(buffer.getvalue(), encoding="utf-8")
    options: dict[str, Any] = {"time_format": time_format} if time_format else {}
    outcome = _check_one(library, review_ids[zone], path, options)
    assert outcome in ("imported", "problems")
    if outcome == "problems":
        with library.begin() as session:
            preview = preview_csv(session, review_ids[zone], path, **options)
        assert {p.row for p in preview.problems} <= set(range(2, len(times) + 2))
        assert all(p.message.startswith(("time", "no time")) for p in preview.problems)
