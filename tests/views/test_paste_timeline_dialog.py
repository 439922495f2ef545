"""Paste timeline: pasted lines kept as a file, previewed in the import preview, never dropped unasked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.timeline_import_service import PASTED_FOLDER
from views.paste_timeline_dialog import PasteTimelineDialog
from views.timeline_import_dialog import TimelineImportDialog

NOTES = ("Timeline\n- 14:02 config push to checkout-eu (Bob)\n- 23:50 rollback started\n"
         "- 00:10 rollback done\n")


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin",
                                   started_at=datetime(2025, 3, 11, 13, 0, tzinfo=UTC))


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str]]:
    """TimelineImportDialog.ask replaced: records each path it is given (and its text), imports 3 events."""
    seen: list[tuple[Path, str]] = []

    def ask(cls: type[TimelineImportDialog], parent: object, services: Services, review_id: int,
            path: Path) -> int | None:
        seen.append((path, path.read_text(encoding="utf-8")))
        return 3

    monkeypatch.setattr(TimelineImportDialog, "ask", classmethod(ask))
    return seen


def _dialog(qtbot: QtBot, services: Services, review_id: int, text: str = "") -> PasteTimelineDialog:
    dialog = PasteTimelineDialog(services, review_id)
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText(text)
    return dialog


def test_preview_keeps_the_text_then_opens_the_preview(qtbot: QtBot, services: Services, review_id: int,
                                                       previews: list[tuple[Path, str]],
                                                       user_dirs: dict[str, Path]) -> None:
    """Preview… writes pasted/<review>-….txt in the data folder, previews it; an import closes the dialog."""
    dialog = _dialog(qtbot, services, review_id, NOTES)
    QTest.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    ((path, text),) = previews
    assert path.parent == user_dirs["data"] / PASTED_FOLDER and path.name.startswith(f"{review_id}-")
    assert text == NOTES and path == dialog.path
    assert dialog.added == 3 and dialog.result() == PasteTimelineDialog.DialogCode.Accepted


def test_a_cancelled_preview_comes_back_to_the_text(qtbot: QtBot, services: Services, review_id: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview cancelled: the dialog stays with the text; the next preview rewrites the same file."""
    seen: list[str] = []

    def ask(cls: type[TimelineImportDialog], parent: object, services: Services, review_id: int,
            path: Path) -> int | None:
        seen.append(path.read_text(encoding="utf-8"))
        return None

    monkeypatch.setattr(TimelineImportDialog, "ask", classmethod(ask))
    dialog = _dialog(qtbot, services, review_id, "14:02 push\n")
    dialog.show()
    dialog.preview()
    first = dialog.path
    dialog.editor.setPlainText("14:02 config push\n")
    dialog.preview()
    assert seen == ["14:02 push\n", "14:02 config push\n"]
    assert dialog.path == first and dialog.isVisible() and dialog.added is None


def test_the_preview_shows_the_pasted_events(qtbot: QtBot, services: Services, review_id: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The real preview dialog over the kept file: three text events (the last past midnight), then Import."""
    shown: list[TimelineImportDialog] = []

    def ask(cls: type[TimelineImportDialog], parent: object, services: Services, review_id: int,
            path: Path) -> int | None:
        preview = TimelineImportDialog(services, review_id, path)
        qtbot.addWidget(preview)
        shown.append(preview)
        qtbot.waitUntil(lambda: not preview.busy, timeout=5000)
        QTest.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: preview.added is not None, timeout=5000)
        return preview.added

    monkeypatch.setattr(TimelineImportDialog, "ask", classmethod(ask))
    dialog = _dialog(qtbot, services, review_id, NOTES)
    dialog.preview()
    (preview,) = shown
    assert preview.preview is not None and preview.preview.kind == "text"
    model = preview.model
    assert [model.data(model.index(row, 1)) for row in range(model.rowCount())] == \
        ["2025-03-11 14:02", "2025-03-11 23:50", "2025-03-12 00:10"]
    assert "New participants: Bob" in preview.summary.text()
    assert dialog.added == 3
    doc = services.reviews.get(review_id)
    assert doc is not None
    assert [e.text for e in doc.events] == ["config push to checkout-eu", "rollback started", "rollback done"]


def test_ask_returns_the_number_of_events_added(qtbot: QtBot, services: Services, review_id: int,
                                                previews: list[tuple[Path, str]]) -> None:
    """PasteTimelineDialog.ask: paste, Preview…, imported: the count comes back."""
    def paste() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PasteTimelineDialog)
        dialog.editor.setPlainText(NOTES)
        dialog.preview_button.click()

    QTimer.singleShot(0, paste)
    assert PasteTimelineDialog.ask(None, services, review_id) == 3
    assert len(previews) == 1


def test_text_without_times_is_not_previewed(qtbot: QtBot, services: Services, review_id: int,
                                             previews: list[tuple[Path, str]]) -> None:
    """No line starts with a time: a message in the dialog, no preview; the text is still kept."""
    dialog = _dialog(qtbot, services, review_id, "we talked about the outage\nand then more\n")
    dialog.preview()
    assert previews == [] and not dialog.message.isHidden()
    assert "No line starts with a time" in dialog.message.text()
    assert dialog.path is not None and dialog.path.read_text(encoding="utf-8").startswith("we talked")


def test_preview_is_disabled_while_empty(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Nothing (or only spaces) pasted: nothing to preview."""
    dialog = _dialog(qtbot, services, review_id, "  \n")
    assert not dialog.preview_button.isEnabled()
    dialog.editor.setPlainText("14:02 push")
    assert dialog.preview_button.isEnabled()


def test_the_editor_is_monospace_and_shows_the_forms(qtbot: QtBot, services: Services,
                                                     review_id: int) -> None:
    """A fixed-pitch font and a placeholder with the accepted line forms."""
    dialog = _dialog(qtbot, services, review_id)
    assert dialog.editor.font().fixedPitch() or "mono" in dialog.editor.font().family().lower()
    assert "14:02 config push to checkout-eu (Bob)" in dialog.editor.placeholderText()
    assert "2025-03-11 23:50 UTC" in dialog.editor.placeholderText()
    assert "2025-03-11" in dialog.dates_hint.text() and "Europe/Berlin" in dialog.dates_hint.text()


def test_without_an_incident_start_the_hint_asks_for_dates(qtbot: QtBot, services: Services) -> None:
    """A review without a start: the dialog says to write dates or set the start."""
    review_id = services.reviews.create(title="No start", template="standard", timezone="UTC")
    dialog = _dialog(qtbot, services, review_id)
    assert "no incident start" in dialog.dates_hint.text()


def test_cancel_with_text_asks_first(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Declined: the dialog and its text stay; confirmed: it closes."""
    answers = iter([False, True])
    asked: list[bool] = []
    dialog = _dialog(qtbot, services, review_id, NOTES)
    def confirm() -> bool:
        asked.append(True)
        return next(answers)

    dialog.confirm_discard = confirm  # type: ignore[method-assign]
    dialog.show()
    dialog.reject()
    assert dialog.isVisible() and dialog.editor.toPlainText() == NOTES
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == PasteTimelineDialog.DialogCode.Rejected
    assert asked == [True, True]


def test_cancel_without_text_closes_at_once(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Nothing typed: nothing to lose, nothing asked."""
    dialog = _dialog(qtbot, services, review_id)
    dialog.confirm_discard = lambda: pytest.fail("asked")  # type: ignore[method-assign]
    dialog.show()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
