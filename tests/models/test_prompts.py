"""The prompt bank, user additions, context cards and the deck's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.catalog import load_catalog
from models.prompts import (
    Card,
    PromptBank,
    PromptDeck,
    builtin_prompt_bank,
    cards_for,
    deck_prompts,
    load_prompt_bank,
)
from models.vocabulary import NOTE_KINDS
from tests.models.hostile_documents import HOSTILE_FILES

DESIGN_PHASES = ["level-setting", "timeline", "went-well", "surprises", "learnings", "actions", "wrap-up"]
BLAME = re.compile(r"\b(why did|why didn't|should have|human error|faults?|blam\w*|careless|failed to)\b",
                   re.IGNORECASE)

#: A note of each context card's type, said in the words people use (the note's kind is neutral).
CUE_EXAMPLES = {
    "observation": "I noticed the error graph had a step in it",
    "decision": "We decided to roll back",
    "knew": "I knew the cache was cold",
    "help": "I asked for help in #sre",
    "normal": "Latency looked normal",
    "surprise": "The failover was unexpected",
}


def _all_questions(bank: PromptBank) -> list[str]:
    return [p for prompts in bank.phases.values() for p in prompts] + [
        q for card in bank.cards for q in card.questions]


def _write_user_file(config: Path, text: str) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# the shipped bank

def test_shipped_bank_has_at_least_eight_prompts_for_every_design_phase() -> None:
    """Every phase of the design has a deck worth drawing from."""
    bank = builtin_prompt_bank()
    for phase_id in DESIGN_PHASES:
        assert len(bank.prompts_for(phase_id)) >= 8, phase_id


def test_shipped_prompts_and_card_questions_use_no_blame_language() -> None:
    """No shipped question talks of fault or hindsight."""
    offending = [q for q in _all_questions(builtin_prompt_bank()) if BLAME.search(q)]
    assert offending == []


def test_no_shipped_question_asks_why() -> None:
    """Questions ask how it made sense, never 'why'."""
    assert [q for q in _all_questions(builtin_prompt_bank()) if re.search(r"\bwhy\b", q, re.I)] == []


def test_shipped_cards_cover_the_note_types_of_the_issue() -> None:
    """Observation, decision, 'I knew', help and normal each have a card of three to five questions."""
    bank = builtin_prompt_bank()
    for card_id in ("observation", "decision", "knew", "help", "normal"):
        card = bank.card(card_id)
        assert card is not None and 3 <= len(card.questions) <= 5, card_id
    assert all(kind in NOTE_KINDS for card in bank.cards for kind in card.kinds)


def test_deck_has_the_template_prompts_first_then_the_bank_without_repeats() -> None:
    """The template's own prompts lead; a bank prompt the template already has is not repeated."""
    phase = load_catalog().templates["standard"].phase("timeline")
    assert phase is not None
    deck = deck_prompts(phase.prompts, builtin_prompt_bank(), "timeline")
    assert deck[: len(phase.prompts)] == phase.prompts
    assert len(deck) == len({p.casefold() for p in deck}) > len(phase.prompts)


# user files

def test_no_user_file_means_the_builtin_bank_and_no_problems(user_dirs: dict[str, Path]) -> None:
    """An empty config folder changes nothing."""
    assert load_prompt_bank(user_dirs["config"]) == (builtin_prompt_bank(), ())


def test_user_prompts_are_added_after_the_builtin_ones(user_dirs: dict[str, Path]) -> None:
    """A user's prompt joins the end of its phase's list; the built-ins stay."""
    _write_user_file(user_dirs["config"], "phases:\n  timeline:\n    - What did the pager say?\n")
    bank, problems = load_prompt_bank(user_dirs["config"])
    builtin = builtin_prompt_bank().prompts_for("timeline")
    assert problems == ()
    assert bank.prompts_for("timeline") == (*builtin, "What did the pager say?")


def test_user_prompts_may_start_a_phase_of_their_own(user_dirs: dict[str, Path]) -> None:
    """Prompts for a custom template's phase id are kept."""
    _write_user_file(user_dirs["config"], "phases:\n  customer-call:\n    - Who spoke to the customer?\n")
    bank, _ = load_prompt_bank(user_dirs["config"])
    assert bank.prompts_for("customer-call") == ("Who spoke to the customer?",)


def test_a_user_prompt_that_repeats_a_builtin_is_not_added_twice(user_dirs: dict[str, Path]) -> None:
    """Case and spacing do not make a new question."""
    _write_user_file(user_dirs["config"], "phases:\n  timeline:\n    - what looked  WEIRD at this point?\n")
    bank, _ = load_prompt_bank(user_dirs["config"])
    assert bank.prompts_for("timeline") == builtin_prompt_bank().prompts_for("timeline")


def test_a_user_card_with_a_new_id_is_added(user_dirs: dict[str, Path]) -> None:
    """A new card joins the built-in ones."""
    _write_user_file(user_dirs["config"], "cards:\n  - id: workaround\n    title: A workaround\n"
                                          "    cues: [workaround]\n"
                                          "    questions:\n      - Who else uses it?\n")
    bank, _ = load_prompt_bank(user_dirs["config"])
    assert bank.cards[-1] == Card("workaround", "A workaround", (), ("workaround",), ("Who else uses it?",))
    assert len(bank.cards) == len(builtin_prompt_bank().cards) + 1


def test_a_user_card_with_a_builtin_id_replaces_it(user_dirs: dict[str, Path]) -> None:
    """Same id, the user's card, in the built-in card's place."""
    _write_user_file(user_dirs["config"], "cards:\n  - id: normal\n    title: Normal, here\n"
                                          "    cues: [baseline]\n    questions:\n      - Which baseline?\n")
    bank, _ = load_prompt_bank(user_dirs["config"])
    ids = [c.id for c in bank.cards]
    assert ids == [c.id for c in builtin_prompt_bank().cards]
    assert bank.cards[ids.index("normal")].questions == ("Which baseline?",)


def test_a_broken_user_file_is_reported_with_path_and_line_and_skipped(user_dirs: dict[str, Path]) -> None:
    """Invalid YAML: the built-in bank is used and the problem names the file and line."""
    path = _write_user_file(user_dirs["config"], "phases:\n  timeline:\n    - Fine\n  - broken: [\n")
    bank, problems = load_prompt_bank(user_dirs["config"])
    assert bank == builtin_prompt_bank()
    assert len(problems) == 1 and problems[0].startswith(f"{path}, line 4: ")


def test_an_invalid_user_card_is_reported_with_line_and_field(user_dirs: dict[str, Path]) -> None:
    """A card with a kind that is not a note kind names field and line; nothing of the file is used."""
    path = _write_user_file(user_dirs["config"], "phases:\n  timeline: [Added]\n"
                                                 "cards:\n  - id: odd\n    title: Odd\n"
                                                 "    kinds:\n      - decision\n    questions: [Q]\n")
    bank, problems = load_prompt_bank(user_dirs["config"])
    assert bank == builtin_prompt_bank()
    assert problems == (f"{path}, line 7: cards[0].kinds[0]: unknown note kind 'decision' "
                        f"(expected one of: {', '.join(NOTE_KINDS)})",)


def test_an_unknown_top_level_key_is_reported(user_dirs: dict[str, Path]) -> None:
    """A typo in a key is named rather than silently ignored."""
    path = _write_user_file(user_dirs["config"], "phases: {}\nprompt:\n  timeline: [x]\n")
    _, problems = load_prompt_bank(user_dirs["config"])
    assert problems[0].startswith(f"{path}, line 2: prompt: unknown key")


# context cards

@pytest.mark.parametrize("card_id", [c.id for c in builtin_prompt_bank().cards if c.kinds])
def test_a_note_of_a_cards_kind_shows_that_card(card_id: str) -> None:
    """The note's kind alone brings up the card and its questions."""
    bank = builtin_prompt_bank()
    card = bank.card(card_id)
    assert card is not None
    shown = cards_for(bank, card.kinds[0], "The queue drained at 09:40")
    assert [c.id for c in shown] == [card_id]
    assert shown[0].questions == card.questions


@pytest.mark.parametrize(("card_id", "text"), CUE_EXAMPLES.items())
def test_cue_words_in_free_text_show_the_card(card_id: str, text: str) -> None:
    """A note of a kind without a card still gets the card its words call for."""
    bank = builtin_prompt_bank()
    shown = cards_for(bank, "question", text)
    assert [c.id for c in shown] == [card_id]
    assert shown[0].questions == bank.card(card_id).questions  # type: ignore[union-attr]


def test_the_decision_card_asks_what_led_to_it() -> None:
    """The issue's decision questions are there, in its words."""
    card = cards_for(builtin_prompt_bank(), "observation", "we decided to roll back")[-1]
    assert card.id == "decision"
    assert card.questions[:2] == ("What led you to this decision?",
                                  "Have you done this before? How did it go then?")


def test_no_card_for_a_note_without_cues_of_a_kind_without_a_card() -> None:
    """A learning in neutral words gets no follow-up card."""
    assert cards_for(builtin_prompt_bank(), "learning", "Sampling hides partial outages") == []


def test_cues_match_whole_words_only() -> None:
    """'abnormal' is not 'normal', 'unusually' is not 'usually'."""
    assert cards_for(builtin_prompt_bank(), "question", "Abnormal load, unusually high") == []


def test_cues_ignore_case_spacing_and_curly_apostrophes() -> None:
    """'I’d  SEEN' matches the cue "i'd seen"."""
    assert [c.id for c in cards_for(builtin_prompt_bank(), "question", "I’d  SEEN this before")] == ["knew"]


def test_kind_cards_come_first_then_cue_cards_each_once() -> None:
    """An observation that mentions a decision and 'noticed' shows observation, then decision."""
    shown = cards_for(builtin_prompt_bank(), "observation", "I noticed it and we decided to wait, as usual")
    assert [c.id for c in shown] == ["observation", "decision", "normal"]


# the deck

PROMPTS = ("A?", "B?", "C?", "D?")


def test_a_fresh_deck_shows_the_first_prompt_and_previews_the_second() -> None:
    """current() is the first prompt, next() the one after it."""
    deck = PromptDeck(PROMPTS)
    assert (deck.current(), deck.next(), deck.asked_count()) == ("A?", "B?", 0)


def test_marking_asked_moves_on_and_counts() -> None:
    """An asked prompt is not shown again."""
    deck = PromptDeck(PROMPTS)
    assert deck.mark_asked() == "A?"
    assert (deck.current(), deck.asked_count()) == ("B?", 1)


def test_a_skipped_prompt_comes_round_again_after_all_others() -> None:
    """Skip moves the prompt to the end of the queue."""
    deck = PromptDeck(PROMPTS)
    deck.skip()
    assert deck.queue() == ("B?", "C?", "D?", "A?")


def test_skipped_prompts_come_round_in_the_order_they_were_skipped() -> None:
    """Skipping again sends a prompt behind the other skipped ones."""
    deck = PromptDeck(PROMPTS[:3])
    deck.skip()
    deck.skip()
    deck.mark_asked()
    assert deck.queue() == ("A?", "B?")
    deck.skip()
    assert deck.queue() == ("B?", "A?")


def test_when_every_prompt_is_asked_there_is_no_current_prompt() -> None:
    """The deck runs out."""
    deck = PromptDeck(PROMPTS[:2])
    deck.mark_asked()
    deck.mark_asked()
    assert (deck.current(), deck.mark_asked(), deck.skip(), deck.asked_count()) == (None, None, None, 2)


def test_a_pinned_prompt_leaves_the_queue_until_unpinned() -> None:
    """Pinning the current prompt shows the next one below it; unpinning puts it back in its place."""
    deck = PromptDeck(PROMPTS)
    assert deck.pin() == "A?"
    assert (deck.pinned, deck.current()) == ("A?", "B?")
    assert deck.unpin() == "A?"
    assert (deck.pinned, deck.current()) == (None, "A?")


def test_pinning_another_prompt_replaces_the_pinned_one() -> None:
    """Only one prompt is pinned at a time."""
    deck = PromptDeck(PROMPTS)
    deck.pin("C?")
    deck.pin("B?")
    assert deck.pinned == "B?" and deck.queue() == ("A?", "C?", "D?")


def test_replaying_the_log_rebuilds_the_deck() -> None:
    """The recorded actions, applied in order, give the same state back."""
    deck = PromptDeck(PROMPTS)
    deck.mark_asked()
    deck.skip()
    deck.pin()
    log = [("A?", "asked"), ("B?", "skipped"), ("C?", "pinned"), ("Gone?", "asked")]
    assert PromptDeck.replay(PROMPTS, log) == deck


# ---------------------------------------------------------------- any problem: reported and skipped


@pytest.mark.parametrize(("name", "content", "line", "says"), HOSTILE_FILES,
                         ids=[h[0] for h in HOSTILE_FILES])
def test_a_hostile_user_prompts_file_is_one_problem(user_dirs: dict[str, Path], name: str,
                                                    content: str | bytes | None, line: int | None,
                                                    says: str) -> None:
    """A bad tag, deep nesting, a huge number, other bytes, a folder: the built-in bank and one problem."""
    path = user_dirs["config"] / "prompts.yaml"
    user_dirs["config"].mkdir(parents=True)
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    bank, problems = load_prompt_bank(user_dirs["config"])
    assert bank == builtin_prompt_bank()
    [problem] = problems
    assert problem.startswith(f"{path}, line {line}: " if line else f"{path}: ")
    assert says in problem and "\n" not in problem


@pytest.mark.parametrize(("text", "line", "field", "says"), [
    ('phases:\n  "timeline\\x01": [Q]\n', 2, "phases.'timeline\\x01'", "phase ids"),
    ("phases:\n  timeline: [ok, 0x" + "f" * 5000 + "]\n", 2, "phases.timeline[1]", "non-empty text"),
    ('phases:\n  timeline: ["a\\0b"]\n', 2, "phases.timeline[0]", "contains a NUL character"),
    ("cards:\n  - {id: odd, title: Odd, kinds: [question], questions: [{a: b}]}\n", 2,
     "cards[0].questions[0]", "non-empty text"),
    ('cards:\n  - {id: "odd\\x01", title: Odd, kinds: [question], questions: [Q]}\n', 2, "cards[0].id",
     "lower-case"),
    ("cards:\n  - {id: odd, title: [x], kinds: [question], questions: [Q]}\n", 2, "cards[0].title", "text"),
    ("cards: {odd: x}\n", 1, "cards", "must be a list"),
])
def test_wrong_types_anywhere_in_user_prompts(user_dirs: dict[str, Path], text: str, line: int, field: str,
                                              says: str) -> None:
    """Every value is checked for its type; an id with a control character is refused, named."""
    path = _write_user_file(user_dirs["config"], text)
    bank, problems = load_prompt_bank(user_dirs["config"])
    assert bank == builtin_prompt_bank()
    [problem] = problems
    assert problem.startswith(f"{path}, line {line}: {field}: ") and says in problem
