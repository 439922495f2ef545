"""Benchmark: Debrief's cold start against a bare PySide6 window, in the same run.

Each sample is a new process, timed from spawn to the paint that counts (the
child reports it on the wall clock; its exit is not timed): a bare ``QMainWindow``
when it has painted; Debrief, started as the ``debrief --db URL`` program starts
it, when its library table has painted the library's rows (a library of 40
reviews); and Debrief when it is ready (the library open, the meeting page and
the menus built: everything works). Each notes its paint where it happens (the
bare window's event filter on the window, Debrief's table in its paintEvent):
an application-wide filter would add a Python call to every event of one start.
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
import time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "at"):
            self.at = time.time()
            app.quit()
        return False
window = QMainWindow()
window.resize(1280, 800)
painted = Painted()
window.installEventFilter(painted)
window.show()
status = app.exec()
import resource
print(painted.at, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""

DEBRIEF = """
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import views.list_page_parts
from views.command import main
app = QApplication(sys.argv)
wait_until_ready = sys.argv[2] == "ready"
at = []
class Table(views.list_page_parts.QTableView):
    # The library's table notes when it has painted 40 or more reviews (an application-wide
    # event filter would put a Python call on every event of the start, the bare window's none).
    def paintEvent(self, event):
        super().paintEvent(event)
        if self.model().rowCount() < 40:
            return
        if not wait_until_ready or self.window().ready:
            at.append(time.time())
            app.quit()
        elif not hasattr(self, "timer"):
            self.timer = QTimer(interval=5)
            self.timer.timeout.connect(lambda: self.window().ready and self.viewport().update())
            self.timer.start()
views.list_page_parts.QTableView = Table  # the library's table is made there
status = main(["--db", sys.argv[1]])  # the `debrief` program: `debrief --db URL`
import resource
print(at[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
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
    """Seconds from spawn to the paint that counts (not to exit: quitting is not starting), and
    the child's peak RSS in MB."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.time()  # the wall clock: the child reports its paint on the same clock
    child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        raise SystemExit("a start never reported its paint (did the library's table move out of "
                         "views/list_page_parts.py?)") from None
    if child.returncode != 0:
        raise SystemExit(f"a start failed ({child.returncode}): {err.strip()[-400:]}")
    painted, peak = out.split()[-2:]
    return float(painted) - start, int(peak) / 1024


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
