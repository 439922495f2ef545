"""``debrief search QUERY``: one hit a line, best first, id and title first; odd queries are no error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.cli import main
from models import notes, reviews, timeline
from models.store import open_library


def _fill(url: str) -> tuple[int, int]:
    """A review titled for the pool, and another that only mentions it in a note and an event."""
    library = open_library(url)
    try:
        with library.begin() as session:
            titled = reviews.create(session, title="Connection pool exhausted", timezone="UTC").id
            other = reviews.create(session, title="Checkout\terrors\nafter push", timezone="UTC").id
            notes.add_note(session, other, phase="surprises", text="The pool was empty again in Zürich")
            timeline.add_event(session, other, at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                               text="Pooling changed by the config push")
    finally:
        library.close()
    return titled, other


def _lines(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    out = capsys.readouterr().out
    return [line.split("\t") for line in out.splitlines()]


def test_one_hit_a_line_best_first(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """id, title, where, snippet (tab-separated); the title hit first; the matched word between stars."""
    titled, other = _fill(db_url)
    assert main(["--db", db_url, "search", "pool"]) == 0
    lines = _lines(capsys)
    assert [line[0] for line in lines] == [str(titled), str(other)]
    assert lines[0] == [str(titled), "Connection pool exhausted", "title", "Connection *pool* exhausted"]
    assert lines[1][1] == "Checkout errors after push"  # a tab or line break in a title never splits a line
    assert lines[1][2].startswith("note ") and lines[1][2].endswith("(surprises)")
    assert "*pool*" in lines[1][3] and all(len(line) == 4 for line in lines)


def test_several_words_prefixes_and_non_ascii(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Words given apart are one query; pool* reaches pooling; zurich finds Zürich."""
    _titled, other = _fill(db_url)
    assert main(["--db", db_url, "search", "pool", "zurich"]) == 0
    assert [line[0] for line in _lines(capsys)] == [str(other)]
    assert main(["--db", db_url, "search", "pool*", "--limit", "10"]) == 0
    wheres = [line[2] for line in _lines(capsys)]
    assert any(where.startswith("event ") for where in wheres)
    assert main(["--db", db_url, "search", '"pool was empty"']) == 0
    assert len(_lines(capsys)) == 1


def test_limit(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _fill(db_url)
    assert main(["--db", db_url, "search", "pool*", "-n", "1"]) == 0
    assert len(_lines(capsys)) == 1


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "NEAR(", "*", "AND", "title:"])
def test_an_empty_or_punctuation_only_query_is_not_an_error(db_url: str, query: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing found, nothing printed, exit status 0."""
    _fill(db_url)
    assert main(["--db", db_url, "search", query]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_no_query_at_all_is_a_usage_error(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "search"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "search" in err


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_a_bad_limit_is_one_line(db_url: str, limit: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "search", "pool", "--limit", limit]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_library_that_cannot_be_opened_is_one_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", f"sqlite:///{tmp_path / 'missing' / 'lib.db'}", "search", "pool"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "does not exist" in err


def test_search_on_postgresql(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The same lines from a PostgreSQL library."""
    titled, other = _fill(pg_url)
    assert main(["--db", pg_url, "search", "pool"]) == 0
    lines = _lines(capsys)
    assert [line[0] for line in lines] == [str(titled), str(other)]
    assert lines[0][3] == "Connection *pool* exhausted"
