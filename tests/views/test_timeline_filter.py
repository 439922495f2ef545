"""The timeline filter: which events show, and how changes underneath reach the view precisely.

The filter fields of the timeline editor are driven in test_timeline_editor.py; here is the proxy
on its own (no window, no database) and the selection it keeps in the widget.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from models.snapshot import EventRow, ReviewDoc
from views.models.timeline_filter_model import TimelineFilterProxyModel
from views.models.timeline_table_model import TimelineTableModel
from views.timeline_widget import TimelineWidget

M = TimelineTableModel

# The offscreen platform cannot resize, raise or grab for windows and popups; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$",
    extend=True,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEOPLE = ("Responder A", "Engineer B")


def _event(event_id: int, minutes: int, text: str, kind: str = "observation", source: str = "",
           people: tuple[str, ...] = ()) -> EventRow:
    return EventRow(event_id, START + timedelta(minutes=minutes), text, kind, source, False, people)


EVENTS = (
    _event(1, 0, "Config rolled out", "change", "deploy log", ("Responder A",)),
    _event(2, 5, "Error rate alert", "detection", "PagerDuty", ("Engineer B",)),
    _event(3, 9, "Paged the config owner", "escalation", "chat", PEOPLE),
    _event(4, 30, "Rollback", "change", "deploy log"),
    _event(5, 40, "Error rate back to normal", "detection", "PagerDuty", ("Responder A",)),
)


@pytest.fixture
def model(qapp: object) -> TimelineTableModel:
    timeline = TimelineTableModel()
    timeline.set_rows(EVENTS, zone=BERLIN, started_at=START, participants=PEOPLE)
    return timeline


@pytest.fixture
def proxy(model: TimelineTableModel) -> TimelineFilterProxyModel:
    filtered = TimelineFilterProxyModel()
    filtered.setSourceModel(model)
    return filtered


def _ids(model: Any) -> list[int]:
    return [model.index(row, 0).data(M.IdRole) for row in range(model.rowCount())]


def _moved_args(blocker: Any) -> list[int]:
    _parent, first, last, _destination_parent, destination = blocker.args
    return [first, last, destination]


# the contract

def test_proxy_keeps_the_model_contract_through_filters_and_source_changes(
        qtmodeltester: ModelTester, model: TimelineTableModel, proxy: TimelineFilterProxyModel) -> None:
    """Filter changes, inserts, removals, moves, edits and reloads underneath all keep Qt's contract."""
    proxy.set_text("error")
    qtmodeltester.check(proxy)
    proxy.set_kind("detection")
    model.upsert(_event(6, 20, "Error budget burnt", "detection"))  # shown
    model.upsert(_event(7, 21, "Status page updated", "communication"))  # hidden
    model.upsert(_event(2, 45, "Error rate alert", "detection", "PagerDuty"))  # shown, moves down
    model.upsert(_event(7, 1, "Status page updated", "communication"))  # hidden, moves up
    model.upsert(_event(5, 40, "Back to normal", "detection"))  # stops matching
    model.upsert(_event(3, 9, "Error page sent", "detection"))  # starts matching
    model.remove(6)
    model.remove(7)
    model.set_current(3)
    model.set_context(zone=ZoneInfo("America/New_York"), started_at=START)
    proxy.set_filters("rate", None, "Engineer B")
    proxy.set_participant(None)
    model.sync([*EVENTS, _event(8, 50, "Error rate normal", "detection")])
    model.set_rows(EVENTS, zone=BERLIN, started_at=START, participants=PEOPLE)
    proxy.set_filters()
    assert _ids(proxy) == [1, 2, 3, 4, 5]


def test_a_filter_change_is_one_layout_change(qtbot: QtBot, proxy: TimelineFilterProxyModel) -> None:
    """Typing re-filters with one layout change: no reset, no row-by-row inserts or removals."""
    with qtbot.waitSignal(proxy.layoutChanged, timeout=1000), qtbot.assertNotEmitted(proxy.modelReset), \
            qtbot.assertNotEmitted(proxy.rowsRemoved):
        proxy.set_text("config")
    assert _ids(proxy) == [1, 3]


def test_an_unchanged_filter_changes_nothing(qtbot: QtBot, proxy: TimelineFilterProxyModel) -> None:
    """Setting the filters already set announces nothing."""
    proxy.set_kind("change")
    with qtbot.assertNotEmitted(proxy.layoutChanged):
        proxy.set_filters("", "change", None)


def test_only_a_timeline_model_can_be_filtered(qapp: object) -> None:
    """The proxy reads the timeline's own lists, so another model is refused."""
    with pytest.raises(TypeError, match="TimelineTableModel"):
        TimelineFilterProxyModel().setSourceModel(QStringListModel(["a"]))


def test_a_new_source_replaces_the_old_one(model: TimelineTableModel,
                                          proxy: TimelineFilterProxyModel) -> None:
    """After setSourceModel again, the first model's changes no longer reach the proxy."""
    other = TimelineTableModel()
    other.set_rows(EVENTS[:2], zone=BERLIN)
    proxy.setSourceModel(other)
    model.upsert(_event(9, 1, "Elsewhere"))
    assert _ids(proxy) == [1, 2]


# which events show

@pytest.mark.parametrize(
    ("text", "kind", "person", "expected"),
    [
        ("", None, None, [1, 2, 3, 4, 5]),
        ("error rate", None, None, [2, 5]),
        ("  CONFIG ", None, None, [1, 3]),
        ("pagerduty", None, None, [2, 5]),
        ("engineer", None, None, [2, 3]),
        ("", "change", None, [1, 4]),
        ("", None, "Responder A", [1, 3, 5]),
        ("config", "change", None, [1]),
        ("error", None, "Responder A", [5]),
        ("", "detection", "Engineer B", [2]),
        ("config", "escalation", "Engineer B", [3]),
        ("config", "detection", "Responder A", []),
    ],
)
def test_each_filter_alone_and_together(proxy: TimelineFilterProxyModel, text: str, kind: str | None,
                                        person: str | None, expected: list[int]) -> None:
    """Text (any case, in text, source or names), kind and participant each narrow; order stays by time."""
    proxy.set_filters(text, kind, person)
    assert _ids(proxy) == expected


def test_the_filters_read_back_as_set(proxy: TimelineFilterProxyModel) -> None:
    """text(), kind(), participant() and is_filtering() say what is set; empty values mean none."""
    assert not proxy.is_filtering()
    proxy.set_filters("  Config ", "", "Engineer B")
    assert (proxy.text(), proxy.kind(), proxy.participant(), proxy.is_filtering()) == (
        "config", None, "Engineer B", True)


def test_typing_on_and_deleting_back(proxy: TimelineFilterProxyModel) -> None:
    """Each keystroke narrows or widens correctly, whichever rows showed before."""
    shown = []
    for typed in ("r", "ro", "rol", "ro", "", "a", "al", "ale", "al"):
        proxy.set_text(typed)
        shown.append(_ids(proxy))
    assert shown == [[1, 2, 3, 4, 5], [1, 2, 4, 5], [1, 4], [1, 2, 4, 5], [1, 2, 3, 4, 5],
                     [1, 2, 3, 4, 5], [2, 5], [2], [2, 5]]


def test_hidden_events_map_to_nothing(model: TimelineTableModel, proxy: TimelineFilterProxyModel) -> None:
    """A shown row maps both ways; a hidden one maps to an invalid index."""
    proxy.set_kind("change")
    fourth = proxy.mapFromSource(model.index(3, M.COL_TEXT))
    assert (fourth.row(), fourth.column()) == (1, M.COL_TEXT)
    assert proxy.mapToSource(fourth).row() == 3
    assert not proxy.mapFromSource(model.index(1, 0)).isValid()
    assert not proxy.index(2, 0).isValid()


def test_headers_show_when_no_event_does(proxy: TimelineFilterProxyModel) -> None:
    """With nothing matching, the columns keep their titles."""
    proxy.set_text("no such event")
    assert proxy.rowCount() == 0
    assert proxy.headerData(M.COL_TEXT, Qt.Orientation.Horizontal) == "What happened"


def test_the_time_header_follows_through_the_filter(qtbot: QtBot, model: TimelineTableModel,
                                                   proxy: TimelineFilterProxyModel) -> None:
    """An event on another day drops the day from the time header, and the proxy says so."""
    proxy.set_kind("change")
    with qtbot.waitSignal(proxy.headerDataChanged, timeout=1000):
        model.upsert(_event(6, 24 * 60, "Next morning"))
    assert proxy.headerData(M.COL_TIME, Qt.Orientation.Horizontal) == "Time"


def test_a_reload_is_filtered_like_the_rows_before(qtbot: QtBot, model: TimelineTableModel,
                                                   proxy: TimelineFilterProxyModel) -> None:
    """Rows shown afresh (another review, a big sync) pass through the filters set."""
    proxy.set_kind("detection")
    with qtbot.waitSignal(proxy.modelReset, timeout=1000):
        model.set_rows([_event(10, 0, "Disk full", "detection"), _event(11, 1, "Paged", "escalation")])
    assert _ids(proxy) == [10]


# changes underneath while filtered

def test_a_matching_event_added_is_inserted_in_time_order(qtbot: QtBot, model: TimelineTableModel,
                                                          proxy: TimelineFilterProxyModel) -> None:
    """A new event that passes the filter is one row inserted among the shown, in time order."""
    proxy.set_text("error")
    with qtbot.waitSignal(proxy.rowsInserted, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(proxy.layoutChanged), qtbot.assertNotEmitted(proxy.modelReset):
        model.upsert(_event(6, 20, "Error budget burnt"))
    assert blocker.args[1:] == [1, 1]
    assert _ids(proxy) == [2, 6, 5]


def test_a_non_matching_event_added_stays_hidden(qtbot: QtBot, model: TimelineTableModel,
                                                 proxy: TimelineFilterProxyModel) -> None:
    """A new event the filter hides announces nothing, and the shown rows still read right."""
    proxy.set_text("error")
    with qtbot.assertNotEmitted(proxy.rowsInserted), qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(6, 1, "Status page updated"))
    assert _ids(proxy) == [2, 5]
    assert proxy.index(1, M.COL_TEXT).data() == "Error rate back to normal"


def test_an_edit_that_stops_matching_removes_the_row(qtbot: QtBot, model: TimelineTableModel,
                                                     proxy: TimelineFilterProxyModel) -> None:
    """An event edited so the filter no longer passes it is one row removed."""
    proxy.set_text("error")
    with qtbot.waitSignal(proxy.rowsRemoved, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(2, 5, "Latency alert", "detection", "PagerDuty"))
    assert blocker.args[1:] == [0, 0]
    assert _ids(proxy) == [5]


def test_an_edit_that_starts_matching_inserts_the_row(qtbot: QtBot, model: TimelineTableModel,
                                                      proxy: TimelineFilterProxyModel) -> None:
    """An event edited so the filter now passes it is one row inserted where it belongs."""
    proxy.set_text("error")
    with qtbot.waitSignal(proxy.rowsInserted, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(4, 30, "Rollback of the error", "change", "deploy log"))
    assert blocker.args[1:] == [1, 1]
    assert _ids(proxy) == [2, 4, 5]


def test_an_edit_that_still_matches_updates_the_row(qtbot: QtBot, model: TimelineTableModel,
                                                    proxy: TimelineFilterProxyModel) -> None:
    """An edit that keeps the event shown is a data change on its row, nothing more."""
    proxy.set_text("error")
    with qtbot.waitSignal(proxy.dataChanged, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(proxy.rowsRemoved), qtbot.assertNotEmitted(proxy.rowsInserted):
        model.upsert(_event(5, 40, "Error rate normal again", "detection"))
    assert (blocker.args[0].row(), blocker.args[1].row()) == (1, 1)
    assert proxy.index(1, M.COL_TEXT).data() == "Error rate normal again"


def test_a_re_timed_shown_event_moves_its_row(qtbot: QtBot, model: TimelineTableModel,
                                              proxy: TimelineFilterProxyModel) -> None:
    """Re-timing a shown event past others moves its row (not a reset), keeping time order."""
    proxy.set_kind("change")
    proxy.set_participant(None)
    model.upsert(_event(6, 50, "Feature flag off", "change"))
    with qtbot.waitSignal(proxy.rowsMoved, timeout=1000) as blocker, \
            qtbot.assertNotEmitted(proxy.modelReset), qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(1, 45, "Config rolled out", "change", "deploy log", ("Responder A",)))
    assert _moved_args(blocker) == [0, 0, 2]
    assert _ids(proxy) == [4, 1, 6]


def test_a_re_time_past_hidden_events_only_keeps_the_row(qtbot: QtBot, model: TimelineTableModel,
                                                        proxy: TimelineFilterProxyModel) -> None:
    """A shown event re-timed past hidden events only stays on its row, now reading its new place."""
    proxy.set_kind("change")
    with qtbot.assertNotEmitted(proxy.rowsMoved), qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(1, 20, "Config rolled out", "change", "deploy log", ("Responder A",)))
    assert _ids(proxy) == [1, 4]
    assert proxy.mapToSource(proxy.index(0, 0)).row() == 2


def test_a_re_timed_hidden_event_moves_nothing_shown(qtbot: QtBot, model: TimelineTableModel,
                                                     proxy: TimelineFilterProxyModel) -> None:
    """Re-timing an event the filter hides changes no shown row, and the rows still read right."""
    proxy.set_kind("change")
    with qtbot.assertNotEmitted(proxy.rowsMoved), qtbot.assertNotEmitted(proxy.layoutChanged):
        model.upsert(_event(2, 60, "Error rate alert", "detection", "PagerDuty", ("Engineer B",)))
    assert _ids(proxy) == [1, 4]
    assert proxy.mapToSource(proxy.index(1, 0)).row() == 2


def test_a_re_time_that_stops_matching_moves_then_removes(qtbot: QtBot, model: TimelineTableModel,
                                                          proxy: TimelineFilterProxyModel) -> None:
    """A re-time with a new text that no longer matches leaves the shown events in order."""
    proxy.set_text("error")
    model.upsert(_event(2, 50, "Latency alert", "detection"))
    model.upsert(_event(4, 3, "Rollback after the error", "change"))
    assert _ids(proxy) == [4, 5]


def test_removing_events_shown_and_hidden(qtbot: QtBot, model: TimelineTableModel,
                                          proxy: TimelineFilterProxyModel) -> None:
    """A shown event removed is its row removed; a hidden one removed announces nothing."""
    proxy.set_kind("detection")
    with qtbot.assertNotEmitted(proxy.rowsRemoved):
        model.remove(1)
    with qtbot.waitSignal(proxy.rowsRemoved, timeout=1000) as blocker:
        model.remove(2)
    assert blocker.args[1:] == [0, 0]
    assert _ids(proxy) == [5]


def test_the_walkthrough_mark_repaints_the_shown_row(qtbot: QtBot, model: TimelineTableModel,
                                                     proxy: TimelineFilterProxyModel) -> None:
    """Marking an event repaints its row in the proxy with the roles the model named."""
    proxy.set_kind("detection")
    with qtbot.waitSignal(proxy.dataChanged, timeout=1000) as blocker:
        model.set_current(5)
    top_left, bottom_right, roles = blocker.args
    assert (top_left.row(), bottom_right.row()) == (1, 1)
    assert M.CurrentRole in roles
    assert proxy.index(1, 0).data(M.CurrentRole) is True


def test_a_zone_change_keeps_the_rows_shown(qtbot: QtBot, model: TimelineTableModel,
                                            proxy: TimelineFilterProxyModel) -> None:
    """Times read again in another zone without any row coming or going."""
    proxy.set_text("error")
    with qtbot.assertNotEmitted(proxy.rowsRemoved), qtbot.assertNotEmitted(proxy.layoutChanged):
        model.set_context(zone=ZoneInfo("UTC"), started_at=START)
    assert [proxy.index(r, M.COL_TIME).data() for r in range(2)] == ["09:05", "09:40"]


def test_a_layout_change_underneath_starts_over(qtbot: QtBot, model: TimelineTableModel,
                                                proxy: TimelineFilterProxyModel) -> None:
    """Should the source ever re-lay out its rows, the proxy resets with the filters still applied."""
    proxy.set_kind("change")
    with qtbot.waitSignal(proxy.modelReset, timeout=1000):
        model.layoutAboutToBeChanged.emit()
        model.layoutChanged.emit()
    assert _ids(proxy) == [1, 4]


# the selection in the widget

@pytest.fixture
def review(services: Services) -> ReviewDoc:
    review_id = services.reviews.create(title="Checkout errors", template="standard",
                                        timezone="Europe/Berlin", started_at=START)
    for event in EVENTS:
        services.reviews.add_event(review_id, at=event.at, text=event.text, kind=event.kind,
                                   source=event.source)
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc


@pytest.fixture
def widget(qtbot: QtBot, services: Services, review: ReviewDoc) -> TimelineWidget:
    view = TimelineWidget(services.reviews, services.current, undo=services.undo)
    qtbot.addWidget(view)
    services.current.open(review.id)
    view.show()
    qtbot.waitExposed(view)
    return view


def _type_filter(widget: TimelineWidget, text: str) -> None:
    field = widget.findChild(QLineEdit, "filter")
    assert field is not None
    field.setText(text)


def _selected_rows(widget: TimelineWidget) -> list[int]:
    table = widget.findChild(QTableView, "events")
    assert table is not None
    return [index.row() for index in table.selectionModel().selectedRows()]


def test_the_selection_survives_a_filter_that_keeps_it(qtbot: QtBot, widget: TimelineWidget,
                                                       review: ReviewDoc) -> None:
    """The selected event stays selected, on its new row, when the filter still shows it."""
    fifth = review.events[4].id
    widget.select_event(fifth)
    with qtbot.assertNotEmitted(widget.current_event_changed):
        _type_filter(widget, "error")
    assert (_selected_rows(widget), widget.current_event_id()) == ([1], fifth)
    _type_filter(widget, "")
    assert (_selected_rows(widget), widget.current_event_id()) == ([4], fifth)


def test_a_filter_that_hides_the_selected_event_deselects_it(qtbot: QtBot, widget: TimelineWidget,
                                                             review: ReviewDoc) -> None:
    """Hiding the selected event leaves nothing selected, and says so (-1), so Remove cannot hit it."""
    widget.select_event(review.events[0].id)
    with qtbot.waitSignal(widget.current_event_changed, timeout=1000) as blocker:
        _type_filter(widget, "error")
    assert (blocker.args, _selected_rows(widget), widget.current_event_id()) == ([-1], [], None)


def test_the_count_follows_an_edit_while_filtered(widget: TimelineWidget, services: Services,
                                                  review: ReviewDoc) -> None:
    """An edit that hides an event under the filter updates "n of m events"."""
    _type_filter(widget, "error")
    services.reviews.update_event(review.id, review.events[1].id, text="Latency alert")
    count = widget.findChild(QLabel, "filterCount")
    assert count is not None
    assert (widget.visible_event_ids(), count.text()) == ([review.events[4].id], "1 of 5 events")
