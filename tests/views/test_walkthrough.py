"""Walking the timeline in the room: keys step through events, notes land on the event discussed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from views.main_window import MainWindow
from views.models.notes_table_model import NotesTableModel

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
EVENTS = [
    (datetime(2026, 3, 2, 9, 14, tzinfo=UTC), "Config change rolled out to all regions", "change",
     "deploy log"),
    (datetime(2026, 3, 2, 9, 20, tzinfo=UTC), "Error rate climbs, dashboards look normal", "impact",
     "colleague"),
    (datetime(2026, 3, 2, 9, 21, tzinfo=UTC), "Alert fires for checkout 5xx", "detection",
     "pagerduty alert"),
    (datetime(2026, 3, 2, 9, 48, tzinfo=UTC), "Config rolled back", "mitigation", "deploy log"),
]


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot) -> Iterator[MainWindow]:
    services = build_services(library, catalog=catalog)
    review_id = services.reviews.create(title="Checkout errors", template="standard",
                                        timezone="Europe/Berlin", started_at=EVENTS[0][0])
    services.reviews.add_participant(review_id, name="Responder A", roles=["responder"])
    for at, text, kind, source in EVENTS:
        services.reviews.add_event(review_id, at=at, text=text, kind=kind, source=source)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_review(review_id)
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
    assert window.review_page.current_phase() == "timeline"
    yield window


def _say(qtbot: QtBot, window: MainWindow, text: str) -> None:
    field = window.review_page.capture.note_edit
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _walk(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    qtbot.keyClick(window.review_page.capture.note_edit, key, ALT)


def test_alt_down_walks_events_and_the_card_shows_the_current_one(window: MainWindow, qtbot: QtBot) -> None:
    """Alt+Down starts at the first event and moves on; Alt+Up goes back; the card names the event."""
    panel = window.review_page.walkthrough
    _walk(qtbot, window, Qt.Key.Key_Down)
    assert panel.current_event().text == EVENTS[0][1]  # type: ignore[union-attr]
    assert "10:14" in panel.card.text() and EVENTS[0][1] in panel.card.text()
    _walk(qtbot, window, Qt.Key.Key_Down)
    _walk(qtbot, window, Qt.Key.Key_Down)
    assert panel.current_event().text == EVENTS[2][1]  # type: ignore[union-attr]
    assert "T+0h07m" in panel.card.text()
    _walk(qtbot, window, Qt.Key.Key_Up)
    assert panel.current_event().text == EVENTS[1][1]  # type: ignore[union-attr]
    assert window.review_page.capture.note_edit.hasFocus()


def test_notes_typed_during_the_walk_attach_to_the_current_event_and_show_under_it_in_word(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two notes on two events; the Word timeline shows each under its own event only."""
    _walk(qtbot, window, Qt.Key.Key_Down)
    _say(qtbot, window, "The rollout looked routine, it went out the same way all week")
    _walk(qtbot, window, Qt.Key.Key_Down)
    _walk(qtbot, window, Qt.Key.Key_Down)
    _say(qtbot, window, "The alert was the first signal anyone trusted")
    doc = window.services.reviews.get(window.review_page.review_id)  # type: ignore[arg-type]
    assert doc is not None
    by_event = {doc.event(n.event_id).text: n.text for n in doc.notes}  # type: ignore[union-attr]
    assert by_event == {EVENTS[0][1]: "The rollout looked routine, it went out the same way all week",
                        EVENTS[2][1]: "The alert was the first signal anyone trusted"}
    # The notes table shows each note with the event it is about, as it is typed.
    shown = [window.review_page.notes_model.index(row, NotesTableModel.COL_TEXT).data()
             for row in range(window.review_page.notes_model.rowCount())]
    assert shown == [f"The rollout looked routine, it went out the same way all week   ↳ {EVENTS[0][1]}",
                     f"The alert was the first signal anyone trusted   ↳ {EVENTS[2][1]}"]

    target = tmp_path / "walk.docx"
    monkeypatch.setattr(window, "ask_export_choice", lambda review_id, initial: initial)
    monkeypatch.setattr(window, "ask_save_path", lambda suggested, filters, selected: (str(target), selected))
    window.export_action.trigger()
    document = docx.Document(io.BytesIO(target.read_bytes()))
    timeline = next(t for t in document.tables if t.rows[0].cells[0].text == "Time")
    rows = {row.cells[2].text.split("\n")[0]: row.cells[2].text for row in timeline.rows[1:]}
    assert "The rollout looked routine" in rows[EVENTS[0][1]]
    assert "The alert was the first signal anyone trusted" in rows[EVENTS[2][1]]
    assert "The alert was" not in rows[EVENTS[1][1]] and "rollout looked" not in rows[EVENTS[3][1]]


def test_ctrl_g_jumps_to_the_first_event_at_or_after_a_time(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jump to 10:21 (Berlin) lands on the 09:21 UTC alert."""
    panel = window.review_page.walkthrough
    monkeypatch.setattr(panel, "ask_time", lambda suggested, zone: "10:21")
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_G, CTRL)
    assert panel.current_event().text == EVENTS[2][1]  # type: ignore[union-attr]


def test_the_chart_highlights_the_current_event(window: MainWindow, qtbot: QtBot) -> None:
    """The who-knew-what-when tab marks the event the walkthrough is on."""
    panel = window.review_page.walkthrough
    _walk(qtbot, window, Qt.Key.Key_Down)
    _walk(qtbot, window, Qt.Key.Key_Down)
    panel.tabs.setCurrentIndex(panel.TAB_CHART)
    assert panel.chart.current_event() == panel.timeline.highlighted_event_id()


def test_walking_keys_do_nothing_outside_the_timeline_phase(window: MainWindow, qtbot: QtBot) -> None:
    """In other phases Alt+Down leaves the walkthrough where it was."""
    qtbot.keyClick(window.review_page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
    _walk(qtbot, window, Qt.Key.Key_Down)
    assert window.review_page.walkthrough.current_event() is None


def test_ctrl_z_in_the_empty_note_field_undoes_the_last_timeline_edit(window: MainWindow,
                                                                      qtbot: QtBot) -> None:
    """During the walkthrough focus stays in the note field; Ctrl+Z there still undoes an event edit."""
    page = window.review_page
    review_id = page.review_id
    event = window.services.reviews.get(review_id).events[0]  # type: ignore[arg-type, union-attr]
    from app.undo import EditEventCommand

    assert review_id is not None
    window.services.undo.push(EditEventCommand(window.services.reviews, review_id, event.id, "text",
                                               "Config change rolled out to one region"))
    assert window.services.reviews.get_event(event.id).text == "Config change rolled out to one region"  # type: ignore[union-attr]
    page.capture.note_edit.setFocus()
    qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_Z, CTRL)
    assert window.services.reviews.get_event(event.id).text == EVENTS[0][1]  # type: ignore[union-attr]


def test_ctrl_z_with_a_half_typed_note_undoes_the_typing_not_the_timeline(window: MainWindow,
                                                                          qtbot: QtBot) -> None:
    """With text in the field, Ctrl+Z is the field's own undo."""
    page = window.review_page
    qtbot.keyClicks(page.capture.note_edit, "half a thought")
    before = window.services.undo.count()
    qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_Z, CTRL)
    assert page.capture.note_edit.text() != "half a thought"
    assert window.services.undo.count() == before and window.services.undo.index() == before


def test_ctrl_z_in_the_library_changes_nothing(window: MainWindow, qtbot: QtBot) -> None:
    """Going back to the library forgets the review's undo steps."""
    review_id = window.review_page.review_id
    event = window.services.reviews.get(review_id).events[0]  # type: ignore[arg-type, union-attr]
    from app.undo import EditEventCommand

    assert review_id is not None
    window.services.undo.push(EditEventCommand(window.services.reviews, review_id, event.id, "text",
                                               "Edited before leaving"))
    window.show_library()
    assert not window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert window.services.reviews.get_event(event.id).text == "Edited before leaving"  # type: ignore[union-attr]
