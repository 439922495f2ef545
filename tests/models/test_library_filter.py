"""The library's filter: each field alone, all together, and the values the filter bar offers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.library_filter import NO_SEVERITY, Facet, LibraryFilter, facets, fold, review_day
from models.review_summary import ReviewSummary, natural_key

ZONES = ("UTC", "Asia/Tokyo", "America/St_Johns", "Pacific/Kiritimati", "Not/AZone")
NAMES = ("checkout", "Checkout", "checkout ", "payments API", "payments  api", "dns", "Ünïcode", "")
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@st.composite
def summaries(draw: st.DrawFn, ident: int = 1) -> ReviewSummary:
    created = draw(moments)
    return ReviewSummary(
        id=ident, title=draw(st.text(max_size=30)), started_at=draw(st.none() | moments),
        severity=draw(st.sampled_from((None, "SEV1", "SEV2", "SEV10", "P3"))),
        status=draw(st.sampled_from(("draft", "scheduled", "reviewed", "closed"))),
        kind=draw(st.sampled_from(("incident", "near-miss"))),
        template=draw(st.sampled_from(("standard", "short", "custom-2"))),
        timezone=draw(st.sampled_from(ZONES)), created_at=created, updated_at=created,
        services=tuple(draw(st.lists(st.sampled_from(NAMES) | st.text(max_size=8), max_size=3))),
        tags=tuple(draw(st.lists(st.sampled_from(NAMES), max_size=3))),
    )


libraries = st.lists(summaries(), max_size=12).map(
    lambda rows: [replace(r, id=i) for i, r in enumerate(rows, 1)])
filters = st.builds(
    LibraryFilter,
    since=st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    until=st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    severity=st.none() | st.sampled_from(("SEV1", "SEV2", NO_SEVERITY, "sev1")),
    status=st.none() | st.sampled_from(("draft", "reviewed")),
    kind=st.none() | st.sampled_from(("incident", "near-miss")),
    service=st.none() | st.sampled_from(NAMES),
    tag=st.none() | st.sampled_from(NAMES),
    template=st.none() | st.sampled_from(("standard", "custom-2")),
)


@given(libraries)
def test_no_filter_shows_every_review_in_order(rows: list[ReviewSummary]) -> None:
    assert not LibraryFilter().is_active()
    assert LibraryFilter().apply(rows) == rows


@given(libraries, filters)
def test_a_filter_is_each_of_its_fields_at_once(rows: list[ReviewSummary], wanted: LibraryFilter) -> None:
    """All fields together show exactly the reviews every one of them shows alone."""
    alone = [LibraryFilter(**{name: value}) for name, value in vars(wanted).items() if value is not None]
    assert wanted.is_active() == bool(alone)
    assert wanted.apply(rows) == [row for row in rows if all(f.matches(row) for f in alone)]


@given(libraries, filters)
def test_each_field_means_what_it_says(rows: list[ReviewSummary], wanted: LibraryFilter) -> None:
    for row in rows:
        day = review_day(row)
        expected = ((wanted.since is None or wanted.since <= day)
                    and (wanted.until is None or day <= wanted.until)
                    and (wanted.severity is None or (row.severity or "") == wanted.severity)
                    and (wanted.status is None or row.status == wanted.status)
                    and (wanted.kind is None or row.kind == wanted.kind)
                    and (wanted.template is None or row.template == wanted.template)
                    and (wanted.service is None
                         or any(fold(s) == fold(wanted.service) for s in row.services))
                    and (wanted.tag is None or any(fold(t) == fold(wanted.tag) for t in row.tags)))
        assert wanted.matches(row) == expected


@given(libraries)
def test_every_value_offered_shows_as_many_reviews_as_it_says(rows: list[ReviewSummary]) -> None:
    """The filter bar's counts are true: choosing a value shows exactly that many reviews."""
    found = facets(rows)
    for field, offered in (("severity", found.severities), ("status", found.statuses), ("kind", found.kinds),
                           ("service", found.services), ("tag", found.tags), ("template", found.templates)):
        for facet in offered:
            assert len(LibraryFilter(**{field: facet.value}).apply(rows)) == facet.count, (field, facet)
        if field not in ("service", "tag"):  # each review has exactly one of these
            assert sum(f.count for f in offered) == len(rows)
        distinct = {fold(f.value) if field in ("service", "tag") else f.value for f in offered}
        assert len(distinct) == len(offered)
    days = [review_day(r) for r in rows]
    assert (found.first_day, found.last_day) == ((min(days), max(days)) if days else (None, None))


def _row(ident: int, **changes: object) -> ReviewSummary:
    base = ReviewSummary(ident, f"Review {ident}", None, None, "draft", "incident", "standard", "UTC",
                         datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_day_is_the_reviews_own_calendar_day() -> None:
    """23:30 in Tokyo on 1 March is 14:30 UTC: a filter for 1 March (and only it) shows it."""
    tokyo = _row(1, timezone="Asia/Tokyo", started_at=datetime(2026, 3, 1, 14, 30, tzinfo=UTC))
    # 00:30 on 2 March in Tokyo:
    late = _row(2, timezone="Asia/Tokyo", started_at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    day = LibraryFilter(since=date(2026, 3, 1), until=date(2026, 3, 1))
    assert day.apply([tokyo, late]) == [tokyo]
    assert LibraryFilter(since=date(2026, 3, 2)).apply([tokyo, late]) == [late]
    unstarted = _row(3, created_at=datetime(2025, 12, 31, 23, 0, tzinfo=UTC))
    assert LibraryFilter(until=date(2025, 12, 31)).apply([tokyo, unstarted]) == [unstarted]


def test_values_are_offered_in_the_order_people_think_of_them() -> None:
    rows = [_row(1, severity="SEV10", status="closed", services=("Checkout", "checkout ")),
            _row(2, severity="SEV2", status="reviewed", services=("checkout",), tags=("db",)),
            _row(3, severity=None, status="draft", kind="near-miss", services=("Payments API",)),
            _row(4, severity="SEV2", status="scheduled", services=("payments  api", "Checkout"))]
    found = facets(rows)
    assert found.severities == (Facet("SEV2", 2), Facet("SEV10", 1), Facet(NO_SEVERITY, 1))
    assert [f.value for f in found.statuses] == ["draft", "scheduled", "reviewed", "closed"]
    assert found.kinds == (Facet("incident", 3), Facet("near-miss", 1))
    # One service spelt three ways, counted once per review, shown as most reviews spell it.
    assert found.services == (Facet("Checkout", 3), Facet("Payments API", 2))
    assert LibraryFilter(service="CHECKOUT").apply(rows) == [rows[0], rows[1], rows[3]]
    assert LibraryFilter(severity=NO_SEVERITY).apply(rows) == [rows[2]]
    assert natural_key("SEV2") < natural_key("SEV10") < natural_key("sev11")


def test_a_long_library_filters_quickly_enough_to_type_into() -> None:
    """5,000 reviews with services and tags: the facets and a filter are plain Python passes."""
    rows = [_row(i, started_at=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=i % 2000),
                 services=(f"service-{i % 40}", "checkout"), tags=(f"tag-{i % 25}",),
                 severity=f"SEV{i % 4 + 1}") for i in range(1, 5001)]
    found = facets(rows)
    assert len(found.services) == 41 and found.services[0] == Facet("checkout", 5000)
    shown = LibraryFilter(severity="SEV1", tag="TAG-3", since=date(2021, 1, 1)).apply(rows)
    assert shown and all(r.severity == "SEV1" and "tag-3" in r.tags for r in shown)


@given(st.text(), st.text())
def test_any_name_sorts_and_never_raises(first: str, second: str) -> None:
    """Any text (digits of any script, "①", "²" included) gives a key, and keys of two names compare."""
    keys = natural_key(first), natural_key(second)
    assert (keys[0] < keys[1]) or (keys[0] >= keys[1])
    assert natural_key("SEV①") and natural_key("x²") and natural_key("٣") == ((1, 3),)
