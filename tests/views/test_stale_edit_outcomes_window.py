"""In the window: a learning, an action, a note or a participant a colleague changed while the dialog was
open is asked about (Reload keeps theirs, Keep mine writes mine); another field they changed stays."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from app.capture_service import CaptureService
from app.review_service import ReviewService
from models.catalog import Catalog
from models.reviews import StaleEditError
from models.store import open_library
from views.main_window import MainWindow
from views.outcome_dialogs import ActionDialog, LearningDialog
from views.participant_dialog import ParticipantDialog
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog


def _colleague(db_url: str) -> CaptureService:
    """A colleague on another machine: their own connection, no window of ours hears them at once."""
    return CaptureService(open_library(db_url))


def _asking(monkeypatch: pytest.MonkeyPatch, choice: StaleEditChoice) -> list[tuple[StaleEditError, str]]:
    asked: list[tuple[StaleEditError, str]] = []

    def ask(_parent: object, error: StaleEditError, label: str, **_kw: object) -> StaleEditChoice:
        asked.append((error, label))
        return choice

    monkeypatch.setattr(StaleEditDialog, "ask", ask)
    return asked


@pytest.mark.parametrize(("choice", "kept"), [(StaleEditChoice.RELOAD, "Canaries skipped on Fridays"),
                                              (StaleEditChoice.KEEP_MINE, "Config pushes bypass canaries")])
def test_a_learning_a_colleague_changed_is_asked_about(review_window: MainWindow, qtbot: QtBot, db_url: str,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       choice: StaleEditChoice, kept: str) -> None:
    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    learning_id = window.services.capture.add_learning(review_id, text="Config pushes skip canaries")
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.learnings) == 1)
    _colleague(db_url).update_learning(review_id, learning_id, text="Canaries skipped on Fridays")
    monkeypatch.setattr(LearningDialog, "ask", classmethod(
        lambda cls, learning, parent=None: {"text": "Config pushes bypass canaries",
                                            "category": learning.category}))
    asked = _asking(monkeypatch, choice)
    steps = window.services.undo.count()
    page.outcomes.learning_edit_requested.emit(learning_id)
    qtbot.waitUntil(lambda: bool(asked))
    error, label = asked[0]
    assert (error.theirs, error.mine, label) == (
        "Canaries skipped on Fridays", "Config pushes bypass canaries", "The learning")
    qtbot.waitUntil(lambda: page.doc is not None and page.doc.learnings[0].text == kept)
    (stored,), _ = window.services.capture.outcomes(review_id)
    assert stored.text == kept
    assert window.services.undo.count() == steps + (choice is StaleEditChoice.KEEP_MINE)
    if choice is StaleEditChoice.RELOAD:
        assert "Kept the change made elsewhere" in page.capture.status_label.text()


def test_an_action_field_a_colleague_changed_is_kept_when_another_is_edited(
        review_window: MainWindow, qtbot: QtBot, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    note = window.services.capture.add_note(review_id, phase="learnings", text="Canary config pushes")
    action_id = window.services.capture.promote_to_action(review_id, note.id)
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.actions) == 1)
    _colleague(db_url).update_action(review_id, action_id, owner="Priya")  # the window still shows no owner

    def edited(cls, action, parent=None, *, people=()):  # type: ignore[no-untyped-def]
        return {"title": action.title, "description": action.description, "owner": action.owner,
                "due": date(2026, 4, 1), "priority": action.priority, "status": action.status,
                "link": action.link}

    monkeypatch.setattr(ActionDialog, "ask", classmethod(edited))
    monkeypatch.setattr(StaleEditDialog, "ask", lambda *a, **k: pytest.fail("no conflict: not asked"))
    page.outcomes.action_edit_requested.emit(action_id)
    _, (action,) = window.services.capture.outcomes(review_id)
    assert (action.owner, action.due) == ("Priya", date(2026, 4, 1))  # theirs and mine


def test_a_participant_a_colleague_renamed_is_asked_about(review_window: MainWindow, qtbot: QtBot,
                                                          db_url: str, catalog: Catalog,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    person_id = window.services.reviews.add_participant(review_id, name="Priya", roles=["responder"])
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.participants) == 1)
    ReviewService(open_library(db_url), catalog).update_participant(review_id, person_id, name="Priya Raman")
    monkeypatch.setattr(ParticipantDialog, "ask", classmethod(
        lambda cls, parent, participant: {"name": "Priya R.", "roles": ["responder"]}))
    asked = _asking(monkeypatch, StaleEditChoice.KEEP_MINE)
    panel = page.level_setting._participants  # noqa: SLF001 - the panel the level setting page shows
    panel._edit(page.doc.participants[0])  # noqa: SLF001 - what a double-click on the line does
    assert [(e.field, e.theirs, e.mine, label) for e, label in asked] == [
        ("name", "Priya Raman", "Priya R.", "The participant's name")]
    doc = window.services.reviews.get(review_id)
    assert doc is not None and doc.participants[0].name == "Priya R."


def test_a_note_edited_in_place_after_a_colleague_changed_it_is_asked_about(
        review_window: MainWindow, qtbot: QtBot, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from views.models.notes_table_model import NotesTableModel

    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    note = window.services.capture.add_note(review_id, phase="level-setting", text="The pager fired twice")
    qtbot.waitUntil(lambda: page.notes_model.row_of(note.id) >= 0)
    _colleague(db_url).update_note(review_id, note.id, text="The pager fired three times")
    asked = _asking(monkeypatch, StaleEditChoice.RELOAD)
    index = page.notes_model.index(page.notes_model.row_of(note.id), NotesTableModel.COL_TEXT)
    assert page.notes_model.setData(index, "The pager fired once")
    qtbot.waitUntil(lambda: bool(asked))
    assert (asked[0][0].theirs, asked[0][0].mine, asked[0][1]) == (
        "The pager fired three times", "The pager fired once", "The note")
    assert window.services.capture.notes(review_id)[0].text == "The pager fired three times"
    def shown() -> str | None:
        row = page.notes_model.note_at(page.notes_model.row_of(note.id))
        return row.text if row is not None else None

    qtbot.waitUntil(lambda: shown() == "The pager fired three times")


@pytest.mark.parametrize(("choice", "kept"), [(StaleEditChoice.RELOAD, "Config push to eu-west (Bob)"),
                                              (StaleEditChoice.KEEP_MINE, "Config push to all regions")])
def test_a_timeline_cell_a_colleague_changed_is_asked_about(review_window: MainWindow, qtbot: QtBot,
                                                            db_url: str, catalog: Catalog,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            choice: StaleEditChoice, kept: str) -> None:
    from datetime import UTC, datetime

    from views.models.timeline_table_model import TimelineTableModel

    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    event_id = window.services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 14, 2, tzinfo=UTC),
                                                 text="Config push")
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.events) == 1)
    ReviewService(open_library(db_url), catalog).update_event(review_id, event_id,
                                                              text="Config push to eu-west (Bob)")
    asked = _asking(monkeypatch, choice)
    model = page.timeline.findChild(TimelineTableModel)
    assert model is not None
    assert model.setData(model.index(0, TimelineTableModel.COL_TEXT), "Config push to all regions")
    qtbot.waitUntil(lambda: bool(asked))
    assert (asked[0][0].item, asked[0][0].theirs, asked[0][1]) == (
        "event", "Config push to eu-west (Bob)", "The event's text")

    def stored() -> str | None:
        doc = window.services.reviews.get(review_id)
        return doc.events[0].text if doc is not None else None

    qtbot.waitUntil(lambda: stored() == kept)
    qtbot.waitUntil(lambda: page.doc is not None and page.doc.events[0].text == kept)


def test_reload_keeps_theirs_for_that_field_and_writes_my_other_changes(
        review_window: MainWindow, qtbot: QtBot, db_url: str, catalog: Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An action: I changed the title and the due date, a colleague the title. Reload: their title,
    my due date. A participant: the same with the name and how they were brought in."""
    window = review_window
    page = window.review_page
    review_id = page.review_id
    assert review_id is not None
    note = window.services.capture.add_note(review_id, phase="learnings", text="Canary config pushes")
    action_id = window.services.capture.promote_to_action(review_id, note.id)
    person_id = window.services.reviews.add_participant(review_id, name="Priya")
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.actions) == 1
                    and len(page.doc.participants) == 1)
    shown_person = page.doc.participants[0]  # what my dialog will open on
    _colleague(db_url).update_action(review_id, action_id, title="Canary every config push (Bob)")
    ReviewService(open_library(db_url), catalog).update_participant(review_id, person_id, name="Priya Raman")
    asked = _asking(monkeypatch, StaleEditChoice.RELOAD)

    def edited(cls, action, parent=None, *, people=()):  # type: ignore[no-untyped-def]
        return {"title": "Canary config pushes first", "description": action.description,
                "owner": action.owner, "due": date(2026, 4, 1), "priority": action.priority,
                "status": action.status, "link": action.link}

    monkeypatch.setattr(ActionDialog, "ask", classmethod(edited))
    page.outcomes.action_edit_requested.emit(action_id)
    qtbot.waitUntil(lambda: len(asked) == 1)

    def stored_action() -> tuple[str, date | None]:
        _, (action,) = window.services.capture.outcomes(review_id)
        return action.title, action.due

    qtbot.waitUntil(lambda: stored_action() == ("Canary every config push (Bob)", date(2026, 4, 1)))
    assert "your other changes are written" in page.capture.status_label.text()

    monkeypatch.setattr(ParticipantDialog, "ask", classmethod(
        lambda cls, parent, participant: {"name": "Priya R.", "brought_in": "paged by the alert"}))
    page.level_setting._participants._edit(shown_person)  # noqa: SLF001 - a double-click
    doc = window.services.reviews.get(review_id)
    assert doc is not None
    assert (doc.participants[0].name, doc.participants[0].brought_in) == ("Priya Raman", "paged by the alert")
    assert [e.field for e, _label in asked] == ["title", "name"]
