"""Times on screen (wall clock, T+ offsets) and the readings a typed time can have across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from models.errors import InvalidFieldError
from models.timefmt import (
    abbreviation,
    as_utc,
    format_entry,
    is_ambiguous,
    labelled,
    relative,
    utc_offset,
    wall_clock,
)
from models.timeparse import candidates, parse_time

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(0), "T+0h00m"),
        (timedelta(seconds=59), "T+0h00m"),
        (timedelta(minutes=1), "T+0h01m"),
        (timedelta(hours=1, minutes=5), "T+1h05m"),
        (timedelta(hours=1, minutes=5, seconds=59), "T+1h05m"),
        (timedelta(hours=23, minutes=59), "T+23h59m"),
        (timedelta(hours=24), "T+1d00h00m"),
        (timedelta(days=2, hours=3, minutes=4), "T+2d03h04m"),
        (timedelta(seconds=-30), "T+0h00m"),
        (timedelta(minutes=-10), "T\u22120h10m"),
        (timedelta(hours=-1, minutes=-5), "T\u22121h05m"),
        (timedelta(days=-1, hours=-2), "T\u22121d02h00m"),
    ],
)
def test_relative_offsets(offset: timedelta, expected: str) -> None:
    """T+ offsets in whole minutes, days past 24 hours, a true minus sign before the start."""
    assert relative(START + offset, START) == expected


def test_relative_without_start_is_empty() -> None:
    """No incident start, no T+."""
    assert relative(START, None) == ""


def test_relative_compares_moments_not_wall_clocks() -> None:
    """An hour across the autumn change is one hour, though the wall clock shows the same time."""
    before = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert relative(before + timedelta(hours=1), before) == "T+1h00m"  # 02:30 CET


def test_relative_refuses_naive_times() -> None:
    """A naive datetime is a caller bug."""
    with pytest.raises(ValueError, match="naive"):
        relative(datetime(2026, 3, 2, 9, 0), START)


@pytest.mark.parametrize(
    ("moment", "with_date", "expected"),
    [
        (datetime(2026, 3, 2, 9, 14, 59, tzinfo=UTC), True, "2026-03-02 10:14"),
        (datetime(2026, 3, 2, 9, 14, tzinfo=UTC), False, "10:14"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), False, "02:30 CEST"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), False, "02:30 CET"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), True, "2026-10-25 02:30 CET"),
        (datetime(2026, 10, 25, 2, 30, tzinfo=UTC), False, "03:30"),
    ],
)
def test_wall_clock_names_the_zone_only_where_the_reading_repeats(moment: datetime, with_date: bool,
                                                                  expected: str) -> None:
    """The wall clock in the review's zone; inside the repeated hour the abbreviation tells them apart."""
    assert wall_clock(moment, BERLIN, with_date=with_date) == expected


def test_abbreviation_falls_back_to_the_offset() -> None:
    """Zones without a letter abbreviation show their offset."""
    assert abbreviation(datetime(2026, 1, 1, tzinfo=UTC), ZoneInfo("Asia/Kathmandu")) == "UTC+05:45"
    assert abbreviation(datetime(2026, 1, 1, tzinfo=UTC), ZoneInfo("Asia/Tehran")) == "UTC+03:30"
    assert abbreviation(datetime(2026, 3, 2, tzinfo=UTC), ZoneInfo("America/Sao_Paulo")) == "UTC-03:00"
    assert abbreviation(datetime(2026, 1, 1, tzinfo=UTC), BERLIN) == "CET"
    assert abbreviation(datetime(2026, 1, 1, tzinfo=UTC), UTC) == "UTC"


@pytest.mark.parametrize(("offset", "expected"), [
    (timedelta(hours=3, minutes=30), "UTC+03:30"),
    (-timedelta(hours=3), "UTC-03:00"),
    (-timedelta(hours=9, minutes=30), "UTC-09:30"),
    (timedelta(0), "UTC"),
    (None, "UTC"),
])
def test_utc_offset_has_one_spelling(offset: timedelta | None, expected: str) -> None:
    """Offsets read "UTC+03:30" / "UTC-03:00", and a zero offset plain "UTC"."""
    assert utc_offset(offset) == expected


def test_labelled_names_the_zone_and_shows_seconds_only_when_asked() -> None:
    """"2026-03-02 12:44 UTC+03:30"; ":SS" only with ``seconds`` and off the minute."""
    tehran = ZoneInfo("Asia/Tehran")
    assert labelled(datetime(2026, 3, 2, 9, 14, 30, tzinfo=UTC), tehran) == "2026-03-02 12:44 UTC+03:30"
    off_the_minute = datetime(2026, 3, 2, 9, 14, 30, tzinfo=UTC)
    assert labelled(off_the_minute, BERLIN, seconds=True) == "2026-03-02 10:14:30 CET"
    assert labelled(datetime(2026, 3, 2, 9, 14, tzinfo=UTC), BERLIN, seconds=True) == "2026-03-02 10:14 CET"
    with pytest.raises(ValueError, match="naive"):
        labelled(datetime(2026, 3, 2, 9, 14), BERLIN)


def test_as_utc_converts_aware_times_and_reads_naive_ones_as_utc() -> None:
    """Aware times are converted to UTC (same instant); naive ones are taken as UTC, not local time."""
    berlin = datetime(2026, 3, 2, 10, 14, tzinfo=BERLIN)
    assert as_utc(berlin) == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert as_utc(berlin).tzinfo is UTC
    assert as_utc(datetime(2026, 3, 2, 9, 14)) == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert as_utc(datetime(2026, 3, 2, 9, 14)).tzinfo is UTC
    already = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert as_utc(already) == already


def test_is_ambiguous_only_inside_the_fold() -> None:
    """Only readings the clocks showed twice are ambiguous."""
    assert is_ambiguous(datetime(2026, 10, 25, 0, 59, tzinfo=UTC), BERLIN)
    assert not is_ambiguous(datetime(2026, 10, 25, 2, 0, tzinfo=UTC), BERLIN)
    assert not is_ambiguous(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), BERLIN)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 14, 37, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, 5, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ],
)
def test_format_entry_reads_back_as_the_same_moment(moment: datetime) -> None:
    """What the editor shows parses back to the stored moment, to the second, on both sides of a change."""
    assert parse_time(format_entry(moment, BERLIN), BERLIN, field="at") == moment


def test_format_entry_shows_seconds_only_when_there_are_some() -> None:
    """"10:14" on the minute, "10:14:37" otherwise."""
    assert format_entry(datetime(2026, 3, 2, 9, 14, tzinfo=UTC), BERLIN) == "2026-03-02 10:14"
    assert format_entry(datetime(2026, 3, 2, 9, 14, 37, tzinfo=UTC), BERLIN) == "2026-03-02 10:14:37"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02 10:14", [datetime(2026, 3, 2, 9, 14, tzinfo=UTC)]),
        ("2026-10-25 02:30", [datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                              datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]),
        ("2026-10-25 02:30+01:00", [datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]),
        ("2026-03-29 02:30", []),
        ("2026-03-29 02:30Z", [datetime(2026, 3, 29, 2, 30, tzinfo=UTC)]),
    ],
)
def test_candidates_lists_every_reading(text: str, expected: list[datetime]) -> None:
    """One moment normally, both for a repeated hour (first one first), none for a skipped one."""
    assert candidates(text, BERLIN) == expected


@pytest.mark.parametrize("text", ["", "garbage", "10:14"])
def test_candidates_refuses_what_is_not_a_time(text: str) -> None:
    """No text or no date-and-time is an error, not "no readings"."""
    with pytest.raises(InvalidFieldError):
        candidates(text, BERLIN)


def test_a_bare_clock_time_takes_the_given_day() -> None:
    """Re-timing an event, "10:20" means that time on the event's own day."""
    assert parse_time("10:20", BERLIN, field="at", default_date=date(2026, 3, 2)) == datetime(
        2026, 3, 2, 9, 20, tzinfo=UTC)
    assert candidates("02:30", BERLIN, default_date=date(2026, 10, 25)) == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]


def test_a_bare_clock_time_in_the_fold_is_still_refused() -> None:
    """The day does not settle which of two 02:30s was meant."""
    with pytest.raises(InvalidFieldError, match="happened twice"):
        parse_time("02:30", BERLIN, field="at", default_date=date(2026, 10, 25))
def test_format_entry_shows_wall_clock_in_zone() -> None:
    """A stored UTC moment shows as the zone's wall clock, with seconds only when it has them."""
    assert format_entry(datetime(2026, 3, 2, 9, 14, tzinfo=UTC), BERLIN) == "2026-03-02 10:14"
    assert format_entry(datetime(2026, 3, 2, 9, 14, 59, tzinfo=UTC), BERLIN) == "2026-03-02 10:14:59"


def test_format_entry_of_none_is_empty() -> None:
    """An unknown time shows as an empty field."""
    assert format_entry(None, BERLIN) == ""


def test_format_entry_adds_offset_inside_fold() -> None:
    """In the repeated hour the offset is shown, so the text reads back as the same moment."""
    moment = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    text = format_entry(moment, BERLIN)
    assert text == "2026-10-25 02:30+01:00"
    assert parse_time(text, BERLIN, field="at") == moment


def test_format_entry_accepts_any_aware_moment() -> None:
    """A moment with a fixed offset converts to the zone like a UTC one."""
    moment = datetime(2026, 3, 2, 4, 14, tzinfo=timezone(timedelta(hours=-5)))
    assert format_entry(moment, BERLIN) == "2026-03-02 10:14"


def test_format_entry_refuses_naive_moment() -> None:
    """A naive datetime is a caller bug, refused rather than guessed at."""
    with pytest.raises(ValueError, match="naive"):
        format_entry(datetime(2026, 3, 2, 9, 14), BERLIN)
