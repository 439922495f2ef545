"""Services commit each change at once and signal after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.bootstrap import Services, build_services
from app.changes import ReviewChanges
from models.catalog import Catalog
from models.errors import InvalidFieldError
from models.snapshot import load_review
from models.store import Library, open_library

SAID_AT = datetime(2026, 3, 4, 10, 5, tzinfo=UTC)


@pytest.fixture
def services(library: Library, catalog: Catalog, qapp: object) -> Iterator[Services]:
    """The shared services, but every note and event said at :data:`SAID_AT`."""
    built = build_services(library, catalog=catalog, clock=lambda: SAID_AT)
    yield built
    built.watch.stop()


@pytest.fixture
def review_id(services: Services) -> int:
    return services.reviews.create(title="Checkout errors", template="standard")


def test_a_note_is_in_the_database_when_its_change_set_arrives(
    services: Services, review_id: int, db_url: str, qtbot: QtBot
) -> None:
    """A second connection sees the note as soon as the change set arrives: it was committed first.

    The change set carries the note as stored, so nobody has to read it back.
    """
    seen: list[int] = []

    def check(changes: ReviewChanges) -> None:
        other = open_library(db_url)
        with other.begin() as session:
            doc = load_review(session, changes.review_id)  # type: ignore[arg-type]
        other.close()
        assert doc is not None
        seen.extend(n.id for n in doc.notes if n.id in {row.id for row in changes.notes})

    services.changes.changed.connect(check)
    with qtbot.waitSignal(services.changes.changed) as blocker:
        row = services.capture.add_note(review_id, phase="timeline", text="Dashboards looked normal")
    assert blocker.args == [ReviewChanges(review_id, notes=(row,))]
    assert seen == [row.id]
    assert row.said_at == SAID_AT


def test_a_refused_note_signals_nothing_and_stores_nothing(
    services: Services, review_id: int, qtbot: QtBot
) -> None:
    """An empty note raises a domain error naming the field, with no signal."""
    with qtbot.assertNotEmitted(services.changes.changed), pytest.raises(InvalidFieldError) as caught:
        services.capture.add_note(review_id, phase="timeline", text="   ")
    assert caught.value.field == "text"
    assert services.reviews.get(review_id).notes == ()  # type: ignore[union-attr]


def test_promoting_a_note_keeps_its_text_and_signals_outcomes(
    services: Services, review_id: int, qtbot: QtBot
) -> None:
    """A promoted note becomes a learning and an action with the same text."""
    note = services.capture.add_note(review_id, phase="learnings", text="Sampling hides partial outages")
    with qtbot.waitSignal(services.changes.changed) as blocker:
        services.capture.promote_to_learning(review_id, note.id, category="technical")
    assert blocker.args == [ReviewChanges(review_id, outcomes=True)]
    services.capture.promote_to_action(review_id, note.id)
    doc = services.reviews.get(review_id)
    assert doc is not None
    assert [(x.text, x.note_id) for x in doc.learnings] == [("Sampling hides partial outages", note.id)]
    assert [(a.title, a.status, a.note_id) for a in doc.actions] == [
        ("Sampling hides partial outages", "open", note.id)]


def test_deleting_a_note_keeps_what_was_promoted_from_it(services: Services, review_id: int) -> None:
    """Learnings outlive the note they came from."""
    note = services.capture.add_note(review_id, phase="learnings", text="Caches go cold on deploy")
    services.capture.promote_to_learning(review_id, note.id)
    services.capture.remove_note(review_id, note.id)
    doc = services.reviews.get(review_id)
    assert doc is not None and doc.notes == ()
    assert [(x.text, x.note_id) for x in doc.learnings] == [("Caches go cold on deploy", None)]


def test_deleting_a_participant_keeps_their_notes(services: Services, review_id: int) -> None:
    """A note's text stays when its speaker is removed; only the link goes."""
    person = services.reviews.add_participant(review_id, name="Responder A", roles=["responder"])
    services.capture.add_note(review_id, phase="timeline", text="I saw the alert", author_id=person)
    services.reviews.delete_participant(person)
    doc = services.reviews.get(review_id)
    assert doc is not None
    assert [(n.text, n.author) for n in doc.notes] == [("I saw the alert", None)]


def test_changing_the_title_updates_the_library(services: Services, review_id: int, qtbot: QtBot) -> None:
    """A title edit changes the review's facts and the library list; the summary only the facts."""
    with qtbot.waitSignal(services.changes.changed) as blocker:
        services.reviews.update(review_id, title="Checkout errors after config push")
    assert blocker.args == [ReviewChanges(review_id, facts=True, library=True)]
    with qtbot.waitSignal(services.changes.changed) as blocker:
        services.reviews.update(review_id, summary="Errors for 40 minutes")
    assert blocker.args == [ReviewChanges(review_id, facts=True)]
    assert [r.title for r in services.reviews.list_reviews()] == ["Checkout errors after config push"]


def test_an_unknown_template_is_refused(services: Services) -> None:
    """A review must use a template the catalog has."""
    with pytest.raises(InvalidFieldError, match="template"):
        services.reviews.create(title="X", template="no-such-template")


def test_settings_remember_only_what_changed(services: Services, user_dirs: dict[str, Path]) -> None:
    """The settings file holds changed values and survives a reload."""
    services.settings.set("last_export_dir", "/tmp/reports")
    stored = (user_dirs["config"] / "settings.json").read_text()
    assert "last_export_dir" in stored and "last_export_format" not in stored
    again = build_services(services.library, catalog=services.catalog)
    assert again.settings.get("last_export_dir") == "/tmp/reports"


def test_a_note_is_promoted_once(services: Services, review_id: int) -> None:
    """Ctrl+L twice on the same note makes one learning, and says why the second did nothing."""
    note = services.capture.add_note(review_id, phase="learnings", text="Caches go cold on deploy")
    services.capture.promote_to_learning(review_id, note.id)
    with pytest.raises(InvalidFieldError, match="already a learning"):
        services.capture.promote_to_learning(review_id, note.id)
    services.capture.promote_to_action(review_id, note.id)
    with pytest.raises(InvalidFieldError, match="already an action"):
        services.capture.promote_to_action(review_id, note.id)
    doc = services.reviews.get(review_id)
    assert doc is not None and len(doc.learnings) == 1 and len(doc.actions) == 1


def test_a_note_of_another_review_cannot_be_changed_through_this_one(services: Services,
                                                                     review_id: int) -> None:
    """Editing or deleting names the review; a note of another review is not found there."""
    from models.errors import NotFoundError

    other = services.reviews.create(title="Another review", template="standard")
    note = services.capture.add_note(other, phase="timeline", text="Belongs elsewhere")
    with pytest.raises(NotFoundError):
        services.capture.update_note(review_id, note.id, text="Hijacked")
    with pytest.raises(NotFoundError):
        services.capture.remove_note(review_id, note.id)
    assert [n.text for n in services.reviews.get(other).notes] == ["Belongs elsewhere"]  # type: ignore[union-attr]
