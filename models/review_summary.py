"""One line of the library, light to import: the window lists the library before the ORM is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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

    def zone(self) -> ZoneInfo:
        """The review's display timezone (UTC if the name is unknown here)."""
        return zone_named(self.timezone)


def zone_named(name: str) -> ZoneInfo:
    """The timezone called ``name``; UTC if the name is unknown here."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
