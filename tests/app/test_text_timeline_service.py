"""TimelineImportService and text timelines: previews by kind, in the background, and pasted text kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from app.timeline_import_service import PASTED_FOLDER
from models.timeline_import import ImportPreview


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin",
                                   started_at=datetime(2025, 3, 11, 13, 0, tzinfo=UTC))


def _notes(tmp_path: Path, text: str = "14:02 config push (Bob)\n14:09 alert\n") -> Path:
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_reads_a_text_timeline(services: Services, review_id: int, tmp_path: Path) -> None:
    """preview() sends a .txt of timed lines to the text reader; nothing is written."""
    preview = services.imports.preview(review_id, _notes(tmp_path))
    assert (preview.kind, preview.new, preview.new_participants) == ("text", 2, ("Bob",))
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == ()


def test_preview_passes_the_timezone(services: Services, review_id: int, tmp_path: Path) -> None:
    """timezone= moves bare times of a text timeline as it does a CSV file's."""
    preview = services.imports.preview(review_id, _notes(tmp_path, "14:02 push\n"), timezone="UTC")
    assert preview.rows[0].at == datetime(2025, 3, 11, 14, 2, tzinfo=UTC)


def test_preview_in_background_reads_a_text_timeline(services: Services, review_id: int, tmp_path: Path,
                                                     qtbot: QtBot) -> None:
    """The worker reads text timelines too, and the commit writes them."""
    op = services.imports.preview_in_background(review_id, _notes(tmp_path))
    results: list[ImportPreview] = []
    op.on_success(results.append)
    op.start()
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    (preview,) = results
    assert preview.kind == "text" and preview.new == 2
    assert services.imports.commit(review_id, preview) == 2


def test_save_pasted_keeps_the_text_in_the_data_folder(services: Services, review_id: int,
                                                       user_dirs: dict[str, Path]) -> None:
    """pasted/<review>-<timestamp>.txt in the data folder, with exactly the text pasted."""
    path = services.imports.save_pasted(review_id, "14:02 push — café ☕\n")
    assert path.parent == user_dirs["data"] / PASTED_FOLDER
    assert path.name.startswith(f"{review_id}-") and path.suffix == ".txt"
    assert path.read_text(encoding="utf-8") == "14:02 push — café ☕\n"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left beside it


def test_save_pasted_again_replaces_the_same_file(services: Services, review_id: int) -> None:
    """The same paste, edited: the given path is written again; a new paste gets a file of its own."""
    first = services.imports.save_pasted(review_id, "14:02 push\n")
    again = services.imports.save_pasted(review_id, "14:03 push\n", first)
    other = services.imports.save_pasted(review_id, "09:00 other\n")
    assert again == first and first.read_text(encoding="utf-8") == "14:03 push\n"
    assert other != first and other.read_text(encoding="utf-8") == "09:00 other\n"


def test_a_pasted_file_previews_as_text(services: Services, review_id: int) -> None:
    """What is pasted previews like a notes file."""
    path = services.imports.save_pasted(review_id, "23:50 rollback\n00:10 done\n")
    preview = services.imports.preview(review_id, path)
    assert preview.kind == "text" and [r.at.day for r in preview.rows] == [11, 11]  # 22:50, 23:10 UTC
