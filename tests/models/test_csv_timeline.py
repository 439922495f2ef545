"""CSV timelines: columns by name or mapping, every way of writing a time, refusals that name the row."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import reviews
from models.csv_timeline import (
    TimeReader,
    guess_mapping,
    parse_csv,
    preview_csv,
    sniff_delimiter,
    time_format_problem,
)
from models.entities import Participant, TimelineEvent
from models.errors import InvalidFieldError
from models.store import Library
from models.timeline_import import ImportRefusedError, import_events
from models.yamlsource import SourceError

BERLIN = ZoneInfo("Europe/Berlin")


def _review(library: Library, zone: str = "Europe/Berlin") -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone=zone).id


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _events(library: Library, review_id: int) -> list[TimelineEvent]:
    with library.begin() as session:
        return list(session.scalars(select(TimelineEvent).where(TimelineEvent.review_id == review_id)
                                    .order_by(TimelineEvent.at, TimelineEvent.id)))


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(TimelineEvent)) or 0


def _import(library: Library, review_id: int, path: Path, **options: object) -> int:
    with library.begin() as session:
        preview = preview_csv(session, review_id, path, **options)  # type: ignore[arg-type]
        assert preview.problems == (), preview.problems
        return import_events(session, review_id, preview)


def test_500_events_with_mixed_offsets_import_sorted_by_instant(library: Library, tmp_path: Path) -> None:
    """+01:00, Z, -05:00 and naive (review's zone) times all land on the right instant, in order."""
    review_id = _review(library)
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    instants = [start + timedelta(minutes=7 * i, seconds=i % 60) for i in range(500)]
    writers = [
        lambda m: m.astimezone(timezone(timedelta(hours=1))).isoformat(),
        lambda m: m.strftime("%Y-%m-%dT%H:%M:%SZ"),
        lambda m: m.astimezone(timezone(timedelta(hours=-5))).isoformat(),
        lambda m: m.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S"),
    ]
    lines = [(f"{writers[i % 4](m)},Event {i:03d},change,deploy log,Responder {i % 3}", i)
             for i, m in enumerate(instants)]
    random.Random(7).shuffle(lines)
    path = _write(tmp_path / "events.csv", "time,text,kind,source,author\n"
                  + "\n".join(line for line, _ in lines) + "\n")

    assert _import(library, review_id, path) == 500
    events = _events(library, review_id)
    assert [e.at for e in events] == instants
    assert [e.text for e in events] == [f"Event {i:03d}" for i in range(500)]
    with library.begin() as session:
        names = set(session.scalars(select(Participant.name).where(Participant.review_id == review_id)))
    assert names == {"Responder 0", "Responder 1", "Responder 2"}


def test_naive_times_are_read_in_the_review_timezone_with_a_notice(library: Library, tmp_path: Path) -> None:
    """A time without an offset is Berlin wall-clock time, and the preview says so."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02 10:14,Config pushed\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert preview.rows[0].at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert any("without an offset" in n and "Europe/Berlin" in n for n in preview.notices)


@pytest.mark.parametrize(("value", "words"), [
    ("2026-03-29 02:30", "does not exist in Europe/Berlin"),
    ("2026-10-25 02:30", "happened twice in Europe/Berlin"),
])
def test_a_wall_clock_time_changed_by_dst_is_a_row_problem(library: Library, tmp_path: Path, value: str,
                                                             words: str) -> None:
    """A skipped or repeated Berlin time names row 3 and is never shifted."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", f"time,text\n2026-03-02 10:14,Fine\n{value},Ambiguous\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert len(preview.problems) == 1
    assert preview.problems[0].row == 3 and words in preview.problems[0].message


@pytest.mark.parametrize(("header", "expected"), [
    (["Timestamp", "Message", "Type", "Origin", "User"],
     {"time": 0, "text": 1, "kind": 2, "source": 3, "author": 4}),
    (["  WHEN ", "Description", "Category", "Channel", "Who"],
     {"time": 0, "text": 1, "kind": 2, "source": 3, "author": 4}),
    # Issue 11: a short summary or title is the event's text before "event" or a long description.
    (["Time (UTC)", "event", "summary", "participant"], {"time": 0, "text": 2, "author": 3}),
    (["Date", "Time", "Summary", "Person"], {"date": 0, "time": 1, "text": 2, "author": 3}),
    (["datetime", "what happened", "person"], {"time": 0, "text": 1, "author": 2}),
])
def test_header_aliases_are_recognised(header: list[str], expected: dict[str, int]) -> None:
    """Common column names map to fields, whatever their case and spacing."""
    assert guess_mapping(header) == expected


def test_separate_date_and_time_columns_are_joined(library: Library, tmp_path: Path) -> None:
    """A Date column beside a Time column gives the day of each time."""
    review_id = _review(library, "UTC")
    path = _write(tmp_path / "t.csv", "Date,Time,Summary\n2026-03-02,09:14,Config pushed\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert preview.rows[0].at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def test_unrecognised_columns_are_a_problem_until_mapped(library: Library, tmp_path: Path) -> None:
    """Without a time column the preview lists the columns; an explicit mapping fixes it."""
    review_id = _review(library, "UTC")
    path = _write(tmp_path / "t.csv", "Zeitpunkt,Ereignis,Art\n2026-03-02T09:14:00Z,Konfiguration,change\n")
    with library.begin() as session:
        unmapped = preview_csv(session, review_id, path)
    assert unmapped.problems[0].row is None
    assert "no time column" in unmapped.problems[0].message and "'Zeitpunkt'" in unmapped.problems[0].message
    assert unmapped.first_problem() is not None and unmapped.first_problem().startswith(f"{path}: ")  # type: ignore[union-attr]
    mapping = {"time": "zeitpunkt", "text": "Ereignis", "kind": "Art"}
    with library.begin() as session:
        mapped = preview_csv(session, review_id, path, mapping=mapping)
    assert mapped.problems == ()
    assert (mapped.rows[0].text, mapped.rows[0].kind) == ("Konfiguration", "change")


def test_a_mapping_to_a_missing_column_is_refused(library: Library, tmp_path: Path) -> None:
    """Mapping to a column the file does not have names the file and the columns."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02T09:14:00Z,x\n")
    message = r"t\.csv: map: no column 'When' \(the columns are: 'time', 'text'\)"
    with pytest.raises(SourceError, match=message), library.begin() as session:
        preview_csv(session, review_id, path, mapping={"time": "When"})


def test_a_user_time_format_and_timezone(library: Library, tmp_path: Path) -> None:
    """Day-first times in a chosen format are read in the chosen timezone, not the review's."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time;text\n02/03/2026 09:14;Config pushed\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path, time_format="%d/%m/%Y %H:%M",
                              timezone="America/New_York")
    assert preview.problems == ()
    assert preview.rows[0].at == datetime(2026, 3, 2, 14, 14, tzinfo=UTC)
    assert any("America/New_York (the timezone you chose)" in n for n in preview.notices)


def test_a_time_that_does_not_match_the_format_names_its_row(library: Library, tmp_path: Path) -> None:
    """The chosen format is applied strictly; the row and the value are named."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n02/03/2026 09:14,a\n2026-03-02 09:15,b\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path, time_format="%d/%m/%Y %H:%M")
    assert [(p.row, p.message) for p in preview.problems] == [
        (3, "time '2026-03-02 09:15' does not match the time format %d/%m/%Y %H:%M")]


def test_a_time_format_without_codes_is_refused(library: Library, tmp_path: Path) -> None:
    """'dd/mm/yyyy' is not a strptime format; the message shows one that is."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n02/03/2026,a\n")
    with pytest.raises(InvalidFieldError, match="%d/%m/%Y"), library.begin() as session:
        preview_csv(session, review_id, path, time_format="dd/mm/yyyy")


def test_rfc_2822_times(tmp_path: Path) -> None:
    """Email-style times with their offset are read exactly."""
    path = _write(tmp_path / "t.csv", 'time,text\n"Mon, 02 Mar 2026 10:14:00 +0100",Config pushed\n')
    parsed = parse_csv(path, zone=BERLIN)
    assert parsed.problems == ()
    assert parsed.rows[0].at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def test_an_unparseable_time_names_row_and_value(library: Library, tmp_path: Path) -> None:
    """Row 4 (header is row 1) with 'yesterday' is a problem; nothing can be imported."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02T09:14Z,a\n2026-03-02T09:15Z,b\nyesterday,c\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert len(preview.problems) == 1
    assert preview.problems[0].row == 4 and "'yesterday'" in preview.problems[0].message
    assert preview.first_problem() == f"{path}, row 4: {preview.problems[0].message}"
    with pytest.raises(ImportRefusedError, match="row 4"), library.begin() as session:
        import_events(session, review_id, preview)
    assert _count(library) == 0


def test_unknown_kinds_become_observations_with_a_notice(tmp_path: Path) -> None:
    """'Detection' is a kind; 'page' is not and is imported as observation, said in a notice."""
    path = _write(tmp_path / "t.csv",
                  "time,text,kind\n2026-03-02T09:14Z,a,Detection\n2026-03-02T09:15Z,b,page\n")
    parsed = parse_csv(path, zone=BERLIN)
    assert [r.kind for r in parsed.rows] == ["detection", "observation"]
    assert any("'page' (1 row)" in n for n in parsed.notices)


def test_semicolon_and_tab_delimiters_are_found() -> None:
    """The header's delimiter wins: comma, semicolon or tab."""
    assert sniff_delimiter("time;text;kind\n1;2;3\n") == ";"
    assert sniff_delimiter("time\ttext\n1\t2\n") == "\t"
    assert sniff_delimiter("time,text\n1,2\n") == ","


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" starts with a BOM; the first column is still "time"."""
    path = tmp_path / "bom.csv"
    path.write_bytes("time,text\n2026-03-02T09:14Z,Café ☕\n".encode("utf-8-sig"))
    parsed = parse_csv(path, zone=BERLIN)
    assert parsed.problems == () and parsed.rows[0].text == "Café ☕"


def test_authors_become_participants_in_the_same_transaction(library: Library, tmp_path: Path) -> None:
    """'Ana; Ben' makes two participants, once each, and links both to the event."""
    review_id = _review(library)
    with library.begin() as session:
        reviews.add_participant(session, review_id, name="Ana")
    path = _write(tmp_path / "t.csv",
                  "time,text,who\n2026-03-02T09:14Z,a,ana; Ben\n2026-03-02T09:15Z,b,Ben\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert preview.new_participants == ("Ben",)
    _import(library, review_id, path)
    events = _events(library, review_id)
    with library.begin() as session:
        linked = [[p.name for p in session.get(TimelineEvent, e.id).participants] for e in events]  # type: ignore[union-attr]
        people = list(session.scalars(select(Participant.name).where(Participant.review_id == review_id)))
    assert sorted(people) == ["Ana", "Ben"]
    assert linked == [["Ana", "Ben"], ["Ben"]]


def test_approximate_times_start_with_a_tilde(tmp_path: Path) -> None:
    """'~2026-03-02 09:14' is an approximate time."""
    path = _write(tmp_path / "t.csv", "time,text\n~2026-03-02T09:14Z,About then\n")
    parsed = parse_csv(path, zone=BERLIN)
    assert parsed.rows[0].approximate is True
    assert parsed.rows[0].at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def test_reimporting_the_same_csv_adds_nothing(library: Library, tmp_path: Path) -> None:
    """The second import finds every row already in the timeline."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text,kind\n2026-03-02T09:14Z,a,change\n2026-03-02T09:15Z,b,\n")
    assert _import(library, review_id, path) == 2
    with library.begin() as session:
        again = preview_csv(session, review_id, path)
    assert (again.new, again.duplicates) == (0, 2)
    assert _import(library, review_id, path) == 0
    assert _count(library) == 2


def test_an_event_typed_by_hand_counts_as_already_there(library: Library, tmp_path: Path) -> None:
    """An event with the same time and text, without an external id, is not imported twice."""
    from models.timeline import add_event

    review_id = _review(library)
    with library.begin() as session:
        add_event(session, review_id, at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC), text="Config pushed")
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02T09:14Z,Config pushed\n2026-03-02T09:20Z,New\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert (preview.new, preview.duplicates) == (1, 1)


def test_a_row_repeated_in_the_file_is_taken_once(tmp_path: Path) -> None:
    """Two identical rows would collide; the second is left out with a notice."""
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02T09:14Z,a\n2026-03-02T09:14Z,a\n")
    parsed = parse_csv(path, zone=BERLIN)
    assert len(parsed.rows) == 1 and parsed.skipped == 1
    assert any("repeat an earlier row" in n for n in parsed.notices)


def test_too_many_values_in_a_row_is_a_problem(tmp_path: Path) -> None:
    """An unquoted comma in the text shifts the columns; the row is named, not guessed at."""
    path = _write(tmp_path / "t.csv", "time,text\n2026-03-02T09:14Z,Rolled back, then paged\n")
    parsed = parse_csv(path, zone=BERLIN)
    assert parsed.problems[0].row == 2
    assert "3 values but the header has 2 columns" in parsed.problems[0].message


def test_a_missing_header_is_refused_naming_the_file(tmp_path: Path) -> None:
    """A file that starts with data is refused, naming the file."""
    path = _write(tmp_path / "nohead.csv", "2026-03-02T09:14:00Z,Config pushed\n")
    with pytest.raises(SourceError, match=r"nohead\.csv: no header row: the first row holds data"):
        parse_csv(path, zone=BERLIN)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    """A 0-byte file is refused, naming the file."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match=r"empty\.csv: the file is empty \(0 bytes\)"):
        parse_csv(path, zone=BERLIN)


def test_a_non_utf8_file_is_refused_naming_the_byte(tmp_path: Path) -> None:
    """A Latin-1 file is refused with the byte offset (and line) of the first bad byte."""
    path = tmp_path / "latin1.csv"
    path.write_bytes("time,text\n2026-03-02T09:14Z,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin1\.csv: not UTF-8 text \(byte 31, line 2\)"):
        parse_csv(path, zone=BERLIN)


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"2026-03-02T09:14Z,x\n", b"a,b\n"])
def test_a_refused_file_leaves_the_library_unchanged(library: Library, tmp_path: Path,
                                                      content: bytes) -> None:
    """Whatever is wrong with the file, no event or participant appears."""
    review_id = _review(library)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError), library.begin() as session:
        preview = preview_csv(session, review_id, path)
        if preview.problems:
            raise SourceError(preview.first_problem() or "", path=str(path))
        import_events(session, review_id, preview)
    assert _count(library) == 0


def test_an_unclosed_quote_is_refused_naming_its_row(tmp_path: Path) -> None:
    """A stray quote on row 3 does not swallow rows 3 to the end into one event."""
    path = tmp_path / "quote.csv"
    rows = ["time,text", "2026-03-02T09:14:00Z,first", '2026-03-02T09:15:00Z,"second is cut off']
    rows += [f"2026-03-02T09:{16 + i}:00Z,row {i}" for i in range(7)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_csv(path, zone=ZoneInfo("UTC"))
    assert "row 3" in str(caught.value) and "never closed" in str(caught.value)
    assert str(path) in str(caught.value)


# Issue 8: one time range, one boundary, the columns' text limits, named by row and field.

def _problems(library: Library, review_id: int, path: Path,
              **options: object) -> list[tuple[int | None, str]]:
    """The preview's problems; the library is checked to be left as it was."""
    before = _count(library)
    with library.begin() as session:
        preview = preview_csv(session, review_id, path, **options)  # type: ignore[arg-type]
        with pytest.raises(ImportRefusedError):
            import_events(session, review_id, preview)
    assert _count(library) == before
    return [(p.row, p.message) for p in preview.problems]


@pytest.mark.parametrize(("value", "year"), [
    ("0999-03-02T09:14:00Z", "999"),          # was imported and stored as "999-03-02 …"
    ("0001-01-01T00:00:00+01:00", "1"),       # was an OverflowError
    ("0001-01-01 00:30", "1"),                # naive: overflowed in the review's zone
    ("9999-12-31T23:59:59-05:00", "9999"),    # overflowed the other way
    ("2201-01-01T00:00:00Z", "2201"),
    ("1900-01-01 00:30", "1899"),             # Berlin wall-clock before 1900-01-01 UTC
])
def test_a_time_outside_1900_to_2200_is_a_problem_naming_row_and_field(library: Library, tmp_path: Path,
                                                                       value: str, year: str) -> None:
    """Row 3's time is refused with its value and the range; row 2 alone would have imported."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", f"time,text\n2026-03-02T09:14Z,fine\n{value},typo\n")
    assert _problems(library, review_id, path) == [
        (3, f"time {value!r}: the year {year} is outside the years 1900 to 2200")]


def test_a_time_format_reads_times_in_range_only(library: Library, tmp_path: Path) -> None:
    """A chosen format's year 0999 is refused like an ISO one (strptime reads it happily)."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n02.03.0999 10:14,typo\n")
    assert _problems(library, review_id, path, time_format="%d.%m.%Y %H:%M") == [
        (2, "time '02.03.0999 10:14': the year 999 is outside the years 1900 to 2200")]


def test_a_data_row_that_overflows_is_not_taken_for_a_header(tmp_path: Path) -> None:
    """The header check reads times too: a year-1 time with an offset was an OverflowError there."""
    path = _write(tmp_path / "t.csv", "0001-01-01T00:00:00+01:00,b\n")
    parsed = parse_csv(path, zone=BERLIN)
    assert [p.message.split(":")[0] for p in parsed.problems] == ["no time column", "no text column"]


@pytest.mark.parametrize(("time_format", "missing"), [
    ("%H:%M", "date"),                 # imported every row on 1900-01-01
    ("%H:%M:%S %z", "date"),
    ("%d.%m %H:%M", "year"),           # every row in 1900
    ("%d %H:%M", "month and year"),
    ("%m/%Y %H:%M", "day"),
    ("%Y %H:%M", "day and month"),
    ("%W %H:%M", "date"),              # a week without a weekday or year
])
def test_a_time_format_without_a_whole_date_is_refused(library: Library, tmp_path: Path, time_format: str,
                                                       missing: str) -> None:
    """strptime fills in 1900-01-01 for what a format leaves out: such a format is refused up front."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "time,text\n09:14,a\n")
    with pytest.raises(InvalidFieldError) as caught, library.begin() as session:
        preview_csv(session, review_id, path, time_format=time_format)
    assert caught.value.field == "time format"
    assert caught.value.reason.startswith(f"{time_format!r} has no {missing}, so every row would get")
    assert _count(library) == 0


@pytest.mark.parametrize(("time_format", "message"), [
    ("%d/%m/%Y %Q", "%Q is not a strptime code"),
    ("%d/%m/%Y %H:%M %", "ends with a lone %"),
])
def test_a_time_format_with_a_bad_code_is_refused(tmp_path: Path, time_format: str, message: str) -> None:
    """Codes strptime does not know are refused before any row, not as a problem on every row."""
    path = _write(tmp_path / "t.csv", "time,text\n02/03/2026 09:14,a\n")
    with pytest.raises(InvalidFieldError, match=message):
        parse_csv(path, zone=BERLIN, time_format=time_format)


@pytest.mark.parametrize(("time_format", "value"), [
    ("%d/%m/%Y %H:%M", "02/03/2026 10:14"),
    ("%Y-%j %H:%M", "2026-061 10:14"),
    ("%c", "Mon Mar  2 10:14:00 2026"),
    ("%x %X", "03/02/26 10:14:00"),
    ("%G-W%V-%u %H:%M", "2026-W10-1 10:14"),
    ("%d %B %Y, %I:%M %p", "02 March 2026, 10:14 AM"),
    ("100%% %d/%m/%Y %H:%M", "100% 02/03/2026 10:14"),
])
def test_time_formats_with_a_whole_date_are_read(tmp_path: Path, time_format: str, value: str) -> None:
    """Day, month and year in any of the ways strptime spells them."""
    path = _write(tmp_path / "t.csv", f'time,text\n"{value}",a\n')
    parsed = parse_csv(path, zone=BERLIN, time_format=time_format)
    assert parsed.problems == ()
    assert parsed.rows[0].at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def test_a_cell_over_the_csv_field_limit_names_its_row(tmp_path: Path) -> None:
    """A 140,000-character cell on row 4 (which starts on line 5: row 3 spans two lines) names row 4."""
    path = _write(tmp_path / "t.csv", 'time,text\n2026-03-02T09:14Z,a\n2026-03-02T09:15Z,"two\nlines"\n'
                  f"2026-03-02T09:16Z,{'y' * 140_000}\n")
    with pytest.raises(SourceError) as caught:
        parse_csv(path, zone=BERLIN)
    assert str(caught.value).startswith(f"{path}: row 4 (line 5): a value is longer than 131,072 characters")


def test_a_nul_in_a_cell_is_a_problem_naming_row_and_column(library: Library, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL; SQLite could: both refuse it at preview, with row and column."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "when,what,via,who\n2026-03-02T09:14Z,a\x00b,chat,Ana\n"
                  "2026-03-02T09:15Z,c,ch\x00at,Ana\n2026-03-02T09:16Z,d,chat,B\x00en\n")
    assert _problems(library, review_id, path) == [
        (2, "text (column 'what') contains a NUL character (at position 2)"),
        (3, "source (column 'via') contains a NUL character (at position 3)"),
        (4, "author (column 'who') 'B\\x00en' contains a NUL character (at position 2)"),
    ]


def test_a_source_or_name_longer_than_its_column_is_a_problem(library: Library, tmp_path: Path) -> None:
    """Source and participant names are String(200): 201 characters are refused with row and column."""
    review_id = _review(library)
    long = "x" * 201
    path = _write(tmp_path / "t.csv", f"time,text,source,author\n2026-03-02T09:14Z,a,{long},Ana\n"
                  f"2026-03-02T09:15Z,b,chat,{long}\n2026-03-02T09:16Z,c,{'y' * 200},{'z' * 200}\n")
    assert _problems(library, review_id, path) == [
        (2, "source (column 'source') is 201 characters long; at most 200 fit"),
        (3, f"author (column 'author') '{'x' * 40}…' is 201 characters long; at most 200 fit"),
    ]


def test_one_person_named_twice_in_a_row_is_linked_once(library: Library, tmp_path: Path) -> None:
    """"Ana; ana" is one participant on the event (two links to her broke the write)."""
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", 'time,text,author\n2026-03-02T09:14Z,a,"Ana; ana;  ANA "\n')
    assert _import(library, review_id, path) == 1
    with library.begin() as session:
        event = session.scalars(select(TimelineEvent)).one()
        assert [p.name for p in event.participants] == ["Ana"]


def test_an_unforeseen_error_names_the_file_and_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line: anything unexpected while reading row 3 is one SourceError naming file and row."""
    from models import csv_timeline

    def broken(value: str) -> str | None:
        if value == "boom":
            raise KeyError("surprise")
        return "observation"

    monkeypatch.setattr(csv_timeline, "event_kind", broken)
    path = _write(tmp_path / "t.csv", "time,text,kind\n2026-03-02T09:14Z,a,\n2026-03-02T09:15Z,b,boom\n")
    with pytest.raises(SourceError) as caught:
        parse_csv(path, zone=BERLIN)
    assert str(caught.value) == f"{path}: row 3: cannot be read (KeyError: 'surprise')"



# Issue 11: what incident tools export.

@pytest.mark.parametrize(("header", "expected"), [
    (["CreatedAt", "Message", "Owner"], {"time": 0, "text": 1, "author": 2}),                  # Opsgenie
    (["time", "title", "text"], {"time": 0, "text": 1, "detail": 2}),                         # Grafana-ish
    (["date_happened", "title", "text", "source_type_name"],
     {"time": 0, "text": 1, "detail": 2}),                                                      # Datadog
    (["Created", "Summary", "Description", "Assignee"],
     {"time": 0, "text": 1, "detail": 2, "author": 3}),                                         # Jira
    (["created_on", "agent", "summary"], {"time": 0, "author": 1, "text": 2}),                 # PagerDuty
    (["display_at", "body", "login"], {"time": 0, "text": 1, "author": 2}),                    # Statuspage
])
def test_incident_tool_headers_are_recognised(header: list[str], expected: dict[str, int]) -> None:
    assert guess_mapping(header) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1622972820", datetime(2021, 6, 6, 9, 47, tzinfo=UTC)),         # seconds (Opsgenie, Datadog)
    ("1622972820000", datetime(2021, 6, 6, 9, 47, tzinfo=UTC)),      # milliseconds (Grafana)
    ("1622972820.5", datetime(2021, 6, 6, 9, 47, 0, 500000, tzinfo=UTC)),
])
def test_epoch_times_are_detected(value: str, expected: datetime) -> None:
    assert TimeReader(ZoneInfo("Europe/Berlin")).read(value) == expected


def test_epoch_can_be_forced_and_says_what_it_expected() -> None:
    reader = TimeReader(ZoneInfo("UTC"), "epoch_ms")
    assert reader.read("1622972820000") == datetime(2021, 6, 6, 9, 47, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a number of milliseconds since 1970"):
        reader.read("08/Jun/21 9:47 AM")
    assert time_format_problem("epoch") is None and time_format_problem("epoch_ms") is None


@pytest.mark.parametrize(("value", "expected"), [
    ("08/Jun/21 9:47 AM", datetime(2021, 6, 8, 7, 47, tzinfo=UTC)),   # Jira, read in Berlin (CEST)
    ("Jun 8, 2021 9:47 PM", datetime(2021, 6, 8, 19, 47, tzinfo=UTC)),
    ("8 June 2021 09:47", datetime(2021, 6, 8, 7, 47, tzinfo=UTC)),
])
def test_named_months_and_am_pm_are_read_when_unambiguous(value: str, expected: datetime) -> None:
    assert TimeReader(ZoneInfo("Europe/Berlin")).read(value) == expected


def test_no_time_column_suggests_the_best_candidate(library: Library, tmp_path: Path) -> None:
    review_id = _review(library)
    path = _write(tmp_path / "t.csv", "incident_opened_date,what\n2026-03-02 10:14,Fine\n")
    with library.begin() as session:
        preview = preview_csv(session, review_id, path)
    assert [p.message for p in preview.problems if "--map time=incident_opened_date" in p.message]


@given(st.integers(min_value=-2208988800, max_value=7258118399))
def test_every_epoch_second_in_range_reads_back(seconds: int) -> None:
    """Epoch seconds between 1900 and 2200 (10 digits or fewer) read back as that instant, or are refused."""
    text = str(seconds)
    moment = datetime.fromtimestamp(seconds, UTC)
    try:
        read = TimeReader(ZoneInfo("UTC")).read(text)
    except ValueError:
        return  # not the shape of an epoch (negative, or fewer than 9 digits): refused with a message
    assert read == moment


def test_a_day_month_swap_is_never_silent(library: Library, tmp_path: Path) -> None:
    """Issue 11: 06/08/2021 read with a wrong '%d/%m/%Y …' gives August, far from a June incident: both
    the ambiguity and the distance are said, with the first date."""
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors", timezone="UTC",
                                   started_at=datetime(2021, 6, 8, 9, 0, tzinfo=UTC)).id
    rows = "".join(f"06/08/2021 {9 + i % 3}:{10 + i:02d} AM,event {i}\n" for i in range(26))
    path = _write(tmp_path / "jira.csv", "Created,Summary\n" + rows)
    with library.begin() as session:
        wrong = preview_csv(session, review_id, path, time_format="%d/%m/%Y %I:%M %p")
        right = preview_csv(session, review_id, path, time_format="%m/%d/%Y %I:%M %p")
    assert not wrong.problems and len(wrong.rows) == 26
    ambiguity = [n for n in wrong.notices if "day of 12 or less" in n]
    assert ambiguity and "06 August 2021" in ambiguity[0] and "'%m/%d/%Y %I:%M %p'" in ambiguity[0]
    assert any("days from the incident's start" in n for n in wrong.notices)
    assert not any("days from the incident's start" in n for n in right.notices)


def test_an_ambiguous_numeric_date_asks_for_the_format_with_both_choices() -> None:
    with pytest.raises(ValueError, match=r"could be day/month or month/day; give the format: "
                                         r"--time-format '%m/%d/%Y %I:%M %p' or '%d/%m/%Y %I:%M %p'"):
        TimeReader(ZoneInfo("UTC")).read("06/08/2021 9:47 AM")


@pytest.mark.parametrize(("value", "kind"), [
    ("trigger_log_entry", "detection"), ("acknowledge_log_entry", "action"),
    ("resolve_log_entry", "resolution"), ("escalate_log_entry", "escalation"),
    ("Acknowledged", "action"), ("investigating", "communication"), ("Deploy", "change"),
    ("Detection", "detection"), ("mystery", None),
])
def test_tool_entry_types_map_to_event_kinds(value: str, kind: str | None) -> None:
    from models.timeline_import import event_kind

    assert event_kind(value) == kind
