"""The notes and library table models, without a window or a database."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from models.snapshot import NoteRow, ReviewSummary
from views.models.library_table_model import LibraryTableModel
from views.models.notes_table_model import NotesTableModel

BERLIN = ZoneInfo("Europe/Berlin")


def _note(note_id: int, text: str = "Dashboards looked normal", kind: str = "surprise",
          event_id: int | None = None) -> NoteRow:
    return NoteRow(note_id, "timeline", kind, text, datetime(2026, 3, 2, 9, 20, tzinfo=UTC), None,
                   "Responder A", event_id, False, datetime(2026, 3, 4, 10, 0, tzinfo=UTC))


def _summary(review_id: int, title: str, started: datetime | None) -> ReviewSummary:
    created = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    return ReviewSummary(review_id, title, started, "SEV2", "draft", "incident", "standard", "Europe/Berlin",
                         created, created)


def test_notes_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    """Rows, columns, flags and inserts keep Qt's model contract."""
    model = NotesTableModel()
    model.set_rows([_note(1), _note(2, kind="question")], BERLIN)
    qtmodeltester.check(model)
    model.append(_note(3))
    model.remove(1)
    qtmodeltester.check(model)


def test_note_time_shows_in_the_review_timezone(qapp: object) -> None:
    """09:20 UTC in March shows as 10:20 in Berlin."""
    model = NotesTableModel()
    model.set_rows([_note(1)], BERLIN)
    assert model.index(0, NotesTableModel.COL_TIME).data() == "10:20"


def test_a_note_about_an_event_names_it(qapp: object) -> None:
    """The text column shows the event the note is attached to."""
    model = NotesTableModel()
    model.set_rows([_note(1, event_id=7)], BERLIN, {7: "Config rolled out"})
    index = model.index(0, NotesTableModel.COL_TEXT)
    assert index.data() == "Dashboards looked normal   ↳ Config rolled out"
    assert index.data(Qt.ItemDataRole.EditRole) == "Dashboards looked normal"


def test_only_the_text_is_editable_and_an_edit_is_asked_for_not_made(qtbot: QtBot) -> None:
    """setData emits text_edited and leaves the row to the service's answer."""
    model = NotesTableModel()
    model.set_rows([_note(1)], BERLIN)
    assert not model.flags(model.index(0, NotesTableModel.COL_KIND)) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.text_edited) as blocker:
        assert model.setData(model.index(0, NotesTableModel.COL_TEXT), "  Dashboards were sampled  ")
    assert blocker.args == [1, "Dashboards were sampled"]
    assert model.note_at(0).text == "Dashboards looked normal"  # type: ignore[union-attr]


def test_an_empty_edit_is_refused(qtbot: QtBot) -> None:
    """Blanking a note's text is not an edit (Delete removes notes)."""
    model = NotesTableModel()
    model.set_rows([_note(1)], BERLIN)
    with qtbot.assertNotEmitted(model.text_edited):
        assert not model.setData(model.index(0, NotesTableModel.COL_TEXT), "   ")


def test_library_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    """The library model keeps Qt's model contract."""
    model = LibraryTableModel()
    model.set_rows([_summary(1, "A", datetime(2026, 3, 2, 9, 14, tzinfo=UTC)), _summary(2, "B", None)])
    qtmodeltester.check(model)


def test_library_shows_the_start_in_the_review_timezone_and_sorts_by_instant(qapp: object) -> None:
    """Started is local to the review; the sort role is the UTC instant."""
    model = LibraryTableModel()
    model.set_rows([_summary(1, "A", datetime(2026, 3, 2, 9, 14, tzinfo=UTC))])
    index = model.index(0, LibraryTableModel.COL_STARTED)
    assert index.data() == "2026-03-02 10:14 CET"
    assert index.data(LibraryTableModel.SortRole) == datetime(2026, 3, 2, 9, 14, tzinfo=UTC).timestamp()
    assert model.index(0, 0).data(LibraryTableModel.IdRole) == 1
