"""Benchmark: Debrief's cold start against a bare PySide6 window, in the same run.

Each sample is a new process, timed from spawn to exit: a bare ``QMainWindow``
quit when it has painted; Debrief quit when its window has painted with the
library listed (a library of 40 reviews); and Debrief quit when it is ready
(the library open, the meeting page and the menus built: everything works).
The three alternate, so that load on the machine hits all alike. Prints the
medians, the peak memory of each and the ratio of the first paint with the
library listed to the bare window (issue 9's target: at most 2x).

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            app.quit()
        return False
window = QMainWindow()
window.resize(1280, 800)
painted = Painted()
window.installEventFilter(painted)
window.show()
status = app.exec()
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""

DEBRIEF = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableView
from app.cli import main
app = QApplication(sys.argv)
wait_until_ready = sys.argv[2] == "ready"
class Painted(QObject):
    # The library is shown when a table of 40 or more reviews paints its rows.
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            table = watched.parent()
            listed = isinstance(table, QTableView) and table.model().rowCount() >= 40
            if listed and watched is table.viewport():
                if not wait_until_ready or table.window().ready:
                    app.quit()
                elif not hasattr(self, "timer"):
                    self.timer = QTimer(interval=5)
                    self.timer.timeout.connect(lambda: table.window().ready and table.viewport().update())
                    self.timer.start()
        return False
painted = Painted()
app.installEventFilter(painted)
status = main(["--db", sys.argv[1]])  # as `debrief --db URL` starts the window
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""


def _library(folder: Path) -> str:
    url = f"sqlite:///{folder / 'library.db'}"
    bundle = ROOT / "tests" / "data" / "full_bundle.yaml"
    sys.path.insert(0, str(ROOT))
    from models.bundle import import_bundle, load_bundle_file
    from models.catalog import load_catalog
    from models.store import open_library

    parsed = load_bundle_file(bundle, load_catalog())
    library = open_library(url)
    with library.begin() as session:
        for _ in range(40):
            import_bundle(session, parsed)
    library.close()
    return url


def _sample(script: str, *args: str) -> tuple[float, float]:
    """Seconds from spawn to exit, and the child's peak RSS in MB."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate()
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"a start failed ({child.returncode}): {err.strip()[-400:]}")
    return elapsed, int(out.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="debrief-bench-") as folder:
        url = _library(Path(folder))
        _sample(BARE)  # warm the file cache for all
        _sample(DEBRIEF, url, "ready")
        bare: list[tuple[float, float]] = []
        listed: list[tuple[float, float]] = []
        ready: list[tuple[float, float]] = []
        for _ in range(args.runs):
            bare.append(_sample(BARE))
            listed.append(_sample(DEBRIEF, url, "listed"))
            ready.append(_sample(DEBRIEF, url, "ready"))
    medians = {}
    for name, samples in (("bare PySide6 window", bare), ("Debrief, library shown", listed),
                          ("Debrief, ready", ready)):
        medians[name] = median = statistics.median(t for t, _ in samples)
        print(f"{name:24} median {median * 1000:6.0f} ms  (best {min(t for t, _ in samples) * 1000:.0f} ms)"
              f"  peak RSS {statistics.median(m for _, m in samples):.0f} MB")
    ratio = medians["Debrief, library shown"] / medians["bare PySide6 window"]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio {ratio:.2f}x  (library shown / bare window; target <= {TARGET_RATIO:.1f}x: {verdict}; "
          f"{args.runs} runs each, alternating)")
    print(f"ready / bare window: {medians['Debrief, ready'] / medians['bare PySide6 window']:.2f}x")


if __name__ == "__main__":
    main()
