"""Times typed by people: offsets, wall-clock in a zone, and the hours DST skips or repeats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.errors import InvalidFieldError
from models.timeparse import candidates, parse_time

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_no_time(text: str) -> None:
    """Empty text means the time is not known (None), not an error."""
    assert parse_time(text, BERLIN, field="started_at") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02T09:14:00Z", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02 09:14z", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02 10:14+01:00", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02T10:14:30+0100", datetime(2026, 3, 2, 9, 14, 30, tzinfo=UTC)),
        ("2026-03-02 04:14 -05:00", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02 14:59+05:45", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02T09:14:00.250Z", datetime(2026, 3, 2, 9, 14, 0, 250000, tzinfo=UTC)),
    ],
)
def test_explicit_offset_wins_over_zone(text: str, expected: datetime) -> None:
    """A time with Z or an offset names one moment whatever the review's zone."""
    assert parse_time(text, BERLIN, field="started_at") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02 10:14", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02T10:14", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)),
        ("2026-03-02 10:14:05", datetime(2026, 3, 2, 9, 14, 5, tzinfo=UTC)),
        ("2026-07-02 10:14", datetime(2026, 7, 2, 8, 14, tzinfo=UTC)),
        ("  2026-03-02 9:14  ", datetime(2026, 3, 2, 8, 14, tzinfo=UTC)),
    ],
)
def test_wall_clock_is_read_in_the_zone(text: str, expected: datetime) -> None:
    """A time without an offset is what the clocks in the review's zone showed."""
    assert parse_time(text, BERLIN, field="started_at") == expected


def test_result_is_aware_utc() -> None:
    """Parsed times carry the UTC timezone, as the library stores them."""
    parsed = parse_time("2026-03-02 10:14", BERLIN, field="started_at")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


def test_spring_forward_gap_is_refused() -> None:
    """A wall-clock time the clocks skipped is refused, suggesting an offset."""
    with pytest.raises(InvalidFieldError) as caught:
        parse_time("2026-03-29 02:30", BERLIN, field="detected_at")
    assert caught.value.field == "detected_at"
    assert "does not exist in Europe/Berlin (clocks jumped forward)" in caught.value.reason
    assert "2026-03-29 02:30+01:00" in caught.value.reason


def test_autumn_fold_is_refused_naming_both_offsets() -> None:
    """A wall-clock time that happened twice is refused, naming the offset of each."""
    with pytest.raises(InvalidFieldError) as caught:
        parse_time("2026-10-25 02:30", BERLIN, field="resolved_at")
    assert caught.value.field == "resolved_at"
    assert caught.value.reason == (
        "2026-10-25 02:30 happened twice in Europe/Berlin; add the offset: +02:00 (first) or +01:00 (second)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-25 02:30+02:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25 02:30+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)
def test_offset_picks_one_side_of_the_fold(text: str, expected: datetime) -> None:
    """With the offset given, either occurrence of a repeated hour can be entered."""
    assert parse_time(text, BERLIN, field="resolved_at") == expected


@pytest.mark.parametrize(
    "text",
    ["garbage", "2026-13-01 10:00", "2026-02-30 10:00", "2026-03-02", "10:14", "2026-03-02 25:00",
     "2026-03-02 10:14+24:00", "2026/03/02 10:14", "2026-03-02 10:14 Europe/Berlin"],
)
def test_garbage_names_the_expected_format(text: str) -> None:
    """Text that is not a date and time is refused with the format to use."""
    with pytest.raises(InvalidFieldError) as caught:
        parse_time(text, BERLIN, field="detected_at")
    assert caught.value.field == "detected_at"
    assert caught.value.reason.startswith(f"{text} is not a date and time (use YYYY-MM-DD HH:MM")


# Issue 8: one valid time range for times typed in the window (event dialog, timeline editor).

@pytest.mark.parametrize(("text", "year"), [
    ("0999-03-02 10:14", "999"),             # a typo for 1999: stored as "999-…" it broke the review
    ("0001-01-01 00:00+01:00", "1"),         # overflowed (OverflowError) converting to UTC
    ("0001-01-01 00:30", "1"),               # overflowed in the zone arithmetic
    ("9999-12-31 23:59-01:00", "9999"),      # overflowed the other way
    ("2201-01-02 10:00Z", "2201"),
    ("1900-01-01 00:30", "1899"),            # Berlin wall-clock: 1899 in UTC
])
def test_times_outside_1900_to_2200_are_refused_naming_the_field(text: str, year: str) -> None:
    """parse_time and candidates refuse with the field and the year, never an OverflowError."""
    for read in (parse_time, candidates):
        with pytest.raises(InvalidFieldError) as caught:
            read(text, BERLIN, field="at")
        assert caught.value.field == "at"
        assert caught.value.reason == f"{text}: the year {year} is outside the years 1900 to 2200"


@pytest.mark.parametrize(("text", "expected"), [
    ("1899-12-31 23:30-05:00", datetime(1900, 1, 1, 4, 30, tzinfo=UTC)),   # the offset brings it in
    ("2200-12-31 23:59", datetime(2200, 12, 31, 22, 59, tzinfo=UTC)),
    ("1900-01-01 01:00", datetime(1900, 1, 1, 0, 0, tzinfo=UTC)),
])
def test_the_edges_of_the_range_are_kept(text: str, expected: datetime) -> None:
    """The first and last moments of the range read, whatever the offset that brings them there."""
    assert parse_time(text, BERLIN, field="at") == expected
    assert candidates(text, BERLIN, field="at") == [expected]


def test_a_bare_clock_time_on_a_default_day_is_checked_too() -> None:
    """The timeline editor's "HH:MM" on the event's own day goes through the same range."""
    with pytest.raises(InvalidFieldError, match="the year 1899 is outside"):
        parse_time("00:30", BERLIN, field="at", default_date=date(1900, 1, 1))
    assert parse_time("10:30", BERLIN, field="at", default_date=date(1900, 1, 1)) == \
        datetime(1900, 1, 1, 9, 30, tzinfo=UTC)
