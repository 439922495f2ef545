"""The patterns page's Export report… button: the file dialog, the work in the background, what the user
is told, the folder remembered; and in the window, where the status bar says where the report went."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.patterns_service import PatternsService
from app.settings import Settings
from models.catalog import Catalog
from models.store import Library, open_library
from tests.patterns_library import SCRIPT_SERVICE, docx_items, docx_sections, fill_library, parse_report
from views import patterns_page
from views.main_window import MainWindow
from views.patterns_page import PatternsPage

WORD, HTML = "Word report (*.docx)", "HTML report (*.html)"


class Dialog:
    """Stands in for the save dialog: records what it was offered and answers as told."""

    def __init__(self, answer: str, chosen_filter: str = WORD) -> None:
        self.answer = answer
        self.chosen_filter = chosen_filter
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, suggested: str, filters: str, chosen_filter: str) -> tuple[str, str]:
        self.asked.append((suggested, filters, chosen_filter))
        return self.answer, self.chosen_filter if self.answer else ""


@pytest.fixture
def settings(tmp_path: Path, qapp: Any) -> Settings:
    return Settings(tmp_path / "config" / "settings.json")


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The message boxes the page would show, as (title, text)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(patterns_page.QMessageBox, "warning",
                        lambda _parent, title, text: shown.append((title, text)))
    return shown


def shown_page(qtbot: QtBot, library: Library, catalog: Catalog, settings: Settings | None) -> PatternsPage:
    page = PatternsPage(PatternsService(library, catalog=catalog), settings=settings)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    return page


def export(qtbot: QtBot, page: PatternsPage, dialog: Dialog) -> Path | None:
    """Click Export report… with ``dialog`` answering; wait for the report to end if one was started."""
    page.ask_report_path = dialog  # type: ignore[method-assign]
    if not dialog.answer:
        page.export_button.click()
        return None
    with qtbot.waitSignal(page.report_ended, timeout=30000):  # a refusal at once ends it at once
        page.export_button.click()
    return Path(dialog.answer)


def test_the_button_sits_beside_refresh(qtbot: QtBot, library: Library, catalog: Catalog,
                                        settings: Settings) -> None:
    page = shown_page(qtbot, library, catalog, settings)
    header = page.layout().itemAt(0).layout()
    widgets = [header.itemAt(i).widget() for i in range(header.count())]
    assert widgets.index(page.export_button) + 1 == widgets.index(page.refresh_button)
    assert page.export_button.text() == "Export report…" and page.export_button.isEnabled()


def test_export_writes_a_word_report_where_the_dialog_says(qtbot: QtBot, library: Library, catalog: Catalog,
                                                           settings: Settings, tmp_path: Path) -> None:
    """Word by default, the folder of the last export offered; the report there, the folder remembered."""
    fill_library(library)
    last = tmp_path / "exports"
    last.mkdir()
    settings.set("last_export_dir", str(last))
    page = shown_page(qtbot, library, catalog, settings)
    out = tmp_path / "reports"
    out.mkdir()
    dialog = Dialog(str(out / "patterns.docx"))
    export(qtbot, page, dialog)
    suggested, filters, chosen = dialog.asked[0]
    assert suggested == str(last / f"patterns-{date.today().isoformat()}.docx")
    assert filters == f"{WORD};;{HTML}" and chosen == WORD
    data = (out / "patterns.docx").read_bytes()
    assert len(docx_sections(data)) == 8
    assert any(item.text == "4 reviews, March 2025 – May 2025" for item in docx_items(data))
    assert settings.get("last_export_dir") == str(out)
    assert page.summary_label.text() == f"Report saved to {out / 'patterns.docx'}"
    assert not page.exporting and not page.busy.isVisibleTo(page) and page.export_button.isEnabled()


def test_the_html_filter_without_a_suffix_writes_html(qtbot: QtBot, library: Library, catalog: Catalog,
                                                      settings: Settings, tmp_path: Path) -> None:
    fill_library(library)
    page = shown_page(qtbot, library, catalog, settings)
    export(qtbot, page, Dialog(str(tmp_path / "patterns"), HTML))
    report = parse_report((tmp_path / "patterns.html").read_text(encoding="utf-8"))
    assert len(report.sections) == 8 and "script" not in report.tags
    assert [SCRIPT_SERVICE, "1"] in report.sections[4].tables[0]


def test_the_report_is_made_in_the_background_with_the_busy_bar(qtbot: QtBot, library: Library,
                                                                catalog: Catalog, settings: Settings,
                                                                tmp_path: Path) -> None:
    """While it is made: the busy bar, the step on the summary line, the button waits for it."""
    fill_library(library)
    page = shown_page(qtbot, library, catalog, settings)
    page.ask_report_path = Dialog(str(tmp_path / "p.docx"))  # type: ignore[method-assign]
    with qtbot.waitSignal(page.report_ended, timeout=30000):
        page.export_button.click()
        assert page.exporting and page.busy.isVisibleTo(page)
        assert not page.export_button.isEnabled()
        assert page.summary_label.text() == "Reading the library…"
        assert page.export_report() is None  # one report at a time
    assert (tmp_path / "p.docx").exists()


def test_a_missing_folder_is_a_message_naming_the_file_and_nothing_is_written(
        qtbot: QtBot, library: Library, catalog: Catalog, settings: Settings, tmp_path: Path,
        warnings: list[tuple[str, str]]) -> None:
    fill_library(library)
    page = shown_page(qtbot, library, catalog, settings)
    target = tmp_path / "gone" / "patterns.docx"
    export(qtbot, page, Dialog(str(target)))
    assert warnings == [("Export patterns report",
                         f"Could not write {target}: the folder {target.parent} does not exist")]
    assert not target.parent.exists()
    assert settings.get("last_export_dir") == ""
    assert page.summary_label.text() == "Reviews in the library: 4"
    assert page.export_button.isEnabled() and not page.busy.isVisibleTo(page)


def test_a_folder_in_the_files_place_is_a_message_with_the_reason(qtbot: QtBot, library: Library,
                                                                  catalog: Catalog, settings: Settings,
                                                                  tmp_path: Path,
                                                                  warnings: list[tuple[str, str]]) -> None:
    page = shown_page(qtbot, library, catalog, settings)
    folder = tmp_path / "taken.docx"
    folder.mkdir()
    export(qtbot, page, Dialog(str(folder)))
    assert len(warnings) == 1
    assert warnings[0][1].startswith(f"Could not write {folder}: not a regular file")
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_the_library_itself_is_refused_at_once(qtbot: QtBot, catalog: Catalog, settings: Settings,
                                               tmp_path: Path, warnings: list[tuple[str, str]]) -> None:
    """A library whose file is named like a report: choosing it is refused before anything is read."""
    own = tmp_path / "team-library.html"
    library = open_library(f"sqlite:///{own}")
    try:
        page = shown_page(qtbot, library, catalog, settings)
        before = own.read_bytes()
        export(qtbot, page, Dialog(str(own), HTML))
        assert len(warnings) == 1 and warnings[0][1].startswith(f"Could not write {own}: ")
        assert "library itself" in warnings[0][1]
        assert own.read_bytes() == before and not page.exporting
    finally:
        library.close()


def test_cancelling_the_dialog_writes_nothing(qtbot: QtBot, library: Library, catalog: Catalog,
                                              settings: Settings, tmp_path: Path) -> None:
    page = shown_page(qtbot, library, catalog, settings)
    dialog = Dialog("")
    page.ask_report_path = dialog  # type: ignore[method-assign]
    assert page.export_report() is None
    assert len(dialog.asked) == 1 and not page.exporting


def test_an_empty_library_exports_a_report_that_says_so(qtbot: QtBot, library: Library, catalog: Catalog,
                                                        tmp_path: Path) -> None:
    """No reviews: the button still works, and without settings the folder is remembered for the session."""
    page = shown_page(qtbot, library, catalog, None)
    assert page.stack.currentWidget() is page.empty_label
    export(qtbot, page, Dialog(str(tmp_path / "empty.docx")))
    items = docx_items((tmp_path / "empty.docx").read_bytes())
    assert any(item.text.startswith("No reviews in the library yet.") for item in items)
    again = Dialog("")
    page.ask_report_path = again  # type: ignore[method-assign]
    page.export_report()
    assert Path(again.asked[0][0]).parent == tmp_path


def test_in_the_window_the_status_bar_says_where_the_report_went(main_window: MainWindow, qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    """The window's page remembers the folder in the app's settings, the one the review export uses."""
    main_window.patterns_action.trigger()
    page = main_window.patterns_page
    assert page.settings is main_window.services.settings
    qtbot.waitUntil(lambda: not page.loading, timeout=20000)
    export(qtbot, page, Dialog(str(tmp_path / "p.docx")))
    assert main_window.statusBar().currentMessage() == f"Report saved to {tmp_path / 'p.docx'}"
    assert main_window.services.settings.get("last_export_dir") == str(tmp_path)
