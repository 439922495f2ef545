"""The main window's file commands: export remembers where, import refuses bad bundles whole."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot

import app.export_service as export_service
from app.bootstrap import build_services
from models.store import Library
from views.export_dialog import ExportChoice
from views.main_window import MainWindow

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    return main_window


def _accept_defaults(review_id: int, initial: ExportChoice) -> ExportChoice:
    """The export dialog accepted as it opens."""
    return initial


def test_import_bundle_adds_the_review_to_the_library(window: MainWindow,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """File ▸ Import with a valid bundle lists and selects the new review."""
    monkeypatch.setattr(window, "ask_open_path", lambda folder, filters: str(DATA / "full_bundle.yaml"))
    review_id = window.import_bundle()
    assert review_id is not None
    assert window.library_page.selected_id() == review_id
    assert window.library_page.model.rowCount() == 1


def test_a_bad_bundle_is_refused_with_its_line_and_nothing_imported(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A bundle with a naive time shows one message naming line and field; the library stays empty."""
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "full_bundle.yaml").read_text().replace(
        "started_at: 2026-03-02T09:14:00Z", "started_at: 2026-03-02T09:14:00"))
    shown: list[str] = []
    monkeypatch.setattr(window, "ask_open_path", lambda folder, filters: str(bad))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    assert window.import_bundle() is None
    assert len(shown) == 1
    assert "bad.yaml, line 13: review.started_at" in shown[0]
    assert window.services.reviews.list_reviews() == []


def test_export_remembers_the_folder_and_format(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """The second export suggests the folder and format of the first."""
    review_id = window.services.reviews.create(title="Checkout errors / config", template="standard")
    window.open_review(review_id)
    reports = tmp_path / "reports"
    reports.mkdir()
    suggestions: list[str] = []

    def save_as(suggested: str, filters: str, selected: str) -> tuple[str, str]:
        suggestions.append(suggested)
        return str(reports / "first.md"), selected

    monkeypatch.setattr(window, "ask_export_choice", _accept_defaults)
    monkeypatch.setattr(window, "ask_save_path", save_as)
    assert window.export_current() == reports / "first.md"
    window.export_current()
    assert suggestions[0].endswith(".docx")
    assert Path(suggestions[1]) == reports / "Checkout errors - config.md"
    assert (reports / "first.md").read_text().startswith("---")


def test_export_without_a_suffix_uses_the_chosen_filter(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """Typing a name without a suffix writes the format of the selected filter."""
    review_id = window.services.reviews.create(title="Checkout errors", template="standard")
    window.open_review(review_id)
    def save_as(suggested: str, filters: str, selected: str) -> tuple[str, str]:
        return str(tmp_path / "report"), filters.split(";;")[2]

    monkeypatch.setattr(window, "ask_export_choice", _accept_defaults)
    monkeypatch.setattr(window, "ask_save_path", save_as)
    assert window.export_current() == tmp_path / "report.yaml"
    assert (tmp_path / "report.yaml").read_text().startswith("format: debrief.review")


def test_an_export_that_cannot_be_written_says_so(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """A target in a missing folder is reported and nothing is written."""
    review_id = window.services.reviews.create(title="Checkout errors", template="standard")
    window.open_review(review_id)
    target = tmp_path / "missing" / "report.docx"
    shown: list[str] = []
    monkeypatch.setattr(window, "ask_export_choice", _accept_defaults)
    monkeypatch.setattr(window, "ask_save_path", lambda suggested, filters, selected: (str(target), selected))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    assert window.export_current() is None
    assert len(shown) == 1 and str(target) in shown[0]
    assert not target.parent.exists()


def test_a_broken_user_template_is_reported_and_the_app_still_starts(
    library: Library, user_dirs: dict[str, Path], qtbot: QtBot
) -> None:
    """The window opens with the built-ins and names the broken file and line in a non-blocking message."""
    from models.catalog import load_catalog

    folder = user_dirs["config"] / "templates"
    folder.mkdir(parents=True)
    (folder / "ours.yaml").write_text("id: ours\nname: Ours\nphases:\n  - id: Timeline!\n    name: T\n")
    window = MainWindow(build_services(library, catalog=load_catalog(user_dirs["config"])))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.problems_box is not None and window.problems_box.isVisible())
    assert window.problems_box is not None
    text = window.problems_box.informativeText()
    assert "ours.yaml, line 4: phases[0].id" in text
    assert "standard" in window.services.catalog.templates


def test_a_word_template_is_checked_before_it_is_kept(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """Settings ▸ Reports refuses a file that is not a .docx, naming it, and keeps a good one."""
    import docx as python_docx

    bad = tmp_path / "letterhead.docx"
    bad.write_bytes(b"not a zip")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(window, "ask_template_path", lambda: str(bad))
    assert window.choose_report_template() is None
    assert len(shown) == 1 and "letterhead.docx is not a Word .docx template" in shown[0]
    assert window.services.settings.get("report_template") == ""

    good = tmp_path / "company.docx"
    python_docx.Document().save(str(good))
    monkeypatch.setattr(window, "ask_template_path", lambda: str(good))
    assert window.choose_report_template() == good
    assert window.services.settings.get("report_template") == str(good)


def _held_writer(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the export's writer wait, once reached, until released: (reached, release)."""
    reached, release = threading.Event(), threading.Event()
    real = export_service._writer  # noqa: SLF001

    def writer(fmt: str, template: Path | None = None) -> Any:
        write = real(fmt, template)

        def held(report: Any, path: Path, options: Any) -> None:
            reached.set()
            assert release.wait(10)
            write(report, path, options)
        return held

    monkeypatch.setattr(export_service, "_writer", writer)
    return reached, release


def test_an_export_runs_on_a_worker_with_progress(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path, qtbot: QtBot) -> None:
    """While the report is written, the window's event loop runs and a progress dialog names the step."""
    review_id = window.services.reviews.create(title="Checkout errors", template="standard")
    window.open_review(review_id)
    target = tmp_path / "report.md"
    monkeypatch.setattr(window, "ask_export_choice", _accept_defaults)
    monkeypatch.setattr(window, "ask_save_path", lambda suggested, filters, selected: (str(target), selected))
    reached, release = _held_writer(monkeypatch)
    seen: list[str] = []

    def look() -> None:
        progress = window.findChild(QProgressDialog)
        label = progress.labelText() if progress is not None else ""
        if label and label not in seen:
            seen.append(label)
        if reached.is_set() and label == "Writing the file…" or len(seen) > 100:
            release.set()
        else:
            QTimer.singleShot(10, look)

    QTimer.singleShot(20, look)  # fires only if the event loop runs during the export
    try:
        assert window.export_current() == target
    finally:
        release.set()
    assert seen[-1] == "Writing the file…" and set(seen) <= set(export_service.EXPORT_STEPS)
    assert target.read_text(encoding="utf-8").startswith("---")


def test_a_cancelled_export_writes_nothing(window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """Cancel before the file is written: no file, and the status bar says so."""
    review_id = window.services.reviews.create(title="Checkout errors", template="standard")
    window.open_review(review_id)
    target = tmp_path / "report.docx"
    monkeypatch.setattr(window, "ask_export_choice", _accept_defaults)
    monkeypatch.setattr(window, "ask_save_path", lambda suggested, filters, selected: (str(target), selected))

    def cancel_at_once() -> None:
        progress = window.findChild(QProgressDialog)
        if progress is None:
            QTimer.singleShot(1, cancel_at_once)
            return
        progress.canceled.emit()  # what its Cancel button does

    real = export_service.render_chart

    def slow_chart(doc: Any) -> Any:
        time.sleep(0.3)  # Cancel arrives while the chart is drawn
        return real(doc)

    monkeypatch.setattr(export_service, "render_chart", slow_chart)
    QTimer.singleShot(1, cancel_at_once)
    assert window.export_current() is None
    assert not target.exists()
    assert "cancelled" in window.statusBar().currentMessage()
