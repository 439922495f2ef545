"""The prompt deck of the open review, and the context cards for the latest note."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.clock import Clock, system_clock
from models import meetings, prompt_log
from models.catalog import Catalog, Template
from models.prompts import Card, PromptBank, PromptDeck, cards_for, deck_prompts
from models.store import Library


class PromptDeckController(QObject):
    """Keeps one :class:`PromptDeck` per phase of the open review and records what is done with it.

    Each action commits one row to the running meeting's prompt log (starting a
    meeting if none runs) before the deck moves; reopening the review replays
    that log, so the deck is where the facilitator left it.

    Signals:
        deck_changed(str): the phase id whose deck is now shown or has moved.
        cards_changed(object): the context cards (``list[Card]``) for the latest note.
    """

    deck_changed = Signal(str)
    cards_changed = Signal(object)

    def __init__(self, library: Library, catalog: Catalog, bank: PromptBank, clock: Clock = system_clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._catalog = catalog
        self._bank = bank
        self._clock = clock
        self._decks: dict[str, PromptDeck] = {}
        self._cards: list[Card] = []
        self.review_id: int | None = None
        self.template: Template | None = None
        self.phase_id: str | None = None

    @property
    def bank(self) -> PromptBank:
        return self._bank

    def open(self, review_id: int, template_id: str) -> None:
        """Show the review's decks as its running meeting left them, at the meeting's phase."""
        template = self._catalog.template_or_default(template_id)
        with self._library.begin() as session:
            meeting = meetings.live_meeting(session, review_id, now=self._clock())
            log = prompt_log.list_prompt_log(session, meeting.id) if meeting is not None else ()
            phase_id = meeting.current_phase if meeting is not None else None
        self.review_id = review_id
        self.template = template
        self._decks = {
            phase.id: PromptDeck.replay(deck_prompts(phase.prompts, self._bank, phase.id),
                                        ((e.prompt, e.status) for e in log if e.phase == phase.id))
            for phase in template.phases
        }
        if phase_id is None or phase_id not in self._decks:
            phase_id = template.phases[0].id
        self.phase_id = phase_id
        self._cards = []
        self.deck_changed.emit(phase_id)
        self.cards_changed.emit([])

    def close(self) -> None:
        self.review_id = None
        self.template = None
        self.phase_id = None
        self._decks = {}
        self._cards = []

    def set_phase(self, phase_id: str) -> None:
        """Show ``phase_id``'s deck (connect to ``MeetingController.phase_changed``)."""
        if phase_id not in self._decks or phase_id == self.phase_id:
            return
        self.phase_id = phase_id
        self.deck_changed.emit(phase_id)

    # reading
    def prompts(self) -> tuple[str, ...]:
        deck = self._deck()
        return deck.prompts if deck is not None else ()

    def current_prompt(self) -> str | None:
        deck = self._deck()
        return deck.current() if deck is not None else None

    def upcoming_prompt(self) -> str | None:
        """The prompt after the current one."""
        deck = self._deck()
        return deck.next() if deck is not None else None

    def pinned(self) -> str | None:
        deck = self._deck()
        return deck.pinned if deck is not None else None

    def progress(self) -> tuple[int, int]:
        """(asked, total) for the current phase."""
        deck = self._deck()
        return (deck.asked_count(), len(deck.prompts)) if deck is not None else (0, 0)

    def cards(self) -> list[Card]:
        return list(self._cards)

    # acting
    def ask(self) -> str | None:
        """Mark the current prompt as asked; returns it (``None``: nothing left to ask)."""
        deck = self._deck()
        prompt = deck.current() if deck is not None else None
        if prompt is None:
            return None
        self._record(prompt, "asked")
        return prompt

    def skip(self) -> str | None:
        """Move the current prompt to the end of the queue; returns it."""
        deck = self._deck()
        prompt = deck.current() if deck is not None else None
        if prompt is None:
            return None
        self._record(prompt, "skipped")
        return prompt

    def pin(self, prompt: str | None) -> None:
        """Pin ``prompt`` above the deck (replacing any pinned one); ``None`` unpins."""
        deck = self._deck()
        if deck is None:
            return
        if prompt is None:
            if deck.pinned is not None:
                self._record(deck.pinned, "unpinned")
        elif prompt in deck.prompts and prompt != deck.pinned:
            self._record(prompt, "pinned")

    def show_cards_for_note(self, kind: str, text: str) -> None:
        """Show the context cards that fit a note just captured."""
        self._cards = cards_for(self._bank, kind, text)
        self.cards_changed.emit(list(self._cards))

    # private
    def _deck(self) -> PromptDeck | None:
        return self._decks.get(self.phase_id) if self.phase_id is not None else None

    def _record(self, prompt: str, status: str) -> None:
        """Commit the action, then move the deck and say so (nothing moves if the commit fails)."""
        deck = self._deck()
        assert self.review_id is not None and self.phase_id is not None and deck is not None
        phase_id = self.phase_id
        with self._library.begin() as session:
            prompt_log.record_prompt(session, self.review_id, phase=phase_id, prompt=prompt, status=status,
                                     now=self._clock())
        deck.apply(prompt, status)
        self.deck_changed.emit(phase_id)
