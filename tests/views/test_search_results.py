# mypy: disable-error-code="no-untyped-call"
"""The library page's search: typing shows hits (on a worker, debounced), Enter opens the review there."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.background import Operation, OperationContext
from app.bootstrap import Services
from app.search_service import SearchResults, SearchService
from models import notes, timeline
from models.search import MARK_END, MARK_START, HitPlace, SearchHit
from views.library_page import LibraryPage
from views.search_results import DEBOUNCE_MS, SearchResultsModel, snippet_html, where_text


def _hit(review_id: int = 1, title: str = "Checkout errors", kind: str = "note", field: str = "text",
         snippet: str = f"the {MARK_START}pool{MARK_END} ran dry") -> SearchHit:
    place = HitPlace(kind=kind, field=field, item_id=7, phase="surprises")  # type: ignore[arg-type]
    return SearchHit(review_id=review_id, title=title, place=place, snippet=snippet, rank=4.5)


@pytest.fixture
def page(services: Services, qtbot: QtBot) -> LibraryPage:
    """The library page over a real library with two reviews, searching through a real service."""
    titled = services.reviews.create(title="Connection pool exhausted", template="standard", timezone="UTC")
    other = services.reviews.create(title="Checkout errors", template="standard", timezone="UTC")
    with services.library.begin() as session:
        notes.add_note(session, other, phase="surprises", text="The pool ran dry in Zürich")
        timeline.add_event(session, other, at=datetime(2026, 3, 2, 9, tzinfo=UTC), text="Pooling changed")
    widget = LibraryPage(services.reviews, search=SearchService(services.library))
    widget.ids = {"titled": titled, "other": other}  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type(qtbot: QtBot, page: LibraryPage, text: str) -> None:
    """Type ``text`` into the search field and wait for its hits."""
    with qtbot.waitSignal(page.search_panel.searched, timeout=5000,
                          check_params_cb=lambda query: query == text):
        qtbot.keyClicks(page.search_edit, text)


def test_the_results_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = SearchResultsModel()
    model.set_hits([_hit(), _hit(2, "DNS flap", "review", "title", f"{MARK_START}DNS{MARK_END} flap")])
    qtmodeltester.check(model)


def test_the_model_gives_the_hit_and_its_review() -> None:
    """HitRole gives the hit, IdRole the review; the display text has title, where and snippet."""
    model = SearchResultsModel()
    hit = _hit(3)
    model.set_hits([hit])
    index = model.index(0, 0)
    assert index.data(SearchResultsModel.HitRole) == hit and index.data(SearchResultsModel.IdRole) == 3
    assert index.data() == "Checkout errors — Note · Surprises: the pool ran dry"
    assert model.flags(index) & Qt.ItemFlag.ItemIsSelectable
    assert model.data(QModelIndex()) is None and model.hit_at(5) is None


def test_where_a_hit_is_reads_as_words() -> None:
    assert where_text(HitPlace("review", "title")) == "Title"
    assert where_text(HitPlace("event", "detail", 4, "timeline")) == "Timeline event (detail)"
    assert where_text(HitPlace("note", "text", 5, "level-setting")) == "Note · Level setting"
    assert where_text(HitPlace("note", "text", 5, "custom-phase")) == "Note · custom-phase"


def test_the_matched_words_are_bold_and_everything_else_escaped() -> None:
    html = snippet_html(f"<b>&</b> {MARK_START}pool{MARK_END} end")
    assert html == "&lt;b&gt;&amp;&lt;/b&gt; <b>pool</b> end"


def test_typing_shows_the_hits_instead_of_the_list(page: LibraryPage, qtbot: QtBot) -> None:
    """After a pause the results replace the list: the title hit first; clearing brings the list back."""
    assert not page.searching() and page.table.isVisible()
    _type(qtbot, page, "pool")
    assert page.searching() and page.search_panel.view.isVisible() and not page.table.isVisible()
    hits = page.search_panel.hits()
    assert hits[0].review_id == page.ids["titled"] and hits[0].place.field == "title"  # type: ignore[attr-defined]
    assert {h.place.kind for h in hits[1:]} == {"note", "event"}  # pool… as typed: Pooling too
    assert "3 hits in 2 reviews" in page.search_panel.status.text()
    assert page.selected_id() == page.ids["titled"]  # type: ignore[attr-defined]
    assert page.open_button.isEnabled() and not page.delete_button.isEnabled()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Escape)
    assert page.search_edit.text() == "" and not page.searching() and page.table.isVisible()


def test_nothing_found_says_so(page: LibraryPage, qtbot: QtBot) -> None:
    _type(qtbot, page, "xylophone")
    assert page.search_panel.hits() == []
    assert "Nothing found" in page.search_panel.status.text()


def test_enter_in_the_field_opens_the_best_hit_at_its_spot(page: LibraryPage, qtbot: QtBot) -> None:
    """Enter opens the first hit: the review's id and where in it (a note: its id and phase)."""
    _type(qtbot, page, "zurich")
    with qtbot.waitSignal(page.open_at_requested, timeout=2000) as blocker:
        qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    review_id, place = blocker.args
    assert review_id == page.ids["other"]  # type: ignore[attr-defined]
    assert isinstance(place, HitPlace)
    assert (place.kind, place.field, place.phase) == ("note", "text", "surprises") and place.item_id


def test_enter_before_the_hits_arrive_opens_the_best_once_they_do(page: LibraryPage, qtbot: QtBot) -> None:
    """Typing and pressing Enter at once does not wait for the pause: it searches and opens."""
    with qtbot.waitSignal(page.open_at_requested, timeout=5000) as blocker:
        page.search_edit.setText("pool")
        qtbot.keyClick(page.search_edit, Qt.Key.Key_Enter)
    assert blocker.args[0] == page.ids["titled"]  # type: ignore[attr-defined]
    assert blocker.args[1] == HitPlace("review", "title", None, "level-setting")


def test_down_then_enter_opens_the_selected_hit(page: LibraryPage, qtbot: QtBot) -> None:
    """Down moves from the field to the results; Enter on a result opens that one."""
    _type(qtbot, page, "pool")
    view = page.search_panel.view
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    chosen = view.current_hit()
    assert chosen is not None and chosen.review_id == page.ids["other"]  # type: ignore[attr-defined]
    with qtbot.waitSignal(page.open_at_requested, timeout=2000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [chosen.review_id, chosen.place]


def test_a_double_click_opens_the_hit(page: LibraryPage, qtbot: QtBot) -> None:
    _type(qtbot, page, "pooling")
    view = page.search_panel.view
    rect = view.visualRect(view.results.index(0, 0))
    with qtbot.waitSignal(page.open_at_requested, timeout=2000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[1].kind == "event"


def test_the_open_button_opens_the_selected_hit(page: LibraryPage, qtbot: QtBot) -> None:
    _type(qtbot, page, "exhausted")
    with qtbot.waitSignal(page.open_at_requested, timeout=2000) as blocker:
        page.open_button.click()
    assert blocker.args[0] == page.ids["titled"]  # type: ignore[attr-defined]


def test_ctrl_f_goes_to_the_search_field(page: LibraryPage, qtbot: QtBot) -> None:
    page.table.setFocus()
    page.search_edit.setText("old query")
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search_edit.hasFocus() and page.search_edit.selectedText() == "old query"
    assert page.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)


def test_a_change_to_the_library_searches_again(page: LibraryPage, services: Services, qtbot: QtBot) -> None:
    """A review renamed while its hits are shown: the hits follow."""
    _type(qtbot, page, "exhausted")
    with qtbot.waitSignal(page.search_panel.searched, timeout=5000):
        services.reviews.update(page.ids["titled"], title="Connection pool drained")  # type: ignore[attr-defined]
    assert page.search_panel.hits() == []


class FakeSearch:
    """A search service whose answers the test releases: one query can be held back."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.gate = threading.Event()
        self.held = "slow"
        self.operations: list[Operation[SearchResults]] = []

    def operation(self, query: str) -> Operation[SearchResults]:
        self.started.append(query)

        def work(context: OperationContext) -> SearchResults:
            if query == self.held:
                self.gate.wait(5)
            return SearchResults(query, (_hit(1 if query == self.held else 2, title=query),))

        operation = Operation(work)
        self.operations.append(operation)
        return operation


def test_an_answer_overtaken_by_newer_typing_is_dropped(qtbot: QtBot) -> None:
    """The slow answer to an older query arrives last and is not shown."""
    fake = FakeSearch()
    page = LibraryPage(rows=[], search=None)
    qtbot.addWidget(page)
    page.search_panel.set_service(fake)  # type: ignore[arg-type]
    page.search_edit.setText("slow")
    qtbot.waitUntil(lambda: fake.started == ["slow"], timeout=2000)
    with qtbot.waitSignal(page.search_panel.searched, timeout=2000,
                          check_params_cb=lambda query: query == "fast"):
        page.search_edit.setText("fast")
    fake.gate.set()
    qtbot.waitUntil(lambda: not fake.operations[0].running, timeout=5000)
    assert [h.title for h in page.search_panel.hits()] == ["fast"]


def test_typing_fast_searches_once_the_typing_pauses(qtbot: QtBot) -> None:
    """Each keystroke restarts the pause: one search for the word, not one a letter."""
    fake = FakeSearch()
    page = LibraryPage(rows=[])
    qtbot.addWidget(page)
    page.search_panel.set_service(fake)  # type: ignore[arg-type]
    with qtbot.waitSignal(page.search_panel.searched, timeout=2000):
        qtbot.keyClicks(page.search_edit, "timeout")
    assert fake.started == ["timeout"]
    assert DEBOUNCE_MS >= 100


def test_before_the_library_is_open_the_field_says_so(qtbot: QtBot) -> None:
    page = LibraryPage(rows=None)
    qtbot.addWidget(page)
    page.search_edit.setText("pool")
    assert page.searching() and "being opened" in page.search_panel.status.text()
