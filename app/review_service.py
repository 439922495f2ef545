"""The library and the facts of each review: what the views call to change them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack, cast

from PySide6.QtCore import QObject
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.changes import ChangeHub, Origin, ReviewChanges
from app.clock import Clock, system_clock
from models import attendance, reviews, timeline
from models.bundle import (
    Bundle,
    event_external_ids,
    find_existing,
    import_bundle,
    load_bundle_file,
    parse_bundle,
    replace_review,
)
from models.catalog import Catalog
from models.entities import Review
from models.errors import DomainError, NotFoundError, StorageError
from models.reviews import StaleEditError
from models.snapshot import (
    EventRow,
    ReviewDoc,
    ReviewReport,
    ReviewSummary,
    event_row,
    load_review,
    summary_row,
)
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
from models.yamlsource import SourceError

#: How often a write of a review's facts is tried when another writer commits between its read and write.
_WRITE_ATTEMPTS = 3


def _review_change(field: str, value: object) -> ReviewFields:
    """``{field: value}`` as :meth:`ReviewService.update` takes it.

    The field is named at run time (the one a stale edit was about); the model
    checks the name (``reviews.REVIEW_FIELDS``) and the value, raising an
    InvalidFieldError naming the field, so this is where the type is asserted.
    """
    return cast(ReviewFields, {field: value})


class ReviewService(QObject):
    """Creates, reads, changes and deletes reviews, participants and timeline events.

    Every write is one committed transaction; after the commit it announces
    one :class:`ReviewChanges` on :attr:`changes` (shared by every service of a
    window), carrying the rows it wrote so nobody reads them again.
    """

    #: Fields of a review that the library list shows (its due column: the resolution and a due date set).
    LISTED = frozenset({"title", "severity", "status", "started_at", "kind", "timezone", "resolved_at",
                        "analysis_due"})

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

    def update(self, review_id: int, *, expected: Mapping[str, object] | None = None,
               **fields: Unpack[ReviewFields]) -> None:
        """Change some fields of a review in one transaction.

        ``expected``: the value each named field had when the editor began
        (the facts form passes the value it showed). When someone else has
        changed one since, :class:`~models.reviews.StaleEditError` is raised
        naming the field, their value and yours, nothing is written, and the
        review's facts are announced as changed elsewhere, so every view shows
        theirs at once; :meth:`keep_mine` then writes yours over theirs. A
        change of status stamps ``reviewed_at`` and ``closed_at`` (models.lifecycle).
        """
        try:
            self._write_checked(review_id, expected, fields)
        except StaleEditError:
            self.changes.announce(ReviewChanges(review_id, Origin.ELSEWHERE, facts=True, library=True))
            raise
        self.changes.announce(ReviewChanges(review_id, facts=True, library=bool(self.LISTED & fields.keys())))

    def keep_mine(self, error: StaleEditError) -> None:
        """After a :class:`StaleEditError`, write the editor's value over the one stored now ("Keep mine").

        Expects what was stored when the error was raised: a third change since is
        refused the same way (a new StaleEditError) rather than overwritten.
        """
        self.update(error.review_id, expected={error.field: error.theirs},
                    **_review_change(error.field, error.mine))

    def _write_checked(self, review_id: int, expected: Mapping[str, object] | None,
                       fields: ReviewFields) -> None:
        # The row is written at the version it was read with: a writer that commits between our
        # read and our write makes the flush fail (StaleDataError); read again and check again.
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self._library.begin() as session:
                    reviews.update(session, review_id, expected=expected, now=self._clock(), **fields)
                return
            except StaleDataError as exc:
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise StorageError("locked", "the review is being changed by someone else right now; "
                                                 "try again in a moment") from exc

    def delete(self, review_id: int) -> None:
        with self._library.begin() as session:
            reviews.delete(session, review_id)
        self.changes.announce(ReviewChanges(review_id, deleted=True, library=True))

    def import_bundle(self, path: Path, *, update_existing: bool = False) -> int:
        """Validate a review bundle completely, then import it in one transaction; returns the review's id.

        A bundle of a review the library has already (:meth:`existing_for`) is
        imported as a new review of its own, or, with ``update_existing``,
        updates that review in place (same id; its content replaced).
        """
        bundle = load_bundle_file(path, self.catalog)
        return self.import_parsed(bundle, update_existing=update_existing)

    def import_parsed(self, bundle: Bundle, *, update_existing: bool = False) -> int:
        """Import a bundle already read (:meth:`read_bundle`); see :meth:`import_bundle`."""
        with self._library.begin() as session:
            existing = find_existing(session, bundle)
            review_id = import_bundle(session, bundle, update_existing=update_existing)
        if existing is not None and update_existing:
            self.changes.announce(ReviewChanges.everything(review_id))
        else:
            self.changes.announce(ReviewChanges(review_id, library=True))
        return review_id

    def read_bundle(self, path: Path) -> Bundle:
        """Read and validate a bundle file, touching nothing (raises SourceError naming the fault)."""
        return load_bundle_file(path, self.catalog)

    def existing_for(self, bundle: Bundle) -> ReviewSummary | None:
        """The library's review ``bundle`` is a copy of (same uid), to offer updating it; None if none."""
        with self._library.begin() as session:
            review_id = find_existing(session, bundle)
            return summary_row(reviews.get_or_raise(session, review_id)) if review_id is not None else None

    def add_participant(self, review_id: int, *, name: str, **fields: Unpack[ParticipantDetails]) -> int:
        with self._library.begin() as session:
            participant_id = reviews.add_participant(session, review_id, name=name, **fields).id
        self.changes.announce(ReviewChanges(review_id, participants=True))
        return participant_id

    def update_participant(self, review_id: int, participant_id: int, *,
                           expected: Mapping[str, object] | None = None,
                           **fields: Unpack[ParticipantFields]) -> None:
        """Change a participant; ``expected``: the values the editor began from
        (:class:`~models.reviews.StaleEditError` when someone else changed one meanwhile)."""
        try:
            with self._library.begin() as session:
                reviews.update_participant(session, participant_id, expected=expected, **fields)
        except StaleEditError:  # nothing was written: every view shows theirs at once
            self.changes.announce(ReviewChanges(review_id, Origin.ELSEWHERE, participants=True))
            raise
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


@dataclass
class CopySummary:
    """What :func:`copy_library` did: reviews copied (new there), updated, unchanged, and any that failed."""

    copied: int = 0
    updated: int = 0
    unchanged: int = 0
    #: One line per review that could not be copied (it names the review and the field at fault).
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        """``copied 3, updated 1, unchanged 12`` (and ``, failed 1`` when some failed)."""
        text = f"copied {self.copied}, updated {self.updated}, unchanged {self.unchanged}"
        return f"{text}, failed {len(self.failed)}" if self.failed else text


def library_bundle(session: Session, review_id: int, catalog: Catalog) -> Bundle:
    """Review ``review_id`` exactly as stored, as a validated bundle (in memory: no file, no cleaning).

    What a copy writes elsewhere and compares with: a version 2 document with
    the events' import origins and every text as stored, read back through the
    bundle reader (without the catalog's checks: a copy keeps what is there).
    """
    from exports.bundle import to_bundle  # the writer's modules load only for a copy

    doc = load_review(session, review_id)
    if doc is None:
        raise NotFoundError("review", review_id)
    data = to_bundle(doc, external_ids=event_external_ids(session, review_id), clean=False)
    return parse_bundle(data, path=f"review {review_id} ({_quoted(doc.title)})", catalog=catalog,
                        check_catalog=False)


def _quoted(title: str, limit: int = 50) -> str:
    flat = " ".join(title.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def copy_library(source: Library, target: Library, catalog: Catalog, *,
                 progress: Callable[[int, int], object] | None = None) -> CopySummary:
    """Copy every review of ``source`` into ``target`` whole; running it again copies nothing twice.

    Reviews are matched by their uid: one ``target`` does not have is copied
    (keeping its uid), one it has is updated in place when it differs and left
    alone when it is the same. Each review is one transaction of ``target``,
    so a review is there whole or not at all; one that cannot be copied is
    reported in :attr:`CopySummary.failed` and the copy goes on with the next
    (running it again after a fix copies only what is missing or changed).
    ``target``'s reviews that ``source`` does not have are left as they are.
    ``progress(done, total)`` is called after each review.
    """
    summary = CopySummary()
    with source.begin() as session:
        ids = list(session.scalars(select(Review.id).order_by(Review.id)))
    for done, review_id in enumerate(ids, start=1):
        try:
            with source.begin() as session:
                bundle = library_bundle(session, review_id, catalog)
            with target.begin() as session:
                existing = find_existing(session, bundle)
                if existing is None:
                    import_bundle(session, bundle)
                    summary.copied += 1
                elif library_bundle(session, existing, catalog) == bundle:
                    summary.unchanged += 1
                else:
                    replace_review(session, existing, bundle)
                    summary.updated += 1
        except (SourceError, DomainError) as exc:
            summary.failed.append(str(exc) if isinstance(exc, SourceError) else f"review {review_id}: {exc}")
        if progress is not None:
            progress(done, len(ids))
    return summary
