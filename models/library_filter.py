"""Which reviews the library shows: by date range, severity, status, kind, service, tag and template.

Light to import (no SQLAlchemy): it works on the library's lines
(:class:`models.review_summary.ReviewSummary`), which the window lists before
the ORM is loaded. The window's filter bar and ``debrief list`` use the same
:class:`LibraryFilter`, so a filter reads the same reviews in both.

A review's date is the incident's start (its creation when no start is known
yet) on the calendar of the review's own timezone: an incident that started
at 23:30 in Tokyo is on that Tokyo day, wherever the library is read.
Services and tags match whatever their case and spacing ("Checkout API" is
"checkout  api"); the other fields match exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from models.review_summary import ReviewSummary, natural_key, status_rank
from models.vocabulary import REVIEW_KINDS

#: The severity a filter asks for to see the reviews that have none yet.
NO_SEVERITY = ""


def review_day(row: ReviewSummary) -> date:
    """The day of the incident (its creation until a start is known), in the review's timezone."""
    return (row.started_at or row.created_at).astimezone(row.zone()).date()


def fold(name: str) -> str:
    """A service or tag as it is compared: case and spacing folded."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class LibraryFilter:
    """What a review must be to be shown; a field left None does not filter.

    ``since`` and ``until`` are inclusive days (see :func:`review_day`);
    ``severity`` :data:`NO_SEVERITY` asks for reviews without a severity.
    """

    since: date | None = None
    until: date | None = None
    severity: str | None = None
    status: str | None = None
    kind: str | None = None
    service: str | None = None
    tag: str | None = None
    template: str | None = None

    def is_active(self) -> bool:
        """Whether anything is filtered at all."""
        return any(getattr(self, f.name) is not None for f in fields(self))

    def matches(self, row: ReviewSummary) -> bool:
        """Whether ``row`` is shown under this filter."""
        if self.since is not None or self.until is not None:
            day = review_day(row)
            if self.since is not None and day < self.since:
                return False
            if self.until is not None and day > self.until:
                return False
        if self.severity is not None and (row.severity or NO_SEVERITY) != self.severity:
            return False
        if self.status is not None and row.status != self.status:
            return False
        if self.kind is not None and row.kind != self.kind:
            return False
        if self.template is not None and row.template != self.template:
            return False
        if self.service is not None and fold(self.service) not in {fold(s) for s in row.services}:
            return False
        return self.tag is None or fold(self.tag) in {fold(t) for t in row.tags}

    def apply(self, rows: Iterable[ReviewSummary]) -> list[ReviewSummary]:
        """The rows this filter shows, in their order."""
        return [row for row in rows if self.matches(row)]


@dataclass(frozen=True)
class Facet:
    """One value a field takes in the library, and how many reviews have it."""

    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """The values each filterable field takes in the library (what the filter bar offers)."""

    severities: tuple[Facet, ...]
    statuses: tuple[Facet, ...]
    kinds: tuple[Facet, ...]
    services: tuple[Facet, ...]
    tags: tuple[Facet, ...]
    templates: tuple[Facet, ...]
    #: The first and last review day (None for an empty library).
    first_day: date | None
    last_day: date | None


def facets(rows: Sequence[ReviewSummary]) -> Facets:
    """The values of ``rows``: severities naturally sorted ("SEV2" before "SEV10", none last),
    statuses in lifecycle order, kinds as the vocabulary lists them, the rest by name; a service
    or tag spelt several ways is one value, shown as most reviews spell it."""
    severities = Counter(row.severity or NO_SEVERITY for row in rows)
    days = [review_day(row) for row in rows]
    return Facets(
        severities=_sorted(severities, lambda v: (v == NO_SEVERITY, natural_key(v))),
        statuses=_sorted(Counter(row.status for row in rows), lambda v: (status_rank(v), v)),
        kinds=_sorted(Counter(row.kind for row in rows), lambda v: (_rank(v, REVIEW_KINDS), v)),
        services=_names(row.services for row in rows),
        tags=_names(row.tags for row in rows),
        templates=_sorted(Counter(row.template for row in rows), natural_key),
        first_day=min(days, default=None),
        last_day=max(days, default=None),
    )


def _rank(value: str, order: Sequence[str]) -> int:
    return order.index(value) if value in order else len(order)


def _sorted(counts: Counter[str], key: Callable[[str], Any]) -> tuple[Facet, ...]:
    return tuple(Facet(value, counts[value]) for value in sorted(counts, key=key))


def _names(per_review: Iterable[Sequence[str]]) -> tuple[Facet, ...]:
    """Services or tags: each folded name once per review, shown in its most common spelling."""
    reviews: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for names in per_review:
        seen: set[str] = set()
        for name in names:
            key = fold(name)
            if not key:
                continue
            spellings.setdefault(key, Counter())[" ".join(name.split())] += 1
            if key not in seen:
                seen.add(key)
                reviews[key] += 1
    shown = {key: _most_common(spelt) for key, spelt in spellings.items()}
    ordered = sorted(reviews, key=lambda key: natural_key(shown[key]))
    return tuple(Facet(shown[key], reviews[key]) for key in ordered)


def _most_common(spellings: Counter[str]) -> str:
    """The spelling most used; on a tie, the first in sort order (the same answer every time)."""
    best = max(spellings.values())
    return min(spelling for spelling, count in spellings.items() if count == best)
