"""What the note-taker captures: notes, and the learnings and actions drawn from them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Unpack

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from app.changes import ChangeHub, Origin, ReviewChanges
from app.clock import Clock, system_clock
from models import meetings, notes
from models.entities import Note
from models.errors import NotFoundError
from models.notes import DeletedNote
from models.reviews import StaleEditError
from models.snapshot import ActionRow, LearningRow, NoteRow, load_notes, load_outcomes, note_row
from models.store import Library
from models.write_fields import ActionFields, LearningFields, NoteDetails, NoteFields


class CaptureService(QObject):
    """Adds, edits and deletes notes; promotes them; edits learnings and actions.

    Each call commits before it returns, so a note is safe the moment Enter is
    pressed, then announces one :class:`ReviewChanges` on :attr:`changes`
    carrying the note as stored (Enter is one transaction: nobody reads it back).
    """

    def __init__(self, library: Library, clock: Clock = system_clock, parent: QObject | None = None, *,
                 changes: ChangeHub | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._clock = clock
        self.changes = changes if changes is not None else ChangeHub(self)
        #: Ids given to restored items whose own id was taken: (kind, old id) → new id.
        self._moved: dict[tuple[str, int], int] = {}

    def now(self) -> datetime:
        """The time on the service's clock: when a note was said, even if it is stored later."""
        return self._clock()

    def add_note(self, review_id: int, *, phase: str, text: str, kind: str = "observation",
                 **fields: Unpack[NoteDetails]) -> NoteRow:
        """Commit a new note (said now unless ``said_at`` says when); returns it as stored.

        The note belongs to the meeting running now (unless ``meeting_id`` says
        otherwise): a review meeting's notes and a later actions meeting's stay apart.
        """
        now = self._clock()
        fields.setdefault("said_at", now)
        with self._library.begin() as session:
            if "meeting_id" not in fields:
                fields["meeting_id"] = self._running_meeting(session, review_id, now)
            row = note_row(notes.add_note(session, review_id, phase=phase, text=text, kind=kind, **fields))
        # A learning or an action is one too (models.notes.OUTCOME_KINDS).
        self.changes.announce(ReviewChanges(review_id, notes=(row,), outcomes=kind in notes.OUTCOME_KINDS))
        return row

    def notes(self, review_id: int) -> tuple[NoteRow, ...]:
        """All notes of the review, oldest first (cheaper than reloading the whole review)."""
        with self._library.begin() as session:
            return load_notes(session, review_id)

    def outcomes(self, review_id: int) -> tuple[tuple[LearningRow, ...], tuple[ActionRow, ...]]:
        """The review's learnings and actions."""
        with self._library.begin() as session:
            return load_outcomes(session, review_id)

    def get_note(self, note_id: int) -> NoteRow | None:
        with self._library.begin() as session:
            note = session.get(Note, note_id)
            return note_row(note) if note is not None else None

    def update_note(self, review_id: int, note_id: int, *, expected: Mapping[str, object] | None = None,
                    **fields: Unpack[NoteFields]) -> NoteRow:
        """Change a note in one transaction; ``expected``: the values the editor began from
        (:class:`~models.reviews.StaleEditError` when someone else changed one meanwhile)."""
        try:
            with self._library.begin() as session:
                self._check_owner(session, review_id, note_id)
                row = note_row(notes.update_note(session, note_id, expected=expected, **fields))
        except StaleEditError:
            # Nothing was written: every view shows theirs at once (the editor then chooses).
            self.changes.announce(ReviewChanges(review_id, Origin.ELSEWHERE, all_notes=True, outcomes=True))
            raise
        # A new kind may make or unmake a learning or an action.
        self.changes.announce(ReviewChanges(review_id, notes=(row,), outcomes="kind" in fields))
        return row

    # undo support: deletes that return what they removed, and restores that put it back
    def resolve(self, kind: str, item_id: int) -> int:
        """The id a ``kind`` ("note", "learning", "action") once called ``item_id`` has now."""
        seen = {item_id}
        while (kind, item_id) in self._moved:
            item_id = self._moved[(kind, item_id)]
            if item_id in seen:
                break
            seen.add(item_id)
        return item_id

    def _record_move(self, kind: str, old_id: int, new_id: int) -> None:
        if old_id != new_id:
            self._moved[(kind, old_id)] = new_id

    def remove_note(self, review_id: int, note_id: int) -> DeletedNote:
        """Delete a note, returning what :meth:`restore_note` needs to bring it back."""
        with self._library.begin() as session:
            self._check_owner(session, review_id, note_id)
            deleted = notes.remove_note(session, note_id)
        self.changes.announce(ReviewChanges(review_id, notes_removed=frozenset({note_id}), outcomes=bool(
            deleted.learning_ids or deleted.action_ids or deleted.row.kind in notes.OUTCOME_KINDS)))
        return deleted

    def restore_note(self, deleted: DeletedNote) -> NoteRow:
        """Bring a removed note back (its id when free), re-linking the outcomes drawn from it."""
        with self._library.begin() as session:
            row = note_row(notes.restore_note(session, deleted))
        self._record_move("note", deleted.row.id, row.id)
        self.changes.announce(ReviewChanges(deleted.review_id, notes=(row,), outcomes=bool(
            deleted.learning_ids or deleted.action_ids or row.kind in notes.OUTCOME_KINDS)))
        return row

    def get_learning(self, learning_id: int) -> LearningRow:
        with self._library.begin() as session:
            return notes.get_learning_row(session, learning_id)

    def get_action(self, action_id: int) -> ActionRow:
        with self._library.begin() as session:
            return notes.get_action_row(session, action_id)

    def remove_learning(self, review_id: int, learning_id: int) -> LearningRow:
        """Delete a learning, returning it as it was."""
        with self._library.begin() as session:
            row = notes.get_learning_row(session, learning_id)
            notes.delete_learning(session, learning_id)
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return row

    def restore_learning(self, review_id: int, row: LearningRow) -> int:
        """Bring a removed learning back (its id when free); returns its id."""
        with self._library.begin() as session:
            learning_id = notes.restore_learning(session, review_id, row).id
        self._record_move("learning", row.id, learning_id)
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return learning_id

    def remove_action(self, review_id: int, action_id: int) -> ActionRow:
        """Delete an action, returning it as it was."""
        with self._library.begin() as session:
            row = notes.get_action_row(session, action_id)
            notes.delete_action(session, action_id)
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return row

    def restore_action(self, review_id: int, row: ActionRow) -> int:
        """Bring a removed action back (its id when free); returns its id."""
        with self._library.begin() as session:
            action_id = notes.restore_action(session, review_id, row).id
        self._record_move("action", row.id, action_id)
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return action_id

    def promote_to_learning(self, review_id: int, note_id: int, *, category: str = "technical") -> int:
        with self._library.begin() as session:
            learning_id = notes.promote_to_learning(session, note_id, category=category).id
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return learning_id

    def promote_to_action(self, review_id: int, note_id: int) -> int:
        with self._library.begin() as session:
            action_id = notes.promote_to_action(session, note_id).id
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return action_id

    def add_learning(self, review_id: int, *, text: str, category: str = "technical") -> int:
        with self._library.begin() as session:
            learning_id = notes.add_learning(session, review_id, text=text, category=category).id
        self.changes.announce(ReviewChanges(review_id, outcomes=True))
        return learning_id

    def update_learning(self, review_id: int, learning_id: int, *,
                        expected: Mapping[str, object] | None = None,
                        **fields: Unpack[LearningFields]) -> None:
        """Change a learning; ``expected`` as for :meth:`update_note`."""
        try:
            with self._library.begin() as session:
                notes.update_learning(session, learning_id, expected=expected, **fields)
        except StaleEditError:
            self.changes.announce(ReviewChanges(review_id, Origin.ELSEWHERE, outcomes=True))
            raise
        self.changes.announce(ReviewChanges(review_id, outcomes=True))

    def update_action(self, review_id: int, action_id: int, *, expected: Mapping[str, object] | None = None,
                      **fields: Unpack[ActionFields]) -> None:
        """Change an action; ``expected`` as for :meth:`update_note`."""
        try:
            with self._library.begin() as session:
                notes.update_action(session, action_id, expected=expected, **fields)
        except StaleEditError:
            self.changes.announce(ReviewChanges(review_id, Origin.ELSEWHERE, outcomes=True))
            raise
        self.changes.announce(ReviewChanges(review_id, outcomes=True))

    @staticmethod
    def _running_meeting(session: Session, review_id: int, now: datetime) -> int | None:
        """The meeting running now (one prepared counts: its room is being gathered); None if none is.

        A meeting gone quiet for hours is not running, but is not ended here either:
        adding a note writes the note only.
        """
        meeting = meetings.current_meeting(session, review_id)
        if meeting is None or meetings.is_stale(meeting, now=now):
            return None
        return meeting.id

    @staticmethod
    def _check_owner(session: Session, review_id: int, note_id: int) -> None:
        note = session.get(Note, note_id)
        if note is None or note.review_id != review_id:
            raise NotFoundError("note", note_id)
