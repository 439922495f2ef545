"""The export dialog: its preview follows the options; private notes only when asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.cli import main
from models.store import Library
from views.export_dialog import ExportChoice, ExportDialog

FULL = Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml"


@pytest.fixture
def review_id(db_url: str, library: Library, capsys: pytest.CaptureFixture[str]) -> int:
    """The full bundle, imported into the test library."""
    assert main(["--db", db_url, "import", str(FULL)]) == 0
    return int(capsys.readouterr().out.strip())


def _dialog(qtbot: QtBot, services: Services, review_id: int) -> ExportDialog:
    dialog = ExportDialog(services, review_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.preview_busy())
    return dialog


def test_defaults(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Opened, it shows the full report without private notes; roles follow the show_roles setting."""
    services.settings.set("show_roles", True)
    dialog = _dialog(qtbot, services, review_id)
    assert dialog.choice() == ExportChoice(anonymize=True)
    assert not dialog.choice().include_private
    text = dialog.preview.toPlainText()
    assert "What happened" in text and "Facilitator's aside" not in text


def test_preview_follows_each_option(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Toggling an option redraws the preview shortly after."""
    dialog = _dialog(qtbot, services, review_id)
    dialog.private_check.setChecked(True)
    qtbot.waitUntil(lambda: "Facilitator's aside" in dialog.preview.toPlainText())
    dialog.meeting_check.setChecked(False)
    qtbot.waitUntil(lambda: "Meetings" not in dialog.preview.toPlainText())
    dialog.timeline_check.setChecked(False)
    qtbot.waitUntil(lambda: "What happened" not in dialog.preview.toPlainText())
    dialog.audience_combo.setCurrentIndex(dialog.audience_combo.findData("summary"))
    qtbot.waitUntil(lambda: "Top learnings" in dialog.preview.toPlainText())
    assert "Facilitator's aside" not in dialog.preview.toPlainText()
    assert not dialog.private_check.isEnabled()
    choice = dialog.choice()
    assert (choice.options.audience, choice.options.include_timeline) == ("summary", False)


def test_roles_instead_of_names(qtbot: QtBot, services: Services, review_id: int) -> None:
    """With roles shown, participants' names leave the preview."""
    doc = services.reviews.get(review_id)
    assert doc is not None
    name = doc.participants[0].name
    dialog = _dialog(qtbot, services, review_id)
    assert name in dialog.preview.toPlainText()
    dialog.roles_check.setChecked(True)
    qtbot.waitUntil(lambda: name not in dialog.preview.toPlainText())


def test_roles_hide_first_names_addresses_and_links_in_the_preview(qtbot: QtBot, services: Services,
                                                                   review_id: int) -> None:
    """Issue 8: the preview with roles kept first names, addresses and links that carry a handle."""
    services.capture.add_note(review_id, phase="timeline",
                              text="Sam thanked noor.k@corp.example for https://files.slack.com/files-pri/"
                                   "T1-F1/x/noor/trace.txt")
    dialog = _dialog(qtbot, services, review_id)
    assert "Sam thanked" in dialog.preview.toPlainText()
    dialog.roles_check.setChecked(True)
    qtbot.waitUntil(lambda: "Facilitator thanked [email] for [link]" in dialog.preview.toPlainText())
    text = dialog.preview.toPlainText()
    for secret in ("Sam", "Noor", "Kim", "Responder A", "files.slack.com"):
        assert not re.search(rf"\b{re.escape(secret)}\b", text, re.IGNORECASE), secret


def test_options_reuse_one_read_of_the_review(qtbot: QtBot, services: Services, review_id: int) -> None:
    """Issue 9: the preview reads the review once and draws the chart once per names-or-roles choice."""
    dialog = _dialog(qtbot, services, review_id)
    for check in (dialog.private_check, dialog.timeline_check, dialog.meeting_check, dialog.roles_check,
                  dialog.roles_check, dialog.chart_check):
        check.toggle()
        dialog.refresh_preview()
        qtbot.waitUntil(lambda: not dialog.preview_busy())
    assert dialog._source.reads == 1  # noqa: SLF001 - counting reads of the library
    assert sorted(dialog._source._charts) == [False, True]  # noqa: SLF001
