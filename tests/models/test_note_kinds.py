"""A note's kind means what it says: a note of kind Learning is a learning, of kind Action an action."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models import notes, reviews
from models.snapshot import load_review
from models.store import Library


def _review(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", template="standard").id


def _outcomes(library: Library, review_id: int) -> tuple[list[tuple[str, int | None]], list[tuple[str, str]]]:
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    return [(x.text, x.note_id) for x in doc.learnings], [(a.title, a.description) for a in doc.actions]


def test_a_learning_note_is_a_learning(library: Library) -> None:
    review_id = _review(library)
    with library.begin() as session:
        note = notes.add_note(session, review_id, phase="learnings", text="Sampling hides outages",
                              kind="learning")
        note_id = note.id
    assert _outcomes(library, review_id) == ([("Sampling hides outages", note_id)], [])


def test_an_action_note_is_an_action_titled_by_its_first_sentence(library: Library) -> None:
    review_id = _review(library)
    text = "Alert on saved-cart checkouts. Today nobody would notice a drop until support calls."
    with library.begin() as session:
        notes.add_note(session, review_id, phase="actions", text=text, kind="action")
    assert _outcomes(library, review_id) == ([], [("Alert on saved-cart checkouts.", text)])


def test_changing_the_kind_makes_and_unmakes_the_outcome(library: Library) -> None:
    review_id = _review(library)
    with library.begin() as session:
        note_id = notes.add_note(session, review_id, phase="timeline", text="Canaries skip config").id
    assert _outcomes(library, review_id) == ([], [])
    with library.begin() as session:
        notes.update_note(session, note_id, kind="learning")
    assert _outcomes(library, review_id) == ([("Canaries skip config", note_id)], [])
    with library.begin() as session:
        notes.update_note(session, note_id, kind="action")
    assert _outcomes(library, review_id) == ([], [("Canaries skip config", "")])
    with library.begin() as session:
        notes.update_note(session, note_id, kind="observation")
    assert _outcomes(library, review_id) == ([], [])


def test_an_outcome_edited_since_stays_when_the_kind_changes(library: Library) -> None:
    review_id = _review(library)
    with library.begin() as session:
        note_id = notes.add_note(session, review_id, phase="learnings", text="Caches go cold",
                                 kind="learning").id
    with library.begin() as session:
        (learning,) = load_review(session, review_id).learnings  # type: ignore[union-attr]
        notes.update_learning(session, learning.id, text="Caches go cold on every deploy")
    with library.begin() as session:
        notes.update_note(session, note_id, kind="observation")
    assert _outcomes(library, review_id) == ([("Caches go cold on every deploy", note_id)], [])


def test_removing_and_restoring_a_learning_note_takes_its_learning_along(library: Library) -> None:
    review_id = _review(library)
    with library.begin() as session:
        note_id = notes.add_note(session, review_id, phase="learnings", text="Only one person knew",
                                 kind="learning").id
    with library.begin() as session:
        deleted = notes.remove_note(session, note_id)
    assert _outcomes(library, review_id) == ([], [])
    with library.begin() as session:
        restored = notes.restore_note(session, deleted).id
    assert _outcomes(library, review_id) == ([("Only one person knew", restored)], [])


def test_a_promoted_observation_keeps_its_learning_when_deleted(library: Library) -> None:
    """Separately promoted outcomes outlive their note, as before."""
    review_id = _review(library)
    with library.begin() as session:
        note_id = notes.add_note(session, review_id, phase="timeline", text="Dashboards lied").id
        notes.promote_to_learning(session, note_id)
    with library.begin() as session:
        notes.remove_note(session, note_id)
    assert _outcomes(library, review_id) == ([("Dashboards lied", None)], [])


@given(st.text(min_size=1, max_size=400).filter(lambda t: t.strip()))
def test_first_sentence_is_short_and_starts_the_text(text: str) -> None:
    title = notes.first_sentence(text)
    words = " ".join(text.split())
    assert len(title) <= 201
    assert "\n" not in title
    assert words.startswith(title.removesuffix("…").rstrip(",;:"))
