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

from models.fields import Fields, Reader, show
from models.vocabulary import NOTE_KINDS
from models.yamlsource import load_user_file, load_yaml_text

#: What the facilitator can do with a prompt; each is one row of the prompt log.
PROMPT_STATUSES = ("asked", "skipped", "pinned", "unpinned")

BUILTIN_PATH = "resources/prompts.yaml"
USER_FILE = "prompts.yaml"

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ID_RULE = "lower-case letters, digits and dashes"


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

CARD_KEYS = ("id", "title", "kinds", "cues", "questions")


def _unknown_kind(kind: str) -> str:
    return f"unknown note kind {show(kind)} (expected one of: {', '.join(NOTE_KINDS)})"


def _parse_card(m: Fields) -> Card:
    card_id = m.identifier("id", _ID, noun="a card id", rule=_ID_RULE)
    title = m.text("title", required=True, collapse=True)
    kinds = m.texts("kinds", allowed=NOTE_KINDS, unknown=_unknown_kind, collapse=True)
    cues = tuple(dict.fromkeys(cue.lower() for cue in m.texts("cues", collapse=True)))
    if not kinds and not cues:
        m.fail_here("needs kinds or cues, or it is never shown")
    questions = m.texts("questions", collapse=True)  # an asked prompt is recorded: no NUL a library refuses
    if not questions:
        m.fail("questions", "must list at least one question")
    return Card(id=card_id, title=title, kinds=kinds, cues=cues, questions=questions)


def parse_prompt_bank(data: Any, *, path: str | None = None) -> PromptBank:
    """Validate one prompts document (``phases: {id: [prompt…]}``, ``cards: [card…]``)."""
    if data is None:
        return PromptBank(phases={}, cards=())
    doc = Reader(path).document(data, ("phases", "cards"),
                                shape="must be a mapping with 'phases' and/or 'cards'")
    phases: dict[str, tuple[str, ...]] = {}
    by_phase = doc.mapping("phases", None, shape="must be a mapping of phase ids to lists of prompts")
    for phase_id in by_phase.data:
        if not _ID.fullmatch(phase_id):
            by_phase.fail(phase_id, f"phase ids are {_ID_RULE}")
        phases[phase_id] = merge_prompts(by_phase.texts(phase_id, collapse=True))
    cards: list[Card] = []
    for m in doc.mappings("cards", CARD_KEYS, shape="must be a mapping with id, title and questions"):
        card = _parse_card(m)
        if any(c.id == card.id for c in cards):
            m.fail("id", f"card {show(card.id)} appears twice")
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
