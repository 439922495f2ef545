"""Similar past incidents: what counts as similar, what is earlier, the reasons, and the kept index."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import reviews, similar, timeline
from models.entities import TimelineEvent
from models.similar import MIN_SCORE, ReviewTerms, SimilarityIndex, similar_reviews
from models.store import Library, open_library
from tests.conftest import EXAMPLES

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def lib(request: pytest.FixtureRequest) -> Iterator[Library]:
    """The test's library on each backend (PostgreSQL skips where there is no server; CI has one)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("library")
        return
    library = open_library(request.getfixturevalue("pg_url"))
    yield library
    library.close()


def add(library: Library, title: str, days: float, *, events: tuple[str, ...] = (), **fields: Any) -> int:
    with library.begin() as session:
        review = reviews.create(session, title=title, started_at=T0 + timedelta(days=days), **fields)
        for number, text in enumerate(events):
            timeline.add_event(session, review.id, at=T0 + timedelta(days=days, minutes=number), text=text)
        return review.id


def ask(library: Library, review_id: int, **options: Any) -> tuple[similar.SimilarReview, ...]:
    with library.begin() as session:
        return similar_reviews(session, review_id, **options)


# ---------------------------------------------------------------- what is similar

def test_shared_services_and_words_make_a_review_similar(lib: Library) -> None:
    """The earlier pool exhaustion is found, with what it shares; the unrelated one is not."""
    pool = add(lib, "Checkout timeouts: connection pool exhausted", 0, services=["checkout", "payments-db"],
               events=("Pool exhausted on payments-db", "Raised the pool size"))
    add(lib, "Marketing email sent twice", 1, services=["email"], events=("Duplicate send noticed",))
    now = add(lib, "Payment timeouts, pool exhausted again", 30, services=["checkout"],
              summary="The connection pool of the payments database ran dry", events=("Timeouts alert",))
    found = ask(lib, now)
    assert [s.id for s in found] == [pool]
    assert found[0].services == ("checkout",)
    assert {"pool", "exhausted", "connection"} <= set(found[0].words)
    assert found[0].reason.startswith("shared services: checkout; words: ")
    assert 0 < found[0].score <= 1


def test_a_review_is_never_similar_to_itself_or_to_a_later_one(lib: Library) -> None:
    """Only what happened before counts as "seen before", however alike the later one is."""
    first = add(lib, "DNS resolution failures", 0, services=["dns"])
    second = add(lib, "DNS resolution failures", 10, services=["dns"])
    third = add(lib, "DNS resolution failures", 20, services=["dns"])
    assert ask(lib, first) == ()
    assert [s.id for s in ask(lib, second)] == [first]
    assert [s.id for s in ask(lib, third)] == [second, first]  # equal scores: the more recent first


def test_equal_start_times_go_by_id(lib: Library) -> None:
    """Two reviews of the same moment: the one made first is the earlier, never both ways."""
    a = add(lib, "Cache stampede", 0, services=["cache"])
    b = add(lib, "Cache stampede", 0, services=["cache"])
    assert [s.id for s in ask(lib, b)] == [a]
    assert ask(lib, a) == ()


def test_a_review_without_a_start_is_placed_by_its_creation(lib: Library) -> None:
    """No start: the review counts from when it was entered (a draft written today is recent)."""
    old = add(lib, "Certificate expired on the API gateway", -400, services=["gateway"])
    with lib.begin() as session:
        draft = reviews.create(session, title="Certificate expired again", services=["gateway"]).id
    assert [s.id for s in ask(lib, draft)] == [old]
    assert ask(lib, old) == ()


def test_a_rare_shared_service_counts_more_than_a_common_one(lib: Library) -> None:
    """Everyone touches checkout; sharing the ledger says more."""
    for day in range(6):
        add(lib, f"Unrelated {day}", day, services=["checkout"])
    common = add(lib, "Slow pages", 10, services=["checkout", "frontend"])
    rare = add(lib, "Slow pages", 11, services=["ledger", "frontend"])
    now = add(lib, "Slow pages", 20, services=["checkout", "ledger"])
    found = ask(lib, now, limit=2)
    assert [s.id for s in found] == [rare, common]
    assert found[0].score > found[1].score


def test_stop_words_and_numbers_are_not_shared_words(lib: Library) -> None:
    """Sharing "the", "and" or a year is not a likeness."""
    add(lib, "The 2026 and the 404", 0)
    now = add(lib, "The 2026 and the 404 of it", 5)
    assert ask(lib, now) == ()
    assert similar.informative_words("The 2026 TIMEOUT and the Pool's 5xx") == ["timeout", "pool", "5xx"]


def test_names_compare_case_folded_and_read_as_the_earlier_review_wrote_them(lib: Library) -> None:
    """"Checkout" and "checkout" are one service; the reason spells it as the listed review does."""
    earlier = add(lib, "x", 0, services=["Checkout"], tags=["Config"])
    now = add(lib, "y", 3, services=["checkout"], tags=["config"])
    (found,) = ask(lib, now)
    assert (found.id, found.services, found.tags) == (earlier, ("Checkout",), ("Config",))
    assert found.reason == "shared services: Checkout; tags: Config"


def test_at_most_limit_reviews_best_first(lib: Library) -> None:
    """Five by default, best first; fewer when asked."""
    for day in range(8):
        services = ["billing", "queue"] if day % 2 else ["billing"]
        add(lib, "Queue backlog in the billing worker", day, services=services)
    now = add(lib, "Queue backlog again", 20, services=["billing", "queue"])
    found = ask(lib, now)
    assert len(found) == similar.LIMIT
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert len(ask(lib, now, limit=2)) == 2


def test_nothing_in_common_or_no_such_review_finds_nothing(lib: Library) -> None:
    add(lib, "Disk full on the build server", 0, services=["ci"])
    now = add(lib, "Login page shows a blank screen", 5, services=["auth"])
    assert ask(lib, now) == ()
    assert ask(lib, 10_000) == ()


def test_a_draft_with_only_a_title_finds_its_kin(lib: Library) -> None:
    """No services or tags yet: the words carry the whole score."""
    earlier = add(lib, "Kafka consumer lag on orders", 0, services=["orders"], tags=["kafka"])
    now = add(lib, "Consumer lag on the orders topic", 2)
    assert [s.id for s in ask(lib, now)] == [earlier]


def test_the_timeline_counts_with_the_facts(lib: Library) -> None:
    """Words said only in the timelines make two reviews alike too."""
    earlier = add(lib, "Saturday outage", 0, events=("vacuum froze the replica", "replica lag rising"))
    now = add(lib, "Reports were slow", 2, events=("replica lag again", "vacuum running"))
    (found,) = ask(lib, now)
    assert found.id == earlier and set(found.words) == {"replica", "vacuum", "lag"}


def test_a_long_timeline_keeps_its_most_frequent_words() -> None:
    """A chat export of thousands of words gives the most frequent ones, no more than the cap."""
    rare = " ".join(f"word{i:05d}" for i in range(similar.TIMELINE_WORDS * 2))
    text = "\n".join(["failover failover failover", "replica replica", rare])
    kept = similar._timeline_words(text, ("replica",))
    assert len(kept) == similar.TIMELINE_WORDS
    assert "failover" in kept and "replica" not in kept  # a facts word is not counted twice


# ---------------------------------------------------------------- the index kept between questions

def terms_of(index: SimilarityIndex) -> dict[int, ReviewTerms]:
    return {review_id: index.get(review_id) for review_id in sorted(index._docs)}  # type: ignore[misc]


def fresh(library: Library) -> dict[int, ReviewTerms]:
    with library.begin() as session:
        return terms_of(SimilarityIndex.build(session))


def test_sync_reads_only_what_changed(lib: Library) -> None:
    """Added, edited, deleted reviews and new events are read again; a quiet library costs one query."""
    a = add(lib, "Redis eviction storm", 0, services=["cache"])
    b = add(lib, "Search index rebuild", 1, services=["search"])
    with lib.begin() as session:
        index = SimilarityIndex.build(session)
        assert len(index) == 2
        assert index.sync(session) == 0
    c = add(lib, "Redis evictions again", 9, services=["cache"])
    with lib.begin() as session:
        reviews.update(session, b, title="Search index rebuilt twice")
        timeline.add_event(session, a, at=T0, text="maxmemory policy surprised us")
    with lib.begin() as session:
        assert index.sync(session) == 3
    assert terms_of(index) == fresh(lib)
    assert "maxmemory" in index.get(a).timeline  # type: ignore[union-attr]
    with lib.begin() as session:
        reviews.delete(session, c)
    with lib.begin() as session:
        assert index.sync(session) == 1
    assert c not in index and terms_of(index) == fresh(lib)


def test_an_event_edited_in_place_is_read_again_once_said(lib: Library) -> None:
    """The fingerprint cannot see an edited event; invalidate() (the app's change sets) can."""
    review_id = add(lib, "Incident", 0, events=("first words",))
    with lib.begin() as session:
        index = SimilarityIndex.build(session)
        event_id = session.scalars(select(TimelineEvent.id).where(TimelineEvent.review_id == review_id)).one()
    with lib.begin() as session:
        timeline.update_event(session, event_id, text="other words entirely")
    with lib.begin() as session:
        index.sync(session)
    assert "other" not in index.get(review_id).timeline  # type: ignore[union-attr]
    index.invalidate([review_id])
    with lib.begin() as session:
        assert index.sync(session) == 1
    assert "entirely" in index.get(review_id).timeline  # type: ignore[union-attr]


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["pool timeout", "dns failure", "cache storm", "disk full"]),
              st.integers(0, 50)),
    st.tuples(st.just("event"), st.integers(0, 10),
              st.sampled_from(["pool drained", "dns ttl", "evictions"])),
    st.tuples(st.just("retitle"), st.integers(0, 10), st.sampled_from(["renamed pool", "other title"])),
    st.tuples(st.just("delete"), st.integers(0, 10), st.just("")),
), max_size=12)


@pytest.mark.fuzz
@settings(max_examples=max(10, EXAMPLES // 10))
@given(actions=ACTIONS)
def test_a_synced_index_equals_one_built_afresh(library: Library, actions: list[tuple[Any, ...]]) -> None:
    """Any mix of reviews added, retitled, deleted and events added: sync gives what a new build gives."""
    with library.begin() as session:
        for review_id in [r.id for r in reviews.list_reviews(session)]:
            reviews.delete(session, review_id)
        index = SimilarityIndex.build(session)
    ids: list[int] = []
    for action, arg, value in actions:
        with library.begin() as session:
            if action == "add":
                ids.append(reviews.create(session, title=arg, started_at=T0 + timedelta(days=value)).id)
            elif ids and action == "event":
                timeline.add_event(session, ids[arg % len(ids)], at=T0, text=value)
            elif ids and action == "retitle":
                reviews.update(session, ids[arg % len(ids)], title=value)
            elif ids and action == "delete":
                reviews.delete(session, ids.pop(arg % len(ids)))
        if len(ids) % 2:  # sync now and then, not only at the end
            with library.begin() as session:
                index.sync(session)
    with library.begin() as session:
        index.sync(session)
    assert terms_of(index) == fresh(library)


# ---------------------------------------------------------------- the score, against its definition

WORDS = ["pool", "timeout", "dns", "cache", "replica", "queue", "disk", "cert", "deploy", "kafka"]
NAMES = ["checkout", "Checkout", "payments", "search", "auth"]


@st.composite
def libraries(draw: st.DrawFn) -> list[ReviewTerms]:
    count = draw(st.integers(1, 14))
    items = []
    for review_id in range(1, count + 1):
        facts = tuple(sorted(set(draw(st.lists(st.sampled_from(WORDS), max_size=4)))))
        timeline_words = tuple(sorted(set(draw(st.lists(st.sampled_from(WORDS), max_size=5))) - set(facts)))
        items.append(ReviewTerms(
            id=review_id, title=f"r{review_id}", when=T0 + timedelta(days=draw(st.integers(0, 6))),
            severity=None, status="draft", kind="incident", timezone="UTC",
            services=similar._unique(draw(st.lists(st.sampled_from(NAMES), max_size=3))),
            tags=similar._unique(draw(st.lists(st.sampled_from(["config", "dns", "net"]), max_size=2))),
            facts=facts, timeline=timeline_words))
    return items


def reference_score(target: ReviewTerms, other: ReviewTerms, docs: list[ReviewTerms]) -> float:
    """The score as the module docs define it, written the slow, obvious way."""
    n = len(docs)

    def idf(df: int) -> float:
        return math.log((1 + n) / (1 + df)) + 1

    words_df = Counter(w for d in docs for w in set(d.facts) | set(d.timeline))
    services_df = Counter(s.casefold() for d in docs for s in d.services)
    tags_df = Counter(t.casefold() for d in docs for t in d.tags)

    def jaccard(a: tuple[str, ...], b: tuple[str, ...], df: Counter[str]) -> float:
        sa, sb = {x.casefold() for x in a}, {x.casefold() for x in b}
        union = sum(idf(df[k]) for k in sa | sb)
        return sum(idf(df[k]) for k in sa & sb) / union if union else 0.0

    def vector(d: ReviewTerms) -> dict[str, float]:
        return {**{w: idf(words_df[w]) for w in d.timeline}, **{w: 2 * idf(words_df[w]) for w in d.facts}}

    va, vb = vector(target), vector(other)
    norm = math.sqrt(sum(x * x for x in va.values())) * math.sqrt(sum(x * x for x in vb.values()))
    cosine = sum(va[w] * vb[w] for w in va.keys() & vb.keys()) / norm if norm else 0.0
    present = {"services": bool(target.services), "tags": bool(target.tags), "words": bool(va)}
    total = sum(similar.WEIGHTS[p] for p, there in present.items() if there)
    parts = {"services": jaccard(target.services, other.services, services_df),
             "tags": jaccard(target.tags, other.tags, tags_df), "words": cosine}
    return sum(similar.WEIGHTS[p] / total * parts[p] for p, there in present.items() if there)


@pytest.mark.fuzz
@given(docs=libraries(), pick=st.integers(0, 100), limit=st.integers(1, 6))
def test_similar_to_lists_the_best_earlier_reviews_by_the_defined_score(docs: list[ReviewTerms], pick: int,
                                                                        limit: int) -> None:
    """Never itself or a later review; scores as defined; best first; nothing better left out."""
    index = SimilarityIndex(docs)
    target = docs[pick % len(docs)]
    found = index.similar_to(target.id, limit=limit)
    assert len(found) <= limit
    assert all(s.id != target.id and (s.when, s.id) < target.key for s in found)
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    by_id = {d.id: d for d in docs}
    for s in found:
        assert s.score == pytest.approx(reference_score(target, by_id[s.id], docs), abs=1e-5)
        assert MIN_SCORE <= s.score <= 1
        assert s.services or s.tags or s.words
    listed = {s.id for s in found}
    left_out = [reference_score(target, d, docs) for d in docs
                if d.key < target.key and d.id not in listed]
    if len(found) == limit:
        assert all(value <= found[-1].score + 1e-5 for value in left_out)
    else:
        assert all(value < MIN_SCORE + 1e-5 for value in left_out)


@given(docs=libraries())
def test_an_earlier_twin_is_found_with_full_marks(docs: list[ReviewTerms]) -> None:
    """A review exactly like an earlier one scores 1 against it and lists it first."""
    last = max(docs, key=lambda d: d.key)
    if not (last.services or last.tags or last.facts or last.timeline):
        return
    twin = ReviewTerms(id=0, title="twin", when=last.when - timedelta(days=30), severity=None, status="draft",
                       kind="incident", timezone="UTC", services=last.services, tags=last.tags,
                       facts=last.facts, timeline=last.timeline)
    index = SimilarityIndex([*docs, twin])
    found = index.similar_to(last.id)
    assert found and found[0].score == pytest.approx(1.0)
    assert any(s.id == 0 for s in found if s.score == pytest.approx(1.0))


def test_one_call_and_the_kept_index_agree(library: Library) -> None:
    """similar_reviews without an index reads the library for the question, with the same answer."""
    add(library, "Pool exhausted", 0, services=["db"])
    now = add(library, "Pool exhausted again", 1, services=["db"])
    with library.begin() as session:
        index = SimilarityIndex.build(session)
        assert similar_reviews(session, now) == similar_reviews(session, now, index=index)
