"""Search never fails on what people type, and finds the words it stored (Hypothesis)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import notes, reviews
from models.search import SearchHit, parse_query, search
from models.store import Library, open_library

pytestmark = pytest.mark.fuzz

#: Text as people type or paste it: any character, operators and quotes often.
TYPED = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8"),
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(list('"*()-:^~+&|!<>\'\\ ANDORNEARnotpool')),
), max_size=60) | st.sampled_from(["AND", "OR", "NOT", "NEAR(a b)", '"', '""', "*", "title:x", "a*", "\x00"])

#: Words the index must find again: Latin letters with and without accents, and CJK.
LETTERS = "abcdefghijklmnopqrstuvwxyzäöüéèçñåø東京大阪"
WORDS = st.lists(st.text(alphabet=LETTERS, min_size=2, max_size=10), min_size=1, max_size=6)


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request: pytest.FixtureRequest) -> Iterator[tuple[Library, int]]:
    """A library (each backend) with a review holding quotes, stars and operators in its text."""
    if request.param == "sqlite":
        library = request.getfixturevalue("library")
    else:
        library = open_library(request.getfixturevalue("pg_url"))
    with library.begin() as session:
        review_id = reviews.create(session, title='Pool "exhausted" AND NEAR(title: *)').id
        notes.add_note(session, review_id, phase="timeline", text="error: pool* OR \"quoted\" — café 東京")
    yield library, review_id
    if request.param != "sqlite":
        library.close()


@given(typed=TYPED)
def test_any_text_gives_a_list_never_an_error(filled: tuple[Library, int], typed: str) -> None:
    """Whatever is typed, search answers with a list of hits (possibly empty)."""
    library, _review_id = filled
    for as_you_type in (False, True):
        with library.begin() as session:
            hits = search(session, typed, as_you_type=as_you_type)
        assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)


@given(typed=TYPED)
def test_parsing_any_text_gives_a_safe_fts5_query(typed: str) -> None:
    """Every term is one quoted FTS5 string: quotes inside are doubled, nothing else is syntax."""
    query = parse_query(typed)
    expression = query.fts5()
    for term in query.terms:
        assert term.words and "\x00" not in term.text
    assert expression.count('"') % 2 == 0
    if not query:
        assert expression == ""


@given(words=WORDS)
def test_every_stored_word_is_found_again(filled: tuple[Library, int], words: list[str]) -> None:
    """A note's words, each searched alone and all as a phrase, find that note."""
    library, review_id = filled
    sentence = " ".join(words)
    with library.begin() as session:
        note_id = notes.add_note(session, review_id, phase="timeline", text=sentence).id
    try:
        for query in [*words, f'"{sentence}"', sentence.upper()]:
            with library.begin() as session:
                hits = search(session, query, limit=200, per_review=200)
            assert note_id in {h.place.item_id for h in hits if h.place.kind == "note"}, query
    finally:
        with library.begin() as session:
            notes.delete_note(session, note_id)
