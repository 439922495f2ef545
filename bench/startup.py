"""Benchmark: Debrief's cold start against a bare PySide6 window, in the same run.

Each sample is a new process, timed from spawn to exit: Debrief's window shown
with the library listed (a library of 40 reviews), then quit on the first turn
of the event loop; and a bare ``QMainWindow`` shown and quit the same way. The
two alternate, so that load on the machine hits both alike. Prints the
medians, the peak memory of each and the ratio (issue 9's target: at most 2x).

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
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, app.quit)
status = app.exec()
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""

DEBRIEF = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableView
import views.launch as launch
app = QApplication(sys.argv)
def quit_when_listed():
    window = next(w for w in app.topLevelWidgets() if w.isVisible())
    views = [v for v in window.findChildren(QTableView) if v.isVisible() and v.model() is not None]
    rows = max((v.model().rowCount() for v in views), default=0)
    assert rows >= 40, f"the library shows {rows} reviews"
    app.quit()
QTimer.singleShot(0, quit_when_listed)
status = launch.run(sys.argv[1])
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
        _sample(BARE)  # warm the file cache for both
        _sample(DEBRIEF, url)
        bare: list[tuple[float, float]] = []
        debrief: list[tuple[float, float]] = []
        for _ in range(args.runs):
            bare.append(_sample(BARE))
            debrief.append(_sample(DEBRIEF, url))
    bare_median = statistics.median(t for t, _ in bare)
    debrief_median = statistics.median(t for t, _ in debrief)
    ratio = debrief_median / bare_median
    for name, samples, median in (("bare PySide6 window", bare, bare_median),
                                  ("Debrief, library shown", debrief, debrief_median)):
        print(f"{name:24} median {median * 1000:6.0f} ms  (best {min(t for t, _ in samples) * 1000:.0f} ms)"
              f"  peak RSS {statistics.median(m for _, m in samples):.0f} MB")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio {ratio:.2f}x  (target <= {TARGET_RATIO:.1f}x: {verdict}; "
          f"{args.runs} runs each, alternating)")


if __name__ == "__main__":
    main()
