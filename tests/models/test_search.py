"""Full-text search over the library, on SQLite (FTS5) and on PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from models import notes, reviews, timeline
from models.csv_timeline import preview_csv
from models.search import MARK_END, MARK_START, SearchHit, parse_query, search
from models.store import Library, create_library_engine, migrate, open_library
from models.timeline_import import import_events

AT = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def lib(request: pytest.FixtureRequest) -> Iterator[Library]:
    """A new library on each backend (PostgreSQL skipped where no server can be started)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("library")
        return
    library = open_library(request.getfixturevalue("pg_url"))
    yield library
    library.close()


@dataclass
class Ids:
    review: int
    participant: int
    event: int
    note: int
    learning: int
    action: int


def _full_review(library: Library) -> Ids:
    """One review with a word of its own in every searched field."""
    with library.begin() as session:
        review = reviews.create(session, title="Quokka outage at checkout",
                                summary="The zebrafish queue stalled.",
                                impact="Narwhal customers saw errors.",
                                services=["axolotl-api", "payments"], tags=["pangolin"], timezone="UTC")
        person = reviews.add_participant(session, review.id, name="Wombat Jones",
                                         brought_in="paged by the tapir alert")
        person.aliases = ["okapi"]
        event = timeline.add_event(session, review.id, at=AT, text="Config push to the capybara cluster",
                                   source="meerkat log", detail="The ocelot change went to every region.")
        note = notes.add_note(session, review.id, phase="surprises",
                              text="The dashboards showed ibex numbers", event_id=event.id)
        learning = notes.add_learning(session, review.id, text="Lemurs need their own alerts")
        action = notes.add_action(session, review.id, title="Add mongoose metrics", owner="Ana Flamingo",
                                  description="Graph the kiwi latency too")
        return Ids(review.id, person.id, event.id, note.id, learning.id, action.id)


def _search(library: Library, query: str, **options: object) -> list[SearchHit]:
    with library.begin() as session:
        return search(session, query, **options)  # type: ignore[arg-type]


def _marked(hit: SearchHit) -> list[str]:
    return [piece.casefold() for piece, matched in hit.fragments() if matched]


@pytest.mark.parametrize(("word", "kind", "field"), [
    ("quokka", "review", "title"),
    ("zebrafish", "review", "summary"),
    ("narwhal", "review", "impact"),
    ("axolotl", "review", "services"),
    ("pangolin", "review", "tags"),
    ("wombat", "participant", "name"),
    ("okapi", "participant", "aliases"),
    ("tapir", "participant", "brought_in"),
    ("capybara", "event", "text"),
    ("ocelot", "event", "detail"),
    ("meerkat", "event", "source"),
    ("ibex", "note", "text"),
    ("lemurs", "learning", "text"),
    ("mongoose", "action", "title"),
    ("flamingo", "action", "owner"),
    ("kiwi", "action", "description"),
])
def test_a_word_in_each_kind_of_field_is_found_where_it_is(lib: Library, word: str, kind: str,
                                                            field: str) -> None:
    """Every searched field finds its word, and the hit says where it is, the word marked."""
    ids = _full_review(lib)
    hits = _search(lib, word)
    assert len(hits) == 1, hits
    hit = hits[0]
    assert (hit.review_id, hit.title) == (ids.review, "Quokka outage at checkout")
    assert (hit.place.kind, hit.place.field) == (kind, field)
    expected_item = {"review": None, "participant": ids.participant, "event": ids.event, "note": ids.note,
                     "learning": ids.learning, "action": ids.action}[kind]
    assert hit.place.item_id == expected_item
    assert any(word in piece for piece in _marked(hit)), hit.snippet


def test_a_note_hit_names_its_phase_and_event(lib: Library) -> None:
    """Opening at a note needs its phase, and the event it is about."""
    ids = _full_review(lib)
    (hit,) = _search(lib, "ibex")
    assert hit.place.phase == "surprises" and hit.place.event_id == ids.event
    assert hit.place.describe() == f"note {ids.note} (surprises)"
    (event_hit,) = _search(lib, "capybara")
    assert event_hit.place.phase == "timeline" and event_hit.place.event_id == ids.event


def test_a_title_hit_ranks_above_a_note_hit(lib: Library) -> None:
    """The review named for the word comes first, even when another says it more often in a note."""
    with lib.begin() as session:
        titled = reviews.create(session, title="Connection pool exhausted").id
        noted = reviews.create(session, title="Slow checkout").id
        notes.add_note(session, noted, phase="timeline", text="pool pool pool: the pool was empty")
    hits = _search(lib, "pool")
    assert [(h.review_id, h.place.kind) for h in hits] == [(titled, "review"), (noted, "note")]
    assert hits[0].rank > hits[1].rank


def test_each_reviews_best_hit_comes_before_more_hits(lib: Library) -> None:
    """Best hit per review first (reviews by their best hit), then the further hits, a few a review."""
    with lib.begin() as session:
        first = reviews.create(session, title="Disk full on the ledger").id
        for n in range(5):
            notes.add_note(session, first, phase="timeline", text=f"the ledger disk, take {n}")
        second = reviews.create(session, title="Quiet night").id
        notes.add_note(session, second, phase="timeline", text="someone looked at the ledger")
    hits = _search(lib, "ledger", per_review=3)
    assert [h.review_id for h in hits[:2]] == [first, second]
    assert [h.review_id for h in hits[2:]] == [first, first]
    assert len(_search(lib, "ledger", limit=2)) == 2


def test_quotes_find_the_phrase_only(lib: Library) -> None:
    """"connection pool" in quotes: the words side by side; without quotes: both anywhere."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Two notes").id
        together = notes.add_note(session, review_id, phase="timeline", text="The connection pool ran dry").id
        apart = notes.add_note(session, review_id, phase="timeline", text="A pool of every connection").id
    assert {h.place.item_id for h in _search(lib, '"connection pool"')} == {together}
    assert {h.place.item_id for h in _search(lib, "connection pool")} == {together, apart}
    assert {h.place.item_id for h in _search(lib, '"pool of every"')} == {apart}


def test_a_word_joined_by_punctuation_is_a_phrase_of_its_parts(lib: Library) -> None:
    """config-service finds "config-service", not "config" and "service" far apart."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Joined words").id
        joined = notes.add_note(session, review_id, phase="timeline", text="The config-service restarted").id
        notes.add_note(session, review_id, phase="timeline", text="A config for every service")
    assert [h.place.item_id for h in _search(lib, "config-service")] == [joined]


def test_a_star_searches_a_prefix(lib: Library) -> None:
    """pool* finds pooling and pools; pool alone does not."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Prefixes").id
        pooling = notes.add_note(session, review_id, phase="timeline", text="Pooling changed").id
        pools = notes.add_note(session, review_id, phase="timeline", text="Both pools drained").id
        notes.add_note(session, review_id, phase="timeline", text="A spool of wire")
    assert {h.place.item_id for h in _search(lib, "pool*")} == {pooling, pools}
    assert _search(lib, "pool") == []
    assert {h.place.item_id for h in _search(lib, '"both poo"*')} == {pools}


def test_as_you_type_the_last_word_is_a_prefix(lib: Library) -> None:
    """The window's field: "checko" finds checkout while the word is being typed."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Checkout errors").id
    assert _search(lib, "checko") == []
    assert [h.review_id for h in _search(lib, "checko", as_you_type=True)] == [review_id]
    assert _search(lib, "checko ", as_you_type=True) == []


@pytest.mark.parametrize(("stored", "query"), [
    ("Packets dropped in Zürich", "zürich"),
    ("Packets dropped in Zürich", "Zurich"),
    ("Packets dropped in Zürich", "ZÜRICH"),
    ("The café terminals froze", "cafe"),
    ("The cafe terminals froze", "café"),
    ("東京 region failed over", "東京"),
    ("Paged Ana Müller at night", "muller"),
    ("São Paulo saw timeouts", "sao paulo"),
])
def test_non_ascii_words_are_found_in_any_case_and_accent(lib: Library, stored: str, query: str) -> None:
    """Accents and case do not matter; CJK words are words."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Non-ASCII").id
        note_id = notes.add_note(session, review_id, phase="timeline", text=stored).id
    hits = _search(lib, query)
    assert [h.place.item_id for h in hits] == [note_id]
    assert _marked(hits[0])


def test_non_ascii_services_and_tags_are_found(lib: Library) -> None:
    """JSON lists are stored with escapes ("Z\\u00fcrich"): the index reads them decoded."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Lists", services=["zürich-gateway"], tags=["東京"]).id
    assert [(h.review_id, h.place.field) for h in _search(lib, "zurich")] == [(review_id, "services")]
    assert [(h.review_id, h.place.field) for h in _search(lib, "東京")] == [(review_id, "tags")]


ODD = ["", "   ", "!!!", '"', '""', '"unbalanced', "unbalanced\"", "AND", "OR", "NOT", "pool AND", "NOT pool",
       "NEAR(pool error)", "NEAR(pool, 3)", "title:pool", "{title}: pool", "*", "**", "pool**", "*pool",
       "-pool",
       "(", ")", "^pool", "'", "\\", "pool\\", "\x00", "pool\x00error", "\ud800pool", "😀", "a" * 1000,
       "pool " * 200, "%", "_", "'; DROP TABLE reviews; --", ":*", "pool:*", "&|!", "<->", "pool & error",
       "pool | error", "!pool", "p*", "\t\n", "‘pool’ “error”", "+pool -error", "pool~2", "col:pool*",
       "\u200bpool\u200b", "ﬁre", "İstanbul", "x" * 5000]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_raise(lib: Library, query: str) -> None:
    """Punctuation, operators typed by accident, unbalanced quotes, empty: a list, never an error."""
    ids = _full_review(lib)
    with lib.begin() as session:
        notes.add_note(session, ids.review, phase="timeline", text="pool error near the title")
    hits = _search(lib, query)
    assert isinstance(hits, list)
    assert all(isinstance(h, SearchHit) for h in hits)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "...", '"', "*", "-", "()"])
def test_empty_and_punctuation_only_queries_find_nothing(lib: Library, query: str) -> None:
    _full_review(lib)
    assert _search(lib, query) == []
    assert not parse_query(query)


def test_operators_are_words_and_and_is_dropped(lib: Library) -> None:
    """"pool AND error" is pool and error; OR is a word like any other."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Operators").id
        both = notes.add_note(session, review_id, phase="timeline", text="pool error").id
    assert [h.place.item_id for h in _search(lib, "pool AND error")] == [both]
    assert _search(lib, "pool OR error") == []


def test_edits_and_deletes_keep_the_index_right(lib: Library) -> None:
    """Renamed, re-worded, removed: the old words are gone, the new ones found."""
    ids = _full_review(lib)
    with lib.begin() as session:
        reviews.update(session, ids.review, title="Renamed to dingo")
        notes.update_note(session, ids.note, text="Now about the gecko")
        timeline.update_event(session, ids.event, text="The event is about a heron now")
        notes.update_action(session, ids.action, owner="Someone Else")
    assert _search(lib, "quokka") == [] and _search(lib, "ibex") == [] and _search(lib, "capybara") == []
    assert _search(lib, "flamingo") == []
    assert [h.place.field for h in _search(lib, "dingo")] == ["title"]
    assert [h.place.item_id for h in _search(lib, "gecko")] == [ids.note]
    assert [h.place.item_id for h in _search(lib, "heron")] == [ids.event]
    assert _search(lib, "ocelot")  # the detail was not touched
    with lib.begin() as session:
        notes.delete_note(session, ids.note)
        timeline.delete_event(session, ids.event)
        notes.delete_learning(session, ids.learning)
    assert _search(lib, "gecko") == [] and _search(lib, "heron") == [] and _search(lib, "lemurs") == []
    assert _search(lib, "ocelot") == []


def test_deleting_a_review_takes_everything_out_of_the_index(lib: Library) -> None:
    """The review's participants, events, notes, learnings and actions go with it (cascades)."""
    ids = _full_review(lib)
    with lib.begin() as session:
        other = reviews.create(session, title="Another capybara story").id
        reviews.delete(session, ids.review)
    for word in ("quokka", "wombat", "ocelot", "ibex", "lemurs", "mongoose", "pangolin"):
        assert _search(lib, word) == [], word
    assert [h.review_id for h in _search(lib, "capybara")] == [other]


def test_a_cascade_in_the_database_itself_empties_the_index(lib: Library) -> None:
    """A DELETE that only the foreign keys carry to the children (no ORM) leaves nothing behind."""
    ids = _full_review(lib)
    with lib.begin() as session:
        session.execute(text("DELETE FROM reviews WHERE id = :id"), {"id": ids.review})
    for word in ("quokka", "wombat", "ocelot", "ibex", "lemurs", "mongoose"):
        assert _search(lib, word) == [], word


def test_a_csv_import_is_searchable(lib: Library, tmp_path: Path) -> None:
    """The import's bulk insert (raw executemany on SQLite) is indexed like any write."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Imported", timezone="UTC").id
    path = tmp_path / "events.csv"
    rows = [f"2026-03-02T09:{minute:02d}:00Z,event {minute} on the walrus node,observation"
            for minute in range(50)]
    path.write_text("time,text,kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with lib.begin() as session:
        preview = preview_csv(session, review_id, path)
        assert import_events(session, review_id, preview) == 50
    hits = _search(lib, "walrus", limit=100, per_review=100)
    assert len(hits) == 50 and {h.place.kind for h in hits} == {"event"}
    assert len(_search(lib, '"event 42"')) == 1


def test_a_bundle_import_is_searchable(lib: Library, catalog) -> None:  # type: ignore[no-untyped-def]
    """A whole review imported from a bundle is found by its title, timeline and notes."""
    from models.bundle import import_bundle, load_bundle_file

    bundle = load_bundle_file(Path(__file__).resolve().parents[1] / "data" / "full_bundle.yaml", catalog)
    with lib.begin() as session:
        review_id = import_bundle(session, bundle)
    first_word = bundle.review.title.split()[0]
    assert review_id in {h.review_id for h in _search(lib, first_word)}
    event_word = max(bundle.timeline[0].text.split(), key=len).strip(".,:;")
    assert review_id in {h.review_id for h in _search(lib, event_word)}


def test_snippets_mark_the_matched_words(lib: Library) -> None:
    """The snippet holds the words around the hit, the matched ones between the markers."""
    with lib.begin() as session:
        review_id = reviews.create(session, title="Snippets").id
        words = " ".join(f"word{n}" for n in range(80))
        notes.add_note(session, review_id, phase="timeline", text=f"{words} the needle {words}")
    (hit,) = _search(lib, "needle")
    assert f"{MARK_START}needle{MARK_END}" in hit.snippet
    assert "…" in hit.snippet and len(hit.plain_snippet()) < 400
    assert "*needle*" in hit.plain_snippet("*")


def test_sqlite_triggers_are_all_there_and_the_index_is_whole(library: Library) -> None:
    """Each indexed table keeps its three triggers; FTS5's own check agrees with the tables."""
    _full_review(library)
    with library.begin() as session:
        names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        for index in ("search_events", "search_notes", "search_learnings", "search_actions"):
            session.execute(text(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"))
    tables = ("reviews", "participants", "events", "notes", "learnings", "actions")
    expected = {f"search_{t}_{s}" for t in tables for s in ("ai", "ad", "au")}
    assert expected <= names


_REVIEW_0006 = ("INSERT INTO reviews (id, title, summary, kind, status, timezone, template, impact, services,"
                " tags, created_at, updated_at) VALUES (1, 'Old checkout outage', 'A summary of old.',"
                " 'incident', 'draft', 'UTC', 'standard', '', :services, '[]', :now, :now)")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_indexes_a_library_that_has_data(backend: str, tmp_path: Path,
                                                        request: pytest.FixtureRequest) -> None:
    """A library at revision 0006, with reviews in it, is searchable once opened in this version."""
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = create_library_engine(url)
    migrate(engine, "0006")
    sqlite = engine.dialect.name == "sqlite"
    now: object = "2025-01-01 10:00:00.000000" if sqlite else datetime(2025, 1, 1, 10, tzinfo=UTC)
    with engine.begin() as connection:
        # services as the JSON column writes them: non-ASCII escaped.
        connection.execute(text(_REVIEW_0006), {"services": '["z\\u00fcrich-gateway"]', "now": now})
        connection.execute(text(
            "INSERT INTO participants (review_id, name, roles, brought_in, position, aliases)"
            " VALUES (1, 'Old Responder', '[]', '', 0, '[\"oldie\"]')"))
        connection.execute(text(
            "INSERT INTO timeline_events (review_id, at, text, kind, source, approximate, detail)"
            " VALUES (1, :at, 'The legacy router rebooted', 'change', '', false, '')"),
            {"at": "2025-01-01 09:00:00.000000" if sqlite else datetime(2025, 1, 1, 9, tzinfo=UTC)})
        connection.execute(text(
            "INSERT INTO notes (review_id, phase, kind, text, private, created_at)"
            " VALUES (1, 'timeline', 'surprise', 'Nobody remembered the router', false, :now)"), {"now": now})
    engine.dispose()

    library = open_library(url)
    try:
        assert [h.place.field for h in _search(library, "checkout")] == ["title"]
        assert [h.place.kind for h in _search(library, "legacy")] == ["event"]
        assert [h.place.kind for h in _search(library, "remembered")] == ["note"]
        assert [h.place.field for h in _search(library, "zurich")] == ["services"]
        assert [h.place.field for h in _search(library, "oldie")] == ["aliases"]
        with library.begin() as session:  # and the index follows new writes
            notes.add_note(session, 1, phase="timeline", text="A brand new remark")
        assert [h.place.kind for h in _search(library, "remark")] == ["note"]
    finally:
        library.close()


def test_the_sqlite_migration_goes_back_down(tmp_path: Path) -> None:
    """Downgrading to 0006 drops the index, its triggers and views, and writes still work."""
    url = f"sqlite:///{tmp_path / 'down.db'}"
    open_library(url).close()
    engine = create_library_engine(url)
    from alembic import command

    from models.store import _alembic_config

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0006")
    with engine.begin() as connection:
        left = set(connection.execute(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'")).scalars())
        connection.execute(text(_REVIEW_0006), {"services": "[]", "now": "2025-01-01 10:00:00.000000"})
    engine.dispose()
    assert left == set()


def test_many_rows_inserted_a_statement_at_a_time_are_indexed(library: Library) -> None:
    """models.search.insert_rows (the fast path for bulk writes on SQLite) goes through the triggers."""
    from models.search import insert_rows

    columns = ("review_id", "phase", "kind", "text", "private", "created_at")
    with library.begin() as session:
        review_id = reviews.create(session, title="Bulk").id
        insert_rows(session.connection(), "notes", columns,
                    [(review_id, "timeline", "observation", f"bulk note {n} about the heron", 0,
                      "2026-03-02 10:00:00.000000") for n in range(3000)])
        insert_rows(session.connection(), "notes", columns, [])
    with library.begin() as session:
        indexed = session.execute(text("SELECT count(*) FROM search_notes WHERE search_notes MATCH 'heron'"))
        assert indexed.scalar() == 3000
    (hit,) = _search(library, '"bulk note 2999"')
    assert hit.place.kind == "note" and hit.review_id == review_id
