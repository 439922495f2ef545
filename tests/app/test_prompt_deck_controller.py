"""The prompt deck controller: advancing, recording, pinning, reopening, context cards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from app.meeting_controller import MeetingController
from app.prompt_deck_controller import PromptDeckController
from app.review_service import ReviewService
from models import meetings
from models.catalog import Catalog
from models.prompt_log import PromptLogEntry, live_prompt_log
from models.prompts import builtin_prompt_bank, deck_prompts
from models.store import Library, open_library
from tests.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_id(library: Library, catalog: Catalog, qapp: object) -> int:
    return ReviewService(library, catalog).create(title="Checkout errors", template="standard")


def _controller(library: Library, catalog: Catalog, clock: FakeClock, review_id: int,
                phase: str = "timeline") -> PromptDeckController:
    controller = PromptDeckController(library, catalog, builtin_prompt_bank(), clock)
    controller.open(review_id, "standard")
    controller.set_phase(phase)
    return controller


def _deck(catalog: Catalog, phase_id: str) -> tuple[str, ...]:
    phase = catalog.templates["standard"].phase(phase_id)
    assert phase is not None
    return deck_prompts(phase.prompts, builtin_prompt_bank(), phase_id)


def _log(library: Library, review_id: int, clock: FakeClock) -> list[tuple[str, str, str]]:
    with library.begin() as session:
        return [(e.phase, e.prompt, e.status) for e in live_prompt_log(session, review_id, now=clock())]


def test_opening_shows_the_first_phase_and_its_first_prompt(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """A review with no meeting opens at the template's first phase, first prompt, nothing asked."""
    controller = PromptDeckController(library, catalog, builtin_prompt_bank(), clock)
    with qtbot.waitSignal(controller.deck_changed) as blocker:
        controller.open(review_id, "standard")
    deck = _deck(catalog, "level-setting")
    assert blocker.args == ["level-setting"]
    assert (controller.current_prompt(), controller.progress()) == (deck[0], (0, len(deck)))


def test_opening_records_nothing(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Looking at the deck starts no meeting."""
    _controller(library, catalog, clock, review_id)
    assert ReviewService(library, catalog).get(review_id).meetings == ()  # type: ignore[union-attr]


def test_asking_advances_and_records_the_prompt(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Asked prompts are read back from the database, with the clock's time."""
    controller = _controller(library, catalog, clock, review_id)
    deck = _deck(catalog, "timeline")
    assert controller.ask() == deck[0]
    clock.advance(minutes=3)
    controller.ask()
    assert controller.current_prompt() == deck[2] and controller.progress() == (2, len(deck))
    with library.begin() as session:
        entries = live_prompt_log(session, review_id, now=clock())
    assert [(e.phase, e.prompt, e.status, e.at) for e in entries] == [
        ("timeline", deck[0], "asked", datetime(2026, 3, 4, 10, 0, tzinfo=UTC)),
        ("timeline", deck[1], "asked", datetime(2026, 3, 4, 10, 3, tzinfo=UTC)),
    ]


def test_deck_changed_fires_after_the_commit(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, db_url: str, qtbot: QtBot
) -> None:
    """Another connection already sees the asked prompt when the signal arrives."""
    controller = _controller(library, catalog, clock, review_id)
    seen: list[tuple[PromptLogEntry, ...]] = []

    def check(_phase: str) -> None:
        other = open_library(db_url)
        with other.begin() as session:
            seen.append(live_prompt_log(session, review_id, now=clock()))
        other.close()

    controller.deck_changed.connect(check)
    with qtbot.waitSignal(controller.deck_changed) as blocker:
        controller.ask()
    assert blocker.args == ["timeline"] and len(seen[0]) == 1


def test_skipping_moves_the_prompt_to_the_end_and_records_it(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """The skipped prompt comes round after all others; the log says 'skipped'."""
    controller = _controller(library, catalog, clock, review_id)
    deck = _deck(catalog, "timeline")
    controller.skip()
    for _ in deck[1:]:
        controller.ask()
    assert controller.current_prompt() == deck[0]
    assert _log(library, review_id, clock)[0] == ("timeline", deck[0], "skipped")


def test_pinning_keeps_a_prompt_on_top_while_the_deck_moves_on(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """The pinned prompt leaves the queue; the next one is current."""
    controller = _controller(library, catalog, clock, review_id)
    deck = _deck(catalog, "timeline")
    controller.pin(deck[3])
    controller.ask()
    assert (controller.pinned(), controller.current_prompt()) == (deck[3], deck[1])
    assert _log(library, review_id, clock)[0] == ("timeline", deck[3], "pinned")


def test_unpinning_puts_the_prompt_back_and_records_it(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """pin(None) unpins; the prompt is back in its place in the queue."""
    controller = _controller(library, catalog, clock, review_id)
    deck = _deck(catalog, "timeline")
    controller.pin(deck[0])
    controller.pin(None)
    assert (controller.pinned(), controller.current_prompt()) == (None, deck[0])
    assert _log(library, review_id, clock)[-1] == ("timeline", deck[0], "unpinned")


def test_unpinning_with_nothing_pinned_records_and_signals_nothing(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """A no-op stays a no-op."""
    controller = _controller(library, catalog, clock, review_id)
    with qtbot.assertNotEmitted(controller.deck_changed):
        controller.pin(None)
    assert _log(library, review_id, clock) == []


def test_when_every_prompt_is_asked_asking_does_nothing(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """The deck runs out: no current prompt, nothing more recorded."""
    controller = _controller(library, catalog, clock, review_id, phase="wrap-up")
    total = len(_deck(catalog, "wrap-up"))
    for _ in range(total):
        controller.ask()
    assert controller.current_prompt() is None and controller.progress() == (total, total)
    with qtbot.assertNotEmitted(controller.deck_changed):
        assert controller.ask() is None and controller.skip() is None
    assert len(_log(library, review_id, clock)) == total


def test_each_phase_keeps_its_own_deck(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Asking in one phase leaves the other phases' decks where they were."""
    controller = _controller(library, catalog, clock, review_id)
    controller.ask()
    controller.set_phase("surprises")
    assert controller.progress()[0] == 0
    controller.set_phase("timeline")
    assert controller.progress()[0] == 1


def test_the_deck_survives_reopening_the_app(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """A new controller over the same library shows the deck as it was left."""
    first = _controller(library, catalog, clock, review_id)
    first.ask()
    first.skip()
    first.pin(first.current_prompt())
    first.ask()
    state = (first.current_prompt(), first.upcoming_prompt(), first.pinned(), first.progress())
    clock.advance(minutes=10)
    second = _controller(library, catalog, clock, review_id)
    assert (second.current_prompt(), second.upcoming_prompt(), second.pinned(), second.progress()) == state


def test_reopening_shows_the_phase_the_meeting_is_in(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """The deck opens at the running meeting's phase, as the meeting controller does."""
    meeting = MeetingController(library, catalog, clock)
    meeting.open(review_id, "standard")
    meeting.go_to("surprises")
    controller = PromptDeckController(library, catalog, builtin_prompt_bank(), clock)
    controller.open(review_id, "standard")
    assert controller.phase_id == "surprises"


def test_a_new_sitting_starts_with_a_fresh_deck(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """After the meeting went stale, reopening shows nothing asked."""
    _controller(library, catalog, clock, review_id).ask()
    clock.advance(seconds=(meetings.STALE_AFTER * 2).total_seconds())
    assert _controller(library, catalog, clock, review_id).progress()[0] == 0


def test_a_note_shows_the_cards_that_fit_it(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int, qtbot: QtBot
) -> None:
    """An observation that mentions a decision brings the observation card, then the decision card."""
    controller = _controller(library, catalog, clock, review_id)
    with qtbot.waitSignal(controller.cards_changed) as blocker:
        controller.show_cards_for_note("observation", "We decided to roll back")
    assert [c.id for c in blocker.args[0]] == ["observation", "decision"]
    assert controller.cards() == blocker.args[0]


def test_opening_a_review_clears_the_cards(
    library: Library, catalog: Catalog, clock: FakeClock, review_id: int
) -> None:
    """Cards belong to the latest note of the review on screen."""
    controller = _controller(library, catalog, clock, review_id)
    controller.show_cards_for_note("observation", "")
    controller.open(review_id, "standard")
    assert controller.cards() == []
