"""Benchmark: a library of 5,000 reviews (about 1,000,000 timeline events and notes), searched.

Builds the library with bulk inserts (the search index kept by the schema's own
triggers on SQLite, generated columns on PostgreSQL), then prints the build
time, the search latency over 100 varied queries (median and p95: words
common and rare, two words, phrases, prefixes, non-ASCII words, names,
services, odd queries, words found nowhere) and the time to open the library
(open, check the schema, read the list of reviews), beside issue 12's targets.
Run from the repository root:

    .venv/bin/python bench/library.py [--reviews 5000] [--backend sqlite|postgresql|both]
                                      [--pg-url URL | --pg-shared-buffers 1GB] [--keep DIR]

PostgreSQL: ``--pg-url`` names an empty database; without it a throwaway server
is started (tests/pg_server.py; the Debian ``postgresql`` package must be there).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.reviews import list_reviews  # noqa: E402
from models.search import insert_rows, search  # noqa: E402
from models.store import Library, open_library  # noqa: E402

TARGETS = {"search_p95": 0.050, "open": 0.5}
EVENTS_PER_REVIEW = 120
NOTES_PER_REVIEW = 80
PHASES = ["level-setting", "timeline", "went-well", "surprises", "learnings", "wrap-up"]
NOTE_KINDS = ["observation", "went-well", "surprise", "question", "learning"]
EVENT_KINDS = ["change", "detection", "escalation", "communication", "decision", "action", "mitigation",
               "resolution", "impact", "observation"]
SERVICES = ["checkout", "payments", "config-service", "search-api", "auth", "inventory", "gateway", "billing",
            "notifications", "ledger", "cdn", "dns", "kafka", "postgres", "redis", "scheduler", "mobile-api",
            "reporting", "identity", "shipping"]
FIRST = ["Ana", "Bob", "Chen", "Dmitri", "Eva", "Farah", "Gustavo", "Hana", "Igor", "Jamal", "Kenji",
         "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Ursula", "Vikram",
         "Wen", "Yusuf"]
LAST = ["Müller", "Lima", "Okafor", "Kowalski", "Sato", "Haddad", "Novak", "García", "Ivanova", "O'Brien",
        "Nguyen", "Schmidt", "Rossi", "Dubois", "Andersen", "Tanaka", "Silva", "Berg"]
NON_ASCII = ["Zürich", "café", "東京", "São Paulo", "Kraków", "naïve", "Ærø", "Señal", "Москва", "Straße"]
COMMON = ("the a to of and in is was for on at with from by we it that this not after before when then "
          "error errors latency deploy deployed config pool connection connections database timeout timeouts "
          "checkout payment payments queue retry retries alert alerts page paged dashboard region cache disk "
          "memory cpu node pod restart restarted rollback release service api gateway dns certificate load "
          "balancer traffic customers requests failed failing slow spike rate limit upstream downstream "
          "replica primary failover lag backlog worker workers job jobs cron migration schema index query "
          "lock locks deadlock throttled saturated exhausted leaked cluster zone outage degraded "
          "incident").split()
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "dra", "kin", "mor", "sel", "tun", "bri",
             "gal", "zen", "qua", "fis", "hep"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Common incident words first, then made-up words (hostnames, jargon): a long tail."""
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.1:
            word += str(rng.randint(1, 99))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Texts:
    """Zipf-distributed sentences over :func:`vocabulary`, drawn in bulk (fast)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        self._pool: list[str] = []
        self._next = 0

    def _draw(self, count: int) -> list[str]:
        if self._next + count > len(self._pool):
            self._pool = self.rng.choices(self.words, cum_weights=self.cumulative, k=max(count, 500_000))
            self._next = 0
        taken = self._pool[self._next:self._next + count]
        self._next += count
        return taken

    def sentence(self, low: int = 6, high: int = 18) -> str:
        words = self._draw(self.rng.randint(low, high))
        if self.rng.random() < 0.02:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(NON_ASCII))
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(SERVICES))
        return " ".join(words).capitalize()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(reviews: int, seed: int = 12) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for every table, ids given (1…n per table), times as the SQLite column stores them."""
    rng = random.Random(seed)
    texts = Texts(rng)
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in (
        "reviews", "participants", "timeline_events", "notes", "learnings", "action_items")}
    start = datetime(2021, 1, 4, 9, 0, tzinfo=UTC)
    event_id = note_id = participant_id = learning_id = action_id = 0
    for review_id in range(1, reviews + 1):
        began = start + timedelta(hours=review_id * 7 + rng.randint(0, 5))
        services = rng.sample(SERVICES, rng.randint(1, 3))
        tags = rng.sample(["config", "capacity", "dependency", "deploy", "data", "network", "security"], 2)
        title = f"{services[0].capitalize()} {texts.sentence(3, 7).lower()}"
        tables["reviews"].append((
            review_id, title, texts.sentence(20, 60), rng.choice(["SEV1", "SEV2", "SEV3", "SEV4"]),
            rng.choice(["incident", "near-miss"]), rng.choice(["draft", "scheduled", "reviewed", "closed"]),
            "UTC", "standard", _stamp(began), texts.sentence(8, 25), json.dumps(services), json.dumps(tags),
            _stamp(began), _stamp(began), str(uuid.UUID(int=rng.getrandbits(128), version=4))))
        people = []
        for position in range(5):
            participant_id += 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            people.append(participant_id)
            tables["participants"].append((participant_id, review_id, name, json.dumps(["responder"]),
                                           texts.sentence(3, 8), position, json.dumps([name.split()[0]])))
        first_event = event_id + 1
        for index in range(EVENTS_PER_REVIEW):
            event_id += 1
            at = began + timedelta(seconds=index * 45 + rng.randint(0, 40))
            tables["timeline_events"].append((
                event_id, review_id, _stamp(at), texts.sentence(), rng.choice(EVENT_KINDS),
                rng.choice(["slack #incident", "deploy log", "pagerduty", "dashboard", ""]), 0, "", None))
        for _index in range(NOTES_PER_REVIEW):
            note_id += 1
            about = rng.randint(first_event, event_id) if rng.random() < 0.3 else None
            said = _stamp(began + timedelta(days=3))
            tables["notes"].append((note_id, review_id, rng.choice(PHASES), rng.choice(NOTE_KINDS),
                                    texts.sentence(), said, rng.choice(people), about, 0, said))
        for _index in range(3):
            learning_id += 1
            tables["learnings"].append((learning_id, review_id, texts.sentence(8, 20),
                                        rng.choice(["technical", "process", "knowledge"]), None))
        for _index in range(2):
            action_id += 1
            tables["action_items"].append((action_id, review_id, texts.sentence(4, 9), texts.sentence(8, 20),
                                           rng.choice(FIRST), None, "medium", "open", "", None))
    return tables


COLUMNS = {
    "reviews": ("id", "title", "summary", "severity", "kind", "status", "timezone", "template", "started_at",
                "impact", "services", "tags", "created_at", "updated_at", "uid"),
    "participants": ("id", "review_id", "name", "roles", "brought_in", "position", "aliases"),
    "timeline_events": ("id", "review_id", "at", "text", "kind", "source", "approximate", "detail",
                        "external_id"),
    "notes": ("id", "review_id", "phase", "kind", "text", "said_at", "author_id", "event_id", "private",
              "created_at"),
    "learnings": ("id", "review_id", "text", "category", "note_id"),
    "action_items": ("id", "review_id", "title", "description", "owner", "due", "priority", "status", "link",
                     "note_id"),
}
BOOLEAN = {("timeline_events", "approximate"), ("notes", "private")}


def load_sqlite(library: Library, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    """One transaction of multi-row INSERTs (models.search.insert_rows, as the timeline import):
    the index triggers fire a row at a time, FTS5 writes its terms out once a statement."""
    with library.engine.begin() as connection:
        for table, rows in tables.items():
            insert_rows(connection, table, COLUMNS[table], rows)


def load_postgresql(library: Library, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    """COPY a table at a time (the generated search columns are computed by the server on the way
    in), then VACUUM and ANALYZE."""
    raw = library.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, rows in tables.items():
            columns = COLUMNS[table]
            flags = [(table, column) in BOOLEAN for column in columns]
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([bool(v) if flag else (f"{v}+00" if _is_stamp(table, c) and v else v)
                                    for v, flag, c in zip(row, flags, columns, strict=True)])
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
        raw.commit()
        # As a library in use is: vacuumed (visibility map, hint bits) and analyzed by autovacuum.
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        cursor.execute("VACUUM (ANALYZE)")
    finally:
        raw.close()


def _is_stamp(table: str, column: str) -> bool:
    return column in ("started_at", "created_at", "updated_at", "at", "said_at")


#: Function words: in half the rows; a search for one alone is rare (2% of the mix).
STOP_WORDS = frozenset(COMMON[:25])


def queries(tables: dict[str, list[tuple[Any, ...]]], count: int = 100, seed: int = 99) -> list[str]:
    """Varied queries, as people look for incidents: see :data:`QUERY_MIX` for the shares."""
    rng = random.Random(seed)
    words = vocabulary(random.Random(12))
    frequent = [w for w in words[:len(COMMON)] if w not in STOP_WORDS]  # error, deploy, pool… (1-40% of rows)
    middle, rare = words[len(COMMON):1000], words[1000:]
    phrases = []
    for row in rng.sample(tables["timeline_events"], 400):
        parts = [p.strip(".,") for p in str(row[3]).lower().split()]
        pairs = [(a, b) for a, b in zip(parts, parts[1:], strict=False)
                 if not (a in STOP_WORDS and b in STOP_WORDS)]
        if pairs:
            first, second = rng.choice(pairs)
            phrases.append(f'"{first} {second}"')
    names = [str(row[2]) for row in tables["participants"][:500]]
    kinds: dict[str, tuple[float, Callable[[], str]]] = {
        "frequent word": (10, lambda: rng.choice(frequent)),
        "middling word": (22, lambda: rng.choice(middle)),
        "rare word": (14, lambda: rng.choice(rare)),
        "function word": (2, lambda: rng.choice(sorted(STOP_WORDS))),
        "two words": (10, lambda: f"{rng.choice(middle)} {rng.choice(frequent)}"),
        "phrase": (10, lambda: rng.choice(phrases)),
        "prefix": (10, lambda: rng.choice(middle + rare)[:rng.randint(3, 5)] + "*"),
        "non-ASCII": (8, lambda: rng.choice([*NON_ASCII, "zurich", "cafe", "muller", "sao paulo", "krakow"])),
        "name or service": (6, lambda: rng.choice([rng.choice(names).split()[0], rng.choice(SERVICES)])),
        "odd": (5, lambda: rng.choice(["", "!!!", '"unbalanced quote', "NEAR(pool", "title:pool", "pool AND",
                                       "*", "-", "OR", '""'])),
        "found nowhere": (3, lambda: rng.choice(["xylophone", "nonexistentword", "qqqq"])),
    }
    chosen = rng.choices(list(kinds.values()), weights=[weight for weight, _make in kinds.values()], k=count)
    return [make() for _weight, make in chosen]


#: The shares of the query kinds (percent), for the report.
QUERY_MIX = ("10% frequent words (error, deploy…), 22% middling and 14% rare words, 2% function words "
             "(the, of), 10% two words, 10% phrases, 10% prefixes, 8% non-ASCII words, 6% names and "
             "services, 5% odd queries, 3% words found nowhere")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(url: str, tables: dict[str, list[tuple[Any, ...]]], label: str,
            load: Callable[[Library, dict[str, list[tuple[Any, ...]]]], None]) -> dict[str, float]:
    began = time.perf_counter()
    library = open_library(url)
    load(library, tables)
    built = time.perf_counter() - began
    library.close()

    opened = []
    for _ in range(3):
        began = time.perf_counter()
        library = open_library(url)
        with library.begin() as session:
            listed = list_reviews(session)
        opened.append(time.perf_counter() - began)
        library.close()
    assert len(listed) == len(tables["reviews"])

    library = open_library(url)
    asked = queries(tables)
    with library.begin() as session:  # one warm-up, as an app's first search after opening
        search(session, "warmup")
    times = []
    slow: list[tuple[float, str, int]] = []
    for query in asked:
        began = time.perf_counter()
        with library.begin() as session:
            hits = search(session, query, limit=50)
        elapsed = time.perf_counter() - began
        times.append(elapsed)
        slow.append((elapsed, query, len(hits)))
    library.close()
    slow.sort(reverse=True)
    print(f"\n{label}: slowest queries: "
          + ", ".join(f"{q!r} {t * 1000:.0f}ms ({n})" for t, q, n in slow[:5]))
    return {"build": built, "median": statistics.median(times), "p95": percentile(times, 0.95),
            "open": statistics.median(opened)}


def _report(label: str, result: dict[str, float], counts: str) -> None:
    def row(name: str, value: float, target: float | None, unit: str = "ms") -> str:
        shown = f"{value:8.1f}s " if unit == "s" else f"{value * 1000:8.1f}ms"
        verdict = "" if target is None else ("ok" if value < target else "OVER")
        goal = "" if target is None else f"{target * 1000:8.0f}ms"
        return f"  {name:34} {shown} {goal:>10}  {verdict}"

    print(f"\n{label} ({counts})")
    print(row("build (bulk insert + index)", result["build"], None, unit="s"))
    print(row("search median (100 queries)", result["median"], None))
    print(row("search p95", result["p95"], TARGETS["search_p95"]))
    print(row("open library + list reviews", result["open"], TARGETS["open"]))


def _postgres_url(given: str | None, shared_buffers: str) -> Iterator[str]:
    """``given``, or an empty database on a throwaway server with ``shared_buffers`` (a team
    server's is sized to its memory; PostgreSQL's default, 128MB, holds a tenth of this library)."""
    if given:
        yield given
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.pg_server import ThrowawayPostgres

    server = ThrowawayPostgres().start()
    try:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers}'"))
            connection.execute(text('CREATE DATABASE "bench_library"'))
        admin.dispose()
        # pg_ctl restart starts it again with the options it was started with.
        server._run("pg_ctl", "-D", str(server.dir / "data"), "-l", str(server.dir / "server.log"),
                    "-w", "-t", "30", "restart")
        yield make_url(server.url).set(database="bench_library").render_as_string(hide_password=False)
    finally:
        server.stop()


def _server_settings(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
            buffers = connection.execute(text("SHOW shared_buffers")).scalar()
            ctype = connection.execute(text(
                "SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
    finally:
        engine.dispose()
    return f"server {version}, shared_buffers {buffers}, LC_CTYPE {ctype}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=None,
                        help="an empty PostgreSQL database (default: a throwaway server)")
    parser.add_argument("--pg-shared-buffers", default="1GB",
                        help="shared_buffers of the throwaway server (default: 1GB)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the SQLite library in this folder and keep it")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    tables = generate(args.reviews)
    items = len(tables["timeline_events"]) + len(tables["notes"])
    counts = (f"{len(tables['reviews']):,} reviews, {len(tables['timeline_events']):,} events, "
              f"{len(tables['notes']):,} notes: {items:,} events and notes")
    print(f"generated {counts} in {time.perf_counter() - began:.1f}s")
    print(f"queries: {QUERY_MIX}")

    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "bench-library.db"
            for leftover in folder.glob("bench-library.db*"):
                leftover.unlink()
            result = measure(f"sqlite:///{path}", tables, "SQLite", load_sqlite)
            size = sum(p.stat().st_size for p in folder.glob("bench-library.db*")) / 1e6
            _report(f"SQLite, {size:,.0f} MB", result, counts)
    if args.backend in ("postgresql", "both"):
        for url in _postgres_url(args.pg_url, args.pg_shared_buffers):
            result = measure(url, tables, "PostgreSQL", load_postgresql)
            _report(f"PostgreSQL ({_server_settings(url)})", result, counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
