"""Slack threads, renamed channels, several channels (issue 11), in exports laid out as Slack writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import reviews
from models.entities import TimelineEvent
from models.errors import InvalidFieldError
from models.slack_export import (
    DELETED_PARENT,
    HOUSEKEEPING,
    MISSING_PARENT,
    SlackTimeline,
    channel_counts,
    parse_slack,
    preview_slack,
)
from models.store import Library
from models.timeline_import import import_events
from models.yamlsource import SourceError
from tests.models.slack_builders import (
    channel,
    export_files,
    message,
    parent,
    rename,
    reply,
    tombstone,
    ts,
    write_folder,
    write_zip,
)

#: #incident-42: a thread with a reply right under it, and a reply that comes after other messages.
THREAD = ts(2, 14, 2)
INCIDENT = [
    parent("U1", "Config push to checkout-eu is failing validation, rolling back now", THREAD,
           [("U2", ts(2, 14, 4)), ("U3", ts(2, 14, 20))]),
    reply("U2", "on it", ts(2, 14, 4), THREAD),
    message("U3", "status page updated", ts(2, 14, 10)),
    message("U2", "errors dropping", ts(2, 14, 15)),
    reply("U3", "rollback finished", ts(2, 14, 20), THREAD),
]
NAMED = "Priya 14:02 UTC “Config push to checkout-eu is failing…”"


def _export(tmp_path: Path, channels: dict[str, list[dict[str, Any]]], **listing: Any) -> Path:
    return write_folder(tmp_path / "export", export_files(channels, **listing))


def _texts(path: Path, **options: Any) -> list[str]:
    return [row.text for row in parse_slack(path, **options).rows]


def _review(library: Library, timezone: str = "Europe/Berlin") -> int:
    with library.begin() as session:
        return reviews.create(session, title="Checkout errors", timezone=timezone).id


# Every reply names its parent.

def test_a_reply_right_under_its_parent_names_it(tmp_path: Path) -> None:
    """The reply that follows its parent still says whom and what it answers (author, time, first words)."""
    texts = _texts(_export(tmp_path, {"incident-42": INCIDENT}))
    assert texts[:2] == ["Config push to checkout-eu is failing validation, rolling back now",
                         f"↳ reply to {NAMED}: on it"]


def test_a_late_reply_names_its_parent(tmp_path: Path) -> None:
    """A reply posted after other top-level messages names its parent as well."""
    texts = _texts(_export(tmp_path, {"incident-42": INCIDENT}))
    assert texts[2] == f"↳ reply to {NAMED}: rollback finished"
    assert texts[3:] == ["status page updated", "errors dropping"]


def test_replies_keep_naming_their_parent_in_the_timeline(library: Library, tmp_path: Path) -> None:
    """In the review's timeline, sorted by time, the late reply sits among other messages and says what
    it answers; times are shown in the review's timezone (Berlin, UTC+1 in March), without 'UTC'."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, _export(tmp_path, {"incident-42": INCIDENT}))
        import_events(session, review_id, preview)
    with library.begin() as session:
        texts = list(session.scalars(select(TimelineEvent.text).order_by(TimelineEvent.at)))
    named = "Priya 15:02 “Config push to checkout-eu is failing…”"
    assert texts == ["Config push to checkout-eu is failing validation, rolling back now",
                     f"↳ reply to {named}: on it", "status page updated", "errors dropping",
                     f"↳ reply to {named}: rollback finished"]


def test_a_reply_on_another_day_gives_its_parents_date(library: Library, tmp_path: Path) -> None:
    """23:50 in Berlin, answered at 00:10 the next day: the parent's time carries its date."""
    late = ts(2, 22, 50)
    export = _export(tmp_path, {"incident-42": [parent("U1", "still seeing 5xx", late),
                                                reply("U2", "gone now", ts(2, 23, 10), late)]})
    review_id = _review(library)
    with library.begin() as session:
        rows = preview_slack(session, review_id, export).rows
    assert rows[1].text == "↳ reply to Priya 2026-03-02 23:50 “still seeing 5xx”: gone now"


@pytest.mark.parametrize(("first", "named"), [
    ("short", "Priya 14:02 UTC “short”"),
    ("line one\n\nline   two", "Priya 14:02 UTC “line one line two”"),
    ("<!here> look at <https://grafana.example.com/d/1|the board> :fire:",
     "Priya 14:02 UTC “@here look at the board…”"),
    ("https://grafana.example.com/d/checkout-errors-by-region-and-pod?from=now-1h",
     "Priya 14:02 UTC “https://grafana.example.com/d/checkout-e…”"),
])
def test_the_parents_first_words_are_rendered_and_shortened(tmp_path: Path, first: str, named: str) -> None:
    """Markup rendered, whitespace folded, cut at a word (or at 40 characters) with an ellipsis."""
    export = _export(tmp_path, {"incident-42": [parent("U1", first, THREAD),
                                                reply("U2", "ok", ts(2, 14, 3), THREAD)]})
    assert _texts(export)[1] == f"↳ reply to {named}: ok"


def test_a_bot_parent_is_named_by_the_bot_and_an_edit_is_not_quoted(tmp_path: Path) -> None:
    """An alert bot's thread: the reply names 'PagerDuty' and the alert's words, not '(edited)'."""
    alert = {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "PagerDuty", "text": "",
             "ts": THREAD, "thread_ts": THREAD, "edited": {"user": "B1", "ts": ts(2, 14, 3)},
             "attachments": [{"fallback": "Triggered: checkout 5xx", "text": "checkout 5xx > 2%"}]}
    export = _export(tmp_path, {"incident-42": [alert, reply("U2", "ack", ts(2, 14, 5), THREAD)]})
    assert _texts(export) == ["PagerDuty: checkout 5xx > 2% (edited)",
                              "↳ reply to PagerDuty 14:02 UTC “checkout 5xx > 2%”: ack"]


def test_a_parent_without_text_is_named_by_author_and_time(tmp_path: Path) -> None:
    """A parent with nothing to quote (an empty message, skipped) still gives its author and time."""
    export = _export(tmp_path, {"incident-42": [parent("U1", "", THREAD),
                                                reply("U2", "?", ts(2, 14, 3), THREAD)]})
    assert _texts(export) == ["↳ reply to Priya 14:02 UTC: ?"]


def test_a_reply_to_a_skipped_message_names_it(tmp_path: Path) -> None:
    """Someone answered a join in its thread: the join is still skipped, and the reply names it."""
    join = {"type": "message", "subtype": "channel_join", "user": "U3", "ts": THREAD,
            "text": "<@U3> has joined the channel"}
    export = _export(tmp_path, {"incident-42": [join, reply("U1", "welcome, see the pinned doc", ts(2, 14, 3),
                                                            THREAD, parent_user="U3")]})
    parsed = parse_slack(export)
    assert [r.text for r in parsed.rows] == [
        "↳ reply to Cleo Park 14:02 UTC “@Cleo Park has joined the channel”: welcome, see the pinned doc"]
    assert parsed.skipped == 1


# Deleted and missing parents.

def test_a_tombstone_parent_becomes_one_deleted_message_event(tmp_path: Path) -> None:
    """Two replies to a deleted message: one '(deleted message)' event at its ts, both replies under it
    naming it, never under the unrelated thread above."""
    gone = ts(2, 14, 30)
    export = _export(tmp_path, {"incident-42": [
        *INCIDENT, tombstone(gone, [("U2", ts(2, 14, 31)), ("U3", ts(2, 14, 33))]),
        reply("U2", "it was the validator", ts(2, 14, 31), gone),
        reply("U3", "agreed", ts(2, 14, 33), gone)]})
    parsed = parse_slack(export)
    rows = parsed.rows[-3:]
    assert [r.text for r in rows] == [DELETED_PARENT,
                                      "↳ reply to (deleted message) 14:30 UTC: it was the validator",
                                      "↳ reply to (deleted message) 14:30 UTC: agreed"]
    assert (rows[0].at, rows[0].participants) == (datetime(2026, 3, 2, 14, 30, 0, 100, tzinfo=UTC), ())
    assert rows[0].external_id.endswith(f"{gone}:deleted") and not rows[0].reply
    assert parsed.skipped == 0
    assert ("threads whose first message was deleted, shown as (deleted message) so that their replies have "
            "something to answer: 1") in parsed.notices


def test_a_tombstone_without_replies_is_skipped(tmp_path: Path) -> None:
    """A deleted message nobody answered is housekeeping: no event, counted."""
    parsed = parse_slack(_export(tmp_path, {"incident-42": [*INCIDENT, tombstone(ts(2, 14, 30))]}))
    assert DELETED_PARENT not in [r.text for r in parsed.rows]
    assert "housekeeping messages skipped: 1 (1 tombstone)" in parsed.notices


def test_a_parent_missing_from_the_export_is_named_apart_from_a_deleted_one(tmp_path: Path) -> None:
    """Replies to a thread that began before the export's first day: '(message not in the export)' at
    the thread's ts, with its date, once; the notice says it may be deleted or older."""
    before = ts(1, 9, 0)
    export = _export(tmp_path, {"incident-42": [
        reply("U2", "same thing again today", ts(2, 14, 0), before),
        reply("U3", "yes", ts(2, 14, 1), before), *INCIDENT]})
    parsed = parse_slack(export)
    assert [r.text for r in parsed.rows[:3]] == [
        MISSING_PARENT,
        "↳ reply to (message not in the export) 2026-03-01 09:00 UTC: same thing again today",
        "↳ reply to (message not in the export) 2026-03-01 09:00 UTC: yes"]
    assert parsed.rows[0].external_id.endswith(f"{before}:missing")
    assert any(n.startswith("threads whose first message is not in the export (deleted without a trace, "
                            "or older than the export)") for n in parsed.notices)


def test_a_message_deleted_event_makes_its_thread_parent_deleted(tmp_path: Path) -> None:
    """Slack's hidden 'message_deleted' event names the deleted ts: the thread's parent is deleted, not
    merely missing."""
    gone = ts(2, 14, 30)
    deleted = {"type": "message", "subtype": "message_deleted", "hidden": True, "deleted_ts": gone,
               "ts": ts(2, 14, 40)}
    export = _export(tmp_path, {"incident-42": [reply("U2", "why?", ts(2, 14, 31), gone), deleted]})
    assert _texts(export) == [DELETED_PARENT, "↳ reply to (deleted message) 14:30 UTC: why?"]


def test_a_thread_ts_that_is_no_time_still_names_something(tmp_path: Path) -> None:
    """thread_ts "abc": nothing can stand at its time, and the reply still says it answers a message
    not in the export."""
    export = _export(tmp_path, {"incident-42": [reply("U2", "odd", ts(2, 14, 0), "abc")]})
    parsed = parse_slack(export)
    assert [r.text for r in parsed.rows] == ["↳ reply to (message not in the export): odd"]
    assert parsed.problems == ()


def test_stand_ins_never_take_a_real_messages_id(library: Library, tmp_path: Path) -> None:
    """An export without the thread's parent, then one with it: the parent is added (not taken for the
    stand-in already there), and importing either again adds nothing."""
    review_id = _review(library)
    replies = [reply("U2", "on it", ts(2, 14, 4), THREAD)]
    without = write_folder(tmp_path / "without", export_files({"incident-42": replies}))
    full = write_zip(tmp_path / "full.zip", export_files({"incident-42": [*INCIDENT[:1], *replies]}))
    for path, added in ((without, 2), (full, 1), (without, 0), (full, 0)):
        with library.begin() as session:
            preview = preview_slack(session, review_id, path)
            assert import_events(session, review_id, preview) == added


# Markup in an export.

def test_group_here_and_channel_mentions_keep_their_at(tmp_path: Path) -> None:
    """<!group>, <!here>, <!channel> read as @group, @here, @channel."""
    export = _export(tmp_path, {"incident-42": [
        message("U1", "<!group> <!here|here> <!channel> sev2", THREAD)]})
    assert _texts(export) == ["@group @here @channel sev2"]


def test_emoji_shortcodes_in_an_export_become_emoji(tmp_path: Path) -> None:
    """:simple_smile: and :+1: become the emoji; a custom :partyblob: and 14:02:30 stay as written."""
    export = _export(tmp_path, {"incident-42": [
        message("U1", "fixed at 14:02:30 :simple_smile: :+1: :partyblob:", THREAD)]})
    assert _texts(export) == ["fixed at 14:02:30 🙂 👍 :partyblob:"]


# Renamed channels.

RENAMED = {"inc-42-checkout": [*INCIDENT, rename("U1", "incident-42", "inc-42-checkout", ts(2, 14, 40))]}


@pytest.mark.parametrize("asked", ["incident-42", "#incident-42", "inc-42-checkout", "C1"])
def test_a_renamed_channel_is_found_by_its_old_name_with_a_notice(tmp_path: Path, asked: str) -> None:
    """--channel incident-42 reads #inc-42-checkout (the rename message says so); whichever name it is
    asked by, the notice names the rename and events carry the current name."""
    parsed = parse_slack(_export(tmp_path, RENAMED), channel=asked)
    assert parsed.channel == "inc-42-checkout"
    assert "#incident-42 is now #inc-42-checkout" in parsed.notices
    assert {r.source for r in parsed.rows} == {"slack #inc-42-checkout"}


def test_the_rename_itself_is_an_event(tmp_path: Path) -> None:
    """Like a topic change, a rename is part of the channel's story: it is imported."""
    assert _texts(_export(tmp_path, RENAMED))[-1] == (
        '@Priya has renamed the channel from "incident-42" to "inc-42-checkout"')


def test_previous_names_in_channels_json_are_accepted(tmp_path: Path) -> None:
    """channels.json's previous_names is enough, without a rename message."""
    listed = [channel("C1", "inc-42-checkout", previous_names=["incident-42", 7])]
    export = _export(tmp_path, {"inc-42-checkout": INCIDENT}, listed=listed)
    parsed = parse_slack(export, channel="incident-42")
    assert (parsed.channel, parsed.notices[0]) == ("inc-42-checkout", "#incident-42 is now #inc-42-checkout")


def test_a_chain_of_renames_leads_to_the_current_name(tmp_path: Path) -> None:
    """incident-42 → inc-42 → inc-42-checkout: both old names lead to the channel, both are noted."""
    messages = [*INCIDENT, rename("U1", "incident-42", "inc-42", ts(2, 14, 40)),
                rename("U2", "inc-42", "inc-42-checkout", ts(2, 15, 0))]
    parsed = parse_slack(_export(tmp_path, {"inc-42-checkout": messages}), channel="incident-42")
    assert parsed.notices[:2] == ("#incident-42 is now #inc-42-checkout", "#inc-42 is now #inc-42-checkout")


def test_a_current_name_wins_over_an_old_one(tmp_path: Path) -> None:
    """#ops was renamed #ops-old, and a new #ops was made: --channel ops reads the new #ops."""
    export = _export(tmp_path, {"ops": [message("U1", "new ops", THREAD)],
                                "ops-old": [message("U2", "old ops", THREAD), rename("U2", "ops", "ops-old",
                                                                                     ts(2, 15, 0))]})
    assert _texts(export, channel="ops") == ["new ops"]


def test_a_private_channel_renamed_is_found_by_its_old_name(tmp_path: Path) -> None:
    """groups.json lists private channels; their rename messages are 'group_name'."""
    messages = [message("U1", "rotating keys", THREAD),
                rename("U1", "sec-42", "sec-incident", ts(2, 15, 0), "group_name")]
    files = export_files({"sec-incident": messages}, listed=[], groups=[channel("G1", "sec-incident")])
    parsed = parse_slack(write_folder(tmp_path / "export", files), channel="sec-42")
    assert (parsed.channel, parsed.rows[0].text) == ("sec-incident", "rotating keys")


def test_an_unknown_name_is_refused_listing_the_channels(tmp_path: Path) -> None:
    """A name no channel ever had: refused, naming the channels there are."""
    with pytest.raises(SourceError, match=r"no channel 'incident-41' .*\(channels: inc-42-checkout\)"):
        parse_slack(_export(tmp_path, RENAMED), channel="incident-41")


# Several channels.

SEVERAL = {"incident-42": INCIDENT,
           "incident-42-comms": [message("U3", "customers told", ts(2, 14, 3)),
                                 message("U1", "all clear sent", ts(2, 14, 45))],
           "random": [message("U2", "lunch?", ts(2, 12, 0))]}


def test_several_channels_are_one_timeline_each_event_marked(tmp_path: Path) -> None:
    """Two channels: threads stay whole, channels interleave by time, the source names the channel."""
    parsed = parse_slack(_export(tmp_path, SEVERAL), channels=["incident-42", "#incident-42-comms"])
    assert [(r.source, r.text.split(":")[0]) for r in parsed.rows] == [
        ("slack #incident-42", "Config push to checkout-eu is failing validation, rolling back now"),
        ("slack #incident-42", "↳ reply to Priya 14"),
        ("slack #incident-42", "↳ reply to Priya 14"),
        ("slack #incident-42-comms", "customers told"),
        ("slack #incident-42", "status page updated"),
        ("slack #incident-42", "errors dropping"),
        ("slack #incident-42-comms", "all clear sent"),
    ]
    assert [r.row for r in parsed.rows] == list(range(1, 8))
    assert isinstance(parsed, SlackTimeline) and parsed.channel is None
    assert parsed.read_channels == ("incident-42", "incident-42-comms")
    assert "events by channel (each event's source names its channel): #incident-42 5, " \
           "#incident-42-comms 2" in parsed.notices


def test_a_channel_asked_twice_is_read_once(tmp_path: Path) -> None:
    """By its old and its current name: one channel, each event once."""
    parsed = parse_slack(_export(tmp_path, RENAMED), channels=["incident-42", "inc-42-checkout"])
    assert (parsed.read_channels, len(parsed.rows)) == (("inc-42-checkout",), 6)


def test_all_channels_reads_every_channel_with_messages(tmp_path: Path) -> None:
    """all_channels: each channel with day files, by name; a listed channel without any is not one."""
    listed = [channel("C1", "incident-42"), channel("C2", "incident-42-comms"), channel("C3", "random"),
              channel("C4", "empty")]
    parsed = parse_slack(_export(tmp_path, SEVERAL, listed=listed), all_channels=True)
    assert parsed.read_channels == ("incident-42", "incident-42-comms", "random")
    assert {r.source for r in parsed.rows} == {"slack #incident-42", "slack #incident-42-comms",
                                               "slack #random"}
    assert len({r.external_id for r in parsed.rows}) == len(parsed.rows) == 8


def test_a_person_in_two_channels_is_one_participant(library: Library, tmp_path: Path) -> None:
    """Priya writes in both channels: one participant, named the same on every event."""
    review_id = _review(library)
    with library.begin() as session:
        preview = preview_slack(session, review_id, _export(tmp_path, SEVERAL), all_channels=True)
    assert sorted(preview.new_participants) == ["Bo Chen", "Priya", "cleo"]
    assert {r.participants for r in preview.rows if r.source == "slack #incident-42-comms"} == {("cleo",),
                                                                                              ("Priya",)}


def test_channels_by_name_and_all_channels_together_are_refused(tmp_path: Path) -> None:
    """Asking for some channels and for all of them is a contradiction, refused naming the field."""
    with pytest.raises(InvalidFieldError, match="channel: choose channels by name or all of them, not both"):
        parse_slack(_export(tmp_path, SEVERAL), channels=["random"], all_channels=True)


def test_channel_counts_say_what_each_channel_adds(library: Library, tmp_path: Path) -> None:
    """After #incident-42 alone, all channels add the other two and find #incident-42's events there."""
    review_id = _review(library)
    export = _export(tmp_path, SEVERAL)
    with library.begin() as session:
        import_events(session, review_id, preview_slack(session, review_id, export, channel="incident-42"))
        preview = preview_slack(session, review_id, export, all_channels=True)
    assert channel_counts(preview) == [("incident-42", 0, 5), ("incident-42-comms", 2, 0), ("random", 1, 0)]


# What is skipped, what is imported: HOUSEKEEPING is the one list.

@pytest.mark.parametrize("subtype", sorted(HOUSEKEEPING))
def test_each_housekeeping_subtype_is_skipped_and_counted(tmp_path: Path, subtype: str) -> None:
    """Every subtype of the list is left out, and the notice names it."""
    item = {"type": "message", "subtype": subtype, "user": "U1", "text": "housekeeping", "ts": ts(2, 14, 50)}
    parsed = parse_slack(_export(tmp_path, {"incident-42": [*INCIDENT, item]}))
    assert "housekeeping" not in [r.text for r in parsed.rows]
    assert f"housekeeping messages skipped: 1 (1 {subtype.replace('_', ' ')})" in parsed.notices


@pytest.mark.parametrize("subtype", ["channel_topic", "channel_purpose", "channel_name", "thread_broadcast",
                                     "file_share", "me_message", "bot_message", "huddle_thread", None])
def test_other_messages_are_imported(tmp_path: Path, subtype: str | None) -> None:
    """Topic, purpose and name changes, broadcasts, files, /me, bots, and subtypes nobody knows yet."""
    item = {"type": "message", "user": "U1", "text": "kept", "ts": ts(2, 14, 50),
            **({"subtype": subtype} if subtype else {})}
    parsed = parse_slack(_export(tmp_path, {"incident-42": [item]}))
    assert [r.text.removeprefix(": ") for r in parsed.rows] == ["kept"] and parsed.skipped == 0
