"""One spelling of a zone's offset (``UTC+03:30``) in the report, the timeline, the library and the chart."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from exports.markdown_report import to_markdown
from exports.swimlane_layout import event_time_text, zone_caption
from models.catalog import load_catalog
from models.snapshot import EventRow, ReviewDoc, ReviewReport, ReviewSummary
from models.swimlane import build_layout
from views.models.library_table_model import LibraryTableModel
from views.models.timeline_table_model import TimelineTableModel

TEHRAN = "Asia/Tehran"  # no letter abbreviation: the tz database names its offset "+0330"
MOMENT = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)  # 12:44 in Tehran
SPELLING = "UTC+03:30"


def _review() -> ReviewDoc:
    return ReviewDoc(
        id=1, title="Checkout errors", summary="", severity="SEV2", kind="incident", status="reviewed",
        timezone=TEHRAN, template="standard", started_at=MOMENT, detected_at=None, mitigated_at=None,
        resolved_at=None, impact="", services=(), tags=(), created_at=MOMENT, updated_at=MOMENT,
        participants=(), events=(EventRow(10, MOMENT, "Config pushed", "change", "deploy log", False, ()),),
        notes=(), learnings=(), actions=(), meetings=(),
    )


def test_markdown_report_spells_the_offset_utc_plus(qapp: object) -> None:
    """The report's timeline and facts name Tehran's zone as UTC+03:30, never +0330 or bare +03:30."""
    text = to_markdown(ReviewReport.build(_review(), load_catalog(), None))
    assert f"2026-03-02 12:44 {SPELLING}" in text
    assert "+0330" not in text and " +03:30" not in text


def test_timeline_tooltip_spells_the_offset_the_same_way(qapp: object) -> None:
    """The time column's tooltip gives the offset as the report does."""
    model = TimelineTableModel()
    model.set_rows(_review().events, zone=ZoneInfo(TEHRAN), started_at=MOMENT)
    tip = model.index(0, TimelineTableModel.COL_TIME).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == f"2026-03-02 12:44:00 in {TEHRAN} ({SPELLING}) · 2026-03-02 09:14:00 UTC"


def test_timeline_tooltip_reads_plain_utc_for_a_zero_offset(qapp: object) -> None:
    """A zero offset is "UTC", not "UTC+00:00"."""
    model = TimelineTableModel()
    model.set_rows(_review().events, zone=ZoneInfo("Europe/London"), started_at=MOMENT)
    tip = model.index(0, TimelineTableModel.COL_TIME).data(Qt.ItemDataRole.ToolTipRole)
    assert "(UTC)" in tip


def test_library_list_spells_the_offset_the_same_way(qapp: object) -> None:
    """The Started column uses the report's spelling (``%Z`` would give "+0330")."""
    model = LibraryTableModel()
    model.set_rows([ReviewSummary(1, "A", MOMENT, "SEV2", "draft", "incident", "standard", TEHRAN,
                                  MOMENT, MOMENT)])
    assert model.index(0, LibraryTableModel.COL_STARTED).data() == f"2026-03-02 12:44 {SPELLING}"


def test_chart_spells_the_offset_the_same_way(qapp: object) -> None:
    """The chart's hover text and zone caption name the offset as the report does."""
    later = EventRow(11, MOMENT.replace(minute=40, second=30), "Alert", "detection", "", False, ())
    doc = dataclasses.replace(_review(), events=(*_review().events, later))
    layout = build_layout(doc)
    assert event_time_text(MOMENT, layout) == f"2026-03-02 12:44 {SPELLING}"
    assert event_time_text(doc.events[1].at, layout) == f"2026-03-02 13:10:30 {SPELLING}"
    assert zone_caption(layout) == f"{TEHRAN} ({SPELLING})"
