"""What a commit changed, said once: the typed change set every write emits.

Each service write commits, then emits one :class:`ReviewChanges` on the
shared :class:`ChangeHub`. It lists what changed as facts (the review's
fields, its participants, who is in the room), as rows (events and notes
as stored, and the ids of those removed) and as wholesale flags (the timeline
or the notes must be read again, the learnings and actions changed). The
library watch emits the same change sets for commits by other programs, with
``origin`` :data:`Origin.ELSEWHERE`.

Views never subscribe to the services: the open review's owner
(:class:`app.open_review.OpenReview`) applies a change set to its snapshot,
reading only what the set does not carry, and passes it on; the library page
listens for ``library``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from models.snapshot import EventRow, NoteRow


class Origin(StrEnum):
    """Who wrote what a change set describes."""

    #: This program: a view's command, an undo, an import of this window.
    HERE = "here"
    #: Another program on the same library: the command line, a second window, a colleague.
    ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class ReviewChanges:
    """One commit's changes to one review (``review_id``) or to the list of reviews only (None)."""

    review_id: int | None
    origin: Origin = Origin.HERE
    #: The list of reviews changed: one added or removed, or a listed field (title, severity, …).
    library: bool = False
    #: The review's own fields (title, summary, times, impact, zone, …).
    facts: bool = False
    participants: bool = False
    #: Who is ticked "in the room" of the running meeting.
    attendance: bool = False
    #: Events added or changed, as stored.
    events: tuple[EventRow, ...] = ()
    events_removed: frozenset[int] = field(default_factory=frozenset)
    #: The timeline changed wholesale (an import, a change from elsewhere): read it again.
    timeline: bool = False
    #: Notes added or changed, as stored.
    notes: tuple[NoteRow, ...] = ()
    notes_removed: frozenset[int] = field(default_factory=frozenset)
    #: The notes changed wholesale (a participant removed, a change from elsewhere): read them again.
    all_notes: bool = False
    #: The learnings or the actions changed.
    outcomes: bool = False
    #: The review itself is gone.
    deleted: bool = False
    #: Set by the owner only: another review (or none) is now open; everything is new.
    opened: bool = False

    @classmethod
    def everything(cls, review_id: int | None, origin: Origin = Origin.HERE) -> ReviewChanges:
        """Anything may have changed (what a change from elsewhere says before it is read)."""
        return cls(review_id, origin, library=True, facts=True, participants=True, attendance=True,
                   timeline=True, all_notes=True, outcomes=True)

    def touches_events(self) -> bool:
        return self.timeline or bool(self.events) or bool(self.events_removed)

    def touches_notes(self) -> bool:
        return self.all_notes or bool(self.notes) or bool(self.notes_removed)

    def is_empty(self) -> bool:
        return self == ReviewChanges(self.review_id, self.origin)


class ChangeHub(QObject):
    """Where every commit's change set is announced, on the UI thread.

    Signals:
        changed(ReviewChanges): emitted after the commit it describes.
    """

    changed = Signal(object)

    def announce(self, changes: ReviewChanges) -> None:
        if not changes.is_empty():
            self.changed.emit(changes)
