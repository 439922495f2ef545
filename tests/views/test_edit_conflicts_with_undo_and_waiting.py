"""Edits and colleagues: undo never writes over a colleague's change in between, an edit waiting for the
library starts from the one before it, a dialog compares with what it opened on."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from PySide6.QtGui import QUndoStack

from app.capture_service import CaptureService
from app.changes import Origin, ReviewChanges
from app.review_service import ReviewService
from app.undo import EditEventCommand, EditNoteCommand
from models.store import open_library
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog


def _asking(monkeypatch, choice):
    asked = []

    def ask(_parent, error, label, **_kw):
        asked.append((error, label))
        return choice

    monkeypatch.setattr(StaleEditDialog, "ask", ask)
    return asked


def test_undo_of_a_note_edited_after_a_colleague_changed_it_stops_at_theirs(services, db_url):
    review_id = services.reviews.create(title="R", template="standard")
    note = services.capture.add_note(review_id, phase="timeline", text="a")
    stack = QUndoStack()
    c1 = EditNoteCommand(services.capture, review_id, note.id, {"text": "b"}, expected={"text": "a"})
    stack.push(c1)
    colleague = CaptureService(open_library(db_url))
    colleague.update_note(review_id, note.id, text="c")
    # the window has shown theirs (or the user chose Keep mine: expected = theirs)
    c2 = EditNoteCommand(services.capture, review_id, note.id, {"text": "d"}, expected={"text": "c"})
    stack.push(c2)
    assert services.capture.notes(review_id)[0].text == "d"
    stack.undo()
    after_undo = services.capture.notes(review_id)[0].text
    assert after_undo != "a", "undo silently overwrote the colleague's 'c' with the original 'a'"


def test_undo_of_an_event_edited_after_a_colleague_changed_it_stops_at_theirs(services, db_url, catalog):
    review_id = services.reviews.create(title="R", template="standard")
    event_id = services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 14, 2, tzinfo=UTC), text="a")
    stack = QUndoStack()
    stack.push(EditEventCommand(services.reviews, review_id, event_id, "text", "b", expected="a"))
    ReviewService(open_library(db_url), catalog).update_event(review_id, event_id, text="c")
    stack.push(EditEventCommand(services.reviews, review_id, event_id, "text", "d", expected="c"))
    stack.undo()
    doc = services.reviews.get(review_id)
    assert doc.events[0].text != "a"


def test_two_edits_waiting_for_the_library_are_both_stored_without_a_question(review_window, qtbot,
                                                                              monkeypatch, library):
    window = review_window
    page = window.review_page
    review_id = page.review_id
    note = window.services.capture.add_note(review_id, phase="level-setting", text="first")
    qtbot.waitUntil(lambda: page.notes_model.row_of(note.id) >= 0)
    asked = _asking(monkeypatch, StaleEditChoice.RELOAD)
    path = library.sqlite_path()
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    page._edit_note_text(note.id, "second")
    page._edit_note_text(note.id, "third")
    lock.execute("ROLLBACK")
    lock.close()
    page.writes.retry()
    qtbot.wait(200)
    assert not asked, "asked about a conflict with the user's own queued edit"
    assert window.services.capture.notes(review_id)[0].text == "third"


def test_a_detail_changed_while_its_dialog_was_open_is_asked_about(review_window, qtbot, monkeypatch,
                                                                       db_url, catalog):
    window = review_window
    page = window.review_page
    review_id = page.review_id
    event_id = window.services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 14, 2, tzinfo=UTC),
                                                 text="Config push", detail="orig")
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.events) == 1)
    timeline = page.timeline
    timeline.select_event(event_id)
    asked = _asking(monkeypatch, StaleEditChoice.RELOAD)

    def ask_detail(event):
        # While the dialog is open, a colleague changes the detail; the window reads it (the watch).
        ReviewService(open_library(db_url), catalog).update_event(review_id, event_id, detail="theirs")
        window.services.changes.announce(ReviewChanges.everything(review_id, Origin.ELSEWHERE))
        return "mine"

    monkeypatch.setattr(timeline, "ask_detail", ask_detail)
    timeline.edit_current_detail()
    qtbot.wait(100)
    doc = window.services.reviews.get(review_id)
    assert doc is not None and doc.events[0].detail == "theirs"  # Reload: theirs stays
    assert asked, "colleague's detail overwritten without asking"
