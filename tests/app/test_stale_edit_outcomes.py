"""Two people editing one review's participants, notes, learnings and actions: a stale edit is refused
with both values, nothing is written, the same edit twice is no conflict; on SQLite and PostgreSQL.

Each person is a Library of their own (another process or machine) with its services.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from app.capture_service import CaptureService
from app.changes import ChangeHub, Origin, ReviewChanges
from app.review_service import ReviewService
from models.catalog import Catalog
from models.errors import InvalidFieldError
from models.reviews import StaleEditError
from models.store import open_library


@dataclass
class Person:
    reviews: ReviewService
    capture: CaptureService
    heard: list[ReviewChanges]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def people(url: str, catalog: Catalog, qapp: object) -> Iterator[tuple[Person, Person]]:
    libraries = [open_library(url), open_library(url)]
    found = []
    for library in libraries:
        hub = ChangeHub()
        heard: list[ReviewChanges] = []
        hub.changed.connect(heard.append)
        found.append(Person(ReviewService(library, catalog, changes=hub),
                            CaptureService(library, changes=hub), heard))
    yield found[0], found[1]
    for library in libraries:
        library.close()


@pytest.fixture
def review_id(people: tuple[Person, Person]) -> int:
    return people[0].reviews.create(title="Checkout errors", template="standard")


def test_a_learning_changed_meanwhile_is_not_overwritten(people: tuple[Person, Person],
                                                         review_id: int) -> None:
    alice, bob = people
    learning_id = alice.capture.add_learning(review_id, text="Config pushes skip canaries")
    bob.capture.update_learning(review_id, learning_id, expected={"text": "Config pushes skip canaries"},
                                text="Config pushes skip canaries on Fridays")
    with pytest.raises(StaleEditError) as caught:
        alice.capture.update_learning(review_id, learning_id,
                                      expected={"text": "Config pushes skip canaries"},
                                      text="Config pushes bypass canaries")
    error = caught.value
    assert (error.item, error.item_id, error.review_id, error.field) == (
        "learning", learning_id, review_id, "text")
    assert (error.theirs, error.mine) == (
        "Config pushes skip canaries on Fridays", "Config pushes bypass canaries")
    (learning,), _ = alice.capture.outcomes(review_id)
    assert learning.text == "Config pushes skip canaries on Fridays"  # Bob's stays: nothing was written
    assert alice.heard[-1] == ReviewChanges(review_id, Origin.ELSEWHERE, outcomes=True)  # views show Bob's
    # Keep mine: written over what is stored now.
    alice.capture.update_learning(review_id, learning_id, expected={"text": error.theirs}, text=error.mine)
    (learning,), _ = bob.capture.outcomes(review_id)
    assert learning.text == "Config pushes bypass canaries"


def test_an_action_edit_of_another_field_keeps_both(people: tuple[Person, Person], review_id: int) -> None:
    """Bob set the owner, Alice the due date, each from what they saw: both stay; the same owner twice too."""
    alice, bob = people
    note = alice.capture.add_note(review_id, phase="learnings", text="Canary config pushes")
    action_id = alice.capture.promote_to_action(review_id, note.id)
    bob.capture.update_action(review_id, action_id, expected={"owner": ""}, owner="Priya")
    alice.capture.update_action(review_id, action_id, expected={"due": None}, due=date(2026, 4, 1))
    alice.capture.update_action(review_id, action_id, expected={"owner": ""}, owner="Priya")  # same edit
    _, (action,) = bob.capture.outcomes(review_id)
    assert (action.owner, action.due) == ("Priya", date(2026, 4, 1))
    with pytest.raises(StaleEditError) as caught:
        alice.capture.update_action(review_id, action_id, expected={"status": "open", "owner": ""},
                                    status="done", owner="Sam")
    assert caught.value.field == "owner" and caught.value.theirs == "Priya"
    _, (action,) = bob.capture.outcomes(review_id)
    assert (action.status, action.owner) == ("open", "Priya")  # not half-written: the status waited too


def test_a_note_and_a_participant_changed_meanwhile(people: tuple[Person, Person], review_id: int) -> None:
    alice, bob = people
    note = alice.capture.add_note(review_id, phase="timeline", text="The pager fired twice")
    bob.capture.update_note(review_id, note.id, expected={"text": note.text},
                            text="The pager fired three times")
    with pytest.raises(StaleEditError) as caught:
        alice.capture.update_note(review_id, note.id, expected={"text": note.text}, text="The pager fired")
    assert (caught.value.item, caught.value.theirs) == ("note", "The pager fired three times")
    assert alice.capture.notes(review_id)[0].text == "The pager fired three times"

    person_id = alice.reviews.add_participant(review_id, name="Priya", roles=["responder"])
    bob.reviews.update_participant(review_id, person_id, expected={"roles": ["responder"]},
                                   roles=["incident-commander"])
    with pytest.raises(StaleEditError) as caught:
        alice.reviews.update_participant(review_id, person_id, expected={"roles": ("responder",)},
                                         roles=["responder", "subject-matter-expert"])
    assert (caught.value.item, caught.value.field, caught.value.theirs) == (
        "participant", "roles", ["incident-commander"])
    assert alice.heard[-1] == ReviewChanges(review_id, Origin.ELSEWHERE, participants=True)
    doc = alice.reviews.get(review_id)
    assert doc is not None and doc.participants[0].roles == ("incident-commander",)


def test_an_expected_field_that_does_not_exist_is_refused(people: tuple[Person, Person],
                                                          review_id: int) -> None:
    alice, _ = people
    learning_id = alice.capture.add_learning(review_id, text="Sampling hid the errors")
    with pytest.raises(InvalidFieldError, match="not a field of a learning"):
        alice.capture.update_learning(review_id, learning_id, expected={"owner": ""}, text="x")
