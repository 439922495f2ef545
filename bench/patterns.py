"""Benchmark: the patterns page and similar past incidents over a library of 5,000 reviews.

Builds the library with bulk inserts (reviews over five years, each with
services, tags, a timeline, notes and learnings), then prints the time of each
pattern query, of reading all patterns in one transaction, of drawing the
charts, of building the similarity index, of bringing it up to date, and of
``similar_reviews`` (warm index, and cold: built for one question). Each time
is the median of ``--runs`` runs. Run from the repository root:

    .venv/bin/python bench/patterns.py [--reviews 5000] [--events 20] [--runs 7] [--db URL]

``--db`` takes an empty database URL (e.g. PostgreSQL); the default is a
temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from models import patterns  # noqa: E402
from models.entities import Learning, Note, Review, TimelineEvent  # noqa: E402
from models.similar import SimilarityIndex, similar_reviews  # noqa: E402
from models.store import Library, open_library  # noqa: E402

#: The targets the brief sets (seconds).
TARGETS = {"similar_reviews (warm index)": 0.200, "read_patterns (all, one transaction)": 0.200}

SERVICES = [f"{a}-{b}"
            for a in ("checkout", "payments", "search", "auth", "ledger", "catalog", "cart", "email")
            for b in ("api", "worker", "db", "gateway", "cache")]
TAGS = ["config", "deploy", "capacity", "dns", "certificate", "dependency", "database", "network", "cache",
        "feature-flag", "rate-limit", "migration", "third-party", "alerting", "data-loss", "security"]
SEVERITIES = ["SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV3", "SEV4", None]
CATEGORIES = ["technical", "process", "organisational", "knowledge", "communication"]
TOPICS = ["timeout", "pool", "exhausted", "latency", "certificate", "expired", "rollback", "canary",
          "replica", "failover", "quota", "throttled", "memory", "leak", "queue", "backlog", "disk", "full",
          "index",
          "rebuild", "retries", "storm", "cache", "stampede", "config", "typo", "flag", "misfired", "dns",
          "propagation", "deadlock", "vacuum", "kernel", "upgrade", "token", "rotation", "webhook", "lag"]
VERBS = ["rolled out", "noticed", "paged", "escalated", "checked", "restarted", "scaled", "reverted",
         "posted", "confirmed", "drained", "throttled", "failed over", "investigated"]


def _words(rng: random.Random, vocabulary: list[str], count: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def build(library: Library, reviews: int, events_per_review: int, seed: int = 12) -> float:
    """Fill ``library`` with ``reviews`` reviews through bulk inserts; returns the seconds it took."""
    rng = random.Random(seed)
    filler = [f"w{i:04d}" for i in range(4000)]  # a long tail of rare words, like names and ids in real text
    start = datetime(2021, 1, 1, tzinfo=UTC)
    began = time.perf_counter()
    with library.begin() as session:
        first_id = (session.scalar(select(Review.id).order_by(Review.id.desc()).limit(1)) or 0) + 1
        rows: list[dict[str, Any]] = []
        for i in range(reviews):
            started = start + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
            detect = started + timedelta(minutes=rng.randint(1, 120))
            topic = rng.sample(TOPICS, 3)
            rows.append({
                "id": first_id + i,
                "title": f"{rng.choice(SERVICES)} {topic[0]} {topic[1]} after {rng.choice(TAGS)} change",
                "summary": f"{' '.join(topic)} {_words(rng, filler, 12)}",
                "impact": f"customers saw {topic[0]} on {rng.choice(SERVICES)} {_words(rng, filler, 6)}",
                "severity": rng.choice(SEVERITIES), "kind": "incident", "status": "reviewed",
                "timezone": "UTC", "template": "standard",
                "started_at": started if rng.random() > 0.05 else None,
                "detected_at": detect if rng.random() > 0.1 else None,
                "mitigated_at": detect + timedelta(minutes=rng.randint(5, 600)) if rng.random() > 0.2
                else None,
                "resolved_at": detect + timedelta(minutes=rng.randint(600, 4000)) if rng.random() > 0.2
                else None,
                "services": rng.sample(SERVICES, rng.randint(0, 3)),
                "tags": rng.sample(TAGS, rng.randint(0, 3)),
                "created_at": started + timedelta(days=2), "updated_at": started + timedelta(days=2),
            })
        session.execute(insert(Review), rows)
        events: list[dict[str, Any]] = []
        note_rows: list[dict[str, Any]] = []
        learning_rows: list[dict[str, Any]] = []
        for row in rows:
            moment = row["started_at"] or row["created_at"]
            topic = row["summary"].split()[:3]
            for j in range(events_per_review):
                events.append({"review_id": row["id"], "at": moment + timedelta(minutes=j * 3),
                               "text": f"{rng.choice(VERBS)} {rng.choice(topic)} {rng.choice(TOPICS)} "
                                       f"{_words(rng, filler, 5)}",
                               "kind": "observation", "source": "chat", "approximate": False, "detail": ""})
            for k in range(4):
                phase = "surprises" if k < 2 else "timeline"
                kind = "surprise" if k == 2 else "observation"
                note_rows.append({"review_id": row["id"], "phase": phase, "kind": kind,
                                  "text": f"{_words(rng, TOPICS, 6)}", "private": False,
                                  "created_at": moment})
            for _ in range(2):
                learning_rows.append({"review_id": row["id"], "text": _words(rng, TOPICS, 8),
                                      "category": rng.choice(CATEGORIES)})
        for chunk in range(0, len(events), 20_000):
            session.execute(insert(TimelineEvent), events[chunk:chunk + 20_000])
        session.execute(insert(Note), note_rows)
        session.execute(insert(Learning), learning_rows)
    return time.perf_counter() - began


def median_time(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def report(name: str, seconds: float) -> None:
    target = TARGETS.get(name)
    verdict = ""
    if target is not None:
        verdict = f"   (target < {target * 1000:.0f} ms: {'ok' if seconds < target else 'MISSED'})"
    print(f"  {name:<44} {seconds * 1000:9.1f} ms{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20, help="timeline events per review")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", help="an empty library URL (default: a temporary SQLite file)")
    parser.add_argument("--charts", action=argparse.BooleanOptionalAction, default=True,
                        help="also time drawing the charts (needs Qt)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'library.db'}"
        library = open_library(url)
        seconds = build(library, args.reviews, args.events)
        print(f"{args.reviews:,} reviews, {args.reviews * args.events:,} events on "
              f"{library.engine.dialect.name}: built in {seconds:.1f} s; median of {args.runs} runs\n")
        print("patterns (each in its own transaction):")
        for name, read in (
            ("incidents_per_month", lambda s: patterns.incidents_per_month(s)),
            ("metric_trends", lambda s: patterns.metric_trends(s)),
            ("top_services", lambda s: patterns.top_services(s)),
            ("top_tags", lambda s: patterns.top_tags(s)),
            ("learning_categories", lambda s: patterns.learning_categories(s)),
            ("surprises_per_service", lambda s: patterns.surprises_per_service(s)),
            ("read_patterns (all, one transaction)", lambda s: patterns.read_patterns(s)),
        ):
            def once(read: Callable[[Any], object] = read) -> None:
                with library.begin() as session:
                    read(session)
            report(name, median_time(once, args.runs))
        if args.charts:
            from exports.headless_qt import gui_application
            from exports.pattern_charts import render_pattern_charts

            with library.begin() as session:
                found = patterns.read_patterns(session)
            with gui_application():
                report("render_pattern_charts (all, PNG)",
                       median_time(lambda: render_pattern_charts(found), args.runs))

        print("\nsimilar past incidents:")
        with library.begin() as session:
            ids = list(session.scalars(select(Review.id).order_by(Review.id)))
        targets = random.Random(3).sample(ids, min(len(ids), args.runs * 3))

        def build_index() -> SimilarityIndex:
            with library.begin() as session:
                return SimilarityIndex.build(session)

        tracemalloc.start()
        index = build_index()
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        report("SimilarityIndex.build (one pass)", median_time(build_index, max(1, args.runs // 2)))
        print(f"  {'index memory':<44} {memory / 2**20:9.1f} MB")

        def sync() -> None:
            with library.begin() as session:
                index.sync(session)
        report("SimilarityIndex.sync (nothing changed)", median_time(sync, args.runs))

        queue = list(targets)

        def warm() -> None:
            with library.begin() as session:
                similar_reviews(session, queue.pop() if queue else targets[0], index=index)
        report("similar_reviews (warm index)", median_time(warm, len(targets)))

        edits = iter(range(10**6))

        def after_an_edit() -> None:
            target = targets[0]
            with library.begin() as session:  # what a meeting does: one more event in the open review
                session.execute(insert(TimelineEvent), [{
                    "review_id": target, "at": datetime(2026, 1, 1, tzinfo=UTC),
                    "text": f"note {next(edits)} replica lag", "kind": "observation", "source": "",
                    "approximate": False, "detail": ""}])
            with library.begin() as session:
                similar_reviews(session, target, index=index)
        report("similar_reviews (after one event added)", median_time(after_an_edit, args.runs))

        def cold() -> None:
            with library.begin() as session:
                similar_reviews(session, targets[0])
        report("similar_reviews (cold: index built for it)", median_time(cold, max(1, args.runs // 2)))
        with library.begin() as session:
            found_similar = similar_reviews(session, targets[0], index=index)
        print(f"\n  e.g. review {targets[0]}: " + (
            "; ".join(f"#{s.id} {s.score:.2f} ({s.reason})" for s in found_similar[:3]) or "nothing similar"))
        library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
