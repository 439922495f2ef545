"""The Qt binding we run on must not corrupt Python's reference counts."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_leave_none_refcount_alone() -> None:
    """PySide6 6.12.0 takes a reference from None per void call and kills the app; we must not run on it."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) - before > -100
