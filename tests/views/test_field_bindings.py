"""The level-setting field bindings, one widget each, without a form or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models.errors import InvalidFieldError
from models.snapshot import ReviewDoc
from views.field_bindings import (
    Choice,
    ChoiceBinding,
    CommaListBinding,
    FieldBinding,
    LineTextBinding,
    MultiLineTextBinding,
    TimeInZoneBinding,
    ZoneNameBinding,
)

_CREATED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
_DOC = ReviewDoc(
    id=1, title="Checkout errors after config push", summary="", severity=None, kind="incident",
    status="draft", timezone="Europe/Berlin", template="standard", started_at=None, detected_at=None,
    mitigated_at=None, resolved_at=None, impact="", services=(), tags=(), created_at=_CREATED,
    updated_at=_CREATED, participants=(), events=(), notes=(), learnings=(), actions=(), meetings=(),
)
_ZONES = ("America/New_York", "Europe/Berlin", "UTC")
_KINDS = (Choice("Incident", "incident"), Choice("Near miss", "near-miss"))


def doc(**fields: Any) -> ReviewDoc:
    return replace(_DOC, **fields)


def bound(qtbot: QtBot, binding: FieldBinding[Any]) -> Any:
    qtbot.addWidget(binding.widget)
    return binding


# ------------------------------------------------------------------ dirty tracking

def test_typing_makes_a_line_dirty_and_put_makes_it_clean(qtbot: QtBot) -> None:
    """A typed line is dirty until the stored value is put back into it."""
    title = bound(qtbot, LineTextBinding("title"))
    title.put(doc())
    assert not title.is_dirty()
    qtbot.keyClicks(title.widget, " (EU)")
    assert title.is_dirty()
    title.put(doc())
    assert not title.is_dirty()


def test_a_long_title_reads_from_its_start(qtbot: QtBot) -> None:
    """A 300-character title in a field a third as wide shows its first words, not its last."""
    title = bound(qtbot, LineTextBinding("title"))
    title.widget.resize(300, 30)
    title.widget.show()
    long = "Atlassian Cloud sites deleted by a maintenance script " * 5
    title.put(doc(title=long.strip()))
    assert title.widget.cursorPosition() == 0
    title.widget.setFocus()
    qtbot.waitUntil(title.widget.hasFocus, timeout=2000)
    title.widget.setCursorPosition(12)
    title.put(doc(title="Checkout errors"))  # in the field being typed in, the cursor is not sent home
    assert title.widget.cursorPosition() == len("Checkout errors")


def test_typing_makes_a_multi_line_text_dirty(qtbot: QtBot) -> None:
    """Typing into the summary marks it dirty; putting the stored text cleans it."""
    summary = bound(qtbot, MultiLineTextBinding("summary", 4))
    summary.put(doc(summary="Errors for 40 minutes"))
    assert not summary.is_dirty()
    qtbot.keyClicks(summary.widget, " in the EU")
    assert summary.is_dirty()
    summary.put(doc(summary="Errors for 40 minutes"))
    assert not summary.is_dirty()
    assert summary.widget.toPlainText() == "Errors for 40 minutes"


def test_typing_a_zone_name_makes_it_dirty(qtbot: QtBot) -> None:
    """The editable timezone combo is dirty while a typed name has not been committed."""
    zone = bound(qtbot, ZoneNameBinding("timezone", _ZONES))
    zone.put(doc())
    assert not zone.is_dirty()
    zone.widget.lineEdit().clear()
    qtbot.keyClicks(zone.widget.lineEdit(), "utc")
    assert zone.is_dirty()


def test_a_choice_is_never_dirty(qtbot: QtBot) -> None:
    """A choice commits as it is made, so there is never an uncommitted one to keep."""
    kind = bound(qtbot, ChoiceBinding("kind", _KINDS))
    kind.put(doc())
    with qtbot.waitSignal(kind.edited, timeout=1000):
        kind.widget.setCurrentIndex(1)
    assert not kind.is_dirty()
    assert kind.read(doc()) == "near-miss"


def test_put_keeps_the_cursor_of_a_field_already_showing_the_value(qtbot: QtBot) -> None:
    """Refreshing a field with what it already shows leaves the cursor where the user put it."""
    title = bound(qtbot, LineTextBinding("title"))
    title.put(doc())
    title.widget.setCursorPosition(8)
    title.put(doc())
    assert title.widget.cursorPosition() == 8


@pytest.mark.parametrize("binding", [
    lambda: ChoiceBinding("kind", _KINDS),
    lambda: ZoneNameBinding("timezone", _ZONES),
    lambda: LineTextBinding("title"),
    lambda: TimeInZoneBinding("started_at"),
], ids=["choice", "zone-name", "line", "time"])
def test_put_emits_no_edit(qtbot: QtBot, binding: Any) -> None:
    """Showing stored values never looks like the user editing (so it never writes)."""
    field = bound(qtbot, binding())
    with qtbot.assertNotEmitted(field.edited):
        field.put(doc(kind="near-miss", timezone="America/New_York",
                      started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC)))


def test_enter_in_a_line_is_an_edit(qtbot: QtBot) -> None:
    """Enter in a line field asks the form to commit it."""
    title = bound(qtbot, LineTextBinding("title"))
    with qtbot.waitSignal(title.edited, timeout=1000):
        qtbot.keyClick(title.widget, Qt.Key.Key_Return)


# ------------------------------------------------------------------ refusal marking

@pytest.mark.parametrize("binding", [
    lambda: LineTextBinding("title"),
    lambda: MultiLineTextBinding("impact", 3),
    lambda: ZoneNameBinding("timezone", _ZONES),
], ids=["line", "multi-line", "zone-name"])
def test_refusal_marks_the_field_and_acceptance_clears_it(qtbot: QtBot, binding: Any) -> None:
    """A refused field is red with the reason as tooltip; accepted, it is plain again."""
    field = bound(qtbot, binding())
    field.set_refusal("Title: a review needs a title")
    assert field.widget.property("invalid") is True
    assert field.widget.toolTip() == "Title: a review needs a title"
    assert "border" in field.widget.styleSheet()
    field.set_refusal(None)
    assert field.widget.property("invalid") is False
    assert field.widget.toolTip() == ""
    assert field.widget.styleSheet() == ""


# ------------------------------------------------------------------ values

@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 3, 2, 9, 14, tzinfo=UTC), "2026-03-02 10:14"),               # winter, CET
    (datetime(2026, 7, 1, 12, 0, 30, tzinfo=UTC), "2026-07-01 14:00:30"),        # summer, CEST, seconds
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25 02:30+02:00"),       # autumn fold, first
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25 02:30+01:00"),       # autumn fold, second
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "2026-03-29 03:00"),               # just after the gap
])
def test_time_round_trips_through_the_review_zone(qtbot: QtBot, moment: datetime, text: str) -> None:
    """A stored moment shows as Berlin wall-clock time, and that text reads back as the same moment."""
    started = bound(qtbot, TimeInZoneBinding("started_at"))
    started.put(doc(started_at=moment))
    assert started.widget.text() == text
    # Against a review without the time, the text is parsed rather than recognised as unchanged.
    assert started.read(doc()) == moment


def test_time_in_the_spring_gap_is_refused(qtbot: QtBot) -> None:
    """A wall-clock time the clocks skipped is refused for the field, naming the zone."""
    started = bound(qtbot, TimeInZoneBinding("started_at"))
    started.widget.setText("2026-03-29 02:30")
    with pytest.raises(InvalidFieldError, match="does not exist in Europe/Berlin") as refused:
        started.read(doc())
    assert refused.value.field == "started_at"


def test_unchanged_time_keeps_the_stored_fraction_of_a_second(qtbot: QtBot) -> None:
    """The field shows whole seconds; leaving it unchanged does not round the stored moment."""
    moment = datetime(2026, 3, 2, 9, 14, 5, 250_000, tzinfo=UTC)
    started = bound(qtbot, TimeInZoneBinding("started_at"))
    started.put(doc(started_at=moment))
    assert started.read(doc(started_at=moment)) == moment


def test_time_follows_the_review_zone(qtbot: QtBot) -> None:
    """The same moment shows in New York's wall clock once the review's zone is New York."""
    started = bound(qtbot, TimeInZoneBinding("started_at"))
    started.put(doc(started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC), timezone="America/New_York"))
    assert started.widget.text() == "2026-03-02 04:14"


def test_cleared_time_is_unknown(qtbot: QtBot) -> None:
    """An emptied time field stores no time rather than refusing."""
    started = bound(qtbot, TimeInZoneBinding("started_at"))
    started.put(doc(started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC)))
    started.widget.clear()
    assert started.read(doc(started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC))) is None


def test_comma_list_reads_back_as_the_stored_list(qtbot: QtBot) -> None:
    """Services show comma-separated; blanks and a trailing comma are dropped when read."""
    services = bound(qtbot, CommaListBinding("services"))
    stored = doc(services=("checkout", "config-service"))
    services.put(stored)
    assert services.widget.text() == "checkout, config-service"
    assert services.read(stored) == services.stored(stored) == ["checkout", "config-service"]
    services.widget.setText(" checkout,, payments ,")
    assert services.read(stored) == ["checkout", "payments"]


def test_unknown_choice_is_kept_with_unknown_text(qtbot: QtBot) -> None:
    """A severity of another library's definitions is added as a choice, not replaced."""
    severity = bound(qtbot, ChoiceBinding("severity", [Choice("Not set", None), Choice("SEV1", "SEV1")],
                                          unknown_text=lambda value: f"{value} (unknown)"))
    severity.put(doc(severity="P0"))
    assert severity.widget.currentText() == "P0 (unknown)"
    assert severity.read(doc(severity="P0")) == "P0"
    severity.put(doc(severity=None))
    assert severity.read(doc()) is None


def test_zone_name_typed_in_any_case_reads_as_listed(qtbot: QtBot) -> None:
    """ "america/new_york" means the listed America/New_York; an unlisted name reads as typed."""
    zone = bound(qtbot, ZoneNameBinding("timezone", _ZONES))
    zone.put(doc())
    zone.widget.setEditText("america/new_york")
    assert zone.read(doc()) == "America/New_York"
    zone.widget.setEditText(" Mars/Olympus_Mons ")
    assert zone.read(doc()) == "Mars/Olympus_Mons"
