"""The window fits the screen it opens on: a geometry saved on a large monitor, a laptop's 1280×800."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QRect, QSettings
from pytestqt.qtbot import QtBot

from app.bootstrap import Services
from views.main_window import MainWindow
from views.window_fit import DECORATION, fitted

LAPTOP = QRect(0, 0, 1280, 800)


def test_a_window_larger_than_the_laptop_shrinks_into_it() -> None:
    assert fitted(QRect(100, 80, 1400, 860), LAPTOP) == QRect(0, 0, 1280 - DECORATION.width(),
                                                              800 - DECORATION.height())


def test_a_window_that_fits_is_left_alone() -> None:
    assert fitted(QRect(40, 30, 1000, 600), LAPTOP) == QRect(40, 30, 1000, 600)


def test_a_window_left_on_a_second_monitor_comes_back() -> None:
    back = QRect(1280 - 1000 - DECORATION.width(), 100, 1000, 600)
    assert fitted(QRect(2100, 100, 1000, 600), LAPTOP) == back


@given(x=st.integers(-5000, 5000), y=st.integers(-5000, 5000), w=st.integers(1, 6000), h=st.integers(1, 6000),
       sx=st.integers(-2000, 2000), sy=st.integers(-2000, 2000), sw=st.integers(400, 4000),
       sh=st.integers(300, 3000))
def test_the_fitted_window_is_always_whole_on_the_screen(x: int, y: int, w: int, h: int, sx: int, sy: int,
                                                         sw: int, sh: int) -> None:
    available = QRect(sx, sy, sw, sh)
    result = fitted(QRect(x, y, w, h), available)
    outer = result.adjusted(0, 0, DECORATION.width(), DECORATION.height())
    assert available.contains(outer)
    assert result.width() <= w and result.height() <= h


def test_the_window_opens_fitted_to_its_screen(services: Services, qtbot: QtBot) -> None:
    """A geometry saved on a 2560-pixel monitor does not put the window off a smaller screen."""
    big = MainWindow(services)
    qtbot.addWidget(big)
    big.setGeometry(QRect(1800, 900, 2400, 1300))
    QSettings().setValue("main_window/geometry", big.saveGeometry())
    window = MainWindow(services)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    outer = window.geometry().adjusted(0, 0, DECORATION.width(), DECORATION.height())
    assert screen.contains(outer)


def test_a_long_title_is_cut_and_never_widens_the_window_past_a_laptop(review_window: MainWindow,
                                                                        qtbot: QtBot) -> None:
    """Real reviews have titles like "Roblox platform outage - Consul contention and BoltDB slow
    leaders (28-31 Oct 2021)": the header cuts the title, keeps severity and status in view and
    the whole title in its tooltip, in every phase."""
    window = review_window
    review_id = window.review_page.review_id
    assert review_id is not None
    title = "Atlassian Cloud sites deleted by a maintenance script " * 5 + "(5-18 Apr 2022)"  # 285 of 300
    window.services.reviews.update(review_id, title=title.strip(), severity="SEV1")
    qtbot.waitUntil(lambda: window.review_page.title_label.toolTip() == title.strip(), timeout=3000)
    page = window.review_page
    template = window.services.meeting.template
    assert template is not None
    for phase in (p.id for p in template.phases):
        window.services.meeting.go_to(phase)
        qtbot.wait(1)  # the page shows the phase's parts
        assert window.minimumSizeHint().width() <= 1280, phase
    window.resize(1200, 760)
    qtbot.waitUntil(lambda: window.width() <= 1200, timeout=3000)
    assert "SEV1" in page.state_label.text() and page.state_label.isVisible()
    shown = page.title_label.shown_text()
    assert shown.endswith("…") and len(shown) < len(title)
    assert page.state_label.geometry().right() <= page.timer.geometry().left()


def test_a_long_name_in_the_review_never_widens_the_window_past_a_laptop(review_window: MainWindow,
                                                                         qtbot: QtBot) -> None:
    """A participant's long name (a chat's display name, a role written into it) and a long
    source are the review's own values: the choices that list them may shrink, their lists
    still offer the whole name."""
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QComboBox

    window = review_window
    review_id = window.review_page.review_id
    assert review_id is not None
    name = ("Priya Raman, site reliability engineer on call for the payments platform "
            "(EMEA secondary rotation, acting incident commander while the primary was travelling "
            "back from the offsite in Lisbon)")  # 198 of the 200 a name may have
    services = window.services
    services.reviews.add_participant(review_id, name=name, brought_in=name)
    services.reviews.add_event(review_id, at=datetime(2026, 3, 2, 9, tzinfo=UTC), text=name * 3,
                               source=name, participants=[name])
    people = window.review_page.findChild(QComboBox, "participantFilter")
    assert people is not None
    qtbot.waitUntil(lambda: people.findData(name) > 0, timeout=3000)
    template = services.meeting.template
    assert template is not None
    for phase in (p.id for p in template.phases):
        services.meeting.go_to(phase)
        qtbot.wait(1)  # the page shows the phase's parts
        assert window.minimumSizeHint().width() <= 1280, phase
    assert people.itemText(people.findData(name)) == name


def test_the_note_field_keeps_its_row_beside_a_long_speaker_name(main_window: MainWindow,
                                                                 qtbot: QtBot) -> None:
    """A review opened with a 190-character participant: the speaker choice is as wide as
    usual, the note-taker's field keeps the row at 1280 px (it was 50 px wide)."""
    window = main_window
    services = window.services
    name = "Site reliability engineer on call for the payments platform, EMEA secondary rotation " * 2
    name = name[:190].strip()
    review_id = services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    services.reviews.add_participant(review_id, name=name)
    window.resize(1280, 760)
    window.open_review(review_id)  # the meeting page is first shown with the name in its choices
    window.review_page.confirm = lambda _title, _text: True
    services.meeting.go_to("timeline")
    bar = window.review_page.capture
    qtbot.waitUntil(lambda: window.width() == 1280 and bar.note_edit.isVisible(), timeout=3000)
    qtbot.wait(1)
    assert bar.speaker_combo.findText(name) > 0
    assert bar.speaker_combo.width() < 200
    assert bar.note_edit.width() > 2 * bar.speaker_combo.width()
