"""Editing timeline events, and deleting them in a way that can be undone (notes linked again)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import notes, reviews, timeline
from models.entities import Note, TimelineEvent
from models.errors import InvalidFieldError, NotFoundError
from models.snapshot import event_row, load_review
from models.store import Library

PUSH = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


@pytest.fixture
def session(library: Library) -> Iterator[Session]:
    with library.begin() as s:
        yield s


@pytest.fixture
def review_id(session: Session) -> int:
    review = reviews.create(session, title="Checkout errors", template="standard", timezone="Europe/Berlin")
    reviews.add_participant(session, review.id, name="Responder A")
    reviews.add_participant(session, review.id, name="Engineer B")
    return review.id


@pytest.fixture
def event_id(session: Session, review_id: int) -> int:
    return timeline.add_event(session, review_id, at=PUSH, text="Config change rolled out", kind="change",
                              source="deploy log", participants=["Responder A"]).id


def _note_about(session: Session, review_id: int, event_id: int | None, text: str = "Looked normal") -> int:
    return notes.add_note(session, review_id, phase="timeline", text=text, event_id=event_id).id


def test_get_event_returns_the_event_or_none(session: Session, event_id: int) -> None:
    """get_event finds an event by id and answers None for an unknown one."""
    found = timeline.get_event(session, event_id)
    assert found is not None and found.text == "Config change rolled out"
    assert timeline.get_event(session, 9999) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": "  Config pushed  "}, {"text": "Config pushed"}),
        ({"kind": "decision"}, {"kind": "decision"}),
        ({"source": " chat "}, {"source": "chat"}),
        ({"approximate": True}, {"approximate": True}),
        ({"at": PUSH + timedelta(minutes=5)}, {"at": PUSH + timedelta(minutes=5)}),
        ({"participants": ["Engineer B", "Responder A"]}, {"participants": ("Responder A", "Engineer B")}),
        ({"participants": []}, {"participants": ()}),
    ],
)
def test_update_event_sets_each_field(session: Session, event_id: int, fields: dict[str, object],
                                      expected: dict[str, object]) -> None:
    """Every editable field can be changed alone; the rest stays."""
    row = event_row(timeline.update_event(session, event_id, **fields))
    for name, value in expected.items():
        assert getattr(row, name) == value
    untouched = {"text", "kind", "source"} - set(fields)
    before = {"text": "Config change rolled out", "kind": "change", "source": "deploy log"}
    assert {name: getattr(row, name) for name in untouched} == {name: before[name] for name in untouched}


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"text": "   "}, "text", "an event needs a description"),
        ({"kind": "blame"}, "kind", "must be one of change, detection"),
        ({"at": datetime(2026, 3, 2, 9, 14)}, "at", "an event time needs a timezone"),
        ({"participants": ["Nobody"]}, "participants", "'Nobody' is not a participant of this review"),
        ({"participants": "Responder A"}, "participants", "must be a list of names"),
        ({"review_id": 2}, "review_id", "not a field of a timeline event"),
    ],
)
def test_update_event_validates_like_add_event(session: Session, event_id: int, fields: dict[str, object],
                                               field: str, reason: str) -> None:
    """A bad value is refused with the field named, exactly as adding refuses it."""
    with pytest.raises(InvalidFieldError) as caught:
        timeline.update_event(session, event_id, **fields)
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_update_unknown_event_is_not_found(session: Session) -> None:
    """Editing an event that is not there says so."""
    with pytest.raises(NotFoundError):
        timeline.update_event(session, 4242, text="x")


def test_delete_event_keeps_its_api(session: Session, review_id: int, event_id: int) -> None:
    """delete_event still removes the event and returns the review id."""
    assert timeline.delete_event(session, event_id) == review_id
    assert timeline.get_event(session, event_id) is None


def test_remove_event_records_the_linked_notes(session: Session, review_id: int, event_id: int) -> None:
    """Removing an event returns it as it was and the notes that were about it; the notes stay, unlinked."""
    first = _note_about(session, review_id, event_id, "Dashboards looked normal")
    second = _note_about(session, review_id, event_id, "Nobody was paged")
    _note_about(session, review_id, None, "Unrelated")
    deleted = timeline.remove_event(session, event_id)
    assert (deleted.review_id, deleted.row.text, deleted.note_ids) == (
        review_id, "Config change rolled out", (first, second))
    session.expire_all()
    linked = session.scalars(select(Note.event_id).where(Note.id.in_([first, second]))).all()
    assert linked == [None, None]


def test_restore_event_brings_back_id_fields_and_note_links(session: Session, review_id: int,
                                                            event_id: int) -> None:
    """Restoring a removed event gives it its id back and links its notes again."""
    note = _note_about(session, review_id, event_id)
    deleted = timeline.remove_event(session, event_id)
    restored = timeline.restore_event(session, review_id, event_id=deleted.row.id, note_ids=deleted.note_ids,
                                      **deleted.fields())
    assert event_row(restored) == deleted.row
    session.expire_all()
    assert session.get(Note, note).event_id == event_id  # type: ignore[union-attr]


def test_restore_takes_a_new_id_when_the_old_one_is_taken(session: Session, review_id: int,
                                                          event_id: int) -> None:
    """When the id was reused meanwhile, the event comes back under a new one and the other keeps its own."""
    deleted = timeline.remove_event(session, event_id)
    reuser = TimelineEvent(id=event_id, review_id=review_id, at=PUSH, text="Someone else", kind="observation",
                           source="", approximate=False)
    session.add(reuser)
    session.flush()
    restored = timeline.restore_event(session, review_id, event_id=event_id, **deleted.fields())
    assert restored.id != event_id
    assert timeline.get_event(session, event_id).text == "Someone else"  # type: ignore[union-attr]


def test_restore_leaves_a_note_linked_elsewhere_alone(session: Session, review_id: int,
                                                      event_id: int) -> None:
    """A note attached to another event since the delete keeps that link."""
    note = _note_about(session, review_id, event_id)
    deleted = timeline.remove_event(session, event_id)
    other = timeline.add_event(session, review_id, at=PUSH, text="Alert fired").id
    notes.update_note(session, note, event_id=other)
    timeline.restore_event(session, review_id, event_id=event_id, note_ids=deleted.note_ids,
                           **deleted.fields())
    session.expire_all()
    assert session.get(Note, note).event_id == other  # type: ignore[union-attr]


def test_restore_ignores_notes_of_other_reviews(session: Session, review_id: int, event_id: int) -> None:
    """Note ids of another review are never attached to this review's event."""
    other_review = reviews.create(session, title="Other", template="standard").id
    stranger = _note_about(session, other_review, None)
    deleted = timeline.remove_event(session, event_id)
    timeline.restore_event(session, review_id, event_id=event_id, note_ids=(stranger,), **deleted.fields())
    session.expire_all()
    assert session.get(Note, stranger).event_id is None  # type: ignore[union-attr]


def test_restore_validates_like_add_event(session: Session, review_id: int, event_id: int) -> None:
    """Restoring checks the fields too (a participant removed meanwhile is named)."""
    deleted = timeline.remove_event(session, event_id)
    fields = deleted.fields() | {"participants": ["Gone Person"]}
    with pytest.raises(InvalidFieldError, match="Gone Person"):
        timeline.restore_event(session, review_id, event_id=event_id, **fields)


def test_restore_gives_an_imported_event_its_external_id_back(session: Session, review_id: int) -> None:
    """An imported event keeps its origin across delete and restore, so a re-import does not duplicate it."""
    event = timeline.add_event(session, review_id, at=PUSH, text="From Slack", kind="communication")
    event.external_id = "slack:C1:1709370840.000100"
    session.flush()
    deleted = timeline.remove_event(session, event.id)
    assert deleted.external_id == "slack:C1:1709370840.000100"
    restored = timeline.restore_event(session, review_id, event_id=event.id, external_id=deleted.external_id,
                                      **deleted.fields())
    assert restored.external_id == "slack:C1:1709370840.000100"


def test_events_stay_in_time_order_after_a_re_time(session: Session, review_id: int, event_id: int) -> None:
    """Moving an event's time moves it in the review's timeline (time, then id)."""
    later = timeline.add_event(session, review_id, at=PUSH + timedelta(minutes=10), text="Alert fired").id
    timeline.update_event(session, event_id, at=PUSH + timedelta(minutes=20))
    session.flush()
    session.expire_all()
    doc = load_review(session, review_id)
    assert doc is not None
    assert [e.id for e in doc.events] == [later, event_id]
