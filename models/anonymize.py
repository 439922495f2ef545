"""Roles instead of names: a review as it can be shared without saying who was who.

Each participant is shown by their first role ("Incident commander"),
numbered by participant order when several share it ("Responder 2"), or as
"Participant 3" when they have no role. :func:`anonymize` puts these labels
in place of every participant name: the participants themselves, the people on
timeline events, note authors, action owners, and any participant's full
name written as a whole word in free text (case-insensitive). A first name
or nickname on its own is not recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from models.snapshot import NoteRow, ParticipantRow, ReviewDoc
from models.vocabulary import label

NO_ROLE = "Participant"


def role_labels(participants: Sequence[ParticipantRow]) -> dict[int, str]:
    """Participant id → role label, numbered within a role (by participant order) when it is shared."""
    primary = {p.id: label(p.roles[0]) if p.roles else NO_ROLE for p in participants}
    counts: dict[str, int] = {}
    for text in primary.values():
        counts[text] = counts.get(text, 0) + 1
    seen: dict[str, int] = {}
    labels: dict[int, str] = {}
    for p in participants:
        text = primary[p.id]
        seen[text] = seen.get(text, 0) + 1
        labels[p.id] = f"{text} {seen[text]}" if counts[text] > 1 or text == NO_ROLE else text
    return labels


def display_name(participant: ParticipantRow, participants: Sequence[ParticipantRow] = ()) -> str:
    """The role label of ``participant``, numbered among ``participants`` (the review's, in order)."""
    everyone = participants if any(p.id == participant.id for p in participants) else (participant,)
    return role_labels(everyone)[participant.id]


class Anonymizer:
    """Replaces the names of a review's participants with their role labels."""

    def __init__(self, participants: Sequence[ParticipantRow]) -> None:
        labels = role_labels(participants)
        self._by_name = {p.name.strip().casefold(): labels[p.id] for p in participants if p.name.strip()}
        self.labels = labels
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
                                    re.IGNORECASE) if names else None)

    def name(self, name: str | None) -> str | None:
        """The role label for a participant's name; other names (or None) unchanged."""
        if name is None:
            return None
        return self._by_name.get(name.strip().casefold(), name)

    def text(self, text: str) -> str:
        """``text`` with every participant's full name, as a whole word, replaced by their label."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(lambda m: self._by_name[m.group(0).casefold()], text)

    def names(self, names: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.name(n) or n for n in names)


def anonymize(doc: ReviewDoc) -> ReviewDoc:
    """``doc`` with role labels in place of participant names, everywhere (see the module doc)."""
    anon = Anonymizer(doc.participants)
    text = anon.text
    return replace(
        doc,
        title=text(doc.title),
        summary=text(doc.summary),
        impact=text(doc.impact),
        services=tuple(text(s) for s in doc.services),
        tags=tuple(text(t) for t in doc.tags),
        participants=tuple(replace(p, name=anon.labels[p.id], brought_in=text(p.brought_in))
                           for p in doc.participants),
        events=tuple(e._replace(text=text(e.text), source=text(e.source),
                                participants=anon.names(e.participants)) for e in doc.events),
        notes=tuple(replace(n, text=text(n.text), author=anon.name(n.author)) for n in doc.notes),
        learnings=tuple(replace(x, text=text(x.text)) for x in doc.learnings),
        actions=tuple(replace(a, title=text(a.title), description=text(a.description),
                              owner=text(anon.name(a.owner) or "")) for a in doc.actions),
        meetings=tuple(replace(m, pulse_unclear=text(m.pulse_unclear)) for m in doc.meetings),
    )


@lru_cache(maxsize=8)
def _anonymizer(participants: tuple[ParticipantRow, ...]) -> Anonymizer:
    return Anonymizer(participants)


def room_speaker(note: NoteRow, doc: ReviewDoc, show_roles: bool) -> str | None:
    """How the room view names a note's speaker: their name, or their role label when ``show_roles``."""
    if not show_roles or note.author is None:
        return note.author
    return _anonymizer(doc.participants).name(note.author)


def room_text(text: str, doc: ReviewDoc, show_roles: bool) -> str:
    """A note's or event's text for the room view: participant names replaced when ``show_roles``."""
    return _anonymizer(doc.participants).text(text) if show_roles else text
