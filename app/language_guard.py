"""The blameless language coach guards the room and the report, not only the note being typed.

A note the coach flags ("Bob should have checked…, human error") is held back
from the room view until the facilitator rewords it (an edit that clears the
flags) or confirms it for the room (one key). The export dialog lists the
flagged notes still in the report, so none goes to a manager unread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models.language import Flag, Rule, check
from models.snapshot import NoteRow, ReviewDoc


@dataclass(frozen=True)
class FlaggedNote:
    """A note with what the coach flags in it."""

    note: NoteRow
    flags: tuple[Flag, ...]

    def summary(self) -> str:
        """The flagged phrases and their reframes, one line."""
        return "; ".join(f"“{f.matched_text}”: {f.reframe}" for f in self.flags)


class LanguageGuard:
    """Which notes the coach flags, and which of those the facilitator confirmed for the room.

    Flags are remembered per note text (a note re-worded is checked again), so
    asking about the notes of a phase every second costs no regular expressions.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = rules
        self._checked: dict[tuple[int, str], tuple[Flag, ...]] = {}
        #: Note ids confirmed for the room as they are (this window, this session).
        self.confirmed: set[int] = set()
        self.enabled = True

    def flags(self, note: NoteRow, people: Iterable[str] = ()) -> tuple[Flag, ...]:
        if not self.enabled:
            return ()
        key = (note.id, note.text)
        if key not in self._checked:
            self._checked[key] = tuple(check(note.text, self._rules, people=tuple(people)))
        return self._checked[key]

    def held(self, notes: Iterable[NoteRow], people: Iterable[str] = ()) -> frozenset[int]:
        """The ids of ``notes`` kept from the room: flagged and not confirmed."""
        names = tuple(people)
        return frozenset(n.id for n in notes if n.id not in self.confirmed and self.flags(n, names))

    def confirm(self, note_id: int) -> None:
        """Show this note in the room as it is (the facilitator read it and judged it fair)."""
        self.confirmed.add(note_id)

    def flagged(self, doc: ReviewDoc, *, include_private: bool = False) -> tuple[FlaggedNote, ...]:
        """Every note of ``doc`` the coach flags (what a report would carry), oldest first."""
        people = tuple(p.name for p in doc.participants)
        found = (FlaggedNote(n, self.flags(n, people)) for n in doc.notes if include_private or not n.private)
        return tuple(f for f in found if f.flags)
