"""Property tests: any Slack export, folder or zip → a correct import, or problems / one error naming it.

Hypothesis builds exports the way Slack writes them (users.json, channels.json,
a folder of day files per channel) and then bends every part: messages of any
shape (a ``subtype`` that is a list, ``attachments: 5``), ``ts`` values far out of
range, markup and mentions, names with NULs and unpaired surrogates, files that
are not JSON, not UTF-8, nested a thousand deep or hold a 5,000-digit number,
zips stored or deflated, under a top folder or not, with bytes flipped or cut
short, and plain random bytes named ``.zip``. Whatever the export, exactly one of
these happens:

* the preview has no problems and the import adds exactly the previewed events
  (and the participants they and the mentions name, with string aliases);
* the preview lists problems and nothing is written;
* one ``SourceError`` naming the export, and nothing is written.

Never another exception, never a partial write.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import reviews
from models.entities import Participant, TimelineEvent
from models.limits import EARLIEST, LATEST
from models.slack_export import preview_slack
from models.store import Library
from models.timeline_import import import_events, name_problem
from models.yamlsource import SourceError
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.fuzz

FOLDERS = ("incident", "general")
USER_IDS = ("U1", "U2", "U3", "U9", "", " U4 ")
MARKUP = st.sampled_from(["<@U1>", "<@U2|ben>", "<@U9|dana>", "<@U8>", "<#C1|incident>", "<#C7>", "<!here>",
                          "<https://x.example/a?t=xoxe-1|docs>", "<mailto:a@b.c>", "&amp;", "&lt;", "<>",
                          "<@>"])
ODD = st.sampled_from(["\x00", "\ud83d", "\udc00", "\n", " ", "\ufeff", "~", "<", ">", "|"])
TEXT = st.text(st.characters(blacklist_categories=()) | ODD, max_size=10)
WORDS = st.lists(TEXT | MARKUP, max_size=4).map(" ".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
#: A ts Slack writes ("1772442840.000100"), or one out of the range, or not one at all.
SLACK_TS = st.builds(lambda s, f: f"{s}.{f:06d}", st.integers(1_400_000_000, 1_900_000_000),
                     st.integers(0, 999_999))
TS = st.one_of(
    SLACK_TS, SLACK_TS, SLACK_TS, SLACK_TS, SLACK_TS,
    st.sampled_from(["999999999999", "7289654400.000001", "0", "1", "1772442840", "1772442840.1234567890",
                     "-1", "1e9", " 1772442840.1", "１７７２４４２８４０"]),
    JSON,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``strategy``, now and then any JSON value in its place."""
    return st.one_of(strategy, strategy, strategy, strategy, JSON)


def rarely() -> st.SearchStrategy[bool]:
    """True about one time in twelve (Hypothesis would otherwise favour the simplest choice, 0)."""
    return st.sampled_from([False] * 11 + [True])


PROFILE = maybe(st.fixed_dictionaries({}, optional={
    "display_name": maybe(TEXT), "real_name": maybe(TEXT), "first_name": maybe(TEXT), "name": maybe(TEXT),
    "display_name_normalized": maybe(TEXT)}))
USER = maybe(st.fixed_dictionaries({"id": maybe(st.sampled_from(USER_IDS))}, optional={
    "name": maybe(TEXT), "real_name": maybe(TEXT | st.sampled_from(["Ana Lima", "Ben Ode", "x" * 250])),
    "profile": PROFILE, "deleted": st.booleans()}))
ATTACHMENT = maybe(st.fixed_dictionaries({}, optional={
    "fallback": maybe(WORDS), "pretext": maybe(WORDS), "title": maybe(WORDS), "text": maybe(WORDS)}))
FILE = maybe(st.fixed_dictionaries({}, optional={"title": maybe(TEXT), "name": maybe(TEXT)}))
MESSAGE = maybe(st.fixed_dictionaries({"ts": TS}, optional={
    "type": maybe(st.just("message")),
    "subtype": maybe(st.sampled_from(["channel_join", "bot_message", "file_comment", "file_share",
                                      "thread_broadcast", "me_message", "channel_topic"])),
    "user": maybe(st.sampled_from(USER_IDS)),
    "text": maybe(WORDS),
    "thread_ts": TS,
    "attachments": maybe(st.lists(ATTACHMENT, max_size=2)),
    "files": maybe(st.lists(FILE, max_size=2)),
    "file": FILE,
    "edited": maybe(st.fixed_dictionaries({"user": st.just("U1"), "ts": TS})),
    "user_profile": PROFILE,
    "bot_id": maybe(st.just("B1")),
    "username": maybe(TEXT),
    "bot_profile": maybe(st.fixed_dictionaries({"name": maybe(TEXT)})),
    "comment": maybe(st.fixed_dictionaries({"user": maybe(st.sampled_from(USER_IDS)), "comment": TEXT})),
}))
CHANNEL = maybe(st.fixed_dictionaries({"name": maybe(st.sampled_from([*FOLDERS, "ops", "", "c" * 210]))},
                                      optional={"id": maybe(st.sampled_from(["C1", "C2", "C" * 250, ""]))}))
#: Files that are no usable JSON: random bytes, cut short, UTF-16, nested a thousand deep, a huge number.
JUNK = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"[{", b"", b"\xef\xbb\xbf[]", "[]".encode("utf-16"), b"[" * 1000 + b"]" * 1000,
                     b"[" + b"9" * 5000 + b"]", b'[{"ts": "1772442840.1", "text": "\\ud800"}]', b"{}",
                     b'"\\udc00"', b"[NaN, Infinity]"]),
)


@st.composite
def json_files(draw: st.DrawFn, value: st.SearchStrategy[Any]) -> bytes:
    """``value`` as JSON bytes (escaped or raw UTF-8, raw surrogates then make it invalid), or junk."""
    if draw(rarely()):
        return bytes(draw(JUNK))
    data = draw(value)
    ascii_only = not draw(rarely())
    return json.dumps(data, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def exports(draw: st.DrawFn) -> dict[str, bytes]:
    """The files of an export by their path inside it; now and then users.json or channels.json missing."""
    files: dict[str, bytes] = {}
    if not draw(rarely()):
        files["users.json"] = draw(json_files(st.lists(USER, max_size=5)))
    if not draw(rarely()):
        channels = draw(st.lists(CHANNEL, max_size=3))
        if not draw(rarely()):  # usually lists the folders that exist
            channels = [{"id": "C1", "name": "incident"}, {"id": "C2", "name": "general"}, *channels]
        files["channels.json"] = draw(json_files(st.just(channels)))
    if draw(rarely()):
        files["groups.json"] = draw(json_files(st.lists(CHANNEL, max_size=2)))
    for folder in draw(st.lists(st.sampled_from(FOLDERS), max_size=2, unique=True)) or ["incident"]:
        for day in draw(st.lists(st.integers(1, 9), min_size=1, max_size=3, unique=True)):
            files[f"{folder}/2026-03-0{day}.json"] = draw(json_files(st.lists(MESSAGE, max_size=5)))
    return files


def _write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@st.composite
def zip_damage(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]], int | None]:
    """How to write and hurt a zip: its top folder, byte flips (position, xor mask), where to cut it."""
    prefix = draw(st.sampled_from(["", "", "Acme Slack export Mar 2 2026/", "a/b/"]))
    flips = draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=3))
    cut = draw(st.none() | st.none() | st.integers(0, 10**6))
    return prefix, flips, cut


def _write_zip(path: Path, files: dict[str, bytes], deflate: bool,
               damage: tuple[str, list[tuple[int, int]], int | None]) -> Path:
    prefix, flips, cut = damage
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data)
    data = bytearray(path.read_bytes())
    for position, mask in flips:
        data[position % len(data)] ^= mask
    if cut is not None:
        data = data[:cut % (len(data) + 1)]
    path.write_bytes(bytes(data))
    return path


def _counts(library: Library) -> tuple[int, int]:
    with library.begin() as session:
        return (session.scalar(select(func.count()).select_from(TimelineEvent)) or 0,
                session.scalar(select(func.count()).select_from(Participant)) or 0)


def _check_one(library: Library, review_id: int, path: Path, channel: str | None) -> str:
    """Preview and import ``path``; assert the outcome rules; return (and record) the outcome."""
    before = _counts(library)
    try:
        with library.begin() as session:
            preview = preview_slack(session, review_id, path, channel=channel)
            if preview.problems:
                first = preview.first_problem()
                assert first is not None and first.startswith(str(path))
                outcome = "problems"
            else:
                added = import_events(session, review_id, preview)
                assert added == preview.new
                outcome = "imported"
    except SourceError as exc:
        assert str(path) in str(exc).splitlines()[0], exc
        outcome = "refused"
    after = _counts(library)
    if outcome == "imported":
        assert after[0] == before[0] + added
        with library.begin() as session:
            assert all(EARLIEST <= at <= LATEST for at in session.scalars(select(TimelineEvent.at)))
            people = list(session.scalars(select(Participant).where(Participant.review_id == review_id)))
            names = {p.name.casefold() for p in people}
            for person in people:
                assert name_problem(person.name) is None
                assert all(isinstance(a, str) and name_problem(a) is None for a in person.aliases)
        assert {name.casefold() for name in preview.new_participants} <= names
    else:
        assert after == before, "a refused export wrote something"
    event(outcome)
    return outcome


@pytest.fixture
def review_id(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id


CHANNELS = st.sampled_from(["incident", "incident", "#general", "C1", None, "ops", ""])


@settings(max_examples=EXAMPLES)
@given(files=exports(), channel=CHANNELS)
def test_any_export_folder_imports_correctly_or_is_refused_whole(library: Library, review_id: int,
                                                                 tmp_path_factory: pytest.TempPathFactory,
                                                                 files: dict[str, bytes],
                                                                 channel: str | None) -> None:
    """Generated folders with messages of any shape: the outcome rules hold for each."""
    root = _write_folder(tmp_path_factory.mktemp("export"), files)
    _check_one(library, review_id, root, channel)


@settings(max_examples=EXAMPLES)
@given(files=exports(), channel=CHANNELS, deflate=st.booleans(), damage=zip_damage())
def test_any_export_zip_imports_correctly_or_is_refused_whole(library: Library, review_id: int,
                                                              tmp_path: Path, files: dict[str, bytes],
                                                              channel: str | None, deflate: bool,
                                                              damage: tuple[str, list[tuple[int, int]],
                                                                            int | None]) -> None:
    """The same exports zipped, stored or deflated, under a top folder, with bytes flipped or cut off."""
    path = _write_zip(tmp_path / "export.zip", files, deflate, damage)
    _check_one(library, review_id, path, channel)


@settings(max_examples=EXAMPLES)
@given(content=st.binary(max_size=400) | st.sampled_from([b"PK\x03\x04", b"PK\x05\x06" + bytes(18)]))
def test_random_bytes_named_zip_are_refused_in_one_line(library: Library, review_id: int, tmp_path: Path,
                                                        content: bytes) -> None:
    """Bytes that were never a zip (or only start like one): one SourceError naming the file."""
    path = tmp_path / "export.zip"
    path.write_bytes(content)
    assert _check_one(library, review_id, path, None) == "refused"
