"""Reports show the review's times, whatever timezone the machine running Debrief is in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = """\
format: debrief.review
version: 1
review:
  title: Config push across the autumn clock change
  timezone: Europe/Berlin
  started_at: 2026-10-25T00:20:00Z
timeline:
- at: 2026-10-25T00:30:00Z
  text: First 02:30, still summer time
  kind: change
- at: 2026-10-25T01:30:00Z
  text: Second 02:30, winter time again
  kind: detection
- at: 2026-10-25T01:10:00Z
  text: In between, 02:10 winter time
  kind: observation
"""


def _debrief(args: list[str], machine_tz: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(TZ=machine_tz, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


MACHINE_ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


def _export(machine_tz: str, tmp_path: Path) -> str:
    folder = tmp_path / machine_tz.replace("/", "-")
    folder.mkdir()
    bundle = folder / "dst.yaml"
    bundle.write_text(BUNDLE)
    db = f"sqlite:///{folder / 'library.db'}"
    review_id = _debrief(["--db", db, "import", str(bundle)], machine_tz, folder).strip()
    out = folder / "review.md"
    _debrief(["--db", db, "export", review_id, "--format", "md", "-o", str(out)], machine_tz, folder)
    return out.read_text(encoding="utf-8")


def test_events_across_the_autumn_change_sort_by_instant_and_show_their_zone(tmp_path: Path) -> None:
    """02:30 CEST, 02:10 CET, 02:30 CET: in that order, each with its abbreviation."""
    text = _export("UTC", tmp_path)
    first = text.index("First 02:30, still summer time")
    between = text.index("In between, 02:10 winter time")
    second = text.index("Second 02:30, winter time again")
    assert first < between < second  # sorted by instant, not by wall-clock
    assert "02:30 CEST" in text and "02:30 CET" in text and "02:10 CET" in text


def test_the_report_is_the_same_in_every_machine_timezone(tmp_path: Path) -> None:
    """The Markdown report is byte-identical whatever TZ the machine has."""
    reports = {zone: _export(zone, tmp_path) for zone in MACHINE_ZONES}
    differing = [zone for zone in MACHINE_ZONES if reports[zone] != reports["UTC"]]
    assert differing == []


def test_the_local_zone_is_the_one_qt_reads_from_the_platform(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A new review starts in the machine's zone, as Qt reads it on every platform (TZ first)."""
    from PySide6.QtCore import QTimeZone

    from app.clock import local_zone_name

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    assert local_zone_name() == "Asia/Kolkata"
    monkeypatch.setenv("TZ", "Not/A_Zone")
    system = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    assert local_zone_name() in (system, "UTC")
