"""Who knew what when, without Qt: source classification, lanes, marks, the time range and ticks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.snapshot import EventRow, ParticipantRow, ReviewDoc
from models.swimlane import (
    MIN_SPAN,
    SYSTEMS_LABEL,
    SYSTEMS_LANE,
    build_layout,
    classify_source,
    date_label,
    min_view_span,
    pan_view,
    zoom_view,
)


def at(hour: int, minute: int, *, day: int = 2, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def person(person_id: int, name: str, *roles: str) -> ParticipantRow:
    return ParticipantRow(person_id, name, roles, None, "", None)


def event(event_id: int, moment: datetime, *, source: str = "", who: tuple[str, ...] = (),
          approximate: bool = False, kind: str = "observation") -> EventRow:
    return EventRow(event_id, moment, f"event {event_id}", kind, source, approximate, who)


def review(**changes: object) -> ReviewDoc:
    """Kim and Alex (in that order), no times, no events; ``changes`` replace fields."""
    doc = ReviewDoc(
        id=1, title="t", summary="", severity=None, kind="incident", status="draft", timezone="Europe/Berlin",
        template="standard", started_at=None, detected_at=None, mitigated_at=None, resolved_at=None,
        impact="", services=(), tags=(), created_at=at(12, 0), updated_at=at(12, 0),
        participants=(person(7, "Kim", "responder"), person(3, "Alex")), events=(), notes=(), learnings=(),
        actions=(), meetings=(),
    )
    return dataclasses.replace(doc, **changes)


# ---------------------------------------------------------------- classification

@pytest.mark.parametrize(("source", "expected"), [
    ("pagerduty alert", "alert"),
    ("alert", "alert"),
    ("Alerts channel", "alert"),
    ("PagerDuty", "alert"),
    ("paged by Opsgenie", "alert"),
    ("monitoring", "alert"),
    ("slack #inc", "chat"),
    ("chat", "chat"),
    ("Slack", "chat"),
    ("#inc-checkout", "chat"),
    ("email from support", "chat"),
    ("grafana", "dashboard"),
    ("dashboard", "dashboard"),
    ("Datadog dashboards", "dashboard"),
    ("status page", "dashboard"),
    ("colleague", "colleague"),
    ("phone", "colleague"),
    ("call", "colleague"),
    ("told by Kim", "colleague"),
    ("word of mouth", "colleague"),
    ("log", "log"),
    ("deploy log", "log"),
    ("deploy.log", "log"),
    ("Kibana", "log"),
    ("", "other"),
    ("   ", "other"),
    ("gut feeling", "other"),
    ("ticket #123", "other"),
    ("login page", "other"),
    ("catalog", "other"),
])
def test_classify_source(source: str, expected: str) -> None:
    """A free-text source maps to how the knowledge arrived, by whole words."""
    assert classify_source(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("grafana alert", "alert"),
    ("dashboard link in slack", "dashboard"),
    ("told by Kim in slack", "chat"),
    ("alert in the deploy log", "alert"),
])
def test_mixed_source_takes_the_first_that_applies(source: str, expected: str) -> None:
    """Alert, dashboard, log, chat, colleague: the earlier kind wins when a source names several."""
    assert classify_source(source) == expected


# ---------------------------------------------------------------- lanes and marks

def test_lanes_systems_first_then_participants_in_review_order() -> None:
    """The systems lane, then one lane per participant in the review's order (not by name)."""
    layout = build_layout(review())
    assert [(lane.key, lane.label) for lane in layout.lanes] == [
        (SYSTEMS_LANE, SYSTEMS_LABEL), ("participant:7", "Kim"), ("participant:3", "Alex")]
    assert layout.lanes[1].roles == ("responder",) and layout.lanes[1].participant_id == 7


def test_event_is_a_mark_in_each_named_participants_lane() -> None:
    """An event that names two people is a mark in both their lanes, and not in the systems lane."""
    layout = build_layout(review(events=(event(1, at(9, 0), source="slack", who=("Alex", "Kim")),)))
    assert sorted(m.lane for m in layout.marks) == [1, 2]


def test_event_naming_nobody_goes_to_the_systems_lane() -> None:
    """No participant named: the mark is in the systems lane."""
    layout = build_layout(review(events=(event(1, at(9, 0), source="colleague"),)))
    assert [m.lane for m in layout.marks] == [0]


@pytest.mark.parametrize("source", ["pagerduty alert", "grafana"])
def test_machine_source_is_also_in_the_systems_lane(source: str) -> None:
    """An alert or a dashboard told the people named: a mark for the system and one for each of them."""
    layout = build_layout(review(events=(event(1, at(9, 0), source=source, who=("Kim",)),)))
    assert [m.lane for m in layout.marks] == [0, 1]


def test_mark_shape_follows_the_source() -> None:
    """Each mark carries its source kind and the event's approximate flag."""
    layout = build_layout(review(events=(event(1, at(9, 0), source="deploy log", who=("Kim",),
                                               approximate=True),)))
    (mark,) = layout.marks
    assert (mark.how, mark.approximate, mark.event_id) == ("log", True, 1)


def test_marks_in_time_order_whatever_the_event_order() -> None:
    """Marks (and event ids) come in time order, ties by event id."""
    events = (event(3, at(9, 30)), event(1, at(9, 10)), event(2, at(9, 10)))
    assert build_layout(review(events=events)).event_ids() == (1, 2, 3)


def test_unknown_name_gets_its_own_lane() -> None:
    """A name on an event that is not a participant still has a lane, after the participants."""
    layout = build_layout(review(events=(event(1, at(9, 0), who=("Sam",)),)))
    assert [lane.label for lane in layout.lanes] == [SYSTEMS_LABEL, "Kim", "Alex", "Sam"]
    assert [m.lane for m in layout.marks] == [3]


def test_marks_in_lane_are_indexed() -> None:
    """marks_in gives the marks of one lane; a lane index out of range has none."""
    events = (event(1, at(9, 0), who=("Kim",)), event(2, at(9, 5)), event(3, at(9, 9), who=("Kim",)))
    layout = build_layout(review(events=events))
    assert [m.event_id for m in layout.marks_in(1)] == [1, 3]
    assert layout.marks_in(2) == () and layout.marks_in(9) == ()


def test_no_events_is_an_empty_layout() -> None:
    """Without events there is nothing to draw, but the lanes and a range still exist."""
    layout = build_layout(review(started_at=at(9, 0)))
    assert layout.is_empty and len(layout.lanes) == 3 and layout.span >= MIN_SPAN


# ---------------------------------------------------------------- the time range

def test_range_covers_events_and_review_times_with_padding() -> None:
    """The range runs a little before the first and after the last moment, review times included."""
    doc = review(started_at=at(9, 0), resolved_at=at(11, 0), events=(event(1, at(9, 30)),))
    layout = build_layout(doc)
    assert layout.start < at(9, 0) and layout.end > at(11, 0)
    assert layout.x_at(at(9, 0)) == pytest.approx(0.04 / 1.08)
    assert layout.x_at(at(10, 0)) == pytest.approx(0.5)


def test_range_without_milestones_covers_events_only() -> None:
    """milestones=False leaves the review's own times out of the range."""
    doc = review(started_at=at(6, 0), events=(event(1, at(9, 0)), event(2, at(10, 0))))
    layout = build_layout(doc, milestones=False)
    assert layout.milestones == () and layout.start > at(8, 0)


def test_single_event_gets_a_minimum_span() -> None:
    """One event is drawn in the middle of a range of at least ten minutes."""
    layout = build_layout(review(events=(event(1, at(9, 0)),)))
    assert layout.span >= MIN_SPAN and layout.marks[0].x == pytest.approx(0.5)


def test_time_at_inverts_x_at() -> None:
    """Fractions and moments convert both ways."""
    layout = build_layout(review(events=(event(1, at(9, 0)), event(2, at(10, 0)))))
    assert layout.time_at(layout.x_at(at(9, 17))) == at(9, 17)


def test_milestones_are_placed_with_their_approximate_flag() -> None:
    """Started/detected/… are milestones; one is approximate when its matching event is."""
    doc = review(started_at=at(9, 0), detected_at=at(9, 20),
                 events=(event(1, at(9, 20), kind="detection", approximate=True),))
    milestones = build_layout(doc).milestones
    assert [(m.field, m.label, m.approximate) for m in milestones] == [
        ("started_at", "Started", False), ("detected_at", "Detected", True)]


# ---------------------------------------------------------------- ticks

def ticks_for(start: datetime, end: datetime, max_ticks: int, zone: str = "UTC") -> list[tuple[str, str]]:
    layout = build_layout(review(timezone=zone, events=(event(1, start), event(2, end))), milestones=False)
    lo, hi = layout.x_at(start), layout.x_at(end)
    return [(t.label, t.date_label) for t in layout.ticks(lo, hi, max_ticks=max_ticks)]


@pytest.mark.parametrize(("span", "max_ticks", "labels"), [
    (timedelta(minutes=4), 8, ["09:00", "09:01", "09:02", "09:03", "09:04"]),
    (timedelta(minutes=40), 8, ["09:00", "09:10", "09:20", "09:30", "09:40"]),
    (timedelta(minutes=40), 3, ["09:00", "09:15", "09:30"]),
    (timedelta(hours=5), 6, ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]),
    (timedelta(hours=20), 4, ["12:00", "18:00", "00:00"]),
    (timedelta(days=6), 4, ["3 Mar", "5 Mar", "7 Mar"]),
    (timedelta(days=20), 4, ["9 Mar", "16 Mar"]),
    (timedelta(days=40), 4, ["16 Mar", "30 Mar"]),
])
def test_tick_step_fits_the_span(span: timedelta, max_ticks: int, labels: list[str]) -> None:
    """The smallest round step that fits, from minutes to weeks, on round wall-clock times."""
    assert [label for label, _ in ticks_for(at(9, 0), at(9, 0) + span, max_ticks)] == labels


def test_ticks_never_exceed_the_maximum() -> None:
    """However the range is cut, there are no more ticks than asked for."""
    for minutes in (3, 17, 40, 95, 1000, 9000, 90000):
        assert len(ticks_for(at(9, 0), at(9, 0) + timedelta(minutes=minutes), 5)) <= 5


def test_ticks_stay_put_while_panning() -> None:
    """The same moments are ticks whichever part of the range is in view."""
    month = (event(1, at(0, 0, day=1)), event(2, at(0, 0, day=28)))
    layout = build_layout(review(timezone="UTC", events=month))
    first = {t.at for t in layout.ticks(0.0, 0.6, max_ticks=4)}
    second = {t.at for t in layout.ticks(0.1, 0.7, max_ticks=4)}
    assert first & second and all(t.weekday() == 0 for t in first | second)


def test_first_tick_and_new_days_carry_a_date() -> None:
    """Sub-day ticks show the date under the first tick and wherever a new day starts."""
    assert ticks_for(at(20, 0), at(20, 0, day=3), 5) == [
        ("00:00", "Tue 3 Mar"), ("06:00", ""), ("12:00", ""), ("18:00", "")]
    assert ticks_for(at(21, 0), at(23, 0, day=3), 4)[:2] == [("00:00", "Tue 3 Mar"), ("12:00", "")]
    assert ticks_for(at(9, 0), at(11, 0), 4)[0] == ("09:00", "Mon 2 Mar")


def test_ticks_use_the_review_timezone() -> None:
    """09:00 UTC is 10:00 in Berlin in March: ticks are labelled in the review's zone."""
    labels = [label for label, _ in ticks_for(at(9, 0), at(12, 0), 4, zone="Europe/Berlin")]
    assert labels == ["10:00", "11:00", "12:00", "13:00"]


def test_ticks_follow_the_wall_clock_across_a_dst_change() -> None:
    """Across the autumn change, 6-hourly ticks stay on 00:00, 06:00, 12:00 local time."""
    start = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    labels = [label for label, _ in ticks_for(start, start + timedelta(hours=30), 6, zone="Europe/Berlin")]
    assert labels == ["00:00", "06:00", "12:00", "18:00", "00:00"]


def test_spring_gap_has_no_tick() -> None:
    """A wall-clock time that does not exist (02:30 on the spring change) gets no tick."""
    start = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 01:00 CET
    labels = [label for label, _ in ticks_for(start, start + timedelta(hours=2), 8, zone="Europe/Berlin")]
    assert "02:00" not in labels and "02:30" not in labels and labels[0] == "01:00"


def test_date_label_is_english_whatever_the_locale() -> None:
    """Dates read "Mon 2 Mar" from fixed names, not from the machine's locale."""
    assert date_label(at(9, 0), ZoneInfo("UTC")) == "Mon 2 Mar"
    assert date_label(at(23, 30), ZoneInfo("Europe/Berlin"), weekday=False) == "3 Mar"


# ---------------------------------------------------------------- zoom and pan

@pytest.mark.parametrize(("view", "factor", "anchor", "expected"), [
    ((0.0, 1.0), 2.0, 0.5, (0.25, 0.75)),
    ((0.0, 1.0), 2.0, 0.0, (0.0, 0.5)),
    ((0.25, 0.75), 0.5, 0.5, (0.0, 1.0)),
    ((0.0, 0.5), 0.25, 0.1, (0.0, 1.0)),
])
def test_zoom_keeps_the_anchor_in_place(view: tuple[float, float], factor: float, anchor: float,
                                        expected: tuple[float, float]) -> None:
    """Zooming scales the view around the anchor and never leaves 0..1."""
    assert zoom_view(view, factor, anchor, min_span=0.01) == pytest.approx(expected)


def test_zoom_stops_at_the_minimum_span() -> None:
    """The view never gets narrower than the minimum."""
    lo, hi = zoom_view((0.4, 0.6), 1000.0, 0.5, min_span=0.05)
    assert hi - lo == pytest.approx(0.05)


def test_pan_stops_at_the_ends() -> None:
    """Panning keeps the width and stops at the start and end of the range."""
    assert pan_view((0.2, 0.4), 0.1) == pytest.approx((0.3, 0.5))
    assert pan_view((0.2, 0.4), -1.0) == pytest.approx((0.0, 0.2))
    assert pan_view((0.2, 0.4), 5.0) == pytest.approx((0.8, 1.0))


def test_min_view_span_is_two_minutes() -> None:
    """Zooming stops at two minutes of the range."""
    layout = build_layout(review(events=(event(1, at(9, 0)), event(2, at(10, 0)))))
    assert min_view_span(layout) == pytest.approx(timedelta(minutes=2) / layout.span)


def test_the_facilitator_and_note_taker_get_no_empty_lane() -> None:
    """Issue 10: people who only ran the review are not lanes of the incident (unless in an event)."""
    doc = review(participants=(person(1, "Sam", "facilitator"), person(2, "Noor", "note-taker"),
                               person(3, "Ana", "responder"), person(4, "Lee", "facilitator")),
                 events=(event(1, at(10, 0), who=("Ana",)), event(2, at(10, 5), who=("Lee",))))
    names = [lane.label for lane in build_layout(doc).lanes]
    assert "Sam" not in names and "Noor" not in names
    assert "Ana" in names and "Lee" in names  # a facilitator who took part in the incident keeps a lane
