"""A clock tests move by hand, for the services that take ``app.clock.Clock``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """Stands still until the test advances it."""

    def __init__(self, start: datetime = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
