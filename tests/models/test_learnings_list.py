"""Every learning of the library in one query, by category then newest review first, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from models import notes, reviews
from models.entities import Learning, Review
from models.learnings_list import LibraryLearning, category_rank, list_learnings
from models.store import Library, open_library
from models.vocabulary import LEARNING_CATEGORIES

#: A learning as people write them after a long review: 2,000 characters, not one line.
LONG_TEXT = ("Connection pools were sized for the old traffic shape; nobody owned the number. "
             * 30)[:1999] + "!"
#: Words from a library used in Berlin, Tokyo and São Paulo.
WORLD_TEXT = "Zeitüberschreitung im Zahlungsdienst — 決済のタイムアウト, São Paulo ✓ 🙂"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest) -> Iterator[Library]:
    """The library, as an SQLite file and as a PostgreSQL database."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    library = open_library(str(url))
    yield library
    library.close()


@pytest.fixture
def ids(shared: Library) -> dict[str, int]:
    """Three reviews, started on three days, with learnings of several categories."""
    found: dict[str, int] = {}
    with shared.begin() as session:
        for name, started, zone, severity in (
            ("old", datetime(2026, 1, 10, 9, tzinfo=UTC), "UTC", "SEV3"),
            ("new", datetime(2026, 3, 2, 9, tzinfo=UTC), "Europe/Berlin", "SEV1"),
            ("middle", datetime(2026, 2, 5, 9, tzinfo=UTC), "Asia/Tokyo", None),
        ):
            found[name] = reviews.create(session, title=f"{name} review", started_at=started, timezone=zone,
                                         severity=severity).id
        for review, text, category in (
            ("old", "Runbooks age", "process"),
            ("new", "Retries amplify load", "technical"),
            ("old", "Pools need owners", "technical"),
            ("middle", "Nobody knew the cron", "knowledge"),
            ("new", "Status page lagged", "communication"),
            ("new", "Dashboards sample errors", "technical"),
        ):
            found[text] = notes.add_learning(session, found[review], text=text, category=category).id
    return found


def test_by_category_in_the_usual_order_then_newest_first(shared: Library, ids: dict[str, int]) -> None:
    """Technical before process before knowledge before communication; newest review first inside one."""
    with shared.begin() as session:
        rows = list_learnings(session)
    assert [(row.category, row.text) for row in rows] == [
        ("technical", "Retries amplify load"),
        ("technical", "Dashboards sample errors"),
        ("technical", "Pools need owners"),
        ("process", "Runbooks age"),
        ("knowledge", "Nobody knew the cron"),
        ("communication", "Status page lagged"),
    ]


def test_each_row_carries_its_review(shared: Library, ids: dict[str, int]) -> None:
    """The review's id, title, start, zone and severity come with the learning's id, category and text."""
    with shared.begin() as session:
        rows = {row.text: row for row in list_learnings(session)}
    assert rows["Retries amplify load"] == LibraryLearning(
        ids["Retries amplify load"], "technical", "Retries amplify load", ids["new"], "new review",
        datetime(2026, 3, 2, 9, tzinfo=UTC), True, "Europe/Berlin", "SEV1")
    assert rows["Nobody knew the cron"].severity is None
    assert rows["Nobody knew the cron"].timezone == "Asia/Tokyo"


def test_a_review_without_a_start_is_dated_by_its_creation(shared: Library, ids: dict[str, int]) -> None:
    """No start: the review's creation dates its learnings (and says so), and sorts them by it."""
    with shared.begin() as session:
        undated = reviews.create(session, title="undated")
        undated.created_at = datetime(2026, 2, 20, 12, tzinfo=UTC)
        notes.add_learning(session, undated.id, text="Alerts went to an old channel", category="technical")
    with shared.begin() as session:
        rows = [row for row in list_learnings(session) if row.category == "technical"]
    assert [row.review_title for row in rows] == ["new review", "new review", "undated", "old review"]
    assert rows[2].started_at == datetime(2026, 2, 20, 12, tzinfo=UTC) and not rows[2].start_known
    assert rows[0].start_known


def test_everything_is_read_in_one_query(shared: Library, ids: dict[str, int]) -> None:
    """However many reviews: one SELECT (a join), not one per review."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(shared.engine, "before_cursor_execute", count)
    try:
        with shared.begin() as session:
            rows = list_learnings(session)
    finally:
        event.remove(shared.engine, "before_cursor_execute", count)
    assert len(rows) == 6
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_long_and_non_ascii_learnings_come_back_as_written(shared: Library, ids: dict[str, int]) -> None:
    """A 2,000-character learning and one in three scripts with emoji: not cut, not mangled."""
    with shared.begin() as session:
        notes.add_learning(session, ids["old"], text=LONG_TEXT, category="organisational")
        notes.add_learning(session, ids["middle"], text=WORLD_TEXT, category="organisational")
        session.get(Review, ids["middle"]).title = "Zahlungsausfall — 東京"  # type: ignore[union-attr]
    with shared.begin() as session:
        rows = [row for row in list_learnings(session) if row.category == "organisational"]
    assert [row.text for row in rows] == [WORLD_TEXT, LONG_TEXT]
    assert len(rows[1].text) == 2000
    assert rows[0].review_title == "Zahlungsausfall — 東京"


def test_an_unknown_category_comes_after_the_known_ones(shared: Library, ids: dict[str, int]) -> None:
    """A category this version does not know (an older or newer library's) is listed, last."""
    with shared.begin() as session:
        session.add(Learning(review_id=ids["new"], text="From an older library", category="legacy"))
    with shared.begin() as session:
        rows = list_learnings(session)
    assert rows[-1].category == "legacy"
    assert category_rank("legacy") == len(LEARNING_CATEGORIES) > category_rank("communication")


def test_an_empty_library_lists_nothing(shared: Library) -> None:
    """No review, no learning: an empty list, not an error."""
    with shared.begin() as session:
        assert list_learnings(session) == []


@pytest.mark.parametrize(("zone", "day"), [
    ("Europe/Berlin", date(2026, 3, 2)),   # 00:30 the next morning there
    ("America/Los_Angeles", date(2026, 3, 1)),
    ("UTC", date(2026, 3, 1)),
    ("Not/AZone", date(2026, 3, 1)),       # unknown here: read as UTC
])
def test_the_day_is_the_reviews_own(zone: str, day: date) -> None:
    """A start at 23:30 UTC is the next day in Berlin, the same day in Los Angeles."""
    started = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    row = LibraryLearning(1, "technical", "x", 1, "r", started, True, zone, None)
    assert row.day() == day
