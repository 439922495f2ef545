"""Level setting: facts commit as each field is left, bad values are shown and not written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)

from app.bootstrap import Services
from models.catalog import Catalog
from models.snapshot import ParticipantRow
from views.level_setting_widget import LevelSettingWidget
from views.participant_dialog import ParticipantDialog

T = TypeVar("T", bound=QObject)

# The offscreen platform cannot resize, raise or grab for windows and popups; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$",
    extend=True,
)


def child(parent: QWidget, kind: type[T], name: str) -> T:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def show(qtbot: Any, view: QWidget) -> None:
    """Show ``view`` as an active window, so that focus moves as for a user."""
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors after config push", template="standard",
                                   timezone="Europe/Berlin")


@pytest.fixture
def widget(qtbot: Any, services: Services, review_id: int) -> LevelSettingWidget:
    view = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(view)
    doc = services.reviews.get(review_id)
    assert doc is not None
    services.current.open(doc.id)
    show(qtbot, view)
    return view


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Replace the text of a line edit as a user would, then press Enter."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def stored(services: Services, review_id: int) -> Any:
    doc = services.reviews.get(review_id)
    assert doc is not None
    return doc


def test_title_commits_on_enter(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                review_id: int) -> None:
    """Typing a title and pressing Enter stores it at once."""
    type_into(qtbot, child(widget, QLineEdit, "title"), "Checkout 500s after config push")
    assert stored(services, review_id).title == "Checkout 500s after config push"


def test_summary_commits_on_focus_out(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                      review_id: int) -> None:
    """Leaving the summary stores what was typed into it."""
    summary = child(widget, QPlainTextEdit, "summary")
    summary.setFocus()
    qtbot.waitUntil(summary.hasFocus)
    qtbot.keyClicks(summary, "Errors for 40 minutes")
    child(widget, QLineEdit, "title").setFocus()
    qtbot.waitUntil(lambda: not summary.hasFocus())
    assert stored(services, review_id).summary == "Errors for 40 minutes"


def test_time_typed_in_review_zone_is_stored_in_utc(qtbot: Any, widget: LevelSettingWidget,
                                                    services: Services, review_id: int) -> None:
    """A wall-clock time is read in the review's timezone and stored as UTC."""
    type_into(qtbot, child(widget, QLineEdit, "detected_at"), "2026-03-02 10:14")
    assert stored(services, review_id).detected_at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


def test_bad_time_shows_message_and_is_not_written(qtbot: Any, widget: LevelSettingWidget,
                                                   services: Services, review_id: int) -> None:
    """An unparseable time names the field and the problem, and stores nothing."""
    with qtbot.assertNotEmitted(services.changes.changed):
        type_into(qtbot, child(widget, QLineEdit, "detected_at"), "2026-13-01 10:00")
    message = child(widget, QLabel, "message")
    assert message.isVisible()
    assert message.text().startswith(
        "Detected: 2026-13-01 10:00 is not a date and time (use YYYY-MM-DD HH:MM")
    assert child(widget, QLineEdit, "detected_at").property("invalid") is True
    assert stored(services, review_id).detected_at is None


def test_message_clears_when_time_fixed(qtbot: Any, widget: LevelSettingWidget) -> None:
    """Fixing a refused time takes the message and the red border away."""
    detected = child(widget, QLineEdit, "detected_at")
    type_into(qtbot, detected, "yesterday")
    type_into(qtbot, detected, "2026-03-02 10:14")
    assert not child(widget, QLabel, "message").isVisible()
    assert detected.property("invalid") is False


def test_time_in_dst_gap_is_explained(qtbot: Any, widget: LevelSettingWidget) -> None:
    """A wall-clock time the clocks skipped is refused with the offset to add."""
    type_into(qtbot, child(widget, QLineEdit, "started_at"), "2026-03-29 02:30")
    assert "does not exist in Europe/Berlin" in child(widget, QLabel, "message").text()


def test_refused_text_survives_a_refresh(qtbot: Any, widget: LevelSettingWidget) -> None:
    """Committing another field does not wipe a refused value the user still has to fix."""
    detected = child(widget, QLineEdit, "detected_at")
    type_into(qtbot, detected, "2026-13-01 10:00")
    type_into(qtbot, child(widget, QLineEdit, "title"), "New title")
    assert detected.text() == "2026-13-01 10:00"


def test_empty_title_is_refused(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                review_id: int) -> None:
    """Clearing the title is refused by the domain and shown, keeping the stored title."""
    title = child(widget, QLineEdit, "title")
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert child(widget, QLabel, "message").text() == "Title: a review needs a title"
    assert stored(services, review_id).title == "Checkout errors after config push"


def test_unknown_timezone_is_refused(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                     review_id: int) -> None:
    """A timezone name this machine does not know is shown as a problem and not stored."""
    zone = child(widget, QComboBox, "timezone")
    type_into(qtbot, zone.lineEdit(), "Mars/Olympus_Mons")
    assert child(widget, QLabel, "message").text().startswith("Timezone: 'Mars/Olympus_Mons'")
    assert stored(services, review_id).timezone == "Europe/Berlin"


def test_new_timezone_redisplays_times(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                       review_id: int) -> None:
    """Changing the timezone shows the same stored moments in the new zone's wall clock."""
    services.reviews.update(review_id, started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC))
    type_into(qtbot, child(widget, QComboBox, "timezone").lineEdit(), "america/new_york")
    assert stored(services, review_id).timezone == "America/New_York"
    assert child(widget, QLineEdit, "started_at").text() == "2026-03-02 04:14"


def test_services_are_split_on_commas(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                      review_id: int) -> None:
    """Comma-separated services are stored as a list."""
    type_into(qtbot, child(widget, QLineEdit, "services"), "checkout, config-service,")
    assert stored(services, review_id).services == ("checkout", "config-service")


def test_status_commits_when_chosen(widget: LevelSettingWidget, services: Services, review_id: int) -> None:
    """Choosing a status stores it."""
    status = child(widget, QComboBox, "status")
    status.setCurrentIndex(status.findData("reviewed"))
    assert stored(services, review_id).status == "reviewed"


def test_severity_items_show_id_name_and_definition(widget: LevelSettingWidget) -> None:
    """Severities read "SEV2 — Major", with the definition as the item tooltip."""
    severity = child(widget, QComboBox, "severity")
    index = severity.findData("SEV2")
    assert severity.itemText(index) == "SEV2 — Major"
    assert "core feature is broken" in severity.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_choosing_severity_stores_it_and_shows_definition(widget: LevelSettingWidget, services: Services,
                                                          review_id: int, catalog: Catalog) -> None:
    """Choosing a severity stores its id and shows its definition under the combo."""
    severity = child(widget, QComboBox, "severity")
    severity.setCurrentIndex(severity.findData("SEV2"))
    assert stored(services, review_id).severity == "SEV2"
    assert child(widget, QLabel, "severityDefinition").text() == catalog.severities["SEV2"].description


def test_severity_can_be_unset(widget: LevelSettingWidget, services: Services, review_id: int) -> None:
    """The "not set" entry clears a chosen severity."""
    severity = child(widget, QComboBox, "severity")
    severity.setCurrentIndex(severity.findData("SEV3"))
    severity.setCurrentIndex(0)
    assert stored(services, review_id).severity is None


def test_filling_writes_nothing(qtbot: Any, services: Services, review_id: int) -> None:
    """Showing a review, even one with every field set, never writes to the library."""
    services.reviews.update(review_id, severity="SEV1", kind="near-miss", status="closed",
                            timezone="Asia/Kolkata", services=["a", "b"],
                            started_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    view = LevelSettingWidget(services.reviews, services.current)
    qtbot.addWidget(view)
    with qtbot.assertNotEmitted(services.changes.changed):
        services.current.open(review_id)
        view.commit_pending()
    assert child(view, QComboBox, "kind").currentData() == "near-miss"


def test_external_change_is_shown(widget: LevelSettingWidget, services: Services, review_id: int) -> None:
    """A change made elsewhere (another view, an import) appears without re-opening the review."""
    services.reviews.update(review_id, impact="Checkout down for EU customers")
    assert child(widget, QPlainTextEdit, "impact").toPlainText() == "Checkout down for EU customers"


def test_form_lives_in_a_scroll_area(widget: LevelSettingWidget) -> None:
    """The form scrolls instead of clipping on a small screen."""
    scroll = child(widget, QScrollArea, "levelSettingScroll")
    assert scroll.widget().isAncestorOf(child(widget, QLineEdit, "tags"))


def test_add_participant_shows_row(widget: LevelSettingWidget, monkeypatch: pytest.MonkeyPatch) -> None:
    """A participant from the dialog appears in the table with labelled roles."""
    monkeypatch.setattr(ParticipantDialog, "ask", classmethod(lambda cls, parent, initial=None: {
        "name": "Responder A", "roles": ["incident-commander", "responder"], "on_call": True,
        "brought_in": "paged by alert", "worked_with_team_before": None,
    }))
    child(widget, QPushButton, "addParticipant").click()
    model = child(widget, QTableView, "participantsTable").model()
    assert [model.index(0, c).data() for c in range(5)] == [
        "Responder A", "Incident commander, Responder", "Yes", "paged by alert", "—"]


def test_edit_participant_on_double_click(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                          review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Double-clicking a participant opens the dialog with them and stores the change."""
    services.reviews.add_participant(review_id, name="Responder A")
    seen: list[ParticipantRow | None] = []

    def ask(cls: type, parent: QWidget, initial: ParticipantRow | None = None) -> dict[str, Any]:
        seen.append(initial)
        return {"name": "Responder A", "roles": [], "on_call": False, "brought_in": "",
                "worked_with_team_before": True}

    monkeypatch.setattr(ParticipantDialog, "ask", classmethod(ask))
    table = child(widget, QTableView, "participantsTable")
    table.doubleClicked.emit(table.model().index(0, 0))
    assert seen[0] is not None and seen[0].name == "Responder A"
    assert stored(services, review_id).participants[0].worked_with_team_before is True


def test_remove_participant_after_confirmation(widget: LevelSettingWidget, services: Services,
                                               review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove takes the selected participant away once the user confirms."""
    services.reviews.add_participant(review_id, name="Responder A")
    monkeypatch.setattr(widget, "confirm_remove", lambda participant: True)
    child(widget, QTableView, "participantsTable").selectRow(0)
    child(widget, QPushButton, "removeParticipant").click()
    assert stored(services, review_id).participants == ()
    assert child(widget, QTableView, "participantsTable").model().rowCount() == 0


def test_remove_participant_declined_keeps_them(widget: LevelSettingWidget, services: Services,
                                                review_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saying no to the confirmation keeps the participant."""
    services.reviews.add_participant(review_id, name="Responder A")
    monkeypatch.setattr(widget, "confirm_remove", lambda participant: False)
    child(widget, QTableView, "participantsTable").selectRow(0)
    child(widget, QPushButton, "removeParticipant").click()
    assert len(stored(services, review_id).participants) == 1


def test_duplicate_participant_is_reported(widget: LevelSettingWidget, services: Services, review_id: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a name that is already a participant shows why and adds nothing."""
    services.reviews.add_participant(review_id, name="Responder A")
    monkeypatch.setattr(ParticipantDialog, "ask",
                        classmethod(lambda cls, parent, initial=None: {"name": "Responder A"}))
    child(widget, QPushButton, "addParticipant").click()
    assert "already a participant" in child(widget, QLabel, "participantsMessage").text()
    assert len(stored(services, review_id).participants) == 1


def test_participants_model_passes_modeltester(qtmodeltester: Any, widget: LevelSettingWidget,
                                               services: Services, review_id: int) -> None:
    """The participants table model keeps Qt's model contract."""
    services.reviews.add_participant(review_id, name="Responder A", roles=["responder"], on_call=True)
    services.reviews.add_participant(review_id, name="Observer B", roles=["observer"])
    qtmodeltester.check(child(widget, QTableView, "participantsTable").model())


def test_participant_dialog_ok_needs_a_name(qtbot: Any) -> None:
    """OK stays disabled until the participant has a name."""
    dialog = ParticipantDialog()
    qtbot.addWidget(dialog)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(child(dialog, QLineEdit, "name"), "Responder A")
    assert ok.isEnabled()


def test_participant_dialog_round_trips_a_row(qtbot: Any) -> None:
    """Opened on a participant, the dialog returns that participant's fields unchanged."""
    row = ParticipantRow(7, "Responder A", ("facilitator", "observer"), False, "asked in chat", True)
    dialog = ParticipantDialog(None, row)
    qtbot.addWidget(dialog)
    assert dialog.values() == {"name": "Responder A", "roles": ["facilitator", "observer"], "on_call": False,
                               "brought_in": "asked in chat", "worked_with_team_before": True}


# ---------------------------------------------------------------- key metrics

def metric_texts(widget: LevelSettingWidget) -> list[str]:
    names = ("timeToDetect", "timeToMitigate", "timeToResolve")
    return [child(widget, QLabel, name).text() for name in names]


def test_key_metrics_unknown_without_times(widget: LevelSettingWidget) -> None:
    """A new review has no times: every metric reads "unknown", never zero."""
    assert metric_texts(widget) == ["To detect: unknown", "To mitigate: unknown", "To resolve: unknown"]


def test_key_metrics_shown_from_stored_times(widget: LevelSettingWidget, services: Services,
                                             review_id: int) -> None:
    """Times set elsewhere show as time to detect, mitigate and resolve from the start."""
    services.reviews.update(review_id, started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                            detected_at=datetime(2026, 3, 2, 9, 22, tzinfo=UTC),
                            resolved_at=datetime(2026, 3, 4, 12, 14, tzinfo=UTC))
    assert metric_texts(widget) == ["To detect: 8 min", "To mitigate: unknown", "To resolve: 2 d 3 h"]


def test_key_metrics_follow_a_typed_time(qtbot: Any, widget: LevelSettingWidget, services: Services,
                                         review_id: int) -> None:
    """Typing the mitigated time updates time to mitigate as soon as it is stored."""
    services.reviews.update(review_id, started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC))
    type_into(qtbot, child(widget, QLineEdit, "mitigated_at"), "2026-03-02 11:30")
    assert metric_texts(widget)[1] == "To mitigate: 1 h 16 min"


def test_key_metric_explains_detection_before_start(widget: LevelSettingWidget, services: Services,
                                                    review_id: int) -> None:
    """Times that contradict each other show a negative span with what it means."""
    services.reviews.update(review_id, started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                            detected_at=datetime(2026, 3, 2, 9, 9, tzinfo=UTC))
    assert metric_texts(widget)[0] == "To detect: −5 min (detected before the recorded start)"


def test_key_metric_approximate_from_timeline(widget: LevelSettingWidget, services: Services,
                                              review_id: int) -> None:
    """A detection event marked approximate at the detected time makes time to detect ≈."""
    detected = datetime(2026, 3, 2, 9, 22, tzinfo=UTC)
    services.reviews.update(review_id, started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                            detected_at=detected)
    services.reviews.add_event(review_id, at=detected, text="Alert noticed", kind="detection",
                               approximate=True)
    assert metric_texts(widget)[0] == "To detect: ≈ 8 min"
    assert "approximate" in child(widget, QLabel, "timeToDetect").toolTip()


def test_key_metrics_sit_under_the_times(widget: LevelSettingWidget) -> None:
    """The metrics row follows Resolved and comes before Impact in the form."""
    form = child(widget, QLineEdit, "resolved_at").parentWidget().layout()
    assert isinstance(form, QFormLayout)
    rows = [form.getWidgetPosition(w)[0] for w in (child(widget, QLineEdit, "resolved_at"),
                                                   child(widget, QWidget, "keyMetrics"),
                                                   child(widget, QPlainTextEdit, "impact"))]
    assert rows == sorted(rows) and rows[1] == rows[0] + 1


def test_a_hidden_form_catches_up_when_shown(widget: LevelSettingWidget, services: Services,
                                             review_id: int) -> None:
    """Changes made while another phase is on screen show when the form comes back."""
    widget.hide()
    services.reviews.update(review_id, title="Renamed while hidden")
    assert widget.findChild(QLineEdit, "title").text() == "Checkout errors after config push"
    widget.show()
    assert widget.findChild(QLineEdit, "title").text() == "Renamed while hidden"
