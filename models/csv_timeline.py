"""Timelines from CSV files with a header row.

The columns are recognised by name (``time``/``timestamp``/``date``/``when``,
``text``/``message``/``description``/…, ``kind``/``type``/``category``,
``source``/``origin``/``channel``, ``author``/``user``/``who``/…; any case,
"Time (UTC)" counts as "time"), or given as an explicit mapping from field to
column. A file with separate ``date`` and ``time`` columns has them joined.
A short summary or title is the event's text; a longer description, body or
notes column beside it is kept as the event's ``detail`` (line breaks and all).

Times are ISO 8601 (with an offset or ``Z``), RFC 2822, or follow a
strptime format the user chose. A time without an offset is wall-clock time
in the chosen timezone (the review's by default, and the preview says so);
one that the zone skipped or repeated (a daylight-saving change) is a row
problem, never shifted. A time starting with "~" or "≈" is approximate.

Kinds are event kind ids or labels in any case ("Detection"); an unknown
kind is imported as ``observation`` and the preview lists the unknown
values as a notice: a spreadsheet's own categories should not block an
import, but nobody should be surprised by them either.

Every time must fall between 1900 and 2200 (:func:`models.limits.check_moment`,
in the zone it was read in), and a time format must spell a whole date: "%H:%M"
would date every row 1 January 1900, so it is refused before any row is read.
Texts, sources and names are checked against their columns (no NUL, no more
characters than fit) with the row and the column named.

Whatever goes wrong while reading ends as one :class:`SourceError` naming the
file and, while a row is being read, the row: never a traceback.

Row numbers count as a spreadsheet does: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from operator import attrgetter
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import reviews
from models.errors import DomainError, InvalidFieldError
from models.import_profiles import ImportProfile, load_profiles
from models.import_profiles import detect as detect_profile
from models.limits import EARLIEST, LATEST, RANGE_TEXT, check_moment
from models.store import config_dir
from models.timefmt import as_utc
from models.timeline_import import (
    MAX_NAME,
    MAX_SOURCE,
    ImportPreview,
    ImportProblem,
    ParsedRow,
    ParsedTimeline,
    content_id,
    drop_repeats,
    event_kind,
    make_preview,
    value_problem,
)
from models.timeparse import parse_time
from models.vocabulary import EVENT_KINDS
from models.yamlsource import SourceError

#: The fields a column can be mapped to, in the order a person fills them in.
FIELDS = ("time", "date", "text", "kind", "source", "author", "detail")
REQUIRED_FIELDS = ("time", "text")

#: Header names recognised for each field (normalised: lower case, single spaces), best first.
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("timestamp", "time stamp", "datetime", "date time", "date and time", "time", "when",
             "event time", "occurred at", "at", "created at", "createdat", "created on", "created",
             "date happened", "display at", "date"),
    "date": ("date", "day"),
    # A short summary or title before a long description or body (Jira: Summary and Description;
    # Datadog: title and text): the event's text is what a person reads in one line.
    "text": ("summary", "title", "what happened", "event", "message", "text", "what", "description",
             "details", "detail", "content", "body", "note", "notes"),
    "kind": ("kind", "type", "category", "event kind", "event type"),
    "source": ("source", "origin", "channel", "via", "how we know"),
    "author": ("author", "authors", "user", "users", "who", "participant", "participants", "person",
               "people", "user name", "username", "actor", "by", "agent", "owner", "assignee", "login",
               "assigned to user names", "assigned to"),
    # What is left of the long form once the text has its column (Jira: Description beside Summary;
    # Datadog: text beside title; PagerDuty: the channel's details beside the summary).
    "detail": ("detail", "details", "description", "long description", "channel details", "event details",
               "body", "text", "message", "content", "notes", "note", "comments", "comment"),
}

DELIMITERS = ",;\t"
_SNIFF_BYTES = 64 * 1024
_DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")
_PARENTHESISED = re.compile(r"\s*[(\[].*?[)\]]\s*")
_APPROXIMATE = ("~", "≈")
_AUTHOR_SPLIT = re.compile(r"[;,]")
#: How often (in rows) a reader's progress callback hears how far it got.
PROGRESS_EVERY = 1000
#: A progress callback: the number of rows read so far.
Progress = Callable[[int], None]
_TIME_HINT = "use ISO 8601 like 2026-03-02T09:14:00+01:00, RFC 2822, or choose a time format"

#: The codes :func:`datetime.strptime` knows (Python 3.11), and those that make up a date.
_STRPTIME_CODES = frozenset("aAwdbBmyYHIpMSfzjUWcxXGuVZ%")
_WHOLE_DATE = frozenset("cx")
_YEAR = frozenset("YyG")
_MONTH = frozenset("bBm")
_WEEK = frozenset("UWV")
_WEEKDAY = frozenset("aAwu")
_CODE = re.compile(r"%(.?)", re.DOTALL)


def normalise_header(name: str) -> str:
    """A header cell as the aliases spell it: "Time (UTC)" and " TIME_STAMP " become "time", "time stamp"."""
    name = _PARENTHESISED.sub(" ", name.replace("\ufeff", ""))
    return " ".join(re.sub(r"[_\-./]+", " ", name).split()).casefold()


def guess_mapping(columns: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Field → column index for the columns whose names are recognised."""
    names = [normalise_header(c) for c in columns]
    found: dict[str, int] = {}
    used: set[int] = set()

    def take(field: str, alias: str) -> bool:
        for index, name in enumerate(names):
            if name == alias and index not in used:
                found[field] = index
                used.add(index)
                return True
        return False

    # A "Date" column beside a "Time" column holds the day, the time column only the time of day.
    if "date" in names and "time" in names:
        take("time", "time")
        take("date", "date")
    for field in ("time", "text", "kind", "source", "author", "detail"):
        if field not in found:
            any(take(field, alias) for alias in ALIASES[field])
    return found


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str | int | None] | None,
                    *, path: Path) -> dict[str, int]:
    """The guessed mapping with ``mapping`` applied: a column name (any case) or index, None to unmap."""
    resolved = guess_mapping(columns)
    if not mapping:
        return resolved
    by_name: dict[str, int] = {}
    for index, name in enumerate(columns):
        by_name.setdefault(name.strip().casefold(), index)
    for field, column in mapping.items():
        if field not in FIELDS:
            raise InvalidFieldError("map", f"{field!r} is not a field (fields: {', '.join(FIELDS)})")
        if column is None or (isinstance(column, str) and not column.strip()):
            resolved.pop(field, None)
            continue
        if isinstance(column, int):
            if not 0 <= column < len(columns):
                raise SourceError(f"there is no column {column + 1} (the file has {len(columns)})",
                                  path=str(path), field="map")
            index = column
        else:
            found = by_name.get(column.strip().casefold())
            if found is None:
                raise SourceError(f"no column {column!r} (the columns are: {_list(columns)})",
                                  path=str(path), field="map")
            index = found
        for other, other_index in list(resolved.items()):
            if other_index == index and other != field:
                del resolved[other]
        resolved[field] = index
    return resolved


def read_text(path: Path) -> str:
    """The file as text: UTF-8 with or without BOM; anything else is refused naming the byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    if not data:
        raise SourceError("the file is empty (0 bytes); a timeline CSV starts with a header row",
                          path=str(path))
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if bom else 0)
        line = data.count(b"\n", 0, offset) + 1
        raise SourceError(f"not UTF-8 text (byte {offset}, line {line}); save it as UTF-8 (\"CSV UTF-8\")",
                          path=str(path)) from exc


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the header uses (csv.Sniffer decides between several)."""
    header = text.split("\n", 1)[0]
    present = [d for d in DELIMITERS if d in header]
    if len(present) <= 1:
        return present[0] if present else ","
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(present)).delimiter
    except csv.Error:
        found = ""
    return found if found in present else max(present, key=header.count)


#: Time formats that are not strptime codes: seconds or milliseconds since 1970 (UTC).
EPOCH_FORMATS = ("epoch", "epoch_ms")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_AM_PM = re.compile(r"\b[AP]\.?M\.?\b")
_EPOCH_SECONDS = re.compile(r"[0-9]{9,10}(\.[0-9]{1,6})?")
_EPOCH_MILLIS = re.compile(r"[0-9]{12,13}")
_LINE_BREAK = re.compile(r"\r\n?")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Times with the month written as a name: the day and month cannot be mixed up. First match wins.
NAMED_MONTH_FORMATS = (
    "%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M",
    "%d-%b-%Y %H:%M:%S", "%d-%b-%Y %H:%M", "%d-%b-%y %I:%M %p", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M",
    "%d %B %Y %H:%M", "%d %b %Y %I:%M %p", "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M:%S", "%b %d, %Y %H:%M", "%B %d, %Y %I:%M %p", "%B %d, %Y %H:%M",
    "%b %d %Y %H:%M:%S", "%a %b %d %Y %H:%M:%S", "%a, %d %b %Y %I:%M %p",
)


def _epoch(value: str, *, unit: str | None = None, strict: bool = False) -> datetime | None:
    """``value`` as seconds (10 digits, or ``unit`` epoch) or milliseconds (13 digits, ``epoch_ms``)
    since 1970; None when it is not such a number (a ``ValueError`` instead when ``strict``).

    Read exactly, to the microsecond (no float rounding). A number too far from 1970 for any
    date is a ``ValueError`` naming the range, whether or not ``strict``.
    """
    text = value.strip()
    millis = unit == "epoch_ms" or (unit is None and _EPOCH_MILLIS.fullmatch(text) is not None)
    if millis or unit == "epoch" or (unit is None and _EPOCH_SECONDS.fullmatch(text)):
        moment = _since_1970(value, text, 3 if millis else 0)
        if moment is not None:
            return moment
    if strict:
        what = "milliseconds" if unit == "epoch_ms" else "seconds"
        raise ValueError(f"time {value!r} is not a number of {what} since 1970 (--time-format {unit})")
    return None


#: Seconds from 1970 past which a number is refused before it is worked out (no date is that far).
_EPOCH_LIMIT = 10**12


def _since_1970(value: str, text: str, scale: int) -> datetime | None:
    """``text`` (a plain or decimal number, ASCII only, "1.6E9" too) of 10**-``scale`` seconds since
    1970 as a UTC instant; None when it is no number; ``ValueError`` when no date is that far."""
    if not text.isascii():
        return None  # "²" and other digits int() and Decimal do not all read alike
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    # The exponent first: "1E999999" would overflow Decimal's own arithmetic (and is no date).
    if amount.is_zero() or amount.adjusted() <= 15:
        seconds = amount.scaleb(-scale)
        if abs(seconds) <= _EPOCH_LIMIT:
            micros = int(seconds.scaleb(6).to_integral_value(rounding=ROUND_HALF_EVEN))
            try:
                return _UNIX_EPOCH + timedelta(microseconds=micros)
            except OverflowError:
                pass  # before year 1 or after 9999
    unit = "milliseconds" if scale else "seconds"
    raise ValueError(f"time {value!r} as {unit} since 1970 is outside the years {RANGE_TEXT}")


def _named_month(value: str) -> datetime | None:
    """``value`` read with a month name (Jira's "08/Jun/21 9:47 AM"), or None."""
    text = " ".join(value.split())
    for time_format in NAMED_MONTH_FORMATS:
        try:
            return datetime.strptime(text, time_format)
        except ValueError:
            continue
    return None


def time_format_problem(time_format: str) -> str | None:
    """Why ``time_format`` cannot read a timeline's times (None when it can).

    strptime fills in what a format leaves out with 1900-01-01: "%H:%M" would
    import every row on 1 January 1900, "%d.%m %H:%M" every row in 1900. A
    format must spell the year, the month and the day (or a day of the year, a
    week and weekday, or a whole date like %c, %x), and only codes strptime knows.
    """
    if time_format in EPOCH_FORMATS:
        return None
    if "%" not in time_format:
        return (f"{time_format!r} has no strptime codes; write it like %d/%m/%Y %H:%M "
                f"(or epoch / epoch_ms for seconds or milliseconds since 1970)")
    codes: set[str] = set()
    for match in _CODE.finditer(time_format):
        code = match.group(1)
        if not code:
            return f"{time_format!r} ends with a lone %; write %% for a percent sign"
        if code not in _STRPTIME_CODES:
            return f"{time_format!r}: %{code} is not a strptime code"
        codes.add(code)
    if codes & _WHOLE_DATE:
        return None
    by_week = bool(codes & _WEEK and codes & _WEEKDAY)
    missing = [part for part, present in (
        ("day", "d" in codes or "j" in codes or by_week),
        ("month", bool(codes & _MONTH) or "j" in codes or by_week),
        ("year", bool(codes & _YEAR)),
    ) if not present]
    if not missing:
        return None
    what = "date" if len(missing) == 3 else " and ".join(missing)
    return (f"{time_format!r} has no {what}, so every row would get the same made-up {what} "
            f"(strptime fills in 1900-01-01); include it, like %d/%m/%Y %H:%M, or map a date column "
            f"and write the format as date then time")


class TimeReader:
    """Reads one time value after another, counting those without an offset."""

    def __init__(self, zone: ZoneInfo, time_format: str | None = None) -> None:
        self.zone = zone
        self.time_format = time_format or None
        self.naive = 0

    def read(self, value: str) -> datetime:
        """``value`` as a UTC instant; ``ValueError`` with the reason when it is not one.

        Only instants the library can hold come back: between 1900 and 2200 and
        readable in the zone (:func:`models.limits.check_moment`).
        """
        if self.time_format in EPOCH_FORMATS:
            read = _epoch(value, unit=self.time_format, strict=True)
            assert read is not None  # strict: a value that is not one raised
            moment = read
        elif self.time_format:
            try:
                moment = datetime.strptime(value, self.time_format)
            except (ValueError, OverflowError):
                raise ValueError(f"time {value!r} does not match the time format {self.time_format}") \
                    from None
        else:
            moment = self._automatic(value)
        if moment.utcoffset() is None:
            naive = moment.replace(tzinfo=None)
            # Years far outside the range would overflow in the zone arithmetic: refused before it.
            if not EARLIEST.year - 1 <= naive.year <= LATEST.year + 1:
                self._in_range(naive.replace(tzinfo=UTC), value)
            moment = self._in_range(self._wall_clock(naive, value), value)
            self.naive += 1
            return moment
        return self._in_range(moment, value)

    def _in_range(self, moment: datetime, value: str) -> datetime:
        """``moment`` in UTC if the library can hold it; else ``ValueError`` naming the year."""
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:
            utc = moment
        try:
            check_moment(utc, field="time", zone=self.zone)
        except InvalidFieldError as exc:
            raise ValueError(f"time {value!r}: {exc.reason}") from None
        return utc

    def _automatic(self, value: str) -> datetime:
        epoch = _epoch(value)
        if epoch is not None:
            return epoch
        try:
            moment = datetime.fromisoformat(value)
        except (ValueError, OverflowError):
            pass
        else:
            if len(value) <= 10 and _DATE_ONLY.fullmatch(value):
                raise ValueError(f"time {value!r} is a date without a time of day")
            return moment
        # A month written as a name (Jira's "08/Jun/21 9:47 AM"): day and month cannot be mixed up,
        # and AM/PM is read (the RFC 2822 reader below would drop it).
        named = _named_month(value)
        if named is not None:
            return named
        upper = value.upper()
        if upper.endswith((" UTC", " GMT")):
            try:
                return datetime.fromisoformat(value[:-4].rstrip()).replace(tzinfo=UTC)
            except (ValueError, OverflowError):
                pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            numeric = _NUMERIC_DATE.match(value.strip())
            if numeric is not None:
                clock = " %I:%M %p" if _AM_PM.search(upper) else " %H:%M"
                year = "%Y" if len(numeric.group(3)) == 4 else "%y"
                raise ValueError(
                    f"time {value!r}: dates like {numeric.group(0)} could be day/month or month/day; "
                    f"give the format: --time-format '%m/%d/{year}{clock}' or '%d/%m/{year}{clock}'"
                ) from None
            raise ValueError(f"time {value!r} is not a date and time ({_TIME_HINT})") from None
        if _AM_PM.search(upper):
            raise ValueError(f"time {value!r} has AM/PM in a layout Debrief does not read; "
                             f"give its format, like --time-format '%m/%d/%Y %I:%M %p'")
        if moment.tzinfo is None and value.rstrip().endswith("-0000"):
            moment = moment.replace(tzinfo=UTC)  # RFC 2822: UTC, local offset unknown
        return moment

    def _wall_clock(self, naive: datetime, value: str) -> datetime:
        first = naive.replace(tzinfo=self.zone)
        if first.utcoffset() == naive.replace(tzinfo=self.zone, fold=1).utcoffset():
            return first
        # Skipped or repeated in this zone: parse_time says which, and how to write it instead.
        text = naive.strftime("%Y-%m-%d %H:%M:%S" if naive.second or naive.microsecond else "%Y-%m-%d %H:%M")
        if naive.microsecond:
            text += f".{naive.microsecond:06d}"
        try:
            moment = parse_time(text, self.zone, field="time")
        except InvalidFieldError as exc:
            raise ValueError(f"time: {exc.reason}" if text == value else f"time {value!r}: {exc.reason}") \
                from None
        assert moment is not None
        return moment


def parse_csv(path: Path, *, zone: ZoneInfo, zone_chosen: bool = False,
              mapping: Mapping[str, str | int | None] | None = None,
              time_format: str | None = None, progress: Progress | None = None,
              profiles: Mapping[str, ImportProfile] | None = None,
              profile: str | None = None) -> ParsedTimeline:
    """Read a CSV timeline. Raises ``SourceError`` for a file that cannot be one (empty, not
    UTF-8, no header); everything wrong with single rows becomes a problem with its row number.

    A time format without a whole date is refused (``InvalidFieldError`` for the
    field "time format") before the file is read; anything unexpected while
    reading is a ``SourceError`` naming the file and the row being read.
    ``profile`` names one of ``profiles`` (a tool's layout: its columns and time
    format); without one, a header that matches exactly one profile is read
    with it, unless ``mapping`` says which columns to use. Either way the
    notices say which profile was used.
    ``progress`` is called with the number of rows read every
    :data:`PROGRESS_EVERY` rows; whatever it raises that is not an ``Exception``
    (a cancellation) ends the reading unchanged.
    """
    chosen: ImportProfile | None = None
    if profile:
        chosen = (profiles or {}).get(profile.strip().casefold())
        if chosen is None:
            raise InvalidFieldError("from", f"no import profile {profile!r} (profiles: "
                                            f"{', '.join(sorted(profiles or {}))})")
    if time_format is not None and time_format.strip():
        problem = time_format_problem(time_format.strip())
        if problem is not None:
            raise InvalidFieldError("time format", problem)
    time_format = (time_format or "").strip() or None
    text = read_text(path)
    rows: _RowStarts | None = None
    try:
        delimiter = sniff_delimiter(text)
        # strict: a quote that is never closed is an error, not the rest of the file swallowed into one cell.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows = _RowStarts(reader)
        header = next(rows, None)
        columns = tuple(cell.strip() for cell in header or ())
        if not any(columns):
            raise SourceError("no header row: the first row is empty; it should name the columns "
                              "(time, text, kind, source, author)", path=str(path))
        _refuse_data_as_header(columns, path)
        if chosen is None and profiles and not mapping:
            chosen = detect_profile(profiles, columns)
        used: list[str] = []
        fallbacks: tuple[int, ...] = ()
        if chosen is not None:
            given = dict(mapping or {})
            mapping = {**chosen.mapping(columns), **given}
            time_format = time_format or chosen.time_format
            used.append(f"read as {chosen.name} (--from {chosen.id})")
            if "text" not in given:
                fallbacks = tuple(columns.index(cell) for cell in chosen.fallbacks(columns, "text"))
        fields = resolve_mapping(columns, mapping, path=path)
        missing = [f for f in REQUIRED_FIELDS if f not in fields]
        if missing:
            problems = tuple(ImportProblem(None, _missing_column(f, columns)) for f in missing)
            return ParsedTimeline(path=path, kind="csv", rows=(), problems=problems, columns=columns,
                                  mapping=fields)
        parsed = _read_rows(path, rows, columns, fields, TimeReader(zone, time_format), zone_chosen, progress,
                            text_fallbacks=tuple(i for i in fallbacks if i not in fields.values()))
        return replace(parsed, notices=(*used, *parsed.notices)) if used else parsed
    except csv.Error as exc:
        assert rows is not None  # the reader exists before it can raise
        where = f"row {rows.row + 1} (line {rows.next_start})"
        if "unexpected end of data" in str(exc):
            raise SourceError(f"{where}: a quote (\") opens a value that is never closed, so the rest of "
                              "the file would become one cell; close or remove that quote",
                              path=str(path)) from exc
        if "field larger than field limit" in str(exc):
            raise SourceError(f"{where}: a value is longer than {csv.field_size_limit():,} characters, more "
                              "than a timeline cell holds (a quote left open swallows the rows after it)",
                              path=str(path)) from exc
        raise SourceError(f"{where}: not readable as CSV: {exc}", path=str(path)) from exc
    except (SourceError, DomainError):
        raise
    except Exception as exc:
        # The last line: a case nobody foresaw still names the file (and the row), never a traceback.
        where = f"row {rows.row}: " if rows is not None and rows.reading else ""
        detail = (str(exc).strip().splitlines() or [""])[0]
        raise SourceError(f"{where}cannot be read ({type(exc).__name__}: {detail})", path=str(path)) from exc


class _RowStarts:
    """Iterates a csv reader and knows the row last read (header = 1) and the line the next one
    starts on (rows can span lines); ``reading`` is False once the rows are all read."""

    def __init__(self, reader: Iterator[list[str]]) -> None:
        self._reader = reader
        self.next_start = 1
        self.row = 0
        self.reading = True

    def __iter__(self) -> _RowStarts:
        return self

    def __next__(self) -> list[str]:
        try:
            row = next(self._reader)
        except StopIteration:
            self.reading = False
            raise
        self.row += 1
        self.next_start = self._reader.line_num + 1  # type: ignore[attr-defined]
        return row


def preview_csv(session: Session, review_id: int, path: Path, *,
                mapping: Mapping[str, str | int | None] | None = None, time_format: str | None = None,
                timezone: str | None = None, progress: Progress | None = None,
                profile: str | None = None) -> ImportPreview:
    """Read ``path`` for ``review_id``: naive times in ``timezone``, else in the review's timezone."""
    review = reviews.get_or_raise(session, review_id)
    zone_name = reviews.check_timezone(timezone.strip()) if timezone and timezone.strip() else review.timezone
    profiles, _problems = load_profiles(config_dir())  # a broken user file: the built-ins still work
    parsed = parse_csv(path, zone=ZoneInfo(zone_name), zone_chosen=bool(timezone and timezone.strip()),
                       mapping=mapping, time_format=time_format, progress=progress,
                       profiles=profiles, profile=profile)
    warnings = swap_warnings(parsed, time_format, near=review.started_at, zone=ZoneInfo(zone_name))
    if warnings:
        parsed = replace(parsed, notices=(*warnings, *parsed.notices))
    return make_preview(session, review_id, parsed)


#: Further than this from the incident, the first event is worth a second look (day and month swapped?).
FAR_FROM_INCIDENT = timedelta(days=21)


def swap_warnings(parsed: ParsedTimeline, time_format: str | None, *, near: datetime | None,
                  zone: ZoneInfo) -> tuple[str, ...]:
    """What to check before importing dates that may have been read day-for-month (never silent).

    * With a numeric day-and-month format and every day 12 or less, the other order reads every
      row too: say which date the first row got.
    * The events far from the incident's start: say how far, with the first date.
    """
    if not parsed.rows:
        return ()
    first = min(row.at for row in parsed.rows)
    first_text = first.astimezone(zone).strftime("%d %B %Y %H:%M")
    warnings: list[str] = []
    codes = set(_CODE.findall(time_format or ""))
    if {"d", "m"} <= codes and not codes & {"b", "B"}:
        days = {row.at.astimezone(zone).day for row in parsed.rows}
        if max(days) <= 12:
            other = (time_format or "").replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
            warnings.append(f"every date has a day of 12 or less, so {time_format!r} and {other!r} both read "
                            f"this file: with yours, the first event is on {first_text}; if that is wrong, "
                            f"use {other!r}")
    if near is not None and abs(as_utc(first) - as_utc(near)) > FAR_FROM_INCIDENT:
        gap = abs(as_utc(first) - as_utc(near)).days
        warnings.append(f"the first event is on {first_text}, {gap} days from the incident's start "
                        f"({as_utc(near).astimezone(zone).strftime('%d %B %Y')}): are the day and month "
                        f"the right way round?")
    return tuple(warnings)


def _read_rows(path: Path, reader: Iterator[list[str]], columns: tuple[str, ...], fields: dict[str, int],
               times: TimeReader, zone_chosen: bool, progress: Progress | None = None, *,
               text_fallbacks: tuple[int, ...] = ()) -> ParsedTimeline:
    """The rows of the file; a row whose text cell is empty takes the first of ``text_fallbacks``
    (a profile's further text columns, Grafana's alertName beside an alert's empty text) that is not."""
    rows: list[ParsedRow] = []
    problems: list[ImportProblem] = []
    unknown_kinds: Counter[str] = Counter()
    blank = 0
    width = len(columns)
    time_at, date_at, text_at = fields["time"], fields.get("date"), fields["text"]
    kind_at, source_at, author_at = fields.get("kind"), fields.get("source"), fields.get("author")
    detail_at = fields.get("detail")

    # 50,000 rows must preview in well under a second: kinds, sources and names repeat, so each
    # distinct cell is worked out once.
    kinds: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    source_problems: dict[str, str | None] = {}
    people_of: dict[str, tuple[str, ...]] = {}
    people_problems: dict[str, list[str]] = {}
    for number, cells in enumerate(reader, start=2):
        if progress is not None and (number - 1) % PROGRESS_EVERY == 0:
            progress(number - 1)  # data rows, this one included
        if not "".join(cells).strip():
            blank += 1
            continue
        before = len(problems)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width and "".join(cells[width:]).strip():
            problems.append(ImportProblem(number, f"has {len(cells)} values but the header has {width} "
                                                  "columns (a delimiter inside an unquoted text?)"))
        value = cells[time_at].strip()
        if date_at is not None:
            value = f"{cells[date_at].strip()} {value}".strip()
        approximate = value.startswith(_APPROXIMATE)
        if approximate:
            value = value[1:].strip()
        at: datetime | None = None
        if not value:
            problems.append(ImportProblem(number, f"no time (column {columns[time_at]!r} is empty)"))
        else:
            try:
                at = times.read(value)
            except ValueError as exc:
                problems.append(ImportProblem(number, str(exc)))
        text = cells[text_at].strip()
        if not text:
            text = next((cells[i].strip() for i in text_fallbacks if cells[i].strip()), "")
        if not text:
            problems.append(ImportProblem(number, f"no text (column {columns[text_at]!r} is empty)"))
        elif (problem := value_problem(text)) is not None:
            problems.append(ImportProblem(number, f"text (column {columns[text_at]!r}) {problem}"))
        detail = _LINE_BREAK.sub("\n", cells[detail_at]).strip() if detail_at is not None else ""
        if detail == text:
            detail = ""  # a tool that repeats its title as the body: nothing more to keep
        elif detail and (problem := value_problem(detail)) is not None:
            assert detail_at is not None
            problems.append(ImportProblem(number, f"detail (column {columns[detail_at]!r}) {problem}"))
        raw_kind = cells[kind_at].strip() if kind_at is not None else ""
        if raw_kind not in kinds:
            kinds[raw_kind] = event_kind(raw_kind)
        kind = kinds[raw_kind]
        if kind is None:
            unknown_kinds[raw_kind] += 1
            kind = "observation"
        raw_source = cells[source_at] if source_at is not None else ""
        if raw_source not in sources:
            sources[raw_source] = " ".join(raw_source.split())
            source_problems[raw_source] = value_problem(sources[raw_source], MAX_SOURCE)
        source = sources[raw_source]
        if (problem := source_problems[raw_source]) is not None and source_at is not None:
            problems.append(ImportProblem(number, f"source (column {columns[source_at]!r}) {problem}"))
        raw_people = cells[author_at] if author_at is not None else ""
        if raw_people not in people_of:
            people_of[raw_people] = tuple(dict.fromkeys(
                " ".join(name.split()) for name in _AUTHOR_SPLIT.split(raw_people) if name.strip()))
        people = people_of[raw_people]
        if raw_people not in people_problems:
            people_problems[raw_people] = [
                f"author (column {columns[author_at]!r}) {_short(name)} {problem}"
                for name in people if author_at is not None
                and (problem := value_problem(name, MAX_NAME)) is not None]
        problems.extend(ImportProblem(number, message) for message in people_problems[raw_people])
        if len(problems) == before and at is not None:
            # The detail is left out of the id: a file imported before details were kept is still
            # recognised as imported.
            rows.append(ParsedRow(row=number, at=at, text=text, kind=kind, source=source,
                                  participants=people, approximate=approximate,
                                  external_id=content_id("csv", at, text, kind, source, people),
                                  detail=detail))

    rows.sort(key=attrgetter("at", "row"))
    kept, repeated = drop_repeats(rows)
    notices: list[str] = []
    if times.naive:
        zone = times.zone.key
        how = "the timezone you chose" if zone_chosen else "the review's timezone"
        notices.append(f"times without an offset ({_rows(times.naive)}) are read as wall-clock time in "
                       f"{zone} ({how})")
    if unknown_kinds:
        listed = ", ".join(f"{value!r} ({_rows(n)})" for value, n in unknown_kinds.most_common())
        notices.append(f"kinds that are not event kinds are imported as observation: {listed}; "
                       f"the kinds are {', '.join(EVENT_KINDS)}")
    if repeated:
        notices.append(f"rows that repeat an earlier row of the file are left out ({_rows(repeated)})")
    if blank:
        notices.append(f"blank rows are left out ({_rows(blank)})")
    if not rows and not problems:
        notices.append("the file has no rows below the header")
    return ParsedTimeline(path=path, kind="csv", rows=kept, problems=tuple(problems), notices=tuple(notices),
                          skipped=repeated + blank, columns=columns, mapping=fields)


def _refuse_data_as_header(columns: tuple[str, ...], path: Path) -> None:
    reader = TimeReader(ZoneInfo("UTC"))
    for column in columns:
        if any(ch.isdigit() for ch in column):
            try:
                reader.read(column)
            except ValueError:
                continue
            raise SourceError(f"no header row: the first row holds data ({column!r}); add a row naming the "
                              "columns (time, text, kind, source, author) above it", path=str(path))


def _missing_column(field: str, columns: tuple[str, ...]) -> str:
    names = "/".join(ALIASES[field][:4])
    candidate = _best_candidate(field, columns)
    hint = (f"say which column holds the {field} (probably {candidate!r}; on the command line "
            f"--map {field}={candidate})" if candidate
            else f"say which column holds the {field} (on the command line --map {field}=COLUMN)")
    return f"no {field} column: none of the columns ({_list(columns)}) is named {names} or similar; {hint}"


def _best_candidate(field: str, columns: tuple[str, ...]) -> str | None:
    """The column most likely to hold ``field``: one whose name contains a word of its aliases."""
    words = {word for alias in ALIASES[field] for word in alias.split() if len(word) > 2}
    if field == "time":
        words |= {"date", "time", "created", "updated", "stamp", "epoch", "ts"}
    for column in columns:
        if set(normalise_header(column).split()) & words:
            return column
    return None


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _list(columns: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in columns)


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"
