"""Benchmark: the Word report of a big review, beside pandoc turning the same review's Markdown into .docx.

Prints, for a review with 2,000 timeline events and 500 notes, the time Debrief
takes to write its Word report and the time ``pandoc`` takes to convert the
Markdown export of the same review to .docx, measured in the same run. Target
(issue 5): Debrief no slower than pandoc. Run from the repository root:

    .venv/bin/python bench/export.py [--events 2000] [--notes 500] [--runs 5]

Needs ``pandoc`` on PATH (Debian: apt-get install pandoc) for the comparison.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports.docx_report import to_docx  # noqa: E402
from exports.markdown_report import to_markdown  # noqa: E402
from models import notes, reviews, timeline  # noqa: E402
from models.catalog import load_catalog  # noqa: E402
from models.snapshot import ReviewReport, load_review  # noqa: E402
from models.store import open_library  # noqa: E402

PHASES = ["level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up"]
KINDS = ["observation", "went-well", "surprise", "question", "learning", "action", "parking-lot"]


def build_review(folder: Path, events: int, note_count: int) -> ReviewReport:
    """A review as big as a long chat-driven incident: many events, hundreds of notes."""
    library = open_library(f"sqlite:///{folder / 'bench.db'}")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors after config push",
                                   timezone="Europe/Berlin", severity="SEV2", started_at=start,
                                   detected_at=start + timedelta(minutes=7),
                                   summary="A config change turned on strict validation in checkout.").id
        people = [reviews.add_participant(session, review_id, name=f"Responder {i}", roles=["responder"]).name
                  for i in range(12)]
        event_ids = [
            timeline.add_event(session, review_id, at=start + timedelta(seconds=20 * i),
                               text=f"Message {i}: error rate in region {i % 9} at {i % 50} %",
                               kind="communication", source="slack #incident",
                               participants=[people[i % len(people)]]).id
            for i in range(events)
        ]
        for i in range(note_count):
            notes.add_note(session, review_id, phase=PHASES[i % len(PHASES)], kind=KINDS[i % len(KINDS)],
                           text=f"Note {i}: how it made sense at the time, what the dashboards showed",
                           event_id=event_ids[(i * 7) % len(event_ids)] if i % 3 == 0 else None)
    with library.begin() as session:
        doc = load_review(session, review_id)
    library.close()
    assert doc is not None
    return ReviewReport.build(doc, load_catalog())


def median_time(step: object, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        step()  # type: ignore[operator]
        times.append(time.perf_counter() - begin)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        report = build_review(folder, args.events, args.notes)
        markdown = folder / "review.md"
        markdown.write_text(to_markdown(report), encoding="utf-8")
        print(f"{args.events:,} events, {args.notes:,} notes, {args.runs} runs (median, best)")
        target = folder / "debrief.docx"
        ours, ours_best = median_time(lambda: target.write_bytes(to_docx(report)), args.runs)
        print(f"{'Debrief Word report':<36}{ours * 1000:>8.0f} ms{ours_best * 1000:>8.0f} ms")
        pandoc = shutil.which("pandoc")
        if pandoc is None:
            print("pandoc not found: install it (apt-get install pandoc) to compare")
            return 0
        theirs, theirs_best = median_time(
            lambda: subprocess.run([pandoc, str(markdown), "-o", str(folder / "pandoc.docx")], check=True),
            args.runs)
        label = "pandoc, Markdown export to .docx"
        print(f"{label:<36}{theirs * 1000:>8.0f} ms{theirs_best * 1000:>8.0f} ms")
        verdict = "ok: no slower than pandoc" if ours <= theirs else "SLOWER than pandoc"
        print(f"ratio Debrief / pandoc: {ours / theirs:.2f}  {verdict}")
        return 0 if ours <= theirs else 1


if __name__ == "__main__":
    raise SystemExit(main())
