"""debrief copy-library: every review of a laptop's library into the team's, whole, once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.review_service import copy_library
from models import notes, reviews
from models.bundle import import_bundle, load_bundle_file
from models.catalog import Catalog
from models.entities import Review
from models.store import Library, open_library
from tests.models.meeting_record import build_review, comparable, external_ids, read

FULL_V1 = Path(__file__).resolve().parent.parent / "data" / "full_bundle.yaml"


@pytest.fixture
def laptop(tmp_path: Path, catalog: Catalog) -> Iterator[Library]:
    """A meeting-room laptop's library: a review with a whole meeting record, one imported from v1."""
    library = open_library(f"sqlite:///{tmp_path / 'laptop.db'}")
    build_review(library)
    with library.begin() as session:
        import_bundle(session, load_bundle_file(FULL_V1, catalog))
    yield library
    library.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def team_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The team's library: another SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'team.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def team(team_url: str) -> Iterator[Library]:
    library = open_library(team_url)
    yield library
    library.close()


def _by_uid(library: Library) -> dict[str, int]:
    with library.begin() as session:
        return {uid: ident for ident, uid in session.execute(select(Review.id, Review.uid)).all()}


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(Review)) or 0


def test_every_review_is_copied_whole(laptop: Library, team: Library, catalog: Catalog) -> None:
    """Each review arrives with every field, link and meeting, and its identity; event origins too."""
    summary = copy_library(laptop, team, catalog)
    assert (summary.copied, summary.updated, summary.unchanged, summary.failed) == (2, 0, 0, [])
    mine, theirs = _by_uid(laptop), _by_uid(team)
    assert mine.keys() == theirs.keys()
    for uid, review_id in mine.items():
        assert comparable(read(team, theirs[uid])) == comparable(read(laptop, review_id))
        assert external_ids(team, theirs[uid]) == external_ids(laptop, review_id)


def test_copying_twice_gives_no_duplicates(laptop: Library, team: Library, catalog: Catalog) -> None:
    """The second copy finds every review there already, the same: nothing is written."""
    copy_library(laptop, team, catalog)
    ids = _by_uid(team)
    again = copy_library(laptop, team, catalog)
    assert (again.copied, again.updated, again.unchanged) == (0, 0, 2)
    assert _by_uid(team) == ids and _count(team) == 2


def test_a_review_changed_on_the_laptop_is_updated_in_place(laptop: Library, team: Library,
                                                            catalog: Catalog) -> None:
    """Changed since the last copy: the team's review keeps its id and takes the laptop's content."""
    copy_library(laptop, team, catalog)
    ids = _by_uid(team)
    first = min(_by_uid(laptop).values())
    with laptop.begin() as session:
        reviews.update(session, first, title="Renamed on the laptop")
        notes.add_note(session, first, phase="learnings", text="One more thing")
    summary = copy_library(laptop, team, catalog)
    assert (summary.copied, summary.updated, summary.unchanged) == (0, 1, 1)
    assert _by_uid(team) == ids
    uid = read(laptop, first).uid
    assert comparable(read(team, ids[uid])) == comparable(read(laptop, first))


def test_the_teams_own_reviews_are_kept(laptop: Library, team: Library, catalog: Catalog) -> None:
    """A copy adds and updates; it never deletes what only the team's library has."""
    with team.begin() as session:
        reviews.create(session, title="Only in the team's library")
    summary = copy_library(laptop, team, catalog)
    assert summary.copied == 2 and _count(team) == 3


def test_text_is_copied_exactly_as_stored(laptop: Library, team: Library, catalog: Catalog) -> None:
    """A copy is no file: characters a file format would drop (a bell, U+FFFE) are kept as stored."""
    first = min(_by_uid(laptop).values())
    with laptop.begin() as session:
        notes.add_note(session, first, phase="timeline", text="Pager went \x07 twice \ufffe")
    copy_library(laptop, team, catalog)
    uid = read(laptop, first).uid
    assert read(team, _by_uid(team)[uid]).notes[-1].text == "Pager went \x07 twice \ufffe"


def test_a_review_that_cannot_travel_is_named_and_the_rest_are_copied(
        laptop: Library, team: Library, catalog: Catalog) -> None:
    """A review whose timezone this machine does not know: reported by id and field, the others copied."""
    first = min(_by_uid(laptop).values())
    with laptop.begin() as session:
        session.execute(text("UPDATE reviews SET timezone = 'Mars/Olympus_Mons' WHERE id = :id"),
                        {"id": first})
    summary = copy_library(laptop, team, catalog)
    assert summary.copied == 1 and len(summary.failed) == 1
    assert summary.failed[0].startswith(f"review {first} ('Checkout errors after config push')")
    assert "review.timezone: 'Mars/Olympus_Mons' is not a known IANA timezone" in summary.failed[0]
    assert summary.line() == "copied 1, updated 0, unchanged 0, failed 1"


def test_the_command_copies_and_says_what_it_did(laptop: Library, team_url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """debrief copy-library --from URL --to URL, twice: copied, then unchanged; status 0 both times."""
    assert main(["copy-library", "--from", laptop.url, "--to", team_url]) == 0
    assert capsys.readouterr().out.startswith("copied 2, updated 0, unchanged 0 (from ")
    assert main(["copy-library", "--from", laptop.url, "--to", team_url]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("copied 0, updated 0, unchanged 2") and out.err == ""


def test_the_command_refuses_to_copy_a_library_into_itself(laptop: Library,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """--from and --to naming the same file: one line, status 2, nothing touched."""
    path = laptop.sqlite_path()
    assert path is not None
    same = f"sqlite:///{path.parent}/./{path.name}"
    assert main(["copy-library", "--from", laptop.url, "--to", same]) == 2
    assert "--from and --to name the same library" in capsys.readouterr().err


def test_the_command_reports_a_review_it_could_not_copy(laptop: Library, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """One stderr line per review not copied, the summary on stdout, status 2."""
    with laptop.begin() as session:
        session.execute(text("UPDATE reviews SET timezone = 'Mars/Olympus_Mons' WHERE id = 1"))
    assert main(["copy-library", "--from", laptop.url, "--to", f"sqlite:///{tmp_path / 'team.db'}"]) == 2
    out = capsys.readouterr()
    assert out.out.startswith("copied 1, updated 0, unchanged 0, failed 1")
    assert out.err.startswith("debrief: not copied: review 1 (") and out.err.count("\n") == 1


def test_the_command_needs_both_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    """--to left out: a usage error in one line."""
    assert main(["copy-library", "--from", "sqlite:///x.db"]) == 2
    assert "--to" in capsys.readouterr().err
