"""How stored moments read on screen: the review's wall clock, and time since the incident started.

Pure functions of aware datetimes and a zone, so views, exports and tests
agree to the character. Storage is UTC; these are for display only. The
reports, the library list, the chart painter and the timeline editor all
format through this module; none of them calls ``strftime("%Z")``, ``"%z"``
or ``tzname()`` by hand.

One spelling for a zone, wherever a person reads it:

* the zone's letter abbreviation at that moment when it has one: ``CET``,
  ``CEST``, ``UTC``, ``GMT`` (:func:`abbreviation`);
* otherwise its UTC offset, as ``UTC+03:30`` / ``UTC-03:00``, and plain ``UTC``
  for a zero offset (:func:`utc_offset`). Asia/Tehran therefore reads
  ``UTC+03:30`` in the reports, the library list, the chart and the editor,
  never ``+0330`` (what ``%Z`` gives) nor ``+03:30``.

The bare ISO offset ``+03:30`` (:func:`format_offset`) is kept
only for text that is machine-read or meant to be typed back: ISO 8601 times
in exports, and the fold disambiguation of :func:`format_entry` (``02:30+01:00``),
which :func:`models.timeparse.parse_time` reads.

A naive datetime is a bug everywhere except at :func:`as_utc`, the one helper
that reads a naive time as UTC (how it is stored) for code handed such values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

#: U+2212, the typographic minus: "T−0h10m" reads as a negative offset, not a dash.
MINUS = "\u2212"

#: Prefix for a time that is an estimate: "≈ 14:05".
APPROXIMATE = "\u2248 "


def format_offset(offset: timedelta | None) -> str:
    """A UTC offset as "+02:00" / "-05:00" (None reads as UTC, "+00:00"): ISO 8601, typed back as is."""
    total = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is read as UTC (how it is stored), never as local time."""
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def utc_offset(offset: timedelta | None) -> str:
    """A UTC offset as a person reads it: "UTC+03:30", "UTC-03:00"; "UTC" for zero (or None)."""
    if not offset:
        return "UTC"
    return "UTC" + format_offset(offset)


def relative(moment: datetime, start: datetime | None) -> str:
    """``moment`` relative to the incident ``start``: "T+1h05m", "T−0h10m", "T+1d02h00m".

    Empty when the start is not known. Whole minutes, truncated towards the
    start, so an event 30 seconds before the start reads "T+0h00m" (no
    negative zero).
    """
    if start is None:
        return ""
    _require_aware(moment)
    _require_aware(start)
    seconds = int((moment - start).total_seconds())
    minutes = abs(seconds) // 60
    sign = MINUS if seconds < 0 and minutes else "+"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"T{sign}{days}d{hours:02d}h{minutes:02d}m"
    return f"T{sign}{hours}h{minutes:02d}m"


def is_ambiguous(moment: datetime, zone: tzinfo) -> bool:
    """Whether the wall clock in ``zone`` showed ``moment``'s reading twice (autumn fold)."""
    _require_aware(moment)
    naive = moment.astimezone(zone).replace(tzinfo=None)
    return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset()


def abbreviation(moment: datetime, zone: tzinfo) -> str:
    """The zone's name for its offset at ``moment`` ("CEST", "CET"), or the offset ("UTC+05:45").

    Only a name made of letters counts: tz database names such as "+0330" or
    "-03" are offsets in disguise and read as :func:`utc_offset`.
    """
    _require_aware(moment)
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    if not name.isalpha():
        return utc_offset(local.utcoffset())
    return name


def labelled(moment: datetime, zone: tzinfo, *, seconds: bool = False) -> str:
    """``moment`` in ``zone`` with the zone named: "2026-03-02 10:14 CET", "2026-03-02 13:44 UTC+03:30".

    With ``seconds``, ":SS" is added when the moment is not on the minute
    ("2026-03-02 10:21:30 CET").
    """
    _require_aware(moment)
    local = moment.astimezone(zone)
    text = f"{local:%Y-%m-%d %H:%M:%S}" if seconds and local.second else f"{local:%Y-%m-%d %H:%M}"
    return f"{text} {abbreviation(moment, zone)}"


def wall_clock(moment: datetime, zone: tzinfo, *, with_date: bool = True) -> str:
    """``moment`` on the wall clock of ``zone``: "2026-03-02 10:14", or "10:14" without the date.

    A reading the clocks showed twice gets the zone abbreviation ("02:30 CEST",
    "02:30 CET") so the two occurrences can be told apart.
    """
    _require_aware(moment)
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
    if is_ambiguous(moment, zone):
        text += " " + abbreviation(moment, zone)
    return text


def format_entry(moment: datetime | None, zone: tzinfo) -> str:
    """``moment`` as a person would type it back: "2026-03-02 10:14", with ":SS" when not on the minute.

    An unknown time (None) is an empty field. The one spelling of a time in a
    field to edit: the timeline editor, the level-setting form, the event
    dialog, the import preview and "jump to time" all use it.

    Inside an autumn fold the offset is appended ("2026-10-25 02:30+01:00"), so
    :func:`models.timeparse.parse_time` reads the text back as the same moment
    (to the second).
    """
    if moment is None:
        return ""
    _require_aware(moment)
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    if is_ambiguous(moment, zone):
        text += format_offset(local.utcoffset())
    return text


def _require_aware(moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: a moment must carry a timezone")
