"""The timeline import preview: rows as they will be imported, problems by row, Import only when clean."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

import models.timeline_import as timeline_import_module
from app.bootstrap import Services
from models import csv_timeline
from models.errors import StorageError
from models.snapshot import EventRow
from models.timeline_import import ImportPreview, import_event_rows
from views.main_window import MainWindow
from views.timeline_import_dialog import TimelineImportDialog

CSV = ("time,text,kind,source,who\n"
       "2026-03-02T09:14:00Z,Config change rolled out,change,deploy log,Ana\n"
       "2026-03-02T09:21:30Z,Alert fires for checkout 5xx,detection,alert,Ana; Ben\n"
       "~2026-03-02 10:40,Rollback finished,mitigation,chat,Ben\n")


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


def _dialog(qtbot: QtBot, services: Services, review_id: int, path: Path) -> TimelineImportDialog:
    dialog = TimelineImportDialog(services, review_id, path)
    qtbot.addWidget(dialog)
    _settled(qtbot, dialog)
    return dialog


def _settled(qtbot: QtBot, dialog: TimelineImportDialog) -> None:
    """Wait for the background read or import to be shown."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)


def _cells(dialog: TimelineImportDialog, row: int) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def _csv(tmp_path: Path, text: str = CSV) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _choose(combo: QComboBox, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_rows_show_as_they_will_be_imported(qtbot: QtBot, services: Services, review_id: int,
                                            tmp_path: Path) -> None:
    """Row number, Berlin time (to the second the file gives; ≈ when approximate), kind, text, source, who."""
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path))
    assert dialog.model.rowCount() == 3
    assert _cells(dialog, 1) == ["3", "2026-03-02 10:21:30", "Detection", "Alert fires for checkout 5xx",
                                 "alert", "Ana, Ben"]
    assert _cells(dialog, 2)[1] == "≈ 2026-03-02 10:40"
    assert "3 new events" in dialog.summary.text() and "New participants: Ana, Ben" in dialog.summary.text()


def test_import_is_enabled_for_a_clean_file_and_writes_it(qtbot: QtBot, services: Services, review_id: int,
                                                          tmp_path: Path) -> None:
    """Import (3 events) writes them all and closes the dialog."""
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path))
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 3 events"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dialog)
    assert dialog.added == 3 and dialog.result() == TimelineImportDialog.DialogCode.Accepted
    doc = services.reviews.get(review_id)
    assert doc is not None and len(doc.events) == 3


def test_problems_are_listed_by_row_and_disable_import(qtbot: QtBot, services: Services, review_id: int,
                                                       tmp_path: Path) -> None:
    """An unparseable time on row 3 is listed; Import stays disabled."""
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path, CSV.replace("2026-03-02T09:21:30Z", "soon")))
    assert dialog.problems.count() == 1
    assert dialog.problems.item(0).text().startswith("row 3: time 'soon' is not a date and time")
    assert not dialog.problems.isHidden()
    assert not dialog.import_button.isEnabled()


def test_choosing_columns_fixes_an_unrecognised_header(qtbot: QtBot, services: Services, review_id: int,
                                                       tmp_path: Path) -> None:
    """Without a time column Import is disabled; picking the columns makes the preview again."""
    path = _csv(tmp_path, "Zeitpunkt,Ereignis\n2026-03-02T09:14:00Z,Konfiguration verteilt\n")
    dialog = _dialog(qtbot, services, review_id, path)
    assert not dialog.import_button.isEnabled() and "no time column" in dialog.problems.item(0).text()
    _choose(dialog.field_combos["time"], "Zeitpunkt")
    _settled(qtbot, dialog)
    _choose(dialog.field_combos["text"], "Ereignis")
    _settled(qtbot, dialog)
    assert dialog.problems.count() == 0 and dialog.problems.isHidden()
    assert dialog.import_button.isEnabled()
    assert _cells(dialog, 0)[3] == "Konfiguration verteilt"


def test_time_format_and_timezone_make_the_preview_again(qtbot: QtBot, services: Services, review_id: int,
                                                         tmp_path: Path) -> None:
    """Day-first times are problems until the format is given; the timezone moves them."""
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path, "time,text\n02/03/2026 09:14,Pushed\n"))
    assert not dialog.import_button.isEnabled()
    dialog.time_format.setText("%d/%m/%Y %H:%M")
    dialog.timezone.setText("America/New_York")
    dialog.refresh()
    _settled(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    assert _cells(dialog, 0)[1] == "2026-03-02 15:14"  # 09:14 in New York, shown in Berlin


def test_a_slack_export_offers_its_channels(qtbot: QtBot, services: Services, review_id: int,
                                            tmp_path: Path) -> None:
    """The channel combo lists both channels; switching shows the other channel's messages."""
    root = tmp_path / "export"
    files = {
        "users.json": [{"id": "U1", "name": "ana", "real_name": "Ana"}],
        "channels.json": [{"id": "C1", "name": "incident"}, {"id": "C2", "name": "random"}],
        "incident/2026-03-02.json": [{"type": "message", "user": "U1", "text": "paging",
                                      "ts": "1772442840.0"}],
        "random/2026-03-02.json": [{"type": "message", "user": "U1", "text": "lunch?",
                                    "ts": "1772442900.0"}],
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(data), encoding="utf-8")
    dialog = _dialog(qtbot, services, review_id, root)
    assert [dialog.channel.itemText(i) for i in range(dialog.channel.count())] == [
        "#incident", "#random", "All channels (2)"]
    assert _cells(dialog, 0)[3:] == ["paging", "slack #incident", "Ana"]
    dialog.channel.setCurrentIndex(1)
    _settled(qtbot, dialog)
    assert _cells(dialog, 0)[3:] == ["lunch?", "slack #random", "Ana"]
    dialog.channel.setCurrentIndex(2)  # both, in time order, each event naming its channel
    _settled(qtbot, dialog)
    assert [_cells(dialog, row)[3:] for row in range(2)] == [["paging", "slack #incident", "Ana"],
                                                             ["lunch?", "slack #random", "Ana"]]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dialog)
    assert dialog.added == 2
    events = services.reviews.get(review_id).events  # type: ignore[union-attr]
    assert sorted((e.text, e.source) for e in events) == [("lunch?", "slack #random"),
                                                          ("paging", "slack #incident")]


def test_a_file_that_cannot_be_read_is_a_message_not_a_dialog(services: Services, review_id: int,
                                                               tmp_path: Path, qtbot: QtBot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0-byte file: one warning naming it, nothing imported."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    # The read fails in the background: the dialog closes itself before anything can be chosen.
    monkeypatch.setattr(TimelineImportDialog, "exec", lambda self: (_settled(qtbot, self), self.result())[1])
    assert TimelineImportDialog.ask(None, services, review_id, empty) is None
    assert len(shown) == 1 and f"{empty}: the file is empty" in shown[0]


def test_the_file_menu_action_needs_an_open_review(main_window: MainWindow, review_id: int) -> None:
    """Import timeline… (Ctrl+Shift+I) is enabled only while a review is open."""
    window = main_window
    assert window.import_timeline_action.shortcut().toString() == "Ctrl+Shift+I"
    assert not window.import_timeline_action.isEnabled()
    window.open_review(review_id)
    assert window.import_timeline_action.isEnabled() and window.import_slack_folder_action.isEnabled()


def test_import_timeline_from_the_window(main_window: MainWindow, review_id: int, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    """The chosen file is previewed, imported on Import, and the open review refreshes."""
    window = main_window
    window.open_review(review_id)
    path = _csv(tmp_path)
    monkeypatch.setattr(window, "ask_timeline_path", lambda folder, filters: str(path))
    monkeypatch.setattr(TimelineImportDialog, "exec", lambda self: (
        _settled(qtbot, self), self.import_now(), _settled(qtbot, self), self.result())[-1])
    loads = window.services.current.full_loads
    with qtbot.waitSignal(window.services.current.changed, timeout=2000) as changed:
        assert window.import_timeline() == 3
    (changes,) = changed.args
    assert changes.review_id == review_id and len(changes.events) == 3
    # The events came with the change set; nothing read the whole review again.
    assert window.services.current.full_loads == loads
    assert len(window.review_page.timeline.events()) == 3
    assert "Added 3 events from events.csv" in window.statusBar().currentMessage()
    doc = window.services.reviews.get(review_id)
    assert doc is not None and len(doc.events) == 3


def _held_import(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the worker's import stop after its inserts until released: (inserted, release)."""
    inserted, release = threading.Event(), threading.Event()

    def held(session: Session, review_id: int, preview: ImportPreview) -> tuple[EventRow, ...]:
        added = import_event_rows(session, review_id, preview)
        inserted.set()
        release.wait(5)
        return added

    monkeypatch.setattr(timeline_import_module, "import_event_rows", held)
    return inserted, release


def test_cancel_during_the_import_writes_nothing(qtbot: QtBot, services: Services, review_id: int,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel while the rows are written: the transaction is rolled back and the dialog stays open."""
    inserted, release = _held_import(monkeypatch)
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and not dialog.import_button.isEnabled() and not dialog.busy_row.isHidden()
    assert inserted.wait(5)
    with qtbot.assertNotEmitted(services.imports.events_imported):
        qtbot.mouseClick(dialog.cancel_work_button, Qt.MouseButton.LeftButton)
        release.set()
        _settled(qtbot, dialog)
    assert dialog.added is None and dialog.result() != TimelineImportDialog.DialogCode.Accepted
    assert "cancelled: nothing was imported" in dialog.summary.text()
    assert dialog.import_button.isEnabled() and dialog.busy_row.isHidden()
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == () and doc.participants == ()


def test_closing_the_dialog_during_the_import_cancels_it(qtbot: QtBot, services: Services, review_id: int,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Closed and deleted while the worker writes: nothing is written, nothing calls into the dialog."""
    inserted, release = _held_import(monkeypatch)
    dialog = TimelineImportDialog(services, review_id, _csv(tmp_path))
    dialog.show()
    _settled(qtbot, dialog)
    dialog.import_now()
    op = dialog._op
    assert op is not None and inserted.wait(5)
    dialog.close()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: op.cancelled, timeout=2000)
    release.set()
    qtbot.waitUntil(lambda: not op.running, timeout=5000)
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == ()


def test_an_error_in_the_worker_is_shown_and_nothing_is_written(qtbot: QtBot, services: Services,
                                                                review_id: int, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A library that cannot take the write: the warning names why, Import is offered again."""
    def locked(session: Session, review_id: int, preview: ImportPreview) -> tuple[EventRow, ...]:
        raise StorageError("locked", "the library is locked by another program")

    monkeypatch.setattr(timeline_import_module, "import_event_rows", locked)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dialog)
    assert shown == ["Nothing was imported.\n\nthe library is locked by another program"]
    assert dialog.added is None and dialog.import_button.isEnabled()
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == ()


def test_a_read_shows_its_progress_and_can_be_cancelled(qtbot: QtBot, services: Services, review_id: int,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """While a re-read runs: Reading…, choices locked; Cancel leaves no preview and Import disabled."""
    started, release = threading.Event(), threading.Event()
    real = csv_timeline.preview_csv

    def held(*args: Any, **kwargs: Any) -> ImportPreview:
        started.set()
        release.wait(5)
        return real(*args, **kwargs)

    dialog = _dialog(qtbot, services, review_id, _csv(tmp_path))
    monkeypatch.setattr(csv_timeline, "preview_csv", held)
    dialog.timezone.setText("America/New_York")
    dialog.refresh()
    assert started.wait(5)
    assert dialog.status.text() == "Reading…" and not dialog.import_button.isEnabled()
    assert not dialog.time_format.isEnabled()
    qtbot.mouseClick(dialog.cancel_work_button, Qt.MouseButton.LeftButton)
    release.set()
    _settled(qtbot, dialog)
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "cancelled" in dialog.summary.text() and dialog.time_format.isEnabled()


def test_the_tool_that_exported_the_file_can_be_chosen(qtbot: QtBot, services: Services, review_id: int,
                                                      tmp_path: Path) -> None:
    """Issue 11: 'Exported by' Jira reads the reporter as who, which no generic column name says."""
    path = tmp_path / "jira.csv"
    path.write_text("Created,Summary,Reporter\n2026-03-02 10:21,Checkout errors reported,Ana Silva\n",
                    encoding="utf-8")
    dialog = _dialog(qtbot, services, review_id, path)
    assert _cells(dialog, 0)[-1] == ""  # nobody: "Reporter" is no author column by its name
    combo = dialog.findChild(QComboBox, "profile")
    assert combo is not None and combo.findData("jira") > 0
    combo.setCurrentIndex(combo.findData("jira"))
    _settled(qtbot, dialog)
    assert _cells(dialog, 0)[-1] == "Ana Silva"
    assert any("--from jira" in notice for notice in dialog.notices.text().split("\n"))
