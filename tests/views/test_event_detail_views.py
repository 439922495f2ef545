"""Issue 11: an event's detail in the window: typed in the event dialog, read in the timeline's tooltip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit

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
