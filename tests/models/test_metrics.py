"""Key metrics: time to detect, mitigate and resolve, how they read, and when they are approximate."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.metrics import (
    METRIC_IDS,
    Metric,
    against_plan,
    approximate_times,
    describe,
    duration_between,
    format_duration,
    key_metrics,
    measure,
    time_is_approximate,
)
from models.snapshot import EventRow, ReviewDoc
from tests.conftest import EXAMPLES


def at(hour: int, minute: int, second: int = 0, *, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def event(event_id: int, moment: datetime, kind: str, *, approximate: bool = False) -> EventRow:
    return EventRow(event_id, moment, f"event {event_id}", kind, "", approximate, ())


def review(**changes: object) -> ReviewDoc:
    """A review started 09:14, detected 09:22, mitigated 10:30, resolved a day and 3 h later."""
    doc = ReviewDoc(
        id=1, title="t", summary="", severity=None, kind="incident", status="draft", timezone="UTC",
        template="standard", started_at=at(9, 14), detected_at=at(9, 22), mitigated_at=at(10, 30),
        resolved_at=at(12, 14, day=3), impact="", services=(), tags=(), created_at=at(12, 0),
        updated_at=at(12, 0), participants=(), events=(), notes=(), learnings=(), actions=(), meetings=(),
    )
    return dataclasses.replace(doc, **changes)


@pytest.mark.parametrize(("span", "expected"), [
    (timedelta(0), "0 min"),
    (timedelta(seconds=20), "< 1 min"),
    (timedelta(seconds=-20), "< 1 min"),
    (timedelta(seconds=89), "1 min"),
    (timedelta(seconds=90), "2 min"),
    (timedelta(minutes=8), "8 min"),
    (timedelta(minutes=59, seconds=40), "1 h"),
    (timedelta(minutes=65), "1 h 05 min"),
    (timedelta(hours=1, minutes=16), "1 h 16 min"),
    (timedelta(hours=23, minutes=59, seconds=40), "1 d"),
    (timedelta(days=2, hours=3), "2 d 3 h"),
    (timedelta(days=2, hours=3, minutes=20), "2 d 3 h 20 min"),
    (timedelta(days=2, hours=3, minutes=40), "2 d 3 h 40 min"),
    (timedelta(days=1, hours=23, minutes=45), "1 d 23 h 45 min"),
    (timedelta(days=3, minutes=5), "3 d 0 h 05 min"),
    (timedelta(minutes=-5), "−5 min"),
    (timedelta(hours=-1, minutes=-16), "−1 h 16 min"),
    (-timedelta(hours=34, minutes=15), "−1 d 10 h 15 min"),
])
def test_format_duration(span: timedelta, expected: str) -> None:
    """Minutes, hours and days, always to the minute; a minus sign for negative spans."""
    assert format_duration(span) == expected


@pytest.mark.parametrize(("span", "expected"), [
    (timedelta(hours=24, minutes=11), "1 d 0 h 11 min"),
    (timedelta(hours=34, minutes=15), "1 d 10 h 15 min"),
    (timedelta(hours=24), "1 d"),
    (timedelta(days=400, minutes=1), "400 d 0 h 01 min"),
])
def test_format_duration_keeps_the_minutes_past_a_day(span: timedelta, expected: str) -> None:
    """Issue 8: 24 h 11 min read "1 d" and 34 h 15 min "1 d 10 h"; past a day the minutes stay."""
    assert format_duration(span) == expected


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(st.integers(min_value=-10**7, max_value=10**7))
def test_format_duration_reads_back_to_the_minute(minutes: int) -> None:
    """Whatever the span in whole minutes, the text adds up to exactly that many minutes."""
    text = format_duration(timedelta(minutes=minutes))
    sign = -1 if text.startswith("−") else 1
    units = {"d": 24 * 60, "h": 60, "min": 1}
    numbers = re.findall(r"(\d+) (d|h|min)", text)
    assert sign * sum(int(n) * units[unit] for n, unit in numbers) == minutes
    assert [unit for _n, unit in numbers] == sorted((unit for _n, unit in numbers), key=list(units).index)


@pytest.mark.parametrize(("actual", "planned", "expected"), [
    (32, 25, ("32 min", "25")),
    (8, None, ("8 min", None)),
    (95, 90, ("1 h 35 min", "1 h 30 min")),
    (24 * 60 + 15, 25, ("1 d 0 h 15 min", "25 min")),
    (20, 90, ("20 min", "1 h 30 min")),
])
def test_against_plan(actual: int, planned: int | None, expected: tuple[str, str | None]) -> None:
    """A phase's time beside its plan: "32 min of 25 planned"; the plan keeps its unit when they differ."""
    assert against_plan(actual, planned) == expected


@pytest.mark.parametrize(("metric", "expected"), [
    (Metric("time-to-detect", "Time to detect", "detected_at", None), "unknown"),
    (Metric("time-to-detect", "Time to detect", "detected_at", None, approximate=True), "unknown"),
    (Metric("time-to-detect", "Time to detect", "detected_at", timedelta(0)), "0 min"),
    (Metric("time-to-detect", "Time to detect", "detected_at", timedelta(minutes=8)), "8 min"),
    (Metric("time-to-detect", "Time to detect", "detected_at", timedelta(minutes=8), True), "≈ 8 min"),
    (Metric("time-to-detect", "Time to detect", "detected_at", timedelta(minutes=-5)),
     "−5 min (detected before the recorded start)"),
    (Metric("time-to-resolve", "Time to resolve", "resolved_at", timedelta(minutes=-5), True),
     "≈ −5 min (resolved before the recorded start)"),
])
def test_describe(metric: Metric, expected: str) -> None:
    """A metric reads "unknown" when missing (never zero), ≈ when approximate, with a note when negative."""
    assert describe(metric) == expected


def test_key_metrics_count_from_the_start() -> None:
    """Detect, mitigate and resolve, in that order, each measured from the start."""
    metrics = key_metrics(review())
    assert [(m.id, m.value) for m in metrics] == [
        ("time-to-detect", timedelta(minutes=8)),
        ("time-to-mitigate", timedelta(hours=1, minutes=16)),
        ("time-to-resolve", timedelta(days=1, hours=3)),
    ]
    assert [describe(m) for m in metrics] == ["8 min", "1 h 16 min", "1 d 3 h"]


@pytest.mark.parametrize("missing", ["started_at", "detected_at"])
def test_missing_time_is_unknown_not_zero(missing: str) -> None:
    """Without the start or the end time, time to detect has no value at all."""
    detect = key_metrics(review(**{missing: None}))[0]
    assert (detect.value, detect.known, describe(detect)) == (None, False, "unknown")


def test_without_a_start_every_metric_is_unknown() -> None:
    """No start time: none of the three can be measured."""
    assert [describe(m) for m in key_metrics(review(started_at=None))] == ["unknown"] * 3


def test_detected_before_start_says_so() -> None:
    """Times that contradict each other are shown, negative, with what they mean."""
    detect = key_metrics(review(detected_at=at(9, 9)))[0]
    assert detect.negative and describe(detect) == "−5 min (detected before the recorded start)"


@pytest.mark.parametrize(("events", "field", "expected"), [
    ((), "detected_at", False),
    ((event(1, at(9, 22), "detection", approximate=True),), "detected_at", True),
    ((event(1, at(9, 22), "detection"),), "detected_at", False),
    # An exact record of the same moment wins over an estimate.
    ((event(1, at(9, 22), "detection", approximate=True), event(2, at(9, 22), "detection")),
     "detected_at", False),
    # Only an event that could be where the time came from counts.
    ((event(1, at(9, 22), "observation", approximate=True),), "detected_at", False),
    ((event(1, at(9, 22, 30), "detection", approximate=True),), "detected_at", False),
    ((event(1, at(10, 30), "mitigation", approximate=True),), "mitigated_at", True),
    ((event(1, at(12, 14, day=3), "resolution", approximate=True),), "resolved_at", True),
    # The start can come from any kind of event (a change, an impact…).
    ((event(1, at(9, 14), "change", approximate=True),), "started_at", True),
])
def test_time_is_approximate(events: tuple[EventRow, ...], field: str, expected: bool) -> None:
    """A review time is approximate when every matching timeline event at that moment is."""
    assert time_is_approximate(review(events=events), field) is expected


def test_approximate_start_makes_every_metric_approximate() -> None:
    """Each metric counts from the start, so an estimated start makes all three estimates."""
    doc = review(events=(event(1, at(9, 14), "impact", approximate=True),))
    assert [describe(m) for m in key_metrics(doc)] == ["≈ 8 min", "≈ 1 h 16 min", "≈ 1 d 3 h"]


def test_approximate_end_marks_only_its_metric() -> None:
    """An estimated detection time makes only time to detect approximate."""
    doc = review(events=(event(1, at(9, 22), "detection", approximate=True),))
    assert [m.approximate for m in key_metrics(doc)] == [True, False, False]


def test_unknown_metric_is_never_approximate() -> None:
    """Missing beats approximate: an unknown value is not "about unknown"."""
    doc = review(detected_at=None, events=(event(1, at(9, 14), "change", approximate=True),))
    assert key_metrics(doc)[0].approximate is False


def test_measure_takes_flags_directly() -> None:
    """A caller that knows the flags another way gets the same metric."""
    metric = measure("time-to-mitigate", at(9, 0), at(9, 30), end_approximate=True)
    assert (metric.label, describe(metric)) == ("Time to mitigate", "≈ 30 min")


def test_measure_refuses_an_unknown_metric() -> None:
    """Only the three key metrics exist."""
    with pytest.raises(ValueError, match="time-to-coffee"):
        measure("time-to-coffee", at(9, 0), at(9, 5))


def test_naive_times_are_read_as_utc() -> None:
    """A naive time (how SQLite may hand it back) is UTC, never the machine's local time."""
    assert duration_between(datetime(2026, 3, 2, 9, 0), at(9, 30)) == timedelta(minutes=30)


def test_metric_ids_in_reading_order() -> None:
    """The ids other layers use, in the order they are shown."""
    assert METRIC_IDS == ("time-to-detect", "time-to-mitigate", "time-to-resolve")


@settings(max_examples=EXAMPLES)
@given(st.lists(st.tuples(st.sampled_from([at(9, 14), at(9, 22), at(10, 30), at(12, 14, day=3), at(11, 0)]),
                          st.sampled_from(["detection", "mitigation", "resolution", "action", "observation"]),
                          st.booleans(),
                          st.sampled_from([UTC, timezone(timedelta(hours=3, minutes=30)),
                                           timezone(timedelta(hours=-5))])),
                max_size=12))
def test_one_pass_over_the_timeline_judges_each_time_as_one_field_at_a_time(events) -> None:  # type: ignore[no-untyped-def]
    """The estimate flags of the review's times, read in one go, whatever zone each event was written in
    (the events in time order, then id, as a review holds them)."""
    doc = review(events=tuple(sorted((event(i, moment.astimezone(zone), kind, approximate=approx)
                                      for i, (moment, kind, approx, zone) in enumerate(events)),
                                     key=lambda e: (e.at, e.id))))
    fields = ("started_at", "detected_at", "mitigated_at", "resolved_at")
    together = approximate_times(doc, fields)
    kinds = {"detected_at": "detection", "mitigated_at": "mitigation", "resolved_at": "resolution"}
    for field in fields:
        sources = [e for e in doc.events if e.at == getattr(doc, field)
                   and (field not in kinds or e.kind == kinds[field])]
        assert together[field] == (bool(sources) and all(e.approximate for e in sources))
        assert time_is_approximate(doc, field) == together[field]
