"""Two people editing one review: a stale edit is refused, named, and nothing either typed is lost.

Each person is a Library (an engine of their own, as another process or machine
would have) and a ReviewService over it, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

import models.reviews as reviews_model
from app.changes import Origin, ReviewChanges
from app.review_service import ReviewService
from models.catalog import Catalog
from models.errors import StorageError
from models.reviews import StaleEditError
from models.snapshot import ReviewDoc
from models.store import open_library
from tests.fake_clock import FakeClock

NOW = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    """The library both people share: an SQLite file, then a PostgreSQL database."""
    return str(request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def people(url: str, catalog: Catalog, qapp: object) -> Iterator[tuple[ReviewService, ReviewService]]:
    """Alice and Bob, each with their own connection to the library."""
    libraries = [open_library(url), open_library(url)]
    clock = FakeClock(NOW)
    yield ReviewService(libraries[0], catalog, clock=clock), ReviewService(libraries[1], catalog, clock=clock)
    for library in libraries:
        library.close()


@pytest.fixture
def review_id(people: tuple[ReviewService, ReviewService]) -> int:
    alice, _ = people
    return alice.create(title="Checkout errors", template="standard", summary="Saved carts failed.")


def _doc(service: ReviewService, review_id: int) -> ReviewDoc:
    doc = service.get(review_id)
    assert doc is not None
    return doc


def test_a_stale_edit_from_a_second_session_is_detected_and_nothing_is_lost(
        people: tuple[ReviewService, ReviewService], review_id: int) -> None:
    """Bob saves first; Alice, who began from the old title, is told, with both values; Bob's stays."""
    alice, bob = people
    began = _doc(alice, review_id)
    bob.update(review_id, expected={"title": _doc(bob, review_id).title}, title="Checkout errors (Bob)")
    with pytest.raises(StaleEditError) as caught:
        alice.update(review_id, expected={"title": began.title}, title="Checkout errors (Alice)")
    error = caught.value
    assert (error.review_id, error.field) == (review_id, "title")
    assert (error.started_from, error.theirs, error.mine) == (
        "Checkout errors", "Checkout errors (Bob)", "Checkout errors (Alice)")
    assert "title: someone else changed it since you began editing" in str(error)
    assert _doc(alice, review_id).title == "Checkout errors (Bob)"


def test_keep_mine_writes_over_theirs(people: tuple[ReviewService, ReviewService], review_id: int) -> None:
    """"Keep mine" after the refusal stores Alice's value over Bob's, as a new version."""
    alice, bob = people
    bob.update(review_id, title="Bob's title")
    with pytest.raises(StaleEditError) as caught:
        alice.update(review_id, expected={"title": "Checkout errors"}, title="Alice's title")
    version = _doc(alice, review_id).version
    alice.keep_mine(caught.value)
    after = _doc(bob, review_id)
    assert after.title == "Alice's title" and after.version == version + 1


def test_keep_mine_after_a_third_change_is_refused_again(
        people: tuple[ReviewService, ReviewService], review_id: int) -> None:
    """Keep mine expects what was there when asked: Bob changing it again meanwhile is caught too."""
    alice, bob = people
    bob.update(review_id, summary="Bob's first summary")
    with pytest.raises(StaleEditError) as caught:
        alice.update(review_id, expected={"summary": "Saved carts failed."}, summary="Alice's summary")
    bob.update(review_id, summary="Bob's second summary")
    with pytest.raises(StaleEditError) as again:
        alice.keep_mine(caught.value)
    assert again.value.theirs == "Bob's second summary" and again.value.mine == "Alice's summary"
    assert _doc(alice, review_id).summary == "Bob's second summary"


def test_edits_of_different_fields_do_not_conflict(people: tuple[ReviewService, ReviewService],
                                                   review_id: int) -> None:
    """Alice fixes the title while Bob writes the impact: both are kept, nobody is asked anything."""
    alice, bob = people
    began = _doc(alice, review_id)
    bob.update(review_id, expected={"impact": began.impact}, impact="12% of checkouts")
    alice.update(review_id, expected={"title": began.title}, title="Checkout errors after a config push")
    after = _doc(alice, review_id)
    assert (after.title, after.impact) == ("Checkout errors after a config push", "12% of checkouts")


def test_the_same_edit_made_twice_is_no_conflict(people: tuple[ReviewService, ReviewService],
                                                 review_id: int) -> None:
    """Both typed the same tags: the second is not a stale edit, just already done."""
    alice, bob = people
    began = _doc(alice, review_id)
    bob.update(review_id, expected={"tags": list(began.tags)}, tags=["config", "checkout"])
    alice.update(review_id, expected={"tags": list(began.tags)}, tags=["config", "checkout"])
    assert _doc(alice, review_id).tags == ("config", "checkout")


def test_a_writer_committing_between_the_check_and_the_write_is_caught(
        people: tuple[ReviewService, ReviewService], review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row version makes the check and the write one: Bob committing in between is not overwritten."""
    alice, bob = people
    original = reviews_model.check_unchanged
    calls: list[int] = []

    def check_then_bob_commits(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(1)
        if len(calls) == 1:
            bob.update(review_id, title="Bob got in first")

    monkeypatch.setattr(reviews_model, "check_unchanged", check_then_bob_commits)
    with pytest.raises(StaleEditError) as caught:
        alice.update(review_id, expected={"title": "Checkout errors"}, title="Alice's title")
    assert caught.value.theirs == "Bob got in first" and len(calls) == 2
    assert _doc(alice, review_id).title == "Bob got in first"


def test_a_write_without_expectations_still_lands_after_a_race(
        people: tuple[ReviewService, ReviewService], review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that asks for no check (last writer wins) is tried again, not failed, after a race."""
    alice, bob = people
    original = reviews_model.check_unchanged
    calls: list[int] = []

    def check_then_bob_commits(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(1)
        if len(calls) == 1:
            bob.update(review_id, impact="Bob's impact")

    monkeypatch.setattr(reviews_model, "check_unchanged", check_then_bob_commits)
    alice.update(review_id, title="Alice's title")
    after = _doc(bob, review_id)
    assert (after.title, after.impact) == ("Alice's title", "Bob's impact")


def test_a_race_that_never_ends_is_a_busy_library_not_a_lost_edit(
        people: tuple[ReviewService, ReviewService], review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bob writing between every try of Alice's: after a few tries she is told to try again; Bob's stays."""
    alice, bob = people
    original = reviews_model.check_unchanged
    alices = [0]

    def bob_always_first(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        if alices[0] < 0:
            return  # Bob's own write
        alices[0] += 1
        tries, alices[0] = alices[0], -1
        bob.update(review_id, impact=f"Bob {tries}")
        alices[0] = tries

    monkeypatch.setattr(reviews_model, "check_unchanged", bob_always_first)
    with pytest.raises(StorageError) as caught:
        alice.update(review_id, title="Alice's title")
    assert caught.value.retry and alices[0] == 3
    assert _doc(bob, review_id).title == "Checkout errors"


def test_a_stale_edit_announces_the_facts_as_changed_elsewhere(
        people: tuple[ReviewService, ReviewService], review_id: int, qtbot: QtBot) -> None:
    """So the open review reads theirs at once (the form can then offer Reload or Keep mine)."""
    alice, bob = people
    bob.update(review_id, title="Bob's")
    with qtbot.waitSignal(alice.changes.changed) as blocker, pytest.raises(StaleEditError):
        alice.update(review_id, expected={"title": "Checkout errors"}, title="Alice's")
    assert blocker.args == [ReviewChanges(review_id, Origin.ELSEWHERE, facts=True, library=True)]


def test_every_write_moves_the_row_version_on(people: tuple[ReviewService, ReviewService],
                                              review_id: int) -> None:
    """The version a view holds says whether what it shows is still the stored review."""
    alice, bob = people
    first = _doc(alice, review_id).version
    bob.update(review_id, severity="SEV2")
    alice.update(review_id, kind="near-miss")
    assert _doc(bob, review_id).version == first + 2


def test_a_change_of_status_stamps_the_lifecycle_dates(people: tuple[ReviewService, ReviewService],
                                                       review_id: int) -> None:
    """Reviewed, then closed, then reopened: the stamps say how far the review got, and when."""
    alice, _ = people
    alice.update(review_id, status="reviewed")
    doc = _doc(alice, review_id)
    assert (doc.reviewed_at, doc.closed_at) == (NOW, None)
    alice.update(review_id, status="closed")
    doc = _doc(alice, review_id)
    assert (doc.reviewed_at, doc.closed_at) == (NOW, NOW)
    alice.update(review_id, status="draft")
    doc = _doc(alice, review_id)
    assert (doc.reviewed_at, doc.closed_at) == (None, None)


def test_an_expected_field_that_is_not_a_field_is_refused(people: tuple[ReviewService, ReviewService],
                                                          review_id: int) -> None:
    """A typo in ``expected`` is the caller's bug, said as such (not taken as a conflict)."""
    alice, _ = people
    with pytest.raises(Exception, match="colour: not a field of a review"):
        alice.update(review_id, expected={"colour": "red"}, title="x")
