"""The room view on its own: big enough for the back of the room, and nothing private."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from models.snapshot import NoteRow
from views.room_window import LATEST_NOTES, RoomState, RoomWindow


def _note(note_id: int, text: str, *, private: bool = False, kind: str = "observation") -> NoteRow:
    moment = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    return NoteRow(note_id, "timeline", kind, text, moment, None, None, None, private, moment)


def test_at_1920_by_1080_the_phase_is_at_least_48_px_and_notes_28_px(qtbot: QtBot) -> None:
    """Readable from the back of a room."""
    room = RoomWindow()
    qtbot.addWidget(room)
    room.resize(1920, 1080)
    room.show()
    qtbot.waitExposed(room)
    assert room.phase_label.font().pixelSize() >= 48
    assert room.notes_label.font().pixelSize() >= 28
    assert room.prompt_label.font().pixelSize() >= 28


def test_private_notes_never_reach_the_room(qtbot: QtBot) -> None:
    """A private note handed over by mistake is still not shown."""
    room = RoomWindow()
    qtbot.addWidget(room)
    room.show_state(RoomState(phase="Timeline walkthrough", notes=(
        _note(1, "Dashboards looked normal"), _note(2, "Facilitator aside: watch the time", private=True))))
    assert "Dashboards looked normal" in room.notes_label.text()
    assert "Facilitator aside" not in room.notes_label.text()


def test_only_the_latest_notes_are_shown_with_their_speaker(qtbot: QtBot) -> None:
    """LATEST_NOTES notes at most, newest last, each with who said it (name or role)."""
    room = RoomWindow()
    qtbot.addWidget(room)
    notes = tuple(_note(i, f"note number {i}") for i in range(1, LATEST_NOTES + 4))
    last = LATEST_NOTES + 3
    room.show_state(RoomState(phase="Surprises", notes=notes, speakers={last: "Incident commander"}))
    text = room.notes_label.text()
    first_shown = 4
    assert f"note number {first_shown - 1}<" not in text and f"note number {first_shown}<" in text
    assert f"note number {LATEST_NOTES + 3} " in text
    assert "Incident commander" in text


def test_the_timer_colour_follows_the_overrun_level(qtbot: QtBot) -> None:
    """Over time shows in colour, not with a dialog."""
    room = RoomWindow()
    qtbot.addWidget(room)
    room.show_state(RoomState(phase="Timeline walkthrough", timer="+3:10 over", overrun=1))
    assert room.timer_label.property("overrun") == "1"
    assert room.timer_label.text() == "+3:10 over"


def test_the_prompt_stands_out_in_the_accent_colour(qtbot: QtBot) -> None:
    """The question on the table is amber, not the body text's white."""
    room = RoomWindow()
    qtbot.addWidget(room)
    room.show_state(RoomState(phase="Timeline walkthrough", prompt="What looked weird at this point?"))
    room.show()
    qtbot.waitExposed(room)
    prompt = room.prompt_label.palette().color(room.prompt_label.foregroundRole()).name()
    body = room.goal_label.palette().color(room.goal_label.foregroundRole()).name()
    assert prompt == "#ffe082" and prompt != body


def test_the_room_view_fills_a_1080p_projector(qtbot: QtBot) -> None:
    """Issue 10: notes at least 32 px on 1080p, the event under discussion larger than the notes."""
    room = RoomWindow()
    qtbot.addWidget(room)
    room.resize(1920, 1080)
    room.show()
    qtbot.waitExposed(room)
    assert room.height() == 1080
    assert room.font_pixel_size("notes") >= 32
    assert room.font_pixel_size("event") > room.font_pixel_size("notes")
    assert room.notes_label.font().pixelSize() >= 32
    room.resize(3840, 2160)
    assert room.notes_label.font().pixelSize() >= 64  # scaled with the screen
