"""Issue 10: an import is one undo step; notes about its events are linked again on redo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from views.main_window import MainWindow
from views.timeline_import_dialog import TimelineImportDialog

CSV = ("time,text,kind,source,who\n"
       "2026-03-02T09:14:00Z,Config change rolled out,change,deploy log,Ana\n"
       "2026-03-02T10:21:30Z,Alert fires for checkout 5xx,detection,alert,Ana\n"
       "2026-03-02T10:40:00Z,Rollback started,action,chat,Ben\n")
CTRL = Qt.KeyboardModifier.ControlModifier


def _import(window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> int:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    monkeypatch.setattr(window, "ask_timeline_path", lambda folder, filters: str(path))

    def run(dialog: TimelineImportDialog) -> int:
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        dialog.import_now()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        return int(dialog.result())

    monkeypatch.setattr(TimelineImportDialog, "exec", run)
    added = window.import_timeline()
    assert added == 3
    return added


def test_ctrl_z_takes_an_import_back_and_ctrl_shift_z_brings_it_with_its_notes(
        review_window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    window = review_window
    window.services.meeting.go_to("timeline")
    _import(window, tmp_path, qtbot, monkeypatch)
    page = window.review_page
    assert len(page.timeline.events()) == 3
    page.walkthrough.step(1)
    page.walkthrough.step(1)  # the alert
    field = page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, "Nobody trusted that alert")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # the note
    qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)  # back again
    note = window.services.current.doc.notes[0]  # type: ignore[union-attr]
    assert note.event_id is not None

    window.undo_action.trigger()  # the note is the top step: undo it, then the import
    window.redo_action.trigger()
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # note
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # import
    doc = window.services.current.doc
    assert doc is not None and doc.events == () and page.timeline.events() == ()
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)
    doc = window.services.current.doc
    assert doc is not None and [e.text for e in doc.events] == [
        "Config change rolled out", "Alert fires for checkout 5xx", "Rollback started"]
    (again,) = doc.notes
    assert doc.event(again.event_id) is not None
    assert doc.event(again.event_id).text == "Alert fires for checkout 5xx"  # type: ignore[union-attr]


def test_the_import_s_preview_lives_only_as_long_as_its_undo_step(
        review_window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50,000-row preview is ~90 MB: once the review closes, nothing may keep it."""
    import gc
    import weakref

    from app.timeline_import_service import ImportRecord
    from models.timeline_import import ImportPreview

    window = review_window
    review_id = window.review_page.review_id
    assert review_id is not None
    written: list[weakref.ref[ImportPreview]] = []
    real_take = window.services.imports.take_last_import

    def take(review_id: int) -> ImportRecord | None:
        record = real_take(review_id)
        if record is not None:
            written.append(weakref.ref(record.preview))
        return record

    monkeypatch.setattr(window.services.imports, "take_last_import", take)
    _import(window, tmp_path, qtbot, monkeypatch)
    assert window.services.imports.take_last_import(review_id) is None  # the undo step took it
    assert window.services.undo.count() == 1
    assert len(written) == 1
    qtbot.wait(1)  # the dialog's deleteLater
    gc.collect()
    assert written[0]() is not None  # the undo step holds it while the review is open
    window.show_library()
    gc.collect()
    assert written[0]() is None


def test_an_import_written_as_its_dialog_closes_is_still_one_undo_step(
        review_window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel pressed (or the dialog closed) after the write's commit: the events are in the
    review, so Ctrl+Z must still take them away, and the preview goes with the review."""
    import gc
    import weakref

    from PySide6.QtCore import QThreadPool

    from models.timeline_import import ImportPreview

    window = review_window
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    monkeypatch.setattr(window, "ask_timeline_path", lambda folder, filters: str(path))
    previews: list[weakref.ref[ImportPreview]] = []

    def run(dialog: TimelineImportDialog) -> int:
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        assert dialog.preview is not None
        previews.append(weakref.ref(dialog.preview))
        dialog.import_now()
        QThreadPool.globalInstance().waitForDone()  # written; its delivery still queued
        dialog.reject()  # Esc while "Importing…" shows
        return int(dialog.result())

    monkeypatch.setattr(TimelineImportDialog, "exec", run)
    assert window.import_timeline() is None  # the dialog said nothing was added …
    page = window.review_page
    qtbot.waitUntil(lambda: len(page.timeline.events()) == 3, timeout=5000)  # … but it was written
    assert window.services.undo.count() == 1
    assert "Added 3 events from events.csv" in window.statusBar().currentMessage()
    field = page.capture.note_edit
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: page.timeline.events() == (), timeout=3000)
    window.show_library()
    qtbot.wait(1)
    gc.collect()
    assert previews[0]() is None
