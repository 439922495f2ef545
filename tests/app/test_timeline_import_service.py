"""TimelineImportService: previews write nothing; a commit is one transaction, then the signals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from models.timeline_import import ImportPreview, ImportRefusedError

FULL = Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml"


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard", timezone="Europe/Berlin")


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("time,text,who\n" + body, encoding="utf-8")
    return path


def test_a_preview_writes_nothing(services: Services, review_id: int, tmp_path: Path) -> None:
    """Previewing shows two new rows and the participant to create; the review is untouched."""
    path = _csv(tmp_path, "2026-03-02T09:14Z,a,Ana\n2026-03-02T09:15Z,b,\n")
    preview = services.imports.preview(review_id, path)
    assert (preview.new, preview.new_participants) == (2, ("Ana",))
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == () and doc.participants == ()


def test_commit_emits_events_imported_and_a_timeline_change(services: Services, review_id: int,
                                                             tmp_path: Path, qtbot: QtBot) -> None:
    """After the commit: events_imported(review, 2), and a change set carrying the events added exactly
    as the library now reads them (so the window shows them without reading the timeline again)."""
    path = _csv(tmp_path, "2026-03-02T09:14Z,a,\n2026-03-02T09:15Z,b,\n")
    preview = services.imports.preview_csv(review_id, path)
    with qtbot.waitSignal(services.changes.changed, timeout=2000) as changed, \
            qtbot.waitSignal(services.imports.events_imported, timeout=2000) as imported:
        assert services.imports.commit(review_id, preview) == 2
    assert imported.args == [review_id, 2]
    (changes,) = changed.args
    assert changes.review_id == review_id and changes.participants and not changes.timeline
    doc = services.reviews.get(review_id)
    assert doc is not None and [e.text for e in doc.events] == ["a", "b"]
    assert changes.events == doc.events


def test_a_preview_with_problems_is_refused_without_signals(services: Services, review_id: int,
                                                            tmp_path: Path, qtbot: QtBot) -> None:
    """Nothing is written and nothing is announced."""
    preview = services.imports.preview(review_id, _csv(tmp_path, "2026-03-02T09:14Z,a,\nsoon,b,\n"))
    assert [p.row for p in preview.problems] == [3]
    with qtbot.assertNotEmitted(services.imports.events_imported), \
            qtbot.assertNotEmitted(services.changes.changed), \
            pytest.raises(ImportRefusedError, match=r"events\.csv, row 3: time 'soon'"):
        services.imports.commit(review_id, preview)
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == ()


def test_a_commit_that_adds_nothing_stays_quiet(services: Services, review_id: int, tmp_path: Path,
                                                qtbot: QtBot) -> None:
    """Re-importing the same file adds 0 events and emits nothing."""
    path = _csv(tmp_path, "2026-03-02T09:14Z,a,\n")
    services.imports.commit(review_id, services.imports.preview(review_id, path))
    again = services.imports.preview(review_id, path)
    with qtbot.assertNotEmitted(services.imports.events_imported):
        assert services.imports.commit(review_id, again) == 0
    assert again.duplicates == 1


def test_the_preview_dispatches_bundles(services: Services, review_id: int) -> None:
    """A .yaml file is read as a review bundle's timeline."""
    preview = services.imports.preview(review_id, FULL)
    assert (preview.kind, preview.new) == ("bundle", 4)


def test_a_background_preview_reports_rows_read_and_arrives_on_the_ui_thread(
        services: Services, review_id: int, tmp_path: Path, qtbot: QtBot) -> None:
    """2,500 rows: progress at 1,000 and 2,000 rows read, then the preview, all on the UI thread."""
    rows = "".join(f"2026-03-02T09:{i // 60 % 60:02d}:{i % 60:02d}Z,e{i},\n" for i in range(2500))
    path = _csv(tmp_path, rows)
    ui = QThread.currentThread()
    seen: list[object] = []
    op = services.imports.preview_in_background(review_id, path).on_progress(seen.append)
    op.on_failure(seen.append)
    op.on_success(lambda preview: seen.extend([preview, QThread.currentThread() == ui])).start()
    qtbot.waitUntil(lambda: not op.running, timeout=5000)
    assert seen[:2] == [1000, 2000]
    preview = seen[2]
    assert isinstance(preview, ImportPreview) and preview.new == 2500 and seen[3] is True


def test_a_background_import_cancelled_before_its_commit_writes_nothing(
        services: Services, review_id: int, tmp_path: Path, qtbot: QtBot) -> None:
    """Cancelled before it starts: no events, no signals, on_cancel called."""
    preview = services.imports.preview(review_id, _csv(tmp_path, "2026-03-02T09:14Z,a,Ana\n"))
    cancelled: list[bool] = []
    op = services.imports.import_in_background(review_id, preview).on_cancel(lambda: cancelled.append(True))
    with qtbot.assertNotEmitted(services.imports.events_imported):
        op.start()
        op.cancel()
        qtbot.waitUntil(lambda: not op.running, timeout=5000)
    assert cancelled == [True]
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.events == () and doc.participants == ()


def test_a_background_import_announces_after_its_commit(services: Services, review_id: int, tmp_path: Path,
                                                        qtbot: QtBot) -> None:
    """events_imported and the change set follow the commit; the result is the number added."""
    path = _csv(tmp_path, "2026-03-02T09:14Z,a,\n2026-03-02T09:15Z,b,\n")
    preview = services.imports.preview(review_id, path)
    added: list[tuple[int, ...]] = []
    with qtbot.waitSignal(services.changes.changed, timeout=5000), \
            qtbot.waitSignal(services.imports.events_imported, timeout=5000) as imported:
        services.imports.import_in_background(review_id, preview).on_success(added.append).start()
    assert imported.args == [review_id, 2] and [len(ids) for ids in added] == [2]
