"""Times typed by a person: wall-clock in the review's timezone, or with an explicit offset.

People type what their clocks showed ("2026-03-02 10:14") far more often than
UTC. A wall-clock time is read in the review's timezone; one that the zone
skipped (spring forward) or repeated (autumn fold) is refused with a message
that says which offset to add, never guessed at.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from models.errors import InvalidFieldError

_FORMATS_HINT = "use YYYY-MM-DD HH:MM, optionally with an offset such as +01:00 or Z"

_PATTERN = re.compile(
    r"""
    (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
    (?:[Tt]|\s+)
    (?P<hour>\d{1,2}):(?P<minute>\d{2})
    (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?
    \s*
    (?P<offset>[Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?
    """,
    re.VERBOSE,
)


def parse_time(text: str, zone: ZoneInfo, *, field: str) -> datetime | None:
    """The moment ``text`` names, timezone-aware in UTC; None for empty text.

    Accepts ISO 8601 with ``Z`` or an offset ("2026-03-02T09:14:00Z",
    "2026-03-02 10:14+01:00") and wall-clock "YYYY-MM-DD HH:MM[:SS]" (``T`` or a
    space between date and time), read in ``zone``. Raises
    :class:`InvalidFieldError` for ``field`` when the text is not such a time or
    names a wall-clock time that ``zone`` skipped or repeated.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise InvalidFieldError(field, f"{text} is not a date and time ({_FORMATS_HINT})")
    try:
        naive = datetime(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"]), int(match["minute"]), int(match["second"] or 0),
            int((match["fraction"] or "0").ljust(6, "0")),
        )
        offset = _offset(match["offset"])
    except ValueError as exc:
        raise InvalidFieldError(field, f"{text} is not a date and time ({_FORMATS_HINT})") from exc
    if offset is not None:
        return naive.replace(tzinfo=offset).astimezone(UTC)
    return _wall_clock(naive, zone, text, field).astimezone(UTC)


def format_local(moment: datetime | None, zone: tzinfo) -> str:
    """``moment`` as "YYYY-MM-DD HH:MM" in ``zone`` ("" for None).

    A wall-clock time that happened twice in ``zone`` (autumn fold) gets its
    offset appended ("2026-10-25 02:30+01:00") so that :func:`parse_time` reads
    the text back as the same moment.
    """
    if moment is None:
        return ""
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: a moment must carry a timezone")
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M")
    naive = local.replace(tzinfo=None)
    if naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        text += _format_offset(local.utcoffset())
    return text


def _wall_clock(naive: datetime, zone: ZoneInfo, text: str, field: str) -> datetime:
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    first_offset, second_offset = first.utcoffset(), second.utcoffset()
    if first_offset == second_offset:
        return first
    name = getattr(zone, "key", None) or str(zone)
    # Both folds disagree inside a gap and inside a fold; only a gap fails the round trip.
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        example = naive.strftime("%Y-%m-%d %H:%M") + _format_offset(first_offset)
        raise InvalidFieldError(
            field,
            f"{text} does not exist in {name} (clocks jumped forward); "
            f"enter it with an offset, e.g. {example}",
        )
    raise InvalidFieldError(
        field,
        f"{text} happened twice in {name}; add the offset: "
        f"{_format_offset(first_offset)} (first) or {_format_offset(second_offset)} (second)",
    )


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


def _format_offset(offset: timedelta | None) -> str:
    total = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
