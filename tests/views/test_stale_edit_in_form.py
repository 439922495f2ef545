"""The facts form when a colleague changed the field being edited: asked, and nothing typed is lost."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.bootstrap import Services
from app.changes import Origin, ReviewChanges
from models import reviews
from models.reviews import StaleEditError
from models.store import open_library
from views.level_setting_widget import LevelSettingWidget
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog

pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$", extend=True)


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


@pytest.fixture
def widget(qtbot: Any, services: Services, review_id: int) -> LevelSettingWidget:
    view = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(view)
    services.current.open(review_id)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


def _colleague_sets_title(db_url: str, review_id: int, title: str) -> None:
    other = open_library(db_url)
    with other.begin() as session:
        reviews.update(session, review_id, title=title)
    other.close()


def _type_title(qtbot: Any, widget: LevelSettingWidget, text: str) -> QLineEdit:
    edit = widget.findChild(QLineEdit, "title")
    assert edit is not None
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    return edit


def _title(services: Services, review_id: int) -> str:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc.title


@pytest.mark.parametrize(("choice", "kept"), [(StaleEditChoice.KEEP_MINE, "Mine"),
                                              (StaleEditChoice.RELOAD, "Theirs")])
def test_a_colleagues_change_while_typing_is_asked_about(
        qtbot: Any, services: Services, widget: LevelSettingWidget, review_id: int, db_url: str,
        monkeypatch: pytest.MonkeyPatch, choice: StaleEditChoice, kept: str) -> None:
    """The colleague saves while I type; Enter asks; my choice is stored and shown."""
    asked: list[StaleEditError] = []

    def ask(_parent: object, error: StaleEditError, _label: str, **_kw: object) -> StaleEditChoice:
        asked.append(error)
        return choice

    monkeypatch.setattr(StaleEditDialog, "ask", ask)
    edit = _type_title(qtbot, widget, "Mine")
    _colleague_sets_title(db_url, review_id, "Theirs")
    # The library watch brings their change into the window while my field is still being edited.
    services.changes.announce(ReviewChanges.everything(review_id, Origin.ELSEWHERE))
    assert edit.text() == "Mine"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert [(e.theirs, e.mine) for e in asked] == [("Theirs", "Mine")]
    assert _title(services, review_id) == kept
    qtbot.waitUntil(lambda: edit.text() == kept)


def test_an_edit_nobody_else_touched_is_not_asked_about(
        qtbot: Any, services: Services, widget: LevelSettingWidget, review_id: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No colleague, no question: the field is written as before."""
    monkeypatch.setattr(StaleEditDialog, "ask", lambda *a, **k: pytest.fail("asked without a conflict"))
    edit = _type_title(qtbot, widget, "Checkout errors after config push")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert _title(services, review_id) == "Checkout errors after config push"
