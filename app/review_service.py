"""The library and the facts of each review: what the views call to change them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from models import reviews, timeline
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.snapshot import ReviewDoc, ReviewReport, ReviewSummary, load_review
from models.store import Library


class ReviewService(QObject):
    """Creates, reads, changes and deletes reviews, participants and timeline events.

    Every write is one committed transaction; signals are emitted after the commit.

    Signals:
        library_changed(): a review was created, deleted, or its library row changed.
        review_changed(int): the facts, participants or timeline of this review changed.
        review_deleted(int): this review is gone.
    """

    library_changed = Signal()
    review_changed = Signal(int)
    review_deleted = Signal(int)

    def __init__(self, library: Library, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.catalog = catalog

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
    def create(self, *, title: str, template: str, **fields: Any) -> int:
        if self.catalog.template(template) is None:
            from models.errors import InvalidFieldError

            raise InvalidFieldError("template", f"no template {template!r}")
        with self._library.begin() as session:
            review_id = reviews.create(session, title=title, template=template, **fields).id
        self.library_changed.emit()
        return review_id

    def update(self, review_id: int, **fields: Any) -> None:
        with self._library.begin() as session:
            reviews.update(session, review_id, **fields)
        self.review_changed.emit(review_id)
        if {"title", "severity", "status", "started_at", "kind"} & fields.keys():
            self.library_changed.emit()

    def delete(self, review_id: int) -> None:
        with self._library.begin() as session:
            reviews.delete(session, review_id)
        self.review_deleted.emit(review_id)
        self.library_changed.emit()

    def import_bundle(self, path: Path) -> int:
        """Validate a review bundle completely, then import it in one transaction."""
        bundle = load_bundle_file(path, self.catalog)
        with self._library.begin() as session:
            review_id = import_bundle(session, bundle)
        self.library_changed.emit()
        return review_id

    def add_participant(self, review_id: int, *, name: str, **fields: Any) -> int:
        with self._library.begin() as session:
            participant_id = reviews.add_participant(session, review_id, name=name, **fields).id
        self.review_changed.emit(review_id)
        return participant_id

    def update_participant(self, review_id: int, participant_id: int, **fields: Any) -> None:
        with self._library.begin() as session:
            reviews.update_participant(session, participant_id, **fields)
        self.review_changed.emit(review_id)

    def delete_participant(self, participant_id: int) -> None:
        with self._library.begin() as session:
            review_id = reviews.delete_participant(session, participant_id)
        self.review_changed.emit(review_id)

    def add_event(self, review_id: int, **fields: Any) -> int:
        with self._library.begin() as session:
            event_id = timeline.add_event(session, review_id, **fields).id
        self.review_changed.emit(review_id)
        return event_id

    def delete_event(self, event_id: int) -> None:
        with self._library.begin() as session:
            review_id = timeline.delete_event(session, event_id)
        self.review_changed.emit(review_id)
