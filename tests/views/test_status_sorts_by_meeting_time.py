"""The status column sorts upcoming meetings by their time, not by the weekday's name."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from app.meeting_controller import MeetingController
from tests.fake_clock import FakeClock
from views.main_window import MainWindow
from views.models.library_table_model import LibraryTableModel


def test_upcoming_meetings_sort_by_their_time(services, qtbot, library, catalog):
    controller = MeetingController(library, catalog, FakeClock(datetime(2026, 3, 6, 9, tzinfo=UTC)),
                                   changes=services.changes)
    a = services.reviews.create(title="Monday one", template="standard", timezone="UTC")
    b = services.reviews.create(title="Friday one", template="standard", timezone="UTC")
    controller.schedule_meeting("review", datetime(2026, 3, 9, 10, tzinfo=UTC), a)   # Mon 9 Mar
    controller.schedule_meeting("review", datetime(2026, 3, 13, 10, tzinfo=UTC), b)  # Fri 13 Mar
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    page = window.library_page
    page.table.sortByColumn(LibraryTableModel.COL_STATUS, Qt.SortOrder.AscendingOrder)
    shown = [page.proxy.index(r, LibraryTableModel.COL_STATUS).data() for r in range(page.proxy.rowCount())]
    assert shown[0].endswith("Mon 9 Mar 10:00")
