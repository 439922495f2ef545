"""A whole review as a facilitator and note-taker run it, from the keyboard, to the reports."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import build_services
from models.catalog import Catalog
from models.store import Library
from models.vocabulary import NOTE_KINDS
from views.event_dialog import EventDialog
from views.main_window import MainWindow
from views.new_review_dialog import NewReview, NewReviewDialog
from views.participant_dialog import ParticipantDialog

CTRL = Qt.KeyboardModifier.ControlModifier

#: What the note-taker types in each phase: (text, kind set with Ctrl+N before Enter).
SAID = {
    "level-setting": [("Checkout failed for about a third of customers", "observation")],
    "timeline": [("The deploy looked routine, it had gone out the same way all week", "observation"),
                 ("Dashboards looked normal because errors were sampled out", "surprise")],
    "went-well": [("Paging reached the right person within two minutes", "went-well")],
    "surprises": [("The config service accepts keys it does not know", "surprise"),
                  ("How do we know which regions got the push first?", "question")],
    "learnings": [("Sampling can hide a partial outage from the dashboards", "learning")],
    "actions": [("Alert on the unsampled error rate as well", "action")],
    "wrap-up": [("Share the report with the payments and platform teams", "parking-lot")],
}


@pytest.fixture
def window(library: Library, catalog: Catalog, qtbot: QtBot) -> Iterator[MainWindow]:
    services = build_services(library, catalog=catalog)
    window = MainWindow(services)
    qtbot.addWidget(window)
    _show_active(qtbot, window)
    yield window


def _show_active(qtbot: QtBot, window: MainWindow) -> None:
    """Show the window and make it the active one, as a user's click would (shortcuts need it)."""
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()


def _create_review(window: MainWindow, monkeypatch: pytest.MonkeyPatch, template: str) -> int:
    monkeypatch.setattr(NewReviewDialog, "ask", classmethod(
        lambda cls, catalog, parent=None: NewReview("Checkout errors after config push", template, "SEV2")))
    window.new_action.trigger()
    review_id = window.review_page.review_id
    assert review_id is not None
    return review_id


def _type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    if isinstance(widget, QLineEdit):
        widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _fill_level_setting(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    level = window.review_page.level_setting
    timezone = level.findChild(QComboBox, "timezone")
    assert timezone is not None and timezone.lineEdit() is not None
    _type_into(qtbot, timezone.lineEdit(), "Europe/Berlin")
    _type_into(qtbot, level.findChild(QLineEdit, "started_at"), "2026-03-02 10:14")
    _type_into(qtbot, level.findChild(QLineEdit, "detected_at"), "2026-03-02 10:31")
    _type_into(qtbot, level.findChild(QLineEdit, "services"), "checkout, config-service")
    people = iter([
        {"name": "Responder A", "roles": ["incident-commander"], "on_call": True,
         "brought_in": "paged by alert", "worked_with_team_before": False},
        {"name": "Engineer B", "roles": ["responder", "subject-matter-expert"], "on_call": False,
         "brought_in": "asked in chat", "worked_with_team_before": True},
    ])
    monkeypatch.setattr(ParticipantDialog, "ask", classmethod(lambda cls, parent, initial=None: next(people)))
    add = next(b for b in level.findChildren(QPushButton) if b.text().startswith("Add"))
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)


def _add_timeline_event(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline = window.review_page.timeline
    doc = window.review_page.doc
    assert doc is not None
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, doc, **_kw: {
        "at": doc.started_at, "text": "Config change rolled out to all regions", "kind": "change",
        "source": "deploy log", "approximate": False, "participants": ["Responder A"]}))
    add = next(b for b in timeline.findChildren(QPushButton) if b.text().startswith("Add event"))
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    events = window.services.reviews.get(doc.id).events  # type: ignore[union-attr]
    assert len(events) == 1
    event_id = events[0].id
    timeline.select_event(event_id)
    assert timeline.current_event_id() == event_id


def _say(window: MainWindow, qtbot: QtBot, text: str, kind: str) -> None:
    field = window.review_page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key(Qt.Key.Key_1 + NOTE_KINDS.index(kind)), CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == ""


def _walk_meeting(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    page = window.review_page
    template = window.services.meeting.template
    assert template is not None
    visited = []
    for number, phase in enumerate(template.phases):
        if number:
            qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
        assert page.current_phase() == phase.id
        assert page.phase_title.text() == phase.name
        assert page.prompt_deck.prompt_label.text() == phase.prompts[0]  # the deck starts at the template's
        visited.append(phase.id)
        if phase.id == "level-setting":
            _fill_level_setting(window, qtbot, monkeypatch)
        if phase.id == "timeline":
            _add_timeline_event(window, qtbot, monkeypatch)
        for text, kind in SAID[phase.id]:
            _say(window, qtbot, text, kind)
        if phase.id == "learnings":
            qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_L, CTRL)
        if phase.id == "surprises" and "actions" in template.phase_ids():
            # Promote the first surprise to an action (select it, one keystroke).
            page.notes_view.selectRow(0)
            qtbot.keyClick(page.capture.note_edit, Qt.Key.Key_A,
                           CTRL | Qt.KeyboardModifier.ShiftModifier)
    return visited


def _export(window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path) -> bytes:
    monkeypatch.setattr(window, "ask_export_choice", lambda review_id, initial: initial)
    monkeypatch.setattr(window, "ask_save_path", lambda suggested, filters, selected: (str(path), selected))
    window.export_action.trigger()
    assert path.exists(), window.statusBar().currentMessage()
    return path.read_bytes()


def _docx_text(data: bytes) -> tuple[list[tuple[str, str]], str]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return paragraphs, "\n".join(text for _, text in paragraphs) + "\n" + cells


def test_standard_review_from_first_phase_to_word_and_markdown(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Facilitator and note-taker walk all seven phases by keyboard; both reports hold everything said."""
    review_id = _create_review(window, monkeypatch, "standard")
    visited = _walk_meeting(window, qtbot, monkeypatch)
    assert visited == ["level-setting", "timeline", "went-well", "surprises", "learnings", "actions",
                       "wrap-up"]

    doc = window.services.reviews.get(review_id)
    assert doc is not None
    assert [p.name for p in doc.participants] == ["Responder A", "Engineer B"]
    assert doc.timezone == "Europe/Berlin" and doc.started_at is not None
    assert doc.started_at.isoformat() == "2026-03-02T09:14:00+00:00"
    stored = {(n.phase, n.text, n.kind) for n in doc.notes}
    assert stored == {(phase, text, kind) for phase, said in SAID.items() for text, kind in said}
    attached = [n for n in doc.notes if n.event_id is not None]
    assert {n.text for n in attached} == {text for text, _ in SAID["timeline"]}
    # The learning note is the learning (Ctrl+L on it adds no second one); the action note is an action,
    # beside the surprise promoted with Ctrl+Shift+A.
    assert [x.text for x in doc.learnings] == [SAID["learnings"][0][0]]
    assert [a.title for a in doc.actions] == [SAID["surprises"][0][0], SAID["actions"][0][0]]

    paragraphs, everything = _docx_text(_export(window, monkeypatch, tmp_path / "review.docx"))
    for said in SAID.values():
        for text, _ in said:
            assert text in everything, text
    assert "Config change rolled out to all regions" in everything
    assert "10:14" in everything  # the event, in the review's timezone (09:14 UTC)
    headings = [text for style, text in paragraphs if style.startswith("Heading 1")]
    assert any(h.startswith("Learnings") for h in headings)
    assert any(h.startswith("Actions") for h in headings)
    assert any(h.startswith("Timeline") for h in headings)

    markdown = _export(window, monkeypatch, tmp_path / "review.md").decode("utf-8")
    front = yaml.safe_load(markdown.split("---")[1])
    assert front["title"] == "Checkout errors after config push"
    assert front["severity"] == "SEV2"
    for said in SAID.values():
        for text, _ in said:
            assert text.replace("?", "") in markdown.replace("\\", "").replace("?", ""), text
    assert "| " in markdown and "Config change rolled out to all regions" in markdown
    assert "\n## " in markdown or "\n# " in markdown


def test_learning_focused_review_report_has_no_actions_section(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The learning-focused template has six phases and its report no Actions section."""
    _create_review(window, monkeypatch, "learning-focused")
    visited = _walk_meeting(window, qtbot, monkeypatch)
    assert visited == ["level-setting", "timeline", "went-well", "surprises", "learnings", "wrap-up"]
    paragraphs, everything = _docx_text(_export(window, monkeypatch, tmp_path / "learning.docx"))
    for phase in visited:
        for text, _ in SAID[phase]:
            assert text in everything, text
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    assert not any(h.startswith("Actions") for h in headings)
    markdown = _export(window, monkeypatch, tmp_path / "learning.md").decode("utf-8")
    assert "# Actions" not in markdown


def test_closing_mid_meeting_and_reopening_shows_every_note(
    library: Library, catalog: Catalog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes typed before the window closed are all there when the review is opened again."""
    first = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(first)
    _show_active(qtbot, first)
    review_id = _create_review(first, monkeypatch, "standard")
    qtbot.keyClick(first.review_page.capture.note_edit, Qt.Key.Key_PageDown, CTRL)
    assert first.review_page.current_phase() == "timeline"
    for text, kind in SAID["timeline"]:
        _say(first, qtbot, text, kind)
    first.close()

    second = MainWindow(build_services(library, catalog=catalog))
    qtbot.addWidget(second)
    second.show()
    second.open_review(review_id)
    page = second.review_page
    assert page.current_phase() == "timeline"  # the meeting resumes where it was
    shown = [page.notes_model.note_at(row).text for row in range(page.notes_model.rowCount())]  # type: ignore[union-attr]
    assert shown == [text for text, _ in SAID["timeline"]]


def test_ctrl_digit_right_after_enter_rekinds_the_note_just_added(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter, then Ctrl+3: the note just added becomes a surprise; the next note starts fresh."""
    review_id = _create_review(window, monkeypatch, "standard")
    field = window.review_page.capture.note_edit
    field.setFocus()
    qtbot.keyClicks(field, "Nobody expected the cache to be cold")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_3, CTRL)
    notes: Any = window.services.reviews.get(review_id).notes  # type: ignore[union-attr]
    assert [(n.text, n.kind) for n in notes] == [("Nobody expected the cache to be cold", "surprise")]
    assert window.review_page.capture.kind() == "observation"


def test_deleting_a_review_asks_first(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Delete in the library removes a review only after the user confirms."""
    review_id = _create_review(window, monkeypatch, "standard")
    window.show_library()
    window.library_page.select(review_id)
    monkeypatch.setattr(window.library_page, "confirm_delete", lambda title: False)
    window.library_page.delete_selected()
    assert window.services.reviews.get(review_id) is not None
    monkeypatch.setattr(window.library_page, "confirm_delete", lambda title: True)
    window.library_page.delete_selected()
    assert window.services.reviews.get(review_id) is None
    assert window.library_page.model.rowCount() == 0
