"""Similar past incidents: "have we seen this before?"

For one review, the few earlier reviews most like it, each with the reason
it was chosen ("shared services: checkout, payments; words: timeout, pool").

What a review is made of here (:class:`ReviewTerms`): its services and tags,
and the informative words of its title, summary and impact ("facts") and of
its timeline's texts. A word is informative when it is at least three letters
or digits long, not only digits, and not an English stop word; words,
services and tags are compared case-folded. A long timeline gives at most
:data:`TIMELINE_WORDS` of its most frequent words, so that one chat export
floods neither the comparison nor the memory.

The score (0 to 1) adds three parts, each weighing what is shared by how rare
it is in the library (inverse document frequency, ``idf``: a service every
review names says little, a rare word much):

* services: weighted Jaccard, the idf of the shared ones over the idf of all of both;
* tags: the same;
* words: cosine of the two reviews' word vectors, each word weighing ``tf * idf``
  with ``tf`` 2 for a word of the facts and 1 for a word only in the timeline.

The parts count :data:`WEIGHTS` (services most, then words, then tags); a part
the asking review has nothing for (no tags yet) is left out and the others
share its weight, so a draft with only a title still finds its kin. A review
is listed when its score reaches :data:`MIN_SCORE`.

Earlier means started before, or created before when a review has no start
(:attr:`ReviewTerms.when`); equal times go by id, so of two reviews exactly
one is the earlier.

:class:`SimilarityIndex` keeps every review's terms between questions (read
in one pass over the library), and :meth:`SimilarityIndex.sync` reads again
only what changed since: reviews added, removed or edited (their
``updated_at``) and timelines with new events. Events edited or removed in
place leave no trace in the library's fingerprint: a caller that knows of
them (the app's change sets) says so with :meth:`SimilarityIndex.invalidate`.
:func:`similar_reviews` is the one-call form for a caller without an index.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.entities import Review, TimelineEvent
from models.timefmt import as_utc

#: How many similar reviews a question answers by default.
LIMIT = 5
#: The least score a review needs to be listed at all.
MIN_SCORE = 0.08
#: How much each part of the score counts (see the module docs).
WEIGHTS = {"services": 0.45, "tags": 0.2, "words": 0.35}
#: At most this many words of a review's timeline take part (its most frequent ones).
TIMELINE_WORDS = 200
#: How many shared words a reason names.
REASON_WORDS = 4
#: Reviews read again by id are asked for this many at a time (SQLite's bound-parameter limit).
_IDS_PER_QUERY = 500
#: Weight of a word of the title, summary or impact against one only in the timeline.
_FACTS_TF = 2.0

_TOKEN = re.compile(r"[^\W_]{3,}")

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren around as at be because been before being
below between both but by can cannot could couldn did didn do does doesn doing don down during each either
else even ever every few for from further get gets got had hadn has hasn have haven having he her here hers
herself him himself his how however i if in into is isn it its itself just let lets like made make makes many
may me might more most much must mustn my myself no nor not now of off on once one only or other others our
ours ourselves out over own per quite rather really said same see seen shan she should shouldn since so some
still such than that the their theirs them themselves then there these they this those though through thus to
too under until up upon us very via was wasn way we were weren what when where whether which while who whom
whose why will with within without won would wouldn yet you your yours yourself yourselves
""".split())


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class ReviewTerms:
    """What similarity knows of one review.

    Words are tuples, not sets: five thousand reviews of two hundred words
    each take a quarter of the memory, and a set intersection reads a tuple
    as fast.
    """

    id: int
    title: str
    #: When it started, or when it was created if its start is not known (UTC).
    when: datetime
    severity: str | None
    status: str
    kind: str
    timezone: str
    #: As written, one of each (compared case-folded).
    services: tuple[str, ...]
    tags: tuple[str, ...]
    #: Informative words of the title, summary and impact, case-folded, one of each.
    facts: tuple[str, ...]
    #: Informative words of the timeline that are not in ``facts``.
    timeline: tuple[str, ...]
    #: When the review's own fields were last changed (tells an edit from elsewhere).
    updated_at: datetime | None = None
    service_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    tag_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_keys", tuple(s.casefold() for s in self.services))
        object.__setattr__(self, "tag_keys", tuple(t.casefold() for t in self.tags))

    @property
    def key(self) -> tuple[datetime, int]:
        """The order "earlier" follows: time, then id."""
        return (self.when, self.id)


@dataclass(frozen=True)
class SimilarReview:
    """An earlier review like the one asked about, and why."""

    id: int
    title: str
    when: datetime
    severity: str | None
    status: str
    kind: str
    timezone: str
    score: float
    #: What the two share, as the earlier review spells it; the most telling first.
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """Why it is listed, in English ("shared services: checkout, payments; words: timeout, pool")."""
        return reason_text(self.services, self.tags, self.words)


def reason_text(services: Iterable[str], tags: Iterable[str], words: Iterable[str], *,
                services_label: str = "shared services", tags_label: str = "tags",
                words_label: str = "words") -> str:
    """The reason of a :class:`SimilarReview`; views pass translated labels."""
    parts = [f"{name}: {', '.join(values)}"
             for name, values in ((services_label, tuple(services)), (tags_label, tuple(tags)),
                                  (words_label, tuple(words))) if values]
    return "; ".join(parts)


# ---------------------------------------------------------------- words

def informative_words(text: str) -> list[str]:
    """Every informative word of ``text``, case-folded, repeats kept (see the module docs)."""
    return [w for w in _TOKEN.findall(text.casefold()) if w not in STOP_WORDS and not w.isdigit()]


def _distinct_words(text: str) -> tuple[str, ...]:
    found = set(_TOKEN.findall(text.casefold())) - STOP_WORDS
    # Interned: "timeout" in five thousand reviews is one string, not five thousand.
    return tuple(sorted(map(sys.intern, [w for w in found if not w.isdigit()])))


def _timeline_words(text: str, facts: tuple[str, ...]) -> tuple[str, ...]:
    """The most frequent informative words of the timeline (ties: alphabetical), facts words left out."""
    # One findall over the whole timeline and a C-level Counter: a 50,000-message chat export takes
    # a fraction of a second.
    counted = Counter(_TOKEN.findall(text.casefold()))
    keys = [w for w in counted.keys() - STOP_WORDS - set(facts) if not w.isdigit()]
    if len(keys) > TIMELINE_WORDS:
        keys = heapq.nsmallest(TIMELINE_WORDS, keys, key=lambda w: (-counted[w], w))
    return tuple(sorted(map(sys.intern, keys)))


def _unique(values: Any) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values if isinstance(values, list) else ():
        text = str(value).strip()
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def _terms(row: Any, timeline: str) -> ReviewTerms:
    facts = _distinct_words(" \n".join((row.title or "", row.summary or "", row.impact or "")))
    when = row.started_at if row.started_at is not None else row.created_at
    return ReviewTerms(
        id=row.id, title=row.title, when=as_utc(when), severity=row.severity, status=row.status,
        kind=row.kind, timezone=row.timezone, services=_unique(row.services), tags=_unique(row.tags),
        facts=facts, timeline=_timeline_words(timeline, facts), updated_at=row.updated_at)


def read_terms(session: Session, review_ids: Iterable[int] | None = None) -> Iterator[ReviewTerms]:
    """The terms of the reviews ``review_ids`` (None: all), in one pass over reviews and events."""
    if review_ids is None:
        yield from _read_terms(session, None)
        return
    wanted = sorted(set(review_ids))
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        yield from _read_terms(session, wanted[start:start + _IDS_PER_QUERY])


def _read_terms(session: Session, wanted: list[int] | None) -> Iterator[ReviewTerms]:
    # Table columns, not ORM attributes: plain rows, without the ORM's per-row work.
    r = Review.__table__.c
    e = TimelineEvent.__table__.c
    reviews = select(r.id, r.title, r.summary, r.impact, r.started_at, r.created_at, r.updated_at,
                     r.severity, r.status, r.kind, r.timezone, r.services, r.tags).order_by(r.id)
    # One row per review with its whole timeline's text (group_concat / string_agg): the database
    # joins the texts, Python sees five thousand rows instead of a million.
    timelines = (select(e.review_id, func.aggregate_strings(e.text, "\n"))
                 .group_by(e.review_id).order_by(e.review_id))
    if wanted is not None:
        reviews = reviews.where(r.id.in_(wanted))
        timelines = timelines.where(e.review_id.in_(wanted))
    texts = iter(session.execute(timelines))
    pending = next(texts, None)
    for row in session.execute(reviews).all():
        while pending is not None and pending[0] < row.id:  # a review removed meanwhile
            pending = next(texts, None)
        text = ""
        if pending is not None and pending[0] == row.id:
            text = pending[1] or ""
            pending = next(texts, None)
        yield _terms(row, text)


# ---------------------------------------------------------------- scoring

def _idf(documents: int, frequency: int) -> float:
    """Smoothed inverse document frequency: positive even for a term every review has."""
    return math.log((1 + documents) / (1 + frequency)) + 1.0


class _Names(NamedTuple):
    """The asking review's services (or tags): their idf, and the idf of all of them added up."""

    idf: dict[str, float]
    total: float


class _Question(NamedTuple):
    """Everything about the asking review that every comparison needs, worked out once."""

    target: ReviewTerms
    weights: dict[str, float]
    #: Its words with their tf·idf², all of them, and the vector's length.
    word_weights: dict[str, float]
    words: frozenset[str]
    norm: float
    services: _Names
    tags: _Names
    service_idf: dict[str, float]
    tag_idf: dict[str, float]
    word_idf2: dict[str, float]


class SimilarityIndex:
    """Every review's terms and how often each term occurs in the library, kept between questions.

    Not thread-safe: one caller at a time (the app's service holds a lock).
    """

    def __init__(self, terms: Iterable[ReviewTerms] = ()) -> None:
        self._docs: dict[int, ReviewTerms] = {}
        self._words_df: Counter[str] = Counter()
        self._services_df: Counter[str] = Counter()
        self._tags_df: Counter[str] = Counter()
        #: Bumped by every change of the document frequencies; caches below are of one version.
        self._version = 0
        self._norms: dict[int, tuple[int, float]] = {}
        self._tables: tuple[int, dict[str, float], dict[str, float], dict[str, float]] = (-1, {}, {}, {})
        self._fingerprint: tuple[Any, ...] | None = None
        self._dirty: set[int] = set()
        for item in terms:
            self._add(item)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, review_id: object) -> bool:
        return review_id in self._docs

    def get(self, review_id: int) -> ReviewTerms | None:
        return self._docs.get(review_id)

    @classmethod
    def build(cls, session: Session) -> SimilarityIndex:
        """The index of the whole library, read in one pass."""
        index = cls()
        index.sync(session)
        return index

    def invalidate(self, review_ids: Iterable[int]) -> None:
        """Read these reviews again at the next :meth:`sync` (events edited or removed in place)."""
        self._dirty.update(review_ids)

    def sync(self, session: Session) -> int:
        """Catch up with the library; returns how many reviews were read again or dropped.

        The first time, the whole library is read. Then one small query when
        nothing changed; otherwise the reviews added, removed or edited and
        those with new events are read again (see the module docs for what it
        cannot see by itself).
        """
        # Read before the data: a commit landing in between is read again next time, never missed.
        fingerprint = _fingerprint(session)
        if self._fingerprint is None:
            self._reset(read_terms(session))
            self._fingerprint = fingerprint
            self._dirty.clear()
            return len(self._docs)
        changed = set(self._dirty)
        removed: set[int] = set()
        if fingerprint[:3] != self._fingerprint[:3]:  # reviews added, removed or edited
            listed = session.execute(select(Review.__table__.c.id, Review.__table__.c.updated_at))
            now: dict[int, datetime | None] = {row[0]: row[1] for row in listed}
            removed = set(self._docs) - now.keys()
            changed |= {i for i, updated in now.items()
                        if i not in self._docs or self._docs[i].updated_at != updated}
        if fingerprint[3] != self._fingerprint[3]:  # events added (the newest id moved)
            last_event = self._fingerprint[3]
            newer = select(TimelineEvent.review_id).distinct()
            if last_event is not None:
                newer = newer.where(TimelineEvent.id > last_event)
            changed |= set(session.scalars(newer))
        for review_id in removed | changed:
            self._remove(review_id)
        for item in read_terms(session, changed):
            self._add(item)
        self._fingerprint = fingerprint
        self._dirty.clear()
        return len(changed | removed)

    def similar_to(self, target: ReviewTerms | int, *, limit: int = LIMIT,
                   min_score: float = MIN_SCORE) -> tuple[SimilarReview, ...]:
        """The ``limit`` earlier reviews most like ``target`` (a review of the index, or terms read apart).

        Best first; equal scores: the more recent first, then by id.
        """
        if isinstance(target, int):
            found = self._docs.get(target)
            if found is None:
                return ()
            target = found
        question = self._question(target)
        if question is None or limit <= 0:
            return ()
        key = target.key
        raw = self._raw_score
        scored = []
        for other in self._docs.values():
            if (other.when, other.id) < key:
                value = raw(question, other)
                if value >= min_score:
                    scored.append((value, other))
        best = heapq.nsmallest(limit, scored, key=lambda s: (-s[0], -s[1].when.timestamp(), s[1].id))
        return tuple(self._explain(question, other, value) for value, other in best)

    def score(self, target: ReviewTerms, other: ReviewTerms) -> SimilarReview | None:
        """How like ``target`` ``other`` is, whatever their times; None when they share nothing."""
        question = self._question(target)
        if question is None or other.id == target.id:
            return None
        value = self._raw_score(question, other)
        return self._explain(question, other, value) if value > 0 else None

    # private
    def _reset(self, terms: Iterable[ReviewTerms]) -> None:
        self._docs.clear()
        self._words_df.clear()
        self._services_df.clear()
        self._tags_df.clear()
        self._norms.clear()
        self._version += 1
        for item in terms:
            self._add(item)

    def _add(self, item: ReviewTerms) -> None:
        self._docs[item.id] = item
        self._words_df.update(item.facts)
        self._words_df.update(item.timeline)
        self._services_df.update(item.service_keys)
        self._tags_df.update(item.tag_keys)
        self._version += 1

    def _remove(self, review_id: int) -> None:
        item = self._docs.pop(review_id, None)
        if item is None:
            return
        for counter, keys in ((self._words_df, item.facts), (self._words_df, item.timeline),
                              (self._services_df, item.service_keys), (self._tags_df, item.tag_keys)):
            for key in keys:
                left = counter[key] - 1
                if left > 0:
                    counter[key] = left
                else:
                    del counter[key]
        self._norms.pop(review_id, None)
        self._version += 1

    def _idf_tables(self) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """idf² of every word, idf of every service and tag: worked out once per change of the library."""
        version, words, services, tags = self._tables
        if version != self._version:
            n = len(self._docs)
            words = {w: _idf(n, df) ** 2 for w, df in self._words_df.items()}
            services = {k: _idf(n, df) for k, df in self._services_df.items()}
            tags = {k: _idf(n, df) for k, df in self._tags_df.items()}
            self._tables = (self._version, words, services, tags)
        return words, services, tags

    def _question(self, target: ReviewTerms) -> _Question | None:
        have = {"services": bool(target.services), "tags": bool(target.tags),
                "words": bool(target.facts or target.timeline)}
        total = sum(WEIGHTS[p] for p, present in have.items() if present)
        if total == 0:
            return None
        weights = {p: (WEIGHTS[p] / total if present else 0.0) for p, present in have.items()}
        word_idf2, service_idf, tag_idf = self._idf_tables()
        # Terms read apart (not in the index) count as one more review of the library.
        extra = 0 if target.id in self._docs else 1
        n = len(self._docs) + extra

        def names(keys: tuple[str, ...], df: Counter[str]) -> _Names:
            idf = {k: _idf(n, df.get(k, 0) + extra) for k in keys}
            return _Names(idf, sum(idf.values()))

        word_weights: dict[str, float] = {}
        norm2 = 0.0
        for words, tf in ((target.facts, _FACTS_TF), (target.timeline, 1.0)):
            for word in words:
                idf2 = _idf(n, self._words_df.get(word, 0) + extra) ** 2
                word_weights[word] = tf * idf2
                norm2 += tf * tf * idf2
        return _Question(target, weights, word_weights, frozenset(word_weights), math.sqrt(norm2),
                         names(target.service_keys, self._services_df), names(target.tag_keys, self._tags_df),
                         service_idf, tag_idf, word_idf2)

    def _norm(self, item: ReviewTerms, idf2: dict[str, float]) -> float:
        cached = self._norms.get(item.id)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        # Every word of an indexed review is in the table: sum(map(...)) runs in C.
        idf2_of = idf2.__getitem__
        value = math.sqrt(_FACTS_TF ** 2 * sum(map(idf2_of, item.facts)) + sum(map(idf2_of, item.timeline)))
        self._norms[item.id] = (self._version, value)
        return value

    def _norm_apart(self, item: ReviewTerms) -> float:
        """The vector length of terms read apart: counted as one more review of the library."""
        n = len(self._docs) + 1

        def idf2(word: str) -> float:
            return _idf(n, self._words_df.get(word, 0) + 1) ** 2

        return math.sqrt(_FACTS_TF ** 2 * sum(map(idf2, item.facts)) + sum(map(idf2, item.timeline)))

    def _raw_score(self, q: _Question, other: ReviewTerms) -> float:
        """The score alone: the loop over the library stays lean; reasons only for the few listed."""
        if other.id == q.target.id:
            return 0.0
        score = 0.0
        if q.weights["services"] and other.service_keys:
            score += q.weights["services"] * _jaccard(q.services, other.service_keys, q.service_idf)
        if q.weights["tags"] and other.tag_keys:
            score += q.weights["tags"] * _jaccard(q.tags, other.tag_keys, q.tag_idf)
        if q.weights["words"] and q.norm > 0:
            in_facts = q.words.intersection(other.facts)
            in_timeline = q.words.intersection(other.timeline)
            if in_facts or in_timeline:
                weight = q.word_weights.__getitem__
                dot = _FACTS_TF * sum(map(weight, in_facts)) + sum(map(weight, in_timeline))
                other_norm = (self._norm(other, q.word_idf2) if other.id in self._docs
                              else self._norm_apart(other))
                if other_norm > 0:
                    score += q.weights["words"] * min(dot / (q.norm * other_norm), 1.0)
        return min(score, 1.0)

    def _explain(self, q: _Question, other: ReviewTerms, value: float) -> SimilarReview:
        services = _shared_names(q.services, other.services, other.service_keys)
        tags = _shared_names(q.tags, other.tags, other.tag_keys)
        facts = set(other.facts)
        shared = q.words.intersection(other.facts) | q.words.intersection(other.timeline)
        contribution = {w: q.word_weights[w] * (_FACTS_TF if w in facts else 1.0) for w in shared}
        words = tuple(sorted(contribution, key=lambda w: (-contribution[w], w))[:REASON_WORDS])
        return SimilarReview(other.id, other.title, other.when, other.severity, other.status, other.kind,
                             other.timezone, round(value, 6), services, tags, words)


def _jaccard(mine: _Names, theirs: tuple[str, ...], idf: dict[str, float]) -> float:
    """idf-weighted Jaccard of the asking review's names and ``theirs`` (case-folded)."""
    shared = 0.0
    only_theirs = 0.0
    for key in theirs:
        weight = mine.idf.get(key)
        if weight is not None:
            shared += weight
        else:
            only_theirs += idf.get(key, 1.0)
    return shared / (mine.total + only_theirs) if shared else 0.0


def _shared_names(mine: _Names, names: tuple[str, ...], keys: tuple[str, ...]) -> tuple[str, ...]:
    """Of ``names`` those the asking review has too, as ``names`` spells them; the rarest first."""
    shared = [(mine.idf[k], n) for n, k in zip(names, keys, strict=True) if k in mine.idf]
    return tuple(n for _, n in sorted(shared, key=lambda s: (-s[0], s[1].casefold())))


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """What tells the library changed: reviews (count, newest id, newest edit) and the newest event id."""
    row = session.execute(select(
        select(func.count()).select_from(Review).scalar_subquery(),
        select(func.max(Review.id)).scalar_subquery(),
        select(func.max(Review.updated_at)).scalar_subquery(),
        select(func.max(TimelineEvent.id)).scalar_subquery(),
    )).one()
    return tuple(row)


def similar_reviews(session: Session, review_id: int, *, limit: int = LIMIT,
                    index: SimilarityIndex | None = None) -> tuple[SimilarReview, ...]:
    """The earlier reviews most like ``review_id`` (empty when there is no such review).

    With ``index``, it is brought up to date first (:meth:`SimilarityIndex.sync`);
    without, the library is read whole for this one question.
    """
    if index is None:
        index = SimilarityIndex.build(session)
    else:
        index.sync(session)
    return index.similar_to(review_id, limit=limit)
