"""The blameless language coach under the note field: flags while typing, never in the way of Enter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.language import Rule, load_language_rules
from models.snapshot import ParticipantRow
from models.store import Library
from views.capture_bar import MAX_FLAG_LINES, CaptureBar
from views.main_window import MainWindow
from views.new_review_dialog import NewReview, NewReviewDialog

FLAGGED = "He should have rolled back sooner"


@pytest.fixture
def bar(qtbot: QtBot) -> CaptureBar:
    bar = CaptureBar()
    qtbot.addWidget(bar)
    bar.set_language_rules(load_language_rules().rules)
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def _shown(bar: CaptureBar) -> list[QLabel]:
    return [label for label in bar.flag_labels if label.isVisible()]


def _type(qtbot: QtBot, bar: CaptureBar, text: str) -> None:
    bar.note_edit.setFocus()
    qtbot.keyClicks(bar.note_edit, text)


def test_a_flagged_phrase_shows_with_a_reframe_under_the_field(bar: CaptureBar, qtbot: QtBot) -> None:
    """'should have' appears under the field with a question to ask instead."""
    _type(qtbot, bar, FLAGGED)
    [label] = _shown(bar)
    assert bar.flags_box.isVisible()
    assert "“should have”" in label.text()
    assert "What made the path they took look right at the time?" in label.text()
    assert bar.flags_box.geometry().top() >= bar.note_edit.geometry().bottom()


def test_a_flag_explains_why_in_its_tooltip(bar: CaptureBar, qtbot: QtBot) -> None:
    """Hovering a flag tells why the phrase matters."""
    _type(qtbot, bar, FLAGGED)
    [label] = _shown(bar)
    assert "counterfactual" in label.toolTip()


def test_a_clean_note_shows_no_flags(bar: CaptureBar, qtbot: QtBot) -> None:
    """'should we' is a question, not a judgement: nothing appears."""
    _type(qtbot, bar, "Should we roll back first next time?")
    assert not bar.flags_box.isVisible() and bar.language_flags() == ()


def test_enter_submits_exactly_the_typed_text(bar: CaptureBar, qtbot: QtBot) -> None:
    """The flag never blocks Enter and nothing of it goes into the note."""
    _type(qtbot, bar, FLAGGED)
    with qtbot.waitSignal(bar.submitted, timeout=1000) as blocker:
        qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert blocker.args == [FLAGGED, "observation", -1]


def test_flags_clear_once_the_note_is_added(bar: CaptureBar, qtbot: QtBot) -> None:
    """After Enter stores the note, the field and its flags are empty."""
    bar.submitted.connect(lambda *_: bar.clear_after_submit())
    _type(qtbot, bar, FLAGGED)
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Return)
    assert bar.text() == "" and not bar.flags_box.isVisible() and _shown(bar) == []


def test_a_flag_goes_when_the_text_no_longer_matches(bar: CaptureBar, qtbot: QtBot) -> None:
    """Editing the phrase away removes its flag."""
    _type(qtbot, bar, "He should have")
    assert bar.flags_box.isVisible()
    qtbot.keyClick(bar.note_edit, Qt.Key.Key_Backspace)
    assert not bar.flags_box.isVisible()


def test_switching_the_coach_off_hides_flags(bar: CaptureBar, qtbot: QtBot) -> None:
    """Off: no flags for the current text, nor for what is typed next."""
    _type(qtbot, bar, FLAGGED)
    bar.set_coach_enabled(False)
    assert not bar.flags_box.isVisible()
    _type(qtbot, bar, " and it was human error")
    assert not bar.flags_box.isVisible() and bar.language_flags() == ()


def test_switching_the_coach_back_on_flags_the_current_text(bar: CaptureBar, qtbot: QtBot) -> None:
    """On again: the note already in the field is checked at once."""
    bar.set_coach_enabled(False)
    _type(qtbot, bar, FLAGGED)
    bar.set_coach_enabled(True)
    assert [label.text() for label in _shown(bar)] != []


def test_participants_are_matched_by_person_rules(bar: CaptureBar, qtbot: QtBot) -> None:
    """'root cause was Priya' is flagged once Priya is a participant."""
    _type(qtbot, bar, "The root cause was Priya")
    assert not bar.flags_box.isVisible()
    bar.set_participants([ParticipantRow(id=1, name="Priya Natarajan", roles=(), on_call=None,
                                         brought_in="", worked_with_team_before=None)])
    assert [flag.rule_id for flag in bar.language_flags()] == ["root-cause-person"]
    assert bar.flags_box.isVisible()


def test_one_line_per_rule_naming_each_phrase(bar: CaptureBar, qtbot: QtBot) -> None:
    """Two phrases of one rule share a line."""
    _type(qtbot, bar, "He should have paged, they should've known")
    [label] = _shown(bar)
    assert "“should have”, “should've”" in label.text()


def test_many_flags_are_summed_up_in_one_more_line(bar: CaptureBar, qtbot: QtBot) -> None:
    """Beyond the first few rules, one line says how many more."""
    _type(qtbot, bar, "Obviously human error, he should have checked, so careless, blame the negligent ops")
    shown = _shown(bar)
    assert len(shown) == MAX_FLAG_LINES + 1
    assert shown[-1].text() == "…and 3 more"


def test_rule_text_is_shown_as_plain_text(bar: CaptureBar, qtbot: QtBot) -> None:
    """A user rule's reframe and why are escaped, never interpreted as rich text."""
    bar.set_language_rules([Rule("mine", ("blame",), "Why <i>this</i>", "Ask <b>this</b>?")])
    _type(qtbot, bar, "blame")
    [label] = _shown(bar)
    assert "Ask &lt;b&gt;this&lt;/b&gt;?" in label.text()
    assert "Why &lt;i&gt;this&lt;/i&gt;" in label.toolTip()


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    window = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    monkeypatch.setattr(NewReviewDialog, "ask", classmethod(
        lambda cls, catalog, parent=None: NewReview("Checkout errors", "standard", "SEV2")))
    window.new_action.trigger()
    yield window


def test_a_flagged_note_is_stored_as_typed_without_its_flag(window: MainWindow, qtbot: QtBot) -> None:
    """In the meeting, Enter stores exactly the words typed and the flags go away."""
    capture = window.review_page.capture
    capture.set_language_rules(window.services.language_rules.rules)
    _type(qtbot, capture, FLAGGED)
    assert capture.flags_box.isVisible()
    qtbot.keyClick(capture.note_edit, Qt.Key.Key_Return)
    doc = window.services.reviews.get(window.review_page.review_id or -1)
    assert doc is not None and [note.text for note in doc.notes] == [FLAGGED]
    assert capture.text() == "" and not capture.flags_box.isVisible()


def test_the_coach_setting_defaults_to_on(window: MainWindow) -> None:
    """A new user has the coach switched on."""
    assert window.services.settings.get("language_coach") is True
