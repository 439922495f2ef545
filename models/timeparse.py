"""Times typed by a person: wall-clock in the review's timezone, or with an explicit offset.

People type what their clocks showed ("2026-03-02 10:14") far more often than
UTC. A wall-clock time is read in the review's timezone; one that the zone
skipped (spring forward) or repeated (autumn fold) is refused with a message
that says which offset to add, never guessed at. :func:`candidates` lists the
moments a text may mean, so a form can offer the choice instead.

Every moment either returns goes through :func:`models.limits.check_moment`
with the zone it was read in: the event dialog and the timeline editor refuse
"0999-03-02 10:14" (a typo for 1999) exactly as an import or a bundle does,
and a time at the very edge of what Python can hold ("0001-01-01 00:00+01:00")
is refused with the field, never an ``OverflowError``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from models.errors import InvalidFieldError
from models.limits import EARLIEST, LATEST, check_moment
from models.timefmt import format_offset

_FORMATS_HINT = "use YYYY-MM-DD HH:MM, optionally with an offset such as +01:00 or Z"

_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[Tt]|\s+)"
_CLOCK = r"""
    (?P<hour>\d{1,2}):(?P<minute>\d{2})
    (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?
    \s*
    (?P<offset>[Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?
    """
_PATTERN = re.compile(_DATE + _CLOCK, re.VERBOSE)
_CLOCK_ONLY = re.compile(_CLOCK, re.VERBOSE)


def parse_time(text: str, zone: ZoneInfo, *, field: str, default_date: date | None = None) -> datetime | None:
    """The moment ``text`` names, timezone-aware in UTC; None for empty text.

    Accepts ISO 8601 with ``Z`` or an offset ("2026-03-02T09:14:00Z",
    "2026-03-02 10:14+01:00") and wall-clock "YYYY-MM-DD HH:MM[:SS]" (``T`` or a
    space between date and time), read in ``zone``. With ``default_date`` a
    bare "HH:MM[:SS]" means that day (a person re-timing an event types only
    the clock). Raises :class:`InvalidFieldError` for ``field`` when the text is
    not such a time or names a wall-clock time that ``zone`` skipped or repeated.
    """
    text = (text or "").strip()
    if not text:
        return None
    naive, offset = _read(text, field, default_date)
    if offset is not None:
        return _in_range(naive.replace(tzinfo=offset), zone, text, field)
    return _in_range(_wall_clock(naive, zone, text, field), zone, text, field)


def candidates(text: str, zone: ZoneInfo, *, field: str = "at",
               default_date: date | None = None) -> list[datetime]:
    """Every moment ``text`` can mean in ``zone``, in UTC and in time order.

    One moment for an ordinary time or a time with an offset, two for a
    wall-clock time that happened twice (autumn fold: the first, summer-time
    occurrence comes first), none for one that never happened (spring gap).
    Raises :class:`InvalidFieldError` for ``field`` when the text is empty or
    not a date and time at all.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidFieldError(field, f"no time given ({_FORMATS_HINT})")
    naive, offset = _read(text, field, default_date)
    if offset is not None:
        return [_in_range(naive.replace(tzinfo=offset), zone, text, field)]
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [_in_range(first, zone, text, field)]
    if _skipped(naive, zone):
        return []
    return sorted({_in_range(first, zone, text, field), _in_range(second, zone, text, field)})


def _in_range(moment: datetime, zone: tzinfo, text: str, field: str) -> datetime:
    """``moment`` in UTC when the library can hold it in ``zone``; else the range, named for ``field``."""
    try:
        # The UTC year in the message: "1900-01-01 00:30" in Berlin is 1899 in UTC, and says so.
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = moment
    try:
        check_moment(utc, field=field, zone=zone)
    except InvalidFieldError as exc:
        raise InvalidFieldError(field, f"{text}: {exc.reason}") from None
    return moment.astimezone(UTC)


def _wall_clock(naive: datetime, zone: ZoneInfo, text: str, field: str) -> datetime:
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    first_offset, second_offset = first.utcoffset(), second.utcoffset()
    if first_offset == second_offset:
        return first
    name = getattr(zone, "key", None) or str(zone)
    if _skipped(naive, zone):
        example = naive.strftime("%Y-%m-%d %H:%M") + format_offset(first_offset)
        raise InvalidFieldError(
            field,
            f"{text} does not exist in {name} (clocks jumped forward); "
            f"enter it with an offset, e.g. {example}",
        )
    raise InvalidFieldError(
        field,
        f"{text} happened twice in {name}; add the offset: "
        f"{format_offset(first_offset)} (first) or {format_offset(second_offset)} (second)",
    )


def _read(text: str, field: str, default_date: date | None) -> tuple[datetime, tzinfo | None]:
    """The naive wall-clock time and the explicit offset (if any) that ``text`` spells."""
    match = _PATTERN.fullmatch(text)
    day = None
    if match is None and default_date is not None:
        match = _CLOCK_ONLY.fullmatch(text)
        day = default_date
    if match is None:
        raise InvalidFieldError(field, f"{text} is not a date and time ({_FORMATS_HINT})")
    try:
        if day is None:
            day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        naive = datetime(
            day.year, day.month, day.day,
            int(match["hour"]), int(match["minute"]), int(match["second"] or 0),
            int((match["fraction"] or "0").ljust(6, "0")),
        )
        offset = _offset(match["offset"])
    except ValueError as exc:
        raise InvalidFieldError(field, f"{text} is not a date and time ({_FORMATS_HINT})") from exc
    # Before any zone arithmetic: year 1 or 9999 would overflow in it. The exact check (in the
    # zone, in UTC) follows once the moment is known; a year either side of the range can still
    # be in it with an offset ("1899-12-31 23:30-05:00"), so only years beyond those stop here.
    if not EARLIEST.year - 1 <= naive.year <= LATEST.year + 1:
        _in_range(naive.replace(tzinfo=UTC), UTC, text, field)
    return naive, offset


def _skipped(naive: datetime, zone: tzinfo) -> bool:
    """Whether the clocks in ``zone`` jumped over ``naive`` (spring gap).

    Both folds disagree inside a gap and inside a fold; only a gap fails the round trip.
    """
    moment = naive.replace(tzinfo=zone, fold=0)
    return moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive


def _offset(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "z", "UTC"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
