"""The clock services use, injectable so tests can fake time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_zone_name() -> str:
    """The machine's IANA timezone name (e.g. "Europe/Berlin"); "UTC" when it cannot be told.

    A new review starts in this zone: the facilitator types times as the people
    in the room lived them.
    """
    import os
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    from PySide6.QtCore import QTimeZone

    # Qt reads the platform's own setting: TZ and /etc/localtime on Linux, the
    # registry (mapped to IANA names) on Windows, the system preference on macOS.
    system = bytes(QTimeZone.systemTimeZoneId().data()).decode("utf-8", "replace")
    candidates = [os.environ.get("TZ", "").lstrip(":"), system]
    known = available_timezones()
    for name in candidates:
        if name and name in known:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return "UTC"
