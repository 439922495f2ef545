"""Benchmark: a 50,000-event timeline, from CSV to the meeting window.

Prints the time to import the CSV, to open the review with the timeline shown,
to apply a text filter, and the process's peak memory, beside the targets of
issue 9. Run from the repository root:

    .venv/bin/python bench/timeline.py [--events 50000] [--runs 3]

Each measured step is repeated ``--runs`` times on fresh data and the median
is reported (the first Qt paint of a process is not repeated: it is reported
as measured).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView  # noqa: E402

from app.bootstrap import build_services  # noqa: E402
from models.catalog import load_catalog  # noqa: E402
from models.store import open_library  # noqa: E402

#: Issue 9's targets for a 50,000-event timeline.
TARGETS = {"import": 1.0, "open": 0.3, "filter": 0.020, "memory": 300.0}
KINDS = ["communication", "observation", "action", "decision", "detection", "escalation"]
OFFSETS = ["Z", "+01:00", "-05:00", "+05:30"]


def write_csv(path: Path, count: int) -> None:
    """A chat-export-sized timeline: times with mixed offsets, 30 people, varied text."""
    rng = random.Random(7)
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    people = [f"Responder {i:02d}" for i in range(30)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "message", "type", "source", "author"])
        for i in range(count):
            moment = start + timedelta(seconds=i * 3 + rng.randint(0, 2))
            suffix = OFFSETS[i % len(OFFSETS)]
            offset = {"Z": 0, "+01:00": 60, "-05:00": -300, "+05:30": 330}[suffix]
            local = (moment + timedelta(minutes=offset)).replace(tzinfo=None).isoformat()
            state = rng.choice(["errors", "latency", "ok"])
            text = f"message {i}: checkout {state} in region {rng.randint(1, 9)}"
            writer.writerow([local + suffix, text, KINDS[i % len(KINDS)], "slack #incident",
                             people[i % len(people)]])


def timed(step: Callable[[], object]) -> float:
    begin = time.perf_counter()
    step()
    return time.perf_counter() - begin


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def painted(table: QTableView, step: Callable[[], object]) -> float:
    """The time ``step`` takes, which must include a repaint of ``table``'s rows (as a person sees
    it; a grab() of the whole window would paint it all a second time)."""
    counter = _PaintCounter()
    table.viewport().installEventFilter(counter)
    try:
        elapsed = timed(step)
    finally:
        table.viewport().removeEventFilter(counter)
    assert counter.paints > 0, "the step did not repaint the timeline"
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    catalog = load_catalog()
    results: dict[str, list[float]] = {"import": [], "open": [], "filter": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "timeline.csv"
        write_csv(source, args.events)
        print(f"{args.events:,} events, CSV {source.stat().st_size / 1e6:.1f} MB, {args.runs} runs")
        for run in range(args.runs):
            library = open_library(f"sqlite:///{folder / f'bench-{run}.db'}")
            services = build_services(library, catalog=catalog)
            review_id = services.reviews.create(title="Checkout errors", template="standard",
                                                timezone="Europe/Berlin",
                                                started_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))

            def do_import(review_id: int = review_id, services: object = services) -> None:
                preview = services.imports.preview(review_id, source)  # type: ignore[attr-defined]
                assert not preview.problems, preview.problems[:3]
                added = services.imports.commit(review_id, preview)  # type: ignore[attr-defined]
                assert added == args.events, added

            results["import"].append(timed(do_import))
            services.meeting.open(review_id, "standard")
            services.meeting.go_to("timeline")  # the review reopens in the timeline phase

            from views.main_window import MainWindow

            window = MainWindow(services)
            window.resize(1440, 900)
            window.show()
            app.processEvents()

            def do_open(window: MainWindow = window, review_id: int = review_id) -> None:
                window.open_review(review_id)  # a large review is read on a worker: wait for it
                while window.pages.currentWidget() is not window.review_page:
                    app.processEvents()
                    time.sleep(0.002)
                app.processEvents()  # the first paint of the page with the timeline on it

            page = window.review_page
            table = page.timeline.findChild(QTableView, "events")
            assert table is not None
            results["open"].append(painted(table, do_open))
            assert page.current_phase() == "timeline"
            assert page.timeline.events()[-1] is not None
            field = page.timeline.findChild(QLineEdit, "filter") or page.timeline._filter  # noqa: SLF001

            def do_filter(field: QLineEdit = field) -> None:
                field.setText("region 7")  # as the text-changed signal of typing does
                app.processEvents()  # the table repaints the rows that now show

            results["filter"].append(painted(table, do_filter))
            shown = len(page.timeline.visible_event_ids())
            assert 0 < shown < args.events, shown
            field.clear()
            window.show_library()  # the open review (and its snapshot) is let go, as in the app
            services.watch.stop()
            window.close()
            window.deleteLater()
            app.processEvents()
            library.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'step':<34}{'median':>10}{'best':>10}{'target':>10}")
    labels = {"import": "import CSV (preview + write)", "open": "open review, timeline shown",
              "filter": "text filter (with repaint)"}
    failed = False
    for key, label in labels.items():
        median, best = statistics.median(results[key]), min(results[key])
        ok = median < TARGETS[key]
        failed |= not ok
        print(f"{label:<34}{median * 1000:>8.0f}ms{best * 1000:>8.0f}ms{TARGETS[key] * 1000:>8.0f}ms"
              f"  {'ok' if ok else 'OVER'}")
    ok = peak_mb < TARGETS["memory"]
    failed |= not ok
    verdict = "ok" if ok else "OVER"
    print(f"{'peak memory (RSS)':<34}{peak_mb:>8.0f}MB{'':>10}{TARGETS['memory']:>8.0f}MB  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
