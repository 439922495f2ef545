"""The timeline table: events in the review's timezone, added and removed through the service.

The editor's in-place editing, filters, undo and DST handling are in test_timeline_editor.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.bootstrap import Services
from models.snapshot import ReviewDoc
from views.event_dialog import EventDialog
from views.timeline_widget import TimelineWidget

T = TypeVar("T", bound=QObject)

# The offscreen platform cannot resize, raise or grab for windows and popups; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$",
    extend=True,
)

CONFIG_PUSH = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def child(parent: QWidget, kind: type[T], name: str) -> T:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


@pytest.fixture
def review_id(services: Services) -> int:
    review = services.reviews.create(title="Checkout errors after config push", template="standard",
                                     timezone="Europe/Berlin")
    services.reviews.add_participant(review, name="Responder A")
    return review


def doc_of(services: Services, review_id: int) -> ReviewDoc:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc


@pytest.fixture
def widget(qtbot: Any, services: Services, review_id: int) -> TimelineWidget:
    view = TimelineWidget(services.reviews, services.current, undo=services.undo)
    qtbot.addWidget(view)
    services.current.open(review_id)
    view.show()
    qtbot.waitExposed(view)
    return view


def table_texts(widget: TimelineWidget) -> list[list[str]]:
    model = child(widget, QTableView, "events").model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def fake_ask(**fields: Any) -> classmethod:
    event = {"at": CONFIG_PUSH, "text": "Config change rolled out", "kind": "change", "source": "deploy log",
             "approximate": False, "participants": []}
    event.update(fields)
    return classmethod(lambda cls, parent, doc, **_kw: dict(event))


def test_added_event_shows_in_review_timezone(widget: TimelineWidget,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An event from the dialog appears with its time on the review's wall clock."""
    monkeypatch.setattr(EventDialog, "ask", fake_ask(participants=["Responder A"]))
    child(widget, QPushButton, "addEvent").click()
    assert table_texts(widget) == [
        ["10:14", "", "Change", "Config change rolled out", "deploy log", "Responder A"]]
    model = child(widget, QTableView, "events").model()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Time · 2026-03-02"


def test_approximate_time_is_marked(widget: TimelineWidget, monkeypatch: pytest.MonkeyPatch) -> None:
    """An estimated time reads "≈ 10:14"."""
    monkeypatch.setattr(EventDialog, "ask", fake_ask(approximate=True))
    child(widget, QPushButton, "addEvent").click()
    assert table_texts(widget)[0][0] == "≈ 10:14"


def test_cancelled_dialog_adds_nothing(widget: TimelineWidget, services: Services, review_id: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelling the dialog leaves the timeline as it was."""
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, doc, **_kw: None))
    child(widget, QPushButton, "addEvent").click()
    assert doc_of(services, review_id).events == ()


def test_added_event_becomes_current(qtbot: Any, widget: TimelineWidget,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The event just added is selected and announced as the current event."""
    monkeypatch.setattr(EventDialog, "ask", fake_ask())
    with qtbot.waitSignal(widget.current_event_changed, timeout=1000) as blocker:
        child(widget, QPushButton, "addEvent").click()
    assert blocker.args == [widget.current_event_id()]
    assert widget.current_event_id() is not None


def test_shortcut_opens_the_dialog(qtbot: Any, widget: TimelineWidget,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+Shift+E anywhere in the timeline adds an event."""
    asked: list[ReviewDoc] = []
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, doc, **_kw: asked.append(doc)))
    widget.activateWindow()
    table = child(widget, QTableView, "events")
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(table, Qt.Key.Key_E, ctrl_shift)
    assert len(asked) == 1


def test_event_added_elsewhere_appears(widget: TimelineWidget, services: Services, review_id: int) -> None:
    """An event added through the service (import, another view) shows without re-opening."""
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired", kind="detection")
    assert table_texts(widget)[0][3] == "Alert fired"


def test_selection_reports_event_and_none(qtbot: Any, widget: TimelineWidget, services: Services,
                                          review_id: int) -> None:
    """Selecting a row announces its event id; clearing the selection announces -1."""
    event_id = services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired")
    table = child(widget, QTableView, "events")
    with qtbot.waitSignal(widget.current_event_changed, timeout=1000) as selected:
        table.selectRow(0)
    with qtbot.waitSignal(widget.current_event_changed, timeout=1000) as cleared:
        table.clearSelection()
    assert (selected.args, cleared.args) == ([event_id], [-1])


def test_selection_survives_a_refresh(widget: TimelineWidget, services: Services, review_id: int) -> None:
    """Adding an earlier event elsewhere keeps the selected event selected."""
    later = services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired")
    child(widget, QTableView, "events").selectRow(0)
    services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), text="Deploy started")
    assert widget.current_event_id() == later


def test_remove_event_after_confirmation(widget: TimelineWidget, services: Services, review_id: int,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove deletes the selected event once the user confirms."""
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired")
    monkeypatch.setattr(widget, "confirm_remove", lambda event: True)
    child(widget, QTableView, "events").selectRow(0)
    child(widget, QPushButton, "removeEvent").click()
    assert doc_of(services, review_id).events == ()
    assert widget.current_event_id() is None


def test_remove_declined_keeps_event(widget: TimelineWidget, services: Services, review_id: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Saying no to the confirmation keeps the event."""
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired")
    monkeypatch.setattr(widget, "confirm_remove", lambda event: False)
    child(widget, QTableView, "events").selectRow(0)
    child(widget, QPushButton, "removeEvent").click()
    assert len(doc_of(services, review_id).events) == 1


def test_remove_disabled_without_selection(widget: TimelineWidget) -> None:
    """Nothing selected, nothing to remove."""
    assert not child(widget, QPushButton, "removeEvent").isEnabled()


def test_timeline_model_passes_modeltester(qtmodeltester: Any, widget: TimelineWidget, services: Services,
                                           review_id: int) -> None:
    """The timeline table model keeps Qt's model contract."""
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Config change", kind="change")
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Alert fired", approximate=True,
                               participants=["Responder A"])
    qtmodeltester.check(child(widget, QTableView, "events").model())


@pytest.fixture
def dialog(qtbot: Any, services: Services, review_id: int) -> EventDialog:
    view = EventDialog(doc_of(services, review_id))
    qtbot.addWidget(view)
    return view


def ok_button(dialog: EventDialog) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_dialog_ok_waits_for_time_and_text(qtbot: Any, dialog: EventDialog) -> None:
    """OK is enabled only once the time parses and the event says what happened."""
    qtbot.keyClicks(child(dialog, QLineEdit, "time"), "2026-03-02 10:14")
    assert not ok_button(dialog).isEnabled()
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "text"), "Alert fired")
    assert ok_button(dialog).isEnabled()


def test_dialog_shows_bad_time_inline(qtbot: Any, dialog: EventDialog) -> None:
    """A time that does not parse is explained under the field and keeps OK disabled."""
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "text"), "Alert fired")
    time = child(dialog, QLineEdit, "time")
    qtbot.keyClicks(time, "2026-03-29 02:30")
    qtbot.keyClick(time, Qt.Key.Key_Return)
    assert "does not exist in Europe/Berlin" in child(dialog, QLabel, "timeError").text()
    assert not ok_button(dialog).isEnabled()


def test_dialog_values_are_add_event_kwargs(qtbot: Any, dialog: EventDialog, services: Services,
                                            review_id: int) -> None:
    """The dialog's fields are exactly what ReviewService.add_event takes."""
    qtbot.keyClicks(child(dialog, QLineEdit, "time"), "2026-03-02 10:14")
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "text"), "Alert fired")
    qtbot.keyClicks(child(dialog, QLineEdit, "source"), "pager")
    child(dialog, QCheckBox, "approximate").setChecked(True)
    services.reviews.add_event(review_id, **dialog.values())
    event = doc_of(services, review_id).events[0]
    assert (event.at, event.text, event.kind, event.source, event.approximate) == (
        CONFIG_PUSH, "Alert fired", "observation", "pager", True)


def test_dialog_starts_from_latest_event_time(qtbot: Any, services: Services, review_id: int) -> None:
    """A new event's time starts at the latest event's, on the review's wall clock."""
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Config change")
    view = EventDialog(doc_of(services, review_id))
    qtbot.addWidget(view)
    assert child(view, QLineEdit, "time").text() == "2026-03-02 10:14"


def test_dialog_returns_checked_participants(dialog: EventDialog) -> None:
    """Ticking a participant links them to the event by name."""
    people = child(dialog, QListWidget, "participants")
    people.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.values()["participants"] == ["Responder A"]


def test_on_a_narrow_screen_nothing_is_clipped_and_the_text_keeps_its_share(widget: TimelineWidget) -> None:
    """Issue 10: on a laptop the time (its header with the day), T+ and kind are whole, and the event
    text keeps at least 35% of the table; Source gives way first."""
    widget.resize(680, 400)
    table = widget._table  # noqa: SLF001 - the layout is what is under test
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    viewport = table.viewport().width()
    assert header.sectionSize(TimelineWidget.COL_TEXT) >= viewport * 0.35
    time_header = str(table.model().headerData(TimelineWidget.COL_TIME, Qt.Orientation.Horizontal))
    assert header.sectionSize(TimelineWidget.COL_TIME) >= metrics.horizontalAdvance(time_header)
    assert header.sectionSize(TimelineWidget.COL_OFFSET) >= metrics.horizontalAdvance("T−0h10m")
    widget.resize(1400, 400)
    assert not table.isColumnHidden(TimelineWidget.COL_SOURCE)


def test_a_weeks_long_timeline_shows_its_offsets_whole(qtbot: Any, widget: TimelineWidget, services: Services,
                                                        review_id: int) -> None:
    """A restoration that took thirteen days: the T+ column shows "≈ T+13d16h19m" whole, in bold
    as the current row is (it was sized for a day's offset and read "≈ T+13d04h2…")."""
    from datetime import timedelta

    from PySide6.QtGui import QFont, QFontMetrics

    services.reviews.update(review_id, started_at=CONFIG_PUSH)
    services.reviews.add_event(review_id, at=CONFIG_PUSH, text="Script starts")
    services.reviews.add_event(review_id, at=CONFIG_PUSH + timedelta(days=13, hours=16, minutes=19),
                               text="Every site restored", approximate=True, participants=["Responder A"])
    table = widget._table  # noqa: SLF001 - the layout is what is under test
    qtbot.waitUntil(lambda: table.model().rowCount() == 2, timeout=3000)
    widget.resize(820, 400)
    qtbot.wait(1)
    header = table.horizontalHeader()
    bold_font = QFont(table.font())
    bold_font.setBold(True)
    longest = table.model().index(1, TimelineWidget.COL_OFFSET).data()
    assert longest == "≈ T+13d16h19m"
    assert header.sectionSize(TimelineWidget.COL_OFFSET) > QFontMetrics(bold_font).horizontalAdvance(longest)
    assert header.sectionSize(TimelineWidget.COL_WHO) > table.fontMetrics().horizontalAdvance("Responder A")
