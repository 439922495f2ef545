"""Level setting: the "In the room" column ticks attendance of the running meeting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.bootstrap import Services
from views.level_setting_widget import LevelSettingWidget

pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$", extend=True)


def test_ticking_in_the_room_stores_attendance(qtbot: Any, services: Services) -> None:
    """Ticking and unticking the box stores it on the running meeting; a new widget shows it."""
    review_id = services.reviews.create(title="Checkout errors", template="standard")
    first = services.reviews.add_participant(review_id, name="Responder A")
    second = services.reviews.add_participant(review_id, name="Observer B")
    widget = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(widget)
    doc = services.reviews.get(review_id)
    assert doc is not None
    services.current.open(doc.id)
    widget.show()
    table = widget.findChild(QTableView, "participantsTable")
    assert table is not None
    model = table.model()
    col = LevelSettingWidget.COL_IN_ROOM
    assert model.headerData(col, Qt.Orientation.Horizontal) == "In the room"
    assert model.flags(model.index(0, col)) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(services.changes.changed):
        model.setData(model.index(0, col), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(1, col), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(0, col), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert services.reviews.attendance(review_id) == {second}
    assert widget.in_the_room() == {second}

    again = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(again)
    services.current.open(doc.id)
    other = again.findChild(QTableView, "participantsTable")
    assert other is not None
    states = [other.model().index(r, col).data(Qt.ItemDataRole.CheckStateRole) for r in range(2)]
    assert states == [Qt.CheckState.Unchecked, Qt.CheckState.Checked]
    assert first not in services.reviews.attendance(review_id)


def test_space_on_the_box_ticks_it(qtbot: Any, services: Services) -> None:
    """The keyboard ticks the box too: Space on the "In the room" cell."""
    review_id = services.reviews.create(title="Checkout errors", template="standard")
    person = services.reviews.add_participant(review_id, name="Responder A")
    widget = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(widget)
    doc = services.reviews.get(review_id)
    assert doc is not None
    services.current.open(doc.id)
    widget.show()
    qtbot.waitExposed(widget)
    table = widget.findChild(QTableView, "participantsTable")
    assert table is not None
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, LevelSettingWidget.COL_IN_ROOM))
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert services.reviews.attendance(review_id) == {person}
