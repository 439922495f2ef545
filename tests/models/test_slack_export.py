"""Slack exports (folder and zip): one channel's messages as communication events, threads in order."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import reviews, slack_export
from models.entities import Participant, TimelineEvent
from models.slack_export import (
    ChannelChoiceError,
    parse_slack,
    preview_slack,
    render_markup,
    slack_channels,
)
from models.store import Library
from models.timeline_import import import_events
from models.yamlsource import SourceError

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
REAL_EXPORT = FIXTURES / "slack-export-slack-export-viewer"


def _ts(hour: int, minute: int, second: int = 0, micro: int = 0) -> str:
    moment = datetime(2026, 3, 2, hour, minute, second, tzinfo=UTC)
    return f"{int(moment.timestamp())}.{micro:06d}"


PARENT = _ts(9, 20)
USERS = [
    {"id": "U1", "name": "ana", "real_name": "Ana Lima",
     "profile": {"display_name": "ana", "real_name": "Ana Lima"}},
    {"id": "U2", "name": "ben", "real_name": "Ben Ode",
     "profile": {"display_name": "", "real_name": "Ben Ode"}},
]
CHANNELS = [{"id": "C1", "name": "incident-42", "created": "1772442000"},
            {"id": "C2", "name": "random", "created": "1772442000"}]
DAY_ONE: list[dict[str, Any]] = [
    {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined the channel",
     "ts": _ts(9, 0)},
    {"type": "message", "user": "U1", "text": "<!here> checkout errors are up, <@U2> can you look?",
     "ts": _ts(9, 14)},
    {"type": "message", "user": "U2", "text": "Rolling back the config push", "ts": PARENT,
     "thread_ts": PARENT, "reply_count": 2, "replies": [{"user": "U1", "ts": _ts(9, 31)},
                                                          {"user": "U2", "ts": _ts(9, 25)}]},
    {"type": "message", "user": "U1", "text": "rollback done", "ts": _ts(9, 31), "thread_ts": PARENT},
    {"type": "message", "user": "U1", "text": "See <https://status.example.com/i/42|the status page> "
     "and <https://grafana.example.com/d/checkout> in <#C2|random> &amp; &lt;here&gt;", "ts": _ts(9, 22)},
    {"type": "message", "user": "U2", "text": "Error rate back to normal", "ts": _ts(9, 40),
     "edited": {"user": "U2", "ts": _ts(9, 41)}},
    {"type": "message", "subtype": "bot_message", "username": "PagerDuty", "text": "",
     "attachments": [{"fallback": "Triggered: checkout 5xx", "pretext": "Triggered",
                      "text": "checkout 5xx > 2%"}],
     "ts": _ts(9, 10)},
]
DAY_TWO: list[dict[str, Any]] = [
    # Day files follow local dates: a reply can sit in another file than its parent.
    {"type": "message", "user": "U2", "text": "verifying", "ts": _ts(9, 25), "thread_ts": PARENT,
     "user_profile": {"display_name": "benno", "real_name": "Ben Ode"}},
]
RANDOM_DAY: list[dict[str, Any]] = [{"type": "message", "user": "U1", "text": "lunch?", "ts": _ts(12, 0)}]


def _files() -> dict[str, Any]:
    return {
        "users.json": USERS,
        "channels.json": CHANNELS,
        "incident-42/2026-03-02.json": DAY_ONE,
        "incident-42/2026-03-03.json": DAY_TWO,
        "random/2026-03-02.json": RANDOM_DAY,
    }


def _folder(root: Path, files: dict[str, Any]) -> Path:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return root


def _zip(path: Path, files: dict[str, Any], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.fixture(params=["folder", "zip"])
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The test export, as Slack's folder or as its zip."""
    if request.param == "folder":
        return _folder(tmp_path / "export", _files())
    return _zip(tmp_path / "export.zip", _files())


def _review(library: Library) -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone="Europe/Berlin").id


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(TimelineEvent)) or 0


def test_channels_are_listed_by_name(export: Path) -> None:
    """Both channels with day files are offered."""
    assert slack_channels(export) == ["incident-42", "random"]


def test_several_channels_need_a_choice(export: Path) -> None:
    """Without --channel an export with two channels is refused, listing them."""
    with pytest.raises(ChannelChoiceError, match="2 channels, choose one: incident-42, random") as caught:
        parse_slack(export)
    assert caught.value.channels == ["incident-42", "random"]


def test_messages_become_communication_events(export: Path) -> None:
    """Each message is a communication event from 'slack #incident-42' at its ts."""
    parsed = parse_slack(export, channel="#incident-42")
    assert {r.kind for r in parsed.rows} == {"communication"}
    assert {r.source for r in parsed.rows} == {"slack #incident-42"}
    first = parsed.rows[1]
    assert first.at == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert first.external_id == f"slack:C1:{_ts(9, 14)}"


def test_thread_replies_follow_their_parent_in_time_order(export: Path) -> None:
    """Parent, then its two replies by time (across day files), then the next message."""
    texts = [r.text for r in parse_slack(export, channel="incident-42").rows]
    start = texts.index("Rolling back the config push")
    named = "↳ reply to benno 09:20 UTC “Rolling back the config push”: "
    assert texts[start:start + 4] == ["Rolling back the config push", f"{named}verifying",
                                      f"{named}rollback done",
                                      "See the status page (https://status.example.com/i/42) and "
                                      "https://grafana.example.com/d/checkout in #random & <here>"]


def test_reply_flags_are_kept(export: Path) -> None:
    """The preview knows which rows are thread replies."""
    rows = parse_slack(export, channel="incident-42").rows
    assert [r.text.rsplit(": ", 1)[1] for r in rows if r.reply] == ["verifying", "rollback done"]


def test_mentions_and_here_become_names(export: Path) -> None:
    """<!here> and <@U2> read as @here and @benno (U2's name wherever U2 appears)."""
    rows = parse_slack(export, channel="incident-42").rows
    assert rows[1].text == "@here checkout errors are up, @benno can you look?"


def test_authors_use_profile_then_users_json_names(export: Path) -> None:
    """A message's user_profile display name wins (for all of that user's messages); else users.json's."""
    rows = parse_slack(export, channel="incident-42").rows
    assert {r.participants for r in rows} == {("Ana Lima",), ("benno",), ()}


def test_an_edited_message_keeps_its_current_text_marked(export: Path) -> None:
    """The edited message reads '… (edited)'."""
    texts = [r.text for r in parse_slack(export, channel="incident-42").rows]
    assert "Error rate back to normal (edited)" in texts


def test_joins_are_skipped_and_counted(export: Path) -> None:
    """The channel_join is not an event; the notice says one housekeeping message was skipped."""
    parsed = parse_slack(export, channel="incident-42")
    assert not any("joined" in r.text for r in parsed.rows)
    assert parsed.skipped == 1
    assert "housekeeping messages skipped: 1 (1 channel join)" in parsed.notices


def test_bot_messages_take_their_text_from_attachments(export: Path) -> None:
    """An alert bot's empty text is filled from its attachment, named after the bot, with no participant."""
    row = parse_slack(export, channel="incident-42").rows[0]
    assert row.text == "PagerDuty: Triggered\ncheckout 5xx > 2%"
    assert row.participants == ()


def test_import_writes_events_and_participants_and_reimport_adds_nothing(library: Library,
                                                                          export: Path) -> None:
    """Seven events and two participants; the same export again adds nothing."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, export, channel="incident-42")
        added = import_events(session, review_id, preview)
    assert added == 7
    with library.begin() as session:
        again = preview_slack(session, review_id, export, channel="incident-42")
        assert (again.new, again.duplicates) == (0, 7)
        assert import_events(session, review_id, again) == 0
        names = sorted(session.scalars(select(Participant.name).where(Participant.review_id == review_id)))
    assert names == ["Ana Lima", "benno"]
    assert _count(library) == 7


def test_an_export_zipped_inside_a_folder_is_read(tmp_path: Path) -> None:
    """A zip whose files sit under one top folder is still an export."""
    path = _zip(tmp_path / "nested.zip", _files(), prefix="Acme Slack export Mar 2 2026/")
    assert slack_channels(path) == ["incident-42", "random"]


def test_a_zip_that_is_not_a_slack_export_is_refused(tmp_path: Path) -> None:
    """A zip without users.json and channels.json is refused naming the file."""
    path = _zip(tmp_path / "photos.zip", {"holiday.txt": "sun"})
    with pytest.raises(SourceError, match=r"photos\.zip: not a Slack export: users\.json and channels\.json"):
        parse_slack(path)


def test_a_zip_without_day_files_is_refused(tmp_path: Path) -> None:
    """users.json and channels.json alone are not enough."""
    path = _zip(tmp_path / "bare.zip", {"users.json": USERS, "channels.json": CHANNELS})
    with pytest.raises(SourceError, match=r"bare\.zip: not a Slack export: no channel has day files"):
        slack_channels(path)


def test_a_file_named_zip_that_is_not_one_is_refused(tmp_path: Path) -> None:
    """A .zip that is really text is refused naming the file."""
    path = tmp_path / "fake.zip"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(SourceError, match=r"fake\.zip: not a zip file"):
        slack_channels(path)


def test_a_zip_that_unpacks_too_big_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More than the unpacking cap (here lowered to 4 KB) is refused as a possible zip bomb."""
    monkeypatch.setattr(slack_export, "MAX_UNPACKED_BYTES", 4096)
    files = {**_files(), "incident-42/2026-03-04.json": json.dumps(
        [{"type": "message", "user": "U1", "text": "x" * 10_000, "ts": _ts(10, 0)}])}
    path = _zip(tmp_path / "bomb.zip", files)
    with pytest.raises(SourceError, match=r"bomb\.zip: the zip unpacks to more than .* zip bomb"):
        parse_slack(path, channel="incident-42")


def test_a_broken_day_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    """A day file that is not JSON is listed as a problem with its name; the export is not importable."""
    files = {**_files(), "incident-42/2026-03-03.json": "[{"}
    parsed = parse_slack(_folder(tmp_path / "export", files), channel="incident-42")
    assert len(parsed.problems) == 1
    assert parsed.problems[0].message.startswith("incident-42/2026-03-03.json: not valid JSON")


def test_an_unknown_channel_is_refused_listing_the_channels(export: Path) -> None:
    """--channel ops names the channels there are."""
    with pytest.raises(SourceError, match=r"no channel 'ops' .*channels: incident-42, random"):
        parse_slack(export, channel="ops")


@pytest.mark.parametrize(("markup", "text"), [
    ("<@U1> and <@U9|old name>", "@Ana Lima and @old name"),
    ("<#C2|random> and <#C2>", "#random and #random"),
    ("<https://x.example/a?b=1&amp;c=2|docs>", "docs (https://x.example/a?b=1&c=2)"),
    ("<https://x.example/a>", "https://x.example/a"),
    ("<mailto:ana@example.com|ana@example.com>", "ana@example.com"),
    ("<tel:123|123>", "123"),
    ("<!channel> <!everyone> <!subteam^S1|@oncall>", "@channel @everyone @oncall"),
    ("<https://files.slack.com/f.js?t=xoxe-123-abc|f.js>", "f.js (https://files.slack.com/f.js)"),
    ("a &lt;b&gt; &amp;amp;", "a <b> &amp;"),
])
def test_markup_becomes_readable_text(markup: str, text: str) -> None:
    """Mentions, channel links, URLs with and without label, specials and entities."""
    assert render_markup(markup, {"U1": "Ana Lima"}, {"C2": "random"}) == text


@pytest.mark.skipif(not REAL_EXPORT.is_dir(), reason=f"the shared fixtures are not here ({REAL_EXPORT})")
def test_the_real_export_imports_its_channels(library: Library) -> None:
    """The mesos-magellan export: 96 of 102 #enrique messages, 6 joins/integration adds skipped."""
    review_id = _review(library)
    assert slack_channels(REAL_EXPORT) == ["enrique", "traveling-sailor"]
    with library.begin() as session:
        preview = preview_slack(session, review_id, REAL_EXPORT, channel="enrique")
        assert preview.problems == ()
        assert (preview.new, preview.skipped) == (96, 6)
        assert preview.new_participants == ("Hamza Faran", "Harry Potter", "heroeshannibal",
                                            "Hermione Granger")
        assert import_events(session, review_id, preview) == 96
    first = preview.rows[0]
    assert first.at == datetime(2016, 1, 15, 5, 55, 52, 6, tzinfo=UTC)
    assert first.text.startswith("@Harry Potter: Created an issue")


@pytest.mark.skipif(not REAL_EXPORT.is_dir(), reason=f"the shared fixtures are not here ({REAL_EXPORT})")
def test_the_real_export_never_shows_file_tokens(tmp_path: Path) -> None:
    """No imported text carries a Slack file token, and the zipped export reads the same as the folder."""
    files = {str(p.relative_to(REAL_EXPORT)): p.read_text(encoding="utf-8")
             for p in REAL_EXPORT.rglob("*.json")}
    zipped = _zip(tmp_path / "export.zip", files)
    folder_rows = parse_slack(REAL_EXPORT, channel="traveling-sailor").rows
    zip_rows = parse_slack(zipped, channel="traveling-sailor").rows
    assert folder_rows == zip_rows and len(zip_rows) == 51
    assert not any("xox" in r.text for r in zip_rows)
    assert any(r.text.endswith("(edited)") for r in zip_rows)


# Issue 8: one time range, type checks and one boundary for exports, the people the review must know.

def _one_day(messages: list[Any], users: Any = None) -> dict[str, Any]:
    """An export with one channel, #incident-42 (id C1), and one day file of ``messages``."""
    return {"users.json": USERS if users is None else users, "channels.json": CHANNELS[:1],
            "incident-42/2026-03-02.json": messages}


def _preview_problems(library: Library, export: Path) -> list[str]:
    """The preview's problems as the command line shows them; nothing may be written."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, export)
        first = preview.first_problem()
        if first is None:
            import_events(session, review_id, preview)
    assert first is not None and _count(library) == 0
    return [str(p) for p in preview.problems]


@pytest.mark.parametrize(("ts", "year"), [("999999999999", "33658"), ("7289654400", "2201"),
                                          ("7258118400.5", "2200")])
def test_a_ts_outside_1900_to_2200_names_file_message_and_field(library: Library, tmp_path: Path,
                                                                 ts: str, year: str) -> None:
    """A ts in the year 33658 was a ValueError escaping the loader; now it is a problem with its place."""
    messages = [{"type": "message", "user": "U1", "text": "ok", "ts": _ts(9, 0)},
                {"type": "message", "user": "U1", "text": "far future", "ts": ts}]
    export = _folder(tmp_path / "export", _one_day(messages))
    if year == "2200":  # 2200-01-01 00:00:00.5 UTC is inside the range
        assert parse_slack(export).problems == ()
        return
    assert _preview_problems(library, export) == [
        f"incident-42/2026-03-02.json, message 2: ts {ts!r}: the year {year} is outside the years "
        "1900 to 2200"]


@pytest.mark.parametrize("message", [
    {"subtype": ["channel_join"], "text": "a list as subtype"},     # was TypeError: unhashable type
    {"subtype": {"x": 1}, "text": "a dict as subtype"},
    {"text": "", "attachments": 5, "files": [{"title": "log.txt"}]},   # was TypeError: not iterable
    {"text": "", "attachments": "yes", "file": {"name": "log.txt"}},
    {"text": "", "attachments": [5, None, {"title": 7, "fallback": "log.txt"}], "files": "no"},
    {"text": 42, "attachments": [{"text": ["x"], "pretext": "log.txt"}]},
    {"text": "", "files": [{"title": {"a": 1}, "name": "log.txt"}, 3]},
    {"text": "log.txt", "user_profile": [], "edited": 5, "thread_ts": 5, "bot_profile": 5},
    {"text": "log.txt", "user_profile": {"display_name": ["x"], "real_name": 5}},
    {"text": "log.txt", "comment": "x", "subtype": "file_comment"},
])
def test_messages_of_any_shape_are_read_for_what_they_hold(tmp_path: Path, message: dict[str, Any]) -> None:
    """Values of the wrong type are ignored, never a TypeError: the message keeps what it has."""
    data = {"type": "message", "user": "U1", "ts": _ts(9, 0), **message}
    parsed = parse_slack(_folder(tmp_path / "export", _one_day([data])))
    assert parsed.problems == ()
    assert [r.text.removeprefix("shared a file: ") for r in parsed.rows] == ["log.txt"] or \
        [r.text for r in parsed.rows] in (["a list as subtype"], ["a dict as subtype"])


def _corrupt_member(path: Path, member: str) -> Path:
    """``path`` with the deflate data of ``member`` overwritten (its header and CRC left alone)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for index in range(start, start + min(info.compress_size, 16)):
        data[index] ^= 0xA5
    path.write_bytes(bytes(data))
    return path


def test_a_zip_with_corrupt_deflate_data_names_the_member(tmp_path: Path) -> None:
    """zlib.error escaped the loader; now the member and the damage are named."""
    files = _one_day([{"type": "message", "user": "U1", "text": "x" * 2000, "ts": _ts(9, 0)}])
    path = _corrupt_member(_zip(tmp_path / "export.zip", files), "incident-42/2026-03-02.json")
    with pytest.raises(SourceError) as caught:
        parse_slack(path)
    assert str(caught.value).startswith(f"{path}: incident-42/2026-03-02.json: cannot read it from the zip (")
    assert "damaged" in str(caught.value)


def test_a_zip_with_a_damaged_directory_is_refused(tmp_path: Path) -> None:
    """A zip cut short inside its central directory: refused naming the file."""
    path = _zip(tmp_path / "export.zip", _files())
    data = path.read_bytes()
    path.write_bytes(data[:-30])
    with pytest.raises(SourceError, match=r"export\.zip: not a zip file, or a damaged one"):
        slack_channels(path)


@pytest.mark.parametrize(("users", "message"), [
    ("[" * 1000 + "]" * 1000, "users.json: JSON nested too deeply to read"),      # was RecursionError
    ("[" + "9" * 5000 + "]", "users.json: not usable JSON (Exceeds the limit"),   # was ValueError
])
def test_users_json_that_json_cannot_hold_is_refused_naming_it(tmp_path: Path, users: str,
                                                               message: str) -> None:
    """Deep or huge JSON in users.json is one SourceError naming the export and the file."""
    files = {**_one_day([{"type": "message", "user": "U1", "text": "x", "ts": _ts(9, 0)}]),
             "users.json": users}
    for export in (_folder(tmp_path / "export", files), _zip(tmp_path / "export.zip", files)):
        with pytest.raises(SourceError) as caught:
            parse_slack(export)
        assert str(caught.value).startswith(f"{export}: {message}")


def test_a_deep_day_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    """A day file nested a thousand deep is that file's problem, not a crash."""
    files = {**_one_day([]), "incident-42/2026-03-02.json": "[" * 1000 + "]" * 1000}
    parsed = parse_slack(_folder(tmp_path / "export", files))
    assert [p.message for p in parsed.problems] == [
        "incident-42/2026-03-02.json: JSON nested too deeply to read (a Slack export nests a few levels)"]


def test_a_folder_export_too_big_to_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's files count against the reading budget too (a huge users.json is not read whole)."""
    monkeypatch.setattr(slack_export, "MAX_UNPACKED_BYTES", 4096)
    users = [{"id": f"U{i}", "name": f"user{i}", "real_name": f"User {i}"} for i in range(200)]
    export = _folder(tmp_path / "export", _one_day([{"type": "message", "user": "U1", "text": "x",
                                                     "ts": _ts(9, 0)}], users=users))
    with pytest.raises(SourceError, match=r"the export's files hold more than 0 MB"):
        parse_slack(export)


def test_lone_surrogates_read_as_replacement_characters(library: Library, tmp_path: Path) -> None:
    """Half an emoji ("\\ud83d" alone) would fail the database write; it reads as U+FFFD with a notice."""
    day = '[{"type": "message", "user": "U1", "text": "on it \\ud83d", "ts": "' + _ts(9, 0) + '"}]'
    users = '[{"id": "U1", "name": "ana", "real_name": "Ana \\udc00Lima"}]'
    export = _folder(tmp_path / "export", {**_one_day([]), "incident-42/2026-03-02.json": day,
                                           "users.json": users})
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, export)
        assert preview.problems == ()
        assert import_events(session, review_id, preview) == 1
    assert [(r.text, r.participants) for r in preview.rows] == [("on it \ufffd", ("Ana \ufffdLima",))]
    assert "texts with broken characters (unpaired UTF-16 surrogates, half an emoji), shown as \ufffd: 2" \
        in preview.notices


def test_a_nul_in_a_message_is_a_problem_naming_file_message_and_field(library: Library,
                                                                       tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL: refused at preview on SQLite too, with the message's place."""
    messages = [{"type": "message", "user": "U1", "text": "a\u0000b", "ts": _ts(9, 0)}]
    assert _preview_problems(library, _folder(tmp_path / "export", _one_day(messages))) == [
        "incident-42/2026-03-02.json, message 1: text: contains a NUL character (at position 2)"]


def test_a_channel_name_too_long_for_the_source_column_is_a_problem(library: Library,
                                                                    tmp_path: Path) -> None:
    """"slack #<name>" must fit the source column (200): a longer one is refused, never cut."""
    name = "c" * 200
    files = {"users.json": USERS, "channels.json": [{"id": "C1", "name": name}],
             f"{name}/2026-03-02.json": [{"type": "message", "user": "U1", "text": "x", "ts": _ts(9, 0)}]}
    assert _preview_problems(library, _folder(tmp_path / "export", files)) == [
        f"{name}/2026-03-02.json, message 1: source: is 207 characters long; at most 200 fit"]


def test_a_long_channel_id_still_gives_a_stable_external_id(library: Library, tmp_path: Path) -> None:
    """A channel id too long for the external id column is hashed; importing twice adds nothing."""
    files = {"users.json": USERS, "channels.json": [{"id": "C" * 300, "name": "incident-42"}],
             "incident-42/2026-03-02.json": [{"type": "message", "user": "U1", "text": "x", "ts": _ts(9, 0)}]}
    export = _folder(tmp_path / "export", files)
    review_id = _review(library)
    for expected in (1, 0):
        with library.begin() as session:
            preview = preview_slack(session, review_id, export)
            assert preview.problems == ()
            assert import_events(session, review_id, preview) == expected
    assert len(preview.parsed.rows[0].external_id) <= 200


def test_an_unforeseen_error_names_the_export_member_and_message(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line: a bug while reading message 2 is one SourceError naming where it happened."""
    def broken(data: dict[str, Any]) -> str:
        raise ZeroDivisionError("surprise")

    monkeypatch.setattr(slack_export, "_bot_name", broken)
    messages = [{"type": "message", "user": "U1", "text": "fine", "ts": _ts(9, 0)},
                {"type": "message", "subtype": "bot_message", "text": "alert", "ts": _ts(9, 1)}]
    export = _zip(tmp_path / "export.zip", _one_day(messages))
    with pytest.raises(SourceError) as caught:
        parse_slack(export)
    assert str(caught.value) == (f"{export}: incident-42/2026-03-02.json, message 2: "
                                 "cannot be read (ZeroDivisionError: surprise)")


def _participants(library: Library, review_id: int) -> dict[str, list[str]]:
    with library.begin() as session:
        return {p.name: list(p.aliases) for p in session.scalars(
            select(Participant).where(Participant.review_id == review_id).order_by(Participant.position))}


def test_people_only_mentioned_become_participants_with_their_aliases(library: Library,
                                                                       tmp_path: Path) -> None:
    """U3 is mentioned, never writes: a participant all the same; everyone carries their other names
    (each once in any case: "ana" covers "Ana"); an id nobody named (U8) adds nobody."""
    review_id = _review(library)
    users = [*USERS, {"id": "U3", "name": "cleo", "real_name": "Cleo Park",
                      "profile": {"display_name": "cp", "real_name": "Cleo Park", "first_name": "Cleo"}}]
    files = {**_files(), "users.json": users, "incident-42/2026-03-04.json": [
        {"type": "message", "user": "U1", "text": "looping in <@U3> and <@U9|dana>, not <@U8>",
         "ts": _ts(11, 0)}]}
    folder = _folder(tmp_path / "export", files)
    with library.begin() as session:
        preview = preview_slack(session, review_id, folder, channel="incident-42")
        assert preview.new_participants == ("Ana Lima", "benno", "Cleo Park", "dana")
        import_events(session, review_id, preview)
    assert _participants(library, review_id) == {
        "Ana Lima": ["ana"],
        "benno": ["Ben Ode", "ben"],
        "Cleo Park": ["cp", "cleo"],
        "dana": [],
    }


def test_aliases_join_a_participant_typed_by_hand(library: Library, export: Path) -> None:
    """Ana was added by hand before the import: she gets her Slack names, and no second Ana appears."""
    review_id = _review(library)
    with library.begin() as session:
        reviews.add_participant(session, review_id, name="ana lima")
    with library.begin() as session:
        preview = preview_slack(session, review_id, export, channel="incident-42")
        assert preview.new_participants == ("benno",)
        import_events(session, review_id, preview)
    assert _participants(library, review_id)["ana lima"] == ["ana"]


@pytest.mark.skipif(not REAL_EXPORT.is_dir(), reason=f"the shared fixtures are not here ({REAL_EXPORT})")
def test_the_real_export_tells_the_review_who_people_are(library: Library) -> None:
    """#traveling-sailor: authors carry their handles and first names; heroeshannibal, only ever
    named by a mention ("<@U0BMM2FEH> has joined the channel"), is a participant too."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, REAL_EXPORT, channel="traveling-sailor")
        assert preview.problems == ()
        assert "heroeshannibal" in preview.new_participants
        import_events(session, review_id, preview)
    people = _participants(library, review_id)
    assert people["Harry Potter"] == ["abilinski", "Harry"]
    assert people["Hermione Granger"] == ["doubledeez", "Hermione"]
    assert people["Hamza Faran"] == ["hamza"]
    assert people["heroeshannibal"] == []
    with library.begin() as session:
        linked = {p.name for e in session.scalars(select(TimelineEvent)) for p in e.participants}
    assert "heroeshannibal" not in linked   # known to the review, on no event


@pytest.mark.parametrize(("text", "shown"), [
    ("looks good :simple_smile:", "looks good 🙂"),
    (":+1: rolled back", "👍 rolled back"),
    ("at 10:14:30 the alert fired", "at 10:14:30 the alert fired"),   # times are not shortcodes
    ("custom :partyblob: stays", "custom :partyblob: stays"),          # a workspace's own emoji
    ("<https://x.example/:fire:|docs> :fire:", "docs (https://x.example/:fire:) 🔥"),  # links untouched
])
def test_emoji_shortcodes_become_emoji(text: str, shown: str) -> None:
    """Issue 11: Slack's :shortcodes: read as the emoji people saw."""
    assert render_markup(text, {}, {}) == shown


def test_a_reply_to_a_deleted_message_says_so(tmp_path: Path) -> None:
    """Issue 11: a reply whose parent is a tombstone is not shown as if it answered the thread above."""
    gone = _ts(9, 30)
    export = _folder(tmp_path / "export", _one_day([
        {"type": "message", "user": "U1", "text": "Rolling back", "ts": _ts(9, 20), "thread_ts": _ts(9, 20),
         "reply_count": 1},
        {"type": "message", "user": "U2", "text": "ok", "ts": _ts(9, 21), "thread_ts": _ts(9, 20)},
        {"type": "message", "subtype": "tombstone", "text": "This message was deleted.", "ts": gone,
         "thread_ts": gone},
        {"type": "message", "user": "U2", "text": "it was the validator", "ts": _ts(9, 35),
         "thread_ts": gone},
    ]))
    texts = [r.text for r in parse_slack(export, channel="incident-42").rows]
    assert texts == ["Rolling back", "↳ reply to Ana Lima 09:20 UTC “Rolling back”: ok", "(deleted message)",
                     "↳ reply to (deleted message) 09:30 UTC: it was the validator"]
