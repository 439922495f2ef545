"""Property tests for threads, renames and channel choice in Slack exports (issue 11).

Hypothesis writes two channels' day files the way Slack lays them out, from
messages of any shape: timestamps drawn from a small pool (so threads, repeats
and missing parents happen often) or not timestamps at all, every housekeeping
and rename subtype, tombstones, ``message_deleted`` events, wrong types in any
field, entries that are not messages. The channel choice is any mix of names,
old names, ids, nonsense and ``all_channels``. Whatever it is:

* the reader returns a timeline whose rows are numbered in order, whose event
  ids are unique, whose every reply names what it answers, and whose stand-ins
  for gone parents appear once per thread; each problem and notice is one line,
  each problem naming its day file; or
* it refuses with one error naming the export (or the contradictory choice);

and the preview of that export, imported, adds exactly its new events, and
importing it again adds none. Never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from models import reviews
from models.errors import DomainError
from models.slack_export import (
    DELETED_PARENT,
    HOUSEKEEPING,
    MISSING_PARENT,
    RENAME_SUBTYPES,
    REPLY_MARK,
    SlackTimeline,
    parse_slack,
    preview_slack,
)
from models.store import Library
from models.timeline_import import import_events
from models.yamlsource import SourceError

pytestmark = pytest.mark.fuzz

FOLDERS = ("incident", "comms")
#: A few instants: messages share them, so replies find (or miss) their parents.
POOL = tuple(f"{1772460000 + 60 * minute}.{minute:06d}" for minute in range(10)) + ("1772373600.000500",)
ODD = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(),
                st.lists(st.none(), max_size=2), st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
                st.sampled_from(["", "abc", "-1", "999999999999", "1e9", "7289654400.000001",
                                 " 1772460120.1"]))
#: Mostly a ts of the pool, now and then anything at all.
TS = st.sampled_from([True] * 11 + [False]).flatmap(lambda pooled: st.sampled_from(POOL) if pooled else ODD)
NAMES = st.sampled_from(["incident-42", "inc-42", "incident", "comms", "#incident", "", " ", "C1"])
SUBTYPES = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(sorted(HOUSEKEEPING | RENAME_SUBTYPES)),
                     st.sampled_from(["tombstone", "message_deleted", "bot_message", "thread_broadcast",
                                      "file_share", "channel_topic", "me_message", "huddle_thread"]), ODD)
TEXT = st.one_of(st.sampled_from(["rolling back", "<!group> look", ":fire: :partyblob:", "<@U1> <@U9|dana>",
                                  "", "a\u0000b", "x" * 120]), st.text(max_size=12), ODD)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``strategy``, one time in eight a value of any other type."""
    return st.sampled_from([True] * 7 + [False]).flatmap(lambda fine: strategy if fine else ODD)


MESSAGE = st.fixed_dictionaries({"ts": TS}, optional={
    "type": _maybe(st.just("message")),
    "subtype": SUBTYPES,
    "user": _maybe(st.sampled_from(["U1", "U2", "USLACKBOT", ""])),
    "text": TEXT,
    "thread_ts": st.sampled_from(POOL),
    "old_name": _maybe(NAMES),
    "name": _maybe(NAMES),
    "deleted_ts": TS,
    "edited": _maybe(st.just({"user": "U1", "ts": POOL[0]})),
    "bot_id": _maybe(st.just("B1")),
    "username": _maybe(st.sampled_from(["PagerDuty", ""])),
    "user_profile": _maybe(st.fixed_dictionaries({}, optional={"display_name": _maybe(st.just("Priya"))})),
})
ENTRY = _maybe(MESSAGE)
CHANNEL = st.fixed_dictionaries({"name": _maybe(st.sampled_from(FOLDERS))}, optional={
    "id": _maybe(st.sampled_from(["C1", "C2"])),
    "previous_names": _maybe(st.lists(_maybe(NAMES), max_size=2))})


@st.composite
def exports(draw: st.DrawFn) -> dict[str, Any]:
    """users.json, channels.json (usually listing both folders), and day files of any messages."""
    channels = draw(st.lists(CHANNEL, max_size=2))
    if draw(st.sampled_from([True] * 5 + [False])):
        channels = [{"id": "C1", "name": "incident"}, {"id": "C2", "name": "comms"}, *channels]
    files: dict[str, Any] = {
        "users.json": [{"id": "U1", "name": "priya", "real_name": "Priya Shah"},
                       {"id": "U2", "name": "bo", "real_name": "Bo Chen"}],
        "channels.json": channels,
    }
    for folder in FOLDERS:
        for day in draw(st.lists(st.sampled_from(["2026-03-01", "2026-03-02"]), min_size=1, max_size=2,
                                 unique=True)):
            files[f"{folder}/{day}.json"] = draw(st.lists(ENTRY, max_size=8))
    return files


CHOICES = st.one_of(
    st.fixed_dictionaries({"all_channels": st.just(True)}),
    st.fixed_dictionaries({"channel": st.sampled_from(["incident", "comms", "inc-42", "C2"])}),
    st.fixed_dictionaries({"channel": st.one_of(st.none(), NAMES)}),
    st.fixed_dictionaries({"channels": st.lists(NAMES, max_size=3)}),
    st.fixed_dictionaries({"all_channels": st.just(True)}),
    st.fixed_dictionaries({"channels": st.lists(NAMES, min_size=1, max_size=2),
                           "all_channels": st.just(True)}),
)


def _write(root: Path, files: dict[str, Any]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        # allow_nan: Slack never writes NaN, but a damaged export can hold it; json reads it back.
        (root / name).write_text(json.dumps(data), encoding="utf-8")
    return root


def _read(path: Path, choice: dict[str, Any]) -> SlackTimeline | None:
    """The export read with ``choice``; None when it is refused, in one line naming what is wrong."""
    try:
        return parse_slack(path, **choice)
    except SourceError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc), exc
    except DomainError as exc:
        assert choice.get("all_channels") and str(exc).startswith("channel: "), exc
    return None


@settings(max_examples=60)
@given(files=exports(), choice=CHOICES)
def test_any_thread_layout_reads_to_named_replies_or_one_clear_line(tmp_path_factory: pytest.TempPathFactory,
                                                                     files: dict[str, Any],
                                                                     choice: dict[str, Any]) -> None:
    """Rows in order, unique ids, every reply naming its parent, one stand-in per gone parent, one-line
    problems naming their file; or one error line."""
    path = _write(tmp_path_factory.mktemp("export"), files)
    parsed = _read(path, choice)
    if parsed is None:
        event("refused")
        return
    event("problems" if parsed.problems else "read")
    event(f"replies: {min(sum(r.reply for r in parsed.rows), 3)}")
    event(f"stand-ins: {min(sum(r.text in (DELETED_PARENT, MISSING_PARENT) for r in parsed.rows), 2)}")
    rows = parsed.rows
    assert [r.row for r in rows] == list(range(1, len(rows) + 1))
    assert len({r.external_id for r in rows}) == len(rows)
    assert set(parsed.read_channels) <= set(parsed.channels)
    assert {r.source for r in rows} <= {f"slack #{name}" for name in parsed.read_channels}
    for row in rows:
        if row.reply:
            assert row.text.startswith(f"{REPLY_MARK}reply to "), row.text
        if row.text in (DELETED_PARENT, MISSING_PARENT):
            assert not row.reply and row.participants == ()
    stand_ins = [(r.source, r.at) for r in rows if r.text in (DELETED_PARENT, MISSING_PARENT)]
    assert len(stand_ins) == len(set(stand_ins))
    for line in (*map(str, parsed.problems), *parsed.notices):
        assert line and "\n" not in line
    for problem in parsed.problems:
        assert str(problem).startswith(tuple(f"{folder}/" for folder in FOLDERS)), problem


@pytest.fixture
def review_id(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id


@settings(max_examples=30)
@given(files=exports())
def test_all_channels_import_exactly_what_the_preview_shows(library: Library, review_id: int,
                                                            tmp_path_factory: pytest.TempPathFactory,
                                                            files: dict[str, Any]) -> None:
    """Importable previews add their new events, then nothing the second time; others write nothing."""
    path = _write(tmp_path_factory.mktemp("export"), files)
    try:
        with library.begin() as session:
            preview = preview_slack(session, review_id, path, all_channels=True)
            if preview.problems:
                return
            assert import_events(session, review_id, preview) == preview.new
        with library.begin() as session:
            again = preview_slack(session, review_id, path, all_channels=True)
            assert (again.new, import_events(session, review_id, again)) == (0, 0)
    except SourceError as exc:
        assert str(exc).startswith(f"{path}: ")
