"""Patterns across the library: each aggregate on SQLite and PostgreSQL, and against plain Python."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import notes, patterns, reviews
from models.entities import Learning, Note, Review
from models.metrics import METRIC_IDS
from models.store import Library, open_library
from models.vocabulary import LEARNING_CATEGORIES
from tests.conftest import EXAMPLES

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


@pytest.fixture(params=["sqlite", "postgresql"])
def lib(request: pytest.FixtureRequest) -> Iterator[Library]:
    """The test's library on each backend (PostgreSQL skips where there is no server; CI has one)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("library")
        return
    library = open_library(request.getfixturevalue("pg_url"))
    yield library
    library.close()


@pytest.fixture
def session(lib: Library) -> Iterator[Session]:
    with lib.begin() as s:
        yield s


def review(session: Session, title: str = "Incident", *, created: datetime | None = None,
           **fields: Any) -> int:
    created_review = reviews.create(session, title=title, **fields)
    if created is not None:
        created_review.created_at = created
        session.flush()
    return created_review.id


# ---------------------------------------------------------------- examples

def test_an_empty_library_has_empty_patterns(session: Session) -> None:
    """No reviews: nothing per month, no points, no names, every category at zero."""
    found = patterns.read_patterns(session)
    assert found.empty and found.reviews == 0
    assert found.per_month == patterns.SeverityMonths((), (), ())
    assert [m.metric_id for m in found.metrics] == list(METRIC_IDS)
    assert all(m.points == () for m in found.metrics)
    assert found.services == found.tags == found.surprises == patterns.Ranking(())
    assert found.learnings == tuple(patterns.Count(c, 0) for c in LEARNING_CATEGORIES)


def test_reviews_per_month_by_severity_fill_quiet_months(session: Session) -> None:
    """Counts per month and severity; a month without reviews is a row of zeros, not a gap."""
    review(session, severity="SEV2", started_at=T0)
    review(session, severity="SEV2", started_at=T0 + timedelta(days=3))
    review(session, severity="SEV1", started_at=T0 + timedelta(days=62))  # March
    review(session, started_at=T0 + timedelta(days=5))
    found = patterns.incidents_per_month(session, severity_order=SEVERITIES)
    assert found.months == ("2026-01", "2026-02", "2026-03")
    assert found.severities == ("SEV1", "SEV2", None)
    assert found.counts == ((0, 2, 1), (0, 0, 0), (1, 0, 0))
    assert found.total == 4 and found.month_total(0) == 3


def test_severities_follow_the_order_asked_then_by_id_then_none(session: Session) -> None:
    """The catalog's order first (SEV1 before SEV2 whatever came first), unknown ids after, none last."""
    for severity in (None, "P9", "SEV3", "SEV1", "ALPHA"):
        review(session, severity=severity, started_at=T0)
    found = patterns.incidents_per_month(session, severity_order=SEVERITIES)
    assert found.severities == ("SEV1", "SEV3", "ALPHA", "P9", None)


def test_a_review_without_a_start_counts_in_the_month_it_was_created(session: Session) -> None:
    """No start: the creation month (a draft entered in May is a May review)."""
    review(session, created=datetime(2025, 5, 20, tzinfo=UTC))
    assert patterns.incidents_per_month(session).months == ("2025-05",)


def test_months_are_utc_months(session: Session) -> None:
    """23:30 on 31 March at UTC-2 is 1 April in UTC: one rule for the whole library."""
    review(session, started_at=datetime.fromisoformat("2026-03-31T23:30:00-02:00"))
    assert patterns.incidents_per_month(session).months == ("2026-04",)


def test_time_metrics_are_monthly_medians_in_minutes(session: Session) -> None:
    """Median of each month; reviews without the time left out; an even count averages the middle two."""
    for minutes in (10, 20, 40, 50):
        review(session, started_at=T0, detected_at=T0 + timedelta(minutes=minutes))
    review(session, started_at=T0)  # no detection: not a zero
    later = T0 + timedelta(days=40)
    review(session, started_at=later, detected_at=later + timedelta(minutes=7),
           mitigated_at=later + timedelta(hours=2), resolved_at=later + timedelta(days=1, minutes=11))
    detect, mitigate, resolve = patterns.metric_trends(session)
    assert detect.metric_id == "time-to-detect"
    assert detect.points == (patterns.MonthMedian("2026-01", 30.0, 4),
                             patterns.MonthMedian("2026-02", 7.0, 1))
    assert mitigate.points == (patterns.MonthMedian("2026-02", 120.0, 1),)
    assert resolve.points == (patterns.MonthMedian("2026-02", 1451.0, 1),)
    assert detect.count == 5


def test_contradictory_times_stay_out_of_the_trend(session: Session) -> None:
    """Detected before the start is that review's finding, not a negative time to detect."""
    review(session, started_at=T0, detected_at=T0 - timedelta(minutes=5))
    review(session, started_at=T0, detected_at=T0 + timedelta(seconds=30))
    (detect, *_rest) = patterns.metric_trends(session)
    assert detect.points == (patterns.MonthMedian("2026-01", 0.5, 1),)


def test_services_count_reviews_not_mentions(session: Session) -> None:
    """A review naming a service twice counts once; most frequent first, then by name; the rest summed."""
    review(session, services=["checkout", "checkout", "payments"])
    review(session, services=["checkout", "search"])
    review(session, services=["auth"])
    review(session, services=[])
    found = patterns.top_services(session, limit=2)
    assert found.items == (patterns.Count("checkout", 2), patterns.Count("auth", 1))
    assert (found.others, found.others_count, found.total) == (2, 2, 5)


def test_tags_are_ranked_like_services(session: Session) -> None:
    review(session, tags=["config", "dns"])
    review(session, tags=["config"])
    assert patterns.top_tags(session).items == (patterns.Count("config", 2), patterns.Count("dns", 1))


def test_learning_categories_list_every_known_category(session: Session) -> None:
    """Known categories in their usual order (zeros too), then any other the library holds."""
    review_id = review(session)
    notes.add_learning(session, review_id, text="a", category="process")
    notes.add_learning(session, review_id, text="b", category="process")
    notes.add_learning(session, review_id, text="c", category="knowledge")
    session.add(Learning(review_id=review_id, text="d", category="legal"))  # from an older Debrief, say
    session.flush()
    found = patterns.learning_categories(session)
    assert [c.name for c in found] == [*LEARNING_CATEGORIES, "legal"]
    assert dict((c.name, c.count) for c in found) == {
        "technical": 0, "process": 2, "organisational": 0, "knowledge": 1, "communication": 0, "legal": 1}


def test_surprises_are_counted_for_each_service_of_their_review(session: Session) -> None:
    """Surprise notes anywhere and untyped notes of the surprises phase; per service; none under None."""
    both = review(session, services=["checkout", "payments"])
    notes.add_note(session, both, phase="timeline", kind="surprise", text="dashboards looked normal")
    notes.add_note(session, both, phase="surprises", text="the pool size was a default")
    notes.add_note(session, both, phase="surprises", kind="question", text="who owns the pool?")
    notes.add_note(session, both, phase="timeline", text="an observation, not a surprise")
    alone = review(session)
    notes.add_note(session, alone, phase="surprises", text="nobody knew the cron ran")
    found = patterns.surprises_per_service(session)
    assert found.items == (patterns.Count("checkout", 2), patterns.Count("payments", 2),
                           patterns.Count(None, 1))


def test_a_list_column_that_is_not_a_list_is_skipped(session: Session) -> None:
    """A JSON null written by hand (or an older tool) neither breaks the query nor counts."""
    broken = review(session, services=["checkout"])
    review(session, services=["checkout"])
    session.execute(text("UPDATE reviews SET services = 'null' WHERE id = :id"), {"id": broken})
    session.expire_all()
    assert patterns.top_services(session).items == (patterns.Count("checkout", 1),)
    assert patterns.surprises_per_service(session).items == ()


def test_read_patterns_reads_everything_in_one_session(session: Session) -> None:
    """The page's one call: every pattern, consistent with the parts."""
    review(session, severity="SEV3", started_at=T0, services=["checkout"], tags=["config"])
    found = patterns.read_patterns(session, severity_order=SEVERITIES)
    assert not found.empty and found.reviews == 1
    assert found.per_month == patterns.incidents_per_month(session, severity_order=SEVERITIES)
    assert found.services.items == (patterns.Count("checkout", 1),)
    assert found.tags.items == (patterns.Count("config", 1),)


# ---------------------------------------------------------------- random libraries against plain Python

NOTE_SHAPES = [("timeline", "observation"), ("timeline", "surprise"), ("surprises", "observation"),
               ("surprises", "surprise"), ("surprises", "question"), ("surprises", "parking-lot"),
               ("went-well", "went-well"), ("learnings", "observation")]
SERVICES = ["checkout", "payments", "search", "auth", "Checkout", "ledger-db"]

reviews_strategy = st.lists(st.fixed_dictionaries({
    "start": st.none() | st.integers(0, 3 * 365 * 24 * 60),
    "created": st.integers(0, 3 * 365 * 24 * 60),
    "severity": st.sampled_from([None, *SEVERITIES, "P1"]),
    "spans": st.tuples(*[st.none() | st.integers(-60, 5000) for _ in METRIC_IDS]),
    "services": st.lists(st.sampled_from(SERVICES), max_size=4),
    "tags": st.lists(st.sampled_from(["config", "dns", "ü-tag", "deploy"]), max_size=3),
    "notes": st.lists(st.sampled_from(NOTE_SHAPES), max_size=4),
    "learnings": st.lists(st.sampled_from([*LEARNING_CATEGORIES, "other"]), max_size=3),
}), max_size=12)


def fill(session: Session, generated: list[dict[str, Any]]) -> None:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for item in generated:
        start = base + timedelta(minutes=item["start"]) if item["start"] is not None else None
        times: dict[str, Any] = {}
        if start is not None:
            fields = ("detected_at", "mitigated_at", "resolved_at")
            for field, span in zip(fields, item["spans"], strict=True):
                if span is not None:
                    times[field] = start + timedelta(minutes=span)
        review_id = review(session, created=base + timedelta(minutes=item["created"]), started_at=start,
                           severity=item["severity"], services=item["services"], tags=item["tags"], **times)
        for phase, kind in item["notes"]:
            # Straight into the table: a note's kind makes no learning here, the learnings are their own.
            session.add(Note(review_id=review_id, phase=phase, kind=kind, text="n", private=False))
        for category in item["learnings"]:
            session.add(Learning(review_id=review_id, text="l", category=category))
    session.flush()


def month(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def check_against_python(session: Session) -> None:
    """Every aggregate equals the same thing worked out in Python over every row."""
    rows = list(session.scalars(select(Review)))
    found = patterns.read_patterns(session, limit=100, severity_order=SEVERITIES)
    assert found.reviews == len(rows)
    # per month: the counts add up to the reviews, each in its own month and severity
    per_month = found.per_month
    assert per_month.total == len(rows)
    expected = Counter((month(r.started_at or r.created_at), r.severity) for r in rows)
    for (m, s), n in expected.items():
        assert per_month.counts[per_month.months.index(m)][per_month.severities.index(s)] == n
    assert list(per_month.months) == sorted(per_month.months)
    assert len(set(per_month.months)) == len(per_month.months)
    # time metrics: medians of the non-negative spans, month by month
    for trend, field in zip(found.metrics, ("detected_at", "mitigated_at", "resolved_at"), strict=True):
        spans: dict[str, list[float]] = {}
        for r in rows:
            end = getattr(r, field)
            if r.started_at is not None and end is not None and end >= r.started_at:
                spans.setdefault(month(r.started_at), []).append((end - r.started_at).total_seconds() / 60)
        assert [p.month for p in trend.points] == sorted(spans)
        for point in trend.points:
            assert point.count == len(spans[point.month])
            assert point.minutes == pytest.approx(statistics.median(spans[point.month]), abs=1e-2)
    # services and tags: reviews per name, most frequent first
    for ranking, column in ((found.services, "services"), (found.tags, "tags")):
        counted = Counter(name for r in rows for name in set(getattr(r, column)))
        assert {c.name: c.count for c in ranking.items} == counted
        assert ranking.total == sum(len(set(getattr(r, column))) for r in rows)
        order = [(-c.count, c.name) for c in ranking.items]
        assert order == sorted(order)
    # learnings: every one counted once
    categories = Counter(x.category for x in session.scalars(select(Learning)))
    assert sum(c.count for c in found.learnings) == sum(categories.values())
    assert {c.name: c.count for c in found.learnings if c.count} == categories
    # surprises: once per service of their review, None for a review without services
    surprising: Counter[str | None] = Counter()
    for note in session.scalars(select(Note)):
        if note.kind == "surprise" or (note.phase == "surprises" and note.kind == "observation"):
            names: set[str | None] = set(note.review.services) or {None}
            surprising.update(names)
    assert {c.name: c.count for c in found.surprises.items} == surprising


@pytest.mark.fuzz
@settings(max_examples=max(10, EXAMPLES // 4))
@given(generated=reviews_strategy)
def test_aggregates_equal_python_on_sqlite(library: Library, generated: list[dict[str, Any]]) -> None:
    """Random libraries: each SQL aggregate equals plain Python over all the rows (SQLite)."""
    with library.sessions() as session:
        try:
            fill(session, generated)
            check_against_python(session)
        finally:
            session.rollback()


@pytest.mark.fuzz
@settings(max_examples=max(10, EXAMPLES // 10))
@given(generated=reviews_strategy)
def test_aggregates_equal_python_on_postgresql(pg_library: Library, generated: list[dict[str, Any]]) -> None:
    """The same on PostgreSQL: fewer examples (each one is a round trip per row)."""
    with pg_library.sessions() as session:
        try:
            fill(session, generated)
            check_against_python(session)
        finally:
            session.rollback()


@pytest.fixture
def pg_library(pg_url: str) -> Iterator[Library]:
    opened = open_library(pg_url)
    yield opened
    opened.close()


@given(counts=st.lists(st.tuples(st.none() | st.text(max_size=5), st.integers(1, 50)), max_size=20,
                       unique_by=lambda c: c[0]),
       limit=st.integers(0, 25))
def test_a_ranking_keeps_the_most_frequent_and_sums_the_rest(counts: list[tuple[str | None, int]],
                                                             limit: int) -> None:
    """Ordered by count (then name, None last on a tie); nothing lost: kept plus left out is everything."""
    ranking = patterns._ranking(counts, limit)
    assert len(ranking.items) == min(limit, len(counts))
    assert ranking.others == len(counts) - len(ranking.items)
    assert ranking.total == sum(n for _, n in counts)
    keys = [(-c.count, c.name is None, c.name or "") for c in ranking.items]
    assert keys == sorted(keys)
    if ranking.items and ranking.others:
        assert min(c.count for c in ranking.items) >= max(
            n for name, n in counts if name not in {c.name for c in ranking.items})
