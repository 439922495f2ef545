"""Who knew what when: the swimlane chart's content and geometry, without Qt.

The chart has one lane for systems and alerts, then one lane per participant
in the review's order. Each timeline event is a mark in the lane of every
participant named on it (they knew at that moment); an event nobody is named
on, or one that came from a machine (an alert, a dashboard), is a mark in the
systems lane too. The mark's shape says how the knowledge arrived, from the
event's free-text ``source`` (:func:`classify_source`).

Horizontal positions are fractions of the layout's time range (0 is the left
edge, 1 the right edge) so that painting, zooming and hit-testing only scale
them; ticks are chosen for a visible part of that range and a number of ticks
that fits, on round wall-clock times in the review's timezone.

Labels here (lane names, tick texts, "Systems & alerts") are English and
untranslated, like the reports; the interactive view can translate the few
fixed ones it shows.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property, lru_cache

from models.metrics import time_is_approximate
from models.snapshot import EventRow, ReviewDoc
from models.timefmt import as_utc

# ---------------------------------------------------------------- how the knowledge arrived

#: How an event's knowledge arrived, in legend order.
SOURCE_KINDS = ("alert", "chat", "dashboard", "colleague", "log", "other")
SOURCE_LABELS = {
    "alert": "Alert",
    "chat": "Chat",
    "dashboard": "Dashboard",
    "colleague": "Colleague",
    "log": "Log",
    "other": "Other",
}
#: Sources where a machine told people: their events are also shown in the systems lane.
MACHINE_SOURCES = frozenset({"alert", "dashboard"})

# Checked in this order, so a mixed source takes the first that applies: "grafana
# alert" is an alert (it interrupted someone), "dashboard link in slack" a
# dashboard (what was learned came from the graph), "told by X in slack" a chat.
_SOURCE_WORDS: tuple[tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]], ...] = (
    # (kind, whole words, word prefixes, phrases)
    ("alert", frozenset({
        "paged", "pager", "paging", "pagerduty", "opsgenie", "victorops", "nagios",
        "alertmanager", "icinga", "zabbix", "pingdom", "uptime", "uptimerobot", "statuscake", "sentry",
        "synthetic", "synthetics", "oncall", "incident.io",
    }), ("alert", "alarm", "monitor", "pagerduty"), ("on call", "on-call")),
    ("dashboard", frozenset({
        "grafana", "datadog", "newrelic", "graph", "graphs", "chart", "charts", "metric", "metrics",
        "statuspage", "honeycomb", "cloudwatch", "prometheus", "panel", "panels",
    }), ("dashboard",), ("new relic", "status page")),
    ("log", frozenset({
        "log", "logs", "logging", "logged", "logfile", "logfiles", "syslog", "journal", "journalctl",
        "splunk", "kibana", "loki", "elk", "papertrail", "trace", "traces", "tracing", "stacktrace",
        "deploy", "deploys", "deployed", "deployment", "deployments", "ci", "pipeline", "jenkins",
        "changelog", "audit", "commit", "git", "stderr", "stdout",
    }), (), ("stack trace", "github actions")),
    ("chat", frozenset({
        "chat", "teams", "irc", "mattermost", "zulip", "discord", "message", "messages", "messaged",
        "dm", "dms", "channel", "email", "emails", "mail", "e-mail", "sms", "texted", "thread",
        "webex", "telegram", "whatsapp", "posted",
    }), ("slack", "chat"), ("direct message", "text message")),
    ("colleague", frozenset({
        "phone", "call", "called", "calls", "calling", "told", "tells", "tell", "verbal", "verbally",
        "coworker", "co-worker", "teammate", "manager", "asked", "bridge", "huddle", "meeting",
        "standup", "zoom", "hangout", "desk", "person", "voice",
    }), ("colleague",), ("told by", "in person", "word of mouth", "face to face", "war room")),
)
# A Slack-style channel reference ("#inc-checkout") means chat; "#123" (a ticket) does not.
_CHANNEL = re.compile(r"(?:^|\s)#[a-z]")
_WORD = re.compile(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]|[a-z0-9]")


@lru_cache(maxsize=4096)
def classify_source(source: str) -> str:
    """How the knowledge arrived, one of :data:`SOURCE_KINDS`, from an event's free-text source.

    Matching is by whole words (``login`` is not a log) and a few phrases,
    case-insensitive; an empty or unrecognised source is ``other``.
    """
    text = " ".join(source.lower().split())
    if not text:
        return "other"
    words = set(_WORD.findall(text))
    # Hyphenated and dotted words also count by their parts ("pagerduty-alert", "deploy.log").
    words |= {part for word in words for part in re.split(r"[.\-]", word) if part}
    padded = f" {' '.join(_WORD.findall(text))} "
    for kind, whole, prefixes, phrases in _SOURCE_WORDS:
        if words & whole:
            return kind
        if any(word.startswith(prefix) for word in words for prefix in prefixes):
            return kind
        if any(f" {phrase} " in padded for phrase in phrases):
            return kind
        if kind == "chat" and _CHANNEL.search(text):
            return kind
    return "other"


# ---------------------------------------------------------------- the layout

SYSTEMS_LANE = "systems"
SYSTEMS_LABEL = "Systems & alerts"

#: The review's own times, drawn as labelled lines across the lanes.
MILESTONES = (
    ("started_at", "Started"),
    ("detected_at", "Detected"),
    ("mitigated_at", "Mitigated"),
    ("resolved_at", "Resolved"),
)

# Candidate tick steps, smallest first.
_STEPS = tuple(timedelta(minutes=m) for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720)) + tuple(
    timedelta(days=d) for d in (1, 2, 7, 14, 28))
_DAY = timedelta(days=1)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The shortest span a layout covers, so a single event is not drawn on a zero-width axis.
MIN_SPAN = timedelta(minutes=10)
#: Space left on either side of the first and last moment, as a fraction of the span.
PADDING = 0.04


@dataclass(frozen=True)
class Lane:
    """One row of the chart: a participant, or the systems lane (``participant_id`` None)."""

    key: str
    label: str
    roles: tuple[str, ...] = ()
    participant_id: int | None = None

    @property
    def is_systems(self) -> bool:
        return self.key == SYSTEMS_LANE


@dataclass(frozen=True)
class Mark:
    """One event in one lane, at ``x`` (a fraction of the layout's range)."""

    event: EventRow
    lane: int
    x: float
    how: str

    @property
    def event_id(self) -> int:
        return self.event.id

    @property
    def approximate(self) -> bool:
        return self.event.approximate


@dataclass(frozen=True)
class Milestone:
    """One of the review's own times (started, detected, …) at ``x``."""

    field: str
    label: str
    at: datetime
    x: float
    approximate: bool


@dataclass(frozen=True)
class Tick:
    """An axis tick: ``label`` under it, and ``date_label`` where a new day starts (else "")."""

    at: datetime
    x: float
    label: str
    date_label: str = ""


@dataclass(frozen=True)
class SwimlaneLayout:
    """Lanes, marks and milestones of one review, placed on a shared time range."""

    lanes: tuple[Lane, ...]
    marks: tuple[Mark, ...]
    milestones: tuple[Milestone, ...]
    start: datetime
    end: datetime
    zone: tzinfo
    zone_name: str

    @property
    def is_empty(self) -> bool:
        """True when the review has no events to draw."""
        return not self.marks

    @property
    def span(self) -> timedelta:
        return self.end - self.start

    def x_at(self, moment: datetime) -> float:
        """Where ``moment`` sits, as a fraction of the range (outside 0..1 when outside it)."""
        return (as_utc(moment) - self.start) / self.span

    def time_at(self, x: float) -> datetime:
        """The moment at fraction ``x`` of the range (UTC)."""
        return self.start + self.span * x

    @cached_property
    def source_kinds(self) -> frozenset[str]:
        """How the knowledge arrived, over all marks (for the legend)."""
        return frozenset(m.how for m in self.marks)

    @cached_property
    def has_approximate(self) -> bool:
        """Whether any event drawn has an approximate time."""
        return any(m.event.approximate for m in self.marks)

    def marks_of(self, event_id: int) -> tuple[Mark, ...]:
        """The marks of one event (one per lane it is in), top lane first; () for an unknown id."""
        return self._by_event.get(event_id, ())

    @cached_property
    def _by_event(self) -> dict[int, tuple[Mark, ...]]:
        found: dict[int, list[Mark]] = {}
        for mark in self.marks:
            found.setdefault(mark.event.id, []).append(mark)
        return {event_id: tuple(marks) for event_id, marks in found.items()}

    def marks_in(self, lane: int) -> tuple[Mark, ...]:
        """The marks of lane ``lane``, in time order."""
        by_lane = self._by_lane
        return by_lane[lane] if 0 <= lane < len(by_lane) else ()

    def marks_between(self, lane: int, lo: float, hi: float) -> tuple[Mark, ...]:
        """The marks of lane ``lane`` with ``lo <= x <= hi``, in time order."""
        marks = self.marks_in(lane)
        if not marks:
            return ()
        xs = self._lane_xs[lane]
        return marks[bisect.bisect_left(xs, lo):bisect.bisect_right(xs, hi)]

    @cached_property
    def _lane_xs(self) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(m.x for m in marks) for marks in self._by_lane)

    @cached_property
    def _by_lane(self) -> tuple[tuple[Mark, ...], ...]:
        lanes: list[list[Mark]] = [[] for _ in self.lanes]
        for mark in self.marks:
            lanes[mark.lane].append(mark)
        return tuple(tuple(marks) for marks in lanes)

    def event_ids(self) -> tuple[int, ...]:
        """Every event drawn, once each, in time order."""
        return tuple(dict.fromkeys(m.event_id for m in self.marks))

    def ticks(self, lo: float = 0.0, hi: float = 1.0, *, max_ticks: int = 8) -> tuple[Tick, ...]:
        """Ticks on round wall-clock times for the visible part ``lo``..``hi`` of the range.

        The step is the smallest of 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6,
        12 hours, 1, 2, 7, 14, 28 days that gives at most ``max_ticks`` ticks;
        ticks fall on the same moments wherever the view starts.
        """
        return _ticks(self, self.time_at(lo), self.time_at(hi), max(1, max_ticks))


#: Roles of people who took part in the review only (a lane of theirs would stay empty).
REVIEW_ONLY_ROLES = frozenset({"facilitator", "note-taker"})


def build_layout(doc: ReviewDoc, *, milestones: bool = True) -> SwimlaneLayout:
    """The swimlane layout of ``doc``; with no events, an empty layout (no marks).

    The range covers every event and (with ``milestones``) the review's own
    started/detected/mitigated/resolved times, padded a little on both sides.
    """
    lanes: list[Lane] = [Lane(SYSTEMS_LANE, SYSTEMS_LABEL)]
    lane_of: dict[str, int] = {}
    in_events = {name for event in doc.events for name in event.participants}
    for person in doc.participants:
        # Who ran the review and took its notes were not in the incident: no empty lane for them.
        if person.roles and set(person.roles) <= REVIEW_ONLY_ROLES and person.name not in in_events:
            continue
        if person.name not in lane_of:
            lane_of[person.name] = len(lanes)
            lanes.append(Lane(f"participant:{person.id}", person.name, person.roles, person.id))
    events = sorted(doc.events, key=lambda e: (as_utc(e.at), e.id))
    for event in events:
        for name in event.participants:
            # A name that is not (or no longer) a participant still gets a lane of its own.
            if name not in lane_of:
                lane_of[name] = len(lanes)
                lanes.append(Lane(f"name:{name}", name))

    shown = [
        (field, name, as_utc(moment))
        for field, name in (MILESTONES if milestones else ())
        if (moment := getattr(doc, field)) is not None
    ]
    moments = [as_utc(e.at) for e in events] + [moment for _, _, moment in shown]
    start, end = _range(moments, doc)
    span = end - start

    def x_at(moment: datetime) -> float:
        return (moment - start) / span

    marks: list[Mark] = []
    for event in events:
        how = classify_source(event.source)
        in_lanes = list(dict.fromkeys(lane_of[name] for name in event.participants))
        if not in_lanes or how in MACHINE_SOURCES:
            in_lanes.insert(0, 0)
        x = x_at(as_utc(event.at))
        marks.extend(Mark(event, lane, x, how) for lane in in_lanes)
    placed = tuple(
        Milestone(field, name, moment, x_at(moment), time_is_approximate(doc, field))
        for field, name, moment in shown
    )
    return SwimlaneLayout(tuple(lanes), tuple(marks), placed, start, end, doc.zone(), doc.timezone)


def zoom_view(view: tuple[float, float], factor: float, anchor: float, *,
              min_span: float) -> tuple[float, float]:
    """``view`` zoomed by ``factor`` (> 1 zooms in) keeping fraction ``anchor`` of the range in place."""
    lo, hi = view
    width = min(max((hi - lo) / factor, min_span), 1.0)
    # The anchor stays where it was on screen: same share of the view to its left.
    share = (anchor - lo) / (hi - lo) if hi > lo else 0.5
    new_lo = anchor - share * width
    new_lo = min(max(new_lo, 0.0), 1.0 - width)
    return new_lo, new_lo + width


def pan_view(view: tuple[float, float], delta: float) -> tuple[float, float]:
    """``view`` moved by ``delta`` (a fraction of the range), stopped at the ends."""
    lo, hi = view
    width = hi - lo
    new_lo = min(max(lo + delta, 0.0), 1.0 - width)
    return new_lo, new_lo + width


def min_view_span(layout: SwimlaneLayout, shortest: timedelta = timedelta(minutes=2)) -> float:
    """The narrowest view worth zooming to, as a fraction of the range."""
    return min(1.0, shortest / layout.span)


def date_label(moment: datetime, zone: tzinfo, *, weekday: bool = True) -> str:
    """``Mon 2 Mar`` in ``zone`` (English names, whatever the machine's locale)."""
    local = as_utc(moment).astimezone(zone)
    text = f"{local.day} {_MONTHS[local.month - 1]}"
    return f"{_WEEKDAYS[local.weekday()]} {text}" if weekday else text


# ---------------------------------------------------------------- helpers

def _range(moments: list[datetime], doc: ReviewDoc) -> tuple[datetime, datetime]:
    if moments:
        first, last = min(moments), max(moments)
    else:
        anchor = as_utc(doc.started_at or doc.created_at)
        first = last = anchor
    if last - first < MIN_SPAN:
        middle = first + (last - first) / 2
        first, last = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    pad = (last - first) * PADDING
    return first - pad, last + pad


def _ticks(layout: SwimlaneLayout, start: datetime, end: datetime, max_ticks: int) -> tuple[Tick, ...]:
    span = end - start
    if span <= timedelta(0):
        return ()
    # n whole steps in the span make at most n + 1 ticks.
    step = next((s for s in _STEPS if span / s < max_ticks), None)
    if step is None:
        step = _DAY * 28 * math.ceil(span / (_DAY * 28 * max_ticks))
    zone = layout.zone
    local_start = start.astimezone(zone).replace(tzinfo=None)
    midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    if step < _DAY:
        # Whole steps since local midnight: 10:15, 10:30… whatever the zone's offset.
        naive = midnight + step * math.floor((local_start - midnight) / step)
    else:
        days = step // _DAY
        ordinal = midnight.toordinal()
        # Whole weeks fall on Mondays (ordinal 1 is a Monday), other steps on day numbers
        # divisible by the step: the same days whatever part of the range is in view.
        base = ordinal - (ordinal - 1) % days if days % 7 == 0 else ordinal - ordinal % days
        naive = datetime.fromordinal(base)
    ticks: list[Tick] = []
    previous_day = None
    # Bounded: at most max_ticks steps fit in the span, plus the ones before it.
    for _ in range(max_ticks * 2 + 48):
        moment = naive.replace(tzinfo=zone).astimezone(UTC)
        if moment > end:
            break
        # A wall-clock time the clocks skipped (spring forward) does not round-trip: no tick.
        real = moment.astimezone(zone).replace(tzinfo=None) == naive
        if moment >= start and real:
            day = naive.date()
            if step < _DAY:
                label = f"{naive:%H:%M}"
                new_day = day != previous_day
                ticks.append(Tick(moment, layout.x_at(moment), label,
                                  date_label(moment, zone) if new_day else ""))
            else:
                ticks.append(Tick(moment, layout.x_at(moment), date_label(moment, zone, weekday=False)))
            previous_day = day
        naive += step
    return tuple(ticks)
