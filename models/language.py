"""The blameless language coach: rules, and the check that runs on every keystroke.

Rules ship in ``resources/language.yaml``; a user adds or replaces them by id
(or switches one off with ``enabled: false``) in ``language.yaml`` in their
config folder. A broken user file is reported with its path and line and
skipped, so the built-in rules always load.

The pattern language is deliberately small (``resources/language.yaml``
explains it to users):

- a pattern is a phrase matched as whole words, case-insensitively; words
  match exactly as written, so every form to flag is listed;
- a hyphen counts as part of a word at the edges of a match ("blame" does not
  flag "blame-free"), and between words any run of spaces or hyphens matches
  any other ("human error" flags "human-error");
- an apostrophe matches ``'``, ``’`` or nothing ("didn't", "didn’t", "didnt");
- ``{person}`` stands for a participant's full or first name, or a people word
  (:data:`PEOPLE_WORDS`);
- ``except`` phrases that contain a match make it fine;
- a flag lying wholly inside a longer flag of another rule is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.fields import Fields, Item, Reader, show
from models.yamlsource import load_user_file, load_yaml_text, scalar_text

USER_FILE = "language.yaml"
PERSON = "{person}"

#: What ``{person}`` matches besides the review's participants.
PEOPLE_WORDS: tuple[str, ...] = (
    "he", "she", "they", "him", "her", "them", "you",
    "someone", "somebody", "anyone", "anybody",
    "the person", "a person", "a human", "the human",
    "the engineer", "an engineer", "the engineers",
    "the on-call", "the on-call engineer", "on-call", "the oncall", "oncall",
    "the operator", "an operator", "ops", "the ops team",
    "the developer", "a developer", "the developers", "the dev", "devs",
    "the sre", "an sre", "the sres",
    "the responder", "the incident commander", "the admin", "the sysadmin",
    "the intern", "an intern", "the new hire", "a new hire", "the contractor",
    "the author", "the reviewer", "the approver", "the manager",
    "the team", "the other team",
)

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
#: The longest pattern phrase, in characters. Real phrases are a few words; the
#: pattern trie is built one level per character, so a page-long "phrase" would
#: only exhaust the stack.
PHRASE_LIMIT = 100
_TOKENS = re.compile(r"(\{[^{}]*\}|[\s\-\u2010\u2011]+|['\u2019])")
_SEPARATOR = r"[\s\-\u2010\u2011]+"
_APOSTROPHE = "['\u2019]?"
_LEFT_EDGE = r"(?<![\w\-])"
_RIGHT_EDGE = r"(?![\w\-])"
_COMMON_WORDS = frozenset(
    "a all an and at be been by couldn did didn do had hadn has have he her his i if in is it my made "
    "never no not of on only or s she t that the their they to ve was wasn we were weren you your".split()
)
RULE_KEYS = ("id", "pattern", "except", "why", "reframe", "enabled")


@dataclass(frozen=True)
class Flag:
    """One phrase in a note that a rule flags; ``start``/``end`` index the text."""

    rule_id: str
    start: int
    end: int
    matched_text: str
    why: str
    reframe: str


@dataclass(frozen=True)
class Rule:
    """A language rule: phrases to flag, why they matter, and a reframe."""

    id: str
    patterns: tuple[str, ...]
    why: str
    reframe: str
    exceptions: tuple[str, ...] = ()
    enabled: bool = True
    builtin: bool = True
    uses_people: bool = field(default=False, init=False, compare=False)
    keywords: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _compiled: dict[tuple[str, ...], tuple[re.Pattern[str], re.Pattern[str] | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "uses_people", any(PERSON in p for p in self.patterns + self.exceptions))
        object.__setattr__(self, "keywords", _keywords(self.patterns) if self.patterns else ())

    def regex(self, people: tuple[str, ...] = ()) -> re.Pattern[str]:
        """The compiled pattern: once per rule, and once per set of people for ``{person}`` rules."""
        return self._regexes(people)[0]

    def _regexes(self, people: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        key = people if self.uses_people else ()
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) > 16:  # participants changed many times: start afresh
                self._compiled.clear()
            excepted = _compile(self.exceptions, key) if self.exceptions else None
            found = self._compiled[key] = (_compile(self.patterns, key), excepted)
        return found


@dataclass(frozen=True)
class LanguageRules:
    """The rules in force, plus the problems found in the user's file."""

    rules: tuple[Rule, ...]
    problems: tuple[str, ...] = field(default=())

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def warm(self) -> None:
        """Compile every enabled rule now (~0.3 s for the built-ins), so no keystroke pays for it.

        Rules compile on first use otherwise; the window calls this once it has painted.
        """
        for rule in self.rules:
            if rule.enabled and rule.patterns:
                rule.regex()


def check(text: str, rules: Sequence[Rule], *, people: Iterable[str] = ()) -> list[Flag]:
    """The phrases of ``text`` that ``rules`` flag, in order of position.

    ``people`` are the review's participant names, matched by ``{person}``.
    """
    if not text:
        return []
    names = tuple(people)
    folded = text.casefold()
    found: list[Flag] = []
    for rule in rules:
        if not rule.enabled:
            continue
        if rule.keywords and not any(word in folded for word in rule.keywords):
            continue  # the common case on a keystroke: no regex runs at all
        regex, excepted = rule._regexes(names)
        matches = [m for m in regex.finditer(text) if m.end() > m.start()]
        if not matches:
            continue
        spans = [m.span() for m in excepted.finditer(text)] if excepted is not None else []
        for match in matches:
            start, end = match.span()
            if any(s <= start and end <= e for s, e in spans):
                continue
            found.append(Flag(rule.id, start, end, match.group(), rule.why, rule.reframe))
    if len(found) < 2:
        return found
    found.sort(key=lambda f: (f.start, f.start - f.end))
    kept: list[Flag] = []
    for flag in found:
        if not any(k.start <= flag.start and flag.end <= k.end for k in kept):
            kept.append(flag)
    return kept


def person_phrases(people: Iterable[str]) -> tuple[str, ...]:
    """What ``{person}`` matches: each name, its first name, and the people words."""
    phrases: set[str] = {w.casefold() for w in PEOPLE_WORDS}
    for name in people:
        name = " ".join(name.split())
        if len(name) < 2 or not any(c.isalnum() for c in name):
            continue
        phrases.add(name.casefold())
        first = name.split(" ")[0]
        if first != name and len(first) >= 2:
            phrases.add(first.casefold())
    return tuple(sorted(phrases))


def phrase_to_regex(phrase: str, people: tuple[str, ...] = ()) -> str:
    """The regular expression (without the whole-word edges) for one pattern phrase."""
    return "".join(_units(phrase, people))


def _units(phrase: str, people: tuple[str, ...]) -> list[str]:
    """A phrase as regex units: one per character, separator, apostrophe or ``{person}``."""
    units: list[str] = []
    for token in _TOKENS.split(phrase.strip()):
        if not token:
            continue
        if token.startswith("{") and token.endswith("}"):
            if token != PERSON:
                raise ValueError(f"unknown placeholder {token} (only {PERSON} is known)")
            units.append(_person_regex(people))
        elif token in ("'", "\u2019"):
            units.append(_APOSTROPHE)
        elif not token.strip(" \t\n\r\f\v-\u2010\u2011"):
            units.append(_SEPARATOR)
        else:
            units.extend(re.escape(c) for c in token.casefold())
    return units


@lru_cache(maxsize=256)
def _person_regex(people: tuple[str, ...]) -> str:
    return _trie([_units(p, ()) for p in person_phrases(people)])


def _trie(sequences: Iterable[list[str]]) -> str:
    """One regex for many unit sequences, common prefixes factored out.

    A plain alternation of sixty names is tried name by name at every position
    of the note; the trie tries one branch per distinct next character, which
    keeps a check on every keystroke well under a millisecond.
    """
    root: dict[str, Any] = {}
    for units in sequences:
        node = root
        for unit in units:
            node = node.setdefault(unit, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, Any]) -> str:
    branches = [unit + _emit(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a phrase may end here; greedy, so the longer one is preferred
        return ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"
    return body


@lru_cache(maxsize=1024)
def _keywords(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """A word each pattern cannot match without; empty if some pattern has none (always run it).

    The first word that is not a common little word is the most telling
    ("failed" in "we failed to", "fault" in "at fault").
    """
    words: set[str] = set()
    for phrase in patterns:
        pieces = [t.casefold() for t in _TOKENS.split(phrase)
                  if t and not t.startswith("{") and any(c.isalnum() for c in t)]
        if not pieces:
            return ()
        words.add(next((p for p in pieces if p not in _COMMON_WORDS), max(pieces, key=len)))
    # "blame" absent means "blamed" is too: test only the shortest of such words.
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


@lru_cache(maxsize=1024)
def _compile(patterns: tuple[str, ...], people: tuple[str, ...]) -> re.Pattern[str]:
    body = _trie(_units(p, people) for p in patterns)
    return re.compile(_LEFT_EDGE + "(?:" + body + ")" + _RIGHT_EDGE, re.IGNORECASE)


def _phrases(m: Fields, key: str) -> tuple[str, ...]:
    """A phrase, or a non-empty list of them, at ``key``: each a pattern that compiles."""
    value = m.get(key)
    if isinstance(value, list) and not value:
        m.fail(key, "must be a phrase or a non-empty list of phrases")
    items = m.items(key) if isinstance(value, list) else iter([Item(0, value, m.field(key), m.line(key))])
    phrases: list[str] = []
    for _position, raw, name, line in items:
        text = scalar_text(raw)
        if text is None or not any(c.isalnum() for c in text):
            m.reader.fail("must be a phrase with at least one letter or digit", field=name, line=line)
        phrase = m.reader.text(text, field=name, line=line, collapse=True)
        if len(phrase) > PHRASE_LIMIT:
            m.reader.fail(f"is {len(phrase):,} characters long; a phrase has at most {PHRASE_LIMIT}",
                          field=name, line=line)
        try:
            re.compile(phrase_to_regex(phrase))
        except (ValueError, re.error) as exc:
            m.reader.fail(str(exc), field=name, line=line)
        phrases.append(phrase)
    return tuple(phrases)


def parse_rules(data: Any, *, path: str | None = None, builtin: bool = False) -> list[Rule]:
    """Validate a language rules document (``rules: [{id, pattern, why, reframe}]``)."""
    doc = Reader(path).document(data, ("rules",), shape="must be a mapping with a 'rules' list")
    result: list[Rule] = []
    for m in doc.mappings("rules", RULE_KEYS, required=True):
        rule_id = m.identifier("id", _ID, noun="a rule id", rule="lower-case letters, digits and dashes")
        if any(r.id == rule_id for r in result):
            m.fail("id", f"rule {show(rule_id)} appears twice")
        enabled = m.flag("enabled", default=True)
        if m.get("pattern") is None:
            if enabled:
                m.fail("pattern", "is required")
            result.append(Rule(rule_id, (), "", "", enabled=False, builtin=builtin))  # switches one off
            continue
        exceptions = _phrases(m, "except") if m.get("except") is not None else ()
        rule = Rule(
            id=rule_id,
            patterns=_phrases(m, "pattern"),
            why=m.text("why", required=True, collapse=True),
            reframe=m.text("reframe", required=True, collapse=True),
            exceptions=exceptions,
            enabled=enabled,
            builtin=builtin,
        )
        if not builtin:  # the built-ins are compiled by the tests, and lazily (or warmed) at run time
            _compiles(rule, m)
        result.append(rule)
    return result


def _compiles(rule: Rule, m: Fields) -> None:
    """Compile ``rule`` now, so a rule that cannot is a problem of its file, not of the first keystroke."""
    try:
        rule.regex()
    except (ValueError, re.error, RecursionError, OverflowError) as exc:
        m.fail_here(f"the patterns cannot be used ({exc})")


@cache
def builtin_rules() -> tuple[Rule, ...]:
    """The rules that ship with Debrief, in file order (parsed once: read-only data)."""
    name = "resources/language.yaml"
    text = resources.files("resources").joinpath("language.yaml").read_text(encoding="utf-8")
    return tuple(parse_rules(load_yaml_text(text, path=name), path=name, builtin=True))


def load_language_rules(config_folder: Path | None = None) -> LanguageRules:
    """Built-in rules, with the user's ``language.yaml`` adding, replacing or switching off by id."""
    by_id = {rule.id: rule for rule in builtin_rules()}
    problems: list[str] = []
    if config_folder is not None:
        user_file = config_folder / USER_FILE
        if user_file.exists():
            found = load_user_file(user_file, lambda data, name: parse_rules(data, path=name))
            if isinstance(found, str):
                problems.append(found)
            else:
                for rule in found:
                    by_id[rule.id] = rule  # a replaced rule keeps its place in the list
    rules = tuple(rule for rule in by_id.values() if rule.enabled)
    for rule in rules:  # compile now, not on the first keystroke
        rule.regex()
    return LanguageRules(rules=rules, problems=tuple(problems))
