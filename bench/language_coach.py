"""Benchmark: the blameless language coach's check, as run on every keystroke.

Prints the median and 95th percentile time of ``models.language.check`` for a
300-character note against 20 rules (the built-ins plus copies up to 20), for
a note nothing flags (the usual keystroke), for a note where every rule's
regex has to run, and per keystroke while a note is typed. The target is
under 1 ms. Run from the repository root:

    .venv/bin/python bench/language_coach.py [--runs 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.language import Rule, check, load_language_rules  # noqa: E402

TARGET_MS = 1.0
PEOPLE = ("Responder A", "Engineer B", "Priya Natarajan", "Bob Smith", "Chen Wei", "Dana")
CLEAN = ("The config push went to all regions at 09:14 and checkout errors rose for a third of customers; "
         "dashboards looked normal because errors were sampled out. The responder paged the config team at "
         "09:20, rolled back at 09:41, and traffic recovered within minutes without restarting the fleet.")
# A keyword of every rule is present, so every rule's regex runs; a handful of them flag.
HEAVY = ("Obviously it was human error: Bob should have known better and was careless, why didn't anyone "
         "check? The root cause was the on-call, who failed to notice; all they had to do was roll back. "
         "Nobody is to blame and it is not my fault or negligent, a mistake by ops, lack of focus, didn't "
         "bother; stupid.")


def _twenty(rules: tuple[Rule, ...]) -> list[Rule]:
    extra = [replace(rule, id=f"{rule.id}-copy") for rule in rules[: max(0, 20 - len(rules))]]
    return (list(rules) + extra)[:20]


def _measure(text: str, rules: list[Rule], runs: int) -> tuple[float, float, int]:
    check(text, rules, people=PEOPLE)  # compile for these people first, as the first keystroke does
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        flags = check(text, rules, people=PEOPLE)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000, len(flags)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    rules = _twenty(load_language_rules().rules)
    print(f"{len(rules)} rules, {len(PEOPLE)} participants, target < {TARGET_MS:.1f} ms per check")
    for name, text in (("clean note", CLEAN[:300]), ("every rule runs", HEAVY[:300])):
        median, p95, flags = _measure(text, rules, args.runs)
        print(f"{name:>16}: {len(text)} chars, {flags} flags, median {median:.3f} ms, p95 {p95:.3f} ms")
    typed = []
    for _ in range(max(1, args.runs // 300)):
        for end in range(1, 301):
            start = time.perf_counter()
            check(HEAVY[:end], rules, people=PEOPLE)
            typed.append(time.perf_counter() - start)
    typed.sort()
    print(f"{'typing it':>16}: per keystroke median {statistics.median(typed) * 1000:.3f} ms, "
          f"max {typed[-1] * 1000:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
