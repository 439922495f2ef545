"""Timelines written as text: the lines of a doc, a chat message or notes that start with a time.

Many timelines never see a spreadsheet: they are written as ::

    Timeline (all times CET)
    - 14:02 config push to checkout-eu (Bob)
    - 14:09 — first 5xx alerts
      on-call paged
    2025-03-11 23:50 UTC — rollback started
    00:10 rollback done

:func:`parse_text` reads such text into a :class:`ParsedTimeline` (kind ``"text"``).

**A line that starts with a time begins an event.** Before the time a list
bullet (``-``, ``*``, ``•``, ``1.``), a quote mark (``>``), heading marks, a
table bar (``|``) and an approximation mark (``~`` or ``≈``: the event's time
is approximate) may come; the time may be in ``[...]``, ``(...)``, ``**...**``
or backquotes. Times are ``14:02``, ``14:02:33``, ``14:02:33.250``, ``14h02``,
``2:02 PM``, ``2pm``; a date may come before them: ``2025-03-11 14:02``,
``2025-03-11T14:02:00Z``, ``11 March 2025 14:02``, ``Mar 11 14:02``,
``Tue, 11 Mar 2025 14:02``, ``11.03.2025 14:02`` (dots: day first) or
``11/03/2025 14:02`` (slashes: only when day and month cannot be mixed up,
one of them above 12; else the line is a problem that says how to write it).
A zone may follow the time: ``Z``, ``UTC``, ``GMT``, ``UTC+1``, ``+01:00``,
``+0100``, an IANA name (``Europe/Berlin``) or an abbreviation whose offset is
not in doubt (``CET``, ``CEST``, ``EST``, ``PDT``…; ``IST``, ``CST``, ``BST``
and ``AST`` each name several zones and are a problem that asks for the
offset). A separator after the time is dropped: `` — ``, `` – ``, `` - ``,
``: ``, ``|``, ``>``, a tab. A time range (``10:30–11:00 outage``) starts at
its first time and keeps the range in the text.

**Other lines continue the event above** (a wrapped line), joined with a
space. Lines before the first time are left out and counted, and so are
Markdown headings (which end the event above: the lines under a heading
without a time are a new section, not more of that event), rules (``---``)
and table separators; blank lines are ignored. A line that is only a date
(``2025-03-12``, ``## 12 March 2025``, ``Wednesday, 12 March:``) sets the
date of the times below it; a date followed by a dash or colon and text but
no time (``2025-03-12 — deploy``) is a problem, not a guess. Prose that only
starts with a number or a date ("24h outage", "March 11 was long") is text.

**Dates and zones.** A time without a date takes the current date: the
incident's start (``started_at`` in the review's timezone) until a line
writes a date, then that date. A time without a zone is wall-clock time in
the review's timezone until a line names a zone; that zone then holds for
the times without one below it (notes that say "14:02 UTC" once do not
repeat it), and so does a line before the events that says it ("All times
UTC", "Timeline (times in Europe/Berlin)"). A wall-clock time the zone skipped or repeated (a daylight-saving
change) is a problem that says which offset to add, never guessed. With no
incident start and no date written above it, a time has no date: the text is
refused with one problem naming the first such line. A date without a year
(``Mar 11``) takes the year of the current date (the next year when that
would put it more than half a year back).

**Rollover past midnight.** A time without a date that is more than
:data:`ROLLOVER` (6 hours) earlier than the event above it is the next day
(``23:50`` then ``00:10``); a smaller step back stays on the same day (notes
written out of order: ``14:10`` then ``14:05``). Both are named in the
preview's notices.

**Authors, conservatively.** ``<nick>`` right after the time (IRC); a
leading ``Name:`` only when ``Name`` is a participant of the review (or one of
their aliases) or an ``@handle``; a trailing ``(Name)`` or ``(Ana, Ben)`` when
every name is a participant or looks like a person's name: one to three
capitalised words, not an acronym ("(EU)"), not an event kind ("(Resolved)"),
not a month, a weekday or a word like "(Approx)". What is taken as an author
leaves the text; anything else stays in it.

**Kinds** come from a label that starts the text (``Detection: …``,
``[resolved] …``) when :func:`models.timeline_import.event_kind` knows it
(the same words as a CSV kind column); the text keeps the label. Everything
else is an observation.

Problems name the line ("line 7: …"): a time of day that is not one
(``25:10``), a date that is not one, an ambiguous date or zone, a wall-clock
time that did not exist, a time with nothing after it. Text with no line that
starts with a time is one problem. Lines are numbered from 1 as an editor
counts them.

A file is a text timeline (:func:`is_text_timeline`, used by
:func:`models.timeline_import.file_kind`) when it is a .txt/.md file, a line
of its first 64 KB starts with a time, and it does not look like CSV/TSV (a
header naming time and text columns, or the same number of delimiters on
every line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import reviews
from models.entities import Participant
from models.errors import InvalidFieldError
from models.limits import EARLIEST, LATEST
from models.timefmt import as_utc
from models.timeline_import import (
    ImportPreview,
    ImportProblem,
    ParsedRow,
    ParsedTimeline,
    content_id,
    drop_repeats,
    event_kind,
    make_preview,
)
from models.timeparse import parse_time
from models.yamlsource import SourceError

#: File names read as text timelines (when their lines do not look like CSV).
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
#: A time without a date this much earlier than the event above it is the next day.
ROLLOVER = timedelta(hours=6)
#: Further than this from the incident's start, the first event is worth a second look.
FAR_FROM_INCIDENT = timedelta(days=21)
#: How much of a file :func:`text_kind` reads to decide what it is.
SNIFF_CHARS = 64 * 1024
#: How many lines each notice lists before "and N more".
_LISTED = 3

# --- the stamp at the start of a line ------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![a-z])"
_ORDINAL = r"(?:st|nd|rd|th)?"

#: Bullets, quote marks, heading marks, a table bar and "~" before the time (in this order).
_LEAD = re.compile(r"""\s*(?:>\s*)*
    (?P<heading>\#{1,6}\s+)?
    (?:(?:[-*•‣◦▪+]|\d{1,3}[.)])\s+)?
    (?:\|\s*)?
    (?P<approx>[~≈]\s*)?
    (?P<open>\*\*|__|`|\[|\()?\s*""", re.VERBOSE)
_CLOSERS = {"**": "**", "__": "__", "`": "`", "[": "]", "(": ")"}
_CLOSING = {opener: re.compile(r"\s*" + re.escape(closer)) for opener, closer in _CLOSERS.items()}
_WEEKDAY = re.compile(r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+",
                      re.IGNORECASE)
_ISO_DATE = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")
_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})" + _ORDINAL + r"(?:\s+|-)" + _MONTH
                        + r"(?:,?(?:\s+|-)(?P<y>\d{4})(?!\d))?", re.IGNORECASE)
_MONTH_DAY = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})" + _ORDINAL + r"(?!\d)(?:,?\s+(?P<y>\d{4})(?!\d))?",
                        re.IGNORECASE)
#: Between a date and its time: "T" (ISO), spaces, a comma, "at", "@".
_DATE_TIME_GAP = re.compile(r"[Tt](?=\d)|\s*,?\s+(?:at\s+)?|\s*@\s*|\s*,\s*", re.IGNORECASE)
_CLOCK = re.compile(r"""(?P<h>\d{1,2})
    (?:(?P<sep>[:h])(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?(?!\d)
    (?:\s?(?P<ap>[ap])\.?\s?m\.?(?![a-z]))?""", re.VERBOSE | re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:[-–—]|to\s|until\s)\s*(?=\d)", re.IGNORECASE)
_ZULU = re.compile(r"[Zz](?![A-Za-z\d])")
_ATTACHED_OFFSET = re.compile(r"(?P<off>[+-]\d{2}(?::?\d{2})?)(?![\d:])")
_SPACED_OFFSET = re.compile(r"\s+(?P<off>[+-]\d{2}:?\d{2})(?![\d:])")
_UTC_OFFSET = re.compile(r"\s*(?P<open>[(\[])?(?P<base>UTC|GMT)(?:\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?))?"
                         r"(?(open)(?P<close>[)\]]))(?![A-Za-z\d])", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\s+(?P<open>[(\[])?(?P<abbr>[A-Z]{3,5})(?(open)(?P<close>[)\]]))(?![A-Za-z\d])")
_IANA = re.compile(r"\s+(?P<open>[(\[])?(?P<name>[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+)"
                   r"(?(open)(?P<close>[)\]]))(?![A-Za-z\d/])")
#: After the time: a dash, a bar, a colon, an arrow (each before a space), or just spaces.
_SEPARATOR = re.compile(r"(?:\s*(?:[—–|]|(?:--?|:|->|=>|>|»|·|•)(?=\s|$)))?\s*")

#: Zone abbreviations whose offset is not in doubt.
ABBREVIATIONS: dict[str, timedelta] = {
    "WET": timedelta(0), "WEST": timedelta(hours=1), "CET": timedelta(hours=1), "CEST": timedelta(hours=2),
    "EET": timedelta(hours=2), "EEST": timedelta(hours=3), "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4), "CDT": timedelta(hours=-5), "MST": timedelta(hours=-7),
    "MDT": timedelta(hours=-6), "PST": timedelta(hours=-8), "PDT": timedelta(hours=-7),
    "AKST": timedelta(hours=-9), "AKDT": timedelta(hours=-8), "HST": timedelta(hours=-10),
    "AEST": timedelta(hours=10), "AEDT": timedelta(hours=11), "ACST": timedelta(hours=9, minutes=30),
    "ACDT": timedelta(hours=10, minutes=30), "AWST": timedelta(hours=8), "JST": timedelta(hours=9),
    "KST": timedelta(hours=9), "HKT": timedelta(hours=8), "SGT": timedelta(hours=8),
    "NZST": timedelta(hours=12), "NZDT": timedelta(hours=13),
}
#: Abbreviations that name several zones: a problem asking for the offset.
AMBIGUOUS_ABBREVIATIONS = {
    "IST": "India (+05:30), Ireland (+01:00) or Israel (+02:00)",
    "CST": "US Central (-06:00) or China (+08:00)",
    "BST": "British Summer Time (+01:00) or Bangladesh (+06:00)",
    "AST": "Atlantic (-04:00) or Arabia (+03:00)",
}

_STRUCTURE = re.compile(r"""\s*(?:
      ([-*_=])(?:\s*\1){2,}                 # a rule: --- *** ___ ===
    | \|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?   # a table separator: |---|:--:|
    )\s*$""", re.VERBOSE)
#: "All times UTC", "(times in Europe/Berlin)", "Times are CET:" on a line that is not an event.
_ZONE_NOTE = re.compile(r"\btimes?\b(?:\s+(?:are\s+in|are|in|shown\s+in|given\s+in))?\s*[:=]?\s*(?P<rest>.*)",
                        re.IGNORECASE)
_HEADING = re.compile(r"\s*(?:>\s*)*\#{1,6}(?:\s|$)")
_TRAILING_BAR = re.compile(r"\s*\|\s*$")
_LINE_BREAK = re.compile(r"\r\n?|\n")
#: An IRC log's speaker right after the time: "[14:02] <ana> looking".
_IRC_NICK = re.compile(r"<(?P<nick>[^\s<>]{1,40})>\s+")


@dataclass(frozen=True)
class _Day:
    """A date as written: the year may be missing ("Mar 11")."""

    year: int | None
    month: int
    day: int
    text: str


@dataclass(frozen=True)
class Stamp:
    """What the start of a line says: a date, a time, a zone, and the text after them."""

    day: _Day | None
    clock: time | None  # None: a line that is only a date
    zone: tzinfo | None
    zone_name: str
    approximate: bool
    text: str
    clock_text: str = ""


@dataclass(frozen=True)
class BadStamp:
    """A line that starts like a time but is not one (the reason, without the line number)."""

    reason: str


def read_stamp(line: str) -> Stamp | BadStamp | None:
    """What ``line`` starts with: a time (with its date, zone), a date alone, a bad one, or None (text)."""
    lead = _LEAD.match(line)
    assert lead is not None  # every part is optional
    pos = lead.end()
    heading = bool(lead.group("heading"))
    weekday = _WEEKDAY.match(line, pos)
    if weekday is not None:
        pos = weekday.end()
    day, pos_after_date, bad = _read_date(line, pos)
    if bad is not None:
        return BadStamp(bad)
    if day is not None:
        gap = _DATE_TIME_GAP.match(line, pos_after_date)
        clock_at = gap.end() if gap is not None else pos_after_date
    else:
        clock_at = pos
    clock = _CLOCK.match(line, clock_at)
    if clock is not None and clock.group("mi") is None and clock.group("ap") is None:
        clock = None  # "24h outage", "5 users": a number, not a time
    if clock is None:
        if day is None:
            return None
        return _date_line(line, day, pos_after_date, heading, lead.group("open"))
    read = _read_clock(clock)
    pos = clock.end()
    # "2025-03-11T14:02-05:00" has an offset; "10:30-11:00" and "10:30–11:00" are ranges.
    range_text = ""
    range_start = None if day is not None and _ATTACHED_OFFSET.match(line, pos) else _RANGE.match(line, pos)
    if range_start is not None and (second := _CLOCK.match(line, range_start.end())) is not None \
            and second.group("mi") is not None:
        range_text = line[clock.start():second.end()].strip()
        pos = second.end()
    zone = _read_zone(line, pos, dated=day is not None)
    if isinstance(zone, BadStamp):
        return zone
    zone_value, zone_name, pos = zone
    opener = lead.group("open")
    if opener:
        closing = _CLOSING[opener].match(line, pos)
        if closing is None:
            return None
        pos = closing.end()
    if pos < len(line) and (line[pos].isalnum() or (line[pos] in ":/." and line[pos + 1:pos + 2].isdigit())):
        return None  # "14:02abc", "10:30/11", "1:05.5": not a time followed by text
    if isinstance(read, BadStamp):
        return read  # it starts like a time ("25:10 …"): a problem, not text
    separator = _SEPARATOR.match(line, pos)
    assert separator is not None  # every part is optional
    text = line[separator.end():]
    if range_text:
        text = f"{range_text} {text}"
    return Stamp(day=day, clock=read, zone=zone_value, zone_name=zone_name,
                 approximate=bool(lead.group("approx")), text=_TRAILING_BAR.sub("", text).strip(),
                 clock_text=clock.group(0).strip())


def _read_date(line: str, pos: int) -> tuple[_Day | None, int, str | None]:
    """The date at ``pos`` (or None), where it ends, and why it is not a date (None when it is)."""
    iso = _ISO_DATE.match(line, pos)
    if iso is not None:
        year, month, day = int(iso["y"]), int(iso["m"]), int(iso["d"])
        if not _valid(year, month, day):
            return None, pos, f"{iso.group(0)} is not a date (write it as YYYY-MM-DD)"
        return _Day(year, month, day, iso.group(0)), iso.end(), None
    numeric = _NUMERIC_DATE.match(line, pos)
    if numeric is not None:
        first, second, year = int(numeric["a"]), int(numeric["b"]), int(numeric["y"])
        written = numeric.group(0)
        if numeric["sep"] == ".":
            day_month = [(first, second)]  # 11.03.2025: day first wherever dots are written
        else:
            day_month = [(d, m) for d, m in ((first, second), (second, first)) if _valid(year, m, d)]
            if len(day_month) == 2 and first != second:
                one, other = (f"{d} {date(year, m, d).strftime('%B')}" for d, m in day_month)
                return None, pos, (f"{written} could be {one} or {other}; write the date as "
                                   f"{year}-MM-DD or with the month's name ({one} {year})")
        if not day_month or not _valid(year, day_month[0][1], day_month[0][0]):
            return None, pos, f"{written} is not a date"
        day, month = day_month[0]
        return _Day(year, month, day, written), numeric.end(), None
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        named = pattern.match(line, pos)
        if named is not None:
            month = _MONTHS[named["mon"].casefold()]
            year_text = named["y"]
            day = int(named["d"])
            if not _valid(int(year_text) if year_text else 2000, month, day):  # 2000: a leap year
                return None, pos, f"{named.group(0)} is not a date"
            return _Day(int(year_text) if year_text else None, month, day, named.group(0)), named.end(), None
    return None, pos, None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _date_line(line: str, day: _Day, pos: int, heading: bool, opener: str | None) -> Stamp | BadStamp | None:
    """A line that is only a date (a heading for the times below it), or None when text follows it."""
    rest = line[pos:].strip()
    if opener:
        closer = _CLOSERS[opener]
        if not rest.startswith(closer):
            return None
        rest = rest[len(closer):].strip()
    rest = rest.strip("*_ ")
    if heading or not rest.strip(":,.") or (rest.startswith("(") and rest.endswith(")")):
        return Stamp(day=day, clock=None, zone=None, zone_name="", approximate=False, text=rest)
    if rest[0] in ":—–-|":
        return BadStamp(f"{day.text!r} is a date without a time of day: write the time after it "
                        f"({day.text} 14:02 …), or put the date on a line of its own")
    return None  # "March 11 was a long day": prose that starts with a date


def _read_clock(match: re.Match[str]) -> time | BadStamp:
    hour = int(match["h"])
    minute = int(match["mi"] or 0)
    second = int(match["s"] or 0)
    micro = int((match["f"] or "0")[:6].ljust(6, "0"))
    written = match.group(0).strip()
    if match["ap"]:
        if not 1 <= hour <= 12:
            return BadStamp(f"{written} is not a time of day (with AM or PM the hour is 1 to 12)")
        hour = hour % 12 + (12 if match["ap"].casefold() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return BadStamp(f"{written} is not a time of day (00:00 to 23:59)")
    return time(hour, minute, second, micro)


def _read_zone(line: str, pos: int, *, dated: bool) -> tuple[tzinfo | None, str, int] | BadStamp:
    """The zone written at ``pos`` (None when there is none), its name, and where it ends."""
    if (zulu := _ZULU.match(line, pos)) is not None:
        return UTC, "UTC", zulu.end()
    # Attached "-05:00" after a time without a date is more often a range ("10:30-11:00") than an offset.
    attached = _ATTACHED_OFFSET.match(line, pos)
    if attached is not None and (dated or attached["off"].startswith("+")):
        return _offset_zone(attached["off"], attached.end())
    if (spaced := _SPACED_OFFSET.match(line, pos)) is not None:
        return _offset_zone(spaced["off"], spaced.end())
    utc = _UTC_OFFSET.match(line, pos)
    if utc is not None and _brackets_match(utc) and (utc.start("base") == pos or line[pos].isspace()
                                                      or utc["open"]):
        if utc["off"] is None:
            return UTC, "UTC", utc.end()
        return _offset_zone(utc["off"], utc.end(), prefix=utc["base"].upper())
    iana = _IANA.match(line, pos)
    if iana is not None and _brackets_match(iana):
        try:
            return ZoneInfo(iana["name"]), iana["name"], iana.end()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    abbreviation = _ABBREVIATION.match(line, pos)
    if abbreviation is not None and _brackets_match(abbreviation):
        name = abbreviation["abbr"]
        if name in ABBREVIATIONS:
            return timezone(ABBREVIATIONS[name], name), name, abbreviation.end()
        if name in AMBIGUOUS_ABBREVIATIONS:
            return BadStamp(f"{name} could be {AMBIGUOUS_ABBREVIATIONS[name]}; write the offset instead "
                            f"(like +05:30) or an IANA zone (like Asia/Kolkata)")
    return None, "", pos


def _brackets_match(match: re.Match[str]) -> bool:
    opened, closed = match["open"], match["close"]
    return (opened, closed) in ((None, None), ("(", ")"), ("[", "]"))


def _offset_zone(text: str, end: int, prefix: str = "") -> tuple[tzinfo, str, int] | BadStamp:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if ":" in text[1:]:
        hours_text, minutes_text = text[1:].split(":", 1)
    else:
        hours_text, minutes_text = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    hours, minutes = int(hours_text), int(minutes_text)
    if hours > 23 or minutes > 59:
        return BadStamp(f"{prefix}{text} is not an offset (-23:59 to +23:59)")
    offset = sign * timedelta(hours=hours, minutes=minutes)
    name = f"{prefix}{text}" if prefix else text
    return (UTC if not offset else timezone(offset)), name if offset else "UTC", end


# --- what a text is ------------------------------------------------------------------------------


def text_kind(text: str) -> Literal["text", "csv"] | None:
    """Whether ``text`` reads as a timeline of lines ("text"), looks like CSV/TSV ("csv"), or neither.

    CSV: the first line is a header (it names a time or text column, split by a comma,
    semicolon or tab), or the first lines have the same number of those delimiters
    (two or more) as one another. Text: otherwise, once a line starts with a time.
    """
    lines = [line for line in _LINE_BREAK.split(text[:SNIFF_CHARS]) if line.strip()]
    if not lines:
        return None
    if _looks_tabular(lines[:10]):
        return "csv"
    return "text" if any(_starts_with_time(line) for line in lines) else None


def _starts_with_time(line: str) -> bool:
    stamp = read_stamp(line)
    return isinstance(stamp, BadStamp) or (stamp is not None and stamp.clock is not None)


def is_text_timeline(path: Path) -> bool:
    """Whether ``path`` is a text file (.txt, .md) of lines that start with times, not a CSV/TSV file."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_CHARS * 4)
    except OSError:
        return False  # the reader that follows says what is wrong with the file
    return text_kind(_decode(head, strict=False)) == "text"


def _looks_tabular(lines: list[str]) -> bool:
    from models.csv_timeline import guess_mapping  # the CSV reader's own header names

    first = lines[0]
    for delimiter in ",;\t":
        cells = [cell.strip().strip('"') for cell in first.split(delimiter)]
        if len(cells) < 2:
            continue
        # A header: it names the time and the text column, in short cells, none of them a time.
        if {"time", "text"} <= set(guess_mapping(cells)) and all(len(cell) <= 40 for cell in cells) \
                and not any(_starts_with_time(cell) for cell in cells):
            return True
        counts = {line.count(delimiter) for line in lines}
        if len(lines) < 2 or len(counts) != 1:
            continue
        count = counts.pop()
        # The same number of delimiters on every line: two or more, or one after a first cell that is
        # one word or only a time ("2026-03-02T09:14Z,Pushed"; not "14:02 paged Ana, Ben").
        if count >= 2 or (count == 1 and all(_one_cell(line.split(delimiter, 1)[0]) for line in lines)):
            return True
    return False


def _one_cell(cell: str) -> bool:
    cell = cell.strip().strip('"')
    if not cell.split():
        return False
    if len(cell.split()) == 1:
        return True
    stamp = read_stamp(cell)
    return isinstance(stamp, Stamp) and stamp.clock is not None and not stamp.text


# --- reading a whole text ------------------------------------------------------------------------


@dataclass
class _Event:
    line: int
    at: datetime
    approximate: bool
    parts: list[str]
    people: tuple[str, ...] = ()


@dataclass
class _Reading:
    """What the reader has seen so far; the rows and notices come from it at the end."""

    zone: ZoneInfo
    start_day: date | None
    people: Mapping[str, str]
    day: date | None = None
    line_zone: tzinfo | None = None
    line_zone_name: str = ""
    line_zone_at: int = 0
    previous: datetime | None = None
    event: _Event | None = None
    #: Lines that belong to a refused event (its continuation lines go with it).
    in_bad: bool = False
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: int = 0
    undated: list[int] = field(default_factory=list)
    bare_days: int = 0
    bare_zones: int = 0
    carried_zones: int = 0
    rollovers: list[tuple[int, datetime]] = field(default_factory=list)
    out_of_order: list[int] = field(default_factory=list)
    stamps: int = 0


def parse_text(path: Path, *, zone: ZoneInfo, start: datetime | None = None,
               people: Iterable[tuple[str, Iterable[str]]] = ()) -> ParsedTimeline:
    """Read the text file at ``path`` (UTF-8 or UTF-16 with a BOM); see :func:`parse_lines`.

    Raises ``SourceError`` naming the file when it cannot be read or is not text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    if not data.strip():
        raise SourceError("the file is empty; a text timeline has lines that start with a time "
                          "(14:02 config push)", path=str(path))
    try:
        text = _decode(data, strict=True)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(f"not UTF-8 text (byte {exc.start}, line {line}); save it as UTF-8",
                          path=str(path)) from exc
    return parse_lines(text, path=path, zone=zone, start=start, people=people)


def parse_lines(text: str, *, path: Path, zone: ZoneInfo, start: datetime | None = None,
                people: Iterable[tuple[str, Iterable[str]]] = ()) -> ParsedTimeline:
    """``text`` as a timeline: one event per line that starts with a time (see the module's rules).

    ``start`` is the incident's start (a time without a date takes its date in
    ``zone``); ``people`` are the review's participants as (name, aliases), so
    that a leading "Name:" can be taken as the author. Never raises for any
    text: what cannot be read is a problem naming its line.
    """
    known: dict[str, str] = {}
    for name, aliases in people:
        for alias in (name, *aliases):
            if isinstance(alias, str) and alias.strip():
                known.setdefault(_key(alias), name)
    start_day = as_utc(start).astimezone(zone).date() if start is not None else None
    reading = _Reading(zone=zone, start_day=start_day, people=known, day=start_day)
    # Line breaks as an editor counts them (str.splitlines also breaks at form feeds and U+2028).
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        _read_line(reading, number, line)
    _finish(reading)
    return _parsed(reading, path)


def _read_line(reading: _Reading, number: int, line: str) -> None:
    if not line.strip():
        return
    stamp = read_stamp(line)
    if stamp is None and reading.event is None and (note := _ZONE_NOTE.search(line)) is not None:
        noted = _read_zone(" " + re.split(r"[)\],;]|\.(?:\s|$)", note["rest"])[0].rstrip(), 0, dated=True)
        if isinstance(noted, BadStamp):
            _bad(reading, number, noted.reason)
            return
        if noted[0] is not None:
            reading.line_zone, reading.line_zone_name, reading.line_zone_at = noted[0], noted[1], number
    if stamp is None:
        if _STRUCTURE.match(line) or _HEADING.match(line):
            _finish(reading)  # a heading starts a new section: the lines under it are not this event
            reading.in_bad = False
            reading.skipped += 1
        elif reading.event is not None:
            reading.event.parts.append(line.strip())
        elif not reading.in_bad:
            reading.skipped += 1
        return
    _finish(reading)
    reading.in_bad = False
    if isinstance(stamp, BadStamp):
        _bad(reading, number, stamp.reason)
        return
    day: date | None = reading.day
    if stamp.day is not None:
        day = _resolve_day(stamp.day, reading.day)
        if day is None:
            reason = ("has no year, and no date above it gives one; write the year (like 11 Mar 2025)"
                      if reading.day is None
                      else f"is not a date in {reading.day.year} or {reading.day.year + 1}")
            _bad(reading, number, f"{stamp.day.text!r} {reason}")
            return
        reading.day = day
    if stamp.clock is None:
        reading.previous = None  # a date line: the times below it are on that day, none rolls over
        return
    reading.stamps += 1
    if stamp.zone is not None:
        reading.line_zone, reading.line_zone_name, reading.line_zone_at = stamp.zone, stamp.zone_name, number
    zone: tzinfo = reading.line_zone or reading.zone
    if stamp.zone is None:
        if reading.line_zone is not None:
            reading.carried_zones += 1
        else:
            reading.bare_zones += 1
    if day is None:
        reading.undated.append(number)
        reading.in_bad = True
        return
    try:
        if stamp.day is None:
            reading.bare_days += 1
            rough = datetime.combine(day, stamp.clock).replace(tzinfo=zone).astimezone(UTC)
            if reading.previous is not None and rough < reading.previous - ROLLOVER:
                day = day + timedelta(days=1)
                reading.day = day
                at = _moment(day, stamp.clock, zone)
                reading.rollovers.append((number, at))
            else:
                if reading.previous is not None and rough < reading.previous:
                    reading.out_of_order.append(number)
                at = _moment(day, stamp.clock, zone)
        else:
            at = _moment(day, stamp.clock, zone)
    except (ValueError, OverflowError) as exc:
        _bad(reading, number, str(exc) if isinstance(exc, ValueError) and str(exc)
             else f"{day.isoformat()} {stamp.clock_text} is outside the years the library holds")
        return
    reading.previous = at
    text = stamp.text
    people: tuple[str, ...] = ()
    irc = _IRC_NICK.match(text)
    if irc is not None:
        people = (reading.people.get(_key(irc["nick"]), irc["nick"]),)
        text = text[irc.end():]
    reading.event = _Event(line=number, at=at, approximate=stamp.approximate, parts=[text] if text else [],
                           people=people)


def _resolve_day(written: _Day, current: date | None) -> date | None:
    """The date ``written`` names: its year, else the current date's (the next year when closer)."""
    if written.year is not None:
        return date(written.year, written.month, written.day)
    if current is None:
        return None
    for year in (current.year, current.year + 1):
        if _valid(year, written.month, written.day):
            candidate = date(year, written.month, written.day)
            if year == current.year + 1 or candidate >= current - timedelta(days=183):
                return candidate
    return None


def _moment(day: date, clock: time, zone: tzinfo) -> datetime:
    """``day`` at ``clock`` in ``zone`` as a UTC instant; ``ValueError`` with the reason if there is none."""
    naive = datetime.combine(day, clock)
    if isinstance(zone, ZoneInfo):
        first = naive.replace(tzinfo=zone)
        # The common case, fast (50,000 lines): a wall-clock time that happened once, well inside the range.
        if EARLIEST.year < naive.year < LATEST.year \
                and first.utcoffset() == naive.replace(tzinfo=zone, fold=1).utcoffset():
            return first.astimezone(UTC)
        written = naive.strftime("%Y-%m-%d %H:%M")
        if clock.second or clock.microsecond:
            written += f":{clock.second:02d}"
        if clock.microsecond:
            written += f".{clock.microsecond:06d}"
        try:
            moment = parse_time(written, zone, field="time")
        except InvalidFieldError as exc:
            raise ValueError(exc.reason.replace("enter it with", "write it with")) from None
        assert moment is not None  # the text is not empty
        return moment
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _bad(reading: _Reading, number: int, reason: str) -> None:
    reading.problems.append(ImportProblem(None, f"line {number}: {reason}"))
    reading.in_bad = True


def _finish(reading: _Reading) -> None:
    """The event being read, as a row (or a problem when it has no text)."""
    event, reading.event = reading.event, None
    if event is None:
        return
    text = " ".join(" ".join(event.parts).split())
    people = event.people
    if not people:
        text, people = _author(text, reading.people)
    kind = _kind(text)
    if not text:
        reading.problems.append(ImportProblem(None, f"line {event.line}: nothing follows the time; "
                                                    "write what happened after it"))
        return
    reading.rows.append(ParsedRow(
        row=event.line, at=event.at, text=text, kind=kind, source="", participants=people,
        external_id=content_id("text", event.at, text, kind, "", people), approximate=event.approximate,
        origin=f"line {event.line}"))


_LEADING_NAME = re.compile(r"(?P<name>@?[^\W\d][\w.'’\- ]{0,39}?)\s*:\s+(?=\S)")
_TRAILING_NAMES = re.compile(r"\s*\((?P<names>[^()]{1,80})\)\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|/|\band\b)\s*")
_HANDLE = re.compile(r"@[\w.\-]{1,40}")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
#: Capitalised words that close a line in parentheses and are no one's name.
_NOT_NAMES = frozenset({
    "approx", "approx.", "approximately", "estimated", "estimate", "est.", "unconfirmed", "confirmed",
    "maybe", "probably", "roughly", "guess", "unknown", "local", "local time", "todo", "tbc", "tbd",
    "edited", "see above", "see below", "ongoing", "again", "done", "pending", "draft", "fixed", "failed",
    "ok", "okay", "yes", "no", "later", "earlier", "today", "yesterday", "tomorrow", "morning", "evening",
    "night", "noon", "midnight", "prod", "production", "staging", "test", "internal", "external",
    "customer", "customers", "all", "none", "some", "partial", "full", "primary", "secondary",
})


def _author(text: str, known: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """``text`` without the author(s) it names, and them (see the module's rules)."""
    leading = _LEADING_NAME.match(text)
    if leading is not None:
        name = leading["name"].strip()
        if _key(name) in known or _key(name.lstrip("@")) in known:
            return text[leading.end():], (known.get(_key(name)) or known[_key(name.lstrip("@"))],)
        if _HANDLE.fullmatch(name):
            return text[leading.end():], (name[1:],)
    trailing = _TRAILING_NAMES.search(text) if text.endswith(")") else None
    if trailing is not None and trailing.start() > 0:
        names = [n.strip() for n in _NAME_SPLIT.split(trailing["names"].strip()) if n.strip()]
        if names and all(_name_like(n, known) for n in names):
            people = tuple(dict.fromkeys(known.get(_key(n)) or known.get(_key(n.lstrip("@"))) or n.lstrip("@")
                                         for n in names))
            return text[:trailing.start()].rstrip(), people
    return text, ()


def _name_like(name: str, known: Mapping[str, str]) -> bool:
    """Whether ``name`` is a participant, an @handle, or one to three capitalised words a person is called."""
    if _key(name) in known or _key(name.lstrip("@")) in known:
        return True
    return _name_shaped(name)


@lru_cache(maxsize=4096)  # names repeat from line to line
def _name_shaped(name: str) -> bool:
    if _HANDLE.fullmatch(name):
        return True
    words = name.split()
    if not 1 <= len(words) <= 3 or len(name) > 40:
        return False
    folded = name.casefold()
    if folded in _NOT_NAMES or folded in _MONTHS or folded.rstrip(".") in _WEEKDAYS or event_kind(name):
        return False
    return all(_NAME_WORD.fullmatch(word) is not None and word[0].isupper()
               and any(ch.islower() for ch in word) for word in words)


_KIND_LABEL = re.compile(r"\[(?P<bracket>[^\]\n]{1,40})\]|(?P<label>[^\W\d][\w \-]{0,39}?)\s*:(?=\s|$)")


def _kind(text: str) -> str:
    """The kind a label starting ``text`` names ("Detection: …", "[resolved] …"), else observation."""
    label = _KIND_LABEL.match(text)
    if label is not None:
        kind = _label_kind(label["bracket"] or label["label"])
        if kind is not None:
            return kind
    return "observation"


_label_kind = lru_cache(maxsize=1024)(event_kind)


def _parsed(reading: _Reading, path: Path) -> ParsedTimeline:
    problems = list(reading.problems)
    if reading.undated:
        first, more = reading.undated[0], len(reading.undated) - 1
        tail = f" ({more} more line{'s' if more != 1 else ''} like it)" if more else ""
        problems.insert(0, ImportProblem(None, (
            f"line {first}: a time without a date, and the review has no incident start: set the incident "
            f"start (Level setting), or write the date on a line above the times (2025-03-11){tail}")))
    if not reading.stamps and not problems:
        problems.append(ImportProblem(None, "no line starts with a time (like 14:02, 2:02 PM or "
                                            "2025-03-11 14:02 UTC): there is nothing to import"))
    rows = sorted(reading.rows, key=attrgetter("at", "row"))
    kept, repeated = drop_repeats(rows)
    notices: list[str] = []
    if reading.bare_days and reading.start_day is not None:
        notices.append(f"times without a date ({_lines(reading.bare_days)}) take the date written above "
                       f"them, else the day the incident started ({_day(reading.start_day)})")
    if reading.bare_zones:
        notices.append(f"times without a zone ({_lines(reading.bare_zones)}) are read as wall-clock time in "
                       f"{reading.zone.key} (the review's timezone)")
    if reading.carried_zones:
        notices.append(f"times without a zone below a line that names one ({_lines(reading.carried_zones)}) "
                       f"are read in that zone (line {reading.line_zone_at}: {reading.line_zone_name})")
    if reading.rollovers:
        listed = ", ".join(f"line {n} ({_day(at.astimezone(reading.zone).date())})"
                           for n, at in reading.rollovers[:_LISTED])
        notices.append(f"a time more than {_hours(ROLLOVER)} earlier than the one above it is read as the "
                       f"next day: {listed}{_more(reading.rollovers)}")
    if reading.out_of_order:
        listed = ", ".join(f"line {n}" for n in reading.out_of_order[:_LISTED])
        notices.append(f"times a little earlier than the one above them stay on the same day (notes out of "
                       f"order): {listed}{_more(reading.out_of_order)}")
    if kept and reading.start_day is not None:
        first_day = min(row.at for row in kept).astimezone(reading.zone).date()
        gap = abs((first_day - reading.start_day).days)
        if timedelta(days=gap) > FAR_FROM_INCIDENT:
            notices.append(f"the first event is on {_day(first_day)}, {gap} days from the incident's start "
                           f"({_day(reading.start_day)}): are the dates right?")
    if repeated:
        notices.append(f"lines that repeat an earlier event are left out ({_lines(repeated)})")
    if reading.skipped:
        notices.append(f"lines before the first time, headings and rules are left out "
                       f"({_lines(reading.skipped)})")
    return ParsedTimeline(path=path, kind="text", rows=kept, problems=tuple(problems), notices=tuple(notices),
                          skipped=reading.skipped + repeated)


def preview_text(session: Session, review_id: int, path: Path, *,
                 timezone: str | None = None) -> ImportPreview:
    """Read the text timeline at ``path`` for ``review_id``: its start's date, its zone (or ``timezone``)."""
    review = reviews.get_or_raise(session, review_id)
    zone_name = reviews.check_timezone(timezone.strip() if timezone and timezone.strip() else review.timezone)
    people = [(name, aliases or ()) for name, aliases in session.execute(
        select(Participant.name, Participant.aliases).where(Participant.review_id == review_id))]
    parsed = parse_text(path, zone=ZoneInfo(zone_name), start=review.started_at, people=people)
    return make_preview(session, review_id, parsed)


def _decode(data: bytes, *, strict: bool) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with its BOM; ``strict`` False replaces what is not."""
    errors = "strict" if strict else "replace"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors)
    return data.decode("utf-8-sig", errors)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _hours(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 3600)} hours"


def _lines(n: int) -> str:
    return f"{n} line{'' if n == 1 else 's'}"


def _more(items: list[int] | list[tuple[int, datetime]]) -> str:
    more = len(items) - _LISTED
    return f" and {more} more" if more > 0 else ""
