"""Roles instead of names: a review as it can be shared without saying who was who.

Each participant is shown by their first role ("Incident commander"),
numbered by participant order when several share it ("Responder 2"), or as
"Participant 3" when they have no role. :func:`anonymize` puts these labels
in place of every participant name: the participants themselves, the people on
timeline events, note authors, action owners, and names written in any text of
the review (title, summary, impact, services, tags, event text and source,
notes, learnings, actions with their links, the meeting pulse, how people were
brought in). The room view and the export preview use the same
:class:`Anonymizer`, so what the projector shows and what a file holds agree.

What free text loses, as whole words in any letter case:

* each participant's full name (its words may be spaced differently), and
  each of their aliases (chat handle, display name): their role label;
* each part of a name of two letters or more ("Ravi", "Kumar" of "Ravi
  Kumar"; "Jean-Luc" and "Luc" of "Jean-Luc Picard"): the label of the one
  participant it belongs to, or "[name]" when several share it;
* an ``@mention`` of anyone else (with up to two capitalised words after it:
  "@Zoe Smith"): "[name]"; ``@here``, ``@channel`` and ``@everyone`` stay;
* any e-mail address, with or without ``mailto:``: "[email]";
* any web link that holds a name, an alias, a name part or an ``@``
  (``https://files.slack.com/files-pri/T1-F1/ravi.k/log.txt``): "[link]".

The trade-off is deliberate: over-redaction rather than leaks. A name part is
also an ordinary word at times ("Will", "Rose", "Sam Facilitator" makes every
"facilitator" a label), and a word glued to a letter is left alone ("Bob" for
participant "Bo"), but one glued to digits or underscores is not ("ravi_2").
A one-letter part ("A" of "Responder A") is never matched on its own. Names
nobody recorded (someone only mentioned by first name, never as a
participant, alias or ``@mention``) cannot be recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TypeAlias

from models.snapshot import NoteRow, ParticipantRow, ReviewDoc
from models.vocabulary import label

NO_ROLE = "Participant"
#: What stands in for a name that belongs to nobody in particular (shared part, unknown @mention).
SOMEONE = "[name]"
EMAIL = "[email]"
LINK = "[link]"
#: Mentions that address everyone in a chat channel, not a person.
GROUP_MENTIONS = frozenset({"here", "channel", "everyone"})
#: A name part needs this many letters to be matched on its own ("Ed" yes, the "A" of "Responder A" no).
MIN_PART_LETTERS = 2
#: Longer names and aliases are matched by their parts (a deeper pattern would not compile).
MAX_WHOLE = 200

# Word edges are letters: "Bo" is not in "Bob", but is in "bo_2" and "@bo".
_NOT_AFTER_LETTER = r"(?<![^\W\d_])"
_NOT_BEFORE_LETTER = r"(?![^\W\d_])"
_URL = r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*[^\s<>\"'.,;:!?()\[\]{}]"
# The local part starts where a run of its characters starts: tried from inside a long run
# (a pasted token) it would scan the rest of the run again at every character.
_EMAIL = r"(?:mailto:)?(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[^\W_][\w-]*(?:\.[\w-]+)+"
_MENTION = r"(?<![\w@.])@(?P<handle>[^\W\d_](?:[\w.'’-]*[^\W_])?)(?P<more>(?:[ \t]+[^\W\d_][\w'’-]*){0,2})"
# Parts of a name: words, hyphenated or with an apostrophe kept together ("Jean-Luc", "O'Brien").
_COMPOUND = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_PIECE = re.compile(r"[^\W_]+")
_TOKEN_EDGE = r"(?<![^\W_]){}(?![^\W_])"


def role_labels(participants: Sequence[ParticipantRow]) -> dict[int, str]:
    """Participant id → role label, numbered within a role (by participant order) when it is shared.

    The label is the first role that has something to read: a blank role (or one
    of control characters) would leave the person with no label at all.
    """
    primary = {p.id: next((label(r) for r in p.roles if _readable(label(r))), NO_ROLE) for p in participants}
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


def _readable(text: str) -> bool:
    return any(c.isprintable() and not c.isspace() for c in text)


def display_name(participant: ParticipantRow, participants: Sequence[ParticipantRow] = ()) -> str:
    """The role label of ``participant``, numbered among ``participants`` (the review's, in order)."""
    everyone = participants if any(p.id == participant.id for p in participants) else (participant,)
    return role_labels(everyone)[participant.id]


def _key(text: str) -> str:
    """How a name is looked up: lower case, inner blanks as one space, no outer blanks.

    A letter whose lower case is longer ("İ" → "i̇") stays as written: the
    pattern built from the key must still match the name as typed.
    """
    return " ".join("".join(c if len(c.lower()) > 1 else c.lower() for c in text).split())


def name_parts(name: str) -> list[str]:
    """The parts of ``name`` matched on their own: its words of two letters or more, compounds and pieces."""
    parts: list[str] = []
    for compound in _COMPOUND.findall(name):
        parts.append(compound)
        pieces = _PIECE.findall(compound)
        if len(pieces) > 1:
            parts.extend(pieces)
    return [p for p in parts if sum(c.isalpha() for c in p) >= MIN_PART_LETTERS]


def _claim(table: dict[str, str], key: str, text: str) -> None:
    """``table[key] = text``, or "[name]" when another participant claimed ``key`` with another label."""
    if key:
        table[key] = text if table.get(key, text) == text else SOMEONE


_Trie: TypeAlias = dict[str, "_Trie"]


def _trie_pattern(keys: Iterable[str]) -> str:
    """One regular expression for all ``keys`` (lower case, single spaces), sharing their prefixes.

    A plain alternation of hundreds of names is tried name by name at every
    position of the text; a trie tries each character once, some ten times
    faster on a chat-sized timeline. Longer keys are tried first, so the
    longest name at a position wins. A space in a key matches any blank run.
    """
    trie: _Trie = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        chain = []
        while len(node) == 1 and "" not in node:
            char, node = next(iter(node.items()))
            chain.append(r"\s+" if char == " " else re.escape(char))
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return "".join(chain)
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = f"(?:{body})?"
        return "".join(chain) + body

    return build(trie)


class Anonymizer:
    """Replaces the names of a review's participants with their role labels (see the module doc)."""

    def __init__(self, participants: Sequence[ParticipantRow]) -> None:
        labels = role_labels(participants)
        self.labels = labels
        whole: dict[str, str] = {}
        parts: dict[str, str] = {}
        for p in participants:
            for index, name in enumerate((p.name, *p.aliases)):
                key = _key(name)
                if len(key) <= MAX_WHOLE:
                    _claim(whole, key, labels[p.id])
                if index == 0 or len(key) > MAX_WHOLE:
                    for part in name_parts(name):
                        _claim(parts, _key(part), labels[p.id])
        self._by_name = whole
        # A whole name wins over a part spelled the same ("Bo" the person over "Bo" of "Bo Li").
        self._lookup = {**parts, **whole}
        trie = _trie_pattern(sorted(self._lookup)) if self._lookup else ""
        names = rf"|(?P<name>{_NOT_AFTER_LETTER}@?(?:{trie}){_NOT_BEFORE_LETTER})" if trie else ""
        self._pattern = re.compile(
            rf"(?P<url>{_URL})|(?P<email>{_EMAIL}){names}|(?P<mention>{_MENTION})", re.IGNORECASE)
        self._in_link = re.compile(_TOKEN_EDGE.format(f"(?:{trie})"), re.IGNORECASE) if trie else None
        # "ravikumar" in a link: names and aliases with their separators taken out.
        self._squashed = {s for s in ("".join(_PIECE.findall(k)) for k in whole) if len(s) >= 4}

    def name(self, name: str | None) -> str | None:
        """:meth:`person` for a name that may be missing (None stays None)."""
        return None if name is None else self.person(name)

    def text(self, text: str) -> str:
        """``text`` with names, e-mail addresses, @mentions and links that name someone replaced."""
        if not text:
            return text
        return self._pattern.sub(self._replace, text)

    def person(self, name: str) -> str:
        """The role label of a participant's name or alias; any other text as :meth:`text` makes it."""
        found = self._by_name.get(_key(name))
        return found if found is not None else self.text(name)

    def names(self, names: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.person(n) for n in names)

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        found = match.group(0)
        if kind == "email":
            return EMAIL
        if kind == "url":
            return LINK if self._names_someone(found) else found
        if kind == "name":
            # "@Ravi" keeps its "@" ("@Responder 1"); an alias may hold the "@" itself.
            known = self._lookup.get(_key(found))
            if known is not None:
                return known
            return "@" + self._lookup.get(_key(found[1:]), SOMEONE) if found.startswith("@") else SOMEONE
        return self._mention(match)

    def _mention(self, match: re.Match[str]) -> str:
        """An @mention of someone who is no participant: "[name]", with the capitalised words after it."""
        handle, more = match.group("handle"), match.group("more")
        if handle.lower() in GROUP_MENTIONS:
            return "@" + handle + self.text(more)
        words = re.split(r"([ \t]+)", more)  # "", " ", "Smith", " ", "said"
        index = 1
        while index + 1 < len(words) and words[index + 1][:1].isupper():
            index += 2
        return SOMEONE + self.text("".join(words[index:]))

    def _names_someone(self, link: str) -> bool:
        if "@" in link or (self._in_link is not None and self._in_link.search(link)):
            return True
        squashed = "".join(_PIECE.findall(link.lower()))
        return any(s in squashed for s in self._squashed)


def anonymize(doc: ReviewDoc) -> ReviewDoc:
    """``doc`` with role labels in place of participant names, in every text (see the module doc)."""
    anon = Anonymizer(doc.participants)
    text = anon.text
    return replace(
        doc,
        # Not the review's identity: importing an anonymized bundle with "update" must never
        # overwrite the review with roles in place of names.
        uid="",
        title=text(doc.title),
        summary=text(doc.summary),
        impact=text(doc.impact),
        services=tuple(text(s) for s in doc.services),
        tags=tuple(text(t) for t in doc.tags),
        participants=tuple(replace(p, name=anon.labels[p.id], brought_in=text(p.brought_in), aliases=())
                           for p in doc.participants),
        events=tuple(e._replace(text=text(e.text), source=text(e.source), detail=text(e.detail),
                                participants=anon.names(e.participants)) for e in doc.events),
        notes=tuple(replace(n, text=text(n.text), author=_author(n, anon)) for n in doc.notes),
        learnings=tuple(replace(x, text=text(x.text)) for x in doc.learnings),
        actions=tuple(replace(a, title=text(a.title), description=text(a.description),
                              owner=anon.person(a.owner), link=text(a.link)) for a in doc.actions),
        meetings=tuple(replace(m, pulse_unclear=text(m.pulse_unclear)) for m in doc.meetings),
    )


def _author(note: NoteRow, anon: Anonymizer) -> str | None:
    """The note's speaker by role: the label of the participant it points at, else by name."""
    if note.author_id is not None and note.author_id in anon.labels:
        return anon.labels[note.author_id]
    return anon.name(note.author)


@lru_cache(maxsize=8)
def _anonymizer(participants: tuple[ParticipantRow, ...]) -> Anonymizer:
    return Anonymizer(participants)


def room_speaker(note: NoteRow, doc: ReviewDoc, show_roles: bool) -> str | None:
    """How the room view names a note's speaker: their name, or their role label when ``show_roles``."""
    if not show_roles or note.author is None:
        return note.author
    return _author(note, _anonymizer(doc.participants))


def room_text(text: str, doc: ReviewDoc, show_roles: bool) -> str:
    """A note's or event's text for the room view: names, addresses and links replaced when ``show_roles``."""
    return _anonymizer(doc.participants).text(text) if show_roles else text
