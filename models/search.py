"""Full-text search over the library: one query over every review and everything said in it.

What is searched
    A review's title, summary, impact, services and tags; its participants'
    names, other names and how they were brought in; every timeline event's
    text, detail and source; every note; every learning; every action's title,
    description and owner. Each hit names its review and the place
    (:class:`HitPlace`): the field, the item (event, note, learning, action,
    participant) and the phase where the window shows it.

The index (built by migration 0007, see ``r0007_search_index.py``)
    SQLite: one FTS5 table per searched table, with external content (the
    text is not stored twice) and kept in step by triggers, so every writer
    (the window, the command line, imports, bundle imports, cascading
    deletes) keeps it right. PostgreSQL: a stored generated ``tsvector``
    column per table with a GIN index: no triggers, the server computes it on
    every write. Both fold case and accents (``unicode61 remove_diacritics 2``;
    the text search configuration ``debrief_search``: ``simple`` with
    ``unaccent`` when the server has it).

Query language (:func:`parse_query`)
    Words are AND'ed: every word must be in the same review's facts, or the
    same event, note, learning, action or participant. ``"quoted phrase"``,
    ``pool*`` (words starting with "pool", at least :data:`MIN_PREFIX`
    characters before the star). A word joined by punctuation
    (``config-service``, ``db-7.prod``) is a phrase of its parts. Nothing
    else is an operator: ``OR``, ``NOT``, ``NEAR``, ``title:`` and brackets
    are searched as words or dropped as punctuation (``AND`` is dropped: it
    is what words do anyway). A query of punctuation only, an unbalanced
    quote, an empty query: no error, at worst no hits.

Ranking
    ``bm25`` (SQLite) or ``ts_rank`` (PostgreSQL) within a field, and the
    field's weight (:data:`FIELD_WEIGHTS`) across fields: the weights are
    tiers, so a title hit ranks above any summary hit, which ranks above any
    event or note hit. For a word found in more than :data:`WINDOW` rows of
    one table (a very common word), the newest :data:`WINDOW` are ranked (200
    on PostgreSQL, where ranking a row costs more): search stays fast on a
    library of a million events. Each review's best hit comes first, then
    more hits (up to ``per_review`` a review).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the window lists hits before SQLAlchemy is loaded (views/library_page.py)
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

#: Around each matched word in :attr:`SearchHit.snippet` (STX/ETX: never typed into a field).
MARK_START = "\x02"
MARK_END = "\x03"
#: The fewest characters before a ``*`` for a prefix search (shorter ones search the word itself).
MIN_PREFIX = 2
#: The most terms a query uses (the rest are ignored) and the most characters it reads.
MAX_TERMS = 16
MAX_QUERY_CHARS = 500
#: How many of the newest matching rows of one table are ranked, at most.
WINDOW = 1000
#: The PostgreSQL text search configuration made by migration 0007.
PG_CONFIG = "debrief_search"

HitKind = Literal["review", "participant", "event", "note", "learning", "action"]

#: Tiers: each weight at least twice the next, and a field's own score adds less than its weight.
FIELD_WEIGHTS: dict[tuple[HitKind, str], float] = {
    ("review", "title"): 64.0,
    ("review", "services"): 32.0,
    ("review", "tags"): 32.0,
    ("review", "summary"): 16.0,
    ("review", "impact"): 16.0,
    ("learning", "text"): 16.0,
    ("action", "title"): 8.0,
    ("participant", "name"): 8.0,
    ("participant", "aliases"): 8.0,
    ("event", "text"): 4.0,
    ("note", "text"): 4.0,
    ("action", "description"): 4.0,
    ("action", "owner"): 4.0,
    ("participant", "brought_in"): 4.0,
    ("event", "detail"): 2.0,
    ("event", "source"): 2.0,
}

_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[()\[\]{}<>,;!?]+")
#: A lexeme in a tsquery's text form: 'word' or 'word':* (a quote inside doubled).
_TSQUERY_LEXEME = re.compile(r"'((?:[^']|'')*)'(:\*)?")


# ----------------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True)
class Term:
    """One part of a query: a word, or a phrase (quoted, or words joined by punctuation).

    ``text`` is as typed (without the quotes and the star); ``words`` its word
    characters, for checks; ``prefix``: its last word may go on.
    """

    text: str
    words: tuple[str, ...]
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its terms, all of which a hit must match. Empty: no hits."""

    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self) -> str:
        """The SQLite FTS5 MATCH expression: each term a quoted string, so nothing in it is syntax."""
        parts = []
        for term in self.terms:
            quoted = '"' + term.text.replace('"', '""') + '"'
            parts.append(quoted + ("*" if term.prefix else ""))
        return " AND ".join(parts)

    def words(self) -> tuple[str, ...]:
        """Every word of every term (for highlighting and tests)."""
        return tuple(word for term in self.terms for word in term.words)


def parse_query(typed: str, *, as_you_type: bool = False) -> SearchQuery:
    """``typed`` as a :class:`SearchQuery`; never raises, whatever the text.

    With ``as_you_type`` (a search field that searches while the user types),
    an unfinished last word (no space, quote or star after it, at least three
    characters) is searched as a prefix: "checko" finds "checkout".
    """
    cleaned = _clean(typed)
    terms: list[Term] = []
    position = 0
    length = len(cleaned)
    while position < length:
        char = cleaned[position]
        if char.isspace():
            position += 1
            continue
        if char == '"':
            end = cleaned.find('"', position + 1)
            body = cleaned[position + 1:] if end < 0 else cleaned[position + 1:end]
            position = length if end < 0 else end + 1
            prefix = position < length and cleaned[position] == "*"
            while position < length and cleaned[position] == "*":
                position += 1
            terms.extend(_term(body, prefix=prefix, quoted=True))
            continue
        end = position
        while end < length and not cleaned[end].isspace() and cleaned[end] != '"':
            end += 1
        chunk = cleaned[position:end]
        position = end
        if chunk == "AND":
            continue
        # Brackets and list punctuation separate terms; other punctuation joins words into a phrase.
        pieces = [piece for piece in _SEPARATORS.split(chunk) if piece]
        for piece in pieces:
            core = piece.rstrip("*")
            terms.extend(_term(core.replace("*", " "), prefix=core != piece, quoted=False))
    if as_you_type and terms and cleaned and _WORD.match(cleaned[-1]):
        last = terms[-1]
        if not last.quoted and not last.prefix and len(last.words[-1]) >= 3:
            terms[-1] = Term(last.text, last.words, prefix=True, quoted=False)
    unique = list(dict.fromkeys(terms))
    return SearchQuery(tuple(unique[:MAX_TERMS]))


def _clean(typed: str) -> str:
    """NFC, at most :data:`MAX_QUERY_CHARS`, control characters as spaces, no unpaired surrogates."""
    if not isinstance(typed, str):
        return ""
    typed = typed[:MAX_QUERY_CHARS]
    # An unpaired surrogate (from a broken paste) cannot be encoded for either database.
    typed = typed.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(typed) else typed
    typed = unicodedata.normalize("NFC", typed)
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in typed)


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _term(body: str, *, prefix: bool, quoted: bool) -> list[Term]:
    body = _SPACE.sub(" ", body).strip()
    words = tuple(_WORD.findall(body))
    if not words:
        return []
    if prefix and len(words[-1]) < MIN_PREFIX:
        prefix = False
    return [Term(body, words, prefix=prefix, quoted=quoted)]


# ----------------------------------------------------------------------------------------------
# Hits


@dataclass(frozen=True)
class HitPlace:
    """Where in a review a hit is.

    ``kind``: "review" (the review's own facts), "participant", "event", "note",
    "learning" or "action"; ``field``: the column (see :data:`FIELD_WEIGHTS`);
    ``item_id``: the participant's, event's, note's, learning's or action's id
    (None for the review's facts); ``phase``: the phase id that shows it (a
    note's own phase; "timeline" for events, "learnings", "actions",
    "level-setting" for the facts and participants); ``event_id``: the event a
    note is about, if any.
    """

    kind: HitKind
    field: str
    item_id: int | None = None
    phase: str | None = None
    event_id: int | None = None

    def describe(self) -> str:
        """A short label: "title", "event 12", "note 40 (timeline)", "action 3 owner"."""
        if self.kind == "review":
            return self.field
        label = f"{self.kind} {self.item_id}"
        main = {"participant": "name", "event": "text", "note": "text", "learning": "text", "action": "title"}
        if self.field != main[self.kind]:
            label += f" {self.field.replace('_', ' ')}"
        if self.kind == "note" and self.phase:
            label += f" ({self.phase})"
        return label


@dataclass(frozen=True)
class SearchHit:
    """One place a query matched: the review, where, the matched words in context, and how well.

    ``snippet`` holds the matched words between :data:`MARK_START` and
    :data:`MARK_END`; ``rank``: higher is better (comparable within one search).
    """

    review_id: int
    title: str
    place: HitPlace
    snippet: str
    rank: float

    def fragments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) pieces, for drawing the matched words bold."""
        return snippet_fragments(self.snippet)

    def plain_snippet(self, mark: str = "") -> str:
        """The snippet on one line, the matched words between ``mark`` (none by default)."""
        return " ".join("".join(f"{mark}{piece}{mark}" if hit else piece
                                for piece, hit in self.fragments()).split())


def snippet_fragments(snippet: str) -> list[tuple[str, bool]]:
    """``snippet`` cut at its markers: (text, matched) pieces; a stray marker is dropped."""
    pieces: list[tuple[str, bool]] = []
    matched = False
    current: list[str] = []
    for char in snippet:
        if char in (MARK_START, MARK_END):
            if current:
                pieces.append(("".join(current), matched))
                current = []
            matched = char == MARK_START
        else:
            current.append(char)
    if current:
        pieces.append(("".join(current), matched))
    return pieces


# ----------------------------------------------------------------------------------------------
# Sources: what each table contributes


@dataclass(frozen=True)
class _Source:
    kind: HitKind
    table: str
    fts: str  # the SQLite FTS5 table
    fields: tuple[str, ...]  # in the FTS5 table's column order
    #: PostgreSQL: each field as text (JSON lists of names as "a, b").
    pg_text: tuple[str, ...]
    #: PostgreSQL: the weight label each field has in ``search_vector`` (migration 0007), one a field.
    pg_labels: tuple[str, ...]
    #: Columns read for the place: (review id, phase, event id) as SQL over the table.
    context: tuple[str, str, str]

    def weight(self, field: str) -> float:
        return FIELD_WEIGHTS[(self.kind, field)]

    def groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """The weight labels in use, each with its fields (which share a tier)."""
        grouped: dict[str, list[str]] = {}
        for field, label in zip(self.fields, self.pg_labels, strict=True):
            grouped.setdefault(label, []).append(field)
        return [(label, tuple(fields)) for label, fields in grouped.items()]


def _pg_list(column: str) -> str:
    return (f"coalesce((SELECT string_agg(value, ', ') FROM json_array_elements_text("
            f"CASE WHEN json_typeof({column}) = 'array' THEN {column} ELSE '[]'::json END)), '')")


SOURCES: tuple[_Source, ...] = (
    _Source("review", "reviews", "search_reviews", ("title", "summary", "impact", "services", "tags"),
            ("t.title", "t.summary", "t.impact", _pg_list("t.services"), _pg_list("t.tags")),
            ("A", "C", "C", "B", "B"), ("t.id", "'level-setting'", "NULL")),
    _Source("participant", "participants", "search_participants", ("name", "aliases", "brought_in"),
            ("t.name", _pg_list("t.aliases"), "t.brought_in"),
            ("A", "A", "C"), ("t.review_id", "'level-setting'", "NULL")),
    _Source("event", "timeline_events", "search_events", ("text", "detail", "source"),
            ("t.text", "t.detail", "t.source"),
            ("A", "C", "D"), ("t.review_id", "'timeline'", "t.id")),
    _Source("note", "notes", "search_notes", ("text",), ("t.text",),
            ("A",), ("t.review_id", "t.phase", "t.event_id")),
    _Source("learning", "learnings", "search_learnings", ("text",), ("t.text",),
            ("A",), ("t.review_id", "'learnings'", "NULL")),
    _Source("action", "action_items", "search_actions", ("title", "description", "owner"),
            ("t.title", "t.description", "t.owner"),
            ("A", "C", "B"), ("t.review_id", "'actions'", "NULL")),
)
#: The events' index: its trigger's values are the columns themselves (see events_indexed_after).
_EVENTS_SOURCE = next(source for source in SOURCES if source.kind == "event")


@dataclass
class _Candidate:
    source: _Source
    row_id: int
    field: str
    score: float
    review_id: int
    title: str
    phase: str | None
    event_id: int | None


# ----------------------------------------------------------------------------------------------
# Searching


def search(session: Session, typed: str | SearchQuery, *, limit: int = 50, per_review: int = 3,
           as_you_type: bool = False) -> list[SearchHit]:
    """The hits for ``typed`` in the library, best first; never raises for any text.

    Each review's best hit comes first (reviews in the order of their best
    hit), then the reviews' further hits, at most ``per_review`` a review,
    ``limit`` in all. Reads only: run it in any transaction.
    """
    query = typed if isinstance(typed, SearchQuery) else parse_query(typed, as_you_type=as_you_type)
    if not query or limit <= 0:
        return []
    connection = session.connection()
    backend: _Backend = (_Postgres(connection, query) if connection.dialect.name == "postgresql"
                         else _Sqlite(connection, query))
    if not backend.ready():
        return []
    candidates = backend.rank_all(min(limit, 200))
    chosen = _arrange(candidates, limit, max(per_review, 1))
    snippets = backend.snippets(chosen)
    hits = []
    for c in chosen:
        field, snippet = snippets.get((c.source.kind, c.row_id), (c.field, ""))
        hits.append(SearchHit(
            review_id=c.review_id,
            title=c.title,
            place=HitPlace(kind=c.source.kind, field=field,
                           item_id=None if c.source.kind == "review" else c.row_id,
                           phase=c.phase, event_id=c.event_id),
            snippet=snippet,
            rank=round(c.score, 6),
        ))
    return hits


def _score(weight: float, strength: float) -> float:
    """A field's weight, raised by less than itself by how well the field matched (``strength`` >= 0)."""
    strength = max(strength, 0.0)
    return weight * (1.0 + strength / (strength + 1.0))


def _arrange(candidates: list[_Candidate], limit: int, per_review: int) -> list[_Candidate]:
    """Each review's best hit first (best review first), then the others, ``per_review`` a review."""
    kinds = {source.kind: index for index, source in enumerate(SOURCES)}
    ordered = sorted(candidates, key=lambda c: (-c.score, -c.review_id, kinds[c.source.kind], c.row_id))
    first: list[_Candidate] = []
    rest: list[_Candidate] = []
    taken: dict[int, int] = {}
    for candidate in ordered:
        count = taken.get(candidate.review_id, 0)
        if count >= per_review:
            continue
        taken[candidate.review_id] = count + 1
        (rest if count else first).append(candidate)
    return (first + rest)[:limit]


def _best_field(source: _Source, strengths: Sequence[float],
                matched: Sequence[bool] | None = None) -> tuple[str, float]:
    """The field of a row that scores best among those the query matched, and its score.

    ``matched`` says which fields hold a whole term (default: a positive
    strength). When none does (the terms are spread over several fields of
    the row), the field that holds the most of them stands for the row.
    """
    flags = list(matched) if matched is not None else [strength > 0.0 for strength in strengths]
    pairs = list(zip(source.fields, strengths, flags, strict=True))
    eligible = [(field, strength) for field, strength, flag in pairs if flag]
    if not eligible:
        touched = [(field, strength) for field, strength, _flag in pairs if strength > 0.0]
        eligible = [max(touched, key=lambda pair: pair[1])] if touched else [(source.fields[0], 0.0)]
    score, field = max((_score(source.weight(field), strength), field) for field, strength in eligible)
    return field, score


def _candidate(source: _Source, row: Sequence[Any], field: str, score: float) -> _Candidate:
    """A candidate from a row that starts (id, review id, phase, event id, title)."""
    row_id, review_id, phase, event_id, title = row[:5]
    return _Candidate(source=source, row_id=int(row_id), field=field, score=score, review_id=int(review_id),
                      title=str(title or ""), phase=phase,
                      event_id=int(event_id) if event_id is not None else None)


def _id_list(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def _by_field(chosen: Sequence[_Candidate]) -> dict[tuple[_Source, str], list[int]]:
    wanted: dict[tuple[_Source, str], list[int]] = {}
    for candidate in chosen:
        wanted.setdefault((candidate.source, candidate.field), []).append(candidate.row_id)
    return wanted


class _Backend:
    def __init__(self, connection: Connection, query: SearchQuery) -> None:
        self.connection = connection
        self.query = query

    def ready(self) -> bool:
        return True

    def rank(self, source: _Source, count: int) -> list[_Candidate]:
        raise NotImplementedError

    def rank_all(self, count: int) -> list[_Candidate]:
        """The best ``count`` candidates of every source."""
        return [candidate for source in SOURCES for candidate in self.rank(source, count)]

    def snippets(self, chosen: Sequence[_Candidate]) -> dict[tuple[str, int], tuple[str, str]]:
        """(field, snippet) of each chosen hit: the field may be refined (one of a tier's fields)."""
        raise NotImplementedError


#: snippet() / ts_headline(): words around the match.
_SNIPPET_TOKENS = 24


class _Sqlite(_Backend):
    """FTS5: the newest :data:`WINDOW` matches of a table, ranked by bm25, then per field.

    The driver's own SQL (``exec_driver_sql``): a search is a dozen small
    statements, and SQLAlchemy's per-statement work would be a third of it.
    """

    def __init__(self, connection: Connection, query: SearchQuery) -> None:
        super().__init__(connection, query)
        self.match = query.fts5()

    def rank(self, source: _Source, count: int) -> list[_Candidate]:
        fts = source.fts
        width = len(source.fields)
        weights = ", ".join(str(source.weight(f)) for f in source.fields)
        per_field = ", ".join(
            f"bm25({fts}, {', '.join('1.0' if i == j else '0.0' for j in range(width))}) AS s{i}"
            for i in range(width))
        review_sql, phase_sql, event_sql = source.context
        # One walk of the matches, newest first, ranking the first WINDOW: FTS5 stops there (a
        # common word costs no more than a rare one), then the best of them by weighted bm25.
        rows = self.connection.exec_driver_sql(
            f"SELECT c.id, {review_sql}, {phase_sql}, {event_sql}, r.title, "
            f"{', '.join(f'c.s{i}' for i in range(width))} FROM ("
            f" SELECT * FROM ("
            f"  SELECT rowid AS id, bm25({fts}, {weights}) AS weighted, {per_field} FROM {fts}"
            f"  WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT {WINDOW})"
            f" ORDER BY weighted LIMIT ?) c"
            f" JOIN {source.table} t ON t.id = c.id JOIN reviews r ON r.id = {review_sql}",
            (self.match, count)).all()
        found = []
        for row in rows:
            field, score = _best_field(source, [-float(v or 0.0) for v in row[5:]])
            found.append(_candidate(source, row, field, score))
        return found

    def snippets(self, chosen: Sequence[_Candidate]) -> dict[tuple[str, int], tuple[str, str]]:
        found: dict[tuple[str, int], tuple[str, str]] = {}
        for (source, field), ids in _by_field(chosen).items():
            fts = source.fts
            rows = self.connection.exec_driver_sql(
                f"SELECT rowid, snippet({fts}, {source.fields.index(field)}, ?, ?, '…', {_SNIPPET_TOKENS}) "
                f"FROM {fts} WHERE {fts} MATCH ? AND rowid IN ({_id_list(ids)})",
                (MARK_START, MARK_END, self.match))
            found.update({(source.kind, int(row_id)): (field, str(snippet or ""))
                          for row_id, snippet in rows})
        return found


class _Postgres(_Backend):
    """tsvector: the newest :data:`WINDOW` matches of a table, ranked by ts_rank, then by field.

    The field of a hit comes from the weight labels of the stored ``search_vector``
    (a query restricted to label A, B…), so no text is parsed again to rank.
    """

    #: ts_rank of one plain word is about 0.03-0.1: this brings it to bm25's scale.
    RANK_SCALE = 30.0
    #: How many of the newest matches of a table are ranked: ts_rank costs ~10 µs a row.
    WINDOW = 200
    #: How much more a row costs fetched through the GIN index than read walking the table back.
    HEAP_COST = 10.0
    #: How often words found in a row are found side by side.
    PHRASE = 0.1
    #: ts_rank's weights (D, C, B, A) counting one label only.
    LABEL_WEIGHTS = {"D": "{1,0,0,0}", "C": "{0,1,0,0}", "B": "{0,0,1,0}", "A": "{0,0,0,1}"}

    def __init__(self, connection: Connection, query: SearchQuery) -> None:
        super().__init__(connection, query)
        self.all_terms = ""
        self.any_term = ""
        self.term_queries: list[str] = []

    def ready(self) -> bool:
        """Turn the terms into tsqueries once (all of them; any of them), by the server's own parser."""
        params: dict[str, Any] = {}
        parts = []
        for index, term in enumerate(self.query.terms):
            key = f"t{index}"
            if term.prefix:
                escaped = term.text.replace("\\", "\\\\").replace("'", "''")
                params[key] = f"'{escaped}':*"
                parts.append(f"to_tsquery('{PG_CONFIG}', %({key})s)")
            else:
                params[key] = term.text
                parts.append(f"phraseto_tsquery('{PG_CONFIG}', %({key})s)")
        each = ", ".join(f"CAST({part} AS text)" for part in parts)
        row = self.connection.exec_driver_sql(
            f"SELECT CAST(({' && '.join(parts)}) AS text), CAST(({' || '.join(parts)}) AS text), {each}",
            params).one()
        self.all_terms, self.any_term = str(row[0] or ""), str(row[1] or "")
        self.term_queries = [str(value or "") for value in row[2:]]
        return bool(self.all_terms.strip())

    def dense(self, table: str) -> bool:
        """Whether walking ``table`` back from its newest row finds the window sooner than the GIN index.

        The planner misjudges phrases and mid-frequent words against ORDER BY … LIMIT (it
        walks the whole primary key for a phrase found in 0.1% of the rows, or fetches 40,000
        rows through the index for a phrase of two common words): ANALYZE's shares of the
        commonest words decide instead. The index fetches every row holding all the words
        (:data:`HEAP_COST` a row: random pages); the walk reads rows in order until the
        window is full, a row holding the words side by side :data:`PHRASE` as often as
        anywhere. A word not among the commonest is rare: the index.
        """
        rows, common = _pg_statistics(self.connection, table)
        if not common or rows <= 0:
            return False
        words = 1.0
        adjacent = 0
        for term in self.term_queries:
            for position, (lexeme, prefix) in enumerate(_TSQUERY_LEXEME.findall(term)):
                word = lexeme.replace("''", "'")
                if prefix:
                    words *= min(1.0, sum(f for known, f in common.items() if known.startswith(word)))
                else:
                    words *= common.get(word, 0.0)
                adjacent += 1 if position else 0
        share = words * self.PHRASE ** adjacent
        if share <= 0.0:
            return False
        walked = min(rows, self.WINDOW / share)
        return walked < rows * words * self.HEAP_COST

    #: The most weight labels a source uses (a branch of the ranking statement pads to it).
    LABELS_AT_MOST = 3

    def rank(self, source: _Source, count: int) -> list[_Candidate]:
        return self._ranked([source], count)

    def rank_all(self, count: int) -> list[_Candidate]:
        """Every source in one statement (one round trip): UNION ALL of a branch a table."""
        return self._ranked(list(SOURCES), count)

    def _ranked(self, sources: Sequence[_Source], count: int) -> list[_Candidate]:
        params: dict[str, Any] = {"q": self.all_terms, "any": self.any_term, "count": count}
        for label in self.LABEL_WEIGHTS:
            params[f"any_{label}"] = _restrict(self.any_term, label)
        branches = [self._branch(number, source) for number, source in enumerate(sources)]
        # Starting with SELECT: app/library_watch.py takes a statement that does not for a write.
        rows = self.connection.exec_driver_sql(
            f"SELECT * FROM ({' UNION ALL '.join(branches)}) AS ranked", params).all()
        found = []
        for row in rows:
            source = sources[int(row[0])]
            groups = source.groups()
            representative = _Source(source.kind, source.table, source.fts,
                                     tuple(fields[0] for _label, fields in groups), (),
                                     tuple(label for label, _fields in groups), source.context)
            values = row[6:6 + 2 * len(groups)]
            matched = [bool(flag) for flag in values[0::2]]
            strengths = [float(rank or 0.0) * self.RANK_SCALE for rank in values[1::2]]
            field, score = _best_field(representative, strengths, matched)
            found.append(_candidate(source, row[1:], field, score))
        return found

    def _branch(self, number: int, source: _Source) -> str:
        """One table's part of the ranking statement: (source number, id, review, phase, event, title,
        then matched and rank for each weight label it uses, NULL for the rest)."""
        table = source.table
        per_label = [f"top.v @@ CAST(%(any_{label})s AS tsquery), "
                     f"ts_rank('{self.LABEL_WEIGHTS[label]}', top.v, CAST(%(any)s AS tsquery))"
                     for label, _fields in source.groups()]
        per_label += ["CAST(NULL AS boolean), CAST(NULL AS real)"] * (self.LABELS_AT_MOST - len(per_label))
        review_sql, phase_sql, event_sql = source.context
        # "id + 0" keeps the planner off the primary key: the GIN index finds the few matches.
        order = "id DESC" if self.dense(table) else "id + 0 DESC"
        return (
            f"(SELECT {number}, t.id, {review_sql}, CAST({phase_sql} AS text), CAST({event_sql} AS integer),"
            f" r.title, {', '.join(per_label)} FROM ("
            f" SELECT t.id, t.search_vector AS v, ts_rank(t.search_vector, CAST(%(q)s AS tsquery)) AS rank"
            f" FROM (SELECT id FROM {table} WHERE search_vector @@ CAST(%(q)s AS tsquery)"
            f"  ORDER BY {order} LIMIT {self.WINDOW}) newest"
            f" JOIN {table} t ON t.id = newest.id ORDER BY rank DESC, t.id DESC LIMIT %(count)s) top"
            f" JOIN {table} t ON t.id = top.id JOIN reviews r ON r.id = {review_sql})")

    def snippets(self, chosen: Sequence[_Candidate]) -> dict[tuple[str, int], tuple[str, str]]:
        options = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={_SNIPPET_TOKENS}, MinWords=12, "
                   "ShortWord=0")
        found: dict[tuple[str, int], tuple[str, str]] = {}
        for (source, field), ids in _by_field(chosen).items():
            # Fields that share a label share a tier: the hit is in the first of them that matches.
            label = source.pg_labels[source.fields.index(field)]
            siblings = [f for f, other in zip(source.fields, source.pg_labels, strict=True) if other == label]
            heads = ", ".join(
                f"{expression}, ts_headline('{PG_CONFIG}', {expression}, CAST(%(any)s AS tsquery),"
                f" %(options)s)" for expression in (source.pg_text[source.fields.index(f)] for f in siblings))
            rows = self.connection.exec_driver_sql(
                f"SELECT t.id, {heads} FROM {source.table} t WHERE t.id IN ({_id_list(ids)})",
                {"any": self.any_term, "options": options})
            for row in rows:
                pairs = list(zip(siblings, row[1::2], row[2::2], strict=True))
                name, whole, snippet = next((p for p in pairs if MARK_START in str(p[2] or "")), pairs[0])
                found[(source.kind, int(row[0]))] = (name, _ellipsis(str(whole or ""), str(snippet or "")))
        return found


def _restrict(tsquery_text: str, label: str) -> str:
    """``tsquery_text`` with every lexeme restricted to weight ``label`` ('pool' → 'pool':A)."""
    return _TSQUERY_LEXEME.sub(
        lambda m: f"{m.group(0)}{label}" if m.group(2) else f"{m.group(0)}:{label}", tsquery_text)


#: ANALYZE's statistics of a table's search_vector, by (database URL, table): (taken at, rows, shares).
_STATISTICS: dict[tuple[str, str], tuple[float, float, dict[str, float]]] = {}
#: How long they are kept (they change only when the server analyzes the table again).
_STATISTICS_SECONDS = 300.0


def _pg_statistics(connection: Connection, table: str) -> tuple[float, dict[str, float]]:
    """The number of rows of ``table`` and the shares of the commonest words of its search_vector."""
    key = (connection.engine.url.render_as_string(hide_password=True), table)
    now = time.monotonic()
    cached = _STATISTICS.get(key)
    if cached is not None and now - cached[0] < _STATISTICS_SECONDS:
        return cached[1], cached[2]
    row = connection.exec_driver_sql(
        "SELECT c.reltuples, CAST(CAST(s.most_common_elems AS text) AS text[]), s.most_common_elem_freqs"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()"
        " LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname"
        " AND s.attname = 'search_vector' WHERE c.relname = %(table)s AND c.relkind = 'r'",
        {"table": table}).first()
    rows, elements, freqs = (row if row is not None else (0.0, None, None))
    common = {str(k): float(v) for k, v in zip(elements or (), freqs or (), strict=False)}
    _STATISTICS[key] = (now, float(rows or 0.0), common)
    return float(rows or 0.0), common


def _ellipsis(whole: str, headline: str) -> str:
    """``headline`` (a part of ``whole``) with "…" where it leaves text out (as FTS5's snippet does)."""
    plain = "".join(piece for piece, _hit in snippet_fragments(headline)).strip()
    if not plain or plain == whole.strip():
        return headline
    start = "" if whole.lstrip().startswith(plain) else "…"
    end = "" if whole.rstrip().endswith(plain) else "…"
    return f"{start}{headline.strip()}{end}"


# ----------------------------------------------------------------------------------------------
# Writing many rows


#: Bound values a statement of :func:`insert_rows` holds at most (SQLite's own limit may be lower).
_VALUES_PER_STATEMENT = 4000


def insert_rows(connection: Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` into an indexed SQLite table fast: hundreds of rows a statement (SQLite only).

    The search index's triggers fire for every row however rows come; but FTS5
    writes out its pending terms once a *statement*, and a driver executemany is
    a statement a row: 50,000 events then take 1.3 s more. Multi-row VALUES
    statements cost the index about 0.1 s for those 50,000. Values go to the
    driver as they are (as ``exec_driver_sql``): prepare them as the column stores them.
    """
    width = len(columns)
    if not rows or not width:
        return
    per_statement = max(1, min(_VALUES_PER_STATEMENT, _sqlite_variables(connection)) // width)
    row_sql = "(" + ", ".join("?" * width) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per_statement):
        part = rows[start:start + per_statement]
        connection.exec_driver_sql(head + ", ".join([row_sql] * len(part)), tuple(chain.from_iterable(part)))


def _sqlite_variables(connection: Connection) -> int:
    """How many ``?`` one statement may hold here (999 before SQLite 3.32, 32,766 since)."""
    import sqlite3

    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return int(driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 999


@contextmanager
def events_indexed_after(connection: Connection) -> Iterator[list[int]]:
    """Events inserted inside are indexed for search at the end, in one statement, instead of by the
    insert trigger row by row (SQLite; ~0.1 s of a 50,000-event import, measured alternating).

    The caller puts the ids of the events it inserted into the list it is given.
    The trigger is dropped and made again, exactly as it was, inside the
    caller's transaction: no other connection ever sees it missing, and when
    the block fails the caller's rollback brings it back (nothing is done here then).
    """
    trigger = f"{_EVENTS_SOURCE.fts}_ai"
    made = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)).scalar()
    driver = connection.connection.driver_connection
    if made is not None and not getattr(driver, "in_transaction", False):
        # pysqlite opens its transaction before the first write, not before DDL: a DROP now would
        # be committed on its own (and lost for good to a crash before the trigger is made again).
        connection.exec_driver_sql(f"DELETE FROM {_EVENTS_SOURCE.table} WHERE 0")
    added: list[int] = []
    if made is None or not getattr(driver, "in_transaction", False):
        yield added  # no index here, or no transaction to hide the swap in: the trigger does it
        return
    connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
    yield added
    names = ", ".join(_EVENTS_SOURCE.fields)
    insert = (f"INSERT INTO {_EVENTS_SOURCE.fts}(rowid, {names}) SELECT id, {names} "
              f"FROM {_EVENTS_SOURCE.table} WHERE ")
    ids = sorted(added)
    if ids and ids[-1] - ids[0] + 1 == len(ids):  # one run of ids, as SQLite numbers an insert
        connection.exec_driver_sql(insert + "id BETWEEN ? AND ?", (ids[0], ids[-1]))
    else:
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            connection.exec_driver_sql(insert + f"id IN ({', '.join('?' * len(chunk))})", tuple(chunk))
    connection.exec_driver_sql(str(made))
