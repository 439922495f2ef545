"""The drafts file: what is typed comes back exactly, and a broken file never stops the app."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.drafts import MAX_TEXT, DraftStore, ReviewDraft, Session

TEXT = st.text(max_size=300)


@given(note=TEXT, fields=st.dictionaries(st.sampled_from(["title", "summary", "impact", "started_at"]), TEXT),
       review_id=st.integers(1, 10**9))
def test_a_draft_reads_back_exactly(tmp_path_factory: object, note: str, fields: dict[str, str],
                                    review_id: int) -> None:
    path = tmp_path_factory.mktemp("drafts") / "d.json"  # type: ignore[attr-defined]
    DraftStore(path).set_review(review_id, ReviewDraft(note=note, fields=fields))
    again = DraftStore(path).review(review_id)
    expected = ReviewDraft(note=note, fields=fields)
    assert again == (expected if not expected.is_empty() else ReviewDraft())


def test_an_empty_draft_removes_the_review_and_sessions_round_trip(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "d.json")
    store.set_review(3, ReviewDraft(note="half"))
    store.set_review(3, ReviewDraft())
    store.set_session(Session(review_id=3, phase="timeline", event_id=7, clean=False))
    again = DraftStore(tmp_path / "d.json")
    assert again.review(3) == ReviewDraft()
    assert again.session() == Session(review_id=3, phase="timeline", event_id=7, clean=False)


@given(st.binary(max_size=200))
def test_a_broken_file_is_set_aside_and_drafts_start_afresh(tmp_path_factory: object, junk: bytes) -> None:
    folder = tmp_path_factory.mktemp("broken")  # type: ignore[attr-defined]
    path = folder / "d.json"
    path.write_bytes(junk)
    store = DraftStore(path)
    assert isinstance(store.session(), Session)
    store.set_review(1, ReviewDraft(note="kept"))
    assert DraftStore(path).review(1).note == "kept"


def test_a_huge_paste_is_cut_not_refused(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "d.json")
    store.set_review(1, ReviewDraft(note="x" * (MAX_TEXT + 10)))
    assert len(DraftStore(tmp_path / "d.json").review(1).note) == MAX_TEXT


def test_an_unwritable_folder_is_remembered_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = DraftStore(blocker / "d.json")
    store.set_review(1, ReviewDraft(note="typed"))
    assert store.error is not None
    assert store.review(1).note == "typed"  # still there for the next try
