"""Every learning of the library in one list, each with the review it came from.

What the "Learnings across the library" page shows: one row a learning, read
in one query (a join of learnings and reviews), ordered by category (in the
vocabulary's order, unknown ones after, by name) and then newest review first.
Plain SQLAlchemy, so it reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.entities import Learning, Review
from models.review_summary import zone_named
from models.vocabulary import LEARNING_CATEGORIES


@dataclass(frozen=True)
class LibraryLearning:
    """One learning and the review it belongs to, as the library page lists it."""

    id: int
    category: str
    text: str
    review_id: int
    review_title: str
    #: When the incident started; when the review was created if that is not known (see ``start_known``).
    started_at: datetime
    #: Whether ``started_at`` is the incident's start (False: the review's creation).
    start_known: bool
    #: The review's display timezone (an IANA name): its date reads in its zone.
    timezone: str
    severity: str | None

    def day(self) -> date:
        """The review's date in its own timezone (a 23:30 UTC start in Berlin is the next day)."""
        return self.started_at.astimezone(zone_named(self.timezone)).date()


def category_rank(category: str) -> int:
    """Where ``category`` sorts: its place in the vocabulary; an unknown one after all of them."""
    try:
        return LEARNING_CATEGORIES.index(category)
    except ValueError:
        return len(LEARNING_CATEGORIES)


def list_learnings(session: Session) -> list[LibraryLearning]:
    """Every learning of every review: by category, then newest review first, then as added."""
    when = func.coalesce(Review.started_at, Review.created_at)
    rank = case({name: index for index, name in enumerate(LEARNING_CATEGORIES)},
                value=Learning.category, else_=len(LEARNING_CATEGORIES))
    rows = session.execute(
        select(Learning.id, Learning.category, Learning.text, Review.id, Review.title,
               Review.started_at, Review.created_at, Review.timezone, Review.severity)
        .join(Review, Review.id == Learning.review_id)
        .order_by(rank, Learning.category, when.desc(), Review.id.desc(), Learning.id)
    )
    return [LibraryLearning(ident, category, text, review_id, title, started or created, started is not None,
                            zone, severity)
            for ident, category, text, review_id, title, started, created, zone, severity in rows]
