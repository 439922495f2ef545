"""What the note-taker captures: notes, and the learnings and actions drawn from them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from app.clock import Clock, system_clock
from models import notes
from models.entities import Note
from models.errors import NotFoundError
from models.snapshot import ActionRow, LearningRow, NoteRow, load_notes, load_outcomes, note_row
from models.store import Library


class CaptureService(QObject):
    """Adds, edits and deletes notes; promotes them; edits learnings and actions.

    Each call commits before it returns, so a note is safe the moment Enter is pressed.

    Signals:
        note_added(int, int): review id, note id.
        note_changed(int, int): review id, note id.
        note_deleted(int, int): review id, note id.
        outcomes_changed(int): the learnings or actions of this review changed.
    """

    note_added = Signal(int, int)
    note_changed = Signal(int, int)
    note_deleted = Signal(int, int)
    outcomes_changed = Signal(int)

    def __init__(self, library: Library, clock: Clock = system_clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._clock = clock

    def add_note(self, review_id: int, *, phase: str, text: str, kind: str = "observation",
                 **fields: Any) -> NoteRow:
        """Commit a new note said now; returns it as stored."""
        fields.setdefault("said_at", self._clock())
        with self._library.begin() as session:
            row = note_row(notes.add_note(session, review_id, phase=phase, text=text, kind=kind, **fields))
        self.note_added.emit(review_id, row.id)
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

    def update_note(self, review_id: int, note_id: int, **fields: Any) -> NoteRow:
        with self._library.begin() as session:
            self._check_owner(session, review_id, note_id)
            row = note_row(notes.update_note(session, note_id, **fields))
        self.note_changed.emit(review_id, note_id)
        return row

    def delete_note(self, review_id: int, note_id: int) -> None:
        with self._library.begin() as session:
            self._check_owner(session, review_id, note_id)
            notes.delete_note(session, note_id)
        self.note_deleted.emit(review_id, note_id)

    def promote_to_learning(self, review_id: int, note_id: int, *, category: str = "technical") -> int:
        with self._library.begin() as session:
            learning_id = notes.promote_to_learning(session, note_id, category=category).id
        self.outcomes_changed.emit(review_id)
        return learning_id

    def promote_to_action(self, review_id: int, note_id: int) -> int:
        with self._library.begin() as session:
            action_id = notes.promote_to_action(session, note_id).id
        self.outcomes_changed.emit(review_id)
        return action_id

    def add_learning(self, review_id: int, *, text: str, category: str = "technical") -> int:
        with self._library.begin() as session:
            learning_id = notes.add_learning(session, review_id, text=text, category=category).id
        self.outcomes_changed.emit(review_id)
        return learning_id

    def update_learning(self, review_id: int, learning_id: int, **fields: Any) -> None:
        with self._library.begin() as session:
            notes.update_learning(session, learning_id, **fields)
        self.outcomes_changed.emit(review_id)

    def delete_learning(self, review_id: int, learning_id: int) -> None:
        with self._library.begin() as session:
            notes.delete_learning(session, learning_id)
        self.outcomes_changed.emit(review_id)

    def update_action(self, review_id: int, action_id: int, **fields: Any) -> None:
        with self._library.begin() as session:
            notes.update_action(session, action_id, **fields)
        self.outcomes_changed.emit(review_id)

    def delete_action(self, review_id: int, action_id: int) -> None:
        with self._library.begin() as session:
            notes.delete_action(session, action_id)
        self.outcomes_changed.emit(review_id)

    @staticmethod
    def _check_owner(session: Session, review_id: int, note_id: int) -> None:
        note = session.get(Note, note_id)
        if note is None or note.review_id != review_id:
            raise NotFoundError("note", note_id)
