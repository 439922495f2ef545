"""Issue 11: an event's detail in the window: typed in the event dialog, read in the timeline's tooltip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QTableView

from app.bootstrap import Services
from models.snapshot import EventRow, ReviewDoc
from views.event_dialog import EventDialog
from views.models.timeline_table_model import TOOLTIP_DETAIL_CHARS, TimelineTableModel

AT = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
DETAIL = "Datadog monitor fired at 10:13.\nImpact: <b>EU</b> customers & partners cannot pay."


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


def _doc(services: Services, review_id: int) -> ReviewDoc:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc


@pytest.fixture
def dialog(qtbot: Any, services: Services, review_id: int) -> EventDialog:
    view = EventDialog(_doc(services, review_id))
    qtbot.addWidget(view)
    return view


def _field(dialog: EventDialog, name: str) -> QPlainTextEdit:
    found = dialog.findChild(QPlainTextEdit, name)
    assert found is not None, name
    return found


def _form_row(form: QFormLayout, field: QPlainTextEdit) -> int:
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if item is not None and item.widget() is field:
            return row
    raise AssertionError(f"{field.objectName()} is not a field of the form")


def test_the_detail_field_is_labelled_and_sits_under_the_text(dialog: EventDialog) -> None:
    """A multi-line field labelled "Detail", the row right below "What happened"."""
    form = dialog.findChild(QFormLayout)
    assert form is not None
    rows = {name: _form_row(form, _field(dialog, name)) for name in ("text", "detail")}
    label = form.labelForField(_field(dialog, "detail"))
    assert isinstance(label, QLabel) and label.text() == "Detail"
    assert rows["detail"] == rows["text"] + 1


def test_the_detail_typed_in_the_dialog_is_stored_with_the_event(qtbot: Any, dialog: EventDialog,
                                                                 services: Services, review_id: int) -> None:
    """What is typed under Detail (line breaks kept, ends trimmed) is the new event's detail."""
    qtbot.keyClicks(dialog.findChild(QLineEdit, "time"), "2026-03-02 10:14")
    qtbot.keyClicks(_field(dialog, "text"), "Alert fired")
    detail = _field(dialog, "detail")
    qtbot.keyClicks(detail, "  Monitor: checkout.5xx.rate")
    qtbot.keyClick(detail, Qt.Key.Key_Return)
    qtbot.keyClicks(detail, "value 7.9%  ")
    services.reviews.add_event(review_id, **dialog.values())
    event = _doc(services, review_id).events[0]
    assert (event.text, event.detail) == ("Alert fired", "Monitor: checkout.5xx.rate\nvalue 7.9%")


def test_an_event_without_a_detail_has_an_empty_one(qtbot: Any, dialog: EventDialog) -> None:
    """Leaving Detail empty gives ''."""
    qtbot.keyClicks(_field(dialog, "text"), "Alert fired")
    assert dialog.values()["detail"] == ""


def _model(*rows: EventRow) -> TimelineTableModel:
    model = TimelineTableModel()
    model.set_rows(rows, zone=BERLIN, started_at=AT)
    return model


def _tip(model: TimelineTableModel, row: int = 0) -> str:
    tip = model.index(row, TimelineTableModel.COL_TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    return tip


def _plain(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_the_text_tooltip_shows_the_detail_below_the_text(qapp: Any) -> None:
    """With a detail the tooltip is the text, then the detail as written (markup shown, not obeyed)."""
    model = _model(EventRow(1, AT, "Alert fired", "detection", "", False, (), DETAIL))
    tip = _tip(model)
    assert QtGui.Qt.mightBeRichText(tip)  # Qt shows (and wraps) it as rich text
    assert _plain(tip) == f"Alert fired\n{DETAIL}"


def test_without_a_detail_the_tooltip_is_the_text(qapp: Any) -> None:
    """No detail: the tooltip is the event's text, as before."""
    assert _tip(_model(EventRow(1, AT, "Alert fired", "detection", "", False, ()))) == "Alert fired"


def test_a_long_detail_is_shortened_in_the_tooltip(qapp: Any) -> None:
    """A pasted log of pages shows its first characters and an ellipsis."""
    model = _model(EventRow(1, AT, "Logs", "observation", "", False, (), "x" * (TOOLTIP_DETAIL_CHARS * 3)))
    assert _plain(_tip(model)) == "Logs\n" + "x" * TOOLTIP_DETAIL_CHARS + "…"


def test_the_model_with_details_keeps_qts_contract(qtmodeltester: Any) -> None:
    """qtmodeltester passes with events that have details."""
    model = _model(EventRow(1, AT, "Alert fired", "detection", "", False, (), DETAIL),
                   EventRow(2, AT.replace(minute=20), "Acked", "action", "", True, ()))
    qtmodeltester.check(model)


def test_the_timeline_filter_finds_words_of_the_detail(qapp: Any) -> None:
    """A word only the detail holds (a Jira description) still finds its event; the text alone too."""
    from views.models.timeline_filter_model import TimelineFilterProxyModel

    model = TimelineTableModel()
    model.set_rows([EventRow(1, AT, "Checkout errors", "detection", "jira", False, (), DETAIL),
                    EventRow(2, AT, "Rollback", "action", "", False, ())])
    proxy = TimelineFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.set_text("partners")
    assert [proxy.index(r, 0).data(TimelineTableModel.IdRole) for r in range(proxy.rowCount())] == [1]
    proxy.set_text("rollback")
    assert [proxy.index(r, 0).data(TimelineTableModel.IdRole) for r in range(proxy.rowCount())] == [2]


def test_the_import_preview_lets_the_detail_column_be_chosen(qtbot: Any, services: Services, review_id: int,
                                                              tmp_path: Any) -> None:
    """Detail is one of the fields a CSV column can be chosen for; choosing "(none)" leaves it out."""
    from views.timeline_import_dialog import TimelineImportDialog

    path = tmp_path / "jira.csv"
    path.write_text("Created,Summary,Description\n2026-03-02T09:14:00Z,Checkout errors,\"EU customers\n"
                    "cannot pay\"\n", encoding="utf-8")
    dialog = TimelineImportDialog(services, review_id, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    combo = dialog.field_combos["detail"]
    assert combo.currentText() == "Description"
    assert [r.detail for r in dialog.preview.rows] == ["EU customers\ncannot pay"]  # type: ignore[union-attr]
    combo.setCurrentIndex(combo.findData(None))
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert [r.detail for r in dialog.preview.rows] == [""]  # type: ignore[union-attr]


def test_ctrl_shift_d_edits_the_selected_events_detail_and_ctrl_z_takes_it_back(
        qtbot: Any, services: Services, review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timeline's Detail… (Ctrl+Shift+D): the typed detail is stored; one undo step restores it."""
    from PySide6.QtCore import Qt as QtKeys

    from views.timeline_widget import TimelineWidget

    services.reviews.add_event(review_id, at=AT, text="Checkout errors", kind="detection")
    services.current.open(review_id)
    widget = TimelineWidget(services.reviews, services.current, undo=services.undo)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    event = _doc(services, review_id).events[0]
    widget.select_event(event.id)
    table = widget.findChild(QTableView, "events")
    assert table is not None
    table.setFocus()
    asked: list[str] = []
    def ask(row: EventRow) -> str:
        asked.append(row.detail)
        return DETAIL

    monkeypatch.setattr(widget, "ask_detail", ask)
    qtbot.keyClick(table, QtKeys.Key.Key_D,
                   QtKeys.KeyboardModifier.ControlModifier | QtKeys.KeyboardModifier.ShiftModifier)
    assert asked == [""]
    assert _doc(services, review_id).events[0].detail == DETAIL.strip()
    widget.undo_action.trigger()
    assert _doc(services, review_id).events[0].detail == ""
