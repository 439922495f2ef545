"""A 50,000-event CSV previewed and imported through the dialog while the UI thread keeps ticking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from views.timeline_import_dialog import TimelineImportDialog

EVENTS = 50_000
TICK_MS = 50
#: The longest the UI thread may go without running the 50 ms timer: before, ~0.9 s (the whole
#: read) and ~0.9 s (the whole write); now ~0.15-0.25 s here. The margin is for a loaded CI machine.
LONGEST_GAP = 0.5


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


def _big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    lines = ["time,text,kind"]
    lines += [f"2026-03-02T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z,event number {i},observation"
              for i in range(EVENTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.usefixtures("settled_heap")
def test_a_50000_event_import_keeps_the_ui_thread_responsive(qtbot: QtBot, services: Services, review_id: int,
                                                             tmp_path: Path) -> None:
    """A 50 ms timer fires throughout preview and import (no gap over 0.5 s); every event lands once."""
    path = _big_csv(tmp_path)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 2, timeout=2000)

    dialog = TimelineImportDialog(services, review_id, path)
    qtbot.addWidget(dialog)
    # Measured while the background work runs: the dialog's own set-up and the window's refresh
    # after the commit are UI-thread work of their own (issue 9, point 1), not the import.
    windows: list[tuple[float, float]] = []
    begun = time.perf_counter()
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30000)
    windows.append((begun, time.perf_counter()))
    assert dialog.import_button.isEnabled(), dialog.summary.text()
    assert dialog.preview is not None and dialog.preview.new == EVENTS
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    clicked = time.perf_counter()
    assert dialog.busy and "Importing" in dialog.status.text()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30000)
    windows.append((clicked, time.perf_counter()))
    timer.stop()

    assert dialog.added == EVENTS and dialog.result() == TimelineImportDialog.DialogCode.Accepted
    gaps: list[float] = []
    count = 0
    for start, end in windows:
        during = [t for t in ticks if start <= t <= end] + [end]
        gaps += [b - a for a, b in zip([start, *during], during, strict=False)]
        count += len(during)
    spent = sum(end - start for start, end in windows)
    print(f"\nUI-thread gaps over {spent:.2f} s of background work: longest {max(gaps) * 1000:.0f} ms, "
          f"{count} ticks")
    assert max(gaps) < LONGEST_GAP
    assert count >= spent / (LONGEST_GAP * 2)
    doc = services.reviews.get(review_id)
    assert doc is not None and len(doc.events) == EVENTS
    assert len({e.text for e in doc.events}) == EVENTS
