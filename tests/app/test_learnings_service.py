"""The learnings service: every learning of the library, read in one transaction, wired into Services."""

from __future__ import annotations

from datetime import UTC, datetime

from app.bootstrap import Services
from app.learnings_service import LearningsService
from models import notes, reviews
from models.store import Library


def test_reads_every_learning_of_every_review(library: Library) -> None:
    """Learnings of two reviews, by category, each with its review's title."""
    with library.begin() as session:
        first = reviews.create(session, title="Checkout errors",
                               started_at=datetime(2026, 3, 2, tzinfo=UTC)).id
        second = reviews.create(session, title="Queue backlog",
                                started_at=datetime(2026, 1, 5, tzinfo=UTC)).id
        notes.add_learning(session, second, text="Backlogs hide in averages", category="process")
        notes.add_learning(session, first, text="Retries amplify load", category="technical")
    rows = LearningsService(library).learnings()
    assert [(row.review_title, row.category) for row in rows] == [
        ("Checkout errors", "technical"), ("Queue backlog", "process")]


def test_reads_what_was_added_since(library: Library) -> None:
    """Nothing is cached: a learning added after the first read is in the next one."""
    service = LearningsService(library)
    assert service.learnings() == []
    with library.begin() as session:
        review_id = reviews.create(session, title="Checkout errors").id
        notes.add_learning(session, review_id, text="Retries amplify load")
    assert [row.text for row in service.learnings()] == ["Retries amplify load"]


def test_the_app_builds_it_over_its_library(services: Services) -> None:
    """``services.learnings`` reads the window's library."""
    review_id = services.reviews.create(title="Checkout errors", template="standard")
    services.capture.add_learning(review_id, text="Retries amplify load", category="technical")
    assert isinstance(services.learnings, LearningsService)
    assert [row.review_id for row in services.learnings.learnings()] == [review_id]
