"""The prompt bank, the context cards, and the deck a facilitator works through.

The bank ships as ``resources/prompts.yaml``: questions per phase id and
context cards (follow-up questions for a note of a given kind or with given
cue words). A user adds to it with ``prompts.yaml`` in their config folder:
their prompts are added to a phase's list, a card with a new id is added and
one with a built-in id replaces it. A broken user file is reported with its
path and line and skipped, as :mod:`models.catalog` does for templates.

:class:`PromptDeck` is the pure state of one phase's deck; replaying the
recorded log (:mod:`models.prompt_log`) rebuilds it after the app reopens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.limits import text_problem
from models.vocabulary import NOTE_KINDS
from models.yamlsource import LineDict, LineList, SourceError, load_user_file, load_yaml_text

#: What the facilitator can do with a prompt; each is one row of the prompt log.
PROMPT_STATUSES = ("asked", "skipped", "pinned", "unpinned")

BUILTIN_PATH = "resources/prompts.yaml"
USER_FILE = "prompts.yaml"

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Card:
    """A context card: follow-up questions for a note of one of ``kinds`` or with one of ``cues``."""

    id: str
    title: str
    kinds: tuple[str, ...]
    cues: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class PromptBank:
    """Questions per phase id, and the context cards."""

    phases: dict[str, tuple[str, ...]]
    cards: tuple[Card, ...]

    def prompts_for(self, phase_id: str) -> tuple[str, ...]:
        return self.phases.get(phase_id, ())

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)


# parsing

def _texts(value: Any, owner: LineDict, key: str, path: str | None, where: str, *,
           lower: bool = False) -> tuple[str, ...]:
    """A list of non-empty strings under ``owner[key]`` (missing or null: empty)."""
    if value is None:
        return ()
    if not isinstance(value, LineList):
        raise SourceError("must be a list", path=path, line=owner.line_of(key), field=f"{where}{key}")
    result: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise SourceError("must be non-empty text", path=path, line=value.line_of(index),
                              field=f"{where}{key}[{index}]")
        problem = text_problem(item)  # an asked prompt is recorded: no NUL a library refuses
        if problem is not None:
            raise SourceError(problem, path=path, line=value.line_of(index), field=f"{where}{key}[{index}]")
        text = " ".join(item.split())
        result.append(text.lower() if lower else text)
    return tuple(result)


def _check_keys(mapping: LineDict, allowed: set[str], path: str | None, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise SourceError(f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                              path=path, line=mapping.line_of(key), field=f"{where}{key}")


def _parse_card(item: Any, items: LineList, index: int, path: str | None) -> Card:
    where = f"cards[{index}]."
    if not isinstance(item, LineDict):
        raise SourceError("must be a mapping with id, title and questions", path=path,
                          line=items.line_of(index), field=f"cards[{index}]")
    _check_keys(item, {"id", "title", "kinds", "cues", "questions"}, path, where)
    for key in ("id", "title"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise SourceError("is required (text)", path=path, line=item.line_of(key), field=f"{where}{key}")
    card_id = item["id"].strip()
    if not _ID.fullmatch(card_id):
        raise SourceError("must be lower-case letters, digits and dashes", path=path,
                          line=item.line_of("id"), field=f"{where}id")
    kinds = _texts(item.get("kinds"), item, "kinds", path, where)
    for number, kind in enumerate(kinds):
        if kind not in NOTE_KINDS:
            kinds_list = item["kinds"]
            raise SourceError(f"unknown note kind {kind!r} (expected one of: {', '.join(NOTE_KINDS)})",
                              path=path, line=kinds_list.line_of(number), field=f"{where}kinds[{number}]")
    cues = _texts(item.get("cues"), item, "cues", path, where, lower=True)
    if not kinds and not cues:
        raise SourceError("needs kinds or cues, or it is never shown", path=path, line=item.line,
                          field=f"cards[{index}]")
    questions = _texts(item.get("questions"), item, "questions", path, where)
    if not questions:
        raise SourceError("must list at least one question", path=path, line=item.line_of("questions"),
                          field=f"{where}questions")
    return Card(id=card_id, title=" ".join(item["title"].split()), kinds=kinds, cues=cues,
                questions=questions)


def parse_prompt_bank(data: Any, *, path: str | None = None) -> PromptBank:
    """Validate one prompts document (``phases: {id: [prompt…]}``, ``cards: [card…]``)."""
    if data is None:
        return PromptBank(phases={}, cards=())
    if not isinstance(data, LineDict):
        raise SourceError("must be a mapping with 'phases' and/or 'cards'", path=path, line=1)
    _check_keys(data, {"phases", "cards"}, path, "")
    phases: dict[str, tuple[str, ...]] = {}
    phases_data = data.get("phases")
    if phases_data is not None:
        if not isinstance(phases_data, LineDict):
            raise SourceError("must be a mapping of phase ids to lists of prompts", path=path,
                              line=data.line_of("phases"), field="phases")
        for phase_id, prompts in phases_data.items():
            if not _ID.fullmatch(phase_id):
                shown = phase_id if phase_id.isprintable() and len(phase_id) <= 60 else repr(phase_id[:60])
                raise SourceError("phase ids are lower-case letters, digits and dashes", path=path,
                                  line=phases_data.line_of(phase_id), field=f"phases.{shown}")
            phases[phase_id] = merge_prompts(_texts(prompts, phases_data, phase_id, path, "phases."))
    cards: list[Card] = []
    cards_data = data.get("cards")
    if cards_data is not None:
        if not isinstance(cards_data, LineList):
            raise SourceError("must be a list", path=path, line=data.line_of("cards"), field="cards")
        for index, item in enumerate(cards_data):
            card = _parse_card(item, cards_data, index, path)
            if any(c.id == card.id for c in cards):
                raise SourceError(f"card {card.id!r} appears twice", path=path,
                                  line=item.line_of("id"), field=f"cards[{index}].id")
            cards.append(card)
    return PromptBank(phases=phases, cards=tuple(cards))


# loading

@cache
def builtin_prompt_bank() -> PromptBank:
    """The bank that ships with Debrief (parsed once: it is read-only data)."""
    text = resources.files("resources").joinpath("prompts.yaml").read_text(encoding="utf-8")
    return parse_prompt_bank(load_yaml_text(text, path=BUILTIN_PATH), path=BUILTIN_PATH)


def merge_banks(base: PromptBank, extra: PromptBank) -> PromptBank:
    """``base`` with ``extra``'s prompts added per phase and its cards added or replacing by id."""
    phases = dict(base.phases)
    for phase_id, prompts in extra.phases.items():
        phases[phase_id] = merge_prompts(phases.get(phase_id, ()), prompts)
    cards = list(base.cards)
    for card in extra.cards:
        at = next((i for i, c in enumerate(cards) if c.id == card.id), None)
        if at is None:
            cards.append(card)
        else:
            cards[at] = card
    return PromptBank(phases=phases, cards=tuple(cards))


def load_prompt_bank(config_folder: Path | None = None) -> tuple[PromptBank, tuple[str, ...]]:
    """The built-in bank overlaid with ``<config_folder>/prompts.yaml``, and the problems found in it.

    Never raises for the user's file: a broken one is the problem reported and the built-in bank is used.
    """
    bank = builtin_prompt_bank()
    if config_folder is None:
        return bank, ()
    path = config_folder / USER_FILE
    if not path.exists():
        return bank, ()
    extra = load_user_file(path, lambda data, name: parse_prompt_bank(data, path=name))
    if isinstance(extra, str):
        return bank, (extra,)
    return merge_banks(bank, extra), ()


# prompts and cards

def _same(text: str) -> str:
    """The form two prompts are compared in: case and spacing do not make a new question."""
    return " ".join(text.casefold().split())


def merge_prompts(*groups: Iterable[str]) -> tuple[str, ...]:
    """The prompts of all groups in order, each question once."""
    seen: set[str] = set()
    result: list[str] = []
    for group in groups:
        for prompt in group:
            key = _same(prompt)
            if key and key not in seen:
                seen.add(key)
                result.append(prompt)
    return tuple(result)


def deck_prompts(template_prompts: Iterable[str], bank: PromptBank, phase_id: str) -> tuple[str, ...]:
    """A phase's deck: the template's own prompts first, then the bank's that are not already there."""
    return merge_prompts(template_prompts, bank.prompts_for(phase_id))


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


@cache
def _cue_pattern(cue: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in _normalise(cue).split())
    return re.compile(rf"(?<!\w){words}(?!\w)")


def mentions(text: str, cue: str) -> bool:
    """Whether ``cue`` occurs in ``text`` as whole words, ignoring case (and curly apostrophes)."""
    return _cue_pattern(cue).search(_normalise(text)) is not None


def cards_for(bank: PromptBank, kind: str, text: str) -> list[Card]:
    """The cards for a note: those for its kind first, then those whose cues it mentions; each once."""
    by_kind = [c for c in bank.cards if kind in c.kinds]
    by_cue = [c for c in bank.cards if c not in by_kind and any(mentions(text, cue) for cue in c.cues)]
    return by_kind + by_cue


# the deck

@dataclass
class PromptDeck:
    """One phase's prompts and what the facilitator has done with them.

    * :meth:`current` is the first prompt, in order, that is neither asked nor
      skipped; once only skipped prompts are left, they come round again in the
      order they were skipped. ``None`` when every prompt is asked.
    * :meth:`skip` moves the current prompt to the end of the queue.
    * :meth:`mark_asked` records the current prompt as asked; it is not shown again.
    * :meth:`pin` keeps one prompt on top, out of the queue, until :meth:`unpin`
      puts it back in its place (an asked prompt stays asked).

    ``skipped`` is a list, oldest skip first, because the skip order is the
    order skipped prompts come round again.
    """

    prompts: tuple[str, ...]
    asked: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    pinned: str | None = None

    @classmethod
    def replay(cls, prompts: tuple[str, ...], log: Iterable[tuple[str, str]]) -> PromptDeck:
        """A deck with the ``(prompt, status)`` log applied in order (prompts no longer in it are ignored)."""
        deck = cls(prompts)
        for prompt, status in log:
            deck.apply(prompt, status)
        return deck

    def queue(self) -> tuple[str, ...]:
        """The prompts still to come, in the order the deck shows them."""
        later = set(self.skipped)
        fresh = [p for p in self.prompts if p not in self.asked and p not in later and p != self.pinned]
        again = [p for p in self.skipped if p not in self.asked and p != self.pinned]
        return tuple(fresh + again)

    def current(self) -> str | None:
        queue = self.queue()
        return queue[0] if queue else None

    def next(self) -> str | None:
        """The prompt after the current one (a preview; nothing moves)."""
        queue = self.queue()
        return queue[1] if len(queue) > 1 else None

    def asked_count(self) -> int:
        return sum(1 for p in self.prompts if p in self.asked)

    def mark_asked(self) -> str | None:
        """Record the current prompt as asked; returns it (``None`` when nothing is left)."""
        prompt = self.current()
        if prompt is not None:
            self.apply(prompt, "asked")
        return prompt

    def skip(self) -> str | None:
        """Move the current prompt to the end of the queue; returns it."""
        prompt = self.current()
        if prompt is not None:
            self.apply(prompt, "skipped")
        return prompt

    def pin(self, prompt: str | None = None) -> str | None:
        """Pin ``prompt`` (default: the current one), replacing any pinned one; returns it."""
        prompt = self.current() if prompt is None else prompt
        if prompt is None or prompt not in self.prompts:
            return None
        self.apply(prompt, "pinned")
        return prompt

    def unpin(self) -> str | None:
        """Put the pinned prompt back in its place in the queue; returns it."""
        prompt = self.pinned
        if prompt is not None:
            self.apply(prompt, "unpinned")
        return prompt

    def apply(self, prompt: str, status: str) -> None:
        """Apply one recorded action (what replaying the log does, one row at a time)."""
        if status not in PROMPT_STATUSES:
            raise ValueError(f"unknown prompt status {status!r}")
        if prompt not in self.prompts:
            return
        if status == "asked":
            self.asked.add(prompt)
            if prompt in self.skipped:
                self.skipped.remove(prompt)
        elif status == "skipped":
            if prompt in self.skipped:
                self.skipped.remove(prompt)
            self.skipped.append(prompt)
        elif status == "pinned":
            self.pinned = prompt
        elif self.pinned == prompt:
            self.pinned = None
