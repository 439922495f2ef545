"""Timeline commands on the app's undo stack: pushing writes once, undo and redo restore the library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.undo import AddEventCommand, DeleteEventCommand, EditEventCommand, UndoConflictError
from models.errors import DomainError
from models.snapshot import EventRow

PUSH = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


@pytest.fixture
def review_id(services: Services) -> int:
    review = services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")
    services.reviews.add_participant(review, name="Responder A")
    return review


@pytest.fixture
def event_id(services: Services, review_id: int) -> int:
    return services.reviews.add_event(review_id, at=PUSH, text="Config change rolled out", kind="change")


@pytest.fixture
def errors() -> list[DomainError]:
    return []


def events(services: Services, review_id: int) -> tuple[EventRow, ...]:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc.events


def note_links(services: Services, review_id: int) -> dict[int, int | None]:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return {n.id: n.event_id for n in doc.notes}


def edit(services: Services, review_id: int, event_id: int, field: str, value: object,
         errors: list[DomainError]) -> EditEventCommand:
    return EditEventCommand(services.reviews, review_id, event_id, field, value, on_error=errors.append)


def test_pushing_an_add_writes_it_once(qtbot: QtBot, services: Services, review_id: int) -> None:
    """The push performs the add (one change set with the event as stored), and the command knows its id."""
    seen: list[int] = []
    services.changes.changed.connect(lambda changes: seen.extend(e.id for e in changes.events))
    command = AddEventCommand(services.reviews, review_id, {"at": PUSH, "text": "Alert fired"})
    services.undo.push(command)
    assert [e.id for e in events(services, review_id)] == [command.event_id] == seen


def test_add_undo_redo(services: Services, review_id: int) -> None:
    """Undo removes the added event; redo brings it back under the same id."""
    command = AddEventCommand(services.reviews, review_id, {"at": PUSH, "text": "Alert fired"})
    services.undo.push(command)
    added = events(services, review_id)
    services.undo.undo()
    assert events(services, review_id) == ()
    services.undo.redo()
    assert events(services, review_id) == added


def test_redo_of_an_add_relinks_notes_taken_meanwhile(services: Services, review_id: int) -> None:
    """Notes attached to an added event come back attached when the add is undone and redone."""
    command = AddEventCommand(services.reviews, review_id, {"at": PUSH, "text": "Alert fired"})
    services.undo.push(command)
    note = services.capture.add_note(review_id, phase="timeline", text="Paged", event_id=command.event_id)
    services.undo.undo()
    assert note_links(services, review_id) == {note.id: None}
    services.undo.redo()
    assert note_links(services, review_id) == {note.id: command.event_id}


def test_a_refused_add_is_not_kept(services: Services, review_id: int, errors: list[DomainError]) -> None:
    """An add the library refuses reports why, writes nothing and leaves no step to undo."""
    command = AddEventCommand(services.reviews, review_id,
                              {"at": PUSH, "text": "Alert fired", "participants": ["Nobody"]},
                              on_error=errors.append)
    services.undo.push(command)
    assert [e.field for e in errors] == ["participants"]  # type: ignore[attr-defined]
    assert command.error is errors[0]
    assert (services.undo.count(), events(services, review_id)) == (0, ())


def test_edit_undo_redo(services: Services, review_id: int, event_id: int, errors: list[DomainError]) -> None:
    """An edit is committed on push, reverted by undo and made again by redo."""
    services.undo.push(edit(services, review_id, event_id, "kind", "decision", errors))
    assert events(services, review_id)[0].kind == "decision"
    services.undo.undo()
    assert events(services, review_id)[0].kind == "change"
    services.undo.redo()
    assert events(services, review_id)[0].kind == "decision"
    assert errors == []


def test_re_time_undo_restores_the_time(services: Services, review_id: int, event_id: int,
                                        errors: list[DomainError]) -> None:
    """Moving an event in time and undoing puts it back at its old moment."""
    services.undo.push(edit(services, review_id, event_id, "at", PUSH + timedelta(hours=1), errors))
    assert events(services, review_id)[0].at == PUSH + timedelta(hours=1)
    services.undo.undo()
    assert events(services, review_id)[0].at == PUSH


def test_edits_of_one_field_of_one_event_merge(services: Services, review_id: int, event_id: int,
                                               errors: list[DomainError]) -> None:
    """Typing the text twice is one undo step back to the original."""
    services.undo.push(edit(services, review_id, event_id, "text", "Config pushed", errors))
    services.undo.push(edit(services, review_id, event_id, "text", "Config pushed to all regions", errors))
    assert services.undo.count() == 1
    assert events(services, review_id)[0].text == "Config pushed to all regions"
    services.undo.undo()
    assert events(services, review_id)[0].text == "Config change rolled out"


@pytest.mark.parametrize(("field", "value"), [("source", "chat"), ("text", "Other text")])
def test_edits_of_other_fields_or_events_do_not_merge(services: Services, review_id: int, event_id: int,
                                                      errors: list[DomainError], field: str,
                                                      value: str) -> None:
    """A different field, or the same field of another event, is a step of its own."""
    other = services.reviews.add_event(review_id, at=PUSH, text="Alert fired")
    services.undo.push(edit(services, review_id, event_id, "text", "Config pushed", errors))
    target = other if field == "text" else event_id
    services.undo.push(edit(services, review_id, target, field, value, errors))
    assert services.undo.count() == 2


def test_editing_back_to_the_start_leaves_no_step(services: Services, review_id: int, event_id: int,
                                                  errors: list[DomainError]) -> None:
    """Toggling the estimate flag on and off again merges into nothing to undo."""
    services.undo.push(edit(services, review_id, event_id, "approximate", True, errors))
    services.undo.push(edit(services, review_id, event_id, "approximate", False, errors))
    assert services.undo.count() == 0
    assert events(services, review_id)[0].approximate is False


def test_an_edit_that_changes_nothing_writes_nothing(qtbot: QtBot, services: Services, review_id: int,
                                                     event_id: int, errors: list[DomainError]) -> None:
    """Setting a field to its value is no write and no step."""
    with qtbot.assertNotEmitted(services.changes.changed):
        services.undo.push(edit(services, review_id, event_id, "kind", "change", errors))
    assert services.undo.count() == 0


def test_delete_undo_brings_back_the_event_and_its_notes(services: Services, review_id: int,
                                                         event_id: int) -> None:
    """Undoing a delete restores the event with its id and links its notes again; redo unlinks them."""
    first = services.capture.add_note(review_id, phase="timeline", text="Looked normal", event_id=event_id)
    second = services.capture.add_note(review_id, phase="timeline", text="No page", event_id=event_id)
    before = events(services, review_id)
    services.undo.push(DeleteEventCommand(services.reviews, review_id, event_id, "Config change"))
    assert events(services, review_id) == ()
    assert note_links(services, review_id) == {first.id: None, second.id: None}
    services.undo.undo()
    assert events(services, review_id) == before
    assert note_links(services, review_id) == {first.id: event_id, second.id: event_id}
    services.undo.redo()
    assert events(services, review_id) == ()


def test_undo_refuses_to_overwrite_a_change_made_elsewhere(services: Services, review_id: int, event_id: int,
                                                           errors: list[DomainError]) -> None:
    """If the event was edited outside the undo history, undo reports it and leaves that edit alone."""
    services.undo.push(edit(services, review_id, event_id, "text", "Config pushed", errors))
    services.reviews.update_event(review_id, event_id, text="Changed by someone else")
    services.undo.undo()
    assert events(services, review_id)[0].text == "Changed by someone else"
    assert isinstance(errors[0], UndoConflictError)
    assert services.undo.count() == 0


def test_undo_of_an_edit_to_a_deleted_event_is_dropped(services: Services, review_id: int, event_id: int,
                                                       errors: list[DomainError]) -> None:
    """An event deleted outside the history makes its edits' undo a reported no-op."""
    services.undo.push(edit(services, review_id, event_id, "text", "Config pushed", errors))
    services.reviews.remove_event(event_id)
    services.undo.undo()
    assert "no timeline event" in str(errors[0])
    assert (services.undo.count(), events(services, review_id)) == (0, ())


def test_a_long_history_replays_both_ways(services: Services, review_id: int, event_id: int,
                                          errors: list[DomainError]) -> None:
    """Add, edit, delete; undo all, redo all: the library ends as it was after each direction."""
    start = events(services, review_id)
    add = AddEventCommand(services.reviews, review_id, {"at": PUSH + timedelta(minutes=3), "text": "Paged"})
    services.undo.push(add)
    assert add.event_id is not None
    services.undo.push(edit(services, review_id, add.event_id, "at", PUSH - timedelta(minutes=3), errors))
    services.undo.push(DeleteEventCommand(services.reviews, review_id, event_id))
    end = events(services, review_id)
    while services.undo.canUndo():
        services.undo.undo()
    assert events(services, review_id) == start
    while services.undo.canRedo():
        services.undo.redo()
    assert events(services, review_id) == end
    assert errors == []


def test_commands_signal_after_the_commit(qtbot: QtBot, services: Services, review_id: int, event_id: int,
                                          errors: list[DomainError]) -> None:
    """Each step announces the event as stored for its review (views update that row from it)."""
    with qtbot.waitSignal(services.changes.changed, timeout=1000) as pushed:
        services.undo.push(edit(services, review_id, event_id, "source", "pager", errors))
    with qtbot.waitSignal(services.changes.changed, timeout=1000) as undone:
        services.undo.undo()
    assert [(c.review_id, [e.source for e in c.events]) for c in (pushed.args[0], undone.args[0])] == [
        (review_id, ["pager"]), (review_id, [""])]
