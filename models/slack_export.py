"""Timelines from a Slack export: the folder or .zip Slack's export tool writes.

An export holds ``users.json``, ``channels.json`` (and ``groups.json`` for
private channels) and one folder per channel with a JSON file per day
(``general/2026-03-02.json``) listing that day's messages. Day files follow
the workspace's local dates, so times come from each message's ``ts`` (Unix
seconds, UTC), never from the file name.

Each message of the chosen channels (one, several, or all of them) becomes a
``communication`` event with the source "slack #channel", so that with several
channels every event says which one it came from. Its author becomes a
participant, by the name people know them by: the message's ``user_profile`` (display name, else real name),
else ``users.json`` (real name, display name, user name), else the user id.
Bot and integration messages (alerts, deploys) are kept without a participant;
their text comes from their attachments when the message has none. Slack
markup becomes readable text (``<@U1>`` → "@Ana", ``<#C1|ops>`` → "#ops",
``<https://x|docs>`` → "docs (https://x)", ``<!here>`` → "@here", ``&amp;`` →
"&", ``:simple_smile:`` → "🙂"), and access tokens Slack puts in file links
(``?t=xoxe-…``) are taken out. An edited message keeps its current text,
marked "(edited)".

Threads: replies follow their parent in the preview, and every reply names
the message it answers, because the timeline sorts events by time and other
messages come between: "↳ reply to Priya 14:02 “Rolling back the config…”:
done" (the parent's author, its time in the review's timezone, its first
words). A thread whose parent was deleted (a ``tombstone``) gets a
"(deleted message)" event at the parent's time, once; one whose parent is not
in the export at all (deleted without a trace, or older than the export's
dates) gets "(message not in the export)"; the replies name that.

:data:`HOUSEKEEPING` is the one list of what is skipped (joins, leaves,
integrations added or removed, pins, reminders, archiving, deleted messages,
hidden edit and reply events); the preview says how many of each. Everything
else is imported, unknown subtypes for what they hold. Topic, purpose and name
changes are kept: in an incident channel they often carry the status
("Mitigated, monitoring"). A channel is found by its name, its id, or a name
it had before (``previous_names`` in channels.json, or a ``channel_name``
rename message): the notices then say "#old-name is now #new-name".

A zip is read in memory, member by member, never extracted; one that would
unpack to more than :data:`MAX_UNPACKED_BYTES` is refused (a folder's files
count against the same budget).

Exports are data from elsewhere, so every value is type-checked before use (a
``subtype`` that is a list, ``attachments: 5``): a message of an unknown shape
is read for what it holds or skipped, never a ``TypeError``. A ``ts`` outside
1900–2200 is a problem naming the day file and message. Files that cannot be
read (corrupt deflate data, JSON nested a thousand deep, a 5,000-digit number)
are refused naming the file or zip member; unpaired UTF-16 surrogates in the
JSON (``"\\ud83d"`` alone, half an emoji) read as "\ufffd" and the preview says
how many. Anything else unexpected still ends as one :class:`SourceError`
naming the export and the member (and message) being read.

People: every author becomes a participant, and so does everyone a message
of the channel mentions (``<@U2>``, also "<@U2> has joined the channel") who
has a name, so that the review knows everybody its events name and everybody
who was pulled into the channel. Each participant carries the other names Slack knows them by
(handle, display name, real name, first name) as ``aliases``: an anonymized
report hides "@ana" as well as "Ana Lima".
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.orm import Session

from models import reviews
from models.errors import DomainError, InvalidFieldError
from models.limits import RANGE_TEXT, check_moment
from models.timeline_import import (
    MAX_EXTERNAL_ID,
    MAX_NAME,
    ImportPreview,
    ImportProblem,
    ParsedRow,
    ParsedTimeline,
    make_preview,
    review_zone,
)
from models.yamlsource import SourceError

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
REPLY_MARK = "↳ "
EDITED_MARK = " (edited)"
#: The event that stands for a thread's parent that was deleted (Slack left a tombstone).
DELETED_PARENT = "(deleted message)"
#: The event that stands for a thread's parent the export does not hold (deleted without a
#: trace, or older than the export's first day).
MISSING_PARENT = "(message not in the export)"

#: Message subtypes that say nothing about the incident: skipped, and counted in the preview.
#: This is the one list; everything else is imported. A ``tombstone`` that has replies becomes
#: a :data:`DELETED_PARENT` event all the same, so that its replies have something to answer.
HOUSEKEEPING = frozenset((
    "channel_join", "channel_leave", "group_join", "group_leave", "member_joined_channel",
    "member_left_channel", "bot_add", "bot_remove", "bot_enable", "bot_disable", "app_conversation_join",
    "pinned_item", "unpinned_item", "reminder_add", "reminder_delete", "tombstone", "message_deleted",
    "joiner_notification", "slackbot_response", "channel_archive", "channel_unarchive", "group_archive",
    "group_unarchive", "message_changed", "message_replied",
))
#: Subtypes that rename a channel; they carry ``old_name`` and ``name``.
RENAME_SUBTYPES = frozenset(("channel_name", "group_name"))

_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_MARKUP = re.compile(r"<([^<>\n]*)>")
_TOKEN_PARAM = re.compile(r"(?<=[?&])[^=&#]*=xox[a-z]-[^&#]*&?")
_SCHEMES = ("https://", "http://", "mailto:", "tel:")
#: An escaped UTF-16 surrogate in raw JSON: only then can a decoded string hold an unpaired one.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECONDS_PER_YEAR = 365.2425 * 86400
#: What a zip member can raise while it is inflated: a bad CRC or header, corrupt deflate data,
#: a compression method Python lacks, an encrypted member, a truncated file.
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError,
                    ValueError)


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str
    #: Names the channel had before (channels.json's ``previous_names``).
    previous: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlackTimeline(ParsedTimeline):
    """A Slack export read: a :class:`ParsedTimeline` that also knows which channels were read."""

    #: The channels read, by their current name, in the order asked (all: by name).
    read_channels: tuple[str, ...] = ()


class _Export:
    """The files of an export, from a folder or a zip, by their path inside it ("general/2026-03-02.json").

    ``where`` names what is being read right now (a member, a message of it), for
    the message of an error nobody foresaw; ``repaired`` counts the strings whose
    unpaired surrogates were replaced.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = ""
        self.repaired = 0
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._read_bytes = 0
        if path.is_dir():
            self._names = self._folder_names(path)
        else:
            self._names = self._zip_names(path)
        if "users.json" not in self._names or "channels.json" not in self._names:
            self.close()
            raise SourceError("not a Slack export: users.json and channels.json are missing "
                              f"(export a workspace from Slack and pick the {self._what()})", path=str(path))

    def _what(self) -> str:
        return ".zip it gives you" if self._zip is not None else "folder that holds them"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def names(self) -> set[str]:
        return self._names

    def read_json(self, name: str) -> Any:
        """The parsed JSON of member ``name``; ``SourceError`` naming it when it is not JSON."""
        return self.decode_json(name, self.read(name))

    def decode_json(self, name: str, data: bytes) -> Any:
        """``data`` parsed as JSON; ``SourceError`` naming ``name`` for anything that is not usable JSON."""
        self.where = name
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: not UTF-8 text (byte {exc.start})", path=str(self.path)) from exc
        except json.JSONDecodeError as exc:
            raise SourceError(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                              path=str(self.path)) from exc
        except RecursionError as exc:
            raise SourceError(f"{name}: JSON nested too deeply to read (a Slack export nests a few levels)",
                              path=str(self.path)) from exc
        except ValueError as exc:  # a number with more digits than Python converts (4,300)
            reason = _first_line(exc).split(":", 1)[0]
            raise SourceError(f"{name}: not usable JSON ({reason})", path=str(self.path)) from exc
        if _ESCAPED_SURROGATE.search(data):
            value = self._repair(value)
        return value

    def _repair(self, value: Any) -> Any:
        """``value`` with unpaired surrogates in its strings replaced by U+FFFD (no recursion)."""
        def fix(item: Any) -> Any:
            if isinstance(item, str) and _SURROGATE.search(item):
                self.repaired += 1
                return _SURROGATE.sub("\ufffd", item)
            return item

        value = fix(value)
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                for index, item in enumerate(node):
                    node[index] = fix(item)
                    if isinstance(item, (list, dict)):
                        stack.append(item)
            elif isinstance(node, dict):
                for key, item in node.items():
                    node[key] = fix(item)
                    if isinstance(item, (list, dict)):
                        stack.append(item)
        return value

    def read(self, name: str) -> bytes:
        """The bytes of member ``name`` (within the export's reading budget, zip or folder)."""
        self.where = name
        budget = MAX_UNPACKED_BYTES - self._read_bytes
        if self._zip is None:
            try:
                file = self.path / name
                if file.stat().st_size > budget:
                    raise self._too_big()
                data = file.read_bytes()
            except OSError as exc:
                raise SourceError(f"{name}: cannot read it: {exc.strerror or exc}", path=str(self.path)) \
                    from exc
        else:
            info = self._members[name]
            try:
                with self._zip.open(info) as member:
                    # Read one byte past the budget: the sizes in a zip's directory can lie.
                    data = member.read(budget + 1)
            except _ZIP_READ_ERRORS as exc:
                raise SourceError(f"{name}: cannot read it from the zip ({_first_line(exc)}); the zip is "
                                  "damaged: download or export it again", path=str(self.path)) from exc
        self._read_bytes += len(data)
        if len(data) > budget:
            raise self._too_big()
        return data

    def _too_big(self) -> SourceError:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        if self._zip is None:
            return SourceError(f"the export's files hold more than {limit} MB, more than a Slack export "
                               "import reads; refused", path=str(self.path))
        return SourceError(f"the zip unpacks to more than {limit} MB, more than a Slack export import "
                           "reads; refused (is it a zip bomb?)", path=str(self.path))

    @staticmethod
    def _folder_names(path: Path) -> set[str]:
        names: set[str] = set()
        try:
            for entry in path.iterdir():
                if entry.is_file() and entry.suffix == ".json":
                    names.add(entry.name)
                elif entry.is_dir():
                    names.update(f"{entry.name}/{day.name}" for day in entry.iterdir()
                                 if day.is_file() and _DAY_FILE.fullmatch(day.name))
        except OSError as exc:
            raise SourceError(f"cannot read the folder: {exc.strerror or exc}", path=str(path)) from exc
        return names

    def _zip_names(self, path: Path) -> set[str]:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
            # A damaged central directory raises any of these, depending on where the damage is.
            raise SourceError("not a zip file, or a damaged one (a Slack export is a .zip or the folder "
                              "unpacked from it)", path=str(path)) from exc
        except OSError as exc:
            raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
        infos = [i for i in self._zip.infolist()
                 if not i.is_dir() and not i.filename.startswith(("__MACOSX/", "/"))]
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            self._zip.close()
            raise self._too_big()
        # Some tools zip the export folder itself: read from where users.json is.
        tops = sorted((i.filename for i in infos if PurePosixPath(i.filename).name == "users.json"),
                      key=lambda n: (n.count("/"), n))
        prefix = tops[0][: -len("users.json")] if tops else ""
        for info in infos:
            if info.filename.startswith(prefix):
                inner = info.filename[len(prefix):]
                parts = inner.split("/")
                if len(parts) == 1 or (len(parts) == 2 and _DAY_FILE.fullmatch(parts[1])):
                    self._members[inner] = info
        return set(self._members)


def slack_channels(path: Path) -> list[str]:
    """The names of the export's channels that have messages, sorted; ``SourceError`` if it is no export."""
    with _opened(path) as export:
        return [c.name for c in _channels(export)]


def parse_slack(path: Path, *, channel: str | None = None, channels: Sequence[str] = (),
                all_channels: bool = False, zone: tzinfo | None = None) -> SlackTimeline:
    """Read channels of a Slack export: ``channel`` and ``channels`` by name, old name or id, or
    ``all_channels``; with none of them, the export's only channel.

    A reply names its parent's time in ``zone`` (the review's timezone); without
    one, in UTC, and it says so. Several channels are read as one timeline: their
    threads interleaved by time, each event's source naming its channel.
    """
    named = (_channel_name(c) for c in (channel, *channels) if isinstance(c, str))
    wanted = list(dict.fromkeys(name for name in named if name))
    if all_channels and wanted:
        raise InvalidFieldError("channel", "choose channels by name or all of them, not both")
    with _opened(path) as export:
        listed = _channels(export)
        renamed: dict[str, list[str]] = {}
        if all_channels:
            chosen = listed
        elif not wanted:
            chosen = [_choose(listed, None, path)]
        else:
            chosen, renamed = _resolve(export, listed, wanted)
        people = _users(export.read_json("users.json"))
        all_named = {c.id: c.name for c in _all_channels(export)}
        return _Reader(export, chosen, people, all_named, tuple(c.name for c in listed), zone=zone,
                       renamed=renamed).read()


@contextmanager
def _opened(path: Path) -> Iterator[_Export]:
    """The export at ``path``, closed afterwards; the one boundary of this loader.

    ``SourceError`` and domain errors pass as they are. Anything else is a case
    the checks above did not foresee: it still becomes one ``SourceError`` naming
    the export and what was being read, never a traceback.
    """
    export: _Export | None = None
    try:
        export = _Export(path)
        yield export
    except (SourceError, DomainError):
        raise
    except Exception as exc:
        where = f"{export.where}: " if export is not None and export.where else ""
        raise SourceError(f"{where}cannot be read ({type(exc).__name__}: {_first_line(exc)})",
                          path=str(path)) from exc
    finally:
        if export is not None:
            export.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def preview_slack(session: Session, review_id: int, path: Path, *, channel: str | None = None,
                  channels: Sequence[str] = (), all_channels: bool = False) -> ImportPreview:
    """Channels of the Slack export at ``path`` as events for ``review_id`` (see :func:`parse_slack`).

    Replies name their parent's time in the review's timezone.
    """
    zone = review_zone(reviews.get_or_raise(session, review_id).timezone)
    return make_preview(session, review_id, parse_slack(path, channel=channel, channels=channels,
                                                        all_channels=all_channels, zone=zone))


def channel_counts(preview: ImportPreview) -> list[tuple[str, int, int]]:
    """For each channel a Slack preview read: its name, the events it adds, those already there."""
    parsed = preview.parsed
    if not isinstance(parsed, SlackTimeline):
        return []
    new = Counter(row.source for row in preview.rows)
    every = Counter(row.source for row in parsed.rows)
    return [(name, new[_source(name)], every[_source(name)] - new[_source(name)])
            for name in parsed.read_channels]


def _source(channel: str) -> str:
    """The source of a channel's events: "slack #incident-42"."""
    return f"slack #{channel}"


class ChannelChoiceError(SourceError):
    """The export has several channels and none was chosen."""

    def __init__(self, path: Path, channels: list[str]) -> None:
        super().__init__(f"the export has {len(channels)} channels, choose one: {', '.join(channels)}",
                         path=str(path))
        self.channels = channels


def render_markup(text: str, users: dict[str, str], channels: dict[str, str],
                  mentions: dict[str, str] | None = None) -> str:
    """Slack's message markup as plain text a person reads.

    ``mentions``, when given, collects the users mentioned: id → the label the
    mention carried ("" without one).
    """
    out: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        out.append(_emoji(_unescape(text[last:match.start()])))
        out.append(_render_token(match.group(1), users, channels, mentions))
        last = match.end()
    out.append(_emoji(_unescape(text[last:])))
    return "".join(out)


#: Slack's own names for emoji that the emoji package spells otherwise.
SLACK_EMOJI = {"simple_smile": "slightly_smiling_face", "thumbsup": "+1", "thumbsdown": "-1",
               "white_frowning_face": "frowning_face", "party_parrot": "parrot"}
_SHORTCODE = re.compile(r":([a-z0-9_+\-]{1,64}):")


def _emoji(text: str) -> str:
    """Emoji shortcodes (``:simple_smile:``, ``:+1:``) as the emoji; unknown ones (custom) stay as typed."""
    if ":" not in text:
        return text
    import emoji  # only Slack exports need it

    def one(match: re.Match[str]) -> str:
        name = SLACK_EMOJI.get(match.group(1), match.group(1))
        shown = emoji.emojize(f":{name}:", language="alias")
        return match.group(0) if shown == f":{name}:" else shown

    return _SHORTCODE.sub(one, text)


def strip_tokens(url: str) -> str:
    """``url`` without query parameters that carry Slack access tokens (``?t=xoxe-…``)."""
    cleaned = _TOKEN_PARAM.sub("", url)
    return re.sub(r"[?&]+(?=#|$)", "", cleaned)


def _render_token(inner: str, users: dict[str, str], channels: dict[str, str],
                  mentions: dict[str, str] | None) -> str:
    target, _bar, label = inner.partition("|")
    label = _unescape(label)
    if target.startswith("@"):
        ident = target[1:]
        if mentions is not None and ident:
            mentions.setdefault(ident, " ".join(label.lstrip("@").split()))
        return "@" + (users.get(ident) or label.lstrip("@") or ident)
    if target.startswith("#"):
        ident = target[1:]
        return "#" + (label.lstrip("#") or channels.get(ident) or ident)
    if target.startswith("!"):
        command = target[1:]
        if command in ("here", "channel", "everyone", "group"):
            return "@" + command
        name = command.split("^", 1)[0]
        return label or ("@" + name if name in ("subteam",) else name)
    url = strip_tokens(_unescape(target))
    if not label:
        return url.removeprefix("mailto:")
    bare = url
    for scheme in _SCHEMES:
        bare = bare.removeprefix(scheme)
    if label in (url, bare) or label.rstrip("/") == bare.rstrip("/"):
        return label
    return f"{label} ({url})"


def _bot_name(data: dict[str, Any]) -> str:
    """The name a bot or integration posts under ("PagerDuty"), or ""."""
    profile = data.get("bot_profile")
    for candidate in (data.get("username"), profile.get("name") if isinstance(profile, dict) else None):
        if isinstance(candidate, str) and candidate.strip():
            return " ".join(candidate.split())
    return ""


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _all_channels(export: _Export) -> list[SlackChannel]:
    found: list[SlackChannel] = []
    for listing in ("channels.json", "groups.json"):
        if listing not in export.names():
            continue
        data = export.read_json(listing)
        if not isinstance(data, list):
            raise SourceError(f"{listing}: should list channels", path=str(export.path))
        for item in data:
            if not isinstance(item, dict):
                continue
            name, ident, previous = item.get("name"), item.get("id"), item.get("previous_names")
            if isinstance(name, str) and name.strip():
                found.append(SlackChannel(
                    id=ident if isinstance(ident, str) and ident.strip() else name, name=name,
                    previous=tuple(_channel_name(old) for old in previous if isinstance(old, str)
                                   and _channel_name(old)) if isinstance(previous, list) else ()))
    return found


def _channel_name(text: str) -> str:
    """A channel's name as people write it ("#incident-42", " incident-42") as the export does."""
    return text.strip().removeprefix("#").strip()


def _channels(export: _Export) -> list[SlackChannel]:
    """The listed channels that have day files, by name, each name once (its folder is read once)."""
    folders = {name.split("/", 1)[0] for name in export.names() if "/" in name}
    named: dict[str, SlackChannel] = {}
    for candidate in _all_channels(export):
        if candidate.name in folders:
            named.setdefault(candidate.name, candidate)
    channels = sorted(named.values(), key=lambda c: c.name)
    if not channels:
        raise SourceError("not a Slack export: no channel has day files (channel/YYYY-MM-DD.json)",
                          path=str(export.path))
    return channels


def _choose(channels: list[SlackChannel], wanted: str | None, path: Path) -> SlackChannel:
    if wanted is None or not wanted.strip():
        if len(channels) == 1:
            return channels[0]
        raise ChannelChoiceError(path, [c.name for c in channels])
    name = _channel_name(wanted)
    for candidate in channels:
        if candidate.name == name or candidate.id == name:
            return candidate
    raise _no_channel(name, channels, path)


def _no_channel(name: str, channels: list[SlackChannel], path: Path) -> SourceError:
    return SourceError(f"no channel {name!r} with messages in the export (channels: "
                       f"{', '.join(c.name for c in channels)})", path=str(path))


def _resolve(export: _Export, channels: list[SlackChannel],
             wanted: list[str]) -> tuple[list[SlackChannel], dict[str, list[str]]]:
    """The channels ``wanted`` names, each once, and channel name → the old names it was asked by.

    A current name or id wins; then a name from channels.json's ``previous_names``;
    then one from a rename message, for which the day files are read (only then).
    """
    chosen: dict[str, SlackChannel] = {}  # by name: one folder, read once
    renamed: dict[str, list[str]] = {}
    old_names: dict[str, SlackChannel] | None = None
    for name in wanted:
        found = next((c for c in channels if c.name == name or c.id == name), None)
        if found is None:
            found = next((c for c in channels if name in c.previous), None)
            if found is None:
                if old_names is None:
                    old_names = _renamed_from(export, channels)
                found = old_names.get(name)
            if found is None:
                raise _no_channel(name, channels, export.path)
            renamed.setdefault(found.name, []).append(name)
        chosen.setdefault(found.name, found)
    return list(chosen.values()), renamed


def _renamed_from(export: _Export, channels: list[SlackChannel]) -> dict[str, SlackChannel]:
    """Old name → the channel a rename message in its day files says it became (the latest rename
    of a name wins). Files that cannot be read are left to the import to report."""
    found: dict[str, tuple[tuple[int, int], SlackChannel]] = {}
    for channel in channels:
        prefix = channel.name + "/"
        for name in sorted(n for n in export.names() if n.startswith(prefix)):
            try:
                data = export.read_json(name)
            except SourceError:
                continue
            for item in data if isinstance(data, list) else ():
                if not isinstance(item, dict) or not _is_rename(item):
                    continue
                old = _channel_name(_text_value(item.get("old_name")))
                moment = _parse_ts(item.get("ts")) or (0, 0)
                if old and (old not in found or found[old][0] < moment):
                    found[old] = (moment, channel)
    return {old: channel for old, (_moment, channel) in found.items()}


def _is_rename(item: dict[str, Any]) -> bool:
    subtype = item.get("subtype")
    return isinstance(subtype, str) and subtype in RENAME_SUBTYPES


def _users(data: Any) -> dict[str, list[str]]:
    """User id → every name users.json gives them, the one people know them by first.

    The first is the participant's name (real name, else display name, else the
    handle); the rest become the participant's aliases.
    """
    people: dict[str, list[str]] = {}
    if not isinstance(data, list):
        return people
    for user in data:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
            continue
        profile: dict[str, Any] = user["profile"] if isinstance(user.get("profile"), dict) else {}
        names = _names_of(user.get("real_name"), profile.get("real_name"), profile.get("display_name"),
                          user.get("name"), profile.get("real_name_normalized"),
                          profile.get("display_name_normalized"), profile.get("first_name"))
        if names:
            people[user["id"]] = names
    return people


def _names_of(*candidates: Any) -> list[str]:
    """The candidates that are names, tidied, each once (any case), in order; then their first names."""
    names: dict[str, str] = {}
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            name = " ".join(candidate.split())
            names.setdefault(name.casefold(), name)
    for name in list(names.values()):
        first = name.split(" ", 1)[0]
        if first != name and len(first) > 1:
            names.setdefault(first.casefold(), first)
    return list(names.values())


def _parse_ts(value: Any) -> tuple[int, int] | None:
    """A Slack ``ts`` ("1452837318.000002") as (seconds, microseconds), exactly; None if it is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,12}(\.\d{1,9})?", value):
        return None
    seconds, _dot, fraction = value.partition(".")
    return int(seconds), int((fraction + "000000")[:6])


def _ts_moment(seconds: int, micros: int) -> datetime:
    """A ``ts`` as a UTC time; ``InvalidFieldError`` for "ts" when it is outside 1900–2200."""
    try:
        moment = _EPOCH + timedelta(seconds=seconds, microseconds=micros)
    except OverflowError:
        year = int(1970 + seconds / _SECONDS_PER_YEAR)
        raise InvalidFieldError("ts", f"the year {year} is outside the years {RANGE_TEXT}") from None
    return check_moment(moment, field="ts")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _text_value(value: Any) -> str:
    """``value`` when it is a string, else "" (exports from elsewhere put anything anywhere)."""
    return value if isinstance(value, str) else ""


@dataclass
class _Message:
    file: str
    position: int
    ts: str
    moment: tuple[int, int]
    at: datetime
    thread: str | None
    data: dict[str, Any]
    #: What stands in for a thread's parent that is gone (:data:`DELETED_PARENT`,
    #: :data:`MISSING_PARENT`); "" for a message of the export.
    placeholder: str = ""

    @property
    def origin(self) -> str:
        return f"{self.file}, message {self.position}"

    @property
    def reply(self) -> bool:
        return self.thread is not None and self.thread != self.ts


@dataclass
class _ChannelRead:
    """One channel's messages as read, and what its skipped messages tell about the others."""

    channel: SlackChannel
    messages: list[_Message] = field(default_factory=list)
    #: Skipped (housekeeping) messages with a usable ts, by ts: a reply may answer one.
    hidden: dict[str, _Message] = field(default_factory=dict)
    #: The ts of messages a ``message_deleted`` event says were deleted.
    deleted: set[str] = field(default_factory=set)
    #: The channel's former names, from its rename messages and the names it was asked by.
    old_names: list[str] = field(default_factory=list)
    events: int = 0


#: A thread (or a lone message) as rows: the time of its first message, then the rows.
_Block = tuple[tuple[int, int], list[ParsedRow]]


class _Reader:
    """Reads the chosen channels' day files into rows."""

    def __init__(self, export: _Export, chosen: list[SlackChannel], people: dict[str, list[str]],
                 channels: dict[str, str], channel_names: tuple[str, ...], *, zone: tzinfo | None,
                 renamed: dict[str, list[str]]) -> None:
        self.export = export
        self.chosen = chosen
        #: User id → the name shown for them; user id → every name they are known by.
        self.users = {ident: names[0] for ident, names in people.items()}
        self.known_names = {ident: list(names) for ident, names in people.items()}
        self.channels = channels
        self.channel_names = channel_names
        self.zone = zone
        self.renamed = renamed
        self.problems: list[ImportProblem] = []
        self.skipped: Counter[str] = Counter()
        self.bot_messages = 0
        self.placeholders: Counter[str] = Counter()
        #: Users the imported messages mention: id → the mention's own label ("" without one).
        self.mentions: dict[str, str] = {}
        #: User id → participant name (set once every message's profile has been read).
        self.names: dict[str, str] = {}
        self.authors: set[str] = set()
        #: A parent's author and first words, by its ts (within one channel at a time).
        self._labels: dict[str, tuple[str, str]] = {}

    def read(self) -> SlackTimeline:
        reads = [self._read_channel(channel) for channel in self.chosen]
        self._prefer_profiles([m for read in reads for m in read.messages])
        self.names = self._unique_names()
        blocks: list[_Block] = []
        keys: set[str] = set()
        for read in reads:
            # Event ids must differ between channels: two channels.json entries with one id (a damaged
            # export) have their names added.
            key = read.channel.id if read.channel.id not in keys else f"{read.channel.id}:{read.channel.name}"
            keys.add(key)
            blocks.extend(self._blocks(read, key))
        # Threads stay together; several channels interleave by the time each thread began.
        blocks.sort(key=lambda block: block[0])
        rows = [replace(row, row=index)
                for index, row in enumerate((row for _moment, block in blocks for row in block), start=1)]
        self.export.where = ""
        mentioned = self._mentioned(self.names, self.authors)
        fields: dict[str, dict[str, Any]] = {}
        for ident in (*sorted(self.authors), *mentioned):
            name = self.names.get(ident) or self.users.get(ident) or ident
            aliases = [alias for alias in self.known_names.get(ident, ()) if alias != name]
            if aliases:
                fields[name] = {"aliases": aliases}
        return SlackTimeline(
            path=self.export.path, kind="slack", rows=tuple(rows), problems=tuple(self.problems),
            notices=tuple(self._notices(rows, reads)), skipped=sum(self.skipped.values()),
            channels=self.channel_names, channel=self.chosen[0].name if len(self.chosen) == 1 else None,
            participant_fields=fields,
            mentioned=tuple(self.names.get(i) or self.users[i] for i in mentioned),
            read_channels=tuple(c.name for c in self.chosen))

    def _mentioned(self, names: dict[str, str], authors: set[str]) -> list[str]:
        """Ids of the people the channel's messages mention (joins included) who wrote none of the
        imported ones and have a name.

        A mention of an id nobody named ("<@U9>", rendered "@U9") names nobody: it adds no participant.
        """
        found: list[str] = []
        for ident, label in self.mentions.items():
            if ident in authors:
                continue
            if ident not in self.users and label:
                self.users[ident] = label
                self.known_names[ident] = [label]
            if ident in self.users and self.users[ident] != ident:
                found.append(ident)
        return found

    def _read_channel(self, channel: SlackChannel) -> _ChannelRead:
        read = _ChannelRead(channel, old_names=list(self.renamed.get(channel.name, ())))
        prefix = channel.name + "/"
        for name in sorted(n for n in self.export.names() if n.startswith(prefix)):
            raw = self.export.read(name)
            try:
                data = self.export.decode_json(name, raw)
            except SourceError as exc:
                self.problems.append(ImportProblem(None, exc.reason))
                continue
            if not isinstance(data, list):
                self.problems.append(ImportProblem(None, f"{name}: should list messages"))
                continue
            for position, item in enumerate(data, start=1):
                self.export.where = f"{name}, message {position}"
                if not isinstance(item, dict) or item.get("type", "message") != "message":
                    continue
                subtype = item.get("subtype")
                moment = _parse_ts(item.get("ts"))
                if isinstance(subtype, str) and subtype in HOUSEKEEPING:
                    self.skipped[subtype] += 1
                    # "<@U2> has joined the channel": who was pulled into the channel is someone the
                    # review should know, even when the join itself is not an event.
                    self._render(_text_value(item.get("text")))
                    if subtype == "message_deleted" and isinstance(item.get("deleted_ts"), str):
                        read.deleted.add(item["deleted_ts"])
                    if moment is not None:
                        try:
                            at = _ts_moment(*moment)
                        except InvalidFieldError:
                            continue
                        read.hidden.setdefault(item["ts"], _Message(name, position, item["ts"], moment, at,
                                                                    _thread_of(item), item))
                    continue
                if moment is None:
                    self.problems.append(ImportProblem(
                        None, f"{name}, message {position}: ts {_short(item.get('ts'))} is not a Slack time"))
                    continue
                try:
                    at = _ts_moment(*moment)
                except InvalidFieldError as exc:
                    self.problems.append(ImportProblem(
                        None, f"{name}, message {position}: ts {item['ts']!r}: {exc.reason}"))
                    continue
                if _is_rename(item):
                    old = _channel_name(_text_value(item.get("old_name")))
                    if old and old != channel.name:
                        read.old_names.append(old)
                read.messages.append(_Message(name, position, item["ts"], moment, at, _thread_of(item), item))
        return read

    def _prefer_profiles(self, messages: list[_Message]) -> None:
        """Names from the messages' own profiles (the latest wins) over users.json; all of them are kept
        as names the person is known by."""
        for message in sorted(messages, key=lambda m: m.moment):
            profile = message.data.get("user_profile")
            user = message.data.get("user")
            if not isinstance(profile, dict) or not isinstance(user, str) or not user:
                continue
            names = _names_of(profile.get("display_name"), profile.get("real_name"), profile.get("name"),
                              profile.get("first_name"))
            if names:
                self.users[user] = names[0]
                known = self.known_names.setdefault(user, [])
                folded = {n.casefold() for n in known}
                known.extend(n for n in names if n.casefold() not in folded)

    def _unique_names(self) -> dict[str, str]:
        """User id → participant name; two people with one name get their ids added."""
        counts = Counter(name.casefold() for name in self.users.values())
        return {
            ident: (name if counts[name.casefold()] == 1 else f"{name} ({ident})")[:MAX_NAME].strip()
            for ident, name in self.users.items()
        }

    def _blocks(self, read: _ChannelRead, channel_key: str) -> list[_Block]:
        """The channel's threads and lone messages as rows, each thread's replies after their parent."""
        source = _source(read.channel.name)
        key = _external_key(channel_key, 0)
        stand_in_key = _external_key(channel_key, len(":missing"))
        messages = [*read.messages, *self._stand_ins(read)]
        by_ts: dict[str, _Message] = {}
        for message in messages:
            by_ts.setdefault(message.ts, message)
        self._labels = {}
        seen: set[str] = set()
        blocks: list[_Block] = []
        for thread in _threads(messages):
            rows: list[ParsedRow] = []
            for message in thread:
                self.export.where = message.origin
                if message.ts in seen:
                    self.skipped["repeated"] += 1
                    continue
                seen.add(message.ts)
                if message.placeholder:
                    suffix = "deleted" if message.placeholder == DELETED_PARENT else "missing"
                    self.placeholders[message.placeholder] += 1
                    rows.append(ParsedRow(row=0, at=message.at, text=message.placeholder,
                                          kind="communication", source=source, participants=(),
                                          external_id=f"slack:{stand_in_key}:{message.ts}:{suffix}",
                                          origin=message.origin))
                    continue
                row = self._row(message, read, by_ts, source, key)
                if row is not None:
                    rows.append(row)
            if rows:
                read.events += len(rows)
                blocks.append((thread[0].moment, rows))
        return blocks

    def _row(self, message: _Message, read: _ChannelRead, by_ts: dict[str, _Message], source: str,
             key: str) -> ParsedRow | None:
        text = self._text(message.data)
        if not text:
            self.skipped["empty"] += 1
            return None
        author = self._author(message.data)
        people: tuple[str, ...] = ()
        if author is not None:
            self.authors.add(author)
            people = (self.names.get(author) or author,)
        elif bot := _bot_name(message.data):
            text = f"{bot}: {text}"
        if message.reply:
            # The timeline sorts by time and other messages come between: every reply says what it
            # answers, also the one right under its parent.
            text = f"{REPLY_MARK}reply to {self._parent(message, read, by_ts)}: {text}"
        if isinstance(message.data.get("edited"), dict):
            text += EDITED_MARK
        return ParsedRow(row=0, at=message.at, text=text, kind="communication", source=source,
                         participants=people, reply=message.reply, external_id=f"slack:{key}:{message.ts}",
                         origin=message.origin)

    def _parent(self, reply: _Message, read: _ChannelRead, by_ts: dict[str, _Message]) -> str:
        """How ``reply`` names its parent: "Priya 14:02 “first words…”", "(deleted message) 14:02"."""
        thread = reply.thread or ""
        parent = by_ts.get(thread) or read.hidden.get(thread)
        if parent is None:  # the thread's ts is no time: nothing can stand in for its parent
            return MISSING_PARENT
        when = self._when(parent.at, reply.at)
        if parent.placeholder:
            return f"{parent.placeholder} {when}"
        if thread not in self._labels:
            self._labels[thread] = (self._who(parent.data), _gist(self._text(parent.data)))
        who, words = self._labels[thread]
        return f"{who} {when} {words}" if words else f"{who} {when}"

    def _when(self, parent: datetime, reply: datetime) -> str:
        """The parent's time as the review shows it: "14:02", with its date when the reply is of
        another day; in UTC, said so, when the review's timezone is not known."""
        zone = self.zone or UTC
        local = parent.astimezone(zone)
        shown = f"{local:%H:%M}"
        if local.date() != reply.astimezone(zone).date():
            shown = f"{local.date().isoformat()} {shown}"
        return shown if self.zone is not None else f"{shown} UTC"

    def _who(self, data: dict[str, Any]) -> str:
        """The name of who wrote ``data``, as its events show them (no counting, unlike _author)."""
        if _is_bot(data):
            return _bot_name(data) or "a bot"
        user = _user_of(data)
        if user is None:
            return "someone"
        return self.names.get(user) or self.users.get(user) or " ".join(user.split())

    def _stand_ins(self, read: _ChannelRead) -> list[_Message]:
        """A message for each thread whose parent is gone (deleted, or not in the export), at the
        parent's ts; none for a parent that is a skipped message of another kind (a reply names it)."""
        present = {m.ts for m in read.messages}
        made: dict[str, _Message] = {}
        for reply in sorted(read.messages, key=lambda m: m.moment):
            thread = reply.thread
            if not reply.reply or thread is None or thread in present or thread in made:
                continue
            hidden = read.hidden.get(thread)
            if hidden is not None:
                subtype = hidden.data.get("subtype")
                if subtype != "tombstone":
                    continue
                self.skipped["tombstone"] -= 1  # not skipped after all: it stands for the parent
                made[thread] = replace(hidden, thread=None, data={}, placeholder=DELETED_PARENT)
                continue
            moment = _parse_ts(thread)
            if moment is None:
                continue
            try:
                at = _ts_moment(*moment)
            except InvalidFieldError:
                continue
            label = DELETED_PARENT if thread in read.deleted else MISSING_PARENT
            made[thread] = _Message(reply.file, reply.position, thread, moment, at, None, {}, label)
        return list(made.values())

    def _author(self, data: dict[str, Any]) -> str | None:
        """The user id of the person who wrote ``data``; None for bots and integrations."""
        if _is_bot(data):
            self.bot_messages += 1
            return None
        user = _user_of(data)
        if user is None:
            return None
        if user not in self.users:
            # Known only by id: the id is the name (tidied: a participant's name has no stray spaces).
            self.users[user] = " ".join(user.split())
        return user

    def _text(self, data: dict[str, Any]) -> str:
        rendered = self._render(_text_value(data.get("text"))).strip()
        if rendered:
            return rendered
        parts: list[str] = []
        attachments = data.get("attachments")
        for attachment in attachments if isinstance(attachments, list) else ():
            if not isinstance(attachment, dict):
                continue
            own = [self._render(_text_value(attachment.get(key))).strip()
                   for key in ("pretext", "title", "text")]
            if not any(own):
                own = [self._render(_text_value(attachment.get("fallback"))).strip()]
            parts.extend(p for p in own if p)
        files: list[Any] = data["files"] if isinstance(data.get("files"), list) else [data.get("file")]
        if not parts:
            for file in files:
                if isinstance(file, dict):
                    title = _text_value(file.get("title")) or _text_value(file.get("name"))
                    title = " ".join(title.split())
                    if title:
                        parts.append(f"shared a file: {title}")
        return "\n".join(parts)

    def _render(self, text: str) -> str:
        return render_markup(text, self.users, self.channels, self.mentions) if text else ""

    def _notices(self, rows: list[ParsedRow], reads: list[_ChannelRead]) -> list[str]:
        notices: list[str] = []
        for read in reads:
            for old in dict.fromkeys(read.old_names):
                if old != read.channel.name:
                    notices.append(f"#{old} is now #{read.channel.name}")
        if len(reads) > 1:
            counts = ", ".join(f"#{read.channel.name} {read.events}" for read in reads)
            notices.append(f"events by channel (each event's source names its channel): {counts}")
        housekeeping = {k: v for k, v in self.skipped.items() if v > 0 and k not in ("empty", "repeated")}
        if housekeeping:
            listed = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(housekeeping.items()))
            notices.append(f"housekeeping messages skipped: {sum(housekeeping.values())} ({listed})")
        if self.skipped["empty"]:
            notices.append(f"messages without text skipped: {self.skipped['empty']}")
        if self.skipped["repeated"]:
            notices.append(f"messages that appear twice in the export, taken once: "
                           f"{self.skipped['repeated']}")
        if self.bot_messages:
            notices.append(f"messages from bots or integrations, imported without a participant: "
                           f"{self.bot_messages}")
        replies = sum(1 for r in rows if r.reply)
        if replies:
            notices.append(f"thread replies, placed after their parent, marked {REPLY_MARK.strip()} and "
                           f"naming the message they answer: {replies}")
        if self.placeholders[DELETED_PARENT]:
            notices.append(f"threads whose first message was deleted, shown as {DELETED_PARENT} so that "
                           f"their replies have something to answer: {self.placeholders[DELETED_PARENT]}")
        if self.placeholders[MISSING_PARENT]:
            notices.append(f"threads whose first message is not in the export (deleted without a trace, or "
                           f"older than the export), shown as {MISSING_PARENT}: "
                           f"{self.placeholders[MISSING_PARENT]}")
        if self.export.repaired:
            notices.append(f"texts with broken characters (unpaired UTF-16 surrogates, half an emoji), "
                           f"shown as \ufffd: {self.export.repaired}")
        for read in reads:
            if not read.events and not self.problems:
                notices.append(f"#{read.channel.name} has no messages to import")
        return notices


def _threads(messages: list[_Message]) -> list[list[_Message]]:
    """Top-level messages by time, each followed by its replies by time.

    Only a top-level message has replies: a "reply" to a reply (not something
    Slack writes) stands on its own, naming what it answers, and is never lost.
    """
    roots = {m.ts for m in messages if not m.reply}
    replies: dict[str, list[_Message]] = {}
    top: list[_Message] = []
    for message in messages:
        if message.reply and message.thread in roots:
            replies.setdefault(message.thread or "", []).append(message)
        else:
            top.append(message)
    threads: list[list[_Message]] = []
    for message in sorted(top, key=lambda m: m.moment):
        # A repeated parent (the same ts twice) takes the replies once.
        threads.append([message, *sorted(replies.pop(message.ts, ()), key=lambda m: m.moment)])
    return threads


def _thread_of(item: dict[str, Any]) -> str | None:
    thread = item.get("thread_ts")
    return thread if isinstance(thread, str) else None


def _is_bot(data: dict[str, Any]) -> bool:
    return data.get("subtype") == "bot_message" or bool(data.get("bot_id") and not data.get("user"))


def _user_of(data: dict[str, Any]) -> str | None:
    """The user id ``data`` was written by (a file comment's commenter), or None."""
    comment = data.get("comment")
    if data.get("subtype") == "file_comment" and isinstance(comment, dict):
        user = comment.get("user")
    else:
        user = data.get("user")
    return user if isinstance(user, str) and user.strip() else None


def _external_key(channel_id: str, suffix: int) -> str:
    """The channel's part of its events' external ids: its id, or the id's SHA-1 when "slack:<id>:<ts>"
    and ``suffix`` more characters would not fit."""
    if len(f"slack:{channel_id}:") + 22 + suffix > MAX_EXTERNAL_ID:  # 22: the longest ts
        return hashlib.sha1(channel_id.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()
    return channel_id


def _gist(text: str, limit: int = 40) -> str:
    """The first words of a message in quotes, for a reply that names what it answers; "" for none."""
    text = " ".join(text.split())
    if not text:
        return ""
    return f"“{text}”" if len(text) <= limit else f"“{text[:limit].rsplit(' ', 1)[0]}…”"
