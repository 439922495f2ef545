"""One line of the library and how its columns sort, light to import: the window lists the library
before the ORM is loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.vocabulary import REVIEW_STATUSES

_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class ReviewSummary:
    """One line of the library."""

    id: int
    title: str
    started_at: datetime | None
    severity: str | None
    status: str
    kind: str
    template: str
    timezone: str
    created_at: datetime
    updated_at: datetime
    #: When the next meeting (scheduled, not started) is planned; None: none is.
    upcoming: datetime | None = None
    #: The services the incident touched and the review's tags, as entered (the library filters by them).
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: What the ``upcoming`` meeting is: "review" (the review meeting itself) or "actions".
    upcoming_kind: str | None = None

    def zone(self) -> ZoneInfo:
        """The review's display timezone (UTC if the name is unknown here)."""
        return zone_named(self.timezone)


def zone_named(name: str) -> ZoneInfo:
    """The timezone called ``name``; UTC if the name is unknown here."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts "SEV2" before "SEV10" (numbers by value, the rest by folded text)."""
    # isdecimal, not isdigit: "①" and "²" are digits to isdigit but no number to int() (nor to \d).
    return tuple((1, int(part)) if part.isdecimal() else (0, part.casefold())
                 for part in _DIGITS.split(text) if part)


def status_rank(status: str) -> int:
    """Where ``status`` is in the lifecycle (draft, scheduled, reviewed, closed; unknown ones last)."""
    return REVIEW_STATUSES.index(status) if status in REVIEW_STATUSES else len(REVIEW_STATUSES)


def upcoming_kind(upcoming: object, review_meeting: object) -> str | None:
    """What a review's next meeting is, from the earliest planned meeting's time and the earliest
    planned review meeting's: "review" when they are the same, else "actions" (None: nothing planned)."""
    if upcoming is None:
        return None
    return "review" if review_meeting is not None and review_meeting == upcoming else "actions"
