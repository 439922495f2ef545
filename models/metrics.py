"""Key metrics of an incident: how long until it was detected, mitigated and resolved.

Each metric counts from the recorded start of the incident. A metric whose
times are missing has no value and reads "unknown", never zero: an unknown
time to detect is a finding of the review, not a fast detection.

Approximate times. Review times (started, detected, mitigated, resolved) have
no approximate flag of their own; the timeline events do. A review time counts
as approximate when the timeline has events at exactly that moment that could
be where it came from (for detected: a ``detection`` event; mitigated:
``mitigation``; resolved: ``resolution``; started: an event of any kind) and
all of those events are marked approximate. One exact event at the moment is
enough to make the time exact: somebody knew it to the minute. A metric is
approximate when either of its two times is. :func:`measure` takes the flags
directly, for a caller that knows them another way.

The texts here are English and untranslated; views build their own, translated,
from the :class:`Metric` fields.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from models.snapshot import ReviewDoc
from models.timefmt import as_utc

UNKNOWN = "unknown"
APPROXIMATE = "≈ "
MINUS = "−"  # U+2212: a typographic minus, as in the reports

#: (metric id, label, review field it ends at, event kind that records that moment, verb for notes)
_METRICS = (
    ("time-to-detect", "Time to detect", "detected_at", "detection", "detected"),
    ("time-to-mitigate", "Time to mitigate", "mitigated_at", "mitigation", "mitigated"),
    ("time-to-resolve", "Time to resolve", "resolved_at", "resolution", "resolved"),
)
METRIC_IDS = tuple(m[0] for m in _METRICS)
START_FIELD = "started_at"

_MINUTE = 60
_DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Metric:
    """One key metric: the span from the start to one later moment.

    ``value`` is None when either time is missing; it is negative when the
    recorded times contradict each other (e.g. detected before the start).
    """

    id: str
    label: str
    end_field: str
    value: timedelta | None
    approximate: bool = False

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def negative(self) -> bool:
        return self.value is not None and self.value < timedelta(0)

    @property
    def verb(self) -> str:
        """What happened at the metric's end: "detected", "mitigated" or "resolved"."""
        return next((m[4] for m in _METRICS if m[0] == self.id), self.end_field.removesuffix("_at"))


def duration_between(start: datetime | None, end: datetime | None) -> timedelta | None:
    """``end - start``; None when either is missing. A naive time is read as UTC (how it is stored)."""
    if start is None or end is None:
        return None
    return as_utc(end) - as_utc(start)


def measure(metric_id: str, start: datetime | None, end: datetime | None, *,
            start_approximate: bool = False, end_approximate: bool = False) -> Metric:
    """The metric ``metric_id`` from two times and whether each of them is an estimate."""
    spec = next((m for m in _METRICS if m[0] == metric_id), None)
    if spec is None:
        raise ValueError(f"unknown metric {metric_id!r} (known: {', '.join(METRIC_IDS)})")
    value = duration_between(start, end)
    approximate = value is not None and (start_approximate or end_approximate)
    return Metric(spec[0], spec[1], spec[2], value, approximate)


def key_metrics(doc: ReviewDoc) -> tuple[Metric, ...]:
    """Time to detect, to mitigate and to resolve, in that order."""
    approximate = approximate_times(doc, (START_FIELD, *(m[2] for m in _METRICS)))
    return tuple(
        measure(metric_id, doc.started_at, getattr(doc, field),
                start_approximate=approximate[START_FIELD], end_approximate=approximate[field])
        for metric_id, _label, field, _kind, _verb in _METRICS
    )


def time_is_approximate(doc: ReviewDoc, field: str) -> bool:
    """Whether the review time ``field`` is an estimate, judged from the timeline (see the module docs)."""
    return approximate_times(doc, (field,))[field]


def approximate_times(doc: ReviewDoc, fields: Iterable[str]) -> dict[str, bool]:
    """:func:`time_is_approximate` for each of ``fields``, in one pass over the timeline."""
    fields = tuple(fields)
    wanted: dict[datetime, list[tuple[str, str | None]]] = {}
    for field in fields:
        moment: datetime | None = getattr(doc, field)
        if moment is not None:
            kind = next((m[3] for m in _METRICS if m[2] == field), None)
            wanted.setdefault(as_utc(moment), []).append((field, kind))
    seen: dict[str, bool] = {}  # field -> every source so far approximate
    events = doc.events  # in time order: the events at a moment are found by bisection, not a pass
    for moment, sources in wanted.items():
        position = bisect_left(events, moment, key=_AT)
        while position < len(events) and events[position].at == moment:  # aware: equal instants
            event = events[position]
            for field, kind in sources:
                if kind is None or event.kind == kind:
                    seen[field] = seen.get(field, True) and event.approximate
            position += 1
    return {field: seen.get(field, False) for field in fields}


_AT = attrgetter("at")


def format_duration(span: timedelta) -> str:
    """``8 min``, ``1 h 16 min``, ``1 d 0 h 11 min``: always to the minute, however long.

    The one way Debrief states a duration (key metrics, meeting and phase
    times, pauses), so a report never rounds 34 h 15 min down to "1 d 10 h".
    Units past the largest are all shown ("1 d 0 h 11 min"); trailing zero
    units are left out ("1 h", "2 d 3 h", "2 d"). A zero span is "0 min"; a
    span shorter than a minute either way is "< 1 min" (a detection 20 s after
    the start is not a zero). A negative span keeps its sign: it means the
    recorded times contradict each other.
    """
    seconds = span.total_seconds()
    if seconds == 0:
        return "0 min"
    if abs(seconds) < _MINUTE:
        return "< 1 min"
    sign = MINUS if seconds < 0 else ""
    return sign + format_minutes(_round_half_up(abs(seconds) / _MINUTE))


def format_minutes(minutes: int) -> str:
    """A whole number of minutes (not negative) as :func:`format_duration` states it: ``1 d 0 h 11 min``."""
    days, rest = divmod(minutes, _DAY_MINUTES)
    hours, minutes = divmod(rest, 60)
    if not days and not hours:
        return f"{minutes} min"
    parts = [f"{days} d"] if days else []
    if hours or minutes:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes:02d} min")
    return " ".join(parts)


def against_plan(actual_minutes: int, planned_minutes: int | None) -> tuple[str, str | None]:
    """How long a phase ran and was planned to run, as a meeting record states them.

    ``(32, 25)`` → ``("32 min", "25")``: "32 min of 25 planned"; the plan drops
    its unit only when both are plain minutes, so ``(1455, 25)`` reads
    "1 d 0 h 15 min of 25 min planned" and ``(95, 90)`` "1 h 35 min of 1 h 30 min planned".
    """
    actual = format_minutes(actual_minutes)
    if planned_minutes is None:
        return actual, None
    planned = format_minutes(planned_minutes)
    if _plain_minutes(actual) and _plain_minutes(planned):
        planned = planned.removesuffix(" min")
    return actual, planned


def _plain_minutes(text: str) -> bool:
    return text.endswith(" min") and " " not in text.removesuffix(" min")


def describe(metric: Metric) -> str:
    """The metric as a reader sees it: "unknown", "8 min", "≈ 8 min", or a negative span with a note."""
    if metric.value is None:
        return UNKNOWN
    text = format_duration(metric.value)
    if metric.approximate:
        text = APPROXIMATE + text
    if metric.negative:
        text += f" ({metric.verb} before the recorded start)"
    return text


def _round_half_up(value: float) -> int:
    # round() rounds halves to even: 90 s would read "2 min" but 150 s "2 min" too.
    return int(value + 0.5)
