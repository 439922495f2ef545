"""Patterns across the library: what keeps happening, how fast we notice and recover, what surprises us.

Each function reads one aggregate in the caller's session with a few SQL
queries (``GROUP BY`` over the columns it needs, never whole reviews) and
returns small frozen rows. They run unchanged on SQLite and PostgreSQL: the
two spots where the dialects differ (a month of a timestamp, minutes between
two timestamps, the items of a JSON list) are SQL constructs compiled per
dialect below.

Conventions, the same in every function:

* A review's month is the UTC month of its start, or of its creation when the
  start is not known (``YYYY-MM``). UTC, not the review's own zone: a month is
  a bucket for a trend, and one bucket rule for the whole library keeps the
  SQL a ``GROUP BY``.
* Services and tags are counted as written (the library strips them and drops
  empty ones when they are stored), once per review even when a list repeats one.
* A time metric counts only reviews with both of its times, and never a
  negative span (times that contradict each other are a finding of that
  review, not a trend).
* A surprise is a note of kind ``surprise`` in any phase, or an untyped note
  (kind ``observation``) said in the ``surprises`` phase ("Surprises and what
  could improve"). Questions, actions, learnings and parking-lot items said
  in that phase are not surprises. Private notes count too: only numbers leave
  this module, never their text.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    String,
    and_,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from models.entities import Learning, Note, Review
from models.metrics import METRIC_IDS
from models.vocabulary import LEARNING_CATEGORIES

#: The phase of the standard and learning-focused templates where the room talks about surprises.
SURPRISES_PHASE = "surprises"
#: The note kind that marks a surprise in any phase.
SURPRISE_KIND = "surprise"
#: How many services, tags or services-with-surprises a ranking keeps by default.
TOP = 10

_METRIC_FIELDS = {"time-to-detect": "detected_at", "time-to-mitigate": "mitigated_at",
                  "time-to-resolve": "resolved_at"}
_METRIC_LABELS = {"time-to-detect": "Time to detect", "time-to-mitigate": "Time to mitigate",
                  "time-to-resolve": "Time to resolve"}


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class SeverityMonths:
    """Reviews per month, split by severity.

    ``months`` runs without gaps from the first month with a review to the
    last (a quiet month is a zero, not a missing bar); ``counts[m][s]`` is the
    number of reviews of ``months[m]`` with severity ``severities[s]``.
    ``severities`` lists those present, in the order asked for, then the others
    by id, then None (no severity given) last.
    """

    months: tuple[str, ...]
    severities: tuple[str | None, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def month_total(self, index: int) -> int:
        return sum(self.counts[index])


@dataclass(frozen=True)
class MonthMedian:
    """The median of one time metric over the reviews of one month, in minutes."""

    month: str
    minutes: float
    #: How many reviews the median is of.
    count: int


@dataclass(frozen=True)
class MetricTrend:
    """One time metric (``models.metrics.METRIC_IDS``) month by month; months without a value left out."""

    metric_id: str
    label: str
    points: tuple[MonthMedian, ...]

    @property
    def count(self) -> int:
        return sum(p.count for p in self.points)


@dataclass(frozen=True)
class Count:
    """How often one name came up. ``name`` None: none given (a review without services)."""

    name: str | None
    count: int


@dataclass(frozen=True)
class Ranking:
    """The most frequent names, most frequent first (then by name), and what was left out."""

    items: tuple[Count, ...]
    #: How many other names there were beyond ``items``.
    others: int = 0
    #: Their counts, added up.
    others_count: int = 0

    @property
    def total(self) -> int:
        return sum(c.count for c in self.items) + self.others_count


@dataclass(frozen=True)
class Patterns:
    """Every pattern of the library, read in one transaction."""

    reviews: int
    per_month: SeverityMonths
    metrics: tuple[MetricTrend, ...]
    services: Ranking
    tags: Ranking
    learnings: tuple[Count, ...]
    surprises: Ranking

    @property
    def empty(self) -> bool:
        return self.reviews == 0


# ---------------------------------------------------------------- dialect-specific SQL

class _Month(FunctionElement[str]):
    """``YYYY-MM`` of a UTC timestamp column."""

    type = String()
    name = "debrief_month"
    inherit_cache = True


@compiles(_Month, "sqlite")
def _month_sqlite(element: _Month, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text ("2026-03-02 09:14:00.000000").
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(_Month, "postgresql")
def _month_postgresql(element: _Month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM')"


class _Minutes(FunctionElement[float]):
    """Minutes from the first timestamp argument to the second (negative when the second is earlier)."""

    type = Float()
    name = "debrief_minutes"
    inherit_cache = True


def _two(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    start, end = list(element.clauses)
    return compiler.process(start, **kw), compiler.process(end, **kw)


@compiles(_Minutes, "sqlite")
def _minutes_sqlite(element: _Minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _two(element, compiler, **kw)
    return f"((julianday({end}) - julianday({start})) * 1440.0)"


@compiles(_Minutes, "postgresql")
def _minutes_postgresql(element: _Minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _two(element, compiler, **kw)
    return f"(CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) AS DOUBLE PRECISION) / 60.0)"


def _review_month() -> ColumnElement[str]:
    return _Month(func.coalesce(Review.started_at, Review.created_at))


def _items(session: Session, column: Any) -> Any:
    """The items of a JSON list column as a table (column ``value``), to join with ``ON true``.

    Anything but a list (a JSON null written by hand) has no items.
    """
    if session.get_bind().dialect.name == "postgresql":
        safe = case((func.json_typeof(column) == "array", column), else_=literal_column("'[]'::json"))
        return func.json_array_elements_text(safe).table_valued("value").alias("items")
    safe = case((func.json_type(column) == "array", column), else_=literal_column("'[]'"))
    return func.json_each(safe).table_valued("value").alias("items")


# ---------------------------------------------------------------- the patterns

def review_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Review)) or 0)


def incidents_per_month(session: Session, *, severity_order: tuple[str, ...] = ()) -> SeverityMonths:
    """Reviews per month and severity (near misses too: they are reviews of what nearly happened)."""
    month = _review_month().label("month")
    rows = session.execute(
        select(month, Review.severity, func.count()).group_by(month, Review.severity)
    ).all()
    if not rows:
        return SeverityMonths((), (), ())
    found: dict[tuple[str, str | None], int] = {(str(m), s): int(n) for m, s, n in rows}
    months = _month_range(min(m for m, _ in found), max(m for m, _ in found))
    present = {s for _, s in found}
    known = [s for s in severity_order if s in present]
    severities: tuple[str | None, ...] = (
        *known, *sorted(s for s in present if s is not None and s not in known),
        *((None,) if None in present else ()))
    counts = tuple(tuple(found.get((m, s), 0) for s in severities) for m in months)
    return SeverityMonths(months, severities, counts)


def metric_trends(session: Session) -> tuple[MetricTrend, ...]:
    """Time to detect, to mitigate and to resolve: the median of each month, in minutes."""
    month = _Month(Review.started_at).label("month")
    spans = [_Minutes(Review.started_at, getattr(Review, _METRIC_FIELDS[m])).label(m) for m in METRIC_IDS]
    rows = session.execute(select(month, *spans).where(Review.started_at.is_not(None))).all()
    by_metric: dict[str, dict[str, list[float]]] = {m: defaultdict(list) for m in METRIC_IDS}
    for row in rows:
        for metric_id, value in zip(METRIC_IDS, row[1:], strict=True):
            if value is not None and float(value) >= 0:
                by_metric[metric_id][str(row[0])].append(float(value))
    return tuple(
        MetricTrend(metric_id, _METRIC_LABELS[metric_id], tuple(
            MonthMedian(m, round(statistics.median(values), 3), len(values))
            for m, values in sorted(by_metric[metric_id].items())))
        for metric_id in METRIC_IDS
    )


def top_services(session: Session, *, limit: int = TOP) -> Ranking:
    """The services named by the most reviews."""
    return _top_items(session, Review.services, limit)


def top_tags(session: Session, *, limit: int = TOP) -> Ranking:
    """The tags given to the most reviews."""
    return _top_items(session, Review.tags, limit)


def learning_categories(session: Session) -> tuple[Count, ...]:
    """Learnings per category: every known category (zero too) in the usual order, then any other."""
    rows = session.execute(select(Learning.category, func.count()).group_by(Learning.category)).all()
    found = {str(c): int(n) for c, n in rows}
    return (*(Count(c, found.get(c, 0)) for c in LEARNING_CATEGORIES),
            *(Count(c, n) for c, n in sorted(found.items()) if c not in LEARNING_CATEGORIES))


def surprise_condition() -> ColumnElement[bool]:
    """Which notes are surprises (see the module docs)."""
    return or_(Note.kind == SURPRISE_KIND, and_(Note.phase == SURPRISES_PHASE, Note.kind == "observation"))


def surprises_per_service(session: Session, *, limit: int = TOP) -> Ranking:
    """Surprises counted for each service of their review; those of reviews without services under None.

    A surprise of a review with two services counts once for each.
    """
    # Surprises per review first (a GROUP BY over the notes), then each review's services once each:
    # the JSON lists are read for the reviews with surprises, not for every note.
    per_review = (select(Note.review_id.label("review_id"), func.count().label("surprises"))
                  .where(surprise_condition()).group_by(Note.review_id).subquery())
    items = _items(session, Review.services)
    pairs = (select(per_review.c.review_id, per_review.c.surprises, items.c.value.label("service"))
             .select_from(per_review)
             .join(Review, Review.id == per_review.c.review_id)
             .outerjoin(items, true())
             .distinct()
             .subquery())
    rows = session.execute(
        select(pairs.c.service, func.sum(pairs.c.surprises)).group_by(pairs.c.service)).all()
    return _ranking([(None if v is None else str(v), int(n)) for v, n in rows], limit)


def read_patterns(session: Session, *, limit: int = TOP, severity_order: tuple[str, ...] = ()) -> Patterns:
    """Every pattern, in the caller's session (one transaction: one consistent picture)."""
    return Patterns(
        reviews=review_count(session),
        per_month=incidents_per_month(session, severity_order=severity_order),
        metrics=metric_trends(session),
        services=top_services(session, limit=limit),
        tags=top_tags(session, limit=limit),
        learnings=learning_categories(session),
        surprises=surprises_per_service(session, limit=limit),
    )


# ---------------------------------------------------------------- helpers

def _top_items(session: Session, column: Any, limit: int) -> Ranking:
    items = _items(session, column)
    rows = session.execute(
        select(items.c.value, func.count(distinct(Review.id)))
        .select_from(Review)
        .join(items, true())
        .group_by(items.c.value)
    ).all()
    return _ranking([(str(v), int(n)) for v, n in rows if v is not None], limit)


def _ranking(counts: list[tuple[str | None, int]], limit: int) -> Ranking:
    # None (no service named) ranks by its count like any name, and after names on a tie.
    ordered = sorted(counts, key=lambda c: (-c[1], c[0] is None, c[0] or ""))
    kept, rest = ordered[:max(limit, 0)], ordered[max(limit, 0):]
    return Ranking(tuple(Count(name, n) for name, n in kept), len(rest), sum(n for _, n in rest))


def _month_range(first: str, last: str) -> tuple[str, ...]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)
