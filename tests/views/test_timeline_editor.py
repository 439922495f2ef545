"""The timeline editor: the table model and filter, editing in place, undo by keyboard, DST, walkthrough."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from models.snapshot import EventRow, ReviewDoc
from models.vocabulary import EVENT_KINDS
from views.event_dialog import EventDialog
from views.models.timeline_filter_model import TimelineFilterProxyModel
from views.models.timeline_table_model import TimelineTableModel
from views.timeline_widget import TimelineWidget

T = TypeVar("T", bound=QObject)
M = TimelineTableModel

# The offscreen platform cannot resize, raise or grab for windows and popups; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$",
    extend=True,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
PEOPLE = ("Responder A", "Engineer B")
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _event(event_id: int, minutes: int, text: str = "Something happened", kind: str = "observation",
            source: str = "", approximate: bool = False, people: tuple[str, ...] = (),
            start: datetime = START) -> EventRow:
    return EventRow(event_id, start + timedelta(minutes=minutes), text, kind, source, approximate, people)


def _model(*rows: EventRow, start: datetime | None = START) -> TimelineTableModel:
    model = TimelineTableModel()
    model.set_rows(rows, zone=BERLIN, started_at=start, participants=PEOPLE)
    return model


def _texts(model: Any, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _ids(model: Any) -> list[int]:
    return [model.index(row, 0).data(M.IdRole) for row in range(model.rowCount())]


# the model, without a window or a database

def test_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    """Rows, flags, inserts, moves, removals and resets keep Qt's model contract."""
    model = _model(_event(1, 0), _event(2, 5, approximate=True, people=("Responder A",)), _event(3, 65))
    qtmodeltester.check(model)
    model.upsert(_event(4, 30))
    model.upsert(_event(1, 90))
    model.upsert(_event(3, -10))
    model.remove(2)
    model.set_current(4)
    model.sync([_event(4, 30), _event(5, 31)])
    qtmodeltester.check(model)


def test_proxy_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    """The filter proxy keeps the contract while filters change and the source moves underneath."""
    model = _model(*(_event(i, i, text=f"event {i}", kind=EVENT_KINDS[i % 3]) for i in range(1, 12)))
    proxy = TimelineFilterProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_kind(EVENT_KINDS[1])
    proxy.set_text("event 1")
    model.upsert(_event(1, 100, text="event 1 again", kind=EVENT_KINDS[1]))
    model.upsert(_event(20, 3, text="event 20", kind=EVENT_KINDS[1]))
    model.remove(4)
    qtmodeltester.check(proxy)


def test_columns_show_time_offset_kind_text_source_people(qapp: object) -> None:
    """One event reads across the row as the room would say it."""
    model = _model(_event(1, 65, "Config\nrolled out", "change", "deploy log", people=PEOPLE))
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["11:05", "T+1h05m", "Change", "Config rolled out", "deploy log", "Responder A, Engineer B"]


def test_header_carries_the_day_while_all_events_share_it(qapp: object) -> None:
    """Times drop the date when every event is on one day; the header says which day."""
    model = _model(_event(1, 0), _event(2, 60))
    assert model.headerData(M.COL_TIME, Qt.Orientation.Horizontal) == "Time · 2026-03-02"
    assert _texts(model, M.COL_TIME) == ["10:00", "11:00"]


def test_times_carry_the_date_once_the_timeline_spans_days(qtbot: QtBot) -> None:
    """An event on another day switches the whole column to dates, and says so to views."""
    model = _model(_event(1, 0), _event(2, 60))
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.upsert(_event(3, 24 * 60))
    assert _texts(model, M.COL_TIME) == ["2026-03-02 10:00", "2026-03-02 11:00", "2026-03-03 10:00"]
    assert model.headerData(M.COL_TIME, Qt.Orientation.Horizontal) == "Time"


def test_estimated_times_are_marked(qapp: object) -> None:
    """An approximate event reads "≈ 10:05", "≈ T+0h05m", with its box ticked."""
    model = _model(_event(1, 5, approximate=True))
    assert (_texts(model, M.COL_TIME), _texts(model, M.COL_OFFSET)) == (["≈ 10:05"], ["≈ T+0h05m"])
    assert model.index(0, M.COL_TIME).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_offsets_before_the_start_and_without_one(qapp: object) -> None:
    """Before the incident start reads T−; without a start the column is empty."""
    assert _texts(_model(_event(1, -10)), M.COL_OFFSET) == ["T\u22120h10m"]
    assert _texts(_model(_event(1, -10), start=None), M.COL_OFFSET) == [""]


def test_raw_roles_read_through_any_proxy(qapp: object) -> None:
    """Id, time, kind, people and search text are there as raw values, not display strings."""
    model = _model(_event(7, 5, "Alert Fired", "detection", "PagerDuty", people=("Responder A",)))
    proxy = TimelineFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, M.COL_TEXT)
    assert index.data(M.IdRole) == 7
    assert index.data(M.SortRole) == int((START + timedelta(minutes=5)).timestamp()) * 1_000_000
    assert index.data(M.KindRole) == "detection"
    assert index.data(M.ParticipantsRole) == ["Responder A"]
    assert index.data(M.SearchRole) == "alert fired\npagerduty\nresponder a"


def test_only_the_offset_is_read_only_and_the_time_is_checkable(qapp: object) -> None:
    """Every column but T+ edits in place; the estimate flag is a check box on the time."""
    model = _model(_event(1, 0))
    editable = [bool(model.flags(model.index(0, c)) & Qt.ItemFlag.ItemIsEditable) for c in range(6)]
    assert editable == [True, False, True, True, True, True]
    assert model.flags(model.index(0, M.COL_TIME)) & Qt.ItemFlag.ItemIsUserCheckable


@pytest.mark.parametrize(
    ("column", "typed", "field", "value"),
    [
        (M.COL_TIME, "2026-03-02 10:40", "at", START + timedelta(minutes=40)),
        (M.COL_TIME, "10:40", "at", START + timedelta(minutes=40)),
        (M.COL_TIME, "2026-03-02T09:40:00Z", "at", START + timedelta(minutes=40)),
        (M.COL_KIND, "decision", "kind", "decision"),
        (M.COL_TEXT, "  Alert fired  ", "text", "Alert fired"),
        (M.COL_SOURCE, " pager ", "source", "pager"),
        (M.COL_WHO, "engineer b, Responder A, ", "participants", ["Engineer B", "Responder A"]),
        (M.COL_WHO, "", "participants", []),
    ],
)
def test_an_edit_is_asked_for_not_made(qtbot: QtBot, column: int, typed: str, field: str, value: Any) -> None:
    """setData emits edit_requested with the field and the parsed value, and leaves the row as it was."""
    model = _model(_event(1, 5, people=("Responder A",)))
    with qtbot.waitSignal(model.edit_requested, timeout=1000) as blocker:
        assert model.setData(model.index(0, column), typed)
    assert blocker.args == [1, field, value]
    assert model.event_at(0) == _event(1, 5, people=("Responder A",))


def test_unchecking_the_box_asks_to_clear_the_estimate(qtbot: QtBot) -> None:
    """The check box on the time edits the approximate flag."""
    model = _model(_event(1, 5, approximate=True))
    with qtbot.waitSignal(model.edit_requested, timeout=1000) as blocker:
        model.setData(model.index(0, M.COL_TIME), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == [1, "approximate", False]


@pytest.mark.parametrize(
    ("column", "typed", "reason"),
    [
        (M.COL_TIME, "2026-10-25 02:30", "happened twice in Europe/Berlin; add the offset: +02:00 (first) "
                                         "or +01:00 (second)"),
        (M.COL_TIME, "2026-03-29 02:30", "does not exist in Europe/Berlin (clocks jumped forward); "
                                         "enter it with an offset, e.g. 2026-03-29 02:30+01:00"),
        (M.COL_TIME, "soon", "soon is not a date and time"),
        (M.COL_TIME, "", "An event needs a time."),
        (M.COL_TEXT, "   ", "An event needs a description."),
        (M.COL_WHO, "Responder A, Nobody", "“Nobody” is not a participant of this review"),
    ],
)
def test_a_value_that_cannot_be_stored_is_refused_with_the_reason(qtbot: QtBot, column: int, typed: str,
                                                                  reason: str) -> None:
    """A DST gap or fold, bad text or an unknown name explains itself, and nothing is asked for."""
    model = _model(_event(1, 5))
    with qtbot.assertNotEmitted(model.edit_requested), \
            qtbot.waitSignal(model.edit_rejected, timeout=1000) as blocker:
        assert not model.setData(model.index(0, column), typed)
    assert blocker.args[0] == 1
    assert reason in blocker.args[1]


@pytest.mark.parametrize(
    ("column", "typed"),
    [(M.COL_TIME, "2026-03-02 10:05"), (M.COL_TIME, "10:05"), (M.COL_TEXT, "Something happened"),
     (M.COL_KIND, "observation"), (M.COL_WHO, "")],
)
def test_an_unchanged_value_asks_for_nothing(qtbot: QtBot, column: int, typed: str) -> None:
    """Leaving an editor without changing anything is no edit."""
    model = _model(_event(1, 5))
    with qtbot.assertNotEmitted(model.edit_requested), qtbot.assertNotEmitted(model.edit_rejected):
        assert not model.setData(model.index(0, column), typed)


def test_seconds_survive_an_editor_left_unchanged(qtbot: QtBot) -> None:
    """The time editor shows seconds when the event has them, so committing it as is changes nothing."""
    model = _model(EventRow(1, START + timedelta(seconds=37), "Chat message", "communication", "", False, ()))
    text = model.index(0, M.COL_TIME).data(Qt.ItemDataRole.EditRole)
    assert text == "2026-03-02 10:00:37"
    with qtbot.assertNotEmitted(model.edit_requested):
        model.setData(model.index(0, M.COL_TIME), text)


def test_a_re_timed_event_moves_to_its_place(qtbot: QtBot) -> None:
    """The stored row after a re-time moves (not reset) so the order stays by time, then id."""
    model = _model(_event(1, 0), _event(2, 10), _event(3, 20))
    with qtbot.waitSignal(model.rowsMoved, timeout=1000), qtbot.assertNotEmitted(model.modelReset):
        assert model.upsert(_event(1, 15)) == 1
    assert _ids(model) == [2, 1, 3]
    model.upsert(_event(3, 10))
    assert _ids(model) == [2, 3, 1]  # same time as 2: the higher id comes later


def test_sync_applies_small_changes_precisely(qtbot: QtBot) -> None:
    """A refresh with one event added and one changed inserts and updates, no reset."""
    model = _model(_event(1, 0), _event(2, 10))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted, timeout=1000):
        assert not model.sync([_event(1, 0, text="changed"), _event(2, 10), _event(3, 5)])
    assert _ids(model) == [1, 3, 2]
    assert _texts(model, M.COL_TEXT)[0] == "changed"


def test_the_current_event_is_painted_apart_from_the_selection(qtbot: QtBot) -> None:
    """set_current marks one row through CurrentRole, a background and bold type; only two rows repaint."""
    model = _model(_event(1, 0), _event(2, 10), _event(3, 20))
    model.set_current(1)
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_current(2)
    assert [model.index(r, M.COL_TEXT).data(M.CurrentRole) for r in range(3)] == [False, True, False]
    assert model.index(1, M.COL_TEXT).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, M.COL_TEXT).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, M.COL_TEXT).data(Qt.ItemDataRole.BackgroundRole) is None


# Daylight saving: Europe/Berlin goes back from 03:00 CEST to 02:00 CET on 2026-10-25 (01:00 UTC).
AUTUMN = [
    EventRow(event_id, datetime(2026, 10, 25, hour, minute, tzinfo=UTC), text, "observation", "", False, ())
    for event_id, hour, minute, text in [
        (10, 0, 30, "02:30 the first time"),
        (11, 1, 30, "02:30 the second time"),
        (12, 0, 10, "02:10 the first time"),
        (13, 1, 15, "02:15 the second time"),
        (14, 2, 10, "after the change"),
    ]
]


@pytest.fixture
def other_local_timezone() -> Iterator[None]:
    """The machine's own timezone set to something far from the review's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_events_across_the_autumn_change_sort_by_moment_and_name_their_zone(
        qapp: object, other_local_timezone: None) -> None:
    """02:30 CEST and 02:30 CET are an hour apart: ordered by the moment, told apart by abbreviation."""
    model = TimelineTableModel()
    model.set_rows(AUTUMN, zone=BERLIN, started_at=datetime(2026, 10, 25, 0, 0, tzinfo=UTC))
    assert _ids(model) == [12, 10, 13, 11, 14]
    assert _texts(model, M.COL_TIME) == ["02:10 CEST", "02:30 CEST", "02:15 CET", "02:30 CET", "03:10"]
    assert _texts(model, M.COL_OFFSET) == ["T+0h10m", "T+0h30m", "T+1h15m", "T+1h30m", "T+2h10m"]


def test_the_repeated_hour_edits_with_its_offset(qtbot: QtBot) -> None:
    """The editor shows a fold time with its offset, which reads back as the same moment (no edit)."""
    model = TimelineTableModel()
    model.set_rows(AUTUMN, zone=BERLIN)
    texts = [model.index(r, M.COL_TIME).data(Qt.ItemDataRole.EditRole) for r in range(2)]
    assert texts == ["2026-10-25 02:10+02:00", "2026-10-25 02:30+02:00"]
    with qtbot.assertNotEmitted(model.edit_requested):
        model.setData(model.index(1, M.COL_TIME), texts[1])


def test_a_re_time_with_an_offset_lands_on_the_other_side_of_the_fold(qtbot: QtBot) -> None:
    """Typing 02:30+01:00 for the first 02:30 asks for the moment an hour later."""
    model = TimelineTableModel()
    model.set_rows(AUTUMN, zone=BERLIN)
    with qtbot.waitSignal(model.edit_requested, timeout=1000) as blocker:
        model.setData(model.index(1, M.COL_TIME), "2026-10-25 02:30+01:00")
    assert blocker.args == [10, "at", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]


# the filter

def _filter_fixture() -> tuple[TimelineTableModel, TimelineFilterProxyModel]:
    model = _model(
        _event(1, 0, "Config rolled out", "change", "deploy log", people=("Responder A",)),
        _event(2, 5, "Error rate alert", "detection", "PagerDuty", people=("Engineer B",)),
        _event(3, 9, "Paged the config owner", "escalation", "chat", people=PEOPLE),
        _event(4, 30, "Rollback", "mitigation", "deploy log"),
    )
    proxy = TimelineFilterProxyModel()
    proxy.setSourceModel(model)
    return model, proxy


@pytest.mark.parametrize(
    ("text", "kind", "person", "expected"),
    [
        ("", None, None, [1, 2, 3, 4]),
        ("CONFIG", None, None, [1, 3]),
        ("deploy", None, None, [1, 4]),
        ("engineer", None, None, [2, 3]),
        ("", "detection", None, [2]),
        ("", None, "Responder A", [1, 3]),
        ("config", None, "Engineer B", [3]),
        ("config", "change", "Engineer B", []),
    ],
)
def test_filter_by_text_kind_and_participant(qapp: object, text: str, kind: str | None, person: str | None,
                                             expected: list[int]) -> None:
    """Text (any case, in text, source or names), kind and participant filter together; order stays."""
    _model_, proxy = _filter_fixture()
    proxy.set_text(text)
    proxy.set_kind(kind)
    proxy.set_participant(person)
    assert _ids(proxy) == expected


def test_a_filtered_row_follows_its_edit(qapp: object) -> None:
    """An edited event is filtered again: it goes when it no longer matches, comes when it does."""
    model, proxy = _filter_fixture()
    proxy.set_text("rollback")
    model.upsert(_event(4, 30, "Rolled back config", "mitigation", "deploy log"))
    assert _ids(proxy) == []
    model.upsert(_event(2, 5, "Rollback started", "detection"))
    assert _ids(proxy) == [2]


# the widget over a real library

def child(parent: QWidget, kind: type[T], name: str) -> T:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


@pytest.fixture
def review_id(services: Services) -> int:
    review = services.reviews.create(title="Checkout errors after config push", template="standard",
                                     timezone="Europe/Berlin", started_at=START)
    for name in PEOPLE:
        services.reviews.add_participant(review, name=name)
    return review


@pytest.fixture
def event_ids(services: Services, review_id: int) -> list[int]:
    add = services.reviews.add_event
    return [
        add(review_id, at=START, text="Config rolled out", kind="change", source="deploy log",
            participants=["Responder A"]),
        add(review_id, at=START + timedelta(minutes=5), text="Error rate alert", kind="detection",
            source="PagerDuty", participants=["Engineer B"]),
        add(review_id, at=START + timedelta(minutes=30), text="Rollback", kind="mitigation"),
    ]


def doc_of(services: Services, review_id: int) -> ReviewDoc:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc


@pytest.fixture
def widget(qtbot: QtBot, services: Services, review_id: int, event_ids: list[int]) -> TimelineWidget:
    view = TimelineWidget(services.reviews, services.current, undo=services.undo)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    services.current.open(review_id)
    view.show()
    qtbot.waitExposed(view)
    return view


def table(widget: TimelineWidget) -> QTableView:
    return child(widget, QTableView, "events")


def focus_table(qtbot: QtBot, widget: TimelineWidget) -> QTableView:
    view = table(widget)
    widget.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    return view


def edit_cell(qtbot: QtBot, widget: TimelineWidget, row: int, column: int, text: str) -> None:
    """Open the cell's editor as a double click would, type ``text`` over it and press Enter."""
    view = table(widget)
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits Enter on a queued call, then closes the editor.
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=2000)


def stored(services: Services, review_id: int) -> list[tuple[str, datetime, str, bool, tuple[str, ...]]]:
    return [(e.text, e.at, e.kind, e.approximate, e.participants) for e in doc_of(services, review_id).events]


def test_text_edited_in_place_is_committed(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                           review_id: int) -> None:
    """Typing over the text and pressing Enter stores it and shows it."""
    edit_cell(qtbot, widget, 1, M.COL_TEXT, "Error rate alert fired")
    assert doc_of(services, review_id).events[1].text == "Error rate alert fired"
    assert table(widget).model().index(1, M.COL_TEXT).data() == "Error rate alert fired"


def test_re_timing_in_place_moves_the_event_and_keeps_it_selected(qtbot: QtBot, widget: TimelineWidget,
                                                                  services: Services, review_id: int,
                                                                  event_ids: list[int]) -> None:
    """"10:40" moves the first event after the last, in the library and on screen; it stays selected."""
    edit_cell(qtbot, widget, 0, M.COL_TIME, "10:40")
    assert [e.id for e in doc_of(services, review_id).events] == [event_ids[1], event_ids[2], event_ids[0]]
    assert _ids(table(widget).model()) == [event_ids[1], event_ids[2], event_ids[0]]
    assert _texts(table(widget).model(), M.COL_OFFSET) == ["T+0h05m", "T+0h30m", "T+0h40m"]
    assert widget.current_event_id() == event_ids[0]


def test_an_ambiguous_time_in_place_asks_for_the_offset(qtbot: QtBot, widget: TimelineWidget,
                                                        services: Services, review_id: int) -> None:
    """A wall-clock time in the autumn fold is refused with both offsets; nothing is written."""
    before = stored(services, review_id)
    edit_cell(qtbot, widget, 0, M.COL_TIME, "2026-10-25 02:30")
    message = child(widget, QLabel, "message")
    assert message.isVisibleTo(widget)
    assert ("happened twice in Europe/Berlin; add the offset: +02:00 (first) or +01:00 (second)"
            in message.text())
    assert stored(services, review_id) == before
    assert services.undo.count() == 0


def test_kind_is_picked_from_a_list(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                    review_id: int) -> None:
    """The kind editor is a list of the event kinds; picking one commits it."""
    view = table(widget)
    index = view.model().index(0, M.COL_KIND)
    view.setCurrentIndex(index)
    view.edit(index)
    combo = view.indexWidget(index)
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == list(EVENT_KINDS)
    position = combo.findData("decision")
    combo.setCurrentIndex(position)
    combo.activated.emit(position)
    assert doc_of(services, review_id).events[0].kind == "decision"


def test_space_on_the_time_marks_it_estimated(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                              review_id: int) -> None:
    """Space on the time cell ticks "the time is an estimate"; the time then reads "≈ 10:00"."""
    view = focus_table(qtbot, widget)
    view.setCurrentIndex(view.model().index(0, M.COL_TIME))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert doc_of(services, review_id).events[0].approximate is True
    assert view.model().index(0, M.COL_TIME).data() == "≈ 10:00"


def test_people_are_typed_by_name(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                  review_id: int) -> None:
    """Participants are comma-separated names, any case; the stored names are the review's spelling."""
    edit_cell(qtbot, widget, 2, M.COL_WHO, "engineer b, responder a")
    assert doc_of(services, review_id).events[2].participants == PEOPLE


def test_an_unknown_name_is_refused_by_name(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                            review_id: int) -> None:
    """A name that is not a participant is named in the message, and the event keeps its people."""
    edit_cell(qtbot, widget, 0, M.COL_WHO, "Responder A, Dana")
    assert "“Dana” is not a participant of this review" in child(widget, QLabel, "message").text()
    assert doc_of(services, review_id).events[0].participants == ("Responder A",)


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_an_edit(qtbot: QtBot, widget: TimelineWidget,
                                                       services: Services, review_id: int) -> None:
    """The keys on the widget walk the library back and forth through an in-place edit and a re-time."""
    before = stored(services, review_id)
    edit_cell(qtbot, widget, 1, M.COL_SOURCE, "status page")
    edit_cell(qtbot, widget, 1, M.COL_TIME, "09:55")
    after = stored(services, review_id)
    view = focus_table(qtbot, widget)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert stored(services, review_id) == before
    assert _texts(view.model(), M.COL_TEXT) == [row[0] for row in before]
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
    assert stored(services, review_id) == after
    assert _texts(view.model(), M.COL_TEXT) == [row[0] for row in after]


def test_undo_shortcuts_can_be_left_to_the_window(qtbot: QtBot, widget: TimelineWidget,
                                                  services: Services, review_id: int) -> None:
    """With the window's Edit menu owning Ctrl+Z, the widget's own shortcut steps aside."""
    edit_cell(qtbot, widget, 0, M.COL_SOURCE, "deploy bot")
    widget.set_undo_shortcuts(False)
    view = focus_table(qtbot, widget)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert doc_of(services, review_id).events[0].source == "deploy bot"
    widget.set_undo_shortcuts(True)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert doc_of(services, review_id).events[0].source == "deploy log"


def test_add_is_undone_and_redone_by_keyboard(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                              review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event from the dialog is in the library; Ctrl+Z takes it out, Ctrl+Shift+Z puts it back."""
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, doc, **_kw: {
        "at": START + timedelta(minutes=7), "text": "Incident declared", "kind": "escalation",
        "source": "chat", "approximate": False, "participants": ["Responder A"]}))
    child(widget, QPushButton, "addEvent").click()
    added = stored(services, review_id)
    assert [row[0] for row in added] == [
        "Config rolled out", "Error rate alert", "Incident declared", "Rollback"]
    assert widget.current_event_id() == doc_of(services, review_id).events[2].id
    view = focus_table(qtbot, widget)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert len(stored(services, review_id)) == 3
    assert table(widget).model().rowCount() == 3
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
    assert stored(services, review_id) == added


def test_delete_key_removes_and_undo_relinks_the_notes(qtbot: QtBot, widget: TimelineWidget,
                                                       services: Services, review_id: int,
                                                       event_ids: list[int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Delete (confirmed) removes the event; Ctrl+Z restores it with its notes; Ctrl+Shift+Z removes again."""
    note = services.capture.add_note(review_id, phase="timeline", text="Nobody looked at the deploy log",
                                     event_id=event_ids[0])
    asked: list[EventRow] = []
    monkeypatch.setattr(widget, "confirm_remove", lambda event: asked.append(event) or True)
    before = stored(services, review_id)
    view = focus_table(qtbot, widget)
    widget.select_event(event_ids[0])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [e.id for e in asked] == [event_ids[0]]
    assert [e.id for e in doc_of(services, review_id).events] == event_ids[1:]
    assert widget.current_event_id() == event_ids[1]  # the next event is selected for the keyboard
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert stored(services, review_id) == before
    assert {n.id: n.event_id for n in doc_of(services, review_id).notes} == {note.id: event_ids[0]}
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
    assert [e.id for e in doc_of(services, review_id).events] == event_ids[1:]
    assert {n.id: n.event_id for n in doc_of(services, review_id).notes} == {note.id: None}


def test_declined_delete_keeps_the_event(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                         review_id: int, event_ids: list[int],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """No confirmation, no removal, no undo step."""
    monkeypatch.setattr(widget, "confirm_remove", lambda event: False)
    view = focus_table(qtbot, widget)
    widget.select_event(event_ids[0])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(doc_of(services, review_id).events) == 3
    assert services.undo.count() == 0


def test_an_edit_updates_one_row_without_reloading(qtbot: QtBot, widget: TimelineWidget,
                                                   services: Services, review_id: int,
                                                   event_ids: list[int]) -> None:
    """A single event's change arrives as one row's update: no reset, no reload of the review."""
    model = table(widget).model()
    loads: list[int] = []
    original_get = services.reviews.get
    services.reviews.get = lambda rid: loads.append(rid) or original_get(rid)  # type: ignore[method-assign]
    with qtbot.assertNotEmitted(model.modelReset):
        services.reviews.update_event(review_id, event_ids[1], text="Error rate alert (5xx)")
    assert model.index(1, M.COL_TEXT).data() == "Error rate alert (5xx)"
    assert loads == []


def test_filter_field_kind_and_participant(qtbot: QtBot, widget: TimelineWidget,
                                           event_ids: list[int]) -> None:
    """Typing filters as you type; the kind and participant lists narrow further; the count says so."""
    filter_field = child(widget, QLineEdit, "filter")
    count = child(widget, QLabel, "filterCount")
    assert filter_field.placeholderText() == "Filter events… (Ctrl+F)"
    assert count.text() == "3 events"
    qtbot.keyClicks(filter_field, "ROLL")
    assert widget.visible_event_ids() == [event_ids[0], event_ids[2]]
    assert count.text() == "2 of 3 events"
    kinds = child(widget, QComboBox, "kindFilter")
    kinds.setCurrentIndex(kinds.findData("mitigation"))
    assert widget.visible_event_ids() == [event_ids[2]]
    filter_field.clear()
    kinds.setCurrentIndex(0)
    people = child(widget, QComboBox, "participantFilter")
    assert [people.itemText(i) for i in range(people.count())] == ["Everyone", *PEOPLE]
    people.setCurrentIndex(people.findData("Engineer B"))
    assert widget.visible_event_ids() == [event_ids[1]]
    assert count.text() == "1 of 3 events"


def test_the_count_reads_as_a_person_writes_it(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                              review_id: int, event_ids: list[int], tmp_path: Path) -> None:
    """One event is "1 event"; a chat export's thousands are grouped ("1,203 events")."""
    count = child(widget, QLabel, "filterCount")
    services.reviews.remove_event(event_ids[0])
    services.reviews.remove_event(event_ids[1])
    qtbot.waitUntil(lambda: count.text() == "1 event", timeout=3000)
    field = child(widget, QLineEdit, "filter")
    qtbot.keyClicks(field, "nothing like this")
    assert count.text() == "0 of 1 event"
    field.clear()
    path = tmp_path / "chat.csv"
    lines = (f"2026-03-02T{9 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z,message {i}\n"
             for i in range(1202))
    path.write_text("time,text\n" + "".join(lines), encoding="utf-8")
    services.imports.commit(review_id, services.imports.preview(review_id, path))
    qtbot.waitUntil(lambda: count.text() == "1,203 events", timeout=3000)
    qtbot.keyClicks(field, "message 1")
    assert count.text() == f"{len(widget.visible_event_ids()):,} of 1,203 events"
    assert count.text() == "313 of 1,203 events"  # message 1, 10-19, 100-199, 1000-1201


def test_ctrl_f_focuses_the_filter_and_escape_clears_it(qtbot: QtBot, widget: TimelineWidget) -> None:
    """Ctrl+F jumps to the filter; Escape empties it, a second Escape returns to the table."""
    view = focus_table(qtbot, widget)
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    filter_field = child(widget, QLineEdit, "filter")
    qtbot.waitUntil(filter_field.hasFocus)
    qtbot.keyClicks(filter_field, "alert")
    assert view.model().rowCount() == 1
    qtbot.keyClick(filter_field, Qt.Key.Key_Escape)
    assert (filter_field.text(), view.model().rowCount()) == ("", 3)
    qtbot.keyClick(filter_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(view.hasFocus)


def test_selecting_a_hidden_event_clears_the_filters(widget: TimelineWidget, event_ids: list[int]) -> None:
    """Asking for an event the filter hides shows everything again and selects it."""
    child(widget, QLineEdit, "filter").setText("rollback")
    widget.select_event(event_ids[0])
    assert child(widget, QLineEdit, "filter").text() == ""
    assert widget.current_event_id() == event_ids[0]


def test_order_stays_by_time_under_a_filter(qtbot: QtBot, widget: TimelineWidget, services: Services,
                                            review_id: int, event_ids: list[int]) -> None:
    """Re-timing while filtered keeps the shown events in time order."""
    child(widget, QLineEdit, "filter").setText("r")  # all three contain an r
    services.reviews.update_event(review_id, event_ids[2], at=START - timedelta(minutes=1))
    assert widget.visible_event_ids() == [event_ids[2], event_ids[0], event_ids[1]]


def test_opening_another_review_starts_a_fresh_history(qtbot: QtBot, widget: TimelineWidget,
                                                       services: Services, review_id: int) -> None:
    """Undo steps of one review are not left to undo while another is shown."""
    edit_cell(qtbot, widget, 0, M.COL_SOURCE, "deploy bot")
    assert services.undo.count() == 1
    other = services.reviews.create(title="Another incident", template="standard")
    services.current.open(other)
    assert services.undo.count() == 0


def test_walkthrough_marks_steps_and_jumps(qtbot: QtBot, widget: TimelineWidget,
                                           event_ids: list[int]) -> None:
    """The walkthrough mark is separate from the selection, steps through shown events and jumps by time."""
    widget.select_event(event_ids[2])
    with qtbot.waitSignal(widget.highlighted_event_changed, timeout=1000) as blocker:
        assert widget.step(1) == event_ids[0]
    assert blocker.args == [event_ids[0]]
    assert (widget.highlighted_event_id(), widget.current_event_id()) == (event_ids[0], event_ids[2])
    assert widget.step(1) == event_ids[1]
    assert widget.step(5) == event_ids[2]  # stops at the end
    assert widget.step(-1) == event_ids[1]
    assert widget.jump_to_time(START + timedelta(minutes=6)) == event_ids[2]
    assert widget.jump_to_time(START + timedelta(hours=5)) == event_ids[2]
    model = table(widget).model()
    assert [model.index(r, 0).data(M.CurrentRole) for r in range(3)] == [False, False, True]
    child(widget, QComboBox, "kindFilter").setCurrentIndex(
        child(widget, QComboBox, "kindFilter").findData("change"))
    assert widget.step(-1) == event_ids[0]  # only shown events are stepped through
    widget.set_current_event(None)
    assert widget.highlighted_event_id() is None


def test_deleting_the_walkthrough_event_clears_the_mark(qtbot: QtBot, widget: TimelineWidget,
                                                       services: Services, event_ids: list[int]) -> None:
    """When the marked event goes, the walkthrough hears that nothing is marked."""
    widget.set_current_event(event_ids[1])
    with qtbot.waitSignal(widget.highlighted_event_changed, timeout=1000) as blocker:
        services.reviews.remove_event(event_ids[1])
    assert (blocker.args, widget.highlighted_event_id()) == ([-1], None)


# adding with the dialog, across the autumn change

@pytest.fixture
def dialog(qtbot: QtBot, services: Services, review_id: int) -> EventDialog:
    view = EventDialog(doc_of(services, review_id))
    qtbot.addWidget(view)
    return view


def ok_button(dialog: EventDialog) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def type_time(qtbot: QtBot, dialog: EventDialog, text: str) -> None:
    field = child(dialog, QLineEdit, "time")
    field.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_dialog_offers_both_readings_of_a_repeated_time(qtbot: QtBot, dialog: EventDialog) -> None:
    """02:30 on the night the clocks go back is offered as the CEST one and the CET one; OK waits."""
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "text"), "Disk alert")
    type_time(qtbot, dialog, "2026-10-25 02:30")
    assert dialog.fold_choices() == ("02:30 CEST (+02:00, first)", "02:30 CET (+01:00, second)")
    assert not child(dialog, QLabel, "timeError").isVisibleTo(dialog)
    assert not ok_button(dialog).isEnabled()
    child(dialog, QRadioButton, "foldSecond").click()
    assert ok_button(dialog).isEnabled()
    assert dialog.values()["at"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    child(dialog, QRadioButton, "foldFirst").click()
    assert dialog.values()["at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_dialog_drops_the_choice_for_an_unambiguous_time(qtbot: QtBot, dialog: EventDialog) -> None:
    """Once the time is no longer in the fold, the choice goes and the time stands alone."""
    type_time(qtbot, dialog, "2026-10-25 02:30")
    type_time(qtbot, dialog, "2026-10-25 02:30+01:00")
    assert dialog.fold_choices() is None
    assert dialog.values()["at"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_dialog_refuses_a_skipped_time_with_the_offset_to_use(qtbot: QtBot, dialog: EventDialog) -> None:
    """02:30 on the night the clocks jump forward does not exist: the error names the offset."""
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "text"), "Disk alert")
    type_time(qtbot, dialog, "2026-03-29 02:30")
    assert dialog.fold_choices() is None
    assert "enter it with an offset, e.g. 2026-03-29 02:30+01:00" in child(dialog, QLabel, "timeError").text()
    assert not ok_button(dialog).isEnabled()


def test_both_fold_events_added_through_the_ui_show_apart(qtbot: QtBot, widget: TimelineWidget,
                                                          services: Services, review_id: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Two events at 02:30, one per side of the change, land an hour apart and read CEST / CET."""
    answers = iter([datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)])
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, doc, **_kw: {
        "at": next(answers), "text": "Disk alert", "kind": "detection", "source": "", "approximate": False,
        "participants": []}))
    add = child(widget, QPushButton, "addEvent")
    add.click()
    add.click()
    model = table(widget).model()
    assert _texts(model, M.COL_TIME)[-2:] == ["2026-10-25 02:30 CEST", "2026-10-25 02:30 CET"]
    ats = [e.at for e in doc_of(services, review_id).events[-2:]]
    assert ats[1] - ats[0] == timedelta(hours=1)

