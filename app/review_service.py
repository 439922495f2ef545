"""The library and the facts of each review: what the views call to change them."""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from PySide6.QtCore import QObject

from app.changes import ChangeHub, ReviewChanges
from app.clock import Clock, system_clock
from models import attendance, reviews, timeline
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.errors import NotFoundError
from models.snapshot import EventRow, ReviewDoc, ReviewReport, ReviewSummary, event_row, load_review
from models.store import Library
from models.timeline import DeletedEvent
from models.write_fields import (
    EventFields,
    NewEvent,
    ParticipantDetails,
    ParticipantFields,
    ReviewFacts,
    ReviewFields,
)


class ReviewService(QObject):
    """Creates, reads, changes and deletes reviews, participants and timeline events.

    Every write is one committed transaction; after the commit it announces
    one :class:`ReviewChanges` on :attr:`changes` (shared by every service of a
    window), carrying the rows it wrote so nobody reads them again.
    """

    #: Fields of a review that the library list shows.
    LISTED = frozenset({"title", "severity", "status", "started_at", "kind", "timezone"})

    def __init__(self, library: Library, catalog: Catalog, parent: QObject | None = None, *,
                 clock: Clock = system_clock, changes: ChangeHub | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.catalog = catalog
        self._clock = clock
        self.changes = changes if changes is not None else ChangeHub(self)

    # reads
    def list_reviews(self) -> list[ReviewSummary]:
        with self._library.begin() as session:
            return reviews.list_reviews(session)

    def get(self, review_id: int) -> ReviewDoc | None:
        with self._library.begin() as session:
            return load_review(session, review_id)

    def report(self, review_id: int) -> ReviewReport | None:
        doc = self.get(review_id)
        return ReviewReport.build(doc, self.catalog) if doc is not None else None

    # writes
    def create(self, *, title: str, template: str, **fields: Unpack[ReviewFacts]) -> int:
        if template not in self.catalog.review_templates():
            from models.errors import InvalidFieldError

            raise InvalidFieldError("template", f"no template {template!r}")
        with self._library.begin() as session:
            review_id = reviews.create(session, title=title, template=template, **fields).id
        self.changes.announce(ReviewChanges(review_id, library=True))
        return review_id

    def update(self, review_id: int, **fields: Unpack[ReviewFields]) -> None:
        with self._library.begin() as session:
            reviews.update(session, review_id, **fields)
        self.changes.announce(ReviewChanges(review_id, facts=True, library=bool(self.LISTED & fields.keys())))

    def delete(self, review_id: int) -> None:
        with self._library.begin() as session:
            reviews.delete(session, review_id)
        self.changes.announce(ReviewChanges(review_id, deleted=True, library=True))

    def import_bundle(self, path: Path) -> int:
        """Validate a review bundle completely, then import it in one transaction."""
        bundle = load_bundle_file(path, self.catalog)
        with self._library.begin() as session:
            review_id = import_bundle(session, bundle)
        self.changes.announce(ReviewChanges(review_id, library=True))
        return review_id

    def add_participant(self, review_id: int, *, name: str, **fields: Unpack[ParticipantDetails]) -> int:
        with self._library.begin() as session:
            participant_id = reviews.add_participant(session, review_id, name=name, **fields).id
        self.changes.announce(ReviewChanges(review_id, participants=True))
        return participant_id

    def update_participant(self, review_id: int, participant_id: int,
                           **fields: Unpack[ParticipantFields]) -> None:
        with self._library.begin() as session:
            reviews.update_participant(session, participant_id, **fields)
        # A new name is on the events they took part in and the notes they said.
        renamed = "name" in fields
        self.changes.announce(ReviewChanges(review_id, participants=True, timeline=renamed,
                                            all_notes=renamed))

    def delete_participant(self, participant_id: int) -> None:
        with self._library.begin() as session:
            review_id = reviews.delete_participant(session, participant_id)
        # Their events lose them, their notes their speaker.
        self.changes.announce(ReviewChanges(review_id, participants=True, attendance=True, timeline=True,
                                        all_notes=True))

    def attendance(self, review_id: int, *, running_only: bool = False) -> set[int]:
        """Participant ids in the room of the running meeting, else (unless ``running_only``) the latest."""
        with self._library.begin() as session:
            return set(attendance.review_attendance(session, review_id, now=self._clock(),
                                                    running_only=running_only))

    def set_attended(self, review_id: int, participant_id: int, attended: bool) -> None:
        """Mark someone as in the running meeting's room or not (a meeting starts if none runs)."""
        with self._library.begin() as session:
            attendance.set_attended(session, review_id, participant_id, attended, now=self._clock())
        self.changes.announce(ReviewChanges(review_id, attendance=True))

    def add_event(self, review_id: int, **fields: Unpack[NewEvent]) -> int:
        with self._library.begin() as session:
            row = event_row(timeline.add_event(session, review_id, **fields))
        self.changes.announce(ReviewChanges(review_id, events=(row,)))
        return row.id

    def get_event(self, event_id: int) -> EventRow | None:
        """One event as stored (None when there is no such event)."""
        with self._library.begin() as session:
            event = timeline.get_event(session, event_id)
            return event_row(event) if event is not None else None

    def update_event(self, review_id: int, event_id: int, **fields: Unpack[EventFields]) -> EventRow:
        """Change some fields of one event (``timeline.EVENT_FIELDS``); returns it as stored."""
        with self._library.begin() as session:
            event = timeline.get_event_or_raise(session, event_id)
            if event.review_id != review_id:
                raise NotFoundError("timeline event", event_id)
            row = event_row(timeline.update_event(session, event_id, **fields))
        self.changes.announce(ReviewChanges(review_id, events=(row,)))
        return row

    def remove_event(self, event_id: int) -> DeletedEvent:
        """Delete an event, returning what ``restore_event`` needs to bring it back (undo)."""
        with self._library.begin() as session:
            deleted = timeline.remove_event(session, event_id)
        # Its notes stay, no longer linked to it.
        self.changes.announce(ReviewChanges(deleted.review_id, events_removed=frozenset({event_id}),
                                        all_notes=bool(deleted.note_ids)))
        return deleted

    def restore_event(self, deleted: DeletedEvent) -> int:
        """Bring back a removed event with its id (when free) and its notes' links; returns its id."""
        with self._library.begin() as session:
            row = event_row(timeline.restore_event(
                session, deleted.review_id, event_id=deleted.row.id, note_ids=deleted.note_ids,
                external_id=deleted.external_id, **deleted.fields()))
        self.changes.announce(ReviewChanges(deleted.review_id, events=(row,),
                                            all_notes=bool(deleted.note_ids)))
        return row.id
