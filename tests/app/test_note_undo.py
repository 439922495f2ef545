"""Note, learning and action commands: pushing writes once; undo and redo restore the library."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.bootstrap import Services
from app.undo import (
    AddNoteCommand,
    DeleteActionCommand,
    DeleteLearningCommand,
    DeleteNoteCommand,
    EditActionCommand,
    EditLearningCommand,
    EditNoteCommand,
    PromoteCommand,
)
from models.errors import DomainError

SAID = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


@pytest.fixture
def errors() -> list[DomainError]:
    return []


def _note(services: Services, review_id: int) -> int:
    author = services.reviews.add_participant(review_id, name="Responder A")
    event = services.reviews.add_event(review_id, at=SAID, text="Config change rolled out", kind="change")
    return services.capture.add_note(review_id, phase="timeline", text="The deploy looked routine",
                                     kind="surprise", said_at=SAID, author_id=author, event_id=event,
                                     private=True).id


def test_add_note_writes_once_and_undo_redo_keep_the_id(services: Services, review_id: int) -> None:
    """Pushing adds one note; undo removes it; redo brings it back with the same id."""
    command = AddNoteCommand(services.capture, review_id, {"phase": "timeline", "text": "Pager fired"})
    services.undo.push(command)
    notes = services.capture.notes(review_id)
    assert [n.text for n in notes] == ["Pager fired"]
    services.undo.undo()
    assert services.capture.notes(review_id) == ()
    services.undo.redo()
    assert services.capture.notes(review_id) == notes


def test_edits_after_an_add_still_apply_after_undo_and_redo(services: Services, review_id: int) -> None:
    """An edit pushed after an add finds the note again when both are undone and redone."""
    add = AddNoteCommand(services.capture, review_id, {"phase": "timeline", "text": "Pager fired"})
    services.undo.push(add)
    assert add.note_id is not None
    services.undo.push(EditNoteCommand(services.capture, review_id, add.note_id, {"kind": "question"}))
    services.undo.undo()
    services.undo.undo()
    services.undo.redo()
    services.undo.redo()
    (note,) = services.capture.notes(review_id)
    assert note.kind == "question"


def test_text_edits_of_one_note_merge(services: Services, review_id: int) -> None:
    """Consecutive text edits of one note are one undo step back to the first text."""
    note_id = services.capture.add_note(review_id, phase="timeline", text="one").id
    for text in ("two", "three"):
        services.undo.push(EditNoteCommand(services.capture, review_id, note_id, {"text": text}))
    assert services.undo.count() == 1
    services.undo.undo()
    assert services.capture.get_note(note_id).text == "one"  # type: ignore[union-attr]
    services.undo.redo()
    assert services.capture.get_note(note_id).text == "three"  # type: ignore[union-attr]


def test_edit_note_kind_author_undo(services: Services, review_id: int) -> None:
    """Editing kind and speaker undoes to the old values."""
    note_id = _note(services, review_id)
    before = services.capture.get_note(note_id)
    services.undo.push(EditNoteCommand(services.capture, review_id, note_id,
                                       {"kind": "observation", "author_id": None}))
    assert services.capture.get_note(note_id).author_id is None  # type: ignore[union-attr]
    services.undo.undo()
    assert services.capture.get_note(note_id) == before


def test_delete_note_undo_restores_all_and_relinks_outcomes(services: Services, review_id: int) -> None:
    """Undoing a delete brings back id, phase, kind, time, speaker, event, privacy and outcome links."""
    note_id = _note(services, review_id)
    before = services.capture.get_note(note_id)
    learning_id = services.capture.promote_to_learning(review_id, note_id)
    action_id = services.capture.promote_to_action(review_id, note_id)
    services.undo.push(DeleteNoteCommand(services.capture, review_id, note_id, "routine"))
    assert services.capture.get_note(note_id) is None
    assert services.capture.get_learning(learning_id).note_id is None
    services.undo.undo()
    assert services.capture.get_note(note_id) == before
    assert services.capture.get_learning(learning_id).note_id == note_id
    assert services.capture.get_action(action_id).note_id == note_id
    services.undo.redo()
    assert services.capture.get_note(note_id) is None


def test_promote_undo_deletes_what_was_created(services: Services, review_id: int) -> None:
    """Undoing a promotion removes the learning or action; redo brings it back with its id."""
    note_id = services.capture.add_note(review_id, phase="surprises", text="Sampling hides errors").id
    for to in ("learning", "action"):
        command = PromoteCommand(services.capture, review_id, note_id, to)
        services.undo.push(command)
        learnings, actions = services.capture.outcomes(review_id)
        created = (learnings if to == "learning" else actions)[0]
        assert created.id == command.outcome_id and created.note_id == note_id
        services.undo.undo()
        learnings, actions = services.capture.outcomes(review_id)
        assert not (learnings if to == "learning" else actions)
        services.undo.redo()
        learnings, actions = services.capture.outcomes(review_id)
        assert (learnings if to == "learning" else actions) == (created,)


def test_promote_twice_is_refused_and_not_kept(services: Services, review_id: int,
                                               errors: list[DomainError]) -> None:
    """A refused promotion reports its error and leaves no undo step."""
    note_id = services.capture.add_note(review_id, phase="surprises", text="Sampling hides errors").id
    services.undo.push(PromoteCommand(services.capture, review_id, note_id, "learning"))
    services.undo.push(PromoteCommand(services.capture, review_id, note_id, "learning",
                                      on_error=errors.append))
    assert len(errors) == 1 and services.undo.count() == 1


def test_learning_edit_and_delete_undo(services: Services, review_id: int) -> None:
    """Editing and deleting a learning both undo to the stored learning."""
    learning_id = services.capture.add_learning(review_id, text="Sampling can hide an outage")
    before = services.capture.get_learning(learning_id)
    services.undo.push(EditLearningCommand(services.capture, review_id, learning_id,
                                           {"text": "Sampling hides partial outages", "category": "process"}))
    assert services.capture.get_learning(learning_id).category == "process"
    services.undo.undo()
    assert services.capture.get_learning(learning_id) == before
    services.undo.redo()
    services.undo.push(DeleteLearningCommand(services.capture, review_id, learning_id))
    assert services.capture.outcomes(review_id)[0] == ()
    services.undo.undo()
    assert services.capture.get_learning(learning_id).text == "Sampling hides partial outages"
    services.undo.undo()
    assert services.capture.get_learning(learning_id) == before


def test_action_edit_and_delete_undo(services: Services, review_id: int) -> None:
    """Editing and deleting an action both undo to the stored action."""
    note_id = services.capture.add_note(review_id, phase="actions", text="Alert on unsampled errors").id
    action_id = services.capture.promote_to_action(review_id, note_id)
    before = services.capture.get_action(action_id)
    services.undo.push(EditActionCommand(services.capture, review_id, action_id,
                                         {"owner": "Platform", "status": "in-progress"}))
    services.undo.push(DeleteActionCommand(services.capture, review_id, action_id))
    assert services.capture.outcomes(review_id)[1] == ()
    services.undo.undo()
    assert services.capture.get_action(action_id).owner == "Platform"
    services.undo.undo()
    assert services.capture.get_action(action_id) == before


def test_a_refused_command_keeps_no_frame_alive(services: Services, review_id: int,
                                               errors: list[DomainError]) -> None:
    """The refusal is kept without its traceback: Qt deletes a refused command pushed on a stack, and a
    cycle through the traceback's frames made the next garbage collection crash the interpreter."""
    import gc

    note_id = services.capture.add_note(review_id, phase="surprises", text="Sampling hides errors").id
    services.undo.push(PromoteCommand(services.capture, review_id, note_id, "learning"))
    refused = PromoteCommand(services.capture, review_id, note_id, "learning", on_error=errors.append)
    services.undo.push(refused)
    assert len(errors) == 1 and errors[0].__traceback__ is None
    del refused
    gc.collect()  # crashed (segfault) while the traceback was kept
    assert services.undo.count() == 1
